"""The three-way merge in the teachers' forms (quizzes.operations.merge_quiz_settings and
merge_question): the choices a conflict page posts, the rows it shows, the message
of a merged save.

A form saved from an older version is merged with what was saved since. When
both changed a field differently, the form is shown again (409) with, above it,
each such field side by side (theirs, yours, the base) and a choice per field
(inputs named CHOICE_PREFIX + the field); the form keeps carrying the version it
was loaded from, so that saving again merges again, against the version then
current, with those choices.
"""

import datetime
from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quizzes import fields, merge, operations
from quizzes.forms import percent

CHOICE_PREFIX = "merge:"
MERGE_CONFLICT = gettext_lazy(
    "Someone saved changes since you opened this page, and some of them change the same "
    "fields as yours, so nothing was saved yet. Choose below which version to keep for "
    "each, then save again; your other changes are still in the form."
)
DECLARED = {
    **fields.QUESTION_FIELDS,
    **fields.QUESTION_EXTRAS,
    **{f"options.{name}": field for name, field in fields.OPTION_FIELDS.items()},
}


def choices(data):
    """{field: "yours", "theirs" or "base"} of the choices posted in `data`."""
    return {
        name.removeprefix(CHOICE_PREFIX): data[name]
        for name in data
        if name.startswith(CHOICE_PREFIX)
    }


def saved_message(done, outcome):
    """`done` ("Quiz settings saved."), followed by what the merge kept and added."""
    merged = outcome.message(operations.field_label)
    return f"{done} {merged}" if merged else str(done)


@dataclass
class ConflictRow:
    """One conflicting field as the conflict page shows it."""

    field: str
    label: str
    theirs: str
    yours: str
    base: str
    chosen: str

    @property
    def name(self):
        return f"{CHOICE_PREFIX}{self.field}"

    @property
    def slug(self):
        """The field as it may appear in an HTML id."""
        return "".join(c if c.isalnum() else "-" for c in self.field)

    def options(self):
        """(value, label, shown value) of the three choices, theirs first."""
        return [
            ("theirs", _("Theirs (saved meanwhile)"), self.theirs),
            ("yours", _("Yours"), self.yours),
            ("base", _("As it was when you opened the page"), self.base),
        ]


def conflict_rows(conflict, posted):
    """The ConflictRows of a MergeConflict, each with the choice `posted` gave it."""
    chosen = choices(posted)
    return [
        ConflictRow(
            field=item.field,
            label=conflict_label(item.field, item),
            theirs=shown(item.field, item.theirs),
            yours=shown(item.field, item.yours),
            base=shown(item.field, item.base),
            chosen=chosen.get(item.field, ""),
        )
        for item in conflict.merged.conflicts
    ]


def conflict_label(name, item):
    """A conflict's heading: the field's label, or for an answer, the answer's text."""
    if name.startswith("answers."):
        answer = next(
            value for value in (item.base, item.theirs, item.yours) if value is not merge.MISSING
        )
        return _("The answer “%(text)s”") % {"text": answer.get("text") or "…"}
    label = str(operations.field_label(name))
    return label[:1].upper() + label[1:]


def shown(name, value):
    """A field's value as people read it: option labels, tag lists, dates, an answer's
    text and grade."""
    if value is merge.MISSING:
        return _("(removed)") if name.startswith("answers.") else _("(none)")
    if name.startswith("answers."):
        return answer_text(value)
    if name == "hints":
        return " · ".join(hint.get("text", "") for hint in value) or _("(none)")
    if name in ("tags", "answers"):
        return ", ".join(str(item) for item in value) or _("(none)")
    if name == "penalty" and value is not None:
        return percent(value)
    return plain(DECLARED.get(name), value)


def answer_text(answer):
    grade = answer.get("fraction")
    parts = [answer.get("text") or "…"]
    if answer.get("match"):
        parts.append(f"→ {answer['match']}")
    if grade is not None:
        parts.append(_("(grade %(grade)s %%)") % {"grade": fields.format_number(grade)})
    if answer.get("feedback"):
        parts.append(_("feedback: %(text)s") % {"text": answer["feedback"]})
    return " ".join(parts)


def plain(declared, value):
    if value is None or value == "":
        return _("(none)")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if declared is not None and declared.choices is not None:
        labels = dict(declared.choices.choices)
        return str(labels.get(value, value))
    if isinstance(value, int | float):
        return fields.format_number(value)
    return str(value)
