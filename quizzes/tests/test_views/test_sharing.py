"""Sharing in the teachers' UI: the options form, the share panel, the QR code files, /join/."""

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes import operations
from quizzes.models import Quiz
from quizzes.tests.fixtures.plugin import db_snapshot
from quizzes.tests.test_views.conftest import quiz_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(quiz):
    """The "Astronomy" quiz, published: it has its share code."""
    operations.publish_quiz(quiz)
    return Quiz.objects.get(pk=quiz.pk)


# -- options ------------------------------------------------------------------------------
def test_the_settings_form_stores_the_new_options_in_the_current_time_zone(quiz, owner_client):
    url = reverse("quiz_edit", args=[quiz.pk])
    form = owner_client.get(url).content.decode()
    assert 'type="datetime-local"' in form and 'name="access"' in form
    body = quiz_post(
        quiz.version,
        opens_at="2026-09-01T08:30",
        closes_at="2026-09-08T18:00",
        access="signed_in",
        attempts_allowed="2",
        one_per_page="on",
        show_feedback="on",
    )
    with timezone.override("Europe/Paris"):
        response = owner_client.post(url, body)
        assert response.status_code == 302, response.content.decode()[:2000]
        options = Quiz.objects.get(pk=quiz.pk).options
        assert options.opens_at.isoformat() == "2026-09-01T06:30:00+00:00"
        assert (options.access, options.attempts_allowed, options.one_per_page) == (
            "signed_in",
            2,
            True,
        )
        assert (options.show_score, options.show_feedback) == (False, True)
        assert options.show_correct_answers is False
        again = owner_client.get(url).content.decode()
    assert 'value="2026-09-01T08:30"' in again  # shown as typed, in the same time zone
    editor = owner_client.get(reverse("quiz_editor", args=[quiz.pk])).content.decode()
    assert "Signed-in users only" in editor


def test_the_settings_form_refuses_bad_options_and_saves_nothing(quiz, owner_client):
    before = db_snapshot()
    response = owner_client.post(
        reverse("quiz_edit", args=[quiz.pk]),
        quiz_post(
            quiz.version,
            opens_at="2026-09-08T08:30",
            closes_at="2026-09-01T08:30",
            attempts_allowed="0",
        ),
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["closes_at"] == ["The quiz must close after it opens."]
    assert form.errors["attempts_allowed"] == ["Enter a number from 1 to 100."]
    assert db_snapshot() == before


def test_empty_options_are_no_limit(quiz, owner_client):
    response = owner_client.post(
        reverse("quiz_edit", args=[quiz.pk]),
        quiz_post(quiz.version, opens_at="", closes_at="", attempts_allowed="", access=""),
    )
    assert response.status_code == 302
    options = Quiz.objects.get(pk=quiz.pk).options
    assert options.opens_at is options.closes_at is options.attempts_allowed is None
    assert options.access == "link"


# -- the share panel and the QR code ----------------------------------------------------------
def test_a_draft_has_no_share_panel(quiz, owner_client):
    page = owner_client.get(reverse("quiz_editor", args=[quiz.pk])).content.decode()
    assert 'id="share-link"' not in page


def test_the_editor_shares_a_published_quiz(shared, owner_client):
    page = owner_client.get(reverse("quiz_editor", args=[shared.pk])).content.decode()
    link = f"http://testserver/q/{shared.share_code}/"
    assert f'value="{link}"' in page and "readonly" in page
    assert f'class="share-code" aria-labelledby="share-code-label">{shared.share_code}<' in page
    assert '<svg viewBox="' in page and "<title>QR code of the link" in page
    assert reverse("quiz_qr", args=[shared.pk, "svg"]) in page
    assert "Copy link" in page


@pytest.mark.parametrize(
    ("kind", "content_type", "start"),
    [("svg", "image/svg+xml", b"<?xml"), ("png", "image/png", b"\x89PNG")],
)
def test_the_owner_downloads_the_qr_code(shared, owner_client, kind, content_type, start):
    response = owner_client.get(reverse("quiz_qr", args=[shared.pk, kind]))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="Astronomy QR code.{kind}"'
    assert response.content.startswith(start)


def test_only_the_owner_gets_the_qr_code(shared, quiz, client_for, other_teacher, owner_client):
    url = reverse("quiz_qr", args=[shared.pk, "svg"])
    assert client_for(other_teacher).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 404
    assert owner_client.get(reverse("quiz_qr", args=[shared.pk, "gif"])).status_code == 404
    draft = operations.duplicate_quiz(quiz, quiz.owner)
    assert owner_client.get(reverse("quiz_qr", args=[draft.pk, "svg"])).status_code == 404


# -- /join/ ------------------------------------------------------------------------------------
def test_join_sends_a_typed_code_to_the_start_page(shared, client_for):
    anonymous = client_for(None, enforce_csrf_checks=False)
    page = anonymous.get(reverse("join")).content.decode()
    assert 'name="code"' in page and "Quiz code" in page
    code = shared.share_code
    typed = f" {code[:3].lower()} - {code[3:].lower()} "
    response = anonymous.post(reverse("join"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("player:start", kwargs={"code": code})


@pytest.mark.parametrize("typed", ["", "ABCDEFG", "nonsense!", "x" * 500])
def test_join_shows_the_form_again_for_a_code_of_no_open_quiz(shared, client_for, typed):
    response = client_for(None).post(reverse("join"), {"code": typed})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert 'aria-invalid="true"' in response.content.decode()


def test_join_refuses_the_code_of_an_unpublished_quiz(shared, client_for):
    operations.set_status(shared, "draft")
    response = client_for(None).post(reverse("join"), {"code": shared.share_code})
    assert response.status_code == 200
    assert "No quiz is open with this code." in response.content.decode()


def test_the_header_links_anonymous_visitors_to_join(client_for, owner_client):
    assert f'href="{reverse("join")}"' in client_for(None).get(reverse("join")).content.decode()
    assert "Join a quiz" not in owner_client.get("/").content.decode()
