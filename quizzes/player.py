"""The learner player's rules that are not the attempt lifecycle's (quizzes.attempts):
which questions each page shows, which attempt a browser may resume, and which
responses of a page may be saved.

Resume cookies: an anonymous learner proves an attempt is theirs with its
secret token, which the player keeps in a signed cookie per attempt (named
after the attempt, so a cookie cannot be moved to another attempt), HttpOnly,
SameSite=Lax and sent only under the quiz's own /q/<code>/ path. A missing,
expired or tampered cookie is no cookie: the attempt is not found (404).
The same cookies count the browser's earlier attempts at the quiz.
"""

import random
import re
from dataclasses import dataclass
from datetime import timedelta

from bson import ObjectId
from django.conf import settings
from django.urls import reverse

from quizzes import attempts
from quizzes.api.serializers import response_fits
from quizzes.learner import numbered, read_response, response_problems
from quizzes.models import Attempt
from quizzes.qtypes import registry

COOKIE_PREFIX = "oq_attempt_"
COOKIE_SALT = "quizzes.player.resume"
COOKIE_MAX_AGE = timedelta(days=3)
ATTEMPT_KEY = re.compile(r"[0-9a-f]{48}")


# -- pages ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Page:
    """One page of an attempt: its `number` (from 1) and its questions, each as
    (question number or None, (question id, learner payload))."""

    number: int
    questions: list


def pages(questions, one_per_page):
    """The pages of an attempt whose questions are `questions` ([(id, learner payload)],
    in the attempt's order): one per question, or one with them all."""
    shown = list(numbered(questions))
    if not one_per_page:
        return [Page(1, shown)]
    return [Page(index, [question]) for index, question in enumerate(shown, start=1)]


def page_number(value, count):
    """The page asked for by `value` (a ?page= parameter), within 1..count; 1 when unreadable."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), count)


def shuffler(attempt, question_id):
    """A function shuffling a question's answers in place, the same way at every
    request of `attempt` (its seed), or None when its release keeps their order."""
    if not attempt.release.options.shuffle_answers:
        return None
    rng = random.Random(f"{attempt.seed}:{question_id}")  # noqa: S311 (an order, not a secret)
    return rng.shuffle


# -- responses -------------------------------------------------------------------------
def read_page(post, questions, keys):
    """(responses, problems) of one page's form: {question id: response} of the
    questions that take one (`questions`: a Page's), and {question id: why its
    response cannot be saved}: a response of the wrong shape, as the API
    checks it, or one its type refuses (an essay's word limits).

    `keys` are the attempt's answer keys (attempts.answer_keys).
    """
    responses, problems = {}, {}
    for _number, (question_id, view) in questions:
        if not registry.of(view).scored:
            continue
        responses[question_id] = response = read_response(post, question_id, view)
        key = keys[question_id]
        if not response_fits(key, response):
            problems[question_id] = str(registry.of(key).response_message)
    fitting = [
        (question_id, keys[question_id]) for question_id in responses if question_id not in problems
    ]
    problems.update(response_problems(fitting, responses))
    return responses, problems


def answered(view, response):
    """Whether `response` answers the question of learner payload `view`."""
    return not registry.of(view).is_unanswered(response)


# -- resume cookies ------------------------------------------------------------------------
def cookie_name(key):
    """The resume cookie of the attempt whose public id is `key`."""
    return COOKIE_PREFIX + key


def set_resume_cookie(response, code, attempt):
    """Let this browser come back to the anonymous `attempt` (it carries its `token`)."""
    response.set_signed_cookie(
        cookie_name(attempts.public_id(attempt)),
        attempt.token,
        salt=COOKIE_SALT,
        max_age=COOKIE_MAX_AGE,
        path=reverse("player:start", args=[code]),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def resume_token(request, key):
    """The token this browser holds for the attempt `key`, or None (none, expired, tampered)."""
    return request.get_signed_cookie(
        cookie_name(key), default=None, salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE
    )


def browser_attempts(request):
    """{attempt public id: token} of the attempts this browser started at the quiz
    whose pages it asks for (cookies are sent under their quiz's path only)."""
    held = {}
    for name in request.COOKIES:
        key = name.removeprefix(COOKIE_PREFIX)
        if name.startswith(COOKIE_PREFIX) and ATTEMPT_KEY.fullmatch(key):
            token = resume_token(request, key)
            if token:
                held[key] = token
    return held


def split_key(key):
    """(quiz id, attempt id) of an attempt's public id (48 hex digits)."""
    return ObjectId(key[:24]), ObjectId(key[24:])


def user_attempts(release, user):
    """How many attempts `user` made at the quiz of `release`, counted only when the
    quiz limits them (else 0: nothing to count them against)."""
    if release.options.attempts_allowed is None:
        return 0
    return attempts.user_attempt_count(release, user)


def in_progress(release, user, held):
    """The latest attempt in progress, its time not up, at the quiz of `release` that
    `user` (None: anonymous) started, or this browser (`held`: browser_attempts)."""
    if user is not None:
        mine = Attempt.objects.filter(quiz_id=release.quiz_id, user=user)
    else:
        ids = [
            attempt_id for quiz_id, attempt_id in map(split_key, held) if quiz_id == release.quiz_id
        ]
        if not ids:
            return None
        mine = Attempt.objects.filter(quiz_id=release.quiz_id, pk__in=ids)
    for attempt in mine.filter(state=attempts.State.IN_PROGRESS).order_by("-started_at"):
        if not attempts.time_is_up(attempt) and (
            user is not None or attempts.may_use(attempt, None, held[attempts.public_id(attempt)])
        ):
            return attempt
    return None
