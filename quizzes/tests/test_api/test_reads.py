"""The API's hot reads: token authentication, a quiz's detail, a published quiz.

Each is asserted command by command ((command, collection) in order), and the
same for a quiz of 1 question as for one of 1,000.
"""

import gzip
import json

import pytest
from django.contrib.auth.models import User
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.renderers import JSONRenderer

from quizzes import bank, documents, operations
from quizzes.api.serializers import (
    QuestionSerializer,
    SlotSerializer,
    representation,
    slot_rows,
)
from quizzes.models import Attempt, Question, Quiz, Release
from quizzes.tests.fixtures.plugin import token_client
from quizzes.tests.test_api.conftest import QUESTIONS, assert_problem, quiz_url
from quizzes.validation import clean_question
from sessions_mw.tests.conftest import CommandRecorder, backend_client_with

TOKEN = Token._meta.db_table
USER = User._meta.db_table
RELEASE = Release._meta.db_table
AUTHENTICATION = [("find", TOKEN), ("find", USER)]


def commands(recorder):
    """(name, collection) of the commands `recorder` saw, but the throttle's counters."""
    return [
        (name, command[name])
        for name, command in recorder.commands
        if not str(command.get(name, "")).startswith("openquizz_")
    ]


def recorded(request):
    """(response, [(command, collection)]) of `request()`."""
    recorder = CommandRecorder()
    with backend_client_with(recorder):
        response = request()
    return response, commands(recorder)


def questions(count):
    return [
        {
            "type": "multichoice",
            "name": f"Q{n}",
            "text": f"{n} + {n}?",
            "answers": [{"text": str(n + n), "fraction": 100}, {"text": "0", "fraction": 0}],
        }
        for n in range(count)
    ]


# -- token authentication ---------------------------------------------------------------
def test_a_token_request_reads_the_token_by_its_index_then_the_user(api):
    recorder = CommandRecorder()
    with backend_client_with(recorder):
        response = api.get(quiz_url(Quiz(pk="0" * 24)))
    assert response.status_code == 404
    assert commands(recorder)[:2] == AUTHENTICATION
    token, user = recorder.named("find")[:2]
    plan = str(connection.database[TOKEN].find(token["filter"]).explain()["queryPlanner"])
    assert "'indexName': 'authtoken_token_key_" in plan and "COLLSCAN" not in plan
    assert list(user["filter"]) == ["_id"]


@pytest.mark.parametrize(
    "header",
    [
        "Token 0123456789abcdef0123456789abcdef01234567",
        "Token {key}x",
        'Token {{"$ne": null}}',
        "Token",
        "Token {key} {key}",
    ],
)
def test_unknown_or_forged_tokens_are_refused(anonymous, teacher, secret_quiz, header):
    key = Token.objects.create(user=teacher).key
    anonymous.credentials(HTTP_AUTHORIZATION=header.format(key=key))
    assert_problem(anonymous.get(quiz_url(secret_quiz)), 401)


def test_a_deleted_token_is_refused_at_the_next_request(api, teacher, secret_quiz):
    assert api.get(quiz_url(secret_quiz)).status_code == 200
    Token.objects.filter(user=teacher).delete()
    assert_problem(api.get(quiz_url(secret_quiz)), 401)


def test_an_inactive_or_deleted_user_is_refused_at_the_next_request(api, teacher, secret_quiz):
    assert api.get(quiz_url(secret_quiz)).status_code == 200
    User.objects.filter(pk=teacher.pk).update(is_active=False)
    assert_problem(api.get(quiz_url(secret_quiz)), 401)
    key = Token.objects.get(user=teacher).key
    connection.get_collection(USER).delete_one({"_id": teacher.pk})
    client = token_client(None)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert_problem(client.get(quiz_url(secret_quiz)), 401)


# -- a quiz's detail ------------------------------------------------------------------
@pytest.mark.parametrize("count", [1, 1000])
def test_a_quizs_detail_reads_the_same_commands_whatever_its_size(api, make_quiz, count):
    quiz = make_quiz("Big", questions(count))
    response, seen = recorded(lambda: api.get(quiz_url(quiz)))
    assert response.status_code == 200
    assert len(response.json()["questions"]) == count
    assert seen == [
        *AUTHENTICATION,
        ("find", Quiz._meta.db_table),
        ("aggregate", Attempt._meta.db_table),
        ("find", Question._meta.db_table),
    ]


def test_a_quizs_questions_and_slots_read_as_documents_show_as_the_models_do(make_quiz, teacher):
    quiz = make_quiz("All", QUESTIONS.values(), owner=teacher)
    first = quiz.slots[0]
    first.points = 7.5
    Quiz.objects.filter(pk=quiz.pk).update(slots=quiz.slots)
    # An answer stored before a field of answers existed reads with its default.
    stored = connection.get_collection(Question._meta.db_table)
    stored.update_one({"_id": first.question}, {"$unset": {"answers.0.text_format": ""}})
    quiz.refresh_from_db()
    models = QuestionSerializer(operations.quiz_questions(quiz), many=True).data
    read = operations.quiz_question_documents(quiz)
    documents = [representation(QuestionSerializer)(document) for document in read]
    # The same bytes: 2 and 2.0 are equal numbers, not equal JSON.
    assert JSONRenderer().render(documents) == JSONRenderer().render(models)
    assert documents[0]["points"] == 7.5
    assert QuestionSerializer(read, many=True).data == documents
    category = bank.create_category(teacher, {"name": "Pool"})
    operations.add_random_slot(quiz, category, 1)
    rows = slot_rows(quiz.slots)
    shown = [representation(SlotSerializer)(row) for row in rows]
    assert JSONRenderer().render(shown) == JSONRenderer().render(
        SlotSerializer(rows, many=True).data
    )
    assert shown[-1]["question"] is None and shown[-1]["category"]["name"] == "Pool"


def test_a_quizs_detail_names_the_categories_of_its_random_slots(api, make_quiz, teacher):
    quiz = make_quiz("Drawn", questions(2))
    category = bank.create_category(teacher, {"name": "Pool"})
    operations.add_random_slot(quiz, category, 1)
    response, seen = recorded(lambda: api.get(quiz_url(quiz)))
    assert response.json()["slots"][-1]["category"] == {"id": str(category.pk), "name": "Pool"}
    assert seen[-2:] == [("find", Question._meta.db_table), ("find", "quizzes_category")]


# -- a published quiz -----------------------------------------------------------------
def published_url(key):
    return f"/api/v1/published/{key}/"


@pytest.mark.parametrize("count", [1, 1000])
@pytest.mark.parametrize("by", ["id", "code"])
def test_a_published_quiz_is_one_find_once_rendered(anonymous, make_quiz, count, by):
    quiz = make_quiz("Big", questions(count))
    operations.publish_quiz(quiz)
    url = published_url(quiz.pk if by == "id" else quiz.share_code)
    first, rendering = recorded(lambda: anonymous.get(url))
    again, seen = recorded(lambda: anonymous.get(url))
    assert first.status_code == again.status_code == 200
    assert len(again.json()["questions"]) == count
    assert again.content == first.content and again["ETag"] == first["ETag"] == f'"{quiz.version}"'
    assert rendering == [("find", RELEASE), ("aggregate", RELEASE)]
    assert seen == [("find", RELEASE)]


@pytest.mark.parametrize("by", ["id", "code"])
def test_if_none_match_naming_the_live_release_answers_304(anonymous, published, by):
    url = published_url(published.pk if by == "id" else published.share_code)
    tag = f'"{published.version}"'
    response, seen = recorded(lambda: anonymous.get(url, HTTP_IF_NONE_MATCH=f'"0", {tag}'))
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == tag
    assert seen == [("find", RELEASE)]
    assert anonymous.get(url, HTTP_IF_NONE_MATCH=f"W/{tag}").status_code == 304
    # Published again: another release, another version, the whole body.
    operations.publish_quiz(published)
    response = anonymous.get(url, HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 200
    assert response["ETag"] == f'"{published.version}"' != tag


def test_random_questions_are_drawn_anew_at_each_request(anonymous, make_quiz, teacher):
    category = bank.create_category(teacher, {"name": "Pool"})
    pool = [clean_question(question) for question in questions(20)]
    bank.create_questions(teacher, [category] * 20, pool, teacher)
    quiz = make_quiz("Drawn", questions(1))
    operations.add_random_slot(quiz, category, 3)
    operations.publish_quiz(quiz)
    drawn = set()
    for _ in range(6):
        response, seen = recorded(lambda: anonymous.get(published_url(quiz.share_code)))
        assert seen == [("find", RELEASE), ("aggregate", RELEASE)]
        drawn.add(tuple(question["id"] for question in response.json()["questions"]))
    assert len(drawn) > 1


def test_media_urls_are_absolute_on_each_requests_host(anonymous, make_quiz):
    sha = "a" * 64
    quiz = make_quiz("Pictures", [{**questions(1)[0], "text": f"![x](/media/{sha}/x.png)"}])
    operations.publish_quiz(quiz)
    url = published_url(quiz.share_code)
    for host in ("localhost", "127.0.0.1", "localhost"):
        text = anonymous.get(url, HTTP_HOST=host).json()["questions"][0]["text_html"]
        assert f"http://{host}/media/{sha}/x.png" in text


def test_an_instance_from_a_document_is_the_one_a_query_reads(secret_quiz, staff):
    def values(obj):
        return {
            field.name: values(value) if hasattr(value, "_meta") else value
            for field in obj._meta.concrete_fields
            for value in [getattr(obj, field.attname)]
        }

    user = documents.instance(User, documents.find_one(User, {"_id": staff.pk}))
    assert values(user) == values(User.objects.get(pk=staff.pk))
    assert user.date_joined.tzinfo is not None and not user._state.adding
    quiz = documents.instance(Quiz, documents.find_one(Quiz, {"_id": secret_quiz.pk}))
    read = Quiz.objects.get(pk=secret_quiz.pk)
    assert {**values(quiz), "slots": None} == {**values(read), "slots": None}
    assert [values(slot) for slot in quiz.slots] == [values(slot) for slot in read.slots]


def test_the_published_list_is_gzipped_for_clients_that_accept_it(anonymous, make_quiz):
    for n in range(5):
        operations.publish_quiz(make_quiz(f"Quiz {n}", questions(1)))
    plain = anonymous.get("/api/v1/published/")
    packed = anonymous.get("/api/v1/published/", HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert json.loads(gzip.decompress(packed.content)) == plain.json()


def test_a_published_quiz_keeps_its_strong_etag_for_if_match(anonymous, published):
    response = anonymous.get(published_url(published.pk), HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in response
    assert response["ETag"] == f'"{published.version}"'


def test_a_body_is_kept_per_media_type_asked_for(anonymous, published):
    url = published_url(published.share_code)
    compact = anonymous.get(url, HTTP_ACCEPT="application/json")
    indented = anonymous.get(url, HTTP_ACCEPT="application/json; indent=2")
    assert b"\n" not in compact.content and b'\n  "id"' in indented.content
    assert anonymous.get(url, HTTP_ACCEPT="application/json").content == compact.content
    assert json.loads(indented.content) == compact.json()
