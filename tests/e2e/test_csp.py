"""Every page under the Content-Security-Policy, in a real headless Chromium: no violation.

Each page is loaded (and a few are used: a Markdown preview, a preview submitted)
in a context whose init script records every `securitypolicyviolation` event;
Chromium's console errors about the policy are recorded too. A first test
proves the recorder sees a violation when there is one, and that the
report-only switch reports without blocking.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from quizzes import bank, operations
from quizzes.models import Question
from quizzes.qtypes import registry
from quizzes.tests.fixtures.plugin import questions_of
from quizzes.tests.fixtures.samples import every_type_quiz
from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.test_cloze import log_in

pytestmark = pytest.mark.e2e

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ` +
    `${event.sourceFile}:${event.lineNumber} (${event.disposition}) ${event.sample}`);
});
"""
INJECT_INLINE = """() => {
  document.body.insertAdjacentHTML("beforeend", '<p id="styled" style="color: rgb(255, 0, 0)">x</p>');
  const script = document.createElement("script");
  script.textContent = "window.inlineRan = true;";
  document.body.append(script);
  return new Promise((resolve) => setTimeout(resolve, 100));
}"""


@pytest.fixture
def csp_page(browser, live_server):
    """A page that records CSP violations: `csp_page.violations()` empties the record."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    console = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    def violations():
        found = page.evaluate("() => window.cspViolations.splice(0)") + console
        console.clear()
        return found

    page.violations = violations
    yield page
    context.close()


def visit(page, url, idle=False):
    response = page.goto(url, wait_until="networkidle" if idle else "load")
    assert response.status < 500, (url, response.status)
    assert "content-security-policy" in response.headers, url
    return response


def test_the_recorder_sees_violations_and_the_policy_blocks(csp_page, live_server):
    response = visit(csp_page, "/accounts/login/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert csp_page.violations() == []
    csp_page.evaluate(INJECT_INLINE)
    found = " ".join(csp_page.violations())
    assert "style-src" in found and "script-src" in found, found
    assert csp_page.evaluate("() => window.inlineRan") is None
    color = csp_page.evaluate("() => getComputedStyle(document.getElementById('styled')).color")
    assert color != "rgb(255, 0, 0)"


def test_report_only_reports_without_blocking(csp_page, settings):
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = None
    response = visit_report_only(csp_page)
    assert "script-src 'self'" in response.headers["content-security-policy-report-only"]
    csp_page.evaluate(INJECT_INLINE)
    found = " ".join(csp_page.violations())
    assert "script-src" in found and "(report)" in found, found
    assert csp_page.evaluate("() => window.inlineRan") is True


def visit_report_only(page):
    response = page.goto("/accounts/login/")
    assert "content-security-policy" not in response.headers
    return response


def anonymous_pages():
    return [
        "/accounts/login/",
        reverse("password_reset"),
        reverse("password_reset_done"),
        reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "set-password"}),
        reverse("password_reset_complete"),
        "/no-such-page/",
        "/admin/login/",
        reverse("join"),
    ]


def teacher_pages(quiz, questions, category, bank_question):
    quiz_urls = [
        reverse(name, kwargs={"quiz_id": quiz.pk})
        for name in [
            "quiz_editor",
            "quiz_edit",
            "quiz_delete",
            "quiz_preview",
            "results",
            "results_statistics",
        ]
    ] + [
        reverse("results_attempt", kwargs={"quiz_id": quiz.pk, "attempt_id": attempt.pk})
        for attempt in quiz.attempts.all()
    ]
    question_urls = [
        reverse(name, kwargs={"quiz_id": quiz.pk, "question_id": question.pk})
        for question in questions
        for name in ["question_edit", "question_delete"]
    ]
    add_urls = [
        reverse(name, kwargs={"quiz_id": quiz.pk, "qtype": qtype})
        for qtype in registry.TYPES
        for name in ["question_add"]
    ] + [reverse("bank_question_add", kwargs={"qtype": qtype}) for qtype in registry.TYPES]
    bank_urls = [
        reverse("bank"),
        reverse("bank_questions"),
        reverse("bank_category_create"),
        *(
            reverse(name, kwargs={"category_id": category.pk})
            for name in [
                "bank_category",
                "bank_category_edit",
                "bank_category_delete",
            ]
        ),
        *(
            reverse(name, kwargs={"question_id": bank_question.pk})
            for name in ["bank_question_edit", "bank_versions"]
        ),
        reverse("bank_version", kwargs={"question_id": bank_question.pk, "number": 1}),
        reverse("bank_versions_compare", kwargs={"question_id": bank_question.pk}) + "?a=1&b=2",
    ]
    return [
        "/",
        reverse("quiz_create"),
        reverse("quiz_import"),
        *quiz_urls,
        *question_urls,
        *add_urls,
        *bank_urls,
        reverse("password_change"),
        reverse("password_change_done"),
    ]


def test_every_page_has_no_violation(csp_page, teacher, teacher_password, make_quiz):
    quiz = make_quiz("Under the policy", every_type_quiz()["questions"], owner=teacher)
    release = operations.publish_quiz(quiz)  # its editor shows the share panel, QR code inline
    operations.record_attempt(release, {})  # its results pages list and show it
    questions = questions_of(quiz)
    bank_question = Question.objects.get(pk=questions[0].pk)
    bank.update_question(bank_question, {"name": "Capital, renamed"}, teacher)
    category = bank_question.category

    found = {}
    for url in anonymous_pages():
        visit(csp_page, url)
        found[url] = csp_page.violations()
    visit(csp_page, "/api/docs/", idle=True)
    expect(csp_page.locator(".swagger-ui .info .title")).to_contain_text("OpenQuizz API")
    found["/api/docs/"] = csp_page.violations()

    log_in(csp_page, teacher.username, teacher_password)
    found["login"] = csp_page.violations()
    for url in teacher_pages(quiz, questions, category, bank_question):
        visit(csp_page, url)
        found[url] = csp_page.violations()

    # Pages in use: an htmx Markdown preview, a preview submitted with its feedback.
    visit(
        csp_page,
        reverse("question_edit", kwargs={"quiz_id": quiz.pk, "question_id": questions[0].pk}),
    )
    csp_page.get_by_role("button", name="Preview").first.click()
    csp_page.wait_for_load_state("networkidle")
    found["markdown preview"] = csp_page.violations()
    visit(csp_page, reverse("quiz_preview", kwargs={"quiz_id": quiz.pk}))
    csp_page.locator("main form [type=submit]").last.click()
    csp_page.wait_for_load_state("load")
    found["preview submitted"] = csp_page.violations()
    visit(csp_page, "/api/docs/", idle=True)
    found["/api/docs/ signed in"] = csp_page.violations()

    visit(csp_page, "/")
    csp_page.locator(".user-menu summary").click()
    csp_page.get_by_role("button", name="Log out").click()
    expect(csp_page.get_by_role("heading", level=1)).to_be_visible()
    found["logged out"] = csp_page.violations()

    assert len(found) > 40
    assert {url: seen for url, seen in found.items() if seen} == {}


def test_the_learner_player_has_no_violation(csp_page, teacher, make_quiz):
    """The player's pages (quizzes.views.player), with its script at work: a countdown,
    an answer saved as it changes."""
    quiz = make_quiz("Played under the policy", every_type_quiz()["questions"], owner=teacher)
    quiz.options.time_limit_minutes = 30
    quiz.save()
    operations.set_status(quiz, "published")
    quiz.refresh_from_db()
    found = {}
    visit(csp_page, reverse("player:start", args=[quiz.share_code]))
    found["player start"] = csp_page.violations()
    csp_page.get_by_label("Your name").fill("Ada")
    csp_page.get_by_role("button", name="Start the quiz").click()
    csp_page.get_by_label("True").first.check()
    expect(csp_page.locator("[data-save-status]")).to_have_text("Saved")
    found["player questions"] = csp_page.violations()
    csp_page.get_by_role("button", name="Review and submit").click()
    expect(csp_page.locator(".review-list")).to_be_visible()
    found["player review"] = csp_page.violations()
    csp_page.get_by_role("button", name="Submit").click()
    expect(csp_page.locator(".score-card")).to_be_visible()
    found["player result"] = csp_page.violations()
    assert {url: seen for url, seen in found.items() if seen} == {}
