"""Every change to quizzes, their slots and attempts, as one function each.

Views, the API, the importers and the commands change quizzes only through
these functions (and the bank through `quizzes.bank`), so that the rules
hold everywhere:

- content is checked by `quizzes.validation` before anything is written;
- every change of a quiz's settings or slots bumps `Quiz.version` (and
  `updated_at`) exactly once; passing `expected_version` makes the change
  conditional: when the stored version differs, `VersionConflict` is raised
  and nothing is written;
- every change of a quiz is recorded as a revision (quizzes.revisions) with its
  `author` (the user who made it; None for a command), in its transaction;
- a quiz's questions are bank questions named by its slots (embedded in the
  quiz document): reordering, adding and removing write that one document.
  A draft quiz shows each question's latest version;
- publishing freezes a release (quizzes.releases) that learners get until
  the next one: `publish_quiz` makes one, a draft or archived quiz has none
  live. A quiz with no question cannot be published (EmptyQuiz);
- an archived quiz is read-only until restored as a draft (QuizArchived):
  only its status changes, and it may be duplicated or deleted;
- a change that touches several documents does so in the caller's
  transaction. Requests get one from sessions_mw's middleware; commands open
  one explicitly. These functions never commit on their own.

The v1 API's `quizzes/{id}/questions/` act on the fixed slots: adding a
question there creates it in the quiz's category of the bank (a category
named after the quiz), deleting it removes the slot and keeps the question.
"""

import dataclasses
import random

from bson import ObjectId
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quizzes import bank, documents, fields, merge, releases, revisions, sharing
from quizzes.bank import VersionConflict, question_data, save_slots
from quizzes.models import (
    Answer,
    Attempt,
    Category,
    Hint,
    Question,
    QuestionResult,
    QuestionVersion,
    Quiz,
    QuizOptions,
    QuizStatus,
    Release,
    Revision,
    Slot,
)
from quizzes.scoring import grade_attempt
from quizzes.validation import clean_question, clean_quiz

__all__ = [
    "EmptyQuiz",
    "MergeConflict",
    "MergeOutcome",
    "ReleaseTooLarge",
    "VersionConflict",
    "question_data",
]

EmptyQuiz = releases.EmptyQuiz
ReleaseTooLarge = releases.ReleaseTooLarge

QUIZ_FIELDS = ("title", "description", "tags", "status")
OPTION_FIELDS = tuple(fields.OPTION_FIELDS)
# A quiz holds at most this many slots (an import with more goes to the bank only).
SLOTS_MAX = 2000


class OrderMismatch(ValueError):
    """A new order does not name each question (or slot) of the quiz exactly once."""


class SlotError(ValueError):
    """A slot that cannot be added: the question is already in the quiz, the quiz is full..."""


class QuizArchived(ValueError):
    """A change to an archived quiz, which is read-only until restored as a draft."""


ARCHIVED = gettext_lazy(
    "This quiz is archived, so it is read-only: restore it as a draft to change it "
    "(learners do not see it until it is published again)."
)


def check_editable(quiz):
    """Raise QuizArchived when `quiz` is archived; every change of its content calls this."""
    if quiz.status == QuizStatus.ARCHIVED:
        raise QuizArchived(str(ARCHIVED))


# -- reading a quiz -------------------------------------------------------------
def fixed_slots(quiz):
    """The quiz's fixed slots (those naming a question), in order."""
    return [slot for slot in quiz.slots if slot.question is not None]


def fixed_questions(quiz):
    """{question id: Question} of the quiz's fixed slots (one query)."""
    ids = [slot.question for slot in fixed_slots(quiz)]
    return Question.objects.in_bulk(ids) if ids else {}


def quiz_questions(quiz, start=0, stop=None):
    """The quiz's fixed questions in slot order, with each slot's points override applied
    and `position`, the question's 0-based place among them (the v1 API shows it).

    Only those at places `start` to `stop` (a page of the editor) when given:
    one query, that reads no other question.
    """
    slots = fixed_slots(quiz)[start:stop]
    found = Question.objects.in_bulk([slot.question for slot in slots]) if slots else {}
    questions = []
    for position, slot in enumerate(slots, start):
        question = found.get(slot.question)
        if question is not None:
            if slot.points is not None:
                question.points = slot.points
            question.position = position
            questions.append(question)
    return questions


def fixed_summary(quiz):
    """(total points, {question id: version}) of the quiz's fixed questions, each slot's
    points override applied.

    One command whatever their number: a $group sends back a single document,
    where a cursor over the questions would go on in getMore batches. What the
    editor shows of a whole quiz of 1,000 questions costs it no more commands
    than one of 1.
    """
    slots = fixed_slots(quiz)
    if not slots:
        return 0, {}
    pipeline = [
        {"$match": {"_id": {"$in": [slot.question for slot in slots]}}},
        {
            "$group": {
                "_id": None,
                "found": {"$push": {"id": "$_id", "version": "$version", "points": "$points"}},
            }
        },
    ]
    results = documents.collection(Question).aggregate(pipeline, session=connection.session)
    found = {row["id"]: row for result in results for row in result["found"]}
    points = sum(
        found[slot.question]["points"] if slot.points is None else slot.points
        for slot in slots
        if slot.question in found
    )
    return points, {pk: row["version"] for pk, row in found.items()}


def quiz_question_documents(quiz):
    """`quiz_questions` as stored documents (quizzes.documents: no model instance built),
    each with `id` (hex), `position`, its slot's points override applied, and its
    answers and hints complete (one query)."""
    ids = [slot.question for slot in quiz.slots if slot.question is not None]
    found = (
        {
            doc["_id"]: doc
            for doc in documents.find(Question, {"_id": {"$in": ids}}, expected=len(ids))
        }
        if ids
        else {}
    )
    questions = []
    for slot in quiz.slots:
        doc = found.get(slot.question)
        if doc is not None:
            questions.append(
                {
                    **doc,
                    "id": str(doc["_id"]),
                    "position": len(questions),
                    "points": doc["points"] if slot.points is None else slot.points,
                    "answers": [documents.embedded(Answer, row) for row in doc["answers"]],
                    "hints": [documents.embedded(Hint, row) for row in doc["hints"]],
                }
            )
    return questions


def random_slots(quiz):
    """[(slot, Category or None)] of the quiz's random slots, in order (one query)."""
    slots = [slot for slot in quiz.slots if slot.question is None]
    categories = Category.objects.in_bulk([slot.category for slot in slots]) if slots else {}
    return [(slot, categories.get(slot.category)) for slot in slots]


def random_pool(quiz, slot):
    """The bank questions a random slot draws from (not those fixed in the quiz)."""
    category = Category.objects.filter(pk=slot.category, staging=None).first()
    if category is None:
        return Question.objects.none()
    ids = bank.subtree_ids(category) if slot.include_subcategories else [category.pk]
    fixed = [s.question for s in quiz.slots if s.question is not None]
    return Question.objects.filter(category__in=ids).exclude(pk__in=fixed).order_by("id")


def random_pools(quiz):
    """{slot uid: [Question]} of the quiz's random slots: what each may draw from now."""
    return {slot.uid: list(random_pool(quiz, slot)) for slot in quiz.slots if slot.is_random}


def drawn_questions(quiz, shown=(), rng=None):
    """The questions a learner gets, in order: fixed slots, and for each random slot
    `count` questions of its pool (a pool question drawn once per quiz).

    The draw prefers the questions `shown` (ids: those the learner saw or
    answered), so that grading a submission grades what was shown; the rest
    of a slot is drawn with `rng` (default: a fresh random generator).
    """
    rng = rng or random.SystemRandom()
    answered = {str(pk) for pk in shown}
    found = fixed_questions(quiz)
    drawn, taken = [], set()
    for slot in quiz.slots:
        if slot.question is not None:
            question = found.get(slot.question)
            if question is not None:
                if slot.points is not None:
                    question.points = slot.points
                drawn.append(question)
            continue
        pool = [q for q in random_pool(quiz, slot) if q.pk not in taken]
        chosen = [q for q in pool if str(q.pk) in answered][: slot.count]
        others = [q for q in pool if q not in chosen]
        chosen += rng.sample(others, min(len(others), slot.count - len(chosen)))
        for question in chosen:
            if slot.points is not None:
                question.points = slot.points
        taken.update(q.pk for q in chosen)
        drawn.extend(chosen)
    return drawn


def answerable_questions(quiz):
    """Every question a learner of the quiz may get: the fixed ones and the random pools'."""
    questions = quiz_questions(quiz)
    seen = {question.pk for question in questions}
    for slot in quiz.slots:
        if slot.question is None:
            pool = [q for q in random_pool(quiz, slot) if q.pk not in seen]
            seen.update(q.pk for q in pool)
            questions.extend(pool)
    return questions


def quiz_data(quiz, questions=None):
    """The plain data of a quiz with its questions in order (see quizzes.validation).

    Each question carries its bank `category` path, and "categories" holds
    the {path: description and ID number} of those categories: writers of
    Moodle formats use them.
    """
    data = {field: getattr(quiz, field) for field in QUIZ_FIELDS}
    data["tags"] = list(quiz.tags)
    data["options"] = {field: getattr(quiz.options, field) for field in OPTION_FIELDS}
    if questions is None:
        questions = quiz_questions(quiz)
    data["questions"], categories = bank.with_categories(questions)
    if categories:
        data["categories"] = categories
    return data


def _apply_quiz(quiz, data):
    for field in QUIZ_FIELDS:
        setattr(quiz, field, data[field])
    quiz.options = QuizOptions(**{f: data["options"][f] for f in OPTION_FIELDS})
    return quiz


def bump_version(
    quiz, expected_version=None, *, action, author=None, before=None, noted=(), **changes
):
    """Increment the quiz version, applying `changes` (values) at once, and record the
    change as a revision of `action` by `author` (quizzes.revisions.record: `noted`
    changes are added to those of the settings and slots). `before`: the quiz's
    snapshot before the change, taken here when not given (the quiz in memory must
    then be as stored)."""
    before = revisions.snapshot(quiz) if before is None else before
    bank.conditional_bump(Quiz, quiz, expected_version, **changes)
    for name, value in changes.items():
        setattr(quiz, name, value)
    quiz.refresh_from_db(fields=["version", "updated_at", "question_count", "status"])
    revisions.record(quiz, before, action, author, noted=noted)
    return quiz


def fixed_slot(question, points=None):
    return Slot(uid=ObjectId(), question=question.pk, points=points)


# -- quizzes ------------------------------------------------------------------
def quiz_category(quiz):
    """The bank category where questions created from this quiz go (made on first use)."""
    category = Category.objects.filter(pk=quiz.category).first() if quiz.category else None
    if category is None:
        category = bank.default_category(quiz.owner, quiz.title)
        Quiz.objects.filter(pk=quiz.pk).update(category=category.pk)
        quiz.category = category.pk
    return category


def create_quiz(owner, data, questions=(), author=None, categories=None):
    """Create a quiz; `questions` (plain data) go into the bank and become its slots.

    They go into `categories[i]` when given, else into a category named
    after the quiz. Two inserts for the questions whatever their number.
    """
    cleaned = clean_quiz(data)
    cleaned_questions = [clean_question(q) for q in questions]
    if len(cleaned_questions) > SLOTS_MAX:
        raise SlotError(too_many_slots(len(cleaned_questions)))
    quiz = _apply_quiz(Quiz(owner=owner), cleaned)
    if cleaned_questions and categories is None:
        category = bank.default_category(owner, quiz.title)
        quiz.category = category.pk
        categories = [category] * len(cleaned_questions)
    created = bank.create_questions(owner, categories or [], cleaned_questions, author or owner)
    quiz.slots = [fixed_slot(question) for question in created]
    quiz.question_count = len(created)
    return saved_new(quiz, author or owner)


def create_quiz_of(owner, data, question_ids, category=None):
    """Create a quiz whose slots are the bank questions `question_ids` (already stored,
    e.g. by an import), in order; `category` is where questions created from its
    editor go. One insert, and its revision's."""
    cleaned = clean_quiz(data)
    if len(question_ids) > SLOTS_MAX:
        raise SlotError(too_many_slots(len(question_ids)))
    quiz = _apply_quiz(Quiz(owner=owner), cleaned)
    quiz.category = category
    quiz.slots = [Slot(uid=ObjectId(), question=pk) for pk in question_ids]
    quiz.question_count = len(quiz.slots)
    return saved_new(quiz, owner)


def saved_new(quiz, author):
    """Insert a new quiz; one created published gets its first release (one with
    nothing to publish, as an imported empty quiz, is stored as a draft)."""
    if quiz.status == QuizStatus.PUBLISHED and not quiz.slots:
        quiz.status = QuizStatus.DRAFT
    if quiz.status == QuizStatus.PUBLISHED:
        quiz.share_code = sharing.new_share_code()
    quiz.save()
    revisions.record(quiz, None, Revision.Action.CREATED, author)
    if quiz.status == QuizStatus.PUBLISHED:
        releases.store(quiz, release_fields(quiz), author)
    return quiz


def too_many_slots(count):
    return _(
        "A quiz holds at most %(limit)s questions; this one would have %(count)s. "
        "Import into the bank only, then build smaller quizzes from it."
    ) % {"limit": SLOTS_MAX, "count": count}


def update_quiz(quiz, data, expected_version=None, author=None):
    """Replace the quiz's metadata and options (not its slots, nor its status: see
    `set_status`)."""
    check_editable(quiz)
    cleaned = clean_quiz({**quiz_data(quiz, questions=()), **data, "status": quiz.status})
    return save_settings(quiz, cleaned, expected_version, Revision.Action.SETTINGS, author)


def save_settings(quiz, cleaned, expected_version, action, author, noted=(), **more):
    """Store cleaned quiz data `cleaned` (quizzes.validation.clean_quiz) as the quiz's
    settings, and `more` changes of its fields, as one change of `action` (`noted`:
    as bump_version's)."""
    before = revisions.snapshot(quiz)
    _apply_quiz(quiz, cleaned)
    return bump_version(
        quiz,
        expected_version,
        action=action,
        author=author,
        before=before,
        noted=noted,
        **{field: getattr(quiz, field) for field in QUIZ_FIELDS},
        options=quiz.options,
        **more,
    )


# -- merging an edit made from an older version (quizzes.merge) ----------------------
# What a merge message calls each field ("Léa changed the pass mark meanwhile").
FIELD_LABELS = {
    "title": gettext_lazy("the title"),
    "description": gettext_lazy("the description"),
    "tags": gettext_lazy("the tags"),
    "options.shuffle_questions": gettext_lazy("the shuffling of the questions"),
    "options.shuffle_answers": gettext_lazy("the shuffling of the choices"),
    "options.time_limit_minutes": gettext_lazy("the time limit"),
    "options.pass_mark": gettext_lazy("the pass mark"),
    "options.opens_at": gettext_lazy("the opening time"),
    "options.closes_at": gettext_lazy("the closing time"),
    "options.access": gettext_lazy("who may take it"),
    "options.attempts_allowed": gettext_lazy("the attempts allowed"),
    "options.one_per_page": gettext_lazy("one question per page"),
    "options.show_score": gettext_lazy("showing the score"),
    "options.show_feedback": gettext_lazy("showing the feedback"),
    "options.show_correct_answers": gettext_lazy("showing the correct answers"),
    "name": gettext_lazy("the question name"),
    "text": gettext_lazy("the question text"),
    "text_format": gettext_lazy("the text format"),
    "points": gettext_lazy("the points"),
    "general_feedback": gettext_lazy("the general feedback"),
    "general_feedback_format": gettext_lazy("the general feedback's format"),
    "penalty": gettext_lazy("the penalty"),
    "idnumber": gettext_lazy("the ID number"),
    "answers": gettext_lazy("the answers"),
    "hints": gettext_lazy("the hints"),
}
DECLARED_FIELDS = {**fields.QUESTION_FIELDS, **fields.QUESTION_EXTRAS}
# The settings a quiz settings merge compares: all of clean_quiz's but the status.
MERGED_SETTINGS = ("title", "description", "tags", "options")


def field_label(name):
    """What people call the field `name` of a merge ("options.pass_mark": "the pass mark";
    "answers.<uid>": "the answers")."""
    name = name if name in FIELD_LABELS else name.partition(merge.SEPARATOR)[0]
    if name in FIELD_LABELS:
        return FIELD_LABELS[name]
    declared = DECLARED_FIELDS.get(name)
    label = declared.label if declared is not None else name
    return _("the setting “%(label)s”") % {"label": label}


class MergeConflict(Exception):
    """A save from an older version that the three-way merge cannot finish alone:
    `.merged` (quizzes.merge.Merged, its .conflicts), `.current` (the version now),
    `.authors` (display names of who saved since the base). Nothing was written."""

    def __init__(self, merged, current, authors):
        names = ", ".join(conflict.field for conflict in merged.conflicts)
        super().__init__(f"both sides changed {names}")
        self.merged = merged
        self.current = current
        self.authors = authors


@dataclasses.dataclass
class MergeOutcome:
    """A saved edit: `saved` (the quiz or question), `merged` (None when the base was the
    current version, so no merge was needed), `authors` of the changes merged in."""

    saved: object
    merged: merge.Merged | None
    authors: list = dataclasses.field(default_factory=list)

    def message(self, label=field_label):
        """The sentence naming what the merge kept and added (quizzes.merge.summary), or
        None when nothing was merged."""
        return None if self.merged is None else merge.summary(self.merged, self.authors, label)


def display_names(user_ids):
    """The names of the users `user_ids` in that order, each once (one query, none for
    none): their full name, else their username."""
    ids = list(dict.fromkeys(pk for pk in user_ids if pk is not None))
    users = get_user_model().objects.in_bulk(ids) if ids else {}
    return [revisions.display_name(users[pk]) for pk in ids if pk in users]


def three_way(base, theirs, yours, current, authors, choices, **rules):
    """(quizzes.merge.Merged, the data to save) of an edit `yours` made from `base`, now
    that the object is `theirs` (at version `current`), with the teacher's `choices`
    for the conflicts. MergeConflict when a conflict has no choice; ValidationError
    for a choice that is not "yours", "theirs" or "base"."""
    merged = merge.merge(base, theirs, yours, **rules)
    if merged.clean:
        return merged, merged.data
    choices = choices or {}
    wrong = {
        name: value
        for name, value in choices.items()
        if name in {c.field for c in merged.conflicts} and value not in merge.CHOICES
    }
    if wrong:
        raise ValidationError(
            {
                name: _("Choose “yours”, “theirs” or “base”, not “%(value)s”.")
                % {"value": str(value)[:100]}
                for name, value in wrong.items()
            }
        )
    if any(conflict.field not in choices for conflict in merged.conflicts):
        raise MergeConflict(merged, current, authors)
    return merged, merged.resolve(choices)


def merged_settings(data):
    return {name: data[name] for name in MERGED_SETTINGS}


def merge_quiz_settings(quiz, data, base_version, author=None, choices=None):
    """Save the settings `data` (as `update_quiz` takes them) that a teacher edited from
    version `base_version` of the quiz, merged field by field with what was saved since
    (quizzes.merge; tags as a set; never the slots, nor the status): fields only they
    changed are kept, fields only you changed applied, and fields both changed
    differently take `choices` (field → "yours", "theirs" or "base").

    Raises ValidationError for invalid data (yours, or the merged result),
    MergeConflict when a conflict has no choice, VersionConflict when the base
    revision is gone (OPENQUIZZ_REVISIONS_KEEP pruned it, or the quiz is older than
    revisions) or when another change lands during this one: nothing is written.
    The save is one change (its revision by `author` records the merged changes).
    """
    check_editable(quiz)
    current = quiz.version
    if base_version == current:
        saved = update_quiz(quiz, data, expected_version=current, author=author)
        return MergeOutcome(saved, None)
    found = revisions.revisions_of(quiz).filter(version=base_version).first()
    if found is None:
        raise VersionConflict(current)
    snap = found.snapshot
    try:
        base = clean_quiz({**{name: snap[name] for name in MERGED_SETTINGS}, "status": quiz.status})
    except (KeyError, ValidationError):
        raise VersionConflict(current) from None  # a snapshot today's rules cannot read
    theirs = quiz_data(quiz, questions=())
    yours = clean_quiz({**base, **data, "status": quiz.status})
    later = revisions.revisions_of(quiz).filter(version__gt=base_version).order_by("version")
    authors = display_names(later.values_list("author_id", flat=True))
    merged, result = three_way(
        merged_settings(base),
        merged_settings(theirs),
        merged_settings(yours),
        current,
        authors,
        choices,
        sets=("tags",),
    )
    cleaned = clean_quiz({**result, "status": quiz.status})
    saved = save_settings(quiz, cleaned, current, Revision.Action.SETTINGS, author)
    return MergeOutcome(saved, merged, authors)


def merge_question(question, data, base_version, author=None, choices=None, quiz=None):
    """Save the question `data` (as `update_question` takes it) that a teacher edited
    from version `base_version` of `question`, merged with the versions saved since as
    `merge_quiz_settings` merges settings: answers item by item by their "uid", tags
    as a set. A new version of the question, conditional on its current version;
    edited from `quiz` (None: from the bank), the quiz's version moves too, whatever
    it is (a question's edit conflicts only with edits of that question), and its
    revision notes the question's new version.

    Raises as `merge_quiz_settings`; VersionConflict when version `base_version` of
    the question is unknown.
    """
    if quiz is not None:
        check_editable(quiz)
    current = question.version
    merged, authors = None, []
    if base_version == current:
        result = data
    else:
        base = bank.version_data(question, base_version)
        if base is None:
            raise VersionConflict(current)
        yours = clean_question({**base, **data})
        later = QuestionVersion.objects.filter(question=question, number__gt=base_version)
        authors = display_names(later.order_by("number").values_list("author_id", flat=True))
        merged, result = three_way(
            base,
            question_data(question),
            yours,
            current,
            authors,
            choices,
            keyed={"answers": "uid"},
            sets=("tags",),
        )
    saved = bank.update_question(question, result, author, expected_version=current)
    if quiz is not None:
        note_question_edit(quiz, saved, current, author)
    return MergeOutcome(saved, merged, authors)


def note_question_edit(quiz, question, before, author=None):
    """Bump the quiz's version for the edit that gave `question` a new version after
    `before`, recorded as a revision naming it."""
    edited = question_note(question, before, question.version)
    bump_version(quiz, action=Revision.Action.QUESTION, author=author, noted=[edited])


def question_note(question, before, after):
    """The change a quiz's revision notes for a question's edit (its versions)."""
    return {"field": "question", "question": str(question.pk), "before": before, "after": after}


def slots_version(quiz, seen):
    """The version to expect for a change of the slots of `quiz` made from a page of
    version `seen`: the current one when no slot changed since `seen` (their
    revisions say so: settings, status and question edits leave slot changes
    alone), else VersionConflict. One aggregate, only when `seen` is not current.
    Revisions missing since `seen` (pruned, or older than history) count as a
    change."""
    if seen == quiz.version:
        return seen
    pipeline = [
        {"$match": {"quiz_id": quiz.pk, "version": {"$gt": seen, "$lte": quiz.version}}},
        {
            "$group": {
                "_id": None,
                "count": {"$sum": 1},
                "slots": {"$max": {"$in": ["slot", {"$ifNull": ["$changes.field", []]}]}},
            }
        },
    ]
    found = list(documents.collection(Revision).aggregate(pipeline, session=connection.session))
    summary = found[0] if found else {"count": 0, "slots": True}
    if seen > quiz.version or summary["slots"] or summary["count"] != quiz.version - seen:
        raise VersionConflict(quiz.version)
    return quiz.version


def set_status(quiz, status, expected_version=None, author=None):
    """Give the quiz `status`. Published: `publish_quiz` (a new release, also when it
    was published already). Draft or archived: learners no longer get it; an
    archived quiz changes only back to a draft (restored)."""
    if status not in QuizStatus.values:
        raise ValueError(_("Unknown status: %(status)s") % {"status": status})
    if status == QuizStatus.PUBLISHED:
        return publish_quiz(quiz, expected_version, author)
    if status == QuizStatus.ARCHIVED:
        check_editable(quiz)
    action = revisions.status_action(quiz.status, status)
    bump_version(quiz, expected_version, action=action, author=author, status=status)
    releases.withdraw(quiz)
    return quiz


def release_fields(quiz):
    """The content of a release of `quiz` as it is now (quizzes.releases.release_fields)."""
    return releases.release_fields(quiz, fixed_questions(quiz), random_pools(quiz))


def publish_quiz(quiz, expected_version=None, author=None):
    """Publish the quiz as it is now: a new release, which learners get from now on
    instead of the previous one (attempts keep theirs); returns the release.

    Refused with EmptyQuiz when learners would get no question, QuizArchived
    for an archived quiz; VersionConflict as any change. Bumps the quiz's
    version: the release records the version it was made from. The first
    publication gives the quiz its share code (quizzes.sharing), kept ever after.
    """
    check_editable(quiz)
    fields = release_fields(quiz)
    code = quiz.share_code or sharing.new_share_code()
    bump_version(
        quiz,
        expected_version,
        action=Revision.Action.PUBLISHED,
        author=author,
        status=QuizStatus.PUBLISHED,
        share_code=code,
    )
    quiz.share_code = code
    return releases.store(quiz, fields, author)


def unpublished_changes(quiz, release, versions=None):
    """Whether the draft of `quiz` differs from its `release` (see
    quizzes.releases.unpublished_changes): "Publish changes" has something to do.

    `versions` is {question id: version} of its fixed questions (`fixed_summary`),
    read here when not given; only their versions are read, not their content.
    """
    if versions is None:
        _points, versions = fixed_summary(quiz)
    return releases.unpublished_changes(release, quiz, versions, random_pools(quiz))


def delete_quiz(quiz, expected_version=None):
    """Delete the quiz, its attempts, releases and revisions; its questions stay in the bank."""
    if expected_version is not None and expected_version != quiz.version:
        raise VersionConflict(quiz.version)
    quiz.attempts.all().delete()
    # By their quiz, in one command: the ORM would look for the releases' attempts by
    # release (gone with the quiz's) and delete the releases by id, queries a sharded
    # cluster sends to every shard (docs/scaling.md).
    releases_collection = connection.get_collection(Release._meta.db_table)
    releases_collection.delete_many({"quiz_id": quiz.pk}, session=connection.session)
    revisions_collection = connection.get_collection(Revision._meta.db_table)
    revisions_collection.delete_many({"quiz_id": quiz.pk}, session=connection.session)
    quiz.delete()


def hand_over(quiz, owner, author=None):
    """Give `quiz` to `owner` (the Django admin's one change), bumping its version so that
    open editors notice; its releases and attempts follow it (their `owner`). The only
    way a quiz changes owner."""
    bump_version(quiz, action=Revision.Action.HANDED_OVER, author=author, owner=owner)
    Release.objects.filter(quiz=quiz).update(owner=owner)
    Attempt.objects.filter(quiz=quiz).update(owner=owner)
    return quiz


def restore_revision(quiz, revision, expected_version=None, author=None):
    """Make the settings and slots of `revision` (one of the quiz's) the quiz's again, as
    a new change, recorded as "restored" (naming the version restored); the quiz's
    status stays. Returns the slots left out (as the snapshot has them): those whose
    question, or random category, is no longer in the owner's bank.

    QuizArchived for an archived quiz, VersionConflict as any change, and a
    ValidationError when the old settings break today's rules.
    """
    check_editable(quiz)
    snap = revision.snapshot
    current = quiz_data(quiz, questions=())
    data = {field: snap[field] for field in ("title", "description", "tags")}
    options = {**current["options"], **snap["options"]}
    cleaned = clean_quiz({**current, **data, "options": options, "status": quiz.status})
    slots, skipped = restorable_slots(quiz.owner_id, snap["slots"])
    restored = {"field": "restored", "before": None, "after": revision.version}
    return save_settings(
        quiz,
        cleaned,
        expected_version,
        Revision.Action.RESTORED,
        author,
        noted=[restored],
        slots=slots,
        question_count=bank.slot_count(slots),
    ), skipped


def restorable_slots(owner, stored):
    """([Slot], [slot data left out]) of the slots `stored` in a snapshot: those whose
    question or category is still in `owner`'s bank, and the others."""
    questions = {object_id(row["question"]) for row in stored} - {None}
    categories = {object_id(row["category"]) for row in stored} - {None}
    found = set()
    if questions:
        found |= set(bank.owned(owner, questions).values_list("pk", flat=True))
    if categories:
        visible = Category.objects.filter(owner=owner, pk__in=categories, staging=None)
        found |= set(visible.values_list("pk", flat=True))
    slots, skipped = [], []
    for row in stored:
        slot = Slot(**{**row, **{f: object_id(row[f]) for f in ("uid", "question", "category")}})
        if (slot.category if slot.is_random else slot.question) in found:
            slots.append(slot)
        else:
            skipped.append(row)
    return slots, skipped


def object_id(hex_or_none):
    return None if hex_or_none is None else ObjectId(hex_or_none)


def duplicate_quiz(quiz, owner):
    """A draft copy of `quiz` with the same slots, owned by `owner`.

    The copy uses the same bank questions; for another owner (staff copying a
    teacher's quiz) the questions are copied into that owner's bank, since a
    quiz only uses its owner's questions.
    """
    data = quiz_data(quiz, questions=())
    data["title"] = _("%(title)s (copy)") % {"title": data["title"]}
    data["title"] = data["title"][: Quiz._meta.get_field("title").max_length]
    data["status"] = QuizStatus.DRAFT
    if owner != quiz.owner:
        return create_quiz(owner, data, [question_data(q) for q in quiz_questions(quiz)])
    copy = _apply_quiz(Quiz(owner=owner, category=quiz.category), clean_quiz(data))
    copy.slots = [Slot(**{**slot_fields(slot), "uid": ObjectId()}) for slot in quiz.slots]
    copy.question_count = quiz.question_count
    copy.save()
    revisions.record(copy, None, Revision.Action.CREATED, owner)
    return copy


def slot_fields(slot):
    return {field.name: getattr(slot, field.name) for field in Slot._meta.concrete_fields}


# -- slots ---------------------------------------------------------------------
# How many questions a random slot draws.
SLOT_COUNT = fields.Field(
    "count", "integer", gettext_lazy("questions drawn"), minimum=1, maximum=SLOTS_MAX
)


def checked(name, field, value):
    """`field.parse(value)`, or a ValidationError naming `name`."""
    errors = fields.Errors()
    parsed = errors.parse(name, field.parse, value)
    errors.raise_if_any()
    return parsed


def slot_points(points):
    """A slot's points override as stored: None (the question's own points) or
    points as a question takes them; ValidationError({"points": ...}) otherwise."""
    return None if points is None else checked("points", fields.QUESTION_FIELDS["points"], points)


def insert_slots(quiz, new_slots, expected_version=None, position=None, author=None):
    """Put `new_slots` at `position` (None: at the end) of the quiz; one update."""
    check_editable(quiz)
    slots = list(quiz.slots)
    if len(slots) + len(new_slots) > SLOTS_MAX:
        raise SlotError(too_many_slots(len(slots) + len(new_slots)))
    position = len(slots) if position is None else max(0, min(position, len(slots)))
    slots = slots[:position] + list(new_slots) + slots[position:]
    return save_slots(quiz, slots, expected_version, author)


def add_slots(quiz, questions, expected_version=None, position=None, points=None, author=None):
    """Add fixed slots for bank `questions` (each at most once in a quiz), with the
    points override `points` (see `slot_points`)."""
    points = slot_points(points)
    present = {slot.question for slot in quiz.slots}
    repeated = [question.name for question in questions if question.pk in present]
    if repeated:
        raise SlotError(_("Already in this quiz: %(names)s.") % {"names": ", ".join(repeated[:5])})
    new_slots = [fixed_slot(q, points) for q in questions]
    return insert_slots(quiz, new_slots, expected_version, position, author)


def add_random_slot(
    quiz,
    category,
    count,
    include_subcategories=False,
    expected_version=None,
    points=None,
    author=None,
):
    """Add a slot drawing `count` questions (1 to SLOTS_MAX) at random from `category`."""
    slot = Slot(
        uid=ObjectId(),
        category=category.pk,
        count=checked("count", SLOT_COUNT, count),
        include_subcategories=include_subcategories,
        points=slot_points(points),
    )
    insert_slots(quiz, [slot], expected_version, author=author)
    return slot


def find_slot(quiz, uid):
    """The quiz's slot `uid` (an ObjectId or its hex), or None."""
    return next((slot for slot in quiz.slots if str(slot.uid) == str(uid)), None)


def remove_slot(quiz, uid, expected_version=None, author=None):
    """Take slot `uid` out of the quiz; its question stays in the bank."""
    check_editable(quiz)
    kept = [slot for slot in quiz.slots if str(slot.uid) != str(uid)]
    save_slots(quiz, kept, expected_version, author)


def set_slot_points(quiz, uid, points, expected_version=None, author=None):
    """Override (or with None, stop overriding) the points of slot `uid`."""
    check_editable(quiz)
    points = slot_points(points)
    slots = [
        Slot(**{**slot_fields(slot), "points": points}) if str(slot.uid) == str(uid) else slot
        for slot in quiz.slots
    ]
    return save_slots(quiz, slots, expected_version, author)


def reorder_slots(quiz, ordered_uids, expected_version=None, author=None):
    """Put the quiz's slots in the order of `ordered_uids`: one update of one document."""
    check_editable(quiz)
    by_uid = {str(slot.uid): slot for slot in quiz.slots}
    wanted = [str(uid) for uid in ordered_uids]
    if len(wanted) != len(by_uid) or set(wanted) != set(by_uid):
        raise OrderMismatch(_("The new order must list every slot of the quiz exactly once."))
    return save_slots(quiz, [by_uid[uid] for uid in wanted], expected_version, author)


def reorder_questions(quiz, ordered_ids, expected_version=None, author=None):
    """Put the quiz's fixed questions in the order of `ordered_ids` (random slots stay put)."""
    check_editable(quiz)
    by_question = {str(slot.question): slot for slot in fixed_slots(quiz)}
    wanted = [str(pk) for pk in ordered_ids]
    if len(wanted) != len(by_question) or set(wanted) != set(by_question):
        raise OrderMismatch(_("The new order must list every question of the quiz exactly once."))
    reordered = iter(by_question[pk] for pk in wanted)
    slots = [next(reordered) if slot.question is not None else slot for slot in quiz.slots]
    return save_slots(quiz, slots, expected_version, author)


def reorder_some_questions(quiz, ordered_ids, expected_version=None, author=None):
    """Put the fixed questions `ordered_ids` (some of the quiz's, each once) in that order
    in the places they hold now; the others stay put. The editor's drag and drop
    reorders one page of the quiz so; listing every question reorders them all."""
    check_editable(quiz)
    order = [str(slot.question) for slot in fixed_slots(quiz)]
    wanted = [str(pk) for pk in ordered_ids]
    chosen = set(wanted)
    if not wanted or len(chosen) != len(wanted) or not chosen <= set(order):
        raise OrderMismatch(_("The new order must list questions of the quiz, each once."))
    moved = iter(wanted)
    order = [next(moved) if pk in chosen else pk for pk in order]
    return reorder_questions(quiz, order, expected_version, author)


# -- questions through a quiz (the v1 API and the quiz editor) ----------------------
def add_question(quiz, data, expected_version=None, position=None, author=None):
    """Create a question in the quiz's bank category and add it as a slot; returns it."""
    check_editable(quiz)
    cleaned = clean_question(data)
    question = bank.create_question(quiz.owner, quiz_category(quiz), cleaned, author or quiz.owner)
    insert_slots(quiz, [fixed_slot(question)], expected_version, position, author)
    return question


def update_question(quiz, question, data, expected_version=None, author=None):
    """Edit a question of the quiz (a new version in the bank); the quiz's version moves too."""
    check_editable(quiz)
    cleaned = clean_question({**question_data(question), **data})
    edited = question_note(question, question.version, question.version + 1)
    action = Revision.Action.QUESTION
    bump_version(quiz, expected_version, action=action, author=author, noted=[edited])
    return bank.update_question(question, cleaned, author or quiz.owner)


def delete_question(quiz, question, expected_version=None, author=None):
    """Take the question out of the quiz; it stays in the bank."""
    check_editable(quiz)
    kept = [slot for slot in quiz.slots if slot.question != question.pk]
    save_slots(quiz, kept, expected_version, author)


def duplicate_question(quiz, question, expected_version=None, author=None):
    """Insert a copy of the question (a new bank question) right after it; returns the copy."""
    check_editable(quiz)
    data = question_data(question)
    data["name"] = _("%(name)s (copy)") % {"name": data["name"]}
    data["name"] = data["name"][: Question._meta.get_field("name").max_length]
    copy = bank.create_question(quiz.owner, question.category, data, author or quiz.owner)
    position = next(
        (i + 1 for i, slot in enumerate(quiz.slots) if slot.question == question.pk), None
    )
    insert_slots(quiz, [fixed_slot(copy)], expected_version, position, author)
    return copy


# -- attempts -----------------------------------------------------------------
def record_attempt(release, responses, user=None, client_info=None):
    """Grade `responses` ({question id: response}) and store them as an Attempt of `release`.

    The one-shot submission (quizzes.attempts has the started lifecycle).
    Graded against the release's answer key (quizzes.scoring), never against
    the bank's current questions, a random slot's draw being the questions of
    its pool the learner answered (see quizzes.releases.drawn). Graded first,
    then stored with one insert: nothing shared by the quiz's attempts is
    written (counts come from the attempts: quizzes.attempts.attempt_counts).
    The returned Attempt carries the full AttemptGrade as `grade`
    (per-question feedback lists and general feedback, which the Attempt does
    not store).
    """
    grade = grade_attempt(
        releases.graded_questions(release, responses), responses, release.options.pass_mark
    )
    now = timezone.now()
    attempt = Attempt.objects.create(
        quiz_id=release.quiz_id,
        owner_id=release.owner_id,
        release=release,
        quiz_version=release.quiz_version,
        user=user,
        state=Attempt.State.SUBMITTED,
        started_at=now,
        answers=responses,
        score=grade.score,
        max_score=grade.max_score,
        percent=grade.percent,
        passed=grade.passed,
        results=[QuestionResult(**row) for row in grade.result_rows()],
        submitted_at=now,
        ungraded=grade.ungraded,
        client_info=client_info or {},
    )
    attempt.grade = grade
    return attempt
