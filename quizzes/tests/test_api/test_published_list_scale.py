"""The published list API at scale: its first page, a page 1,000 pages deep and the page
back from the middle cost the same MongoDB commands with 50 live releases as with
20,000, and each list query reads its page's index keys, no document, with no sort."""

import pytest
from django.db import connection

from quizzes import operations
from quizzes.api.pagination import PAGE_SIZE
from quizzes.listing import Position
from quizzes.models import Release
from quizzes.tests.listing_scale import explain, insert_copies, list_commands
from quizzes.tests.test_api.test_list_scale import cursor

pytestmark = pytest.mark.django_db

SMALL, LARGE = 50, 20_000
URL = "/api/v1/published/"
ESSAY = {"type": "essay", "name": "Why", "text": "Why binary?"}


def add_releases(owner, count, live=True):
    """Publish a quiz of `owner` and insert `count` - 1 copies of its release, each the
    live release of a quiz of its own (or none live), older and older."""
    quiz = operations.create_quiz(owner, {"title": "Published"}, [ESSAY])
    release = operations.publish_quiz(quiz)
    insert_copies(release, "title", "Copy", count, "published_at", new_ids=("quiz_id",))
    if not live:
        releases = connection.get_collection(Release._meta.db_table)
        releases.update_many({"owner_id": owner.pk}, {"$set": {"live": False}})


def position(depth):
    """The position of the live release number `depth` in the list (0: the newest)."""
    release = Release.objects.filter(live=True).order_by("-published_at", "-id")[depth]
    return Position(release.published_at, release.pk)


def measure(api, count):
    """{name: (results, commands, list query)} of the list requests."""
    last_page = (min(count, 1_000 * PAGE_SIZE) - 1) // PAGE_SIZE
    urls = {
        "first": URL,
        "deep": f"{URL}?cursor={cursor(position(last_page * PAGE_SIZE - 1))}",
        "back": f"{URL}?cursor={cursor(position(count // 2), reverse=True)}",
    }
    measured = {}
    for name, url in urls.items():
        response, commands, query = list_commands(api, url, Release)
        measured[name] = (response.json()["results"], commands, query)
    return measured


def test_published_list_costs_the_same_for_50_and_20000_releases(api, teacher, other_teacher):
    add_releases(other_teacher, 500, live=False)
    add_releases(teacher, SMALL)
    small = measure(api, SMALL)
    add_releases(teacher, LARGE - SMALL)
    large = measure(api, LARGE)
    for name in small:
        assert large[name][1] == small[name][1], name
        releases = [command for command in large[name][1] if command[1].startswith("quizzes_")]
        assert releases == [("aggregate", "quizzes_release")] * 2, name  # positions, by id
    for measured in (small, large):
        assert len(measured["first"][0]) == len(measured["back"][0]) == PAGE_SIZE
        assert measured["first"][0][0]["title"] == "Published"
    assert len(large["deep"][0]) == PAGE_SIZE  # the 1,000th page, the last
    assert len(small["deep"][0]) == SMALL % PAGE_SIZE
    for name, (_results, _commands, query) in large.items():
        documents, stages, indexes = explain(query)
        assert indexes == {"release_live_published_id"}, name
        assert "SORT" not in stages, name
        assert documents == 0, name  # the index alone answers
