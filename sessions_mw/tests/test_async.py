"""Async views, through Django's AsyncClient and through uvicorn (real ASGI).

The tests stay synchronous and drive the async client with async_to_sync,
as a WSGI thread would: the ORM work of async views comes back to this
thread, which holds the test database connection.
"""

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient

from sessions_mw.tests.conftest import wait_until
from sessions_mw.tests.models import Audit, Note, labels
from sessions_mw.tests.views import RECORD

pytestmark = [pytest.mark.urls("sessions_mw.tests.urls")]

TRANSIENT = {"errorCode": 112, "errorLabels": ["TransientTransactionError"]}


@pytest.fixture
def async_client():
    return AsyncClient(raise_request_exception=False)


def post(async_client, path, data):
    return async_to_sync(async_client.post)(path, data)


@pytest.mark.parametrize("path", ["/async/write/", "/async/cbv/"])
def test_async_view_writes_in_one_transaction(async_client, commands, path):
    response = post(async_client, path, {"label": "a"})

    assert response.status_code == 201
    inserts = commands.named("insert")
    assert len(inserts) == 2
    assert len({command["txnNumber"] for command in inserts}) == 1
    assert all(command["autocommit"] is False for command in inserts)
    assert len(commands.lsids()) == 1
    assert len(commands.named("commitTransaction")) == 1
    assert labels(Note) == labels(Audit) == ["a"]
    assert RECORD.hooks == ["a"]


def test_async_view_exception_writes_nothing(async_client, commands):
    response = post(async_client, "/async/write/?fail=1", {"label": "a"})

    assert response.status_code == 500
    assert labels(Note) == labels(Audit) == []
    assert RECORD.hooks == []


def test_async_view_error_status_writes_nothing(async_client, commands):
    response = post(async_client, "/async/cbv/?status=422", {"label": "a"})

    assert response.status_code == 422
    assert labels(Note) == labels(Audit) == []
    assert RECORD.hooks == []


def test_async_view_is_retried_on_transient_errors(async_client, commands, fail_command):
    fail_command({"times": 2}, failCommands=["insert"], **TRANSIENT)

    response = post(async_client, "/async/write/", {"label": "a"})

    assert response.status_code == 201
    assert RECORD.calls["async_write"] == 3
    assert labels(Note) == labels(Audit) == ["a"]
    assert RECORD.hooks == ["a"]


def test_async_safe_view_reads_with_the_request_session(async_client, commands):
    response = async_to_sync(async_client.get)("/async/read/")

    assert response.status_code == 200
    [read] = commands.named("aggregate")
    assert "lsid" in read
    assert "autocommit" not in read


CSRF_SECRET = "b" * 32


def test_async_streaming_body_keeps_the_session_until_consumed(async_client, commands):
    async def fetch():
        response = await async_client.get("/async/stream/")
        session = RECORD.seen["stream_session"]
        ended_before = session.has_ended
        body = b"".join([chunk async for chunk in response.streaming_content])
        return ended_before, body, session.has_ended

    ended_before, body, ended_after = async_to_sync(fetch)()

    assert (ended_before, ended_after) == (False, True)
    assert body == b"0:0\n1:0\n2:0\n"
    assert RECORD.seen["stream_chunks"] == [{"ended": False}] * 3
    assert len(commands.named("aggregate")) == 3
    assert len(commands.lsids()) == 1


def _request(method, url, data=None, headers=None):
    """A real HTTP request, with a CSRF cookie and its token as a browser sends them."""
    headers = {"Cookie": f"csrftoken={CSRF_SECRET}", **(headers or {})}
    body = None
    if data is not None:
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": CSRF_SECRET}).encode()
    # S310: the URL is the loopback http:// address of the test's own server.
    request = urllib.request.Request(url, data=body, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_under_uvicorn_async_and_sync_views_get_the_same_guarantees(
    asgi_server, commands, fail_command
):
    fail_command({"times": 2}, failCommands=["insert"], **TRANSIENT)

    status, headers, _ = _request("POST", f"{asgi_server}/async/write/", {"label": "async"})
    assert status == 201
    assert RECORD.calls["async_write"] == 3
    token = headers["X-Causal-Token"]

    status, _, _ = _request("POST", f"{asgi_server}/write/?fail=1", {"label": "failed"})
    assert status == 500
    status, _, _ = _request("POST", f"{asgi_server}/write/", {"label": "sync"})
    assert status == 201

    status, _, body = _request(
        "GET", f"{asgi_server}/async/read/", headers={"X-Causal-Token": token}
    )
    assert status == 200
    assert json.loads(body) == {"labels": ["async", "sync"]}
    status, _, body = _request("GET", f"{asgi_server}/stream/")
    assert (status, body) == (200, b"0:2\n1:2\n2:2\n")
    assert RECORD.seen["stream_chunks"] == [{"bound": True, "ended": False}] * 3
    wait_until(lambda: RECORD.seen["stream_session"].has_ended, "the stream's session to end")
    assert labels(Audit) == ["async", "sync"]
    assert RECORD.hooks == ["async", "sync"]
    # Every write ran in a transaction, each request in its own session, and
    # all of a request's commands shared that session.
    assert all(command["autocommit"] is False for command in commands.named("insert"))
    transactions = {}
    for command in commands.named("insert", "commitTransaction"):
        transactions.setdefault(command["txnNumber"], set()).add(command["lsid"]["id"])
    assert all(len(lsids) == 1 for lsids in transactions.values())
