"""Releases: what publishing a quiz freezes, and what learners and grading read of it.

A release (quizzes.models.Release) is one immutable document: the quiz's
settings and the exact question versions it gave learners when it was
published, with what learners see of each question (rendered and sanitised,
no answer key) and the answer key to grade them. `release_fields` is the one
place that builds it. Learners, the delivery API and grading read the quiz's
live release only, so editing the draft quiz or its bank questions changes
nothing for them until the teacher publishes again (quizzes.operations
decides when: `publish_quiz`, `set_status`).

A random slot freezes its candidate pool (the question versions it may draw
from); each learner's draw is made from that pool (`drawn`).
"""

import random

import bson
from django.utils.translation import gettext_lazy as _

from quizzes import documents, scoring
from quizzes.bank import question_data
from quizzes.fields import OPTION_FIELDS
from quizzes.media import content_media
from quizzes.models import QuizOptions, Release
from quizzes.qtypes import registry
from quizzes.rendering import render

# A release must fit in one MongoDB document (16 MiB), with room for its settings.
RELEASE_BYTES_MAX = 15 * 1024 * 1024

NO_QUESTION = _(
    "A quiz with no question cannot be published: add questions first "
    "(random questions need a category that has some)."
)
TOO_LARGE = _(
    "This quiz is too large to publish (%(megabytes)s MB of questions, at most %(limit)s MB): "
    "draw its random questions from smaller categories, or split it into several quizzes."
)


class EmptyQuiz(ValueError):
    """Publishing refused: learners would get no question."""


class ReleaseTooLarge(ValueError):
    """Publishing refused: the release would not fit in one document."""


# -- building a release -------------------------------------------------------------
def learner_payload(question_id, data):
    """What a learner gets of one question (cleaned plain data): scoring.learner_view
    with its `id` and each text it shows rendered to sanitised HTML next to it
    (`text_html` of the question and of its choices or stems: QuestionType.learner_html)."""
    view = scoring.learner_view(data)
    return {"id": question_id, **registry.of(view).learner_html(view)}


def frozen_slots(quiz, fixed, pools):
    """(slots, {question id: Question}) of a release of `quiz`: see Release.slots.

    `fixed` is {question pk: Question} of its fixed slots, `pools` {slot uid:
    [Question]} of its random ones. A fixed slot whose question is gone is left out.
    """
    slots, questions = [], {}
    for slot in quiz.slots:
        row = {"uid": str(slot.uid), "points": slot.points}
        if slot.is_random:
            pool = pools.get(slot.uid, [])
            row.update(count=slot.count, pool=[str(question.pk) for question in pool])
            questions.update((str(question.pk), question) for question in pool)
        elif slot.question in fixed:
            row["question"] = str(slot.question)
            questions[row["question"]] = fixed[slot.question]
        else:
            continue
        slots.append(row)
    return slots, questions


def question_count(slots):
    """How many questions a learner gets from a release's `slots`."""
    return sum(min(slot["count"], len(slot["pool"])) if "pool" in slot else 1 for slot in slots)


def release_fields(quiz, fixed, pools):
    """The content of a release freezing `quiz` as it is now (every Release field but
    its quiz, number, quiz_version, live and author); `fixed` and `pools` as
    `frozen_slots` takes them.

    Raises EmptyQuiz when learners would get no question, ReleaseTooLarge when
    the questions would not fit in one document.
    """
    slots, questions = frozen_slots(quiz, fixed, pools)
    if not question_count(slots):
        raise EmptyQuiz(str(NO_QUESTION))
    key = {question_id: question_data(question) for question_id, question in questions.items()}
    content = {
        "slots": slots,
        "versions": {question_id: question.version for question_id, question in questions.items()},
        "learner": {
            question_id: learner_payload(question_id, data) for question_id, data in key.items()
        },
        "key": key,
    }
    size = len(bson.encode(content))
    if size > RELEASE_BYTES_MAX:
        megabytes = {"megabytes": round(size / 2**20, 1), "limit": RELEASE_BYTES_MAX // 2**20}
        raise ReleaseTooLarge(str(TOO_LARGE) % megabytes)
    options = {name: getattr(quiz.options, name) for name in OPTION_FIELDS}
    return {
        "title": quiz.title,
        "description": quiz.description,
        "description_html": render(quiz.description),
        "tags": list(quiz.tags),
        "options": QuizOptions(**options),
        "question_count": question_count(slots),
        "media": content_media([quiz.description, content["learner"], key]),
        **content,
    }


def store(quiz, fields, author=None):
    """Make a release of `quiz` (at its current version and with its share code) with
    `fields` (`release_fields`) the live one, in place of the live one; returns it."""
    withdraw(quiz)
    last = Release.objects.filter(quiz=quiz).order_by("-number").values_list("number", flat=True)
    return Release.objects.create(
        quiz=quiz,
        number=(last.first() or 0) + 1,
        quiz_version=quiz.version,
        author=author,
        owner_id=quiz.owner_id,
        share_code=quiz.share_code,
        **fields,
    )


def withdraw(quiz):
    """Learners no longer get `quiz`: its live release, if any, is live no more."""
    Release.objects.filter(quiz=quiz, live=True).update(live=False)


def unpublished_changes(release, quiz, versions, pools):
    """Whether publishing `quiz` now would give learners other content than `release`:
    its settings or slots changed, or a question it uses has a new version, or a
    random pool changed. `versions` is {question id: version} of its fixed questions
    (those that exist), `pools` as `frozen_slots` takes them: the versions a release
    made now would freeze (Release.versions), without building a question for each."""
    if release.quiz_version != quiz.version:
        return True
    current = {str(question_id): version for question_id, version in versions.items()}
    for pool in pools.values():
        current.update((str(question.pk), question.version) for question in pool)
    return current != release.versions


# -- reading a release ----------------------------------------------------------------
def live_releases():
    """The releases learners get now: one per published quiz."""
    return Release.objects.filter(live=True)


def live_release(quiz):
    """The live release of `quiz` (a Quiz or its pk), or None when it is not published."""
    return live_releases().filter(quiz=quiz).first()


def live_release_by_code(code, answer_key=True):
    """The live release of the quiz whose share code is `code` (canonical: see
    quizzes.sharing.normalize_code), or None: one find on the (share_code, live) index.

    Unsorted (`get`), unlike `first`: a sort by publication date would let the
    planner walk the (live, published_at) index through every live release.
    `answer_key=False` leaves the answer key out of the find (as large again as what
    learners see of the questions), for a page that shows questions without grading
    them: it is read with one more find only if something grades after all."""
    if not answer_key:
        query = {"share_code": code, "live": True}
        found = documents.find_one(Release, query, {"key": False})
        return found and documents.instance(Release, found, deferred={"key"})
    try:
        return live_releases().get(share_code=code)
    except Release.DoesNotExist:
        return None


def draws(release):
    """Whether learners of `release` get questions drawn at random (a random slot):
    then what one learner gets is not what the next one does."""
    return any("pool" in slot for slot in release.slots)


def drawn(release, shown=(), rng=None):
    """[(question id, points override or None)] a learner gets from `release`, in order:
    its fixed slots, and for each random slot `count` questions of its pool (a
    question drawn once per attempt).

    The draw prefers the questions `shown` (ids: those the learner saw or
    answered), so that grading a submission grades what was shown; the rest
    of a slot is drawn with `rng` (default: a fresh random generator).
    """
    rng = rng or random.SystemRandom()
    answered = {str(question_id) for question_id in shown}
    questions, taken = [], set()
    for slot in release.slots:
        if "question" in slot:
            questions.append((slot["question"], slot["points"]))
            continue
        pool = [question_id for question_id in slot["pool"] if question_id not in taken]
        chosen = [question_id for question_id in pool if question_id in answered][: slot["count"]]
        others = [question_id for question_id in pool if question_id not in chosen]
        chosen += rng.sample(others, min(len(others), slot["count"] - len(chosen)))
        taken.update(chosen)
        questions.extend((question_id, slot["points"]) for question_id in chosen)
    return questions


def with_points(data, points):
    """A question's data (learner payload or answer key) with its slot's points override."""
    return data if points is None else {**data, "points": points}


def learner_questions(release, rng=None):
    """What a learner gets of `release`: the learner payloads of one draw, in order."""
    return [
        with_points(release.learner[question_id], points)
        for question_id, points in drawn(release, rng=rng)
    ]


def graded_questions(release, responses):
    """[(question id, answer key)] to grade `responses` ({question id: response})
    against: the release's questions, a random slot's draw being those answered."""
    return [
        (question_id, with_points(release.key[question_id], points))
        for question_id, points in drawn(release, responses)
    ]
