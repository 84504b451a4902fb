"""A teacher's question bank over HTTP: the category tree and versioned questions.

    GET    categories/                    the tree, flat, in tree order (a parent before its
                                          children; `depth` 0 at the top), not paginated
    POST   categories/                    {name, description, description_format, idnumber, parent}
    GET PUT PATCH DELETE categories/{id}/ ETag: the category's version. A new `parent` moves
                                          it with everything under it (409 on a cycle); DELETE
                                          is 409 when it is not empty, unless ?with_content=true
    GET    questions/                     ?category= ?subcategories=true ?search= ?tag= ?type=,
                                          recently changed first, cursor pages
    POST   questions/                     a question's content and its `category` id
    GET PUT PATCH DELETE questions/{id}/  ETag: the question's version; every edit of its
                                          content is a new version (a new `category` alone
                                          moves it, without one)
    GET    questions/{id}/versions/       its versions, newest first
    GET    questions/{id}/versions/{n}/   the content of version n
    POST   questions/{id}/versions/{n}/restore/   version n's content, as a new version
    POST   questions/bulk/                {"action": "move" | "tag" | "delete", "ids": [...],
                                          "category": id (move), "tags": [...] (tag)}

A bank is its owner's (quizzes.access), staff's too: another teacher's category
or question answers 404, as an id nobody uses, but for a category shared with the
caller (its subcategories and questions with it): a viewer reads them, an editor
also edits those questions and adds questions there (403 for more). Views read
the body's structure, call one function of quizzes.bank (which validates and
writes) and answer with the object and its ETag; a refusal raises, so the
request's transaction writes nothing.
"""

import re

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from quizzes import access, bank, operations
from quizzes.access import bank_categories
from quizzes.api.exceptions import PreconditionFailed
from quizzes.api.pagination import QuestionCursorPagination
from quizzes.api.schema import changes, deletes, merges, reads
from quizzes.api.serializers import (
    OBJECT_ID,
    CommandSerializer,
    ContentSerializer,
    declared_fields,
    merge_serializers,
    question_content_fields,
)
from quizzes.api.versions import (
    expected_version,
    merge_base,
    merge_body,
    merge_conflicts,
    merged_response,
    prefers_merge,
)
from quizzes.api.views import ObjectIdLookupMixin, full_replacement, read_body, with_etag
from quizzes.bank import VersionConflict
from quizzes.fields import CATEGORY_FIELDS, TAG_MAX, TAGS_MAX, TITLE_MAX
from quizzes.models import Question, QuestionType

# How many questions one bulk action takes at most.
BULK_MAX = 1000
BULK_ACTIONS = ("move", "tag", "delete")
OBJECT_ID_RE = re.compile(f"^{OBJECT_ID}$")


def object_id_field(**options):
    return serializers.RegexField(f"^{OBJECT_ID}$", **options)


def stamps(version_help):
    """The read-only `version` (described by `version_help`), `created_at`, `updated_at`."""
    return {
        "version": serializers.IntegerField(read_only=True, help_text=version_help),
        "created_at": serializers.DateTimeField(read_only=True),
        "updated_at": serializers.DateTimeField(read_only=True),
    }


# -- bodies --------------------------------------------------------------------------
CategorySerializer = type(
    "CategorySerializer",
    (ContentSerializer,),
    {
        "__doc__": "A category of your question bank.",
        "content": "category",
        "id": serializers.CharField(read_only=True),
        **declared_fields(CATEGORY_FIELDS),
        "parent": object_id_field(
            source="parent_id",
            allow_null=True,
            required=False,
            help_text=gettext_lazy(
                "The category it is in; null: at the top of your bank. A new parent moves "
                "it with its subcategories and questions."
            ),
        ),
        "depth": serializers.IntegerField(
            read_only=True, help_text=gettext_lazy("0 at the top of the bank.")
        ),
        "question_count": serializers.IntegerField(
            read_only=True,
            help_text=gettext_lazy("Questions right in it (not in its subcategories)."),
        ),
        **stamps(gettext_lazy("Bumped by every change; its ETag.")),
    },
)


class CategoryDeleteParameters(serializers.Serializer):
    with_content = serializers.BooleanField(
        default=False,
        help_text=gettext_lazy(
            "Also delete its subcategories and questions (they leave the quizzes using them)."
        ),
    )


BankQuestionSerializer = type(
    "BankQuestionSerializer",
    (ContentSerializer,),
    {
        "__doc__": "A question of your bank, answer key included: its current version.",
        "content": "question",
        "id": serializers.CharField(read_only=True),
        "category": object_id_field(
            source="category_id",
            help_text=gettext_lazy("The id of its category in your bank."),
        ),
        **stamps(gettext_lazy("The number of its current version; its ETag.")),
        **question_content_fields(),
    },
)

QuestionContentSerializer = type(
    "QuestionContentSerializer",
    (serializers.Serializer,),
    {"__doc__": "A question's content as one version holds it.", **question_content_fields()},
)


class QuestionFilterSerializer(serializers.Serializer):
    """Query parameters of the bank's question list."""

    category = object_id_field(required=False, help_text=gettext_lazy("Only this category."))
    subcategories = serializers.BooleanField(
        default=False, help_text=gettext_lazy("With `category`: its subcategories too.")
    )
    search = serializers.CharField(
        max_length=TITLE_MAX,
        required=False,
        help_text=gettext_lazy("Part of the name, text or ID number, any letter case."),
    )
    tag = serializers.CharField(max_length=TAG_MAX, required=False)
    type = serializers.ChoiceField(choices=QuestionType.choices, required=False)


class VersionSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text=gettext_lazy("1 for the question as created."))
    author = serializers.CharField(
        source="author.username",
        allow_null=True,
        default=None,
        help_text=gettext_lazy("Who wrote it; null for an import or a deleted user."),
    )
    created_at = serializers.DateTimeField()


class VersionDetailSerializer(VersionSerializer):
    content = QuestionContentSerializer(source="data")


class BulkSerializer(CommandSerializer):
    """One action on several questions of your bank: all of them, or none."""

    action = serializers.ChoiceField(choices=BULK_ACTIONS)
    ids = serializers.ListField(
        child=object_id_field(),
        min_length=1,
        max_length=BULK_MAX,
        help_text=gettext_lazy("Questions of your bank."),
    )
    category = object_id_field(
        required=False, help_text=gettext_lazy("move only: where the questions go.")
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=TAG_MAX),
        min_length=1,
        max_length=TAGS_MAX,
        required=False,
        help_text=gettext_lazy("tag only: the tags each question gets (besides its own)."),
    )

    def validate(self, data):
        needs = {"move": "category", "tag": "tags"}
        errors = {}
        for name in ("category", "tags"):
            wanted = needs.get(data["action"]) == name
            if wanted and name not in data:
                errors[name] = [_("Required by this action.")]
            elif name in data and not wanted:
                errors[name] = [_("Not used by this action.")]
        if errors:
            raise serializers.ValidationError(errors)
        return data


class BulkResultSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=BULK_ACTIONS)
    count = serializers.IntegerField(help_text=gettext_lazy("How many questions it acted on."))
    ids = serializers.ListField(child=serializers.CharField())


# -- helpers ------------------------------------------------------------------------
def own_category(user, value, field):
    """The category `value` (an id) of `user`'s bank, else a 400 naming `field`."""
    found = None
    if isinstance(value, str) and OBJECT_ID_RE.match(value):
        found = bank_categories(user).filter(pk=value).first()
    if found is None:
        raise ValidationError({field: [_("Not a category of your bank.")]})
    return found


def shared_category(user, value):
    """The category `value` (an id) shared with `user` as an editor; None for any other
    value (PermissionDenied for a viewer's)."""
    if not (isinstance(value, str) and OBJECT_ID_RE.match(value)):
        return None
    try:
        return access.get_category(user, value, access.EDITOR)
    except Http404:
        return None


class BankViewMixin(ObjectIdLookupMixin):
    """A 412 of a bank object speaks of it: `subject` is "category" or "question"."""

    subject = "question"

    def handle_exception(self, exc):
        if isinstance(exc, VersionConflict):
            exc = PreconditionFailed(exc.current, self.subject)
        return super().handle_exception(exc)


def object_operations(subject, serializer, destroy_parameters=(), **summaries):
    """The schemas of an object's create, retrieve, update, destroy and, when `summaries`
    has its summary, partial_update (a question's takes Prefer: merge: its own)."""
    operations = {
        "create": changes(
            summaries["create"], serializer, serializer, 201, conditional=False, subject=subject
        ),
        "retrieve": reads(summaries["retrieve"], serializer, subject=subject),
        "update": changes(summaries["update"], serializer, serializer, subject=subject),
        "destroy": deletes(summaries["destroy"], subject=subject, parameters=destroy_parameters),
    }
    if "partial_update" in summaries:
        operations["partial_update"] = changes(
            summaries["partial_update"], serializer, serializer, subject=subject
        )
    return operations


# -- categories ---------------------------------------------------------------------
@extend_schema(tags=["bank"])
@extend_schema_view(
    list=extend_schema(
        summary="Your bank's categories, in tree order (each parent before its children)",
        responses={200: CategorySerializer(many=True)},
    ),
    **object_operations(
        "category",
        CategorySerializer,
        create="Create a category (the last of its parent's)",
        retrieve="A category",
        update="Replace a category's fields (left out: defaults; no parent: the top of the bank)",
        partial_update="Rename, describe or move a category",
        destroy="Delete a category (with ?with_content=true, its subcategories and questions too)",
        destroy_parameters=[CategoryDeleteParameters],
    ),
)
class CategoryViewSet(BankViewMixin, viewsets.GenericViewSet):
    subject = "category"
    pagination_class = None
    serializer_class = CategorySerializer
    # A cycle, a category that is not empty; an invalid ?with_content=.
    problem_statuses = {
        "update": {409},
        "partial_update": {409},
        "destroy": {400, 409},
    }

    def get_queryset(self):
        return bank_categories(self.request.user)

    def get_object(self):
        # A category shared with the caller is read; changing it is its owner's.
        role = access.VIEWER if self.action == "retrieve" else access.OWNER
        return access.get_category(self.request.user, self.kwargs["id"], role)

    def category_response(self, category, status_code=status.HTTP_200_OK, location=None):
        category.refresh_from_db()
        category.depth = len(bank.category_path(category)) - 1
        category.question_count = Question.objects.filter(category=category).count()
        response = Response(CategorySerializer(category).data, status_code)
        return with_etag(response, category, location)

    def list(self, request):
        rows = []
        for category, depth, count in bank.category_tree(request.user):
            category.depth, category.question_count = depth, count
            rows.append(category)
        return Response(CategorySerializer(rows, many=True).data)

    def create(self, request):
        data = read_body(request, CategorySerializer)
        parent = self.parent(data.pop("parent", None))
        category = bank.create_category(request.user, data, parent)
        location = reverse("api:category-detail", kwargs={"id": category.pk})
        return self.category_response(category, status.HTTP_201_CREATED, location)

    def retrieve(self, request, id=None):
        return self.category_response(self.get_object())

    def update(self, request, id=None):
        category = self.get_object()
        version = expected_version(request, category)
        data = full_replacement(CategorySerializer, read_body(request, CategorySerializer))
        return self.change(category, data, version)

    def partial_update(self, request, id=None):
        category = self.get_object()
        version = expected_version(request, category)
        return self.change(category, read_body(request, CategorySerializer), version)

    def change(self, category, data, version):
        """Apply a PUT or PATCH body: its fields, then its parent (a move)."""
        moving = "parent" in data
        parent = self.parent(data.pop("parent", None))
        if data:
            bank.update_category(category, data, version)
            version = None if version is None else category.version
        if moving and category.parent_id != (parent and parent.pk):
            bank.move_category(category, parent, version)
        return self.category_response(category)

    def destroy(self, request, id=None):
        category = self.get_object()
        version = expected_version(request, category)
        parameters = CategoryDeleteParameters(data=request.query_params)
        parameters.is_valid(raise_exception=True)
        bank.delete_category(category, parameters.validated_data["with_content"], version)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def parent(self, value):
        return None if value is None else own_category(self.request.user, value, "parent")


# -- questions -----------------------------------------------------------------------
def stored_version(question, number):
    """Version `number` of `question`, else 404."""
    version = bank.version(question, int(number))
    if version is None:
        raise NotFound(_("This question has no version %(number)s.") % {"number": number})
    return version


VERSION_NUMBER = OpenApiParameter(
    "number", int, OpenApiParameter.PATH, description="A version number (1 is the first)."
)


@extend_schema(tags=["bank"])
@extend_schema_view(
    list=extend_schema(
        summary="Your bank's questions, recently changed first",
        parameters=[QuestionFilterSerializer],
        responses={200: BankQuestionSerializer(many=True)},
    ),
    **object_operations(
        "question",
        BankQuestionSerializer,
        create="Create a question in a category of your bank (its version 1)",
        retrieve="A question, answer key included",
        update="Replace a question's content (fields left out take their defaults): a new version",
        destroy="Delete a question with its versions (it leaves the quizzes using it)",
    ),
    partial_update=merges(
        "Change some fields of a question (a new version; Prefer: merge: merged with the "
        "versions since), or move it to another category",
        *merge_serializers(BankQuestionSerializer, BankQuestionSerializer),
        subject="question",
    ),
    versions=extend_schema(
        summary="A question's versions, newest first",
        responses={200: VersionSerializer(many=True)},
    ),
    show_version=extend_schema(
        summary="One version of a question, with its content",
        parameters=[VERSION_NUMBER],
        responses={200: VersionDetailSerializer},
    ),
    restore=changes(
        "Make a version's content current again, as a new version",
        None,
        BankQuestionSerializer,
        subject="question",
    ),
    bulk=extend_schema(
        summary="Move, tag or delete several questions at once: all of them or none",
        request=BulkSerializer,
        responses={200: BulkResultSerializer},
    ),
)
class BankQuestionViewSet(BankViewMixin, viewsets.GenericViewSet):
    subject = "question"
    serializer_class = BankQuestionSerializer
    pagination_class = QuestionCursorPagination
    # A merge's conflicts, and a merge asked for without If-Match.
    problem_statuses = {"partial_update": (409, 428)}

    # The role each action needs on the question's category (quizzes.access).
    roles = {
        "retrieve": access.VIEWER,
        "versions": access.VIEWER,
        "show_version": access.VIEWER,
        "destroy": access.OWNER,
    }

    def get_queryset(self):
        return access.bank_questions(self.request.user)

    def get_object(self):
        role = self.roles.get(self.action, access.EDITOR)
        return access.get_bank_question(self.request.user, self.kwargs["id"], role)

    def question_response(self, question, status_code=status.HTTP_200_OK, location=None):
        # Read back, so the body shows what is stored (MongoDB keeps milliseconds).
        question.refresh_from_db()
        response = Response(BankQuestionSerializer(question).data, status_code)
        return with_etag(response, question, location)

    def list(self, request):
        filters = QuestionFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        given = filters.validated_data
        category = given.get("category")
        match = bank.question_match(
            request.user,
            category=category and own_category(request.user, category, "category"),
            subcategories=given["subcategories"],
            text=given.get("search", ""),
            tag=given.get("tag", ""),
            qtype=given.get("type", ""),
        )
        page = self.paginator.paginate_match(match, request)
        return self.get_paginated_response(BankQuestionSerializer(page, many=True).data)

    def create(self, request):
        data = read_body(request, BankQuestionSerializer)
        category = self.category(data, required=True)
        owner = request.user if category.owner_id == request.user.pk else category.owner
        question = bank.create_question(owner, category, data, author=request.user)
        location = reverse("api:bank-question-detail", kwargs={"id": question.pk})
        return self.question_response(question, status.HTTP_201_CREATED, location)

    def retrieve(self, request, id=None):
        return self.question_response(self.get_object())

    def update(self, request, id=None):
        question = self.get_object()
        version = expected_version(request, question)
        body = read_body(request, BankQuestionSerializer)
        category = self.category(body, required=True)
        data = full_replacement(BankQuestionSerializer, body)
        data.pop("category")
        return self.change(question, data, category, version)

    def partial_update(self, request, id=None):
        question = self.get_object()
        merging = prefers_merge(request)
        version = merge_base(request) if merging else expected_version(request, question)
        body, choices = merge_body(request, merging)
        data = read_body(request, BankQuestionSerializer, data=body)
        category = self.category(data)
        if not merging:
            return self.change(question, data, category, version)
        outcome = None
        if data:
            with merge_conflicts(version):
                outcome = operations.merge_question(question, data, version, request.user, choices)
        return merged_response(self.change(question, {}, category, None), outcome, version, choices)

    def change(self, question, data, category, version):
        """An edit of the content is a new version; a new category moves the question
        (its owner's to do: a colleague's move is refused, 403)."""
        moving = category is not None and category.pk != question.category_id
        if moving and question.role != access.OWNER:
            raise PermissionDenied(_("Only the owner of the bank moves its questions."))
        if data:
            bank.update_question(question, data, self.request.user, version)
        if category is not None and category.pk != question.category_id:
            bank.move_questions(self.request.user, [question.pk], category)
        return self.question_response(question)

    def destroy(self, request, id=None):
        question = self.get_object()
        expected_version(request, question)
        bank.delete_questions(request.user, [question.pk])
        return Response(status=status.HTTP_204_NO_CONTENT)

    def category(self, data, required=False):
        """The category a body names (taken out of it), None when it names none: one of
        the caller's bank, or one shared with them as an editor."""
        if "category" not in data and not required:
            return None
        value = data.pop("category", None)
        try:
            return own_category(self.request.user, value, "category")
        except ValidationError:
            shared = shared_category(self.request.user, value)
            if shared is None:
                raise
            return shared

    @action(detail=True, methods=["get"], pagination_class=None)
    def versions(self, request, id=None):
        versions = bank.versions(self.get_object())
        return Response(VersionSerializer(versions, many=True).data)

    @action(
        detail=True,
        methods=["get"],
        url_path=r"versions/(?P<number>[0-9]{1,9})",
        url_name="version",
        pagination_class=None,
    )
    def show_version(self, request, id=None, number=None):
        version = stored_version(self.get_object(), number)
        return Response(VersionDetailSerializer(version).data)

    @action(
        detail=True,
        methods=["post"],
        url_path=r"versions/(?P<number>[0-9]{1,9})/restore",
        url_name="restore",
    )
    def restore(self, request, id=None, number=None):
        question = self.get_object()
        version = expected_version(request, question)
        stored_version(question, number)
        bank.restore_version(question, int(number), request.user, version)
        return self.question_response(question)

    @action(detail=False, methods=["post"])
    def bulk(self, request):
        data = read_body(request, BulkSerializer)
        ids = list(dict.fromkeys(data["ids"]))
        found = {str(pk) for pk in bank.owned(request.user, ids).values_list("pk", flat=True)}
        missing = [pk for pk in ids if pk not in found]
        if missing:
            raise ValidationError(
                {
                    "ids": [
                        _("Not questions of your bank: %(ids)s.") % {"ids": ", ".join(missing[:5])}
                    ]
                }
            )
        if data["action"] == "move":
            category = own_category(request.user, data["category"], "category")
            bank.move_questions(request.user, ids, category)
        elif data["action"] == "tag":
            bank.tag_questions(request.user, ids, data["tags"])
        else:
            bank.delete_questions(request.user, ids)
        return Response({"action": data["action"], "count": len(ids), "ids": ids})
