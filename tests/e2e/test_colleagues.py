"""Sharing a quiz with a colleague, in a real headless Chromium (issue 13, item 0).

Two browser contexts: the owner shares the quiz from its Colleagues page (by
keyboard-reachable form, axe-core checked); the colleague finds it on their
dashboard marked with the owner's name, opens it and saves a change, which the
history names them for; the owner then makes them a viewer, and the page turns
read-only for them; a third teacher, with no share, gets 404.
"""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from playwright.sync_api import expect

from quizzes.models import Quiz, QuizShare, Revision
from quizzes.tests.fixtures.plugin import PASSWORD
from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.test_cloze import assert_no_overflow, log_in
from tests.e2e.test_history import DESKTOP, PHONE

pytestmark = pytest.mark.e2e

QUESTION = {
    "type": "truefalse",
    "name": "Sun",
    "text": "The Sun is a star.",
    "answers": [{"text": "true", "fraction": 100}, {"text": "false", "fraction": 0}],
}


def teacher_account(username, email=""):
    user = User.objects.create_user(username, email=email)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def colleague_window(browser, live_server):
    """A second browser context, where the colleague "lea" signs in."""
    teacher_account("lea", "lea@example.org")
    context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport=DESKTOP)
    context.set_default_timeout(TIMEOUT_MS)
    window = context.new_page()
    log_in(window, "lea", PASSWORD)
    yield window
    context.close()


def test_owner_shares_a_quiz_and_the_colleague_edits_it(
    page, screenshot, teacher, teacher_password, make_quiz, colleague_window, browser, live_server
):
    quiz = make_quiz("Stars", [QUESTION], owner=teacher)
    page.set_viewport_size(DESKTOP)
    log_in(page, teacher.username, teacher_password)

    # The owner reaches the Colleagues page from the editor and shares by e-mail.
    page.goto(reverse("quiz_editor", args=[quiz.pk]))
    page.get_by_role("link", name="Colleagues").click()
    expect(page.get_by_role("heading", name="Colleagues of “Stars”")).to_be_visible()
    expect(page.get_by_text("Not shared with anyone yet")).to_be_visible()
    assert_accessible(page, "the empty Colleagues page")
    page.get_by_label("User name or e-mail").fill("nobody")
    page.get_by_role("button", name="Share").click()
    expect(page.locator(".errorlist").first).to_contain_text("No teacher has the user name")
    page.get_by_label("User name or e-mail").fill("lea@example.org")
    page.get_by_label("Role", exact=True).select_option("editor")
    page.get_by_role("button", name="Share").click()
    expect(page.get_by_text("Shared with lea, who can edit.")).to_be_visible()
    expect(page.locator(".colleague-row")).to_contain_text("lea")
    assert_accessible(page, "the Colleagues page with a share")
    screenshot("colleagues-desktop")
    page.set_viewport_size(PHONE)
    assert_no_overflow(page)
    screenshot("colleagues-phone")
    page.set_viewport_size(DESKTOP)

    # The colleague finds it on their dashboard, marked with the owner's name.
    lea = colleague_window
    lea.goto(reverse("dashboard"))
    shared = lea.get_by_role("region", name="Shared with me")
    expect(shared).to_contain_text("Stars")
    expect(shared).to_contain_text("Shared by teacher · you can edit")
    assert_accessible(lea, "a dashboard with a shared quiz")
    shared.get_by_role("link", name="Stars").first.click()
    expect(lea.get_by_text("Shared with you: you can edit")).to_be_visible()
    expect(lea.get_by_role("link", name="Delete quiz")).to_have_count(0)
    lea.get_by_role("link", name="Edit settings").click()
    lea.get_by_label("Title").fill("Stars and planets")
    lea.get_by_role("button", name="Save settings").click()
    expect(lea.get_by_text("Quiz settings saved.")).to_be_visible()
    assert Quiz.objects.get(pk=quiz.pk).title == "Stars and planets"
    latest = Revision.objects.filter(quiz_id=quiz.pk).order_by("-version").first()
    assert latest.author.username == "lea"

    # The owner makes lea a viewer: her page turns read-only.
    page.reload()
    row = page.locator(".colleague-row", has_text="lea")
    row.get_by_label("Role of lea").select_option("viewer")
    row.get_by_role("button", name="Change role").click()
    expect(page.get_by_text("lea now can view.")).to_be_visible()
    lea.goto(reverse("quiz_editor", args=[quiz.pk]))
    expect(lea.locator("#read-only-notice")).to_contain_text("teacher shared this quiz with you")
    expect(lea.get_by_role("link", name="Edit settings")).to_have_count(0)
    assert_accessible(lea, "a quiz shared to view")

    # A third teacher, with no share, is told the quiz does not exist.
    teacher_account("sam")
    context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport=DESKTOP)
    context.set_default_timeout(TIMEOUT_MS)
    sam = context.new_page()
    log_in(sam, "sam", PASSWORD)
    response = sam.goto(reverse("quiz_editor", args=[quiz.pk]))
    assert response.status == 404
    context.close()

    # The owner revokes lea's share after confirming it.
    page.locator(".colleague-row", has_text="lea").get_by_role("link", name="Revoke").click()
    expect(
        page.get_by_role("heading", name="Stop sharing “Stars and planets” with lea?")
    ).to_be_visible()
    page.get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("lea no longer has access.")).to_be_visible()
    assert not QuizShare.objects.exists()
    assert lea.goto(reverse("quiz_editor", args=[quiz.pk])).status == 404


def test_owner_shares_a_category_and_the_colleague_edits_its_questions(
    page, teacher, teacher_password, colleague_window
):
    from quizzes import bank
    from quizzes.models import QuestionVersion

    top = bank.create_category(teacher, {"name": "Astronomy"})
    sub = bank.create_category(teacher, {"name": "Stars"}, top)
    question = bank.create_question(teacher, sub, QUESTION, author=teacher)
    page.set_viewport_size(DESKTOP)
    log_in(page, teacher.username, teacher_password)
    page.goto(reverse("bank_category", args=[top.pk]))
    page.get_by_role("link", name="Colleagues").click()
    page.get_by_label("User name or e-mail").fill("lea")
    page.get_by_role("button", name="Share").click()
    expect(page.get_by_text("Shared with lea, who can edit.")).to_be_visible()

    lea = colleague_window
    lea.goto(reverse("bank"))
    shared = lea.get_by_role("region", name="Shared with me")
    expect(shared).to_contain_text("Shared by teacher · you can edit")
    assert_accessible(lea, "a bank with a shared category")
    shared.get_by_role("link", name="Astronomy").click()
    expect(lea.get_by_role("heading", name="Astronomy", level=1)).to_be_visible()
    lea.get_by_role("link", name="Stars").click()
    assert_accessible(lea, "a shared category's questions")
    expect(lea.get_by_role("link", name="Edit category")).to_have_count(0)
    lea.get_by_role("link", name="Edit Sun").click()
    lea.get_by_label("Question name").fill("The Sun")
    lea.get_by_role("button", name="Save", exact=True).click()
    expect(lea.get_by_text("Question “The Sun” saved.")).to_be_visible()
    latest = QuestionVersion.objects.filter(question=question).order_by("-number").first()
    assert (latest.number, latest.author.username) == (2, "lea")
