"""One session per request; mutating requests in a transaction; abort rules.

What reached the server is read from pymongo command monitoring on the
backend's own client (the `commands` fixture), never from the middleware's
variables.
"""

import logging

import pytest
from django.db import connection
from django.test import Client

from sessions_mw.tests.models import Audit, Note, labels
from sessions_mw.tests.views import RECORD

pytestmark = [pytest.mark.urls("sessions_mw.tests.urls")]


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


def test_mutating_request_runs_all_operations_in_one_transaction(client, commands):
    response = client.post("/write/", {"label": "a"})

    assert response.status_code == 201
    writes = commands.named("insert")
    assert [command["insert"] for command in writes] == [
        Note._meta.db_table,
        Audit._meta.db_table,
    ]
    [commit] = commands.named("commitTransaction")
    assert len(commands.lsids()) == 1
    for command in [*writes, commit]:
        assert command["autocommit"] is False
        assert command["txnNumber"] == writes[0]["txnNumber"]
    assert writes[0]["startTransaction"] is True
    assert writes[0]["readConcern"] == {"level": "majority"}
    assert commit["writeConcern"] == {"w": "majority"}
    assert labels(Note) == labels(Audit) == ["a"]


def test_safe_request_uses_the_session_without_a_transaction(client, commands):
    response = client.get("/read/")

    assert response.status_code == 200
    assert response.json() == {"labels": [], "in_transaction": False, "bound": True}
    [read] = commands.named("aggregate")
    assert "lsid" in read
    assert "txnNumber" not in read
    assert "autocommit" not in read
    assert commands.named("commitTransaction", "abortTransaction") == []


def test_session_is_unbound_and_ended_after_the_request(client, commands):
    client.post("/write/", {"label": "a"})

    assert connection.session is None
    assert "on_commit" not in vars(connection)


def test_request_that_does_not_touch_mongodb_sends_nothing(client, commands):
    response = client.get("/no-database/")

    assert response.status_code == 200
    assert commands.commands == []
    assert "X-Causal-Token" not in response


def test_exception_aborts_and_writes_nothing(client, commands, caplog):
    with caplog.at_level(logging.WARNING, logger="sessions_mw"):
        response = client.post("/write/?fail=1", {"label": "a"})

    assert response.status_code == 500
    assert labels(Note) == labels(Audit) == []
    assert len(commands.named("abortTransaction")) == 1
    assert commands.named("commitTransaction") == []
    assert RECORD.hooks == []
    assert "transaction aborted after 1 attempt(s): RuntimeError" in caplog.text


@pytest.mark.parametrize("status", [400, 404, 409, 422, 500])
def test_error_status_aborts_and_returns_the_response(client, commands, caplog, status):
    with caplog.at_level(logging.INFO, logger="sessions_mw"):
        response = client.post(f"/write/?status={status}", {"label": "a"})

    assert response.status_code == status
    assert response.json() == {"label": "a", "attempt": 1}
    assert labels(Note) == labels(Audit) == []
    assert len(commands.named("abortTransaction")) == 1
    assert RECORD.hooks == []
    assert f"transaction aborted: the view returned status {status}" in caplog.text


@pytest.mark.parametrize("status", [200, 201, 204, 302])
def test_success_status_commits_everything(client, commands, status):
    response = client.post(f"/write/?status={status}", {"label": "a"})

    assert response.status_code == status
    assert labels(Note) == labels(Audit) == ["a"]
    assert len(commands.named("commitTransaction")) == 1
    assert RECORD.hooks == ["a"]


def test_abort_on_status_is_configurable(client, commands, settings):
    settings.MONGO_SESSIONS = {"ABORT_ON_STATUS": 500}

    assert client.post("/write/?status=409", {"label": "a"}).status_code == 409

    assert labels(Note) == ["a"]


def test_transaction_methods_are_configurable(client, commands, settings):
    settings.MONGO_SESSIONS = {"TRANSACTION_METHODS": ["PUT"]}

    client.post("/write/", {"label": "a"})

    # A retryable write carries a txnNumber too; only a transaction has autocommit.
    insert = commands.named("insert")[0]
    assert "autocommit" not in insert
    assert "startTransaction" not in insert
    assert commands.named("commitTransaction") == []


def test_csrf_still_rejects_a_forged_post(commands):
    forged = Client(enforce_csrf_checks=True)

    response = forged.post("/write/", {"label": "forged"})

    assert response.status_code == 403
    assert RECORD.calls["write"] == 0
    assert labels(Note) == []
    assert commands.named("insert") == []


def test_csrf_accepts_a_post_with_its_token(commands):
    browser = Client(enforce_csrf_checks=True)
    browser.get("/no-database/")
    token = "a" * 32
    browser.cookies["csrftoken"] = token

    response = browser.post("/write/", {"label": "a", "csrfmiddlewaretoken": token})

    assert response.status_code == 201
    assert labels(Note) == ["a"]


def test_debug_reports_the_number_of_attempts(client, commands, settings):
    settings.DEBUG = True

    response = client.post("/write/", {"label": "a"})

    assert response["X-Transaction-Attempts"] == "1"


def test_no_attempts_header_outside_debug(client, commands):
    response = client.post("/write/", {"label": "a"})

    assert "X-Transaction-Attempts" not in response
