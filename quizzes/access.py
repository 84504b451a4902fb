"""Who may see which quiz and which part of a bank: the one place that says it,
for the teachers' UI and the API.

Teachers see and change their own quizzes, staff everyone's. Another teacher's
quiz is left out of the querysets views look objects up in, so every URL
naming it answers 404, never 403: as far as you can tell it does not exist,
the same as an id nobody uses. Learners see published quizzes only, as
their live release (quizzes.releases.live_releases).

A question bank is its owner's alone (staff included: banks are not shared
yet). Categories being filled by an import (`Category.staging`) and their
questions are invisible to everyone until the import finishes.
"""

from bson import ObjectId
from django.http import Http404

from quizzes import documents
from quizzes.models import Category, Question, Quiz, Slot


def manageable_quizzes(user):
    """The quizzes `user` (authenticated) may see and change."""
    return Quiz.objects.all() if user.is_staff else Quiz.objects.filter(owner=user)


def manageable_quizzes_match(user):
    """The same quizzes as a MongoDB query on their collection (quizzes.listing)."""
    return {} if user.is_staff else {"owner_id": user.pk}


def editor_quiz(user, quiz_id):
    """The quiz `quiz_id` if `user` may see it (Http404 otherwise), as get_quiz gives it,
    in one find: the document made a Quiz as the ORM would (documents.instance), but
    its slots, made Slot instances directly. The backend's conversion of embedded
    documents, field by field, would cost 20 ms for a quiz of 1,000 questions."""
    query = {"_id": ObjectId(quiz_id), **manageable_quizzes_match(user)}
    document = documents.find_one(Quiz, query)
    if document is None:
        raise Http404
    quiz = documents.instance(Quiz, document, deferred={"slots"})
    quiz.slots = [Slot(**documents.embedded(Slot, slot)) for slot in document["slots"]]
    return quiz


def bank_categories(user):
    """The categories of `user`'s bank that may be seen."""
    return Category.objects.filter(owner=user, staging=None)


def bank_questions(user):
    """The questions of `user`'s bank that may be seen (not those of a staged import)."""
    return Question.objects.filter(owner=user, category__in=bank_categories(user).values("pk"))
