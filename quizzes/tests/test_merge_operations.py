"""operations.merge_quiz_settings, merge_question and slots_version against the real
database: an edit made from an older version is merged with what was saved since."""

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from quizzes import bank, operations, revisions
from quizzes.models import Question, QuestionVersion, Quiz, Revision
from quizzes.tests.fixtures.plugin import question_named, version_snapshot

pytestmark = pytest.mark.django_db


def mcq(name):
    return {
        "type": "multichoice",
        "name": name,
        "text": f"{name}: 2 + 2?",
        "answers": [{"text": "4", "fraction": 100}, {"text": "5", "fraction": 0}],
    }


@pytest.fixture
def lea(db):
    return User.objects.create_user("lea", first_name="Léa", last_name="Martin")


@pytest.fixture
def sums(make_quiz, teacher):
    """Version 1 of "Sums": pass mark 50, tagged maths, two questions."""
    return make_quiz("Sums", [mcq("q1"), mcq("q2")], owner=teacher, tags=["maths"])


def fresh(sums):
    return Quiz.objects.get(pk=sums.pk)


def test_disjoint_changes_are_both_kept_with_a_message(sums, teacher, lea):
    operations.update_quiz(fresh(sums), {"options": {"pass_mark": 75}}, 1, author=lea)
    outcome = operations.merge_quiz_settings(
        fresh(sums), {"tags": "maths, algebra"}, 1, author=teacher
    )
    stored = fresh(sums)
    assert (stored.options.pass_mark, stored.tags, stored.version) == (75, ["maths", "algebra"], 3)
    assert outcome.merged.theirs == ["options.pass_mark"]
    assert outcome.authors == ["Léa Martin"]
    assert outcome.message() == (
        "Léa Martin changed the pass mark meanwhile; your change of the tags was added."
    )
    revision = revisions.revisions_of(sums).get(version=3)
    assert revision.author_id == teacher.pk
    assert revision.action == Revision.Action.SETTINGS
    assert revision.changes == [
        {"field": "tags", "before": ["maths"], "after": ["maths", "algebra"]}
    ]


def test_saving_from_the_current_version_needs_no_merge(sums, teacher):
    outcome = operations.merge_quiz_settings(fresh(sums), {"title": "Sums 2"}, 1, author=teacher)
    assert (outcome.merged, outcome.message()) == (None, None)
    assert fresh(sums).title == "Sums 2"


def test_both_changing_a_field_is_a_conflict_and_writes_nothing(sums, teacher, lea):
    operations.update_quiz(fresh(sums), {"title": "Theirs", "description": "D"}, 1, author=lea)
    before = version_snapshot()
    with pytest.raises(operations.MergeConflict) as raised:
        operations.merge_quiz_settings(
            fresh(sums), {"title": "Yours", "tags": "x"}, 1, author=teacher
        )
    (conflict,) = raised.value.merged.conflicts
    assert (conflict.field, conflict.base, conflict.theirs, conflict.yours) == (
        "title",
        "Sums",
        "Theirs",
        "Yours",
    )
    assert (raised.value.current, raised.value.authors) == (2, ["Léa Martin"])
    assert version_snapshot() == before
    assert fresh(sums).tags == ["maths"]


@pytest.mark.parametrize(
    ("choice", "title"), [("yours", "Yours"), ("theirs", "Theirs"), ("base", "Sums")]
)
def test_choices_resolve_a_conflict(sums, teacher, lea, choice, title):
    operations.update_quiz(fresh(sums), {"title": "Theirs"}, 1, author=lea)
    outcome = operations.merge_quiz_settings(
        fresh(sums), {"title": "Yours", "tags": "x"}, 1, author=teacher, choices={"title": choice}
    )
    stored = fresh(sums)
    assert (stored.title, stored.tags, stored.version) == (title, ["x"], 3)
    assert outcome.saved.version == 3


def test_a_choice_for_another_field_leaves_the_conflict(sums, teacher, lea):
    operations.update_quiz(fresh(sums), {"title": "Theirs"}, 1, author=lea)
    with pytest.raises(operations.MergeConflict):
        operations.merge_quiz_settings(
            fresh(sums), {"title": "Yours"}, 1, author=teacher, choices={"tags": "yours"}
        )


def test_an_unknown_choice_is_bad_input(sums, teacher, lea):
    operations.update_quiz(fresh(sums), {"title": "Theirs"}, 1, author=lea)
    with pytest.raises(ValidationError) as raised:
        operations.merge_quiz_settings(
            fresh(sums), {"title": "Yours"}, 1, author=teacher, choices={"title": "mine"}
        )
    assert "title" in raised.value.message_dict
    assert fresh(sums).title == "Theirs"


def test_invalid_yours_is_refused_before_merging(sums, teacher, lea):
    operations.update_quiz(fresh(sums), {"title": "Theirs"}, 1, author=lea)
    with pytest.raises(ValidationError) as raised:
        operations.merge_quiz_settings(fresh(sums), {"options": {"pass_mark": 300}}, 1)
    assert "options.pass_mark" in raised.value.message_dict


def test_a_missing_base_revision_is_a_plain_version_conflict(sums, teacher, lea):
    operations.update_quiz(fresh(sums), {"title": "Theirs"}, 1, author=lea)
    Revision.objects.filter(quiz_id=sums.pk, version=1).delete()
    with pytest.raises(operations.VersionConflict) as raised:
        operations.merge_quiz_settings(fresh(sums), {"tags": "x"}, 1, author=teacher)
    assert raised.value.current == 2
    assert fresh(sums).tags == ["maths"]


def test_a_change_landing_during_the_merge_is_a_version_conflict(sums, teacher, lea):
    stale = fresh(sums)
    operations.update_quiz(fresh(sums), {"title": "Theirs"}, 1, author=lea)
    read_at_2 = fresh(sums)
    operations.update_quiz(fresh(sums), {"description": "Later"}, 2, author=lea)
    with pytest.raises(operations.VersionConflict):
        operations.merge_quiz_settings(read_at_2, {"tags": "x"}, 1, author=teacher)
    assert stale.version == 1


def test_the_settings_merge_leaves_the_slots_alone(sums, teacher):
    operations.delete_question(fresh(sums), question_named(sums, "q1"), author=teacher)
    operations.merge_quiz_settings(fresh(sums), {"title": "Renamed"}, 1, author=teacher)
    stored = fresh(sums)
    assert (stored.title, stored.question_count) == ("Renamed", 1)


# -- questions ------------------------------------------------------------------
def edit(question, **changes):
    return {**operations.question_data(question), **changes}


def test_question_edits_of_different_fields_merge(sums, teacher, lea):
    question = question_named(sums, "q1")
    bank.update_question(question, {"text": "Theirs?"}, lea)
    question = Question.objects.get(pk=question.pk)
    outcome = operations.merge_question(
        question, {"name": "Yours", "tags": "t"}, 1, author=teacher, quiz=fresh(sums)
    )
    stored = Question.objects.get(pk=question.pk)
    assert (stored.name, stored.text, stored.tags, stored.version) == (
        "Yours",
        "Theirs?",
        ["t"],
        3,
    )
    assert outcome.message() == (
        "Léa Martin changed the question text meanwhile; your changes of the question name, "
        "the tags were added."
    )
    assert QuestionVersion.objects.get(question=question, number=3).author_id == teacher.pk
    edited = revisions.revisions_of(sums).get(version=2)
    assert (edited.action, edited.author_id) == (Revision.Action.QUESTION, teacher.pk)
    assert edited.changes == [
        {"field": "question", "question": str(question.pk), "before": 2, "after": 3}
    ]


def test_a_question_edit_from_the_quiz_moves_the_quiz_version_whatever_it_is(sums, teacher):
    operations.update_quiz(fresh(sums), {"title": "Changed"}, 1)
    question = question_named(sums, "q2")
    operations.merge_question(question, {"name": "q2 bis"}, 1, author=teacher, quiz=fresh(sums))
    assert fresh(sums).version == 3
    assert Question.objects.get(pk=question.pk).name == "q2 bis"


def test_a_bank_edit_leaves_the_quizzes_alone(sums, teacher):
    question = question_named(sums, "q2")
    outcome = operations.merge_question(question, {"name": "q2 bis"}, 1, author=teacher)
    assert (outcome.merged, fresh(sums).version) == (None, 1)


def test_a_question_conflict_writes_nothing(sums, teacher, lea):
    question = question_named(sums, "q1")
    bank.update_question(question, {"name": "Theirs"}, lea)
    question = Question.objects.get(pk=question.pk)
    before = version_snapshot()
    with pytest.raises(operations.MergeConflict) as raised:
        operations.merge_question(question, {"name": "Yours"}, 1, author=teacher, quiz=fresh(sums))
    assert [c.field for c in raised.value.merged.conflicts] == ["name"]
    assert version_snapshot() == before
    operations.merge_question(
        question, {"name": "Yours"}, 1, author=teacher, quiz=fresh(sums), choices={"name": "yours"}
    )
    assert Question.objects.get(pk=question.pk).name == "Yours"


def test_an_unknown_question_version_is_a_version_conflict(sums, teacher):
    question = question_named(sums, "q1")
    bank.update_question(question, {"name": "Theirs"}, teacher)
    question = Question.objects.get(pk=question.pk)
    with pytest.raises(operations.VersionConflict) as raised:
        operations.merge_question(question, {"name": "Yours"}, 7, author=teacher)
    assert raised.value.current == 2


def test_a_stale_question_write_is_a_version_conflict(sums, teacher):
    question = question_named(sums, "q1")
    stale = Question.objects.get(pk=question.pk)
    bank.update_question(question, {"name": "Theirs"}, teacher)
    with pytest.raises(operations.VersionConflict):
        operations.merge_question(stale, {"name": "Yours"}, 1, author=teacher)


# -- slots ----------------------------------------------------------------------
def test_slot_changes_from_an_older_page_go_through_unless_slots_changed(sums, teacher):
    operations.update_quiz(fresh(sums), {"title": "Settings"}, 1)
    operations.merge_question(question_named(sums, "q1"), {"name": "n"}, 1, quiz=fresh(sums))
    assert operations.slots_version(fresh(sums), 1) == 3
    operations.delete_question(fresh(sums), question_named(sums, "q2"))
    with pytest.raises(operations.VersionConflict) as raised:
        operations.slots_version(fresh(sums), 1)
    assert raised.value.current == 4
    assert operations.slots_version(fresh(sums), 4) == 4


def test_slot_changes_are_a_conflict_when_the_revisions_are_gone(sums):
    operations.update_quiz(fresh(sums), {"title": "Settings"}, 1)
    Revision.objects.filter(quiz_id=sums.pk, version=2).delete()
    with pytest.raises(operations.VersionConflict):
        operations.slots_version(fresh(sums), 1)
    with pytest.raises(operations.VersionConflict):
        operations.slots_version(fresh(sums), 5)


def test_answers_merge_by_uid_whatever_their_order(sums, teacher, lea):
    """Yours moved one answer first and changed its text, and added one; theirs changed
    the other's feedback and added one: all kept, each answer by its uid."""
    question = question_named(sums, "q1")
    right, wrong = operations.question_data(question)["answers"]
    theirs = [{**right, "feedback": "Yes"}, wrong, {"text": "3", "fraction": 0}]
    bank.update_question(question, {"answers": theirs}, lea)
    yours = [{**wrong, "text": "6"}, right, {"text": "7", "fraction": 0}]
    question = Question.objects.get(pk=question.pk)
    outcome = operations.merge_question(question, {"answers": yours}, 1, author=teacher)
    stored = Question.objects.get(pk=question.pk)
    assert [(a.text, a.feedback) for a in stored.answers] == [
        ("6", ""),
        ("3", ""),
        ("4", "Yes"),
        ("7", ""),
    ], "their new answer follows the one it followed on their side"
    assert stored.answers[2].uid == right["uid"]
    assert (outcome.merged.yours, outcome.merged.theirs) == (["answers"], ["answers"])


def test_an_answer_both_changed_is_a_conflict_named_by_its_uid(sums, teacher, lea):
    question = question_named(sums, "q1")
    right, wrong = operations.question_data(question)["answers"]
    bank.update_question(question, {"answers": [{**right, "text": "four"}, wrong]}, lea)
    question = Question.objects.get(pk=question.pk)
    yours = {"answers": [{**right, "text": "IV"}, wrong]}
    with pytest.raises(operations.MergeConflict) as raised:
        operations.merge_question(question, yours, 1, author=teacher)
    (conflict,) = raised.value.merged.conflicts
    assert conflict.field == f"answers.{right['uid']}"
    assert (conflict.theirs["text"], conflict.yours["text"]) == ("four", "IV")
    choices = {conflict.field: "yours"}
    operations.merge_question(question, yours, 1, author=teacher, choices=choices)
    assert [a.text for a in Question.objects.get(pk=question.pk).answers] == ["IV", "5"]
