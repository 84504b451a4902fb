"""Fixtures for sessions_mw's tests: real servers, real commands, real faults.

- `commands`: rebuilds the backend's MongoClient with a pymongo
  CommandListener (through DATABASES OPTIONS, as a project would) and an
  appname that fail points can target; yields what the app sent.
- `fail_command`: configures the server's failCommand fail point for the
  app's client only, and always turns it off afterwards.
- `two_member_replica_set`: a primary plus a priority-0, non-voting secondary
  whose replication the test can pause, for causal reads on a secondary.
- `asgi_server`: the project's ASGI application under uvicorn on loopback.

`mongodb_uri` and `django_db_modify_db_settings` come from the host project's
conftest when there is one, else from sessions_mw.tests.plugin (loaded by
pytest_configure below), which starts a replica set of its own: the tests
import nothing from any project.
"""

import contextlib
import threading
import time

import pytest
import uvicorn
from django.core.asgi import get_asgi_application
from django.db import connections
from django_mongodb_backend.base import DatabaseWrapper
from pymongo import MongoClient, monitoring

from sessions_mw.tests.models import Audit, Note
from sessions_mw.tests.mongod import Mongod, free_port
from sessions_mw.tests.views import RECORD

APP_NAME = "sessions-mw-tests"
# What an ORM request sends; excludes the driver's own housekeeping.
DATA_COMMANDS = {
    "insert",
    "update",
    "delete",
    "find",
    "aggregate",
    "count",
    "getMore",
    "commitTransaction",
    "abortTransaction",
}
# A safety net for waits on a server, not a timing assertion.
WAIT_LIMIT = 60


def pytest_configure(config):
    """Load the plugin (a no-op if `-p` did): it provides a server when no project does."""
    config.pluginmanager.import_plugin("sessions_mw.tests.plugin")


class CommandRecorder(monitoring.CommandListener):
    """The commands a MongoClient started, in order."""

    def __init__(self):
        self.commands = []
        self._lock = threading.Lock()

    def started(self, event):
        if event.command_name in DATA_COMMANDS:
            with self._lock:
                self.commands.append((event.command_name, dict(event.command)))

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass

    def clear(self):
        with self._lock:
            self.commands.clear()

    def named(self, *names):
        return [command for name, command in self.commands if name in names]

    def lsids(self):
        return {command["lsid"]["id"] for _, command in self.commands if "lsid" in command}


def wait_until(predicate, what):
    deadline = time.monotonic() + WAIT_LIMIT
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


def drop_backend_client(connection):
    """Close the backend's shared client so that the next query builds a new one."""
    client = DatabaseWrapper._connection_pools.pop(connection.alias, None)
    if connection.connection is not None and connection.connection is not client:
        connection.connection.close()
    connection.connection = None
    with contextlib.suppress(AttributeError):
        del connection.database
    if client is not None:
        client.close()


@contextlib.contextmanager
def backend_client_with(listener, host=None):
    """The backend's client rebuilt with `listener` (and `host`), then restored."""
    connection = connections["default"]
    saved = dict(connection.settings_dict)
    drop_backend_client(connection)
    connection.settings_dict["OPTIONS"] = {
        **saved["OPTIONS"],
        "event_listeners": [listener],
        "appname": APP_NAME,
    }
    if host is not None:
        connection.settings_dict["HOST"] = host
    try:
        yield
    finally:
        drop_backend_client(connection)
        connection.settings_dict.update(saved)


@pytest.fixture(scope="session")
def admin_client(mongodb_uri):
    """A client of the tests' own, for fail points and checks (not the app's)."""
    with MongoClient(mongodb_uri) as client:
        yield client


@pytest.fixture
def clean(db, admin_client):
    database = admin_client[connections["default"].settings_dict["NAME"]]
    for model in (Note, Audit):
        database[model._meta.db_table].delete_many({})
    RECORD.reset()
    yield
    RECORD.reset()


@pytest.fixture
def commands(clean):
    recorder = CommandRecorder()
    with backend_client_with(recorder):
        yield recorder


@pytest.fixture
def fail_command(admin_client, commands):
    """enable(mode, **data): failCommand for the app's client; off at teardown."""

    def enable(mode, **data):
        admin_client.admin.command(
            "configureFailPoint", "failCommand", mode=mode, data={"appName": APP_NAME, **data}
        )

    try:
        yield enable
    finally:
        admin_client.admin.command("configureFailPoint", "failCommand", mode="off")
        # A commit the fail point refused leaves its transaction open on the
        # server, holding locks for up to a minute: end it now.
        admin_client.admin.command("killAllSessions", [])


@pytest.fixture(scope="session")
def two_member_replica_set(tmp_path_factory):
    """(uri, primary, secondary): the secondary has priority 0 and no vote.

    With no vote, w:"majority" is the primary alone, so the secondary can lag
    (the tests pause it with the rsSyncApplyStop fail point) while writes
    still commit.
    """
    primary = Mongod(tmp_path_factory.mktemp("primary"))
    secondary = Mongod(tmp_path_factory.mktemp("secondary"))
    primary.start()
    try:
        # It joins the set through the primary's reconfig below.
        secondary.start(initiate=False)
        with MongoClient(primary.host, directConnection=True) as client:
            config = client.admin.command("replSetGetConfig")["config"]
            config["members"].append({"_id": 1, "host": secondary.host, "priority": 0, "votes": 0})
            config["version"] += 1
            client.admin.command("replSetReconfig", config)

            def secondary_ready():
                members = client.admin.command("replSetGetStatus")["members"]
                return any(
                    m["name"] == secondary.host and m["stateStr"] == "SECONDARY" for m in members
                )

            wait_until(secondary_ready, "the second member to become SECONDARY")
        uri = f"mongodb://{primary.host},{secondary.host}/?replicaSet=rs0"
        with (
            MongoClient(primary.host, directConnection=True) as primary_client,
            MongoClient(secondary.host, directConnection=True) as secondary_client,
        ):
            yield uri, primary_client, secondary_client
    finally:
        secondary.stop()
        primary.stop()


@pytest.fixture
def asgi_server(commands):
    """Base URL of the project's ASGI application served by uvicorn on loopback."""
    config = uvicorn.Config(
        get_asgi_application(),
        host="127.0.0.1",
        port=free_port(),
        lifespan="off",
        log_level="warning",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        wait_until(lambda: server.started, "uvicorn to start")
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        thread.join(WAIT_LIMIT)
