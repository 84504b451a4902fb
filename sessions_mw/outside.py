"""run_in_transaction: the request's transaction rules for code outside requests.

Management commands, scripts and tasks have no middleware around them. This
gives them the same contract a mutating view has:

- a fresh causally consistent session on the backend's own MongoClient, bound
  to the Django connection (ConnectionBinding) so the ORM uses it, and
  unbound and ended afterwards, whatever happens;
- `func()` runs inside `session.with_transaction` with MONGO_SESSIONS'
  transaction options (or the ones given): it commits when `func` returns and
  aborts when it raises; a TransientTransactionError, also one the ORM wrapped
  in DatabaseError, runs `func` again from the start in a fresh transaction;
  an UnknownTransactionCommitResult retries the commit (pymongo's rules);
- an atomic() block inside `func` joins the transaction; one that exits with
  an exception aborts the whole transaction (MongoDB has no savepoints);
- on_commit() callbacks run once after the commit, never after an abort.

`func` must be safe to run more than once: keep side effects in on_commit().
"""

from django.db import connections
from django.db.transaction import TransactionManagementError

from .binding import ConnectionBinding
from .conf import get_settings, transaction_options
from .middleware import backend_client
from .transaction import TRANSIENT, TransientViewError, labelled_cause


def run_in_transaction(func, *, using=None, **options):
    """Run `func()` in one MongoDB transaction and return its result.

    `options` are those of sessions_mw.decorators.transactional
    (read_concern, write_concern, read_preference, max_commit_time_ms).
    """
    settings = get_settings()
    connection = connections[using or settings.database]
    parsed = transaction_options(**options) if options else settings.transaction_options
    session = backend_client(connection).start_session(
        causal_consistency=settings.causal_consistency, default_transaction_options=parsed
    )
    binding = ConnectionBinding(connection, session)
    try:
        binding.bind()
        result = session.with_transaction(_attempt(func, binding))
        binding.end_request_transaction()
        binding.run_commit_hooks()
        return result
    except BaseException:
        binding.discard_commit_hooks()
        raise
    finally:
        binding.unbind()
        session.end_session()


def _attempt(func, binding):
    def callback(session):
        binding.begin_request_transaction()
        try:
            result = func()
        except Exception as exc:
            transient = labelled_cause(exc, TRANSIENT)
            if transient is None or transient is exc:
                raise
            raise TransientViewError(exc) from exc
        if binding.rollback_cause is not None:
            raise TransactionManagementError(
                f"An atomic() block exited with {binding.rollback_cause!r}; MongoDB has no "
                "savepoints, so the whole transaction was aborted."
            ) from binding.rollback_cause
        return result

    return callback
