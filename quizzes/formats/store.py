"""Parsed quizzes into the database, all or nothing.

Requests already run in sessions_mw's transaction, so views and the API call
`create_quizzes` directly. Commands and scripts, outside any request, wrap
each file in `run_in_transaction`.
"""

from django_mongodb_backend.transaction import atomic

from quizzes import operations


def create_quizzes(owner, quizzes):
    """Create every quiz of a ParseResult (one bulk insert of questions each); returns them."""
    return [operations.create_quiz(owner, quiz, quiz["questions"]) for quiz in quizzes]


def run_in_transaction(func):
    """Run `func()` in one MongoDB transaction and return its result.

    Committed when it returns, aborted when it raises. The one place that
    opens a transaction outside requests: meant to become sessions_mw's
    with_transaction helper, with the same contract.
    """
    with atomic():
        return func()
