"""Who may call what: owner, another teacher, staff and anonymous, on every endpoint.

Another teacher never learns that a quiz exists: 404, as for an unknown id.
"""

import pytest
from django.conf import settings
from django.middleware.csrf import CSRF_SECRET_LENGTH
from rest_framework.test import APIClient

from quizzes.tests.fixtures.plugin import token_client, version_snapshot
from quizzes.tests.test_api.conftest import (
    QUESTIONS,
    assert_problem,
    question_ids,
    quiz_url,
)

pytestmark = pytest.mark.django_db

ROLES = ["owner", "other", "staff", "anonymous"]


def endpoint(quiz, name):
    """(method, url, body) of the endpoint `name` on `quiz`."""
    ids = question_ids(quiz)
    question = quiz_url(quiz, f"questions/{ids['essay']}/")
    return {
        "list quizzes": ("get", "/api/v1/quizzes/", None),
        "create quiz": ("post", "/api/v1/quizzes/", {"title": "New"}),
        "retrieve quiz": ("get", quiz_url(quiz), None),
        "put quiz": ("put", quiz_url(quiz), {"title": "Replaced"}),
        "patch quiz": ("patch", quiz_url(quiz), {"title": "Patched"}),
        "delete quiz": ("delete", quiz_url(quiz), None),
        "list questions": ("get", quiz_url(quiz, "questions/"), None),
        "create question": ("post", quiz_url(quiz, "questions/"), QUESTIONS["truefalse"]),
        "retrieve question": ("get", question, None),
        "put question": ("put", question, QUESTIONS["essay"]),
        "patch question": ("patch", question, {"name": "Patched"}),
        "delete question": ("delete", question, None),
        "reorder": ("post", quiz_url(quiz, "reorder/"), {"order": list(ids.values())[::-1]}),
        "duplicate": ("post", quiz_url(quiz, "duplicate/"), None),
        "publish": ("post", quiz_url(quiz, "publish/"), None),
        "unpublish": ("post", quiz_url(quiz, "unpublish/"), None),
        "attempt report": ("get", quiz_url(quiz, "attempts/"), None),
        "list published": ("get", "/api/v1/published/", None),
        "retrieve published": ("get", f"/api/v1/published/{quiz.pk}/", None),
        "submit attempt": ("post", f"/api/v1/published/{quiz.pk}/attempts/", {"responses": {}}),
    }[name]


# Expected status by role: owner, other teacher, staff, anonymous.
MATRIX = {
    "list quizzes": (200, 200, 200, 401),
    "create quiz": (201, 201, 201, 401),
    "retrieve quiz": (200, 404, 200, 401),
    "put quiz": (200, 404, 200, 401),
    "patch quiz": (200, 404, 200, 401),
    "delete quiz": (204, 404, 204, 401),
    "list questions": (200, 404, 200, 401),
    "create question": (201, 404, 201, 401),
    "retrieve question": (200, 404, 200, 401),
    "put question": (200, 404, 200, 401),
    "patch question": (200, 404, 200, 401),
    "delete question": (204, 404, 204, 401),
    "reorder": (200, 404, 200, 401),
    "duplicate": (201, 404, 201, 401),
    "publish": (200, 404, 200, 401),
    "unpublish": (200, 404, 200, 401),
    "attempt report": (200, 404, 200, 401),
    "list published": (200, 200, 200, 200),
    "retrieve published": (200, 200, 200, 200),
    "submit attempt": (201, 201, 201, 201),
}


@pytest.fixture
def users(teacher, other_teacher, staff):
    return {"owner": teacher, "other": other_teacher, "staff": staff, "anonymous": None}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", MATRIX)
def test_permission_matrix(published, users, name, role):
    method, url, body = endpoint(published, name)
    expected = MATRIX[name][ROLES.index(role)]
    before = version_snapshot()
    response = getattr(token_client(users[role]), method)(url, body)
    if expected >= 400:
        assert_problem(response, expected)
        assert version_snapshot() == before
    else:
        assert response.status_code == expected, response.content
    if expected == 401:
        assert response["WWW-Authenticate"] == "Token"


def test_quiz_lists_show_only_what_the_caller_manages(published, users):
    def listed(role):
        response = token_client(users[role]).get("/api/v1/quizzes/")
        return [quiz["id"] for quiz in response.json()["results"]]

    assert listed("owner") == [str(published.pk)]
    assert listed("other") == []
    assert listed("staff") == [str(published.pk)]


def test_drafts_are_not_delivered(secret_quiz, anonymous):
    assert anonymous.get("/api/v1/published/").json()["results"] == []
    assert_problem(anonymous.get(f"/api/v1/published/{secret_quiz.pk}/"), 404)
    before = version_snapshot()
    assert_problem(
        anonymous.post(f"/api/v1/published/{secret_quiz.pk}/attempts/", {"responses": {}}), 404
    )
    assert version_snapshot() == before


def test_session_users_must_send_the_csrf_token(teacher):
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(teacher)
    assert browser.get("/api/v1/quizzes/").status_code == 200
    before = version_snapshot()
    assert_problem(browser.post("/api/v1/quizzes/", {"title": "Forged"}), 403, "permission_denied")
    assert version_snapshot() == before
    secret = "a" * CSRF_SECRET_LENGTH
    browser.cookies[settings.CSRF_COOKIE_NAME] = secret
    response = browser.post("/api/v1/quizzes/", {"title": "Mine"}, HTTP_X_CSRFTOKEN=secret)
    assert response.status_code == 201
