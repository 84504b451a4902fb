"""Server-Sent Events: a quiz's or a question's changes, as they are saved (quizzes.live).

`/quizzes/<id>/events/` (a quiz's revisions), `/quizzes/<id>/questions/<qid>/events/`
and `/bank/questions/<qid>/events/` (a question's versions) for the pages
(static/js/live.js), and `/api/v1/quizzes/{id}/events/` for API clients
(quizzes.api.events), all answered by `stream`:

    retry: 3000                      once, first, with the id of where the
    id: <resume token, base64url>    stream starts (no event: it only sets
                                     the browser's Last-Event-ID)
    id: <resume token, base64url>    one event per change
    event: change
    data: {"kind", "id", "version", "action", "action_label", "author",
           "fields", "labels", "time"}
    event: reset                     once, second, when Last-Event-ID's change
    data: {}                         is older than MongoDB's oplog keeps: what
                                     was saved since cannot be told, read the
                                     quiz or question again
    : keep-alive                     every HEARTBEAT_SECONDS without a change

Who may see the quiz or question is asked once, when the stream opens (the
views' usual lookups: a 404 for anyone else); a stream ends after
STREAM_SECONDS and the browser reconnects, asked again. `Last-Event-ID` (the
id of the last event received) resumes after that change: the changes since
then come first, read by a short change stream of their own (quizzes.live.catch_up);
an id that is not one is a 400, never a 500; the id of a change the oplog no
longer holds (a reader away too long) starts afresh with a `reset` event.

These views are async: sessions_mw's async path opens and closes the
request's session, no transaction is ever open while streaming, and once the
response streams the request gives back the worker thread Django's ASGI
handler keeps for it (release_request_thread): an open stream holds a
subscription to the hub (a queue), no thread and no connection. Under WSGI an
async stream cannot be served (Django would read it to its end first): there,
an allowed reader gets 204 No Content, which tells EventSource to stop (the
page works, without notices), and the app is served under ASGI (README
"Serving under ASGI").
"""

import asyncio
import json

from asgiref.sync import SyncToAsync, sync_to_async
from django.contrib.auth.views import redirect_to_login
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quizzes import fields, live
from quizzes.access import editor_quiz
from quizzes.models import Revision
from quizzes.views.access import get_bank_question, get_question
from quizzes.views.bank_versions import LABELS as QUESTION_LABELS
from quizzes.views.bank_versions import label_of

CONTENT_TYPE = "text/event-stream"
HEARTBEAT_SECONDS = 15
RETRY_MS = 3000
STREAM_SECONDS = 300
# How long opening a stream waits for the hub's change stream (MongoDB unreachable: 503).
READY_SECONDS = 5
QUIZ_LABELS = {**fields.QUIZ_FIELDS, **fields.OPTION_FIELDS}
# Not an id this server gave, or one whose change MongoDB's oplog no longer holds.
BAD_EVENT_ID = gettext_lazy("Last-Event-ID is not the id of an event of this stream.")
OTHER_LABELS = {
    "slots": gettext_lazy("questions"),
    "questions": gettext_lazy("questions"),
    "status": gettext_lazy("status"),
}


class BadEventId(ValueError):
    """Last-Event-ID is not the id of an event of this stream."""


def payload(change):
    """The JSON data of `change`'s event, its labels in the active language."""
    kind, identifier = change.key
    if kind == "quiz":
        declared, action_label = QUIZ_LABELS, Revision.Action(change.action).label
    else:
        declared, action_label = QUESTION_LABELS, _("question edited")
    labels = [
        str(OTHER_LABELS[name]) if name in OTHER_LABELS else label_of(declared, name)
        for name in change.fields
    ]
    return {
        "kind": kind,
        "id": identifier,
        "version": change.version,
        "action": change.action,
        "action_label": str(action_label),
        "author": change.author,
        "fields": list(change.fields),
        "labels": labels,
        "time": change.time,
    }


def encoded(change, language):
    with translation.override(language):
        data = json.dumps(payload(change), ensure_ascii=False)
    return f"id: {change.event_id}\nevent: change\ndata: {data}\n\n".encode()


def release_request_thread():
    """Shut down the idle worker thread Django's ASGI handler keeps for this request.

    Each request's thread-sensitive sync work (the middleware's, the view's
    queries) runs in a one-thread executor of the request's own, kept until
    the request ends: for a stream, as long as it is open. Once the response
    streams, nothing of the request runs there any more; a later sync call of
    the request (closing its session, request_finished) gets a new one.
    """
    context = SyncToAsync.thread_sensitive_context.get(None)
    if context is None:
        return
    executor = SyncToAsync.context_to_thread_executor.pop(context, None)
    if executor is not None:
        executor.shutdown(wait=False)


async def stream(request, key, bad_request):
    """The event stream of `key` (("quiz", id) or ("question", id)), whose reader was
    found allowed to see it; `bad_request(message)` answers an invalid Last-Event-ID.
    Under WSGI, 204 (see the module docstring)."""
    if not isinstance(request, ASGIRequest):
        return HttpResponse(status=204)
    last_event_id = request.headers.get("Last-Event-ID")
    try:
        token = None if last_event_id is None else live.decode_token(last_event_id)
    except ValueError:
        return bad_request(BAD_EVENT_ID)
    subscription = live.HUB.subscribe(key)
    try:
        await asyncio.wait_for(subscription.ready.wait(), READY_SECONDS)
        backlog, position, forgotten = [], None, False
        if token is not None:
            try:
                backlog, position = await sync_to_async(live.catch_up)(key, token)
            except live.PositionForgotten:
                forgotten = True
        start = position or live.HUB.token
    except TimeoutError:
        live.HUB.unsubscribe(subscription)
        return HttpResponse(_("Live changes are not available."), status=503)
    except ValueError:
        live.HUB.unsubscribe(subscription)
        return bad_request(BAD_EVENT_ID)
    except BaseException:
        live.HUB.unsubscribe(subscription)
        raise
    response = StreamingHttpResponse(
        events(subscription, backlog, position, start, translation.get_language(), forgotten),
        content_type=CONTENT_TYPE,
    )
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # a proxy (nginx) must not hold events back
    response._resource_closers.append(lambda: live.HUB.unsubscribe(subscription))
    return response


async def events(subscription, backlog, position, start, language, forgotten=False):
    """The body of a stream: `backlog`, then the hub's changes after `position` (None:
    all). First the id of `start`, a resume token every later change of which the hub
    hands on to `subscription`: a browser that reconnects before any event came resumes
    there, missing nothing saved meanwhile. `forgotten`: the reader's Last-Event-ID
    is older than the oplog keeps, a `reset` event says so."""
    release_request_thread()
    loop = asyncio.get_running_loop()
    with subscription:
        first = f"retry: {RETRY_MS}\n" + (f"id: {live.encode_token(start)}\n" if start else "")
        yield f"{first}\n".encode()
        if forgotten:
            yield b"event: reset\ndata: {}\n\n"
        for change in backlog:
            yield encoded(change, language)
        if len(backlog) >= live.CATCH_UP_MAX:
            return  # more to catch up: the reconnection reads the next batch
        deadline = loop.time() + STREAM_SECONDS
        while (remaining := deadline - loop.time()) > 0:
            change = await subscription.get(min(HEARTBEAT_SECONDS, remaining))
            if subscription.overflowed:
                return
            if change is None:
                yield b": keep-alive\n\n"
            elif live.token_after(change.token, position):
                yield encoded(change, language)


def plain_bad_request(message):
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


async def page_stream(request, key_of):
    """The stream of `key_of(user)` for the signed-in user (a teacher page's stream);
    `key_of` raises Http404 for what they may not see. Anonymous: to the login page.
    request.user, not auser(): the access log reads request.user, the same cache."""

    def key():
        return key_of(request.user) if request.user.is_authenticated else None

    found = await sync_to_async(key)()
    if found is None:
        return redirect_to_login(request.get_full_path())
    return await stream(request, found, plain_bad_request)


async def quiz_events(request, quiz_id):
    """The changes of quiz `quiz_id` (its revisions), for a teacher who may see it."""

    def key_of(user):
        editor_quiz(user, quiz_id)
        return ("quiz", str(quiz_id))

    return await page_stream(request, key_of)


async def question_events(request, quiz_id, question_id):
    """The changes of a question of quiz `quiz_id` (its versions)."""

    def key_of(user):
        return ("question", str(get_question(editor_quiz(user, quiz_id), question_id).pk))

    return await page_stream(request, key_of)


async def bank_question_events(request, question_id):
    """The changes of a question of the teacher's bank (its versions)."""

    def key_of(user):
        return ("question", str(get_bank_question(user, question_id).pk))

    return await page_stream(request, key_of)
