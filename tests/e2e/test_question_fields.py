"""Moodle's question fields in the editor and the preview, in a real headless Chromium.

A teacher writes a multiple-choice question with hints (one added with the
"Add a hint" button, one with a text format of its own), combined feedback
and upper-case numbering, then an essay with every response option; both
are stored as typed. The preview numbers the choices, starts the essay
from its template and refuses a response under its word limit with a clear
message. axe-core finds nothing on each page; nothing is wider than a phone.
Each step leaves a screenshot at desktop and phone sizes in test-artifacts/e2e/.
"""

import pytest
from playwright.sync_api import expect

from quizzes import operations
from quizzes.tests.fixtures.plugin import question_named
from tests.e2e.test_cloze import check_both_sizes, log_in

pytestmark = pytest.mark.e2e


def test_hints_and_essay_options(page, screenshot, teacher, teacher_password, make_quiz):
    quiz = make_quiz("Moodle fields")
    log_in(page, teacher.username, teacher_password)

    # A multiple-choice question with hints, combined feedback and numbering.
    page.goto(f"/quizzes/{quiz.pk}/questions/add/multichoice/")
    page.get_by_label("Question name").fill("Primes")
    page.get_by_label("Question text", exact=True).fill("Which numbers are **prime**?")
    page.get_by_label("Number the choices?").select_option("ABCD")
    page.get_by_label("Choice", exact=True).first.fill("2")
    page.locator("#id_answers-1-text").fill("4")
    page.get_by_label("For any correct response", exact=True).fill("Well done.")
    page.get_by_label("For any incorrect response", exact=True).fill("Look at the factors.")
    page.locator("#id_show_num_correct").check()
    hints = page.locator("[data-formset=hints]")
    expect(hints.locator(".answer-row")).to_have_count(2)
    hints.locator("#id_hints-0-text").fill("A prime has two divisors.")
    hints.locator("#id_hints-0-clear_wrong").check()
    hints.locator("#id_hints-1-text").fill("1 is not prime.")
    page.get_by_role("button", name="+ Add a hint").click()
    expect(hints.locator(".answer-row")).to_have_count(3)
    third = hints.locator(".answer-row").nth(2)
    expect(page.locator("#id_hints-2-text")).to_be_focused()
    page.locator("#id_hints-2-text").fill("<b>2</b> is the only even prime.")
    # Its format is folded away until asked for.
    expect(third.get_by_label("Format")).to_be_hidden()
    third.locator("summary").click()
    third.get_by_label("Format").select_option("html")
    page.get_by_label("Penalty for each incorrect try").select_option("0.5")
    check_both_sizes(page, screenshot, "multichoice-editor", "on the multiple-choice editor")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".message-success")).to_have_text("Question “Primes” saved.")
    primes = operations.question_data(question_named(quiz, "Primes"))
    assert (primes["answer_numbering"], primes["penalty"]) == ("ABCD", 0.5)
    assert (primes["correct_feedback"], primes["show_num_correct"]) == ("Well done.", True)
    assert [(h["text"], h["text_format"], h["clear_wrong"]) for h in primes["hints"]] == [
        ("A prime has two divisors.", "markdown", True),
        ("1 is not prime.", "markdown", False),
        ("<b>2</b> is the only even prime.", "html", False),
    ]

    # An essay with every response option.
    page.goto(f"/quizzes/{quiz.pk}/questions/add/essay/")
    page.get_by_label("Question name").fill("Rings")
    page.get_by_label("Question text", exact=True).fill("Why does Saturn have rings?")
    page.get_by_label("Response format").select_option("monospaced")
    page.get_by_label("Require text").uncheck()
    page.get_by_label("Input box size").select_option("5")
    page.get_by_label("Allow attachments").select_option("2")
    page.get_by_label("Require attachments").select_option("1")
    page.get_by_label("Minimum word limit").fill("4")
    page.get_by_label("Maximum word limit").fill("50")
    page.get_by_label("Information for graders", exact=True).fill("Mention the Roche limit.")
    page.get_by_label("Response template", exact=True).fill("Saturn's rings")
    check_both_sizes(page, screenshot, "essay-editor", "on the essay editor")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".message-success")).to_have_text("Question “Rings” saved.")
    essay = operations.question_data(question_named(quiz, "Rings"))
    assert {key: essay[key] for key in essay if key.startswith(("response", "attach", "min"))} == {
        "response_format": "monospaced",
        "response_required": False,
        "response_field_lines": 5,
        "attachments": 2,
        "attachments_required": 1,
        "min_word_limit": 4,
        "response_template": "Saturn's rings",
        "response_template_format": "markdown",
    }

    # The preview: numbered choices, the essay started from its template.
    page.goto(f"/quizzes/{quiz.pk}/preview/")
    expect(page.locator(".choice-number")).to_have_text(["A.", "B."])
    box = page.get_by_label("Your answer")
    expect(box).to_have_value("Saturn's rings")
    expect(page.get_by_text("Write between 4 and 50 words.")).to_be_visible()
    check_both_sizes(page, screenshot, "preview", "on the preview")
    page.get_by_role("radio", name="A. 2").check()
    page.get_by_role("button", name="Submit and see the score").click()
    expect(page.get_by_role("alert").first).to_contain_text("cannot be submitted")
    expect(page.get_by_text("at least 4 words; yours has 2.")).to_be_visible()
    expect(box).to_have_value("Saturn's rings")
    check_both_sizes(page, screenshot, "preview-word-limit", "on the refused preview")
    box.fill("Ice and dust, held in orbit.")
    page.get_by_role("button", name="Submit and see the score").click()
    expect(page.locator(".score")).to_be_visible()
    expect(page.locator(".combined-feedback")).to_contain_text("Well done.")
    check_both_sizes(page, screenshot, "graded", "on the graded preview")


@pytest.mark.parametrize("qtype", ["numerical", "truefalse", "matching", "cloze"])
def test_other_editors(page, screenshot, teacher, teacher_password, make_quiz, qtype):
    """Each type's editor with its new inputs: axe-core clean, within a phone's width."""
    quiz = make_quiz("Moodle fields")
    log_in(page, teacher.username, teacher_password)
    page.goto(f"/quizzes/{quiz.pk}/questions/add/{qtype}/")
    expect(page.get_by_label("ID number")).to_be_visible()
    check_both_sizes(page, screenshot, f"{qtype}-editor", f"on the {qtype} editor")
