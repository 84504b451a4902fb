"""The signals of signals.py, driven by real requests and the failCommand fail point."""

import pytest
from django.test import Client

from sessions_mw import signals
from sessions_mw.tests.models import Audit, Note, labels
from sessions_mw.transaction import ViewTransaction

pytestmark = [pytest.mark.urls("sessions_mw.tests.urls")]

TRANSIENT = {"errorCode": 112, "errorLabels": ["TransientTransactionError"]}  # WriteConflict


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


@pytest.fixture
def sent():
    """Every signal of signals.py sent during the test: [(name, kwargs)]."""
    received = []
    names = {
        signals.transaction_retried: "retried",
        signals.transaction_committed: "committed",
        signals.transaction_aborted: "aborted",
    }
    receivers = {}
    for signal, name in names.items():

        def receiver(sender, signal, name=name, **kwargs):
            assert sender is ViewTransaction
            received.append((name, kwargs))

        receivers[signal] = receiver
        signal.connect(receiver)
    yield received
    for signal, receiver in receivers.items():
        signal.disconnect(receiver)


def names(sent):
    return [name for name, _kwargs in sent]


def test_a_commit_after_a_transient_error_is_a_retry_then_a_commit(client, fail_command, sent):
    fail_command({"times": 1}, failCommands=["insert"], **TRANSIENT)

    response = client.post("/write/", {"label": "a"})

    assert response.status_code == 201
    assert names(sent) == ["retried", "committed"]
    retried, committed = sent[0][1], sent[1][1]
    assert retried["attempt"] == 2
    assert retried["error_label"] == "TransientTransactionError"
    assert retried["request"].path == "/write/"
    assert retried["label"] == "POST /write/"
    assert committed["attempts"] == 2
    assert committed["commit_seconds"] >= 0
    assert committed["request"] is retried["request"]


def test_an_unknown_commit_result_is_a_commit_retry(client, fail_command, sent, settings):
    # ExceededTimeLimit twice: pymongo's own retry fails too (see test_retries).
    settings.MONGO_SESSIONS = {"REQUEST_TIMEOUT": None}
    fail_command({"times": 2}, failCommands=["commitTransaction"], errorCode=262)

    response = client.post("/write/", {"label": "a"})

    assert response.status_code == 201
    assert names(sent) == ["retried", "committed"]
    assert sent[0][1]["error_label"] == "UnknownTransactionCommitResult"
    assert sent[0][1]["attempt"] == 2
    assert sent[1][1]["attempts"] == 1


def test_an_error_status_is_an_abort_with_that_status(client, commands, sent):
    response = client.post("/write/?status=409", {"label": "a"})

    assert response.status_code == 409
    assert labels(Note) == labels(Audit) == []
    assert names(sent) == ["aborted"]
    assert sent[0][1]["status"] == 409
    assert sent[0][1]["exception"] is None
    assert sent[0][1]["attempts"] == 1


def test_an_exception_is_an_abort_with_that_exception(client, commands, sent):
    response = client.post("/write/?fail=1", {"label": "a"})

    assert response.status_code == 500
    assert names(sent) == ["aborted"]
    assert isinstance(sent[0][1]["exception"], RuntimeError)
    assert sent[0][1]["status"] is None


def test_a_request_without_a_transaction_sends_nothing(client, commands, sent):
    assert client.get("/read/").status_code == 200
    assert sent == []


def test_a_failing_receiver_changes_nothing(client, commands, caplog):
    def broken(sender, **kwargs):
        raise RuntimeError("a broken metrics exporter")

    signals.transaction_committed.connect(broken)
    try:
        response = client.post("/write/", {"label": "a"})
    finally:
        signals.transaction_committed.disconnect(broken)

    assert response.status_code == 201
    assert labels(Note) == ["a"]
    assert "a broken metrics exporter" in caplog.text
