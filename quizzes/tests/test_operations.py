"""quizzes.operations against the real database: versions, positions, counters."""

import pytest

from quizzes import operations
from quizzes.models import Question, Quiz

pytestmark = pytest.mark.django_db


def mcq(name, right="4"):
    return {
        "type": "multichoice",
        "name": name,
        "text": f"{name}: 2 + 2?",
        "answers": [{"text": right, "fraction": 100}, {"text": "5", "fraction": 0}],
    }


@pytest.fixture
def sums_quiz(make_quiz, teacher):
    """The teacher's draft quiz "Sums": three multichoice questions, q1 to q3."""
    return make_quiz("Sums", [mcq("q1"), mcq("q2"), mcq("q3")], owner=teacher, tags=["maths"])


def names(quiz):
    return list(
        Question.objects.filter(quiz=quiz).order_by("position").values_list("name", flat=True)
    )


def test_create_quiz_with_questions(sums_quiz):
    stored = Quiz.objects.get(pk=sums_quiz.pk)
    assert stored.version == 1
    assert stored.question_count == 3
    assert stored.options.pass_mark == 50
    assert names(sums_quiz) == ["q1", "q2", "q3"]
    assert operations.quiz_data(stored)["questions"][0]["answers"][0]["fraction"] == 100


def test_every_change_bumps_the_version_once(sums_quiz):
    operations.update_quiz(sums_quiz, {"title": "Sums 2"}, expected_version=1)
    assert Quiz.objects.get(pk=sums_quiz.pk).version == 2
    question = operations.add_question(sums_quiz, mcq("q4"), expected_version=2)
    assert question.position == 3
    assert Quiz.objects.get(pk=sums_quiz.pk).version == 3
    operations.update_question(question, {"name": "q4 bis"}, expected_version=3)
    operations.set_status(sums_quiz, "published", expected_version=4)
    stored = Quiz.objects.get(pk=sums_quiz.pk)
    assert (stored.version, stored.status, stored.title) == (5, "published", "Sums 2")
    assert stored.question_count == 4


def test_stale_version_is_refused_and_writes_nothing(sums_quiz):
    operations.update_quiz(sums_quiz, {"title": "New"})
    with pytest.raises(operations.VersionConflict) as conflict:
        operations.update_quiz(sums_quiz, {"title": "Stale"}, expected_version=1)
    assert conflict.value.current == 2
    assert Quiz.objects.get(pk=sums_quiz.pk).title == "New"


def test_insert_delete_duplicate_keep_positions_dense(sums_quiz):
    operations.add_question(sums_quiz, mcq("first"), position=0)
    assert names(sums_quiz) == ["first", "q1", "q2", "q3"]
    operations.delete_question(Question.objects.get(quiz=sums_quiz, name="q1"))
    assert names(sums_quiz) == ["first", "q2", "q3"]
    operations.duplicate_question(Question.objects.get(quiz=sums_quiz, name="q2"))
    assert names(sums_quiz) == ["first", "q2", "q2 (copy)", "q3"]
    positions = list(Question.objects.filter(quiz=sums_quiz).values_list("position", flat=True))
    assert sorted(positions) == [0, 1, 2, 3]
    assert Quiz.objects.get(pk=sums_quiz.pk).question_count == 4


def test_reorder(sums_quiz):
    ids = list(
        Question.objects.filter(quiz=sums_quiz).order_by("position").values_list("pk", flat=True)
    )
    operations.reorder_questions(sums_quiz, [ids[2], ids[0], ids[1]])
    assert names(sums_quiz) == ["q3", "q1", "q2"]
    with pytest.raises(operations.OrderMismatch):
        operations.reorder_questions(sums_quiz, [ids[0], ids[0], ids[1]])
    assert names(sums_quiz) == ["q3", "q1", "q2"]


def test_duplicate_quiz_is_a_draft_copy(sums_quiz, teacher):
    operations.set_status(sums_quiz, "published")
    copy = operations.duplicate_quiz(sums_quiz, teacher)
    assert copy.pk != sums_quiz.pk
    assert (copy.title, copy.status, copy.tags) == ("Sums (copy)", "draft", ["maths"])
    assert names(copy) == ["q1", "q2", "q3"]


def test_delete_quiz_removes_its_questions(sums_quiz):
    other = operations.create_quiz(sums_quiz.owner, {"title": "Other"}, [mcq("keep")])
    operations.delete_quiz(sums_quiz)
    assert not Quiz.objects.filter(pk=sums_quiz.pk).exists()
    assert list(Question.objects.values_list("name", flat=True)) == ["keep"]
    assert Question.objects.get().quiz_id == other.pk
