"""Files into the question bank (and quizzes): all or nothing, whatever their size.

Each question of a file goes into the owner's bank under its Moodle category
path (`question["category"]`), the categories created as needed with the
descriptions and ID numbers the file gives (`ParseResult.categories`); a
question without a category goes into one named after its quiz (the file).
Each quiz of the file then becomes a draft quiz using those questions as
slots, unless `bank_only` or it holds more questions than a quiz may
(`SLOTS_MAX`): then its questions stay in the bank only, and the `Imported`
result says why.

Two paths, one result:

- **small files** (at most `batch_size()` questions: the default 2,000 stay
  far below MongoDB's transaction limits) are stored in one transaction.
  Their categories merge into the bank: a path that exists is reused.
- **larger files** are staged. An `ImportRun` record is written, then a new
  top-level category named after the file with `staging=<run id>`, the
  file's categories under it (staged too), and the questions in batches of
  `batch_size()`, each batch its own transaction that also renews the run's
  heartbeat. Readers ignore staged categories and their questions
  (quizzes.access). The last transaction is small whatever the file: it
  clears `staging` on the import's categories (a few), names the top
  category (" (2)"... when a visible one has the name already), creates the
  quiz from the ids kept (at most SLOTS_MAX) and deletes the run record. So
  a staged import never merges into existing categories: moving its
  questions there would be one large transaction; the teacher can move the
  category afterwards.

A streamed file is read one batch ahead: a thread parses the next batch and
builds its documents while the previous one is stored (`read_ahead`), and the
cyclic garbage collector rests during the import (its many new objects make no
cycle).

A failure deletes what the failed import staged; a killed process leaves its
staged remains and its run record, whose heartbeat goes stale (or whose
process is gone): `cleanup_abandoned()` (`manage.py cleanup_imports`, and
every `import_quizzes`) deletes them. Cleanup first claims the record with a
conditional update, and every batch and the last transaction check that the
record is still running, so a cleanup and the import it took for dead cannot
both succeed.

Transactions: commands (no request around them) get one per step from
sessions_mw's `run_in_transaction`. Requests must call `import_file` from a
`@non_transactional` view to be staged: each step is then an `atomic()`
block of its own on the request's session. Inside a request's transaction
everything joins it (`create_quizzes` is for that case: an already parsed,
small result).
"""

import logging
import os
import queue
import socket
import sys
import threading
from collections import Counter
from contextlib import closing
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_mongodb_backend.transaction import atomic

from openquizz.mongod import process_alive
from quizzes import bank, operations
from quizzes.fields import CATEGORY_NAME_MAX
from quizzes.formats import AUTO, FORMATS, detect, files, gift, moodlexml
from quizzes.formats.base import FormatError, ParseResult
from quizzes.models import Category, ImportRun, Question, QuestionVersion
from quizzes.operations import SLOTS_MAX
from sessions_mw.binding import ConnectionBinding
from sessions_mw.outside import run_in_transaction
from sessions_mw.transaction import TRANSIENT, labelled_cause

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 2000
# A running import renews its heartbeat at every batch (seconds apart): one silent for
# this long is dead.
LEASE = timedelta(minutes=10)
CLEANUP_BATCH = 5000
REQUEST_ATTEMPTS = 5
# The notes a streamed file's report keeps (the others are counted).
NOTES_MAX = 10_000
# A batch stays far below what one transaction holds in the default WiredTiger cache of
# a small server (a 0.25 GB cache takes about 6,000 questions with their versions).
BATCH_BYTES = 8 * 1024 * 1024
QUESTION_OVERHEAD = 2000
STREAMS = {"gift": gift.stream, "moodlexml": moodlexml.stream}
# Seconds a thread holds Python's lock while another waits for it, during a read ahead.
SWITCH_INTERVAL = 0.0005


def batch_size():
    """Questions per transaction (settings.OPENQUIZZ_IMPORT_BATCH, default 2,000)."""
    return getattr(settings, "OPENQUIZZ_IMPORT_BATCH", DEFAULT_BATCH_SIZE)


class ImportAbandoned(Exception):
    """A cleanup took this import for dead and removed what it had staged."""


# -- transactions -------------------------------------------------------------------
def in_transaction(func):
    """`func()` in a transaction of its own (see the module doc), or in the request's."""
    binding = ConnectionBinding.current()
    if binding is None:
        return run_in_transaction(func)
    if binding.in_request_transaction:
        return func()
    for attempt in range(1, REQUEST_ATTEMPTS + 1):
        try:
            with atomic():
                return func()
        except Exception as error:
            # As the middleware does for a transactional view: a transient error runs
            # the step again in a fresh transaction.
            if attempt == REQUEST_ATTEMPTS or labelled_cause(error, TRANSIENT) is None:
                raise
            logger.info("transient error in an import step, attempt %s: %s", attempt, error)
    raise AssertionError("unreachable")


def staging_possible():
    """Whether a step can commit on its own (not inside a request's transaction)."""
    binding = ConnectionBinding.current()
    return binding is None or not binding.in_request_transaction


# -- what an import did ---------------------------------------------------------------
@dataclass
class Imported:
    """What an import did (or, for a dry run, would do).

    `result` holds the file's categories, notes, warnings and skipped counts
    (its quizzes without their questions for a streamed file); `quizzes` the
    Quiz objects created; `questions` how many questions went into the bank;
    `types` how many of each type; `bank_only` a sentence for each quiz left
    in the bank only and why; `rows` the report: [(question data or None,
    number, line, [notes])], the questions with notes (all the questions
    kept, for a file read whole) and the file's other notes, in file order;
    `category` the top category of a staged import.
    """

    result: ParseResult
    quizzes: list = field(default_factory=list)
    questions: int = 0
    types: Counter = field(default_factory=Counter)
    bank_only: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    staged: bool = False
    category: Category | None = None


def too_large(title, count):
    """Why the quiz `title` of `count` questions stays in the bank only."""
    return _(
        "“%(title)s” has %(count)s questions, more than a quiz holds (%(limit)s): its "
        "questions are in the bank only; build smaller quizzes from them."
    ) % {"title": title, "count": count, "limit": SLOTS_MAX}


def explain_bank_only(quizzes, bank_only):
    """The bank-only sentences of quizzes [(title, question count)]."""
    if bank_only:
        return []
    return [too_large(title, count) for title, count in quizzes if count > SLOTS_MAX]


class Report:
    """Builds `Imported.rows` while a stream is read: the questions with notes (or the
    first `keep` questions), then the other notes."""

    def __init__(self, result, keep=0):
        self.result = result
        self.keep = keep
        self.rows = []
        self.seen = 0
        self.numbers = set()

    def question(self, question, number, line):
        notes = [note for note in self.result.notes[self.seen :] if note.question == number]
        self.seen = len(self.result.notes)
        if notes or len(self.rows) < self.keep:
            # What a report shows of a question: not all of it (a file may have many).
            shown = {"name": question["name"], "type": question["type"]}
            self.rows.append((shown, number, line, notes))
            self.numbers.add(number)

    def finish(self):
        others = [note for note in self.result.notes if note.question not in self.numbers]
        others.sort(key=lambda note: (note.line or 0, note.question or 0))
        return self.rows + [(None, note.question, note.line, [note]) for note in others]


# -- small files: one transaction -------------------------------------------------
def create_quizzes(owner, quizzes, categories=None, bank_only=False):
    """Store every quiz of a ParseResult in the caller's transaction; returns the quizzes
    created (see the module doc). The questions are the parsers' cleaned data: they
    are not cleaned again."""
    made = {}
    created = []
    for quiz in quizzes:
        questions = quiz["questions"]
        targets, fallback, found = [], None, {}
        for question in questions:
            path = tuple(question.get("category") or ())
            if path not in found:
                if path:
                    found[path] = bank.ensure_path(owner, path, infos=categories, made=made).pk
                else:
                    fallback = bank.default_category(owner, quiz["title"])
                    found[path] = fallback.pk
            targets.append(found[path])
        files.store_attached(owner, questions)
        ids = bank.insert_questions(owner, targets, questions)
        if not bank_only and len(ids) <= SLOTS_MAX:
            category = None if fallback is None else fallback.pk
            created.append(operations.create_quiz_of(owner, quiz, ids, category))
    return created


def store_result(owner, result, bank_only=False):
    """An Imported of a ParseResult read whole, stored in one transaction (or staged
    when it holds more than batch_size() questions)."""
    large = result.question_count > batch_size() or (
        sum(weight(q) for quiz in result.quizzes for q in quiz["questions"]) > BATCH_BYTES
    )
    if large and staging_possible():
        return stage_result(owner, result, bank_only)
    quizzes = in_transaction(
        lambda: create_quizzes(owner, result.quizzes, result.categories, bank_only)
    )
    return whole(result, quizzes, bank_only)


def whole(result, quizzes=(), bank_only=False, staged=False, category=None):
    return Imported(
        result=result,
        quizzes=list(quizzes),
        questions=result.question_count,
        types=Counter(dict(result.types())),
        bank_only=explain_bank_only(
            [(quiz["title"], len(quiz["questions"])) for quiz in result.quizzes], bank_only
        ),
        rows=result.report(),
        staged=staged,
        category=category,
    )


# -- large files: staged in batches ---------------------------------------------------
def alive(host, pid):
    """Whether process `pid` of `host` may still run (unknown: yes)."""
    if not pid or host != socket.gethostname():
        return True
    return process_alive(pid)


class StagedImport:
    """One staged import: its run record, its staged categories, the ids of its quizzes'
    questions (see the module doc)."""

    def __init__(self, owner, name, categories):
        self.owner = owner
        self.name = (name or _("Imported questions"))[:CATEGORY_NAME_MAX]
        self.categories = categories
        self.run = ImportRun.objects.create(
            owner=owner,
            filename=self.name,
            heartbeat=timezone.now(),
            host=socket.gethostname()[:255],
            pid=os.getpid(),
        )
        self.top = None
        self.made = {}
        self.stored = 0

    def add(self, batch, documents):
        """Store a batch [(question, path)], its `documents` built ahead
        (`prepared_batches`), in one transaction; returns their ids."""

        def step():
            # A retried step starts again from what the last committed one made.
            made, top, new = dict(self.made), self.top, []
            if top is None:
                top = bank.staged_category(self.owner, {"name": self.name}, None, self.run.pk)
                new.append(top)
            found = {(): top.pk}
            for _question, path in batch:
                if path not in found:
                    found[path] = bank.ensure_path(
                        self.owner, path, top, self.categories, self.run.pk, made
                    ).pk
            # The batch's new categories (made unsaved), each last among its siblings, in
            # one insert.
            new += [category for key, category in made.items() if key not in self.made]
            if new:
                siblings = Counter(category.parent_id for category in self.made.values())
                for category in new:
                    category.position = siblings[category.parent_id]
                    siblings[category.parent_id] += 1
                Category.objects.bulk_create(new)
            targets = [found[path] for _question, path in batch]
            questions = [question for question, _path in batch]
            files.store_attached(self.owner, questions)
            ids = bank.insert_prepared(documents, targets)
            # Last: the run record stays locked by this transaction only while it commits
            # (a cleanup after a killed import waits for no transaction to expire).
            self.beat(len(batch))
            return made, top, ids

        self.made, self.top, ids = in_transaction(step)
        self.stored += len(ids)
        return ids

    def beat(self, count=0):
        renewed = ImportRun.objects.filter(pk=self.run.pk, state=ImportRun.State.RUNNING).update(
            heartbeat=timezone.now(), questions=F("questions") + count
        )
        if not renewed:
            raise ImportAbandoned(
                _("this import was taken for abandoned and cleaned up: run it again")
            )

    def finish(self, quizzes):
        """Make everything visible in one small transaction; `quizzes` [(quiz data, ids)]
        (ids None: bank only). Returns (created quizzes, top category)."""

        def step():
            self.beat()
            ImportRun.objects.filter(pk=self.run.pk).delete()
            top = self.top
            taken = set(
                Category.objects.filter(owner=self.owner, parent=None, staging=None)
                .filter(name__startswith=self.name)
                .values_list("name", flat=True)
            )
            name, number = self.name, 1
            while name in taken:
                number += 1
                name = f"{self.name} ({number})"
            position = Category.objects.filter(owner=self.owner, parent=None, staging=None).count()
            Category.objects.filter(pk=top.pk).update(name=name, position=position)
            Category.objects.filter(staging=self.run.pk).update(staging=None)
            top.name, top.position, top.staging = name, position, None
            created = [
                operations.create_quiz_of(self.owner, data, ids, top.pk)
                for data, ids in quizzes
                if ids is not None
            ]
            return created, top

        if self.top is None:  # nothing was stored
            ImportRun.objects.filter(pk=self.run.pk).delete()
            return [], None
        return in_transaction(step)

    def fail(self):
        """After an error: delete what was staged (a cleanup does it if this fails too)."""
        try:
            claimed = ImportRun.objects.filter(
                pk=self.run.pk, state=ImportRun.State.RUNNING
            ).update(state=ImportRun.State.FAILED)
            if claimed:
                remove_remains(self.run)
        except Exception:
            # The first error is the one to report; cleanup_imports deletes the rest.
            logger.exception("could not delete the remains of import %s", self.run.pk)


def stage_result(owner, result, bank_only=False):
    """Stage a ParseResult read whole (an OpenQuizz JSON file) in batches."""
    name = result.quizzes[0]["title"] if len(result.quizzes) == 1 else None
    staged = StagedImport(owner, name, result.categories)
    try:
        kept = []
        for quiz in result.quizzes:
            own = len(result.quizzes) > 1
            items = [
                (q, tuple(q.get("category") or ()) or ((quiz["title"],) if own else ()))
                for q in quiz["questions"]
            ]
            ids = []
            for batch, documents in prepared_batches(owner, items):
                ids += staged.add(batch, documents)
            keep = not bank_only and len(ids) <= SLOTS_MAX
            kept.append((quiz, ids if keep else None))
        quizzes, top = staged.finish(kept)
    except BaseException:
        staged.fail()
        raise
    return whole(result, quizzes, bank_only, staged=True, category=top)


def stage_stream(owner, stream, first, rest, bank_only, report):
    """Stage a stream's questions: `first` (read already), then the `rest` iterator."""
    staged = StagedImport(owner, stream.quiz.title(), stream.result.categories)
    ids, count, types = [], 0, Counter()

    def read():
        nonlocal count
        for question, number, line in _chain(first, rest):
            report.question(question, number, line)
            types[question["type"]] += 1
            count += 1
            yield question, tuple(question.get("category") or ())

    try:
        # Closed at once when a batch fails: the reading thread stops.
        with closing(read_ahead(prepared_batches(owner, read()))) as ahead:
            for batch, documents in ahead:
                stored = staged.add(batch, documents)
                if len(ids) <= SLOTS_MAX:
                    ids.extend(stored[: SLOTS_MAX + 1 - len(ids)])
        if not count:
            raise stream.nothing_to_import()
        quiz = stream.quiz_data()
        keep = not bank_only and count <= SLOTS_MAX
        quizzes, top = staged.finish([(quiz, ids if keep else None)])
    except BaseException:
        staged.fail()
        raise
    result = stream.result
    result.quizzes = [quiz]
    return Imported(
        result=result,
        quizzes=quizzes,
        questions=count,
        types=types,
        bank_only=explain_bank_only([(quiz["title"], count)], bank_only),
        rows=report.finish(),
        staged=True,
        category=top,
    )


def weight(question):
    """Roughly the bytes a question and its version take (texts twice, fields)."""
    texts = len(question["text"]) + len(question["general_feedback"])
    texts += sum(len(answer["text"]) + len(answer["feedback"]) for answer in question["answers"])
    return 2 * texts + QUESTION_OVERHEAD + files.attached_bytes(question)


def batches(items):
    """Lists of `items` [(question, path)] of at most batch_size() questions and about
    BATCH_BYTES."""
    size, batch, total = batch_size(), [], 0
    for item in items:
        batch.append(item)
        total += weight(item[0])
        if len(batch) >= size or total >= BATCH_BYTES:
            yield batch
            batch, total = [], 0
    if batch:
        yield batch


def prepared_batches(owner, items):
    """`batches` of `items`, each with the documents that store it
    (bank.prepare_questions): built in the reading thread of a read ahead, so that
    Python builds the next batch's documents while the database stores the last."""
    for batch in batches(items):
        yield batch, bank.prepare_questions(owner, [question for question, _path in batch])


class _End:
    """What the reading thread of `read_ahead` puts last: the error it stopped on, if any."""

    def __init__(self, error=None):
        self.error = error


def read_ahead(items):
    """The items of an iterator, each read in a thread while the caller uses the one before.

    A parser's batches are read while the previous one is being stored: the
    thread holds Python's lock only while it parses, the caller releases it
    while it waits for the database, so both proceed. At most one item waits
    (memory stays bounded by batch). An error of the iterator is raised here,
    in its place in the sequence; when the caller stops early (an error of its
    own), the thread stops after the item it is reading. The thread reads in
    the caller's language (its notes are worded for the teacher) and touches
    no database.
    """
    ready = queue.Queue(maxsize=1)
    stop = threading.Event()
    language = translation.get_language()

    def offer(item):
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def read():
        with translation.override(language):
            try:
                for item in items:
                    if not offer(item):
                        return
            except BaseException as error:  # raised again in the caller's thread
                offer(_End(error))
                return
            offer(_End())

    thread = threading.Thread(target=read, name="import-read-ahead", daemon=True)
    # The caller waits for the database often (a few commands per batch): each time, it
    # waits for the reading thread to let go of Python's lock, by default up to 5 ms.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(min(interval, SWITCH_INTERVAL))
    thread.start()
    try:
        while True:
            item = ready.get()
            if isinstance(item, _End):
                if item.error is not None:
                    raise item.error
                return
            yield item
    finally:
        stop.set()
        thread.join()
        sys.setswitchinterval(interval)


def _chain(first, rest):
    yield from first
    yield from rest


# -- any file -------------------------------------------------------------------------
def sniff(source, filename):
    """The format of a file (bytes or binary file object), read from its head."""
    if isinstance(source, bytes | bytearray | memoryview | str):
        return detect(source, filename)
    here = source.tell()
    head = source.read(1024)
    source.seek(here)
    return detect(head, filename)


def read_all(source):
    if isinstance(source, bytes | bytearray | memoryview | str):
        return source
    return source.read()


def import_file(
    owner,
    source,
    format=AUTO,
    filename=None,
    strict=False,
    bank_only=False,
    progress=None,
    dry_run=False,
    keep=0,
):
    """Import one file (bytes, str or a binary file object) for `owner`; an Imported.

    FormatError when the file cannot be read (nothing written). GIFT and
    Moodle XML files are streamed: memory holds a batch, not the file.
    `dry_run` reads and reports, writing nothing; `keep` rows of questions
    are kept in the report even without notes (for a preview).
    """
    name = sniff(source, filename) if format == AUTO else format
    if name not in STREAMS:
        fmt = FORMATS[name]
        result = fmt.parse(read_all(source), filename=filename, strict=strict, progress=progress)
        return (
            whole(result, bank_only=bank_only)
            if dry_run
            else store_result(owner, result, bank_only)
        )
    with bank.without_cyclic_gc():
        return import_stream(
            owner, STREAMS[name](source, filename, strict, progress), bank_only, dry_run, keep
        )


def import_stream(owner, stream, bank_only, dry_run, keep):
    """`import_file` of a GIFT or Moodle XML file, read as a stream."""
    stream.result.notes_max = NOTES_MAX
    report = Report(stream.result, keep)
    if dry_run:
        return read_through(stream, report, bank_only)
    first, limit, total = [], batch_size(), 0
    items = iter(stream)
    for item in items:
        first.append(item)
        total += weight(item[0])
        if (len(first) > limit or total > BATCH_BYTES) and staging_possible():
            return stage_stream(owner, stream, first, items, bank_only, report)
    if not first:
        raise stream.nothing_to_import()
    result = stream.result
    result.origins = [(number, line) for _question, number, line in first]
    result.quizzes = [stream.quiz_data([question for question, _n, _l in first])]
    return store_result(owner, result, bank_only)


def read_through(stream, report, bank_only):
    """The Imported of a dry run: the file read to the end, nothing written."""
    types, count = Counter(), 0
    for question, number, line in stream:
        report.question(question, number, line)
        types[question["type"]] += 1
        count += 1
    if not count:
        raise stream.nothing_to_import()
    result = stream.result
    quiz = stream.quiz_data()
    result.quizzes = [quiz]
    return Imported(
        result=result,
        questions=count,
        types=types,
        bank_only=explain_bank_only([(quiz["title"], count)], bank_only),
        rows=report.finish(),
    )


# -- cleanup ----------------------------------------------------------------------------
def abandoned_runs(now=None):
    """The import runs whose staged data may be deleted: failed, abandoned, silent for
    longer than LEASE, or whose process is gone."""
    now = now or timezone.now()
    runs = []
    for run in ImportRun.objects.all():
        if run.state != ImportRun.State.RUNNING:
            runs.append(run)
        elif run.heartbeat < now - LEASE or not alive(run.host, run.pid):
            claimed = ImportRun.objects.filter(
                pk=run.pk, state=ImportRun.State.RUNNING, heartbeat=run.heartbeat
            ).update(state=ImportRun.State.ABANDONED)
            if claimed:
                run.state = ImportRun.State.ABANDONED
                runs.append(run)
    return runs


def remove_remains(run):
    """Delete what `run` staged (its categories, their questions and versions), then its
    record; returns how many questions went. Outside transactions, in batches: all of
    it is invisible, and an interrupted cleanup resumes where it stopped. (Staged
    questions have no stored version, but the remains of an import killed before
    migration 0017 have.)"""
    session = connection.session
    questions = connection.get_collection(Question._meta.db_table)
    versions = connection.get_collection(QuestionVersion._meta.db_table)
    categories = connection.get_collection(Category._meta.db_table)
    staged = [c["_id"] for c in categories.find({"staging": run.pk}, {"_id": 1}, session=session)]
    removed = 0
    while staged:
        ids = [
            q["_id"]
            for q in questions.find(
                {"category_id": {"$in": staged}}, {"_id": 1}, limit=CLEANUP_BATCH, session=session
            )
        ]
        if not ids:
            break
        versions.delete_many({"question_id": {"$in": ids}}, session=session)
        questions.delete_many({"_id": {"$in": ids}}, session=session)
        removed += len(ids)
    if staged:
        categories.delete_many({"_id": {"$in": staged}, "staging": run.pk}, session=session)
    ImportRun.objects.filter(pk=run.pk).delete()
    return removed


def cleanup_abandoned():
    """Delete the staged remains of every abandoned import; [(run, questions removed)]."""
    return [(run, remove_remains(run)) for run in abandoned_runs()]


__all__ = [
    "FormatError",
    "ImportAbandoned",
    "Imported",
    "cleanup_abandoned",
    "create_quizzes",
    "import_file",
    "store_result",
]
