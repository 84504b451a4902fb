"""Players' endpoints: published quizzes as learners see them, and graded attempts.

Anyone may call them (anonymous callers are throttled). Questions go out
through scoring.learner_view only: never a grade, a feedback or an accepted
answer. An attempt is graded and stored, and the quiz's attempt count
bumped, in the request's one transaction (operations.record_attempt).
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from quizzes import operations
from quizzes.access import published_quizzes
from quizzes.api.pagination import QuizCursorPagination
from quizzes.api.schema import IF_MATCH, reads
from quizzes.api.serializers import (
    AttemptResultSerializer,
    AttemptSubmissionSerializer,
    PublishedQuizDetailSerializer,
    PublishedQuizSerializer,
)
from quizzes.api.throttles import AttemptThrottle, DeliveryThrottle
from quizzes.api.versions import expected_version
from quizzes.api.views import ObjectIdLookupMixin, read_body, with_etag

USER_AGENT_MAX = 300


@extend_schema(tags=["delivery"])
@extend_schema_view(
    list=extend_schema(summary="Published quizzes, recently changed first"),
    retrieve=reads(
        "A published quiz with its questions as learners see them", PublishedQuizDetailSerializer
    ),
    attempts=extend_schema(
        summary="Submit answers: the attempt is graded and stored",
        description=(
            "If-Match (the quiz's ETag as the learner saw it) makes the submission fail "
            "with 412 when the quiz changed meanwhile, instead of grading answers to "
            "questions the learner did not see."
        ),
        request=AttemptSubmissionSerializer,
        responses={201: AttemptResultSerializer},
        parameters=[IF_MATCH],
    ),
)
class PublishedQuizViewSet(ObjectIdLookupMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = PublishedQuizSerializer
    pagination_class = QuizCursorPagination
    permission_classes = [AllowAny]
    throttle_classes = [DeliveryThrottle]

    def get_queryset(self):
        return published_quizzes()

    def retrieve(self, request, id=None):
        quiz = self.get_object()
        return with_etag(Response(PublishedQuizDetailSerializer(quiz).data), quiz)

    @action(detail=True, methods=["post"], throttle_classes=[AttemptThrottle])
    def attempts(self, request, id=None):
        quiz = self.get_object()
        expected_version(request, quiz)
        shapes = {
            str(question.pk): {"type": question.type, "single": question.single}
            for question in operations.answerable_questions(quiz)
        }
        body = read_body(request, AttemptSubmissionSerializer, {"questions": shapes})
        attempt = operations.record_attempt(
            quiz,
            body["responses"],
            user=request.user if request.user.is_authenticated else None,
            client_info={"user_agent": request.headers.get("User-Agent", "")[:USER_AGENT_MAX]},
        )
        return Response(AttemptResultSerializer(attempt).data, status=status.HTTP_201_CREATED)
