"""The request's time budget (MONGO_SESSIONS["REQUEST_TIMEOUT"], @request_timeout).

A server that does not answer (blockConnection of the failCommand fail point:
the server holds the reply, as a frozen node would) must not hold a request
longer than its budget, retries of its transaction included.
"""

import time

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from pymongo.errors import PyMongoError

from sessions_mw.conf import SessionSettings
from sessions_mw.decorators import request_timeout
from sessions_mw.tests.models import Audit, Note, labels

pytestmark = [pytest.mark.urls("sessions_mw.tests.urls")]

TRANSIENT = {"errorCode": 112, "errorLabels": ["TransientTransactionError"]}


@pytest.fixture
def budget(settings):
    settings.MONGO_SESSIONS = {"REQUEST_TIMEOUT": 0.5}


def timed(call):
    """(response or exception, seconds): the test client re-raises the view's exception."""
    start = time.monotonic()
    try:
        return call(), time.monotonic() - start
    except Exception as exc:  # inspected by timed_out()
        return exc, time.monotonic() - start


def timed_out(error):
    """Whether `error` (Django wraps the driver's errors in DatabaseError) is a timeout."""
    while error is not None:
        if isinstance(error, PyMongoError) and error.timeout:
            return True
        error = error.__cause__
    return False


def test_a_read_waits_no_longer_than_its_budget(budget, fail_command):
    fail_command("alwaysOn", failCommands=["aggregate"], blockConnection=True, blockTimeMS=3000)

    error, elapsed = timed(lambda: Client().get("/read/"))

    assert timed_out(error), error
    assert elapsed < 2


def test_retries_of_a_transaction_stop_at_the_budget(budget, fail_command):
    fail_command("alwaysOn", failCommands=["insert"], **TRANSIENT)

    error, elapsed = timed(lambda: Client().post("/write/", {"label": "a"}))

    assert timed_out(error), error
    assert elapsed < 2
    fail_command("off")
    assert labels(Note) == labels(Audit) == []


def test_a_view_can_ask_for_more_time_or_none(budget, fail_command):
    for path in ("/read/patient/", "/read/unbounded/"):
        fail_command(
            {"times": 1}, failCommands=["aggregate"], blockConnection=True, blockTimeMS=1000
        )

        response, elapsed = timed(lambda path=path: Client().get(path))

        assert response.status_code == 200, path
        assert elapsed >= 1


def test_the_smaller_of_max_commit_time_and_the_budget_bounds_the_commit(settings, commands):
    for budget, limit in ((10, 4321), (1, 1000)):
        settings.MONGO_SESSIONS = {"REQUEST_TIMEOUT": budget}
        commands.clear()

        Client().post("/tracked-with-options/", {"label": "a"})

        [commit] = commands.named("commitTransaction")
        assert limit - 500 < commit["maxTimeMS"] <= limit


def test_no_budget_by_default():
    assert SessionSettings.from_dict({}).request_timeout is None


@pytest.mark.parametrize("value", [0, -1, True, "10"])
def test_an_invalid_budget_is_refused(value):
    with pytest.raises(ImproperlyConfigured, match=r'MONGO_SESSIONS\["REQUEST_TIMEOUT"\]'):
        SessionSettings.from_dict({"REQUEST_TIMEOUT": value})
    with pytest.raises(ValueError):
        request_timeout(value)


def test_a_commit_whose_outcome_the_budget_cut_short_is_settled_after_it(budget, fail_command):
    # The server holds the commit's reply past the budget, then commits: the
    # outcome is unknown to the driver when the budget runs out. Answering an
    # error would report a committed write as failed: the commit is retried
    # beyond the budget (COMMIT_GRACE) until its outcome is known.
    fail_command(
        {"times": 1}, failCommands=["commitTransaction"], blockConnection=True, blockTimeMS=1500
    )

    response, elapsed = timed(lambda: Client().post("/write/", {"label": "a"}))

    assert not isinstance(response, Exception), response
    assert response.status_code == 201
    assert labels(Note) == labels(Audit) == ["a"]
    assert elapsed < 10  # settled once known, not retried until a time limit


def test_a_paths_view_is_looked_up_once_per_urlconf(budget):
    from django.urls import get_resolver

    from sessions_mw.middleware import view_at

    view_at.cache_clear()
    for _request in range(3):
        assert Client().get("/read/patient/").status_code == 200
    assert (view_at.cache_info().hits, view_at.cache_info().misses) == (2, 1)
    # Another URLconf (this module's, which has no view) is another resolver: its views
    # are looked up anew.
    assert view_at(get_resolver(__name__), "/read/patient/") is None
    assert view_at.cache_info().misses == 2


urlpatterns = []
