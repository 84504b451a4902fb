"""Revisions: every change of a quiz recorded in its transaction (quizzes.revisions),
what each says changed, retention, restoring one (operations.restore_revision)."""

import pytest

from quizzes import bank, operations
from quizzes.models import Quiz, Revision
from quizzes.tests.fixtures.plugin import questions_of

pytestmark = pytest.mark.django_db

QUESTIONS = [
    {
        "type": "truefalse",
        "name": f"Q{n}",
        "text": f"Statement {n}.",
        "answers": [{"text": "true", "fraction": 100}, {"text": "false", "fraction": 0}],
    }
    for n in range(1, 4)
]


@pytest.fixture
def quiz_70(make_quiz, teacher):
    """A draft quiz of three questions, its pass mark 70."""
    return make_quiz("History", QUESTIONS, options={"pass_mark": 70})


def history(quiz):
    """[(version, action, author username or None)] of the quiz's revisions, oldest first."""
    found = Revision.objects.filter(quiz_id=quiz.pk).select_related("author").order_by("version")
    return [(r.version, r.action, r.author and r.author.username) for r in found]


def latest(quiz):
    return Revision.objects.filter(quiz_id=quiz.pk).order_by("-version").first()


def test_creating_a_quiz_records_its_first_revision(quiz_70, teacher):
    assert history(quiz_70) == [(1, "created", "teacher")]
    first = latest(quiz_70)
    assert first.changes == []
    assert first.snapshot["title"] == "History"
    assert first.snapshot["options"]["pass_mark"] == 70
    assert [slot["question"] for slot in first.snapshot["slots"]] == [
        str(q.pk) for q in questions_of(quiz_70)
    ]


def test_each_kind_of_change_is_recorded_with_its_author(quiz_70, teacher, other_teacher):
    operations.update_quiz(quiz_70, {"options": {"pass_mark": 75}, "tags": ["a"]}, author=teacher)
    ids = [slot.question for slot in quiz_70.slots]
    operations.reorder_questions(quiz_70, ids[::-1], author=teacher)
    operations.set_slot_points(quiz_70, quiz_70.slots[0].uid, 3, author=teacher)
    operations.remove_slot(quiz_70, quiz_70.slots[0].uid, author=teacher)
    question = questions_of(quiz_70)[0]
    operations.update_question(quiz_70, question, {"name": "Renamed"}, author=teacher)
    operations.publish_quiz(quiz_70, author=teacher)
    operations.set_status(quiz_70, "draft", author=teacher)
    operations.set_status(quiz_70, "archived", author=teacher)
    operations.set_status(quiz_70, "draft")
    operations.hand_over(quiz_70, other_teacher, author=teacher)
    actions = [action for _version, action, _author in history(quiz_70)]
    assert actions == [
        "created",
        "settings",
        "slots",
        "slots",
        "slots",
        "question",
        "published",
        "unpublished",
        "archived",
        "unarchived",
        "handed_over",
    ]
    assert [version for version, _action, _author in history(quiz_70)] == list(range(1, 12))
    assert history(quiz_70)[-2][2] is None  # a change without an author (a command)
    assert Quiz.objects.get(pk=quiz_70.pk).version == 11


def test_a_settings_change_says_what_changed_field_by_field(quiz_70, teacher):
    operations.update_quiz(
        quiz_70, {"title": "Renamed", "options": {"pass_mark": 75}}, expected_version=1
    )
    assert latest(quiz_70).changes == [
        {"field": "title", "before": "History", "after": "Renamed"},
        {"field": "options.pass_mark", "before": 70, "after": 75},
    ]
    assert latest(quiz_70).snapshot["options"]["pass_mark"] == 75


def test_slot_changes_name_the_slots(quiz_70):
    first, second, third = (str(slot.uid) for slot in quiz_70.slots)
    operations.reorder_slots(quiz_70, [third, first, second])
    moved = latest(quiz_70).changes
    assert [(c["change"], c["slot"], c["before"], c["after"]) for c in moved] == [
        ("moved", third, 3, 1)
    ]
    operations.set_slot_points(quiz_70, first, 2.5)
    (points,) = latest(quiz_70).changes
    assert (points["change"], points["before"], points["after"]) == ("points", None, 2.5)
    operations.remove_slot(quiz_70, second)
    (removed,) = latest(quiz_70).changes
    assert (removed["change"], removed["slot"]) == ("removed", second)
    assert removed["question"] == latest(quiz_70).changes[0]["question"]


def test_a_question_edited_through_the_quiz_names_its_versions(quiz_70):
    question = questions_of(quiz_70)[1]
    operations.update_question(quiz_70, question, {"text": "Changed."})
    assert latest(quiz_70).changes == [
        {"field": "question", "question": str(question.pk), "before": 1, "after": 2}
    ]


def test_deleting_a_question_from_the_bank_records_the_slot_it_took(quiz_70, teacher):
    question = questions_of(quiz_70)[0]
    bank.delete_questions(teacher, [question.pk])
    revision = latest(quiz_70)
    assert revision.action == "slots"
    assert [(c["change"], c["question"]) for c in revision.changes] == [
        ("removed", str(question.pk))
    ]


def test_a_duplicate_starts_its_own_history(quiz_70, teacher):
    copy = operations.duplicate_quiz(quiz_70, teacher)
    assert history(copy) == [(1, "created", "teacher")]


def test_deleting_a_quiz_deletes_its_history(quiz_70, make_quiz):
    other = make_quiz("Other")
    operations.update_quiz(quiz_70, {"title": "Renamed"})
    operations.delete_quiz(quiz_70)
    assert not Revision.objects.filter(quiz_id=quiz_70.pk).exists()
    assert history(other) == [(1, "created", "teacher")]


def test_retention_keeps_the_latest_revisions_in_the_same_change(quiz_70, settings):
    settings.OPENQUIZZ_REVISIONS_KEEP = 2
    for mark in (71, 72, 73):
        operations.update_quiz(quiz_70, {"options": {"pass_mark": mark}})
    assert [version for version, _a, _u in history(quiz_70)] == [3, 4]
    assert latest(quiz_70).snapshot["options"]["pass_mark"] == 73


def test_by_default_every_revision_is_kept(quiz_70):
    for mark in range(71, 81):
        operations.update_quiz(quiz_70, {"options": {"pass_mark": mark}})
    assert len(history(quiz_70)) == 11


# -- restoring ---------------------------------------------------------------------
def test_restoring_brings_back_settings_and_slots_as_a_new_revision(quiz_70, teacher):
    original = latest(quiz_70)
    operations.update_quiz(quiz_70, {"title": "Changed", "options": {"pass_mark": 90}})
    operations.remove_slot(quiz_70, quiz_70.slots[0].uid)
    restored, skipped = operations.restore_revision(quiz_70, original, 3, author=teacher)
    assert (restored.version, skipped) == (4, [])
    stored = Quiz.objects.get(pk=quiz_70.pk)
    assert (stored.title, stored.options.pass_mark, stored.version) == ("History", 70, 4)
    assert [str(slot.uid) for slot in stored.slots] == [
        slot["uid"] for slot in original.snapshot["slots"]
    ]
    assert stored.question_count == 3
    revision = latest(quiz_70)
    assert (revision.action, revision.author_id) == ("restored", teacher.pk)
    assert {"field": "restored", "before": None, "after": 1} in revision.changes
    assert revision.snapshot["slots"] == original.snapshot["slots"]


def test_restoring_leaves_out_questions_deleted_from_the_bank(quiz_70, teacher):
    original = latest(quiz_70)
    gone = questions_of(quiz_70)[1]
    bank.delete_questions(teacher, [gone.pk])
    _quiz, skipped = operations.restore_revision(quiz_70, original)
    assert [row["question"] for row in skipped] == [str(gone.pk)]
    stored = Quiz.objects.get(pk=quiz_70.pk)
    assert gone.pk not in [slot.question for slot in stored.slots]
    assert len(stored.slots) == 2


def test_restoring_keeps_the_status_and_refuses_an_archived_quiz(quiz_70):
    original = latest(quiz_70)
    operations.publish_quiz(quiz_70)
    operations.update_quiz(quiz_70, {"title": "Changed"})
    operations.restore_revision(quiz_70, original)
    assert Quiz.objects.get(pk=quiz_70.pk).status == "published"
    operations.set_status(quiz_70, "archived")
    with pytest.raises(operations.QuizArchived):
        operations.restore_revision(quiz_70, original)
    assert latest(quiz_70).action == "archived"


def test_restoring_with_a_stale_version_changes_nothing(quiz_70):
    original = latest(quiz_70)
    operations.update_quiz(quiz_70, {"title": "Changed"})
    with pytest.raises(operations.VersionConflict):
        operations.restore_revision(quiz_70, original, expected_version=1)
    assert Quiz.objects.get(pk=quiz_70.pk).title == "Changed"
    assert len(history(quiz_70)) == 2
