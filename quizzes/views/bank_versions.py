"""A bank question's versions: the list, one version, a diff of two, restoring one.

Versions are immutable (quizzes.models.QuestionVersion); restoring one writes
its content as a new version (quizzes.bank.restore_version). The diff is of
the stored plain data, field by field; texts are compared word by word. The
templates escape every piece, so a diff shows markup as the teacher typed it.
"""

import difflib
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from quizzes import bank, fields
from quizzes.access import EDITOR
from quizzes.qtypes import registry
from quizzes.views.access import get_bank_question
from quizzes.views.bank import ancestors
from quizzes.views.bank_forms import CompareForm, VersionForm
from quizzes.views.common import BAD_REQUEST, success

# Words, runs of spaces (line breaks included) and single signs: what a text diff compares.
TOKENS = re.compile(r"\s+|\w+|[^\w\s]")
LABELS = {**fields.QUESTION_FIELDS, **fields.QUESTION_EXTRAS}
OTHER_LABELS = {"type": gettext_lazy("type"), "tags": gettext_lazy("tags")}
RESTORE_CONFLICT = gettext_lazy(
    "This question was changed since you opened this page, so nothing was restored. "
    "Here is the version again: look at the list of versions and try again."
)


def label_of(declared, name, data=None):
    """The label of field `name` among the `declared` ones (quizzes.fields), capitalised;
    a text format is named after its text ("Incorrect feedback: format")."""
    base = name.removesuffix("_format")
    if data is not None and base != name and base in data:
        return _("%(text)s: format") % {"text": label_of(declared, base)}
    field = declared.get(name)
    label = str(field.label if field is not None else OTHER_LABELS.get(name, name))
    return label[:1].upper() + label[1:]


def shown(value):
    """A stored value as text for a person: numbers without noise, yes/no, lists joined."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float):
        return fields.format_number(float(value))
    if isinstance(value, list | tuple):
        return ", ".join(map(shown, value))
    return str(value)


def flatten(data):
    """[(key, label, text)] of a version's data: the fields its type uses, then each
    answer's and hint's. A text format is left out where its text is empty."""
    qtype = registry.TYPES.get(data.get("type"))
    used = {"type", "tags", "answers", "hints", *fields.QUESTION_FIELDS}
    used.update(qtype.extra_fields if qtype else fields.QUESTION_EXTRAS)
    answer_fields = qtype.answer_fields if qtype else tuple(fields.ANSWER_FIELDS)
    rows = []
    for key, value in data.items():
        if key not in used or unused_format(data, key):
            continue
        if key in ("answers", "hints"):
            title = _("Answer %(number)s") if key == "answers" else _("Hint %(number)s")
            declared = fields.ANSWER_FIELDS if key == "answers" else fields.HINT_FIELDS
            for index, item in enumerate(value):
                heading = title % {"number": index + 1}
                for name, part in item.items():
                    if key == "answers" and name not in answer_fields:
                        continue
                    if not unused_format(item, name):
                        label = f"{heading} · {label_of(declared, name, item)}"
                        rows.append((f"{key}.{index}.{name}", label, shown(part)))
        elif key == "type":
            rows.append((key, label_of(LABELS, key), qtype.label if qtype else shown(value)))
        else:
            rows.append((key, label_of(LABELS, key, data), shown(value)))
    return rows


def unused_format(data, key):
    """Whether `key` is the text format of a text of `data` that is empty."""
    base = key.removesuffix("_format")
    return base != key and base in data and not data[base]


def words_diff(old, new):
    """[(kind, text)] turning `old` into `new`: kind is "same", "removed" or "added".

    Spaces alone between two changes count as changed, so that a rewritten
    sentence reads as one removal and one addition, not a word salad.
    """
    before, after = TOKENS.findall(old), TOKENS.findall(new)
    opcodes = difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
    spans = []  # [same?, i1, i2, j1, j2]
    for index, (operation, i1, i2, j1, j2) in enumerate(opcodes):
        inner = 0 < index < len(opcodes) - 1
        same = operation == "equal" and not (inner and not "".join(before[i1:i2]).strip())
        if spans and not same and not spans[-1][0]:
            spans[-1][2], spans[-1][4] = i2, j2
        else:
            spans.append([same, i1, i2, j1, j2])
    pieces = []
    for same, i1, i2, j1, j2 in spans:
        if same:
            pieces.append(("same", "".join(before[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(("removed", "".join(before[i1:i2])))
        if j2 > j1:
            pieces.append(("added", "".join(after[j1:j2])))
    return pieces


def compare(old, new):
    """The fields that differ between two versions' data: [{label, old, new, pieces}]."""
    return compare_rows(flatten(old), flatten(new))


def compare_rows(old, new):
    """The rows that differ between two lists of [(key, label, text)] (as `flatten`
    makes them; a quiz's revisions too): [{label, old, new, pieces}], in the order of
    `old`, then the rows only `new` has."""
    before = {key: (label, text) for key, label, text in old}
    after = {key: (label, text) for key, label, text in new}
    keys = list(before) + [key for key in after if key not in before]
    changes = []
    for key in keys:
        label, old_text = before.get(key, (None, ""))
        new_label, new_text = after.get(key, (None, ""))
        if old_text != new_text:
            changes.append(
                {
                    "label": label or new_label,
                    "old": old_text,
                    "new": new_text,
                    "pieces": words_diff(old_text, new_text),
                }
            )
    return changes


def question_page(question, **context):
    """The context of a page about one question: it, and where it sits (breadcrumb)."""
    return {"question": question, "ancestors": ancestors(question.category), **context}


def question_version(question, number):
    """Version `number` of `question`, else 404."""
    version = bank.version(question, number)
    if version is None:
        raise Http404
    return version


@login_required
@require_GET
def version_list(request, question_id):
    question = get_bank_question(request.user, question_id)
    context = question_page(question, versions=bank.versions(question))
    return render(request, "quizzes/bank/versions.html", context)


@login_required
@require_GET
def compare_versions(request, question_id):
    question = get_bank_question(request.user, question_id)
    form = CompareForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("Choose two versions to compare."))
        context = question_page(question, versions=bank.versions(question))
        return render(request, "quizzes/bank/versions.html", context, status=400)
    numbers = sorted((form.cleaned_data["old"], form.cleaned_data["new"]))
    found = {version.number: version for version in bank.versions(question, numbers)}
    if len(found) != len(set(numbers)):
        raise Http404
    old, new = found[numbers[0]], found[numbers[1]]
    context = question_page(question, old=old, new=new, changes=compare(old.data, new.data))
    return render(request, "quizzes/bank/compare.html", context)


@login_required
@require_GET
def version_detail(request, question_id, number):
    question = get_bank_question(request.user, question_id)
    version = question_version(question, number)
    context = question_page(question, version=version, rows=flatten(version.data))
    return render(request, "quizzes/bank/version.html", context)


@login_required
@require_POST
def restore_version(request, question_id, number):
    """Make version `number` current again, as a new version (the form carries the
    question's version it was shown at: a stale one is refused with 409)."""
    question = get_bank_question(request.user, question_id, EDITOR)
    version = question_version(question, number)
    form = VersionForm(request.POST)
    if not form.is_valid():
        return refuse_restore(request, question, version, BAD_REQUEST, 400)
    try:
        bank.restore_version(
            question, number, author=request.user, expected_version=form.cleaned_data["version"]
        )
    except bank.VersionConflict:
        return refuse_restore(request, question, version, RESTORE_CONFLICT, 409)
    except ValidationError as error:
        message = _("This version cannot be restored as it is: %(reasons)s") % {
            "reasons": " ".join(error.messages)
        }
        return refuse_restore(request, question, version, message, 400)
    success(
        request,
        _("Version %(old)s restored as version %(new)s.")
        % {"old": number, "new": question.version},
    )
    return redirect("bank_versions", question.pk)


def refuse_restore(request, question, version, message, status):
    messages.error(request, message)
    question.refresh_from_db()
    context = question_page(question, version=version, rows=flatten(version.data))
    return render(request, "quizzes/bank/version.html", context, status=status)
