"""Security headers and what /healthz tells whom.

The browser side of the Content-Security-Policy (every page loaded in Chromium
without a violation) is tests/e2e/test_csp.py.
"""

import re
from pathlib import Path

import pytest

from openquizz.mongod import free_port
from openquizz.tests.test_health import BASE_DIR, probe_healthz
from openquizz.tests.test_settings import PRODUCTION, run_django

pytestmark = pytest.mark.django_db
REMOTE = {"REMOTE_ADDR": "203.0.113.9"}


# -- Content-Security-Policy ---------------------------------------------------------
def test_pages_carry_a_policy_without_inline_script_or_style(client):
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy
    assert "Content-Security-Policy-Report-Only" not in client.get("/accounts/login/")


def test_the_api_docs_page_has_no_inline_script_or_style(client):
    page = client.get("/api/docs/").content.decode()
    assert "<style" not in page
    scripts = re.findall(r"<script([^>]*)>", page)
    assert scripts and all("src=" in attributes for attributes in scripts)
    init = client.get("/api/docs/?script=")
    assert init["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in init.content.decode()


TEMPLATE_DIRS = [Path(BASE_DIR) / "templates", Path(BASE_DIR) / "quizzes" / "templates"]
INLINE = re.compile(
    r"<style|<script(?![^>]*\ssrc=)[^>]*>|\sstyle=|\son[a-z]+=|javascript:", re.IGNORECASE
)


def test_no_template_has_inline_script_style_or_handler():
    templates = [path for folder in TEMPLATE_DIRS for path in folder.rglob("*.html")]
    assert len(templates) > 30
    found = {
        str(path.relative_to(BASE_DIR)): INLINE.findall(path.read_text())
        for path in templates
        if INLINE.search(path.read_text())
    }
    assert found == {}


def test_the_inline_pattern_finds_what_it_looks_for():
    for inline in ["<script>x()</script>", "<style>", '<p style="x">', '<a onclick="x()">']:
        assert INLINE.search(inline), inline
    assert not INLINE.search('<script src="/static/js/app.js" defer></script>')


@pytest.mark.parametrize(
    ("report_only", "header"),
    [
        ("1", "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
        ("0", "CONTENT_SECURITY_POLICY"),
        ("", "CONTENT_SECURITY_POLICY"),
    ],
)
def test_report_only_switch_from_the_environment(report_only, header):
    code = (
        "from django.conf import settings; "
        "print(sorted(name for name in ('CONTENT_SECURITY_POLICY', "
        "'CONTENT_SECURITY_POLICY_REPORT_ONLY') if getattr(settings, name, None)))"
    )
    result = run_django({"DJANGO_CSP_REPORT_ONLY": report_only}, "shell", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == repr([header])


def test_report_only_sends_the_same_policy_under_the_other_header(client, settings):
    enforced = client.get("/accounts/login/")["Content-Security-Policy"]
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = None
    response = client.get("/accounts/login/")
    assert "Content-Security-Policy" not in response
    assert response["Content-Security-Policy-Report-Only"] == enforced


def test_check_deploy_is_clean_in_production_in_report_only_mode():
    result = run_django(
        {
            **PRODUCTION,
            "DJANGO_CSP_REPORT_ONLY": "1",
            "DJANGO_CSP_REPORT_URI": "https://quiz.example.org/csp-reports",
        },
        "check", "--deploy", "--fail-level", "WARNING",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


# -- Cache-Control ---------------------------------------------------------------------
def cache_control(response):
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def test_signed_in_pages_are_private_and_not_stored(client_for, teacher, make_quiz):
    quiz = make_quiz("Mine")
    client = client_for(teacher)
    for url in ["/", f"/quizzes/{quiz.pk}/", "/bank/", "/api/v1/quizzes/", "/api/docs/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert {"private", "no-store"} <= cache_control(response), url
        assert "public" not in cache_control(response), url


def test_token_answers_are_private_and_not_stored(api, make_quiz):
    response = api.get(f"/api/v1/quizzes/{make_quiz('Mine').pk}/")
    assert response.status_code == 200
    assert {"private", "no-store"} <= cache_control(response)


def test_anonymous_pages_are_left_as_they_are(client, settings):
    assert "no-store" not in cache_control(client.get("/api/schema/"))
    assert "no-store" not in cache_control(client.get("/no-such-page/"))
    # An anonymous visitor's session cookie does not make their pages private.
    client.cookies[settings.SESSION_COOKIE_NAME] = "not-a-session"
    assert "no-store" not in cache_control(client.get("/api/schema/"))


def test_a_redirect_to_log_in_is_not_private(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "no-store" not in cache_control(response)


# -- /healthz ----------------------------------------------------------------------------
DETAIL = {"version", "replica_set", "is_primary", "transactions"}


def test_healthz_details_for_a_local_caller(client):
    assert set(client.get("/healthz").json()["mongodb"]) == DETAIL
    assert set(client.get("/healthz", REMOTE_ADDR="::1").json()["mongodb"]) == DETAIL


def test_healthz_is_bare_for_others(client):
    response = client.get("/healthz", **REMOTE)
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_healthz_through_a_proxy_is_not_local(client, settings):
    response = client.get("/healthz", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert response.json() == {"status": "ok"}
    # Behind one trusted proxy, the address it saw decides.
    settings.TRUSTED_PROXIES = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    assert client.get("/healthz", HTTP_X_FORWARDED_FOR="203.0.113.9").json() == {"status": "ok"}
    local = client.get("/healthz", HTTP_X_FORWARDED_FOR="127.0.0.1", **REMOTE)
    assert set(local.json()["mongodb"]) == DETAIL


def test_healthz_details_for_staff_anywhere(client_for, staff, teacher):
    assert set(client_for(staff).get("/healthz", **REMOTE).json()["mongodb"]) == DETAIL
    assert client_for(teacher).get("/healthz", **REMOTE).json() == {"status": "ok"}


def test_healthz_503_shows_where_mongodb_is_only_locally():
    port = free_port()
    local = probe_healthz(port)
    assert local["status"] == 503
    assert f"127.0.0.1:{port}" in local["body"]["reason"]
    remote = probe_healthz(port, **REMOTE)
    assert (remote["status"], remote["body"]) == (503, {"status": "unavailable"})
    assert remote["seconds"] < 3.0
