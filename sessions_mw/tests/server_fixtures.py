"""The two server fixtures a host project's conftest otherwise provides (see plugin.py).

- `mongodb_uri`: MONGODB_URI if set, used as is; else a throwaway
  single-node replica set (mongod.py) started on first use and stopped at the
  end of the run, whose URI subprocesses see through MONGODB_URI.
- `django_db_modify_db_settings`: points DATABASES at it before
  pytest-django creates the test database (pytest-django's own fixture of
  that name only adds the xdist/tox suffixes, which this one keeps).
"""

import os

import pytest

from sessions_mw.tests.mongod import Mongod


@pytest.fixture(scope="session")
def mongodb_uri(tmp_path_factory):
    if external := os.environ.get("MONGODB_URI"):
        yield external
        return
    server = Mongod(tmp_path_factory.mktemp("sessions-mw-mongod"))
    server.start()
    os.environ["MONGODB_URI"] = server.uri
    try:
        yield server.uri
    finally:
        os.environ.pop("MONGODB_URI", None)
        server.stop()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(mongodb_uri, django_db_modify_db_settings_parallel_suffix):
    from django.conf import settings

    settings.DATABASES["default"]["HOST"] = mongodb_uri
