"""Per-view transaction policy: `non_transactional` and `transactional(...)`;
per-view time budget: `request_timeout(seconds)`.

Both mark what they decorate and return it unchanged (so async views stay
async), like Django's `non_atomic_requests`. They work on:
- function views (place them outermost, e.g. above DRF's @api_view);
- class-based views: on the class, on a handler method, or through
  `method_decorator(..., name="dispatch")` (as_view() copies the mark);
- DRF views, viewsets and @action methods (above or below @action).

`TransactionPolicy.for_view` resolves the mark for one request, the most
specific first: the handler method that will serve the request (for a
viewset, the action mapped to the HTTP method), then the view function, then
the view class. No mark: the request's method decides (TRANSACTION_METHODS).
"""

from dataclasses import dataclass, field

from pymongo.client_session import TransactionOptions

from .conf import parse_request_timeout, transaction_options

POLICY_ATTRIBUTE = "_sessions_mw_policy"
TIMEOUT_ATTRIBUTE = "_sessions_mw_request_timeout"


@dataclass(frozen=True)
class TransactionPolicy:
    """Whether a view runs in a transaction, and with which options.

    `options` holds only what the decorator set; None values fall back to
    MONGO_SESSIONS, which are the session's default transaction options.
    """

    transactional: bool
    options: TransactionOptions = field(default_factory=TransactionOptions)

    @classmethod
    def for_view(cls, view_func, method):
        """The policy marked on the view serving `method`, or None."""
        return view_mark(view_func, method, POLICY_ATTRIBUTE, None)

    def with_transaction_kwargs(self):
        options = self.options
        return {
            "read_concern": options.read_concern,
            "write_concern": options.write_concern,
            "read_preference": options.read_preference,
            "max_commit_time_ms": options.max_commit_time_ms,
        }


def view_mark(view_func, method, attribute, default):
    """The mark `attribute` of the view serving `method`, the most specific first."""
    view_class = getattr(view_func, "view_class", None) or getattr(view_func, "cls", None)
    handler = None
    if view_class is not None:
        actions = getattr(view_func, "actions", None) or {}
        handler = getattr(view_class, actions.get(method.lower(), method.lower()), None)
    for candidate in (handler, view_func, view_class):
        if hasattr(candidate, attribute):
            return getattr(candidate, attribute)
    return default


def _mark(view, policy):
    setattr(view, POLICY_ATTRIBUTE, policy)
    return view


def non_transactional(view):
    """Never run this view in a request transaction, whatever its method.

    For long or streaming work that manages its own transactions (atomic()
    still works: each outermost block is a transaction of its own).
    """
    return _mark(view, TransactionPolicy(transactional=False))


def transactional(
    read_concern=None, write_concern=None, read_preference=None, max_commit_time_ms=None
):
    """Run this view in a request transaction, even for a safe method.

    Options override MONGO_SESSIONS for this view: read_concern a level name
    ("local", "majority", "snapshot") or ReadConcern; write_concern a dict of
    WriteConcern arguments or a WriteConcern; read_preference a mode name or
    pymongo read preference; max_commit_time_ms a positive int. Invalid
    options raise ValueError at import time. Usable bare: `@transactional`.
    """
    if callable(read_concern):
        return _mark(read_concern, TransactionPolicy(transactional=True))
    policy = TransactionPolicy(
        transactional=True,
        options=transaction_options(
            read_concern, write_concern, read_preference, max_commit_time_ms
        ),
    )

    def decorator(view):
        return _mark(view, policy)

    return decorator


def request_timeout(seconds):
    """This view's database time budget in seconds, overriding MONGO_SESSIONS["REQUEST_TIMEOUT"].

    None: no budget, for views that are long by design (a large import staged
    in batches); each of their operations is then bounded only by the
    client's own timeouts (serverSelectionTimeoutMS, socketTimeoutMS). The
    budget covers the request up to its response: a streaming body is sent
    after it, without it. Invalid values raise ValueError at import time.
    """
    seconds = parse_request_timeout(seconds)

    def decorator(view):
        setattr(view, TIMEOUT_ATTRIBUTE, seconds)
        return view

    return decorator
