"""Releases in the teachers' UI: publishing, "Publish changes", empty and archived quizzes."""

import pytest
from django.urls import reverse

from quizzes import bank, operations, releases
from quizzes.models import Quiz, Release
from quizzes.tests.fixtures.plugin import db_snapshot, question_named
from quizzes.tests.test_views.test_quizzes import messages_of

pytestmark = pytest.mark.django_db

PUBLISH_CHANGES = '<button type="submit" class="btn" name="status" value="published">'
EMPTY = "A quiz with no question cannot be published"
ARCHIVED = "This quiz is archived, so it is read-only"


def set_status(client, quiz, status, **options):
    quiz.refresh_from_db()
    body = {"version": quiz.version, "status": status}
    return client.post(reverse("quiz_status", args=[quiz.pk]), body, **options)


def editor(client, quiz):
    return client.get(reverse("quiz_editor", args=[quiz.pk])).content.decode()


def test_publish_then_publish_changes(owner_client, quiz):
    response = set_status(owner_client, quiz, "published", follow=True)
    assert "Quiz published: learners can now take it." in messages_of(response)
    page = response.content.decode()
    assert "Learners get release 1, published on" in page
    assert PUBLISH_CHANGES not in page  # nothing changed since

    question = question_named(quiz, "Sun")
    bank.update_question(question, {"text": "The Sun is a planet."})
    page = editor(owner_client, quiz)
    assert "learners will get your changes once you publish them" in page
    assert PUBLISH_CHANGES + "Publish changes" in page

    response = set_status(owner_client, quiz, "published", follow=True)
    assert messages_of(response)[0].startswith("Changes published:")
    live = releases.live_release(quiz)
    assert live.number == 2
    assert live.learner[str(question.pk)]["text"] == "The Sun is a planet."
    assert live.author.username == "teacher"


def test_an_empty_quiz_cannot_be_published(owner_client, make_quiz):
    empty = make_quiz("Empty")
    before = db_snapshot()
    response = set_status(owner_client, empty, "published")
    assert response.status_code == 409
    assert any(EMPTY in message for message in messages_of(response))
    assert db_snapshot() == before
    assert not Release.objects.exists()


def url_args(quiz, extra):
    """The URL arguments of a page of `quiz`: its id, then `extra`, "Sun" naming that question."""
    return [quiz.pk, *(question_named(quiz, x).pk if x == "Sun" else x for x in extra)]


@pytest.fixture
def archived_quiz(quiz):
    return operations.set_status(quiz, "archived")


def test_an_archived_quiz_shows_a_notice_and_no_edit_controls(owner_client, archived_quiz):
    page = editor(owner_client, archived_quiz)
    assert ARCHIVED in page
    question = question_named(archived_quiz, "Sun")
    for name, args in [
        ("quiz_edit", [archived_quiz.pk]),
        ("question_edit", [archived_quiz.pk, question.pk]),
        ("question_add", [archived_quiz.pk, "essay"]),
        ("question_reorder", [archived_quiz.pk]),
        ("quiz_add_from_bank", [archived_quiz.pk]),
    ]:
        assert reverse(name, args=args) not in page, name
    assert "Restore as draft" in page


@pytest.mark.parametrize(
    ("name", "extra"),
    [
        ("quiz_edit", []),
        ("question_add", ["essay"]),
        ("question_edit", ["Sun"]),
        ("question_delete", ["Sun"]),
        ("quiz_add_from_bank", []),
    ],
)
def test_editing_pages_of_an_archived_quiz_go_to_the_notice(
    owner_client, archived_quiz, name, extra
):
    args = url_args(archived_quiz, extra)
    response = owner_client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"] == reverse("quiz_editor", args=[archived_quiz.pk])


@pytest.mark.parametrize(
    ("name", "extra", "body"),
    [
        ("quiz_edit", [], {"title": "New", "pass_mark": 50}),
        ("question_add", ["essay"], {"name": "New", "text": "New?"}),
        ("question_edit", ["Sun"], {"name": "New", "text": "New?"}),
        ("question_delete", ["Sun"], {}),
        ("question_duplicate", ["Sun"], {}),
        ("question_move_down", ["Sun"], {}),
        ("quiz_add_from_bank", [], {"questions": []}),
        ("quiz_slot_remove", [], {"slot": "first"}),
    ],
)
def test_changes_to_an_archived_quiz_are_refused(owner_client, archived_quiz, name, extra, body):
    args = url_args(archived_quiz, extra)
    if body.get("slot") == "first":
        body = {"slot": str(archived_quiz.slots[0].uid)}
    before = db_snapshot()
    response = owner_client.post(
        reverse(name, args=args), {"version": archived_quiz.version, **body}
    )
    assert response.status_code == 409
    assert any(ARCHIVED in message for message in messages_of(response))
    assert db_snapshot() == before


def test_an_archived_quiz_is_restored_as_a_draft_then_editable(owner_client, archived_quiz):
    response = set_status(owner_client, archived_quiz, "draft", follow=True)
    assert Quiz.objects.get(pk=archived_quiz.pk).status == "draft"
    page = response.content.decode()
    assert ARCHIVED not in page
    assert reverse("quiz_edit", args=[archived_quiz.pk]) in page
