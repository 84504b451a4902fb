"""Fixtures of the REST API tests: a quiz with one question of each type, and API helpers.

Secrets (feedback, accepted answers, grades) carry the marker SECRET, so a
test can assert that a learner's view contains none of them. The users, the
teacher's token client (`api`), `token_client()`, `version_snapshot()` and
`mongo_client` are the project's shared ones (quizzes/tests/fixtures/plugin.py).
"""

import pytest
from rest_framework.test import APIClient

from quizzes import operations
from quizzes.tests.fixtures.plugin import questions_of

PROBLEM = "application/problem+json"
SECRET = "SECRET"
NUMERICAL_VALUE = 2.718281

QUESTIONS = {
    "multichoice": {
        "type": "multichoice",
        "name": "Sum",
        "text": "2 + 2?",
        "general_feedback": f"{SECRET} general mc",
        "answers": [
            {"text": "4", "fraction": 100, "feedback": f"{SECRET} right"},
            {"text": "5", "fraction": 0, "feedback": f"{SECRET} wrong"},
        ],
    },
    "multichoice_multiple": {
        "type": "multichoice",
        "name": "Primes",
        "text": "Which are prime?",
        "single": False,
        "answers": [
            {"text": "2", "fraction": 50, "feedback": f"{SECRET} two"},
            {"text": "3", "fraction": 50},
            {"text": "4", "fraction": -100, "feedback": f"{SECRET} four"},
        ],
    },
    "truefalse": {
        "type": "truefalse",
        "name": "Sky",
        "text": "The sky is blue.",
        "answers": [
            {"text": "true", "fraction": 100, "feedback": f"{SECRET} yes"},
            {"text": "false", "fraction": 0, "feedback": f"{SECRET} no"},
        ],
    },
    "shortanswer": {
        "type": "shortanswer",
        "name": "Capital",
        "text": "Capital of France?",
        "answers": [
            {"text": f"Paris{SECRET}", "fraction": 100, "feedback": f"{SECRET} bravo"},
            {"text": f"Lutece{SECRET}", "fraction": 50},
        ],
    },
    "numerical": {
        "type": "numerical",
        "name": "e",
        "text": "Euler's number?",
        "answers": [
            {"value": NUMERICAL_VALUE, "tolerance": 0.001, "fraction": 100, "feedback": SECRET}
        ],
    },
    "matching": {
        "type": "matching",
        "name": "Capitals",
        "text": "Match the countries.",
        "answers": [
            {"text": "France", "match": "Paris", "feedback": SECRET},
            {"text": "Italy", "match": "Rome"},
            {"text": "", "match": "Berlin"},
        ],
    },
    "essay": {
        "type": "essay",
        "name": "Essay",
        "text": "Tell us about your holidays.",
        "general_feedback": f"{SECRET} essay",
    },
}

# Right responses, by QUESTIONS key (matching: stem id → match).
RIGHT_RESPONSES = {
    "multichoice": 0,
    "multichoice_multiple": [0, 1],
    "truefalse": True,
    "shortanswer": f"paris{SECRET}",
    "numerical": "2.7182",
    "matching": {"0": "Paris", "1": "Rome"},
    "essay": "Sea and sun.",
}


@pytest.fixture
def anonymous(db):
    """A DRF APIClient with no credentials."""
    return APIClient()


@pytest.fixture
def secret_quiz(make_quiz, teacher):
    """A draft quiz of the teacher's: one question of each QUESTIONS type, secrets marked SECRET."""
    return make_quiz("Everything", QUESTIONS.values(), owner=teacher, tags=["demo"])


@pytest.fixture
def published(secret_quiz):
    """`secret_quiz`, published."""
    operations.set_status(secret_quiz, "published")
    return secret_quiz


def question_ids(quiz):
    """{QUESTIONS key: question id} of `secret_quiz` (or of `published`)."""
    ids = [question.pk for question in questions_of(quiz)]
    return dict(zip(QUESTIONS, (str(pk) for pk in ids), strict=True))


def quiz_url(quiz, suffix=""):
    return f"/api/v1/quizzes/{quiz.pk}/{suffix}"


def assert_problem(response, status, code=None):
    """`response` is an RFC 9457 problem of `status` (and `code`); returns its body."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert {"type", "title", "status", "detail", "instance", "errors"} <= body.keys()
    assert body["status"] == status
    assert body["instance"] == response.wsgi_request.path
    if code is not None:
        assert body["type"] == f"urn:openquizz:problem:{code}"
    return body
