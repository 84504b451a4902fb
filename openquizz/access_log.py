"""One access-log record per request, and a request id on every log record.

AccessLogMiddleware, first in MIDDLEWARE, gives each request an id: the
client's X-Request-ID when it is a plausible one (REQUEST_ID: at most 128
letters, digits and `._:-`, so that nothing a client sends can forge a log
line or a header), else a new uuid4. The id goes back in the response's
X-Request-ID, is `request.request_id`, and RequestIdFilter adds it to every
log record emitted while the request runs (sessions_mw's retry warnings
included).

When the response is ready, one record on the `openquizz.access` logger
carries request_id, user_id (None when no user was signed in, or when
nothing in the request looked the user up: the access log itself never
queries MongoDB), method, path (without the query string, which may hold
secrets), status, duration_ms (up to the response being ready, not its
streamed body), and the request transaction's attempts and outcome:
"committed" or "aborted" (sessions_mw's signals), "none" when the request
ran no transaction. With DJANGO_LOG_JSON=1 (settings.LOGGING) these are the
fields of a JSON line; otherwise the message says them.
"""

import contextvars
import logging
import re
import time
import uuid

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.utils.functional import SimpleLazyObject, empty

logger = logging.getLogger("openquizz.access")

REQUEST_ID_HEADER = "X-Request-ID"
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
TRANSACTION_ATTRIBUTE = "_openquizz_transaction"

current_request_id = contextvars.ContextVar("request_id", default=None)


class RequestIdFilter(logging.Filter):
    """Adds `request_id` (None outside a request) to every record it sees."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id.get()
        return True


def request_id_of(request):
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    if REQUEST_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class AccessLogMiddleware:
    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request):
        if iscoroutinefunction(self):
            return self.__acall__(request)
        started, token = self._start(request)
        try:
            response = self.get_response(request)
            return self._finish(request, response, started)
        finally:
            current_request_id.reset(token)

    async def __acall__(self, request):
        started, token = self._start(request)
        try:
            response = await self.get_response(request)
            return self._finish(request, response, started)
        finally:
            current_request_id.reset(token)

    def _start(self, request):
        request.request_id = request_id_of(request)
        return time.monotonic(), current_request_id.set(request.request_id)

    def _finish(self, request, response, started):
        duration_ms = round((time.monotonic() - started) * 1000, 1)
        response.headers[REQUEST_ID_HEADER] = request.request_id
        attempts, outcome = getattr(request, TRANSACTION_ATTRIBUTE, (0, "none"))
        fields = {
            "request_id": request.request_id,
            "user_id": user_id_of(request),
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": duration_ms,
            "attempts": attempts,
            "outcome": outcome,
        }
        logger.info(
            "%(method)s %(path)s %(status)s %(duration_ms)sms request_id=%(request_id)s "
            "user_id=%(user_id)s attempts=%(attempts)s outcome=%(outcome)s",
            fields,
            extra=fields,
        )
        return response


def user_id_of(request):
    """The signed-in user's id as a string, if the request already knows its user.

    `request.user` is lazy (AuthenticationMiddleware): evaluating it here
    would read the session and the user from MongoDB for requests that never
    needed them. DRF sets the authenticated user on the request itself.
    """
    user = getattr(request, "user", None)
    if isinstance(user, SimpleLazyObject):
        user = user._wrapped
        if user is empty:
            return None
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return str(user.pk)


def record_commit(sender, request=None, attempts=0, **kwargs):
    """sessions_mw receiver: the request's transaction committed after `attempts` runs."""
    if request is not None:
        setattr(request, TRANSACTION_ATTRIBUTE, (attempts, "committed"))


def record_abort(sender, request=None, attempts=0, **kwargs):
    """sessions_mw receiver: the request's transaction was aborted after `attempts` runs."""
    if request is not None:
        setattr(request, TRANSACTION_ATTRIBUTE, (attempts, "aborted"))


def connect():
    """Listen to sessions_mw's signals (from OpenQuizzConfig.ready)."""
    from sessions_mw import signals

    signals.transaction_committed.connect(record_commit, dispatch_uid="access_log")
    signals.transaction_aborted.connect(record_abort, dispatch_uid="access_log")
