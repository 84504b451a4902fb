"""Optimistic concurrency over HTTP: a quiz's `version` as its ETag, checked by If-Match.

Every quiz response, and every response about one of its questions, carries
`ETag: "<quiz version>"` (a strong validator). A write sent with that value
in `If-Match` succeeds only if nobody changed the quiz since: otherwise 412
with the current version. Without If-Match (or with `If-Match: *`) the write
is unconditional: the last writer wins.
"""

import re

from quizzes.api.exceptions import PreconditionFailed

ENTITY_TAG = re.compile(r'(W/)?"([^"]*)"')


def etag(quiz):
    return f'"{quiz.version}"'


def expected_version(request, quiz):
    """The version a write must find, for quizzes.operations' `expected_version`.

    None when the request has no If-Match or `If-Match: *`. Raises
    PreconditionFailed when no strong entity tag of If-Match is the quiz's
    version as read (weak tags never match, RFC 9110 §13.1.1). The operation
    then checks the version again as it writes, so a change made in between
    also ends in 412.
    """
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    strong = {value for weak, value in ENTITY_TAG.findall(header) if not weak}
    if str(quiz.version) not in strong:
        raise PreconditionFailed(quiz.version)
    return quiz.version
