"""The unsaved-changes guard (static/js/guard.js), in a real headless Chromium.

Leaving an edit form with changes asks first: the app's own dialog for its
links (Stay keeps the input, Leave follows the link; by keyboard too), the
browser's prompt (beforeunload) for a reload, never when the form is as it
was served or when it is being saved. The question form keeps a local draft:
after a reload it is offered back, restored into the fields (answer rows
added included), and dropped once saved; a save that gets no answer keeps it.
axe-core finds nothing with the dialog or the notice shown.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from quizzes import bank, operations
from quizzes.models import Attempt, Category, Quiz
from quizzes.tests.fixtures.plugin import question_named, questions_of
from tests.e2e.accessibility import assert_accessible
from tests.e2e.test_cloze import DESKTOP, PHONE, assert_no_overflow, log_in, tab_until
from tests.e2e.test_results import essay_quiz as graded_quiz

pytestmark = pytest.mark.e2e
essay_quiz = graded_quiz  # the fixture: a submitted attempt with an essay to grade

CAPITAL = {
    "type": "multichoice",
    "name": "Capital",
    "text": "Which city is the capital of France?",
    "answers": [{"text": "Paris", "fraction": 100}, {"text": "Lyon", "fraction": 0}],
}
DRAFTS = "() => Object.keys(localStorage).filter(key => key.startsWith('openquizz.draft:'))"


def leave_dialog(page):
    return page.get_by_role("dialog", name="You have unsaved changes. Leave this page?")


def draft_notice(page):
    return page.locator(".draft-notice")


def check_shown(page, screenshot, step):
    """axe-core with the dialog or notice shown, at desktop and phone sizes; screenshots."""
    assert_accessible(page, step)
    screenshot(f"{step}-desktop")
    page.set_viewport_size(PHONE)
    assert_no_overflow(page)
    assert_accessible(page, f"{step} (phone)")
    screenshot(f"{step}-phone")
    page.set_viewport_size(DESKTOP)


@pytest.fixture
def settings_page(page, teacher, teacher_password, make_quiz):
    """The settings form of the teacher's quiz "Rivers", open in `page`."""
    quiz = make_quiz("Rivers")
    page.set_viewport_size(DESKTOP)
    log_in(page, teacher.username, teacher_password)
    page.goto(reverse("quiz_edit", args=[quiz.pk]))
    page.quiz = quiz
    return page


def test_an_app_link_asks_before_leaving_changes(settings_page, screenshot):
    page = settings_page
    editor = reverse("quiz_editor", args=[page.quiz.pk])
    title = page.get_by_label("Title")
    cancel = page.get_by_role("link", name="Cancel")

    # Typed and undone is no change: the link is followed at once.
    title.fill("Rivers of Europe")
    title.fill("Rivers")
    cancel.click()
    expect(page).to_have_url(re.compile(re.escape(editor) + "$"))

    page.go_back()
    title.fill("Rivers of Europe")
    cancel.click()
    dialog = leave_dialog(page)
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Stay")).to_be_focused()
    check_shown(page, screenshot, "leave-dialog")

    # Stay: the page and its input stay, the focus is back on the link.
    dialog.get_by_role("button", name="Stay").click()
    expect(dialog).to_be_hidden()
    expect(title).to_have_value("Rivers of Europe")
    expect(cancel).to_be_focused()
    assert page.url.endswith(reverse("quiz_edit", args=[page.quiz.pk]))

    # Leave: the link is followed (no second, browser prompt), nothing saved.
    page.on("dialog", lambda prompt: pytest.fail(f"unexpected {prompt.type} prompt"))
    page.get_by_role("link", name="Question bank").click()
    dialog.get_by_role("button", name="Leave").click()
    expect(page).to_have_url(re.compile(r"/bank/$"))
    assert Quiz.objects.get(pk=page.quiz.pk).title == "Rivers"


def test_the_dialog_by_keyboard_alone(settings_page):
    page = settings_page
    title = page.get_by_label("Title")
    title.focus()
    page.keyboard.press("End")
    page.keyboard.type(" of Asia")
    tab_until(page, "Cancel", limit=80)
    page.keyboard.press("Enter")
    dialog = leave_dialog(page)
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Stay")).to_be_focused()

    # Escape is Stay: the focus goes back to the link, the input is kept.
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("link", name="Cancel")).to_be_focused()
    expect(title).to_have_value("Rivers of Asia")

    # Enter again, Tab to Leave, Enter: the link is followed.
    page.keyboard.press("Enter")
    expect(dialog.get_by_role("button", name="Stay")).to_be_focused()
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="Leave")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(
        re.compile(re.escape(reverse("quiz_editor", args=[page.quiz.pk])) + "$")
    )


@pytest.mark.parametrize(
    "where, field, guarded",
    [
        ("quiz_create", "Title", True),
        ("bank", "Name", True),
        ("bank_category_create", "Name", True),
        ("results_attempt", "Comment for the learner", True),
        ("dashboard", "Search titles, tags and descriptions", False),
    ],
)
def test_each_edit_form_is_guarded_and_no_other(
    page, teacher, teacher_password, essay_quiz, where, field, guarded
):
    """Edit forms ask before a link is followed with a change; a search form does not."""
    args = []
    if where == "results_attempt":
        args = [essay_quiz.pk, Attempt.objects.get(quiz=essay_quiz.pk).pk]
    log_in(page, teacher.username, teacher_password)
    page.goto(reverse(where, args=args))
    page.get_by_label(field).last.fill("Something new")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Question bank").click()
    if guarded:
        expect(leave_dialog(page)).to_be_visible()
        page.keyboard.press("Escape")
        expect(page.get_by_label(field).last).to_have_value("Something new")
    else:
        expect(page).to_have_url(re.compile(r"/bank/$"))


def test_the_browser_prompts_on_reload_only_with_changes(settings_page):
    page = settings_page
    prompts = []

    def answer(prompt):
        prompts.append(prompt.type)
        prompt.dismiss()

    page.on("dialog", answer)
    page.reload()
    assert prompts == []

    # With a change, the reload asks; dismissed, the page and its input stay.
    title = page.get_by_label("Title")
    title.fill("Rivers of Africa")
    with page.expect_event("dialog"):
        page.evaluate("() => { window.stillHere = true; location.reload(); }")
    assert prompts == ["beforeunload"]
    assert page.evaluate("() => window.stillHere") is True
    expect(title).to_have_value("Rivers of Africa")

    # Saving the form is not leaving it: no prompt, and it is saved.
    page.get_by_role("button", name="Save settings").click()
    expect(page).to_have_url(
        re.compile(re.escape(reverse("quiz_editor", args=[page.quiz.pk])) + "$")
    )
    assert prompts == ["beforeunload"]
    assert Quiz.objects.get(pk=page.quiz.pk).title == "Rivers of Africa"


def test_submitting_one_form_asks_for_the_other_changed_one(page, teacher, teacher_password):
    """The category page has two forms: submitting one would lose the other's changes."""
    maps = bank.create_category(teacher, {"name": "Maps"})
    geography = bank.create_category(teacher, {"name": "Geography"})
    log_in(page, teacher.username, teacher_password)
    page.goto(reverse("bank_category_edit", args=[maps.pk]))
    answers = [False, True]  # stay, then leave
    prompts = []

    def answer(prompt):
        prompts.append(prompt.type)
        if answers.pop(0):
            prompt.accept()
        else:
            prompt.dismiss()

    page.on("dialog", answer)
    page.get_by_label("Name").fill("World maps")
    page.get_by_label("New place").select_option(str(geography.pk))

    # Moving asks (the new name would be lost); staying moves nothing.
    with page.expect_event("dialog"):
        page.get_by_role("button", name="Move").click()
    assert prompts == ["beforeunload"]
    assert Category.objects.get(pk=maps.pk).parent_id is None

    # Saving the name asks too (the move is not done); leaving saves the name only.
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert prompts == ["beforeunload", "beforeunload"]
    saved = Category.objects.get(pk=maps.pk)
    assert (saved.name, saved.parent_id) == ("World maps", None)


@pytest.fixture
def question_page(page, teacher, teacher_password, make_quiz):
    """The editor of the question "Capital" (two choices) of a quiz, open in `page`."""
    quiz = make_quiz("Capitals", [CAPITAL])
    page.set_viewport_size(DESKTOP)
    log_in(page, teacher.username, teacher_password)
    page.url_of_form = reverse("question_edit", args=[quiz.pk, question_named(quiz, "Capital").pk])
    page.goto(page.url_of_form)
    page.quiz = quiz
    return page


def type_a_draft(page):
    """Changes the question's text, removes the choice "Lyon" and writes "Rome" in a row
    added (the fifth: two choices and two blank rows are served); waits for the draft."""
    page.get_by_label("Question text").fill("Which city is the capital of Italy?")
    lyon(page).locator("[data-remove-row]").click()
    page.get_by_role("button", name="+ Add a choice").click()
    page.locator("[name='answers-4-text']").fill("Rome")
    page.wait_for_function(f"() => ({DRAFTS})().length === 1")


def lyon(page):
    return page.locator(".answer-row", has=page.locator("[name='answers-1-text']"))


def reload_accepting_the_prompt(page):
    page.once("dialog", lambda prompt: prompt.accept())
    page.reload()


def test_a_question_draft_survives_a_reload_and_goes_once_saved(question_page, screenshot):
    page = question_page
    type_a_draft(page)
    reload_accepting_the_prompt(page)

    # The page is as served; the notice offers the draft back.
    text = page.get_by_label("Question text")
    expect(text).to_have_value("Which city is the capital of France?")
    notice = draft_notice(page)
    expect(notice).to_contain_text(
        re.compile(r"A draft you did not save was found \(saved at .*\d:\d\d.*\)\.")
    )
    check_shown(page, screenshot, "draft-notice")

    notice.get_by_role("button", name="Restore draft").click()
    expect(text).to_have_value("Which city is the capital of Italy?")
    expect(page.locator("[name='answers-4-text']")).to_have_value("Rome")
    expect(page.locator("[name='answers-TOTAL_FORMS']")).to_have_value("5")
    expect(lyon(page)).to_have_class(re.compile(r"\bis-removed\b"))
    expect(notice).to_contain_text("Draft restored")
    expect(page.get_by_label("Question name")).to_be_focused()
    page.locator("[name='answers-4-fraction']").select_option("0")

    with page.expect_navigation():
        page.get_by_role("button", name="Save and keep editing").click()
    assert page.evaluate(DRAFTS) == []
    (question,) = questions_of(page.quiz)
    assert question.text == "Which city is the capital of Italy?"
    assert [answer.text for answer in question.answers] == ["Paris", "Rome"]

    # Back to the form: no notice.
    page.goto(page.url_of_form)
    expect(page.get_by_label("Question text")).to_have_value("Which city is the capital of Italy?")
    expect(draft_notice(page)).to_have_count(0)


def test_signing_out_forgets_the_drafts(question_page, teacher, teacher_password):
    page = question_page
    type_a_draft(page)
    reload_accepting_the_prompt(page)
    expect(draft_notice(page)).to_be_visible()
    page.locator(".user-menu summary").click()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(lambda url: page.url_of_form not in url)
    assert page.evaluate(DRAFTS) == []
    log_in(page, teacher.username, teacher_password)
    page.goto(page.url_of_form)
    expect(page.get_by_label("Question text")).to_be_visible()
    expect(draft_notice(page)).to_have_count(0)


def test_a_discarded_draft_is_gone(question_page):
    page = question_page
    type_a_draft(page)
    reload_accepting_the_prompt(page)
    draft_notice(page).get_by_role("button", name="Discard").click()
    expect(draft_notice(page)).to_have_count(0)
    assert page.evaluate(DRAFTS) == []
    page.reload()
    expect(page.get_by_label("Question text")).to_be_visible()
    expect(draft_notice(page)).to_have_count(0)


def test_a_refused_save_shows_the_input_and_an_unanswered_one_keeps_the_draft(question_page):
    page = question_page
    type_a_draft(page)

    # No answer to the save (the network is down): the draft stays, offered back later.
    page.route(
        "**/edit/",
        lambda route: route.abort() if route.request.method == "POST" else route.continue_(),
    )
    with page.expect_event("requestfailed"):
        page.get_by_role("button", name="Save", exact=True).click()
    page.unroute("**/edit/")
    page.goto(page.url_of_form)
    notice = draft_notice(page)
    notice.get_by_role("button", name="Restore draft").click()
    expect(page.locator("[name='answers-4-text']")).to_have_value("Rome")

    # Refused (no right answer): the form comes back with the input as sent, with no
    # notice nor draft.
    page.locator("[name='answers-0-fraction']").select_option("0")
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        page.get_by_role("button", name="Save", exact=True).click()
    assert answer.value.status == 400
    page.wait_for_load_state()
    expect(page.get_by_label("Question text")).to_have_value("Which city is the capital of Italy?")
    expect(draft_notice(page)).to_have_count(0)
    assert page.evaluate(DRAFTS) == []


def test_a_conflict_answers_with_the_form_again_and_the_draft_goes(question_page):
    """A save both sides changed the text of (409) shows the form again, with the choice
    between theirs and yours: the draft typed before it goes, what was typed is in the form."""
    page = question_page
    type_a_draft(page)
    quiz = Quiz.objects.get(pk=page.quiz.pk)
    operations.update_question(quiz, question_named(quiz, "Capital"), {"text": "Capital of Spain?"})
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        page.get_by_role("button", name="Save", exact=True).click()
    assert answer.value.status == 409
    page.wait_for_load_state()
    expect(page.get_by_label("Question text")).to_be_visible()
    expect(draft_notice(page)).to_have_count(0)
    assert page.evaluate(DRAFTS) == []


def test_leaving_a_question_by_its_link_drops_the_draft(question_page):
    page = question_page
    type_a_draft(page)
    page.get_by_role("link", name="Cancel").click()
    leave_dialog(page).get_by_role("button", name="Leave").click()
    # The editor's URL whole: it begins the question form's own URL.
    editor = re.escape(reverse("quiz_editor", args=[page.quiz.pk]))
    expect(page).to_have_url(re.compile(editor + r"([?#].*)?$"))
    assert page.evaluate(DRAFTS) == []


def test_the_bank_question_editor_keeps_a_draft_too(question_page):
    page = question_page
    question = question_named(page.quiz, "Capital")
    page.goto(reverse("bank_question_edit", args=[question.pk]))
    page.get_by_label("Question text").fill("Which city is the capital of Peru?")
    page.wait_for_function(f"() => ({DRAFTS})().length === 1")
    reload_accepting_the_prompt(page)
    draft_notice(page).get_by_role("button", name="Restore draft").click()
    expect(page.get_by_label("Question text")).to_have_value("Which city is the capital of Peru?")
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    assert page.evaluate(DRAFTS) == []
    assert question_named(page.quiz, "Capital").text == "Which city is the capital of Peru?"
