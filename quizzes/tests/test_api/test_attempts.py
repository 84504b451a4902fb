"""The player lifecycle of the API: start an attempt, save responses, submit (idempotent).

Time passes by moving a stored deadline into the past: the server compares
it with its own clock, which is what is under test.
"""

import hashlib
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from quizzes import bank, operations, releases
from quizzes.models import Attempt
from quizzes.tests.fixtures.plugin import question_named, token_client
from quizzes.tests.test_api.conftest import (
    QUESTIONS,
    RIGHT_RESPONSES,
    assert_problem,
    question_ids,
)
from quizzes.tests.test_api.test_concurrency import race
from sessions_mw.tests.conftest import CommandRecorder, backend_client_with

pytestmark = pytest.mark.django_db

TOKEN = "HTTP_X_ATTEMPT_TOKEN"
WRITES = {"insert", "update", "delete", "findAndModify"}


def start_url(quiz):
    return f"/api/v1/published/{quiz.pk}/attempts/"


def attempt_url(body, suffix=""):
    return f"/api/v1/attempts/{body['id']}/{suffix}"


def start(client, quiz, **body):
    response = client.post(start_url(quiz), body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def stored(body):
    return Attempt.objects.get(quiz_id=body["quiz"], pk=body["id"][24:])


def raw(body):
    return connection.get_collection("quizzes_attempt").find_one(
        {"quiz_id": stored(body).quiz_id, "_id": stored(body).pk}
    )


def expire(body):
    """Move the attempt's deadline into the past."""
    Attempt.objects.filter(quiz_id=body["quiz"], pk=body["id"][24:]).update(
        deadline=timezone.now() - timedelta(seconds=1)
    )


@pytest.fixture
def timed(published):
    """`published`, published again with a 10-minute time limit."""
    operations.update_quiz(published, {"options": {"time_limit_minutes": 10}})
    operations.publish_quiz(published)
    return published


def test_an_anonymous_start_gives_a_token_the_questions_and_no_deadline(anonymous, published):
    body = start(anonymous, published, name=" Ada ")
    release = releases.live_release(published)
    assert len(body["id"]) == 48 and body["id"].startswith(str(published.pk))
    assert (body["state"], body["learner_name"], body["deadline"]) == ("in_progress", "Ada", None)
    assert (body["release"], body["responses"], body["result"]) == (str(release.pk), {}, None)
    assert [q["id"] for q in body["questions"]] == list(question_ids(published).values())
    attempt = stored(body)
    # Only the token's digest is stored.
    assert attempt.token_hash == hashlib.sha256(body["token"].encode()).hexdigest()
    assert body["token"] not in str(raw(body))
    assert (attempt.user, attempt.submitted_at, attempt.seed is not None) == (None, None, True)
    # The token opens it; no token or another one does not.
    assert anonymous.get(attempt_url(body), **{TOKEN: body["token"]}).status_code == 200
    assert_problem(anonymous.get(attempt_url(body)), 404, "not_found")
    assert_problem(anonymous.get(attempt_url(body), **{TOKEN: "x" + body["token"]}), 404)


def test_a_start_with_a_time_limit_has_a_deadline(anonymous, timed):
    body = start(anonymous, timed, name="Ada")
    attempt = stored(body)
    assert attempt.deadline - attempt.started_at == timedelta(minutes=10)


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "name"), ({"name": "  "}, "name"), ({"name": "x" * 101}, "name"), ({"nom": "A"}, "nom")],
)
def test_a_start_without_a_valid_name_or_with_unknown_keys_is_refused(
    anonymous, published, body, field
):
    response = anonymous.post(start_url(published), body, format="json")
    assert field in assert_problem(response, 400, "invalid")["errors"]
    assert not Attempt.objects.exists()


def test_a_users_attempts_are_theirs_without_a_token(published, teacher, other_teacher):
    mine = token_client(teacher)
    body = start(mine, published)
    assert (body["token"], stored(body).user) == (None, teacher)
    assert mine.get(attempt_url(body)).status_code == 200
    assert_problem(token_client(other_teacher).get(attempt_url(body)), 404)
    assert_problem(token_client(other_teacher).post(attempt_url(body, "submit/")), 404)
    assert stored(body).state == "in_progress"


def test_responses_are_merged_then_submitted_against_the_release(anonymous, published):
    body = start(anonymous, published, name="Ada")
    ids = question_ids(published)
    auth = {TOKEN: body["token"]}
    first = {ids["truefalse"]: True, ids["essay"]: "Draft"}
    second = {ids["essay"]: RIGHT_RESPONSES["essay"], ids["multichoice"]: 0}
    assert (
        anonymous.patch(attempt_url(body), {"responses": first}, format="json", **auth).status_code
        == 200
    )
    saved = anonymous.patch(attempt_url(body), {"responses": second}, format="json", **auth)
    assert saved.status_code == 200
    assert saved.json()["responses"] == {**first, **second}
    result = anonymous.post(attempt_url(body, "submit/"), **auth)
    assert result.status_code == 200, result.content
    graded = result.json()
    assert (graded["score"], graded["max_score"]) == (2, len(QUESTIONS))
    states = {row["question"]: row["state"] for row in graded["results"]}
    assert states[ids["essay"]] == "needs_grading" and states[ids["shortanswer"]] == "unanswered"
    attempt = stored(body)
    assert (attempt.state, attempt.score, attempt.answers) == ("submitted", 2, {**first, **second})
    # Read back: the same result.
    again = anonymous.get(attempt_url(body), **auth).json()
    assert (again["state"], again["result"]) == ("submitted", graded)


def test_a_retried_submit_answers_the_same_result_and_grades_once(anonymous, published):
    body = start(anonymous, published, name="Ada")
    ids = question_ids(published)
    auth = {TOKEN: body["token"]}
    anonymous.patch(
        attempt_url(body), {"responses": {ids["truefalse"]: True}}, format="json", **auth
    )
    first = anonymous.post(attempt_url(body, "submit/"), **auth).json()
    written = raw(body)
    # Even after the teacher publishes other answers, the result stays.
    question = question_named(published, "Sky")
    operations.update_question(published, question, {"answers": [
        {"text": "true", "fraction": 0}, {"text": "false", "fraction": 100}]})  # fmt: skip
    operations.publish_quiz(published)
    second = anonymous.post(attempt_url(body, "submit/"), **auth)
    assert second.status_code == 200
    assert second.json() == first
    assert raw(body) == written  # not written again
    refused = anonymous.patch(attempt_url(body), {"responses": {}}, format="json", **auth)
    assert "submitted" in assert_problem(refused, 409, "submitted")["detail"]


def test_racing_submits_grade_once(published, teacher):
    clients = [token_client(teacher) for _ in range(4)]
    body = start(clients[0], published)
    results = race(4, lambda i: clients[i].post(attempt_url(body, "submit/")))
    assert [response.status_code for response in results] == [200] * 4
    assert len({response.content for response in results}) == 1
    assert Attempt.objects.filter(quiz=published, state="submitted").count() == 1


def test_an_attempt_is_graded_against_the_release_it_was_started_on(api, published):
    body = start(api, published)
    ids = question_ids(published)
    api.patch(attempt_url(body), {"responses": {ids["truefalse"]: True}}, format="json")
    question = question_named(published, "Sky")
    operations.update_question(published, question, {"answers": [
        {"text": "true", "fraction": 0}, {"text": "false", "fraction": 100}]})  # fmt: skip
    newer = operations.publish_quiz(published)
    graded = api.post(attempt_url(body, "submit/")).json()
    assert graded["release"] == body["release"] != str(newer.pk)
    assert {row["question"]: row["state"] for row in graded["results"]}[
        ids["truefalse"]
    ] == "correct"


def test_a_save_after_the_deadline_is_refused_and_the_attempt_graded(anonymous, timed):
    body = start(anonymous, timed, name="Ada")
    ids = question_ids(timed)
    auth = {TOKEN: body["token"]}
    saved = {ids["truefalse"]: True}
    anonymous.patch(attempt_url(body), {"responses": saved}, format="json", **auth)
    expire(body)
    late = {ids["multichoice"]: 0}
    response = anonymous.patch(attempt_url(body), {"responses": late}, format="json", **auth)
    assert "time is up" in assert_problem(response, 409, "time_up")["detail"]
    attempt = stored(body)
    assert (attempt.state, attempt.answers, attempt.score) == ("submitted", saved, 1)
    assert attempt.submitted_at == attempt.deadline
    assert anonymous.post(attempt_url(body, "submit/"), **auth).json()["score"] == 1


def test_a_submit_after_the_deadline_grades_what_was_saved(api, timed):
    body = start(api, timed)
    ids = question_ids(timed)
    api.patch(attempt_url(body), {"responses": {ids["multichoice"]: 0}}, format="json")
    expire(body)
    graded = api.post(attempt_url(body, "submit/")).json()
    assert graded["score"] == 1
    assert stored(body).submitted_at == stored(body).deadline


def test_an_attempt_left_past_its_deadline_is_graded_when_next_read(api, timed):
    body = start(api, timed)
    expire(body)
    read = api.get(attempt_url(body)).json()
    assert (read["state"], read["result"]["score"]) == ("submitted", 0)
    assert stored(body).state == "submitted"


@pytest.mark.parametrize(
    ("responses", "code"),
    [
        ({"$set": True}, "parse_error"),  # a MongoDB operator: refused as the body is read
        ({"a.b": True}, "parse_error"),
        ({"000000000000000000000000": True}, "invalid"),  # not a question of the attempt
        ("truefalse:wrong-shape", "invalid"),
        ("truefalse:operator", "parse_error"),
        ([], "invalid"),
    ],
)
def test_bad_responses_are_refused_and_nothing_is_written(api, published, responses, code):
    body = start(api, published)
    ids = question_ids(published)
    api.patch(attempt_url(body), {"responses": {ids["essay"]: "kept"}}, format="json")
    before = raw(body)
    if responses == "truefalse:wrong-shape":
        responses = {ids["essay"]: "fine", ids["truefalse"]: "yes"}
    elif responses == "truefalse:operator":
        responses = {ids["essay"]: "fine", ids["truefalse"]: {"$gt": ""}}
    response = api.patch(attempt_url(body), {"responses": responses}, format="json")
    assert_problem(response, 400, code)
    assert raw(body) == before


def test_bad_ids_are_404s(api, published):
    body = start(api, published)
    other_quiz = "0" * 24 + body["id"][24:]
    assert_problem(api.get(f"/api/v1/attempts/{other_quiz}/"), 404)
    assert_problem(api.get("/api/v1/attempts/not-an-id/"), 404)
    assert_problem(api.put(attempt_url(body), {}, format="json"), 405)


def test_the_same_attempt_always_gets_the_same_draw_and_order(api, teacher, make_quiz):
    category = bank.create_category(teacher, {"name": "Pool"})
    for n in range(8):
        bank.create_question(teacher, category, {**QUESTIONS["truefalse"], "name": f"tf{n}"})
    quiz = make_quiz("Random", [QUESTIONS["essay"], QUESTIONS["multichoice"]])
    operations.add_random_slot(quiz, category, 3)
    operations.update_quiz(quiz, {"options": {"shuffle_questions": True}})
    operations.publish_quiz(quiz)
    orders = set()
    for _ in range(6):
        body = start(api, quiz)
        shown = [q["id"] for q in body["questions"]]
        assert len(shown) == 5
        for _again in range(2):
            assert [q["id"] for q in api.get(attempt_url(body)).json()["questions"]] == shown
        # Only its own questions take responses.
        graded = api.post(attempt_url(body, "submit/")).json()
        assert [row["question"] for row in graded["results"]] == shown
        orders.add(tuple(shown))
    assert len(orders) > 1  # seeds differ between attempts


def test_the_one_shot_submission_still_works(anonymous, published):
    ids = question_ids(published)
    responses = {ids[kind]: RIGHT_RESPONSES[kind] for kind in ids}
    response = anonymous.post(start_url(published), {"responses": responses}, format="json")
    assert response.status_code == 201
    assert response.json()["score"] == len(QUESTIONS) - 1
    assert len(response.json()["id"]) == 24
    assert stored_one_shot(response.json()).state == "submitted"


def stored_one_shot(body):
    return Attempt.objects.get(pk=body["id"])


def test_saving_and_submitting_write_only_the_attempt_and_in_no_transaction(api, published):
    """Hot quizzes: no write to a document every attempt of the quiz shares (the quiz,
    its release), no transaction to conflict and retry; one write per save and submit."""
    ids = question_ids(published)
    recorder = CommandRecorder()
    with backend_client_with(recorder):
        body = start(api, published)
        api.patch(attempt_url(body), {"responses": {ids["truefalse"]: True}}, format="json")
        api.post(attempt_url(body, "submit/"))
        api.post(start_url(published), {"responses": {}}, format="json")
    writes = [
        (name, command[name])
        for name, command in recorder.commands
        if name in WRITES and command[name] != "django_session"
    ]
    assert writes == [
        ("insert", "quizzes_attempt"),
        ("update", "quizzes_attempt"),
        ("update", "quizzes_attempt"),
        ("insert", "quizzes_attempt"),
    ]
    assert not recorder.named("commitTransaction", "abortTransaction")
    assert not any("startTransaction" in command for _name, command in recorder.commands)


def test_a_failed_submit_write_leaves_the_attempt_open_and_a_retry_grades_it(
    api, published, mongo_client
):
    body = start(api, published)
    api.raise_request_exception = False
    mongo_client.admin.command(
        "configureFailPoint",
        "failCommand",
        mode={"times": 1},
        data={"failCommands": ["update"], "errorCode": 2},
    )
    assert api.post(attempt_url(body, "submit/")).status_code == 500
    assert stored(body).state == "in_progress"
    assert api.post(attempt_url(body, "submit/")).status_code == 200
    assert stored(body).state == "submitted"


# -- counts -------------------------------------------------------------------------------
def attempt_commands(recorder):
    return [
        (name, command[name])
        for name, command in recorder.commands
        if command.get(name) == "quizzes_attempt"
    ]


@pytest.mark.parametrize("quizzes", [1, 4])
def test_attempt_counts_cost_one_command_per_page_of_quizzes(api, teacher, make_quiz, quizzes):
    made = [make_quiz(f"Quiz {n}", [QUESTIONS["essay"]]) for n in range(quizzes)]
    for quiz in made:
        operations.publish_quiz(quiz)
    release = releases.live_release(made[0])
    for _ in range(3):
        operations.record_attempt(release, {})
    start(api, made[0])  # in progress: not counted
    recorder = CommandRecorder()
    with backend_client_with(recorder):
        listed = api.get("/api/v1/quizzes/").json()["results"]
    counts = {quiz["id"]: quiz["attempt_count"] for quiz in listed}
    assert counts == {str(quiz.pk): 3 if quiz == made[0] else 0 for quiz in made}
    assert attempt_commands(recorder) == [("aggregate", "quizzes_attempt")]
    detail = api.get(f"/api/v1/quizzes/{made[0].pk}/").json()
    assert detail["attempt_count"] == 3


@pytest.mark.parametrize("quizzes", [1, 4])
def test_the_admin_counts_attempts_with_one_command(client_for, make_quiz, published, quizzes):
    from django.contrib.auth.models import User

    for n in range(quizzes):
        make_quiz(f"Quiz {n}", [QUESTIONS["essay"]])
    operations.record_attempt(releases.live_release(published), {})
    browser = client_for(User.objects.create_superuser("root"))
    recorder = CommandRecorder()
    with backend_client_with(recorder):
        page = browser.get("/admin/quizzes/quiz/")
    assert page.status_code == 200
    assert attempt_commands(recorder) == [("aggregate", "quizzes_attempt")]
    rows = page.context["cl"].result_list
    assert {quiz.title: quiz.attempt_count for quiz in rows}["Everything"] == 1


def test_the_delete_page_says_how_many_attempts_go(owner_client, published):
    operations.record_attempt(releases.live_release(published), {})
    operations.record_attempt(releases.live_release(published), {})
    page = owner_client.get(f"/quizzes/{published.pk}/delete/")
    assert "2 attempts" in page.content.decode()


def test_the_teachers_report_shows_attempts_in_progress_but_counts_only_submitted(
    api, anonymous, published
):
    operations.record_attempt(releases.live_release(published), {})
    body = start(anonymous, published, name="Ada")
    report = api.get(f"/api/v1/quizzes/{published.pk}/attempts/").json()
    assert report["statistics"]["count"] == 1
    rows = {row["id"]: row for row in report["results"]}
    open_row = rows[body["id"][24:]]
    assert (open_row["state"], open_row["learner_name"], open_row["submitted_at"]) == (
        "in_progress",
        "Ada",
        None,
    )
    assert {row["state"] for row in report["results"]} == {"in_progress", "submitted"}
