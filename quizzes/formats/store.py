"""Parsed quizzes into the database, all or nothing.

Requests already run in sessions_mw's transaction, so views and the API call
`create_quizzes` directly. Commands and scripts, outside any request, wrap
each file in sessions_mw's `run_in_transaction` (retried on transient errors
like a request).
"""

from quizzes import operations


def create_quizzes(owner, quizzes):
    """Create every quiz of a ParseResult (one bulk insert of questions each); returns them."""
    return [operations.create_quiz(owner, quiz, quiz["questions"]) for quiz in quizzes]
