"""When sessions end: streaming bodies, and no leak over many requests."""

import pytest
from django.db import connection
from django.test import Client

from sessions_mw.tests.views import RECORD

pytestmark = [pytest.mark.urls("sessions_mw.tests.urls")]


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


def test_streaming_response_keeps_the_session_until_consumed(client, commands):
    response = client.get("/stream/")
    session = RECORD.seen["stream_session"]
    assert not session.has_ended
    chunks = iter(response.streaming_content)

    assert next(chunks) == b"0:0\n"
    assert not session.has_ended
    assert b"".join(chunks) == b"1:0\n2:0\n"

    assert RECORD.seen["stream_chunks"] == [{"bound": True, "ended": False}] * 3
    assert session.has_ended
    assert connection.session is None
    assert len(commands.lsids()) == 1
    assert len(commands.named("aggregate")) == 3


def test_streaming_response_closed_early_ends_the_session(client, commands):
    response = client.get("/stream/")
    session = RECORD.seen["stream_session"]

    response.close()

    assert session.has_ended
    assert connection.session is None


def test_no_server_session_leaks_after_many_mixed_requests(client, commands, admin_client):
    def server_sessions():
        return len(list(admin_client.admin.aggregate([{"$listLocalSessions": {"allUsers": True}}])))

    client.get("/read/")
    before = server_sessions()
    requests = [
        lambda n: client.get("/read/"),
        lambda n: client.post("/write/", {"label": f"ok-{n}"}),
        lambda n: client.post("/write/?status=409", {"label": f"conflict-{n}"}),
        lambda n: client.post("/write/?fail=1", {"label": f"boom-{n}"}),
        lambda n: b"".join(client.get("/stream/").streaming_content),
    ]

    for n in range(500):
        requests[n % len(requests)](n)

    # Sessions ended return to pymongo's pool and are reused: a handful of
    # server sessions serve all 500 requests. A leak would add ~500.
    assert len(commands.lsids()) <= 2
    assert server_sessions() - before <= 2
    assert connection.session is None
