"""Parsed files into the question bank (and quizzes), all or nothing.

Each question of a parsed file goes into the owner's bank under its Moodle
category path (`question["category"]`), the categories created as needed
with the descriptions and ID numbers the file gives (`ParseResult.categories`);
a question without a category goes into one named after its quiz. Each quiz
of the file then becomes a draft quiz using those questions as slots, unless
`bank_only` or it holds more questions than a quiz may (`SLOTS_MAX`).

Requests already run in sessions_mw's transaction, so views and the API call
`create_quizzes` directly. Commands and scripts, outside any request, wrap
each file in sessions_mw's `run_in_transaction` (retried on transient errors
like a request).
"""

from quizzes import bank, operations
from quizzes.operations import SLOTS_MAX


def create_quizzes(owner, quizzes, categories=None, bank_only=False):
    """Store every quiz of a ParseResult; returns the quizzes created (see the module doc)."""
    made = {}
    created = []
    for quiz in quizzes:
        questions = [dict(question) for question in quiz["questions"]]
        paths = [tuple(question.pop("category", None) or ()) for question in questions]
        fallback = []
        targets = []
        for path in paths:
            if path:
                targets.append(bank.ensure_path(owner, path, infos=categories, made=made))
                continue
            if not fallback:
                fallback.append(bank.default_category(owner, quiz["title"]))
            targets.append(fallback[0])
        if bank_only or len(questions) > SLOTS_MAX:
            bank.create_questions(owner, targets, questions, owner)
        else:
            created.append(operations.create_quiz(owner, quiz, questions, categories=targets))
    return created
