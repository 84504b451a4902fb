"""Tests of the cloze (Moodle "embedded answers") syntax engine.

Moodle's own examples come from moodle/moodle (GPL v3+): the fixtures copied into
fixtures/moodle/ (see its README) and the cases of question/type/multianswer/tests/helper.php,
question/type/multianswer/tests/question_test.php, question/format/xml/tests/xmlformat_test.php
(test_import_multianswer, test_import_broken_multianswer_questions) and
question/type/numerical/tests/questiontype_test.php (test_is_valid_number), turned into ours.
"""

import dataclasses
import re
import time
from pathlib import Path

import pytest
from defusedxml import ElementTree
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes.qtypes import cloze_syntax as cs
from quizzes.qtypes.cloze_syntax import ClozeError, SubAnswer, SubQuestion

FIXTURES = Path(__file__).parent / "fixtures" / "moodle"

# question/format/xml/tests/xmlformat_test.php, test_import_multianswer
OWL_AND_PUSSYCAT = (
    'Complete this opening line of verse: "The '
    "{1:SHORTANSWER:Dog#Wrong, silly!~=Owl#Well done!~*#Wrong answer} "
    "and the {1:MULTICHOICE:Bow-wow#You seem to have a dog obsessions!"
    "~Wiggly worm#Now you are just being ridiculous!~=Pussy-cat#Well done!}"
    ' went to sea".'
)


def cloze_texts(filename):
    """{question name: question text} of the cloze questions of a Moodle XML file."""
    root = ElementTree.parse(FIXTURES / filename).getroot()
    return {
        q.findtext("name/text"): q.findtext("questiontext/text")
        for q in root.iter("question")
        if q.get("type") == "cloze"
    }


def only(text):
    """The single sub-question of a text."""
    (sub,) = cs.parse(text)
    return sub


def answers(sub):
    return [(a.text, a.fraction, a.feedback) for a in sub.answers]


def error_of(text):
    with pytest.raises(ClozeError) as caught:
        cs.parse(text)
    return caught.value


def bare(sub):
    """A sub-question without what write() does not keep: its place in the text."""
    return dataclasses.replace(sub, number=1, start=0, end=0, code="")


# --------------------------------------------------------------------------------------------
# Moodle's fixtures and test cases
# --------------------------------------------------------------------------------------------


def test_moodle_fixture_cities_and_capital():
    """multianswer.xml: the "Match the following cities with the correct state" example."""
    text = cloze_texts("multianswer.xml")["cloze with images"]
    subs = cs.parse(text)
    assert [s.kind for s in subs] == ["multichoice"] * 4 + ["shortanswer"]
    assert [s.display for s in subs] == ["inline"] * 5
    assert [s.weight for s in subs] == [1] * 5
    assert cs.total_weight(subs) == 5
    assert answers(subs[0]) == [("California", 100, "OK"), ("Arizona", 0, "Wrong")]
    assert answers(subs[1]) == [("California", 0, "Wrong"), ("Arizona", 100, "OK")]
    assert answers(subs[3]) == [("California", 0, "Wrong"), ("Arizona", 100, "OK")]
    assert answers(subs[4]) == [
        ("Paris", 100, "Congratulations!<br />"),
        ("Marseille", 50, "No, that is the second largest city in France (after<br />Paris)."),
        ("*", 0, "Wrong answer. The capital of France is Paris, of course."),
    ]
    assert [s.code for s in subs][:2] == [
        "{1:MULTICHOICE:=California#OK~Arizona#Wrong}",
        "{1:MULTICHOICE:California#Wrong~%100%Arizona#OK}",
    ]
    assert all(text[s.start : s.end] == s.code for s in subs)
    # Like make_multianswer_question_fourmc + test_get_num_parts_right_fourmc: choosing the
    # second choice everywhere gets Tucson and Phoenix right.
    fraction, results = cs.grade_all(subs, {"1": "1", "2": "1", "3": "1", "4": "1"})
    assert [f for _sub, f, _chosen in results] == [0, 1, 0, 1, 0]
    assert fraction == pytest.approx(2 / 5)
    assert cs.grade(subs[4], "paris") == (1.0, [subs[4].answers[0]])
    assert cs.grade(subs[4], "Marseille")[0] == 0.5
    assert cs.grade(subs[4], "Lyon") == (0.0, [subs[4].answers[2]])
    assert cs.right_answer(subs[1]) == "Arizona"


def test_moodle_fixture_old_image_tag_has_the_same_codes():
    new = cs.parse(cloze_texts("multianswer.xml")["cloze with images"])
    old = cs.parse(
        cloze_texts("sample_questions_with_old_image_tag.xml")["cloze question with image"]
    )
    assert [bare(s) for s in old] == [bare(s) for s in new]


@pytest.mark.parametrize(
    ("name", "number", "message"),
    [
        ("Multianswer question without subquestions", None, "at least one sub-question"),
        # "{1:MULTICHOICE}" has no answers, so it is not a code at all.
        ("Multichoice subquestion without choices", None, "at least one sub-question"),
        ("Multichoice subquestion with only one choice", 1, "at least 2 choices"),
        ("Multichoice subquestion with no completely correct answer", 1, "at 100 %"),
        ("Numerical subquestion with buggy answer", 1, "“zero” is not a number"),
    ],
)
def test_moodle_fixture_broken_cloze_questions(name, number, message):
    """broken_cloze_questions.xml: each question is refused, for Moodle's reason."""
    error = error_of(cloze_texts("broken_cloze_questions.xml")[name])
    assert error.number == number
    assert message in error.message
    assert str(error) == error.message
    if number is not None:
        assert error.message.startswith(f"Sub-question {number}:")


def test_moodle_import_multianswer_owl_and_pussycat():
    """xmlformat_test::test_import_multianswer."""
    sa, mc = cs.parse(OWL_AND_PUSSYCAT)
    assert (sa.kind, sa.case_sensitive, sa.weight) == ("shortanswer", False, 1)
    assert answers(sa) == [
        ("Dog", 0, "Wrong, silly!"),
        ("Owl", 100, "Well done!"),
        ("*", 0, "Wrong answer"),
    ]
    assert (mc.kind, mc.display, mc.shuffle) == ("multichoice", "inline", False)
    assert [a.text for a in mc.answers] == ["Bow-wow", "Wiggly worm", "Pussy-cat"]
    assert [a.fraction for a in mc.answers] == [0, 0, 100]
    assert cs.total_weight([sa, mc]) == 2  # the question's defaultmark
    pieces = cs.segments(OWL_AND_PUSSYCAT)
    assert pieces == [
        'Complete this opening line of verse: "The ',
        sa,
        " and the ",
        mc,
        ' went to sea".',
    ]


@pytest.mark.parametrize(
    ("responses", "expected"),
    [
        ({"1": "Owl", "2": 2}, 1.0),
        ({"1": "Owl"}, 0.5),
        ({"1": "Goat", "2": 2}, 0.5),
        ({"1": "Dog"}, 0.0),
        ({"1": "Frog", "2": "2"}, 0.5),
        ({"1": "Dog", "2": 3}, 0.0),  # 3 is no choice
        ({"2": 2}, 0.5),
    ],
)
def test_moodle_question_test_grading(responses, expected):
    """question_test::test_grading and test_get_num_parts_right."""
    fraction, results = cs.grade_all(cs.parse(OWL_AND_PUSSYCAT), responses)
    assert fraction == expected
    assert len(results) == 2


def test_moodle_question_test_correct_response():
    sa, mc = cs.parse(OWL_AND_PUSSYCAT)
    assert (cs.right_answer(sa), cs.right_answer(mc)) == ("Owl", "Pussy-cat")


def test_moodle_helper_multiresponse_fruits_and_vegetables():
    """helper.php, make_multianswer_question_multiple: Moodle's multi-response score fix."""
    fruits = only(
        "{1:MULTIRESPONSE:=Apple#Good~%-50%Burger~%-50%Hot dog#Not a fruit~%-50%Pizza"
        "~=Orange#Correct~=Banana}"
    )
    assert (fruits.kind, fruits.display, fruits.shuffle) == ("multiresponse", "vertical", False)
    assert [a.fraction for a in fruits.answers] == pytest.approx(
        [100 / 3, -50, -50, -50, 100 / 3, 100 / 3]
    )
    assert [a.feedback for a in fruits.answers][:3] == ["Good", "", "Not a fruit"]
    vegetables = only(
        "{1:MULTIRESPONSE:=Raddish#Good~%-50%Chocolate~%-50%Biscuit#Not a vegetable~%-50%Cheese"
        "~=Carrot#Correct}"
    )
    assert [a.fraction for a in vegetables.answers] == [50, -50, -50, -50, 50]
    assert cs.grade(fruits, [0, 4, 5]) == (
        1.0,
        [fruits.answers[0], fruits.answers[4], fruits.answers[5]],
    )
    assert cs.grade(fruits, [0, 4])[0] == pytest.approx(2 / 3)
    assert cs.grade(fruits, [0, 1]) == (0.0, [fruits.answers[0], fruits.answers[1]])
    assert cs.grade(vegetables, [0, 4, 1])[0] == 0.5
    assert cs.right_answer(fruits) == "Apple, Orange, Banana"


def test_moodle_helper_numerical_zero():
    """helper.php numericalzero (MDL-35370): "0" is an answer, and the right one."""
    sub = only("Enter zero: {1:NUMERICAL:=0:0}.")
    assert answers(sub) == [("0", 100, "")]
    assert (sub.answers[0].value, sub.answers[0].tolerance) == (0.0, 0.0)
    assert cs.is_answered(sub, "0")
    assert cs.grade(sub, "0") == (1.0, [sub.answers[0]])
    assert cs.grade(sub, 0) == (1.0, [sub.answers[0]])
    assert cs.grade(sub, "0.0001")[0] == 0.0


def test_moodle_helper_dollar_signs():
    """helper.php dollarsigns: "$3" is not a regex back-reference."""
    sub = only("Which is the right order? {1:MULTICHOICE:=y,y,$3~$3,y,y}")
    assert answers(sub) == [("y,y,$3", 100, ""), ("$3,y,y", 0, "")]


@pytest.mark.parametrize(
    ("number", "value"),
    [("1,001", 1.001), ("1.001", 1.001), ("1", 1.0), ("1,e8", 1e8), ("1.e8", 1e8)],
)
def test_moodle_is_valid_number(number, value):
    """numerical questiontype_test::test_is_valid_number, inside a code."""
    assert only(f"{{1:NM:={number}}}").answers[0].value == value


def test_moodle_is_valid_number_refuses_trailing_text():
    assert "“1001 xxx” is not a number" in error_of("{1:NM:=1001 xxx}").message


# --------------------------------------------------------------------------------------------
# Types, weights, fractions, feedback
# --------------------------------------------------------------------------------------------

SA = ("shortanswer", "inline", False, False)
SAC = ("shortanswer", "inline", False, True)
NM = ("numerical", "inline", False, False)


@pytest.mark.parametrize(
    ("name", "meaning"),
    [
        ("SHORTANSWER", SA),
        ("SA", SA),
        ("MW", SA),
        ("SHORTANSWER_C", SAC),
        ("SAC", SAC),
        ("MWC", SAC),
        ("NUMERICAL", NM),
        ("NM", NM),
        ("MULTICHOICE", ("multichoice", "inline", False, False)),
        ("MC", ("multichoice", "inline", False, False)),
        ("MULTICHOICE_V", ("multichoice", "vertical", False, False)),
        ("MCV", ("multichoice", "vertical", False, False)),
        ("MULTICHOICE_H", ("multichoice", "horizontal", False, False)),
        ("MCH", ("multichoice", "horizontal", False, False)),
        ("MULTICHOICE_S", ("multichoice", "inline", True, False)),
        ("MCS", ("multichoice", "inline", True, False)),
        ("MULTICHOICE_VS", ("multichoice", "vertical", True, False)),
        ("MCVS", ("multichoice", "vertical", True, False)),
        ("MULTICHOICE_HS", ("multichoice", "horizontal", True, False)),
        ("MCHS", ("multichoice", "horizontal", True, False)),
        ("MULTIRESPONSE", ("multiresponse", "vertical", False, False)),
        ("MR", ("multiresponse", "vertical", False, False)),
        ("MULTIRESPONSE_H", ("multiresponse", "horizontal", False, False)),
        ("MRH", ("multiresponse", "horizontal", False, False)),
        ("MULTIRESPONSE_S", ("multiresponse", "vertical", True, False)),
        ("MRS", ("multiresponse", "vertical", True, False)),
        ("MULTIRESPONSE_HS", ("multiresponse", "horizontal", True, False)),
        ("MRHS", ("multiresponse", "horizontal", True, False)),
    ],
)
def test_every_type_and_abbreviation(name, meaning):
    sub = only(f"x {{2:{name}:=1~2}} y")
    assert (sub.kind, sub.display, sub.shuffle, sub.case_sensitive) == meaning
    assert sub.weight == 2
    assert [a.text for a in sub.answers] == ["1", "2"]
    # write() uses the long name and reads back the same.
    assert bare(only(cs.write(sub))) == bare(sub)


@pytest.mark.parametrize(
    "text",
    [
        "{1:sa:=x}",  # type names are upper case
        "{1:SHORT:=x}",
        "{SA:=x}",  # the weight may be empty, not its colon
        "{1:SA=x}",
        "{1:SA:=x",  # never closed
        "{1:SA:}",  # no answer
        "{1:SA:=C:\\}",  # "\}" does not close
        "{-1:SA:=x}",
        "{ 1:SA:=x}",
    ],
)
def test_text_that_only_looks_like_a_code_is_text(text):
    assert error_of(text).number is None
    assert [problem.number for problem in cs.validate(text)] == [None]


def test_weights():
    subs = cs.parse("{:SA:=a} {3:SA:=b} {0:SA:=c} {007:SA:=d}")
    assert [s.weight for s in subs] == [1, 3, 0, 7]  # Moodle: a weight of 0 is accepted
    assert cs.total_weight(subs) == 11


@pytest.mark.parametrize(
    ("alternative", "fraction"),
    [
        ("=x", 100),
        ("x", 0),
        ("%100%x", 100),
        ("%50%x", 50),
        ("%-50%x", -50),
        ("%33.3%x", 33.3),
        ("%33,5%x", 33.5),  # Moodle accepts either decimal separator
        ("%50.%x", 50),
        ("%-0%x", 0),
        ("%0%x", 0),
        ("%150%x", 150),  # Moodle does not check the range
    ],
)
def test_fractions(alternative, fraction):
    sub = only(f"{{1:MC:=right~{alternative}}}")
    assert sub.answers[1].text == "x"
    assert sub.answers[1].fraction == pytest.approx(fraction)


def test_a_fraction_needs_its_closing_percent():
    assert answers(only("{1:SA:=a~%50x}")) == [("a", 100, ""), ("%50x", 0, "")]
    assert answers(only("{1:SA:=a~%5 0%x}")) == [("a", 100, ""), ("%5 0%x", 0, "")]


def test_a_lone_equals_sign_is_an_answer():
    # Moodle: "=" then an answer of one character or more, else "=" is the answer.
    assert answers(only("{1:SA:=a~=}")) == [("a", 100, ""), ("=", 0, "")]


def test_multiresponse_score_fix():
    """Moodle rescales positive fractions to add up to 100 %; with no %n% at all, every other
    answer costs one right answer's share."""
    assert [a.fraction for a in only("{1:MR:=A~=B~C}").answers] == [50, 50, -50]
    assert [a.fraction for a in only("{1:MR:=A~B~C}").answers] == [100, -100, -100]
    assert [a.fraction for a in only("{1:MR:%50%A~%50%B~C}").answers] == [50, 50, 0]
    assert [a.fraction for a in only("{1:MR:%100%A~%100%B~C}").answers] == [50, 50, 0]
    assert [a.fraction for a in only("{1:MR:%30%A~%10%B}").answers] == [75, 25]
    # From Moodle's tiny_cloze behat test: %-22% makes the fractions "given".
    assert [a.fraction for a in only("{1:MULTIRESPONSE:%0%cat~%-22%dog~%100%mouse}").answers] == [
        0,
        -22,
        100,
    ]


def test_multiresponse_zero_percent_oddity():
    # Moodle: "%0%" is PHP's false string, so it does not count as a given fraction...
    assert [a.fraction for a in only("{1:MR:%0%A~=B}").answers] == [-100, 100]
    # ... while "%0.0%" does.
    assert [a.fraction for a in only("{1:MR:%0.0%A~=B}").answers] == [0, 100]


def test_feedback():
    sub = only("{1:MC:=a#Well done!~b#No.~c#~d}")
    assert [a.feedback for a in sub.answers] == ["Well done!", "No.", "", ""]
    # Feedback may hold "#" and "&~"; it ends at "~" or "}".
    assert answers(only("{1:SA:=x#a#b&~y}")) == [("x", 100, "a#b&"), ("y", 0, "")]


def test_text_around_and_between_codes():
    text = "Q: {1:SA:=a}, {2:NM:=1} and {3:MCV:=b~c}!"
    subs = cs.parse(text)
    assert [s.number for s in subs] == [1, 2, 3]
    assert [s.code for s in subs] == ["{1:SA:=a}", "{2:NM:=1}", "{3:MCV:=b~c}"]
    assert [(s.start, s.end) for s in subs] == [(3, 12), (14, 23), (28, 40)]
    pieces = cs.segments(text)
    assert pieces == ["Q: ", subs[0], ", ", subs[1], " and ", subs[2], "!"]
    assert cs.segments("{1:SA:=a}{1:SA:=b}") == cs.parse("{1:SA:=a}{1:SA:=b}")
    assert "".join(p if isinstance(p, str) else p.code for p in pieces) == text


def test_codes_over_several_lines_and_html():
    text = "<p>One</p>\n{1:MULTICHOICE_V:<b>bold</b>#no~=plain\nline#yes\n}\n"
    (sub,) = cs.parse(text)
    # Moodle: "$" matches before a final newline, so the last feedback stops at "yes"; the
    # newline left over is read as one more answer, blank, hence dropped.
    assert answers(sub) == [("<b>bold</b>", 0, "no"), ("plain\nline", 100, "yes")]
    # The fraction must open the alternative: after a newline "=" is part of the answer.
    assert answers(only("{1:MC:=a~\n=b}")) == [("a", 100, ""), ("\n=b", 0, "")]


def test_typed_placeholders_stay_text():
    subs = cs.parse("{#1} {1:SA:=a}")
    assert len(subs) == 1 and subs[0].start == 5
    assert cs.segments("{#1} {1:SA:=a}")[0] == "{#1} "


# --------------------------------------------------------------------------------------------
# Escapes and entities, exactly as Moodle reads them
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("{1:SA:=a\\}b}", [("a}b", 100, "")]),
        ("{1:SA:=a\\#b#fb\\#x}", [("a#b", 100, "fb#x")]),
        ("{1:SA:=x#a\\}b}", [("x", 100, "a}b")]),
        # Moodle: "\~" keeps the answer whole, but its backslash stays.
        ("{1:SA:=a\\~b~c}", [("a\\~b", 100, ""), ("c", 0, "")]),
        # Moodle: "\/", '\"' and "\\" are no escapes at all.
        ('{1:SA:=a\\/b\\"c}', [('a\\/b\\"c', 100, "")]),
        ("{1:SA:=a\\\\b}", [("a\\\\b", 100, "")]),
        # Entities are decoded (HTML 4.01 names, ";" required, one pass).
        ("{1:SA:=R&amp;D}", [("R&D", 100, "")]),
        (
            "{1:MC:=&lt;b&gt;~&amp;lt;~&apos;~&amp}",
            [("<b>", 100, ""), ("&lt;", 0, ""), ("&apos;", 0, ""), ("&amp", 0, "")],
        ),
        ("{1:SA:=&#233;t&#xE9;}", [("été", 100, "")]),
        ("{1:SA:=a&#0;b}", [("a&#0;b", 100, "")]),  # PHP does not decode &#0;
        # A "#" or "~" right after "&" or "&amp;" does not end an answer...
        ("{1:SA:=a&#35;b}", [("a#b", 100, "")]),
        ("{1:SA:=x&~y}", [("x&~y", 100, "")]),
        ("{1:SA:=x&amp;#fb}", [("x&#fb", 100, "")]),
        # ... but nothing protects a feedback's end but a backslash.
        ("{1:SA:=x#f&~y}", [("x", 100, "f&"), ("y", 0, "")]),
        # An answer takes one character or more, so "~}" cannot end a code: the code's
        # answer is "a~"; Moodle's second regex then splits it into "a" and "~".
        ("{1:SA:=a~}", [("a", 100, ""), ("~", 0, "")]),
        # A shortanswer is trimmed, a choice is not; blank answers are dropped.
        ("{1:SA:=  a  ~ ~b}", [("a", 100, ""), ("b", 0, "")]),
        ("{1:MC:= a ~ ~b}", [(" a ", 100, ""), ("b", 0, "")]),
    ],
)
def test_escapes_and_entities(code, expected):
    assert answers(only(code)) == expected


def test_backslash_before_closing_brace_runs_on():
    # Moodle: "\}" never closes, so the code runs on to the next "}".
    (sub,) = cs.parse("{1:SA:=C:\\} or {1:SA:=D}")
    assert answers(sub) == [("C:} or {1:SA:=D", 100, "")]


# --------------------------------------------------------------------------------------------
# Numerical answers
# --------------------------------------------------------------------------------------------


def test_numerical_answers_and_tolerance():
    # Moodle docs: {2:NUMERICAL:=23.8:0.1#Feedback for correct answer 23.8~%50%23.8:2#...}
    sub = only("{2:NUMERICAL:=23.8:0.1#Right~%50%23.8:2#Close~*#Far}")
    assert [(a.text, a.value, a.tolerance, a.fraction) for a in sub.answers] == [
        ("23.8", 23.8, 0.1, 100),
        ("23.8", 23.8, 2.0, 50),
        ("*", None, None, 0),
    ]
    assert cs.grade(sub, "23.8") == (1.0, [sub.answers[0]])
    assert cs.grade(sub, "23.9")[0] == 1.0  # 0.1 away: the 1e-14 margin keeps it in
    assert cs.grade(sub, "23,85")[0] == 1.0  # decimal comma
    assert cs.grade(sub, "25.8")[0] == 0.5
    assert cs.grade(sub, "25.81") == (0.0, [sub.answers[2]])
    assert cs.grade(sub, "many") == (0.0, [])  # "*" only catches numbers
    assert cs.right_answer(sub) == "23.8"


@pytest.mark.parametrize(
    ("answer", "value", "tolerance"),
    [
        ("=3,14:0,01", 3.14, 0.01),
        ("=1e3", 1000.0, 0.0),
        ("=-2.5E-3:1e-4", -0.0025, 0.0001),
        ("=.5", 0.5, 0.0),
        ("=5:-0.5", 5.0, 0.5),  # the tolerance is taken positive
        ("=+5", 5.0, 0.0),  # not value:tolerance, but a number: tolerance 0
        ("=1 000", 1000.0, 0.0),
        ("=1,000.5", 1000.5, 0.0),
        ("=2x10^3", 2000.0, 0.0),
    ],
)
def test_numerical_answer_forms(answer, value, tolerance):
    a = only(f"{{1:NM:{answer}}}").answers[0]
    assert (a.value, a.tolerance) == (pytest.approx(value), pytest.approx(tolerance))


@pytest.mark.parametrize("answer", ["=zero", "=5:abc", "=1e999", "=5 cm", "=1.5 : 0.1"])
def test_numerical_answer_that_is_no_number(answer):
    error = error_of(f"{{1:SA:=ok}} {{2:NM:{answer}}}")
    assert error.number == 2
    assert error.message.startswith("Sub-question 2: ")
    assert "is not a number" in error.message


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number", "message"),
    [
        (
            "Nothing to fill.",
            None,
            "The text must contain at least one sub-question, such as {1:SHORTANSWER:=Paris}.",
        ),
        ("{1:SA:=a} {1:SA:b~%50%c}", 2, "Sub-question 2: give at least one answer at 100 %."),
        ("{1:NM:=1} {1:SA:=a} {1:MC:=x}", 3, "Sub-question 3: give at least 2 choices."),
        ("{1:MCV:%50%x~y}", 1, "Sub-question 1: give at least one answer at 100 %."),
        ("{1:MR:%-50%x~%0%y}", 1, "Sub-question 1: give at least one choice a positive grade."),
        ("{1:SA: ~ }", 1, "Sub-question 1: give at least one answer."),
        ("{1:NM:%100.5%3}", 1, "Sub-question 1: give at least one answer at 100 %."),
    ],
)
def test_errors_name_the_sub_question(text, number, message):
    error = error_of(text)
    assert (error.number, error.message) == (number, message)


def test_validate_lists_every_problem_in_order():
    problems = cs.validate("{1:MC:=x} {1:SA:a} {1:NM:=b~c}")
    assert [(p.number, p.message) for p in problems] == [
        (1, "Sub-question 1: give at least 2 choices."),
        (2, "Sub-question 2: give at least one answer at 100 %."),
        (
            3,
            "Sub-question 3: “b” is not a number; write a number such as -1.234 or 3e8, or * for any other answer.",
        ),
        (
            3,
            "Sub-question 3: “c” is not a number; write a number such as -1.234 or 3e8, or * for any other answer.",
        ),
    ]
    assert cs.validate(OWL_AND_PUSSYCAT) == []


def test_error_messages_are_translated():
    from django.utils import translation

    with translation.override("fr"):
        message = error_of("{1:SA:a}").message
    assert "1" in message  # whatever the catalogue holds, the number is there


# --------------------------------------------------------------------------------------------
# Grading
# --------------------------------------------------------------------------------------------


def test_shortanswer_grading():
    sub = only("{1:SA:=Paris#yes~%50%Mar*lle#half~*#no}")
    assert cs.grade(sub, "Paris") == (1.0, [sub.answers[0]])
    assert cs.grade(sub, "  pARIS ") == (1.0, [sub.answers[0]])  # trimmed, case ignored
    assert cs.grade(sub, "Marseille")[0] == 0.5
    assert cs.grade(sub, "Marlle")[0] == 0.5  # "*" may match nothing
    assert cs.grade(sub, "Lyon") == (0.0, [sub.answers[2]])
    assert cs.grade(sub, "") == (0.0, [])
    assert cs.grade(sub, "   ") == (0.0, [])
    # Moodle: the wildcard does not match a newline ("." without the /s modifier).
    assert cs.grade(sub, "Par\nis") == (0.0, [])


def test_shortanswer_case_sensitive():
    sub = only("{1:SAC:=Paris~%50%paris}")
    assert cs.grade(sub, "Paris")[0] == 1.0
    assert cs.grade(sub, "paris")[0] == 0.5
    assert cs.grade(sub, "PARIS") == (0.0, [])


def test_shortanswer_wildcards():
    sub = only("{1:SA:=a*b**c~%50%x\\*y}")
    assert cs.grade(sub, "abc")[0] == 1.0
    assert cs.grade(sub, "a-1-b-2-c")[0] == 1.0
    assert cs.grade(sub, "a.b.c")[0] == 1.0  # "." is no regex here
    assert cs.grade(sub, "x*y")[0] == 0.5  # "\*" is a literal star
    assert cs.grade(sub, "xzy") == (0.0, [])
    assert cs.grade(only("{1:SA:=(1+2)?}"), "(1+2)?")[0] == 1.0
    assert cs.right_answer(sub) == "a b  c"  # Moodle's clean_response
    assert cs.right_answer(only("{1:SA:=x\\*y}")) == "x*y"


def test_shortanswer_first_matching_answer_wins():
    # Moodle: the first matching answer, not the best one: an early "*" hides the others.
    sub = only("{1:SA:*#any~=Paris}")
    assert cs.grade(sub, "Paris") == (0.0, [sub.answers[0]])


def test_shortanswer_unicode_normalisation():
    sub = only("{1:SA:=Café}")
    assert cs.grade(sub, "Cafe\u0301")[0] == 1.0
    assert cs.grade(sub, "CAFÉ")[0] == 1.0


@pytest.mark.parametrize(
    ("response", "fraction"),
    [
        ("3.14", 1.0),
        ("3,14", 1.0),
        ("3.145", 1.0),
        ("3.16", 0.0),
        (" 3.14 ", 1.0),
        ("+3.14", 1.0),
        ("314e-2", 1.0),
        ("314x10^-2", 1.0),
        ("314\u00d710^-2", 1.0),  # the multiplication sign
        ("314*10**-2", 1.0),
        ("3.14 m", 1.0),  # Moodle: a unit after the number is ignored here
        ("0 003,14", 1.0),  # spaces are thousands separators
        ("1,000.5", 0.0),
        ("pi", 0.0),
        ("", 0.0),
        (3.14, 1.0),
        (True, 0.0),
        (None, 0.0),
        (["3.14"], 0.0),
    ],
)
def test_numerical_grading(response, fraction):
    sub = only("{1:NM:=3.14:0.01}")
    assert cs.grade(sub, response)[0] == fraction


def test_numerical_tolerance_is_inclusive():
    sub = only("{1:NM:=10:1}")
    assert cs.grade(sub, "9")[0] == cs.grade(sub, "11")[0] == 1.0
    assert cs.grade(sub, "11.000001")[0] == 0.0
    assert cs.grade(only("{1:NM:=0.3}"), "0.1e1")[0] == 0.0
    assert cs.grade(only("{1:NM:=0.3}"), str(0.1 + 0.2))[0] == 1.0  # Moodle's 1e-14 margin


@pytest.mark.parametrize(
    ("response", "fraction", "chosen"),
    [
        (0, 0.0, [0]),
        (1, 1.0, [1]),
        ("1", 1.0, [1]),
        (2, 0.5, [2]),
        (3, 0.0, [3]),  # a negative fraction gives 0, the choice is still reported
        (4, 0.0, []),
        (-1, 0.0, []),
        ("-1", 0.0, []),
        (" 1", 0.0, []),
        ("01", 1.0, [1]),
        (True, 0.0, []),
        (1.0, 0.0, []),
        ([1], 0.0, []),
        (None, 0.0, []),
        ("", 0.0, []),
    ],
)
def test_multichoice_grading(response, fraction, chosen):
    sub = only("{1:MCH:a#not a~=b#yes~%50%c~%-50%d}")
    assert cs.grade(sub, response) == (fraction, [sub.answers[i] for i in chosen])


@pytest.mark.parametrize(
    ("response", "fraction", "chosen"),
    [
        ([0, 1], 1.0, [0, 1]),
        ([1, 0], 1.0, [0, 1]),
        ((0,), 0.5, [0]),
        ({0, 1, 2}, 0.5, [0, 1, 2]),
        ([0, 0, 0], 0.5, [0]),
        (["0", "1"], 1.0, [0, 1]),
        ([2], 0.0, [2]),
        ([2, 3], 0.0, [2, 3]),
        ([], 0.0, []),
        ([0, 9], 0.0, []),
        ([0, True], 0.0, []),
        (0, 0.0, []),
        ("0,1", 0.0, []),
        (None, 0.0, []),
    ],
)
def test_multiresponse_grading(response, fraction, chosen):
    sub = only("{1:MRH:=a~=b~c~d}")  # a 50, b 50, c -50, d -50
    assert cs.grade(sub, response) == (fraction, [sub.answers[i] for i in chosen])


def test_multiresponse_thirds_and_sevenths_add_up_to_one():
    thirds = only("{1:MR:=a~=b~=c~d}")
    assert cs.grade(thirds, [0, 1, 2])[0] == 1.0
    sevenths = only("{1:MR:" + "~".join(f"={i}" for i in range(7)) + "~x}")
    assert cs.grade(sevenths, list(range(7)))[0] == 1.0


def test_grade_all_weighted_mean():
    subs = cs.parse("{3:SA:=a} {1:NM:=2} {0:MC:=x~y} {2:MR:=p~%50%q~r}")
    fraction, results = cs.grade_all(subs, {"1": "a", "2": "3", "3": 1, "4": [0, 1]})
    assert [f for _s, f, _c in results] == [1.0, 0.0, 0.0, 1.0]
    assert fraction == pytest.approx((3 * 1 + 1 * 0 + 0 + 2 * 1) / 6)
    assert results[3][2] == [subs[3].answers[0], subs[3].answers[1]]
    assert cs.grade_all(subs, {})[0] == 0.0
    assert cs.grade_all(subs, None)[0] == 0.0
    assert cs.grade_all(cs.parse("{0:SA:=a}"), {"1": "a"})[0] == 0.0  # no weight at all
    assert cs.grade_all([], {}) == (0.0, [])


def test_is_answered():
    sa, nm, mc, mr = cs.parse("{1:SA:=a} {1:NM:=2} {1:MC:=x~y} {1:MR:=p~q}")
    assert cs.is_answered(sa, "0") and cs.is_answered(sa, "x")
    assert not cs.is_answered(sa, "") and not cs.is_answered(sa, "  ") and not cs.is_answered(sa, 3)
    assert cs.is_answered(nm, "abc") and cs.is_answered(nm, 0) and cs.is_answered(nm, 2.5)
    assert (
        not cs.is_answered(nm, " ")
        and not cs.is_answered(nm, None)
        and not cs.is_answered(nm, True)
    )
    assert cs.is_answered(mc, 0) and cs.is_answered(mc, "1")
    assert not cs.is_answered(mc, 2) and not cs.is_answered(mc, "") and not cs.is_answered(mc, None)
    assert cs.is_answered(mr, [1]) and not cs.is_answered(mr, []) and not cs.is_answered(mr, [5])


def test_right_answer():
    assert cs.right_answer(only("{1:SA:%50%a~=b~=c}")) == "b"
    assert cs.right_answer(only("{1:NM:%50%1~=2.50:0.1}")) == "2.5"
    assert cs.right_answer(only("{1:NM:=1e-5}")) == "1e-05"
    assert cs.right_answer(only("{1:MCV:a~=b}")) == "b"
    assert cs.right_answer(only("{1:MR:=a~b~%50%c~%50%d}")) == "a, c, d"  # 50, 0, 25, 25
    empty = SubQuestion(1, "shortanswer", "inline", False, False, 1, (), 0, 0, "")
    assert cs.right_answer(empty) == ""


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None)
@given(response=JSONISH)
def test_grading_never_raises(response):
    for sub in cs.parse("{1:SA:=a*} {1:NM:=2:1} {1:MC:=x~y} {1:MR:=p~q}"):
        fraction, chosen = cs.grade(sub, response)
        assert 0.0 <= fraction <= 1.0
        assert all(isinstance(a, SubAnswer) for a in chosen)
        assert isinstance(cs.is_answered(sub, response), bool)


def test_grading_a_malformed_sub_question_never_raises():
    broken = SubQuestion(
        1, "shortanswer", "inline", False, False, 1, (SubAnswer(None, None),), 0, 0, ""
    )
    assert cs.grade(broken, "x") == (0.0, [])
    assert cs.grade(dataclasses.replace(broken, kind="nonsense"), "x") == (0.0, [])


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        "{1:SHORTANSWER:=Paris#Yes~%50%Mar*#Half~*#No}",
        "{2:SHORTANSWER_C:=a\\}b#c\\#d}",
        "{1:NUMERICAL:=3.14:0.01~%50%3~*}",
        "{1:MULTICHOICE_HS:=a~%-33.5%b~c}",
        "{1:MULTIRESPONSE:%50%a~%50%b~%-100%c}",
        "{1:MULTICHOICE:=&lt;b&gt;~R&amp;D~x&#35;y}",
        "{1:SA:=a\\~b~c&~d}",
    ],
)
def test_write_round_trip(code):
    sub = only(code)
    assert bare(only(cs.write(sub))) == bare(sub)


def test_write_output():
    assert cs.write(only("{:SA:=Paris#Yes~*#No}")) == "{1:SHORTANSWER:=Paris#Yes~*#No}"
    assert cs.write(only("{2:NM:=3,14:0,01}")) == "{2:NUMERICAL:=3.14:0.01}"
    assert cs.write(only("{1:MR:=a~=b~c}")) == "{1:MULTIRESPONSE:%50%a~%50%b~%-50%c}"
    assert cs.write(only("{1:MC:=a~%0%=b}")) == "{1:MULTICHOICE:=a~%0%=b}"
    assert cs.write(only("{1:MC:=a~%0%%5%b}")) == "{1:MULTICHOICE:=a~%0%%5%b}"


def sub_with(kind, answers_, display="inline", shuffle=False, case_sensitive=False, weight=1):
    return SubQuestion(1, kind, display, shuffle, case_sensitive, weight, tuple(answers_), 0, 0, "")


@pytest.mark.parametrize(
    "text",
    [
        "a}b",
        "a#b",
        "a~b",
        "a\\",
        "a\\}",
        "\\#",
        "a&",
        "a&amp;",
        "&lt;",
        "x\n",
        "=x",
        "%5%x",
        "~",
        "#",
        "}",
        "\\",
    ],
)
def test_write_escapes_awkward_texts(text):
    sub = sub_with("multichoice", [SubAnswer("ok", 100, text), SubAnswer(text, 0, text)])
    written = cs.write(sub)
    assert bare(only(written)) == sub, written


@pytest.mark.parametrize(
    "sub",
    [
        sub_with("multiresponse", [SubAnswer("a", 100), SubAnswer("b", 0)], display="inline"),
        sub_with("shortanswer", [SubAnswer("a", 100)], display="vertical"),
        sub_with("teleport", [SubAnswer("a", 100)]),
        sub_with("shortanswer", [SubAnswer("a", 100)], weight=-1),
        sub_with("shortanswer", []),
        sub_with("shortanswer", [SubAnswer("  ", 100)]),
        sub_with("numerical", [SubAnswer("x", 100)]),
        sub_with("numerical", [SubAnswer("inf", 100, value=float("inf"), tolerance=0.0)]),
        sub_with("shortanswer", [SubAnswer("a", float("nan"))]),
    ],
)
def test_write_refuses_what_no_code_expresses(sub):
    with pytest.raises(ValueError):
        cs.write(sub)


AWKWARD = st.sampled_from(
    [*"{}~#=%\\&;:*/\"' \n\tx", "&amp;", "&lt;", "&#35;", "\\}", "\\#", "%50%", "é"]
)
TEXT = st.lists(AWKWARD | st.characters(exclude_categories=("Cs",)), min_size=1, max_size=12).map(
    "".join
)
FRACTION = st.sampled_from([0.0, 50.0, -50.0, 33.3, 100.0, -100.0, 12.5]) | st.floats(-100, 100)
FEEDBACK = st.just("") | TEXT


@st.composite
def sub_questions(draw):
    """Valid sub-questions of every kind, in the form parse() gives them."""
    kind = draw(st.sampled_from(["shortanswer", "numerical", "multichoice", "multiresponse"]))
    count = draw(st.integers(2 if kind in ("multichoice", "multiresponse") else 1, 5))
    fractions = [100.0] + [draw(FRACTION) for _ in range(count - 1)]
    if kind == "multiresponse":
        fractions[0] = draw(st.floats(0.5, 100))
        total = sum(f for f in fractions if f > 0)
        fractions = [f * 100.0 / total if f > 0 else f for f in fractions]
    made = []
    for fraction in fractions:
        feedback = draw(FEEDBACK)
        if kind == "numerical":
            if draw(st.booleans()):
                value = draw(st.floats(allow_nan=False, allow_infinity=False))
                tolerance = draw(st.just(0.0) | st.floats(0, 1e9))
                made.append(
                    SubAnswer(cs._short_number(value), fraction, feedback, value, tolerance)
                )
            else:
                made.append(SubAnswer("*", fraction, feedback))
            continue
        text = draw(TEXT.filter(lambda t: cs._php_trim(t) != ""))
        if kind == "shortanswer":
            text = cs._php_trim(text)
        made.append(SubAnswer(text, fraction, feedback))
    display = "inline"
    if kind in ("multichoice", "multiresponse"):
        choices = ["vertical", "horizontal"] + (["inline"] if kind == "multichoice" else [])
        display = draw(st.sampled_from(choices))
    shuffle = kind in ("multichoice", "multiresponse") and draw(st.booleans())
    case_sensitive = kind == "shortanswer" and draw(st.booleans())
    weight = draw(st.integers(0, 20))
    return SubQuestion(1, kind, display, shuffle, case_sensitive, weight, tuple(made), 0, 0, "")


@settings(max_examples=200, deadline=None)
@given(sub=sub_questions())
def test_write_then_parse_gives_the_same_sub_question(sub):
    written = cs.write(sub)
    assert bare(only(written)) == sub, written
    # A code written inside text is found there, with its place.
    text = "Before {1:SA:=x} " + written + " after."
    second = cs.parse(text)[1]
    assert (second.number, second.code, text[second.start : second.end]) == (2, written, written)


@settings(max_examples=100, deadline=None)
@given(sub=sub_questions())
def test_writing_a_parsed_sub_question_is_stable(sub):
    once = only(cs.write(sub))
    assert only(cs.write(once)) == once


# --------------------------------------------------------------------------------------------
# The matcher against Moodle's regex and loop, literally
# --------------------------------------------------------------------------------------------

MOODLE_ANSWER_RE = re.compile(cs._ANSWER_REGEX, re.DOTALL)


def moodle_extract(text):
    """qtype_multianswer_extract_question's loop, literally: match, replace by {#n}, again."""
    found = []
    work = text
    number = 1
    while match := MOODLE_ANSWER_RE.search(work):
        found.append((match.group(0), match.group(1), match.group(16)))
        work = f"{{#{number}}}".join(work.split(match.group(0), 1))
        number += 1
    return found


def our_extract(text):
    return [
        (text[c.start : c.end], c.head.group(1), text[c.head.end() : c.end - 1])
        for c in cs._find_codes(text)
    ]


TOKENS = st.sampled_from(
    [*"~~##}}{=:\\&; \nab", "{1:SA:", "{:MC:", "{2:MR:", "{1:NM:", "{#1}", "%50%", "%0%", "&amp;"]
)


@settings(max_examples=800, deadline=None)
@given(tokens=st.lists(TOKENS, max_size=14))
def test_matcher_finds_what_moodle_finds(tokens):
    text = "".join(tokens)
    assert our_extract(text) == moodle_extract(text)


@pytest.mark.parametrize(
    "text",
    [
        OWL_AND_PUSSYCAT,
        "{1:SA:a~}",
        "{1:SA:=}",
        "{1:SA:a#b&}~c}",
        "{1:SA:=x&amp;#fb} {1:SA:=y}",
        "{1:SA:a\\} {1:MC:=b~c}",
        "{1:SA:=x#{#1}~y}",
        "{1:SA:{2:SA:=a}~}",
        "}{1:SA:~~}~}",
    ],
)
def test_matcher_on_tricky_texts(text):
    assert our_extract(text) == moodle_extract(text)


@pytest.mark.parametrize(
    "text",
    [
        "{1:SA:" + "a~" * 5000,
        "{1:SA:" + "a~a#" * 3000 + "&}",
        "{1:SA:" + "a~" * 5000 + "=a}",
        ("{1:SA:x~" + "a~#" * 300) * 30,
        "{1:SA:" + "~}" * 3000,
        "{1:MC:" * 3000,
    ],
)
def test_pathological_texts_are_fast(text):
    # The literal regex backtracks exponentially on these (PHP gives up, Python would hang).
    started = time.monotonic()
    cs.validate(text)
    assert time.monotonic() - started < 5
