"""RequestReplay: run a view again, from the start, on the same HttpRequest.

A transaction retried after TransientTransactionError calls the view again.
For that second call to see the request the first one saw:

- prepare(), before the first attempt, makes the body re-readable. Django
  reads a request's body stream once; this caches it: the raw bytes for
  ordinary bodies (`request.body`, so `request.POST` and DRF's
  `request.data` can parse it again), and for multipart bodies the parsed
  `request.POST` and `request.FILES` (large files stay in temporary files
  instead of memory; DRF falls back to these when the stream is consumed).
  It then records the request's state.
- restore(), before every later attempt, puts back what a view can change:
  the request's attributes (`request.user` after login(), anything the view
  set), `request.META` (CSRF token rotation), the Django session's key,
  data and flags (login() and logout() cycle the key, views write data), the
  queued messages, and rewinds uploaded files.

The Django session and the messages are saved by their middleware once,
after the transaction, so with this restore a retry never duplicates them.
The session's own writes during an attempt (a key cycled by login()) run in
that attempt's transaction and are rolled back with it.
"""

import contextlib
import copy

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import RawPostDataException


class RequestReplay:
    def __init__(self, request):
        self.request = request
        self._attributes = None
        self._meta = None
        self._session = None
        self._messages = None

    def prepare(self):
        request = self.request
        # A body over Django's limits is the view's to refuse (a 413, a form
        # error): reading it here must not turn it into an error of ours.
        with contextlib.suppress(RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):
            if request.content_type == "multipart/form-data":
                request.POST  # noqa: B018  (parses and caches POST and FILES)
            else:
                # RawPostDataException: already parsed into request.POST
                # (CsrfViewMiddleware reads it), which Django caches.
                with contextlib.suppress(RawPostDataException):
                    request.body  # noqa: B018  (caches the body)
        self._attributes = dict(vars(request))
        self._meta = dict(request.META)
        self._session = _SessionState(getattr(request, "session", None))
        self._messages = _MessagesState(getattr(request, "_messages", None))

    def restore(self):
        request = self.request
        meta = self._attributes["META"]
        meta.clear()
        meta.update(self._meta)
        vars(request).clear()
        vars(request).update(self._attributes)
        self._session.restore()
        self._messages.restore()
        for uploaded in _uploaded_files(request):
            uploaded.seek(0)


def _uploaded_files(request):
    files = vars(request).get("_files")
    if files is None:
        return []
    return [uploaded for _, values in files.lists() for uploaded in values]


class _SessionState:
    """What a Django SessionBase holds in memory; loaded data only if loaded."""

    _MISSING = object()

    def __init__(self, session):
        self.session = session
        if session is None:
            return
        self.key = session._session_key
        data = vars(session).get("_session_cache", self._MISSING)
        self.data = data if data is self._MISSING else copy.deepcopy(data)
        self.modified = session.modified
        self.accessed = session.accessed

    def restore(self):
        session = self.session
        if session is None:
            return
        session._session_key = self.key
        if self.data is self._MISSING:
            vars(session).pop("_session_cache", None)
        else:
            session._session_cache = copy.deepcopy(self.data)
        session.modified = self.modified
        session.accessed = self.accessed


class _MessagesState:
    """The messages a django.contrib.messages storage has queued for this request."""

    def __init__(self, storage):
        self.storage = storage
        if storage is None:
            return
        self.queued = list(storage._queued_messages)
        self.added_new = storage.added_new
        self.used = storage.used

    def restore(self):
        storage = self.storage
        if storage is None:
            return
        storage._queued_messages[:] = self.queued
        storage.added_new = self.added_new
        storage.used = self.used
