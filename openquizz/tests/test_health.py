"""GET /healthz against the real test server, and against a closed port."""

import json
import os
import subprocess
import sys

import pytest

from openquizz.mongod import free_port

BASE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.mark.django_db
def test_healthz_reports_replica_set_and_transactions(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "mongodb": {
            "version": "6.0.5",
            "replica_set": "rs0",
            "is_primary": True,
            "transactions": True,
        },
    }
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_rejects_other_methods(client):
    assert client.post("/healthz").status_code == 405


HEALTH_PROBE = """
import json, sys, time, django
django.setup()
from django.test import Client
from django.urls import resolve
resolve("/healthz")  # a running server has imported its URLconf already
started = time.monotonic()
response = Client().get("/healthz", HTTP_HOST="127.0.0.1", **json.loads(sys.argv[1]))
print(json.dumps({"status": response.status_code, "body": response.json(),
                  "seconds": time.monotonic() - started}))
"""


def probe_healthz(port, **meta):
    """GET /healthz in a new process whose MongoDB is at `port` of 127.0.0.1 (`meta`:
    the request's, e.g. REMOTE_ADDR): {"status", "body", "seconds"}."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "openquizz.settings",
        "MONGODB_URI": f"mongodb://127.0.0.1:{port}/?replicaSet=rs0",
    }
    result = subprocess.run(
        [sys.executable, "-c", HEALTH_PROBE, json.dumps(meta)],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_healthz_503_within_3_seconds_when_mongodb_is_down():
    probe = probe_healthz(free_port())
    assert probe["status"] == 503
    assert probe["body"]["status"] == "unavailable"
    assert "MongoDB cannot be reached" in probe["body"]["reason"]
    assert probe["seconds"] < 3.0
