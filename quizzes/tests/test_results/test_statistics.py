"""quizzes.statistics against a case computed by hand with Moodle's formulas
(question/classes/statistics/questions/calculator.php, mod/quiz/report/statistics)."""

import math

import pytest
from django.db import connection

from quizzes import operations, releases, statistics
from quizzes.models import Attempt
from quizzes.tests.fixtures.plugin import questions_of
from quizzes.tests.test_api.conftest import question_ids
from quizzes.tests.test_results.conftest import submit_attempt


def truefalse(name):
    return {
        "type": "truefalse",
        "name": name,
        "text": f"{name}?",
        "answers": [{"text": "true", "fraction": 100}, {"text": "false", "fraction": 0}],
    }


# Four attempts at three true/false questions worth 1 point each (True is right):
# totals 3, 2, 1 and 0.
MARKS = [(1, 1, 1), (1, 1, 0), (0, 1, 0), (0, 0, 0)]


@pytest.fixture
def moodle_quiz(make_quiz, teacher):
    quiz = make_quiz("Moodle case", [truefalse("Q1"), truefalse("Q2"), truefalse("Q3")])
    operations.set_status(quiz, "published")
    ids = [str(q.pk) for q in questions_of(quiz)]
    release = releases.live_release(quiz)
    for number, marks in enumerate(MARKS):
        responses = {qid: bool(mark) for qid, mark in zip(ids, marks, strict=True)}
        submit_attempt(release, f"L{number}", responses)
    return quiz


def test_per_question_numbers_are_moodles(moodle_quiz):
    numbers = statistics.read_statistics(moodle_quiz)
    q1, q2, q3 = numbers["questions"]
    # Q1: marks 1 1 0 0, rest of the test 2 1 1 0: cov 1/3, variances 1/3 and 2/3.
    assert (q1["facility"], q1["sd"]) == (50.0, round(100 * math.sqrt(1 / 3), 2))
    assert q1["discrimination_index"] == round(100 / math.sqrt(2), 2)
    assert q1["discriminative_efficiency"] == 100.0
    # Q3: marks 1 0 0 0, rest 2 2 1 0: cov 1/4, variances 1/4 and 11/12.
    assert (q3["facility"], q3["sd"]) == (25.0, 50.0)
    assert q3["discrimination_index"] == round(100 * 0.25 / math.sqrt(0.25 * 11 / 12), 2)
    assert q3["discriminative_efficiency"] == 100.0
    assert q2["facility"] == 75.0
    assert (q1["attempts"], q1["answered"], q1["correct"], q1["success_rate"]) == (4, 4, 2, 0.5)
    # How often each answer was chosen.
    assert q3["answers"] == [
        {"answer": "True", "count": 1, "percent": 25.0},
        {"answer": "False", "count": 3, "percent": 75.0},
    ]


def test_quiz_numbers_are_moodles(moodle_quiz):
    numbers = statistics.read_statistics(moodle_quiz)
    assert numbers["count"] == 4
    assert numbers["mean_percent"] == 50.0 and numbers["median_percent"] == 50.0
    # Percentages 100, 66.67, 33.33, 0: sample SD 43.03, symmetric, flat.
    assert numbers["sd_percent"] == pytest.approx(43.03, abs=0.01)
    assert numbers["skewness"] == pytest.approx(0, abs=1e-3)
    assert numbers["kurtosis"] == pytest.approx(-1.2, abs=1e-3)
    assert numbers["pass_rate"] == 0.5
    assert [b["count"] for b in numbers["histogram"]] == [1, 0, 0, 1, 0, 0, 1, 0, 0, 1]


def test_no_attempt_gives_no_numbers(make_quiz):
    quiz = make_quiz("Empty", [truefalse("Q1")])
    numbers = statistics.read_statistics(quiz)
    assert numbers["count"] == 0 and numbers["mean_percent"] is None
    (question,) = numbers["questions"]
    assert question["facility"] is None and question["discrimination_index"] is None


def test_one_attempt_has_a_facility_but_no_spread():
    numbers = statistics.question_statistics([("correct", 1.0, 1.0, 2.0)])
    assert numbers["facility"] == 100.0 and numbers["sd"] is None
    assert statistics.quiz_statistics([80.0], 1)["sd_percent"] is None


def test_essays_waiting_count_zero_and_are_counted(graded_quiz):
    numbers = statistics.read_statistics(graded_quiz)
    essay = next(q for q in numbers["questions"] if q["type"] == "essay")
    assert essay["needs_grading"] == 1 and essay["answers"] == []
    matching = next(q for q in numbers["questions"] if q["type"] == "matching")
    chosen = {a["answer"]: a["count"] for a in matching["answers"]}
    assert chosen["France → Paris"] == 2 and chosen["France → Rome"] == 0


def test_questions_are_counted_by_id_across_releases(moodle_quiz):
    operations.add_question(moodle_quiz, truefalse("Q4"))
    release = operations.publish_quiz(moodle_quiz)
    ids = [str(q.pk) for q in questions_of(moodle_quiz)]
    submit_attempt(release, "New", dict.fromkeys(ids, True))
    by_name = {q["name"]: q for q in statistics.read_statistics(moodle_quiz)["questions"]}
    assert [by_name[name]["attempts"] for name in ("Q1", "Q2", "Q3", "Q4")] == [5, 5, 5, 1]
    assert by_name["Q4"]["facility"] == 100.0


def test_answer_keys_are_the_items_a_response_holds():
    assert statistics.answer_keys([0, 2]) == [0, 2]
    assert statistics.answer_keys({"0": "Paris", "1": "Rome"}) == [("0", "Paris"), ("1", "Rome")]
    assert statistics.answer_keys(True) == [True]
    assert statistics.answer_keys(None) == statistics.answer_keys([]) == []
    assert statistics.answer_keys([1.5, [0], {"a": 1}, 3]) == [3]  # no key is a float or nested
    assert statistics.answer_keys({"0": ["Paris"]}) == []


def test_the_statistics_read_no_text_response(graded_quiz):
    """An essay's text (any text response) never leaves MongoDB for the statistics; the
    responses that can be an answer's key do."""
    ids = question_ids(graded_quiz)
    pipeline = [{"$match": statistics.submitted(graded_quiz)}, {"$project": statistics.MARKS}]
    read = list(connection.get_collection(Attempt._meta.db_table).aggregate(pipeline))
    assert len(read) == 2
    for attempt in read:
        responses = {str(row["question"]): row.get("response", "-") for row in attempt["results"]}
        assert responses[ids["essay"]] == responses[ids["shortanswer"]] == "-"
        assert responses[ids["truefalse"]] is True
        assert set(attempt) == {"percent", "score", "passed", "results"}
