"""Answers tell the truth under faults (the failCommand fail point on the test mongod):
a committed write is never reported as failed, the Django session and its messages
commit with the request's data, and an unreachable database is a 503, not a 500."""

import logging
from contextlib import contextmanager

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from quizzes.models import Quiz
from quizzes.tests.test_views.conftest import quiz_post
from sessions_mw.django_session import SessionStore
from sessions_mw.tests.conftest import CommandRecorder, backend_client_with

pytestmark = pytest.mark.django_db(transaction=True)

INTERRUPTED = 11602  # InterruptedDueToReplStateChange: a step-down under the write
HOST_UNREACHABLE = 6


@pytest.fixture
def recorder():
    """The commands the app's MongoClient sends (the client rebuilt with a listener)."""
    recorder = CommandRecorder()
    with backend_client_with(recorder):
        yield recorder


@contextmanager
def failing(client, mode, **data):
    client.admin.command("configureFailPoint", "failCommand", mode=mode, data=data)
    try:
        yield
    finally:
        client.admin.command("configureFailPoint", "failCommand", mode="off")


def session_updates(recorder):
    """(in a transaction?) of each update of the Django sessions' collection."""
    table = Session._meta.db_table
    return [
        "txnNumber" in command for command in recorder.named("update") if command["update"] == table
    ]


def create_quiz(browser, title):
    return browser.post("/quizzes/new/", quiz_post(title=title))


def test_a_sign_in_commits_its_session_in_its_transaction(recorder, teacher, teacher_password):
    browser = Client()
    recorder.clear()
    response = browser.post(
        "/accounts/login/", {"username": "teacher", "password": teacher_password}
    )
    assert response.status_code == 302
    table = Session._meta.db_table
    writes = [
        (name, "txnNumber" in command)
        for name, command in recorder.commands
        if name in ("insert", "update", "delete") and command.get(name) == table
    ]
    # The new session, in the transaction; the causal token, which only the commit
    # makes known, after it.
    assert ("insert", True) in writes
    assert writes[-1] == ("update", False)
    assert all(in_transaction for _name, in_transaction in writes[:-1])
    assert browser.get("/").status_code == 200


def test_a_session_save_that_fails_after_the_commit_does_not_turn_success_into_failure(
    recorder, teacher_browser, mongo_client, caplog
):
    """The issue's reproduction: a write concern error (a step-down) on the session's
    update after the quiz committed used to answer 400 SessionInterrupted."""
    recorder.clear()
    create_quiz(teacher_browser, "Dry run")
    updates_before = ["txnNumber" in command for command in recorder.named("update")].index(
        False
    )  # the first update outside the transaction: the session's, after it
    with (
        failing(
            mongo_client,
            {"skip": updates_before},
            failCommands=["update"],
            writeConcernError={"code": INTERRUPTED, "errmsg": "interrupted at shutdown"},
        ),
        caplog.at_level(logging.WARNING, logger="sessions_mw"),
    ):
        response = create_quiz(teacher_browser, "Committed")
    assert response.status_code == 302, response.content
    assert Quiz.objects.filter(title="Committed").exists()
    assert "Could not save the Django session after the request's transaction committed" in (
        caplog.text
    )
    # The browser is still signed in and sees its quiz.
    assert "Committed" in teacher_browser.get("/").content.decode()


def test_an_aborted_request_saves_no_session_in_its_transaction(recorder, teacher_browser):
    recorder.clear()
    response = create_quiz(teacher_browser, "")  # refused: the form comes back
    assert response.status_code in (200, 400)
    assert True not in session_updates(recorder)


def test_a_session_store_remembers_only_a_committed_save():
    store = SessionStore()
    store["answer"] = 42
    store.save()
    assert store.committed is None  # no transaction: nothing to remember
    assert Session.objects.filter(session_key=store.session_key).exists()


def test_an_unreachable_database_while_loading_the_session_is_a_503(teacher_browser, mongo_client):
    with failing(
        mongo_client, "alwaysOn", failCommands=["find", "aggregate"], errorCode=HOST_UNREACHABLE,
        errorLabels=["RetryableWriteError"], closeConnection=True,
    ):  # fmt: skip
        page = teacher_browser.get("/")
        api = teacher_browser.get("/api/v1/quizzes/")
    assert page.status_code == 503
    assert page["Retry-After"] == "5"
    assert "cannot reach its database" in page.content.decode()
    assert "127.0.0.1" not in page.content.decode()
    assert api.status_code == 503
    assert api["Content-Type"] == "application/problem+json"
    assert api.json()["type"] == "urn:openquizz:problem:unavailable"
    assert teacher_browser.get("/").status_code == 200  # and back once it is reachable
