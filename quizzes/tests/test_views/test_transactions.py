"""A failure in the middle of a request leaves nothing half done.

Delete, adding, editing and duplicating a question each write several
documents. A non-transient
server error injected (failCommand) after the first of those writes fails
the request with a 500, and the request's transaction (sessions_mw) takes the
first write back. A transient error is retried: the change happens once.
"""

import pytest
from django.urls import reverse

from quizzes.models import Quiz
from quizzes.tests.fixtures.plugin import db_snapshot, questions_of
from quizzes.tests.test_views.conftest import question_post

BAD_VALUE = 2  # a plain, non-transient server error
WRITE_CONFLICT = 112


def fail_after_first(client, command):
    """Let the request's first `command` through, fail every later one."""
    client.admin.command(
        "configureFailPoint",
        "failCommand",
        mode={"skip": 1},
        data={"failCommands": [command], "errorCode": BAD_VALUE},
    )


@pytest.fixture
def crashing_client(teacher, client_for):
    """A logged-in client that gets the 500 page instead of the exception."""
    return client_for(teacher, raise_request_exception=False)


# (the command that fails the second time, the URL, the POST body): why it is mid-request.
HALF_DONE = {
    # Attempts are deleted first, then the quiz: the second delete fails.
    "delete quiz": (
        "delete",
        lambda quiz: reverse("quiz_delete", args=[quiz.pk]),
        lambda quiz: {"version": quiz.version},
    ),
    # The quiz's version is bumped first, then the question: that update fails.
    "edit question": (
        "update",
        lambda quiz: reverse("question_edit", args=[quiz.pk, questions_of(quiz)[0].pk]),
        lambda quiz: question_post(quiz.version, name="Renamed"),
    ),
    # The question is inserted first, then its version 1: that insert fails.
    "add question": (
        "insert",
        lambda quiz: reverse("question_add", args=[quiz.pk, "multichoice"]),
        lambda quiz: question_post(quiz.version, name="Added"),
    ),
    # The copy is inserted first, then its version 1: that insert fails.
    "duplicate question": (
        "insert",
        lambda quiz: reverse("question_duplicate", args=[quiz.pk, questions_of(quiz)[0].pk]),
        lambda quiz: {"version": quiz.version},
    ),
}


@pytest.mark.parametrize("case", HALF_DONE)
def test_a_failure_mid_request_leaves_nothing_half_done(case, quiz, crashing_client, mongo_client):
    command, url, body = HALF_DONE[case]
    before = db_snapshot()
    fail_after_first(mongo_client, command)
    response = crashing_client.post(url(quiz), body(quiz))
    mongo_client.admin.command("configureFailPoint", "failCommand", mode="off")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert db_snapshot() == before


def test_a_transient_error_is_retried_and_the_copy_made_once(quiz, owner_client, mongo_client):
    mongo_client.admin.command(
        "configureFailPoint",
        "failCommand",
        mode={"times": 1},
        data={
            "failCommands": ["insert"],
            "errorCode": WRITE_CONFLICT,
            "errorLabels": ["TransientTransactionError"],
        },
    )
    response = owner_client.post(reverse("quiz_duplicate", args=[quiz.pk]), follow=True)
    assert response.status_code == 200
    assert Quiz.objects.filter(title="Astronomy (copy)").count() == 1
    copy = Quiz.objects.get(title="Astronomy (copy)")
    assert len(questions_of(copy)) == 7
    messages = [str(m) for m in response.context["messages"]]
    assert messages == ["Copy created: you are now editing “Astronomy (copy)”."]
