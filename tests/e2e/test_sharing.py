"""Sharing a quiz, in a real headless Chromium, at desktop and phone sizes.

A teacher publishes a quiz and finds its Share panel: the link (copied by
keyboard with "Copy link"), the code in large letters, the QR code inline as
SVG and its download. A learner types the code at /join/ in lowercase with
spaces and lands on the player's start page; a wrong code shows the form
again with the error. axe-core finds nothing on the editor with its share
panel, nor on /join/ (with and without the error); nothing overflows a phone.
"""

import pytest
from playwright.sync_api import expect

from quizzes.models import Quiz
from quizzes.tests.test_sharing import TRUE_FALSE
from tests.e2e.accessibility import assert_accessible
from tests.e2e.test_cloze import DESKTOP, PHONE, assert_no_overflow, log_in

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_share_a_quiz_and_join_it_by_its_code(
    page, screenshot, browser, live_server, teacher, teacher_password, make_quiz, viewport
):
    quiz = make_quiz("Sky and sea", [TRUE_FALSE])
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.set_viewport_size(viewport)
    log_in(page, teacher.username, teacher_password)

    # Publish: the editor shows the Share panel.
    page.goto(f"/quizzes/{quiz.pk}/")
    expect(page.get_by_role("heading", name="Share with learners")).to_have_count(0)
    page.get_by_role("button", name="Publish", exact=True).click()
    panel = page.locator(".share-panel")
    expect(panel.get_by_role("heading", name="Share with learners")).to_be_visible()
    code = Quiz.objects.get(pk=quiz.pk).share_code
    link = panel.get_by_label("Link")
    expect(link).to_have_value(f"{live_server.url}/q/{code}/")
    expect(panel.locator(".share-code")).to_have_text(code)
    expect(panel.locator("svg.qr-code title")).to_have_count(1)
    expect(panel.get_by_role("link", name="Download QR code (SVG)")).to_have_attribute(
        "href", f"/quizzes/{quiz.pk}/qr.svg"
    )
    assert_accessible(page, "on the editor with its share panel")
    assert_no_overflow(page)
    screenshot("share-panel")

    # Copy the link by keyboard: from the link, Tab reaches "Copy link"; Enter copies.
    link.focus()
    assert page.evaluate("() => document.activeElement.selectionEnd") == len(link.input_value())
    page.keyboard.press("Tab")
    expect(panel.get_by_role("button", name="Copy link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(panel.get_by_role("status")).to_have_text("Link copied.")
    assert page.evaluate("() => navigator.clipboard.readText()") == link.input_value()

    # The QR code downloads as a file named after the quiz.
    with page.expect_download() as download:
        panel.get_by_role("link", name="Download QR code (SVG)").click()
    assert download.value.suggested_filename == "Sky and sea QR code.svg"

    # A learner joins with the code typed in lowercase with spaces.
    context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport=viewport)
    try:
        join_by_code(context.new_page(), code, live_server.url)
    finally:
        context.close()


def join_by_code(learner, code, base_url):
    """At /join/ (from the header), a wrong code, then `code` typed loosely: its start page."""
    learner.goto("/")
    learner.get_by_role("link", name="Join a quiz").click()
    expect(learner.get_by_role("heading", name="Join a quiz", level=1)).to_be_visible()
    assert_accessible(learner, "on /join/")
    assert_no_overflow(learner)
    field = learner.get_by_label("Quiz code")
    field.fill("nothing")
    field.press("Enter")
    expect(learner.get_by_role("alert")).to_contain_text("No quiz is open with this code.")
    expect(field).to_have_attribute("aria-invalid", "true")
    assert_accessible(learner, "on /join/ with its error")
    field.fill(f" {code[:3].lower()} {code[3:].lower()} ")
    field.press("Enter")
    expect(learner).to_have_url(f"{base_url}/q/{code}/")
