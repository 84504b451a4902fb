"""Prometheus metrics: django-prometheus for HTTP, sessions_mw's transactions, /metrics.

HTTP requests, responses and latencies by view come from django-prometheus's
two middleware (its database and cache instrumentation is not used: its
database wrappers are for SQL backends, not django_mongodb_backend). The
request transactions come from sessions_mw's signals:

    sessions_mw_transactions_committed_total
    sessions_mw_transactions_aborted_total{reason="status"|"exception"}
    sessions_mw_transaction_retries_total{error_label="TransientTransactionError"|
                                          "UnknownTransactionCommitResult"}
    sessions_mw_commit_duration_seconds (histogram)

/metrics answers only a local caller (REMOTE_ADDR a loopback address and no
X-Forwarded-For or Forwarded header: a request relayed by a proxy on the same
host is not local) or one sending `Authorization: Bearer <DJANGO_METRICS_TOKEN>`;
anyone else gets the site's ordinary 404, as for a page that does not exist.

Several processes (gunicorn workers) each count on their own: with
PROMETHEUS_MULTIPROC_DIR set in their environment, prometheus_client writes
every process's values there and /metrics adds them up (openquizz/gunicorn_conf.py
clears the directory at start and drops exited workers' gauges).
"""

import hmac
import ipaddress

from django.conf import settings
from django.http import Http404, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt
from django_prometheus.exports import ExportToDjangoView
from prometheus_client import Counter, Histogram

from sessions_mw.decorators import non_transactional

COMMITS = Counter(
    "sessions_mw_transactions_committed", "Request transactions committed (sessions_mw)."
)
ABORTS = Counter(
    "sessions_mw_transactions_aborted",
    "Request transactions aborted (sessions_mw): by an error status or an exception.",
    ["reason"],
)
RETRIES = Counter(
    "sessions_mw_transaction_retries",
    "Retries of request transactions (sessions_mw): the view run again "
    "(TransientTransactionError) or the commit sent again (UnknownTransactionCommitResult).",
    ["error_label"],
)
COMMIT_SECONDS = Histogram(
    "sessions_mw_commit_duration_seconds",
    "Time the commit of a request transaction took, its retries included (sessions_mw).",
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


def count_commit(sender, commit_seconds=None, **kwargs):
    COMMITS.inc()
    if commit_seconds is not None:
        COMMIT_SECONDS.observe(commit_seconds)


def count_abort(sender, exception=None, **kwargs):
    ABORTS.labels(reason="status" if exception is None else "exception").inc()


def count_retry(sender, error_label, **kwargs):
    RETRIES.labels(error_label=error_label).inc()


def connect():
    """Listen to sessions_mw's signals (from OpenQuizzConfig.ready)."""
    from sessions_mw import signals

    signals.transaction_committed.connect(count_commit, dispatch_uid="metrics")
    signals.transaction_aborted.connect(count_abort, dispatch_uid="metrics")
    signals.transaction_retried.connect(count_retry, dispatch_uid="metrics")


# -- /metrics -------------------------------------------------------------------
def is_local(request):
    if "HTTP_X_FORWARDED_FOR" in request.META or "HTTP_FORWARDED" in request.META:
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return (mapped or address).is_loopback


def has_token(request):
    token = settings.METRICS_TOKEN
    scheme, _space, given = request.headers.get("Authorization", "").partition(" ")
    if not token or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())


# Whoever may not read it learns nothing, whatever the method: no CSRF 403, no
# 405, no transaction; the same 404 as any unknown URL.
@non_transactional
@csrf_exempt
def metrics_view(request):
    if not (is_local(request) or has_token(request)):
        raise Http404
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return ExportToDjangoView(request)
