"""The language menu changes the page's language only when asked (WCAG 3.2.2, On Input):
moving through its options with the keyboard changes nothing until the button is pressed."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_arrow_keys_choose_a_language_and_the_button_switches_to_it(page):
    page.goto("/join/")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "en")
    menu = page.get_by_label("Language")
    menu.focus()
    page.keyboard.press("ArrowDown")
    expect(menu).to_have_value("fr")
    page.wait_for_timeout(500)  # a submit on change would have navigated by now
    expect(html).to_have_attribute("lang", "en")
    assert page.url.endswith("/join/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Change language")).to_be_focused()
    page.keyboard.press("Enter")
    expect(html).to_have_attribute("lang", "fr")
    expect(page.get_by_label("Langue")).to_have_value("fr")
