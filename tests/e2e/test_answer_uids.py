"""Answers keep their identity through the editor in a real headless Chromium: a row
removed with its button, a row added with "+ Add a choice" and a row edited are saved
as one answer gone, one new (with an id of its own) and one changed (its id kept)."""

import re

import pytest
from playwright.sync_api import expect

from quizzes import bank
from quizzes.models import Question
from quizzes.tests.fixtures.samples import LETTERS
from tests.e2e.test_cloze import log_in

pytestmark = pytest.mark.e2e


def test_rows_removed_added_and_edited_keep_their_answers_ids(page, teacher, teacher_password):
    category = bank.default_category(teacher, "Letters")
    question = bank.create_question(teacher, category, LETTERS, teacher)
    log_in(page, teacher.username, teacher_password)
    page.goto(f"/bank/questions/{question.pk}/edit/")
    rows = page.locator("[data-formset=answers] .answer-row")
    expect(rows.nth(0).locator("input[name=answers-0-uid]")).to_have_value("1")

    rows.nth(1).get_by_role("button", name=re.compile("^Remove")).click()
    page.locator("#id_answers-2-text").fill("Sea")
    count = rows.count()
    page.get_by_role("button", name="+ Add a choice").click()
    expect(rows).to_have_count(count + 1)
    page.locator(f"#id_answers-{count}-text").fill("D")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page).not_to_have_url(re.compile(r"/edit/$"))  # saved: the page went on

    stored = {a.uid: a.text for a in Question.objects.get(pk=question.pk).answers}
    (new,) = set(stored) - {"1", "3"}
    assert stored == {"1": "A", "3": "Sea", new: "D"}
    assert re.fullmatch(r"[0-9a-f]{24}", new)
