"""import_quizzes and export_quizzes against the real database: all or nothing per file."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection

from quizzes.formats import parse, write
from quizzes.models import Category, Question, Quiz, QuizShare
from quizzes.operations import create_quiz, quiz_data
from quizzes.tests.fixtures.samples import as_written, every_type_quiz, fixture

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]
BAD_GIFT = "::Good::1 + 1 {=2 ~3}\n\n::Bad::\nMissing brace {=a ~b\n"


@pytest.fixture
def files(tmp_path):
    def make(name, content):
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        return str(path)

    return make


@pytest.fixture
def fail_inserts(mongo_client):
    """Make every insert after the first `skip` ones fail, until the test ends."""

    def arm(skip):
        mongo_client.admin.command(
            "configureFailPoint",
            "failCommand",
            mode={"skip": skip},
            data={"failCommands": ["insert"], "errorCode": 2},
        )

    yield arm
    mongo_client.admin.command("configureFailPoint", "failCommand", mode="off")


def run(*args, **options):
    """(stdout, stderr, error) of call_command; error is the CommandError or None."""
    stdout, stderr = io.StringIO(), options.pop("stderr", io.StringIO())
    try:
        call_command(*args, stdout=stdout, stderr=stderr, **options)
    except CommandError as error:
        return stdout.getvalue(), stderr.getvalue(), error
    return stdout.getvalue(), stderr.getvalue(), None


def stored():
    return Quiz.objects.count(), Question.objects.count()


# -- import -------------------------------------------------------------------
def test_import_a_moodle_export(teacher, files):
    path = files("Cells.gift", fixture("moodle4_biology.gift"))
    out, err, error = run("import_quizzes", path, "--owner", "teacher")
    assert error is None, err
    quiz = Quiz.objects.get()
    assert (quiz.title, quiz.owner, quiz.question_count) == ("Cells", teacher, 8)
    # Moodle's categories become the teacher's bank categories, nested as in the file.
    assert quiz.tags == []
    cells = Category.objects.get(name="Cells")
    assert (cells.parent.name, cells.parent.parent) == ("Default for BIO101", None)
    assert set(Question.objects.values_list("category", flat=True)) == {cells.pk}
    assert sorted(Question.objects.values_list("type", flat=True)) == sorted(
        [
            "multichoice",
            "multichoice",
            "truefalse",
            "shortanswer",
            "numerical",
            "matching",
            "essay",
            "description",
        ]
    )
    assert f"{path}: imported 1 quiz, 8 questions (2 multichoice, 1 truefalse," in out
    assert "skipped" not in out
    numerical = Question.objects.get(type="numerical")
    assert "*" in [answer.text for answer in numerical.answers], "Moodle's catch-all answer"


def test_dry_run_checks_and_writes_nothing(teacher, files):
    path = files("bank.xml", fixture("moodle4_biology.xml"))
    out, _err, error = run("import_quizzes", path, "--owner", "teacher", "--dry-run")
    assert error is None
    assert "would import 1 quiz, 8 questions" in out
    assert "2 unsupported type" not in out and "1 unsupported type ddwtos" in out
    assert stored() == (0, 0)


def test_a_bad_file_writes_nothing_and_the_others_import(teacher, files):
    good = files("good.gift", "::Q::1 + 1 {=2 ~3}")
    bad = files("bad.gift", BAD_GIFT)
    out, err, error = run("import_quizzes", good, bad, "--owner", "teacher")
    assert error is not None and error.returncode == 1
    assert f"{bad}: question 2 (line 4): “{{” opens the answers but no “}}” closes them" in err
    assert "nothing was written for this file" in err
    assert "2 files: 1 quizzes, 1 questions; 1 failed." in out
    assert list(Quiz.objects.values_list("title", flat=True)) == ["good"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("open.gift", "::Q::Pick {\n=a\n~b", "question 1 (line 1): “{” opens the answers"),
        (
            "type.xml",
            fixture("moodle4_biology.xml"),
            "question 9 (line 314): the question type “ddwtos”",
        ),
        (
            "broken.xml",
            "<quiz>\n<question type='essay'>\n</quiz>",
            "line 3: this is not well-formed XML",
        ),
        ("bomb.xml", '<!DOCTYPE q [<!ENTITY a "aa">]><quiz>&a;</quiz>', "line 1: DTDs and entity"),
        ("bad.json", '{"format_version": 1,\n"quizzes": [}', "line 2: this is not valid JSON"),
        ("missing.gift", None, "No such file"),
    ],
)
def test_malformed_files_fail_with_the_line_and_write_nothing(
    teacher, files, name, content, message
):
    path = files(name, content) if content is not None else "/nonexistent/missing.gift"
    _out, err, error = run("import_quizzes", path, "--owner", "teacher", "--strict")
    assert error is not None and error.returncode == 1
    assert message in err
    assert stored() == (0, 0)


def test_unknown_owner_is_refused_before_any_file(files):
    _out, _err, error = run("import_quizzes", files("a.gift", "Q {T}"), "--owner", "nobody")
    assert "No user “nobody”" in str(error)
    assert stored() == (0, 0)


def test_database_failure_midway_leaves_the_database_as_before(teacher, files, fail_inserts):
    create_quiz(teacher, {"title": "Existing"}, every_type_quiz()["questions"])
    before = stored()
    # The quiz document is inserted, then inserting its questions fails.
    fail_inserts(skip=1)
    _out, err, error = run("import_quizzes", files("bank.gift", fixture("moodle4_biology.gift")),
                           "--owner", "teacher")  # fmt: skip
    assert error is not None and "failCommand" in err
    assert stored() == before


def test_failure_in_the_second_quiz_of_a_file_rolls_back_the_first(teacher, files, fail_inserts):
    content = write([every_type_quiz("One"), every_type_quiz("Two")], "json")[0]
    fail_inserts(skip=3)  # quiz One, its questions, quiz Two; then Two's questions fail
    _out, _err, error = run("import_quizzes", files("two.json", content), "--owner", "teacher")
    assert error is not None
    assert stored() == (0, 0)


def test_a_large_file_is_inserted_in_bulk(teacher, files, mongo_client):
    blocks = [f"::Q{n}::{n} + 1?{{={n + 1} ~{n + 2}}}" for n in range(1000)]
    path = files("large.gift", "\n\n".join(blocks))

    def inserts():
        return mongo_client.admin.command("serverStatus")["metrics"]["commands"]["insert"]["total"]

    before = inserts()
    _out, _err, error = run("import_quizzes", path, "--owner", "teacher")
    assert error is None
    # Its category, all its questions at once, their versions at once, the quiz.
    assert inserts() - before == 4
    assert Question.objects.count() == 1000


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_only_on_a_terminal(teacher, files):
    path = files("bank.gift", fixture("moodle4_biology.gift"))
    _out, err, _error = run("import_quizzes", path, "--owner", "teacher", "--dry-run")
    assert "bank.gift" not in err
    _out, err, _error = run(
        "import_quizzes", path, "--owner", "teacher", "--dry-run", stderr=Terminal()
    )
    assert "\rbank.gift:" in err and "%|" in err


def test_exit_status_of_the_real_command(teacher, files):
    env = {**os.environ, "MONGODB_NAME": connection.settings_dict["NAME"]}
    result = subprocess.run(
        [sys.executable, "manage.py", "import_quizzes", files("bad.gift", BAD_GIFT),
         "--owner", "teacher"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1
    assert "question 2 (line 4)" in result.stderr
    assert stored() == (0, 0)


# -- export -------------------------------------------------------------------
def test_export_one_file_per_quiz_with_safe_names(teacher, tmp_path):
    for title in ("Maths: 1/2", "Maths: 1/2", "Histoire"):
        create_quiz(teacher, {"title": title}, every_type_quiz()["questions"])
    other = User.objects.create_user("other", password="pw-other-1")
    create_quiz(other, {"title": "Not mine"}, every_type_quiz()["questions"][:1])
    out, _err, error = run(
        "export_quizzes", "--owner", "teacher", "--format", "gift", "-o", str(tmp_path / "out")
    )
    assert error is None
    assert "Wrote 3 files" in out
    names = sorted(path.name for path in (tmp_path / "out").iterdir())
    assert names == ["Histoire.gift", "Maths_ 1_2 (2).gift", "Maths_ 1_2.gift"]
    result = parse((tmp_path / "out" / "Histoire.gift").read_bytes(), filename="Histoire.gift")
    assert result.quizzes[0]["title"] == "Histoire"
    assert result.question_count == len(as_written(every_type_quiz(), "gift")["questions"])


def test_export_json_to_stdout_and_import_it_back(teacher, files):
    quiz = every_type_quiz("Lossless")
    quiz["options"]["pass_mark"] = 80
    original = create_quiz(teacher, quiz, quiz["questions"])
    out, _err, error = run("export_quizzes", "--all")
    assert error is None
    assert [quiz["title"] for quiz in json.loads(out)["quizzes"]] == ["Lossless"]
    _out, _err, error = run("import_quizzes", files("again.json", out), "--owner", "teacher")
    assert error is None
    copy = Quiz.objects.exclude(pk=original.pk).get()
    assert quiz_data(copy) == quiz_data(original)


def test_gift_to_stdout_needs_a_single_quiz(teacher):
    create_quiz(teacher, {"title": "One"}, every_type_quiz()["questions"])
    out, _err, error = run("export_quizzes", "--owner", "teacher", "--format", "moodlexml")
    assert error is None and out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>')
    create_quiz(teacher, {"title": "Two"}, every_type_quiz()["questions"])
    _out, _err, error = run("export_quizzes", "--owner", "teacher", "--format", "gift")
    assert "give -o DIR" in str(error)


def test_export_with_shared_adds_the_quizzes_shared_with_the_owner(teacher, tmp_path):
    create_quiz(teacher, {"title": "Mine"}, every_type_quiz()["questions"][:1])
    other = User.objects.create_user("other")
    theirs = create_quiz(other, {"title": "Theirs"}, every_type_quiz()["questions"][:1])
    create_quiz(other, {"title": "Not shared"}, every_type_quiz()["questions"][:1])
    QuizShare.objects.create(item=theirs, user=teacher, role="viewer")
    out, _err, error = run("export_quizzes", "--owner", "teacher")
    assert error is None and [q["title"] for q in json.loads(out)["quizzes"]] == ["Mine"]
    out, _err, error = run("export_quizzes", "--owner", "teacher", "--shared")
    assert error is None
    assert [q["title"] for q in json.loads(out)["quizzes"]] == ["Mine", "Theirs"]
    _out, _err, error = run("export_quizzes", "--all", "--shared")
    assert "--shared goes with --owner" in str(error)


def test_export_needs_owner_or_all():
    with pytest.raises(CommandError, match="one of the arguments --owner --all is required"):
        call_command("export_quizzes")
