"""sessions_mw: a causally consistent MongoDB session per request (see README.md).

Public API: sessions_mw.middleware.MongoSessionMiddleware,
`request.mongo_session`, sessions_mw.decorators.non_transactional and
transactional(...), on_commit() below, the signals of sessions_mw.signals,
the MONGO_SESSIONS setting and the X-Causal-Token header. See README.md.
"""


def on_commit(func, robust=False):
    """Run `func` once the request's transaction has committed.

    Never after an abort, never once per attempt when the transaction is
    retried. Inside an atomic() block of a safe request: after that block's
    commit. Outside any transaction: at once. With robust=True an exception
    from `func` is logged instead of raised (as django.db.transaction.on_commit).
    """
    from django.db import connections

    from .binding import ConnectionBinding
    from .conf import get_settings

    # The request's binding holds the connection that runs its ORM code, also
    # when called from an async view in another thread.
    binding = ConnectionBinding.current()
    if binding is not None:
        binding.on_commit(func, robust)
    else:
        connections[get_settings().database].on_commit(func, robust)
