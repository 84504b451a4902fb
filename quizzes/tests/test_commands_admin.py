"""createteacher and check_mongo, against the real test server."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection

from openquizz.mongod import free_port
from quizzes.management.commands.check_mongo import SCRATCH_COLLECTION
from quizzes.models import Quiz

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]
GOOD_PASSWORD = "correct-horse-battery-42"


def run(*args):
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command(*args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


# -- createteacher ------------------------------------------------------------
def test_createteacher_from_an_environment_variable(monkeypatch):
    monkeypatch.setenv("TEACHER_PASSWORD", GOOD_PASSWORD)
    out, _err = run(
        "createteacher", "ada", "--email", "ada@example.org", "--password-from-env",
        "TEACHER_PASSWORD",
    )  # fmt: skip
    assert "Teacher “ada” created." in out
    user = User.objects.get(username="ada")
    assert user.check_password(GOOD_PASSWORD)
    assert (user.email, user.is_staff, user.is_active) == ("ada@example.org", False, True)


@pytest.mark.parametrize(
    ("arguments", "password", "message"),
    [
        (["ada"], "", "TEACHER_PASSWORD is not set or empty"),
        (["ada"], "short", "This password is too short."),
        (["ada"], "password123", "This password is too common."),
        (["ada", "--email", "not-an-address"], GOOD_PASSWORD, "Enter a valid email address."),
        (["bad name!"], GOOD_PASSWORD, "Enter a valid username."),
    ],
)
def test_createteacher_refuses_bad_input(monkeypatch, arguments, password, message):
    monkeypatch.setenv("TEACHER_PASSWORD", password)
    with pytest.raises(CommandError, match=message):
        run("createteacher", *arguments, "--password-from-env", "TEACHER_PASSWORD")
    assert not User.objects.exists()


def test_createteacher_refuses_an_existing_user(monkeypatch):
    User.objects.create_user("ada", password=GOOD_PASSWORD)
    monkeypatch.setenv("TEACHER_PASSWORD", GOOD_PASSWORD)
    with pytest.raises(CommandError, match="The user “ada” already exists"):
        run("createteacher", "ada", "--password-from-env", "TEACHER_PASSWORD")


def test_createteacher_asks_twice_on_a_terminal(monkeypatch):
    answers = iter(["first-try-password-1", "typo-password-1", "short", "short", GOOD_PASSWORD,
                    GOOD_PASSWORD])  # fmt: skip
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    out, err = run("createteacher", "grace")
    assert "The two passwords differ." in err
    assert "This password is too short." in err
    assert "Teacher “grace” created." in out
    assert User.objects.get(username="grace").check_password(GOOD_PASSWORD)


def test_createteacher_without_terminal_or_variable(monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    with pytest.raises(CommandError, match="use --password-from-env VAR"):
        run("createteacher", "grace")


# -- check_mongo --------------------------------------------------------------
def test_check_mongo_on_a_healthy_replica_set():
    out, _err = run("check_mongo")
    lines = out.splitlines()
    assert lines[0].startswith("Server: MongoDB 6.0.5, database “")
    assert lines[1].startswith("Replica set: “rs0”, 1 member(s):")
    assert lines[2].strip().endswith("PRIMARY")
    assert "Transactions: ok (one committed and kept, one aborted and gone)" in lines
    assert (
        "Causal consistency: ok (a majority write read back in its causally consistent session)"
        in lines
    )
    assert any(line.startswith("Indexes: ok (quizzes_quiz ") for line in lines)
    assert lines[-1] == "MongoDB is ready for OpenQuizz."
    database = connection.connection[connection.settings_dict["NAME"]]
    assert SCRATCH_COLLECTION not in database.list_collection_names()


@pytest.fixture
def dropped_tags_index():
    index = next(index for index in Quiz._meta.indexes if index.name == "quiz_tags")
    with connection.schema_editor() as editor:
        editor.remove_index(Quiz, index)
    yield index.name
    with connection.schema_editor() as editor:
        editor.add_index(Quiz, index)


def test_check_mongo_reports_a_missing_index(dropped_tags_index):
    with pytest.raises(CommandError) as caught:
        run("check_mongo")
    assert caught.value.returncode == 1
    assert "Indexes: missing indexes (run manage.py migrate): quizzes_quiz.quiz_tags" in str(
        caught.value
    )


def test_check_mongo_reports_a_missing_media_index():
    from quizzes import media

    media.files().drop_index("media_owner_sha256")
    try:
        with pytest.raises(CommandError) as caught:
            run("check_mongo")
    finally:
        media.create_bucket(connection.database)
    assert "media.files.media_owner_sha256" in str(caught.value)
    assert "Indexes: ok (" in run("check_mongo")[0]


def test_check_mongo_exits_1_when_mongodb_cannot_be_reached():
    env = {**os.environ, "MONGODB_URI": f"mongodb://127.0.0.1:{free_port()}/?replicaSet=rs0"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check_mongo", "--timeout", "2"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1
    assert "Server: FAILED — MongoDB cannot be reached" in result.stdout
    assert "MongoDB cannot run OpenQuizz:" in result.stderr
