"""Bad input of every kind: a 4xx problem+json, never a 500, and nothing written."""

import json

import pytest
from rest_framework.test import APIClient

from quizzes.tests.fixtures.plugin import version_snapshot
from quizzes.tests.test_api.conftest import (
    QUESTIONS,
    assert_problem,
    question_ids,
    quiz_url,
)

pytestmark = pytest.mark.django_db

MIB = 1024 * 1024


def nested(depth):
    body = "1"
    for _ in range(depth):
        body = f'{{"a": [{body}]}}'
    return body


# (name, raw body, expected status): raw bytes sent as application/json.
CORPUS = [
    ("truncated", b'{"title": ', 400),
    ("not json", b"title=Quiz", 400),
    ("trailing comma", b'{"title": "a",}', 400),
    ("NaN", b'{"title": "a", "options": {"pass_mark": NaN}}', 400),
    ("Infinity by overflow", b'{"title": "a", "options": {"pass_mark": 1e400}}', 400),
    (
        "integer beyond 64 bits",
        b'{"title": "a", "options": {"pass_mark": 10000000000000000000000}}',
        400,
    ),
    ("integer of 5000 digits", b'{"title": "a", "points": ' + b"9" * 5000 + b"}", 400),
    ("invalid UTF-8", b'{"title": "\xff\xfe"}', 400),
    ("lone surrogate", b'{"title": "\\ud800"}', 400),
    ("array body", b'["title"]', 400),
    ("string body", b'"title"', 400),
    ("null body", b"null", 400),
    ("number body", b"42", 400),
    ("wrong type", b'{"title": 42, "name": 42, "text": 42, "type": 42}', 400),
    ("wrong nested type", b'{"title": "a", "options": [], "answers": {}}', 400),
    ("unknown field", b'{"title": "a", "name": "a", "text": "a", "colour": "red"}', 400),
    ("operator as value", b'{"title": {"$gt": ""}, "name": {"$gt": ""}}', 400),
    ("operator at the top", b'{"$set": {"title": "owned"}}', 400),
    ("operator deep inside", b'{"title": "a", "options": {"pass_mark": {"$where": "1"}}}', 400),
    ("operator in a list", b'{"title": "a", "tags": [{"$ne": 1}]}', 400),
    ("dotted key", b'{"title": "a", "options.pass_mark": 0}', 400),
    ("dotted key deep inside", b'{"title": "a", "answers": [{"a": {"b.c": 1}}]}', 400),
    ("NUL in a key", b'{"title": "a", "ti\\u0000tle": "b"}', 400),
    ("nested 33 deep", nested(33).encode(), 400),
    ("nested 100000 deep", b"[" * 100_000 + b"]" * 100_000, 400),
    ("huge title", json.dumps({"title": "x" * 100_000, "name": "x" * 100_000}).encode(), 400),
    ("over 1 MiB", json.dumps({"title": "a", "description": "x" * MIB}).encode(), 413),
]


def endpoints(quiz):
    ids = question_ids(quiz)
    return {
        "create quiz": ("post", "/api/v1/quizzes/"),
        "put quiz": ("put", quiz_url(quiz)),
        "patch quiz": ("patch", quiz_url(quiz)),
        "add question": ("post", quiz_url(quiz, "questions/")),
        "patch question": ("patch", quiz_url(quiz, f"questions/{ids['essay']}/")),
        "reorder": ("post", quiz_url(quiz, "reorder/")),
        "submit attempt": ("post", f"/api/v1/published/{quiz.pk}/attempts/"),
        "token": ("post", "/api/v1/auth/token/"),
    }


ENDPOINTS = [
    "create quiz",
    "put quiz",
    "patch quiz",
    "add question",
    "patch question",
    "reorder",
    "submit attempt",
    "token",
]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(("name", "body", "status"), CORPUS, ids=[case[0] for case in CORPUS])
def test_corpus(api, published, endpoint, name, body, status):
    method, url = endpoints(published)[endpoint]
    before = version_snapshot()
    response = api.generic(method.upper(), url, body, content_type="application/json")
    assert_problem(response, status)
    assert version_snapshot() == before


def test_the_parser_names_where_an_operator_was_found(api):
    response = api.post("/api/v1/quizzes/", {"title": "a", "options": {"x": {"$gt": 1}}})
    detail = assert_problem(response, 400, "parse_error")["detail"]
    assert "'$gt'" in detail and "/options/x" in detail


def test_unknown_fields_are_refused_before_content_is_checked(api):
    body = assert_problem(api.post("/api/v1/quizzes/", {"title": 42, "colour": "red"}), 400)
    assert body["errors"] == {"colour": ["Unknown field."]}
    body = assert_problem(api.post("/api/v1/quizzes/", {"title": 42, "tags": 1}), 400, "invalid")
    assert set(body["errors"]) == {"title", "tags"}


def test_an_operator_in_a_query_parameter_is_only_text(api, secret_quiz):
    assert_problem(api.get('/api/v1/quizzes/?status={"$ne": ""}'), 400)
    assert api.get("/api/v1/quizzes/?status[$ne]=x").json()["results"][0]["id"] == str(
        secret_quiz.pk
    )
    assert api.get('/api/v1/quizzes/?search={"$regex": ".*"}').json()["results"] == []


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/quizzes/not-an-id/"),
        ("put", "/api/v1/quizzes/0123456789abcdef0123456/"),  # 23 digits
        ("delete", "/api/v1/quizzes/0123456789ABCDEF01234567/"),
        ("patch", "/api/v1/quizzes/0123456789abcdef01234567/"),  # well formed, nobody's
        ("post", "/api/v1/quizzes/0123456789abcdef01234567/questions/"),
        ("post", "/api/v1/quizzes/0123456789abcdef01234567/publish/"),
        ("put", "/api/v1/quizzes/{quiz}/questions/nope/"),
        ("delete", "/api/v1/quizzes/{quiz}/questions/0123456789abcdef01234567/"),
        ("get", "/api/v1/quizzes/{quiz}/attempts/x/"),
        ("get", "/api/v1/published/{quiz}%00/"),
        ("post", "/api/v1/published/$where/attempts/"),
        ("post", "/api/v1/published/0123456789abcdef01234567/attempts/"),
        ("get", "/api/v1/nothing-here/"),
        ("post", "/api/v1/quizzes"),  # no trailing slash
        ("get", "/api/v2/quizzes/"),
    ],
)
def test_invalid_ids_and_unknown_urls_are_404(api, published, method, url):
    before = version_snapshot()
    response = getattr(api, method)(url.format(quiz=published.pk), {"title": "x"})
    assert_problem(response, 404, "not_found")
    assert version_snapshot() == before


def test_an_unknown_url_is_404_before_any_csrf_check(teacher):
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(teacher)
    assert_problem(browser.post("/api/v1/quizzes", {"title": "x"}), 404)
    assert_problem(browser.delete("/api/v1/quizzes/not-an-id/"), 404)


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/plain", "title=x"),
        ("application/x-www-form-urlencoded", "title=x"),
        (
            "multipart/form-data; boundary=BoUnDaRy",
            '--BoUnDaRy\r\nContent-Disposition: form-data; name="title"\r\n\r\nx\r\n--BoUnDaRy--\r\n',
        ),
        ("application/xml", "<quiz><title>x</title></quiz>"),
        ("", '{"title": "x"}'),
    ],
)
def test_unsupported_media_types_are_415(api, content_type, body):
    before = version_snapshot()
    response = api.generic("POST", "/api/v1/quizzes/", body, content_type=content_type)
    assert_problem(response, 415, "unsupported_media_type")
    assert version_snapshot() == before


def test_a_method_the_endpoint_lacks_is_405(api, secret_quiz):
    assert_problem(api.delete("/api/v1/quizzes/"), 405, "method_not_allowed")
    assert_problem(api.put(quiz_url(secret_quiz, "publish/")), 405)
    assert api.get(quiz_url(secret_quiz)).status_code == 200


def test_an_unacceptable_accept_header_is_406(api, secret_quiz):
    response = api.get(quiz_url(secret_quiz), HTTP_ACCEPT="application/xml")
    assert_problem(response, 406, "not_acceptable")


def test_question_bodies_are_checked_like_quiz_bodies(api, secret_quiz):
    before = version_snapshot()
    data = {**QUESTIONS["numerical"], "answers": [{"value": {"$gt": 0}, "fraction": 100}]}
    assert_problem(api.post(quiz_url(secret_quiz, "questions/"), data), 400, "parse_error")
    data = {**QUESTIONS["numerical"], "answers": [{"value": "many", "fraction": 100}]}
    body = assert_problem(api.post(quiz_url(secret_quiz, "questions/"), data), 400, "invalid")
    assert "answers[0].value" in body["errors"]
    assert version_snapshot() == before


def test_oversized_body_is_413_in_debug_too(api, published, settings):
    """DEBUG changes Django's error pages, not the API's answer to a 1 MiB body."""
    settings.DEBUG = True
    method, url = endpoints(published)["create quiz"]
    before = version_snapshot()
    body = json.dumps({"title": "a", "description": "x" * MIB}).encode()
    response = api.generic(method.upper(), url, body, content_type="application/json")
    assert_problem(response, 413)
    assert version_snapshot() == before
