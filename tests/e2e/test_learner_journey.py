"""Issue 11's acceptance, in one journey, at phone size in a real headless Chromium.

A teacher publishes a quiz of every question type from the editor and takes
its share link from the Share panel. An anonymous learner opens the link,
answers every type, reloads mid-quiz (every answer still there), submits and
sees the result. The teacher then finds the attempt in the results, grades
its essay, and downloads the XLSX, opened here with openpyxl: its row is the
attempt as stored, the essay's points those the teacher gave.
"""

import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from quizzes.models import Attempt
from tests.e2e.accessibility import assert_accessible
from tests.e2e.test_cloze import log_in
from tests.e2e.test_player import (
    EVERY_TYPE,
    PHONE,
    answer_every_type,
    assert_every_answer_shown,
)

pytestmark = pytest.mark.e2e


def test_publish_share_take_grade_and_export_on_a_phone(
    page,
    phone,
    live_server,
    teacher,
    teacher_password,
    make_quiz,
    tmp_path,
):
    quiz = make_quiz("Every type", EVERY_TYPE, owner=teacher)
    page.set_viewport_size(PHONE)
    log_in(page, teacher.username, teacher_password)

    # The teacher publishes and reads the share link.
    page.goto(f"/quizzes/{quiz.pk}/")
    page.get_by_role("button", name="Publish", exact=True).click()
    link = page.locator(".share-panel").get_by_label("Link")
    expect(link).to_have_value(re.compile(rf"^{re.escape(live_server.url)}/q/\w{{7}}/$"))
    share_link = link.input_value()

    # An anonymous learner takes it from the link.
    learner = phone()
    learner.goto(share_link)
    learner.get_by_label("Your name").fill("Ada")
    learner.get_by_role("button", name="Start the quiz").click()
    answer_every_type(learner)
    learner.reload()
    assert_every_answer_shown(learner)
    learner.get_by_role("button", name="Review and submit").click()
    learner.get_by_role("button", name="Submit").click()
    expect(learner.get_by_role("heading", name="Your answers have been submitted")).to_be_visible()
    expect(learner.locator(".score-card")).to_be_visible()
    assert_accessible(learner, "on the learner's result page")

    # The teacher sees the attempt and grades its essay.
    page.goto(f"/quizzes/{quiz.pk}/results/")
    row = page.locator("tbody tr", has_text="Ada")
    expect(row).to_contain_text("needs grading")
    row.get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="Attempt of Ada")).to_be_visible()
    essay = page.get_by_role("region", name=re.compile("Grade this response"))
    essay.get_by_label(re.compile(r"^Points \(0 to")).fill("1")
    essay.get_by_label("Comment for the learner").fill("Short, but true.")
    essay.get_by_role("button").click()
    expect(page.locator(".message-success")).to_have_text("Grade saved.")
    assert_accessible(page, "on the graded attempt")
    attempt = Attempt.objects.get(quiz=quiz)
    assert attempt.state == Attempt.State.SUBMITTED
    assert not attempt.ungraded
    expect(page.locator("#attempt-score")).to_contain_text(
        f"{attempt.score:g} / {attempt.max_score:g}"
    )

    # The XLSX holds the attempt as stored, the essay with the teacher's point.
    page.goto(f"/quizzes/{quiz.pk}/results/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download XLSX").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    header, *rows = load_workbook(path).active.values
    assert len(rows) == 1
    ada = dict(zip(header, rows[0], strict=True))
    assert (ada["Learner"], ada["Score"], ada["Max"], ada["Passed"], ada["State"]) == (
        "Ada",
        attempt.score,
        attempt.max_score,
        attempt.passed,
        "submitted",
    )
    assert ada["Essay"] == 1
