"""non_transactional and transactional(...) on every kind of view."""

import json

import pytest
from django.test import Client

from sessions_mw.decorators import TransactionPolicy, non_transactional, transactional
from sessions_mw.tests.models import Note, labels

pytestmark = [pytest.mark.urls("sessions_mw.tests.urls")]


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


def in_transaction(commands, name="insert"):
    """Whether every `name` command ran in a transaction (never a mix)."""
    flags = {"autocommit" in command for command in commands.named(name)}
    assert len(flags) == 1, commands.named(name)
    return flags.pop()


def test_non_transactional_function_view(client, commands):
    assert client.post("/untracked-write/", {"label": "a"}).status_code == 201

    assert not in_transaction(commands)
    assert len(commands.lsids()) == 1
    assert labels(Note) == ["a"]


def test_non_transactional_view_writes_even_when_answering_an_error(client, commands):
    client.post("/untracked-write/?status=400", {"label": "a"})

    assert labels(Note) == ["a"]


def test_transactional_function_view_on_a_safe_method(client, commands):
    assert client.get("/tracked-read/").status_code == 200

    assert in_transaction(commands, "aggregate")
    assert len(commands.named("commitTransaction")) == 1


def test_transactional_options_reach_the_server(client, commands, settings):
    settings.MONGO_SESSIONS = {"REQUEST_TIMEOUT": None}  # test_budget.py: with one
    client.post("/tracked-with-options/", {"label": "a"})

    first = commands.named("insert")[0]
    assert first["readConcern"] == {"level": "snapshot"}
    [commit] = commands.named("commitTransaction")
    assert commit["writeConcern"] == {"w": 1}
    assert commit["maxTimeMS"] == 4321


def test_class_based_view_with_method_decorator_on_dispatch(client, commands):
    assert client.post("/cbv/untracked/", {"label": "a"}).status_code == 201

    assert not in_transaction(commands)


def test_class_based_view_decorated_on_the_class(client, commands):
    assert client.get("/cbv/tracked/?label=a").status_code == 201

    assert in_transaction(commands)
    assert labels(Note) == ["a"]


def test_decorator_on_one_handler_method_only(client, commands):
    client.post("/cbv/method-level/", {"label": "a"})
    assert not in_transaction(commands)

    commands.clear()
    client.put("/cbv/method-level/?label=b")
    assert in_transaction(commands)


def test_drf_viewset_default_action_follows_the_method(client, commands):
    response = client.post(
        "/drf/notes/", json.dumps({"label": "a"}), content_type="application/json"
    )

    assert response.status_code == 201
    assert in_transaction(commands)


def test_drf_viewset_action_non_transactional(client, commands):
    response = client.post(
        "/drf/notes/untracked/", json.dumps({"label": "a"}), content_type="application/json"
    )

    assert response.status_code == 201
    assert not in_transaction(commands)
    assert labels(Note) == ["a"]


def test_drf_viewset_action_transactional_on_get(client, commands):
    assert client.get("/drf/notes/snapshot/").status_code == 200

    [read] = commands.named("aggregate")
    assert read["readConcern"] == {"level": "snapshot"}
    assert read["autocommit"] is False


def test_policy_resolution_prefers_the_most_specific_mark():
    class Base:
        pass

    @non_transactional
    def view():
        pass

    view.view_class = transactional(Base)
    handler = transactional(lambda: None)
    Base.post = handler

    assert TransactionPolicy.for_view(view, "POST").transactional is True
    assert TransactionPolicy.for_view(view, "GET").transactional is False


def test_invalid_decorator_options_fail_at_import_time():
    with pytest.raises(ValueError, match="read_concern"):
        transactional(read_concern="linearizable")
    with pytest.raises(ValueError, match="write_concern"):
        transactional(write_concern={"w": 0})
    with pytest.raises(ValueError, match="max_commit_time_ms"):
        transactional(max_commit_time_ms=-1)
