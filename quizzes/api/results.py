"""The quiz owner's endpoints on attempts: read one, grade a response, delete it; the
quiz's statistics.

`attempts/{id}/` serves learners (quizzes.api.attempts) and, for an attempt
its caller may not use as a learner, the quiz's owner (or staff): reading it
answers the teacher's review (AttemptSerializer); grading and deleting are
the owner's alone. Anyone else gets 404, as for an attempt that does not
exist. Grading runs in the request's transaction and writes the attempt's
own document only (quizzes.grading).
"""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from quizzes import attempts, grading, results
from quizzes.access import VIEWER, get_quiz, needed
from quizzes.api.serializers import AttemptSerializer, AttemptStatisticsSerializer, GradeSerializer
from quizzes.api.views import read_body
from quizzes.statistics import read_statistics

GRADE_DOC = {
    "summary": "Grade one response of a submitted attempt (the quiz's owner)",
    "description": (
        "Points from 0 to the question's points and a comment: the response's state follows "
        "from the points (correct at full marks, partially correct, incorrect at 0), and the "
        "attempt's score, percentage and pass are computed again as automatic grading does. "
        "An essay waits for this (`ungraded`); any other scored question's automatic grade "
        "may be overridden. 400 for points out of range or a question the attempt does not "
        "have; 409 `in_progress` for an attempt not submitted yet, 409 `grading_conflict` "
        "when someone graded the attempt meanwhile (read it and grade again)."
    ),
}


class OwnerAttemptMixin:
    """The AttemptViewSet's teacher side: the attempt as its quiz's owner (or staff) sees it."""

    def owned_attempt(self):
        """The attempt of the URL at a quiz the caller may manage; NotFound otherwise."""
        user = self.request.user
        if not user.is_authenticated:
            raise NotFound()
        key = self.kwargs["id"]
        quiz = get_quiz(user, key[:24], needed(self.request))
        attempt = quiz and results.attempt_of(quiz, key[24:])
        if not attempt:
            raise NotFound()
        return attempt

    def owner_review(self):
        return Response(AttemptSerializer(attempts.settle(self.owned_attempt())).data)

    @extend_schema(**GRADE_DOC, request=GradeSerializer, responses={200: AttemptSerializer})
    @action(detail=True, methods=["post"])
    def grade(self, request, id=None):
        attempt = self.owned_attempt()
        data = read_body(request, GradeSerializer)
        grading.grade_response(
            attempt, data["question"], data["points"], data["comment"], request.user
        )
        return Response(AttemptSerializer(attempt).data)

    @extend_schema(
        summary="Delete an attempt (the quiz's owner); statistics no longer count it",
        responses={204: None},
    )
    def destroy(self, request, id=None):
        attempt = self.owned_attempt()
        results.delete_attempts(attempt.quiz, [attempt.pk])
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(
    tags=["quizzes"],
    summary="Statistics of the quiz's submitted attempts, as Moodle's quiz statistics report",
    description=(
        "Per question (by question id, across releases): facility index and standard "
        "deviation (in % of the question's points), discrimination index and discriminative "
        "efficiency, how often each answer of a choice, true/false or matching question was "
        "chosen. For the quiz: count, mean, median, standard deviation, skewness, kurtosis, "
        "pass rate and the distribution of percentages in ten bins."
    ),
    responses={200: AttemptStatisticsSerializer},
)
class QuizStatisticsView(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request, quiz_id):
        quiz = get_quiz(request.user, quiz_id, VIEWER)
        return Response(AttemptStatisticsSerializer(read_statistics(quiz)).data)
