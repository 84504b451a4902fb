"""The quiz, question or bank category a teacher's view works on, or a 404 (or a 403
for a change the user's role does not allow).

Who may see and change what is decided in quizzes.access, for the UI and the API
alike; views look items up with its get_quiz, get_category and get_bank_question,
re-exported here, passing the role the view needs (quizzes.access.EDITOR to change).
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from quizzes.access import get_bank_question, get_category, get_quiz
from quizzes.models import Question

__all__ = ["get_bank_question", "get_category", "get_question", "get_quiz"]


def get_question(quiz, question_id):
    """The question of one of `quiz`'s fixed slots; Http404 for any other id."""
    if not any(str(slot.question) == str(question_id) for slot in quiz.slots):
        raise Http404
    return get_object_or_404(Question, pk=question_id)
