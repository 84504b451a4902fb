"""Every change to a teacher's question bank, as one function each.

The bank is a tree of categories holding questions (quizzes.models). Views,
the API, the importers and the commands change it only through these
functions, so that its rules hold everywhere:

- content is checked by `quizzes.validation` before anything is written;
- creating a question writes version 1 (an import does not: its questions
  are one document each, and the first edit of one stores its version 1
  before the next); every edit writes the next immutable `QuestionVersion`
  and bumps `Question.version` with one conditional update, in the caller's
  transaction. Passing
  `expected_version` makes the change conditional: when the stored version
  differs, `VersionConflict` is raised and nothing is written;
- deleting a question takes it out of every quiz that uses it (its slots go
  with it), so a quiz never names a missing question.

These functions never commit on their own: requests get a transaction from
sessions_mw's middleware; commands open one explicitly.
"""

import contextlib
import functools
import gc
import operator
import re

from bson import ObjectId
from django.db import connection, models
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from quizzes import fields, revisions
from quizzes.access import bank_categories, bank_questions
from quizzes.media import content_media
from quizzes.models import Answer, Category, Hint, Question, QuestionVersion, Quiz
from quizzes.validation import clean_category, clean_question, parse_tags

# The stored content of a question, as quizzes.fields declares it.
QUESTION_FIELDS = ("type", *fields.QUESTION_FIELDS, *fields.QUESTION_EXTRAS)
ANSWER_FIELDS = tuple(fields.ANSWER_FIELDS)
HINT_FIELDS = tuple(fields.HINT_FIELDS)
CATEGORY_FIELDS = ("name", "description", "description_format", "idnumber")


class VersionConflict(Exception):
    """The object changed since the client read it; `current` is its version now."""

    def __init__(self, current):
        super().__init__(f"the stored version is {current}")
        self.current = current


class CategoryError(ValueError):
    """A category change that the tree cannot take (a cycle, a non-empty delete...)."""


def conditional_bump(model, obj, expected_version=None, **changes):
    """Increment `obj.version` with `changes` applied at once (F expressions allowed).

    One round trip; raises VersionConflict when `expected_version` is stale.
    """
    matching = model.objects.filter(pk=obj.pk)
    if expected_version is not None:
        matching = matching.filter(version=expected_version)
    updated = matching.update(version=F("version") + 1, updated_at=timezone.now(), **changes)
    if not updated:
        current = model.objects.filter(pk=obj.pk).values_list("version", flat=True).first()
        raise VersionConflict(current)
    obj.version = model.objects.filter(pk=obj.pk).values_list("version", flat=True).get()
    return obj


# -- conversions between models and plain data --------------------------------
def question_data(question):
    """The plain data of a question's current content (see quizzes.validation), each
    answer with its `uid`."""
    data = {field: getattr(question, field) for field in QUESTION_FIELDS}
    data["tags"] = list(question.tags)
    data["answers"] = [
        {"uid": answer.uid, **{field: getattr(answer, field) for field in ANSWER_FIELDS}}
        for answer in question.answers
    ]
    data["hints"] = [
        {field: getattr(hint, field) for field in HINT_FIELDS} for hint in question.hints
    ]
    return data


def apply_question(question, data):
    """Set a Question's content, and the media it references, from cleaned plain data;
    returns the question."""
    for field in QUESTION_FIELDS:
        setattr(question, field, data[field])
    question.media = content_media(data)
    question.tags = list(data.get("tags", ()))
    question.answers = [
        Answer(uid=uid, **{f: a[f] for f in ANSWER_FIELDS})
        for a, uid in zip(data["answers"], answer_uids(data["answers"]), strict=True)
    ]
    question.hints = [Hint(**{f: h[f] for f in HINT_FIELDS}) for h in data.get("hints", ())]
    return question


# The uids of answers numbered by their place (see answer_uids).
NUMBERED = tuple(str(number) for number in range(1, fields.ANSWERS_MAX + 1))


def answer_uids(answers):
    """The uid of each of cleaned `answers` as stored: its own, else a new one. Answers
    of which none has one (a new or imported question, or answers all replaced by a
    client that sends none) are numbered by their place, "1", "2"...: before uids, an
    answer's place was its identity, and numbers cost an import nothing. Others (an
    edit adding answers) get an ObjectId's hex, which no answer of the question has."""
    given = [answer.get("uid") for answer in answers]
    if not any(given):
        return NUMBERED[: len(given)]
    return [uid or str(ObjectId()) for uid in given]


def exported(data):
    """Plain question data as files hold it: without its answers' uids, which identify
    them in this database only (an import gives them new ones)."""
    answers = [{k: v for k, v in answer.items() if k != "uid"} for answer in data["answers"]]
    return {**data, "answers": answers}


def question_counts(categories):
    """{category id: how many questions it holds itself} of `categories` (those holding
    none are left out): one count aggregate, which reads the questions' index keys."""
    return dict(
        Question.objects.filter(category__in=[category.pk for category in categories])
        .order_by()
        .values_list("category")
        .annotate(n=Count("id"))
        .values_list("category", "n")
    )


def category_tree(owner, counted=True):
    """[(category, depth, question count)] of the owner's bank, in tree order.

    Two queries whatever the size of the bank: the categories, and one count
    aggregate over the questions (which reads every question's index key: not
    `counted`, the counts are None and not read).
    """
    categories = list(bank_categories(owner))
    counts = question_counts(categories) if counted else {}
    children = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category)
    rows = []

    def walk(parent, depth):
        for category in children.get(parent, ()):
            rows.append((category, depth, counts.get(category.pk, 0) if counted else None))
            walk(category.pk, depth + 1)

    walk(None, 0)
    return rows


def subtree_ids(category):
    """The ids of `category` and of every category under it."""
    ids, frontier = [category.pk], [category.pk]
    while frontier:
        frontier = list(Category.objects.filter(parent__in=frontier).values_list("pk", flat=True))
        ids.extend(frontier)
    return ids


def category_path(category):
    """The names from the bank's root down to `category` (Moodle's path under "top")."""
    names = []
    while category is not None:
        names.append(category.name)
        category = category.parent
    return tuple(reversed(names))


def category_infos(owner):
    """{category id: (path of names, {description, description_format, idnumber})} of
    all the owner's categories (one query)."""
    rows = {
        row["pk"]: row
        for row in Category.objects.filter(owner=owner).values("pk", "parent", *CATEGORY_FIELDS)
    }
    paths = {}

    def path(pk):
        if pk not in paths:
            row = rows[pk]
            parent = row["parent"]
            paths[pk] = (*path(parent), row["name"]) if parent in rows else (row["name"],)
        return paths[pk]

    return {
        pk: (path(pk), {field: row[field] for field in CATEGORY_FIELDS if field != "name"})
        for pk, row in rows.items()
    }


def with_categories(questions):
    """The plain data of `questions` as exported (`exported`), each with its `category`
    path, and the {path: info} of their categories and of those above them (for Moodle
    formats)."""
    infos = {}
    data = []
    categories = {}
    for question in questions:
        if question.owner_id not in infos:
            infos[question.owner_id] = category_infos(question.owner_id)
        path, _info = infos[question.owner_id].get(question.category_id, ((), {}))
        data.append({**exported(question_data(question)), "category": path})
        categories.update(
            (known_path, info)
            for known_path, info in infos[question.owner_id].values()
            if known_path == path[: len(known_path)]
        )
    return data, dict(sorted(categories.items()))


def create_category(owner, data, parent=None):
    """A new category (last among its siblings) from plain data; returns it."""
    cleaned = clean_category(data)
    siblings = Category.objects.filter(owner=owner, parent=parent)
    return Category.objects.create(owner=owner, parent=parent, position=siblings.count(), **cleaned)


def staged_category(owner, data, parent, staging):
    """A new category of the staged import `staging` (quizzes.formats.store) from plain
    data: not saved, but with its id, so that the import numbers a batch's new
    categories among their siblings and inserts them with one command."""
    return Category(
        pk=ObjectId(), owner=owner, parent=parent, staging=staging, **clean_category(data)
    )


def update_category(category, data, expected_version=None):
    """Rename or re-describe a category."""
    current = {field: getattr(category, field) for field in CATEGORY_FIELDS}
    cleaned = clean_category({**current, **data})
    conditional_bump(Category, category, expected_version, **cleaned)
    for field, value in cleaned.items():
        setattr(category, field, value)
    return category


def move_category(category, parent, expected_version=None):
    """Put `category` (with everything under it) under `parent` (None: the root)."""
    if parent is not None and parent.pk in subtree_ids(category):
        raise CategoryError(_("A category cannot go inside itself or one of its subcategories."))
    position = Category.objects.filter(owner=category.owner, parent=parent).count()
    conditional_bump(Category, category, expected_version, parent=parent, position=position)
    category.parent = parent
    return category


def delete_category(category, with_content=False, expected_version=None):
    """Delete a category; one that holds questions or subcategories only `with_content`.

    With its content, its subcategories and their questions go too, and the
    quizzes that used them lose those slots.
    """
    if expected_version is not None and expected_version != category.version:
        raise VersionConflict(category.version)
    ids = subtree_ids(category)
    questions = Question.objects.filter(category__in=ids)
    if not with_content and (len(ids) > 1 or questions.exists()):
        raise CategoryError(
            _("This category is not empty: delete its questions and subcategories too?")
        )
    question_ids = list(questions.values_list("pk", flat=True))
    remove_slots_using(question_ids, ids)
    erase_questions(question_ids)
    Category.objects.filter(pk__in=ids).delete()


def deletion_impact(category):
    """What deleting `category` with its content takes away, for the page asking to
    confirm it: {"questions": n, "subcategories": n, "quizzes": [Quiz]}, the quizzes
    being those that would lose a slot (a fixed question or a random draw from it)."""
    ids = subtree_ids(category)
    question_ids = list(Question.objects.filter(category__in=ids).values_list("pk", flat=True))
    quizzes = quizzes_using(question_ids, ids)
    return {
        "questions": len(question_ids),
        "subcategories": len(ids) - 1,
        "quizzes": sorted(quizzes, key=lambda quiz: quiz.title.lower()),
    }


def ensure_path(owner, path, under=None, infos=None, staging=None, made=None):
    """The category at `path` (names) below `under` (None: the root), created as needed.

    `infos` maps a path to its description/idnumber for the categories
    created; `made` ({path: Category}) caches lookups across calls. With a
    `staging` run, `made` must hold every category of the run but `under`
    (the run makes them all): what it lacks is made without a lookup, and not
    saved (`staged_category`): the caller inserts them.
    """
    made = {} if made is None else made
    parent = under
    for depth in range(1, len(path) + 1):
        key = tuple(path[:depth])
        if key not in made:
            data = {"name": key[-1][: fields.CATEGORY_NAME_MAX], **(infos or {}).get(key, {})}
            if staging is None:
                found = Category.objects.filter(
                    owner=owner, parent=parent, name=data["name"], staging=None
                ).first()
                made[key] = found or create_category(owner, data, parent)
            else:
                made[key] = staged_category(owner, data, parent, staging)
        parent = made[key]
    return parent


def default_category(owner, name):
    """The owner's top-level category called `name`, created when missing."""
    return ensure_path(owner, (name,))


# -- questions ----------------------------------------------------------------
def new_version(question, author):
    return QuestionVersion(
        question=question,
        number=question.version,
        author=author,
        data=question_data(question),
        media=question.media,
    )


def create_question(owner, category, data, author=None):
    """A new bank question in `category` with its version 1; returns it."""
    question = apply_question(Question(owner=owner, category=category), clean_question(data))
    question.save()
    new_version(question, author).save()
    return question


def create_questions(owner, categories, questions, author=None):
    """Bulk-create cleaned questions: `categories[i]` is the category of `questions[i]`.

    Two inserts (the questions, then their versions) whatever their number.
    The data must already be cleaned (parsers return cleaned data).
    """
    now = timezone.now()
    built = [
        apply_question(
            Question(owner=owner, category=category, created_at=now, updated_at=now), data
        )
        for category, data in zip(categories, questions, strict=True)
    ]
    if not built:
        return []
    Question.objects.bulk_create(built)
    QuestionVersion.objects.bulk_create(new_version(question, author) for question in built)
    return built


# -- bulk inserts for imports ----------------------------------------------------
def _converter(field):
    """The type the backend gives a plain value of `field` before storing it (None: as is)."""
    if isinstance(field, models.FloatField):
        return float
    if isinstance(field, models.IntegerField):
        return int
    if isinstance(field, models.BooleanField):
        return bool
    return None


def _shape(model, names):
    """How rows of plain data with the fields `names` of `model` are stored, from its _meta:
    (columns, a getter of their values, [(index, type)] converted)."""
    fields = [model._meta.get_field(name) for name in names]
    columns = tuple(field.column for field in fields)
    converted = tuple(
        (index, _converter(field)) for index, field in enumerate(fields) if _converter(field)
    )
    return columns, operator.itemgetter(*names), converted


@functools.cache
def _question_shape():
    """How Question documents are made of plain data: the model's own fields and columns."""
    return (
        _shape(Question, QUESTION_FIELDS),
        _shape(Answer, ANSWER_FIELDS),
        _shape(Hint, HINT_FIELDS),
        {
            name: Question._meta.get_field(name).column
            for name in (
                "owner",
                "category",
                "version",
                "first_version_stored",
                "media",
                "created_at",
                "updated_at",
            )
        },
    )


def _row(shape, data):
    """{column: value} as the backend stores one row of cleaned data."""
    columns, values_of, converted = shape
    values = values_of(data)
    stored = None
    for index, convert in converted:
        value = values[index]
        if value is not None and type(value) is not convert:
            stored = list(values) if stored is None else stored
            stored[index] = convert(value)
    return dict(zip(columns, values if stored is None else stored, strict=True))


def question_documents(owner_id, category_ids, questions, now):
    """[Question document] of cleaned questions, as `create_questions` stores them but
    with their version 1 not stored (`first_version`); `category_ids[i]` is the
    category of `questions[i]`.

    The shape comes from the models' _meta (fields, columns, value types); a
    test keeps it equal to what the ORM stores.
    """
    with without_cyclic_gc():
        return _documents(owner_id, category_ids, questions, now)


@contextlib.contextmanager
def without_cyclic_gc():
    """No cyclic garbage collection within (it is turned back on after, unless it was off
    already). For imports: they make many new dicts and lists and no cycle, which the
    collector would only scan again and again (a fifth of the time of building
    documents, a tenth of parsing); what is not a cycle is freed as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _documents(owner_id, category_ids, questions, now):
    question_shape, answer_shape, hint_shape, meta = _question_shape()
    documents = []
    for category_id, data in zip(category_ids, questions, strict=True):
        document = {
            "_id": ObjectId(),
            meta["owner"]: owner_id,
            meta["category"]: category_id,
            meta["version"]: 1,
            meta["first_version_stored"]: False,
            meta["media"]: content_media(data),
            meta["created_at"]: now,
            meta["updated_at"]: now,
            "tags": list(data.get("tags", ())),
            "answers": answer_rows(answer_shape, data["answers"]),
            "hints": [_row(hint_shape, hint) for hint in data.get("hints", ())],
        }
        document.update(_row(question_shape, data))
        documents.append(document)
    return documents


def answer_rows(answer_shape, answers):
    rows = [_row(answer_shape, answer) for answer in answers]
    for row, uid in zip(rows, answer_uids(answers), strict=True):
        row["uid"] = uid
    return rows


def insert_questions(owner, category_ids, questions):
    """Bulk-insert cleaned questions (as `create_questions`, without building models, and
    without storing their version 1: `first_version`): one insert_many, in the caller's
    transaction. Returns the new question ids in order."""
    return insert_prepared(prepare_questions(owner, questions), category_ids)


def prepare_questions(owner, questions):
    """The documents `insert_questions` stores for cleaned `questions`, built before their
    categories are known, so that a caller can build them ahead, outside its
    transaction (an import builds the next batch's while the database stores the
    last); for `insert_prepared`."""
    return question_documents(owner.pk, [None] * len(questions), questions, timezone.now())


def insert_prepared(documents, category_ids):
    """Insert `prepare_questions`'s documents, `category_ids[i]` the category of the i-th,
    in the caller's transaction; returns the question ids in order. The documents can
    be inserted again when a transaction is retried (they keep their ids)."""
    if not documents:
        return []
    column = _question_shape()[3]["category"]
    for document, category_id in zip(documents, category_ids, strict=True):
        document[column] = category_id
    connection.get_collection(Question._meta.db_table).insert_many(
        documents, session=connection.session
    )
    return [document["_id"] for document in documents]


def update_question(question, data, author=None, expected_version=None):
    """Save an edit of `question` as its next version; returns the question. The first
    edit of an imported question stores its version 1 too, in the same insert."""
    unstored = [] if question.first_version_stored else [first_version(question)]
    cleaned = clean_question({**question_data(question), **data})
    apply_question(question, cleaned)
    content = {field: getattr(question, field) for field in (*QUESTION_FIELDS, "tags")}
    conditional_bump(
        Question,
        question,
        expected_version,
        answers=question.answers,
        hints=question.hints,
        media=question.media,
        first_version_stored=True,
        **content,
    )
    question.first_version_stored = True
    QuestionVersion.objects.bulk_create([*unstored, new_version(question, author)])
    return question


def first_version(question):
    """Version 1 of a question whose version 1 is not stored (imported, not edited
    since): the question itself, by its owner, as created; not saved."""
    return QuestionVersion(
        question=question,
        number=1,
        author_id=question.owner_id,
        data=question_data(question),
        media=question.media,
        created_at=question.created_at,
    )


def versions(question, numbers=None):
    """The question's versions (those numbered `numbers` when given), newest first,
    their authors read with them; with the unstored version 1 of an imported question
    not edited since (`first_version`)."""
    if not question.first_version_stored:
        return [first_version(question)] if numbers is None or 1 in numbers else []
    found = QuestionVersion.objects.filter(question=question).select_related("author")
    if numbers is not None:
        found = found.filter(number__in=list(numbers))
    return list(found)


def version(question, number):
    """Version `number` of `question` (a QuestionVersion, maybe unsaved), or None."""
    found = versions(question, [number])
    return found[0] if found else None


def version_data(question, number):
    """The plain data of version `number` of `question`, or None when it has none."""
    found = version(question, number)
    return None if found is None else found.data


def restore_version(question, number, author=None, expected_version=None):
    """Make version `number`'s content current again, as a new version."""
    data = version_data(question, number)
    if data is None:
        raise QuestionVersion.DoesNotExist(number)
    return update_question(question, data, author, expected_version)


def owned(owner, ids):
    """The owner's visible questions among `ids` (invalid ids are left out)."""
    ids = [ObjectId(pk) for pk in ids if ObjectId.is_valid(str(pk))]
    return bank_questions(owner).filter(pk__in=ids)


def question_match(owner, category=None, subcategories=False, text="", tag="", qtype=""):
    """MongoDB query: the owner's questions narrowed by what is given, for a page read
    along an index (quizzes.listing.QUESTIONS): those of `category` (one of the owner's
    bank categories; with `subcategories`, also those of the categories under it), else
    all the owner's, a staged import's left out; whose name, text or ID number contains
    `text` (letter case ignored); tagged `tag`; of type `qtype`."""
    staged = set(
        Category.objects.filter(owner=owner, staging__isnull=False).values_list("pk", flat=True)
    )
    if category is None:
        match = {"owner_id": owner.pk}
        if staged:
            match["category_id"] = {"$nin": list(staged)}
    else:
        ids = subtree_ids(category) if subcategories else [category.pk]
        match = {"category_id": {"$in": [pk for pk in ids if pk not in staged]}}
    if text:
        contains = {"$regex": re.escape(text), "$options": "i"}
        match["$or"] = [{"name": contains}, {"text": contains}, {"idnumber": contains}]
    if tag:
        match["tags"] = tag
    if qtype:
        match["type"] = qtype
    return match


def move_questions(owner, ids, category):
    """Put the owner's questions `ids` into `category`; returns how many moved."""
    # The ids first: the backend cannot update through owned()'s category subquery.
    pks = list(owned(owner, ids).values_list("pk", flat=True))
    return Question.objects.filter(pk__in=pks).update(category=category, updated_at=timezone.now())


def tag_questions(owner, ids, tags):
    """Add `tags` to the owner's questions `ids` (a tag is added once).

    The tags are checked as a question's are; ValidationError({"tags": ...})
    when one of the questions would end with more than fields.TAGS_MAX tags
    (its next edit would be refused), and nothing is written.
    """
    errors = fields.Errors()
    tags = errors.parse("tags", parse_tags, tags)
    errors.raise_if_any()
    questions = list(owned(owner, ids).values_list("pk", "name", "tags"))
    crowded = [name for _pk, name, current in questions if len({*current, *tags}) > fields.TAGS_MAX]
    if crowded:
        errors.add(
            "tags",
            fields.error(
                _("These questions would have more than %(limit)s tags: %(names)s."),
                "too_many",
                limit=fields.TAGS_MAX,
                names=", ".join(crowded[:5]),
            ),
        )
        errors.raise_if_any()
    collection = connection.get_collection(Question._meta.db_table)
    result = collection.update_many(
        {"_id": {"$in": [pk for pk, _name, _tags in questions]}},
        {"$addToSet": {"tags": {"$each": list(tags)}}, "$set": {"updated_at": timezone.now()}},
        session=connection.session,
    )
    return result.modified_count


def delete_questions(owner, ids):
    """Delete the owner's questions `ids` with their versions; their slots leave quizzes."""
    ids = list(owned(owner, ids).values_list("pk", flat=True)) if ids else []
    if not ids:
        return 0
    remove_slots_using(ids)
    erase_questions(ids)
    return len(ids)


def erase_questions(ids):
    """Delete the questions `ids` and their versions (their slots must be gone)."""
    QuestionVersion.objects.filter(question__in=ids).delete()
    Question.objects.filter(pk__in=ids).delete()


# -- slots: how quizzes use the bank -----------------------------------------------
def slot_count(slots):
    """How many questions a learner gets from `slots` (a random slot gives `count`)."""
    return sum(slot.count or 0 if slot.question is None else 1 for slot in slots)


def save_slots(quiz, slots, expected_version=None, author=None):
    """Store `slots` as the quiz's slots: one update of one document, version bumped,
    the change recorded as a revision by `author` (quizzes.revisions)."""
    before = revisions.snapshot(quiz)
    conditional_bump(Quiz, quiz, expected_version, slots=slots, question_count=slot_count(slots))
    quiz.slots = slots
    quiz.question_count = slot_count(slots)
    revisions.record(quiz, before, revisions.Action.SLOTS, author)
    return quiz


def quizzes_using(question_ids=(), category_ids=()):
    """The quizzes with a fixed slot of one of `question_ids`, or a random slot
    drawing from one of `category_ids`."""
    wanted = [
        {f"slots.{key}": {"$in": list(ids)}}
        for key, ids in (("question", question_ids), ("category", category_ids))
        if ids
    ]
    if not wanted:
        return Quiz.objects.none()
    collection = connection.get_collection(Quiz._meta.db_table)
    found = collection.find({"$or": wanted}, {"_id": 1}, session=connection.session)
    return Quiz.objects.filter(pk__in=[document["_id"] for document in found])


def remove_slots_using(question_ids=(), category_ids=()):
    """Take out of every quiz the slots of `question_ids` and the random slots
    drawing from `category_ids`: one update per quiz, one version bump."""
    questions, categories = set(question_ids), set(category_ids)
    for quiz in quizzes_using(questions, categories):
        kept = [
            slot
            for slot in quiz.slots
            if slot.question not in questions and slot.category not in categories
        ]
        save_slots(quiz, kept)
