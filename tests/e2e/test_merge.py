"""Two editors of one quiz at once, in a real headless Chromium (issue 13, acceptance a-c).

Two browser contexts (two windows of the same teacher: sharing with colleagues
is tested elsewhere) load the same page, then save one after the other:

(a) one sets the pass mark, the other the tags: both kept, and the second is
    told what was merged;
(b) both change the title: the second gets the fields side by side, chooses
    "Yours" with the keyboard and saves again;
(c) one edits question 3 while the other edits question 5: no conflict.

(e), restoring an older revision from the history page, is
tests/e2e/test_history.py::test_teacher_restores_an_older_revision_from_the_history.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from quizzes.models import Quiz
from quizzes.tests.fixtures.plugin import questions_of
from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.test_cloze import assert_no_overflow, log_in
from tests.e2e.test_history import DESKTOP, PHONE

pytestmark = pytest.mark.e2e


def truefalse(number):
    return {
        "type": "truefalse",
        "name": f"Question {number}",
        "text": f"Statement {number}.",
        "answers": [{"text": "true", "fraction": 100}, {"text": "false", "fraction": 0}],
    }


@pytest.fixture
def stars(make_quiz, teacher):
    return make_quiz("Stars", [truefalse(n) for n in range(1, 6)], owner=teacher, tags=["sky"])


@pytest.fixture
def other_window(browser, live_server, teacher, teacher_password):
    """A second browser context where the same teacher is signed in."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport=DESKTOP)
    context.set_default_timeout(TIMEOUT_MS)
    window = context.new_page()
    log_in(window, teacher.username, teacher_password)
    yield window
    context.close()


@pytest.fixture
def window(page, teacher, teacher_password):
    page.set_viewport_size(DESKTOP)
    log_in(page, teacher.username, teacher_password)
    return page


def tab_to(page, name, limit=80):
    """Press Tab from the top of the page until the input called `name` has the focus."""
    page.locator("body").focus()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.name") == name:
            return
    pytest.fail(f"Tab never reached the input {name}")


def stored(stars):
    return Quiz.objects.get(pk=stars.pk)


def test_a_pass_mark_and_a_tag_saved_from_two_windows_are_both_kept(stars, window, other_window):
    settings = reverse("quiz_edit", args=[stars.pk])
    other_window.goto(settings)
    window.goto(settings)

    other_window.get_by_label("Pass mark (%)").fill("75")
    other_window.get_by_role("button", name="Save settings").click()
    expect(other_window.get_by_text("Quiz settings saved.")).to_be_visible()

    window.get_by_label("Tags").fill("sky, planets")
    window.get_by_role("button", name="Save settings").click()
    expect(window.locator(".message-success")).to_have_text(
        "Quiz settings saved. teacher changed the pass mark meanwhile; "
        "your change of the tags was added."
    )
    saved = stored(stars)
    assert (saved.options.pass_mark, saved.tags) == (75, ["sky", "planets"])


def test_a_title_both_changed_is_chosen_side_by_side(stars, window, other_window, screenshot):
    settings = reverse("quiz_edit", args=[stars.pk])
    other_window.goto(settings)
    window.goto(settings)

    other_window.get_by_label("Title").fill("Stars and planets")
    other_window.get_by_role("button", name="Save settings").click()
    expect(other_window.get_by_text("Quiz settings saved.")).to_be_visible()

    window.get_by_label("Title").fill("The night sky")
    window.get_by_label("Pass mark (%)").fill("60")
    with window.expect_response(lambda response: response.request.method == "POST") as answer:
        window.get_by_role("button", name="Save settings").click()
    assert answer.value.status == 409
    conflicts = window.get_by_role("region", name="Choose which version to keep")
    expect(conflicts).to_be_visible()
    title = conflicts.get_by_role("group", name="The title")
    expect(title.get_by_role("radio")).to_have_count(3)
    expect(title).to_contain_text("Theirs (teacher)")
    expect(title).to_contain_text("Stars and planets")
    expect(title).to_contain_text("The night sky")
    expect(title).to_contain_text("As it was when you opened the page")
    saved = stored(stars)
    assert (saved.title, saved.options.pass_mark) == ("Stars and planets", 50), "nothing saved"

    assert_accessible(window, "the merge conflict page")
    screenshot("conflict-desktop")
    window.set_viewport_size(PHONE)
    assert_no_overflow(window)
    screenshot("conflict-phone")
    window.set_viewport_size(DESKTOP)

    # "Yours", by keyboard: Tab reaches the group of radios (on its first, "Theirs"),
    # the arrow key moves to "Yours" and ticks it.
    tab_to(window, "merge:title")
    expect(title.get_by_role("radio", name="Theirs (teacher)")).to_be_focused()
    window.keyboard.press("ArrowRight")
    expect(title.get_by_role("radio", name="Yours")).to_be_checked()
    window.get_by_role("button", name="Save settings").click()
    expect(window.get_by_text("Quiz settings saved.")).to_be_visible()
    saved = stored(stars)
    assert (saved.title, saved.options.pass_mark) == ("The night sky", 60)


def test_two_questions_edited_from_two_windows_do_not_conflict(stars, window, other_window):
    third, fifth = questions_of(stars)[2], questions_of(stars)[4]
    other_window.goto(reverse("question_edit", args=[stars.pk, third.pk]))
    window.goto(reverse("question_edit", args=[stars.pk, fifth.pk]))

    other_window.get_by_label("Question name").fill("Question 3, edited")
    other_window.get_by_role("button", name="Save", exact=True).click()
    expect(other_window.locator(".message-success")).to_have_text(
        "Question “Question 3, edited” saved."
    )

    window.get_by_label("Question name").fill("Question 5, edited")
    window.get_by_role("button", name="Save", exact=True).click()
    expect(window.locator(".message-success")).to_have_text("Question “Question 5, edited” saved.")
    names = [question.name for question in questions_of(stars)]
    assert names[2::2] == ["Question 3, edited", "Question 5, edited"]
