"""Live notice (issue 13, acceptance d): teacher B has the quiz open when teacher A saves
its settings; within 2 seconds B's pages say so, naming A, and mark the fields A changed.

Server-Sent Events need the app under ASGI (quizzes.views.events), so these pages
are served by uvicorn from a thread of this process (quizzes.tests.asgi_server),
not by pytest-django's WSGI live_server. Two browser contexts, each signed in by its
own session cookie: A is the quiz's owner, B a colleague A shared it with as an
editor.
"""

import time

import pytest
from django.conf import settings
from playwright.sync_api import expect

from quizzes import colleagues, operations
from quizzes.tests import asgi_server
from quizzes.tests.fixtures.plugin import questions_of
from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import ARTIFACTS, TIMEOUT_MS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NOTICE_SECONDS = 2


@pytest.fixture
def asgi_url(transactional_db):
    with asgi_server.in_thread() as url:
        yield url


@pytest.fixture
def signed_in(browser, asgi_url, client_for):
    """signed_in(user) → a page in a browser context of its own, signed in as `user`."""
    contexts = []

    def open_(user):
        context = browser.new_context(
            base_url=asgi_url, locale="en-GB", viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(TIMEOUT_MS)
        cookie = client_for(user).cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": asgi_url}]
        )
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()


def test_b_sees_as_save_as_a_live_notice_within_two_seconds(
    signed_in, teacher, other_teacher, make_quiz
):
    teacher.first_name = "Léa"
    teacher.save()
    quiz = make_quiz("Planets", options={"pass_mark": 70})
    colleagues.share(quiz, other_teacher.username, "editor", teacher)
    a, b = signed_in(teacher), signed_in(other_teacher)
    b.goto(f"/quizzes/{quiz.pk}/edit/")
    b_editor = b.context.new_page()
    b_editor.goto(f"/quizzes/{quiz.pk}/")
    b.get_by_label("Tags").fill("mine")  # B's own unsaved input stays

    a.goto(f"/quizzes/{quiz.pk}/edit/")
    a.get_by_label("Pass mark (%)").fill("75")
    a.get_by_role("button", name="Save settings").click()
    expect(a.get_by_text("Quiz settings saved.")).to_be_visible()
    saved = time.monotonic()

    notice = b.locator(".live-notice")
    expect(notice).to_contain_text(
        "Léa saved the settings — review and merge", timeout=NOTICE_SECONDS * 1000
    )
    assert time.monotonic() - saved < NOTICE_SECONDS
    expect(notice).to_contain_text("Changed: Pass mark (%).")
    expect(notice.get_by_role("link", name="See the history")).to_be_visible()
    changed = b.locator(".field.live-changed")
    expect(changed).to_have_count(1)
    expect(changed).to_contain_text("Pass mark (%) (changed by Léa)")
    expect(b.get_by_label("Tags")).to_have_value("mine")
    expect(b_editor.locator(".live-notice")).to_contain_text(
        "Léa saved the settings — review and merge"
    )
    expect(
        b_editor.locator(".live-notice").get_by_role("link", name="Reload the page")
    ).to_be_visible()
    assert_accessible(b)
    directory = ARTIFACTS / "live_notice"
    directory.mkdir(parents=True, exist_ok=True)
    b.screenshot(path=directory / "settings.png", full_page=True)

    # A's own page, loaded at the version A saved, shows no notice of it.
    expect(a.locator(".live-notice")).to_be_empty()


def test_a_question_form_hears_of_another_save_of_that_question(
    signed_in, teacher, other_teacher, make_quiz
):

    quiz = make_quiz(
        "Moons",
        [
            {
                "type": "truefalse",
                "name": "Q1",
                "text": "The Moon orbits the Earth.",
                "answers": [{"text": "true", "fraction": 100}, {"text": "false", "fraction": 0}],
            }
        ],
    )
    question = questions_of(quiz)[0]
    colleagues.share(quiz, other_teacher.username, "editor", teacher)
    b = signed_in(other_teacher)
    b.goto(f"/quizzes/{quiz.pk}/questions/{question.pk}/edit/")
    expect(b.get_by_label("Question name")).to_have_value("Q1")

    operations.update_question(quiz, question, {"text": "Does the Moon orbit?"}, author=teacher)

    notice = b.locator(".live-notice")
    expect(notice).to_contain_text("teacher saved this question — review and merge")
    expect(b.locator(".live-changed")).to_contain_text("(changed by teacher)")
