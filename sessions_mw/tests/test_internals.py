"""Contracts: the undocumented internals of our dependencies that sessions_mw relies on.

One test per internal, listed in README.md ("Internals this app relies on").
Each checks what sessions_mw needs of it (that it exists, its signature, how
it behaves on a real connection, request or session), so that an upgrade
which removes or changes it fails here, with a message naming the internal
and the installed version, rather than as a subtle bug in a request.
"""

import contextlib
import importlib
import inspect
import logging
import re
import sys
import threading
from importlib.metadata import version
from pathlib import Path

import pytest
from django.contrib.messages import constants, get_messages
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.contrib.messages.storage.base import BaseStorage, Message
from django.contrib.sessions.backends.base import SessionBase
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.db import transaction as django_transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory
from django.utils.datastructures import MultiValueDict
from django.utils.decorators import method_decorator
from django.views import View
from django_mongodb_backend import transaction as backend_transaction
from django_mongodb_backend.base import DatabaseWrapper
from pymongo import MongoClient
from pymongo.errors import OperationFailure, PyMongoError

from sessions_mw.binding import _SHADOWED
from sessions_mw.decorators import POLICY_ATTRIBUTE, TransactionPolicy, non_transactional
from sessions_mw.middleware import backend_client
from sessions_mw.replay import RequestReplay
from sessions_mw.tests.conftest import CommandRecorder
from sessions_mw.tests.models import Note, labels
from sessions_mw.transaction import (
    MAX_TIME_MS_EXPIRED,
    RETRY_TIME_LIMIT,
    TRANSIENT,
    TransientViewError,
)

BACKEND = "django-mongodb-backend"
DJANGO = "Django"
PYMONGO = "pymongo"
DRF = "djangorestframework"


def broken(library, internal, what):
    """A failure message naming the internal, the installed version and what changed."""
    return (
        f"{library} {version(library)}: {internal} {what}. sessions_mw relies on it "
        "(sessions_mw/README.md, 'Internals this app relies on'): adapt sessions_mw "
        "or pin the previous version."
    )


def member(owner, name, library):
    """owner.name, failing with a clear message if the library dropped it."""
    internal = f"{getattr(owner, '__qualname__', owner.__name__)}.{name}"
    assert hasattr(owner, name), broken(library, internal, "no longer exists")
    return getattr(owner, name)


def method(connection, name, library):
    """The connection's bound method `name`, which its class must define."""
    member(type(connection), name, library)
    return getattr(connection, name)


def assert_parameters(function, expected, library, internal):
    """The parameters of `function` (bound: without self) are `expected`, defaults included."""
    actual = [
        name if parameter.default is inspect.Parameter.empty else (name, parameter.default)
        for name, parameter in inspect.signature(function).parameters.items()
    ]
    assert actual == expected, broken(
        library, internal, f"now takes {actual} instead of {expected}"
    )


@contextlib.contextmanager
def shadowed(connection, **methods):
    """Instance attributes over the connection's methods, as ConnectionBinding.bind() sets."""
    for name, function in methods.items():
        setattr(connection, name, function)
    try:
        yield
    finally:
        for name in methods:
            vars(connection).pop(name, None)


@contextlib.contextmanager
def recording_transactions(connection):
    """The backend's transaction methods, called through instance attributes that log the call."""
    calls = []

    def through(name):
        def call():
            calls.append(name)
            if name == "rollback_mongo":
                calls.append(("exception", sys.exception()))
            return getattr(type(connection), name)(connection)

        return call

    names = ("start_transaction_mongo", "commit_mongo", "rollback_mongo")
    with shadowed(connection, **{name: through(name) for name in names}):
        yield calls


class Boom(Exception):
    pass


@pytest.fixture
def connection(clean):
    connection = connections["default"]
    yield connection
    assert connection.session is None, "a contract test left a session bound"
    assert not any(name in vars(connection) for name in _SHADOWED)


# -- django-mongodb-backend ------------------------------------------------------
def test_backend_connection_session_carries_every_orm_query(commands):
    connection = connections["default"]
    internal = "DatabaseWrapper.session"
    assert connection.session is None, broken(BACKEND, internal, "is not None when idle")
    session = backend_client(connection).start_session()
    lsid = session.session_id
    connection.session = session
    try:
        Note.objects.create(label="a")
        Note.objects.filter(label="a").update(label="b")
        assert labels() == ["b"]
        Note.objects.filter(label="b").delete()
    finally:
        connection.session = None
        session.end_session()

    sent = commands.named("insert", "update", "aggregate", "delete")
    assert {"insert", "update", "aggregate", "delete"} <= {next(iter(c)) for c in sent}
    assert all(command.get("lsid") == lsid for command in sent), broken(
        BACKEND, internal, "is no longer passed as session= to every query the ORM sends"
    )


def test_backend_start_transaction_mongo_is_called_through_the_instance(connection):
    internal = "DatabaseWrapper.start_transaction_mongo"
    assert_parameters(
        method(connection, "start_transaction_mongo", BACKEND),
        [],
        BACKEND,
        internal,
    )

    with recording_transactions(connection) as calls, backend_transaction.atomic():
        inside = list(calls)
        with backend_transaction.atomic():
            Note.objects.create(label="a")
        nested = list(calls)

    assert inside == nested == ["start_transaction_mongo"], broken(
        BACKEND,
        internal,
        f"is no longer called once, through the connection instance, by the outermost "
        f"atomic() (calls: {nested})",
    )


def test_backend_commit_mongo_is_called_through_the_instance(connection):
    internal = "DatabaseWrapper.commit_mongo"
    assert_parameters(
        method(connection, "commit_mongo", BACKEND),
        [],
        BACKEND,
        internal,
    )

    with recording_transactions(connection) as calls:
        with backend_transaction.atomic():
            with backend_transaction.atomic():
                Note.objects.create(label="a")
            after_nested = list(calls)
        after_outer = list(calls)

    assert after_nested == ["start_transaction_mongo"], broken(
        BACKEND, internal, f"is called when a nested atomic() exits ({after_nested})"
    )
    assert after_outer == ["start_transaction_mongo", "commit_mongo"], broken(
        BACKEND,
        internal,
        f"is not called through the instance when the outermost atomic() exits ({after_outer})",
    )
    assert labels() == ["a"]


def test_backend_rollback_mongo_is_called_through_the_instance_during_the_exception(
    connection,
):
    internal = "DatabaseWrapper.rollback_mongo"
    assert_parameters(
        method(connection, "rollback_mongo", BACKEND),
        [],
        BACKEND,
        internal,
    )
    error = Boom()

    with (
        recording_transactions(connection) as calls,
        pytest.raises(Boom),
        backend_transaction.atomic(),
        backend_transaction.atomic(),
    ):
        Note.objects.create(label="a")
        raise error

    # ConnectionBinding.rollback_mongo records sys.exception() as the cause.
    assert calls == ["start_transaction_mongo", "rollback_mongo", ("exception", error)], broken(
        BACKEND,
        internal,
        "is no longer called once, through the instance, from the outermost atomic()'s "
        f"__exit__ while its exception propagates (calls: {calls})",
    )
    assert labels() == []


def test_backend_on_commit_is_reached_through_the_instance(connection):
    internal = "DatabaseWrapper.on_commit"
    assert_parameters(
        method(connection, "on_commit", BACKEND),
        ["func", ("robust", False)],
        BACKEND,
        internal,
    )
    received, ran = [], []

    def callback():
        ran.append(True)

    with shadowed(connection, on_commit=lambda func, robust=False: received.append(robust)):
        django_transaction.on_commit(callback)
        backend_transaction.on_commit(callback, robust=True)
    assert received == [False, True], broken(
        BACKEND, internal, "is no longer what django.db.transaction.on_commit() calls"
    )
    # Outside atomic(), the class's method (which the binding calls) runs it at once.
    type(connection).on_commit(connection, callback, False)
    assert ran == [True], broken(BACKEND, internal, "no longer runs a callback at once outside")


def test_backend_in_atomic_block_mongo_marks_the_outermost_block(connection):
    internal = "DatabaseWrapper.in_atomic_block_mongo"
    assert connection.in_atomic_block_mongo is False, broken(
        BACKEND, internal, "is not False outside atomic()"
    )
    with backend_transaction.atomic():
        inside = connection.in_atomic_block_mongo
        with backend_transaction.atomic():
            nested = connection.in_atomic_block_mongo
    after = connection.in_atomic_block_mongo

    assert (inside, nested, after) == (True, True, False), broken(
        BACKEND, internal, f"no longer tracks atomic() blocks ({inside}, {nested}, {after})"
    )


def test_backend_nested_atomics_counts_inner_blocks(connection):
    internal = "DatabaseWrapper.nested_atomics"
    assert connection.nested_atomics == 0, broken(BACKEND, internal, "is not 0 when idle")
    with backend_transaction.atomic():
        outer = connection.nested_atomics
        with backend_transaction.atomic(), backend_transaction.atomic():
            inner = connection.nested_atomics
    assert (outer, inner, connection.nested_atomics) == (0, 2, 0), broken(
        BACKEND, internal, "no longer counts the nested atomic() blocks"
    )

    # An attempt that ends inside atomic() blocks (with_transaction moved on)
    # leaves them counted; ConnectionBinding resets both attributes so that
    # the next attempt's atomic() is an outermost one again.
    with recording_transactions(connection) as calls:
        backend_transaction.atomic().__enter__()
        backend_transaction.atomic().__enter__()
        type(connection).rollback_mongo(connection)
        connection.in_atomic_block_mongo = False
        connection.nested_atomics = 0
        with backend_transaction.atomic():
            pass
    assert calls == ["start_transaction_mongo", "start_transaction_mongo", "commit_mongo"], broken(
        BACKEND, internal, "and in_atomic_block_mongo, reset, no longer end the blocks"
    )


def test_backend_get_new_connection_returns_the_shared_client(connection):
    internal = "DatabaseWrapper.get_new_connection(get_connection_params())"
    assert_parameters(
        method(connection, "get_new_connection", BACKEND),
        ["conn_params"],
        BACKEND,
        internal,
    )
    connection.ensure_connection()
    client = connection.get_new_connection(connection.get_connection_params())
    other_thread = {}

    def from_another_thread():
        other = connections["default"]  # another thread: another DatabaseWrapper
        other_thread["client"] = other.get_new_connection(other.get_connection_params())
        other_thread["wrapper"] = other

    thread = threading.Thread(target=from_another_thread)
    thread.start()
    thread.join()

    assert isinstance(client, MongoClient)
    assert other_thread["wrapper"] is not connection
    assert client is connection.connection is other_thread["client"], broken(
        BACKEND,
        internal,
        "no longer returns the one MongoClient shared by every connection of the alias "
        "(sessions_mw would open a second client per request)",
    )


def test_backend_connection_pools_holds_the_client_per_alias(connection):
    # Used by the tests only (conftest.drop_backend_client), to rebuild the client.
    internal = "DatabaseWrapper._connection_pools"
    pools = member(DatabaseWrapper, "_connection_pools", BACKEND)
    connection.ensure_connection()

    assert isinstance(pools, dict), broken(BACKEND, internal, "is no longer a dict")
    assert pools.get(connection.alias) is connection.connection, broken(
        BACKEND, internal, "no longer maps the alias to the connection's MongoClient"
    )


# -- Django: transactions hooks --------------------------------------------------
def test_django_run_on_commit_holds_savepoints_callback_robust(connection):
    internal = "BaseDatabaseWrapper.run_on_commit"
    assert connection.run_on_commit == [], broken(DJANGO, internal, "is not an empty list")

    def callback():
        pass

    with backend_transaction.atomic():
        connection.on_commit(callback, robust=True)
        queued = list(connection.run_on_commit)

    # ConnectionBinding.on_commit appends entries of this shape itself.
    assert queued == [([], callback, True)], broken(
        DJANGO, internal, f"no longer holds (savepoint ids, callback, robust) tuples: {queued}"
    )


def test_django_run_and_clear_commit_hooks_runs_our_entries_in_order(connection, caplog):
    internal = "BaseDatabaseWrapper.run_and_clear_commit_hooks"
    assert_parameters(
        method(connection, "run_and_clear_commit_hooks", DJANGO),
        [],
        DJANGO,
        internal,
    )
    ran = []

    def failing():
        raise Boom("robust")

    connection.run_on_commit = [
        ([], lambda: ran.append(1), False),
        ([], failing, True),
        ([], lambda: ran.append(2), False),
    ]
    with caplog.at_level(logging.ERROR, logger="django.db.backends"):
        connection.run_and_clear_commit_hooks()

    assert ran == [1, 2], broken(DJANGO, internal, "no longer runs (sids, func, robust) entries")
    assert connection.run_on_commit == [], broken(DJANGO, internal, "no longer clears the list")


# -- Django: sessions, messages, requests ------------------------------------------
def session_store(session_key=None):
    from django.conf import settings

    engine = importlib.import_module(settings.SESSION_ENGINE)
    return engine.SessionStore(session_key)


def test_django_session_key_attribute_is_read_and_written(db):
    internal = "SessionBase._session_key"
    descriptor = inspect.getattr_static(SessionBase, "_session_key", None)
    assert isinstance(descriptor, property) and descriptor.fset is not None, broken(
        DJANGO, internal, "is no longer a settable property"
    )
    store = session_store()
    assert store._session_key is None
    store["visits"] = 1
    store.save()
    saved = store._session_key
    assert saved and saved == store.session_key

    store.cycle_key()  # what login() does
    assert store._session_key != saved
    store._session_key = saved  # what RequestReplay.restore() does

    assert store.session_key == saved, broken(DJANGO, internal, "set no longer changes session_key")


def test_django_session_cache_attribute_is_the_loaded_data(db):
    internal = "SessionBase._session_cache"
    store = session_store()
    store["visits"] = 1
    store.save()

    loaded = session_store(store.session_key)
    assert "_session_cache" not in vars(loaded), broken(
        DJANGO, internal, "is set before the session is loaded"
    )
    assert loaded["visits"] == 1
    assert vars(loaded).get("_session_cache") == {"visits": 1}, broken(
        DJANGO, internal, "no longer holds the loaded data in the instance"
    )

    loaded._session_cache = {"visits": 7}  # restore() of loaded data
    assert loaded["visits"] == 7, broken(DJANGO, internal, "set is no longer what is read")
    del loaded._session_cache  # restore() of a session not loaded
    assert loaded["visits"] == 1, broken(
        DJANGO, internal, "removed no longer makes the session load again"
    )


def test_django_session_accessed_and_modified_flags(db):
    internal = "SessionBase.accessed / SessionBase.modified"
    store = session_store()
    assert (store.accessed, store.modified) == (False, False), broken(
        DJANGO, internal, "are not False on a new session"
    )
    store.get("visits")
    assert (store.accessed, store.modified) == (True, False)
    store["visits"] = 1
    assert store.modified is True
    store.accessed = store.modified = False  # what restore() does
    assert (store.accessed, store.modified) == (False, False), broken(
        DJANGO, internal, "can no longer be assigned"
    )


def request_with_messages():
    request = RequestFactory().post("/")
    request.session = session_store()
    MessageMiddleware(lambda request: HttpResponse()).process_request(request)
    return request


def test_django_request_messages_is_the_message_storage(db):
    internal = "HttpRequest._messages (set by MessageMiddleware)"
    request = request_with_messages()

    storage = vars(request).get("_messages")
    assert isinstance(storage, BaseStorage), broken(
        DJANGO, internal, "no longer holds the request's message storage"
    )
    assert get_messages(request) is storage


def test_django_messages_queued_messages_is_a_list_of_added_messages(db):
    internal = "BaseStorage._queued_messages"
    storage = default_storage(request_with_messages())
    assert isinstance(getattr(storage, "_queued_messages", None), list), broken(
        DJANGO, internal, "is no longer a list on the storage"
    )

    storage.add(constants.INFO, "first")
    storage.add(constants.INFO, "second")
    assert [str(message) for message in storage._queued_messages] == ["first", "second"], broken(
        DJANGO, internal, "no longer receives the added messages"
    )

    storage._queued_messages[:] = [Message(constants.INFO, "restored")]  # restore()
    response = HttpResponse()
    storage.update(response)
    assert [str(message) for message in default_storage(storage.request)] == ["restored"], broken(
        DJANGO, internal, "is no longer what update() stores"
    )


def test_django_messages_added_new_and_used_flags(db):
    internal = "BaseStorage.added_new / BaseStorage.used"
    storage = default_storage(request_with_messages())
    assert (storage.added_new, storage.used) == (False, False), broken(
        DJANGO, internal, "are not False on a new storage"
    )
    storage.add(constants.INFO, "x")
    list(storage)
    assert (storage.added_new, storage.used) == (True, True), broken(
        DJANGO, internal, "are no longer set by add() and by iterating"
    )
    storage.added_new = storage.used = False  # what restore() does
    assert (storage.added_new, storage.used) == (False, False), broken(
        DJANGO, internal, "can no longer be assigned"
    )


def multipart_request():
    upload = SimpleUploadedFile("notes.txt", b"file content", content_type="text/plain")
    return RequestFactory().post("/", {"label": "a", "file": upload})


def test_django_request_files_is_the_parsed_files_cache():
    internal = "HttpRequest._files"
    request = multipart_request()
    request.POST  # noqa: B018  (parses the body)

    files = vars(request).get("_files")
    assert isinstance(files, MultiValueDict), broken(
        DJANGO, internal, "no longer holds the parsed FILES in the instance"
    )
    assert request.FILES is files
    assert request.FILES["file"].read() == b"file content"


def test_django_request_caches_body_and_post_in_the_instance():
    # RequestReplay snapshots vars(request) and puts it back before a retry.
    internal = "HttpRequest body/POST caches in vars(request) (_body, _post, _files)"
    for request in (RequestFactory().post("/", {"label": "a"}), multipart_request()):
        replay = RequestReplay(request)
        replay.prepare()
        first = dict(request.POST)
        vars(request)["POST"] = "changed by a view"
        replay.restore()

        assert dict(request.POST) == first == {"label": ["a"]}, broken(
            DJANGO, internal, "no longer lets a restored request be read again"
        )


def test_django_raw_post_data_exception_after_a_parsed_stream():
    exception = member(importlib.import_module("django.http"), "RawPostDataException", DJANGO)
    request = multipart_request()
    request.POST  # noqa: B018  (reads the stream)

    with pytest.raises(exception):
        request.body  # noqa: B018


def test_django_streaming_content_setter_registers_close(db):
    internal = "StreamingHttpResponse.streaming_content setter (_resource_closers)"
    closed = []

    class Body:
        def __init__(self, chunks):
            self.chunks = chunks

        def __iter__(self):
            return iter(self.chunks)

        def close(self):
            closed.append(True)

    response = StreamingHttpResponse(["original"])
    response.streaming_content = Body([b"a", b"b"])
    assert response.is_async is False
    assert b"".join(response) == b"ab"
    response.close()

    assert closed == [True], broken(
        DJANGO, internal, "no longer makes response.close() close the new content"
    )


def test_django_as_view_keeps_dispatch_and_class_marks():
    internal = "View.as_view(): view_class and dispatch's attributes"

    @method_decorator(non_transactional, name="dispatch")
    class Untracked(View):
        pass

    view = Untracked.as_view()

    assert view.view_class is Untracked
    assert getattr(view, POLICY_ATTRIBUTE, None) is not None, broken(
        DJANGO, internal, "no longer copies what a decorator set on dispatch onto the view"
    )
    assert TransactionPolicy.for_view(view, "POST").transactional is False


# -- Django REST framework ---------------------------------------------------------
def test_drf_as_view_sets_cls_and_actions():
    views = pytest.importorskip("rest_framework.views")
    viewsets = pytest.importorskip("rest_framework.viewsets")
    internal = "APIView.as_view().cls / ViewSetMixin.as_view().actions"

    class Plain(views.APIView):
        pass

    class Notes(viewsets.ViewSet):
        def list(self, request):
            pass

    plain = Plain.as_view()
    notes = Notes.as_view({"get": "list"})

    assert getattr(plain, "cls", None) is Plain, broken(DRF, internal, "cls is gone")
    assert getattr(notes, "cls", None) is Notes, broken(DRF, internal, "cls is gone")
    assert getattr(notes, "actions", None) == {"get": "list"}, broken(
        DRF, internal, "actions no longer maps methods to handler names"
    )


# -- pymongo -----------------------------------------------------------------------
PYMONGO_SESSION_MODULES = (
    "pymongo.client_session_shared",
    "pymongo.synchronous.client_session",
    "pymongo.client_session",
)


def pymongo_private(name):
    """A private name of pymongo's session modules, wherever this version keeps it."""
    for module_name in PYMONGO_SESSION_MODULES:
        with contextlib.suppress(ImportError):
            module = importlib.import_module(module_name)
            if hasattr(module, name):
                return getattr(module, name)
    pytest.fail(broken(PYMONGO, name, f"is in none of {', '.join(PYMONGO_SESSION_MODULES)}"))


def test_pymongo_with_transaction_retry_time_limit_is_ours():
    internal = "_WITH_TRANSACTION_RETRY_TIME_LIMIT"
    limit = pymongo_private(internal)

    assert limit == RETRY_TIME_LIMIT, broken(
        PYMONGO,
        internal,
        f"is {limit} s, sessions_mw.transaction.RETRY_TIME_LIMIT {RETRY_TIME_LIMIT} s",
    )


def test_pymongo_max_time_expired_ends_commit_retries():
    internal = "_max_time_expired_error"
    rule = pymongo_private(internal)

    assert rule(OperationFailure("expired", code=MAX_TIME_MS_EXPIRED)), broken(
        PYMONGO, internal, f"no longer means code {MAX_TIME_MS_EXPIRED} (MaxTimeMSExpired)"
    )
    assert not rule(OperationFailure("other", code=MAX_TIME_MS_EXPIRED + 1))


def test_pymongo_error_labels_argument_makes_with_transaction_retry(admin_client, clean):
    internal = "PyMongoError(message, error_labels=...)"
    assert_parameters(PyMongoError, [("message", ""), ("error_labels", None)], PYMONGO, internal)
    collection = admin_client[connections["default"].settings_dict["NAME"]][Note._meta.db_table]
    attempts = []

    def callback(session):
        attempts.append(1)
        collection.insert_one({"label": f"attempt-{len(attempts)}"}, session=session)
        if len(attempts) == 1:
            raise TransientViewError(RuntimeError("the ORM hid the label"))
        return "done"

    with admin_client.start_session() as session:
        result = session.with_transaction(callback)

    assert TransientViewError(RuntimeError()).has_error_label(TRANSIENT)
    assert (result, len(attempts)) == ("done", 2), broken(
        PYMONGO, internal, "labels no longer make with_transaction() run the callback again"
    )
    assert labels() == ["attempt-2"]


def test_pymongo_with_transaction_returns_when_the_callback_committed(mongodb_uri, clean):
    # Documented, though discouraged: ViewTransaction commits in the callback.
    internal = "ClientSession.with_transaction() with a callback that commits"
    recorder = CommandRecorder()
    database_name = connections["default"].settings_dict["NAME"]
    with MongoClient(mongodb_uri, event_listeners=[recorder]) as client:
        collection = client[database_name][Note._meta.db_table]

        def callback(session):
            collection.insert_one({"label": "a"}, session=session)
            session.commit_transaction()
            return "committed"

        with client.start_session() as session:
            result = session.with_transaction(callback)

    assert result == "committed"
    assert len(recorder.named("commitTransaction")) == 1, broken(
        PYMONGO, internal, "commits again after the callback's own commit"
    )
    assert labels() == ["a"]


def test_readme_lists_every_contract_test():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"`(test_\w+)`", readme))
    defined = {name for name in globals() if name.startswith("test_")}
    defined.discard("test_readme_lists_every_contract_test")

    assert listed == defined, (
        "README.md's 'Internals this app relies on' and test_internals.py disagree: "
        f"not in the README {sorted(defined - listed)}, not a test {sorted(listed - defined)}"
    )
