"""GET /healthz: is MongoDB reachable, and can it run transactions?

Answers within 3 seconds in every case: the check runs under a pymongo
client-side operation timeout, which bounds server selection too.
"""

import pymongo
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from pymongo.errors import PyMongoError

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
    try:
        status = mongodb_status(connection)
    except PyMongoError as exc:
        return JsonResponse(
            {"status": "unavailable", "reason": f"MongoDB cannot be reached: {exc}"},
            status=503,
        )
    return JsonResponse({"status": "ok", "mongodb": status})
