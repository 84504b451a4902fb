"""GET /healthz: is MongoDB reachable, and can it run transactions?

Answers within 3 seconds in every case: the check runs under a pymongo
client-side operation timeout, which bounds server selection too.

The details (server version, replica set, and on failure the driver's error,
which names hosts and ports) go only to staff and to local callers (a probe on
the machine itself); anyone else gets the bare status.
"""

import ipaddress

import pymongo
from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from pymongo.errors import PyMongoError

from openquizz.limits import client_address
from sessions_mw.decorators import non_transactional

TIMEOUT_SECONDS = 2.0


def mongodb_status(database_connection):
    """Describe the server behind a Django MongoDB connection.

    Raises PyMongoError when it cannot be reached within TIMEOUT_SECONDS.
    """
    with pymongo.timeout(TIMEOUT_SECONDS):
        # Connecting asks the server its version, so it is bounded too.
        database_connection.ensure_connection()
        client = database_connection.connection
        hello = client.admin.command("hello")
        version = client.admin.command("buildInfo")["version"]
    replica_set = hello.get("setName")
    return {
        "version": version,
        "replica_set": replica_set,
        "is_primary": bool(hello.get("isWritablePrimary")),
        # Transactions need sessions and a replica set (or a sharded cluster).
        "transactions": "logicalSessionTimeoutMinutes" in hello
        and (replica_set is not None or hello.get("msg") == "isdbgrid"),
    }


# A probe must never wait for, or hold, a transaction.
@non_transactional
@never_cache
@require_GET
def healthz(request):
    # One time budget for the check and for reading the caller's account.
    with pymongo.timeout(TIMEOUT_SECONDS):
        try:
            status, error = mongodb_status(connection), None
        except PyMongoError as exc:
            status, error = None, exc
        detailed = is_local(request) or is_staff(request)
    if error is not None:
        reason = {"reason": f"MongoDB cannot be reached: {error}"} if detailed else {}
        return JsonResponse({"status": "unavailable", **reason}, status=503)
    return JsonResponse({"status": "ok", **({"mongodb": status} if detailed else {})})


def is_staff(request):
    """Whether a staff member is logged in; False when their session cannot be read."""
    try:
        return request.user.is_staff
    except (DatabaseError, PyMongoError):
        return False


def is_local(request):
    """Whether the request comes from this machine's loopback. Without trusted
    proxies, a request that came through a proxy (it says X-Forwarded-For) is not
    local, even from a proxy on this machine: its client is elsewhere."""
    if not settings.TRUSTED_PROXIES and "HTTP_X_FORWARDED_FOR" in request.META:
        return False
    try:
        return ipaddress.ip_address(client_address(request)).is_loopback
    except ValueError:
        return False
