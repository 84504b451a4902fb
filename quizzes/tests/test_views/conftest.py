"""Fixtures of the teachers' UI tests: three kinds of users, a quiz with every
question type, and the POST bodies the UI's forms send.

Everything runs against the real test MongoDB; `snapshot()` is what "nothing
changed" means in these tests.
"""

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client

from quizzes import operations
from quizzes.models import Attempt, Question, Quiz

PASSWORD = "a-long-test-password-1"

QUESTIONS = [
    {
        "type": "multichoice",
        "name": "Largest planet",
        "text": "Which planet is the largest?",
        "general_feedback": "Jupiter is huge.",
        "answers": [
            {"text": "Jupiter", "fraction": 100, "feedback": "Right, Jupiter."},
            {"text": "Mars", "fraction": 0, "feedback": "Mars is small."},
        ],
    },
    {
        "type": "multichoice",
        "name": "Primes",
        "text": "Which numbers are prime?",
        "single": False,
        "answers": [
            {"text": "2", "fraction": 50},
            {"text": "3", "fraction": 50},
            {"text": "4", "fraction": -100, "feedback": "4 = 2 * 2."},
        ],
    },
    {
        "type": "truefalse",
        "name": "Sun",
        "text": "The Sun is a star.",
        "answers": [
            {"text": "true", "fraction": 100, "feedback": "Yes, a star."},
            {"text": "false", "fraction": 0, "feedback": "It is a star."},
        ],
    },
    {
        "type": "shortanswer",
        "name": "Capital",
        "text": "Capital of France?",
        "answers": [{"text": "Paris", "fraction": 100, "feedback": "Bravo."}],
    },
    {
        "type": "numerical",
        "name": "Planets",
        "text": "How many planets?",
        "answers": [{"value": 8, "tolerance": 0, "fraction": 100, "feedback": "Eight."}],
    },
    {
        "type": "matching",
        "name": "Capitals",
        "text": "Match the countries.",
        "answers": [
            {"text": "France", "match": "Paris"},
            {"text": "Italy", "match": "Rome"},
            {"text": "", "match": "Berlin"},
        ],
    },
    {"type": "essay", "name": "Essay", "text": "Why is the sky blue?", "points": 2},
]


@pytest.fixture
def teacher(db):
    return User.objects.create_user("teacher", password=PASSWORD)


@pytest.fixture
def other_teacher(db):
    return User.objects.create_user("other", password=PASSWORD)


@pytest.fixture
def staff(db):
    return User.objects.create_user("staff", password=PASSWORD, is_staff=True)


@pytest.fixture
def quiz(teacher):
    return operations.create_quiz(
        teacher,
        {"title": "Astronomy", "description": "About *stars*.", "tags": ["science"]},
        QUESTIONS,
    )


def questions_of(quiz):
    return list(Question.objects.filter(quiz=quiz).order_by("position"))


@pytest.fixture
def client_for():
    """client_for(user) → a Client logged in as `user` (None: anonymous)."""

    def make(user, **options):
        client = Client(**options)
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def owner_client(client_for, teacher):
    return client_for(teacher)


def snapshot():
    """Every quiz, question and attempt as plain values: what "unchanged" compares."""
    return {
        "quizzes": sorted(
            (str(q.pk), q.title, q.status, q.version, q.question_count, tuple(q.tags))
            for q in Quiz.objects.all()
        ),
        "questions": sorted(
            (str(q.pk), str(q.quiz_id), q.position, q.name, q.text, len(q.answers))
            for q in Question.objects.all()
        ),
        "attempts": Attempt.objects.count(),
    }


@pytest.fixture
def mongo_client(db):
    """The backend's own MongoClient (for fail points); the fail point is off afterwards."""
    connection.ensure_connection()
    client = connection.connection
    yield client
    client.admin.command("configureFailPoint", "failCommand", mode="off")


# -- what the UI's forms POST ----------------------------------------------------------
def management(rows):
    return {
        "answers-TOTAL_FORMS": str(rows),
        "answers-INITIAL_FORMS": "0",
        "answers-MIN_NUM_FORMS": "0",
        "answers-MAX_NUM_FORMS": "100",
    }


def question_post(version, qtype="multichoice", rows=(), **fields):
    """The question form's POST body: `fields` over sensible defaults, `rows` of answers."""
    data = {
        "version": str(version),
        "name": "Capital",
        "text": "Capital of **France**?",
        "text_format": "markdown",
        "points": "1",
        "general_feedback": "",
    }
    if qtype == "multichoice":
        data.update(single="single", shuffle_answers="on")
        rows = rows or [
            {"text": "Paris", "fraction": "100", "feedback": "Yes"},
            {"text": "Lyon", "fraction": "0", "feedback": "No"},
        ]
    if qtype == "truefalse":
        data.update(correct="true", feedback_true="", feedback_false="")
    data.update(fields)
    if qtype not in ("truefalse", "essay"):
        data.update(management(len(rows)))
        for index, row in enumerate(rows):
            data.update({f"answers-{index}-{key}": value for key, value in row.items()})
    return data


def quiz_post(version=None, **fields):
    data = {
        "title": "Renamed",
        "description": "",
        "tags": "science, space",
        "time_limit_minutes": "",
        "pass_mark": "50",
    }
    if version is not None:
        data["version"] = str(version)
    data.update(fields)
    return data
