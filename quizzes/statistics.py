"""What the submitted attempts at a quiz say, as Moodle's quiz statistics report says it.

Per question (by question id, across the quiz's releases): how many
attempts had it, answered it and got it right; the facility index (mean
mark as a % of the maximum); the standard deviation of the mark as a % of
the maximum (sample SD); the discrimination index (100 times the correlation
between the question's mark and the rest of the attempt's score) and the
discriminative efficiency (100 times that covariance over the largest it could
be, with both series sorted), as question/classes/statistics/questions/
calculator.php computes them; for questions whose type lists its answers
(QuestionType.answer_options: multiple choice, true/false, matching per stem)
how often each answer was chosen. For the quiz: the number of attempts,
mean, median, standard deviation, skewness and kurtosis of the percentages
(mod/quiz/report/statistics/statistics/calculator.php), the pass rate, and
the percentages' distribution in ten bins.

The attempts are read once, streamed along the (quiz, state, ...) index, each
projected by MongoDB to its marks and the responses that can be an answer's key
(a number, a boolean, a list or an object of them: never a text, such as an
essay's, which no answer's key is), so the bytes sent do not depend on what
learners wrote; the answers chosen are counted from those as they come. Attempts
in progress have no grade yet and count nowhere.
Unanswered counts 0, as in Moodle; a response waiting for the teacher counts
0 until graded, and is counted in `needs_grading`.
"""

import math
import statistics as pystats
from collections import Counter, defaultdict

from django.db import connection

from quizzes import operations, scoring
from quizzes.models import Attempt, Release
from quizzes.qtypes import registry

BINS = 10  # of the score distribution: 0-10 %, 10-20 % ... 90-100 % (100 % included)
BATCH = 500
SUBMITTED_INDEX = "attempt_quiz_state_submitted"
# Each attempt's marks, and of each of its results the response but a text.
MARKS = {
    "_id": 0,
    "percent": 1,
    "score": 1,
    "passed": 1,
    "results": {
        "$map": {
            "input": {"$ifNull": ["$results", []]},
            "as": "row",
            "in": {
                "question": "$$row.question",
                "points": "$$row.points",
                "max_points": "$$row.max_points",
                "state": "$$row.state",
                "response": {
                    "$cond": [
                        {"$eq": [{"$type": "$$row.response"}, "string"]},
                        "$$REMOVE",
                        "$$row.response",
                    ]
                },
            },
        }
    },
}


def submitted(quiz):
    return {"quiz_id": quiz.pk, "state": Attempt.State.SUBMITTED}


def read_statistics(quiz):
    """The statistics of `quiz`'s submitted attempts (see the module doc), as plain data."""
    collection = connection.get_collection(Attempt._meta.db_table)
    cursor = collection.aggregate(
        [{"$match": submitted(quiz)}, {"$project": MARKS}],
        session=connection.session,
        hint=SUBMITTED_INDEX,
        batchSize=BATCH,
    )
    marks = Marks()
    for attempt in cursor:
        marks.add(attempt)
    questions = question_catalogue(quiz, marks.by_question)
    count = len(marks.percents)
    return {
        **quiz_statistics(marks.percents, marks.passed),
        "mean_score": round(marks.score_sum / count, 2) if count else None,
        "questions": [
            {
                "question": question_id,
                "name": data["name"],
                "type": data["type"],
                **question_statistics(
                    marks.by_question.get(question_id, []), registry.of(data).manual
                ),
                "answers": answer_counts(
                    data,
                    marks.chosen.get(question_id, {}),
                    len(marks.by_question.get(question_id, [])),
                ),
            }
            for question_id, data in questions.items()
            if registry.of(data).scored
        ],
    }


class Marks:
    """The marks of the attempts, one attempt at a time: each attempt's percentage and
    pass, per question id [(state, points, max points, rest of the attempt's score)],
    and per question id {answer key: how many attempts chose it} (`chosen`, from the
    responses: see `answer_keys`)."""

    def __init__(self):
        self.percents = []
        self.score_sum = 0.0
        self.passed = 0
        self.by_question = defaultdict(list)
        self.chosen = defaultdict(Counter)

    def add(self, attempt):
        self.percents.append(attempt.get("percent", 0.0))
        self.score_sum += attempt.get("score", 0.0)
        self.passed += bool(attempt.get("passed"))
        results = attempt.get("results", [])
        for row in results:
            self.chosen[str(row["question"])].update(answer_keys(row.get("response")))
        rows = [row for row in results if row.get("max_points")]
        total = sum(row["points"] for row in rows)
        for row in rows:
            self.by_question[str(row["question"])].append(
                (row["state"], row["points"], row["max_points"], total - row["points"])
            )


def answer_keys(response):
    """The answer keys (QuestionType.answer_options) a `response` holds: each item of a
    list, each (stem id, match) pair of an object, else the response itself; only
    those a key can be (a boolean, a number, a text, a pair of them)."""
    if isinstance(response, dict):
        items = list(response.items())
    elif isinstance(response, list):
        items = response
    else:
        items = [] if response is None else [response]
    return [
        item
        for item in items
        if isinstance(item, bool | int | str)
        or (isinstance(item, tuple) and all(isinstance(part, bool | int | str) for part in item))
    ]


# -- per question ----------------------------------------------------------------------------
def question_statistics(marks, manual=False):
    """Moodle's statistics of one question from its `marks` (see Marks.by_question):
    counts, then facility, sd (both in % of the maximum), discrimination index and
    discriminative efficiency; None where Moodle shows nothing (too few attempts, or
    no variance). A `manual` question (graded by hand) has no success rate."""
    count = len(marks)
    states = [state for state, _points, _max, _rest in marks]
    answered = sum(state != scoring.UNANSWERED for state in states)
    correct = states.count(scoring.CORRECT)
    waiting = states.count(scoring.NEEDS_GRADING)
    graded = count - waiting
    numbers = {
        "attempts": count,
        "answered": answered,
        "correct": correct,
        "needs_grading": waiting,
        # Share (0 to 1) of graded responses that were right (the report's first figure).
        "success_rate": round(correct / graded, 4) if graded and not manual else None,
        "facility": None,
        "sd": None,
        "discrimination_index": None,
        "discriminative_efficiency": None,
    }
    if not count:
        return numbers
    fractions = [points / maximum for _state, points, maximum, _rest in marks]
    numbers["facility"] = percent(sum(fractions) / count)
    if count < 2:
        return numbers
    numbers["sd"] = percent(math.sqrt(variance(fractions)))
    mark = [points for _state, points, _max, _rest in marks]
    rest = [other for _state, _points, _max, other in marks]
    mark_variance, rest_variance = variance(mark), variance(rest)
    covariance = co_variance(mark, rest)
    if mark_variance * rest_variance:
        numbers["discrimination_index"] = round(
            100 * covariance / math.sqrt(mark_variance * rest_variance), 2
        )
    if largest := co_variance(sorted(mark), sorted(rest)):
        numbers["discriminative_efficiency"] = round(100 * covariance / largest, 2)
    return numbers


def variance(values):
    """The sample variance (n - 1), as Moodle's markvariance."""
    return co_variance(values, values)


def co_variance(xs, ys):
    """The sample covariance (n - 1) of two series of one length (at least 2)."""
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / (len(xs) - 1)


def percent(share):
    return round(100 * share, 2)


# -- the quiz ---------------------------------------------------------------------------------
def quiz_statistics(percents, passed):
    """Counts, moments and distribution of the attempts' `percents` (Moodle's quiz
    statistics: sample SD; skewness and kurtosis from the k-statistics, from 3 and 4
    attempts on), `passed` attempts among them."""
    count = len(percents)
    numbers = {
        "count": count,
        "mean_percent": None,
        "median_percent": None,
        "sd_percent": None,
        "skewness": None,
        "kurtosis": None,
        "pass_rate": round(passed / count, 4) if count else None,
        "histogram": histogram(percents),
    }
    if not count:
        return numbers
    mean = sum(percents) / count
    numbers["mean_percent"] = round(mean, 2)
    numbers["median_percent"] = round(pystats.median(percents), 2)
    if count < 2:
        return numbers
    m2, m3, m4 = (sum((p - mean) ** power for p in percents) / count for power in (2, 3, 4))
    numbers["sd_percent"] = round(math.sqrt(count * m2 / (count - 1)), 2)
    k2 = count * m2 / (count - 1)
    if count > 2 and k2:
        k3 = count**2 * m3 / ((count - 1) * (count - 2))
        numbers["skewness"] = round(k3 / k2**1.5, 4)
    if count > 3 and k2:
        k4 = (
            count**2
            * ((count + 1) * m4 - 3 * (count - 1) * m2**2)
            / ((count - 1) * (count - 2) * (count - 3))
        )
        numbers["kurtosis"] = round(k4 / k2**2, 4)
    return numbers


def histogram(percents):
    """[{"low", "high", "count"}] of BINS bins of percentages; 100 % counts in the last."""
    width = 100 / BINS
    counts = [0] * BINS
    for value in percents:
        counts[min(max(int(value // width), 0), BINS - 1)] += 1
    return [
        {"low": round(i * width), "high": round((i + 1) * width), "count": count}
        for i, count in enumerate(counts)
    ]


# -- questions and their answers --------------------------------------------------------------
def question_catalogue(quiz, attempted):
    """{question id: answer key} of the quiz's current questions, in quiz order, then
    of the other questions its attempts had (from the newest release holding them)."""
    catalogue = {
        str(question.pk): operations.question_data(question)
        for question in operations.answerable_questions(quiz)
    }
    missing = set(attempted) - catalogue.keys()
    if missing:
        for release in Release.objects.filter(quiz=quiz).order_by("-number").only("key"):
            for question_id in sorted(missing & release.key.keys()):
                catalogue[question_id] = release.key[question_id]
            missing -= release.key.keys()
    return catalogue


def answer_options(question):
    return registry.of(question).answer_options(question)


def answer_counts(question, chosen, attempts):
    """[{"answer", "count", "percent"}] of each answer the question's type lists, `chosen`
    by {answer key: count}, in % of the `attempts` that had the question; [] for a type
    that lists none."""
    return [
        {
            "answer": label,
            "count": chosen.get(key, 0),
            "percent": percent(chosen.get(key, 0) / attempts) if attempts else None,
        }
        for key, label in answer_options(question) or ()
    ]
