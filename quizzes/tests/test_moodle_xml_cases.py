"""Moodle's own tests of its XML format, as OpenQuizz tests; and each of Moodle's XML fixtures.

Every test case of Moodle's `question/format/xml/tests/xmlformat_test.php` and
`qformat_xml_import_export_test.php` (Moodle 5.1) is here under its Moodle name, with the
structures Moodle's test states written as OpenQuizz's plain question data: Moodle's
`questiontextformat` is `text_format`, `defaultmark` is `points`, a fraction of 1 is 100,
`hintshownumcorrect` is each hint's `show_num_correct`, a category's parent is the path
before its name. Where Moodle's case needs what OpenQuizz does not carry (a file, an
essay's largest attachment size), the test asserts the warning that says so.

Exports are compared as Moodle's import-export test compares them (`normalise_xml`: the
question ids, and the trailing zeros its databases add). OpenQuizz writes category paths as
`$course$/top/...`, where Moodle 5.1 writes its question bank's `$module$/...`.
"""

import re

import pytest
from defusedxml import ElementTree

from quizzes.formats import FormatError, parse, write
from quizzes.formats.moodlexml import category_element, xml_text
from quizzes.qtypes import cloze_syntax
from quizzes.tests.fixtures.samples import fixture
from quizzes.tests.test_formats_cloze import MOODLE_OWL_XML, OWL_TEXT
from quizzes.tests.test_formats_description import MOODLE_DESCRIPTION_XML
from quizzes.tests.test_formats_files import refused_file, refused_note, without_files
from quizzes.validation import clean_question

HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n'
FOOTER = "</quiz>\n"


# -- helpers --------------------------------------------------------------------------------
def normalise_xml(xml):
    """Moodle's qformat_xml_import_export_test::normalise_xml."""
    xml = xml.replace("\r\n", "\n")
    xml = re.sub(r"\n$", "", xml)
    xml = re.sub(r"(?<=<!-- question: )([0-9]+)(?=  -->)", "0", xml)
    xml = re.sub(r">.0000000<", ">0<", xml)
    xml = re.sub(r"(\.(:?[0-9]*[1-9])?)0*<", r"\1<", xml)
    xml = re.sub(r"([0-9]).<", r"\1<", xml)
    return xml


def assert_same_xml(expected, xml):
    assert normalise_xml(xml) == normalise_xml(expected)


def in_course(xml):
    """A Moodle 5.1 fixture with OpenQuizz's category paths ($module$/A is $course$/top/A)."""
    return xml.replace("<text>$module$/", "<text>$course$/top/")


def read(xml, filename=None):
    """The ParseResult of a Moodle XML file."""
    return parse(xml, format="moodlexml", filename=filename)


def one_question(question_xml):
    """(the question, the ParseResult) of one <question> element read as Moodle's importer."""
    result = read(f"{HEADER}{question_xml}\n{FOOTER}")
    (question,) = result.quizzes[0]["questions"]
    return question, result


def cleaned(**data):
    """Question data as the bank holds it (Moodle's importer's grade sets let through)."""
    return clean_question(data, warnings=[])


def exported(*questions):
    """The XML OpenQuizz writes for `questions`, without its file header and footer."""
    text = write([{"title": "Export", "questions": list(questions)}], "moodlexml")[0].decode()
    assert text.startswith(HEADER) and text.endswith(FOOTER)
    return text[len(HEADER) : -len(FOOTER)].removesuffix("\n")


def answers(question, *fields):
    return [tuple(answer[field] for field in fields) for answer in question["answers"]]


def hints(question):
    return [
        (hint["text"], hint["text_format"], hint["show_num_correct"], hint["clear_wrong"])
        for hint in question["hints"]
    ]


def subset(data, expected):
    """The items of `data` that `expected` names (Moodle's question_check_specified_fields)."""
    return {key: data[key] for key in expected}


def category(description="", description_format="moodle", idnumber=""):
    return {
        "description": description,
        "description_format": description_format,
        "idnumber": idnumber,
    }


# == xmlformat_test.php ======================================================================
def test_xml_escape_simple_input_not_escaped():
    string = "Nothing funny here. Even if we go to a café or to 日本."
    assert xml_text(string) == string


def test_xml_escape_html_wrapped_in_cdata():
    string = "<p>Nothing <b>funny<b> here. Even if we go to a café or to 日本.</p>"
    assert xml_text(string) == f"<![CDATA[{string}]]>"


def parsed_in_a_div(escaped):
    return ElementTree.fromstring(f"<div>{escaped}</div>").text


def test_xml_escape_script_tag_handled_ok():
    value = "<script><![CDATA[alert(1<2);]]></script>"
    expected = "<![CDATA[<script><![CDATA[alert(1<2);]]]]><![CDATA[></script>]]>"
    assert xml_text(value) == expected
    assert parsed_in_a_div(expected) == value


def test_xml_escape_code_that_looks_like_cdata_end_ok():
    value = "if (x[[0]]>a) print('hah');"
    expected = "<![CDATA[if (x[[0]]]]><![CDATA[>a) print('hah');]]>"
    assert xml_text(value) == expected
    assert parsed_in_a_div(expected) == value


def test_write_hint_basic():
    xml = exported(
        cleaned(
            type="shortanswer", name="Short answer question",
            text="Name an amphibian: __________", text_format="html",
            general_feedback="Generalfeedback: frog or toad would have been OK.",
            answers=[
                {"text": "frog", "fraction": 100, "feedback": "Frog is a very good answer."},
                {"text": "toad", "fraction": 80, "feedback": "Toad is an OK good answer."},
                {"text": "*", "fraction": 0, "feedback": "That is a bad answer."},
            ],
            hints=[{"text": "This is the first hint.", "text_format": "moodle"}],
        )
    )  # fmt: skip
    assert re.search(
        r'<hint format="moodle_auto_format">\s*<text>\s*This is the first hint\.\s*</text>\s*'
        r"</hint>",
        xml,
    )
    assert "<shownumcorrect/>" not in xml
    assert "<clearwrong/>" not in xml
    assert "<options>" not in xml


def test_write_hint_with_parts():
    xml = exported(
        cleaned(
            type="matching", name="Matching question", text="Classify the animals.",
            text_format="html",
            general_feedback="Frogs and toads are amphibians, the others are mammals.",
            answers=[{"text": "frog", "match": "amphibian"}, {"text": "cat", "match": "mammal"}],
            hints=[
                {"text": "This is the first hint.", "text_format": "html",
                 "show_num_correct": False, "clear_wrong": True},
                {"text": "This is the second hint.", "text_format": "html",
                 "show_num_correct": True, "clear_wrong": False},
            ],
        )
    )  # fmt: skip
    assert re.search(r'<hint format="html">\s*<text>\s*This is the first hint\.\s*</text>', xml)
    assert re.search(r'<hint format="html">\s*<text>\s*This is the second hint\.\s*</text>', xml)
    _ignored, hint1, hint2 = xml.split("<hint")
    assert "<shownumcorrect/>" not in hint1
    assert "<clearwrong/>" in hint1
    assert "<shownumcorrect/>" in hint2
    assert "<clearwrong/>" not in hint2
    assert "<options>" not in xml


HINTS_XML = """
    <hint>
        <text>This is the first hint</text>
        <clearwrong/>
    </hint>
    <hint>
        <text>This is the second hint</text>
        <shownumcorrect/>
    </hint>"""


def test_import_hints_no_parts():
    """A type whose hints have no parts (shortanswer): Moodle reads the texts only."""
    question, result = one_question(
        '<question type="shortanswer"><name><text>Q</text></name>'
        '<questiontext format="html"><text>Q?</text></questiontext>'
        f'<answer fraction="100"><text>a</text></answer>{HINTS_XML}</question>'
    )
    assert hints(question) == [
        ("This is the first hint", "html", False, False),
        ("This is the second hint", "html", False, False),
    ]
    # What Moodle drops without a word is said.
    assert "apply to questions with several parts only: left out" in result.warnings[0]


def test_import_hints_with_parts():
    question, result = one_question(
        '<question type="multichoice"><name><text>Q</text></name>'
        '<questiontext format="html"><text>Q?</text></questiontext>'
        '<answer fraction="100"><text>a</text></answer><answer fraction="0"><text>b</text>'
        f"</answer>{HINTS_XML}</question>"
    )
    assert hints(question) == [
        ("This is the first hint", "html", False, True),
        ("This is the second hint", "html", True, False),
    ]
    assert result.warnings == []


def test_import_no_hints_no_error():
    question, result = one_question(
        '<question type="essay"><name><text>Q</text></name>'
        "<questiontext><text>Why?</text></questiontext></question>"
    )
    assert (question["hints"], result.warnings) == ([], [])


def test_import_description():
    question, result = one_question(MOODLE_DESCRIPTION_XML)
    expected = {
        "type": "description", "name": "A description", "text": "The question text.",
        "text_format": "html", "general_feedback": "Here is some general feedback.",
        "general_feedback_format": "html", "points": 0, "penalty": 0,
        "tags": ["tagDescription", "tagTest"],
    }  # fmt: skip
    assert subset(question, expected) == expected
    assert result.warnings == []


def test_export_description():
    xml = exported(
        cleaned(
            type="description", name="A description", text="The question text.",
            text_format="html", general_feedback="Here is some general feedback.", penalty=0,
        )
    )  # fmt: skip
    assert_same_xml(
        """<!-- question: 123  -->
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
    <defaultgrade>0</defaultgrade>
    <penalty>0</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
  </question>
""",
        xml,
    )


def essay_xml(options, tags):
    return f"""  <question type="essay">
    <name>
      <text>An essay</text>
    </name>
    <questiontext format="moodle_auto_format">
      <text>Write something.</text>
    </questiontext>
    <generalfeedback>
      <text>I hope you wrote something interesting.</text>
    </generalfeedback>
    <defaultgrade>1</defaultgrade>
    <penalty>0</penalty>
    <hidden>0</hidden>{options}
    <tags>
      <tag><text>tagEssay</text></tag>
      <tag><text>{tags}</text></tag>
      <tag><text>tagTest</text></tag>
    </tags>
  </question>"""


ESSAY_COMMON = {
    "type": "essay", "name": "An essay", "text": "Write something.", "text_format": "moodle",
    "general_feedback": "I hope you wrote something interesting.", "points": 1, "penalty": 0,
}  # fmt: skip
ESSAY_21_OPTIONS = """
    <responseformat>monospaced</responseformat>
    <responserequired>0</responserequired>
    <responsefieldlines>42</responsefieldlines>{word_limits}
    <attachments>-1</attachments>
    <attachmentsrequired>1</attachmentsrequired>{file_limits}
    <graderinfo format="html">
        <text><![CDATA[<p>Grade <b>generously</b>!</p>]]></text>
    </graderinfo>
    <responsetemplate format="html">
        <text><![CDATA[<p>Here is something <b>really</b> interesting.</p>]]></text>
    </responsetemplate>"""
ESSAY_21 = {
    **ESSAY_COMMON, "response_format": "monospaced", "response_required": False,
    "response_field_lines": 42, "min_word_limit": None, "max_word_limit": None,
    "attachments": -1, "attachments_required": 1,
    "grader_info": "<p>Grade <b>generously</b>!</p>", "grader_info_format": "html",
    "response_template": "<p>Here is something <b>really</b> interesting.</p>",
    "response_template_format": "html", "tags": ["tagEssay", "tagEssay21", "tagTest"],
}  # fmt: skip


def test_import_essay_20():
    question, result = one_question(essay_xml("", "tagEssay20"))
    expected = {
        **ESSAY_COMMON, "response_format": "editor", "response_required": True,
        "response_field_lines": 15, "min_word_limit": None, "max_word_limit": None,
        "attachments": 0, "attachments_required": 0, "grader_info": "",
        "grader_info_format": "moodle", "response_template": "",
        "response_template_format": "moodle", "tags": ["tagEssay", "tagEssay20", "tagTest"],
    }  # fmt: skip
    assert subset(question, expected) == expected
    assert result.warnings == []


def test_import_essay_21():
    options = ESSAY_21_OPTIONS.format(word_limits="", file_limits="")
    question, result = one_question(essay_xml(options, "tagEssay21"))
    assert subset(question, ESSAY_21) == ESSAY_21
    assert result.warnings == []


def test_import_essay_311():
    options = ESSAY_21_OPTIONS.format(
        word_limits="\n    <minwordlimit>10</minwordlimit>\n    <maxwordlimit>20</maxwordlimit>",
        file_limits="\n    <maxbytes>52428800</maxbytes>\n"
        "    <filetypeslist>.pdf,.zip.,.docx</filetypeslist>",
    )
    question, result = one_question(essay_xml(options, "tagEssay21"))
    expected = {**ESSAY_21, "min_word_limit": 10, "max_word_limit": 20}
    assert subset(question, expected) == expected
    # Moodle's maxbytes (50 MB) and filetypeslist: OpenQuizz has no attachment limits.
    assert result.warnings == [
        "question 1 (line 3): the largest attachment size is not supported: left out",
        "question 1 (line 3): the accepted file types are not supported: left out",
    ]


def test_export_essay():
    xml = exported(
        cleaned(
            **{**ESSAY_21, "tags": [], "general_feedback_format": "moodle",
               "min_word_limit": 10, "max_word_limit": 20}
        )
    )  # fmt: skip
    moodle_expects = """<!-- question: 123  -->
  <question type="essay">
    <name>
      <text>An essay</text>
    </name>
    <questiontext format="moodle_auto_format">
      <text>Write something.</text>
    </questiontext>
    <generalfeedback format="moodle_auto_format">
      <text>I hope you wrote something interesting.</text>
    </generalfeedback>
    <defaultgrade>1</defaultgrade>
    <penalty>0</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
    <responseformat>monospaced</responseformat>
    <responserequired>0</responserequired>
    <responsefieldlines>42</responsefieldlines>
    <minwordlimit>10</minwordlimit>
    <maxwordlimit>20</maxwordlimit>
    <attachments>-1</attachments>
    <attachmentsrequired>1</attachmentsrequired>
    <maxbytes>52428800</maxbytes>
    <filetypeslist>.pdf,.zip.,.docx</filetypeslist>
    <graderinfo format="html">
      <text><![CDATA[<p>Grade <b>generously</b>!</p>]]></text>
    </graderinfo>
    <responsetemplate format="html">
      <text><![CDATA[<p>Here is something <b>really</b> interesting.</p>]]></text>
    </responsetemplate>
  </question>
"""
    # No attachment size or file types in OpenQuizz: Moodle's "no limit" values are written.
    assert_same_xml(moodle_expects.replace("52428800", "0").replace(".pdf,.zip.,.docx", ""), xml)


MATCH_19_XML = """  <question type="matching">
    <name>
      <text>Matching question</text>
    </name>
    <questiontext format="html">
      <text>Match the upper and lower case letters.</text>
    </questiontext>
    <generalfeedback>
      <text>The answer is A -> a, B -> b and C -> c.</text>
    </generalfeedback>
    <defaultgrade>1</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <shuffleanswers>false</shuffleanswers>
    <correctfeedback>
      <text>Well done.</text>
    </correctfeedback>
    <partiallycorrectfeedback>
      <text>Not entirely.</text>
    </partiallycorrectfeedback>
    <incorrectfeedback>
      <text>Completely wrong!</text>
    </incorrectfeedback>
    <subquestion>
      <text>A</text>
      <answer>
        <text>a</text>
      </answer>
    </subquestion>
    <subquestion>
      <text>B</text>
      <answer>
        <text>b</text>
      </answer>
    </subquestion>
    <subquestion>
      <text>C</text>
      <answer>
        <text>c</text>
      </answer>
    </subquestion>
    <subquestion>
      <text></text>
      <answer>
        <text>d</text>
      </answer>
    </subquestion>
    <hint>
      <text>Hint 1</text>
      <shownumcorrect />
    </hint>
    <hint>
      <text></text>
      <shownumcorrect />
      <clearwrong />
    </hint>
    <tags>
      <tag><text>tagMatching</text></tag>
      <tag><text>tagTest</text></tag>
    </tags>
  </question>"""
MATCH = {
    "type": "matching", "name": "Matching question",
    "text": "Match the upper and lower case letters.", "text_format": "html",
    "correct_feedback": "Well done.", "correct_feedback_format": "html",
    "partially_correct_feedback": "Not entirely.",
    "partially_correct_feedback_format": "html", "show_num_correct": False,
    "incorrect_feedback": "Completely wrong!", "incorrect_feedback_format": "html",
    "general_feedback": "The answer is A -> a, B -> b and C -> c.",
    "general_feedback_format": "html", "points": 1, "penalty": 0.3333333,
}  # fmt: skip
MATCH_PAIRS = [("A", "html", "a"), ("B", "html", "b"), ("C", "html", "c"), ("", "html", "d")]
# Moodle keeps a hint without text when it has options (question_type::save_hints).
MATCH_HINTS = [("Hint 1", "html", True, False), ("", "html", True, True)]


def test_import_match_19():
    question, result = one_question(MATCH_19_XML)
    expected = {**MATCH, "shuffle_answers": False, "tags": ["tagMatching", "tagTest"]}
    assert subset(question, expected) == expected
    assert answers(question, "text", "text_format", "match") == MATCH_PAIRS
    assert hints(question) == MATCH_HINTS
    assert result.warnings == []


def test_export_match():
    xml = exported(
        cleaned(
            **MATCH, shuffle_answers=True,
            answers=[{"text": t, "text_format": f, "match": m} for t, f, m in MATCH_PAIRS],
            hints=[{"text": t, "text_format": f, "show_num_correct": s, "clear_wrong": c}
                   for t, f, s, c in MATCH_HINTS],
        )
    )  # fmt: skip
    assert_same_xml(
        """<!-- question: 123  -->
  <question type="matching">
    <name>
      <text>Matching question</text>
    </name>
    <questiontext format="html">
      <text>Match the upper and lower case letters.</text>
    </questiontext>
    <generalfeedback format="html">
      <text><![CDATA[The answer is A -> a, B -> b and C -> c.]]></text>
    </generalfeedback>
    <defaultgrade>1</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
    <shuffleanswers>true</shuffleanswers>
    <correctfeedback format="html">
      <text>Well done.</text>
    </correctfeedback>
    <partiallycorrectfeedback format="html">
      <text>Not entirely.</text>
    </partiallycorrectfeedback>
    <incorrectfeedback format="html">
      <text>Completely wrong!</text>
    </incorrectfeedback>
    <subquestion format="html">
      <text>A</text>
      <answer>
        <text>a</text>
      </answer>
    </subquestion>
    <subquestion format="html">
      <text>B</text>
      <answer>
        <text>b</text>
      </answer>
    </subquestion>
    <subquestion format="html">
      <text>C</text>
      <answer>
        <text>c</text>
      </answer>
    </subquestion>
    <subquestion format="html">
      <text></text>
      <answer>
        <text>d</text>
      </answer>
    </subquestion>
    <hint format="html">
      <text>Hint 1</text>
      <shownumcorrect/>
    </hint>
    <hint format="html">
      <text></text>
      <shownumcorrect/>
      <clearwrong/>
    </hint>
  </question>
""",
        xml,
    )


MULTICHOICE_19_XML = """  <question type="multichoice">
    <name>
      <text>Multiple choice question</text>
    </name>
    <questiontext format="html">
      <text>Which are the even numbers?</text>
    </questiontext>
    <generalfeedback>
      <text>The even numbers are 2 and 4.</text>
    </generalfeedback>
    <defaultgrade>2</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <single>false</single>
    <shuffleanswers>false</shuffleanswers>
    <answernumbering>abc</answernumbering>
    <correctfeedback>
      <text><![CDATA[<p>Your answer is correct.</p>]]></text>
    </correctfeedback>
    <partiallycorrectfeedback>
      <text><![CDATA[<p>Your answer is partially correct.</p>]]></text>
    </partiallycorrectfeedback>
    <incorrectfeedback>
      <text><![CDATA[<p>Your answer is incorrect.</p>]]></text>
    </incorrectfeedback>
    <shownumcorrect/>
    <answer fraction="0">
      <text>1</text>
      <feedback>
        <text></text>
      </feedback>
    </answer>
    <answer fraction="100">
      <text>2</text>
      <feedback>
        <text></text>
      </feedback>
    </answer>
    <answer fraction="0">
      <text>3</text>
      <feedback>
        <text></text>
      </feedback>
    </answer>
    <answer fraction="100">
      <text>4</text>
      <feedback>
        <text></text>
      </feedback>
    </answer>
    <hint>
      <text>Hint 1.</text>
    </hint>
    <hint>
      <text>Hint 2.</text>
    </hint>
  </question>"""
MULTICHOICE = {
    "type": "multichoice", "name": "Multiple choice question",
    "text": "Which are the even numbers?", "text_format": "html",
    "correct_feedback": "<p>Your answer is correct.</p>", "correct_feedback_format": "html",
    "partially_correct_feedback": "<p>Your answer is partially correct.</p>",
    "partially_correct_feedback_format": "html", "show_num_correct": True,
    "incorrect_feedback": "<p>Your answer is incorrect.</p>",
    "incorrect_feedback_format": "html",
    "general_feedback": "The even numbers are 2 and 4.", "general_feedback_format": "html",
    "points": 2, "penalty": 0.3333333, "shuffle_answers": False, "single": False,
    "answer_numbering": "abc",
}  # fmt: skip


def test_import_multichoice_19():
    """Its right answers add up to 200 %: Moodle's form refuses that, its importer takes it."""
    question, result = one_question(MULTICHOICE_19_XML)
    assert subset(question, MULTICHOICE) == MULTICHOICE
    assert answers(question, "text", "text_format", "fraction", "feedback", "feedback_format") == [
        ("1", "html", 0, "", "html"), ("2", "html", 100, "", "html"),
        ("3", "html", 0, "", "html"), ("4", "html", 100, "", "html"),
    ]  # fmt: skip
    assert hints(question) == [("Hint 1.", "html", False, False), ("Hint 2.", "html", False, False)]
    (warning,) = result.warnings
    assert warning.startswith("question 1 (line 3): ")
    assert "add up to 100 %" in warning


def test_export_multichoice():
    xml = exported(
        cleaned(
            **MULTICHOICE,
            answers=[
                {"text": text, "text_format": "plain", "fraction": fraction,
                 "feedback_format": "html"}
                for text, fraction in [("1", 0), ("2", 100), ("3", 0), ("4", 100)]
            ],
            hints=[{"text": "Hint 1.", "text_format": "html"},
                   {"text": "Hint 2.", "text_format": "html"}],
        )
    )  # fmt: skip
    assert_same_xml(
        """<!-- question: 123  -->
  <question type="multichoice">
    <name>
      <text>Multiple choice question</text>
    </name>
    <questiontext format="html">
      <text>Which are the even numbers?</text>
    </questiontext>
    <generalfeedback format="html">
      <text>The even numbers are 2 and 4.</text>
    </generalfeedback>
    <defaultgrade>2</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
    <single>false</single>
    <shuffleanswers>false</shuffleanswers>
    <answernumbering>abc</answernumbering>
    <showstandardinstruction>0</showstandardinstruction>
    <correctfeedback format="html">
      <text><![CDATA[<p>Your answer is correct.</p>]]></text>
    </correctfeedback>
    <partiallycorrectfeedback format="html">
      <text><![CDATA[<p>Your answer is partially correct.</p>]]></text>
    </partiallycorrectfeedback>
    <incorrectfeedback format="html">
      <text><![CDATA[<p>Your answer is incorrect.</p>]]></text>
    </incorrectfeedback>
    <shownumcorrect/>
    <answer fraction="0" format="plain_text">
      <text>1</text>
      <feedback format="html">
        <text></text>
      </feedback>
    </answer>
    <answer fraction="100" format="plain_text">
      <text>2</text>
      <feedback format="html">
        <text></text>
      </feedback>
    </answer>
    <answer fraction="0" format="plain_text">
      <text>3</text>
      <feedback format="html">
        <text></text>
      </feedback>
    </answer>
    <answer fraction="100" format="plain_text">
      <text>4</text>
      <feedback format="html">
        <text></text>
      </feedback>
    </answer>
    <hint format="html">
      <text>Hint 1.</text>
    </hint>
    <hint format="html">
      <text>Hint 2.</text>
    </hint>
  </question>
""",
        xml,
    )


NUMERICAL = {
    "type": "numerical", "name": "Numerical question", "text": "What is the answer?",
    "text_format": "html",
    "general_feedback": "General feedback: Think Hitch-hikers guide to the Galaxy.",
    "general_feedback_format": "html", "points": 1, "penalty": 0.1,
}  # fmt: skip


def test_import_numerical_19():
    question, result = one_question(
        """  <question type="numerical">
    <name>
      <text>Numerical question</text>
    </name>
    <questiontext format="html">
      <text>What is the answer?</text>
    </questiontext>
    <generalfeedback>
      <text>General feedback: Think Hitch-hikers guide to the Galaxy.</text>
    </generalfeedback>
    <defaultgrade>1</defaultgrade>
    <penalty>0.1</penalty>
    <hidden>0</hidden>
    <answer fraction="100">
      <text>42</text>
      <feedback>
        <text>Well done!</text>
      </feedback>
      <tolerance>0.001</tolerance>
    </answer>
    <answer fraction="0">
      <text>13</text>
      <feedback>
        <text>What were you thinking?!</text>
      </feedback>
      <tolerance>1</tolerance>
    </answer>
    <answer fraction="0">
      <text>*</text>
      <feedback>
        <text>Completely wrong.</text>
      </feedback>
      <tolerance></tolerance>
    </answer>
  </question>"""
    )
    assert subset(question, NUMERICAL) == NUMERICAL
    # Moodle's "*" (any other number) is an answer without a value; its tolerance is moot.
    assert answers(question, "text", "value", "fraction", "feedback", "feedback_format") == [
        ("", 42, 100, "Well done!", "html"),
        ("", 13, 0, "What were you thinking?!", "html"),
        ("*", None, 0, "Completely wrong.", "html"),
    ]
    assert [answer["tolerance"] for answer in question["answers"][:2]] == [0.001, 1]
    assert result.warnings == []


def test_export_numerical():
    xml = exported(
        cleaned(
            **NUMERICAL,
            answers=[
                {"value": 42, "tolerance": 0.001, "fraction": 100, "feedback": "Well done!"},
                {"value": 13, "tolerance": 1, "fraction": 0,
                 "feedback": "What were you thinking?!"},
                {"text": "*", "fraction": 0, "feedback": "Completely wrong."},
            ],
        )
    )  # fmt: skip
    for answer in ("42", "13", "*"):  # Moodle's answers are plain text, their feedback html
        xml = xml.replace(
            f'format="html">\n      <text>{answer}</text>',
            f'format="plain_text">\n      <text>{answer}</text>',
        )
    # Moodle's test sets no unit options; a real export writes them (none: OpenQuizz has none).
    units = (
        "    <unitgradingtype>0</unitgradingtype>\n    <unitpenalty>0.1000000</unitpenalty>\n"
        "    <showunits>3</showunits>\n    <unitsleft>0</unitsleft>\n"
    )
    assert units in xml
    assert_same_xml(
        """<!-- question: 123  -->
  <question type="numerical">
    <name>
      <text>Numerical question</text>
    </name>
    <questiontext format="html">
      <text>What is the answer?</text>
    </questiontext>
    <generalfeedback format="html">
      <text>General feedback: Think Hitch-hikers guide to the Galaxy.</text>
    </generalfeedback>
    <defaultgrade>1</defaultgrade>
    <penalty>0.1</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
    <answer fraction="100" format="plain_text">
      <text>42</text>
      <feedback format="html">
        <text>Well done!</text>
      </feedback>
      <tolerance>0.001</tolerance>
    </answer>
    <answer fraction="0" format="plain_text">
      <text>13</text>
      <feedback format="html">
        <text>What were you thinking?!</text>
      </feedback>
      <tolerance>1</tolerance>
    </answer>
    <answer fraction="0" format="plain_text">
      <text>*</text>
      <feedback format="html">
        <text>Completely wrong.</text>
      </feedback>
      <tolerance>0</tolerance>
    </answer>
  </question>
""",
        xml.replace(units, ""),
    )


SHORTANSWER = {
    "type": "shortanswer", "name": "Short answer question",
    "text": "Fill in the gap in this sequence: Alpha, ________, Gamma.", "text_format": "html",
    "general_feedback": "The answer is Beta.", "case_sensitive": False, "points": 1,
    "penalty": 0.3333333,
}  # fmt: skip


def test_import_shortanswer_19():
    question, result = one_question(
        """  <question type="shortanswer">
    <name>
      <text>Short answer question</text>
    </name>
    <questiontext format="html">
      <text>Fill in the gap in this sequence: Alpha, ________, Gamma.</text>
    </questiontext>
    <generalfeedback>
      <text>The answer is Beta.</text>
    </generalfeedback>
    <defaultgrade>1</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <usecase>0</usecase>
    <answer fraction="100" format="plain_text">
      <text>Beta</text>
      <feedback>
        <text>Well done!</text>
      </feedback>
    </answer>
    <answer fraction="0" format="plain_text">
      <text>*</text>
      <feedback>
        <text>Doh!</text>
      </feedback>
    </answer>
    <hint>
      <text>Hint 1</text>
    </hint>
    <hint>
      <text>Hint 2</text>
    </hint>
  </question>"""
    )
    assert subset(question, SHORTANSWER) == SHORTANSWER
    assert answers(question, "text", "text_format", "fraction", "feedback", "feedback_format") == [
        ("Beta", "plain", 100, "Well done!", "html"), ("*", "plain", 0, "Doh!", "html"),
    ]  # fmt: skip
    assert hints(question) == [("Hint 1", "html", False, False), ("Hint 2", "html", False, False)]
    assert result.warnings == []


def test_export_shortanswer():
    xml = exported(
        cleaned(
            **SHORTANSWER, general_feedback_format="html",
            answers=[
                {"text": "Beta", "text_format": "plain", "fraction": 100, "feedback": "Well done!"},
                {"text": "*", "text_format": "plain", "fraction": 0, "feedback": "Doh!"},
            ],
            hints=[{"text": "Hint 1"}, {"text": "Hint 2"}],
        )
    )  # fmt: skip
    assert_same_xml(
        """<!-- question: 123  -->
  <question type="shortanswer">
    <name>
      <text>Short answer question</text>
    </name>
    <questiontext format="html">
      <text>Fill in the gap in this sequence: Alpha, ________, Gamma.</text>
    </questiontext>
    <generalfeedback format="html">
      <text>The answer is Beta.</text>
    </generalfeedback>
    <defaultgrade>1</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
    <usecase>0</usecase>
    <answer fraction="100" format="plain_text">
      <text>Beta</text>
      <feedback format="html">
        <text>Well done!</text>
      </feedback>
    </answer>
    <answer fraction="0" format="plain_text">
      <text>*</text>
      <feedback format="html">
        <text>Doh!</text>
      </feedback>
    </answer>
    <hint format="html">
      <text>Hint 1</text>
    </hint>
    <hint format="html">
      <text>Hint 2</text>
    </hint>
  </question>
""",
        xml,
    )


def truefalse_xml(idnumber=""):
    return f"""  <question type="truefalse">
    <name>
      <text>True false question</text>
    </name>
    <questiontext format="html">
      <text>The answer is true.</text>
    </questiontext>
    <generalfeedback>
      <text>General feedback: You should have chosen true.</text>
    </generalfeedback>
    <defaultgrade>1</defaultgrade>
    <penalty>1</penalty>
    <hidden>0</hidden>{idnumber}
    <answer fraction="100">
      <text>true</text>
      <feedback>
        <text>Well done!</text>
      </feedback>
    </answer>
    <answer fraction="0">
      <text>false</text>
      <feedback>
        <text>Doh!</text>
      </feedback>
    </answer>
  </question>"""


TRUEFALSE = {
    "type": "truefalse", "name": "True false question", "text": "The answer is true.",
    "text_format": "html", "general_feedback": "General feedback: You should have chosen true.",
    "points": 1, "penalty": 1,
}  # fmt: skip
# Moodle's feedbacktrue, feedbackfalse and correctanswer (true).
TRUEFALSE_ANSWERS = [("true", 100, "Well done!", "html"), ("false", 0, "Doh!", "html")]


def test_import_truefalse_19():
    question, result = one_question(truefalse_xml())
    assert subset(question, TRUEFALSE) == TRUEFALSE
    assert answers(question, "text", "fraction", "feedback", "feedback_format") == (
        TRUEFALSE_ANSWERS
    )
    assert (question["idnumber"], result.warnings) == ("", [])


def test_import_truefalse_with_idnumber():
    question, _result = one_question(truefalse_xml("\n    <idnumber>TestIdNum1</idnumber>"))
    assert subset(question, TRUEFALSE) == TRUEFALSE
    assert question["idnumber"] == "TestIdNum1"
    assert answers(question, "text", "fraction", "feedback", "feedback_format") == (
        TRUEFALSE_ANSWERS
    )


def truefalse_export(idnumber):
    return exported(
        cleaned(
            **TRUEFALSE, general_feedback_format="html", idnumber=idnumber,
            answers=[{"text": text, "text_format": "plain", "fraction": fraction,
                      "feedback": feedback} for text, fraction, feedback, _f in TRUEFALSE_ANSWERS],
        )
    )  # fmt: skip


TRUEFALSE_EXPORT = """<!-- question: 12  -->
  <question type="truefalse">
    <name>
      <text>True false question</text>
    </name>
    <questiontext format="html">
      <text>The answer is true.</text>
    </questiontext>
    <generalfeedback format="html">
      <text>General feedback: You should have chosen true.</text>
    </generalfeedback>
    <defaultgrade>1</defaultgrade>
    <penalty>1</penalty>
    <hidden>0</hidden>
    <idnumber>{idnumber}</idnumber>
    <answer fraction="100" format="plain_text">
      <text>true</text>
      <feedback format="html">
        <text>Well done!</text>
      </feedback>
    </answer>
    <answer fraction="0" format="plain_text">
      <text>false</text>
      <feedback format="html">
        <text>Doh!</text>
      </feedback>
    </answer>
  </question>
"""


def test_export_truefalse():
    assert_same_xml(TRUEFALSE_EXPORT.format(idnumber=""), truefalse_export(""))


def test_export_truefalse_with_idnumber():
    xml = truefalse_export("TestIDNum2")
    assert_same_xml(TRUEFALSE_EXPORT.format(idnumber="TestIDNum2"), xml)


def test_import_multianswer():
    """Moodle's importer splits the text into {#1}, {#2} and sub-questions; OpenQuizz keeps the
    text as Moodle writes it and reads the same sub-questions from it (quizzes.qtypes.cloze)."""
    question, result = one_question(MOODLE_OWL_XML)
    expected = {
        "type": "cloze", "name": "Simple multianswer", "text": OWL_TEXT, "idnumber": "id-101",
        "general_feedback": 'General feedback: It\'s from "The Owl and the Pussy-cat" by Lear: '
        '"The owl and the pussycat went to sea".',
        "points": 2, "penalty": 0.5, "tags": ["tagCloze", "tagTest"],
    }  # fmt: skip
    assert subset(question, expected) == expected
    assert hints(question) == [("Hint 1", "html", False, False), ("Hint 2", "html", False, False)]
    sa, mc = cloze_syntax.parse(question["text"])
    assert (sa.kind, sa.weight, mc.kind, mc.weight) == ("shortanswer", 1, "multichoice", 1)
    assert [(a.text, a.fraction, a.feedback) for a in sa.answers] == [
        ("Dog", 0, "Wrong, silly!"), ("Owl", 100, "Well done!"), ("*", 0, "Wrong answer"),
    ]  # fmt: skip
    assert [(a.text, a.fraction) for a in mc.answers] == [
        ("Bow-wow", 0), ("Wiggly worm", 0), ("Pussy-cat", 100),
    ]  # fmt: skip
    assert result.warnings == []


def test_export_multianswer():
    """test_question_maker's 'twosubq' multianswer: no <defaultgrade> (the weights' sum)."""
    general_feedback = (
        'General feedback: It\'s from "The Owl and the Pussy-cat" by Lear: '
        '"The owl and the pussycat went to sea'
    )
    xml = exported(
        cleaned(
            type="cloze", name="Simple multianswer", text=OWL_TEXT, text_format="html",
            general_feedback=general_feedback, points=2,
            hints=[{"text": "Hint 1", "text_format": "html"},
                   {"text": "Hint 2", "text_format": "html"}],
        )
    )  # fmt: skip
    assert_same_xml(
        f"""<!-- question: 0  -->
  <question type="cloze">
    <name>
      <text>Simple multianswer</text>
    </name>
    <questiontext format="html">
      <text><![CDATA[{OWL_TEXT}]]></text>
    </questiontext>
    <generalfeedback format="html">
      <text><![CDATA[{general_feedback}]]></text>
    </generalfeedback>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
    <hint format="html">
      <text>Hint 1</text>
    </hint>
    <hint format="html">
      <text>Hint 2</text>
    </hint>
  </question>
""",
        xml,
    )


def test_export_multianswer_withdollars():
    xml = exported(
        cleaned(
            type="cloze", name="Multianswer with $s",
            text="Which is the right order? {1:MULTICHOICE:=y,y,$3~$3,y,y}", text_format="html",
            points=1,
        )
    )  # fmt: skip
    assert_same_xml(
        """<!-- question: 0  -->
  <question type="cloze">
    <name>
      <text>Multianswer with $s</text>
    </name>
    <questiontext format="html">
      <text>Which is the right order? {1:MULTICHOICE:=y,y,$3~$3,y,y}</text>
    </questiontext>
    <generalfeedback format="html">
      <text></text>
    </generalfeedback>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
  </question>
""",
        xml,
    )


def test_import_files_as_draft():
    """Moodle stores the file as a draft; OpenQuizz stores images only: a text file is
    refused with a note, and its links show its name."""
    question, result = one_question(
        """<question type="essay"><name><text>Q</text></name>
<questiontext format="html">
    <text><![CDATA[<p><a href="@@PLUGINFILE@@/moodle.txt">This text file</a> contains the word 'Moodle'.</p>]]></text>
    <file name="moodle.txt" encoding="base64">TW9vZGxl</file>
</questiontext></question>"""
    )
    assert question["text"] == (
        "<p><a href=\"moodle.txt\">This text file</a> contains the word 'Moodle'.</p>"
    )
    assert result.warnings == [f"question 1 (line 3): {refused_note('moodle.txt')}"]


def test_import_truefalse_wih_files():
    question, result = one_question(
        """<question type="truefalse">
    <name>
      <text>truefalse</text>
    </name>
    <questiontext format="html">
      <text><![CDATA[<p><a href="@@PLUGINFILE@@/myfolder/moodle.txt">This text file</a> contains the word Moodle.</p>]]></text>
<file name="moodle.txt" path="/myfolder/" encoding="base64">TW9vZGxl</file>
    </questiontext>
    <generalfeedback format="html">
      <text><![CDATA[<p>For further information, see the documentation about Moodle.</p>]]></text>
</generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>1.0000000</penalty>
    <hidden>0</hidden>
    <answer fraction="100" format="moodle_auto_format">
      <text>true</text>
      <feedback format="html">
        <text></text>
      </feedback>
    </answer>
    <answer fraction="0" format="moodle_auto_format">
      <text>false</text>
      <feedback format="html">
        <text></text>
      </feedback>
    </answer>
  </question>"""
    )
    assert question["text"].startswith('<p><a href="moodle.txt">')
    assert answers(question, "text", "text_format", "fraction") == [
        ("true", "moodle", 100), ("false", "moodle", 0),
    ]  # fmt: skip
    assert result.warnings == [f"question 1 (line 3): {refused_note('moodle.txt')}"]


def test_create_dummy_question():
    """Moodle's export stands for a category by a dummy question of type "category"."""
    xml = category_element(("name1",), category("info1", "moodle"))
    assert xml.startswith('<!-- question: 0  -->\n  <question type="category">\n')
    result = read(
        f'{HEADER}{xml}<question type="essay"><name><text>E</text></name>'
        f"<questiontext><text>Why?</text></questiontext></question>{FOOTER}"
    )
    assert result.categories == {("name1",): category("info1", "moodle")}
    assert result.quizzes[0]["questions"][0]["category"] == ("name1",)


# == qformat_xml_import_export_test.php ======================================================
def questions_by_name(result):
    return {question["name"]: question for question in result.quizzes[0]["questions"]}


def assert_in_categories(result, expected):
    """Each question (by name) is in the category with that path."""
    assert {name: q["category"] for name, q in questions_by_name(result).items()} == expected


ALPHA = {("Alpha",): category("This is Alpha category for test", "moodle", "alpha-idnumber")}


def test_import_category():
    result = read(fixture("moodle/category_with_description.xml"))
    # A path of one name: a child of "top", as Moodle's assert_category_has_parent('Alpha', 'top').
    assert result.categories == ALPHA
    assert_in_categories(result, {"Alpha Question": ("Alpha",)})


def test_deprecated_category_import():
    """A category of a course ($course$/Alpha) imports into the bank as any other."""
    result = read(fixture("moodle/deprecated_category.xml"))
    assert result.categories == ALPHA
    assert_in_categories(result, {"Alpha Question": ("Alpha",)})


NESTED = {
    ("Delta",): category("This is Delta category for test", "plain"),
    ("Delta", "Epsilon"): category("This is Epsilon category for test", "markdown"),
    ("Delta", "Epsilon", "Zeta"): category("This is Zeta category for test", "moodle"),
}


def test_import_nested_categories():
    result = read(fixture("moodle/nested_categories.xml"))
    assert result.categories == NESTED
    assert list(result.categories) == list(NESTED)  # parents first
    assert_in_categories(result, {"Zeta Question": ("Delta", "Epsilon", "Zeta")})


NESTED_WITH_QUESTIONS = {
    ("Iota",): category("This is Iota category for test", "plain"),
    ("Iota", "Kappa"): category("This is Kappa category for test", "markdown"),
    ("Iota", "Kappa", "Lambda"): category("This is Lambda category for test", "moodle"),
    ("Iota", "Mu"): category("This is Mu category for test", "moodle"),
}


def test_import_nested_categories_with_questions():
    result = read(fixture("moodle/nested_categories_with_questions.xml"))
    assert result.categories == NESTED_WITH_QUESTIONS
    assert_in_categories(
        result,
        {
            "Iota Question": ("Iota",),
            "Kappa Essay Question": ("Iota", "Kappa"),
            "Kappa Question": ("Iota", "Kappa"),
            "Lambda Question": ("Iota", "Kappa", "Lambda"),
            "Mu Question": ("Iota", "Mu"),
        },
    )


def test_import_old_format():
    """Categories without <info>: no description, Moodle's auto-format."""
    result = read(fixture("moodle/old_format_file.xml"))
    assert result.categories == {("Pi",): category(), ("Pi", "Rho"): category()}
    assert_in_categories(result, {"Pi Question": ("Pi",), "Rho Question": ("Pi", "Rho")})


def test_import_categories_in_reverse_order():
    """Tau (in Sigma) comes before Sigma: Sigma is known from Tau's path, then described."""
    result = read(fixture("moodle/categories_reverse_order.xml"))
    assert result.categories == {
        ("Sigma",): category("This is Sigma category for test", "html"),
        ("Sigma", "Tau"): category("This is Tau category for test", "html"),
    }
    assert list(result.categories) == [("Sigma",), ("Sigma", "Tau")]
    assert_in_categories(result, {"Sigma Question": ("Sigma",), "Tau Question": ("Sigma", "Tau")})


def test_import_invalid_grades():
    """Moodle refuses the file when told "error if a grade is not listed" (its test's setting)
    and rounds 33 % to 33.33333 % when told "nearest grade". OpenQuizz imports the question as
    it is and warns: its right answers add up to 99.67 %, not 100 %."""
    result = read(fixture("moodle/error_invalid_grades.xml"))
    (question,) = result.quizzes[0]["questions"]
    # Moodle's name for it in its message: the name without its HTML tags.
    assert question["name"] == "Question with invalid grades : x > 1 & x < 2"
    assert [answer["fraction"] for answer in question["answers"]] == [
        -50, 33, 33.33333, -50, 33.33333,
    ]  # fmt: skip
    (warning,) = result.warnings
    assert warning.startswith("question 1 (line 4): ")
    assert "99.67" in warning


def export_of(name):
    """Moodle's export fixture read by OpenQuizz, then written again."""
    result = read(fixture(f"moodle/{name}"))
    quiz = {**result.quizzes[0], "categories": result.categories}
    return write([quiz], "moodlexml")[0].decode()


def test_export_category():
    assert_same_xml(in_course(fixture("moodle/export_category.xml").decode()), export_of(
        "export_category.xml"
    ))  # fmt: skip


def without_empty_category_idnumbers(xml):
    """Moodle's older fixture has no <idnumber> in its categories; its export writes one."""
    return xml.replace("    </info>\n    <idnumber></idnumber>\n", "    </info>\n")


def test_export_nested_categories():
    expected = fixture("moodle/nested_categories.xml").decode()
    expected = expected.replace("<text>$course$/", "<text>$course$/top/")
    assert_same_xml(expected, without_empty_category_idnumbers(export_of("nested_categories.xml")))


def test_export_nested_categories_with_questions():
    expected = in_course(fixture("moodle/nested_categories_with_questions.xml").decode())
    assert_same_xml(expected, export_of("nested_categories_with_questions.xml"))


def test_export_category_with_special_chars():
    result = read(fixture("moodle/html_chars_in_idnumbers.xml"))
    assert result.categories[("Alpha",)]["idnumber"] == "The inequalities < & >"
    assert result.quizzes[0]["questions"][0]["idnumber"] == "T & F"
    expected = in_course(fixture("moodle/html_chars_in_idnumbers.xml").decode())
    assert_same_xml(expected, export_of("html_chars_in_idnumbers.xml"))


def test_import_broken_multianswer_questions():
    """No question of the file is imported: the first broken cloze refuses the file, for
    Moodle's reason (each question's reason: quizzes/tests/test_formats_cloze.py)."""
    with pytest.raises(FormatError) as caught:
        read(fixture("moodle/broken_cloze_questions.xml"))
    assert caught.value.question == 1
    assert "at least one sub-question" in str(caught.value)


# == the other fixtures (Moodle's behat import features) =====================================
def test_fixture_multichoice():
    result = read(fixture("moodle/multichoice.xml"), filename="multichoice.xml")
    (question,) = result.quizzes[0]["questions"]
    assert result.quizzes[0]["title"] == "multichoice"
    assert result.categories == {
        ("Default for testhead",): category(),
        ("Default for testhead", "Multichoice"): category(),
    }
    expected = {
        "type": "multichoice", "name": "Greeting", "category": ("Default for testhead", "Multichoice"),
        "single": True, "shuffle_answers": True, "answer_numbering": "abc", "penalty": 0.1,
        "show_num_correct": False, "correct_feedback": "",
    }  # fmt: skip
    assert subset(question, expected) == expected
    assert [(a["text"].split("/> ")[1], a["fraction"], a["feedback"]) for a in question["answers"]] == [
        ("English</p>", 0, "<p>Sorry, listen again.</p>"),
        ("French</p>", 100, "<p>Yes, well done!</p>"),
        ("German</p>", 0, "<p>Sorry, listen again.</p>"),
        ("Danish</p>", 0, "<p>Sorry, listen again.</p>"),
    ]  # fmt: skip
    # The fixture's files are shortened to "PLACEHOLDER" (see its README): refused.
    assert result.warnings and all(refused_file(w) for w in result.warnings)


def test_fixture_truefalse():
    result = read(fixture("moodle/truefalse.xml"))
    by_name = questions_by_name(result)
    assert list(by_name) == ["Moodle acronym (False)", "Moodle acronym (True)"]
    assert {q["category"] for q in by_name.values()} == {("Default for testhead", "TrueFalse")}
    false, true = by_name.values()
    assert answers(false, "text", "fraction") == [("true", 0), ("false", 100)]
    assert answers(true, "text", "fraction") == [("true", 100), ("false", 0)]
    assert "Your answer is correct." in false["answers"][1]["feedback"]
    # The fixture's files are shortened to "PLACEHOLDER" (see its README): refused.
    assert result.warnings and all(refused_file(w) for w in result.warnings)


@pytest.mark.parametrize(
    "name",
    [
        "category_with_description.xml", "deprecated_category.xml", "nested_categories.xml",
        "nested_categories_with_questions.xml", "old_format_file.xml",
        "categories_reverse_order.xml", "export_category.xml", "html_chars_in_idnumbers.xml",
        "error_invalid_grades.xml", "multichoice.xml", "truefalse.xml", "multianswer.xml",
        "sample_questions_with_old_image_tag.xml",
    ],
)  # fmt: skip
@pytest.mark.django_db
def test_each_fixture_survives_a_round_trip(name):
    """Read, written, read again: the same questions, categories and all (the files are
    not stored here: their links are written as they are, see test_formats_files)."""
    first = read(fixture(f"moodle/{name}"), filename=name)
    quiz = {**without_files(first.quizzes)[0], "categories": first.categories}
    again = read(write([quiz], "moodlexml")[0], filename=name)
    assert without_files(again.quizzes) == without_files(first.quizzes)
    assert again.categories == first.categories


def short_question_xml(defaultgrade="1", text="What comes after Alpha?", feedback="Beta."):
    return f"""  <question type="shortanswer">
    <name>
      <text>Short</text>
    </name>
    <questiontext format="html">
      <text><![CDATA[{text}]]></text>
    </questiontext>
    <generalfeedback format="html">
      <text><![CDATA[{feedback}]]></text>
    </generalfeedback>
    <defaultgrade>{defaultgrade}</defaultgrade>
    <answer fraction="100" format="plain_text">
      <text>Beta</text>
    </answer>
  </question>"""


def test_a_question_worth_0_points_is_imported_as_moodle_does():
    """Moodle's form and importer take a default mark of 0; so does OpenQuizz."""
    question, result = one_question(short_question_xml(defaultgrade="0"))
    assert question["points"] == 0
    assert result.warnings == []
    again, _result = one_question(exported(question))
    assert again["points"] == 0


def test_pasted_images_in_texts_are_imported():
    """Moodle's files carry images pasted into a text as base64 data URIs."""
    image = '<img alt="" src="data:image/png;base64,' + "iVBORw0KGgo" * 50_000 + '">'
    question, result = one_question(short_question_xml(text=image, feedback=image))
    assert question["text"] == question["general_feedback"] == image
    assert result.warnings == []
