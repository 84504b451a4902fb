"""The bank pages' "Add to quiz" menu at scale: it lists the teacher's MENU_QUIZZES most
recently changed quizzes (not the archived ones), read along an index, so the page
sends the same MongoDB commands for a teacher with 50 quizzes as with 20,000; past
the menu, a help text sends the teacher to the quiz's "Add from the bank", and a
quiz outside the menu still takes the ticked questions by its id. The quiz editor's
"Add from the bank" pages through the bank along an index too."""

import pytest
from django.urls import reverse

from quizzes import bank, operations
from quizzes.models import Question, Quiz, QuizStatus
from quizzes.tests.listing_scale import add_copies, add_question_copies, explain, list_commands
from quizzes.views.bank_forms import MENU_QUIZZES
from quizzes.views.slots import PAGE_SIZE as ADD_PAGE

pytestmark = pytest.mark.django_db

SMALL, LARGE = 50, 20_000
HELP = "To add questions to another quiz, open it and use “Add from the bank”."


@pytest.fixture
def question(teacher):
    category = bank.create_category(teacher, {"name": "Physics"})
    return bank.create_question(
        teacher, category, {"type": "essay", "name": "Gravity", "text": "Why fall?"}
    )


def menu(response):
    """The titles of the page's quiz menu, its empty choice aside."""
    choices = response.context["bulk"].fields["quiz"].widget.choices
    assert choices[0] == ("", "—")
    return [title for _pk, title in choices[1:]]


def test_bank_page_menu_lists_the_latest_quizzes_at_the_same_cost_for_50_and_20000(
    teacher, other_teacher, owner_client, question
):
    add_copies(other_teacher, 100, title="Not mine")
    add_copies(teacher, SMALL)
    archived = operations.create_quiz(teacher, {"title": "Archived"})
    operations.set_status(archived, QuizStatus.ARCHIVED)
    url = reverse("bank_questions")
    small, small_commands, _query = list_commands(owner_client, url)
    assert menu(small) == ["Copy model", *(f"Copy {n}" for n in range(SMALL - 1))]
    assert HELP not in small.content.decode()
    add_copies(teacher, LARGE - SMALL, title="Old")
    large, large_commands, query = list_commands(owner_client, url)
    assert large_commands == small_commands
    latest = ["Old model", "Copy model", *(f"Copy {n}" for n in range(MENU_QUIZZES - 2))]
    assert menu(large) == latest
    assert HELP in large.content.decode()
    documents, stages, indexes = explain(query)
    assert indexes == {"quiz_owner_updated_id"}
    assert "SORT" not in stages
    assert documents <= MENU_QUIZZES + 2  # the menu, the one more, the archived quiz


def test_a_quiz_outside_the_menu_takes_the_ticked_questions(teacher, owner_client, question):
    add_copies(teacher, MENU_QUIZZES + 10)
    oldest = Quiz.objects.get(owner=teacher, title=f"Copy {MENU_QUIZZES + 8}")
    url = reverse("bank_questions")
    assert oldest.title not in menu(owner_client.get(url))
    response = owner_client.post(
        url, {"action": "add_to_quiz", "ids": [question.pk], "quiz": oldest.pk}
    )
    assert response.status_code == 302
    assert [slot.question for slot in Quiz.objects.get(pk=oldest.pk).slots] == [question.pk]


@pytest.mark.parametrize("status", [QuizStatus.ARCHIVED, None], ids=["archived", "another's"])
def test_an_archived_or_anothers_quiz_takes_no_question(
    teacher, other_teacher, owner_client, question, status
):
    quiz = operations.create_quiz(teacher if status else other_teacher, {"title": "No"})
    if status:
        operations.set_status(quiz, status)
    response = owner_client.post(
        reverse("bank_questions"), {"action": "add_to_quiz", "ids": [question.pk], "quiz": quiz.pk}
    )
    assert response.status_code == 400
    assert "Choose the quiz to add them to." in response.content.decode()
    assert Quiz.objects.get(pk=quiz.pk).slots == []


def test_add_from_the_bank_pages_cost_the_same_for_1_and_1000_questions(
    teacher, other_teacher, owner_client
):
    """The quiz editor's "Add from the bank" reads a page of the bank along the owner's
    index by position: the same commands for 1 question as for 1,000, no sort, and no
    more documents examined than a page and the one more; its "Older" link reaches the
    next page."""
    add_question_copies(other_teacher, bank.default_category(other_teacher, "Theirs"), 100)
    category = bank.default_category(teacher, "Mine")
    quiz = operations.create_quiz(teacher, {"title": "Built"})
    url = reverse("quiz_add_from_bank", args=[quiz.pk])
    add_question_copies(teacher, category, 1, "First")
    small, small_commands, _query = list_commands(owner_client, url, Question)
    assert [q.name for q in small.context["page"].items] == ["First model"]
    assert small.context["page"].older is None
    add_question_copies(teacher, category, 999)
    large, large_commands, query = list_commands(owner_client, url, Question)
    assert large_commands == small_commands
    first = [q.name for q in large.context["page"].items]
    assert first == ["Copy model", "First model", *(f"Copy {n}" for n in range(ADD_PAGE - 2))]
    documents, stages, indexes = explain(query)
    assert indexes == {"question_owner_updated_id"}
    assert "SORT" not in stages
    assert documents <= ADD_PAGE + 1
    older = large.context["page"].older
    assert f"older={older}" in large.content.decode()
    following, commands, _query = list_commands(owner_client, f"{url}?older={older}", Question)
    assert commands == small_commands
    names = [q.name for q in following.context["page"].items]
    assert names == [f"Copy {n}" for n in range(ADD_PAGE - 2, 2 * ADD_PAGE - 2)]
