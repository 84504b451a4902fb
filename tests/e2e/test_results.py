"""Results for the teacher, in a real headless Chromium (issue 11's acceptance, teacher half).

A learner has submitted an attempt with an essay (made through quizzes.attempts
in the setup). The teacher finds it in the dashboard's Needs grading panel and
in the results table, opens it, grades the essay by keyboard and sees the score
update, opens the statistics (histogram drawn), and downloads the XLSX, opened
with openpyxl. axe-core finds nothing on each page; nothing overflows a phone.
"""

import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from quizzes import attempts, releases
from quizzes.tests.fixtures.plugin import questions_of
from tests.e2e.test_bank import tab_to
from tests.e2e.test_cloze import DESKTOP, check_both_sizes, log_in

pytestmark = pytest.mark.e2e

QUESTIONS = [
    {
        "type": "multichoice",
        "name": "Sum",
        "text": "2 + 2?",
        "answers": [{"text": "4", "fraction": 100}, {"text": "5", "fraction": 0}],
    },
    {"type": "essay", "name": "Holidays", "text": "Tell us about your holidays.", "points": 2},
]


@pytest.fixture
def essay_quiz(make_quiz, teacher):
    """A published quiz with an essay, and Lea's submitted attempt: the sum right, an essay."""
    quiz = make_quiz("Summer", QUESTIONS, owner=teacher, status="published")
    sum_id, essay_id = (str(question.pk) for question in questions_of(quiz))
    release = releases.live_release(quiz)
    attempt = attempts.start_attempt(release, name="Lea")
    attempt.release = release
    attempts.save_responses(attempt, {sum_id: 0, essay_id: "We swam in the sea."})
    attempts.submit(attempt)
    return quiz


def test_teacher_grades_an_essay_and_downloads_the_results(
    page, screenshot, teacher, teacher_password, essay_quiz, tmp_path
):
    page.set_viewport_size(DESKTOP)
    log_in(page, teacher.username, teacher_password)

    # The dashboard lists the attempt waiting for grading.
    panel = page.get_by_role("region", name="Needs grading")
    expect(panel).to_contain_text("Lea — Summer")
    check_both_sizes(page, screenshot, "dashboard")

    # The results table: the attempt, waiting.
    page.goto(f"/quizzes/{essay_quiz.pk}/results/")
    row = page.locator("tbody tr", has_text="Lea")
    expect(row).to_contain_text("1 / 3")
    expect(row).to_contain_text("needs grading")
    check_both_sizes(page, screenshot, "results")

    # The attempt, opened by keyboard from the table.
    tab_to(page, "td a")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Attempt of Lea")).to_be_visible()
    expect(page.get_by_text("We swam in the sea.")).to_be_visible()
    check_both_sizes(page, screenshot, "attempt")

    # Points out of range: refused, said by the field.
    essay = page.get_by_role("region", name=re.compile("Grade this response"))
    essay.get_by_label("Points (0 to 2)").fill("5")
    essay.get_by_label("Points (0 to 2)").press("Enter")
    expect(page.get_by_text("Give between 0 and 2 points.")).to_be_visible()
    expect(page.locator("#attempt-score")).to_have_text("1 / 3 (33.33 %)")

    # Graded by keyboard: the score updates.
    essay.get_by_label("Points (0 to 2)").fill("2")
    essay.get_by_label("Comment for the learner").fill("Lovely, vivid.")
    essay.get_by_label("Comment for the learner").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator(".message-success")).to_have_text("Grade saved.")
    expect(page.locator("#attempt-score")).to_have_text("3 / 3 (100 %)")
    expect(page.locator("#attempt-state")).to_have_text("submitted")
    check_both_sizes(page, screenshot, "graded")

    # Statistics, with the histogram.
    page.goto(f"/quizzes/{essay_quiz.pk}/results/statistics/")
    expect(page.get_by_role("img", name="Number of attempts by score (percent)")).to_be_visible()
    expect(page.locator("svg.histogram rect.bar")).to_have_count(10)
    check_both_sizes(page, screenshot, "statistics")

    # The XLSX download holds the graded attempt.
    page.goto(f"/quizzes/{essay_quiz.pk}/results/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download XLSX").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    rows = list(load_workbook(path).active.values)
    assert rows[0][:9] == (
        "Learner", "Started", "Submitted", "Duration (s)", "Score", "Max", "Percent", "Passed",
        "State",
    )  # fmt: skip
    assert rows[0][9:] == ("Sum", "Holidays")
    (lea,) = rows[1:]
    assert (lea[0], lea[4], lea[5], lea[6], lea[7], lea[8]) == ("Lea", 3, 3, 100, True, "submitted")
    assert lea[9:] == (1, 2)
