"""Who may see which quiz: the one place that says it.

Teachers see their own quizzes, staff see everyone's. Anything else is a 404,
never a 403: another teacher's quiz does not exist as far as you can tell.
"""

from django.shortcuts import get_object_or_404

from quizzes.models import Question, Quiz


def quizzes_for(user):
    """The quizzes `user` may see and change."""
    quizzes = Quiz.objects.select_related("owner")
    if user.is_staff:
        return quizzes.all()
    return quizzes.filter(owner=user)


def get_quiz(user, quiz_id):
    """The quiz `quiz_id` if `user` may see it; Http404 otherwise."""
    return get_object_or_404(quizzes_for(user), pk=quiz_id)


def get_question(quiz, question_id):
    """The question `question_id` of `quiz`; Http404 when it belongs elsewhere."""
    return get_object_or_404(Question, pk=question_id, quiz=quiz)
