"""quizzes/{id}/revisions/: a quiz's history over HTTP, and restoring a revision."""

import pytest

from quizzes import operations
from quizzes.models import Quiz, Revision
from quizzes.tests.fixtures.plugin import token_client
from quizzes.tests.test_api.conftest import assert_problem, quiz_url

pytestmark = pytest.mark.django_db


def revisions_url(quiz, suffix=""):
    return quiz_url(quiz, f"revisions/{suffix}")


def test_every_api_change_is_a_revision_by_its_token_user(api, secret_quiz, teacher):
    response = api.patch(quiz_url(secret_quiz), {"options": {"pass_mark": 80}}, format="json")
    assert response.status_code == 200
    api.post(quiz_url(secret_quiz, "publish/"))
    api.post(quiz_url(secret_quiz, "unpublish/"))
    body = api.get(revisions_url(secret_quiz)).json()
    rows = [(row["number"], row["action"], row["author"]) for row in body["results"]]
    assert rows == [
        (4, "unpublished", "teacher"),
        (3, "published", "teacher"),
        (2, "settings", "teacher"),
        (1, "created", "teacher"),
    ]
    settings = body["results"][2]
    assert settings["changes"] == [{"field": "options.pass_mark", "before": 50, "after": 80}]
    assert "snapshot" not in settings


def test_the_list_is_cursor_paginated(api, secret_quiz):
    for mark in range(51, 56):
        operations.update_quiz(secret_quiz, {"options": {"pass_mark": mark}})
    first = api.get(revisions_url(secret_quiz), {"page_size": 4}).json()
    assert [row["number"] for row in first["results"]] == [6, 5, 4, 3]
    second = api.get(first["next"]).json()
    assert [row["number"] for row in second["results"]] == [2, 1]
    assert second["next"] is None
    assert [row["number"] for row in api.get(second["previous"]).json()["results"]] == [6, 5, 4, 3]
    bad = api.get(revisions_url(secret_quiz), {"cursor": "forged"})
    assert_problem(bad, 404)


def test_one_revision_has_the_quiz_as_it_left_it(api, secret_quiz):
    operations.update_quiz(secret_quiz, {"title": "Renamed"})
    body = api.get(revisions_url(secret_quiz, "1/")).json()
    assert body["number"] == 1
    assert body["snapshot"]["title"] == "Everything"
    assert len(body["snapshot"]["slots"]) == len(secret_quiz.slots)
    assert_problem(api.get(revisions_url(secret_quiz, "9/")), 404)


def test_restore_returns_the_quiz_with_its_new_etag(api, secret_quiz, teacher):
    operations.update_quiz(secret_quiz, {"title": "Renamed", "options": {"pass_mark": 90}})
    response = api.post(revisions_url(secret_quiz, "1/restore/"), HTTP_IF_MATCH='"2"')
    assert response.status_code == 200, response.content
    assert response["ETag"] == '"3"'
    assert (response.json()["title"], response.json()["options"]["pass_mark"]) == (
        "Everything",
        50,
    )
    revision = Revision.objects.get(quiz_id=secret_quiz.pk, version=3)
    assert (revision.action, revision.author_id) == ("restored", teacher.pk)


def test_a_stale_restore_is_a_412_and_changes_nothing(api, secret_quiz):
    operations.update_quiz(secret_quiz, {"title": "Renamed"})
    response = api.post(revisions_url(secret_quiz, "1/restore/"), HTTP_IF_MATCH='"1"')
    assert assert_problem(response, 412)["current_version"] == 2
    assert Quiz.objects.get(pk=secret_quiz.pk).title == "Renamed"


def test_an_archived_quiz_refuses_a_restore(api, secret_quiz):
    operations.set_status(secret_quiz, "archived")
    response = api.post(revisions_url(secret_quiz, "1/restore/"))
    assert_problem(response, 409, "archived")
    assert Quiz.objects.get(pk=secret_quiz.pk).version == 2


def test_another_teachers_quiz_history_does_not_exist(secret_quiz, other_teacher):
    other = token_client(other_teacher)
    assert_problem(other.get(revisions_url(secret_quiz)), 404)
    assert_problem(other.get(revisions_url(secret_quiz, "1/")), 404)
    assert_problem(other.post(revisions_url(secret_quiz, "1/restore/")), 404)
    assert Quiz.objects.get(pk=secret_quiz.pk).version == 1


def test_staff_see_and_restore_any_quiz_history(secret_quiz, staff):
    operations.update_quiz(secret_quiz, {"title": "Renamed"})
    client = token_client(staff)
    assert client.get(revisions_url(secret_quiz)).status_code == 200
    assert client.post(revisions_url(secret_quiz, "1/restore/")).status_code == 200
    assert Revision.objects.get(quiz_id=secret_quiz.pk, version=3).author_id == staff.pk


def test_an_anonymous_client_is_refused(secret_quiz):
    assert_problem(token_client(None).get(revisions_url(secret_quiz)), 401)
