"""Test-wide fixtures: a real, throwaway MongoDB replica set for the run.

Unless MONGODB_URI is set, the first test that needs the database starts a
single-node replica set (temporary directory, free port, test commands
enabled for `failCommand` fault injection); it is stopped when the run ends.
Subprocesses started by tests inherit its URI through MONGODB_URI.

The shared fixtures (users, clients, the MongoClient, quiz factories) live in
quizzes/tests/fixtures/plugin.py, registered here as a plugin.
"""

import os

import pytest
from django.conf import settings

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
    os.environ["MONGODB_URI"] = server.uri
    try:
        yield server.uri
    finally:
        os.environ.pop("MONGODB_URI", None)
        server.stop()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(mongodb_uri):
    """Point Django at the test server before pytest-django creates the test database."""
    settings.DATABASES["default"]["HOST"] = mongodb_uri
