"""Optimistic concurrency over HTTP: an object's `version` as its ETag, checked by If-Match.

Quizzes, bank categories and bank questions each have a version that every
change bumps. Every response about one of them carries `ETag: "<version>"`
(a strong validator); responses about a quiz's questions or slots carry the
quiz's. A write sent with that value in `If-Match` succeeds only if nobody
changed the object since: otherwise 412 with the current version. Without
If-Match (or with `If-Match: *`) the write is unconditional: the last writer
wins. An empty If-Match is a mistake of the client's, a 400: it names no
version, yet asks for a condition.

A `PATCH` of a quiz's settings or of a bank question may ask for a three-way
merge instead, with `Prefer: merge` (RFC 7240) and If-Match naming the version
it was edited from (its base; without If-Match: 428). Fields only the client
changed are applied, fields only others changed since are kept, answers are
matched by their `uid` (quizzes.operations.merge_quiz_settings and
merge_question). The answer is 200 with `Preference-Applied: merge` and a
`merge` member (`merge_report`); fields both changed differently are a 409
listing them (`MergeConflictError`), and the client sends the PATCH again
with a `resolve` member choosing, for each, "yours", "theirs" or "base"
(`merge_body`). A
base version the server no longer has (revisions pruned) is a 412, as a
strict If-Match.
"""

import contextlib
import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.exceptions import ParseError, ValidationError

from quizzes import merge, operations
from quizzes.api.exceptions import PreconditionFailed

ENTITY_TAG = re.compile(r'(W/)?"([^"]*)"')
MERGE = "merge"
# The body member that chooses, for each conflicting field, the value it takes.
RESOLVE = "resolve"


def etag(obj):
    return f'"{obj.version}"'


def subject(obj):
    """The kind of object a 412 speaks of: "quiz", "category" or "question"."""
    return obj._meta.model_name


def expected_version(request, obj):
    """The version a write must find, for quizzes.operations' and quizzes.bank's
    `expected_version`.

    None when the request has no If-Match or `If-Match: *`. Raises ParseError
    (400) when If-Match is empty, and PreconditionFailed when no strong entity
    tag of If-Match is the object's version as read (weak tags never match,
    RFC 9110 §13.1.1). The operation then checks the version again as it
    writes, so a change made in between also ends in 412.
    """
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    if not header.replace(",", "").strip():
        raise ParseError(
            _(
                'The If-Match header is empty: send the ETag you last read (e.g. "7"), or '
                "leave the header out to write whatever the current version."
            )
        )
    strong = {value for weak, value in ENTITY_TAG.findall(header) if not weak}
    if str(obj.version) not in strong:
        raise PreconditionFailed(obj.version, subject(obj))
    return obj.version


# -- three-way merges (Prefer: merge) ----------------------------------------------
class PreconditionRequired(exceptions.APIException):
    """A merge asked for without If-Match: the server cannot know its base."""

    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = gettext_lazy("Prefer: merge needs If-Match.")
    default_code = "precondition_required"


class MergeConflictError(exceptions.APIException):
    """Fields both the client and others changed differently since its base: nothing
    written. Its problem has `conflicts` ([{field, base, theirs, yours}], a side
    without the member: the field or answer absent there, e.g. an answer removed),
    `base_version`, `current_version` (also the ETag) and `authors`."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("You and someone else changed the same fields.")
    default_code = "merge_conflict"

    def __init__(self, conflict, base_version):
        fields = ", ".join(c.field for c in conflict.merged.conflicts)
        super().__init__(
            _(
                "Since version %(base)s, others changed %(fields)s too. Send the PATCH again "
                'with If-Match: "%(base)s", Prefer: merge and a "resolve" member choosing '
                'for each field "yours", "theirs" or "base", e.g. {"resolve": '
                '[{"field": "%(field)s", "choice": "yours"}]}.'
            )
            % {"base": base_version, "fields": fields, "field": conflict.merged.conflicts[0].field}
        )
        self.problem_members = {
            "conflicts": [sides(c) for c in conflict.merged.conflicts],
            "base_version": base_version,
            "current_version": conflict.current,
            "authors": conflict.authors,
        }
        self.problem_headers = {"ETag": f'"{conflict.current}"'}


def sides(conflict):
    """A conflict as the API shows it: a side where the field is absent has no member."""
    shown = {"field": conflict.field}
    for side in merge.CHOICES:
        value = getattr(conflict, side)
        if value is not merge.MISSING:
            shown[side] = value
    return shown


def prefers_merge(request):
    """Whether the request asks for a three-way merge: `merge` among the preferences of
    its Prefer header. Other preferences are ignored, as RFC 7240 lets a server;
    `merge` with a value is a mistake of the client's (ParseError: 400)."""
    for preference in request.headers.get("Prefer", "").split(","):
        name, given, _value = preference.partition(";")[0].partition("=")
        if name.strip().lower() == MERGE:
            if given:
                raise ParseError(_("The preference merge takes no value: send Prefer: merge."))
            return True
    return False


def merge_base(request):
    """The version a merge was edited from: the one strong entity tag of its If-Match.
    PreconditionRequired (428) without If-Match or with `*`; ParseError (400) when it
    names no single version."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        raise PreconditionRequired(
            _(
                "Prefer: merge merges your change with those saved since the version you "
                'edited: name that version in If-Match (the ETag you read, e.g. "7").'
            )
        )
    tags = ENTITY_TAG.findall(header)
    if len(tags) != 1 or tags[0][0] or not tags[0][1].isdecimal():
        raise ParseError(
            _('With Prefer: merge, If-Match names one version, the ETag you read (e.g. "7").')
        )
    return int(tags[0][1])


def merge_body(request, merging):
    """(the request body without its `resolve` member, the choices that member makes as
    {field: choice}, or None). `resolve` is a list of {"field", "choice"} (field names
    have dots, which the API refuses in object keys: quizzes.api.parsers), a choice
    being "yours", "theirs" or "base". ValidationError (400) for a `resolve` without a
    merge, or of another shape, or choosing twice for a field. Choices of fields that
    are not in conflict are left unused."""
    data = request.data
    if not isinstance(data, dict) or RESOLVE not in data:
        return data, None
    if not merging:
        raise ValidationError({RESOLVE: [_("Only with Prefer: merge.")]})
    rows = data[RESOLVE]
    choices = {}
    for row in rows if isinstance(rows, list) else [None]:
        if not (
            isinstance(row, dict)
            and row.keys() == {"field", "choice"}
            and isinstance(row["field"], str)
            and row["field"] not in choices
            and row["choice"] in merge.CHOICES
        ):
            raise ValidationError(
                {
                    RESOLVE: [
                        _(
                            'Expected a list of {"field": a conflict\'s field, "choice": '
                            '"yours", "theirs" or "base"}, one per field.'
                        )
                    ]
                }
            )
        choices[row["field"]] = row["choice"]
    return {name: value for name, value in data.items() if name != RESOLVE}, choices


@contextlib.contextmanager
def merge_conflicts(base_version):
    """Within, an operation's MergeConflict is a MergeConflictError (409)."""
    try:
        yield
    except operations.MergeConflict as conflict:
        raise MergeConflictError(conflict, base_version) from None


def merge_report(outcome, base_version, choices):
    """The `merge` member of a merged write's answer (None when nothing was merged: the
    base was current, or no content changed): the base version, the fields kept from
    others' changes (`theirs`) and those of the client's change applied (`yours`), the
    choices that resolved conflicts, and the sentence that says so (merge.summary)."""
    merged = outcome and outcome.merged
    if merged is None:
        return None
    return {
        "base_version": base_version,
        "theirs": merged.theirs,
        "yours": merged.yours,
        "resolved": [{"field": c.field, "choice": choices[c.field]} for c in merged.conflicts],
        "authors": outcome.authors,
        "message": outcome.message(),
    }


def merged_response(response, outcome, base_version, choices):
    """`response` (the object as saved) with the `merge` member and Preference-Applied."""
    response.data[MERGE] = merge_report(outcome, base_version, choices)
    response["Preference-Applied"] = MERGE
    return response
