"""A quiz's slots over HTTP: the ordered places its questions come from.

    GET    quizzes/{quiz_id}/slots/            the slots in order
    POST   quizzes/{quiz_id}/slots/            add at the end: {"question": id, "points": ...},
                                               {"questions": [ids]}, or a random slot
                                               {"category": id, "count": n,
                                                "include_subcategories": bool}
    GET PATCH DELETE quizzes/{quiz_id}/slots/{id}/   one slot; PATCH {"points": ...} overrides
                                               its points (null: the question's own); DELETE
                                               takes it out (the question stays in the bank)
    POST   quizzes/{quiz_id}/slots/reorder/    {"order": [every slot id]}

Slots are embedded in the quiz document, so each change writes that one
document and bumps the quiz's version: the ETag and If-Match of every slot
endpoint are the quiz's, as for its other endpoints. A quiz only uses its
owner's bank: questions and categories are looked up there (staff editing a
teacher's quiz name that teacher's).
"""

from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from quizzes import bank, operations
from quizzes.access import get_quiz, needed
from quizzes.api.bank import object_id_field, own_category
from quizzes.api.schema import changes, deletes, reads
from quizzes.api.serializers import CommandSerializer, SlotSerializer, points_field, slot_rows
from quizzes.api.versions import expected_version
from quizzes.api.views import ObjectIdLookupMixin, read_body, with_etag
from quizzes.models import Quiz


class SlotCreateSerializer(CommandSerializer):
    """Exactly one of `question`, `questions` (fixed slots) and `category` (a random slot)."""

    question = object_id_field(required=False, help_text=gettext_lazy("A question of the bank."))
    questions = serializers.ListField(
        child=object_id_field(),
        min_length=1,
        max_length=operations.SLOTS_MAX,
        required=False,
        help_text=gettext_lazy("Questions of the bank, each in a slot of its own, in order."),
    )
    category = object_id_field(
        required=False, help_text=gettext_lazy("A random slot draws from this category.")
    )
    count = serializers.IntegerField(
        min_value=1,
        max_value=operations.SLOTS_MAX,
        required=False,
        help_text=gettext_lazy("With category: how many questions it draws."),
    )
    include_subcategories = serializers.BooleanField(
        required=False, help_text=gettext_lazy("With category: draw from its subcategories too.")
    )
    points = points_field(required=False)

    def validate(self, data):
        given = [name for name in ("question", "questions", "category") if name in data]
        if len(given) != 1:
            raise serializers.ValidationError(_("Give one of question, questions or category."))
        errors = {}
        random = given == ["category"]
        if random and "count" not in data:
            errors["count"] = [_("This field is required.")]
        for name in ("count", "include_subcategories"):
            if name in data and not random:
                errors[name] = [_("Only for a random slot (with category).")]
        if len(set(data.get("questions", ()))) != len(data.get("questions", ())):
            errors["questions"] = [_("Name each question once.")]
        if errors:
            raise serializers.ValidationError(errors)
        return data


class SlotPointsSerializer(CommandSerializer):
    points = points_field(required=True)


class SlotOrderSerializer(CommandSerializer):
    order = serializers.ListField(
        child=object_id_field(),
        help_text=gettext_lazy("Every slot id of the quiz, each once, in the new order."),
    )


@extend_schema(tags=["slots"])
@extend_schema_view(
    list=reads("A quiz's slots, in order (not paginated)", SlotSerializer(many=True)),
    create=changes(
        "Add fixed slots (bank questions) or a random slot at the end of the quiz; "
        "answers the slots added",
        SlotCreateSerializer,
        SlotSerializer(many=True),
        201,
    ),
    retrieve=reads("One slot", SlotSerializer),
    partial_update=changes(
        "Override a slot's points (null: its questions' own)", SlotPointsSerializer, SlotSerializer
    ),
    destroy=deletes("Take a slot out of the quiz (its question stays in the bank)"),
    reorder=changes(
        "Put the slots in a new order (one write, whatever the quiz's size)",
        SlotOrderSerializer,
        SlotSerializer(many=True),
    ),
)
class SlotViewSet(ObjectIdLookupMixin, viewsets.GenericViewSet):
    """A quiz's slots. Their ETag is the quiz's version: any change to the quiz bumps it."""

    serializer_class = SlotSerializer
    pagination_class = None
    # A question already in the quiz, a full quiz; an archived quiz refuses every change.
    problem_statuses = dict.fromkeys(("create", "partial_update", "destroy", "reorder"), (409,))

    @cached_property
    def quiz(self):
        return get_quiz(self.request.user, self.kwargs["quiz_id"], needed(self.request))

    def get_queryset(self):
        return Quiz.objects.none()

    def slot(self, id):
        slot = operations.find_slot(self.quiz, id)
        if slot is None:
            raise NotFound()
        return slot

    def slots_response(self, slots, status_code=status.HTTP_200_OK):
        return with_etag(
            Response(SlotSerializer(slot_rows(slots), many=True).data, status_code), self.quiz
        )

    def slot_response(self, slot):
        return with_etag(Response(SlotSerializer(slot_rows([slot])[0]).data), self.quiz)

    def list(self, request, quiz_id=None):
        return self.slots_response(self.quiz.slots)

    def create(self, request, quiz_id=None):
        quiz = self.quiz
        version = expected_version(request, quiz)
        data = read_body(request, SlotCreateSerializer)
        before = {str(slot.uid) for slot in quiz.slots}
        if "category" in data:
            category = own_category(quiz.owner, data["category"], "category")
            operations.add_random_slot(
                quiz,
                category,
                data["count"],
                data.get("include_subcategories", False),
                version,
                points=data.get("points"),
                author=request.user,
            )
        else:
            field = "question" if "question" in data else "questions"
            ids = [data["question"]] if field == "question" else data["questions"]
            operations.add_slots(
                quiz,
                bank_questions_named(quiz.owner, ids, field),
                version,
                points=data.get("points"),
                author=request.user,
            )
        added = [slot for slot in quiz.slots if str(slot.uid) not in before]
        return self.slots_response(added, status.HTTP_201_CREATED)

    def retrieve(self, request, quiz_id=None, id=None):
        return self.slot_response(self.slot(id))

    def partial_update(self, request, quiz_id=None, id=None):
        quiz, slot = self.quiz, self.slot(id)
        version = expected_version(request, quiz)
        data = read_body(request, SlotPointsSerializer)
        operations.set_slot_points(quiz, slot.uid, data["points"], version, author=request.user)
        return self.slot_response(operations.find_slot(quiz, slot.uid))

    def destroy(self, request, quiz_id=None, id=None):
        quiz, slot = self.quiz, self.slot(id)
        operations.remove_slot(quiz, slot.uid, expected_version(request, quiz), author=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=False, methods=["post"])
    def reorder(self, request, quiz_id=None):
        quiz = self.quiz
        version = expected_version(request, quiz)
        order = read_body(request, SlotOrderSerializer)["order"]
        operations.reorder_slots(quiz, order, version, author=request.user)
        return self.slots_response(quiz.slots)


def bank_questions_named(owner, ids, field):
    """The questions `ids` of `owner`'s bank, in that order; else a 400 naming `field`."""
    found = {str(question.pk): question for question in bank.owned(owner, ids)}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise ValidationError(
            {field: [_("Not questions of the bank: %(ids)s.") % {"ids": ", ".join(missing[:5])}]}
        )
    return [found[pk] for pk in ids]
