"""The quiz, question or bank category a teacher's view works on, or a 404.

Which quizzes a user may see is decided in quizzes.access, for the UI and the
API alike; these only look one up in them.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from quizzes.access import bank_categories, bank_questions, manageable_quizzes
from quizzes.models import Question


def get_quiz(user, quiz_id):
    """The quiz `quiz_id` if `user` may see it; Http404 otherwise."""
    return get_object_or_404(manageable_quizzes(user), pk=quiz_id)


def get_question(quiz, question_id):
    """The question of one of `quiz`'s fixed slots; Http404 for any other id."""
    if not any(str(slot.question) == str(question_id) for slot in quiz.slots):
        raise Http404
    return get_object_or_404(Question, pk=question_id)


def get_category(user, category_id):
    """The category `category_id` of `user`'s own bank; Http404 otherwise."""
    return get_object_or_404(bank_categories(user), pk=category_id)


def get_bank_question(user, question_id):
    """The question `question_id` of `user`'s own bank; Http404 otherwise."""
    return get_object_or_404(bank_questions(user), pk=question_id)
