"""ViewTransaction: one view call inside the request session's with_transaction.

pymongo's `ClientSession.with_transaction` owns the transaction's life: it
starts a fresh transaction per attempt, aborts when the callback raises, and
runs the callback again when the error carries TransientTransactionError
(with backoff, for at most 120 s). The callback here runs the view and then
ends the transaction itself, as with_transaction allows, so that every
decision is logged:

- the view raises → with_transaction aborts. The ORM wraps PyMongoError in
  django.db.DatabaseError (`raise DatabaseError from exc`), hiding the label
  from with_transaction: a TransientTransactionError anywhere in the
  exception's chain is re-raised as TransientViewError, which carries it.
  Any other exception propagates to Django's handling (a 500).
- the view returns status >= ABORT_ON_STATUS → abort, return that response.
- an atomic() block in the view exited with an exception, even one the view
  then caught → abort and raise TransactionManagementError: MongoDB has no
  savepoints, so the writes before the block cannot be kept without it.
- otherwise commit. UnknownTransactionCommitResult → commit again (pymongo's
  rule: not after MaxTimeMSExpired, not past 120 s; then the last error
  propagates); the server applies a transaction's commit at most once.
  TransientTransactionError on commit → with_transaction runs the view again.
- on_commit callbacks run once, after the commit that took effect; an
  abort, a retry or a failed commit discards those of the attempt.

Every attempt after the first starts from the request as it was
(RequestReplay), and the response of the last attempt is returned.
Each retry, and the final commit or abort, is also a signal (signals.py).
"""

import contextlib
import contextvars
import logging
import time

from django.db.transaction import TransactionManagementError
from pymongo import timeout as pymongo_timeout
from pymongo.errors import OperationFailure, PyMongoError

from . import signals

logger = logging.getLogger("sessions_mw")

TRANSIENT = "TransientTransactionError"
UNKNOWN_COMMIT = "UnknownTransactionCommitResult"
# pymongo's with_transaction gives up retrying after this many seconds.
RETRY_TIME_LIMIT = 120
MAX_TIME_MS_EXPIRED = 50
# When a request's time budget runs out before a commit's outcome is known, the
# commit is retried outside the budget for at most this many seconds: an error
# answer would otherwise report a write that may have committed as failed.
COMMIT_GRACE_SECONDS = 30


class TransientViewError(PyMongoError):
    """A view's exception whose cause carries TransientTransactionError."""

    def __init__(self, exc):
        super().__init__(f"{type(exc).__name__}: {exc}", error_labels=[TRANSIENT])


def labelled_cause(exc, label):
    """The first PyMongoError in exc's cause/context chain carrying `label`."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, PyMongoError) and exc.has_error_label(label):
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


class ViewTransaction:
    def __init__(self, session, binding, replay, abort_on_status, label, budgeted=False):
        self.session = session
        # Under a request budget (pymongo.timeout) pymongo sends the commit the
        # remaining budget as maxTimeMS and ignores max_commit_time_ms: a nested
        # timeout makes the smaller of the two win.
        self.budgeted = budgeted
        self._max_commit_ms = None
        self.binding = binding
        self.replay = replay
        self.abort_on_status = abort_on_status
        self.label = label
        self.attempts = 0
        self._retry_reason = None
        self._committed = False
        self._started = None
        self._commit_seconds = None

    def run(self, call_view, **options):
        """Run `call_view()` in a transaction; return the last attempt's response."""
        self._started = time.monotonic()
        default = self.session.options.default_transaction_options
        self._max_commit_ms = options.get("max_commit_time_ms") or (
            default.max_commit_time_ms if default else None
        )
        try:
            response = self.session.with_transaction(self._attempt(call_view), **options)
        except BaseException as exc:
            self.binding.discard_commit_hooks()
            logger.warning(
                "%s: transaction aborted after %d attempt(s): %s: %s",
                self.label,
                self.attempts,
                type(exc).__name__,
                exc,
            )
            self._send(
                signals.transaction_aborted, attempts=self.attempts, status=None, exception=exc
            )
            raise
        finally:
            self.binding.end_request_transaction()
        if self._committed:
            self._send(
                signals.transaction_committed,
                attempts=self.attempts,
                commit_seconds=self._commit_seconds,
            )
            self.binding.run_commit_hooks()
        else:
            self._send(
                signals.transaction_aborted,
                attempts=self.attempts,
                status=response.status_code,
                exception=None,
            )
        return response

    def _send(self, signal, **details):
        """Send a signals.py signal; a receiver's failure never reaches the request."""
        signal.send_robust(
            ViewTransaction, request=self.replay.request, label=self.label, **details
        )

    def _attempt(self, call_view):
        def callback(session):
            self.attempts += 1
            self._committed = False
            self._commit_seconds = None
            if self.attempts > 1:
                logger.warning(
                    "%s: retrying the transaction, attempt %d, after %s",
                    self.label,
                    self.attempts,
                    self._retry_reason,
                )
                self.replay.restore()
                self._send(
                    signals.transaction_retried, attempt=self.attempts, error_label=TRANSIENT
                )
            self.binding.begin_request_transaction()
            try:
                response = call_view()
            except Exception as exc:
                retryable = self._retryable(exc)
                if retryable is None or retryable is exc:
                    raise
                raise retryable from exc
            if response is None:
                raise ValueError(
                    f"{self.label}: the view didn't return an HttpResponse object. "
                    "It returned None instead."
                )
            if self.binding.rollback_cause is not None:
                self._abort(session)
                raise TransactionManagementError(
                    "An atomic() block inside the request's transaction exited with "
                    f"{self.binding.rollback_cause!r}; MongoDB has no savepoints, so the "
                    "whole transaction was aborted."
                ) from self.binding.rollback_cause
            if response.status_code >= self.abort_on_status:
                self._abort(session)
                logger.info(
                    "%s: transaction aborted: the view returned status %d",
                    self.label,
                    response.status_code,
                )
                return response
            if session.in_transaction:
                self._commit(session)
            self._committed = True
            return response

        return callback

    def _retryable(self, exc):
        """What to raise so that with_transaction retries after `exc`; None: don't retry."""
        transient = labelled_cause(exc, TRANSIENT)
        if transient is None:
            return None
        self._retry_reason = f"{TRANSIENT} from the view: {transient}"
        return exc if transient is exc else TransientViewError(exc)

    def _abort(self, session):
        self.binding.discard_commit_hooks()
        if session.in_transaction:
            session.abort_transaction()

    def _commit(self, session):
        commit_attempt = 1
        started = time.monotonic()
        while True:
            try:
                with self._commit_time_limit():
                    session.commit_transaction()
                self._commit_seconds = time.monotonic() - started
                return
            except PyMongoError as exc:
                if exc.has_error_label(TRANSIENT):
                    self._retry_reason = f"{TRANSIENT} on commit: {exc}"
                if self.budgeted and exc.timeout and exc.has_error_label(UNKNOWN_COMMIT):
                    self._settle_commit(session, commit_attempt + 1, exc)
                    self._commit_seconds = time.monotonic() - started
                    return
                if not self._may_retry_commit(exc):
                    raise
                commit_attempt += 1
                logger.warning(
                    "%s: retrying the commit, commit attempt %d, after %s: %s",
                    self.label,
                    commit_attempt,
                    UNKNOWN_COMMIT,
                    exc,
                )
                self._send(
                    signals.transaction_retried, error_label=UNKNOWN_COMMIT, attempt=commit_attempt
                )

    def _settle_commit(self, session, attempt, exc):
        """Commit again outside the spent budget (the server applies a commit once)."""
        logger.warning(
            "%s: the time budget ran out before the commit's outcome was known (%s); "
            "retrying the commit for up to %d s",
            self.label,
            exc,
            COMMIT_GRACE_SECONDS,
        )
        self._send(signals.transaction_retried, error_label=UNKNOWN_COMMIT, attempt=attempt)

        def commit():
            with pymongo_timeout(COMMIT_GRACE_SECONDS):
                session.commit_transaction()

        # A new, empty context: pymongo.timeout() cannot extend an outer deadline.
        contextvars.Context().run(commit)

    def _commit_time_limit(self):
        if self.budgeted and self._max_commit_ms:
            return pymongo_timeout(self._max_commit_ms / 1000)
        return contextlib.nullcontext()

    def _may_retry_commit(self, exc):
        return (
            exc.has_error_label(UNKNOWN_COMMIT)
            and not (isinstance(exc, OperationFailure) and exc.code == MAX_TIME_MS_EXPIRED)
            and time.monotonic() - self._started < RETRY_TIME_LIMIT
        )
