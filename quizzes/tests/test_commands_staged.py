"""Imports of any size (quizzes.formats.store): staged in batches, visible at the end only,
nothing visible after a failure, and the remains of dead imports cleaned up."""

import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone, translation
from pymongo.errors import OperationFailure, PyMongoError

from quizzes import bank
from quizzes.access import bank_categories, bank_questions
from quizzes.formats import FormatError, gift, moodlexml, parse, store
from quizzes.formats.base import TextLines, decode_text
from quizzes.models import Category, ImportRun, Question, QuestionVersion, Quiz
from quizzes.tests.fixtures.samples import every_type_quiz, fixture
from quizzes.tests.test_commands import files, run
from quizzes.validation import clean_question
from sessions_mw.transaction import TRANSIENT

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]

__all__ = ["files"]  # a fixture used here

BATCH = 4


@pytest.fixture(autouse=True)
def small_batches(settings):
    settings.OPENQUIZZ_IMPORT_BATCH = BATCH


def gift_file(count, categories=("Algebra", "Geometry")):
    """A GIFT text of `count` questions spread over `categories` (under "Maths")."""
    blocks = []
    per = -(-count // len(categories))
    for n in range(count):
        if n % per == 0:
            blocks.append(f"$CATEGORY: $course$/top/Maths/{categories[n // per]}")
        blocks.append(f"::Q{n}::{n} + 1?{{={n + 1} ~{n + 2}}}")
    return "\n\n".join(blocks) + "\n"


def visible(user):
    return bank_questions(user).count(), bank_categories(user).count(), Quiz.objects.count()


def remains():
    return (
        Category.objects.exclude(staging=None).count(),
        Question.objects.count(),
        QuestionVersion.objects.count(),
        ImportRun.objects.count(),
    )


@pytest.fixture
def watch_batches(monkeypatch, teacher):
    """What readers see after each batch of a staged import."""
    seen = []
    add = store.StagedImport.add

    def watched(self, batch, documents):
        ids = add(self, batch, documents)
        seen.append(visible(teacher))
        return ids

    monkeypatch.setattr(store.StagedImport, "add", watched)
    return seen


@pytest.fixture
def break_batch(monkeypatch):
    """Make the `number`th batch of questions raise (once)."""

    def arm(number, exception=None):
        insert = bank.insert_prepared
        calls = []

        def failing(*args, **kwargs):
            calls.append(1)
            if len(calls) == number:
                raise exception or PyMongoError("disk on fire")
            return insert(*args, **kwargs)

        monkeypatch.setattr(bank, "insert_prepared", failing)

    return arm


# -- staged imports ---------------------------------------------------------------------
def test_a_file_larger_than_a_batch_becomes_visible_only_at_the_end(teacher, files, watch_batches):
    out, err, error = run("import_quizzes", files("big.gift", gift_file(10)), "--owner", "teacher")
    assert error is None, err
    assert watch_batches == [(0, 0, 0)] * 3  # 4 + 4 + 2 questions, none visible meanwhile
    assert visible(teacher) == (10, 4, 1)
    top = Category.objects.get(parent=None)
    assert top.name == "big"
    assert [c.name for c in top.children.all()] == ["Maths"]
    assert sorted(c.name for c in Category.objects.filter(parent__parent=top)) == [
        "Algebra",
        "Geometry",
    ]
    # Made in batches, one insert each: each last among its siblings, as made one by one.
    positions = Category.objects.filter(owner=teacher).values_list(
        "parent__name", "name", "position"
    )
    assert sorted(positions, key=lambda row: (row[0] or "", row[2])) == [
        (None, "big", 0),
        ("Maths", "Algebra", 0),
        ("Maths", "Geometry", 1),
        ("big", "Maths", 0),
    ]
    quiz = Quiz.objects.get()
    assert (quiz.title, quiz.question_count, quiz.category) == ("big", 10, top.pk)
    names = [Question.objects.get(pk=slot.question).name for slot in quiz.slots]
    assert names == [f"Q{n}" for n in range(10)], "the slots follow the file"
    # One document per question: each one's version 1 is itself until its first edit.
    assert QuestionVersion.objects.count() == 0
    assert not Question.objects.filter(first_version_stored=True).exists()
    assert ImportRun.objects.count() == 0
    assert "imported 1 quiz, 10 questions" in out and "staged in batches" in out


def test_a_small_file_keeps_one_transaction_and_merges_into_existing_categories(
    teacher, files, watch_batches
):
    maths = bank.create_category(teacher, {"name": "Maths"})
    _out, err, error = run("import_quizzes", files("small.gift", gift_file(BATCH)), "--owner",
                           "teacher")  # fmt: skip
    assert error is None, err
    assert watch_batches == []
    assert [c.name for c in maths.children.order_by("name")] == ["Algebra", "Geometry"]


def test_a_staged_top_category_never_takes_a_name_in_use(teacher, files):
    bank.create_category(teacher, {"name": "big"})
    _out, err, error = run("import_quizzes", files("big.gift", gift_file(6)), "--owner", "teacher")
    assert error is None, err
    assert sorted(bank_categories(teacher).filter(parent=None).values_list("name", flat=True)) == [
        "big",
        "big (2)",
    ]


def test_a_staged_file_over_the_quiz_limit_goes_to_the_bank_only(teacher, files, monkeypatch):
    monkeypatch.setattr(store, "SLOTS_MAX", 5)
    out, _err, error = run("import_quizzes", files("big.gift", gift_file(9)), "--owner", "teacher")
    assert error is None
    assert (Quiz.objects.count(), bank_questions(teacher).count()) == (0, 9)
    assert "imported 9 questions into the bank only" in out
    assert "“big” has 9 questions, more than a quiz holds (5)" in out


def test_a_failure_midway_leaves_nothing_visible_and_nothing_behind(teacher, files, break_batch):
    break_batch(2)
    _out, err, error = run("import_quizzes", files("big.gift", gift_file(10)), "--owner", "teacher")
    assert error is not None and "disk on fire" in err
    assert visible(teacher) == (0, 0, 0)
    assert remains() == (0, 0, 0, 0), "the failed import deleted what it staged"


def test_a_database_error_midway_leaves_nothing_visible(teacher, files, mongo_client):
    # Inserts: the run record; then batch 1: its top category, Maths, Algebra, questions,
    # versions; batch 2's first insert fails.
    mongo_client.admin.command(
        "configureFailPoint", "failCommand", mode={"skip": 6},
        data={"failCommands": ["insert"], "errorCode": 2},
    )  # fmt: skip
    _out, err, error = run("import_quizzes", files("big.gift", gift_file(10)), "--owner", "teacher")
    mongo_client.admin.command("configureFailPoint", "failCommand", mode="off")
    assert error is not None and "failCommand" in err
    assert visible(teacher) == (0, 0, 0)
    assert remains() == (0, 0, 0, 0)


def test_a_transient_error_retries_the_batch(teacher, files, break_batch):
    break_batch(2, OperationFailure("write conflict", 112, {"errorLabels": [TRANSIENT]}))
    _out, err, error = run("import_quizzes", files("big.gift", gift_file(10)), "--owner", "teacher")
    assert error is None, err
    assert visible(teacher) == (10, 4, 1)
    assert Category.objects.count() == 4, "a retried batch does not make its categories twice"


def test_a_format_error_after_some_batches_writes_nothing(teacher, files):
    content = gift_file(10) + "\n::Bad::\nMissing brace {=a ~b\n"
    _out, err, error = run("import_quizzes", files("big.gift", content), "--owner", "teacher")
    assert error is not None and "question 11 (line" in err
    assert visible(teacher) == (0, 0, 0)
    assert remains() == (0, 0, 0, 0)


def test_batches_are_read_ahead_in_the_callers_language(teacher, watch_batches):
    # Batches after the first are read by another thread while the one before is stored:
    # its notes are worded in the language of the import's caller.
    content = gift_file(10) + "\n::Odd::Pick {=a ~%abc%b}\n"
    with translation.override("fr"):
        imported = store.import_file(teacher, content.encode(), filename="big.gift")
    assert len(watch_batches) == 3 and imported.questions == 11
    (note,) = imported.result.notes
    assert (note.question, "pas une pondération" in note.message) == (11, True)


def test_a_failed_batch_stops_the_reading_thread(teacher, break_batch):
    break_batch(2)
    interval = sys.getswitchinterval()
    with pytest.raises(PyMongoError, match="disk on fire"):
        store.import_file(teacher, gift_file(40).encode(), filename="big.gift")
    assert [t for t in threading.enumerate() if t.name == "import-read-ahead"] == []
    assert sys.getswitchinterval() == interval
    assert remains() == (0, 0, 0, 0)


@pytest.mark.parametrize("chunk", [1, 2, 3, 7])
def test_gift_lines_read_in_chunks_are_those_of_the_whole_text(monkeypatch, chunk):
    # Chunk ends cut a "\r\n", a two- and a three-byte character and the BOMs.
    monkeypatch.setattr(TextLines, "CHUNK", chunk)
    text = "\ufeff\ufeffé€ a\r\nb\rc\n\r\n\n€é\r\r\nend"
    assert list(TextLines(text.encode())) == decode_text(text.encode()).split("\n")
    assert list(TextLines(b"\xef\xbb\xbf")) == [""]
    assert list(TextLines(b"a\n")) == ["a"]
    with pytest.raises(FormatError) as error:
        list(TextLines("a\r\nb\n€\n".encode() + b"\xe2\x82 c\n"))
    assert error.value.line == 4


# -- what dead imports leave ----------------------------------------------------------
@pytest.fixture
def dead_import(teacher, files, break_batch, monkeypatch):
    """The remains of an import whose process died after its first batch."""
    break_batch(2)
    monkeypatch.setattr(store.StagedImport, "fail", lambda self: None)
    _out, _err, error = run("import_quizzes", files("dead.gift", gift_file(10)), "--owner",
                            "teacher")  # fmt: skip
    assert error is not None
    monkeypatch.undo()
    assert visible(teacher) == (0, 0, 0), "staged data is invisible"
    assert remains() == (3, 4, 0, 1)
    return ImportRun.objects.get()


def test_cleanup_leaves_a_running_import_alone(dead_import):
    out, _err, error = run("cleanup_imports")
    assert error is None
    assert "1 import is running: left alone." in out and "No import to clean up." in out
    assert remains() == (3, 4, 0, 1)


def test_cleanup_removes_an_import_silent_for_longer_than_the_lease(teacher, dead_import):
    # As an import killed before migration 0017 left them: its questions' versions too.
    QuestionVersion.objects.bulk_create(
        QuestionVersion(question=question, number=1, data={}) for question in Question.objects.all()
    )
    ImportRun.objects.update(heartbeat=timezone.now() - store.LEASE - timedelta(seconds=1))
    out, _err, error = run("cleanup_imports")
    assert error is None
    assert "Deleted import “dead” of teacher" in out and "4 staged questions" in out
    assert remains() == (0, 0, 0, 0)


def test_the_next_import_removes_the_remains_of_a_killed_one(teacher, files, dead_import):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # its pid is now nobody's
    ImportRun.objects.update(pid=gone.pid)
    _out, err, error = run("import_quizzes", files("next.gift", "::Q::1 + 1 {=2 ~3}"), "--owner",
                           "teacher")  # fmt: skip
    assert error is None
    assert "Deleted the remains of an import that did not finish: dead (4 questions)" in err
    assert remains() == (0, 1, 0, 0)
    assert visible(teacher) == (1, 1, 1)


def test_a_failed_import_is_removed_whatever_its_heartbeat(dead_import):
    ImportRun.objects.update(state=ImportRun.State.FAILED)
    run("cleanup_imports")
    assert remains() == (0, 0, 0, 0)


def test_an_import_taken_for_dead_cannot_finish(teacher, files, monkeypatch):
    finish = store.StagedImport.finish

    def cleaned_meanwhile(self, quizzes):
        ImportRun.objects.update(heartbeat=timezone.now() - store.LEASE * 2)
        store.cleanup_abandoned()
        return finish(self, quizzes)

    monkeypatch.setattr(store.StagedImport, "finish", cleaned_meanwhile)
    _out, err, error = run("import_quizzes", files("big.gift", gift_file(6)), "--owner", "teacher")
    assert error is not None and "taken for abandoned" in err
    assert visible(teacher) == (0, 0, 0)
    assert remains() == (0, 0, 0, 0)


# -- the pieces -----------------------------------------------------------------------
def test_bulk_inserted_documents_have_the_shape_the_orm_gives(teacher):
    category = bank.default_category(teacher, "Shapes")
    questions = [clean_question(q) for q in every_type_quiz()["questions"]]
    by_orm = bank.create_questions(teacher, [category] * len(questions), questions, teacher)
    by_insert = bank.insert_questions(teacher, [category.pk] * len(questions), questions)
    db_questions = connection.get_collection(Question._meta.db_table)

    def shape(pk):
        document = db_questions.find_one({"_id": pk})
        for stamp in ("_id", "created_at", "updated_at", "first_version_stored"):
            document.pop(stamp)
        return document

    assert not QuestionVersion.objects.filter(question__in=by_insert).exists()
    for orm, inserted in zip(by_orm, by_insert, strict=True):
        assert shape(orm.pk) == shape(inserted)
        question = Question.objects.get(pk=inserted)
        assert (orm.first_version_stored, question.first_version_stored) == (True, False)
        assert bank.question_data(question) == bank.question_data(orm)
        # Its version 1, not stored, is what the ORM's question stored as its own.
        (stored,) = bank.versions(orm)
        (unstored,) = bank.versions(question)
        assert (unstored.number, unstored.data, unstored.media) == (1, stored.data, stored.media)
        assert (unstored.author_id, unstored.created_at) == (teacher.pk, question.created_at)


@pytest.mark.parametrize(
    ("module", "name"), [(gift, "moodle4_biology.gift"), (moodlexml, "moodle4_biology.xml")]
)
def test_a_stream_yields_what_parse_returns(module, name, tmp_path):
    data = fixture(name)
    data = data if isinstance(data, bytes) else data.encode()
    parsed = parse(data, filename=name)
    path = tmp_path / name
    path.write_bytes(data)
    with path.open("rb") as file:
        stream = module.stream(file, filename=name)
        items = list(stream)
    assert [question for question, _n, _l in items] == parsed.quizzes[0]["questions"]
    assert [(number, line) for _q, number, line in items] == parsed.origins
    assert stream.result.categories == parsed.categories
    assert stream.result.warnings == parsed.warnings
    assert stream.quiz_data()["title"] == parsed.quizzes[0]["title"]


def test_gift_lines_are_read_as_the_whole_text_was(tmp_path):
    text = "\ufeff::A::one\r\n{T}\r\n\r\n::B::two\r{F}\n"
    assert [q["name"] for q in gift.parse(text.encode()).quizzes[0]["questions"]] == ["A", "B"]
    with pytest.raises(FormatError) as error:
        gift.parse(b"::A::one {T}\n\n::B::\xff {F}")
    assert "line 3: the file is not UTF-8" in str(error.value)


def test_a_file_of_few_but_large_questions_is_staged_too(teacher, files, watch_batches, settings):
    settings.OPENQUIZZ_IMPORT_BATCH = 2000
    text = "long " * 190_000  # 0.95 MB, twice (question and version): 5 make a batch
    content = "\n\n".join(f"::Q{n}::{text}{{T}}" for n in range(6))
    _out, err, error = run("import_quizzes", files("long.gift", content), "--owner", "teacher")
    assert error is None, err
    assert len(watch_batches) == 2
    assert visible(teacher) == (6, 1, 1)


def test_a_streamed_report_keeps_a_bounded_number_of_notes(teacher, files, monkeypatch):
    monkeypatch.setattr(store, "NOTES_MAX", 2)
    content = "\n\n".join(f"::Odd {n}::Pick {{=a ~%abc%b}}" for n in range(5))
    out, _err, error = run("import_quizzes", files("odd.gift", content), "--owner", "teacher")
    assert error is None
    assert out.count("is not a weight") == 2
    assert "... and 3 more notes not kept (a report keeps 2)" in out


def test_a_killed_import_process_leaves_nothing_visible_and_is_cleaned_up(teacher, files):
    path = files("huge.gift", gift_file(8000))  # four batches of the default 2,000
    env = {**os.environ, "MONGODB_NAME": connection.settings_dict["NAME"]}
    process = subprocess.Popen(
        [sys.executable, "manage.py", "import_quizzes", path, "--owner", "teacher"],
        cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while not ImportRun.objects.filter(questions__gt=0).exists():
        assert process.poll() is None and time.monotonic() < deadline, "no batch was staged"
        time.sleep(0.02)
    process.kill()  # SIGKILL: no exception handler, no cleanup of its own
    process.wait()
    assert visible(teacher) == (0, 0, 0)
    assert Question.objects.count() >= 2000, "its first batch was staged"
    out, _err, error = run("cleanup_imports")
    assert error is None and "Deleted import “huge” of teacher" in out
    assert remains() == (0, 0, 0, 0)
