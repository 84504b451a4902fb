"""Live notice of changes: the event streams of quizzes.views.events and quizzes.api.events,
served under uvicorn (ASGI) from a thread of the test process, on the real mongod."""

import http.client
import json
import logging
import time
import urllib.parse

import pytest
from django.conf import settings

from quizzes import bank, live, operations
from quizzes.tests import asgi_server
from quizzes.tests.fixtures.plugin import questions_of

pytestmark = pytest.mark.django_db(transaction=True)

QUESTIONS = [
    {
        "type": "truefalse",
        "name": "Q1",
        "text": "The sky is blue.",
        "answers": [{"text": "true", "fraction": 100}, {"text": "false", "fraction": 0}],
    }
]
READ_SECONDS = 10


class EventStream:
    """An open GET of an event stream; `event()` reads the next event (comments, the
    retry hint and keep-alives skipped) as {"id", "event", "data"}."""

    def __init__(self, base_url, path, headers):
        address = urllib.parse.urlsplit(base_url)
        self.connection = http.client.HTTPConnection(
            address.hostname, address.port, timeout=READ_SECONDS
        )
        self.connection.request("GET", path, headers=headers)
        self.response = self.connection.getresponse()
        self.status = self.response.status

    def event(self):
        while True:
            fields = {}
            while (line := self.response.readline().decode()) not in ("\n", ""):
                name, _, value = line.rstrip("\n").partition(": ")
                if name:
                    fields[name] = value
            if not line:
                raise EOFError("the stream ended")
            if "data" in fields:
                return {**fields, "data": json.loads(fields["data"])}

    def body(self):
        return self.response.read()

    def close(self):
        self.connection.close()


@pytest.fixture
def asgi_app():
    with asgi_server.in_thread() as url:
        yield url
    assert live.HUB.subscriber_count() == 0


@pytest.fixture
def open_stream(asgi_app, client_for):
    """open_stream(path, user=None, **headers) → an EventStream, closed after the test;
    `user`'s session cookie is sent (none for None)."""
    opened = []

    def open_(path, user=None, **headers):
        if user is not None:
            cookie = client_for(user).cookies[settings.SESSION_COOKIE_NAME].value
            headers["Cookie"] = f"{settings.SESSION_COOKIE_NAME}={cookie}"
        stream = EventStream(asgi_app, path, {k.replace("_", "-"): v for k, v in headers.items()})
        opened.append(stream)
        return stream

    yield open_
    for stream in opened:
        stream.close()


@pytest.fixture
def live_quiz(make_quiz):
    return make_quiz("Live", QUESTIONS, options={"pass_mark": 70})


def test_a_saved_change_reaches_the_streams_of_its_quiz_only(
    open_stream, live_quiz, make_quiz, teacher
):
    other_quiz = make_quiz("Other")
    teacher.first_name, teacher.last_name = "Léa", "Martin"
    teacher.save()
    first = open_stream(f"/quizzes/{live_quiz.pk}/events/", teacher)
    second = open_stream(f"/quizzes/{live_quiz.pk}/events/", teacher)
    assert first.status == 200
    assert first.response.headers["Content-Type"] == "text/event-stream"
    assert "no-cache" in first.response.headers["Cache-Control"]

    operations.update_quiz(other_quiz, {"title": "Elsewhere"}, author=teacher)
    operations.update_quiz(live_quiz, {"options": {"pass_mark": 75}, "tags": ["t"]}, author=teacher)

    for stream in (first, second):
        event = stream.event()
        assert event["event"] == "change"
        data = event["data"]
        assert data["kind"] == "quiz"
        assert data["id"] == str(live_quiz.pk)
        assert data["version"] == live_quiz.version
        assert data["author"] == "Léa Martin"
        assert data["action"] == "settings"
        assert "pass_mark" in data["fields"]
        assert "tags" in data["fields"]
        assert "Pass mark (%)" in data["labels"]
        assert live.decode_token(event["id"])


def test_last_event_id_resumes_after_that_change(open_stream, live_quiz, teacher):
    stream = open_stream(f"/quizzes/{live_quiz.pk}/events/", teacher)
    operations.update_quiz(live_quiz, {"title": "One"}, author=teacher)
    seen = stream.event()
    stream.close()
    operations.update_quiz(live_quiz, {"title": "Two"}, author=teacher)
    operations.update_quiz(live_quiz, {"title": "Three"}, author=teacher)

    resumed = open_stream(f"/quizzes/{live_quiz.pk}/events/", teacher, Last_Event_ID=seen["id"])
    operations.update_quiz(live_quiz, {"title": "Four"}, author=teacher)

    versions = [resumed.event()["data"]["version"] for _ in range(3)]
    assert versions == [seen["data"]["version"] + n for n in (1, 2, 3)]


def test_an_id_older_than_the_oplog_keeps_starts_afresh_with_a_reset(
    open_stream, live_quiz, teacher
):
    stream = open_stream(f"/quizzes/{live_quiz.pk}/events/", teacher)
    operations.update_quiz(live_quiz, {"title": "Seen"}, author=teacher)
    seen = live.decode_token(stream.event()["id"])["_data"]
    stream.close()
    # The same kind of token, at a cluster time (1970) the oplog no longer holds.
    forgotten = live.encode_token({"_data": seen[:2] + "00000001" * 2 + seen[18:]})

    resumed = open_stream(f"/quizzes/{live_quiz.pk}/events/", teacher, Last_Event_ID=forgotten)
    assert resumed.status == 200
    assert resumed.event() == {"event": "reset", "data": {}}
    operations.update_quiz(live_quiz, {"title": "After"}, author=teacher)
    assert resumed.event()["data"]["version"] == live_quiz.version


@pytest.mark.parametrize("event_id", ["not base64!", "AAAA", "gmXz" * 20])
def test_an_invalid_last_event_id_is_a_400(open_stream, live_quiz, teacher, event_id):
    stream = open_stream(f"/quizzes/{live_quiz.pk}/events/", teacher, Last_Event_ID=event_id)

    assert stream.status == 400
    assert b"Last-Event-ID" in stream.body()


def test_a_quiz_the_user_may_not_see_is_a_404(open_stream, live_quiz, other_teacher):
    assert open_stream(f"/quizzes/{live_quiz.pk}/events/", other_teacher).status == 404
    anonymous = open_stream(f"/quizzes/{live_quiz.pk}/events/")
    assert anonymous.status == 302
    assert "/accounts/login/" in anonymous.response.headers["Location"]


def test_a_question_page_hears_of_that_questions_new_versions(open_stream, live_quiz, teacher):
    question = questions_of(live_quiz)[0]
    in_quiz = open_stream(f"/quizzes/{live_quiz.pk}/questions/{question.pk}/events/", teacher)
    in_bank = open_stream(f"/bank/questions/{question.pk}/events/", teacher)

    operations.update_question(
        live_quiz, question, {"name": "Renamed", "points": 2}, author=teacher
    )

    for stream in (in_bank, in_quiz):
        data = stream.event()["data"]
        assert data["kind"] == "question"
        assert data["id"] == str(question.pk)
        assert data["version"] == 2
        assert data["fields"] == ["name", "points"]
        assert data["author"] == "teacher"


def test_an_imported_questions_first_edit_names_what_it_changed(open_stream, live_quiz, teacher):
    question = questions_of(live_quiz)[0]
    stream = open_stream(f"/bank/questions/{question.pk}/events/", teacher)

    bank.update_question(question, {**bank.question_data(question), "text": "Edited."}, teacher)

    assert stream.event()["data"]["fields"] == ["text"]


def test_the_api_stream_takes_the_token(open_stream, live_quiz, teacher, other_teacher):
    from rest_framework.authtoken.models import Token

    path = f"/api/v1/quizzes/{live_quiz.pk}/events/"
    token = Token.objects.create(user=teacher)
    stream = open_stream(path, Authorization=f"Token {token.key}")
    assert stream.status == 200
    operations.update_quiz(live_quiz, {"title": "By API"}, author=teacher)
    assert stream.event()["data"]["fields"] == ["title"]

    assert open_stream(path, teacher).status == 200  # the API's session authentication
    missing = open_stream(path)
    assert missing.status == 401
    assert missing.response.headers["WWW-Authenticate"] == "Token"
    assert missing.response.headers["Content-Type"] == "application/problem+json"
    assert open_stream(path, Authorization="Token wrong").status == 401
    others = Token.objects.create(user=other_teacher)
    not_theirs = open_stream(path, Authorization=f"Token {others.key}")
    assert not_theirs.status == 404
    assert json.loads(not_theirs.body())["status"] == 404
    bad = open_stream(path, Authorization=f"Token {token.key}", Last_Event_ID="!")
    assert bad.status == 400
    assert json.loads(bad.body())["type"] == "urn:openquizz:problem:parse_error"


def test_a_reader_that_falls_behind_is_dropped_not_waited_for():
    import asyncio

    async def fill():
        hub = live.Hub()
        subscription = live.Subscription(hub, ("quiz", "x"), asyncio.get_running_loop())
        hub._subscribers[subscription.key] = {subscription}
        for version in range(live.QUEUE_SIZE + 1):
            subscription.offer(version)
        return subscription, hub.subscriber_count()

    subscription, left = asyncio.run(fill())

    assert subscription.overflowed
    assert left == 0
    assert subscription.queue.qsize() == live.QUEUE_SIZE + 1  # its changes, then the end


def test_under_wsgi_an_allowed_reader_gets_204_and_no_stream(live_quiz, client_for, teacher, staff):
    from django.test import Client

    path = f"/quizzes/{live_quiz.pk}/events/"
    assert client_for(teacher).get(path).status_code == 204
    assert client_for(staff).get(path).status_code == 204
    assert client_for(teacher).get(f"/quizzes/{'0' * 24}/events/").status_code == 404
    assert Client().get(path).status_code == 302
    assert live.HUB.subscriber_count() == 0


def test_the_edit_pages_name_their_stream_and_the_version_they_show(live_quiz, client_for, teacher):
    question = questions_of(live_quiz)[0]
    client = client_for(teacher)
    pages = {
        f"/quizzes/{live_quiz.pk}/": f"/quizzes/{live_quiz.pk}/events/",
        f"/quizzes/{live_quiz.pk}/edit/": f"/quizzes/{live_quiz.pk}/events/",
        f"/quizzes/{live_quiz.pk}/questions/{question.pk}/edit/": (
            f"/quizzes/{live_quiz.pk}/questions/{question.pk}/events/"
        ),
        f"/bank/questions/{question.pk}/edit/": f"/bank/questions/{question.pk}/events/",
    }
    for page, events in pages.items():
        html = client.get(page).content.decode()
        assert f'data-live-events="{events}"' in html, page
        version = question.version if "questions" in page else live_quiz.version
        assert f'data-live-version="{version}"' in html, page
    assert "data-live-events" not in client.get("/quizzes/new/").content.decode()


def test_a_stream_starts_with_an_id_that_misses_nothing_saved_while_away(
    asgi_app, live_quiz, teacher
):
    from rest_framework.authtoken.models import Token

    path = f"/api/v1/quizzes/{live_quiz.pk}/events/"
    headers = {"Authorization": f"Token {Token.objects.create(user=teacher).key}"}
    stream = EventStream(asgi_app, path, headers)
    first = stream.response.readline() + stream.response.readline()
    stream.close()
    start = first.decode().split("id: ")[1].strip()
    operations.update_quiz(live_quiz, {"title": "While away"}, author=teacher)

    resumed = EventStream(asgi_app, path, {**headers, "Last-Event-ID": start})
    try:
        assert resumed.event()["data"]["version"] == live_quiz.version
    finally:
        resumed.close()


def test_a_reader_far_behind_catches_up_a_batch_per_connection(open_stream, live_quiz, teacher):
    stream = open_stream(f"/quizzes/{live_quiz.pk}/events/", teacher)
    operations.update_quiz(live_quiz, {"title": "Zero"}, author=teacher)
    seen = stream.event()
    stream.close()
    for number in range(live.CATCH_UP_MAX + 2):
        operations.update_quiz(live_quiz, {"title": f"Title {number}"}, author=teacher)

    first = open_stream(f"/quizzes/{live_quiz.pk}/events/", teacher, Last_Event_ID=seen["id"])
    batch = [first.event() for _ in range(live.CATCH_UP_MAX)]
    with pytest.raises(EOFError):
        first.event()
    second = open_stream(f"/quizzes/{live_quiz.pk}/events/", teacher, Last_Event_ID=batch[-1]["id"])

    rest = [second.event()["data"]["version"] for _ in range(2)]
    assert [event["data"]["version"] for event in batch] == list(
        range(seen["data"]["version"] + 1, seen["data"]["version"] + 1 + live.CATCH_UP_MAX)
    )
    assert rest == [live_quiz.version - 1, live_quiz.version]


def test_the_hub_reopens_its_change_stream_after_an_error(
    open_stream, live_quiz, teacher, mongo_client, caplog
):
    caplog.set_level(logging.WARNING, logger="quizzes.live")
    stream = open_stream(f"/quizzes/{live_quiz.pk}/events/", teacher)
    mongo_client.admin.command(
        "configureFailPoint",
        "failCommand",
        mode={"times": 1},
        data={"failCommands": ["getMore"], "errorCode": 2},
    )
    time.sleep(live.AWAIT_SECONDS * 2)  # the getMore under way ends; the next one fails
    operations.update_quiz(live_quiz, {"title": "Through the error"}, author=teacher)

    assert stream.event()["data"]["version"] == live_quiz.version
    mongo_client.admin.command("configureFailPoint", "failCommand", mode="off")
    # The hub's own getMore failed (the fail point's count would also count other
    # clients' commands it looked at) and the hub reopened its stream.
    failures = [r for r in caplog.records if "the change stream failed" in r.getMessage()]
    assert len(failures) == 1


def test_a_colleague_the_quiz_is_shared_with_gets_its_stream_until_revoked(
    open_stream, live_quiz, teacher, other_teacher
):
    from quizzes import colleagues

    path = f"/quizzes/{live_quiz.pk}/events/"
    assert open_stream(path, other_teacher).status == 404
    found, _new = colleagues.share(live_quiz, other_teacher.username, "viewer", teacher)
    stream = open_stream(path, other_teacher)
    assert stream.status == 200
    operations.update_quiz(live_quiz, {"title": "Shared"}, author=teacher)
    assert stream.event()["data"]["author"] == "teacher"

    colleagues.revoke(found)
    assert open_stream(path, other_teacher).status == 404
