"""Browser fixtures: Debian's headless Chromium driven by Playwright, against live_server.

The browser is required: when Chromium or Playwright is missing the tests fail
with a message saying how to install them, in CI (CI=true) and locally alike;
they are never skipped. `make test` installs Debian's chromium first.

pytest-django's `live_server` serves the app from a thread of this process,
on the test database (it implies `transactional_db`).
"""

import contextlib
import os
import re
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = os.environ.get("CHROMIUM_BINARY", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "e2e"
# Long enough for a loaded CI machine; Playwright waits only as long as needed.
TIMEOUT_MS = 20_000
# A phone's screen, in CSS pixels (the player's tests, the learner journey).
PHONE_VIEWPORT = {"width": 390, "height": 844}


@pytest.fixture(scope="package")
def playwright():
    """Playwright's sync API, for the end-to-end tests (started once for them all).

    It keeps an event loop in the main thread, so Django takes the test's own
    ORM calls for calls from async code and refuses them. They are plain
    synchronous calls in the main thread, as Playwright's Django guide notes:
    the check is lifted while the browser tests run, and only then.
    """
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        pytest.fail("Playwright is missing: install the dev requirements (make test does).")
    expect.set_options(timeout=TIMEOUT_MS)
    saved = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as instance:
            connect_afresh()
            yield instance
    finally:
        if saved is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = saved


def connect_afresh():
    """Make the main thread's database connections, as seen under Playwright, connect again.

    While Playwright's event loop runs, Django hands the main thread other
    connection objects than outside it (it keeps them per async context), and
    the same ones from one Playwright session to the next. Tests run between
    two sessions (under pytest-xdist, any other module) may have closed the
    MongoClient those still hold (sessions_mw's tests rebuild the backend's
    client): they connect again, to the client the backend shares now.
    """
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.connection = None
        with contextlib.suppress(AttributeError):
            del connection.database  # the backend's cached Database of that client


@pytest.fixture(scope="package")
def browser(playwright):
    """Debian's headless Chromium, launched once for the end-to-end tests.

    Each test still gets a browser context of its own (`page`): its own
    cookies, storage and cache, as in a browser launched for it alone.
    """
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"No Chromium at {CHROMIUM}: install Debian's chromium and chromium-driver "
            "(`make browser`, as root), or set CHROMIUM_BINARY."
        )
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser, live_server):
    """A page in a fresh browser context (its own cookies and storage), in English."""
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot(page, request):
    """screenshot(step): saves the page to test-artifacts/e2e/<test>/<nn>-<step>.png."""
    directory = ARTIFACTS / re.sub(r"[^\w-]", "_", request.node.name)
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("*.png"):
        old.unlink()
    steps = []

    def take(step):
        steps.append(step)
        path = directory / f"{len(steps):02}-{step}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take


@pytest.fixture
def phone(browser, live_server):
    """phone(javascript=True) → a page in a fresh phone-sized browser context."""
    contexts = []

    def make(javascript=True):
        context = browser.new_context(
            base_url=live_server.url,
            locale="en-GB",
            viewport=PHONE_VIEWPORT,
            is_mobile=True,
            has_touch=True,
            java_script_enabled=javascript,
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
