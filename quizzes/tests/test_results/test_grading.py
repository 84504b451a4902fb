"""quizzes.grading: a teacher's grade of a response, and the attempt's totals after it."""

import pytest
from django.core.exceptions import ValidationError

from quizzes import attempts, grading, releases, scoring
from quizzes.models import Attempt
from quizzes.tests.test_api.conftest import question_ids


def ann(quiz):
    return Attempt.objects.select_related("release").get(quiz=quiz, learner_name="Ann")


def test_grading_the_essay_completes_the_score(graded_quiz, teacher):
    attempt = ann(graded_quiz)
    assert (attempt.score, attempt.max_score, attempt.ungraded) == (6.0, 7.0, 1)
    essay = question_ids(graded_quiz)["essay"]
    grading.grade_response(attempt, essay, 1, "  Well told. ", teacher)
    stored = ann(graded_quiz)
    assert (stored.score, stored.percent, stored.passed, stored.ungraded) == (7.0, 100.0, True, 0)
    (row,) = [row for row in stored.results if str(row.question) == essay]
    assert (row.points, row.state, row.comment, row.graded_by) == (
        1.0,
        "correct",
        "Well told.",
        "teacher",
    )
    assert row.graded_at == stored.graded_at is not None
    assert not grading.needs_grading(stored)


def test_points_set_the_state_as_automatic_grading_does(graded_quiz, teacher):
    essay = question_ids(graded_quiz)["essay"]
    attempt = grading.grade_response(ann(graded_quiz), essay, 0.5, "", teacher)
    assert [r.state for r in attempt.results if str(r.question) == essay] == [scoring.PARTIAL]
    attempt = grading.grade_response(ann(graded_quiz), essay, 0, "", teacher)
    assert [r.state for r in attempt.results if str(r.question) == essay] == [scoring.INCORRECT]
    assert ann(graded_quiz).score == 6.0


@pytest.mark.parametrize(
    ("points", "field"),
    [
        (-0.5, "points"),
        (1.5, "points"),
        (float("nan"), "points"),
        ("1", "points"),
        (True, "points"),
    ],
)
def test_bad_points_are_refused_and_nothing_changes(graded_quiz, teacher, points, field):
    before = ann(graded_quiz)
    essay = question_ids(graded_quiz)["essay"]
    with pytest.raises(ValidationError) as refused:
        grading.grade_response(before, essay, points, "", teacher)
    assert field in refused.value.message_dict
    after = ann(graded_quiz)
    assert (after.score, after.ungraded, after.graded_at) == (before.score, 1, None)


def test_a_question_the_attempt_does_not_grade_is_refused(graded_quiz, teacher):
    with pytest.raises(ValidationError) as refused:
        grading.grade_response(ann(graded_quiz), "0" * 24, 1, "", teacher)
    assert "question" in refused.value.message_dict
    with pytest.raises(ValidationError):
        grading.grade_response(
            ann(graded_quiz), "0" * 24, 1, "x" * (grading.COMMENT_MAX + 1), teacher
        )


def test_an_attempt_in_progress_cannot_be_graded(results_quiz, teacher):
    attempt = attempts.start_attempt(releases.live_release(results_quiz), name="Eve")
    with pytest.raises(grading.NotSubmitted):
        grading.grade_response(attempt, question_ids(results_quiz)["essay"], 1, "", teacher)


def test_two_graders_at_once_the_second_is_told(graded_quiz, teacher, other_teacher):
    essay = question_ids(graded_quiz)["essay"]
    mine, theirs = ann(graded_quiz), ann(graded_quiz)
    grading.grade_response(mine, essay, 1, "first", teacher)
    with pytest.raises(grading.GradingConflict):
        grading.grade_response(theirs, essay, 0, "second", other_teacher)
    stored = ann(graded_quiz)
    assert stored.score == 7.0
    assert [r.comment for r in stored.results if str(r.question) == essay] == ["first"]
    # Read again, the second grade is given.
    grading.grade_response(ann(graded_quiz), essay, 0, "second", other_teacher)
    assert ann(graded_quiz).score == 6.0


def test_submitting_counts_the_responses_to_grade(graded_quiz):
    counts = dict(Attempt.objects.filter(quiz=graded_quiz).values_list("learner_name", "ungraded"))
    assert counts == {"Ann": 1, "=Bob": 0}  # Bob left the essay unanswered
