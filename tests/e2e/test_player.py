"""The learner player in a real headless Chromium, at phone size (390 x 844, touch).

An anonymous learner opens a quiz's share link, gives a name, answers every
question type (the cloze gaps and a true/false by keyboard alone), sees the
answers saved as they go, reloads mid-quiz and finds them there, reviews,
submits and reads the result. The same with JavaScript disabled, one
question per page. axe-core finds nothing on the start, question, review
and result pages; nothing is wider than the phone. Each page leaves a
screenshot at phone and desktop sizes in test-artifacts/e2e/.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from quizzes import operations, releases
from quizzes.models import Attempt
from quizzes.tests.fixtures.plugin import questions_of
from quizzes.tests.test_api.conftest import QUESTIONS
from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import ARTIFACTS, PHONE_VIEWPORT
from tests.e2e.test_cloze import assert_no_overflow, assert_visible_focus, focused, tab

pytestmark = pytest.mark.e2e

PHONE = PHONE_VIEWPORT
DESKTOP = {"width": 1280, "height": 800}

EVERY_TYPE = [
    {
        "type": "description",
        "name": "Welcome",
        "text": "Answer each question. *Your answers are saved as you go.*",
    },
    *QUESTIONS.values(),
    {
        "type": "cloze",
        "name": "Gaps",
        "text": "The capital of Italy is {1:SA:=Rome} and the sky is "
        "{1:MC:=blue~green} on a clear day.",
        "points": 2,
    },
]


def publish(quiz, **options):
    for name, value in options.items():
        setattr(quiz.options, name, value)
    quiz.save()
    operations.set_status(quiz, "published")
    quiz.refresh_from_db()
    assert releases.live_release(quiz).share_code == quiz.share_code
    return quiz


@pytest.fixture
def shots(request):
    """shots(page, step): checks the page with axe-core and that it fits the phone,
    then saves it at phone and at desktop size."""
    directory = ARTIFACTS / re.sub(r"[^\w-]", "_", request.node.name)
    directory.mkdir(parents=True, exist_ok=True)
    taken = []

    def take(page, step):
        assert_no_overflow(page)
        assert_accessible(page, f"on the {step} page")
        taken.append(step)
        page.screenshot(path=directory / f"{len(taken):02}-{step}-phone.png", full_page=True)
        page.set_viewport_size(DESKTOP)
        page.screenshot(path=directory / f"{len(taken):02}-{step}-desktop.png", full_page=True)
        page.set_viewport_size(PHONE)

    return take


def question(page, text):
    return page.locator("section.learner-question", has_text=text)


def choice(section, text):
    """The radio button or check box whose label reads `text` (after its number)."""
    return section.locator("label").filter(
        has_text=re.compile(rf"^\s*(\w\.)?\s*{re.escape(text)}\s*$")
    )


def answer_every_type(page):
    """Answer each question of EVERY_TYPE on the page, the cloze gaps by keyboard
    alone, and wait until the page says the answers are saved."""
    choice(question(page, "2 + 2?"), "4").click()
    primes = question(page, "Which are prime?")
    choice(primes, "2").click()
    choice(primes, "3").click()
    question(page, "The sky is blue.").get_by_label("True").check()
    question(page, "Capital of France?").get_by_label("Your answer").fill("Paris")
    question(page, "Euler's number?").get_by_label("Your answer").fill("2.7182")
    matching = question(page, "Match the countries.")
    matching.get_by_label("France").select_option("Paris")
    matching.get_by_label("Italy").select_option("Rome")
    question(page, "Tell us about your holidays.").get_by_label("Your answer").fill("Sun.")
    page.get_by_label("Gap 1", exact=True).focus()
    assert_visible_focus(page)
    page.keyboard.type("Rome")
    assert tab(page)["label"] == "Gap 2"
    assert_visible_focus(page)
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Gap 2", exact=True)).not_to_have_value("")
    expect(page.locator("[data-save-status]")).to_have_text("Saved")


def assert_every_answer_shown(page):
    """The answers of `answer_every_type` are on the page."""
    expect(choice(question(page, "2 + 2?"), "4").locator("input")).to_be_checked()
    expect(choice(question(page, "Which are prime?"), "3").locator("input")).to_be_checked()
    expect(question(page, "The sky is blue.").get_by_label("True")).to_be_checked()
    expect(question(page, "Capital of France?").get_by_label("Your answer")).to_have_value("Paris")
    expect(question(page, "Match the countries.").get_by_label("Italy")).to_have_value("Rome")
    expect(page.get_by_label("Gap 1", exact=True)).to_have_value("Rome")
    expect(
        question(page, "Tell us about your holidays.").get_by_label("Your answer")
    ).to_have_value("Sun.")


def test_an_anonymous_learner_takes_every_question_type_on_a_phone(
    phone, shots, make_quiz, teacher
):
    quiz = publish(make_quiz("Every type", EVERY_TYPE, owner=teacher), time_limit_minutes=30)
    page = phone()
    page.goto(f"/q/{quiz.share_code}/")
    expect(page.get_by_role("heading", name="Every type")).to_be_visible()
    expect(page.locator(".player-facts")).to_contain_text("30 minutes")
    shots(page, "start")

    page.get_by_label("Your name").fill("Ada")
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.locator("section.learner-question")).to_have_count(len(EVERY_TYPE))
    expect(page.locator("[data-countdown]")).to_have_text(re.compile(r"^(29|30):\d\d$"))
    shots(page, "questions")

    answer_every_type(page)
    # Saved as they went: a fresh load of the page shows every answer.
    page.reload()
    assert_every_answer_shown(page)

    page.get_by_role("button", name="Review and submit").click()
    expect(page.get_by_role("heading", name="Review your answers")).to_be_visible()
    expect(page.locator(".review-list li")).to_have_count(len(EVERY_TYPE) - 1)
    expect(page.locator(".review-list")).not_to_contain_text("Not answered")
    shots(page, "review")

    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("heading", name="Your answers have been submitted")).to_be_visible()
    expect(page.locator(".score-card")).to_contain_text("Passed")
    shots(page, "result")


def test_keyboard_only_start_and_answer(phone, make_quiz, teacher):
    quiz = publish(make_quiz("By keyboard", [QUESTIONS["truefalse"]], owner=teacher))
    page = phone()
    page.goto(f"/q/{quiz.share_code}/")
    for _ in range(30):
        if tab(page)["tag"] == "input":
            break
    assert_visible_focus(page)
    page.keyboard.type("Grace")
    page.keyboard.press("Enter")
    expect(page.locator("section.learner-question")).to_have_count(1)
    for _ in range(30):
        state = tab(page)
        if state["type"] == "radio":
            break
    assert state["label"] == "True"
    assert_visible_focus(page)
    page.keyboard.press("Space")
    while focused(page)["label"] != "Review and submit":
        tab(page)
    assert_visible_focus(page)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Review your answers")).to_be_visible()
    expect(page.locator(".review-list")).to_contain_text("Answered")
    while focused(page)["label"] != "Submit":
        tab(page)
    page.keyboard.press("Enter")
    expect(page.locator(".score-card")).to_contain_text("1 / 1")


def test_without_javascript_one_question_per_page(phone, make_quiz, teacher):
    questions = [QUESTIONS["truefalse"], QUESTIONS["shortanswer"]]
    quiz = publish(
        make_quiz("No script", questions, owner=teacher), one_per_page=True, time_limit_minutes=5
    )
    page = phone(javascript=False)
    page.goto(f"/q/{quiz.share_code}/")
    page.get_by_label("Your name").fill("Linus")
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_text("Page 1 of 2")).to_be_visible()
    # The deadline as text, no countdown (axe-core cannot run without script).
    expect(page.locator(".timer-deadline")).to_contain_text("Submit by")
    expect(page.locator("[data-countdown]")).to_be_hidden()
    page.get_by_label("True").check()
    page.get_by_role("button", name="Save and next").click()
    expect(page.get_by_text("Page 2 of 2")).to_be_visible()
    page.get_by_label("Your answer").fill("Paris")
    page.reload()  # nothing saved on this page yet: the learner goes back to the first
    page.get_by_role("button", name="Previous").click()
    expect(page.get_by_label("True")).to_be_checked()
    page.get_by_role("button", name="Save and next").click()
    page.get_by_label("Your answer").fill("Paris")
    page.get_by_role("button", name="Review and submit").click()
    expect(page.locator(".review-list li")).to_have_count(2)
    expect(page.locator(".review-list")).not_to_contain_text("Not answered")
    page.get_by_role("button", name="Submit").click()
    expect(page.locator(".score-card")).to_contain_text("Passed")
    assert len(questions_of(quiz)) == 2


def test_the_answers_saved_by_script_are_there_in_another_tab(phone, make_quiz, teacher):
    quiz = publish(make_quiz("Autosave", [QUESTIONS["shortanswer"]], owner=teacher))
    page = phone()
    page.goto(f"/q/{quiz.share_code}/")
    page.get_by_label("Your name").fill("Ada")
    page.get_by_role("button", name="Start the quiz").click()
    # An answer that cannot be saved says why beside its question, until it can.
    page.get_by_label("Your answer").fill("x" * 5000)
    problem = page.locator("section.learner-question .errorlist")
    expect(problem).to_contain_text("at most")
    expect(page.locator("[data-save-status]")).to_contain_text("cannot be saved")
    page.get_by_label("Your answer").fill("Lutece")
    expect(page.locator("[data-save-status]")).to_have_text("Saved")
    expect(problem).to_have_count(0)
    other = page.context.new_page()
    other.goto(page.url)
    expect(other.get_by_label("Your answer")).to_have_value("Lutece")
    # The start page offers to resume it.
    other.goto(f"/q/{quiz.share_code}/")
    other.get_by_role("link", name="Resume your attempt").click()
    expect(other.get_by_label("Your answer")).to_have_value("Lutece")


def test_at_the_deadline_the_page_submits_what_was_saved(phone, make_quiz, teacher):
    quiz = publish(
        make_quiz("Against the clock", [QUESTIONS["truefalse"]], owner=teacher),
        time_limit_minutes=10,
    )
    page = phone()
    page.goto(f"/q/{quiz.share_code}/")
    page.get_by_label("Your name").fill("Ada")
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.locator("section.learner-question")).to_have_count(1)
    # Ten seconds left: the server's deadline, which the page counts down to.
    Attempt.objects.filter(quiz=quiz).update(deadline=timezone.now() + timedelta(seconds=10))
    page.reload()
    page.get_by_label("True").check()
    expect(page.locator("[data-save-status]")).to_have_text("Saved")
    expect(page.locator(".player-timer")).to_have_class(re.compile("is-short"))
    expect(page.get_by_role("heading", name="Your answers have been submitted")).to_be_visible()
    expect(page.locator(".score-card")).to_contain_text("1 / 1")
    assert Attempt.objects.get(quiz=quiz).state == "submitted"
