"""Quizzes through the API: create, read, replace, patch, delete, actions, filters, pages."""

import base64
import threading

import pytest
from django.contrib.auth.models import User
from django.db import connection

from quizzes import operations, releases
from quizzes.models import Attempt, Question, Quiz, Release
from quizzes.tests.fixtures.plugin import token_client, version_snapshot
from quizzes.tests.test_api.conftest import (
    QUESTIONS,
    assert_problem,
    question_ids,
    quiz_url,
)
from quizzes.validation import OPTIONS_DEFAULTS

pytestmark = pytest.mark.django_db


def test_create_returns_the_stored_quiz_with_etag_and_location(api, teacher):
    response = api.post(
        "/api/v1/quizzes/",
        {"title": "  Algebra ", "tags": ["maths"], "options": {"pass_mark": 70}},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    quiz = Quiz.objects.get(pk=body["id"])
    assert response["Location"] == f"/api/v1/quizzes/{quiz.pk}/"
    assert response["ETag"] == '"1"'
    assert quiz.owner == teacher
    assert body["title"] == quiz.title == "Algebra"  # normalised by quizzes.validation
    assert body["status"] == "draft"
    assert body["owner"] == "teacher"
    assert body["options"] == {**OPTIONS_DEFAULTS, "pass_mark": 70}
    assert body["questions"] == []
    assert api.get(response["Location"]).json() == body


def test_create_reports_validation_errors_by_field(api):
    response = api.post(
        "/api/v1/quizzes/", {"title": "", "options": {"pass_mark": 101, "colour": "red"}}
    )
    body = assert_problem(response, 400, "invalid")
    assert set(body["errors"]) == {"title", "options.pass_mark", "options.colour"}
    assert Quiz.objects.count() == 0


def test_retrieve_includes_every_question_in_order_with_ids(api, secret_quiz):
    response = api.get(quiz_url(secret_quiz))
    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    questions = response.json()["questions"]
    assert [q["name"] for q in questions] == [q["name"] for q in QUESTIONS.values()]
    assert [q["position"] for q in questions] == list(range(len(QUESTIONS)))
    assert [q["id"] for q in questions] == list(question_ids(secret_quiz).values())
    assert questions[0]["answers"][0] == {
        "uid": "1",
        "text": "4",
        "text_format": "markdown",
        "fraction": 100.0,
        "feedback": "SECRET right",
        "feedback_format": "markdown",
        "value": None,
        "tolerance": None,
        "match": "",
    }


def test_put_replaces_metadata_and_restores_defaults_of_fields_left_out(api, secret_quiz):
    api.patch(quiz_url(secret_quiz), {"description": "Old", "options": {"shuffle_questions": True}})
    response = api.put(quiz_url(secret_quiz), {"title": "Renamed", "tags": ["x"]})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["title"], body["description"], body["tags"]) == ("Renamed", "", ["x"])
    assert body["options"]["shuffle_questions"] is False
    assert body["version"] == 3
    assert response["ETag"] == '"3"'
    assert len(body["questions"]) == len(QUESTIONS)  # questions are not part of a PUT


def test_put_requires_the_title(api, secret_quiz):
    response = api.put(quiz_url(secret_quiz), {"description": "No title"})
    assert assert_problem(response, 400)["errors"].keys() == {"title"}
    assert Quiz.objects.get(pk=secret_quiz.pk).version == 1


def test_patch_changes_only_what_it_names_options_merged(api, secret_quiz):
    api.patch(
        quiz_url(secret_quiz), {"options": {"shuffle_questions": True, "time_limit_minutes": 30}}
    )
    response = api.patch(quiz_url(secret_quiz), {"options": {"pass_mark": 80}, "tags": []})
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "Everything"
    assert body["tags"] == []
    assert body["options"] == {
        **OPTIONS_DEFAULTS,
        "shuffle_questions": True,
        "time_limit_minutes": 30,
        "pass_mark": 80,
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [("status", "published"), ("version", 9), ("id", "x"), ("question_count", 0)],
)
def test_read_only_fields_are_refused_not_ignored(api, secret_quiz, field, value):
    response = api.patch(quiz_url(secret_quiz), {field: value})
    assert assert_problem(response, 400)["errors"] == {field: ["This field is read-only."]}
    assert Quiz.objects.get(pk=secret_quiz.pk).version == 1


def test_delete_removes_the_quiz_and_its_attempts_not_its_questions(api, published):
    other = operations.create_quiz(published.owner, {"title": "Keep"}, [QUESTIONS["essay"]])
    operations.record_attempt(releases.live_release(published), {})
    response = api.delete(quiz_url(published))
    assert response.status_code == 204
    assert list(Quiz.objects.values_list("pk", flat=True)) == [other.pk]
    assert Question.objects.count() == len(QUESTIONS) + 1, "the questions stay in the bank"
    assert (Attempt.objects.count(), Release.objects.count()) == (0, 0)
    assert_problem(api.get(quiz_url(published)), 404, "not_found")


def test_reorder(api, secret_quiz):
    ids = list(question_ids(secret_quiz).values())
    new_order = ids[::-1]
    response = api.post(quiz_url(secret_quiz, "reorder/"), {"order": new_order})
    assert response.status_code == 200, response.content
    assert [q["id"] for q in response.json()["questions"]] == new_order
    assert response["ETag"] == '"2"'
    assert [q["id"] for q in api.get(quiz_url(secret_quiz)).json()["questions"]] == new_order


@pytest.mark.parametrize(
    "order",
    [
        lambda ids: ids[:-1],  # one missing
        lambda ids: [*ids[:-1], ids[0]],  # one twice
        lambda ids: [*ids[:-1], "0" * 24],  # a stranger
    ],
)
def test_reorder_must_name_every_question_once(api, secret_quiz, order):
    before = version_snapshot()
    response = api.post(
        quiz_url(secret_quiz, "reorder/"),
        {"order": order(list(question_ids(secret_quiz).values()))},
    )
    assert "order" in assert_problem(response, 400)["errors"]
    assert version_snapshot() == before


def test_duplicate_makes_a_draft_copy_owned_by_the_caller(api, published, staff):
    response = api.post(quiz_url(published, "duplicate/"))
    assert response.status_code == 201, response.content
    copy = response.json()
    assert response["Location"] == f"/api/v1/quizzes/{copy['id']}/"
    assert (copy["title"], copy["status"], copy["version"]) == ("Everything (copy)", "draft", 1)
    assert [q["name"] for q in copy["questions"]] == [q["name"] for q in QUESTIONS.values()]
    # The copy uses the same bank questions; another owner's copy gets copies of them.
    assert [q["id"] for q in copy["questions"]] == list(question_ids(published).values())
    staff_copy = token_client(staff).post(quiz_url(published, "duplicate/")).json()
    assert staff_copy["owner"] == "staff"
    assert staff_copy["questions"][0]["id"] not in question_ids(published).values()


def test_publish_and_unpublish(api, secret_quiz):
    response = api.post(quiz_url(secret_quiz, "publish/"))
    assert (response.status_code, response.json()["status"], response["ETag"]) == (
        200,
        "published",
        '"2"',
    )
    response = api.post(quiz_url(secret_quiz, "unpublish/"))
    assert (response.status_code, response.json()["status"], response["ETag"]) == (
        200,
        "draft",
        '"3"',
    )


# -- the list: filters, order and pages ------------------------------------------------
def make_quizzes(owner, titles, **data):
    return [operations.create_quiz(owner, {"title": title, **data}) for title in titles]


def titles(response):
    assert response.status_code == 200, response.content
    return [quiz["title"] for quiz in response.json()["results"]]


def test_list_shows_own_quizzes_recently_changed_first_without_questions(
    api, teacher, other_teacher
):
    first, *_others = make_quizzes(teacher, ["first", "second", "third"])
    make_quizzes(other_teacher, ["not mine"])
    operations.update_quiz(first, {"description": "touched"})
    body = api.get("/api/v1/quizzes/").json()
    assert [quiz["title"] for quiz in body["results"]] == ["first", "third", "second"]
    assert "questions" not in body["results"][0]
    assert (body["next"], body["previous"]) == (None, None)


def test_list_filters_by_status_tag_and_search(api, teacher):
    make_quizzes(teacher, ["Fractions", "Decimals"], tags=["maths"])
    make_quizzes(teacher, ["French verbs (a.*)"], tags=["french"])
    make_quizzes(teacher, ["Irregulars"], description="Conjugation drills")
    decimals = Quiz.objects.get(title="Decimals")
    operations.add_question(decimals, QUESTIONS["essay"])  # an empty quiz is not published
    operations.set_status(decimals, "published")
    assert titles(api.get("/api/v1/quizzes/?status=published")) == ["Decimals"]
    assert titles(api.get("/api/v1/quizzes/?tag=french")) == ["French verbs (a.*)"]
    assert titles(api.get("/api/v1/quizzes/?tag=math")) == []
    # Whole words of the title, tags or description, any letter case, every one of them.
    assert titles(api.get("/api/v1/quizzes/?search=FRACTIONS")) == ["Fractions"]
    assert titles(api.get("/api/v1/quizzes/?search=frac")) == []
    assert titles(api.get("/api/v1/quizzes/?search=Maths")) == ["Decimals", "Fractions"]
    assert titles(api.get("/api/v1/quizzes/?search=french%20VERBS")) == ["French verbs (a.*)"]
    assert titles(api.get("/api/v1/quizzes/?search=french%20maths")) == []
    assert titles(api.get("/api/v1/quizzes/?search=conjugation")) == ["Irregulars"]
    # The text is words, not a regular expression: "(a.*)" is the word "a".
    assert titles(api.get("/api/v1/quizzes/?search=(a.*)")) == ["French verbs (a.*)"]
    assert titles(api.get("/api/v1/quizzes/?search=F.*s")) == []
    assert titles(api.get("/api/v1/quizzes/?search=.*")) == []
    assert titles(api.get("/api/v1/quizzes/?search=fractions&tag=maths&status=draft")) == [
        "Fractions"
    ]


def test_list_refuses_an_unknown_status(api):
    body = assert_problem(api.get("/api/v1/quizzes/?status=secret"), 400)
    assert set(body["errors"]) == {"status"}


def read_all_pages(api, url):
    seen, pages = [], 0
    while url:
        body = api.get(url).json()
        seen += [quiz["title"] for quiz in body["results"]]
        url, pages = body["next"], pages + 1
    return seen, pages


def test_pages_cover_every_quiz_once_in_order(api, teacher):
    make_quizzes(teacher, [f"q{i:02}" for i in range(25)])
    seen, pages = read_all_pages(api, "/api/v1/quizzes/?page_size=10")
    assert pages == 3
    expected = list(Quiz.objects.order_by("-updated_at", "-id").values_list("title", flat=True))
    assert seen == expected


def test_pages_stay_stable_while_others_insert(api, teacher, other_teacher):
    make_quizzes(teacher, [f"old{i:02}" for i in range(12)])
    first = api.get("/api/v1/quizzes/?page_size=5").json()
    # Another client inserts quizzes, some tied on the timestamp, while we page on.
    make_quizzes(teacher, [f"new{i}" for i in range(6)])
    seen = [quiz["title"] for quiz in first["results"]]
    rest, _pages = read_all_pages(api, first["next"])
    seen += rest
    assert sorted(seen) == [f"old{i:02}" for i in range(12)]
    assert len(seen) == len(set(seen))


def test_pages_stable_under_concurrent_inserts_from_threads(api, teacher):
    make_quizzes(teacher, [f"old{i:02}" for i in range(15)])
    body = api.get("/api/v1/quizzes/?page_size=4").json()
    seen = [quiz["title"] for quiz in body["results"]]
    inserter = threading.Thread(target=insert_in_thread, args=(teacher.pk, 10))
    inserter.start()
    try:
        rest, _pages = read_all_pages(api, body["next"])
    finally:
        inserter.join()
    seen += rest
    assert sorted(seen) == [f"old{i:02}" for i in range(15)]


def insert_in_thread(owner_id, count):
    """Runs in its own thread, hence its own database connection."""
    try:
        owner = User.objects.get(pk=owner_id)
        make_quizzes(owner, [f"new{i}" for i in range(count)])
    finally:
        connection.close()


def test_a_forged_cursor_is_a_404_not_a_500(api, teacher):
    make_quizzes(teacher, ["a"])
    forged = base64.b64encode(b"p=not-a-date").decode()
    assert_problem(api.get(f"/api/v1/quizzes/?cursor={forged}"), 404)
    assert_problem(api.get("/api/v1/quizzes/?cursor=garbage!"), 404)
