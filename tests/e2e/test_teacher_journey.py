"""A teacher's first session, in a real headless Chromium.

Log in, create a quiz, add a multiple-choice, a true/false and a numerical
question, reorder them (drag and drop, then the keyboard alternative), take
the quiz in the preview and get the expected score, publish it, switch to
French, log out. Each step leaves a screenshot in test-artifacts/e2e/.
"""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from quizzes import operations
from quizzes.models import Quiz

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-e2e-password-7"


def question_names(page):
    """The names in the editor's list, without the number only screen readers hear."""
    links = page.locator(".question-item .question-name").all_text_contents()
    return [re.sub(r"^\s*Question \d+:\s*", "", link).strip() for link in links]


def add_question(page, type_label, name, text):
    page.locator(".type-grid a", has_text=type_label).click()
    page.get_by_label("Question name").fill(name)
    page.get_by_label("Question text").fill(text)


def save(page, name):
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".message-success")).to_have_text(f"Question “{name}” saved.")


def test_teacher_journey(page, screenshot, transactional_db):
    User.objects.create_user("ada", password=PASSWORD, first_name="Ada")

    # Log in: anonymous visitors are sent to the login page.
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill(PASSWORD)
    screenshot("login")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="My quizzes")).to_be_visible()
    expect(page.get_by_text("build your first quiz")).to_be_visible()
    screenshot("empty-dashboard")

    # Create a quiz.
    page.get_by_role("link", name="Create your first quiz").click()
    page.get_by_label("Title").fill("The planets")
    page.get_by_label("Description").fill("A *short* quiz about the planets.")
    page.get_by_label("Tags").fill("science, space")
    screenshot("new-quiz")
    page.get_by_role("button", name="Create quiz").click()
    expect(page.locator(".message-success")).to_contain_text("Quiz “The planets” created.")
    screenshot("editor-empty")

    # A multiple-choice question: its first choice starts at 100 %.
    add_question(page, "Multiple choice", "Largest planet", "Which planet is the **largest**?")
    choices = page.locator("[data-formset=answers] .answer-row")
    page.locator("#id_answers-0-text").fill("Jupiter")
    choices.nth(0).locator("summary").click()  # a choice's feedback is folded away
    page.locator("#id_answers-0-feedback").fill("Right: Jupiter is the giant.")
    page.locator("#id_answers-1-text").fill("Mars")
    choices.nth(1).locator("summary").click()
    page.locator("#id_answers-1-feedback").fill("Mars is rather small.")
    page.get_by_role("button", name="Preview Question text").click()
    expect(page.locator("#id_text_preview strong")).to_have_text("largest")
    screenshot("multichoice-form")
    save(page, "Largest planet")

    # A true/false question.
    add_question(page, "True/false", "Sun is a star", "The Sun is a star.")
    page.get_by_label("True", exact=True).check()
    page.get_by_label("Feedback for the answer “False”").fill("It is one: a yellow dwarf.")
    screenshot("truefalse-form")
    save(page, "Sun is a star")

    # A numerical question.
    add_question(page, "Numerical", "Number of planets", "How many planets orbit the Sun?")
    page.locator("#id_answers-0-value").fill("8")
    page.locator("#id_answers-0-tolerance").fill("0")
    screenshot("numerical-form")
    save(page, "Number of planets")
    assert question_names(page) == ["Largest planet", "Sun is a star", "Number of planets"]
    screenshot("editor-three-questions")

    # Reorder by drag and drop: the last question to the top; the order is saved.
    items = page.locator(".question-item")
    # Saving scrolled the page to the last question: bring the list's top back in view.
    page.get_by_role("heading", name="Questions", exact=True).scroll_into_view_if_needed()
    items.nth(2).locator(".drag-handle").drag_to(items.nth(0))
    expect(page.locator(".message-success")).to_have_text("New order saved.")
    # ... and with the keyboard alternative: move the true/false question up.
    page.get_by_role("button", name="Move “Sun is a star” up").click()
    expect(page.locator(".message-success")).to_have_text("Question “Sun is a star” moved.")
    page.reload()
    expected = ["Number of planets", "Sun is a star", "Largest planet"]
    assert question_names(page) == expected
    quiz = Quiz.objects.get(title="The planets")
    stored = operations.quiz_questions(quiz)
    assert [question.name for question in stored] == expected
    screenshot("editor-reordered")

    # Preview: two right answers out of three, the pass mark is 50 %.
    page.get_by_role("link", name="Preview").first.click()
    page.get_by_label("Your answer").fill("8")
    page.get_by_label("False").check()
    page.get_by_label("Jupiter").check()
    screenshot("preview")
    page.get_by_role("button", name="Submit and see the score").click()
    expect(page.locator(".score")).to_have_text("2 / 3")
    expect(page.locator(".result-passed")).to_contain_text("Passed")
    expect(page.get_by_text("Right: Jupiter is the giant.")).to_be_visible()
    expect(page.get_by_text("It is one: a yellow dwarf.")).to_be_visible()
    screenshot("preview-results")
    assert quiz.attempts.count() == 0

    # Publish.
    page.get_by_role("link", name="Back to the editor").click()
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".message-success")).to_have_text(
        "Quiz published: learners can now take it."
    )
    expect(page.locator("h1 .badge")).to_have_text("Published")
    screenshot("published")

    # Switch to French: the choice applies once confirmed, and sticks.
    page.get_by_label("Language").select_option("fr")
    page.get_by_role("button", name="Change language").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("h1 .badge")).to_have_text("Publié")
    expect(page.get_by_role("link", name="Aperçu")).to_be_visible()
    page.goto("/")
    expect(page.get_by_role("heading", name="Mes quiz")).to_be_visible()
    screenshot("french-dashboard")

    # Log out from the account menu.
    page.locator(".user-menu summary").click()
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("button", name="Se connecter")).to_be_visible()
    screenshot("logged-out")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
