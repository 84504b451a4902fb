"""Optimistic concurrency over HTTP: an object's `version` as its ETag, checked by If-Match.

Quizzes, bank categories and bank questions each have a version that every
change bumps. Every response about one of them carries `ETag: "<version>"`
(a strong validator); responses about a quiz's questions or slots carry the
quiz's. A write sent with that value in `If-Match` succeeds only if nobody
changed the object since: otherwise 412 with the current version. Without
If-Match (or with `If-Match: *`) the write is unconditional: the last writer
wins. An empty If-Match is a mistake of the client's, a 400: it names no
version, yet asks for a condition.
"""

import re

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError

from quizzes.api.exceptions import PreconditionFailed

ENTITY_TAG = re.compile(r'(W/)?"([^"]*)"')


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
