"""quizzes.validation: the rules of every question type and of quizzes (no database)."""

from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from quizzes.fields import ANSWER_FIELDS as DECLARED_ANSWER_FIELDS
from quizzes.qtypes.truefalse import truefalse_answers
from quizzes.validation import OPTIONS_DEFAULTS, QUESTION_KEYS, clean_question, clean_quiz


def answer(text="", fraction=0, **fields):
    return {"text": text, "fraction": fraction, **fields}


VALID = {
    "multichoice": {"answers": [answer("4", 100), answer("5", -50)]},
    "truefalse": {"answers": truefalse_answers(True)},
    "shortanswer": {"answers": [answer("Paris", 100)]},
    "numerical": {"answers": [{"value": 3.14, "tolerance": 0.01, "fraction": 100}]},
    "matching": {"answers": [{"text": "A", "match": "1"}, {"text": "B", "match": "2"}]},
    "essay": {},
}


def question(kind="multichoice", **fields):
    """A valid question of type `kind`, with `fields` replacing its own."""
    return {"type": kind, "name": "Q", "text": "What?", **VALID[kind], **fields}


def errors_of(data, clean=clean_question):
    """The message dict of the ValidationError `clean(data)` raises."""
    with pytest.raises(ValidationError) as raised:
        clean(data)
    return raised.value.message_dict


def codes_of(data, clean=clean_question):
    with pytest.raises(ValidationError) as raised:
        clean(data)
    return {field: [e.code for e in errs] for field, errs in raised.value.error_dict.items()}


# -- every type: a valid question comes back normalised ------------------------
@pytest.mark.parametrize("kind", VALID)
def test_valid_question_of_every_type_is_normalised(kind):
    cleaned = clean_question({**question(kind), "name": "  Q  ", "text": "\tWhat?\n"})
    assert (cleaned["type"], cleaned["name"], cleaned["text"]) == (kind, "Q", "What?")
    assert cleaned["points"] == 1.0 and isinstance(cleaned["points"], float)
    assert cleaned["text_format"] == "markdown"
    assert (cleaned["single"], cleaned["shuffle_answers"], cleaned["case_sensitive"]) == (
        True,
        True,
        False,
    )
    for row in cleaned["answers"]:
        assert set(row) == set(ANSWER_FIELDS)
        assert isinstance(row["fraction"], float)


def test_defaults_and_none_mean_not_given():
    cleaned = clean_question(question(points=None, general_feedback=None, single=None))
    assert (cleaned["points"], cleaned["general_feedback"], cleaned["single"]) == (1.0, "", True)


def test_numbers_are_read_from_numeric_strings_and_decimals():
    cleaned = clean_question(
        question(points="2,5", answers=[answer("a", "100"), answer("b", Decimal("-33.5"))])
    )
    assert cleaned["points"] == 2.5
    assert [row["fraction"] for row in cleaned["answers"]] == [100.0, -33.5]


def test_blank_answer_rows_are_dropped_and_errors_keep_the_rows_indices():
    rows = [answer("4", 100), {}, answer("", 0), answer("5", 0), answer("", 50)]
    assert errors_of(question(answers=rows)) == {
        "answers[4].text": ["Write the text of this answer."]
    }
    cleaned = clean_question(question(answers=rows[:4]))
    assert [row["text"] for row in cleaned["answers"]] == ["4", "5"]


@pytest.mark.parametrize("kind", VALID)
def test_cleaning_cleaned_data_changes_nothing(kind):
    """operations.update_question re-cleans stored data merged with the changes."""
    once = clean_question(question(kind, name=" Q ", points="2"))
    assert clean_question(once) == once


def test_an_unknown_field_near_answers_does_not_hide_the_answer_rules():
    assert codes_of(question(answers=[answer("4", 90), answer("5")], answers_extra=1)) == {
        "answers_extra": ["unknown"],
        "answers": ["no_full_mark"],
    }


# -- multichoice -------------------------------------------------------------------
def test_single_choice_needs_an_answer_at_100():
    rows = [answer("4", 90), answer("5", 0)]
    assert errors_of(question(answers=rows)) == {
        "answers": ["Give at least one answer a grade of 100 %."]
    }


def test_multichoice_accepts_negative_fractions_down_to_minus_100():
    rows = [answer("4", 100), answer("5", -100), answer("6", -33.333)]
    assert [a["fraction"] for a in clean_question(question(answers=rows))["answers"]] == [
        100,
        -100,
        -33.333,
    ]


@pytest.mark.parametrize(("index", "fraction"), [(0, 100.5), (1, -100.01), (1, 1e9)])
def test_multichoice_fractions_stay_within_minus_100_and_100(index, fraction):
    rows = [answer("4", 100), answer("5", 0)]
    rows[index]["fraction"] = fraction
    assert f"answers[{index}].fraction" in codes_of(question(answers=rows))


def test_multichoice_needs_two_answers_with_text():
    assert codes_of(question(answers=[answer("4", 100)])) == {"answers": ["too_few"]}
    assert codes_of(question(answers=[answer("4", 100), answer(" ", 0, feedback="no")])) == {
        "answers[1].text": ["required"]
    }
    assert codes_of(question(answers=[])) == {"answers": ["too_few"]}


@pytest.mark.parametrize(
    "fractions",
    [[50, 50], [33.333, 33.333, 33.334], [33.33, 33.33, 33.33], [50, 50, -100], [100, -50]],
)
def test_multiple_answers_positive_fractions_sum_to_100(fractions):
    rows = [answer(f"a{i}", f) for i, f in enumerate(fractions)]
    assert clean_question(question(single=False, answers=rows))["single"] is False


@pytest.mark.parametrize("fractions", [[50, 30], [60, 50], [33.3, 33.3, 33.3], [0, 0], [-50, -50]])
def test_multiple_answers_positive_fractions_not_summing_to_100_are_refused(fractions):
    rows = [answer(f"a{i}", f) for i, f in enumerate(fractions)]
    messages = errors_of(question(single=False, answers=rows))["answers"]
    assert messages[0].startswith("The positive grades must add up to 100 %")


# -- truefalse -----------------------------------------------------------------------
@pytest.mark.parametrize("correct", [True, False])
def test_truefalse_answers_builds_a_valid_pair(correct):
    rows = clean_question(question("truefalse", answers=truefalse_answers(correct, "Yes!", "No.")))[
        "answers"
    ]
    assert [(row["text"], row["fraction"], row["feedback"]) for row in rows] == [
        ("true", 100.0 if correct else 0.0, "Yes!"),
        ("false", 0.0 if correct else 100.0, "No."),
    ]


def test_truefalse_texts_are_case_insensitive_and_lowercased():
    rows = [answer(" FALSE ", 100), answer("True", 0)]
    cleaned = clean_question(question("truefalse", answers=rows))
    assert [row["text"] for row in cleaned["answers"]] == ["false", "true"]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([answer("true", 100)], {"answers": ["truefalse_answers"]}),
        ([answer("true", 100), answer("true", 0)], {"answers": ["truefalse_answers"]}),
        (
            [answer("true", 100), answer("false", 0), answer("false", 0)],
            {"answers": ["truefalse_answers"]},
        ),
        ([answer("yes", 100), answer("false", 0)], {"answers[0].text": ["truefalse_text"]}),
        ([answer("true", 50), answer("false", 50)], {"answers": ["truefalse_fractions"]}),
        ([answer("true", 100), answer("false", 100)], {"answers": ["truefalse_fractions"]}),
        ([answer("true", 100), answer("false", -100)], {"answers": ["truefalse_fractions"]}),
    ],
)
def test_truefalse_needs_true_and_false_one_at_100(rows, expected):
    assert codes_of(question("truefalse", answers=rows)) == expected


# -- shortanswer ---------------------------------------------------------------------
def test_shortanswer_keeps_wildcards_and_several_answers():
    rows = [answer("Paris", 100), answer("*aris", 50), answer("*", 0, feedback="No.")]
    cleaned = clean_question(question("shortanswer", answers=rows, case_sensitive=True))
    assert [row["text"] for row in cleaned["answers"]] == ["Paris", "*aris", "*"]
    assert cleaned["case_sensitive"] is True


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([], {"answers": ["too_few"]}),
        ([answer("Paris", 90)], {"answers": ["no_full_mark"]}),
        ([answer("Paris", 100), answer("Lyon", -10)], {"answers[1].fraction": ["fraction_range"]}),
        ([answer("", 100)], {"answers[0].text": ["required"]}),
    ],
)
def test_shortanswer_rules(rows, expected):
    assert codes_of(question("shortanswer", answers=rows)) == expected


# -- numerical -----------------------------------------------------------------------
def test_numerical_reads_numeric_strings_defaults_tolerance_and_blanks_text():
    rows = [
        {"value": "3,14", "fraction": 100, "text": "ignored"},
        {"value": "-2.5e3", "tolerance": "0.5", "fraction": 50},
    ]
    cleaned = clean_question(question("numerical", answers=rows))["answers"]
    assert [(r["value"], r["tolerance"], r["text"]) for r in cleaned] == [
        (3.14, 0.0, ""),
        (-2500.0, 0.5, ""),
    ]


@pytest.mark.parametrize(
    ("row", "field", "code"),
    [
        ({"value": None, "fraction": 100, "feedback": "?"}, "value", "required"),
        ({"value": "nan", "fraction": 100}, "value", "number"),
        ({"value": float("inf"), "fraction": 100}, "value", "number"),
        ({"value": "3.1.4", "fraction": 100}, "value", "number"),
        ({"value": "1_000", "fraction": 100}, "value", "number"),
        ({"value": 1, "tolerance": -0.001, "fraction": 100}, "tolerance", "negative"),
        ({"value": 1, "tolerance": float("-inf"), "fraction": 100}, "tolerance", "number"),
        ({"value": 1, "fraction": 101}, "fraction", "fraction_range"),
    ],
)
def test_numerical_value_and_tolerance_must_be_finite(row, field, code):
    assert codes_of(question("numerical", answers=[row]))[f"answers[0].{field}"] == [code]


def test_numerical_needs_an_answer_at_100():
    assert codes_of(question("numerical", answers=[{"value": 1, "fraction": 50}])) == {
        "answers": ["no_full_mark"]
    }
    assert codes_of(question("numerical", answers=[])) == {"answers": ["too_few"]}


# -- matching ------------------------------------------------------------------------
def test_matching_keeps_distractors_and_needs_no_third_choice():
    rows = [{"text": "A", "match": "1"}, {"text": "B", "match": "2"}, {"match": "3"}]
    cleaned = clean_question(question("matching", answers=rows))["answers"]
    assert [(row["text"], row["match"], row["fraction"]) for row in cleaned] == [
        ("A", "1", 0.0),
        ("B", "2", 0.0),
        ("", "3", 0.0),
    ]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([{"text": "A", "match": "1"}, {"match": "2"}], {"answers": ["too_few"]}),
        (
            [{"text": "A", "match": "1"}, {"text": "B"}],
            {"answers[1].match": ["required"], "answers": ["too_few"]},
        ),
        (
            [
                {"text": "A", "match": "1"},
                {"text": " a ", "match": "2"},
                {"text": "C", "match": "3"},
            ],
            {"answers[1].text": ["duplicate"]},
        ),
        (
            [{"text": "A", "match": "1"}, {"text": "B", "match": "2"}, {"feedback": "?"}],
            {"answers[2].text": ["required"]},
        ),
    ],
)
def test_matching_rules(rows, expected):
    assert codes_of(question("matching", answers=rows)) == expected


# -- essay ---------------------------------------------------------------------------
def test_essay_has_no_answers():
    assert clean_question(question("essay", answers=[{}, {"text": " "}]))["answers"] == []
    assert errors_of(question("essay", answers=[answer("model answer")])) == {
        "answers": ["An essay question has no answers to fill in."]
    }


# -- fields common to every question -------------------------------------------------
@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"type": "ddwtos"}, "type", "choice"),
        ({"type": None}, "type", "required"),
        ({"name": ""}, "name", "required"),
        ({"name": "   "}, "name", "required"),
        ({"name": "n" * 201}, "name", "too_long"),
        ({"text": ""}, "text", "required"),
        ({"text": "t" * 1_000_001}, "text", "too_long"),
        ({"text_format": "rtf"}, "text_format", "choice"),
        ({"points": -1}, "points", "range"),
        ({"points": 1000.01}, "points", "range"),
        ({"points": True}, "points", "number"),
        ({"points": float("nan")}, "points", "number"),
        ({"points": 10**400}, "points", "number"),
        ({"general_feedback": "f" * 1_000_001}, "general_feedback", "too_long"),
        ({"single": "yes"}, "single", "boolean"),
        ({"case_sensitive": 1}, "case_sensitive", "boolean"),
        ({"answers": "4, 5"}, "answers", "list"),
        ({"answers": [answer("4", 100)] + [answer("5")] * 100}, "answers", "too_many"),
        ({"difficulty": 3}, "difficulty", "unknown"),
    ],
)
def test_question_field_errors(fields, field, code):
    assert code in codes_of(question(**fields))[field]


@pytest.mark.parametrize(
    "fields", [{"name": "n" * 200, "text": "t" * 1_000_000, "points": 1000}, {"points": 0}]
)
def test_limits_are_inclusive(fields):
    rows = [answer("a" * 2000, 100, feedback="f" * 5000)] + [answer("b")] * 99
    cleaned = clean_question(question(**fields, general_feedback="g" * 1_000_000, answers=rows))
    assert len(cleaned["answers"]) == 100


def test_a_pasted_image_fits_in_a_question_text():
    """Moodle files carry pasted images as base64 data URIs in the text and feedback."""
    image = '<img src="data:image/png;base64,' + "A" * 600_000 + '">'
    cleaned = clean_question(question(text=image, text_format="html", general_feedback=image))
    assert cleaned["text"] == cleaned["general_feedback"] == image


def test_missing_required_fields_are_each_reported():
    assert errors_of({}) == {
        "type": ["This field is required."],
        "name": ["This field is required."],
        "text": ["This field is required."],
    }


def test_answer_row_errors_name_the_row_and_field():
    rows = [answer("4", 100, colour="red"), "five", answer("a" * 2001, "lots")]
    assert codes_of(question(answers=rows)) == {
        "answers[0].colour": ["unknown"],
        "answers": ["object"],
        "answers[2].text": ["too_long"],
        "answers[2].fraction": ["number"],
    }


@pytest.mark.parametrize("data", [None, [], "question", 3, True])
def test_a_question_that_is_not_an_object(data):
    assert errors_of(data) == {NON_FIELD_ERRORS: ["A question must be a set of named fields."]}


def test_messages_show_their_parameters():
    rows = [answer("a", 30), answer("b", 50), answer("c", -100)]
    messages = errors_of(question(name="n" * 201, single=False, answers=rows))
    assert messages == {
        "name": ["Keep this under 200 characters (it has 201)."],
        "answers": ["The positive grades must add up to 100 % (they add up to 80.0 %)."],
    }


# -- garbage never raises anything but ValidationError -------------------------------
class Opaque:
    """An object no parser knows."""


GARBAGE = [
    None,
    "",
    " ",
    "x" * 100_000,
    "1" * 5000,
    "nan",
    "-inf",
    "1e999",
    True,
    False,
    0,
    -1,
    10**400,
    1.5,
    float("nan"),
    float("inf"),
    Decimal("NaN"),
    Decimal("sNaN"),
    [],
    ["x"],
    {},
    {"x": 1},
    ("t",),
    b"bytes",
    Opaque(),
]
QUESTION_FIELDS = sorted(QUESTION_KEYS)


def error_fields(clean, data):
    """The fields `clean(data)` finds wrong ({} when it cleans); only ValidationError may escape.

    Every message is rendered to text on the way, so a broken translation or
    placeholder fails here too.
    """
    try:
        clean(data)
    except ValidationError as failure:
        messages = failure.message_dict
        assert messages
        assert all(isinstance(m, str) and m for errs in messages.values() for m in errs)
        return set(messages)
    return set()


@pytest.mark.parametrize("kind", VALID)
@pytest.mark.parametrize("field", QUESTION_FIELDS)
@pytest.mark.parametrize("value", GARBAGE, ids=lambda v: type(v).__name__)
def test_garbage_in_any_question_field(kind, field, value):
    assert error_fields(clean_question, question(kind, **{field: value})) <= {field, "answers"}


ANSWER_FIELDS = list(DECLARED_ANSWER_FIELDS)


@pytest.mark.parametrize("kind", [k for k in VALID if k != "essay"])
@pytest.mark.parametrize("field", ANSWER_FIELDS)
@pytest.mark.parametrize("value", GARBAGE, ids=lambda v: type(v).__name__)
def test_garbage_in_any_answer_field(kind, field, value):
    rows = [dict(row) for row in VALID[kind]["answers"]]
    rows[0][field] = value
    assert error_fields(clean_question, question(kind, answers=rows)) <= {
        f"answers[0].{field}",
        "answers",
    }


@pytest.mark.parametrize("value", GARBAGE, ids=lambda v: type(v).__name__)
def test_garbage_as_an_answer_row_or_a_whole_question(value):
    assert error_fields(clean_question, question(answers=[answer("4", 100), value])) <= {
        "answers",
        "answers[1].x",
    }
    expected = set() if isinstance(value, dict) else {NON_FIELD_ERRORS}
    assert error_fields(clean_question, value) >= expected


# -- quizzes -------------------------------------------------------------------------
def test_quiz_defaults_and_questions_key_is_ignored():
    assert clean_quiz({"title": " Sums ", "questions": [{"anything": 1}]}) == {
        "title": "Sums",
        "description": "",
        "tags": [],
        "status": "draft",
        "options": {
            "shuffle_questions": False,
            "shuffle_answers": False,
            "time_limit_minutes": None,
            "pass_mark": 50,
            "opens_at": None,
            "closes_at": None,
            "access": "link",
            "attempts_allowed": None,
            "one_per_page": False,
            "show_score": True,
            "show_feedback": True,
            "show_correct_answers": False,
        },
    }


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ([" maths ", "algebra", "maths"], ["maths", "algebra"]),
        ("maths, algebra,, maths ,", ["maths", "algebra"]),
        ("", []),
        (None, []),
        (["t" * 50] + [f"tag{i}" for i in range(19)], ["t" * 50] + [f"tag{i}" for i in range(19)]),
        (["same"] * 30, ["same"]),
    ],
)
def test_tags_are_stripped_deduplicated_and_split(tags, expected):
    assert clean_quiz({"title": "T", "tags": tags})["tags"] == expected


@pytest.mark.parametrize(
    ("tags", "code"),
    [
        (["ok", ""], "tag"),
        (["ok", 3], "tag"),
        (["t" * 51], "tag_too_long"),
        ([f"tag{i}" for i in range(21)], "too_many"),
        (7, "list"),
        ({"maths": True}, "list"),
    ],
)
def test_bad_tags(tags, code):
    assert codes_of({"title": "T", "tags": tags}, clean_quiz) == {"tags": [code]}


def test_options_are_normalised():
    options = clean_quiz(
        {
            "title": "T",
            "options": {"shuffle_questions": True, "time_limit_minutes": "90", "pass_mark": 80.0},
        }
    )["options"]
    assert options == {
        **OPTIONS_DEFAULTS,
        "shuffle_questions": True,
        "time_limit_minutes": 90,
        "pass_mark": 80,
    }
    assert isinstance(options["pass_mark"], int)


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"title": ""}, "title", "required"),
        ({"title": None}, "title", "required"),
        ({"title": "t" * 201}, "title", "too_long"),
        ({"title": ["T"]}, "title", "text"),
        ({"description": "d" * 20_001}, "description", "too_long"),
        ({"status": "deleted"}, "status", "choice"),
        ({"owner": 1}, "owner", "unknown"),
        ({"options": "fast"}, "options", "object"),
        ({"options": {"colour": "red"}}, "options.colour", "unknown"),
        ({"options": {"shuffle_answers": "yes"}}, "options.shuffle_answers", "boolean"),
        ({"options": {"time_limit_minutes": 0}}, "options.time_limit_minutes", "range"),
        ({"options": {"time_limit_minutes": 1441}}, "options.time_limit_minutes", "range"),
        ({"options": {"time_limit_minutes": 1.5}}, "options.time_limit_minutes", "integer"),
        ({"options": {"pass_mark": -1}}, "options.pass_mark", "range"),
        ({"options": {"pass_mark": 101}}, "options.pass_mark", "range"),
        ({"options": {"pass_mark": True}}, "options.pass_mark", "number"),
    ],
)
def test_quiz_field_errors(fields, field, code):
    assert codes_of({"title": "T", **fields}, clean_quiz) == {field: [code]}


def test_quiz_limits_are_inclusive():
    quiz = clean_quiz(
        {
            "title": "t" * 200,
            "description": "d" * 20_000,
            "options": {"time_limit_minutes": 1440, "pass_mark": 100},
        }
    )
    assert (len(quiz["title"]), quiz["options"]["time_limit_minutes"]) == (200, 1440)
    assert clean_quiz({"title": "T", "options": {"pass_mark": 0, "time_limit_minutes": 1}})


QUIZ_FIELDS = ["title", "description", "tags", "status", "options"]
OPTION_FIELDS = ["shuffle_questions", "shuffle_answers", "time_limit_minutes", "pass_mark"]


@pytest.mark.parametrize("field", QUIZ_FIELDS)
@pytest.mark.parametrize("value", GARBAGE, ids=lambda v: type(v).__name__)
def test_garbage_in_any_quiz_field(field, value):
    fields = error_fields(clean_quiz, {"title": "T", field: value})
    assert all(name == field or name.startswith(f"{field}.") for name in fields), fields


@pytest.mark.parametrize("field", OPTION_FIELDS)
@pytest.mark.parametrize("value", GARBAGE, ids=lambda v: type(v).__name__)
def test_garbage_in_any_option(field, value):
    assert error_fields(clean_quiz, {"title": "T", "options": {field: value}}) <= {
        f"options.{field}"
    }


@pytest.mark.parametrize(
    "value", [v for v in GARBAGE if not isinstance(v, dict)], ids=lambda v: type(v).__name__
)
def test_garbage_as_a_whole_quiz(value):
    assert errors_of(value, clean_quiz) == {
        NON_FIELD_ERRORS: ["A quiz must be a set of named fields."]
    }


@pytest.mark.parametrize(
    "value", ["inf", "-Infinity", "nan", float("nan"), Decimal("Infinity"), "9" * 400 + ".0"]
)
def test_non_finite_numbers_never_pass(value):
    assert codes_of(question(points=value))["points"] == ["number"]


# -- Moodle's per-question fields ------------------------------------------------
def test_moodle_fields_have_moodles_defaults():
    cleaned = clean_question(question("multichoice"))
    assert cleaned["penalty"] == 0.3333333
    assert (cleaned["idnumber"], cleaned["tags"], cleaned["hints"]) == ("", [], [])
    assert cleaned["answer_numbering"] == "abc"
    assert cleaned["show_num_correct"] is False
    assert cleaned["correct_feedback"] == cleaned["incorrect_feedback"] == ""
    assert "category" not in cleaned
    essay = clean_question(question("essay"))
    assert essay["response_format"] == "editor"
    assert essay["response_required"] is True
    assert (essay["response_field_lines"], essay["attachments"]) == (15, 0)
    assert (essay["min_word_limit"], essay["max_word_limit"]) == (None, None)


def test_every_text_format_not_given_is_the_questions():
    cleaned = clean_question(
        question(
            text_format="html",
            answers=[answer("4", 100, feedback_format="plain"), answer("5", 0)],
            hints=[{"text": "Think"}],
        )
    )
    formats = [name for name in cleaned if name.endswith("_format") and name != "response_format"]
    assert {cleaned[name] for name in formats} == {"html"}
    assert [(a["text_format"], a["feedback_format"]) for a in cleaned["answers"]] == [
        ("html", "plain"),
        ("html", "html"),
    ]
    assert cleaned["hints"] == [
        {"text": "Think", "text_format": "html", "show_num_correct": False, "clear_wrong": False}
    ]
    given = clean_question(question(general_feedback_format="moodle"))
    assert (given["text_format"], given["general_feedback_format"]) == ("markdown", "moodle")


def test_hints_are_kept_as_moodle_saves_them():
    """question_type::save_hints: a hint without text is kept when it has an option;
    the options only in the types whose hints have them (question_hint_with_parts)."""
    hints = [
        {"text": "", "show_num_correct": True},
        {"text": "", "clear_wrong": True},
        {"text": ""},
        {"text": "Look again", "show_num_correct": True, "clear_wrong": True},
    ]
    matching = clean_question(question("matching", hints=hints))
    assert [(h["text"], h["show_num_correct"], h["clear_wrong"]) for h in matching["hints"]] == [
        ("", True, False),
        ("", False, True),
        ("Look again", True, True),
    ]
    short = clean_question(question("shortanswer", answers=[answer("x", 100)], hints=hints))
    assert [(h["text"], h["show_num_correct"], h["clear_wrong"]) for h in short["hints"]] == [
        ("Look again", False, False)
    ]
    assert clean_question(question("essay", hints=hints))["hints"] == []
    description = {"type": "description", "name": "D", "text": "About", "hints": hints}
    assert clean_question(description)["hints"] == []


def test_tags_hints_and_category_are_cleaned():
    cleaned = clean_question(
        question(
            tags="a, b,a",
            hints=[{"text": " One ", "clear_wrong": True}, {"text": ""}],
            category=["A ", "B"],
            idnumber=" q1 ",
        )
    )
    assert cleaned["tags"] == ["a", "b"]
    assert [hint["text"] for hint in cleaned["hints"]] == ["One"]
    assert cleaned["category"] == ("A", "B")
    assert cleaned["idnumber"] == "q1"
    assert clean_question(cleaned) == cleaned


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"penalty": 1.5}, "penalty"),
        ({"penalty": -0.1}, "penalty"),
        ({"answer_numbering": "xyz"}, "answer_numbering"),
        ({"tags": ["x" * 51]}, "tags"),
        ({"hints": [{"text": "a"}] * 21}, "hints"),
        ({"hints": [{"txt": "a"}]}, "hints[0].txt"),
        ({"hints": [{"text": "a", "clear_wrong": "yes"}]}, "hints[0].clear_wrong"),
        ({"category": ["A", ""]}, "category"),
        ({"category": "A/B"}, "category"),
        ({"idnumber": "x" * 101}, "idnumber"),
        ({"correct_feedback_format": "rtf"}, "correct_feedback_format"),
    ],
)
def test_moodle_field_errors(fields, field):
    assert field in errors_of(question(**fields))


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"response_format": "word"}, "response_format"),
        ({"response_field_lines": 0}, "response_field_lines"),
        ({"attachments": -2}, "attachments"),
        ({"min_word_limit": 0}, "min_word_limit"),
        ({"max_word_limit": 1.5}, "max_word_limit"),
    ],
)
def test_essay_option_errors(fields, field):
    assert field in errors_of(question("essay", **fields))


def test_essay_options_are_kept():
    options = {
        "response_format": "monospaced",
        "response_required": False,
        "response_field_lines": 10,
        "attachments": -1,
        "attachments_required": 2,
        "min_word_limit": 10,
        "max_word_limit": 100,
        "grader_info": "Look for X",
        "grader_info_format": "plain",
        "response_template": "Dear ...",
    }
    cleaned = clean_question(question("essay", **options))
    assert {name: cleaned[name] for name in options} == options
    assert cleaned["response_template_format"] == "markdown"


# -- what Moodle's form refuses and its importer takes -----------------------------
LENIENT = [
    (question("multichoice", single=False, answers=[answer("a", 50), answer("b", 30)]), "sum"),
    (question("multichoice", answers=[answer("a", 50), answer("b", 0)]), "no_full_mark"),
    (question("shortanswer", answers=[answer("a", 50)]), "no_full_mark"),
    (question("shortanswer", answers=[answer("a", 100), answer("b", -50)]), "fraction_range"),
    (
        question("matching", answers=[{"text": "A", "match": "1"}, {"text": "A", "match": "2"}]),
        "duplicate",
    ),
    (question("essay", attachments=1, attachments_required=2), "require_fewer"),
    (question("essay", response_format="noinline"), "must_attach"),
    (question("essay", min_word_limit=50, max_word_limit=10), "word_limits"),
]


@pytest.mark.parametrize(("data", "code"), LENIENT)
def test_the_editor_refuses_what_an_importer_takes_with_a_warning(data, code):
    assert any(code in codes for codes in codes_of(data).values())
    warnings = []
    cleaned = clean_question(data, warnings=warnings)
    assert cleaned["type"] == data["type"]
    assert warnings and all(isinstance(warning, str) for warning in warnings)


def test_an_importer_still_gets_the_errors_moodle_refuses_too():
    with pytest.raises(ValidationError):
        clean_question(question("multichoice", answers=[answer("a", 100)]), warnings=[])


# -- numerical: Moodle's "*" for any other number -----------------------------------
def test_numerical_catch_all_answer_is_kept_with_no_value():
    rows = [{"value": 3, "fraction": 100}, {"text": " * ", "fraction": 10, "feedback": "No"}]
    cleaned = clean_question(question("numerical", answers=rows))
    catch_all = cleaned["answers"][1]
    assert (catch_all["text"], catch_all["value"], catch_all["fraction"]) == ("*", None, 10)
    assert cleaned["answers"][0]["text"] == ""
    assert clean_question(cleaned) == cleaned
