"""Fixtures of the REST API tests: users with tokens, a quiz with one question of each type.

Secrets (feedback, accepted answers, grades) carry the marker SECRET, so a
test can assert that a learner's view contains none of them.
"""

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from quizzes import operations
from quizzes.models import Attempt, Question, Quiz

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


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    """Throttle counters live in the cache, which outlives the database between tests."""
    cache.clear()
    yield
    cache.clear()


def token_client(user):
    client = APIClient()
    if user is not None:
        token, _created = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


# Users sign in with tokens here; no password spares each test the password hashing.
@pytest.fixture
def teacher(db):
    return User.objects.create_user("teacher")


@pytest.fixture
def other_teacher(db):
    return User.objects.create_user("other")


@pytest.fixture
def staff(db):
    return User.objects.create_user("staff", is_staff=True)


@pytest.fixture
def api(teacher):
    """The teacher's client."""
    return token_client(teacher)


@pytest.fixture
def anonymous(db):
    return APIClient()


@pytest.fixture
def quiz(teacher):
    """A draft quiz of the teacher's, one question of every type."""
    return operations.create_quiz(
        teacher, {"title": "Everything", "tags": ["demo"]}, list(QUESTIONS.values())
    )


@pytest.fixture
def published(quiz):
    operations.set_status(quiz, "published")
    return quiz


def question_ids(quiz):
    """{QUESTIONS key: question id} of the `quiz` fixture."""
    ids = Question.objects.filter(quiz=quiz).order_by("position").values_list("pk", flat=True)
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


def snapshot():
    """Everything a refused request must leave alone: counts, and every quiz's version."""
    return {
        "quizzes": sorted(Quiz.objects.values_list("pk", "version", "question_count")),
        "questions": sorted(
            (str(pk), position, name)
            for pk, position, name in Question.objects.values_list("pk", "position", "name")
        ),
        "attempts": Attempt.objects.count(),
    }


@pytest.fixture
def mongo_client(db):
    """The backend's MongoClient; switches the failCommand fail point off afterwards."""
    connection.ensure_connection()
    client = connection.connection
    yield client
    client.admin.command("configureFailPoint", "failCommand", mode="off")
