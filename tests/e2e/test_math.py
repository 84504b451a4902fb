"""Mathematics in a real headless Chromium: TeX a teacher types shows as MathML.

In the question editor the teacher writes `$\\frac{a}{b}$` in the question
text and in a choice; the Markdown preview shows a <math> element holding an
<mfrac>, which Chromium lays out (a fraction is taller than a line of text).
Saved, the quiz preview shows it in the text and in the choice, and a formula
that cannot be read shows its source marked; on a phone, a displayed formula
wider than the screen scrolls in its own box, by keyboard too, and the page
does not. axe-core finds nothing on either page.
"""

import pytest
from playwright.sync_api import expect

from quizzes import operations
from quizzes.tests.fixtures.plugin import question_named
from tests.e2e.accessibility import assert_accessible
from tests.e2e.test_cloze import PHONE, assert_no_overflow, log_in

pytestmark = pytest.mark.e2e

FRACTION = r"$\frac{a}{b}$"
# Wider than a phone: the page must not scroll sideways for it.
LONG_FORMULA = "$$" + " + ".join(rf"\frac{{x_{{{i}}}}}{{y_{{{i}}}}}" for i in range(40)) + "$$"


def test_a_formula_in_the_editor_and_the_preview(
    page, screenshot, teacher, teacher_password, make_quiz
):
    quiz = make_quiz("Fractions", [{"type": "description", "name": "Sum", "text": LONG_FORMULA}])
    log_in(page, teacher.username, teacher_password)

    page.goto(f"/quizzes/{quiz.pk}/questions/add/multichoice/")
    page.get_by_label("Question name").fill("Fraction")
    page.get_by_label("Question text", exact=True).fill(f"What is {FRACTION} when $a = b$?")
    page.get_by_label("Choice", exact=True).first.fill(r"$\frac{1}{1}$")
    page.locator("#id_answers-1-text").fill(r"Nothing: $x^1^2$")
    page.get_by_role("button", name="Preview Question text").click()
    preview = page.locator("#id_text_preview")
    fraction = preview.locator("math mfrac")
    expect(fraction).to_have_count(1)
    assert preview.locator("math").first.get_attribute("display") == "inline"
    # Chromium lays MathML out: the fraction stacks a over b.
    numerator, denominator = (fraction.locator("mrow").nth(i).bounding_box() for i in (0, 1))
    assert numerator["y"] + numerator["height"] <= denominator["y"] + 1
    screenshot("math-editor-preview")
    assert_accessible(page, "on the editor with a formula previewed")

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".message-success")).to_have_text("Question “Fraction” saved.")
    stored = operations.question_data(question_named(quiz, "Fraction"))
    assert stored["text"] == f"What is {FRACTION} when $a = b$?"  # the source is stored

    page.goto(f"/quizzes/{quiz.pk}/preview/")
    expect(page.locator(".learner-question math mfrac")).to_have_count(2 + 40)
    expect(page.locator(".choice-text math")).to_have_count(1)
    error = page.locator(".choice-text .math-error")
    expect(error).to_have_text(r"$x^1^2$")
    expect(error).to_have_attribute("title", "This formula could not be read: check its TeX.")
    screenshot("math-quiz-preview")
    assert_accessible(page, "on the quiz preview with formulas")
    page.set_viewport_size(PHONE)
    screenshot("math-quiz-preview-phone")
    assert_no_overflow(page)
    assert_accessible(page, "on the quiz preview with formulas at phone size")
    # The long formula scrolls in its own box, by keyboard too.
    box = page.locator(".math-display")
    box.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.math-display').scrollLeft > 0")
