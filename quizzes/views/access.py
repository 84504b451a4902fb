"""The quiz or question a teacher's view works on, or a 404.

Which quizzes a user may see is decided in quizzes.access, for the UI and the
API alike; these only look one up in them.
"""

from django.shortcuts import get_object_or_404

from quizzes.access import manageable_quizzes
from quizzes.models import Question


def get_quiz(user, quiz_id):
    """The quiz `quiz_id` if `user` may see it; Http404 otherwise."""
    return get_object_or_404(manageable_quizzes(user), pk=quiz_id)


def get_question(quiz, question_id):
    """The question `question_id` of `quiz`; Http404 when it belongs elsewhere."""
    return get_object_or_404(Question, pk=question_id, quiz=quiz)
