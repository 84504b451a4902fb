"""Many open event streams on one process: one change stream cursor on the server, a
bounded number of threads and bounded memory (issue 13), under uvicorn in a process
of its own, on the real mongod."""

import asyncio
import time
import urllib.parse
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from quizzes import operations
from quizzes.tests import asgi_server

pytestmark = pytest.mark.django_db(transaction=True)

STREAMS = 200
# What the server may grow by with STREAMS streams open: measured 17-20 MB and 5 threads.
RSS_GROWTH_MAX_MB = 60
THREADS_MAX = 20
DELIVERY_SECONDS = 2.0
READ_SECONDS = 20


def status_of(process):
    """(RSS in MB, thread count) of a process, from /proc."""
    lines = Path(f"/proc/{process.pid}/status").read_text().splitlines()
    values = dict(line.split(":", 1) for line in lines)
    return int(values["VmRSS"].split()[0]) / 1024, int(values["Threads"])


def change_stream_cursors(database_name):
    """The ids of the change stream cursors open on `database_name` ($currentOp)."""
    found = connection.connection.admin.aggregate(
        [
            {"$currentOp": {"allUsers": True, "idleCursors": True}},
            {
                "$match": {
                    "cursor.originatingCommand.pipeline.0.$changeStream": {"$exists": True},
                    "cursor.originatingCommand.$db": database_name,
                }
            },
        ]
    )
    return {op["cursor"]["cursorId"] for op in found}


async def open_stream(base_url, path, token):
    address = urllib.parse.urlsplit(base_url)
    reader, writer = await asyncio.open_connection(address.hostname, address.port)
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: {address.hostname}\r\n"
        f"Authorization: Token {token}\r\nAccept: text/event-stream\r\n\r\n".encode()
    )
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), READ_SECONDS)
    assert head.startswith(b"HTTP/1.1 200"), head
    return reader, writer


async def next_change(reader):
    """Read up to the end of the next change event; the time it arrived."""
    await asyncio.wait_for(reader.readuntil(b"event: change\n"), READ_SECONDS)
    await asyncio.wait_for(reader.readuntil(b"\n\n"), READ_SECONDS)
    return time.monotonic()


async def close(writer):
    writer.close()
    await writer.wait_closed()


async def each(coroutines):
    return await asyncio.gather(*coroutines)


def test_two_hundred_streams_share_one_change_stream(teacher, make_quiz):
    from rest_framework.authtoken.models import Token

    quiz = make_quiz("Crowded")
    token = Token.objects.create(user=teacher).key
    path = f"/api/v1/quizzes/{quiz.pk}/events/"
    database_name = settings.DATABASES["default"]["NAME"]
    loop = asyncio.new_event_loop()
    with asgi_server.in_process() as (base_url, process):
        first = loop.run_until_complete(open_stream(base_url, path, token))
        loop.run_until_complete(close(first[1]))
        rss_before, threads_before = status_of(process)

        streams = loop.run_until_complete(
            each(open_stream(base_url, path, token) for _ in range(STREAMS))
        )
        cursors = change_stream_cursors(database_name)
        saved = time.monotonic()
        operations.update_quiz(quiz, {"title": "Seen by all"}, author=teacher)
        arrivals = loop.run_until_complete(each(next_change(reader) for reader, _writer in streams))
        rss_after, threads_after = status_of(process)
        loop.run_until_complete(each(close(writer) for _reader, writer in streams))
    loop.close()

    assert len(cursors) == 1
    assert len(arrivals) == STREAMS
    assert max(arrivals) - saved < DELIVERY_SECONDS
    assert threads_after < THREADS_MAX, (threads_before, threads_after)
    assert rss_after - rss_before < RSS_GROWTH_MAX_MB, (rss_before, rss_after)
