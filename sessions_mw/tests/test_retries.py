"""Retries, driven by the server's failCommand fail point on a real replica set."""

import json
import logging

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sessions_mw.tests.models import Audit, Note, labels
from sessions_mw.tests.views import RECORD

pytestmark = [pytest.mark.urls("sessions_mw.tests.urls")]

TRANSIENT = {"errorCode": 112, "errorLabels": ["TransientTransactionError"]}  # WriteConflict


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


def test_transient_error_reruns_the_view_until_it_commits(
    client, commands, fail_command, caplog, settings
):
    settings.DEBUG = True
    fail_command({"times": 2}, failCommands=["insert"], **TRANSIENT)

    with caplog.at_level(logging.WARNING, logger="sessions_mw"):
        response = client.post("/write/", {"label": "a"})

    assert response.status_code == 201
    assert response.json() == {"label": "a", "attempt": 3}
    assert response["X-Transaction-Attempts"] == "3"
    assert RECORD.calls["write"] == 3
    assert labels(Note) == labels(Audit) == ["a"]
    assert RECORD.hooks == ["a"]
    assert len(commands.lsids()) == 1
    assert len(commands.named("commitTransaction")) == 1
    retries = [r.getMessage() for r in caplog.records if "retrying the transaction" in r.message]
    assert len(retries) == 2
    assert "attempt 2, after TransientTransactionError from the view" in retries[0]
    assert "attempt 3, after TransientTransactionError from the view" in retries[1]


def test_transient_error_on_commit_reruns_the_view(client, commands, fail_command, caplog):
    fail_command({"times": 1}, failCommands=["commitTransaction"], **TRANSIENT)

    with caplog.at_level(logging.WARNING, logger="sessions_mw"):
        response = client.post("/write/", {"label": "a"})

    assert response.status_code == 201
    assert RECORD.calls["write"] == 2
    assert labels(Note) == labels(Audit) == ["a"]
    assert RECORD.hooks == ["a"]
    assert "attempt 2, after TransientTransactionError on commit" in caplog.text


def test_unknown_commit_result_retries_the_commit_only(
    client, commands, fail_command, caplog, settings
):
    # ExceededTimeLimit twice: pymongo's own retry of the commit fails too, so
    # the error reaches the caller labelled UnknownTransactionCommitResult.
    # (Under a request budget pymongo retries the commit itself until the
    # budget runs out: same outcome, no retry of ours to log.)
    settings.MONGO_SESSIONS = {"REQUEST_TIMEOUT": None}
    fail_command({"times": 2}, failCommands=["commitTransaction"], errorCode=262)

    with caplog.at_level(logging.WARNING, logger="sessions_mw"):
        response = client.post("/write/", {"label": "a"})

    assert response.status_code == 201
    assert RECORD.calls["write"] == 1
    assert len(commands.named("commitTransaction")) == 3
    assert labels(Note) == labels(Audit) == ["a"]
    assert RECORD.hooks == ["a"]
    assert "retrying the commit, commit attempt 2, after UnknownTransactionCommitResult" in (
        caplog.text
    )


def test_commit_applied_but_unacknowledged_takes_effect_once(client, commands, fail_command):
    # The server commits, then reports a write concern timeout: the outcome is
    # unknown to the driver, which commits again; the server applies it once.
    fail_command(
        {"times": 1},
        failCommands=["commitTransaction"],
        writeConcernError={"code": 64, "errmsg": "waiting for replication timed out"},
    )

    response = client.post("/write/", {"label": "a"})

    assert response.status_code == 201
    assert len(commands.named("commitTransaction")) == 2
    assert labels(Note) == labels(Audit) == ["a"]
    assert RECORD.hooks == ["a"]


def test_non_transient_error_is_a_500_with_nothing_written(client, commands, fail_command):
    # BadValue on the second write only: the first one is already in the transaction.
    fail_command({"times": 1}, failCommands=["insert"], errorCode=2, namespace=_namespace(Audit))

    response = client.post("/write/", {"label": "a"})

    assert response.status_code == 500
    assert RECORD.calls["write"] == 1
    assert labels(Note) == labels(Audit) == []
    assert RECORD.hooks == []


def test_connection_closed_mid_transaction_is_retried_never_partial(client, commands, fail_command):
    fail_command(
        {"times": 1},
        failCommands=["insert"],
        closeConnection=True,
        namespace=_namespace(Audit),
    )

    response = client.post("/write/", {"label": "a"})

    # pymongo labels a network error inside a transaction TransientTransactionError.
    assert response.status_code == 201
    assert RECORD.calls["write"] == 2
    assert labels(Note) == labels(Audit) == ["a"]


def test_retry_gives_the_view_a_fresh_request(client, commands, fail_command):
    get_user_model().objects.create_user("ada", password="pw-ada-123")
    fail_command({"times": 2}, failCommands=["insert"], **TRANSIENT)

    response = client.post("/session-state/", {"label": "a", "username": "ada"})

    assert response.status_code == 201
    assert RECORD.calls["session_state"] == 3
    report = client.get("/session-report/").json()
    assert report == {"visits": 1, "messages": ["saved a"], "user": "ada"}
    assert labels(Note) == ["a"]


def test_form_body_is_readable_on_every_attempt(client, commands, fail_command):
    fail_command({"times": 2}, failCommands=["insert"], **TRANSIENT)

    assert client.post("/write/", {"label": "form"}).status_code == 201
    assert labels(Note) == ["form"]


def test_uploaded_files_are_readable_on_every_attempt(client, commands, fail_command):
    fail_command({"times": 2}, failCommands=["insert"], **TRANSIENT)
    upload = SimpleUploadedFile("notes.txt", b"file content", content_type="text/plain")

    response = client.post("/upload/", {"label": "up", "file": upload})

    assert response.status_code == 201
    assert RECORD.calls["upload"] == 3
    assert labels(Note) == ["up:file content"]


def test_drf_request_data_is_readable_on_every_attempt(client, commands, fail_command):
    fail_command({"times": 2}, failCommands=["insert"], **TRANSIENT)

    response = client.post(
        "/drf/echo/", json.dumps({"label": "json"}), content_type="application/json"
    )

    assert response.status_code == 201
    assert RECORD.calls["echo"] == 3
    assert labels(Note) == ["json"]


def _namespace(model):
    from django.db import connections

    return f"{connections['default'].settings_dict['NAME']}.{model._meta.db_table}"
