"""Fixtures of the results tests: a published quiz of every question type with submitted attempts."""

import pytest

from quizzes import attempts, operations, releases
from quizzes.tests.test_api.conftest import QUESTIONS, RIGHT_RESPONSES, question_ids


def submit_attempt(release, name, responses):
    """A submitted attempt at `release` of an anonymous learner `name` who saved
    `responses` ({question id: response}), made as the player makes it."""
    attempt = attempts.start_attempt(release, name=name)
    attempt.release = release
    attempts.save_responses(attempt, responses)
    return attempts.submit(attempt)


def by_id(quiz, responses):
    """{question id: response} of `responses` by QUESTIONS key."""
    ids = question_ids(quiz)
    return {ids[key]: value for key, value in responses.items()}


@pytest.fixture
def results_quiz(make_quiz, teacher):
    """A published quiz of the teacher's with one question of each QUESTIONS type, no attempt."""
    quiz = make_quiz("Everything", QUESTIONS.values(), owner=teacher)
    operations.set_status(quiz, "published")
    return quiz


@pytest.fixture
def graded_quiz(results_quiz):
    """`results_quiz` with two submitted attempts: Ann (all right, her essay to grade) and
    "=Bob" (a wrong multiple choice, no essay)."""
    release = releases.live_release(results_quiz)
    submit_attempt(release, "Ann", by_id(results_quiz, RIGHT_RESPONSES))
    wrong = {**RIGHT_RESPONSES, "multichoice": 1, "essay": ""}
    submit_attempt(release, "=Bob", by_id(results_quiz, wrong))
    return results_quiz


__all__ = ["QUESTIONS", "submit_attempt"]
