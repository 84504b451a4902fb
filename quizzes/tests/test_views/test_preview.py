"""Taking a quiz as a learner in the preview: graded, with feedback, and nothing stored."""

import pytest
from django.urls import reverse

from quizzes import operations
from quizzes.tests.fixtures.plugin import db_snapshot, questions_of


def responses(quiz, **by_name):
    """The preview form's POST body, from responses keyed by question name."""
    body = {}
    for question in questions_of(quiz):
        if question.name in by_name:
            value = by_name[question.name]
            if isinstance(value, dict):
                body.update({f"q-{question.pk}-{stem}": match for stem, match in value.items()})
            else:
                body[f"q-{question.pk}"] = value
    return body


ALL_RIGHT = {
    "Largest planet": "0",
    "Primes": ["0", "1"],
    "Sun": "true",
    "Capital": " paris ",
    "Planets": "8",
    "Capitals": {"0": "Paris", "1": "Rome"},
    "Essay": "Because of Rayleigh scattering.",
}


def test_the_learner_sees_no_grades_or_feedback_before_submitting(quiz, owner_client):
    page = owner_client.get(reverse("quiz_preview", args=[quiz.pk])).content.decode()
    assert "Which planet is the largest?" in page
    assert "Jupiter" in page
    for secret in ("Right, Jupiter.", "Jupiter is huge.", "Bravo.", "Eight.", "fraction"):
        assert secret not in page
    assert page.count('class="card learner-question"') == 7


def test_submitting_grades_every_question_and_stores_nothing(quiz, owner_client):
    before = db_snapshot()
    response = owner_client.post(
        reverse("quiz_preview", args=[quiz.pk]), responses(quiz, **ALL_RIGHT)
    )
    assert response.status_code == 200
    attempt = response.context["attempt"]
    # Everything right; the essay (2 points) waits for the teacher.
    assert (attempt.score, attempt.max_score) == (6, 8)
    assert attempt.passed is True
    page = response.content.decode()
    assert "6 / 8" in page
    assert "Passed" in page
    assert "Right, Jupiter." in page
    assert "Jupiter is huge." in page
    assert "To be graded by the teacher" in page
    assert "Essay answers count 0 points until a teacher grades them." in page
    assert db_snapshot() == before


def test_wrong_and_missing_answers(quiz, owner_client):
    body = responses(quiz, **{"Largest planet": "1", "Primes": ["0", "2"], "Planets": "nine"})
    response = owner_client.post(reverse("quiz_preview", args=[quiz.pk]), body)
    attempt = response.context["attempt"]
    assert attempt.score == 0
    assert attempt.passed is False
    page = response.content.decode()
    assert "Mars is small." in page
    assert "4 = 2 * 2." in page
    assert "Not answered" in page
    assert "Not passed" in page
    assert "The correct answer is: Jupiter" in page


@pytest.mark.parametrize(
    "garbage",
    [
        {"q-0123456789abcdef01234567": "1"},
        {"q-x": ["1", "2"]},
    ],
)
def test_preview_ignores_garbage(garbage, quiz, owner_client):
    body = {**responses(quiz, **{"Largest planet": "99", "Sun": "maybe"}), **garbage}
    response = owner_client.post(reverse("quiz_preview", args=[quiz.pk]), body)
    assert response.status_code == 200
    assert response.context["attempt"].score == 0


def test_shuffled_choices_keep_their_ids(quiz, owner_client):
    operations.update_quiz(quiz, {"options": {"shuffle_answers": True, "shuffle_questions": True}})
    page = owner_client.get(reverse("quiz_preview", args=[quiz.pk])).content.decode()
    question = questions_of(quiz)[0]
    assert f'name="q-{question.pk}" value="0"' in page
    assert page.count('class="card learner-question"') == 7


def test_an_empty_quiz_says_what_to_do(teacher, owner_client):
    empty = operations.create_quiz(teacher, {"title": "Empty"})
    page = owner_client.get(reverse("quiz_preview", args=[empty.pk])).content.decode()
    assert "This quiz has no questions yet" in page


def test_markdown_preview_renders_sanitised_html(owner_client):
    response = owner_client.post(
        reverse("markdown_preview"),
        {"field": "general_feedback", "general_feedback": "**bold** <script>x()</script>"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>bold</strong>" in html
    assert "<script" not in html
    plain = owner_client.post(
        reverse("markdown_preview"), {"text": "**not bold**", "text_format": "plain"}
    )
    assert "<p>**not bold**</p>" in plain.content.decode()
    empty = owner_client.post(reverse("markdown_preview"), {"text": ""})
    assert "Nothing to preview yet." in empty.content.decode()
