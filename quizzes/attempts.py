"""The attempt lifecycle (start, save, submit) and how many attempts a quiz has.

An attempt is started on a quiz's live release and stays on it: its
questions (a stored `seed` fixes the draw of random slots and, when the
quiz shuffles, the order), its deadline (start + the release's time limit)
and its grading all come from that release, whatever the teacher publishes
meanwhile.

Hot quizzes must not contend (docs/scaling.md): every write here is one
conditional update or insert of the attempt's own document, outside any
transaction, graded before it is written. No write touches a document shared
by the attempts of a quiz; counts come from the attempts themselves
(`attempt_counts`, one aggregation on the (quiz, state) index). Every query
names the attempt's quiz, the first field of the attempts' shard key.

The deadline is the server's: a save after it is refused (TimeUp), a submit
after it grades what was saved by then, and an attempt found past its
deadline is graded as submitted when next touched (`settle`).
"""

import hashlib
import hmac
import random
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quizzes import releases
from quizzes.fields import QuizAccess
from quizzes.models import Attempt, QuestionResult, Release
from quizzes.scoring import grade_attempt, with_manual_grades

State = Attempt.State
STATES = State.choices  # named AttemptStateEnum in the API schema (settings.SPECTACULAR_SETTINGS)
SEED_BOUND = 2**53  # an exact integer in JSON and BSON alike
NAME_MAX = Attempt._meta.get_field("learner_name").max_length
# A submit regrades when a save slipped in between its read and its write; that
# needs a client saving and submitting at once, so a few rounds always suffice.
SUBMIT_ROUNDS = 5


class AttemptClosed(Exception):
    """A change to an attempt that no longer takes any (submitted, or its time is up)."""


class AttemptSubmitted(AttemptClosed):
    def __init__(self):
        super().__init__(_("This attempt has been submitted: it takes no more responses."))


class TimeUp(AttemptClosed):
    def __init__(self):
        super().__init__(
            _(
                "The time is up: the attempt was submitted at its deadline with the "
                "responses saved by then. Read it for the result."
            )
        )


class CannotStart(Exception):
    """Starting an attempt refused by the quiz's options (`check_can_start`); `code`
    names the rule, stable for API clients (the problem type's last part)."""

    code = "cannot_start"
    message = ""

    def __init__(self):
        super().__init__(str(self.message))


class NotOpenYet(CannotStart):
    code = "not_open_yet"
    message = gettext_lazy("This quiz is not open yet.")


class Closed(CannotStart):
    code = "closed"
    message = gettext_lazy("This quiz is closed: it no longer takes attempts.")


class SignInRequired(CannotStart):
    code = "sign_in_required"
    message = gettext_lazy("Sign in to take this quiz.")


class NoAttemptsLeft(CannotStart):
    code = "no_attempts_left"
    message = gettext_lazy("You have used all the attempts allowed at this quiz.")


# -- counts -------------------------------------------------------------------------
def attempt_counts(quiz_ids):
    """{quiz id: number of submitted attempts} for `quiz_ids`, with one aggregation."""
    quiz_ids = list(quiz_ids)
    if not quiz_ids:
        return {}
    rows = connection.get_collection(Attempt._meta.db_table).aggregate(
        [
            {"$match": {"quiz_id": {"$in": quiz_ids}, "state": State.SUBMITTED}},
            {"$group": {"_id": "$quiz_id", "count": {"$sum": 1}}},
        ],
        session=connection.session,
    )
    counts = dict.fromkeys(quiz_ids, 0)
    counts.update((row["_id"], row["count"]) for row in rows)
    return counts


def with_attempt_counts(quizzes):
    """`quizzes` (a list), each with `attempt_count` set, for one aggregation in all."""
    quizzes = list(quizzes)
    counts = attempt_counts(quiz.pk for quiz in quizzes)
    for quiz in quizzes:
        quiz.attempt_count = counts[quiz.pk]
    return quizzes


# -- identity and access ----------------------------------------------------------------
def public_id(attempt):
    """The attempt's id in the API: its quiz's id then its own (48 hex digits), so
    that every lookup by this id also names the quiz."""
    return f"{attempt.quiz_id}{attempt.pk}"


def token_digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def may_use(attempt, user, token):
    """Whether `user` (or whoever holds `token`) may read and change `attempt`: a user's
    own attempt is theirs; any attempt is its token holder's (compared in constant time)."""
    if attempt.user_id is not None and user is not None and user.is_authenticated:
        return attempt.user_id == user.pk or bool(token and may_use(attempt, None, token))
    if not attempt.token_hash or not token:
        return False
    return hmac.compare_digest(token_digest(token), attempt.token_hash)


def find_attempt(quiz_id, attempt_id, user=None, token=None, release=None):
    """The attempt (with its release) that `user` or `token` may use, or None.

    `release`: a release of the quiz already read (the live one, as the player
    has it), taken as the attempt's when it is, instead of reading it again.
    """
    attempt = Attempt.objects.filter(quiz_id=quiz_id, pk=attempt_id).first()
    if attempt is None or not may_use(attempt, user, token):
        return None
    if release is not None and release.pk == attempt.release_id:
        attempt.release = release
    else:
        # By its quiz too: releases live with their quiz (shard key).
        attempt.release = Release.objects.get(quiz_id=quiz_id, pk=attempt.release_id)
    return attempt


# -- the attempt's questions ---------------------------------------------------------------
def drawn(attempt):
    """[(question id, points override)] of the attempt, in its order: always the same
    for one attempt (its seed), from its own release."""
    release = attempt.release
    rng = random.Random(attempt.seed)  # noqa: S311 (an order, not a secret)
    questions = releases.drawn(release, rng=rng)
    if release.options.shuffle_questions:
        rng.shuffle(questions)
    return questions


def learner_questions(attempt):
    """What the learner gets: the release's learner payloads, in the attempt's order."""
    return [
        releases.with_points(attempt.release.learner[question_id], points)
        for question_id, points in drawn(attempt)
    ]


def answer_keys(attempt):
    """{question id: answer key} of the attempt's questions, in its order."""
    return {
        question_id: releases.with_points(attempt.release.key[question_id], points)
        for question_id, points in drawn(attempt)
    }


def grade(attempt):
    """The AttemptGrade of what the attempt has saved, against its release (pure); the
    grades its teacher gave by hand, once submitted, in place of the automatic ones."""
    keys = answer_keys(attempt)
    pass_mark = attempt.release.options.pass_mark
    result = grade_attempt(list(keys.items()), attempt.answers, pass_mark)
    return with_manual_grades(result, attempt.results, pass_mark)


# -- who may start -----------------------------------------------------------------------------
def user_attempt_count(release, user):
    """How many attempts `user` made at the quiz of `release`, on any of its releases
    (one count on the (quiz, user) index)."""
    return Attempt.objects.filter(quiz_id=release.quiz_id, user=user).count()


def attempts_left(release, previous_attempts):
    """How many more attempts the quiz allows after `previous_attempts`: an int (0 when
    none), or None when it allows any number."""
    allowed = release.options.attempts_allowed
    return None if allowed is None else max(0, allowed - previous_attempts)


def check_can_start(release, user=None, previous_attempts=0, now=None):
    """Raise a CannotStart unless `user` (None: an anonymous learner) may start an
    attempt at `release` at `now` (default: now), checking the release's options in
    this order: its opening and closing dates, who may take it, attempts allowed.

    A signed-in user's previous attempts are counted from the attempts (all made
    at the quiz, on any release); an anonymous learner's cannot be known here:
    the caller passes how many this learner made (the player keeps them in a
    signed cookie; the API cannot know, so it does not limit them).
    """
    options = release.options
    now = now or timezone.now()
    if options.opens_at is not None and now < options.opens_at:
        raise NotOpenYet()
    if options.closes_at is not None and now >= options.closes_at:
        raise Closed()
    if options.access == QuizAccess.SIGNED_IN and user is None:
        raise SignInRequired()
    if options.attempts_allowed is None:
        return
    if user is not None:
        previous_attempts = user_attempt_count(release, user)
    if not attempts_left(release, previous_attempts):
        raise NoAttemptsLeft()


# -- the lifecycle ---------------------------------------------------------------------------
def start_attempt(release, user=None, name="", client_info=None, previous_attempts=0):
    """Start an attempt at `release` for `user`, or for an anonymous learner called `name`
    who made `previous_attempts` already (see `check_can_start`, which may refuse it).

    Returns the Attempt; an anonymous one carries its secret `token`, shown
    once (only its digest is stored).
    """
    check_can_start(release, user, previous_attempts)
    name = (name or "").strip()
    if user is None and not name:
        raise ValidationError({"name": _("Give your name to start without signing in.")})
    if len(name) > NAME_MAX:
        raise ValidationError({"name": _("At most %(max)s characters.") % {"max": NAME_MAX}})
    now = stored_now()
    limit = release.options.time_limit_minutes
    token = None if user is not None else secrets.token_urlsafe(32)
    attempt = Attempt.objects.create(
        quiz_id=release.quiz_id,
        owner_id=release.owner_id,
        release=release,
        quiz_version=release.quiz_version,
        user=user,
        learner_name=name,
        state=State.IN_PROGRESS,
        started_at=now,
        deadline=now + timedelta(minutes=limit) if limit else None,
        seed=secrets.randbelow(SEED_BOUND),
        token_hash=token_digest(token) if token else "",
        answers={},
        submitted_at=None,
        client_info=client_info or {},
    )
    attempt.token = token
    return attempt


def stored_now():
    """Now, to the millisecond MongoDB stores (a time compared with a stored one)."""
    now = timezone.now()
    return now.replace(microsecond=now.microsecond - now.microsecond % 1000)


def time_is_up(attempt, now=None):
    return attempt.deadline is not None and (now or timezone.now()) >= attempt.deadline


def settle(attempt):
    """Grade an attempt left in progress past its deadline as submitted; returns it."""
    if attempt.state == State.IN_PROGRESS and time_is_up(attempt):
        return submit(attempt)
    return attempt


def check_open(attempt):
    """Raise AttemptSubmitted, or TimeUp (after grading it as submitted), unless the
    attempt still takes responses."""
    if attempt.state == State.SUBMITTED:
        raise AttemptSubmitted()
    if time_is_up(attempt):
        submit(attempt)
        raise TimeUp()


def save_responses(attempt, responses):
    """Merge `responses` ({question id: response}, already checked against
    `answer_keys(attempt)`) into the attempt's saved responses, in one update.

    Raises AttemptSubmitted, or TimeUp (after grading the attempt as
    submitted) when its deadline has passed: the update itself checks the
    state and the deadline, so a save that loses a race with either writes nothing.
    """
    check_open(attempt)
    now = stored_now()
    changes = {f"answers.{question_id}": value for question_id, value in responses.items()}
    updated = connection.get_collection(Attempt._meta.db_table).update_one(
        {
            "quiz_id": attempt.quiz_id,
            "_id": attempt.pk,
            "state": State.IN_PROGRESS,
            "$or": [{"deadline": None}, {"deadline": {"$gt": now}}],
        },
        {"$set": {**changes, "saved_at": now}},
        session=connection.session,
    )
    if not updated.matched_count:
        # Submitted, or past its deadline, since it was read.
        current = reload(attempt)
        if current.state == State.SUBMITTED:
            raise AttemptSubmitted()
        submit(current)
        raise TimeUp()
    attempt.answers = {**attempt.answers, **responses}
    attempt.saved_at = now
    return attempt


def reload(attempt):
    fresh = Attempt.objects.get(quiz_id=attempt.quiz_id, pk=attempt.pk)
    fresh.release = attempt.release
    return fresh


def submit(attempt):
    """Grade the attempt's saved responses and mark it submitted, once.

    Idempotent: a submitted attempt is returned as stored, never graded
    again. The grade is computed first, then written by one update that
    holds only if the attempt is still in progress with the very responses
    graded (a save in between makes it grade again). Past the deadline, it
    counts as submitted at its deadline. The returned Attempt carries its
    AttemptGrade as `grade` (feedback for the learner, computed, not stored).
    """
    for _round in range(SUBMIT_ROUNDS):
        if attempt.state == State.SUBMITTED:
            attempt.grade = grade(attempt)
            return attempt
        result = grade(attempt)
        now = stored_now()
        submitted_at = min(now, attempt.deadline) if attempt.deadline else now
        rows = [QuestionResult(**row) for row in result.result_rows()]
        updated = Attempt.objects.filter(
            quiz_id=attempt.quiz_id,
            pk=attempt.pk,
            state=State.IN_PROGRESS,
            saved_at=attempt.saved_at,
        ).update(
            state=State.SUBMITTED,
            score=result.score,
            max_score=result.max_score,
            percent=result.percent,
            passed=result.passed,
            results=rows,
            submitted_at=submitted_at,
            ungraded=result.ungraded,
        )
        if updated:
            attempt.state = State.SUBMITTED
            attempt.score, attempt.max_score = result.score, result.max_score
            attempt.percent, attempt.passed = result.percent, result.passed
            attempt.results, attempt.submitted_at = rows, submitted_at
            attempt.ungraded = result.ungraded
            attempt.grade = result
            return attempt
        attempt = reload(attempt)
    raise RuntimeError("an attempt kept changing while it was submitted")
