"""Multi-document endpoints under injected server errors (the failCommand fail point).

These rely on sessions_mw's middleware running every mutating view in one
transaction: a transient error makes it run the view again, which must then
write everything exactly once; any other error aborts the transaction, which
must leave no trace of the writes made before it. Attempts are the
exception: graded first, then stored with one insert outside any transaction
(hot quizzes must not contend), whose transient failure the driver retries
as a retryable write.
"""

from contextlib import contextmanager

import pytest

from quizzes import operations, releases
from quizzes.attempts import attempt_counts
from quizzes.models import Attempt, Quiz
from quizzes.tests.fixtures.plugin import questions_of, token_client, version_snapshot
from quizzes.tests.test_api.conftest import (
    QUESTIONS,
    RIGHT_RESPONSES,
    question_ids,
    quiz_url,
)
from quizzes.tests.test_api.test_concurrency import race

pytestmark = pytest.mark.django_db(transaction=True)

WRITE_CONFLICT = 112
BAD_VALUE = 2
PRIMARY_STEPPED_DOWN = 189


@contextmanager
def failing(client, command, mode, transient):
    """Make the server fail `command` as `mode` says, for the duration of the block.

    `transient`: a write conflict inside a transaction; "retryable": a
    stepped-down primary, which a driver retries for a write outside one.
    Yields a dict whose "count", once the block is left, is how many times
    the fail point was reached (skipped runs included).
    """
    data = {"failCommands": [command], "errorCode": WRITE_CONFLICT if transient else BAD_VALUE}
    if transient == "retryable":
        data |= {"errorCode": PRIMARY_STEPPED_DOWN, "errorLabels": ["RetryableWriteError"]}
    elif transient:
        data["errorLabels"] = ["TransientTransactionError"]
    client.admin.command("configureFailPoint", "failCommand", mode=mode, data=data)
    reached = {}
    try:
        yield reached
    finally:
        off = client.admin.command("configureFailPoint", "failCommand", mode="off")
        reached["count"] = off["count"]


@pytest.fixture
def scene(published, teacher):
    """The published quiz with one attempt, next to another quiz that must stay untouched."""
    operations.record_attempt(releases.live_release(published), {})
    bystander = operations.create_quiz(teacher, {"title": "Bystander"}, [QUESTIONS["essay"]])
    return published, bystander


def request_of(name, quiz):
    """(method, url, body) of the transactional endpoint `name`."""
    ids = question_ids(quiz)
    responses = {ids[kind]: RIGHT_RESPONSES[kind] for kind in ids}
    return {
        "delete": ("delete", quiz_url(quiz), None),
        "reorder": ("post", quiz_url(quiz, "reorder/"), {"order": list(ids.values())[::-1]}),
        "duplicate": ("post", quiz_url(quiz, "duplicate/"), None),
        "attempt": ("post", f"/api/v1/published/{quiz.pk}/attempts/", {"responses": responses}),
        "add question": ("post", quiz_url(quiz, "questions/"), QUESTIONS["essay"]),
        "edit question": (
            "patch",
            quiz_url(quiz, f"questions/{ids['essay']}/"),
            {"name": "Renamed"},
        ),
    }[name]


def check_done_once(name, quiz, bystander):
    """The state after `name` succeeded exactly once."""
    others = Quiz.objects.exclude(pk__in=[quiz.pk, bystander.pk])
    if name == "delete":
        assert not Quiz.objects.filter(pk=quiz.pk).exists()
        assert not Attempt.objects.filter(quiz_id=quiz.pk).exists()
    elif name == "reorder":
        names = [question.name for question in questions_of(quiz)]
        assert names == [question["name"] for question in QUESTIONS.values()][::-1]
        assert Quiz.objects.get(pk=quiz.pk).version == quiz.version + 1
    elif name == "duplicate":
        copy = others.get()
        assert len(questions_of(copy)) == len(QUESTIONS)
    elif name == "attempt":
        assert Attempt.objects.filter(quiz=quiz).count() == 2
        assert attempt_counts([quiz.pk]) == {quiz.pk: 2}
    if name != "duplicate":
        assert not others.exists()
    assert len(questions_of(bystander)) == 1


# (endpoint, command whose first run fails)
TRANSIENT = [
    ("delete", "delete"),
    ("reorder", "update"),
    ("duplicate", "insert"),
    ("attempt", "insert"),
]


@pytest.mark.parametrize(("name", "command"), TRANSIENT)
def test_a_transient_error_is_retried_and_the_work_done_once(
    api, scene, mongo_client, name, command
):
    quiz, bystander = scene
    method, url, body = request_of(name, quiz)
    transient = "retryable" if name == "attempt" else True
    with failing(mongo_client, command, {"times": 1}, transient=transient) as reached:
        response = getattr(api, method)(url, body)
    assert reached["count"] >= 1
    assert response.status_code in (200, 201, 204), response.content
    check_done_once(name, quiz, bystander)


# (endpoint, command, how many of its runs succeed before one fails)
FATAL = [
    ("delete", "delete", 1),  # attempts deleted, then the quiz fails
    ("reorder", "update", 0),  # the one write of a reorder fails
    ("duplicate", "insert", 0),  # the copy (one document: slots are embedded) fails
    ("add question", "insert", 1),  # question inserted, then its version 1 fails
    ("edit question", "update", 1),  # quiz version bumped, then the question fails
    ("edit question", "insert", 0),  # both bumped, then the new version fails
    ("attempt", "insert", 0),  # the attempt's one write fails: nothing else to undo
]


@pytest.mark.parametrize(("name", "command", "skip"), FATAL)
def test_an_error_mid_way_leaves_no_partial_state(api, scene, mongo_client, name, command, skip):
    quiz, _bystander = scene
    api.raise_request_exception = False
    before = version_snapshot()
    method, url, body = request_of(name, quiz)
    with failing(mongo_client, command, {"skip": skip}, transient=False) as reached:
        response = getattr(api, method)(url, body)
    assert reached["count"] > skip
    assert response.status_code == 500
    assert version_snapshot() == before


def test_racing_question_adds_lose_no_question(secret_quiz, teacher):
    """Each add reads the count to place its question: the losers of the race retry."""
    clients = [token_client(teacher) for _ in range(4)]
    url = quiz_url(secret_quiz, "questions/")
    responses = race(
        4, lambda i: clients[i].post(url, {**QUESTIONS["essay"], "name": f"added {i}"})
    )
    assert [response.status_code for response in responses] == [201] * 4
    stored = Quiz.objects.get(pk=secret_quiz.pk)
    total = len(QUESTIONS) + 4
    assert (stored.question_count, stored.version) == (total, 5)
    names = {question.name for question in questions_of(secret_quiz)}
    assert {f"added {i}" for i in range(4)} <= names and len(names) == total
