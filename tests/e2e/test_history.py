"""A quiz's history in a real headless Chromium (issue 13, acceptance (e)).

The teacher changes the pass mark, opens the history from the editor, compares
the two revisions, opens the older one and restores it: the pass mark is back,
and the restore is itself a revision. axe-core finds nothing on the history
pages; each is shot at 1366x900 and 390x844, with nothing wider than a phone.
"""

import pytest
from playwright.sync_api import expect

from quizzes.models import Quiz
from tests.e2e.test_cloze import check_both_sizes, log_in

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
QUESTIONS = [
    {
        "type": "truefalse",
        "name": "Sun",
        "text": "The Sun is a star.",
        "answers": [{"text": "true", "fraction": 100}, {"text": "false", "fraction": 0}],
    }
]


def test_teacher_restores_an_older_revision_from_the_history(
    page, screenshot, teacher, teacher_password, make_quiz
):
    quiz = make_quiz("Stars", QUESTIONS, owner=teacher, options={"pass_mark": 70})
    page.set_viewport_size(DESKTOP)
    log_in(page, teacher.username, teacher_password)

    # The pass mark changed through the settings form.
    page.goto(f"/quizzes/{quiz.pk}/edit/")
    page.get_by_label("Pass mark (%)").fill("75")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Quiz settings saved.")).to_be_visible()

    # The history, from the editor: newest first, the change in words.
    page.get_by_role("link", name="History", exact=True).click()
    expect(page.get_by_role("heading", name="History of “Stars”")).to_be_visible()
    expect(page.locator("#revision-2")).to_contain_text("Pass mark (%): 70 → 75")
    expect(page.locator("#revision-1")).to_contain_text("Created")
    check_both_sizes(page, screenshot, "history", desktop=DESKTOP)

    # The two revisions compared (the radios start on the latest two).
    page.get_by_role("button", name="Compare the chosen revisions").click()
    expect(page.get_by_role("heading", name="Revision 1 and revision 2")).to_be_visible()
    row = page.locator(".diff-table tbody tr", has_text="Pass mark (%)")
    expect(row.locator("del")).to_have_text("70")
    expect(row.locator("ins")).to_have_text("75")
    check_both_sizes(page, screenshot, "compare", desktop=DESKTOP)

    # The older revision, restored from its page.
    page.get_by_role("link", name="View revision 1").click()
    expect(page.get_by_role("heading", name="Revision 1 of “Stars”")).to_be_visible()
    check_both_sizes(page, screenshot, "revision", desktop=DESKTOP)
    page.get_by_role("button", name="Restore this revision").click()
    expect(page.get_by_text("Revision 1 restored as revision 3.")).to_be_visible()
    expect(page.locator("#revision-3")).to_contain_text("Pass mark (%): 75 → 70")
    assert Quiz.objects.get(pk=quiz.pk).options.pass_mark == 70

    # The settings form shows the pass mark back.
    page.goto(f"/quizzes/{quiz.pk}/edit/")
    expect(page.get_by_label("Pass mark (%)")).to_have_value("70")
