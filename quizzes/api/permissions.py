"""Who may manage which quiz: its owner, and staff for every quiz.

The API never says that another teacher's quiz exists: it is left out of the
querysets views look objects up in, so every URL naming it answers 404, the
same as for an id nobody uses.
"""

from quizzes.models import Quiz, QuizStatus


def manageable_quizzes(user):
    """The quizzes `user` (authenticated) may read and change."""
    quizzes = Quiz.objects.select_related("owner")
    return quizzes if user.is_staff else quizzes.filter(owner=user)


def published_quizzes():
    """The quizzes anyone may take."""
    return Quiz.objects.filter(status=QuizStatus.PUBLISHED)
