"""MongoSessionMiddleware: a causally consistent ClientSession per request.

Request flow (README.md explains each step):

    __call__   RequestScope.open: start_session on the backend's MongoClient,
               bind it to the connection, advance it to the client's causal token
    process_view  mutating method or @transactional, and not @non_transactional:
               run the view in ViewTransaction (with_transaction), then save
               the Django session in the same transaction (django_session.py,
               with its SESSION_ENGINE), and return its response; otherwise
               return None and Django calls the view
               Everything between open and finish runs within the request's time
               budget (MONGO_SESSIONS["REQUEST_TIMEOUT"], or the view's
               @request_timeout): a pymongo.timeout() that bounds every
               operation, server selection, transaction retry and commit.
    __call__   RequestScope.finish: write the new causal token, end the
               session (for a streaming response: once the body is done)

Why process_view: Django turns a view's exception into a 500 response inside
the handler chain, so a with_transaction around get_response() would never
see the exception it must retry on. Like Django's make_view_atomic for
ATOMIC_REQUESTS, the view callable itself is wrapped. A process_view that
returns a response skips every later process_view, so this middleware goes
LAST in MIDDLEWARE (after CsrfViewMiddleware; the system check W001 names
any process_view it would skip) and after SessionMiddleware (E001), whose
Django session carries browser users' causal tokens. Exceptions of a wrapped
view reach Django's exception handling (500, got_request_exception, logging)
directly, not other middleware's process_exception.

Threads: ClientSession is not thread-safe and Django connections are
per-thread, so the session is bound in the thread that runs synchronous code
for the request (WSGI: the request's thread; ASGI: the request's
thread-sensitive worker, which is also where sync_to_async and the async ORM
send their queries). In async mode, open/finish run there via sync_to_async;
an async view in a transaction is run with async_to_sync from that thread, so
its ORM calls come back to the thread holding the session.
"""

import contextlib
import functools
import logging

from asgiref.sync import async_to_sync, iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connections
from django.urls import Resolver404, get_resolver, get_urlconf
from django_mongodb_backend.base import DatabaseWrapper
from pymongo import timeout as pymongo_timeout
from pymongo.errors import PyMongoError

from . import django_session
from .binding import ConnectionBinding
from .conf import get_settings
from .decorators import TIMEOUT_ATTRIBUTE, TransactionPolicy, view_mark
from .replay import RequestReplay
from .streaming import keep_session_until_streamed
from .tokens import CausalTime, TokenCodec
from .transaction import ViewTransaction

logger = logging.getLogger("sessions_mw")

SCOPE_ATTRIBUTE = "_sessions_mw_scope"
DJANGO_SESSION_FIELD = "_sessions_mw_causal_token"
ATTEMPTS_HEADER = "X-Transaction-Attempts"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Reading a browser's token loads its Django session before the view runs;
# bounded so that an unreachable MongoDB cannot hold a request that would
# otherwise not touch it for the driver's 30 s server selection.
DJANGO_SESSION_READ_TIMEOUT = 2.0
# Paths whose view request_budget remembers (view_at): a few hundred bytes each.
RESOLVED_PATHS = 4096


def backend_client(connection):
    """The MongoClient django-mongodb-backend holds for this connection's alias.

    Never a second client: get_new_connection() returns the backend's shared
    per-alias client, creating it first if no request has yet. Creating a
    MongoClient does not wait for the server; connecting the Django
    connection would (it checks the server version), so it is left to the
    first query.
    """
    if connection.connection is not None:
        return connection.connection
    return connection.get_new_connection(connection.get_connection_params())


@functools.lru_cache(maxsize=RESOLVED_PATHS)
def view_at(resolver, path):
    """The view `resolver` (a URLconf's, which a changed URLconf replaces) resolves `path`
    to, or None: remembered for the RESOLVED_PATHS latest paths, as resolving costs
    as much as the rest of this middleware on a read (0.15 ms for 150 patterns)."""
    try:
        return resolver.resolve(path).func
    except Resolver404:
        return None


def request_budget(request, settings):
    """A pymongo.timeout() for the request's database work, or a no-op without a budget.

    The budget must be known before the request reaches Django's URL
    resolution (it bounds the whole handler chain, whose time limit cannot be
    raised from inside), so the view is looked up here (`view_at`); Django
    resolves the path again when it calls it.
    """
    seconds = settings.request_timeout
    view = view_at(
        get_resolver(getattr(request, "urlconf", None) or get_urlconf()), request.path_info
    )
    if view is not None:
        seconds = view_mark(view, request.method, TIMEOUT_ATTRIBUTE, seconds)
    scope = getattr(request, SCOPE_ATTRIBUTE, None)
    if scope is not None:
        scope.budget = seconds
    return contextlib.nullcontext() if seconds is None else pymongo_timeout(seconds)


class RequestScope:
    """One request's session, from open() to close().

    Rules:
    - open() does no I/O unless the request brings a causal token only in
      its Django session (see DJANGO_SESSION_READ_TIMEOUT): pymongo starts
      server sessions lazily, so a request that never touches MongoDB never
      waits for it.
    - The new causal token goes in the response header always, and into the
      Django session of a browser user when the request may have written
      (an unsafe method, or a committed transaction) and the token moved.
    - close() unbinds, then ends the session; idempotent, and callable from
      any thread (the scope holds the connection object it bound).
    """

    def __init__(self, request, settings, connection, session):
        self.request = request
        self.settings = settings
        self.session = session
        self.binding = ConnectionBinding(connection, session)
        self.codec = TokenCodec(settings.database, settings.causal_token_max_age)
        self.incoming = None
        self.attempts = 0
        self.budget = None  # seconds, set by request_budget
        self._closed = False

    @classmethod
    def open(cls, request):
        settings = get_settings()
        connection = connections[settings.database]
        session = backend_client(connection).start_session(
            causal_consistency=settings.causal_consistency,
            default_transaction_options=settings.transaction_options,
        )
        scope = cls(request, settings, connection, session)
        try:
            scope.binding.bind()
            request.mongo_session = session
            setattr(request, SCOPE_ATTRIBUTE, scope)
            if settings.causal_consistency:
                scope._advance_to_incoming_token()
        except BaseException:
            scope.close()
            raise
        return scope

    def run_in_transaction(self, view_func, view_args, view_kwargs, policy):
        """The view's response, the view having run in a transaction (ViewTransaction)."""
        request = self.request
        call = async_to_sync(view_func) if iscoroutinefunction(view_func) else view_func
        replay = RequestReplay(request)
        replay.prepare()
        transaction = ViewTransaction(
            self.session,
            self.binding,
            replay,
            self.settings.abort_on_status,
            label=f"{request.method} {request.path}",
            budgeted=self.budget is not None,
        )
        options = policy.with_transaction_kwargs() if policy else {}

        def view_and_django_session():
            response = call(request, *view_args, **view_kwargs)
            if response is not None and response.status_code < self.settings.abort_on_status:
                django_session.save_in_transaction(request, response)
            return response

        try:
            return transaction.run(view_and_django_session, **options)
        finally:
            self.attempts = transaction.attempts

    def finish(self, response):
        """Write the causal token; close now, or once a streaming body is done."""
        try:
            if self.settings.causal_consistency:
                self._write_token(response)
            if django_settings.DEBUG and self.attempts:
                response.headers[ATTEMPTS_HEADER] = str(self.attempts)
        except BaseException:
            self.close()
            raise
        if response.streaming:
            keep_session_until_streamed(response, self.close)
        else:
            self.close()
        return response

    def close(self):
        if self._closed:
            return
        self._closed = True
        try:
            self.binding.unbind()
        finally:
            self.session.end_session()

    # -- causal tokens --------------------------------------------------------
    def _advance_to_incoming_token(self):
        header = self.settings.causal_token_header
        token = self.request.headers.get(header)
        source = f"the {header} header"
        if token is None and self._is_browser_user():
            token = self._token_from_django_session()
            source = "the Django session"
        if token is not None:
            self.incoming = self.codec.loads(token, source)
        if self.incoming is not None:
            self.incoming.advance(self.session)

    def _token_from_django_session(self):
        try:
            with pymongo_timeout(DJANGO_SESSION_READ_TIMEOUT):
                return self.request.session.get(DJANGO_SESSION_FIELD)
        except (DatabaseError, PyMongoError) as exc:
            logger.warning("Could not read the causal token from the Django session: %s", exc)
            return None

    def _write_token(self, response):
        current = CausalTime.of(self.session)
        if current is None:
            return
        token = self.codec.dumps(current)
        response.headers[self.settings.causal_token_header] = token
        may_have_written = self.binding.committed or self.request.method not in SAFE_METHODS
        if may_have_written and current != self.incoming and self._is_browser_user():
            self.request.session[DJANGO_SESSION_FIELD] = token

    def _is_browser_user(self):
        """Has (or is getting) a Django session cookie: its token can live there."""
        session = getattr(self.request, "session", None)
        if session is None:
            return False
        has_cookie = django_settings.SESSION_COOKIE_NAME in self.request.COOKIES
        return (has_cookie or session.modified) and not session.is_empty()


class MongoSessionMiddleware:
    """See the module docstring. Works in sync (WSGI) and async (ASGI) stacks."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        settings = get_settings()
        if not isinstance(connections[settings.database], DatabaseWrapper):
            raise ImproperlyConfigured(
                f'MONGO_SESSIONS["DATABASE"] names {settings.database!r}, which is not a '
                "django_mongodb_backend database."
            )
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request):
        if iscoroutinefunction(self):
            return self.__acall__(request)
        scope = RequestScope.open(request)
        try:
            with request_budget(request, scope.settings):
                response = self.get_response(request)
        except BaseException:
            scope.close()
            raise
        return scope.finish(response)

    async def __acall__(self, request):
        scope = await sync_to_async(RequestScope.open)(request)
        try:
            with request_budget(request, scope.settings):
                response = await self.get_response(request)
        except BaseException:
            await sync_to_async(scope.close)()
            raise
        return await sync_to_async(scope.finish)(response)

    def process_view(self, request, view_func, view_args, view_kwargs):
        scope = getattr(request, SCOPE_ATTRIBUTE, None)
        if scope is None:
            return None
        policy = TransactionPolicy.for_view(view_func, request.method)
        if policy is not None:
            wrap = policy.transactional
        else:
            wrap = request.method in scope.settings.transaction_methods
        if not wrap:
            return None
        return scope.run_in_transaction(view_func, view_args, view_kwargs, policy)
