"""quizzes.qtypes: what each type owns beyond validation and grading (no database)."""

import json

import pytest
from django.http import QueryDict

from quizzes import scoring
from quizzes.qtypes import registry
from quizzes.validation import clean_question

CLOZE_TEXT = (
    "Paris is the capital of {1:MC:=France#Oui~Italy#Non}. "
    "It has about {2:NM:=2.1:0.1#Close enough} million people, "
    "and its river is the {1:SA:=Seine#Bravo~%50%seine river#Almost}."
)


def cleaned(qtype, **fields):
    return clean_question({"type": qtype, "name": "Q", "text": "Text?", **fields})


def reverse(items):
    items.reverse()


def cloze():
    return cleaned("cloze", text=CLOZE_TEXT, points=4)


def test_matching_shuffles_the_items_learners_see_not_only_the_options():
    question = cleaned(
        "matching",
        shuffle_answers=True,
        answers=[
            {"text": "France", "match": "Paris"},
            {"text": "Italy", "match": "Rome"},
            {"text": "Spain", "match": "Madrid"},
        ],
    )
    qtype = registry.of(question)
    view = scoring.learner_view(question)
    context = qtype.learner_context(view, "q-1", None, str, shuffle=reverse)
    assert [stem["html"] for stem in context["stems"]] == ["Spain", "Italy", "France"]
    assert context["options"] == ["Rome", "Paris", "Madrid"]
    unshuffled = qtype.learner_context(view, "q-1", None, str)
    assert [stem["html"] for stem in unshuffled["stems"]] == ["France", "Italy", "Spain"]


def test_a_matching_question_that_says_no_shuffle_keeps_its_order():
    question = cleaned(
        "matching",
        shuffle_answers=False,
        answers=[{"text": "A", "match": "1"}, {"text": "B", "match": "2"}],
    )
    context = registry.of(question).learner_context(
        scoring.learner_view(question), "q-1", None, str, shuffle=reverse
    )
    assert [stem["html"] for stem in context["stems"]] == ["A", "B"]


def test_the_cloze_learner_view_holds_no_answer_key():
    view = scoring.learner_view(cloze())
    text = json.dumps(view)
    assert view["text"] == (
        "Paris is the capital of {#1}. It has about {#2} million people, and its river is the {#3}."
    )
    assert [part["kind"] for part in view["parts"]] == ["multichoice", "numerical", "shortanswer"]
    assert [c["text"] for c in view["parts"][0]["choices"]] == ["France", "Italy"]
    for secret in ("Seine", "2.1", "Oui", "Close enough", "Bravo", "%50%", "=France"):
        assert secret not in text


@pytest.mark.parametrize(
    ("response", "points", "state", "feedback"),
    [
        (
            {"1": 0, "2": "2,15", "3": "Seine"},
            4.0,
            scoring.CORRECT,
            ["Oui", "Close enough", "Bravo"],
        ),
        ({"1": 0, "2": "3", "3": "seine river"}, 1.5, scoring.PARTIAL, ["Oui", "Almost"]),
        ({"1": 1}, 0.0, scoring.INCORRECT, ["Non"]),
        ({}, 0.0, scoring.UNANSWERED, []),
        ({"1": [0]}, 0.0, scoring.INCORRECT, []),
        ("Seine", 0.0, scoring.INCORRECT, []),
    ],
)
def test_cloze_grading_is_the_weighted_mean_of_its_gaps(response, points, state, feedback):
    # Weights 1, 2, 1 of 4 points: the numerical gap is worth 2 points.
    grade = scoring.grade_question(cloze(), response)
    assert (grade.points, grade.state, grade.feedback) == (points, state, feedback)
    assert grade.right_answer == "The correct answers are: Gap 1: France; Gap 2: 2.1; Gap 3: Seine"


def test_the_cloze_response_is_read_from_its_gap_inputs():
    question = cloze()
    view = scoring.learner_view(question)
    post = QueryDict("q-7-1=0&q-7-2=2.1&q-7-3=Seine&q-7-4=ignored")
    response = registry.of(question).read_response(post, "q-7", view)
    assert response == {"1": "0", "2": "2.1", "3": "Seine"}
    assert scoring.grade_question(question, response).state == scoring.CORRECT


@pytest.mark.parametrize(
    ("response", "fits"),
    [
        ({"1": 0, "2": "2.1", "3": "Seine"}, True),
        ({"1": [0, 1]}, True),
        ({"1": 2.5}, True),
        ({"x": "a"}, False),
        ({"1": {"a": 1}}, False),
        (["Seine"], False),
        ("Seine", False),
    ],
)
def test_the_shape_of_a_cloze_response(response, fits):
    assert registry.get("cloze").response_fits(cloze(), response) is fits


def test_a_description_has_no_points_and_no_grade():
    question = cleaned("description", points=5)
    assert (question["points"], question["answers"]) == (0.0, [])
    grade = scoring.grade_question(question, "anything")
    assert (grade.points, grade.max_points, grade.state) == (0.0, 0.0, scoring.INFO)
    attempt = scoring.grade_attempt(
        [("d", question), ("q", cleaned("essay"))], {"d": None, "q": "My essay"}
    )
    assert (attempt.score, attempt.max_score) == (0.0, 1.0)
    assert not registry.of(question).response_fits(question, "x")


def test_a_description_refuses_answers():
    with pytest.raises(Exception) as caught:
        cleaned("description", answers=[{"text": "A", "fraction": 100}])
    assert caught.value.message_dict == {"answers": ["A description has no answers."]}


# -- numerical: Moodle's catch-all answer "*" ---------------------------------------
def numerical_with_catch_all():
    return cleaned(
        "numerical",
        answers=[
            {"value": 10, "tolerance": 1, "fraction": 100},
            {"value": 10, "tolerance": 5, "fraction": 50},
            {"text": "*", "fraction": 0, "feedback": "Any other number"},
        ],
    )


@pytest.mark.parametrize(
    ("response", "fraction", "feedback"),
    [("10.5", 100, ""), (14, 50, ""), ("99", 0, "Any other number"), ("abc", 0, None)],
)
def test_numerical_catch_all_takes_any_number_no_other_answer_matches(response, fraction, feedback):
    question = numerical_with_catch_all()
    earned, chosen = registry.get("numerical").grade(question, response)
    assert earned == fraction
    assert [answer["feedback"] for answer in chosen] == ([] if feedback is None else [feedback])


def test_numerical_right_answer_is_never_the_catch_all():
    question = numerical_with_catch_all()
    assert "10" in registry.get("numerical").right_answer(question)
