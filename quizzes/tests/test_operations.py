"""quizzes.operations against the real database: versions, slots, counters."""

import pytest

from quizzes import bank, operations
from quizzes.models import Category, Question, QuestionVersion, Quiz
from quizzes.tests.fixtures.plugin import question_named, questions_of

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
    return [question.name for question in questions_of(quiz)]


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
    assert names(sums_quiz)[3] == "q4"
    assert Quiz.objects.get(pk=sums_quiz.pk).version == 3
    operations.update_question(sums_quiz, question, {"name": "q4 bis"}, expected_version=3)
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


def test_insert_remove_duplicate_keep_the_slots_in_order(sums_quiz):
    operations.add_question(sums_quiz, mcq("first"), position=0)
    assert names(sums_quiz) == ["first", "q1", "q2", "q3"]
    q1 = question_named(sums_quiz, "q1")
    operations.delete_question(sums_quiz, q1)
    assert names(sums_quiz) == ["first", "q2", "q3"]
    assert Question.objects.filter(pk=q1.pk).exists(), "a removed question stays in the bank"
    operations.duplicate_question(sums_quiz, question_named(sums_quiz, "q2"))
    assert names(sums_quiz) == ["first", "q2", "q2 (copy)", "q3"]
    assert Quiz.objects.get(pk=sums_quiz.pk).question_count == 4


def test_questions_made_from_a_quiz_go_to_its_category(sums_quiz):
    operations.add_question(sums_quiz, mcq("q4"))
    (category,) = Category.objects.filter(owner=sums_quiz.owner)
    assert category.name == "Sums"
    assert {q.category_id for q in questions_of(sums_quiz)} == {category.pk}


def test_editing_a_question_adds_a_version(sums_quiz, teacher):
    question = question_named(sums_quiz, "q1")
    operations.update_question(sums_quiz, question, {"name": "q1 v2"}, author=teacher)
    versions = QuestionVersion.objects.filter(question=question).order_by("number")
    assert [(v.number, v.data["name"]) for v in versions] == [(1, "q1"), (2, "q1 v2")]
    assert Question.objects.get(pk=question.pk).version == 2


def test_a_question_is_in_a_quiz_at_most_once(sums_quiz):
    with pytest.raises(operations.SlotError):
        operations.add_slots(sums_quiz, [question_named(sums_quiz, "q1")])
    assert names(sums_quiz) == ["q1", "q2", "q3"]


def test_random_slots_draw_from_their_category(sums_quiz, teacher):
    category = Category.objects.get(owner=teacher)
    pool = operations.create_quiz(teacher, {"title": "Pool"}, [mcq("p1"), mcq("p2")])
    pool_category = Category.objects.get(pk=pool.category)
    operations.add_random_slot(sums_quiz, pool_category, 1)
    quiz = Quiz.objects.get(pk=sums_quiz.pk)
    assert quiz.question_count == 4
    drawn = operations.drawn_questions(quiz)
    assert [q.name for q in drawn[:3]] == ["q1", "q2", "q3"]
    assert drawn[3].name in {"p1", "p2"}
    p2 = Question.objects.get(name="p2")
    assert operations.drawn_questions(quiz, shown=[str(p2.pk)])[3].pk == p2.pk
    # Fixed questions of the quiz are never drawn again by its random slots.
    operations.add_random_slot(quiz, category, 2)
    assert len(operations.drawn_questions(Quiz.objects.get(pk=quiz.pk))) == 4


def test_reorder_slots_writes_one_document(sums_quiz):
    uids = [slot.uid for slot in sums_quiz.slots]
    operations.reorder_slots(sums_quiz, [uids[1], uids[2], uids[0]])
    assert names(sums_quiz) == ["q2", "q3", "q1"]
    with pytest.raises(operations.OrderMismatch):
        operations.reorder_slots(sums_quiz, [uids[0]])


def test_reorder(sums_quiz):
    ids = [question.pk for question in questions_of(sums_quiz)]
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


def test_duplicate_quiz_shares_the_bank_questions(sums_quiz, teacher):
    copy = operations.duplicate_quiz(sums_quiz, teacher)
    assert [q.pk for q in questions_of(copy)] == [q.pk for q in questions_of(sums_quiz)]
    assert Question.objects.count() == 3


def test_delete_quiz_keeps_its_questions_in_the_bank(sums_quiz):
    operations.delete_quiz(sums_quiz)
    assert not Quiz.objects.filter(pk=sums_quiz.pk).exists()
    assert sorted(Question.objects.values_list("name", flat=True)) == ["q1", "q2", "q3"]


def test_deleting_a_category_with_its_content_takes_its_slots_out_in_one_change(sums_quiz, teacher):
    pool = operations.create_quiz(teacher, {"title": "Pool"}, [mcq("p1"), mcq("p2")])
    pool_category = Category.objects.get(pk=pool.category)
    operations.add_slots(sums_quiz, [Question.objects.get(name="p1")])
    operations.add_random_slot(Quiz.objects.get(pk=sums_quiz.pk), pool_category, 1)
    before = Quiz.objects.get(pk=sums_quiz.pk).version
    bank.delete_category(pool_category, with_content=True)
    quiz = Quiz.objects.get(pk=sums_quiz.pk)
    assert names(quiz) == ["q1", "q2", "q3"]
    assert (len(quiz.slots), quiz.question_count) == (3, 3)
    assert quiz.version == before + 1
    assert not Question.objects.filter(name__in=["p1", "p2"]).exists()
    assert not QuestionVersion.objects.filter(data__name="p1").exists()
