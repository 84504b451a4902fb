"""Migration 0009: attempts submitted before manual grading get their count of responses to grade."""

from importlib import import_module

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from quizzes import grading, operations
from quizzes.models import Attempt
from quizzes.tests.test_migrations_data import OLD_QUESTION, schema_at

BEFORE_GRADING = ("quizzes", "0008_sharing")


@pytest.mark.django_db(transaction=True)
def test_attempts_submitted_before_grading_count_their_essays():
    with schema_at(BEFORE_GRADING):
        owner = get_user_model().objects.create(username="before-grading")
        question = {key: value for key, value in OLD_QUESTION.items() if key != "position"}
        quiz = operations.create_quiz(owner, {"title": "Graded"}, [question])
        release = operations.publish_quiz(quiz)
        (question_id,) = release.key
        row = {"question": question_id, "response": "x", "points": 0.0, "max_points": 2.0,
               "feedback": ""}  # fmt: skip
        # Attempts as 0008 stored them: no ungraded count, no grader fields.
        old = {
            "quiz_id": quiz.pk, "release_id": release.pk, "quiz_version": 1, "user_id": None,
            "learner_name": "Old", "state": "submitted", "answers": {}, "score": 0.0,
            "max_score": 4.0, "percent": 0.0, "passed": False, "client_info": {},
        }  # fmt: skip
        attempts = connection.get_collection(Attempt._meta.db_table)
        waiting = {**row, "state": "needs_grading"}
        attempts.insert_many(
            [
                {**old, "results": [waiting, waiting]},
                {**old, "results": [{**row, "state": "incorrect"}]},
            ]
        )
    stored = sorted(Attempt.objects.filter(quiz_id=quiz.pk), key=lambda a: -a.ungraded)
    assert [a.ungraded for a in stored] == [2, 0]
    assert grading.needs_grading(stored[0]) and not grading.needs_grading(stored[1])
    assert stored[0].results[0].comment == "" and stored[0].results[0].graded_at is None

    # Run again (an interrupted migration is run again): nothing changes.
    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    before = list(attempts.find({"quiz_id": quiz.pk}))
    import_module("quizzes.migrations.0009_grading").count_ungraded(None, editor)
    assert list(attempts.find({"quiz_id": quiz.pk})) == before
