"""Lists, newest (or highest) first, a page at a time along an index: a page costs the
same for a teacher with 50 quizzes (or questions) as for one with 20,000, and 1,000
pages deep as on top. A `Listing` says what is listed: the model, its sort key (a
timestamp, or a number), the indexes of its Meta a list is read along.

A page is two queries. The first finds its items' positions: `$match` (the
items the user may see, the filters, the page's position), `$sort` on
(key, _id), `$limit` page size + 1 (the one more tells whether there is
another page), `$project` of the sort keys, hinted to the listing's index that
starts with the most of the match's equalities and goes on with -key, -id,
so that MongoDB reads that many index keys and, but for a search or a filter
the index does not hold, no document. The second reads the page's items by id.

Not QuerySet.order_by()[:n]: for that, django-mongodb-backend 5.2 puts an
`$addFields` (or `$project`) of the sort keys before `$sort`, so MongoDB sorts
every matching document instead of reading an index in order.

A listing's key may be null (an attempt in progress is not submitted yet):
MongoDB sorts null before every date or number, so those items come last, by id.

A page is reached by the position of an item next to it (`Position`: its
key, or None, and id), never by skipping rows: a quiz saved meanwhile moves to
the top without shifting the pages handed out. `Position`s come back from
clients as text; `Listing.parse` refuses any text that is not a position of its
kind `Position` wrote.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from bson import ObjectId
from django.contrib.auth import get_user_model
from django.db import connection

from quizzes.models import Attempt, Question, Quiz, Release

# A position as text: its key, then the id. A timestamp's key: milliseconds since the
# epoch (what MongoDB keeps); a number's: its repr (which reads back as the same
# float); no key: "null".
POSITION = re.compile(r"(\d{1,13}|null)-([0-9a-f]{24})")
NUMBER_POSITION = re.compile(r"(-?\d+\.\d+(?:e[+-]\d+)?|-?\d+e[+-]\d+|null)-([0-9a-f]{24})")
WORD = re.compile(r"\w+")
POSITIONS = ("older", "newer")  # a page's query parameters: `positions`


@dataclass(frozen=True)
class Listing:
    """What a list lists: `model`'s documents, highest `key` first (a timestamp: the
    newest; `numeric`: a number), read along the index of `indexes` ({fields: index
    name}) with the most of the fields the match pins to a value or to a few ($in) (a
    search: the text index, where MongoDB must), the `deferred` fields left unread;
    `nullable`: whether the key may be null; `shard_key`: the fields of the match the
    read of a page's items by id names too."""

    model: type
    key: str
    indexes: dict
    deferred: tuple = ()
    nullable: bool = False
    shard_key: tuple = ()
    numeric: bool = False

    def parse(self, text):
        """The position `str(position)` wrote as `text` for an item of this listing;
        InvalidPosition for any other text."""
        found = (NUMBER_POSITION if self.numeric else POSITION).fullmatch(text or "")
        if found is None:
            raise InvalidPosition(text)
        key, id = found.groups()
        if key == "null":
            return Position(None, ObjectId(id))
        if self.numeric:
            return Position(float(key), ObjectId(id))
        return Position(datetime.fromtimestamp(int(key) / 1000, UTC), ObjectId(id))

    def before(self, position):
        """MongoDB query: the items listed before `position` (newer, higher): past a
        null key, every item with one too."""
        beyond = [{self.key: position.key, "_id": {"$gt": position.id}}]
        if position.key is None:
            kind = "number" if self.numeric else "date"
            return {"$or": [{self.key: {"$type": kind}}, *beyond]}
        return {"$or": [{self.key: {"$gt": position.key}}, *beyond]}

    def after(self, position):
        """MongoDB query: the items listed after `position` (older, lower): short of a
        null key, the items without one too if the key is `nullable`."""
        beyond = [{self.key: position.key, "_id": {"$lt": position.id}}]
        if position.key is None:
            return {"$or": beyond}
        nulls = [{self.key: None}] if self.nullable else []
        return {"$or": [{self.key: {"$lt": position.key}}, *beyond, *nulls]}

    def hint(self, match):
        """The index a list matching `match` is read along; None for a text search."""
        if "$text" in match:
            return None
        pinned = {
            field
            for field, value in match.items()
            if not field.startswith("$") and (not isinstance(value, dict) or set(value) == {"$in"})
        }
        fitting = [fields for fields in self.indexes if set(fields) <= pinned]
        return self.indexes[max(fitting, key=len)] if fitting else None


QUIZZES = Listing(
    Quiz,
    "updated_at",
    {
        (): "quiz_updated_id",
        ("owner_id",): "quiz_owner_updated_id",
        ("owner_id", "status"): "quiz_owner_status_updated",
        ("owner_id", "tags"): "quiz_owner_tags_updated",
        ("status",): "quiz_status_updated_id",
    },
    deferred=("slots",),
)
RELEASES = Listing(
    Release,
    "published_at",
    {("live",): "release_live_published_id"},
    deferred=("slots", "versions", "learner", "key", "media"),
)
QUESTIONS = Listing(
    Question,
    "updated_at",
    {
        ("owner_id",): "question_owner_updated_id",
        ("category_id",): "question_category_updated_id",
        ("owner_id", "tags"): "question_owner_tags_updated",
        ("category_id", "tags"): "question_category_tags_updated",
        ("owner_id", "type"): "question_owner_type_updated",
        ("category_id", "type"): "question_category_type_updated",
    },
)
ATTEMPTS = Listing(
    Attempt,
    "submitted_at",
    {
        ("quiz_id",): "attempt_quiz_submitted_id",
        ("quiz_id", "state"): "attempt_quiz_state_submitted",
    },
    nullable=True,
    shard_key=("quiz_id",),
)
# An attempt in progress has 0 %: it is listed among the attempts submitted with 0 %.
ATTEMPTS_BY_PERCENT = Listing(
    Attempt,
    "percent",
    {("quiz_id",): "attempt_quiz_percent_id"},
    shard_key=("quiz_id",),
    numeric=True,
)


class InvalidPosition(ValueError):
    """A position that `Position` did not write."""


@dataclass(frozen=True)
class Position:
    """Where an item is in its list: (its key, None for none, id), highest first."""

    key: datetime | float | None
    id: ObjectId

    @classmethod
    def of(cls, document, key):
        """The position of an item's stored `document` by its `key` field (a date:
        pymongo's naive UTC datetime; a number; or null)."""
        value = document.get(key)
        if isinstance(value, datetime):
            value = value.replace(tzinfo=UTC)
        elif value is not None:
            value = float(value)
        return cls(value, document["_id"])

    def __str__(self):
        if self.key is None:
            return f"null-{self.id}"
        if isinstance(self.key, datetime):
            return f"{round(self.key.timestamp() * 1000)}-{self.id}"
        return f"{float(self.key)!r}-{self.id}"


@dataclass
class Page:
    """Items newest first; `older` and `newer`: the positions that reach the pages
    on either side (None where there is none)."""

    items: list
    older: Position | None
    newer: Position | None


def page(match, size, older_than=None, newer_than=None, listing=QUIZZES):
    """The page of `size` items of `listing` matching `match` (a MongoDB query on
    equalities, at most a search, and filters) that comes right after the position
    `older_than`, or right before `newer_than`, else the first; model instances, the
    listing's deferred fields left unread.

    Going back to newer items can reach the top early (items saved meanwhile): the
    first page is read then, so that the page is full; and so when nothing is older
    any more (items deleted or saved meanwhile)."""
    if newer_than is None:
        query = match
        if older_than:
            query = {**match, **listing.after(older_than)}
        positions = _positions(listing, query, size + 1, -1)
        if older_than and not positions:
            return page(match, size, listing=listing)
        more = len(positions) > size
        positions = positions[:size]
        older = positions[-1] if more else None
        newer = positions[0] if older_than else None
    else:
        query = {**match, **listing.before(newer_than)}
        positions = _positions(listing, query, size + 1, 1)
        if len(positions) <= size:
            return page(match, size, listing=listing)
        positions = positions[:size][::-1]
        older, newer = positions[-1], positions[0]
    shard = {field: match[field] for field in listing.shard_key}
    items = listing.model.objects.filter(**shard).defer(*listing.deferred).order_by()
    found = items.in_bulk([position.id for position in positions])
    return Page([found[p.id] for p in positions if p.id in found], older, newer)


def _positions(listing, match, limit, direction):
    key = listing.key
    pipeline = [
        {"$match": match},
        {"$sort": {key: direction, "_id": direction}},
        {"$limit": limit},
        {"$project": {key: 1}},
    ]
    hint = listing.hint(match)
    options = {"hint": hint} if hint else {}
    collection = connection.get_collection(listing.model._meta.db_table)
    found = collection.aggregate(pipeline, session=connection.session, **options)
    return [Position.of(document, key) for document in found]


def search(text):
    """MongoDB query: the quizzes whose title, tags or description hold every word of
    `text` (whole words, case aside; index quiz_text). Text without a word finds none."""
    words = WORD.findall(text)
    if not words:
        return {"_id": {"$in": []}}
    return {"$text": {"$search": " ".join(f'"{word}"' for word in words)}}


def count(match, limit, listing=QUIZZES):
    """How many items of `listing` match `match`, counting no further than `limit`."""
    collection = connection.get_collection(listing.model._meta.db_table)
    return collection.count_documents(match, limit=limit, session=connection.session)


def positions(parameters, listing=QUIZZES):
    """`page`'s older_than or newer_than in `listing` as a page's query `parameters`
    (`?older=`, `?newer=`: POSITIONS) give it; none if the position is not one of
    `listing`'s `Position` wrote (an old `?page=` link, a mangled URL: the first page)."""
    for name in POSITIONS:
        if name in parameters:
            try:
                return {f"{name}_than": listing.parse(parameters[name])}
            except InvalidPosition:
                return {}
    return {}


def without_position(parameters):
    """A copy of a page's query `parameters` (a QueryDict) without its position."""
    others = parameters.copy()
    for name in (*POSITIONS, "page"):
        others.pop(name, None)
    return others


def other_parameters(parameters):
    """A page's query `parameters` but its position, url-encoded: what the links to
    the pages on either side carry on."""
    return without_position(parameters).urlencode()


def with_owners(quizzes, user):
    """`quizzes`, each with its owner: `user` for theirs, the others' read in one query."""
    owners = get_user_model().objects.in_bulk({quiz.owner_id for quiz in quizzes} - {user.pk})
    owners[user.pk] = user
    for quiz in quizzes:
        quiz.owner = owners[quiz.owner_id]
    return quizzes
