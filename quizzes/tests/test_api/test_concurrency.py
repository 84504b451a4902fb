"""Optimistic concurrency: ETag = quiz version, If-Match checked on every write, no lost update."""

import threading

import pytest
from django.db import connection

from quizzes import operations
from quizzes.attempts import attempt_counts
from quizzes.models import Quiz
from quizzes.tests.fixtures.plugin import token_client, version_snapshot
from quizzes.tests.test_api.conftest import (
    QUESTIONS,
    RIGHT_RESPONSES,
    assert_problem,
    question_ids,
    quiz_url,
)

pytestmark = pytest.mark.django_db(transaction=True)


def writes(quiz):
    """(method, url, body) of every write If-Match guards."""
    ids = question_ids(quiz)
    question = quiz_url(quiz, f"questions/{ids['essay']}/")
    return [
        ("put", quiz_url(quiz), {"title": "Replaced"}),
        ("patch", quiz_url(quiz), {"title": "Patched"}),
        ("delete", quiz_url(quiz), None),
        ("post", quiz_url(quiz, "reorder/"), {"order": list(ids.values())[::-1]}),
        ("post", quiz_url(quiz, "publish/"), None),
        ("post", quiz_url(quiz, "unpublish/"), None),
        ("post", quiz_url(quiz, "questions/"), QUESTIONS["truefalse"]),
        ("put", question, {**QUESTIONS["essay"], "name": "Replaced"}),
        ("patch", question, {"name": "Patched"}),
        ("delete", question, None),
    ]


WRITE_NAMES = [
    "put quiz",
    "patch quiz",
    "delete quiz",
    "reorder",
    "publish",
    "unpublish",
    "add question",
    "put question",
    "patch question",
    "delete question",
]


@pytest.mark.parametrize("index", range(len(WRITE_NAMES)), ids=WRITE_NAMES)
def test_stale_if_match_is_412_with_the_current_version_and_writes_nothing(api, secret_quiz, index):
    method, url, body = writes(secret_quiz)[index]
    operations.update_quiz(secret_quiz, {"description": "someone else's edit"})  # now version 2
    before = version_snapshot()
    response = getattr(api, method)(url, body, HTTP_IF_MATCH='"1"')
    problem = assert_problem(response, 412, "precondition_failed")
    assert problem["current_version"] == 2
    assert response["ETag"] == '"2"'
    assert version_snapshot() == before


@pytest.mark.parametrize("index", range(len(WRITE_NAMES)), ids=WRITE_NAMES)
def test_current_if_match_lets_the_write_through(api, secret_quiz, index):
    method, url, body = writes(secret_quiz)[index]
    response = getattr(api, method)(url, body, HTTP_IF_MATCH='"1"')
    assert response.status_code in (200, 201, 204), response.content
    if response.status_code != 204:
        assert response["ETag"] == '"2"'


@pytest.mark.parametrize(
    ("if_match", "status"),
    [
        ("*", 200),
        ('"0", "1"', 200),
        ('W/"1"', 412),  # weak tags never match a strong comparison
        ("1", 412),  # not an entity tag
        ('"01"', 412),
    ],
)
def test_if_match_forms(api, secret_quiz, if_match, status):
    response = api.patch(quiz_url(secret_quiz), {"title": "New"}, HTTP_IF_MATCH=if_match)
    assert response.status_code == status


def test_without_if_match_the_last_writer_wins(api, secret_quiz):
    assert api.patch(quiz_url(secret_quiz), {"title": "First"}).status_code == 200
    assert api.patch(quiz_url(secret_quiz), {"title": "Second"}).status_code == 200
    assert Quiz.objects.get(pk=secret_quiz.pk).title == "Second"


def test_two_clients_with_the_same_version_the_second_gets_412(secret_quiz, teacher, staff):
    alice, bob = token_client(teacher), token_client(staff)
    version = alice.get(quiz_url(secret_quiz))["ETag"]
    assert bob.get(quiz_url(secret_quiz))["ETag"] == version
    assert (
        alice.patch(quiz_url(secret_quiz), {"title": "Alice"}, HTTP_IF_MATCH=version).status_code
        == 200
    )
    response = bob.patch(quiz_url(secret_quiz), {"title": "Bob"}, HTTP_IF_MATCH=version)
    assert assert_problem(response, 412)["current_version"] == 2
    assert Quiz.objects.get(pk=secret_quiz.pk).title == "Alice"


def race(count, request):
    """Run request(index) in `count` threads released together; their responses by index."""
    barrier = threading.Barrier(count)
    responses = [None] * count

    def run(index):
        try:
            barrier.wait()
            responses[index] = request(index)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


def test_racing_clients_on_one_version_exactly_one_wins(secret_quiz, teacher):
    clients = [token_client(teacher) for _ in range(4)]
    responses = race(
        4,
        lambda i: clients[i].patch(
            quiz_url(secret_quiz), {"title": f"client {i}"}, HTTP_IF_MATCH='"1"'
        ),
    )
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200, 412, 412, 412]
    winner = next(i for i, response in enumerate(responses) if response.status_code == 200)
    stored = Quiz.objects.get(pk=secret_quiz.pk)
    assert (stored.title, stored.version) == (f"client {winner}", 2)


def test_racing_attempts_count_every_attempt(published, teacher):
    clients = [token_client(teacher) for _ in range(4)]
    ids = question_ids(published)
    responses = {ids[kind]: RIGHT_RESPONSES[kind] for kind in ids}
    url = f"/api/v1/published/{published.pk}/attempts/"
    results = race(4, lambda i: clients[i].post(url, {"responses": responses}))
    assert [response.status_code for response in results] == [201] * 4
    assert attempt_counts([published.pk]) == {published.pk: 4}


EMPTY_IF_MATCH = (
    'The If-Match header is empty: send the ETag you last read (e.g. "7"), or leave the '
    "header out to write whatever the current version."
)


@pytest.mark.parametrize("if_match", ["", "  ", ", ,"])
@pytest.mark.parametrize("index", range(len(WRITE_NAMES)), ids=WRITE_NAMES)
def test_an_empty_if_match_is_400_and_writes_nothing(api, secret_quiz, index, if_match):
    method, url, body = writes(secret_quiz)[index]
    before = version_snapshot()
    response = getattr(api, method)(url, body, HTTP_IF_MATCH=if_match)
    assert assert_problem(response, 400, "parse_error")["detail"] == EMPTY_IF_MATCH
    assert version_snapshot() == before


def test_an_empty_if_match_on_the_bank_is_400(api, secret_quiz):
    question = operations.quiz_questions(secret_quiz)[0]
    for url in [
        f"/api/v1/categories/{question.category_id}/",
        f"/api/v1/questions/{question.pk}/",
    ]:
        response = api.patch(url, {"name": "Renamed"}, HTTP_IF_MATCH="")
        assert assert_problem(response, 400, "parse_error")["detail"] == EMPTY_IF_MATCH
    assert operations.quiz_questions(secret_quiz)[0].name == question.name
