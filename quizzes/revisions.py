"""A quiz's history: every change of a quiz as a `Revision`, written in its transaction.

Each change that bumps `Quiz.version` (quizzes.operations, and quizzes.bank
when deleting questions takes slots out of quizzes) calls `record` once, right
after its update: one insert, in the same transaction, so that a change is
never stored without its revision nor a revision without its change. A
revision holds the quiz's settings and slots after the change (`snapshot`),
and what changed, field by field (`diff` of the snapshots before and after):
any two revisions can be compared, any one restored (operations.restore_revision),
and the version a form was loaded from can be read back (a three-way merge's base).

A question's own content has its own history (its versions); a quiz's
revision names the question a slot holds, whose name is read when shown.

Retention: setting OPENQUIZZ_REVISIONS_KEEP (environment variable of the same
name), None (the default) keeps every revision; a number N >= 1 keeps a quiz's
N latest, the older ones deleted by the change that records a new one, in its
transaction.
"""

import datetime
import difflib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from quizzes import fields, listing
from quizzes.models import Revision

Action = Revision.Action
# Quizzes changed before revisions were recorded have no history before this day.
HISTORY_STARTED = datetime.date(2026, 12, 2)
# A quiz's revisions newest first, a page at a time (quizzes.listing), without snapshots.
LISTING = listing.Listing(
    Revision,
    "created_at",
    {("quiz_id",): "revision_quiz_created_id"},
    deferred=("snapshot",),
    shard_key=("quiz_id",),
)
SETTINGS = ("title", "description", "tags", "status")
OPTIONS = tuple(fields.OPTION_FIELDS)
SLOT_FIELDS = ("uid", "question", "points", "category", "count", "include_subcategories")


def plain(value):
    """`value` as JSON keeps it: ObjectIds as hex, datetimes in ISO 8601, lists as lists."""
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def snapshot(quiz):
    """The quiz's settings (title, description, tags, status, options) and slots, as
    plain data: what a revision keeps of the quiz after its change."""
    data = {field: plain(getattr(quiz, field)) for field in SETTINGS}
    data["options"] = {field: plain(getattr(quiz.options, field)) for field in OPTIONS}
    data["slots"] = [{f: plain(getattr(slot, f)) for f in SLOT_FIELDS} for slot in quiz.slots]
    return data


def diff(before, after):
    """What changed from snapshot `before` to snapshot `after`, field by field:
    [{"field", "before", "after"}] for the settings ("options.<name>" for an
    option), then {"field": "slot", "change", "slot": its uid, "before", "after",
    and what it holds: "question", or "category" and "count"} for the slots, a
    change being "added" or "removed" (before or after: the slot), "moved" (its
    places, from 1) for those out of the longest run kept in order, or "points"
    (its points override)."""
    changes = [
        {"field": field, "before": before.get(field), "after": after.get(field)}
        for field in SETTINGS
        if before.get(field) != after.get(field)
    ]
    old_options, new_options = before.get("options", {}), after.get("options", {})
    changes += [
        {"field": f"options.{name}", "before": old_options.get(name), "after": new_options[name]}
        for name in OPTIONS
        if old_options.get(name) != new_options.get(name)
    ]
    return changes + slot_changes(before.get("slots", []), after.get("slots", []))


def slot_changes(before, after):
    old = {slot["uid"]: slot for slot in before}
    new = {slot["uid"]: slot for slot in after}
    changes = [
        slot_change("removed", slot, slot, None) for slot in before if slot["uid"] not in new
    ]
    changes += [slot_change("added", slot, None, slot) for slot in after if slot["uid"] not in old]
    kept_old = [uid for uid in old if uid in new]
    kept_new = [uid for uid in new if uid in old]
    matcher = difflib.SequenceMatcher(None, kept_old, kept_new, autojunk=False)
    blocks = matcher.get_matching_blocks()
    in_order = {uid for block in blocks for uid in kept_new[block.b : block.b + block.size]}
    places = {uid: index + 1 for index, uid in enumerate(old)}
    new_places = {uid: index + 1 for index, uid in enumerate(new)}
    for uid in kept_new:
        if uid not in in_order:
            changes.append(slot_change("moved", new[uid], places[uid], new_places[uid]))
        if old[uid]["points"] != new[uid]["points"]:
            changes.append(slot_change("points", new[uid], old[uid]["points"], new[uid]["points"]))
    return changes


def slot_change(change, slot, before, after):
    return {
        "field": "slot",
        "change": change,
        "slot": slot["uid"],
        "question": slot["question"],
        "category": slot["category"],
        "count": slot["count"],
        "before": before,
        "after": after,
    }


def record(quiz, before, action, author=None, noted=()):
    """Insert the revision of the change that just gave `quiz` (as it is now in memory)
    its version; `before`: the quiz's snapshot before the change (None: it is new);
    `noted`: changes the snapshots do not show (a question's new version).
    Then, if the setting OPENQUIZZ_REVISIONS_KEEP is a number, delete the quiz's
    revisions older than that many. Returns the revision."""
    after = snapshot(quiz)
    revision = Revision.objects.create(
        quiz_id=quiz.pk,
        version=quiz.version,
        author=author,
        created_at=timezone.now(),
        action=action,
        changes=([] if before is None else diff(before, after)) + list(noted),
        snapshot=after,
    )
    keep = settings.OPENQUIZZ_REVISIONS_KEEP
    if keep is not None:
        older = quiz.version - max(keep, 1)
        Revision.objects.filter(quiz_id=quiz.pk, version__lte=older).delete()
    return revision


def status_action(before, after):
    """The action of a status change from `before` to `after` (not publishing)."""
    if after == fields.QuizStatus.ARCHIVED:
        return Action.ARCHIVED
    if before == fields.QuizStatus.ARCHIVED:
        return Action.UNARCHIVED
    return Action.UNPUBLISHED


def page(quiz, size, **positions):
    """A page of `size` of the quiz's revisions, newest first (quizzes.listing.page:
    `positions` are its older_than or newer_than), their snapshots left unread."""
    return listing.page({"quiz_id": quiz.pk}, size, listing=LISTING, **positions)


def revisions_of(quiz):
    """The quiz's revisions, to look one up by `version` (the unique index)."""
    return Revision.objects.filter(quiz_id=quiz.pk)


def display_name(user):
    """How a change's author is named to the teachers who see it (merge messages, live
    notices): their full name, else their user name."""
    return user.get_full_name() or user.get_username()


def with_authors(revision_list):
    """`revision_list`, each with its `author` (one query for them all, none for none)."""
    ids = {revision.author_id for revision in revision_list} - {None}
    authors = get_user_model().objects.in_bulk(ids) if ids else {}
    for revision in revision_list:
        revision.author = authors.get(revision.author_id)
    return revision_list
