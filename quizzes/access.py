"""Who may see which quiz: the one place that says it, for the teachers' UI and the API.

Teachers see and change their own quizzes, staff everyone's. Another teacher's
quiz is left out of the querysets views look objects up in, so every URL
naming it answers 404, never 403: as far as you can tell it does not exist,
the same as an id nobody uses. Learners see published quizzes only.
"""

from quizzes.models import Quiz, QuizStatus


def manageable_quizzes(user):
    """The quizzes `user` (authenticated) may see and change."""
    quizzes = Quiz.objects.select_related("owner")
    return quizzes if user.is_staff else quizzes.filter(owner=user)


def published_quizzes():
    """The quizzes anyone may take."""
    return Quiz.objects.filter(status=QuizStatus.PUBLISHED)
