"""The results page's attempts table at scale: its first page, in each order it offers
(the newest submitted first, the highest percent first), a page deep in the list, a page
back from the middle and its filters send the same MongoDB commands for 50 attempts as
for 2,000; the pages of each order, unfiltered or filtered by state, are read along an
index by position, with no sort, examining no more attempts than the page holds and
one."""

import pytest

from quizzes import operations, releases
from quizzes.listing import Position
from quizzes.models import Attempt
from quizzes.tests.listing_scale import explain, insert_copies, list_commands
from quizzes.views.results import PAGE_SIZE

pytestmark = pytest.mark.django_db

SMALL, LARGE = 50, 2_000
ORDERS = {"submitted": ("-submitted_at", "-id"), "percent": ("-percent", "-id")}
# What each request asks of the attempts: how many (up to 1,001), the page's positions,
# its attempts by id.
ATTEMPT_READS = [("aggregate", "quizzes_attempt")] * 3


def position(quiz, depth, sort):
    """The position of `quiz`'s attempt number `depth` (0: the first) in the `sort` order."""
    attempt = Attempt.objects.filter(quiz=quiz).order_by(*ORDERS[sort])[depth]
    key = attempt.submitted_at if sort == "submitted" else attempt.percent
    return Position(key, attempt.pk)


def requests(quiz, count):
    """{name: url} of the table's requests measured once `quiz` has `count` attempts."""
    url = f"/quizzes/{quiz.pk}/results/"
    deep = ((count - 1) // PAGE_SIZE) * PAGE_SIZE - 1
    middle = count // 2 + PAGE_SIZE // 2  # more than a page newer than it
    return {
        "first": url,
        "percent": f"{url}?sort=percent",
        "deep": f"{url}?older={position(quiz, deep, 'submitted')}",
        "percent deep": f"{url}?sort=percent&older={position(quiz, deep, 'percent')}",
        "back": f"{url}?newer={position(quiz, middle, 'submitted')}",
        "percent back": f"{url}?sort=percent&newer={position(quiz, middle, 'percent')}",
        "state": f"{url}?state=submitted",
        "state deep": f"{url}?state=submitted&older={position(quiz, deep, 'submitted')}",
        "learner": f"{url}?q=learner",
    }


def measure(client, quiz, count):
    """{name: (page, commands, list query)} of the table's requests."""
    measured = {}
    for name, url in requests(quiz, count).items():
        response, commands, query = list_commands(client, url, Attempt)
        measured[name] = (response.context["page"], commands, query)
    return measured


def test_the_attempts_table_reads_a_page_the_same_for_50_and_2000_attempts(
    owner_client, results_quiz
):
    release = releases.live_release(results_quiz)
    attempt = operations.record_attempt(release, {})
    insert_copies(attempt, "learner_name", "Learner", SMALL, "submitted_at")
    small = measure(owner_client, results_quiz, SMALL)
    insert_copies(attempt, "learner_name", "Learner", LARGE - SMALL + 1, "submitted_at")
    best = operations.record_attempt(release, {})
    Attempt.objects.filter(pk=best.pk).update(percent=100)
    large = measure(owner_client, results_quiz, LARGE + 1)
    for name, (page, commands, _query) in large.items():
        assert commands == small[name][1], name
        reads = [command for command in commands if command[1] == "quizzes_attempt"]
        assert reads == ATTEMPT_READS, name
        assert len(page.items) == (1 if "deep" in name else PAGE_SIZE), name  # the 2,001st
    assert large["first"][0].items[0].pk == large["percent"][0].items[0].pk == best.pk
    assert large["first"][0].items[1].pk == attempt.pk  # the copies were submitted before
    for name, (_page, _commands, query) in large.items():
        if name == "learner":
            continue  # a search examines the attempts it passes over
        documents, stages, indexes = explain(query)
        index = {"percent": "attempt_quiz_percent_id", "state": "attempt_quiz_state_submitted"}
        assert indexes == {index.get(name.split()[0], "attempt_quiz_submitted_id")}, name
        assert "SORT" not in stages, name
        assert documents <= PAGE_SIZE + 1, name
