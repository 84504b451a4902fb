"""Images in questions, in a real headless Chromium (issue 12).

The acceptance test: a teacher pastes an image into a new question's text
(a paste event carrying a PNG file made in the page), gives its alt text,
writes `$\\frac{a}{b}$`; the preview shows the image loaded and the fraction
as MathML; the question is saved in a quiz that is published, and an
anonymous learner sees the image on the question page; another teacher gets
a 404 on the image of a draft question. Also: dropping a file on a text box,
the dialog's errors (no alt text; a file the server refuses), and the dialog
by keyboard alone, axe-core finding nothing with it open; the
Content-Security-Policy refuses nothing along the way.
"""

import base64
import re

import pytest
from playwright.sync_api import expect

from quizzes import media
from quizzes.markdown_images import image_markdown
from quizzes.tests.fixtures.plugin import PASSWORD, question_named
from quizzes.tests.test_media import HTML, image_bytes
from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.test_cloze import log_in
from tests.e2e.test_math import FRACTION

pytestmark = pytest.mark.e2e

MARKDOWN_IMAGE = re.compile(r"!\[A red square\]\(/media/[0-9a-f]{64}/[\w.-]+\.png\)")

# Hands a File made from base64 bytes to a text box as a paste or a drop would.
GIVE_FILE = """([selector, how, name, type, data]) => {
  const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], name, {type}));
  const target = document.querySelector(selector);
  if (how === "paste") {
    target.dispatchEvent(new ClipboardEvent("paste", {clipboardData: transfer, bubbles: true, cancelable: true}));
  } else {
    for (const kind of ["dragenter", "dragover", "drop"]) {
      target.dispatchEvent(new DragEvent(kind, {dataTransfer: transfer, bubbles: true, cancelable: true}));
    }
  }
}"""


def give_file(page, selector, how, data, name="square.png", content_type="image/png"):
    page.evaluate(GIVE_FILE, [selector, how, name, content_type, base64.b64encode(data).decode()])


def csp_reports(page):
    """A list that fills with the page's Content-Security-Policy refusals, as Chromium logs them."""
    reports = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and reports.append(message.text),
    )
    return reports


def loaded(image):
    """Whether an <img> has loaded a picture (its natural width is not 0)."""
    return image.evaluate("img => img.complete && img.naturalWidth") > 0


def wait_loaded(image):
    image.page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    assert loaded(image)


def test_a_pasted_image_reaches_learners_and_no_other_teacher(
    page, browser, live_server, screenshot, teacher, teacher_password, other_teacher, make_quiz
):
    quiz = make_quiz("Pictures")
    # A draft question of the teacher's, elsewhere, with an image of its own.
    hidden = media.store(teacher, "draft.png", image_bytes(color="green", size=(30, 20)))
    make_quiz(
        "Drafts", [{"type": "essay", "name": "D", "text": image_markdown("Draft", hidden.url)}]
    )
    log_in(page, teacher.username, teacher_password)
    refused = csp_reports(page)

    page.goto(f"/quizzes/{quiz.pk}/questions/add/multichoice/")
    page.get_by_label("Question name").fill("Colour")
    text = page.get_by_label("Question text", exact=True)
    text.fill("Which colour is this?\n")
    give_file(page, "#id_text", "paste", image_bytes(size=(40, 30)))
    dialog = page.get_by_role("dialog", name="Insert an image")
    expect(dialog).to_be_visible()
    alt = dialog.get_by_label("Alt text (describes the image)")
    expect(alt).to_be_focused()
    alt.fill("A red square")
    dialog.get_by_role("button", name="Insert").click()
    expect(dialog).to_be_hidden()
    expect(text).to_have_value(re.compile(r"^Which colour is this\?\n" + MARKDOWN_IMAGE.pattern))
    expect(text).to_be_focused()
    text.press("Control+End")
    text.type(FRACTION)
    page.locator("#id_answers-0-text").fill("Red")
    page.locator("#id_answers-1-text").fill("Blue")
    page.get_by_role("button", name="Preview Question text").click()
    preview = page.locator("#id_text_preview")
    expect(preview.locator("math mfrac")).to_have_count(1)
    image = preview.get_by_role("img", name="A red square")
    wait_loaded(image)
    screenshot("pasted-image-preview")

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".message-success")).to_have_text("Question “Colour” saved.")
    assert refused == []
    saved = question_named(quiz, "Colour")
    assert MARKDOWN_IMAGE.search(saved.text) and saved.text.endswith(FRACTION)
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".message-success")).to_have_text(
        "Quiz published: learners can now take it."
    )
    share_link = page.locator("#share-link").input_value()

    learner = browser.new_context(base_url=live_server.url, locale="en-GB")
    learner.set_default_timeout(TIMEOUT_MS)
    learner_page = learner.new_page()
    learner_page.goto(share_link)
    learner_page.get_by_label("Your name").fill("Ada")
    learner_page.get_by_role("button", name="Start the quiz").click()
    question = learner_page.locator("section.learner-question")
    expect(question.locator("math mfrac")).to_have_count(1)
    wait_loaded(question.get_by_role("img", name="A red square"))
    learner.close()

    other_teacher.set_password(PASSWORD)
    other_teacher.save()
    other = browser.new_context(base_url=live_server.url, locale="en-GB")
    other.set_default_timeout(TIMEOUT_MS)
    other_page = other.new_page()
    log_in(other_page, other_teacher.username, PASSWORD)
    assert other_page.request.get(hidden.url).status == 404
    assert page.request.get(hidden.url).status == 200  # its owner still reads it
    other.close()


def test_a_dropped_image_and_the_dialogs_errors(page, teacher, teacher_password, make_quiz):
    quiz = make_quiz("Pictures")
    log_in(page, teacher.username, teacher_password)
    page.goto(f"/quizzes/{quiz.pk}/questions/add/multichoice/")
    dialog = page.get_by_role("dialog", name="Insert an image")
    error = dialog.get_by_role("alert")

    # A file that only says it is a PNG: the server's refusal shows in the dialog.
    give_file(page, "#id_answers-0-feedback", "drop", HTML, name="page.png")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Alt text (describes the image)").fill("Not a picture")
    dialog.get_by_role("button", name="Insert").click()
    expect(error).to_contain_text("not an image of an allowed type")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#id_answers-0-feedback")).to_have_value("")

    # No alt text: nothing is uploaded until it is given.
    give_file(page, "#id_answers-0-feedback", "drop", image_bytes(size=(40, 30)))
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Insert").click()
    expect(error).to_have_text("Give the alt text: it describes the image.")
    dialog.get_by_label("Alt text (describes the image)").fill("A red square")
    dialog.get_by_role("button", name="Insert").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#id_answers-0-feedback")).to_have_value(MARKDOWN_IMAGE)
    assert media.files().count_documents({}) == 1


def test_the_image_dialog_by_keyboard(page, screenshot, teacher, teacher_password, make_quiz):
    quiz = make_quiz("Pictures")
    log_in(page, teacher.username, teacher_password)
    refused = csp_reports(page)
    page.goto(f"/quizzes/{quiz.pk}/edit/")
    button = page.get_by_role("button", name="Insert image (Description)")
    page.get_by_label("Description", exact=True).focus()
    page.keyboard.press("Shift+Tab")  # back to the toolbar: Insert image comes before the text
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Insert an image")
    expect(dialog).to_be_visible()
    file_input = dialog.get_by_label("Image file")
    expect(file_input).to_be_focused()
    screenshot("image-dialog")
    assert_accessible(page, "on the quiz settings with the image dialog open")

    # Escape closes it and gives the focus back to the button.
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(button).to_be_focused()

    page.keyboard.press("Space")
    expect(file_input).to_be_focused()
    # A file chooser is the system's own window: Playwright answers it for the keyboard user.
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(
        files=[{"name": "square.png", "mimeType": "image/png", "buffer": image_bytes()}]
    )
    page.keyboard.press("Tab")
    expect(dialog.get_by_label("Alt text (describes the image)")).to_be_focused()
    page.keyboard.type("A red square")
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    description = page.get_by_label("Description", exact=True)
    expect(description).to_be_focused()
    expect(description).to_have_value(MARKDOWN_IMAGE)
    wait_loaded(page.locator("#id_description_preview").get_by_role("img", name="A red square"))
    assert_accessible(page, "on the quiz settings with an image inserted")
    assert refused == []
