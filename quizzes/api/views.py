"""Teachers' endpoints: their quizzes and questions, and a token to call them with.

Each view reads the body's structure with a serializer, calls one function
of quizzes.operations (which validates and writes) and answers with the
changed object and its ETag. Refusals raise, so the request's transaction
(sessions_mw) is aborted and nothing is written; exceptions.py turns them
into problem+json. Views run again from the start when sessions_mw retries a
transaction: they keep no state between runs.
"""

from django.urls import reverse
from django.utils.functional import cached_property
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.exceptions import UnsupportedMediaType
from rest_framework.response import Response

from quizzes import listing, operations, revisions
from quizzes.access import OWNER, VIEWER, editor_quiz, get_quiz, needed, owned_quizzes_match
from quizzes.api.pagination import AttemptCursorPagination, QuizCursorPagination
from quizzes.api.parsers import StrictJSONParser
from quizzes.api.schema import changes, deletes, etag_header, if_match, merges, reads
from quizzes.api.serializers import (
    OBJECT_ID,
    AttemptFilterSerializer,
    AttemptReportSerializer,
    QuestionSerializer,
    QuizDetailSerializer,
    QuizFilterSerializer,
    QuizSerializer,
    ReorderSerializer,
    TokenRequestSerializer,
    TokenSerializer,
    merge_serializers,
)
from quizzes.api.throttles import TokenThrottle
from quizzes.api.versions import (
    etag,
    expected_version,
    merge_base,
    merge_body,
    merge_conflicts,
    merged_response,
    prefers_merge,
)
from quizzes.attempts import with_attempt_counts
from quizzes.models import Question, Quiz, QuizStatus
from quizzes.results import attempts_match, with_people
from quizzes.statistics import read_statistics


@extend_schema(tags=["auth"])
class TokenView(ObtainAuthToken):
    """Exchange a username and password for the user's API token."""

    authentication_classes = ()
    parser_classes = (StrictJSONParser,)
    throttle_classes = (TokenThrottle,)

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: TokenSerializer},
        auth=[],
        description="Send it as `Authorization: Token <token>`; the same token every time.",
    )
    def post(self, request, *args, **kwargs):
        user = read_body(request, TokenRequestSerializer, {"request": request})["user"]
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


def read_body(request, serializer_class, context=None, data=None):
    """The request body (else `data`, read from it), once `serializer_class` accepts its
    structure (else 400, or 415)."""
    # DRF answers an already parsed form body (sessions_mw parses multipart
    # ones to replay them) as empty data where it would otherwise say 415.
    if request.content_type and not request.negotiator.select_parser(request, request.parsers):
        raise UnsupportedMediaType(request.content_type)
    body = request.data if data is None else data
    serializer = serializer_class(data=body, context=context or {})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def full_replacement(serializer_class, data):
    """A PUT body: every writable field left out is None, which restores its default."""
    writable = [name for name, field in serializer_class().fields.items() if not field.read_only]
    return {**dict.fromkeys(writable, None), **data}


def options_as_of(quiz, version):
    """The quiz's options at `version`: its revision's (now's when that revision is gone:
    a merge from it is refused then)."""
    if version != quiz.version:
        found = revisions.revisions_of(quiz).filter(version=version)
        snapshot = found.values_list("snapshot", flat=True).first()
        if snapshot and "options" in snapshot:
            return snapshot["options"]
    return operations.quiz_data(quiz, questions=())["options"]


def with_etag(response, quiz, location=None):
    response["ETag"] = etag(quiz)
    if location:
        response["Location"] = location
    return response


class ObjectIdLookupMixin:
    lookup_url_kwarg = "id"
    lookup_value_regex = OBJECT_ID


PUBLISH_DOC = {
    "summary": "Publish the quiz as it is now: a new release learners get",
    "description": (
        "Freezes the quiz's settings and the current version of each of its questions "
        "(a random slot: the questions it may draw from) into a release, which "
        "`published/{id}/` serves and grades attempts against from now on. Call it again "
        "to publish changes made since: editing the quiz or its bank questions changes "
        "nothing for learners until then, and attempts keep the release they were graded "
        "against. 409 `empty_quiz` when learners would get no question, 409 `archived` "
        "for an archived quiz (restore it first with `unpublish/`)."
    ),
}


@extend_schema(tags=["quizzes"])
@extend_schema_view(
    list=extend_schema(
        summary="Your quizzes (all quizzes for staff), recently changed first",
        parameters=[QuizFilterSerializer],
        responses={200: QuizSerializer(many=True)},
    ),
    create=changes(
        "Create a draft quiz", QuizSerializer, QuizDetailSerializer, 201, conditional=False
    ),
    retrieve=reads("A quiz with all its questions, in order", QuizDetailSerializer),
    update=changes(
        "Replace a quiz's metadata and options (fields left out take their defaults)",
        QuizSerializer,
        QuizDetailSerializer,
    ),
    partial_update=merges(
        "Change some of a quiz's metadata and options (Prefer: merge: merged with changes since)",
        *merge_serializers(QuizSerializer, QuizDetailSerializer),
    ),
    destroy=deletes("Delete a quiz with its questions and attempts"),
    reorder=changes("Put the questions in a new order", ReorderSerializer, QuizDetailSerializer),
    duplicate=changes(
        "Copy a quiz and its questions into a new draft you own",
        None,
        QuizDetailSerializer,
        201,
        conditional=False,
    ),
    publish=extend_schema(
        **PUBLISH_DOC,
        request=None,
        responses={200: QuizDetailSerializer},
        parameters=[if_match(), etag_header()],
    ),
    unpublish=changes(
        "Back to draft: learners no longer see the quiz (an archived quiz is restored)",
        None,
        QuizDetailSerializer,
    ),
    attempts=extend_schema(
        summary="The quiz's attempts, newest first; on the first page, their statistics",
        responses={200: AttemptReportSerializer},
        parameters=[
            AttemptFilterSerializer,
            OpenApiParameter("cursor", str, description="From the next or previous link."),
            OpenApiParameter("page_size", int, description="Attempts per page, at most 100."),
        ],
    ),
)
class QuizViewSet(ObjectIdLookupMixin, viewsets.GenericViewSet):
    serializer_class = QuizSerializer
    pagination_class = QuizCursorPagination
    # An archived quiz refuses changes; publishing, a quiz without questions. Attempts:
    # bad filters.
    problem_statuses = {
        **dict.fromkeys(("update", "reorder", "publish"), (409,)),
        # Also a merge's conflicts, and a merge asked for without If-Match.
        "partial_update": (409, 428),
        "attempts": (400,),
    }

    queryset = Quiz.objects.none()
    # The role each action needs (quizzes.access); the others: needed(request).
    roles = {"destroy": OWNER, "duplicate": VIEWER}

    def get_object(self):
        role = self.roles.get(self.action, needed(self.request))
        return get_quiz(self.request.user, self.kwargs["id"], role)

    def quiz_response(self, quiz, status_code=status.HTTP_200_OK, location=None):
        if quiz.owner_id == self.request.user.pk:
            quiz.owner = self.request.user  # its owner's username, without reading the user
        with_attempt_counts([quiz])
        body = QuizDetailSerializer(quiz, context={"request": self.request}).data
        return with_etag(Response(body, status_code), quiz, location)

    def created_response(self, quiz):
        # Read back, so the body shows what is stored (MongoDB keeps milliseconds).
        quiz.refresh_from_db()
        location = reverse("api:quiz-detail", kwargs={"id": quiz.pk})
        return self.quiz_response(quiz, status.HTTP_201_CREATED, location)

    def list(self, request):
        filters = QuizFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        match = owned_quizzes_match(request.user)
        if value := filters.validated_data.get("status"):
            match = {**match, "status": value}
        if value := filters.validated_data.get("tag"):
            match = {**match, "tags": value}
        if value := filters.validated_data.get("search"):
            match = {**match, **listing.search(value)}
        page = self.paginator.paginate_match(match, request)
        page = with_attempt_counts(listing.with_owners(page, request.user))
        body = QuizSerializer(page, many=True, context={"request": request}).data
        return self.get_paginated_response(body)

    def create(self, request):
        quiz = operations.create_quiz(request.user, read_body(request, QuizSerializer))
        return self.created_response(quiz)

    def retrieve(self, request, id=None):
        # One find, its slots made Slot instances directly: the backend's conversion of
        # embedded documents costs 20 ms for a quiz of 1,000 questions.
        return self.quiz_response(editor_quiz(request.user, id))

    def update(self, request, id=None):
        quiz = self.get_object()
        version = expected_version(request, quiz)
        data = full_replacement(QuizSerializer, read_body(request, QuizSerializer))
        operations.update_quiz(quiz, data, version, author=request.user)
        return self.quiz_response(quiz)

    def partial_update(self, request, id=None):
        quiz = self.get_object()
        merging = prefers_merge(request)
        version = merge_base(request) if merging else expected_version(request, quiz)
        body, choices = merge_body(request, merging)
        data = read_body(request, QuizSerializer, data=body)
        if isinstance(data.get("options"), dict):
            # Options named in a PATCH change; the others stay as they are (a merge's: as
            # they were in the version edited, so that changes made since are kept).
            others = options_as_of(quiz, version if merging else quiz.version)
            data["options"] = {**others, **data["options"]}
        if not merging:
            operations.update_quiz(quiz, data, version, author=request.user)
            return self.quiz_response(quiz)
        with merge_conflicts(version):
            outcome = operations.merge_quiz_settings(quiz, data, version, request.user, choices)
        return merged_response(self.quiz_response(quiz), outcome, version, choices)

    def destroy(self, request, id=None):
        quiz = self.get_object()
        operations.delete_quiz(quiz, expected_version(request, quiz))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=True, methods=["post"])
    def reorder(self, request, id=None):
        quiz = self.get_object()
        version = expected_version(request, quiz)
        order = read_body(request, ReorderSerializer)["order"]
        operations.reorder_questions(quiz, order, version, author=request.user)
        return self.quiz_response(quiz)

    @action(detail=True, methods=["post"])
    def duplicate(self, request, id=None):
        return self.created_response(operations.duplicate_quiz(self.get_object(), request.user))

    @action(detail=True, methods=["post"])
    def publish(self, request, id=None):
        quiz = self.get_object()
        operations.publish_quiz(quiz, expected_version(request, quiz), author=request.user)
        return self.quiz_response(quiz)

    @action(detail=True, methods=["post"])
    def unpublish(self, request, id=None):
        quiz = self.get_object()
        version = expected_version(request, quiz)
        operations.set_status(quiz, QuizStatus.DRAFT, version, author=request.user)
        return self.quiz_response(quiz)

    @action(detail=True, methods=["get"], pagination_class=None)
    def attempts(self, request, id=None):
        quiz = self.get_object()
        filters = AttemptFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        match = attempts_match(quiz, **filters.validated_data)
        paginator = AttemptCursorPagination()
        page = with_people(paginator.paginate_match(match, request))
        report = {
            "statistics": read_statistics(quiz) if paginator.cursor is None else None,
            "next": paginator.get_next_link(),
            "previous": paginator.get_previous_link(),
            "results": page,
        }
        return Response(AttemptReportSerializer(report).data)


@extend_schema(tags=["questions"])
@extend_schema_view(
    list=reads("A quiz's questions, in order (not paginated)", QuestionSerializer(many=True)),
    create=changes(
        "Add a question at the end of the quiz", QuestionSerializer, QuestionSerializer, 201
    ),
    retrieve=reads("One question, answer key included", QuestionSerializer),
    update=changes(
        "Replace a question (fields left out take their defaults)",
        QuestionSerializer,
        QuestionSerializer,
    ),
    partial_update=changes(
        "Change some fields of a question", QuestionSerializer, QuestionSerializer
    ),
    destroy=deletes("Remove a question from the quiz (it stays in the question bank)"),
)
class QuestionViewSet(ObjectIdLookupMixin, viewsets.GenericViewSet):
    """A quiz's questions. Their ETag is the quiz's version: any change to the quiz bumps it."""

    serializer_class = QuestionSerializer
    pagination_class = None
    # A full quiz; an archived quiz refuses every change.
    problem_statuses = dict.fromkeys(("create", "update", "partial_update", "destroy"), (409,))

    @cached_property
    def quiz(self):
        return get_quiz(self.request.user, self.kwargs["quiz_id"], needed(self.request))

    def get_queryset(self):
        fixed = [slot.question for slot in self.quiz.slots if slot.question is not None]
        return Question.objects.filter(pk__in=fixed)

    def question_response(self, question, status_code=status.HTTP_200_OK, location=None):
        fixed = [slot.question for slot in self.quiz.slots if slot.question is not None]
        question.position = fixed.index(question.pk)
        response = Response(QuestionSerializer(question).data, status_code)
        return with_etag(response, self.quiz, location)

    def list(self, request, quiz_id=None):
        questions = QuestionSerializer(operations.quiz_questions(self.quiz), many=True).data
        return with_etag(Response(questions), self.quiz)

    def create(self, request, quiz_id=None):
        quiz = self.quiz
        version = expected_version(request, quiz)
        question = operations.add_question(
            quiz, read_body(request, QuestionSerializer), version, author=request.user
        )
        location = reverse("api:question-detail", kwargs={"quiz_id": quiz.pk, "id": question.pk})
        return self.question_response(question, status.HTTP_201_CREATED, location)

    def retrieve(self, request, quiz_id=None, id=None):
        return self.question_response(self.get_object())

    def update(self, request, quiz_id=None, id=None):
        question = self.get_object()
        version = expected_version(request, self.quiz)
        data = full_replacement(QuestionSerializer, read_body(request, QuestionSerializer))
        operations.update_question(self.quiz, question, data, version, author=request.user)
        return self.question_response(question)

    def partial_update(self, request, quiz_id=None, id=None):
        question = self.get_object()
        version = expected_version(request, self.quiz)
        data = read_body(request, QuestionSerializer)
        operations.update_question(self.quiz, question, data, version, author=request.user)
        return self.question_response(question)

    def destroy(self, request, quiz_id=None, id=None):
        question = self.get_object()
        version = expected_version(request, self.quiz)
        operations.delete_question(self.quiz, question, version, author=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
