"""ConnectionBinding: one request's ClientSession on one Django connection.

django-mongodb-backend passes `connection.session` to every pymongo call the
ORM makes, so binding a session is setting that attribute. Its atomic()
though is written for a session of its own: `start_transaction_mongo()`
starts a session only when `connection.session` is None, and
`commit_mongo()` / `rollback_mongo()` END the session. Left alone, an atomic()
inside a request would commit the request's transaction early (or, in a safe
request, call commit on a session with no transaction) and end the request's
session under it. So while bound, this adapter shadows those three methods and
`on_commit()` on this connection object (instance attributes over the class's
methods) with versions that know about the request.

State rules:
- bind() requires a connection that nothing else drives: `session` is None
  and no other binding is installed (two requests sharing one thread's
  connection would mix their sessions). unbind() restores the connection as
  it was and is idempotent. The binding never ends the session: its owner
  (the middleware's RequestScope) does.
- In the request's transaction (begin_request_transaction() ..
  end_request_transaction()): atomic() joins it. Entering starts nothing;
  leaving normally commits nothing; leaving with an exception dooms the
  request's transaction (MongoDB has no savepoints: the whole request must
  abort), recorded in `rollback_cause`. on_commit() callbacks wait for
  run_commit_hooks() (after the commit) or discard_commit_hooks() (abort).
- Outside it (safe requests, non_transactional views): the outermost atomic()
  runs a transaction of its own on the request's session (start, then commit
  and its on_commit callbacks, or abort) and leaves the session open and
  bound. Nested atomic() blocks are counted by the backend's Atomic and never
  reach these methods.
- The binding of the request being served is also found through a context
  variable (`ConnectionBinding.current()`): contextvars follow a request
  across sync_to_async/async_to_sync, so async code, which runs in another
  thread than the one holding the connection, reaches the right one.
- `committed` becomes True when any transaction on the session committed
  (the request wrote something its client may want to read back).
"""

import sys
from contextvars import ContextVar

_SHADOWED = ("start_transaction_mongo", "commit_mongo", "rollback_mongo", "on_commit")


_current = ContextVar("sessions_mw_binding", default=None)


class ConnectionBinding:
    @classmethod
    def current(cls):
        """The binding of the request in this context, if still bound."""
        binding = _current.get()
        return binding if binding is not None and binding._bound else None

    def __init__(self, connection, session):
        self.connection = connection
        self.session = session
        self.in_request_transaction = False
        self.rollback_cause = None
        self.committed = False
        self._bound = False

    # -- binding ------------------------------------------------------------
    def bind(self):
        connection = self.connection
        if connection.session is not None or "on_commit" in vars(connection):
            raise RuntimeError(
                f"The database connection {connection.alias!r} of this thread already has "
                "a session: sessions_mw binds one request at a time per thread. Under "
                "ASGI, run Django's ASGIHandler, which gives each request its own thread "
                "for synchronous code."
            )
        connection.session = self.session
        for name in _SHADOWED:
            setattr(connection, name, getattr(self, name))
        self._bound = True
        _current.set(self)

    def unbind(self):
        if not self._bound:
            return
        self._bound = False
        for name in _SHADOWED:
            vars(self.connection).pop(name, None)
        self.connection.session = None
        self.connection.run_on_commit = []
        self.connection.in_atomic_block_mongo = False
        self.connection.nested_atomics = 0

    # -- the request's transaction -------------------------------------------
    def begin_request_transaction(self):
        """Called at the start of every attempt, in its fresh transaction."""
        self.in_request_transaction = True
        self.rollback_cause = None
        self.connection.run_on_commit = []
        self.connection.in_atomic_block_mongo = False
        self.connection.nested_atomics = 0

    def end_request_transaction(self):
        self.in_request_transaction = False
        self.connection.in_atomic_block_mongo = False
        self.connection.nested_atomics = 0

    def run_commit_hooks(self):
        """After the request's transaction committed (and ended)."""
        self.committed = True
        self.connection.run_and_clear_commit_hooks()

    def discard_commit_hooks(self):
        self.connection.run_on_commit = []

    # -- the backend's atomic() and on_commit() -------------------------------
    def start_transaction_mongo(self):
        if self.in_request_transaction:
            return
        self.session.start_transaction()

    def commit_mongo(self):
        if self.in_request_transaction:
            return
        try:
            self.session.commit_transaction()
        except BaseException:
            self.discard_commit_hooks()
            raise
        self.run_commit_hooks()

    def rollback_mongo(self):
        if self.in_request_transaction:
            # Called from Atomic.__exit__ while its exception propagates.
            self.rollback_cause = self.rollback_cause or _current_exception()
            return
        if self.session.in_transaction:
            self.session.abort_transaction()
        self.discard_commit_hooks()

    def on_commit(self, func, robust=False):
        if not self.in_request_transaction:
            # The backend's rule: queue inside atomic(), otherwise run at once.
            type(self.connection).on_commit(self.connection, func, robust)
            return
        if not callable(func):
            raise TypeError("on_commit()'s callback must be a callable.")
        # The backend's own format: (savepoint ids, callback, robust).
        self.connection.run_on_commit.append(([], func, robust))


def _current_exception():
    return sys.exception() or RuntimeError("an atomic() block exited with an error")
