"""A quiz's attempts as its teacher reviews them: the list (filtered, in one of the
orders an index keeps), one attempt, deleting some, the attempts waiting for grading,
and exports.

Every query names the quiz (`quiz_id` is the first field of the attempts'
shard key) and runs on an index of the attempts: the lists' pages are read by
position (quizzes.listing) along (quiz, -submitted_at, -id), (quiz, state,
-submitted_at, -id) or (quiz, -percent, -id); but the grading queue's, across a
teacher's quizzes, which names the teacher: (owner, submitted_at, id) of the
waiting ones.
Exports stream: the attempts are read in batches with a projection of
their marks only, so a big quiz is never held in memory; cells a
spreadsheet would read as a formula get a leading apostrophe (learner
names are the learners' own text).
"""

import csv
import io
import re
from datetime import datetime

from bson import ObjectId
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from quizzes import documents, listing
from quizzes.models import Attempt, Quiz, Release
from quizzes.qtypes import registry
from quizzes.statistics import question_catalogue, read_statistics

State = Attempt.State
NEEDS_GRADING = "needs_grading"  # a filter: submitted, with responses waiting for the teacher
FILTER_STATES = [
    (State.IN_PROGRESS, gettext_lazy("in progress")),
    (State.SUBMITTED, gettext_lazy("submitted")),
    (NEEDS_GRADING, gettext_lazy("needs grading")),
]
# The orders of the attempts list → the listing a page is read along, highest first:
# the orders an index keeps (the newest submitted first by default).
SORTS = {"submitted": listing.ATTEMPTS, "percent": listing.ATTEMPTS_BY_PERCENT}
DEFAULT_SORT = "submitted"
QUEUE_SIZE = 20
QUEUE_DEFERRED = ("answers", "results", "client_info")  # what the grading queue does not show
QUEUE_PROJECTION = dict.fromkeys(QUEUE_DEFERRED, 0)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BATCH = 500


def attempts_match(quiz, state=None, release=None, search=""):
    """MongoDB query: the attempts at `quiz` in `state` (a key of FILTER_STATES), on
    `release` (its number), whose learner's name or username contains `search` (letter
    case ignored); what the lists read a page of, along an index (SORTS)."""
    match = {"quiz_id": quiz.pk}
    if state == NEEDS_GRADING:
        match.update(state=State.SUBMITTED, ungraded={"$gt": 0})
    elif state:
        match["state"] = state
    if release:
        numbered = Release.objects.filter(quiz=quiz, number=release).values_list("pk", flat=True)
        match["release_id"] = {"$in": list(numbered)}
    if search:
        users = get_user_model().objects.filter(username__icontains=search)
        contains = {"$regex": re.escape(search), "$options": "i"}
        match["$or"] = [
            {"learner_name": contains},
            {"user_id": {"$in": list(users.values_list("pk", flat=True))}},
        ]
    return match


def attempts_among(quiz, attempt_ids):
    """The attempts `attempt_ids` at `quiz` (others' ids are ignored), newest first."""
    return list(Attempt.objects.filter(quiz=quiz, pk__in=list(attempt_ids)))


def with_people(attempts):
    """`attempts` (a list, of one quiz) with their `user` and `release` set, read with one
    query each (releases by their quiz too: the first field of their shard key)."""
    attempts = list(attempts)
    users = get_user_model().objects.in_bulk({a.user_id for a in attempts} - {None})
    releases = Release.objects.filter(
        quiz_id__in={a.quiz_id for a in attempts}, pk__in={a.release_id for a in attempts}
    ).defer("learner", "key", "slots", "versions")
    by_pk = {release.pk: release for release in releases}
    for attempt in attempts:
        attempt.user = users.get(attempt.user_id)
        attempt.release = by_pk.get(attempt.release_id)
    return attempts


def attempt_of(quiz, attempt_id):
    """The attempt `attempt_id` (ObjectId or hex) at `quiz`, with its release, or None."""
    try:
        attempt_id = ObjectId(attempt_id)
    except (TypeError, ValueError):
        return None
    attempt = Attempt.objects.filter(quiz=quiz, pk=attempt_id).first()
    if attempt is not None and attempt.release_id:
        attempt.release = Release.objects.get(quiz=quiz, pk=attempt.release_id)
    return attempt


def delete_attempts(quiz, attempt_ids):
    """Delete the attempts `attempt_ids` at `quiz` (others' ids are ignored); how many."""
    deleted, _by_model = Attempt.objects.filter(quiz=quiz, pk__in=list(attempt_ids)).delete()
    return deleted


def grading_queue(user, limit=QUEUE_SIZE):
    """The submitted attempts at `user`'s own quizzes with responses waiting for the
    teacher, the longest waiting first, each with its `quiz`, `user` and `release`: at
    most `limit`, their `answers`, `results` and `client_info` deferred.

    One find along the index attempt_owner_waiting (the attempts carry their quiz's
    owner), which reads that many attempts and no other, however many quizzes the
    teacher has (not QuerySet.order_by()[:n], which sorts every match: quizzes.listing);
    then their learners, releases and quizzes' titles, by id."""
    waiting = (
        documents.find(
            Attempt, {"owner_id": user.pk, "ungraded": {"$gt": 0}}, QUEUE_PROJECTION, limit
        )
        .sort([("submitted_at", 1), ("_id", 1)])
        .limit(limit)
        .hint("attempt_owner_waiting")
    )
    found = [documents.instance(Attempt, document, QUEUE_DEFERRED) for document in waiting]
    if not found:
        return []
    titles = Quiz.objects.only("title").order_by().in_bulk({a.quiz_id for a in found})
    for attempt in found:
        attempt.quiz = titles[attempt.quiz_id]
    return with_people(found)


def learner(attempt):
    """Who made the attempt, in words: the name given, else the user's username."""
    if attempt.learner_name:
        return attempt.learner_name
    return attempt.user.get_username() if attempt.user_id else _("(anonymous)")


def duration(attempt):
    """Seconds from start to submission, or None while in progress."""
    if attempt.started_at and attempt.submitted_at:
        return round((attempt.submitted_at - attempt.started_at).total_seconds())
    return None


def state_label(attempt):
    if attempt.state == State.SUBMITTED and attempt.ungraded:
        return _("needs grading")
    return attempt.get_state_display()


# -- exports -----------------------------------------------------------------------------
def safe_cell(value):
    """`value` as a spreadsheet cell that is never a formula (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def attempt_table(quiz):
    """The header, then one row per attempt at `quiz` (newest first): learner, started,
    submitted, duration (s), score, max, percent, passed, state, then the points of
    each scored question (the quiz's, then those only its older releases had)."""
    released = Release.objects.filter(quiz=quiz).values_list("versions", flat=True)
    questions = {
        question_id: data
        for question_id, data in question_catalogue(quiz, set().union(*released)).items()
        if registry.of(data).scored
    }
    yield [
        _("Learner"),
        _("Started"),
        _("Submitted"),
        _("Duration (s)"),
        _("Score"),
        _("Max"),
        _("Percent"),
        _("Passed"),
        _("State"),
        *(data["name"] for data in questions.values()),
    ]
    projection = {"answers": 0, "client_info": 0, "results.response": 0, "results.feedback": 0}
    cursor = (
        connection.get_collection(Attempt._meta.db_table)
        .find({"quiz_id": quiz.pk}, projection, session=connection.session)
        .sort([("started_at", -1), ("_id", -1)])
        .batch_size(BATCH)
    )
    batch = []
    for document in cursor:
        batch.append(document)
        if len(batch) == BATCH:
            yield from attempt_rows(batch, questions)
            batch = []
    yield from attempt_rows(batch, questions)


def attempt_rows(documents, questions):
    users = get_user_model().objects.in_bulk({d["user_id"] for d in documents} - {None})
    for document in documents:
        attempt = Attempt(
            **{
                name: document.get(name)
                for name in ("learner_name", "user_id", "state", "started_at", "submitted_at")
            },
            ungraded=document.get("ungraded", 0),
        )
        attempt.user = users.get(attempt.user_id)
        points = {str(row["question"]): row["points"] for row in document.get("results", ())}
        submitted = attempt.state == State.SUBMITTED
        yield [
            learner(attempt),
            attempt.started_at,
            attempt.submitted_at,
            duration(attempt),
            document.get("score") if submitted else None,
            document.get("max_score") if submitted else None,
            document.get("percent") if submitted else None,
            bool(document.get("passed")) if submitted else None,
            state_label(attempt),
            *(points.get(question_id) for question_id in questions),
        ]


def statistics_table(quiz):
    """The header, then one row per question of read_statistics, then one row per
    answer of the questions whose answers are counted."""
    numbers = read_statistics(quiz)
    yield [
        _("Question"),
        _("Type"),
        _("Attempts"),
        _("Answered"),
        _("Correct"),
        _("Needs grading"),
        _("Facility index (%)"),
        _("Standard deviation (%)"),
        _("Discrimination index"),
        _("Discriminative efficiency"),
        _("Answer"),
        _("Chosen"),
        _("Chosen (%)"),
    ]
    for row in numbers["questions"]:
        yield [
            row["name"],
            row["type"],
            row["attempts"],
            row["answered"],
            row["correct"],
            row["needs_grading"],
            row["facility"],
            row["sd"],
            row["discrimination_index"],
            row["discriminative_efficiency"],
        ]
        for answer in row["answers"]:
            yield [row["name"], "", "", "", "", "", "", "", "", "", *answer.values()]


def cell_text(value):
    if isinstance(value, datetime):
        return value.isoformat()
    return "" if value is None else value


def csv_lines(table):
    """The rows of `table` as CSV text, one line at a time (a streamed response's body)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in table:
        writer.writerow([safe_cell(cell_text(value)) for value in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def xlsx_bytes(title, table):
    """An XLSX workbook of one sheet called `title` holding `table` (openpyxl's
    write-only mode: rows are written as they come). Dates are naive UTC."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    for row in table:
        sheet.append([safe_cell(xlsx_value(value)) for value in row])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def xlsx_value(value):
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return value
