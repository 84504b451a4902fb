"""The quiz list API at scale: the first page, a page 1,000 pages deep, the page back
from the middle, a status filter and a search cost the same MongoDB commands for a
teacher with 50 quizzes as with 20,000, and each list query reads its page's index
keys (and no document, but for a search: its matches) with no sort."""

import base64
from urllib.parse import urlencode

import pytest

from quizzes.api.pagination import PAGE_SIZE
from quizzes.tests.listing_scale import add_copies, explain, list_commands, position

pytestmark = pytest.mark.django_db

SMALL, LARGE = 50, 20_000
# What each list request asks of the quizzes' collections: the page's positions (along
# an index), its quizzes by id, and their attempt counts.
QUIZZES_COMMANDS = [
    ("aggregate", "quizzes_quiz"),
    ("aggregate", "quizzes_quiz"),
    ("aggregate", "quizzes_attempt"),
]


def cursor(position, reverse=False):
    """The `cursor` parameter of the list's links for `position`."""
    tokens = {"p": str(position), **({"r": "1"} if reverse else {})}
    return base64.b64encode(urlencode(tokens).encode()).decode()


def requests(teacher, count):
    """{name: url} of the list requests measured once `teacher` has `count` quizzes."""
    last_page = (min(count, 1_000 * PAGE_SIZE) - 1) // PAGE_SIZE  # its first quiz's depth / 20
    deep = position(teacher, last_page * PAGE_SIZE - 1)
    middle = position(teacher, count // 2)
    return {
        "first": "/api/v1/quizzes/",
        "deep": f"/api/v1/quizzes/?cursor={cursor(deep)}",
        "back": f"/api/v1/quizzes/?cursor={cursor(middle, reverse=True)}",
        "status": "/api/v1/quizzes/?status=draft",
        "search": "/api/v1/quizzes/?search=needle",
    }


def measure(api, teacher, count):
    """{name: (results, commands, list query)} of the list requests."""
    measured = {}
    for name, url in requests(teacher, count).items():
        response, commands, query = list_commands(api, url)
        measured[name] = (response.json()["results"], commands, query)
    return measured


def quizzes_commands(commands):
    return [command for command in commands if command[1].startswith("quizzes_")]


def test_list_requests_cost_the_same_for_50_and_20000_quizzes(api, teacher, other_teacher):
    add_copies(other_teacher, 500, title="Not mine")
    add_copies(teacher, SMALL - 1)
    add_copies(teacher, 1, title="Needle")
    small = measure(api, teacher, SMALL)
    add_copies(teacher, LARGE - SMALL)
    large = measure(api, teacher, LARGE)
    for name in small:
        large_commands = large[name][1]
        assert large_commands == small[name][1], name
        assert quizzes_commands(large_commands) == QUIZZES_COMMANDS, name
    for measured in (small, large):
        assert [quiz["title"] for quiz in measured["search"][0]] == ["Needle model"]
        assert len(measured["first"][0]) == len(measured["back"][0]) == PAGE_SIZE
    assert len(large["deep"][0]) == PAGE_SIZE  # the 1,000th page, the last
    assert len(small["deep"][0]) == SMALL % PAGE_SIZE


def test_list_queries_read_their_page_along_an_index(api, teacher, other_teacher):
    add_copies(other_teacher, 500, title="Not mine")
    add_copies(teacher, LARGE - 1)
    add_copies(teacher, 1, title="Needle")
    measured = measure(api, teacher, LARGE)
    expected_index = {
        "first": "quiz_owner_updated_id",
        "deep": "quiz_owner_updated_id",
        "back": "quiz_owner_updated_id",
        "status": "quiz_owner_status_updated",
        "search": "quiz_text",
    }
    for name, (_results, _commands, query) in measured.items():
        documents, stages, indexes = explain(query)
        assert indexes == {expected_index[name]}, name
        assert documents <= PAGE_SIZE + 1, name
        if name == "search":
            assert documents <= 2  # the one match (read by the text stage, then fetched)
        else:
            assert "SORT" not in stages, name
            assert documents == 0, name  # the index alone answers
