"""Causal tokens on a two-member replica set whose secondary the test pauses.

The secondary does not vote, so w:"majority" commits on the primary alone;
the rsSyncApplyStop fail point stops it applying the primary's writes. A read
with secondaryPreferred then misses a write, unless the causal token makes
the secondary wait until it has caught up with it.
"""

import logging
import threading

import pytest
from django.test import Client

from sessions_mw.middleware import DJANGO_SESSION_FIELD
from sessions_mw.tests.conftest import CommandRecorder, backend_client_with, wait_until

pytestmark = [pytest.mark.urls("sessions_mw.tests.urls")]


@pytest.fixture
def replica_set(clean, two_member_replica_set):
    uri, _, secondary = two_member_replica_set
    recorder = CommandRecorder()
    with backend_client_with(recorder, host=f"{uri}&readPreference=secondaryPreferred"):
        client = Client()
        # Let the app's client discover the secondary before the test reads.
        client.get("/read/")
        yield client, recorder, secondary
    secondary.admin.command("configureFailPoint", "rsSyncApplyStop", mode="off")


class Paused:
    """The secondary with replication stopped; resumed on exit."""

    def __init__(self, secondary):
        self.secondary = secondary

    def __enter__(self):
        self.secondary.admin.command("configureFailPoint", "rsSyncApplyStop", mode="alwaysOn")
        return self

    def __exit__(self, *exc):
        self.resume()

    def resume(self):
        self.secondary.admin.command("configureFailPoint", "rsSyncApplyStop", mode="off")

    def read_waiting_for_cluster_time(self):
        operations = self.secondary.admin.aggregate(
            [
                {"$currentOp": {"allUsers": True}},
                {"$match": {"command.readConcern.afterClusterTime": {"$exists": True}}},
            ]
        )
        return any(True for _ in operations)


def read_in_background(client, **headers):
    result = {}

    def run():
        result["response"] = client.get("/read/", **headers)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


def test_token_makes_a_secondary_read_see_the_write(replica_set):
    client, commands, secondary = replica_set
    with Paused(secondary) as paused:
        written = client.post("/write/", {"label": "a"})
        token = written["X-Causal-Token"]

        stale = client.get("/read/")
        assert "a" not in stale.json()["labels"]

        thread, result = read_in_background(client, HTTP_X_CAUSAL_TOKEN=token)
        wait_until(paused.read_waiting_for_cluster_time, "the read to wait on the secondary")
        paused.resume()
        thread.join()

    assert "a" in result["response"].json()["labels"]
    [read] = commands.named("aggregate")[-1:]
    assert read["$readPreference"] == {"mode": "secondaryPreferred"}
    assert read["readConcern"]["afterClusterTime"] >= written_operation_time(commands)


def written_operation_time(commands):
    """The cluster time the write's commit carried: the read must wait for it."""
    [commit] = commands.named("commitTransaction")
    return commit["$clusterTime"]["clusterTime"]


def test_browser_token_rides_in_the_django_session(replica_set, settings):
    # A database-backed Django session would itself be read from the lagging
    # secondary; a cookie-backed one shows the token's round trip alone.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    _, _, secondary = replica_set
    client = Client()  # loads SessionMiddleware with the engine above
    session = client.session
    session["browser"] = True
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key

    with Paused(secondary) as paused:
        written = client.post("/write/", {"label": "b"})
        assert client.session[DJANGO_SESSION_FIELD] == written["X-Causal-Token"]

        thread, result = read_in_background(client)
        wait_until(paused.read_waiting_for_cluster_time, "the read to wait on the secondary")
        paused.resume()
        thread.join()

    assert "b" in result["response"].json()["labels"]


def test_tampered_token_is_ignored_with_a_warning(replica_set, caplog):
    client, commands, secondary = replica_set
    with Paused(secondary):
        token = client.post("/write/", {"label": "c"})["X-Causal-Token"]
        tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")

        with caplog.at_level(logging.WARNING, logger="sessions_mw"):
            response = client.get("/read/", HTTP_X_CAUSAL_TOKEN=tampered)

        # Answered without waiting for the secondary: the token was not used.
        assert response.status_code == 200
        assert "c" not in response.json()["labels"]
    assert "Ignored the causal token from the X-Causal-Token header" in caplog.text
    assert "signature does not match" in caplog.text
    assert "afterClusterTime" not in commands.named("aggregate")[-1].get("readConcern", {})


@pytest.mark.parametrize("token", ["", "garbage", "a:b:c", "🙂" * 10])
def test_malformed_token_is_ignored(clean, commands, caplog, token):
    with caplog.at_level(logging.WARNING, logger="sessions_mw"):
        response = Client().get("/read/", HTTP_X_CAUSAL_TOKEN=token)

    assert response.status_code == 200
    assert "Ignored the causal token" in caplog.text
