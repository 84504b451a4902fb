"""The question bank, in a real headless Chromium (issue 10's acceptance walk).

A teacher imports a Moodle XML file with nested categories, browses the
category tree, builds a quiz from two categories with one random slot, edits
a question (a new version), compares two versions and restores the first.
axe-core finds nothing on each bank page; nothing overflows a phone's width.
Each step leaves a screenshot at desktop and phone sizes in test-artifacts/e2e/.
"""

import re

import pytest
from playwright.sync_api import expect

from quizzes.models import Question, Quiz
from tests.e2e.test_cloze import DESKTOP, check_both_sizes, log_in

pytestmark = pytest.mark.e2e


def category(path, description):
    return f"""
  <question type="category">
    <category><text>$course$/top/{path}</text></category>
    <info format="markdown"><text>{description}</text></info>
    <idnumber></idnumber>
  </question>"""


def truefalse(name, text, right="true"):
    wrong = "false" if right == "true" else "true"
    return f"""
  <question type="truefalse">
    <name><text>{name}</text></name>
    <questiontext format="markdown"><text>{text}</text></questiontext>
    <defaultgrade>1</defaultgrade>
    <answer fraction="100"><text>{right}</text></answer>
    <answer fraction="0"><text>{wrong}</text></answer>
  </question>"""


MOODLE_XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
{category("Science", "All the sciences")}
{truefalse("Scientific method", "Experiments test hypotheses.")}
{category("Science/Physics", "Forces and light")}
{truefalse("Gravity", "Apples fall down.")}
{truefalse("Speed of light", "Light is faster than sound.")}
{truefalse("Heavier falls faster", "A heavier stone falls faster in a vacuum.", "false")}
{category("Science/Chemistry", "Atoms and molecules")}
{truefalse("Water", "Water is H2O.")}
{truefalse("Salt", "Salt is NaCl.")}
{truefalse("Gold", "Gold rusts.", "false")}
</quiz>
"""


def tab_to(page, selector, limit=60):
    """Press Tab until the element matching `selector` has the focus; it shows a focus ring."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
            assert outline != "none", selector
            return
    pytest.fail(f"Tab never reached {selector}")


def tick(page, *names):
    for name in names:
        page.get_by_label(name, exact=True).check()


def test_bank_journey(page, screenshot, teacher, teacher_password, tmp_path):
    page.set_viewport_size(DESKTOP)
    log_in(page, teacher.username, teacher_password)

    # A new teacher's bank is empty and says what to do.
    page.get_by_role("link", name="Question bank").click()
    expect(page.get_by_role("heading", name="Your question bank is empty")).to_be_visible()
    check_both_sizes(page, screenshot, "empty-bank")

    # Import a Moodle XML file with nested categories.
    upload = tmp_path / "sciences.xml"
    upload.write_text(MOODLE_XML, encoding="utf-8")
    page.get_by_role("link", name="Import questions from Moodle").click()
    page.get_by_label("File", exact=True).set_input_files(upload)
    page.get_by_role("button", name="Import now").click()
    expect(page.locator(".message-success")).to_contain_text("7 questions")

    # Browse the tree: Science holds Physics and Chemistry, with their counts.
    page.get_by_role("link", name="Question bank").click()
    tree = page.locator(".category-tree").first
    expect(tree.get_by_role("link", name="Science", exact=True)).to_be_visible()
    science = page.locator("li", has=page.get_by_role("link", name="Science", exact=True)).first
    expect(science.locator(".category-count").first).to_contain_text("1 question")
    expect(science.locator(".category-count").first).to_contain_text("7 with subcategories")
    physics_row = page.locator(".category-row", has_text="Physics")
    expect(physics_row).to_contain_text("3 questions")
    check_both_sizes(page, screenshot, "tree")

    page.get_by_role("link", name="Physics", exact=True).click()
    expect(page.get_by_role("heading", name="Physics", level=1)).to_be_visible()
    expect(page.locator(".bank-item")).to_have_count(3)
    page.get_by_label("Search in names and texts").fill("light")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".bank-item")).to_have_count(1)
    expect(page.locator(".bank-item .question-name")).to_have_text("Speed of light")
    page.get_by_role("link", name="Clear").click()
    page.get_by_label("Select all on this page").check()
    expect(page.locator(".bank-item input:checked")).to_have_count(3)
    page.get_by_label("Select all on this page").uncheck()
    page.get_by_label("Select “Heavier falls faster”").check()
    page.get_by_label("Tags to add").fill("misconception")
    check_both_sizes(page, screenshot, "category-list")
    page.get_by_role("button", name="Add tags").click()
    expect(page.locator(".message-success")).to_have_text("Tags added to 1 question.")
    expect(page.locator(".bank-item", has_text="Heavier falls faster")).to_contain_text(
        "misconception"
    )

    # Build a quiz from two categories, with one random slot.
    page.get_by_role("link", name="New quiz").click()
    page.get_by_label("Title").fill("Mixed sciences")
    page.get_by_role("button", name="Create quiz").click()
    expect(page.locator(".message-success")).to_contain_text("Quiz “Mixed sciences” created.")
    page.get_by_role("link", name="Add from the bank").click()
    page.get_by_label("Category").select_option(label="\u2003Physics")
    page.get_by_role("button", name="Show").click()
    # With the keyboard alone: tick two questions, then add them.
    for name in ("Gravity", "Speed of light"):
        pk = Question.objects.get(name=name).pk
        tab_to(page, f"#pick-{pk}")
        page.keyboard.press("Space")
    check_both_sizes(page, screenshot, "add-from-bank")
    tab_to(page, "button.btn-primary")
    page.keyboard.press("Enter")
    expect(page.locator(".message-success")).to_have_text("2 questions added to the quiz.")
    page.get_by_role("link", name="Add from the bank").click()
    page.get_by_label("Category").select_option(label="\u2003Chemistry")
    page.get_by_role("button", name="Show").click()
    tick(page, "Water")
    page.get_by_role("button", name="Add the ticked questions").click()
    expect(page.locator(".message-success")).to_have_text("1 question added to the quiz.")
    random = page.locator("form", has=page.get_by_role("button", name="Add random questions"))
    random.get_by_label("Category").select_option(label="\u2003Chemistry")
    random.get_by_label("Number of questions").fill("1")
    random.get_by_role("button", name="Add random questions").click()
    expect(page.locator(".message-success")).to_have_text(
        "Added: 1 random question from “Chemistry”."
    )
    expect(page.locator(".question-item .question-name")).to_have_text(
        [re.compile("Gravity$"), re.compile("Speed of light$"), re.compile("Water$")]
    )
    expect(page.locator(".random-slot")).to_contain_text("1 random question from “Chemistry”")
    expect(page.locator(".question-item").first).to_contain_text("Bank: Physics")
    check_both_sizes(page, screenshot, "quiz-editor")
    quiz = Quiz.objects.get(title="Mixed sciences")
    assert [slot.is_random for slot in quiz.slots] == [False, False, False, True]
    assert quiz.question_count == 4

    # Edit a question in the bank: a new version.
    page.get_by_role("link", name="Physics", exact=True).first.click()
    page.get_by_role("link", name="Edit Gravity").click()
    category_id = str(Question.objects.get(name="Gravity").category_id)
    expect(page.locator("#id_bank-category")).to_have_value(category_id)
    page.get_by_label("Question text").fill("Pears fall down, pulled by the Earth.")
    page.locator("#id_bank-tags").fill("newton")
    check_both_sizes(page, screenshot, "bank-editor")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".message-success")).to_have_text("Question “Gravity” saved.")
    gravity = Question.objects.get(name="Gravity")
    assert (gravity.version, gravity.tags) == (2, ["newton"])
    expect(page.locator("#question-" + str(gravity.pk))).to_contain_text("version 2")

    # Compare the two versions.
    page.get_by_role("link", name="Versions of “Gravity”").click()
    expect(page.locator(".versions-table tbody tr")).to_have_count(2)
    check_both_sizes(page, screenshot, "versions")
    page.get_by_role("button", name="Compare the chosen versions").click()
    expect(page.get_by_role("heading", name="Version 1 and version 2")).to_be_visible()
    text_change = page.get_by_role("row", name=re.compile("^Question text"))
    expect(text_change.locator(".diff-old del")).to_have_text("Apples")
    expect(text_change.locator(".diff-new ins")).to_have_text(["Pears", ", pulled by the Earth"])
    expect(page.get_by_role("row", name=re.compile("^Tags"))).to_contain_text("newton")
    check_both_sizes(page, screenshot, "compare")

    # Restore version 1, as version 3.
    page.get_by_role("link", name="View version 1").click()
    check_both_sizes(page, screenshot, "version-1")
    page.get_by_role("button", name="Restore this version").click()
    expect(page.locator(".message-success")).to_have_text("Version 1 restored as version 3.")
    gravity.refresh_from_db()
    assert (gravity.version, gravity.text) == (3, "Apples fall down.")
    expect(page.locator(".versions-table tbody tr")).to_have_count(3)
    screenshot("restored")

    # Move Chemistry to the top level, then delete it with its content.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Question bank").click()
    page.get_by_role("link", name="Edit Chemistry").click()
    page.get_by_label("New place").select_option(label="(top level)")
    check_both_sizes(page, screenshot, "category-edit")
    page.get_by_role("button", name="Move", exact=True).click()
    expect(page.locator(".message-success")).to_have_text("Category “Chemistry” moved.")
    top_level = page.locator(".card > .category-tree > li > .category-row .category-name")
    expect(top_level).to_have_text(["Science", "Chemistry"])
    page.get_by_role("link", name="Delete Chemistry").click()
    expect(page.get_by_text("3 questions, with all their versions")).to_be_visible()
    expect(page.get_by_role("link", name="Mixed sciences")).to_be_visible()
    check_both_sizes(page, screenshot, "category-delete")
    page.get_by_role("button", name="Delete the category and its content").click()
    expect(page.locator(".message-success")).to_have_text("Category “Chemistry” deleted.")
    quiz.refresh_from_db()
    assert [slot.is_random for slot in quiz.slots] == [False, False]
