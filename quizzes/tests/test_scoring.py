"""quizzes.scoring: what learners see and how every question type is graded (no database)."""

import json
from decimal import Decimal

import pytest
from bson import ObjectId

from quizzes.models import QuestionResult
from quizzes.qtypes.truefalse import truefalse_answers
from quizzes.scoring import Grade, grade_attempt, grade_question, learner_view
from quizzes.validation import clean_question


def make(kind, answers=(), **fields):
    """A cleaned question, as the database holds it."""
    return clean_question(
        {"type": kind, "name": f"A {kind}", "text": "Question?", "answers": list(answers), **fields}
    )


def row(text="", fraction=0, feedback="", **fields):
    return {"text": text, "fraction": fraction, "feedback": feedback, **fields}


SINGLE = make(
    "multichoice",
    [row("4", 100, "Right."), row("5", 0, "Close."), row("22", -50, "Guess?")],
    points=2,
    general_feedback="2 + 2 = 4",
)
MULTIPLE = make(
    "multichoice",
    [
        row("2", 50, "2 is prime."),
        row("3", 50, "3 is prime."),
        row("4", -100, "4 = 2 x 2."),
        row("9", -50, "9 = 3 x 3."),
        row("1", 0),
    ],
    single=False,
    points=4,
)
THIRDS = make("multichoice", [row(x, 33.33) for x in "abc"] + [row("d")], single=False)
TRUEFALSE = make("truefalse", truefalse_answers(False, "No, it is not.", "Indeed."))
SHORT = make(
    "shortanswer",
    [row("Paris", 100, "Yes."), row("Pa*s", 50, "Spelling?"), row("*", 0, "No.")],
)
SHORT_CASE = make("shortanswer", [row("DNA", 100)], case_sensitive=True)
NUMERICAL = make(
    "numerical",
    [
        {"value": 3.14, "tolerance": 0.01, "fraction": 100, "feedback": "Pi."},
        {"value": 3, "tolerance": 0.5, "fraction": 50, "feedback": "Roughly."},
    ],
    points=3,
)
MATCHING = make(
    "matching",
    [
        {"text": "France", "match": "Paris", "feedback": "fr"},
        {"text": "Italy", "match": "Rome"},
        {"text": "Spain", "match": "Madrid"},
        {"text": "", "match": "Berlin"},
    ],
    points=3,
)
ESSAY = make("essay", points=5, general_feedback="Look for structure.")
ALL = {
    "single": SINGLE,
    "multiple": MULTIPLE,
    "truefalse": TRUEFALSE,
    "shortanswer": SHORT,
    "numerical": NUMERICAL,
    "matching": MATCHING,
    "essay": ESSAY,
}


# -- learner_view -------------------------------------------------------------------
def test_learner_view_of_multichoice():
    assert learner_view(SINGLE) == {
        "type": "multichoice",
        "name": "A multichoice",
        "text": "Question?",
        "text_format": "markdown",
        "points": 2.0,
        "single": True,
        "shuffle_answers": True,
        "answer_numbering": "abc",
        "choices": [{"id": 0, "text": "4"}, {"id": 1, "text": "5"}, {"id": 2, "text": "22"}],
    }
    assert learner_view(MULTIPLE)["single"] is False


def test_learner_view_of_matching_lists_stems_and_every_option_sorted():
    view = learner_view(MATCHING)
    assert view["stems"] == [
        {"id": 0, "text": "France"},
        {"id": 1, "text": "Italy"},
        {"id": 2, "text": "Spain"},
    ]
    assert view["options"] == ["Berlin", "Madrid", "Paris", "Rome"]


@pytest.mark.parametrize("kind", ["truefalse", "shortanswer", "numerical"])
def test_learner_view_without_choices(kind):
    assert set(learner_view(ALL[kind])) == {"type", "name", "text", "text_format", "points"}


def test_learner_view_of_an_essay_has_its_response_options_not_its_grader_info():
    essay = make(
        "essay",
        response_format="monospaced",
        response_field_lines=8,
        min_word_limit=5,
        max_word_limit=50,
        response_template="Dear reader,",
        grader_info="Secret rubric",
    )
    view = learner_view(essay)
    assert {key: view[key] for key in view if key.startswith(("response", "min", "max"))} == {
        "response_format": "monospaced",
        "response_required": True,
        "response_field_lines": 8,
        "min_word_limit": 5,
        "max_word_limit": 50,
        "response_template": "Dear reader,",
    }
    assert "Secret rubric" not in json.dumps(view)


@pytest.mark.parametrize("kind", ALL)
def test_learner_view_never_leaks_grades_feedback_or_accepted_answers(kind):
    question = ALL[kind]
    shown = json.dumps(learner_view(question))
    for key in ("fraction", "feedback", "general_feedback", "value", "tolerance", "match"):
        assert f'"{key}"' not in shown
    for answer in question["answers"]:
        if answer["feedback"]:
            assert answer["feedback"] not in shown
        if kind in ("shortanswer", "truefalse"):
            assert json.dumps(answer["text"]) not in shown
    if question["general_feedback"]:
        assert question["general_feedback"] not in shown
    if kind == "numerical":
        assert "3.14" not in shown


# -- multichoice ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("response", "points", "state", "feedback"),
    [
        (0, 2.0, "correct", ["Right."]),
        ("0", 2.0, "correct", ["Right."]),
        (1, 0.0, "incorrect", ["Close."]),
        (2, 0.0, "incorrect", ["Guess?"]),  # a negative fraction scores 0, not less
        (3, 0.0, "incorrect", []),
        (-1, 0.0, "incorrect", []),
        (True, 0.0, "incorrect", []),
        ([0], 0.0, "incorrect", []),
        (0.0, 0.0, "incorrect", []),
        (None, 0.0, "unanswered", []),
        ("", 0.0, "unanswered", []),
    ],
)
def test_single_choice(response, points, state, feedback):
    grade = grade_question(SINGLE, response)
    assert (grade.points, grade.max_points, grade.state, grade.feedback) == (
        points,
        2.0,
        state,
        feedback,
    )
    assert grade.general_feedback == "2 + 2 = 4"
    assert grade.right_answer == "The correct answer is: 4"


@pytest.mark.parametrize(
    ("response", "points", "state"),
    [
        ([0, 1], 4.0, "correct"),
        ([1, 0, 1, "1"], 4.0, "correct"),  # a choice counts once
        ([0], 2.0, "partial"),
        ([0, 4], 2.0, "partial"),
        ([0, 1, 3], 2.0, "partial"),
        ([0, 1, 2], 0.0, "incorrect"),
        ([0, 2, 3], 0.0, "incorrect"),  # -100 %: clamped at 0
        ([0, 1, 99, -1, "x", None, [1]], 4.0, "correct"),  # unknown ids are ignored
        (0, 0.0, "incorrect"),
        ({"0": True}, 0.0, "incorrect"),
        ([], 0.0, "unanswered"),
    ],
)
def test_multiple_answers_partial_credit_and_clamping(response, points, state):
    grade = grade_question(MULTIPLE, response)
    assert (grade.points, grade.state) == (points, state)
    assert 0 <= grade.fraction <= 1


def test_multiple_answers_feedback_follows_the_answers_order():
    grade = grade_question(MULTIPLE, [2, 0])
    assert grade.feedback == ["2 is prime.", "4 = 2 x 2."]
    assert grade.right_answer == "The correct answers are: 2, 3"


def test_thirds_that_add_up_to_99_99_are_full_marks():
    grade = grade_question(THIRDS, [0, 1, 2])
    assert (grade.fraction, grade.points, grade.state) == (1.0, 1.0, "correct")
    assert grade_question(THIRDS, [0, 1]).points == 0.67


# -- truefalse ---------------------------------------------------------------------------
def test_truefalse():
    right = grade_question(TRUEFALSE, False)
    wrong = grade_question(TRUEFALSE, True)
    assert (right.points, right.state, right.feedback) == (1.0, "correct", ["Indeed."])
    assert (wrong.points, wrong.state, wrong.feedback) == (0.0, "incorrect", ["No, it is not."])
    assert right.right_answer == "The correct answer is: False"


@pytest.mark.parametrize("response", ["false", 0, [False], {"answer": False}])
def test_truefalse_wants_a_bool(response):
    assert grade_question(TRUEFALSE, response).state == "incorrect"


# -- shortanswer -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("response", "fraction", "feedback"),
    [
        ("Paris", 1.0, ["Yes."]),
        ("  paris ", 1.0, ["Yes."]),
        ("PARIS", 1.0, ["Yes."]),
        ("Pais", 0.5, ["Spelling?"]),
        ("Pa ris", 0.5, ["Spelling?"]),
        ("Pa  r\tis", 0.5, ["Spelling?"]),
        ("Lyon", 0.0, ["No."]),
    ],
)
def test_shortanswer_best_match_case_insensitive_with_wildcards(response, fraction, feedback):
    grade = grade_question(SHORT, response)
    assert (grade.fraction, grade.feedback) == (fraction, feedback)


def test_shortanswer_case_sensitive():
    assert grade_question(SHORT_CASE, "DNA").state == "correct"
    assert grade_question(SHORT_CASE, "dna").state == "incorrect"
    assert grade_question(SHORT_CASE, "  DNA  ").state == "correct"


@pytest.mark.parametrize(
    ("pattern", "response", "matches"),
    [
        ("a.c", "a.c", True),
        ("a.c", "abc", False),
        ("(x)+[y]", "(x)+[y]", True),
        ("(x)+[y]", "xxy", False),
        ("^a$", "^a$", True),
        (r"a\d", r"a\d", True),
        (r"a\d", "a1", False),
        ("*", "anything at all", True),
        ("colo*r", "color", True),
        ("colo*r", "colour", True),
        ("colo*r", "colouring", False),
        ("*ing", "running", True),
        ("run*", "running", True),
        ("a*b*c", "abc", True),
        ("a*b*c", "aXbYc", True),
        ("a*b*c", "acb", False),
        ("ab*ba", "aba", False),  # the two ends may not overlap
        ("*a*a*a*a*a*a*a*a*b", "a" * 50_000, False),  # no catastrophic backtracking
    ],
)
def test_shortanswer_wildcard_and_literal_characters(pattern, response, matches):
    question = make("shortanswer", [row(pattern, 100)], case_sensitive=True)
    assert grade_question(question, response).state == ("correct" if matches else "incorrect")


@pytest.mark.parametrize(
    ("response", "state"),
    [("", "unanswered"), ("   ", "unanswered"), (3, "incorrect"), (["Paris"], "incorrect")],
)
def test_shortanswer_empty_and_wrong_shapes(response, state):
    assert grade_question(SHORT, response).state == state


# -- numerical -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("response", "points", "feedback"),
    [
        (3.14, 3.0, ["Pi."]),
        (3.13, 3.0, ["Pi."]),  # exactly at the lower bound
        (3.15, 3.0, ["Pi."]),  # exactly at the upper bound
        ("3.15", 3.0, ["Pi."]),
        ("3,13", 3.0, ["Pi."]),
        (Decimal("3.14"), 3.0, ["Pi."]),
        (3.1501, 1.5, ["Roughly."]),  # just outside the first: the second still holds
        (2.5, 1.5, ["Roughly."]),
        (3.5, 1.5, ["Roughly."]),
        (3.5001, 0.0, []),
        (2.4999, 0.0, []),
        (3, 1.5, ["Roughly."]),
        ("pi", 0.0, []),
        ("3.14.1", 0.0, []),
        ("nan", 0.0, []),
        (float("inf"), 0.0, []),
        (True, 0.0, []),
        ([3.14], 0.0, []),
    ],
)
def test_numerical_tolerance_bounds_and_best_fraction(response, points, feedback):
    grade = grade_question(NUMERICAL, response)
    assert (grade.points, grade.feedback) == (points, feedback)
    assert grade.right_answer == "The correct answer is: 3.14"


def test_numerical_without_tolerance_wants_the_exact_value():
    exact = make("numerical", [{"value": 42, "fraction": 100}])
    assert grade_question(exact, "42").state == "correct"
    assert grade_question(exact, 42.000001).state == "incorrect"
    assert grade_question(exact, None).state == "unanswered"
    assert grade_question(exact, 42).right_answer == "The correct answer is: 42"


@pytest.mark.parametrize(("value", "tolerance"), [(0.3, 0.1), (1e6, 0.001), (-7.7, 0.7), (0.1, 0)])
def test_numerical_bounds_pass_despite_float_rounding(value, tolerance):
    question = make("numerical", [{"value": value, "tolerance": tolerance, "fraction": 100}])
    for bound in (value - tolerance, value + tolerance):
        assert grade_question(question, bound).state == "correct"
        assert grade_question(question, str(bound)).state == "correct"


# -- matching ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("response", "points", "state"),
    [
        ({"0": "Paris", "1": "Rome", "2": "Madrid"}, 3.0, "correct"),
        ({0: "Paris", 1: "Rome", 2: "Madrid"}, 3.0, "correct"),
        ({"0": "Paris", "1": "Madrid", "2": "Rome"}, 1.0, "partial"),
        ({"0": "Paris", "1": "Rome"}, 2.0, "partial"),
        ({"0": "Berlin", "1": "Berlin", "2": "Berlin"}, 0.0, "incorrect"),  # the distractor
        ({"0": " Paris ", "3": "Berlin", "9": "Rome", "x": "Rome"}, 1.0, "partial"),
        ({"0": ["Paris"], "1": None, "2": 3}, 0.0, "incorrect"),
        ({"0": "paris"}, 0.0, "incorrect"),
        (["Paris", "Rome", "Madrid"], 0.0, "incorrect"),
        ("Paris", 0.0, "incorrect"),
        ({}, 0.0, "unanswered"),
    ],
)
def test_matching_partial_credit_and_distractors(response, points, state):
    grade = grade_question(MATCHING, response)
    assert (grade.points, grade.state) == (points, state)


def test_matching_feedback_and_right_answer():
    grade = grade_question(MATCHING, {"0": "Rome"})
    assert grade.feedback == ["fr"]
    assert grade.right_answer == (
        "The correct answer is: France → Paris, Italy → Rome, Spain → Madrid"
    )


def test_marks_say_which_chosen_choices_and_matched_stems_are_right():
    assert grade_question(SINGLE, 1).marks == {"1": False}
    assert grade_question(SINGLE, "0").marks == {"0": True}
    assert grade_question(MULTIPLE, [0, 2, 7, "x"]).marks == {"0": True, "2": False}
    assert grade_question(MATCHING, {"0": "Paris", "1": "Madrid", "3": "Berlin"}).marks == {
        "0": True,
        "1": False,
    }
    assert grade_question(TRUEFALSE, False).marks == {"false": True}
    assert grade_question(TRUEFALSE, True).marks == {"true": False}
    assert grade_question(SHORT, "DNA").marks == {}
    assert grade_question(SINGLE, None).marks == {}


# -- essay -----------------------------------------------------------------------------------
def test_essay_needs_grading_by_the_teacher():
    grade = grade_question(ESSAY, "My essay.")
    assert grade == Grade(
        points=0.0,
        max_points=5.0,
        fraction=0.0,
        state="needs_grading",
        general_feedback="Look for structure.",
    )
    assert grade_question(ESSAY, "  ").state == "unanswered"
    assert grade_question(ESSAY, {"text": "x"}).state == "incorrect"


# -- wrong shapes never raise -------------------------------------------------------------
class Opaque:
    """A response no grader knows."""


GARBAGE = [
    Opaque(),
    b"0",
    1.5,
    -1,
    10**400,
    float("nan"),
    "x" * 100_000,
    "9" * 5000,
    ["9" * 5000],
    [[0]],
    [{}],
    ("t",),
    {"0": Opaque()},
    {Opaque(): "Paris"},
    {"0": ["Paris"]},
]


@pytest.mark.parametrize("kind", ALL)
@pytest.mark.parametrize("response", GARBAGE, ids=lambda v: type(v).__name__)
def test_wrong_shapes_grade_as_wrong(kind, response):
    grade = grade_question(ALL[kind], response)
    assert grade.points == 0.0
    assert grade.state in {"incorrect", "needs_grading"}
    assert True not in grade.marks.values()


# -- attempts ------------------------------------------------------------------------------
QUIZ = [("q1", SINGLE), ("q2", MULTIPLE), ("q3", NUMERICAL), ("q4", ESSAY), ("q5", TRUEFALSE)]


def test_grade_attempt_totals_percent_and_pass_mark():
    responses = {"q1": 0, "q2": [0], "q3": "3", "q4": "Essay.", "unknown": 1}
    attempt = grade_attempt(QUIZ, responses, pass_mark=37)
    # 2 + 2 + 1.5 + 0 (essay, still out of 5) + 0 (unanswered) of 2 + 4 + 3 + 5 + 1
    assert (attempt.score, attempt.max_score, attempt.percent) == (5.5, 15.0, 36.67)
    assert attempt.passed is False
    assert grade_attempt(QUIZ, responses, pass_mark=36.67).passed is True
    assert [(qid, response, grade.state) for qid, response, grade in attempt.results] == [
        ("q1", 0, "correct"),
        ("q2", [0], "partial"),
        ("q3", "3", "partial"),
        ("q4", "Essay.", "needs_grading"),
        ("q5", None, "unanswered"),
    ]


def test_grade_attempt_of_nothing_and_of_garbage():
    empty = grade_attempt([], {})
    assert (empty.score, empty.max_score, empty.percent, empty.passed) == (0, 0, 0, False)
    garbage = grade_attempt(QUIZ, ["not", "a", "dict"])
    assert garbage.score == 0 and {g.state for _q, _r, g in garbage.results} == {"unanswered"}


def test_full_marks_pass_at_100():
    responses = {"q1": 0, "q2": [0, 1], "q3": 3.14, "q5": False}
    attempt = grade_attempt([q for q in QUIZ if q[0] != "q4"], responses, pass_mark=100)
    assert (attempt.score, attempt.percent, attempt.passed) == (10.0, 100.0, True)


def test_result_rows_build_question_results():
    ids = [str(ObjectId()) for _ in QUIZ]
    questions = [(qid, question) for qid, (_name, question) in zip(ids, QUIZ, strict=True)]
    attempt = grade_attempt(questions, {ids[0]: 2, ids[1]: [0, 2]})
    results = [QuestionResult(**fields) for fields in attempt.result_rows()]
    assert str(results[0].question) == ids[0]
    assert (results[0].response, results[0].points, results[0].state) == (2, 0.0, "incorrect")
    assert results[0].feedback == "Guess?"
    assert results[1].feedback == "2 is prime.\n\n4 = 2 x 2."
    assert results[3].max_points == 5.0


# -- Moodle's feedback: formats, combined feedback, parts right ------------------------
COMBINED = {
    "correct_feedback": "All right.",
    "correct_feedback_format": "plain",
    "partially_correct_feedback": "Some right.",
    "partially_correct_feedback_format": "html",
    "incorrect_feedback": "All wrong.",
}


def test_each_feedback_comes_with_its_text_format():
    question = make(
        "shortanswer",
        [row("Paris", 100, "<b>Yes</b>", feedback_format="html"), row("*", 0, "No.")],
        text_format="moodle",
        general_feedback="See the *map*.",
        general_feedback_format="markdown",
    )
    right = grade_question(question, "Paris")
    assert right.formatted_feedback == [("<b>Yes</b>", "html")]
    assert (right.general_feedback, right.general_feedback_format) == ("See the *map*.", "markdown")
    assert grade_question(question, "Rome").formatted_feedback == [("No.", "moodle")]


@pytest.mark.parametrize(
    ("response", "state", "feedback", "text_format"),
    [
        ([0, 1], "correct", "All right.", "plain"),
        ([0], "partial", "Some right.", "html"),
        ([2], "incorrect", "All wrong.", "markdown"),
    ],
)
def test_combined_feedback_follows_the_state(response, state, feedback, text_format):
    question = make("multichoice", MULTIPLE["answers"], single=False, **COMBINED)
    grade = grade_question(question, response)
    assert grade.state == state
    assert (grade.combined_feedback, grade.combined_feedback_format) == (feedback, text_format)
    assert grade.parts_right is None  # not asked for


def test_the_number_of_right_parts_of_a_partially_right_response():
    """Moodle says it of a partially correct response when the question asks to."""
    multiple = make("multichoice", MULTIPLE["answers"], single=False, show_num_correct=True)
    assert grade_question(multiple, [0, 4]).parts_right == 1
    assert grade_question(multiple, [0, 1]).parts_right is None  # right: nothing to count
    matching = make("matching", MATCHING["answers"], show_num_correct=True)
    response = {"0": "Paris", "1": "Rome", "2": "Berlin"}
    assert grade_question(matching, response).parts_right == 2
    cloze = make("cloze", text="{1:SHORTANSWER:=a} {1:SHORTANSWER:=b}", show_num_correct=True)
    assert grade_question(cloze, {"1": "a", "2": "x"}).parts_right == 1
    single = make("multichoice", SINGLE["answers"], show_num_correct=True)
    assert grade_question(single, 0).parts_right is None


def test_a_question_worth_no_points_is_graded_0_of_0():
    question = make("shortanswer", [row("Paris", 100)], points=0)
    grade = grade_question(question, "Paris")
    assert (grade.points, grade.max_points, grade.state) == (0, 0, "correct")
    attempt = grade_attempt([("q", question)], {"q": "Paris"})
    assert (attempt.score, attempt.max_score, attempt.percent) == (0, 0, 0)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("one two", "This question needs a response of at least 3 words; yours has 2."),
        ("<p>one two three</p>", None),
        ("a b c d e f", "This question has a limit of 5 words; your response has 6."),
    ],
)
def test_an_essays_word_limits(text, problem):
    essay = make("essay", min_word_limit=3, max_word_limit=5)
    from quizzes.qtypes import registry

    assert registry.of(essay).response_problem(essay, text) == problem


@pytest.mark.parametrize(
    ("style", "labels"),
    [
        ("abc", ["a.", "b.", "c."]),
        ("ABCD", ["A.", "B.", "C."]),
        ("123", ["1.", "2.", "3."]),
        ("iii", ["i.", "ii.", "iii."]),
        ("IIII", ["I.", "II.", "III."]),
        ("none", ["", "", ""]),
    ],
)
def test_choices_are_numbered_as_shown(style, labels):
    from quizzes.qtypes.multichoice import TYPE, choice_number

    question = make("multichoice", SINGLE["answers"], answer_numbering=style)
    context = TYPE.learner_context(learner_view(question), "q", None, str, shuffle=list.reverse)
    assert [choice["number"] for choice in context["choices"]] == labels
    assert [choice["id"] for choice in context["choices"]] == [2, 1, 0]  # numbered after shuffling
    assert choice_number(27, style) == {"abc": "ab.", "ABCD": "AB.", "123": "28.",
                                        "iii": "xxviii.", "IIII": "XXVIII.", "none": ""}[style]  # fmt: skip
