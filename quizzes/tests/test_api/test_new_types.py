"""The description and cloze types end to end through the API.

A teacher creates both through the questions endpoint and publishes the quiz;
learners get the cloze text with a placeholder for each gap and never its
answer key; an attempt is graded gap by gap, weighted; the report and the
OpenAPI schema know both types.
"""

import json

import pytest

from quizzes.attempts import attempt_counts
from quizzes.models import Attempt, Question, Quiz
from quizzes.tests.fixtures.plugin import version_snapshot
from quizzes.tests.test_api.conftest import assert_problem, quiz_url

pytestmark = pytest.mark.django_db

# Weights 2, 1, 1, 1 (of 5): the short-answer gap counts double. Every accepted
# answer and every feedback is a string that appears nowhere else.
CLOZE_TEXT = (
    "The capital of France is "
    "{2:SHORTANSWER:=Lutetiakey#Feedback-paris-right~%50%Parisiikey#Feedback-paris-half}. "
    "Pi is about {1:NUMERICAL:=3.14159:0.001#Feedback-pi-right~%50%3:0.5#Feedback-pi-half}. "
    "The sky is {1:MULTICHOICE:red#Feedback-sky-red~=blue#Feedback-sky-blue}.\n\n"
    "Primes: {1:MULTIRESPONSE:=two#Feedback-prime-two~=three~four#Feedback-prime-four}"
)
SECRETS = [
    "Lutetiakey",
    "Parisiikey",
    "3.14159",
    "0.001",
    "Feedback-",
    "%50%",
    "=blue",
    "MULTICHOICE",
    "{1:",
    "{2:",
]
CLOZE = {
    "type": "cloze",
    "name": "Mixed gaps",
    "text": CLOZE_TEXT,
    "points": 10,
    "general_feedback": "General cloze feedback",
}
DESCRIPTION = {
    "type": "description",
    "name": "Intro",
    "text": "Read this *first*.",
    "points": 5,
}
# Gaps 3 and 4 are choices: 3 is (red, blue), 4 is (two, three, four).
ALL_RIGHT = {"1": "lutetiaKEY", "2": "3.1416", "3": 1, "4": [0, 1]}


def attempt_url(quiz):
    return f"/api/v1/published/{quiz.pk}/attempts/"


@pytest.fixture
def typed_quiz_api(api):
    """An empty draft quiz of the teacher's, made through the API."""
    body = api.post("/api/v1/quizzes/", {"title": "New types"}).json()
    return Quiz.objects.get(pk=body["id"])


@pytest.fixture
def typed_published(api, typed_quiz_api):
    """`typed_quiz_api` with DESCRIPTION then CLOZE, published through the API: (quiz, ids)."""
    url = quiz_url(typed_quiz_api, "questions/")
    ids = {}
    for data in (DESCRIPTION, CLOZE):
        response = api.post(url, data)
        assert response.status_code == 201, response.content
        ids[data["type"]] = response.json()["id"]
    response = api.post(quiz_url(typed_quiz_api, "publish/"))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "published"
    return Quiz.objects.get(pk=typed_quiz_api.pk), ids


def submit(client, quiz, responses):
    return client.post(attempt_url(quiz), {"responses": responses})


def result_of(body, question_id):
    return next(row for row in body["results"] if row["question"] == question_id)


# -- the teacher writes them ---------------------------------------------------------
@pytest.mark.parametrize("points", [5, 0, None, "lots"])
def test_a_description_is_worth_nothing_whatever_points_are_sent(api, typed_quiz_api, points):
    data = {**DESCRIPTION, "points": points}
    response = api.post(quiz_url(typed_quiz_api, "questions/"), data)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["type"], body["points"], body["answers"]) == ("description", 0.0, [])
    assert Question.objects.get(pk=body["id"]).points == 0

    patched = api.patch(response["Location"], {"points": 3})
    assert patched.status_code == 200, patched.content
    assert patched.json()["points"] == 0.0


def test_a_description_takes_no_answers(api, typed_quiz_api):
    before = version_snapshot()
    data = {**DESCRIPTION, "answers": [{"text": "A", "fraction": 100}]}
    body = assert_problem(api.post(quiz_url(typed_quiz_api, "questions/"), data), 400)
    assert body["errors"] == {"answers": ["A description has no answers."]}
    assert version_snapshot() == before


def test_a_cloze_is_stored_with_its_text_as_written(api, typed_quiz_api):
    response = api.post(quiz_url(typed_quiz_api, "questions/"), CLOZE)
    assert response.status_code == 201, response.content
    body = response.json()
    # The teacher's own view keeps the codes: they are the question.
    assert (body["type"], body["text"], body["points"], body["answers"]) == (
        "cloze",
        CLOZE_TEXT,
        10.0,
        [],
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "First {1:SA:=ok} then {1:MULTICHOICE:=only one}.",
            "Sub-question 2: give at least 2 choices.",
        ),
        (
            "First {1:SA:=ok} then {1:NUMERICAL:=ten}.",
            "Sub-question 2: “ten” is not a number",
        ),
        ("First {1:SA:=ok} then {1:SA:wrong}.", "Sub-question 2: give at least one answer at 100"),
        ("No gap at all.", "at least one sub-question"),
    ],
)
def test_a_cloze_with_a_bad_code_is_refused_naming_the_gap(api, typed_quiz_api, text, message):
    before = version_snapshot()
    response = api.post(quiz_url(typed_quiz_api, "questions/"), {**CLOZE, "text": text})
    body = assert_problem(response, 400)
    assert list(body["errors"]) == ["text"]
    assert message in body["errors"]["text"][0]
    assert version_snapshot() == before
    assert not Question.objects.exists()


def test_a_cloze_keeps_its_answers_in_its_text(api, typed_quiz_api):
    before = version_snapshot()
    data = {**CLOZE, "answers": [{"text": "Paris", "fraction": 100}]}
    body = assert_problem(api.post(quiz_url(typed_quiz_api, "questions/"), data), 400)
    assert body["errors"] == {"answers": ["A cloze question keeps its answers in its text."]}
    assert version_snapshot() == before


def test_a_bad_cloze_edit_leaves_the_question_alone(api, typed_published):
    quiz, ids = typed_published
    url = quiz_url(quiz, f"questions/{ids['cloze']}/")
    before = version_snapshot()
    response = api.patch(url, {"text": "Now {1:SA:=a} and {2:MC:=b}."})
    assert "Sub-question 2" in assert_problem(response, 400)["errors"]["text"][0]
    assert version_snapshot() == before
    assert Question.objects.get(pk=ids["cloze"]).text == CLOZE_TEXT


# -- learners get them -----------------------------------------------------------------
def test_learners_get_the_gaps_and_never_the_answer_key(anonymous, typed_published):
    quiz, ids = typed_published
    response = anonymous.get(f"/api/v1/published/{quiz.pk}/")
    assert response.status_code == 200
    raw = response.content.decode()
    for secret in SECRETS:
        assert secret not in raw, secret
    body = response.json()
    assert [q["id"] for q in body["questions"]] == [ids["description"], ids["cloze"]]
    cloze = body["questions"][1]
    assert cloze["type"] == "cloze"
    assert cloze["text"] == (
        "The capital of France is {#1}. Pi is about {#2}. The sky is {#3}.\n\nPrimes: {#4}"
    )
    assert "{#1}" in cloze["text_html"] and "{#4}" in cloze["text_html"]
    assert cloze["points"] == 10.0
    assert cloze["parts"] == [
        {"id": 1, "kind": "shortanswer", "display": "inline", "shuffle": False, "choices": []},
        {"id": 2, "kind": "numerical", "display": "inline", "shuffle": False, "choices": []},
        {
            "id": 3,
            "kind": "multichoice",
            "display": "inline",
            "shuffle": False,
            "choices": [
                {"id": 0, "text": "red", "text_html": "<p>red</p>"},
                {"id": 1, "text": "blue", "text_html": "<p>blue</p>"},
            ],
        },
        {
            "id": 4,
            "kind": "multiresponse",
            "display": "vertical",
            "shuffle": False,
            "choices": [
                {"id": 0, "text": "two", "text_html": "<p>two</p>"},
                {"id": 1, "text": "three", "text_html": "<p>three</p>"},
                {"id": 2, "text": "four", "text_html": "<p>four</p>"},
            ],
        },
    ]
    for key in ("answers", "general_feedback", "choices", "stems", "options"):
        assert key not in cloze


def test_learners_get_the_description_with_no_points(anonymous, typed_published):
    quiz, ids = typed_published
    body = anonymous.get(f"/api/v1/published/{quiz.pk}/").json()
    description = body["questions"][0]
    assert description["id"] == ids["description"]
    assert (description["type"], description["text"]) == ("description", DESCRIPTION["text"])
    assert description["text_html"] == "<p>Read this <em>first</em>.</p>\n"
    assert description["points"] == 0
    assert "parts" not in description and "choices" not in description
    assert body["question_count"] == 2


def test_the_published_list_shows_no_key_either(anonymous, typed_published):
    raw = anonymous.get("/api/v1/published/").content.decode()
    for secret in SECRETS:
        assert secret not in raw, secret


# -- attempts --------------------------------------------------------------------------
def test_right_answers_to_every_gap_score_full_marks(anonymous, typed_published):
    quiz, ids = typed_published
    response = submit(anonymous, quiz, {ids["cloze"]: ALL_RIGHT})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["score"], body["max_score"], body["percent"], body["passed"]) == (
        10,
        10,
        100,
        True,
    )
    cloze = result_of(body, ids["cloze"])
    assert (cloze["points"], cloze["max_points"], cloze["state"]) == (10, 10, "correct")
    assert cloze["feedback"] == [
        "Feedback-paris-right",
        "Feedback-pi-right",
        "Feedback-sky-blue",
        "Feedback-prime-two",
    ]
    assert cloze["general_feedback"] == "General cloze feedback"
    attempt = Attempt.objects.get(pk=body["id"])
    assert attempt.answers == {ids["cloze"]: ALL_RIGHT}
    assert attempt_counts([quiz.pk]) == {quiz.pk: 1}


@pytest.mark.parametrize(
    ("response", "points", "state", "feedback"),
    [
        # 50 % of the double gap (1 of 5) + the number (1 of 5) + a wrong choice + both primes.
        (
            {"1": " parisiiKEY ", "2": "3,1416", "3": "0", "4": ["1", "0"]},
            6.0,
            "partial",
            ["Feedback-paris-half", "Feedback-pi-right", "Feedback-sky-red", "Feedback-prime-two"],
        ),
        # Only the double gap, right: 2 of 5.
        ({"1": "Lutetiakey"}, 4.0, "partial", ["Feedback-paris-right"]),
        # Half of the number (3 within 0.5) and half of the primes: 0.5 + 0.5 of 5.
        ({"2": 3.4, "4": [1]}, 2.0, "partial", ["Feedback-pi-half"]),
        # A wrong prime takes away what a right one gives; the choice is right: 1 of 5.
        (
            {"3": 1, "4": [0, 2]},
            2.0,
            "partial",
            ["Feedback-sky-blue", "Feedback-prime-two", "Feedback-prime-four"],
        ),
        # Everything wrong.
        (
            {"1": "Rome", "2": "42", "3": 0, "4": [2]},
            0.0,
            "incorrect",
            ["Feedback-sky-red", "Feedback-prime-four"],
        ),
        # Choice ids outside the gap are worth nothing, never an error.
        ({"3": 7, "4": [9]}, 0.0, "incorrect", []),
    ],
)
def test_each_gap_is_graded_and_weighted(
    anonymous, typed_published, response, points, state, feedback
):
    quiz, ids = typed_published
    answer = submit(anonymous, quiz, {ids["cloze"]: response})
    assert answer.status_code == 201, answer.content
    body = answer.json()
    cloze = result_of(body, ids["cloze"])
    assert (cloze["points"], cloze["state"], cloze["feedback"]) == (points, state, feedback)
    assert (body["score"], body["max_score"]) == (points, 10)


@pytest.mark.parametrize(
    "response",
    [{}, None, {"1": "", "2": "  ", "3": None, "4": []}, {"1": None}],
)
def test_a_cloze_with_every_gap_left_blank_is_unanswered(anonymous, typed_published, response):
    quiz, ids = typed_published
    answer = submit(anonymous, quiz, {ids["cloze"]: response})
    assert answer.status_code == 201, answer.content
    cloze = result_of(answer.json(), ids["cloze"])
    assert (cloze["points"], cloze["state"]) == (0, "unanswered")


@pytest.mark.parametrize(
    "response",
    [
        "Lutetiakey",
        0,
        True,
        ["Lutetiakey"],
        {"first": "Lutetiakey"},
        {"-1": "a"},
        {"1": {"text": "Lutetiakey"}},
        {"1": True},
        {"4": [0, [1]]},
        {"4": [True]},
        {"4": ["one"]},
        {"1": "x" * 3000},
        {str(n): "a" for n in range(1, 102)},
    ],
)
def test_cloze_responses_of_the_wrong_shape_are_refused(anonymous, typed_published, response):
    quiz, ids = typed_published
    before = version_snapshot()
    body = assert_problem(submit(anonymous, quiz, {ids["cloze"]: response}), 400)
    assert list(body["errors"]) == [f"responses.{ids['cloze']}"]
    message = body["errors"][f"responses.{ids['cloze']}"][0]
    assert "sub-question" in message.lower()
    assert version_snapshot() == before


def test_a_description_is_information_worth_nothing(anonymous, typed_published):
    quiz, ids = typed_published
    body = submit(anonymous, quiz, {ids["description"]: None}).json()
    description = result_of(body, ids["description"])
    assert description == {
        "question": ids["description"],
        "points": 0,
        "max_points": 0,
        "state": "info",
        "feedback": [],
        "general_feedback": "",
        "feedback_html": [],
        "general_feedback_html": "",
    }
    assert body["max_score"] == 10  # the cloze's points alone
    attempt = Attempt.objects.get(pk=body["id"])
    states = {str(result.question): result.state for result in attempt.results}
    assert states == {ids["description"]: "info", ids["cloze"]: "unanswered"}


@pytest.mark.parametrize("response", ["I read it", 1, True, ["x"], {"1": "a"}])
def test_a_description_takes_no_response(anonymous, typed_published, response):
    quiz, ids = typed_published
    before = version_snapshot()
    body = assert_problem(submit(anonymous, quiz, {ids["description"]: response}), 400)
    assert body["errors"] == {f"responses.{ids['description']}": ["A description takes no answer."]}
    assert version_snapshot() == before


def test_the_report_counts_cloze_attempts_and_leaves_the_description_out(
    api, anonymous, typed_published
):
    quiz, ids = typed_published
    submit(anonymous, quiz, {ids["cloze"]: ALL_RIGHT})
    submit(anonymous, quiz, {ids["cloze"]: {"1": "Lutetiakey"}})
    submit(anonymous, quiz, {})
    response = api.get(quiz_url(quiz, "attempts/"))
    assert response.status_code == 200, response.content
    stats = response.json()["statistics"]
    assert (stats["count"], stats["mean_score"], stats["pass_rate"]) == (
        3,
        round((10 + 4 + 0) / 3, 2),
        round(1 / 3, 4),
    )
    rows = {row["question"]: row for row in stats["questions"]}
    # A description is graded by nobody: statistics list the scored questions only.
    assert list(rows) == [ids["cloze"]]
    cloze = rows[ids["cloze"]]
    assert (cloze["name"], cloze["answered"], cloze["correct"], cloze["success_rate"]) == (
        "Mixed gaps",
        2,
        1,
        round(1 / 3, 4),
    )
    results = response.json()["results"]
    assert [row["state"] for row in results[-1]["results"]] == ["info", "correct"]


def test_an_unpublished_quiz_takes_no_attempt(api, anonymous, typed_published):
    quiz, ids = typed_published
    assert api.post(quiz_url(quiz, "unpublish/")).status_code == 200
    assert_problem(submit(anonymous, quiz, {ids["cloze"]: ALL_RIGHT}), 404)
    assert_problem(anonymous.get(f"/api/v1/published/{quiz.pk}/"), 404)


# -- the schema ---------------------------------------------------------------------------
def enums_in(schema):
    if isinstance(schema, dict):
        if isinstance(schema.get("enum"), list):
            yield schema["enum"]
        for value in schema.values():
            yield from enums_in(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from enums_in(value)


def test_the_schema_lists_both_types(anonymous):
    response = anonymous.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    type_enums = [enum for enum in enums_in(schema) if "multichoice" in enum and "essay" in enum]
    assert type_enums, "no enum of question types"
    for enum in type_enums:
        assert {"description", "cloze"} <= set(enum)
    components = schema["components"]["schemas"]
    learner = json.dumps(components["LearnerQuestion"])
    assert "parts" in learner
    # The cloze response shape is documented among the responses an attempt takes.
    assert "sub-question number" in json.dumps(components)
