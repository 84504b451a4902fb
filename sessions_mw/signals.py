"""Signals about request transactions, for logs and metrics (README "Signals").

Each is sent by ViewTransaction (sender=ViewTransaction) with `request`, the
HttpRequest whose view runs in the transaction, and `label`, "METHOD path".
They are sent with send_robust(): a failing receiver is logged by Django
(the django.dispatch logger) and never changes the request's outcome.

- transaction_retried(attempt, error_label): the transaction is tried again.
  error_label "TransientTransactionError": the view runs again, `attempt`
  being the number of the view's attempt about to start (2, 3, ...);
  "UnknownTransactionCommitResult": the commit is sent again, `attempt`
  being the number of that commit attempt.
- transaction_committed(attempts, commit_seconds): the transaction committed
  after `attempts` runs of the view; `commit_seconds` is the time its
  commitTransaction took (its retries included), None when the view left no
  transaction to commit.
- transaction_aborted(attempts, status, exception): the transaction was
  aborted for good: the view answered `status` >= ABORT_ON_STATUS
  (exception None), or `exception` left it (status None).

Exactly one of transaction_committed and transaction_aborted is sent per
transactional request, after its last attempt; none for a request that runs
no transaction. Transactions of sessions_mw.outside.run_in_transaction send
none.
"""

from django.dispatch import Signal

transaction_retried = Signal()
transaction_committed = Signal()
transaction_aborted = Signal()
