"""Data written under an earlier schema reads and grades the same after the migrations."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from quizzes.models import Question, Quiz
from quizzes.operations import question_data
from quizzes.scoring import grade_question

BEFORE_PLUGINS = ("quizzes", "0001_initial")
OLD_QUIZ = {
    "title": "Old",
    "description": "",
    "tags": [],
    "status": "draft",
    "options": {"shuffle_questions": False, "shuffle_answers": False,
                "time_limit_minutes": None, "pass_mark": 50},
    "version": 1,
    "question_count": 1,
    "attempt_count": 0,
}  # fmt: skip
OLD_QUESTION = {
    "position": 0,
    "type": "shortanswer",
    "name": "Capital",
    "text": "Capital of France?",
    "text_format": "markdown",
    "points": 2.0,
    "general_feedback": "",
    "single": True,
    "shuffle_answers": True,
    "case_sensitive": False,
    "answers": [{"text": "Paris", "fraction": 100.0, "feedback": "Yes", "value": None,
                 "tolerance": None, "match": ""}],
}  # fmt: skip


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    executor.loader.build_graph()
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_questions_stored_before_the_type_registry_read_and_grade_the_same():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("quizzes")[0]
    migrate(BEFORE_PLUGINS)
    try:
        owner = get_user_model().objects.create(username="before")
        # The documents exactly as 0001's models wrote them.
        quiz_id = (
            connection.get_collection(Quiz._meta.db_table)
            .insert_one(OLD_QUIZ | {"owner_id": owner.pk})
            .inserted_id
        )
        connection.get_collection(Question._meta.db_table).insert_one(
            OLD_QUESTION | {"quiz_id": quiz_id}
        )
    finally:
        migrate(latest)
    question = Question.objects.get(name="Capital")
    data = question_data(question)
    assert (data["type"], data["points"], data["case_sensitive"]) == ("shortanswer", 2.0, False)
    grade = grade_question(data, " paris ")
    assert (grade.points, grade.feedback) == (2.0, ["Yes"])
