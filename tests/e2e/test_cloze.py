"""Cloze (embedded answers) and description questions, in a real headless Chromium.

A teacher previews a quiz holding a description and a cloze question with
every kind of gap: a drop-down list, a numerical and a short-answer text box,
vertical and horizontal radio buttons, check boxes. Every gap is answered
with the keyboard alone; the graded result shows the exact score, the
feedback of each chosen answer and the right answers. axe-core finds nothing
on the page before and after submitting, and nothing overflows a phone's
width. The editor of both types gets the same checks. Each step leaves a
screenshot at desktop and phone sizes in test-artifacts/e2e/.
"""

import pytest
from playwright.sync_api import expect

from tests.e2e.accessibility import assert_accessible

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

CLOZE_TEXT = (
    "The planet closest to the Sun is {1:MC:Venus#Venus is the second planet.~"
    "=Mercury#Right: Mercury is the closest.~Mars#Mars is the fourth planet.}. "
    "The Earth is the {1:NM:=3:0#Right: third from the Sun.~%50%4:0#That is the place of Mars.} "
    "planet from the Sun, and its only natural satellite is called the "
    "{1:SA:=Moon#Right!~%50%Luna#That is its Latin name.}.\n\n"
    "Which planet has the brightest rings? {1:MCV:Jupiter#The rings of Jupiter are faint.~"
    "=Saturn#Right: its rings are made of ice.~Uranus#The rings of Uranus are dark.}\n\n"
    "Mars looks {1:MCH:=red#Right: iron oxide dust.~blue#Blue is the colour of Neptune.~"
    "green#No planet looks green.} in the night sky.\n\n"
    "Which planets are gas giants? {1:MR:=Jupiter#Yes: Jupiter is a gas giant.~"
    "=Saturn#Yes: Saturn is one too.~Mars#No: Mars is rocky.}"
)

QUESTIONS = [
    {
        "type": "description",
        "name": "Before you start",
        "text": "Answer each gap in the text below. *Spelling counts.*",
    },
    {"type": "cloze", "name": "The planets, gap by gap", "text": CLOZE_TEXT, "points": 6},
]

# What the focused element is: its tag, type, accessible label and value.
FOCUSED = """() => {
  const el = document.activeElement;
  const label = el.getAttribute("aria-label") || (el.closest("label") || el).textContent;
  const group = el.closest("[role=group]");
  return {
    tag: el.tagName.toLowerCase(), type: el.type || "", label: label.trim(),
    group: group ? group.getAttribute("aria-label") : null,
    outline: getComputedStyle(el).outlineStyle + " " + getComputedStyle(el).outlineWidth,
  };
}"""


def focused(page):
    return page.evaluate(FOCUSED)


def tab(page):
    page.keyboard.press("Tab")
    return focused(page)


def tab_until(page, label, limit=40):
    """Press Tab until the element labelled `label` has the focus (from the top of the page)."""
    for _ in range(limit):
        if tab(page)["label"] == label:
            return
    pytest.fail(f"Tab never reached “{label}”")


def assert_visible_focus(page):
    """The focused element draws an outline of at least 2 px."""
    state = focused(page)
    style, width = state["outline"].split()
    assert style != "none" and float(width.removesuffix("px")) >= 2, state


# Where a gap sits against the text around it: the vertical centres of the gap,
# of the last character of the text before it and of the first one after it;
# the gap's width and font size.
GAP_AND_TEXT = """(el) => {
  const centre = (rect) => (rect.top + rect.bottom) / 2;
  const textAround = (step) => {
    let node = el[step];
    while (node && !(node.nodeType === Node.TEXT_NODE && node.textContent.trim())) {
      node = node[step];
    }
    if (!node) return null;
    const text = node.textContent, range = document.createRange();
    const at = step === "previousSibling" ? text.trimEnd().length - 1 : text.length - text.trimStart().length;
    range.setStart(node, at);
    range.setEnd(node, at + 1);
    return range.getBoundingClientRect();
  };
  const box = el.getBoundingClientRect();
  const chars = [textAround("previousSibling"), textAround("nextSibling")].filter(Boolean);
  return {
    offsets: chars.map(char => Math.abs(centre(box) - centre(char))),
    height: chars[0].height, width: box.width, em: parseFloat(getComputedStyle(el).fontSize),
  };
}"""


def assert_on_text_line(page, label):
    """The gap sits on the line of the text next to it, and is several letters wide.

    A line may break before or after a gap, not on both sides: the gap shares its
    line with the end of the text before it or with the start of the text after it.
    """
    where = page.get_by_label(label, exact=True).evaluate(GAP_AND_TEXT)
    assert min(where["offsets"]) < where["height"] / 3, (label, where)
    assert where["width"] >= 6 * where["em"], (label, where)


def assert_no_overflow(page):
    """Nothing is wider than the viewport: no sideways scrolling on a phone."""
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page is {widths[0]} px wide in a {widths[1]} px viewport"


def check_both_sizes(page, screenshot, step, where=None, desktop=DESKTOP):
    """Screenshots at `desktop` and phone sizes, each checked by axe-core (`where`, else
    `step`, names the page in a failure) and for sideways scrolling; back to `desktop`."""
    for size, viewport in (("desktop", desktop), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        screenshot(f"{step}-{size}")
        assert_no_overflow(page)
        assert_accessible(page, f"{where or step} at {size} size")
    page.set_viewport_size(desktop)


def log_in(page, username, password):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="My quizzes")).to_be_visible()


def test_cloze_preview_by_keyboard(page, screenshot, teacher, teacher_password, make_quiz):
    quiz = make_quiz("Planets, gap by gap", QUESTIONS)
    log_in(page, teacher.username, teacher_password)

    # The description is "Information", with no number and no points.
    page.set_viewport_size(PHONE)
    page.goto(f"/quizzes/{quiz.pk}/preview/")
    information = page.locator(".learner-question").nth(0)
    expect(information.get_by_role("heading")).to_have_text("Information")
    expect(information).not_to_contain_text("pt")
    expect(information.locator("input, select")).to_have_count(0)
    cloze = page.locator(".learner-question").nth(1)
    expect(cloze.get_by_role("heading")).to_have_text("Question 1")
    expect(cloze.locator("header")).to_contain_text("6 pt")
    screenshot("preview-phone")
    for gap in ("Gap 1", "Gap 2", "Gap 3"):
        assert_on_text_line(page, gap)
    assert_no_overflow(page)
    assert_accessible(page, "on the preview at phone size")

    page.set_viewport_size(DESKTOP)
    page.reload()
    screenshot("preview-desktop")
    for gap in ("Gap 1", "Gap 2", "Gap 3"):
        assert_on_text_line(page, gap)
    assert_accessible(page, "on the preview")

    # Every gap by keyboard: Tab from the top of the page to the first gap, then
    # one Tab per control, in the order of the text.
    tab_until(page, "Gap 1")
    assert focused(page)["tag"] == "select"
    assert_visible_focus(page)
    page.keyboard.press("ArrowDown")  # Venus
    page.keyboard.press("ArrowDown")  # Mercury
    expect(page.get_by_label("Gap 1")).to_have_value("1")

    assert tab(page)["label"] == "Gap 2"
    assert_visible_focus(page)
    page.keyboard.type("3")
    assert tab(page)["label"] == "Gap 3"
    page.keyboard.type("luna")  # half the marks
    screenshot("typing-desktop")

    # Radio buttons: Tab enters the group on its first button, arrows choose.
    state = tab(page)
    assert (state["group"], state["type"], state["label"]) == ("Gap 4", "radio", "Jupiter")
    assert_visible_focus(page)
    page.keyboard.press("ArrowDown")
    state = focused(page)
    assert (state["group"], state["label"]) == ("Gap 4", "Saturn")
    state = tab(page)
    assert (state["group"], state["label"]) == ("Gap 5", "red")
    page.keyboard.press("ArrowRight")  # blue: wrong
    # Check boxes: one Tab stop each, Space ticks.
    state = tab(page)
    assert (state["group"], state["type"], state["label"]) == ("Gap 6", "checkbox", "Jupiter")
    assert_visible_focus(page)
    page.keyboard.press("Space")
    assert tab(page)["label"] == "Saturn"
    assert tab(page)["label"] == "Mars"
    page.keyboard.press("Space")  # wrong: takes back what Jupiter gave

    gap4, gap5, gap6 = (cloze.get_by_role("group", name=f"Gap {n}", exact=True) for n in (4, 5, 6))
    expect(page.get_by_label("Gap 2")).to_have_value("3")
    expect(page.get_by_label("Gap 3")).to_have_value("luna")
    expect(gap4.get_by_label("Saturn")).to_be_checked()
    expect(gap5.get_by_label("blue")).to_be_checked()
    expect(gap6.get_by_label("Jupiter")).to_be_checked()
    expect(gap6.get_by_label("Saturn")).not_to_be_checked()
    expect(gap6.get_by_label("Mars")).to_be_checked()
    screenshot("answered-desktop")
    assert_accessible(page, "on the answered preview")

    state = tab(page)
    assert (state["tag"], state["label"]) == ("button", "Submit and see the score")
    page.keyboard.press("Enter")

    # 1 + 1 + 0.5 + 1 + 0 + (0.5 - 0.5) = 3.5 of 6 gaps, for 6 points.
    expect(page.locator(".score")).to_have_text("3.5 / 6")
    expect(page.locator(".result-passed")).to_have_text("Passed (58.33 %)")
    cloze = page.locator(".learner-question").nth(1)
    expect(cloze.locator("header")).to_contain_text("Partially correct")
    expect(cloze.locator("header")).to_contain_text("3.5 / 6 pt")
    expect(cloze.locator(".answer-feedback")).to_have_text(
        [
            "Right: Mercury is the closest.",
            "Right: third from the Sun.",
            "That is its Latin name.",
            "Right: its rings are made of ice.",
            "Blue is the colour of Neptune.",
            "Yes: Jupiter is a gas giant.",
            "No: Mars is rocky.",
        ]
    )
    expect(cloze.locator(".right-answer")).to_have_text(
        "The correct answers are: Gap 1: Mercury; Gap 2: 3; Gap 3: Moon; Gap 4: Saturn; Gap 5: red; Gap 6: Jupiter, Saturn"
    )
    # The answers given stay in their gaps, read-only.
    expect(page.get_by_label("Gap 1")).to_have_value("1")
    expect(page.get_by_label("Gap 1")).to_be_disabled()
    expect(page.get_by_label("Gap 3")).to_have_value("luna")
    expect(
        cloze.get_by_role("group", name="Gap 5", exact=True).get_by_label("blue")
    ).to_be_checked()
    information = page.locator(".learner-question").nth(0)
    expect(information.locator(".feedback-box")).to_have_count(0)
    screenshot("results-desktop")
    assert_accessible(page, "on the graded preview")

    page.set_viewport_size(PHONE)
    screenshot("results-phone")
    assert_no_overflow(page)
    assert_accessible(page, "on the graded preview at phone size")


def assert_within_width(locator):
    """The element's box lies inside the viewport's width."""
    box = locator.bounding_box()
    width = locator.page.viewport_size["width"]
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, (box, width)


def test_cloze_and_description_editors(page, screenshot, teacher, teacher_password, make_quiz):
    quiz = make_quiz("Planets, gap by gap")
    log_in(page, teacher.username, teacher_password)
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)

        # The cloze editor: its syntax help is shown in full, within the page.
        page.goto(f"/quizzes/{quiz.pk}/questions/add/cloze/")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "New question: Cloze (embedded answers)"
        )
        help_text = page.locator(".syntax-help")
        expect(help_text).to_contain_text("Write each gap in the text as {weight:TYPE:answers}.")
        expect(help_text).to_contain_text("{1:SHORTANSWER:=Paris#Right!~%50%paris}")
        assert_within_width(help_text)
        screenshot(f"cloze-editor-{size}")
        assert_no_overflow(page)
        assert_accessible(page, f"on the cloze editor at {size} size")

        # Its preview shows the gaps as learners get them.
        page.get_by_label("Question text").fill(CLOZE_TEXT)
        page.get_by_role("button", name="Preview Question text").click()
        preview = page.locator("#id_text_preview")
        expect(preview.get_by_label("Gap 1", exact=True)).to_be_visible()
        expect(preview.get_by_role("group", name="Gap 6", exact=True)).to_be_visible()
        screenshot(f"cloze-editor-preview-{size}")
        assert_no_overflow(page)
        assert_accessible(page, f"on the cloze editor's preview at {size} size")

        # The description editor: no points.
        page.goto(f"/quizzes/{quiz.pk}/questions/add/description/")
        expect(page.get_by_role("heading", level=1)).to_have_text("New question: Description")
        expect(page.get_by_label("Points")).to_have_count(0)
        screenshot(f"description-editor-{size}")
        assert_no_overflow(page)
        assert_accessible(page, f"on the description editor at {size} size")

    # Both save, and the quiz's editor lists them.
    page.set_viewport_size(DESKTOP)
    page.get_by_label("Question name").fill("Before you start")
    page.get_by_label("Question text").fill("Answer each gap in the text below.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".message-success")).to_have_text("Question “Before you start” saved.")
    page.goto(f"/quizzes/{quiz.pk}/questions/add/cloze/")
    page.get_by_label("Question name").fill("The planets, gap by gap")
    page.get_by_label("Question text").fill(CLOZE_TEXT)
    page.get_by_label("Points").fill("6")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".message-success")).to_have_text(
        "Question “The planets, gap by gap” saved."
    )
    expect(page.locator(".question-item .question-name")).to_have_count(2)
    screenshot("editor-with-both")
    assert_accessible(page, "on the quiz editor")


LONG_CHOICES = (
    "Pick {1:MCH:=a fairly long choice that has to wrap on the narrow screen of a phone~short~"
    "Pneumonoultramicroscopicsilicovolcanoconiosis} then "
    "{1:MC:=an option of a drop-down list that is longer than a phone is wide, by far~b} and "
    "{1:MCV:=a vertical choice that is long too, and wraps over two or three lines on a phone~b}"
)

# Each control and choice of the cloze text that sticks out of the text's box.
STICKING_OUT = """() => {
  const text = document.querySelector(".cloze-text").getBoundingClientRect();
  return [...document.querySelectorAll(".cloze-text :is(input, select, label)")]
    .filter(el => el.getBoundingClientRect().right > text.right + 0.5)
    .map(el => el.outerHTML.slice(0, 80));
}"""


def test_cloze_long_choices_on_a_phone(page, screenshot, teacher, teacher_password, make_quiz):
    quiz = make_quiz("Long choices", [{"type": "cloze", "name": "Long", "text": LONG_CHOICES}])
    log_in(page, teacher.username, teacher_password)
    page.set_viewport_size(PHONE)
    page.goto(f"/quizzes/{quiz.pk}/preview/")
    expect(page.get_by_label("Gap 2", exact=True)).to_be_visible()
    screenshot("long-choices-phone")
    assert_no_overflow(page)
    assert page.evaluate(STICKING_OUT) == []  # the card clips what sticks out: none may
