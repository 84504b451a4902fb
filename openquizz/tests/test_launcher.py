"""The embedded MongoDB launcher against the real binary."""

import os
import signal
import subprocess
import sys

import pytest
from pymongo import MongoClient

from openquizz.mongod import LocalMongod, MongodNotFound, find_binary, free_port

BASE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture
def server(tmp_path):
    mongod = LocalMongod(data_dir=tmp_path / "data", port=free_port())
    yield mongod
    mongod.stop()


def test_start_status_stop(server):
    assert server.status()["running"] is False
    assert server.start() is True
    status = server.status()
    assert status["running"] is True
    assert status["state"] == "PRIMARY"
    assert status["version"] == "6.0.5"
    assert status["replica_set"] == "rs0"
    assert status["pid"] == int(server.pid_file.read_text())
    with MongoClient(server.uri, serverSelectionTimeoutMS=5000) as client:
        client.app.things.insert_one({"kept": True})
    assert server.stop() is True
    assert server.status()["running"] is False
    assert not server.pid_file.exists()
    assert server.stop() is False


def test_start_is_idempotent_and_keeps_data(server):
    assert server.start() is True
    pid = server.pid()
    assert server.start() is False
    assert server.pid() == pid
    with MongoClient(server.uri, serverSelectionTimeoutMS=5000) as client:
        client.app.things.insert_one({"kept": True})
    server.stop()
    assert server.start() is True
    with MongoClient(server.uri, serverSelectionTimeoutMS=5000) as client:
        assert client.app.things.count_documents({"kept": True}) == 1


def test_stale_pid_file_is_recovered(server):
    server.data_dir.mkdir(parents=True)
    dead = subprocess.Popen(["true"])
    dead.wait()
    server.pid_file.write_text(f"{dead.pid}\n")
    assert server.start() is True
    assert server.pid() != dead.pid


def test_restart_after_crash(server):
    server.start()
    os.kill(server.pid(), signal.SIGKILL)
    assert server.is_running() is False
    assert server.start() is True
    assert server.status()["state"] == "PRIMARY"


def test_data_dir_moved_to_another_port(server, tmp_path):
    server.start()
    server.stop()
    moved = LocalMongod(data_dir=server.data_dir, port=free_port())
    try:
        assert moved.start() is True
        assert moved.status()["state"] == "PRIMARY"
    finally:
        moved.stop()


def test_binary_lookup_prefers_environment(monkeypatch):
    real = find_binary()
    monkeypatch.setenv("MONGOD_BINARY", real)
    assert find_binary() == real
    monkeypatch.setenv("MONGOD_BINARY", "/nonexistent/mongod")
    with pytest.raises(MongodNotFound):
        find_binary()


def test_missing_binary_is_one_clear_sentence(tmp_path):
    env = {
        **os.environ,
        "MONGOD_BINARY": "/nonexistent/mongod",
        "MONGO_DATA_DIR": str(tmp_path),
        "MONGO_PORT": str(free_port()),
    }
    env.pop("MONGODB_URI", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "mongod", "start"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1
    assert "No mongod binary found" in result.stderr
    assert "MONGODB_URI" in result.stderr
    assert "Traceback" not in result.stderr


def test_command_does_nothing_when_uri_is_set(tmp_path):
    env = {**os.environ, "MONGODB_URI": "mongodb://127.0.0.1:1/", "MONGO_DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "manage.py", "mongod", "start"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0
    assert "MONGODB_URI is set" in result.stdout
    assert not (tmp_path / "mongod.pid").exists()


def test_command_start_status_stop(tmp_path):
    env = {**os.environ, "MONGO_DATA_DIR": str(tmp_path), "MONGO_PORT": str(free_port())}
    env.pop("MONGODB_URI", None)

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", "mongod", *args],
            cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip

    try:
        assert "is PRIMARY" in manage("start").stdout
        assert "already running" in manage("start").stdout
        status = manage("status").stdout
        assert "version 6.0.5" in status
        assert "PRIMARY" in status
    finally:
        assert "stopped" in manage("stop").stdout
    assert "not running" in manage("status").stdout
