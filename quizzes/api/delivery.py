"""Players' endpoints: published quizzes as learners see them, and graded attempts.

Anyone may call them (anonymous callers are throttled). They read a quiz's
live release only (quizzes.releases), never the draft or the bank: a
published quiz is one document, read with one command. Questions go out as
the release's learner payload: never a grade, a feedback or an accepted
answer.

`POST published/{id}/attempts/` either submits at once (a body with
`responses`: graded against the live release's answer key, then stored with
one insert: operations.record_attempt) or, with any other body, starts an
attempt of the player lifecycle (quizzes.attempts; then quizzes.api.attempts).
Neither runs in a request transaction, nor writes anything shared by the
quiz's attempts: hot quizzes do not contend, and grading is never re-run by
a transaction's retry.
"""

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from quizzes import attempts, operations, releases
from quizzes.api.pagination import ReleaseCursorPagination
from quizzes.api.schema import IF_MATCH, reads
from quizzes.api.serializers import (
    AttemptResultSerializer,
    AttemptStartSerializer,
    AttemptStateSerializer,
    AttemptSubmissionSerializer,
    PublishedQuizDetailSerializer,
    PublishedQuizSerializer,
)
from quizzes.api.throttles import AttemptThrottle, DeliveryThrottle
from quizzes.api.versions import expected_version
from quizzes.api.views import ObjectIdLookupMixin, read_body, with_etag
from sessions_mw.decorators import non_transactional

USER_AGENT_MAX = 300


@extend_schema(tags=["delivery"])
@extend_schema_view(
    list=extend_schema(summary="Published quizzes, recently published first"),
    retrieve=reads(
        "A published quiz with its questions as learners see them", PublishedQuizDetailSerializer
    ),
    attempts=extend_schema(
        summary="Submit answers at once, or start an attempt",
        description=(
            "**With `responses`: one-shot submission.** Graded against the quiz's live "
            "release (the one `GET published/{id}/` shows now) and stored with it; answers "
            "the graded attempt. If-Match (the ETag of `GET published/{id}/` "
            "as the learner saw it) makes the submission fail with 412 when the teacher "
            "published the quiz again meanwhile, instead of grading answers to questions "
            "the learner did not see; editing the draft without publishing changes nothing."
            '\n\n**Without `responses` (`{}`, or `{"name": ...}`): start an attempt** on '
            "the live release, which it keeps: its questions in a fixed order, a deadline "
            "when the quiz has a time limit. Anonymous learners give a `name` and get a "
            "`token` (send it as `X-Attempt-Token`). Then `PATCH attempts/{id}/` saves "
            "responses and `POST attempts/{id}/submit/` submits."
        ),
        request=PolymorphicProxySerializer(
            component_name="AttemptSubmissionOrStart",
            serializers=[AttemptSubmissionSerializer, AttemptStartSerializer],
            resource_type_field_name=None,
        ),
        responses={
            201: PolymorphicProxySerializer(
                component_name="AttemptResultOrState",
                serializers=[AttemptResultSerializer, AttemptStateSerializer],
                resource_type_field_name=None,
            )
        },
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

    @non_transactional  # graded first, then one insert: nothing to retry, nothing shared
    @action(detail=True, methods=["post"], throttle_classes=[AttemptThrottle])
    def attempts(self, request, id=None):
        release = self.get_object()
        expected_version(request, release)
        user = request.user if request.user.is_authenticated else None
        client_info = {"user_agent": request.headers.get("User-Agent", "")[:USER_AGENT_MAX]}
        if not starts(request.data):
            body = read_body(request, AttemptSubmissionSerializer, {"questions": release.key})
            attempt = operations.record_attempt(
                release, body["responses"], user=user, client_info=client_info
            )
            return Response(AttemptResultSerializer(attempt).data, status=status.HTTP_201_CREATED)
        body = read_body(request, AttemptStartSerializer)
        attempt = attempts.start_attempt(
            release, user=user, name=body.get("name", ""), client_info=client_info
        )
        return Response(AttemptStateSerializer(attempt).data, status=status.HTTP_201_CREATED)


def starts(data):
    """Whether a body asks to start an attempt: an object without `responses`.

    Anything else (a list, a string) goes the one-shot way, which refuses it as before."""
    return isinstance(data, dict) and "responses" not in data
