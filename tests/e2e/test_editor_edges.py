"""The editor's rough edges (issue 13, item 6), in a real headless Chromium.

An answer row is compact, its feedback folded in a <details> that opens by
keyboard; ↑/↓ keep the focus on the button pressed; on a phone the header
takes two rows, the logo has room above it and the reorder hint speaks of
the buttons shown; download buttons are as tall as the other buttons of
their row; form errors pass axe-core and are announced; the preview's
result marks right and wrong choices and pairs with a symbol and a word.
Each fixed page leaves screenshots at 1366 x 900 and 390 x 844.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from quizzes import operations
from quizzes.tests.fixtures.plugin import question_named, questions_of
from tests.e2e.test_cloze import assert_no_overflow, check_both_sizes, log_in

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}

FOUR_CHOICES = {
    "type": "multichoice",
    "name": "Planets",
    "text": "Which planet is closest to the Sun?",
    "answers": [
        {"text": "Mercury", "fraction": 100, "feedback": "Right: the closest."},
        {"text": "Venus", "fraction": 0, "feedback": "The second one."},
        {"text": "Earth", "fraction": 0},
        {"text": "Mars", "fraction": 0},
    ],
}
# The form of FOUR_CHOICES at 1366 x 900 (its 4 choices, 2 spare rows and 2 hints)
# measured 5,489 px, its answers 2,708 px and each answer row 408 px, before the
# rows were made compact (3,563, 1,101 and 142 px after).
FORM_HEIGHT_MAX = 3_900
ANSWERS_HEIGHT_MAX = 1_300
ROW_HEIGHT_MAX = 160


def focused_name(page):
    return page.evaluate("() => document.activeElement.textContent.trim()")


def test_compact_answer_rows_with_feedback_by_keyboard(
    page, screenshot, teacher, teacher_password, make_quiz
):
    quiz = make_quiz("Edges", [FOUR_CHOICES])
    question = question_named(quiz, "Planets")
    page.set_viewport_size(DESKTOP)
    log_in(page, teacher.username, teacher_password)
    page.goto(reverse("question_edit", args=[quiz.pk, question.pk]))
    rows = page.locator("[data-formset=answers] .answer-row")
    expect(rows).to_have_count(6)
    heights = {
        "form": page.locator("form.question-form").bounding_box()["height"],
        "answers": page.locator("[data-formset=answers]").bounding_box()["height"],
        "row": max(rows.nth(n).bounding_box()["height"] for n in range(6)),
    }
    assert heights["form"] < FORM_HEIGHT_MAX, heights
    assert heights["answers"] < ANSWERS_HEIGHT_MAX, heights
    assert heights["row"] < ROW_HEIGHT_MAX, heights
    # A choice's text and its grade on one line.
    first = rows.first
    text_box = first.get_by_label("Choice", exact=True).bounding_box()
    grade_box = first.get_by_label("Grade").bounding_box()
    assert abs(text_box["y"] - grade_box["y"]) < 2, (text_box, grade_box)
    # The feedback is folded away; its summary quotes it.
    feedback = first.get_by_label("Feedback", exact=True)
    expect(feedback).to_be_hidden()
    expect(first.locator("summary")).to_contain_text("Feedback: “Right: the closest.”")
    check_both_sizes(
        page, screenshot, "multichoice-form", "on the compact multichoice form", desktop=DESKTOP
    )

    # By keyboard: from the grade, Tab reaches the summary, Enter opens it, Tab the feedback.
    first.get_by_label("Grade").focus()
    page.keyboard.press("Tab")
    expect(first.locator("summary")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(feedback).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("Yes: Mercury is the closest.")
    screenshot("feedback-open")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".message-success")).to_have_text("Question “Planets” saved.")
    answers = operations.question_data(question_named(quiz, "Planets"))["answers"]
    assert [answer["feedback"] for answer in answers][:2] == [
        "Yes: Mercury is the closest.",
        "The second one.",
    ]


def names(quiz):
    return [question.name for question in questions_of(quiz)]


def test_up_and_down_keep_the_focus_on_the_button_pressed(
    page, screenshot, teacher, teacher_password, make_quiz
):
    quiz = make_quiz(
        "Order",
        [{"type": "essay", "name": f"Q{n}", "text": f"Question {n}"} for n in range(1, 5)],
    )
    page.set_viewport_size(DESKTOP)
    log_in(page, teacher.username, teacher_password)
    page.goto(reverse("quiz_editor", args=[quiz.pk]))
    page.get_by_role("button", name="Move “Q1” down").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".message-success")).to_have_text("Question “Q1” moved.")
    expect(page.get_by_role("button", name="Move “Q1” down")).to_be_focused()
    page.keyboard.press("Enter")  # no Tab in between
    expect(page.locator(".message-success")).to_have_text("Question “Q1” moved.")
    assert names(quiz) == ["Q2", "Q3", "Q1", "Q4"]
    page.keyboard.press("Enter")
    expect(page.locator(".message-success")).to_have_text("Question “Q1” moved.")
    assert names(quiz) == ["Q2", "Q3", "Q4", "Q1"]
    # At the bottom its ↓ is disabled: the focus is on its ↑, which takes it back up.
    expect(page.get_by_role("button", name="Move “Q1” down")).to_be_disabled()
    expect(page.get_by_role("button", name="Move “Q1” up")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Move “Q1” up")).to_be_focused()
    assert names(quiz) == ["Q2", "Q3", "Q1", "Q4"]
    check_both_sizes(
        page, screenshot, "editor-after-moves", "on the editor after moves", desktop=DESKTOP
    )


# The boxes of the header's parts, relative to the header.
HEADER_BOXES = """() => {
  const header = document.querySelector(".site-header").getBoundingClientRect();
  const box = (selector) => {
    const r = document.querySelector(selector).getBoundingClientRect();
    return {top: r.top - header.top, bottom: r.bottom - header.top, left: r.left, right: r.right};
  };
  return {height: header.height, logo: box(".brand img"), tools: box(".header-tools"),
          nav: box(".main-nav")};
}"""


def assert_header_in_two_rows(page):
    """The logo and the tools share the first row, the menu is the second; the logo
    stands clear of the top edge."""
    boxes = page.evaluate(HEADER_BOXES)
    logo, tools, nav = boxes["logo"], boxes["tools"], boxes["nav"]
    assert logo["top"] >= 8, boxes
    assert tools["top"] < logo["bottom"] and logo["top"] < tools["bottom"], boxes
    assert nav["top"] >= max(logo["bottom"], tools["bottom"]) - 1, boxes
    menu_height = page.locator(".main-nav a").first.bounding_box()["height"]
    assert nav["bottom"] - nav["top"] < 1.5 * menu_height, boxes  # one row of links
    assert boxes["height"] < 2 * 60, boxes


def test_the_editor_on_a_phone(page, screenshot, teacher, teacher_password, make_quiz):
    quiz = make_quiz(
        "Order",
        [{"type": "essay", "name": f"Q{n}", "text": f"Question {n}"} for n in range(1, 4)],
    )
    log_in(page, teacher.username, teacher_password)
    page.goto(reverse("quiz_editor", args=[quiz.pk]))
    drag_hint = page.get_by_text(
        "To reorder, drag a question by its handle or use the ↑ ↓ buttons."
    )
    buttons_hint = page.get_by_text("To reorder, use the ↑ ↓ buttons.")
    page.set_viewport_size(DESKTOP)
    expect(page.locator(".drag-handle").first).to_be_visible()
    expect(drag_hint).to_be_visible()
    expect(buttons_hint).to_be_hidden()
    # No handle on a phone: the hint speaks of the buttons only.
    page.set_viewport_size(PHONE)
    expect(page.locator(".drag-handle").first).to_be_hidden()
    expect(buttons_hint).to_be_visible()
    expect(drag_hint).to_be_hidden()
    assert_header_in_two_rows(page)
    check_both_sizes(page, screenshot, "editor", "on the editor", desktop=DESKTOP)
    # In French, whose words are longer, the header still takes two rows.
    page.get_by_label("Language").select_option("fr")
    page.get_by_role("button", name="Change language").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.set_viewport_size(PHONE)
    assert_header_in_two_rows(page)
    assert_no_overflow(page)
    screenshot("editor-french-phone")


def test_download_buttons_are_as_tall_as_their_neighbours(
    page, screenshot, teacher, teacher_password, make_quiz
):
    quiz = make_quiz("Downloads", [FOUR_CHOICES])
    log_in(page, teacher.username, teacher_password)
    page.goto(reverse("quiz_editor", args=[quiz.pk]))
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        buttons = page.locator(".page-header .actions .btn")
        heights = {
            button.text_content().strip(): round(button.bounding_box()["height"], 1)
            for button in buttons.all()
        }
        assert {"Download JSON", "GIFT", "Moodle XML", "Preview", "Publish"} <= set(heights)
        assert max(heights.values()) - min(heights.values()) < 1, heights
    check_both_sizes(page, screenshot, "editor-header", "on the editor", desktop=DESKTOP)


def test_form_errors_are_announced_and_pass_axe(
    page, screenshot, teacher, teacher_password, make_quiz
):
    quiz = make_quiz("Errors", [FOUR_CHOICES])
    log_in(page, teacher.username, teacher_password)
    page.goto(reverse("question_edit", args=[quiz.pk, question_named(quiz, "Planets").pk]))
    page.locator("[data-formset=answers] .answer-row").first.get_by_label("Grade").select_option(
        "0"
    )
    page.get_by_role("button", name="Save", exact=True).click()
    alerts = page.get_by_role("alert")
    expect(alerts.filter(has_text="100 %").first).to_be_visible()
    assert page.locator("ul[role=alert], ol[role=alert]").count() == 0
    check_both_sizes(
        page, screenshot, "question-form-errors", "on a question form with errors", desktop=DESKTOP
    )


MATCH_CAPITALS = {
    "type": "matching",
    "name": "Capitals",
    "text": "Match the countries.",
    "answers": [
        {"text": "France", "match": "Paris"},
        {"text": "Italy", "match": "Rome"},
        {"text": "", "match": "Berlin"},
    ],
}
PRIMES = {
    "type": "multichoice",
    "name": "Primes",
    "text": "Which are prime?",
    "single": False,
    "shuffle_answers": False,
    "answers": [
        {"text": "2", "fraction": 50},
        {"text": "3", "fraction": 50},
        {"text": "4", "fraction": -100},
    ],
}


SKY = {
    "type": "truefalse",
    "name": "Sky",
    "text": "The sky is green.",
    "answers": [{"text": "true", "fraction": 0}, {"text": "false", "fraction": 100}],
}


def test_the_graded_preview_marks_right_and_wrong_parts(
    page, screenshot, teacher, teacher_password, make_quiz
):
    quiz = make_quiz("Marks", [PRIMES, MATCH_CAPITALS, SKY])
    log_in(page, teacher.username, teacher_password)
    page.goto(reverse("quiz_preview", args=[quiz.pk]))
    primes = page.locator("section.learner-question", has_text="Which are prime?")
    primes.get_by_role("checkbox", name="a. 2").check()
    primes.get_by_role("checkbox", name="c. 4").check()
    capitals = page.locator("section.learner-question", has_text="Match the countries.")
    capitals.get_by_label("France").select_option("Paris")
    capitals.get_by_label("Italy").select_option("Berlin")
    sky = page.locator("section.learner-question", has_text="The sky is green.")
    sky.get_by_label("True").check()
    page.get_by_role("button", name="Submit and see the score").click()
    expect(page.locator(".score")).to_be_visible()

    # Each chosen choice says whether it is right, in a symbol and a word (the symbol
    # is not read out: the word is).
    expect(primes.get_by_role("checkbox", name="a. 2 Correct", exact=True)).to_be_checked()
    expect(primes.get_by_role("checkbox", name="c. 4 Incorrect", exact=True)).to_be_checked()
    expect(primes.get_by_role("checkbox", name="b. 3", exact=True)).not_to_be_checked()
    expect(primes.locator(".mark")).to_have_text(["✓ Correct", "✗ Incorrect"])
    # Each matched stem too; the mark describes its menu.
    expect(capitals.locator(".mark")).to_have_text(["✓ Correct", "✗ Incorrect"])
    france = capitals.get_by_label("France")
    expect(france).to_have_accessible_description("Correct")
    expect(capitals.get_by_label("Italy")).to_have_accessible_description("Incorrect")
    # A true/false answer too.
    expect(sky.get_by_role("radio", name="True Incorrect", exact=True)).to_be_checked()
    expect(sky.get_by_role("radio", name="False", exact=True)).not_to_be_checked()
    # The marks differ in shape and words, not in colour alone.
    symbols = page.locator(".mark > [aria-hidden=true]").all_text_contents()
    assert symbols == ["✓", "✗", "✓", "✗", "✗"]
    check_both_sizes(page, screenshot, "graded-preview", "on the graded preview", desktop=DESKTOP)
