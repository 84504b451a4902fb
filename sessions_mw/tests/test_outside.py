"""run_in_transaction: a command's transaction, with the middleware's rules."""

import pytest
from django.db import connection
from django_mongodb_backend.transaction import atomic

from sessions_mw import on_commit
from sessions_mw.outside import run_in_transaction
from sessions_mw.tests.models import Audit, Note, labels, write_pair

TRANSIENT = {"errorCode": 112, "errorLabels": ["TransientTransactionError"]}  # WriteConflict


class Boom(Exception):
    pass


def test_commits_everything_and_returns_the_result(commands):
    assert run_in_transaction(lambda: write_pair("a") or "done") == "done"
    assert labels(Note) == labels(Audit) == ["a"]
    inserts = commands.named("insert")
    assert len(inserts) == 2
    assert all(command.get("autocommit") is False for command in inserts)
    assert len(commands.named("commitTransaction")) == 1
    assert connection.session is None


def test_exception_aborts_and_writes_nothing(clean):
    def fail():
        write_pair("a")
        raise Boom

    with pytest.raises(Boom):
        run_in_transaction(fail)
    assert labels(Note) == labels(Audit) == []
    assert connection.session is None


def test_transient_errors_run_func_again_with_one_set_of_writes(commands, fail_command):
    fail_command({"times": 2}, failCommands=["insert"], **TRANSIENT)
    calls, hooks = [], []

    def work():
        calls.append(1)
        on_commit(lambda: hooks.append(len(calls)))
        write_pair("a")

    run_in_transaction(work)
    assert len(calls) == 3
    assert hooks == [3]
    assert labels(Note) == labels(Audit) == ["a"]


def test_atomic_joins_and_its_failure_aborts_everything(clean):
    def work():
        Note.objects.create(label="outer")
        with pytest.raises(Boom), atomic():
            Audit.objects.create(label="inner")
            raise Boom

    with pytest.raises(Exception, match="no savepoints"):
        run_in_transaction(work)
    assert labels(Note) == labels(Audit) == []


def test_on_commit_never_runs_after_an_abort(clean):
    hooks = []

    def fail():
        on_commit(lambda: hooks.append("ran"))
        raise Boom

    with pytest.raises(Boom):
        run_in_transaction(fail)
    assert hooks == []
