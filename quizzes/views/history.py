"""A quiz's history: its revisions, the difference of any two, restoring one.

Every change of a quiz writes a revision (quizzes.revisions); these pages show
them: the list newest first, a page at a time by position (`?older=`/`?newer=`,
as the dashboard), what each changed in words; two revisions compared (their
snapshots row by row, texts word by word, as a question's versions are:
bank_versions.compare_rows); one revision's settings and questions, with the
form that restores them as a new change. A question's own history is its
versions page, linked from its name. Names of questions, categories and
authors are read when shown, one query each for a whole page.
"""

from bson import ObjectId
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from quizzes import documents, fields, listing, operations, revisions
from quizzes.access import EDITOR
from quizzes.forms import VersionForm
from quizzes.models import Category, Question, QuizStatus
from quizzes.views.access import get_quiz
from quizzes.views.bank_forms import CompareForm
from quizzes.views.bank_versions import compare_rows, label_of, shown
from quizzes.views.common import BAD_REQUEST, inform, success

PAGE_SIZE = 20
LABELS = {**fields.QUIZ_FIELDS, **fields.OPTION_FIELDS}
# How much of a long text (a description) a line of the list shows.
LINE_TEXT_MAX = 80
RESTORE_CONFLICT = gettext_lazy(
    "This quiz was changed since you opened this page, so nothing was restored. "
    "Here is the revision again: look at the history and try again."
)


# -- names and texts --------------------------------------------------------------
def names_of(changes=(), snapshots=()):
    """{"questions": {hex id: name}, "categories": {hex id: name}} of the questions and
    categories that `changes` and the slots of `snapshots` name: one find on each
    collection, also when it names none, so that a page costs the same commands
    whatever its revisions changed. ($unionWith would make them one, but a page
    refusing a restore is shown inside the request's transaction, where MongoDB
    refuses that stage.)"""
    slots = [*changes, *(slot for snapshot in snapshots for slot in snapshot["slots"])]
    names = {}
    for kind, key, model in (
        ("questions", "question", Question),
        ("categories", "category", Category),
    ):
        ids = [ObjectId(pk) for pk in {slot.get(key) for slot in slots} - {None}]
        found = documents.collection(model).find(
            {"_id": {"$in": ids}}, {"name": 1}, session=connection.session
        )
        names[kind] = {str(document["_id"]): document["name"] for document in found}
    return names


def slot_name(slot, names):
    """How a slot (or a change of a slot) is named: its question's name, or what it draws."""
    if slot.get("question"):
        return names["questions"].get(slot["question"]) or _("a question since deleted")
    category = names["categories"].get(slot.get("category")) or _("a category since deleted")
    return _("%(count)s at random from “%(category)s”") % {
        "count": slot.get("count") or "?",
        "category": category,
    }


def field_label(field):
    return label_of(LABELS, field.removeprefix("options."))


def value_text(field, value):
    """A setting's stored value as text for a person."""
    name = field.removeprefix("options.")
    declared = LABELS.get(name)
    if value is None or value == "" or value == []:
        return "—"
    if declared is not None and declared.choices is not None:
        return str(dict(declared.choices.choices).get(value, value))
    if declared is not None and declared.kind == "datetime":
        moment = timezone.localtime(parse_datetime(value))
        return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
    return shown(value)


def points_text(points):
    if points is None:
        return _("the question's own points")
    return _("%(points)s points") % {"points": shown(points)}


def change_line(change, names):
    """{"text", "url"} of one change of a revision, in words; `url`: the versions page of
    the question it concerns, if any and still in the bank."""
    field = change["field"]
    question = change.get("question")
    url = None
    if question and question in names["questions"]:
        url = reverse("bank_versions", args=[question])
    if field == "slot":
        name = slot_name(change, names)
        texts = {
            "added": _("Added: %(name)s"),
            "removed": _("Removed: %(name)s"),
            "moved": _("Moved: %(name)s, from place %(before)s to %(after)s"),
            "points": _("Points of %(name)s: %(before)s → %(after)s"),
        }
        before, after = change["before"], change["after"]
        if change["change"] == "points":
            before, after = points_text(before), points_text(after)
        text = texts[change["change"]] % {"name": name, "before": before, "after": after}
    elif field == "question":
        text = _("Edited: %(name)s, version %(before)s → %(after)s") % {
            "name": slot_name(change, names),
            "before": change["before"],
            "after": change["after"],
        }
    elif field == "restored":
        text = _("Restored revision %(number)s") % {"number": change["after"]}
    else:
        before, after = (
            Truncator(value_text(field, change[side])).chars(LINE_TEXT_MAX)
            for side in ("before", "after")
        )
        text = _("%(field)s: %(before)s → %(after)s") % {
            "field": field_label(field),
            "before": before,
            "after": after,
        }
    return {"text": text, "url": url}


def snapshot_rows(snapshot, names):
    """[(key, label, text)] of a revision's snapshot: its settings, then each slot (its
    place and points), keyed by the slot's id, so that comparing two shows the slots
    added, removed, moved or given other points."""
    rows = [
        (field, field_label(field), value_text(field, snapshot.get(field)))
        for field in revisions.SETTINGS
    ]
    rows += [
        (f"options.{name}", field_label(name), value_text(name, value))
        for name, value in snapshot["options"].items()
        if name in fields.OPTION_FIELDS
    ]
    for place, slot in enumerate(snapshot["slots"], 1):
        text = _("Place %(place)s, %(points)s") % {
            "place": place,
            "points": points_text(slot["points"]),
        }
        rows.append((f"slot.{slot['uid']}", slot_name(slot, names), text))
    return rows


def revision_page(request, quiz, revision, status=200):
    """The page of one revision: what it changed, the quiz as it left it, and the form
    that restores it (the confirmation)."""
    names = names_of(revision.changes, [revision.snapshot])
    context = {
        "quiz": quiz,
        "revision": revision,
        "lines": [change_line(change, names) for change in revision.changes],
        "rows": snapshot_rows(revision.snapshot, names),
        "archived": quiz.status == QuizStatus.ARCHIVED,
    }
    return render(request, "quizzes/history/revision.html", context, status=status)


# -- pages ------------------------------------------------------------------------
@login_required
@require_GET
def history(request, quiz_id):
    """A page of the quiz's revisions, newest first, each with what it changed in words,
    and the form choosing two to compare."""
    quiz = get_quiz(request.user, quiz_id)
    page = revisions.page(quiz, PAGE_SIZE, **listing.positions(request.GET))
    revisions.with_authors(page.items)
    names = names_of([change for revision in page.items for change in revision.changes])
    for revision in page.items:
        revision.lines = [change_line(change, names) for change in revision.changes]
    oldest = page.items[-1] if page.items else None
    context = {
        "quiz": quiz,
        "page": page,
        "query": listing.other_parameters(request.GET),
        "started": page.older is None
        and (oldest is None or oldest.action != revisions.Action.CREATED),
        "history_started": revisions.HISTORY_STARTED,
    }
    return render(request, "quizzes/history/list.html", context)


@login_required
@require_GET
def compare(request, quiz_id):
    """The differences between two revisions of the quiz (?old=&new=, their versions)."""
    quiz = get_quiz(request.user, quiz_id)
    form = CompareForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("Choose two revisions to compare."))
        return redirect("quiz_history", quiz.pk)
    numbers = sorted((form.cleaned_data["old"], form.cleaned_data["new"]))
    found = {
        revision.version: revision
        for revision in revisions.revisions_of(quiz).filter(version__in=numbers)
    }
    if len(found) != len(set(numbers)):
        raise Http404
    old, new = found[numbers[0]], found[numbers[1]]
    names = names_of(snapshots=[old.snapshot, new.snapshot])
    changes = compare_rows(snapshot_rows(old.snapshot, names), snapshot_rows(new.snapshot, names))
    context = {"quiz": quiz, "old": old, "new": new, "changes": changes}
    return render(request, "quizzes/history/compare.html", context)


@login_required
@require_GET
def revision_detail(request, quiz_id, number):
    quiz = get_quiz(request.user, quiz_id)
    revision = get_object_or_404(
        revisions.revisions_of(quiz).select_related("author"), version=number
    )
    return revision_page(request, quiz, revision)


@login_required
@require_POST
def restore(request, quiz_id, number):
    """Make revision `number`'s settings and questions the quiz's again, as a new
    revision (the form carries the quiz's version it was shown at: a stale one is
    refused with 409, so is an archived quiz)."""
    quiz = get_quiz(request.user, quiz_id, EDITOR)
    revision = get_object_or_404(
        revisions.revisions_of(quiz).select_related("author"), version=number
    )
    form = VersionForm(request.POST)
    if not form.is_valid():
        return refuse(request, quiz, revision, BAD_REQUEST, 400)
    try:
        quiz, skipped = operations.restore_revision(
            quiz, revision, form.cleaned_data["version"], author=request.user
        )
    except operations.QuizArchived as archived:
        return refuse(request, quiz, revision, str(archived), 409)
    except operations.VersionConflict:
        return refuse(request, quiz, revision, RESTORE_CONFLICT, 409)
    except ValidationError as error:
        message = _("This revision cannot be restored as it is: %(reasons)s") % {
            "reasons": " ".join(error.messages)
        }
        return refuse(request, quiz, revision, message, 400)
    success(
        request,
        _("Revision %(old)s restored as revision %(new)s.")
        % {"old": revision.version, "new": quiz.version},
    )
    if skipped:
        inform(
            request,
            ngettext(
                "%(count)s question of that revision is no longer in the bank: it was left out.",
                "%(count)s questions of that revision are no longer in the bank: "
                "they were left out.",
                len(skipped),
            )
            % {"count": len(skipped)},
        )
    return redirect("quiz_history", quiz.pk)


def refuse(request, quiz, revision, message, status):
    messages.error(request, message)
    quiz.refresh_from_db()
    return revision_page(request, quiz, revision, status)
