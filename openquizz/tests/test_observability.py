"""Observability: the access log, request ids, transaction metrics and /metrics.

Faults come from the failCommand fail point of the test mongod, as in
quizzes/tests/test_api/test_transactions.py.
"""

import json
import logging
import re

import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient, Client
from prometheus_client import REGISTRY

from openquizz import gunicorn_conf
from openquizz.access_log import RequestIdFilter
from openquizz.tests.test_settings import run_django
from quizzes.tests.fixtures.plugin import token_client
from quizzes.tests.test_api.test_transactions import failing

pytestmark = pytest.mark.django_db(transaction=True)

ONCE = {"times": 1}
NEW_ID = re.compile(r"[0-9a-f]{32}")
FIELDS = {
    "request_id",
    "user_id",
    "method",
    "path",
    "status",
    "duration_ms",
    "attempts",
    "outcome",
}


@pytest.fixture
def access_log(caplog):
    """The access-log records of the requests made in the test."""
    caplog.set_level(logging.INFO, logger="openquizz.access")
    return lambda: [r for r in caplog.records if r.name == "openquizz.access"]


def the_record(access_log):
    (record,) = access_log()
    return record


def sample(name, **labels):
    return REGISTRY.get_sample_value(name, labels) or 0


class Metrics:
    """The sessions_mw counters, to compare before and after a request."""

    NAMES = {
        "commits": ("sessions_mw_transactions_committed_total", {}),
        "commit_latencies": ("sessions_mw_commit_duration_seconds_count", {}),
        "aborts_by_status": ("sessions_mw_transactions_aborted_total", {"reason": "status"}),
        "aborts_by_exception": (
            "sessions_mw_transactions_aborted_total",
            {"reason": "exception"},
        ),
        "transient_retries": (
            "sessions_mw_transaction_retries_total",
            {"error_label": "TransientTransactionError"},
        ),
    }

    def __init__(self):
        self.before = self.now()

    def now(self):
        return {key: sample(name, **labels) for key, (name, labels) in self.NAMES.items()}

    def change(self):
        now = self.now()
        return {key: now[key] - self.before[key] for key in now if now[key] != self.before[key]}


# -- the access log and request ids -----------------------------------------------------
def test_an_access_record_has_every_field(api, teacher, access_log):
    response = api.get("/api/v1/quizzes/?status=draft")

    assert response.status_code == 200
    record = the_record(access_log)
    assert {field: getattr(record, field) for field in FIELDS} == {
        "request_id": response["X-Request-ID"],
        "user_id": str(teacher.pk),
        "method": "GET",
        "path": "/api/v1/quizzes/",
        "status": 200,
        "duration_ms": record.duration_ms,
        "attempts": 0,
        "outcome": "none",
    }
    assert NEW_ID.fullmatch(record.request_id)
    assert isinstance(record.duration_ms, float) and record.duration_ms >= 0
    assert record.getMessage().startswith("GET /api/v1/quizzes/ 200 ")


def test_an_anonymous_request_has_no_user(client, access_log):
    client.get("/accounts/login/")
    assert the_record(access_log).user_id is None


def test_a_signed_in_browser_has_its_user(owner_client, teacher, access_log):
    assert owner_client.get("/").status_code == 200
    assert the_record(access_log).user_id == str(teacher.pk)


def test_a_valid_request_id_is_kept_and_echoed(client, access_log):
    incoming = "edge-7f3a.42:abc_DEF"
    response = client.get("/accounts/login/", headers={"X-Request-ID": incoming})
    assert response["X-Request-ID"] == incoming
    assert the_record(access_log).request_id == incoming


@pytest.mark.parametrize(
    "forged",
    [
        "x" * 129,  # oversized
        "abc\nGET /admin/ 200",  # a forged log line
        "abc def",
        "<script>",
        "",
    ],
)
def test_a_forged_or_oversized_request_id_is_replaced(client, access_log, forged):
    response = client.get("/accounts/login/", headers={"X-Request-ID": forged})
    assert NEW_ID.fullmatch(response["X-Request-ID"])
    assert the_record(access_log).request_id == response["X-Request-ID"]


def test_an_asgi_request_is_logged_with_its_id(access_log):
    client = AsyncClient()
    response = async_to_sync(client.get)("/metrics", headers={"X-Request-ID": "asgi-1"})
    assert response.status_code == 200
    assert response["X-Request-ID"] == "asgi-1"
    record = the_record(access_log)
    assert (record.request_id, record.path, record.status) == ("asgi-1", "/metrics", 200)


def test_each_request_gets_its_own_id(client):
    first = client.get("/accounts/login/")["X-Request-ID"]
    second = client.get("/accounts/login/")["X-Request-ID"]
    assert first != second


def test_logs_during_a_request_carry_its_request_id(api, mongo_client, caplog):
    # settings.LOGGING puts the filter on the console handler; caplog's gets its own.
    caplog.handler.addFilter(RequestIdFilter())
    caplog.set_level(logging.INFO)
    with failing(mongo_client, "insert", ONCE, transient=True):
        response = api.post("/api/v1/quizzes/", {"title": "Retried"})
    (retry,) = [r for r in caplog.records if "retrying the transaction" in r.getMessage()]
    assert retry.name == "sessions_mw"
    assert retry.request_id == response["X-Request-ID"]
    logging.getLogger("openquizz").warning("after the request")
    assert caplog.records[-1].request_id is None


# -- transactions: log and metrics -------------------------------------------------------
def test_a_transient_error_is_one_retry_then_a_commit(api, mongo_client, access_log):
    metrics = Metrics()

    with failing(mongo_client, "insert", ONCE, transient=True):
        response = api.post("/api/v1/quizzes/", {"title": "Retried"})

    assert response.status_code == 201, response.content
    record = the_record(access_log)
    assert (record.attempts, record.outcome, record.status) == (2, "committed", 201)
    assert "attempts=2 outcome=committed" in record.getMessage()
    assert metrics.change() == {"transient_retries": 1, "commits": 1, "commit_latencies": 1}


def test_an_error_status_is_an_abort(api, access_log):
    metrics = Metrics()

    response = api.post("/api/v1/quizzes/", {"title": ""})

    assert response.status_code == 400
    record = the_record(access_log)
    assert (record.attempts, record.outcome, record.status) == (1, "aborted", 400)
    assert metrics.change() == {"aborts_by_status": 1}


def test_a_failed_write_is_an_abort_by_exception(teacher, mongo_client, access_log):
    api = token_client(teacher)
    api.raise_request_exception = False
    metrics = Metrics()

    with failing(mongo_client, "insert", ONCE, transient=False):
        response = api.post("/api/v1/quizzes/", {"title": "Refused"})

    assert response.status_code == 500
    record = the_record(access_log)
    assert (record.attempts, record.outcome, record.status) == (1, "aborted", 500)
    assert metrics.change() == {"aborts_by_exception": 1}


# -- /metrics ----------------------------------------------------------------------------
TOKEN = "metrics-token-for-the-tests-0123456789"


@pytest.fixture
def remote():
    """A client calling from a public address."""
    return Client(REMOTE_ADDR="203.0.113.7")


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


def is_the_exposition(response):
    text = response.content.decode()
    return (
        response.status_code == 200
        and response["Content-Type"].startswith("text/plain")
        and "sessions_mw_transactions_committed_total" in text
        and "django_http_requests_total_by_method" in text
    )


@pytest.mark.parametrize("address", ["127.0.0.1", "::1", "127.0.0.2"])
def test_metrics_answer_a_local_caller(address):
    assert is_the_exposition(Client(REMOTE_ADDR=address).get("/metrics"))


def test_metrics_count_what_happened(api, client):
    api.post("/api/v1/quizzes/", {"title": "Counted"})
    text = client.get("/metrics").content.decode()
    committed = re.search(r"^sessions_mw_transactions_committed_total (\S+)$", text, re.M)
    assert committed and float(committed.group(1)) >= 1
    assert re.search(r'^django_http_requests_total_by_method_total\{method="POST"\} ', text, re.M)


def test_metrics_answer_the_token_from_anywhere(remote, token):
    response = remote.get("/metrics", headers={"Authorization": f"Bearer {token}"})
    assert is_the_exposition(response)


def page_without_tokens(response):
    """The page, its CSRF tokens left out (each response has new ones)."""
    return re.sub(r"[A-Za-z0-9]{64}", "<token>", response.content.decode())


@pytest.fixture
def unknown_page(remote, settings):
    """What a page that does not exist answers (with DEBUG off, as in production),
    for a path as long as /metrics (the page names its path)."""
    settings.DEBUG = False
    response = remote.get("/metricz")
    assert response.status_code == 404
    return page_without_tokens(response).replace("/metricz", "/metrics")


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token"},
        {"Authorization": f"Bearer {TOKEN}x"},
        {"Authorization": f"Token {TOKEN}"},
        {"Authorization": "Bearer "},
    ],
)
def test_metrics_are_a_404_to_others(remote, token, unknown_page, headers):
    for method in ("get", "post"):
        response = getattr(remote, method)("/metrics", headers=headers)
        assert response.status_code == 404
        assert page_without_tokens(response) == unknown_page


def test_without_a_configured_token_no_bearer_opens_metrics(remote, settings):
    settings.METRICS_TOKEN = ""
    response = remote.get("/metrics", headers={"Authorization": "Bearer "})
    assert response.status_code == 404


@pytest.mark.parametrize("header", ["X-Forwarded-For", "Forwarded"])
def test_a_request_relayed_by_a_local_proxy_is_not_local(client, header):
    response = client.get("/metrics", headers={header: "203.0.113.7"})
    assert response.status_code == 404


# -- JSON lines ---------------------------------------------------------------------------
def test_with_django_log_json_each_record_is_one_json_line():
    code = (
        "from django.test import Client; "
        "Client(HTTP_HOST='localhost').get('/metrics', headers={'X-Request-ID': 'json-test-1'})"
    )
    result = run_django({"DJANGO_LOG_JSON": "1"}, "shell", "-c", code)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    (access,) = [line for line in lines if line["logger"] == "openquizz.access"]
    assert FIELDS | {"time", "level", "logger", "message"} <= set(access)
    assert access["request_id"] == "json-test-1"
    assert access["user_id"] is None
    assert (access["method"], access["path"], access["status"]) == ("GET", "/metrics", 200)
    assert (access["attempts"], access["outcome"], access["level"]) == (0, "none", "INFO")
    assert isinstance(access["duration_ms"], float)


def test_without_it_records_are_plain_text():
    code = "from django.test import Client; Client(HTTP_HOST='localhost').get('/metrics')"
    result = run_django({}, "shell", "-c", code)
    assert result.returncode == 0, result.stderr
    (line,) = [line for line in result.stderr.splitlines() if "GET /metrics 200" in line]
    assert line.startswith("GET /metrics 200 ")
    assert "outcome=none" in line


# -- several processes ------------------------------------------------------------------
COUNT_A_COMMIT = "from openquizz import metrics; metrics.count_commit(None, commit_seconds=0.01)"
SCRAPE = (
    "from django.test import Client; "
    "print(Client(HTTP_HOST='localhost').get('/metrics').content.decode())"
)


def test_with_a_multiprocess_directory_metrics_add_up_every_process(tmp_path):
    environment = {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    first = run_django(environment, "shell", "-c", COUNT_A_COMMIT)
    assert first.returncode == 0, first.stderr
    # Another process counts one more, then answers /metrics: both are in.
    second = run_django(environment, "shell", "-c", f"{COUNT_A_COMMIT}; {SCRAPE}")
    assert second.returncode == 0, second.stderr
    assert re.search(r"^sessions_mw_transactions_committed_total 2\.0$", second.stdout, re.M)


def test_gunicorn_starts_from_an_empty_multiprocess_directory(tmp_path, monkeypatch):
    (tmp_path / "counter_123.db").write_bytes(b"stale")
    (tmp_path / "keep.txt").write_text("not ours")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    gunicorn_conf.on_starting(server=None)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["keep.txt"]
