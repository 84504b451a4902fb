"""null in a request body: accepted where the schema says nullable, else a 400 naming the field.

Leaving a key out still means its default (or, in a PATCH, its current value).
"""

import pytest

from quizzes.fields import (
    ANSWER_FIELDS,
    CATEGORY_FIELDS,
    HINT_FIELDS,
    OPTION_FIELDS,
    QUESTION_EXTRAS,
    QUESTION_FIELDS,
    QUIZ_FIELDS,
)
from quizzes.models import Category, Quiz
from quizzes.tests.fixtures.plugin import version_snapshot
from quizzes.tests.test_api.conftest import QUESTIONS, assert_problem, question_ids, quiz_url

pytestmark = pytest.mark.django_db

NULL_MESSAGE = "This field cannot be null: give a value, or leave the field out."
QUIZ = {"title": "Nulls", "options": {"pass_mark": 60}}
ESSAY = {**QUESTIONS["essay"], "hints": [{"text": "Think."}]}
NUMERICAL = {**QUESTIONS["numerical"], "hints": [{"text": "About 2.7."}]}


def with_null(body, path):
    """A copy of `body` with null at `path` ("options.pass_mark", "answers[0].value")."""
    body = {
        key: dict(value)
        if isinstance(value, dict)
        else [dict(row) for row in value]
        if isinstance(value, list) and key != "tags"
        else value
        for key, value in body.items()
    }
    target = body
    *parents, last = path.replace("]", "").replace("[", ".").split(".")
    for part in parents:
        target = target[int(part)] if part.isdecimal() else target[part]
    target[last] = None
    return body


def paths(declared, prefix="", nullable=False):
    return [prefix + name for name, field in declared.items() if field.nullable == nullable]


QUIZ_NOT_NULL = [
    *(name for name in paths(QUIZ_FIELDS) if name != "status"),  # read-only
    "tags",
    "options",
    *paths(OPTION_FIELDS, "options."),
]
QUESTION_NOT_NULL = [
    "type",
    *paths(QUESTION_FIELDS),
    *paths(QUESTION_EXTRAS),
    "tags",
    "answers",
    "hints",
    *paths(ANSWER_FIELDS, "answers[0]."),
    *paths(HINT_FIELDS, "hints[0]."),
]


@pytest.mark.parametrize("path", QUIZ_NOT_NULL)
def test_a_quiz_field_that_is_not_nullable_refuses_null(api, secret_quiz, path):
    before = version_snapshot()
    body = with_null(QUIZ, path)
    for method, url in [
        ("post", "/api/v1/quizzes/"),
        ("put", quiz_url(secret_quiz)),
        ("patch", quiz_url(secret_quiz)),
    ]:
        response = getattr(api, method)(url, body)
        errors = assert_problem(response, 400, "invalid")["errors"]
        assert errors == {path: [NULL_MESSAGE]}, (method, errors)
    assert version_snapshot() == before


def test_the_pass_mark_null_of_the_issue(api, secret_quiz):
    response = api.post("/api/v1/quizzes/", {"title": "a", "options": {"pass_mark": None}})
    body = assert_problem(response, 400, "invalid")
    assert body["errors"] == {"options.pass_mark": [NULL_MESSAGE]}
    assert "options.pass_mark" in body["detail"]
    assert not Quiz.objects.filter(title="a").exists()
    # Left out, it is its default; in a PATCH, it stays as it is.
    created = api.post("/api/v1/quizzes/", {"title": "a", "options": {}}).json()
    assert created["options"]["pass_mark"] == 50
    api.patch(quiz_url(secret_quiz), {"options": {"pass_mark": 70}})
    patched = api.patch(quiz_url(secret_quiz), {"options": {"shuffle_questions": True}}).json()
    assert patched["options"]["pass_mark"] == 70


def test_a_nullable_quiz_option_takes_null(api, secret_quiz):
    assert paths(OPTION_FIELDS, nullable=True) == [
        "time_limit_minutes",
        "opens_at",
        "closes_at",
        "attempts_allowed",
    ]
    api.patch(quiz_url(secret_quiz), {"options": {"time_limit_minutes": 30}})
    response = api.patch(quiz_url(secret_quiz), {"options": {"time_limit_minutes": None}})
    assert response.status_code == 200, response.content
    assert response.json()["options"]["time_limit_minutes"] is None
    created = api.post("/api/v1/quizzes/", {"title": "b", "options": {"time_limit_minutes": None}})
    assert created.status_code == 201, created.content


@pytest.mark.parametrize("path", QUESTION_NOT_NULL)
def test_a_question_field_that_is_not_nullable_refuses_null(api, secret_quiz, path):
    question = question_ids(secret_quiz)["essay"]
    body = with_null(ESSAY if not path.startswith("answers[") else NUMERICAL, path)
    before = version_snapshot()
    for method, url in [
        ("post", quiz_url(secret_quiz, "questions/")),
        ("put", quiz_url(secret_quiz, f"questions/{question}/")),
        ("patch", quiz_url(secret_quiz, f"questions/{question}/")),
        ("post", "/api/v1/questions/"),
    ]:
        if url == "/api/v1/questions/":
            body = {**body, "category": str(secret_quiz.category)}
        errors = assert_problem(getattr(api, method)(url, body), 400, "invalid")["errors"]
        assert errors == {path: [NULL_MESSAGE]}, (method, url, errors)
    assert version_snapshot() == before


def test_nullable_question_fields_take_null(api, secret_quiz):
    assert paths(ANSWER_FIELDS, nullable=True) == ["value", "tolerance"]
    assert paths(QUESTION_EXTRAS, nullable=True) == ["min_word_limit", "max_word_limit"]
    essay = {**QUESTIONS["essay"], "min_word_limit": None, "max_word_limit": None}
    response = api.post(quiz_url(secret_quiz, "questions/"), essay)
    assert response.status_code == 201, response.content
    assert (response.json()["min_word_limit"], response.json()["max_word_limit"]) == (None, None)
    # A numerical answer with no value is Moodle's "any other answer" (text "*").
    numerical = {
        **QUESTIONS["numerical"],
        "answers": [
            *QUESTIONS["numerical"]["answers"],
            {"text": "*", "value": None, "tolerance": None, "fraction": 0},
        ],
    }
    response = api.post(quiz_url(secret_quiz, "questions/"), numerical)
    assert response.status_code == 201, response.content
    assert response.json()["answers"][1]["value"] is None


@pytest.mark.parametrize("path", paths(CATEGORY_FIELDS))
def test_a_category_field_that_is_not_nullable_refuses_null(api, path):
    before = Category.objects.count()
    body = {"name": "Algebra", "description": "x", path: None}
    errors = assert_problem(api.post("/api/v1/categories/", body), 400, "invalid")["errors"]
    assert errors == {path: [NULL_MESSAGE]}
    assert Category.objects.count() == before


def test_a_category_parent_takes_null(api):
    response = api.post("/api/v1/categories/", {"name": "Top", "parent": None})
    assert response.status_code == 201, response.content
    assert response.json()["parent"] is None


def test_every_null_is_named_at_once(api):
    body = {"title": None, "description": None, "options": {"pass_mark": None}}
    errors = assert_problem(api.post("/api/v1/quizzes/", body), 400)["errors"]
    assert set(errors) == {"title", "description", "options.pass_mark"}


def test_a_type_of_any_shape_is_judged_by_the_question_rules(api, secret_quiz):
    for qtype in [[], {}, 42, "nope"]:
        body = {**QUESTIONS["essay"], "type": qtype, "points": None}
        errors = assert_problem(api.post(quiz_url(secret_quiz, "questions/"), body), 400)["errors"]
        assert set(errors) == {"points"}, (qtype, errors)
