"""A quiz's history over HTTP: its revisions (quizzes.revisions).

    GET  quizzes/{quiz_id}/revisions/                     newest first, cursor-paginated;
                                                          what each changed, no snapshot
    GET  quizzes/{quiz_id}/revisions/{number}/            one revision, with the quiz's
                                                          settings and slots after it
    POST quizzes/{quiz_id}/revisions/{number}/restore/    its settings and slots the quiz's
                                                          again, as a new revision

A revision's `number` is the quiz version its change made. Restoring is a
change of the quiz like any other: If-Match takes the quiz's ETag, the answer
is the quiz with its new ETag, an archived quiz refuses it (409 `archived`);
slots whose question (or random category) is no longer in the bank are left
out. Whoever may see the quiz may see its history; for anyone else it does
not exist (404).
"""

from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from quizzes import operations, revisions
from quizzes.access import get_quiz, needed
from quizzes.api.pagination import ListingCursorPagination
from quizzes.api.schema import changes
from quizzes.api.serializers import QuizDetailSerializer
from quizzes.api.versions import expected_version
from quizzes.api.views import QuizViewSet
from quizzes.models import Revision

NUMBER = "[0-9]{1,9}"


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField(
        help_text=gettext_lazy(
            'A setting ("title", "options.pass_mark"...), "slot" (a slot added, removed, '
            'moved, or its points), "question" (a question edited through the quiz: its '
            'versions) or "restored" (the revision restored)'
        )
    )
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)
    change = serializers.CharField(
        required=False, help_text=gettext_lazy('A slot\'s: "added", "removed", "moved", "points"')
    )
    slot = serializers.CharField(required=False, help_text=gettext_lazy("A slot's id."))
    question = serializers.CharField(
        required=False, allow_null=True, help_text=gettext_lazy("The question a slot holds.")
    )
    category = serializers.CharField(
        required=False, allow_null=True, help_text=gettext_lazy("A random slot's category.")
    )
    count = serializers.IntegerField(
        required=False, allow_null=True, help_text=gettext_lazy("How many a random slot draws.")
    )

    def to_representation(self, instance):
        """The change's own keys: a setting's has no slot, question or category."""
        shown = super().to_representation(instance)
        return {key: value for key, value in shown.items() if key in instance}


class RevisionSerializer(serializers.Serializer):
    number = serializers.IntegerField(
        source="version", help_text=gettext_lazy("The quiz's version this change made.")
    )
    action = serializers.ChoiceField(choices=Revision.Action.choices)
    author = serializers.CharField(
        source="author.username",
        allow_null=True,
        default=None,
        help_text=gettext_lazy("Who made the change; null for a command or a deleted user."),
    )
    created_at = serializers.DateTimeField()
    changes = ChangeSerializer(many=True)


class RevisionDetailSerializer(RevisionSerializer):
    snapshot = serializers.JSONField(
        help_text=gettext_lazy(
            "The quiz's settings (title, description, tags, status, options) and slots "
            "after this change."
        )
    )


class RevisionCursorPagination(ListingCursorPagination):
    listed = revisions.LISTING


REVISION_NUMBER = OpenApiParameter(
    "number", int, OpenApiParameter.PATH, description="A revision's number: the quiz's version."
)


@extend_schema(tags=["quizzes"])
@extend_schema_view(
    list=extend_schema(
        summary="A quiz's revisions, newest first: every change, who made it, what it changed",
        responses={200: RevisionSerializer(many=True)},
    ),
    retrieve=extend_schema(
        summary="One revision of a quiz, with the quiz's settings and slots after it",
        parameters=[REVISION_NUMBER],
        responses={200: RevisionDetailSerializer},
    ),
    restore=changes(
        "Make a revision's settings and slots the quiz's again, as a new revision",
        None,
        QuizDetailSerializer,
    ),
)
class RevisionViewSet(viewsets.GenericViewSet):
    serializer_class = RevisionSerializer
    pagination_class = RevisionCursorPagination
    lookup_url_kwarg = "number"
    lookup_value_regex = NUMBER
    # An archived quiz refuses a restore.
    problem_statuses = {"restore": (409,)}
    quiz_response = QuizViewSet.quiz_response

    @cached_property
    def quiz(self):
        return get_quiz(self.request.user, self.kwargs["quiz_id"], needed(self.request))

    def get_queryset(self):
        return revisions.revisions_of(self.quiz).none()

    def revision(self, number):
        found = revisions.revisions_of(self.quiz).select_related("author")
        revision = found.filter(version=int(number)).first()
        if revision is None:
            raise NotFound(_("This quiz has no revision %(number)s.") % {"number": number})
        return revision

    def list(self, request, quiz_id=None):
        page = revisions.with_authors(
            self.paginator.paginate_match({"quiz_id": self.quiz.pk}, request)
        )
        return self.get_paginated_response(RevisionSerializer(page, many=True).data)

    def retrieve(self, request, quiz_id=None, number=None):
        return Response(RevisionDetailSerializer(self.revision(number)).data)

    @action(detail=True, methods=["post"])
    def restore(self, request, quiz_id=None, number=None):
        quiz = self.quiz
        version = expected_version(request, quiz)
        quiz, _skipped = operations.restore_revision(
            quiz, self.revision(number), version, author=request.user
        )
        return self.quiz_response(quiz)
