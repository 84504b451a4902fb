"""Sharing through the API: share_code and share_url, published quizzes by code, start rules."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from quizzes import operations, releases
from quizzes.models import Attempt, Release
from quizzes.tests.fixtures.plugin import db_snapshot, token_client
from quizzes.tests.test_api.conftest import SECRET, assert_problem, question_ids, quiz_url
from quizzes.tests.test_api.test_releases import quizzes_commands
from quizzes.tests.test_sharing import TRUE_FALSE
from sessions_mw.tests.conftest import CommandRecorder, backend_client_with

pytestmark = pytest.mark.django_db


def published_url(key, suffix=""):
    return f"/api/v1/published/{key}/{suffix}"


def with_options(api, quiz, **options):
    response = api.patch(quiz_url(quiz), {"options": options}, format="json")
    assert response.status_code == 200, response.content
    assert api.post(quiz_url(quiz, "publish/")).status_code == 200


def test_a_quiz_has_its_share_link_once_published(api, secret_quiz):
    body = api.get(quiz_url(secret_quiz)).json()
    assert (body["share_code"], body["share_url"]) == (None, None)
    api.post(quiz_url(secret_quiz, "publish/"))
    body = api.get(quiz_url(secret_quiz)).json()
    code = body["share_code"]
    assert len(code) == 7
    assert body["share_url"] == f"http://testserver/q/{code}/"
    listed = api.get("/api/v1/quizzes/").json()["results"][0]
    assert (listed["share_code"], listed["share_url"]) == (code, body["share_url"])
    api.post(quiz_url(secret_quiz, "unpublish/"))
    assert api.get(quiz_url(secret_quiz)).json()["share_code"] == code


def test_the_share_code_cannot_be_written(api, published):
    before = db_snapshot()
    body = assert_problem(
        api.patch(quiz_url(published), {"share_code": "ABCDEFG"}, format="json"), 400, "invalid"
    )
    assert "share_code" in body["errors"]
    assert db_snapshot() == before


@pytest.mark.parametrize("lower", [False, True])
def test_a_published_quiz_is_read_by_its_code_in_any_case(anonymous, published, lower):
    code = published.share_code.lower() if lower else published.share_code
    by_code = anonymous.get(published_url(code))
    assert by_code.status_code == 200, by_code.content
    by_id = anonymous.get(published_url(published.pk))
    assert by_code.json()["id"] == by_id.json()["id"] == str(published.pk)
    assert by_code["ETag"] == by_id["ETag"]


@pytest.mark.parametrize("key", ["ABCDEFG", "abcdef0", "ABCDEF", "ABCDEFGH", "ABC-DEFG", "0" * 24])
def test_an_unknown_or_malformed_code_is_a_404(anonymous, published, key):
    assert_problem(anonymous.get(published_url(key)), 404)


def test_an_unpublished_quiz_is_not_found_by_its_code(api, anonymous, published):
    code = published.share_code
    api.post(quiz_url(published, "unpublish/"))
    assert_problem(anonymous.get(published_url(code)), 404, "not_found")


def test_get_published_by_code_reads_the_release_with_one_command(anonymous, published, make_quiz):
    for title in ("Other", "Another"):  # live releases the code's index leaves out
        operations.publish_quiz(make_quiz(title, [TRUE_FALSE]))
    table = Release._meta.db_table
    recorder = CommandRecorder()
    with backend_client_with(recorder):
        first = anonymous.get(published_url(published.share_code.lower()))
        rendering = quizzes_commands(recorder)
        recorder.clear()
        again = anonymous.get(published_url(published.share_code.lower()))
    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    # The release's id and version, then the whole release to render it; rendered
    # once, one command in all: the release's id and version.
    assert rendering == [("find", table), ("aggregate", table)]
    assert quizzes_commands(recorder) == [("find", table)]
    assert len(recorder.commands) == 1
    (command,) = recorder.named("find")
    assert command["filter"] == {"share_code": published.share_code, "live": True}
    explained = connection.database[table].find(command["filter"]).explain()
    plan = str(explained["queryPlanner"]["winningPlan"])
    assert "'indexName': 'release_share_code_live'" in plan and "SORT" not in plan


def test_an_attempt_starts_by_code(anonymous, published):
    response = anonymous.post(
        published_url(published.share_code.lower(), "attempts/"), {"name": "Ada"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert Attempt.objects.get().release == releases.live_release(published)


def test_start_refusals_are_problems_with_their_code(api, anonymous, published, teacher):
    now = timezone.now()
    code = published.share_code
    url = published_url(code, "attempts/")

    with_options(api, published, opens_at=(now + timedelta(days=1)).isoformat())
    body = assert_problem(anonymous.post(url, {"name": "Ada"}, format="json"), 409, "not_open_yet")
    assert "not open yet" in body["detail"]

    # PATCH merges the options: the opening date stays unless set to null.
    yesterday = (now - timedelta(days=1)).isoformat()
    with_options(api, published, opens_at=None, closes_at=yesterday)
    assert_problem(anonymous.post(url, {"name": "Ada"}, format="json"), 409, "closed")
    # The one-shot submission too.
    assert_problem(anonymous.post(url, {"responses": {}}, format="json"), 409, "closed")

    with_options(api, published, closes_at=None, access="signed_in", attempts_allowed=1)
    body = assert_problem(
        anonymous.post(url, {"name": "Ada"}, format="json"), 403, "sign_in_required"
    )
    assert "Sign in" in body["detail"]

    learner = token_client(teacher)
    assert learner.post(url, {}, format="json").status_code == 201
    assert_problem(learner.post(url, {}, format="json"), 409, "no_attempts_left")
    assert Attempt.objects.count() == 1


def test_the_schema_documents_sharing(api):
    schema = api.get("/api/schema/?format=json").json()
    quiz = schema["components"]["schemas"]["Quiz"]["properties"]
    assert {"share_code", "share_url"} <= quiz.keys()
    options = schema["components"]["schemas"]["QuizOptions"]["properties"]
    assert options["opens_at"]["format"] == "date-time"
    path = next(path for path in schema["paths"] if path.startswith("/api/v1/published/{id}/att"))
    responses = schema["paths"][path]["post"]["responses"]
    assert {"403", "409"} <= responses.keys()
    assert "no_attempts_left" in schema["paths"][path]["post"]["description"]


@pytest.mark.parametrize(
    ("options", "score_shown", "feedback_shown"),
    [
        ({}, True, True),
        ({"show_score": False}, False, True),
        ({"show_feedback": False}, True, False),
        ({"show_score": False, "show_feedback": False}, False, False),
    ],
)
def test_learners_see_what_the_options_show_after_submitting(
    api, anonymous, published, options, score_shown, feedback_shown
):
    with_options(api, published, **options)
    url = published_url(published.share_code, "attempts/")
    ids = question_ids(published)
    responses = {ids["truefalse"]: False, ids["shortanswer"]: f"Lutece{SECRET}"}
    one_shot = anonymous.post(url, {"responses": responses}, format="json").json()
    start = anonymous.post(url, {"name": "Ada"}, format="json").json()
    token = {"HTTP_X_ATTEMPT_TOKEN": start["token"]}
    attempt_url = f"/api/v1/attempts/{start['id']}/"
    anonymous.patch(attempt_url, {"responses": responses}, format="json", **token)
    submitted = anonymous.post(f"{attempt_url}submit/", **token).json()
    read = anonymous.get(attempt_url, **token).json()["result"]
    for result in (one_shot, submitted, read):
        assert (result["score"] is not None) is score_shown
        assert (result["passed"] is not None) is score_shown
        rows = {row["question"]: row for row in result["results"]}
        assert (rows[ids["shortanswer"]]["points"] is not None) is score_shown
        assert (rows[ids["shortanswer"]]["state"] == "partial") is score_shown
        assert (SECRET in str(rows)) is feedback_shown
    # The teacher's own records are whole.
    assert {attempt.score for attempt in Attempt.objects.all()} == {0.5}
