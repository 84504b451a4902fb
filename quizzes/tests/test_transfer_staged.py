"""The UI and API imports take the command's path (quizzes.formats.store) within the
request: large files staged and visible at the end, the preview's report, the bank only."""

import pytest
from django.urls import reverse

from quizzes.access import bank_questions
from quizzes.formats import store
from quizzes.models import Category, ImportRun, Question, Quiz
from quizzes.tests.fixtures.samples import fixture
from quizzes.tests.test_commands_staged import (
    break_batch,
    gift_file,
    small_batches,
    visible,
    watch_batches,
)
from quizzes.tests.test_transfer_api import send
from quizzes.tests.test_transfer_ui import PAYLOAD, page_text, upload

pytestmark = pytest.mark.django_db

__all__ = ["break_batch", "small_batches", "watch_batches"]  # fixtures used here


def test_the_ui_stages_a_large_file_within_the_request(teacher, owner_client, watch_batches):
    response = owner_client.post(
        reverse("quiz_import"), {"file": upload("big.gift", gift_file(10)), "import_now": "1"}
    )
    quiz = Quiz.objects.get()
    assert response.status_code == 302 and response.url == reverse("quiz_editor", args=[quiz.pk])
    assert watch_batches == [(0, 0, 0)] * 3
    assert visible(teacher) == (10, 4, 1)
    assert Category.objects.get(pk=quiz.category).name == "big"


def test_the_api_stages_a_large_file_within_the_request(teacher, api, watch_batches):
    response = send(api, "big.gift", gift_file(10))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (len(body["quizzes"]), body["questions"], body["bank_only"]) == (1, 10, [])
    assert watch_batches == [(0, 0, 0)] * 3
    assert visible(teacher) == (10, 4, 1)


def test_a_request_failing_midway_leaves_nothing(teacher, api, break_batch):
    api.raise_request_exception = False
    break_batch(2)
    response = send(api, "big.gift", gift_file(10))
    assert response.status_code == 500
    assert visible(teacher) == (0, 0, 0)
    assert (Category.objects.count(), Question.objects.count(), ImportRun.objects.count()) == (
        0,
        0,
        0,
    )


def test_the_api_imports_into_the_bank_only_when_asked_or_when_a_quiz_cannot_hold_it(
    teacher, api, monkeypatch
):
    response = send(api, "small.gift", gift_file(3), "?bank_only=true")
    assert response.status_code == 201
    assert (response.json()["quizzes"], Quiz.objects.count()) == ([], 0)
    monkeypatch.setattr(store, "SLOTS_MAX", 5)
    response = send(api, "big.gift", gift_file(6))
    assert response.status_code == 201
    assert response.json()["bank_only"] == [
        "“big” has 6 questions, more than a quiz holds (5): its questions are in the bank "
        "only; build smaller quizzes from them."
    ]
    assert (Quiz.objects.count(), bank_questions(teacher).count()) == (0, 9)


def test_the_preview_lists_the_questions_and_what_is_left_out(owner_client):
    response = owner_client.post(
        reverse("quiz_import"), {"file": upload("Cells.xml", fixture("moodle4_biology.xml"))}
    )
    assert response.status_code == 200
    text = page_text(response)
    assert "Questions and import notes" in text
    assert "(left out)" in text and "the question type “ddwtos” is not supported: skipped" in text
    assert "<td>314</td>" in text
    assert (Quiz.objects.count(), Question.objects.count()) == (0, 0)


def test_the_preview_of_a_large_file_lists_the_first_questions(owner_client, monkeypatch):
    monkeypatch.setattr("quizzes.views.transfer.PREVIEW_ROWS", 3)
    content = gift_file(10) + "\n::Odd::Pick {\n=a\n~%abc%b\n}\n"
    response = owner_client.post(reverse("quiz_import"), {"file": upload("big.gift", content)})
    text = page_text(response)
    assert "11 questions" in text
    assert "<td>Q0</td>" in text and "<td>Q2</td>" in text and "<td>Q3</td>" not in text
    assert "<td>Odd</td>" in text and "“%abc%” is not a weight" in text
    assert "… and 7 more questions without notes." in text
    assert Question.objects.count() == 0


def test_a_ui_import_into_the_bank_only_says_why(owner_client, monkeypatch):
    monkeypatch.setattr(store, "SLOTS_MAX", 5)
    response = owner_client.post(
        reverse("quiz_import"),
        {"file": upload("big.gift", gift_file(6)), "import_now": "1"},
        follow=True,
    )
    text = page_text(response)
    assert "Imported 6 questions into your question bank." in text
    assert "more than a quiz holds (5)" in text
    assert Quiz.objects.count() == 0


def test_a_preview_confirmed_into_the_bank_only_makes_no_quiz(teacher, owner_client):
    preview = owner_client.post(
        reverse("quiz_import"), {"file": upload("few.gift", gift_file(3)), "bank_only": "on"}
    )
    assert "3 questions go into your question bank only" in page_text(preview)
    payload = PAYLOAD.search(preview.content.decode()).group(1)
    response = owner_client.post(reverse("quiz_import_confirm"), {"payload": payload})
    assert response.status_code == 302
    assert (Quiz.objects.count(), bank_questions(teacher).count()) == (0, 3)
