"""A quiz's attempts in the API at scale: its first page, its last page and a page back
from the middle read their page the same way for 50 attempts as for 2,000, along the
index (quiz, -submitted_at, -id), with no sort, examining no more attempts than the
page holds and one; attempts in progress (not submitted) come last. Only the first
page (no cursor) reads the statistics, which read every submitted attempt: the
following pages' commands do not grow with the attempts."""

import pytest
from django.db import connection

from quizzes import operations, releases
from quizzes.api.pagination import PAGE_SIZE
from quizzes.listing import Position
from quizzes.models import Attempt
from quizzes.tests.listing_scale import explain, insert_copies, list_commands
from quizzes.tests.test_api.test_attempts import start
from quizzes.tests.test_api.test_list_scale import cursor

pytestmark = pytest.mark.django_db

SMALL, LARGE = 50, 2_000
STATISTICS_BATCH = 500  # quizzes.statistics reads every submitted attempt, 500 a batch
# The page's positions, its attempts by id; on the first page the statistics: every
# submitted attempt's marks and answers chosen.
PAGE_READS = [("aggregate", "quizzes_attempt")] * 2
STATISTICS_READS = [("aggregate", "quizzes_attempt")]


def url(quiz, position=None, reverse=False):
    page = f"?cursor={cursor(position, reverse)}" if position else ""
    return f"/api/v1/quizzes/{quiz.pk}/attempts/{page}"


def position(quiz, depth):
    """The position of `quiz`'s attempt number `depth` in the list (0: the newest)."""
    attempt = Attempt.objects.filter(quiz=quiz).order_by("-submitted_at", "-id")[depth]
    return Position(attempt.submitted_at, attempt.pk)


def measure(api, quiz, count):
    """{name: (body, commands, list query)} of the list requests at `count` attempts."""
    last_page = (count - 1) // PAGE_SIZE
    urls = {
        "first": url(quiz),
        "last": url(quiz, position(quiz, last_page * PAGE_SIZE - 1)),
        "back": url(quiz, position(quiz, count // 2), reverse=True),
    }
    measured = {}
    for name, address in urls.items():
        response, commands, query = list_commands(api, address, Attempt)
        measured[name] = (response.json(), commands, query)
    return measured


def test_the_attempt_list_reads_a_page_the_same_for_50_and_2000_attempts(api, published):
    attempt = operations.record_attempt(releases.live_release(published), {})
    insert_copies(attempt, "learner_name", "Learner", SMALL, "submitted_at")
    small = measure(api, published, SMALL)
    insert_copies(attempt, "learner_name", "Learner", LARGE - SMALL + 1, "submitted_at")
    large = measure(api, published, LARGE)
    more = ("getMore", "quizzes_attempt")  # the statistics' next batches
    for name in small:
        first = name == "first"
        assert more not in small[name][1], name
        # 3 more batches, then one that finds the statistics' cursor exhausted
        assert large[name][1].count(more) == (LARGE // STATISTICS_BATCH if first else 0), name
        assert [command for command in large[name][1] if command != more] == small[name][1]
        reads = [command for command in small[name][1] if command[1] == "quizzes_attempt"]
        assert reads == PAGE_READS + (STATISTICS_READS if first else []), name
    for measured, count in ((small, SMALL), (large, LARGE)):
        results = {name: body["results"] for name, (body, _commands, _query) in measured.items()}
        assert len(results["first"]) == len(results["back"]) == PAGE_SIZE
        assert len(results["last"]) == count - (count - 1) // PAGE_SIZE * PAGE_SIZE
        assert results["first"][0]["id"] == str(attempt.pk)
        assert measured["first"][0]["statistics"]["count"] == count
        assert measured["last"][0]["statistics"] is measured["back"][0]["statistics"] is None
    for name, (_results, _commands, query) in large.items():
        documents, stages, indexes = explain(query)
        assert indexes == {"attempt_quiz_submitted_id"}, name
        assert "SORT" not in stages, name
        assert documents <= PAGE_SIZE + 1, name


def test_attempts_in_progress_come_last_and_page_both_ways(api, anonymous, published):
    live = releases.live_release(published)
    submitted = [operations.record_attempt(live, {}).pk for _ in range(3)]
    in_progress = [start(anonymous, published, name="Ada")["id"][24:] for _ in range(3)]
    expected = [str(pk) for pk in submitted[::-1]] + in_progress[::-1]
    seen, address = [], url(published) + "?page_size=2"
    pages = []
    while address:
        body = api.get(address).json()
        pages.append(body)
        seen += [row["id"] for row in body["results"]]
        address = body["next"]
    assert seen == expected
    back = api.get(pages[-1]["previous"]).json()
    assert [row["id"] for row in back["results"]] == expected[2:4]
    attempts = connection.get_collection(Attempt._meta.db_table)
    assert attempts.count_documents({"submitted_at": None}) == 3
