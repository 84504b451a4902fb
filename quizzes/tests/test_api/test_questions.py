"""A quiz's questions through the API, for every question type."""

import pytest

from quizzes.models import Question, Quiz
from quizzes.tests.fixtures.plugin import version_snapshot
from quizzes.tests.test_api.conftest import (
    QUESTIONS,
    assert_problem,
    question_ids,
    quiz_url,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def empty_quiz(api):
    body = api.post("/api/v1/quizzes/", {"title": "Empty"}).json()
    return Quiz.objects.get(pk=body["id"])


@pytest.mark.parametrize("kind", QUESTIONS)
def test_create_read_update_delete_every_type(api, empty_quiz, kind):
    url = quiz_url(empty_quiz, "questions/")
    created = api.post(url, QUESTIONS[kind])
    assert created.status_code == 201, created.content
    body = created.json()
    assert created["Location"] == f"{url}{body['id']}/"
    assert created["ETag"] == '"2"'  # the quiz's version, bumped by the new question
    assert (body["type"], body["name"], body["position"]) == (
        QUESTIONS[kind]["type"],
        QUESTIONS[kind]["name"],
        0,
    )
    assert len(body["answers"]) == len(QUESTIONS[kind].get("answers", []))

    read = api.get(created["Location"])
    assert (read.status_code, read.json(), read["ETag"]) == (200, body, '"2"')

    patched = api.patch(created["Location"], {"name": "Renamed", "points": 2})
    assert patched.status_code == 200, patched.content
    assert (patched.json()["name"], patched.json()["points"]) == ("Renamed", 2.0)
    assert patched.json()["answers"] == body["answers"]
    assert patched["ETag"] == '"3"'

    deleted = api.delete(created["Location"])
    assert deleted.status_code == 204
    # Out of the quiz; the question stays in its owner's bank.
    assert Question.objects.filter(pk=body["id"]).exists()
    stored = Quiz.objects.get(pk=empty_quiz.pk)
    assert (stored.version, stored.question_count) == (4, 0)
    assert_problem(api.get(created["Location"]), 404)


def test_list_in_order_with_the_quiz_etag(api, secret_quiz):
    response = api.get(quiz_url(secret_quiz, "questions/"))
    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    assert [q["id"] for q in response.json()] == list(question_ids(secret_quiz).values())


def test_put_replaces_the_question_fields_left_out_take_defaults(api, secret_quiz):
    url = quiz_url(secret_quiz, f"questions/{question_ids(secret_quiz)['shortanswer']}/")
    api.patch(url, {"case_sensitive": True, "general_feedback": "Old"})
    replacement = {
        "type": "numerical",
        "name": "Now numerical",
        "text": "How many?",
        "answers": [{"value": 3, "fraction": 100}],
    }
    response = api.put(url, replacement)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["type"], body["case_sensitive"], body["general_feedback"]) == (
        "numerical",
        False,
        "",
    )
    assert body["answers"][0]["value"] == 3.0
    assert body["answers"][0]["tolerance"] == 0.0  # quizzes.validation's default


def test_put_without_required_fields_changes_nothing(api, secret_quiz):
    url = quiz_url(secret_quiz, f"questions/{question_ids(secret_quiz)['essay']}/")
    before = version_snapshot()
    body = assert_problem(api.put(url, {"name": "Only a name"}), 400)
    assert set(body["errors"]) == {"type", "text"}
    assert version_snapshot() == before


def test_validation_errors_name_the_answer_row(api, secret_quiz):
    url = quiz_url(secret_quiz, "questions/")
    before = version_snapshot()
    data = {**QUESTIONS["multichoice"], "answers": [{"text": "4", "fraction": 100}, {"text": ""}]}
    data["answers"][1]["fraction"] = 500
    body = assert_problem(api.post(url, data), 400, "invalid")
    assert "answers[1].fraction" in body["errors"]
    assert version_snapshot() == before


def test_delete_keeps_positions_dense(api, secret_quiz):
    ids = list(question_ids(secret_quiz).values())
    assert api.delete(quiz_url(secret_quiz, f"questions/{ids[1]}/")).status_code == 204
    positions = [q["position"] for q in api.get(quiz_url(secret_quiz, "questions/")).json()]
    assert positions == list(range(len(ids) - 1))


def test_a_question_of_another_quiz_is_not_found_under_this_one(api, secret_quiz, teacher):
    other = api.post("/api/v1/quizzes/", {"title": "Other"}).json()
    qid = question_ids(secret_quiz)["essay"]
    assert_problem(api.get(f"/api/v1/quizzes/{other['id']}/questions/{qid}/"), 404)
    assert_problem(api.delete(f"/api/v1/quizzes/{other['id']}/questions/{qid}/"), 404)
    assert Question.objects.filter(pk=qid).exists()
