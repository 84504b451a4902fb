"""Players' endpoints: published quizzes as learners see them, and graded attempts.

Anyone may call them (anonymous callers are throttled). They read a quiz's
live release only (quizzes.releases), never the draft or the bank: a
published quiz is one document, read with one command. Questions go out as
the release's learner payload: never a grade, a feedback or an accepted
answer. An attempt is graded against the live release's answer key and
stored, and the quiz's attempt count bumped, in the request's one
transaction (operations.record_attempt).
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from quizzes import operations, releases
from quizzes.api.pagination import ReleaseCursorPagination
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
    list=extend_schema(summary="Published quizzes, recently published first"),
    retrieve=reads(
        "A published quiz with its questions as learners see them", PublishedQuizDetailSerializer
    ),
    attempts=extend_schema(
        summary="Submit answers: the attempt is graded and stored",
        description=(
            "Graded against the quiz's live release (the one `GET published/{id}/` "
            "shows now) and stored with it. If-Match (the ETag of `GET published/{id}/` "
            "as the learner saw it) makes the submission fail with 412 when the teacher "
            "published the quiz again meanwhile, instead of grading answers to questions "
            "the learner did not see; editing the draft without publishing changes nothing."
        ),
        request=AttemptSubmissionSerializer,
        responses={201: AttemptResultSerializer},
        parameters=[IF_MATCH],
    ),
)
class PublishedQuizViewSet(ObjectIdLookupMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = PublishedQuizSerializer
    pagination_class = ReleaseCursorPagination
    permission_classes = [AllowAny]
    throttle_classes = [DeliveryThrottle]
    lookup_field = "quiz"  # a published quiz's id names its live release

    def get_queryset(self):
        return releases.live_releases()

    def retrieve(self, request, id=None):
        release = self.get_object()
        return with_etag(Response(PublishedQuizDetailSerializer(release).data), release)

    @action(detail=True, methods=["post"], throttle_classes=[AttemptThrottle])
    def attempts(self, request, id=None):
        release = self.get_object()
        expected_version(request, release)
        body = read_body(request, AttemptSubmissionSerializer, {"questions": release.key})
        attempt = operations.record_attempt(
            release,
            body["responses"],
            user=request.user if request.user.is_authenticated else None,
            client_info={"user_agent": request.headers.get("User-Agent", "")[:USER_AGENT_MAX]},
        )
        return Response(AttemptResultSerializer(attempt).data, status=status.HTTP_201_CREATED)
