"""Delivery to learners: published quizzes without their answer key, graded attempts, reports."""

import pytest

from quizzes import operations
from quizzes.attempts import attempt_counts
from quizzes.models import Attempt, Quiz
from quizzes.tests.fixtures.plugin import question_named, token_client, version_snapshot
from quizzes.tests.test_api.conftest import (
    NUMERICAL_VALUE,
    QUESTIONS,
    RIGHT_RESPONSES,
    SECRET,
    assert_problem,
    question_ids,
    quiz_url,
)

pytestmark = pytest.mark.django_db

ANSWER_KEY_FIELDS = {"fraction", "feedback", "general_feedback", "answers", "value", "tolerance"}


def assert_no_answer_key(data, path="$"):
    """No grade, feedback, accepted answer or expected number anywhere in `data`."""
    if isinstance(data, dict):
        assert not ANSWER_KEY_FIELDS & data.keys(), f"{path}: {ANSWER_KEY_FIELDS & data.keys()}"
        for key, value in data.items():
            assert_no_answer_key(value, f"{path}.{key}")
    elif isinstance(data, list):
        for index, value in enumerate(data):
            assert_no_answer_key(value, f"{path}[{index}]")
    elif isinstance(data, str):
        assert SECRET not in data, path
    elif isinstance(data, int | float):
        assert data != NUMERICAL_VALUE, path


def attempt_url(quiz):
    return f"/api/v1/published/{quiz.pk}/attempts/"


def test_published_list(anonymous, published, teacher):
    operations.create_quiz(teacher, {"title": "Draft"})
    body = anonymous.get("/api/v1/published/").json()
    assert [quiz["title"] for quiz in body["results"]] == ["Everything"]
    listed = body["results"][0]
    assert listed["question_count"] == len(QUESTIONS)
    assert "owner" not in listed
    assert_no_answer_key(body)


@pytest.mark.parametrize("kind", QUESTIONS)
def test_each_question_type_is_delivered_without_its_answer_key(anonymous, published, kind):
    response = anonymous.get(f"/api/v1/published/{published.pk}/")
    assert response.status_code == 200
    assert response["ETag"] == f'"{published.version}"'
    body = response.json()
    question = next(q for q in body["questions"] if q["id"] == question_ids(published)[kind])
    assert question["type"] == QUESTIONS[kind]["type"]
    assert question["text"] == QUESTIONS[kind]["text"]
    assert question["text_html"].startswith("<p>")
    assert_no_answer_key(question)
    assert_no_answer_key(body)


def test_what_each_type_shows(anonymous, published):
    body = anonymous.get(f"/api/v1/published/{published.pk}/").json()
    shown = {q["name"]: q for q in body["questions"]}
    assert shown["Sum"]["choices"] == [
        {"id": 0, "text": "4", "text_html": "<p>4</p>\n"},
        {"id": 1, "text": "5", "text_html": "<p>5</p>\n"},
    ]
    assert shown["Primes"]["single"] is False
    assert shown["Capitals"]["stems"] == [
        {"id": 0, "text": "France", "text_html": "<p>France</p>\n"},
        {"id": 1, "text": "Italy", "text_html": "<p>Italy</p>\n"},
    ]
    # The options are sorted, so their order gives no pairing away.
    assert shown["Capitals"]["options"] == ["Berlin", "Paris", "Rome"]
    assert "choices" not in shown["Capital"]


def test_unsafe_html_is_sanitised_in_the_learner_view(anonymous, published):
    question = question_named(published, "Essay")
    operations.update_question(
        published, question, {"text": "<script>alert(1)</script>Hi", "text_format": "html"}
    )
    operations.publish_quiz(published)
    body = anonymous.get(f"/api/v1/published/{published.pk}/").json()
    essay = next(q for q in body["questions"] if q["name"] == "Essay")
    assert essay["text_html"].endswith("Hi")
    assert "<script" not in essay["text_html"]


def test_right_answers_score_full_marks_and_get_feedback(anonymous, published):
    ids = question_ids(published)
    responses = {ids[kind]: RIGHT_RESPONSES[kind] for kind in ids}
    response = anonymous.post(attempt_url(published), {"responses": responses})
    assert response.status_code == 201, response.content
    body = response.json()
    essay_points = 1.0
    assert body["max_score"] == len(QUESTIONS)
    assert body["score"] == len(QUESTIONS) - essay_points  # the essay waits for the teacher
    assert (body["passed"], body["quiz_version"]) == (True, published.version)
    states = {row["question"]: row["state"] for row in body["results"]}
    assert states[ids["essay"]] == "needs_grading"
    assert {states[ids[kind]] for kind in ids if kind != "essay"} == {"correct"}
    by_id = {row["question"]: row for row in body["results"]}
    assert by_id[ids["multichoice"]]["feedback"] == ["SECRET right"]
    assert by_id[ids["multichoice"]]["general_feedback"] == "SECRET general mc"
    attempt = Attempt.objects.get(pk=body["id"])
    assert attempt.user is None
    assert attempt.answers == responses
    assert [str(result.question) for result in attempt.results] == list(ids.values())
    assert attempt_counts([published.pk]) == {published.pk: 1}
    assert (attempt.state, attempt.started_at) == ("submitted", attempt.submitted_at)
    assert Quiz.objects.get(pk=published.pk).version == published.version


def test_an_empty_attempt_is_all_unanswered(api, published, teacher):
    response = api.post(attempt_url(published), {"responses": {}})
    assert response.status_code == 201
    assert (response.json()["score"], response.json()["passed"]) == (0, False)
    assert {row["state"] for row in response.json()["results"]} == {"unanswered"}
    assert Attempt.objects.get().user == teacher


WRONG_SHAPES = {
    "multichoice": [True, 1.5, [0], {"0": 1}],
    "multichoice_multiple": [0, "0", [[0]], [True]],
    "truefalse": ["true", 1, [True]],
    "shortanswer": [1, ["Paris"], {"a": "b"}, "x" * 3000],
    "numerical": [True, [1], {"v": 1}],
    "matching": [["Paris"], {"0": 1}, "Paris"],
    "essay": [1, ["text"], "x" * 30_000],
}


@pytest.mark.parametrize(
    ("kind", "response"),
    [(kind, response) for kind, responses in WRONG_SHAPES.items() for response in responses],
)
def test_responses_of_the_wrong_shape_are_refused(anonymous, published, kind, response):
    qid = question_ids(published)[kind]
    before = version_snapshot()
    body = assert_problem(
        anonymous.post(attempt_url(published), {"responses": {qid: response}}), 400
    )
    assert list(body["errors"]) == [f"responses.{qid}"]
    assert version_snapshot() == before


@pytest.mark.parametrize(
    "body",
    [
        {"responses": {"0" * 24: 1}},
        {"responses": {"not-an-id": 1}},
        {"responses": []},
        {"responses": "all right"},
        {},
        {"responses": {}, "score": 100},
    ],
)
def test_malformed_submissions_are_refused(anonymous, published, body):
    before = version_snapshot()
    assert_problem(anonymous.post(attempt_url(published), body), 400)
    assert version_snapshot() == before


def test_stale_if_match_on_an_attempt_grades_nothing(anonymous, published):
    version = anonymous.get(f"/api/v1/published/{published.pk}/")["ETag"]
    operations.update_quiz(published, {"title": "Changed"})
    operations.publish_quiz(published)
    before = version_snapshot()
    response = anonymous.post(attempt_url(published), {"responses": {}}, HTTP_IF_MATCH=version)
    body = assert_problem(response, 412)
    assert body["title"] == "The quiz has been published again since you read it."
    assert response["ETag"] == f'"{published.version}"'
    assert version_snapshot() == before
    response = anonymous.post(
        attempt_url(published), {"responses": {}}, HTTP_IF_MATCH=f'"{published.version}"'
    )
    assert response.status_code == 201


def test_attempt_report_for_the_owner(api, anonymous, published):
    ids = question_ids(published)
    right = {ids[kind]: RIGHT_RESPONSES[kind] for kind in ids}
    anonymous.post(attempt_url(published), {"responses": right})
    anonymous.post(attempt_url(published), {"responses": {ids["truefalse"]: False}})
    anonymous.post(attempt_url(published), {"responses": {ids["truefalse"]: True}})
    body = api.get(quiz_url(published, "attempts/")).json()
    stats = body["statistics"]
    assert stats["count"] == 3
    assert stats["mean_score"] == round((6 + 0 + 1) / 3, 2)
    assert stats["pass_rate"] == round(1 / 3, 4)
    per_question = {row["question"]: row for row in stats["questions"]}
    assert list(per_question) == list(ids.values())
    kept = ("question", "name", "answered", "correct", "success_rate")  # the first fields
    assert {key: per_question[ids["truefalse"]][key] for key in kept} == {
        "question": ids["truefalse"],
        "name": "Sky",
        "answered": 3,
        "correct": 2,
        "success_rate": round(2 / 3, 4),
    }
    assert per_question[ids["multichoice"]]["success_rate"] == round(1 / 3, 4)
    assert per_question[ids["essay"]]["success_rate"] is None  # graded by hand
    assert [attempt["score"] for attempt in body["results"]] == [1, 0, 6]  # newest first
    assert body["results"][0]["results"][0]["state"] == "unanswered"


def test_attempt_report_pages(api, anonymous, published):
    for _ in range(5):
        anonymous.post(attempt_url(published), {"responses": {}})
    first = api.get(quiz_url(published, "attempts/?page_size=2")).json()
    assert first["statistics"]["count"] == 5
    seen = [attempt["id"] for attempt in first["results"]]
    url = first["next"]
    while url:
        page = api.get(url).json()
        assert page["statistics"] is None  # the first page's only (statistics/ has them)
        seen += [attempt["id"] for attempt in page["results"]]
        url = page["next"]
    assert sorted(seen) == sorted(str(pk) for pk in Attempt.objects.values_list("pk", flat=True))
    assert len(seen) == 5


def test_an_empty_report(api, secret_quiz):
    body = api.get(quiz_url(secret_quiz, "attempts/")).json()
    assert body["statistics"]["count"] == 0
    assert body["statistics"]["mean_score"] is None
    assert body["results"] == []


# -- throttling ---------------------------------------------------------------------
@pytest.fixture
def low_rates(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"delivery": "3/min", "attempts": "2/min", "auth": "2/min"},
    }


def test_anonymous_delivery_is_throttled(low_rates, anonymous, published, teacher):
    for _ in range(3):
        assert anonymous.get("/api/v1/published/").status_code == 200
    response = anonymous.get(f"/api/v1/published/{published.pk}/")
    assert_problem(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0
    # Signed-in callers are not counted.
    assert token_client(teacher).get("/api/v1/published/").status_code == 200


def test_anonymous_attempts_are_throttled(low_rates, anonymous, published):
    for _ in range(2):
        assert anonymous.post(attempt_url(published), {"responses": {}}).status_code == 201
    before = version_snapshot()
    assert_problem(anonymous.post(attempt_url(published), {"responses": {}}), 429)
    assert version_snapshot() == before
