"""Live notice of others' changes: one change stream per process, fanned out to event streams.

A quiz's changes are its revisions (quizzes.revisions, one insert per change,
in the change's transaction) and a question's are its versions (quizzes.bank):
the hub watches inserts into those two collections with ONE change stream
(one cursor, one pooled connection while it waits, one thread) for the whole
process, whatever the number of open event streams, and hands each change to
the streams subscribed to its quiz or question (quizzes.views.events: the
pages' and the API's Server-Sent Events).

State rules of the hub (`HUB`, one per process):
- It runs while it has subscribers. The first subscription starts its thread,
  which opens the change stream on the backend's own client (never a second
  client), then marks every subscription made so far as ready: changes
  committed after that are delivered. When the last subscription goes, the
  thread closes the stream and ends within AWAIT_SECONDS; a later
  subscription starts it again, at the present.
- On an error the stream is reopened after RETRY_SECONDS from the resume
  token of the last change it saw (pymongo itself resumes once on resumable
  errors); a token the server no longer has restarts it at the present.
- Subscriptions belong to an asyncio event loop: the thread hands changes to
  it with call_soon_threadsafe, and each subscription holds at most
  QUEUE_SIZE changes. A subscriber that falls behind is dropped (`overflowed`):
  its stream ends, and the browser reconnects with Last-Event-ID, which
  catches up from the change stream (catch_up): nothing is lost, nothing
  waits on the slowest reader.

A change, as handed to subscribers (`Change`): its resume token (the SSE id),
what it is about (("quiz", id) or ("question", id)), the version it made,
its author's id and display name, its action (a revision's; "edited" for a
question version), the names of the fields it changed (as the edit forms
name them) and when. Read once per change, whatever the number of readers.
"""

import asyncio
import base64
import binascii
import dataclasses
import datetime
import logging
import threading

from bson import ObjectId
from django.contrib.auth import get_user_model
from django.db import connection
from pymongo.errors import OperationFailure, PyMongoError

from quizzes import revisions
from quizzes.models import QuestionVersion, Revision

logger = logging.getLogger(__name__)

# How long a getMore of the change stream waits for a change: the latency of
# noticing the last unsubscription, not of delivering a change.
AWAIT_SECONDS = 0.5
RETRY_SECONDS = 1.0
QUEUE_SIZE = 100
# The most changes one catch-up reads: a reader further behind gets them a batch per
# connection (the stream ends after a full batch; the browser reconnects from its end).
CATCH_UP_MAX = 100
# The change stream server error codes of a resume token it cannot resume from
# (ChangeStreamHistoryLost, ChangeStreamFatalError, InvalidResumeToken...).
LOST_POSITION_CODES = frozenset({260, 280, 286})
# Of those, the codes of a well-formed token whose change the oplog no longer holds
# (ChangeStreamFatalError "resume token not found", ChangeStreamHistoryLost): a
# reader away for longer than the oplog keeps, rather than a token made up.
FORGOTTEN_POSITION_CODES = frozenset({280, 286})
# Revisions' change entries whose field is not a form field, as the forms name them.
FIELD_NAMES = {"slot": "slots", "question": "questions"}
TOKEN_MAX_CHARS = 1024


def watched():
    """{collection name: kind} of the collections whose inserts are changes."""
    return {
        Revision._meta.db_table: "quiz",
        QuestionVersion._meta.db_table: "question",
    }


def pipeline(match=None):
    """The change stream's stages: inserts into the watched collections (and `match`,
    on the inserted document), projected to what a Change needs."""
    conditions = {"operationType": "insert", "ns.coll": {"$in": list(watched())}}
    conditions.update({f"fullDocument.{key}": value for key, value in (match or {}).items()})
    kept = ("quiz_id", "version", "action", "changes.field", "question_id", "number", "data")
    return [
        {"$match": conditions},
        {
            "$project": {
                "ns.coll": 1,
                "fullDocument.author_id": 1,
                "fullDocument.created_at": 1,
                **{f"fullDocument.{key}": 1 for key in kept},
            }
        },
    ]


def encode_token(token):
    """The SSE id of a resume token: its `_data` (hex) as base64url, unpadded."""
    raw = bytes.fromhex(token["_data"])
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def decode_token(event_id):
    """The resume token of an SSE id (encode_token); ValueError if it is not one."""
    if not event_id or len(event_id) > TOKEN_MAX_CHARS:
        raise ValueError("not an event id")
    try:
        raw = base64.urlsafe_b64decode(event_id + "=" * (-len(event_id) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not an event id") from exc
    if not raw:
        raise ValueError("not an event id")
    return {"_data": raw.hex().upper()}


def token_after(token, other):
    """Whether resume token `token` comes after `other` (None: before everything).
    Resume tokens' `_data` are keystrings, ordered as their bytes are."""
    return other is None or token["_data"] > other["_data"]


@dataclasses.dataclass(frozen=True)
class Change:
    """One saved change, as handed to subscribers (see the module docstring)."""

    token: dict
    key: tuple
    version: int
    author_id: str | None
    author: str
    action: str
    fields: tuple
    time: str

    @property
    def event_id(self):
        return encode_token(self.token)


class Reader:
    """Turns change stream events into Changes: reads the author's name, and for a
    question version its previous version, to name what changed (a find each, per
    change, whatever the number of readers)."""

    def __init__(self, database):
        self.database = database

    def change(self, event):
        document = event["fullDocument"]
        kind = watched()[event["ns"]["coll"]]
        author_id = document.get("author_id")
        created = document.get("created_at")
        if kind == "quiz":
            key = ("quiz", str(document["quiz_id"]))
            version, action = document["version"], document["action"]
            names = [entry.get("field", "") for entry in document.get("changes", ())]
            changed = [FIELD_NAMES.get(name, name.removeprefix("options.")) for name in names]
        else:
            key = ("question", str(document["question_id"]))
            version, action = document["number"], "edited"
            changed = self.question_fields(document)
        return Change(
            token=event["_id"],
            key=key,
            version=version,
            author_id=None if author_id is None else str(author_id),
            author=self.name(author_id),
            action=action,
            fields=tuple(dict.fromkeys(changed)),
            time=created.replace(tzinfo=datetime.UTC).isoformat() if created else "",
        )

    def question_fields(self, document):
        previous = self.database[QuestionVersion._meta.db_table].find_one(
            {"question_id": document["question_id"], "number": document["number"] - 1},
            {"data": 1},
        )
        after = document.get("data") or {}
        before = (previous or {}).get("data") or {}
        keys = after.keys() | before.keys()
        return sorted(key for key in keys if after.get(key) != before.get(key))

    def name(self, author_id):
        """The author's full name, else user name ("" for none, or a deleted user)."""
        if author_id is None:
            return ""
        user = get_user_model()
        names = ("username", "first_name", "last_name")
        found = self.database[user._meta.db_table].find_one(
            {"_id": author_id}, dict.fromkeys(names, 1)
        )
        if found is None:
            return ""
        return revisions.display_name(user(**{name: found.get(name, "") for name in names}))


class Subscription:
    """One event stream's place at the hub: a queue of at most QUEUE_SIZE Changes for
    one key, filled in its event loop. `ready` is set once the hub's change stream is
    open; `overflowed` once the hub dropped it for falling behind."""

    def __init__(self, hub, key, loop):
        self.hub = hub
        self.key = key
        self.loop = loop
        self.queue = asyncio.Queue()
        self.ready = asyncio.Event()
        self.overflowed = False

    def offer(self, change):
        """In the loop: queue `change`, or drop the subscription when it is full."""
        if self.overflowed:
            return
        if self.queue.qsize() >= QUEUE_SIZE:
            self.overflowed = True
            self.hub.unsubscribe(self)
            self.queue.put_nowait(None)
            return
        self.queue.put_nowait(change)

    async def get(self, timeout):
        """The next Change; None when `timeout` seconds pass first, or once it overflowed."""
        try:
            return await asyncio.wait_for(self.queue.get(), timeout)
        except TimeoutError:
            return None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.hub.unsubscribe(self)


class Hub:
    """See the module docstring. `subscribe` and `unsubscribe` may be called from any
    event loop; everything else runs in the hub's thread."""

    def __init__(self):
        self._lock = threading.Lock()
        self._subscribers = {}  # key -> set of Subscription
        self._thread = None
        self._open = False
        self._stopping = False
        # Where the change stream is (its latest resume token), once open: what
        # follows it is yet to be handed on. Written by the thread only.
        self.token = None

    def subscribe(self, key):
        """A Subscription to the changes of `key`, from the caller's event loop."""
        subscription = Subscription(self, key, asyncio.get_running_loop())
        with self._lock:
            self._subscribers.setdefault(key, set()).add(subscription)
            if self._open:
                subscription.ready.set()
            if self._thread is None:
                self._stopping = False
                self._thread = threading.Thread(target=self._run, name="live-hub", daemon=True)
                self._thread.start()
        return subscription

    def unsubscribe(self, subscription):
        with self._lock:
            subscribers = self._subscribers.get(subscription.key)
            if subscribers is not None:
                subscribers.discard(subscription)
                if not subscribers:
                    del self._subscribers[subscription.key]

    def subscriber_count(self):
        with self._lock:
            return sum(len(subscribers) for subscribers in self._subscribers.values())

    def stop(self, wait=True):
        """End the thread now (subscriptions stay, and will not be served); for tests."""
        with self._lock:
            thread, self._stopping = self._thread, True
        if thread is not None and wait:
            thread.join()

    # -- the thread --------------------------------------------------------------
    def _run(self):
        self.token = None
        while True:
            try:
                self._serve()
                return
            except PyMongoError as exc:
                if isinstance(exc, OperationFailure) and exc.code in LOST_POSITION_CODES:
                    self.token = None
                logger.warning("Live changes: the change stream failed (%s); reopening.", exc)
                with self._lock:
                    self._open = False
            if self._done():
                return
            threading.Event().wait(RETRY_SECONDS)

    def _done(self):
        """Whether the thread should end (no subscribers, or stop()); if so, it is
        marked ended under the lock, and a later subscription starts another."""
        with self._lock:
            if self._subscribers and not self._stopping:
                return False
            if self._thread is threading.current_thread():
                self._thread = None
                self._open = False
            return True

    def _serve(self):
        """Watch until _done(); the stream is closed on leaving (killCursors). The
        backend's shared client is asked for each time: one closed and replaced since
        (as tests do) is not kept."""
        client = connection.get_new_connection(connection.get_connection_params())
        database = client[connection.settings_dict["NAME"]]
        reader = Reader(database)
        with database.watch(
            pipeline(), resume_after=self.token, max_await_time_ms=int(AWAIT_SECONDS * 1000)
        ) as stream:
            self.token = stream.resume_token
            self._mark_ready()
            while not self._done():
                event = stream.try_next()
                self.token = stream.resume_token
                if event is not None:
                    self._dispatch(reader, event)

    def _dispatch(self, reader, event):
        document = event["fullDocument"]
        kind = watched()[event["ns"]["coll"]]
        key = (kind, str(document["quiz_id" if kind == "quiz" else "question_id"]))
        with self._lock:
            subscribers = list(self._subscribers.get(key, ()))
        if subscribers:
            change = reader.change(event)
            for subscription in subscribers:
                subscription.loop.call_soon_threadsafe(subscription.offer, change)

    def _mark_ready(self):
        with self._lock:
            self._open = True
            waiting = [s for subscribers in self._subscribers.values() for s in subscribers]
        for subscription in waiting:
            subscription.loop.call_soon_threadsafe(subscription.ready.set)


HUB = Hub()


class PositionForgotten(Exception):
    """The change of a resume token is no longer in MongoDB's oplog: what was saved
    since that change cannot be told (catch_up)."""


def catch_up(key, token, limit=CATCH_UP_MAX):
    """(Changes of `key` after resume token `token`, at most `limit`; the resume token
    they reach) — blocking: run it in a worker thread. A short change stream of its
    own, closed before returning: once the hub's is open, a change the hub hands on
    is new to the reader if it comes after that token (token_after).
    Raises PositionForgotten if the oplog no longer holds the token's change, and
    ValueError if the server refuses the token otherwise (one made up)."""
    database = connection.database
    kind, identifier = key
    field = "quiz_id" if kind == "quiz" else "question_id"
    reader = Reader(database)
    changes = []
    try:
        with database.watch(
            pipeline({field: ObjectId(identifier)}), resume_after=token, max_await_time_ms=1
        ) as stream:
            while len(changes) < limit:
                event = stream.try_next()
                if event is None:
                    break
                changes.append(reader.change(event))
            return changes, stream.resume_token
    except OperationFailure as exc:
        if exc.code in FORGOTTEN_POSITION_CODES:
            raise PositionForgotten(str(exc)) from exc
        raise ValueError(f"unknown resume token: {exc}") from exc
