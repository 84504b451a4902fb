"""Django sessions that commit with the request's transaction.

With SESSION_ENGINE = "sessions_mw.django_session" (Django's database
sessions, on this backend), a request whose view runs in a transaction saves
its Django session, and the messages of Django's SessionStorage, inside that
transaction: a login, a "Quiz created." message and the quiz itself commit
together or not at all.

Rules:
- save_in_transaction(request, response) runs at the end of each attempt of
  the view's transaction, when the response does not abort it: it stores the
  messages into the session and, if the session changed, saves it there.
  Only once that attempt commits (an on_commit callback) does the store
  learn that the request committed and what it wrote; an abort or a retry
  forgets it, and the session is saved as usual.
- After the commit, SessionMiddleware saves again only what changed since:
  the new causal token, which only the commit makes known, and messages
  added by on_commit callbacks (OpenQuizz adds its "saved" messages so, to
  never announce a change that was not made). If that write fails, the
  failure is logged and the response stands: the request's writes are
  committed and the client must be told so; what is lost is at most the
  causal token (a later read may come from a secondary that has not caught
  up) or such a message.
- Outside a committed transaction (safe requests, aborted ones), saving
  behaves, and fails, as Django's database sessions do.
"""

import copy
import logging

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.exceptions import SessionInterrupted
from django.db import DatabaseError, transaction
from pymongo.errors import PyMongoError

logger = logging.getLogger("sessions_mw")


class SessionStore(DatabaseSessionStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self.after_commit = False  # the request's transaction committed
        self.committed = None  # (key, data) saved in that transaction, if any
        self._pending = None  # (key, data) saved in the current attempt

    def save(self, must_create=False):
        if not self.after_commit:
            return super().save(must_create)
        if self.committed == (self.session_key, getattr(self, "_session_cache", None)):
            return None  # nothing new since the transaction's save
        try:
            return super().save(must_create)
        except (DatabaseError, PyMongoError, UpdateError) as exc:
            logger.warning(
                "Could not save the Django session after the request's transaction "
                "committed (the response stands): %s: %s",
                type(exc).__name__,
                exc,
            )
            return None

    def begin_attempt(self):
        """A new attempt of the request's transaction: forget the last one's save, and
        learn of the commit if this one commits."""
        self._pending = None
        transaction.on_commit(self._transaction_committed)

    def save_in_transaction(self):
        """Save now, in the request's transaction."""
        try:
            super().save()
        except UpdateError:
            # Deleted meanwhile (a logout elsewhere): what SessionMiddleware would say.
            raise SessionInterrupted(
                "The request's session was deleted before the request finished."
            ) from None
        self._pending = (self.session_key, copy.deepcopy(self._session_cache))

    def _transaction_committed(self):
        self.after_commit = True
        self.committed = self._pending


def save_in_transaction(request, response):
    """The messages and the Django session of `request`, saved in the current transaction
    (a no-op unless SESSION_ENGINE is this module)."""
    session = getattr(request, "session", None)
    if not isinstance(session, SessionStore):
        return
    session.begin_attempt()
    messages = getattr(request, "_messages", None)
    if messages is not None:
        messages.update(response)
    if session.modified and not session.is_empty():
        session.save_in_transaction()
