"""A quiz longer than one page of the editor, in a real headless Chromium.

The editor shows its questions a page at a time: the page links work from the
keyboard, ↑ carries a question from the top of a page to the one before (the
editor follows it), drag and drop reorders the questions of the page shown,
and axe-core finds nothing on a page with its page links, at desktop and
phone sizes (where nothing is wider than the screen).
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from quizzes.tests.fixtures.plugin import questions_of
from quizzes.views.editor import PAGE_SIZE
from tests.e2e.accessibility import assert_accessible
from tests.e2e.test_cloze import DESKTOP, PHONE, assert_no_overflow, log_in

pytestmark = pytest.mark.e2e


def names(page):
    """The names in the editor's list, without the number only screen readers hear."""
    links = page.locator(".question-item .question-name").all_text_contents()
    return [re.sub(r"^\s*Question \d+:\s*", "", link).strip() for link in links]


def test_a_quiz_of_two_pages(page, screenshot, teacher, teacher_password, make_quiz):
    count = PAGE_SIZE + 5
    questions = [
        {"type": "essay", "name": f"Q{number}", "text": f"Question {number}"}
        for number in range(1, count + 1)
    ]
    quiz = make_quiz("A long quiz", questions)
    editor = reverse("quiz_editor", args=[quiz.pk])
    page.set_viewport_size(DESKTOP)
    log_in(page, teacher.username, teacher_password)
    page.goto(editor)
    assert names(page) == [f"Q{number}" for number in range(1, PAGE_SIZE + 1)]
    expect(page.get_by_text(f"Questions 1 to {PAGE_SIZE} of {count}.")).to_be_visible()
    pages = page.get_by_role("navigation", name="Pages of questions")
    expect(pages.get_by_role("link", name="Page 1")).to_have_attribute("aria-current", "page")
    assert_accessible(page, "on the first page of the editor")
    screenshot("first-page")
    page.set_viewport_size(PHONE)
    assert_no_overflow(page)
    assert_accessible(page, "on the first page of the editor at phone size")
    page.set_viewport_size(DESKTOP)

    # The next page by keyboard: its link takes the focus (with a ring) and Enter follows it.
    second = pages.get_by_role("link", name="Page 2")
    second.focus()
    assert page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"\?page=2$"))
    assert names(page) == [f"Q{number}" for number in range(PAGE_SIZE + 1, count + 1)]
    screenshot("second-page")

    # ↑ on the first question of page 2 swaps it with the last of page 1; the editor follows it.
    first_of_second = f"Q{PAGE_SIZE + 1}"
    page.get_by_role("button", name=f"Move “{first_of_second}” up").click()
    expect(page.locator(".message-success")).to_have_text(f"Question “{first_of_second}” moved.")
    expect(page).to_have_url(re.compile(rf"{editor}#move-up-[0-9a-f]+$"))
    expect(page.get_by_role("button", name=f"Move “{first_of_second}” up")).to_be_focused()
    assert names(page)[-2:] == [f"Q{PAGE_SIZE - 1}", first_of_second]

    # Drag and drop on page 2: its last question to its top; the other pages stay put.
    page.goto(f"{editor}?page=2")
    before = [question.name for question in questions_of(quiz)]
    items = page.locator(".question-item")
    items.nth(4).locator(".drag-handle").drag_to(items.nth(0))
    expect(page.locator(".message-success")).to_have_text("New order saved.")
    expected = [before[-1], *before[PAGE_SIZE:-1]]
    assert names(page) == expected
    assert [question.name for question in questions_of(quiz)] == before[:PAGE_SIZE] + expected
    screenshot("second-page-reordered")
