"""django_mongodb_backend's atomic() and on_commit() inside requests."""

import pytest
from django.db import connection
from django.test import Client

from sessions_mw import on_commit
from sessions_mw.tests.models import Audit, Note, labels
from sessions_mw.tests.views import RECORD

pytestmark = [pytest.mark.urls("sessions_mw.tests.urls")]

TRANSIENT = {"errorCode": 112, "errorLabels": ["TransientTransactionError"]}


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


def test_nested_atomic_joins_the_request_transaction(client, commands):
    response = client.post("/atomic/in-request/", {"label": "a"})

    assert response.status_code == 201
    # Leaving the atomic() blocks committed nothing and kept the session.
    assert RECORD.seen["after_atomic"] == {"in_transaction": True, "ended": False, "bound": True}
    inserts = commands.named("insert")
    assert len({command["txnNumber"] for command in inserts}) == 1
    assert all(command["autocommit"] is False for command in inserts)
    assert len(commands.named("commitTransaction")) == 1
    assert labels(Note) == labels(Audit) == ["a"]
    assert RECORD.hooks == ["a-django", "a"]


def test_exception_escaping_atomic_aborts_the_whole_request(client, commands):
    response = client.post("/atomic/failure/", {"label": "a"})

    assert response.status_code == 500
    assert labels(Note) == labels(Audit) == []
    assert commands.named("commitTransaction") == []


def test_exception_caught_after_atomic_still_aborts_the_whole_request(client, commands):
    response = client.post("/atomic/failure-caught/", {"label": "a"})

    assert response.status_code == 500
    assert labels(Note) == labels(Audit) == []
    assert commands.named("commitTransaction") == []
    assert RECORD.hooks == []


def test_atomic_in_a_safe_request_is_its_own_transaction(client, commands):
    response = client.get("/atomic/safe/?label=a")

    assert response.status_code == 200
    assert response.json() == {"labels": ["a"]}
    # on_commit waited for the block's commit; the request session survived
    # both blocks (the backend's own atomic() would have ended it).
    assert RECORD.seen["hooks_inside_block"] == []
    assert RECORD.seen["hooks_after_block"] == ["a"]
    assert RECORD.seen["after_atomic"] == {"in_transaction": False, "ended": False, "bound": True}
    assert RECORD.hooks == ["a", "a-immediate"]
    assert labels(Note) == labels(Audit) == ["a"]
    transactions = {command["txnNumber"] for command in commands.named("insert")}
    assert len(transactions) == 2
    assert len(commands.named("commitTransaction")) == 1
    assert len(commands.named("abortTransaction")) == 1
    assert len(commands.lsids()) == 1


def test_on_commit_runs_once_after_retries(client, commands, fail_command):
    fail_command({"times": 2}, failCommands=["insert"], **TRANSIENT)

    client.post("/atomic/in-request/", {"label": "a"})

    assert RECORD.calls["atomic_in_request"] == 3
    assert RECORD.hooks == ["a-django", "a"]


def test_on_commit_never_runs_after_an_abort(client, commands):
    client.post("/write/?status=422", {"label": "a"})
    client.post("/write/?fail=1", {"label": "b"})

    assert RECORD.hooks == []


def test_on_commit_never_runs_when_the_commit_fails(client, commands, fail_command):
    fail_command({"times": 1}, failCommands=["commitTransaction"], errorCode=2)

    response = client.post("/write/", {"label": "a"})

    assert response.status_code == 500
    assert RECORD.hooks == []
    assert labels(Note) == []


def test_on_commit_outside_any_transaction_runs_at_once(db):
    ran = []

    on_commit(lambda: ran.append(True))

    assert ran == [True]
    assert connection.session is None
