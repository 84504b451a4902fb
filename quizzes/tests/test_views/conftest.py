"""Fixtures of the teachers' UI tests: a quiz with every question type, and the POST
bodies the UI's forms send.

Everything runs against the real test MongoDB. The users, `client_for`,
`owner_client`, `mongo_client` and `db_snapshot()` (what "nothing changed" means
in these tests) are the project's shared ones (quizzes/tests/fixtures/plugin.py).
"""

import pytest

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
def quiz(make_quiz, teacher):
    """A draft quiz of the teacher's, "Astronomy": one question of each type in QUESTIONS."""
    return make_quiz(
        "Astronomy", QUESTIONS, owner=teacher, description="About *stars*.", tags=["science"]
    )


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
