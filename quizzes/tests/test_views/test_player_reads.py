"""MongoDB commands of the player's question page: the same for 1 question as for 1,000,
and its live release read without the answer key."""

import pytest
from django.test import Client
from django.urls import reverse

from quizzes import operations
from quizzes.models import Attempt, Release
from quizzes.tests.test_api.test_reads import questions
from sessions_mw.tests.conftest import CommandRecorder, backend_client_with


@pytest.mark.parametrize("count", [1, 1000])
def test_the_question_page_reads_the_live_release_and_the_attempt(make_quiz, count):
    quiz = make_quiz("Big", questions(count), options={"one_per_page": True})
    operations.publish_quiz(quiz)
    learner = Client()
    started = learner.post(reverse("player:start", args=[quiz.share_code]), {"name": "Ada"})
    assert started.status_code == 303
    recorder = CommandRecorder()
    with backend_client_with(recorder):
        response = learner.get(started["Location"] + "?page=2")
    assert response.status_code == 200
    shown = min(2, count) - 1  # the second page, or the only one
    assert f"{shown} + {shown}?".encode() in response.content
    assert [(name, command[name]) for name, command in recorder.commands] == [
        ("find", Release._meta.db_table),
        ("aggregate", Attempt._meta.db_table),
    ]
    # Without the answer key, which a page that grades nothing does not need.
    assert recorder.commands[0][1]["projection"] == {"key": False}
