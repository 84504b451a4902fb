"""Failover during writes, on a real three-member replica set.

Writers post labels to /write/ (one Note and one Audit in one transaction)
while the primary steps down or is killed (SIGKILL). Afterwards, read with
majority read concern from the new primary:
- every write the app acknowledged (201) is there, both halves;
- nothing else is: a write that answered an error is absent, and no Note
  lacks its Audit (no partial transaction is visible).

The set is started once for the module, with short election timeouts so that
the suite stays fast (`make chaos` measures production timings).
"""

import itertools
import threading
import time

import pytest
from django.db import connections
from django.test import Client
from pymongo import MongoClient, monitoring
from pymongo.read_concern import ReadConcern

from sessions_mw.tests.conftest import backend_client_with
from sessions_mw.tests.models import Audit, Note
from sessions_mw.tests.mongod import ReplicaSet

pytestmark = [pytest.mark.urls("sessions_mw.tests.urls")]

WRITERS = 4
# A write that has not answered after this is a bug of its own (a hang).
# A request's budget plus settling an unknown commit, with room for a busy machine.
ANSWER_LIMIT = 120
REQUEST_LIMIT = 30
FAST_ELECTIONS = {"electionTimeoutMillis": 1000, "heartbeatIntervalMillis": 250}


class NoListener(monitoring.CommandListener):
    def started(self, event):
        pass

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass


@pytest.fixture(scope="module")
def replica_set(tmp_path_factory):
    members = ReplicaSet(tmp_path_factory.mktemp("three-members"), settings=FAST_ELECTIONS)
    members.start()
    try:
        yield members
    finally:
        members.stop()


@pytest.fixture
def app_on_replica_set(replica_set, clean):
    """The app's client on the three-member set, its collections created and emptied
    of the previous test's writes (`clean` empties the suite's own server only)."""
    replica_set.wait_until_healthy()
    with backend_client_with(NoListener(), host=replica_set.uri):
        for model in (Note, Audit):
            model.objects.all().delete()
        Note.objects.create(label="setup")
        Audit.objects.create(label="setup")
        yield replica_set
        connections.close_all()


class Writers:
    """WRITERS threads posting unique labels until stopped; what each request answered."""

    def __init__(self):
        self.acknowledged, self.failed = set(), {}
        self.last_success = time.monotonic()
        self._labels = itertools.count()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run) for _ in range(WRITERS)]

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        # Every write answered before the checks: one still in flight would be stored
        # without being counted as acknowledged or failed (a slow machine stretches it).
        for thread in self._threads:
            thread.join(ANSWER_LIMIT)
        assert not any(thread.is_alive() for thread in self._threads), "a write never answered"
        connections.close_all()

    def _run(self):
        client = Client(raise_request_exception=False)
        try:
            while not self._stop.is_set():
                with self._lock:
                    label = f"w{next(self._labels)}"
                try:
                    status = client.post("/write/", {"label": label}).status_code
                except Exception as exc:  # recorded as a failure
                    status = type(exc).__name__
                with self._lock:
                    if status == 201:
                        self.acknowledged.add(label)
                        self.last_success = time.monotonic()
                    else:
                        self.failed[label] = status
        finally:
            connections.close_all()

    def wait_for_successes(self, count, timeout=REQUEST_LIMIT):
        """Until `count` more writes are acknowledged."""
        target = len(self.acknowledged) + count
        deadline = time.monotonic() + timeout
        while len(self.acknowledged) < target:
            assert time.monotonic() < deadline, f"writes did not resume: {self.failed}"
            time.sleep(0.05)


def stored_labels(replica_set, collection):
    with MongoClient(replica_set.uri) as client:
        database = client[connections["default"].settings_dict["NAME"]]
        documents = database.get_collection(collection, read_concern=ReadConcern("majority"))
        return {document["label"] for document in documents.find({}, {"label": 1})}


def assert_consistent(replica_set, writers):
    notes = stored_labels(replica_set, Note._meta.db_table) - {"setup"}
    audits = stored_labels(replica_set, Audit._meta.db_table) - {"setup"}
    assert writers.acknowledged, "no write succeeded"
    assert writers.acknowledged <= notes, "acknowledged writes were lost"
    assert notes == audits, "a transaction is partly visible"
    assert not notes & set(writers.failed), "a write that answered an error is stored"
    assert notes == writers.acknowledged


def test_step_down_during_writes(app_on_replica_set):
    with Writers() as writers:
        writers.wait_for_successes(20)
        old_primary = app_on_replica_set.step_down(seconds=5)
        writers.wait_for_successes(20)
    assert app_on_replica_set.primary() is not old_primary
    assert_consistent(app_on_replica_set, writers)


def test_kill_of_the_primary_during_writes(app_on_replica_set):
    with Writers() as writers:
        writers.wait_for_successes(20)
        killed = app_on_replica_set.primary()
        ReplicaSet.kill(killed)
        writers.wait_for_successes(20)
    assert_consistent(app_on_replica_set, writers)
    ReplicaSet.restart(killed)
