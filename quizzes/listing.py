"""Lists of quizzes, a page at a time along an index: a page costs the same for a
teacher with 50 quizzes as for one with 20,000, and 1,000 pages deep as on top.

A page is two queries. The first finds its quizzes' positions: `$match` (the
quizzes the user may see, the filters, the page's position), `$sort` on
(updated_at, _id), `$limit` page size + 1 (the one more tells whether there is
another page), `$project` of the sort keys, hinted to the index of `Quiz.Meta`
that starts with the match's equalities and goes on with -updated_at, -id, so
that MongoDB reads that many index keys and, but for a search or a tag, no
document. The second reads the page's quizzes by id.

Not QuerySet.order_by()[:n]: for that, django-mongodb-backend 5.2 puts an
`$addFields` (or `$project`) of the sort keys before `$sort`, so MongoDB sorts
every matching document instead of reading an index in order.

A page is reached by the position of an item next to it (`Position`: its
updated_at and id), never by skipping rows: a quiz saved meanwhile moves to
the top without shifting the pages handed out. `Position`s come back from
clients as text; `Position.parse` refuses any text it did not write.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from bson import ObjectId
from django.contrib.auth import get_user_model
from django.db import connection

from quizzes.models import Quiz

# A position as text: milliseconds since the epoch (what MongoDB keeps), then the id.
POSITION = re.compile(r"(\d{1,13})-([0-9a-f]{24})")
WORD = re.compile(r"\w+")
# The index of Quiz.Meta a list is read along, by the fields its match pins to a value;
# a search is read along the text index, where MongoDB must.
INDEXES = {
    (): "quiz_updated_id",
    ("owner_id",): "quiz_owner_updated_id",
    ("owner_id", "status"): "quiz_owner_status_updated",
    ("owner_id", "tags"): "quiz_owner_tags_updated",
    ("status",): "quiz_status_updated_id",
}


class InvalidPosition(ValueError):
    """A position that `Position` did not write."""


@dataclass(frozen=True)
class Position:
    """Where a quiz is in the lists: (updated_at, id), newest first."""

    updated_at: datetime
    id: ObjectId

    @classmethod
    def of(cls, document):
        """The position of a quiz's stored `document` (pymongo's naive UTC datetime)."""
        return cls(document["updated_at"].replace(tzinfo=UTC), document["_id"])

    @classmethod
    def parse(cls, text):
        """The position `str(position)` wrote as `text`; InvalidPosition for any other text."""
        found = POSITION.fullmatch(text or "")
        if found is None:
            raise InvalidPosition(text)
        milliseconds, id = found.groups()
        return cls(datetime.fromtimestamp(int(milliseconds) / 1000, UTC), ObjectId(id))

    def __str__(self):
        return f"{round(self.updated_at.timestamp() * 1000)}-{self.id}"

    def before(self):
        """MongoDB query: the quizzes listed before this position (newer)."""
        return self._beyond("$gt")

    def after(self):
        """MongoDB query: the quizzes listed after this position (older)."""
        return self._beyond("$lt")

    def _beyond(self, operator):
        return {
            "$or": [
                {"updated_at": {operator: self.updated_at}},
                {"updated_at": self.updated_at, "_id": {operator: self.id}},
            ]
        }


@dataclass
class Page:
    """Quizzes newest first; `older` and `newer`: the positions that reach the pages
    on either side (None where there is none)."""

    quizzes: list
    older: Position | None
    newer: Position | None


def page(match, size, older_than=None, newer_than=None):
    """The page of `size` quizzes matching `match` (a MongoDB query on equalities and
    at most a search) that comes right after the position `older_than`, or right
    before `newer_than`, else the first. Their `slots` are left unread.

    Going back to newer quizzes can reach the top early (quizzes saved
    meanwhile): the first page is read then, so that the page is full; and so
    when nothing is older any more (quizzes deleted or saved meanwhile)."""
    hint = INDEXES.get(tuple(sorted(match)))
    if newer_than is None:
        query = {**match, **older_than.after()} if older_than else match
        positions = _positions(query, size + 1, -1, hint)
        if older_than and not positions:
            return page(match, size)
        more = len(positions) > size
        positions = positions[:size]
        older = positions[-1] if more else None
        newer = positions[0] if older_than else None
    else:
        positions = _positions({**match, **newer_than.before()}, size + 1, 1, hint)
        if len(positions) <= size:
            return page(match, size)
        positions = positions[:size][::-1]
        older, newer = positions[-1], positions[0]
    found = Quiz.objects.defer("slots").order_by().in_bulk([position.id for position in positions])
    quizzes = [found[position.id] for position in positions if position.id in found]
    return Page(quizzes, older, newer)


def _positions(match, limit, direction, hint):
    pipeline = [
        {"$match": match},
        {"$sort": {"updated_at": direction, "_id": direction}},
        {"$limit": limit},
        {"$project": {"updated_at": 1}},
    ]
    options = {"hint": hint} if hint else {}
    collection = connection.get_collection(Quiz._meta.db_table)
    found = collection.aggregate(pipeline, session=connection.session, **options)
    return [Position.of(document) for document in found]


def search(text):
    """MongoDB query: the quizzes whose title, tags or description hold every word of
    `text` (whole words, case aside; index quiz_text). Text without a word finds none."""
    words = WORD.findall(text)
    if not words:
        return {"_id": {"$in": []}}
    return {"$text": {"$search": " ".join(f'"{word}"' for word in words)}}


def count(match, limit):
    """How many quizzes match `match`, counting no further than `limit`."""
    collection = connection.get_collection(Quiz._meta.db_table)
    return collection.count_documents(match, limit=limit, session=connection.session)


def with_owners(quizzes, user):
    """`quizzes`, each with its owner: `user` for theirs, the others' read in one query."""
    owners = get_user_model().objects.in_bulk({quiz.owner_id for quiz in quizzes} - {user.pk})
    owners[user.pk] = user
    for quiz in quizzes:
        quiz.owner = owners[quiz.owner_id]
    return quizzes
