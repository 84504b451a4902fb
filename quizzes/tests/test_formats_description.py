"""Description (Moodle's qtype_description) in GIFT and Moodle XML, as Moodle reads and writes it.

Moodle's own cases, from moodle/moodle (GPL v3+), turned into ours:
question/format/xml/tests/xmlformat_test.php (test_import_description, test_export_description)
and the description branches of question/format/gift/format.php, which giftformat_test.php does
not test: readquestion takes a block without "{" and "}" for a description (its text is all of
it, format marker included; its grade 0), and writequestion writes `::name::[format]text`.
"""

import pytest

from quizzes.formats import FormatError, parse, write
from quizzes.tests.fixtures.samples import question
from quizzes.validation import clean_question, clean_quiz

HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n'
# xmlformat_test::test_import_description, as Moodle's test writes it.
MOODLE_DESCRIPTION_XML = """  <question type="description">
    <name>
      <text>A description</text>
    </name>
    <questiontext format="html">
      <text>The question text.</text>
    </questiontext>
    <generalfeedback>
      <text>Here is some general feedback.</text>
    </generalfeedback>
    <defaultgrade>0</defaultgrade>
    <penalty>0</penalty>
    <hidden>0</hidden>
    <tags>
      <tag><text>tagDescription</text></tag>
      <tag><text>tagTest</text></tag>
    </tags>
  </question>
"""
FORMATS = ["moodle", "html", "plain", "markdown"]


def one_quiz(*questions):
    quiz = clean_quiz({"title": "Descriptions"})
    quiz["questions"] = [clean_question(q) for q in questions]
    return quiz


def read(data, format_name):
    result = parse(data, format=format_name, strict=True)
    assert (result.warnings, dict(result.skipped)) == ([], {})
    return result.quizzes[0]["questions"]


def only(data, format_name="gift"):
    (one,) = read(data, format_name)
    return one


def written(format_name, *questions):
    return write(one_quiz(*questions), format_name)[0].decode()


# -- Moodle XML -----------------------------------------------------------------------------
def test_moodle_import_description():
    """xmlformat_test::test_import_description (the <tags> have no place in OpenQuizz)."""
    description = only(f"{HEADER}{MOODLE_DESCRIPTION_XML}</quiz>", "moodlexml")
    assert description == {
        **description,
        "type": "description",
        "name": "A description",
        "text": "The question text.",
        "text_format": "html",
        "general_feedback": "Here is some general feedback.",
        "points": 0,
        "answers": [],
    }


def test_a_description_scores_nothing_whatever_its_defaultgrade_as_in_moodle():
    """import_description sets Moodle's defaultmark to 0."""
    data = MOODLE_DESCRIPTION_XML.replace("<defaultgrade>0<", "<defaultgrade>3<")
    assert only(f"{HEADER}{data}</quiz>", "moodlexml")["points"] == 0


def test_moodle_export_description():
    """xmlformat_test::test_export_description.

    Moodle's test gives PHP integers; a real export writes the database's decimals,
    "0.0000000", as OpenQuizz writes every grade and penalty.
    """
    text = written(
        "moodlexml",
        question("description", "A description", "The question text.", text_format="html",
                 general_feedback="Here is some general feedback.", penalty=0),
    )  # fmt: skip
    assert text == (
        HEADER
        + """<!-- question: 1  -->
  <question type="description">
    <name>
      <text>A description</text>
    </name>
    <questiontext format="html">
      <text>The question text.</text>
    </questiontext>
    <generalfeedback format="html">
      <text>Here is some general feedback.</text>
    </generalfeedback>
    <defaultgrade>0.0000000</defaultgrade>
    <penalty>0.0000000</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
  </question>

</quiz>
"""
    )


@pytest.mark.parametrize("text_format", FORMATS)
def test_openquizz_to_moodle_xml_and_back(text_format):
    quiz = one_quiz(
        question("description", "Intro", "Read <b>this</b> & that: {1:SA:=x}, ]]> too.",
                 text_format=text_format, general_feedback="After: a & b."),
        question("essay", "Then", "Why?", text_format=text_format),
        question("description", "Outro", "The end.", text_format=text_format),
    )  # fmt: skip
    assert read(write(quiz, "moodlexml")[0], "moodlexml") == [
        {**question, "category": ()} for question in quiz["questions"]
    ]


# -- GIFT: reading ---------------------------------------------------------------------------
def test_a_block_without_braces_is_a_description_scoring_nothing():
    description = only("// intro\n::Welcome::Read each question carefully.")
    assert description == {
        **description,
        "type": "description",
        "name": "Welcome",
        "text": "Read each question carefully.",
        "text_format": "moodle",  # GIFT's default, as Moodle's
        "general_feedback": "",
        "points": 0,
        "answers": [],
    }


def test_empty_braces_are_an_essay_not_a_description():
    assert only("::Q8:: How are you? {}")["type"] == "essay"  # giftformat_test::test_import_essay


def test_a_description_without_a_name_is_named_from_its_text():
    """Moodle's create_default_question_name: the text, cut at 80 characters."""
    assert only("Read each question carefully.")["name"] == "Read each question carefully."
    long = only("word " * 30)
    assert long["name"].endswith("...") and len(long["name"]) <= 80


@pytest.mark.parametrize("text_format", ["html", "plain", "markdown", "moodle"])
def test_the_format_marker_of_a_description(text_format):
    description = only(f"::D::[{text_format}]<p>Text</p>")
    assert (description["text"], description["text_format"]) == ("<p>Text</p>", text_format)


def test_escapes_and_lines_in_a_description_read_as_in_moodle():
    description = only(
        "::Sets\\: a note::Sets are written \\{1, 2\\}\\: a\\#b \\= c \\~ d.\nNext line"
    )
    assert description["name"] == "Sets: a note"
    assert description["text"] == "Sets are written {1, 2}: a#b = c ~ d.\nNext line"


def test_a_brace_in_a_description_is_an_error_as_in_moodle():
    """Moodle's readquestion: "{" without "}" is its braceerror, not a description."""
    with pytest.raises(FormatError, match="opens the answers"):
        parse("::D::Sets {1, 2", format="gift")


# -- GIFT: writing, as Moodle's writequestion ------------------------------------------------
@pytest.mark.parametrize(
    ("text_format", "marker"),
    [("moodle", ""), ("html", "[html]"), ("plain", "[plain]"), ("markdown", "[markdown]")],
)
def test_moodle_export_of_a_description(text_format, marker):
    """The description case of writequestion: the name, the text with its format unless
    Moodle's own, the escapes of repchar; then the blank line Moodle forgets (see below)."""
    text = written(
        "gift",
        question("description", "Intro: 1", "Read: {braces}\n# = ~ \\ too",
                 text_format=text_format),
    )  # fmt: skip
    assert text == (
        "// Descriptions\n\n// question: 1  name: Intro: 1\n"
        + "::Intro\\: 1::"
        + marker
        + r"Read\: \{braces\}\n\# \= \~ \\ too"
        + "\n\n"
    )


def test_a_description_is_followed_by_a_blank_line_unlike_moodles_export():
    """Moodle writes no blank line after a description, so that its own import reads it and the
    next question as one block; OpenQuizz keeps the blank line, and the questions apart."""
    text = written(
        "gift",
        question("description", "D", "Intro."),
        question("truefalse", "T", "Sky is blue.",
                 [{"text": "true", "fraction": 100}, {"text": "false", "fraction": 0}]),
    )  # fmt: skip
    assert "::D::[markdown]Intro.\n\n// question: 2  name: T\n" in text
    assert [q["type"] for q in read(text, "gift")] == ["description", "truefalse"]


def test_gift_leaves_out_the_general_feedback_of_a_description_as_moodle():
    text = written("gift", question("description", "D", "Intro.", general_feedback="Seen later."))
    assert "Seen later" not in text
    assert only(text)["general_feedback"] == ""


@pytest.mark.parametrize("text_format", FORMATS)
def test_openquizz_to_gift_and_back(text_format):
    quiz = one_quiz(
        question("description", "Intro: read {this}", "Sets: {1, 2}\n\n# = ~ \\ // not a comment",
                 text_format=text_format),
        question("description", "Bracket", "[html] is not a format here", text_format=text_format),
        question("shortanswer", "Then", "Capital of France?", [{"text": "Paris", "fraction": 100}],
                 text_format=text_format),
        question("description", "Outro", "The end.", text_format=text_format),
    )  # fmt: skip
    assert read(write(quiz, "gift")[0], "gift") == [
        {**question, "category": ()} for question in quiz["questions"]
    ]
