"""The Django admin: lists with search and filters; content changes only through operations."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from quizzes import operations
from quizzes.models import Attempt, Question, Quiz, Release
from quizzes.results import grading_queue

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(db):
    client = Client()
    client.force_login(User.objects.create_superuser("root", password="a-long-admin-password-3"))
    return client


@pytest.fixture
def attempted_quiz(make_quiz):
    """Grace's draft quiz "Binary numbers", two questions, with one attempt of hers."""
    teacher = User.objects.create_user("grace", password="a-long-password-4")
    quiz = make_quiz(
        "Binary numbers",
        [
            {
                "type": "numerical",
                "name": "Two to the ten",
                "text": "2^10?",
                "answers": [{"value": 1024, "tolerance": 0, "fraction": 100, "feedback": "Yes"}],
            },
            {"type": "essay", "name": "Why binary", "text": "Why do computers use binary?"},
        ],
        owner=teacher,
        tags=["computing"],
    )
    # An attempt is made on a release: published once, then back to draft.
    release = operations.publish_quiz(quiz)
    operations.set_status(quiz, "draft")
    operations.record_attempt(release, {}, user=teacher)
    return quiz


@pytest.mark.parametrize(
    ("model", "query", "shown"),
    [
        ("quiz", "?q=binary", "Binary numbers"),
        ("quiz", "?q=grace", "Binary numbers"),
        ("quiz", "?status__exact=draft", "Binary numbers"),
        ("question", "?q=binary", "Why binary"),
        ("question", "?type__exact=numerical", "Two to the ten"),
        ("attempt", "?q=grace", "Binary numbers"),
        ("attempt", "?passed__exact=0", "Binary numbers"),
    ],
)
def test_changelists_search_and_filter(model, query, shown, attempted_quiz, admin):
    response = admin.get(reverse(f"admin:quizzes_{model}_changelist") + query)
    assert response.status_code == 200
    assert shown in response.content.decode()


@pytest.mark.parametrize(
    ("model", "query"),
    [("quiz", "?q=nothing-like-it"), ("question", "?type__exact=matching")],
)
def test_filters_leave_out_what_does_not_match(model, query, attempted_quiz, admin):
    response = admin.get(reverse(f"admin:quizzes_{model}_changelist") + query)
    assert "0 results" in response.content.decode()


def test_question_and_attempt_pages_are_read_only(attempted_quiz, admin):
    question = Question.objects.get(name="Two to the ten")
    page = admin.get(reverse("admin:quizzes_question_change", args=[question.pk])).content.decode()
    assert "1024" in page
    assert 'name="_save"' not in page
    attempt = Attempt.objects.get()
    response = admin.get(reverse("admin:quizzes_attempt_change", args=[attempt.pk]))
    assert response.status_code == 200
    assert admin.get(reverse("admin:quizzes_question_add")).status_code == 403


def test_handing_a_quiz_to_another_owner_bumps_its_version_and_its_attempts_follow(
    attempted_quiz, admin
):
    ada = User.objects.create_user("ada", password="a-long-password-5")
    essay = attempted_quiz.slots[1].question
    release = Release.objects.get(quiz=attempted_quiz)
    operations.record_attempt(release, {str(essay): "Two states"})  # waits for grading
    url = reverse("admin:quizzes_quiz_change", args=[attempted_quiz.pk])
    assert admin.get(url).status_code == 200
    response = admin.post(url, {"owner": str(ada.pk)})
    assert response.status_code == 302
    stored = Quiz.objects.get(pk=attempted_quiz.pk)
    assert (stored.owner, stored.version, stored.title) == (
        ada,
        attempted_quiz.version + 1,
        "Binary numbers",
    )
    assert {release.owner for release in Release.objects.filter(quiz=attempted_quiz)} == {ada}
    assert [attempt.quiz_id for attempt in grading_queue(ada)] == [attempted_quiz.pk]
    assert grading_queue(attempted_quiz.owner) == []
    assert {attempt.owner for attempt in Attempt.objects.filter(quiz=attempted_quiz)} == {ada}


def test_deleting_a_quiz_deletes_its_attempts_and_keeps_its_questions(attempted_quiz, admin):
    url = reverse("admin:quizzes_quiz_delete", args=[attempted_quiz.pk])
    assert admin.get(url).status_code == 200
    assert admin.post(url, {"post": "yes"}).status_code == 302
    questions = len(attempted_quiz.slots)
    assert (Quiz.objects.count(), Question.objects.count(), Attempt.objects.count()) == (
        0,
        questions,
        0,
    )


def test_teachers_cannot_open_the_admin(attempted_quiz):
    client = Client()
    client.force_login(User.objects.get(username="grace"))
    response = client.get(reverse("admin:quizzes_quiz_changelist"))
    assert response.status_code == 302
