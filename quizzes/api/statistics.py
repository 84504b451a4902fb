"""What the attempts at a quiz say: counts, means, and how often each question was right.

MongoDB does the counting (two aggregations over the submitted attempts of
one quiz, on the (quiz, state) index), so the cost does not depend on loading
attempts; `attempt_statistics` shapes the result and is pure. Attempts in
progress have no grade yet and count nowhere.
"""

from django.db import connection

from quizzes import operations, scoring
from quizzes.models import Attempt
from quizzes.qtypes import registry

# Left unanswered counts as not right; essays wait for the teacher and have no rate.
GRADED_STATES = [scoring.CORRECT, scoring.PARTIAL, scoring.INCORRECT, scoring.UNANSWERED]


def count_if(condition):
    return {"$sum": {"$cond": [condition, 1, 0]}}


def read_attempt_statistics(quiz):
    """Statistics over every attempt at `quiz`, per question for its current questions."""
    attempts = connection.get_collection(Attempt._meta.db_table)
    session = connection.session
    match = {"$match": {"quiz_id": quiz.pk, "state": Attempt.State.SUBMITTED}}
    totals = next(
        attempts.aggregate(
            [
                match,
                {
                    "$group": {
                        "_id": None,
                        "count": {"$sum": 1},
                        "mean_score": {"$avg": "$score"},
                        "mean_percent": {"$avg": "$percent"},
                        "passed": count_if("$passed"),
                    }
                },
            ],
            session=session,
        ),
        None,
    )
    per_question = attempts.aggregate(
        [
            match,
            {"$unwind": "$results"},
            {
                "$group": {
                    "_id": "$results.question",
                    "answered": count_if({"$ne": ["$results.state", scoring.UNANSWERED]}),
                    "graded": count_if({"$in": ["$results.state", GRADED_STATES]}),
                    "correct": count_if({"$eq": ["$results.state", scoring.CORRECT]}),
                }
            },
        ],
        session=session,
    )
    questions = [(q.pk, q.name, q.type) for q in operations.answerable_questions(quiz)]
    return attempt_statistics(totals, list(per_question), questions)


def attempt_statistics(totals, question_rows, questions):
    """Shape the aggregation results.

    `totals`: {"count", "mean_score", "mean_percent", "passed"} or None when
    there is no attempt; `question_rows`: [{"_id": question id, "answered",
    "graded", "correct"}]; `questions`: [(id, name, type)] in quiz order. Rates
    are shares from 0 to 1, None when there is nothing to divide.
    """
    count = totals["count"] if totals else 0
    by_question = {row["_id"]: row for row in question_rows}
    return {
        "count": count,
        "mean_score": rounded(totals["mean_score"]) if count else None,
        "mean_percent": rounded(totals["mean_percent"]) if count else None,
        "pass_rate": rate(totals["passed"], count) if count else None,
        "questions": [
            question_statistics(question_id, name, kind, by_question.get(question_id))
            for question_id, name, kind in questions
        ],
    }


def question_statistics(question_id, name, kind, row):
    qtype = registry.get(kind)
    if not row or not qtype.scored:  # a description is shown, never answered
        row = {"answered": 0, "graded": 0, "correct": 0}
    graded = row["graded"] if qtype.scored and not qtype.manual else 0
    return {
        "question": str(question_id),
        "name": name,
        "answered": row["answered"],
        "correct": row["correct"],
        "success_rate": rate(row["correct"], graded),
    }


def rate(part, whole):
    return round(part / whole, 4) if whole else None


def rounded(number):
    return round(number, 2)
