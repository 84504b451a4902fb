"""Client players' attempts after their start: read one, save responses, submit.

An attempt is started by `POST published/{id}/attempts/` without `responses`
(quizzes.api.delivery). Its id here names its quiz too (quizzes.attempts.public_id).
A signed-in learner's attempts are theirs; an anonymous one's need the
secret token given at the start, sent as `X-Attempt-Token`. The quiz's owner
reads, grades and deletes them too (quizzes.api.results). Any other caller
gets 404, as for an attempt that does not exist.

These views run outside any request transaction: quizzes.attempts grades
first and then writes the attempt's one document with one conditional
update, so learners of one quiz never contend, and a refusal writes nothing.
"""

from bson import ObjectId
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from quizzes import attempts
from quizzes.api.media import AbsoluteMediaUrls
from quizzes.api.results import OwnerAttemptMixin
from quizzes.api.serializers import (
    AttemptResultSerializer,
    AttemptSaveSerializer,
    AttemptSerializer,
    AttemptStateSerializer,
)
from quizzes.api.throttles import DeliveryThrottle
from quizzes.api.views import read_body
from sessions_mw.decorators import non_transactional

ATTEMPT_ID = "[0-9a-f]{48}"
ATTEMPT_TOKEN_HEADER = "X-Attempt-Token"  # noqa: S105 (a header's name)
TOKEN = OpenApiParameter(
    ATTEMPT_TOKEN_HEADER,
    str,
    OpenApiParameter.HEADER,
    description="The token the start gave, for an attempt started without signing in.",
)
PAST_DEADLINE = (
    "An attempt found past its deadline is graded as submitted first, with the "
    "responses saved by the deadline."
)


@extend_schema(tags=["delivery"], parameters=[TOKEN])
@extend_schema_view(
    retrieve=extend_schema(
        summary="An attempt: its questions, saved responses, state and, once submitted, result",
        description=(
            f"{PAST_DEADLINE} The quiz's owner, who is not the learner, reads the teacher's "
            "review instead: the stored results, with any grade given by hand."
        ),
        responses={
            200: PolymorphicProxySerializer(
                component_name="AttemptRead",
                serializers=[AttemptStateSerializer, AttemptSerializer],
                resource_type_field_name=None,
            )
        },
    ),
    partial_update=extend_schema(
        summary="Save responses (merged into those saved)",
        description=(
            "409 `time_up` after the deadline (the attempt is then graded as submitted, with "
            "what was saved by the deadline), 409 `submitted` once submitted; 400 for a "
            "question that is not the attempt's or a response of the wrong shape. A refused "
            "save writes nothing."
        ),
        request=AttemptSaveSerializer,
        responses={200: AttemptStateSerializer},
    ),
    submit=extend_schema(
        summary="Submit: grade the saved responses (idempotent)",
        description=(
            "Graded once, against the release the attempt was started on: submitting again "
            "answers the same result. After the deadline, what was saved by the deadline is "
            "graded."
        ),
        request=None,
        responses={200: AttemptResultSerializer},
    ),
)
class AttemptViewSet(AbsoluteMediaUrls, OwnerAttemptMixin, viewsets.GenericViewSet):
    serializer_class = AttemptStateSerializer
    permission_classes = [AllowAny]
    throttle_classes = [DeliveryThrottle]
    pagination_class = None
    lookup_url_kwarg = "id"
    lookup_value_regex = ATTEMPT_ID
    # A save when submitted or past the deadline.
    # A grade of an attempt in progress, or given meanwhile by someone else.
    problem_statuses = {"partial_update": (409,), "grade": (409,)}

    def attempt(self):
        found = self.learners_attempt()
        if found is None:
            raise NotFound()
        return found

    def learners_attempt(self):
        """The attempt if the caller is its learner (or holds its token), else None."""
        key = self.kwargs["id"]
        return attempts.find_attempt(
            ObjectId(key[:24]),
            ObjectId(key[24:]),
            user=self.request.user,
            token=self.request.headers.get(ATTEMPT_TOKEN_HEADER),
        )

    @non_transactional
    def retrieve(self, request, id=None):
        found = self.learners_attempt()
        if found is None:
            return self.owner_review()
        return Response(AttemptStateSerializer(attempts.settle(found)).data)

    @non_transactional
    def partial_update(self, request, id=None):
        attempt = self.attempt()
        attempts.check_open(attempt)
        context = {"questions": attempts.answer_keys(attempt)}
        responses = read_body(request, AttemptSaveSerializer, context)["responses"]
        attempts.save_responses(attempt, responses)
        return Response(AttemptStateSerializer(attempt).data)

    @non_transactional
    @action(detail=True, methods=["post"])
    def submit(self, request, id=None):
        return Response(AttemptResultSerializer(attempts.submit(self.attempt())).data)
