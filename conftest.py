"""Test-wide fixtures: a real, throwaway MongoDB replica set for the run.

Unless MONGODB_URI is set, the first test that needs the database starts a
single-node replica set (temporary directory, free port, test commands
enabled for `failCommand` fault injection); it is stopped when the run ends.
Subprocesses started by tests inherit its URI through MONGODB_URI.

Between tests the database is put back as Django's `flush` leaves it, only
faster (see `django_db_setup`); passwords are hashed with MD5, as Django advises
for tests (`quick_password_hasher`).

The shared fixtures (users, clients, the MongoClient, quiz factories) live in
quizzes/tests/fixtures/plugin.py, registered here as a plugin.
"""

import os
from collections import Counter

import pytest
from django.conf import settings
from django.utils import translation

from openquizz.mongod import LocalMongod, free_port

pytest_plugins = ["quizzes.tests.fixtures.plugin"]

TEST_MONGOD_ARGS = ["--setParameter", "enableTestCommands=1"]


@pytest.fixture(scope="session")
def mongodb_uri(tmp_path_factory):
    """The test MongoDB's URI: MONGODB_URI if set, else a replica set started for the run."""
    if external := os.environ.get("MONGODB_URI"):
        yield external
        return
    server = LocalMongod(
        data_dir=tmp_path_factory.mktemp("mongod"), port=free_port(), extra_args=TEST_MONGOD_ARGS
    )
    server.start()
    acknowledge_majority_writes_unjournaled(server.uri)
    os.environ["MONGODB_URI"] = server.uri
    try:
        yield server.uri
    finally:
        os.environ.pop("MONGODB_URI", None)
        server.stop()


def acknowledge_majority_writes_unjournaled(uri):
    """The throwaway set acknowledges w:"majority" writes without waiting for its journal.

    By default each majority write (and each transaction's commit) waits for the
    journal to reach the disk: about 4 ms a write on a shared CI disk, most of
    the database's time in the suite. Nothing in the tests survives the server,
    so its journal's durability is not needed; transactions, read concerns and
    fail points behave as before.
    """
    from pymongo import MongoClient

    with MongoClient(uri) as client:
        config = client.admin.command("replSetGetConfig")["config"]
        config["writeConcernMajorityJournalDefault"] = False
        config["version"] += 1
        client.admin.command("replSetReconfig", config)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, mongodb_uri):
    """Point Django at the test server before pytest-django creates the test database.

    Under pytest-xdist each worker's database is named after the worker
    (pytest-django's suffix), even when MONGODB_URI gives them one server.
    """
    settings.DATABASES["default"]["HOST"] = mongodb_uri


@pytest.fixture(scope="session", autouse=True)
def quick_password_hasher():
    """MD5 for every password the tests set or check: Django's advice for test settings.

    The production hasher (PBKDF2) costs about half a second a password on a
    loaded CI machine; what the tests check (a password works, a wrong one
    does not, the limits on guesses) does not depend on the algorithm.
    """
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, put back between tests by a Snapshot instead of `flush`.

    Django's `flush` empties every model's collection, then re-runs
    post_migrate, whose receivers (content types, permissions) query and
    insert their documents app by app: before this, most of the time the suite
    spent between tests. A real `flush` runs once here; the state it leaves is
    what every test then starts from (quizzes/tests/fixtures/database.py).
    Tests that use Django's `available_apps` or `serialized_rollback` keep
    Django's own flush.
    """
    from django.core.management import call_command
    from django.test import TransactionTestCase

    from quizzes.tests.fixtures.database import Snapshot

    with django_db_blocker.unblock():
        call_command("flush", verbosity=0, interactive=False, database="default")
        flushes = {"default": Snapshot("default")}
    django_teardown = TransactionTestCase._fixture_teardown

    def fixture_teardown(self):
        if self.available_apps is not None or self.serialized_rollback:
            return django_teardown(self)
        aliases = self._databases_names(include_mirrors=False)
        if not set(aliases) <= flushes.keys():
            return django_teardown(self)
        for alias in aliases:
            flushes[alias].restore()
        return None

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(TransactionTestCase, "_fixture_teardown", fixture_teardown)
        yield


def pytest_collection_modifyitems(config, items):
    """Give every test a node id of its own: pytest-xdist sends tests to its workers by id.

    Under pytest 9, the tests schemathesis makes (one per API operation) all get
    their function's id, and xdist would run only the first of them: each gets
    its operation's label as its parameter, as its name already says.
    Any other test sharing an id stops the run rather than going unrun.
    """
    counts = Counter(item.nodeid for item in items)
    for item in items:
        label = getattr(item, "operation_label", None)
        if counts[item.nodeid] > 1 and label and hasattr(item, "_id"):
            item._id = item.parent.id.child(item.originalname).with_params(label)
    shared = sorted(
        nodeid for nodeid, count in Counter(i.nodeid for i in items).items() if count > 1
    )
    if shared:
        raise pytest.UsageError(f"tests sharing a node id (xdist would run one): {shared}")


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language: a request the test client makes in
    French (LocaleMiddleware) leaves French active in the thread after it."""
    translation.deactivate()
    yield
    translation.deactivate()
