"""Moodle XML: each element of a real Moodle 4 export, read as a teacher sees it in Moodle."""

import re

import pytest

from quizzes.formats import FormatError, parse, write
from quizzes.tests.fixtures.samples import every_type_quiz, fixture
from quizzes.validation import clean_question

HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n'


@pytest.fixture(scope="module")
def biology():
    return parse(fixture("moodle4_biology.xml"), filename="moodle4_biology.xml")


@pytest.fixture(scope="module")
def by_name(biology):
    return {question["name"]: question for question in biology.quizzes[0]["questions"]}


def answers(question, *fields):
    return [tuple(answer[field] for field in fields) for answer in question["answers"]]


def xml_question(body, qtype="multichoice", name="Q"):
    return (
        f'{HEADER}  <question type="{qtype}">\n    <name><text>{name}</text></name>\n'
        f"{body}\n  </question>\n</quiz>\n"
    )


def error_of(data, **options):
    with pytest.raises(FormatError) as caught:
        parse(data, format="moodlexml", **options)
    return caught.value


def test_one_quiz_named_after_the_file_with_every_supported_question(biology):
    (quiz,) = biology.quizzes
    assert biology.format == "moodlexml"
    assert quiz["title"] == "moodle4_biology"
    assert [question["type"] for question in quiz["questions"]] == [
        "multichoice", "multichoice", "truefalse", "shortanswer", "numerical", "matching", "essay",
        "cloze",
    ]  # fmt: skip


def test_category_is_each_questions_and_the_files_not_the_quizs_tags(biology):
    quiz = biology.quizzes[0]
    assert (quiz["tags"], quiz["description"]) == ([], "")
    assert biology.categories == {
        ("Default for BIO101",): {
            "description": "",
            "description_format": "moodle",
            "idnumber": "",
        },
        ("Default for BIO101", "Cells"): {
            "description": "<p>Questions about the cell, for the first term.</p>",
            "description_format": "html",
            "idnumber": "",
        },
    }
    assert {question["category"] for question in quiz["questions"]} == {
        ("Default for BIO101", "Cells")
    }


def test_name_questiontext_cdata_html_and_defaultgrade(by_name):
    question = by_name["Powerhouse of the cell"]
    assert question["text_format"] == "html"
    assert question["text"] == (
        '<p dir="ltr" style="text-align: left;">Which organelle produces most of the cell\'s '
        "<strong>ATP</strong>?</p>"
    )
    assert question["points"] == 2.0


def test_generalfeedback(by_name):
    assert by_name["Powerhouse of the cell"]["general_feedback"] == (
        "<p>Mitochondria make ATP by oxidative phosphorylation.</p>"
    )
    assert by_name["Osmosis"]["general_feedback"] == (
        "<p>Water moves towards the higher solute concentration.</p>"
    )


def test_multichoice_single_with_per_answer_feedback(by_name):
    question = by_name["Powerhouse of the cell"]
    assert (question["single"], question["shuffle_answers"]) == (True, True)
    assert answers(question, "text", "fraction", "feedback") == [
        ('<p dir="ltr" style="text-align: left;">Mitochondrion</p>', 100,
         "<p>Right: the powerhouse of the cell.</p>"),
        ('<p dir="ltr" style="text-align: left;">Ribosome</p>', 0,
         "<p>Ribosomes make proteins.</p>"),
        ('<p dir="ltr" style="text-align: left;">Golgi apparatus</p>', 0, ""),
    ]  # fmt: skip


def test_multichoice_multiple_answers_with_thirds(by_name):
    question = by_name["Membrane-bound organelles"]
    assert question["single"] is False
    assert question["shuffle_answers"] is True  # <shuffleanswers>1</shuffleanswers>
    assert answers(question, "text", "fraction") == [
        ("Nucleus", 33.33333), ("Lysosome", 33.33333), ("Chloroplast", 33.33333),
        ("Ribosome", -100),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("settings", "single", "shuffle"),
    [
        ("<single>false</single><shuffleanswers>0</shuffleanswers>", False, False),
        ("<single>1</single><shuffleanswers>true</shuffleanswers>", True, True),
        ("<answernumbering>iii</answernumbering>", True, False),  # Moodle's defaults
    ],
)
def test_single_and_shuffleanswers_values(settings, single, shuffle):
    fraction = 100 if single else 50
    body = (
        f'<questiontext format="html"><text>Pick</text></questiontext>{settings}'
        f'<answer fraction="{fraction}"><text>a</text></answer>'
        f'<answer fraction="{100 - fraction}"><text>b</text></answer>'
    )
    question = parse(xml_question(body), format="moodlexml").quizzes[0]["questions"][0]
    assert (question["single"], question["shuffle_answers"]) == (single, shuffle)


def test_truefalse(by_name):
    assert answers(by_name["Plant cell walls"], "text", "fraction", "feedback") == [
        ("true", 100, "<p>Yes, cellulose.</p>"),
        ("false", 0, "<p>No: they do have one.</p>"),
    ]


def test_truefalse_in_an_old_localised_file_takes_true_first():
    body = (
        '<questiontext format="html"><text>Q</text></questiontext>'
        '<answer fraction="0"><text>Vrai</text></answer>'
        '<answer fraction="100"><text>Faux</text></answer>'
    )
    question = parse(xml_question(body, "truefalse"), format="moodlexml").quizzes[0]["questions"][0]
    assert answers(question, "text", "fraction") == [("true", 0), ("false", 100)]


def test_shortanswer_with_usecase(by_name):
    question = by_name["DNA"]
    assert question["case_sensitive"] is True
    assert question["text_format"] == "moodle"
    assert answers(question, "text", "fraction", "feedback") == [
        ("Deoxyribonucleic acid", 100, "Well done."),
        ("Deoxyribo*", 50, "Almost: spell it in full."),
    ]


def test_numerical_tolerance_and_several_answers(biology, by_name):
    assert answers(by_name["Chromosomes"], "value", "tolerance", "fraction", "feedback") == [
        (46, 0, 100, "<p>23 pairs.</p>"),
        (23, 0.5, 50, "<p>That is the number of pairs.</p>"),
        (None, 0, 0, "<p>Count them again.</p>"),
    ]
    assert by_name["Chromosomes"]["answers"][2]["text"] == "*"
    assert not [warning for warning in biology.warnings if "question 5 " in warning]


def test_matching_subquestions_and_a_distractor(by_name):
    question = by_name["Organelles and roles"]
    assert question["points"] == 3.0
    assert answers(question, "text", "match") == [
        ("<p>Nucleus</p>", "Holds the DNA"), ("<p>Ribosome</p>", "Makes proteins"),
        ("", "Stores starch"),
    ]  # fmt: skip


def test_essay(by_name):
    question = by_name["Osmosis"]
    assert (question["type"], question["points"], question["answers"]) == ("essay", 5.0, [])


def test_unsupported_types_are_counted_and_skipped(biology):
    assert dict(biology.skipped) == {"unsupported type ddwtos": 1}
    assert "question 9 (line 314): the question type “ddwtos” is not supported: skipped" in (
        biology.warnings
    )


def test_unsupported_types_fail_when_strict():
    error = error_of(fixture("moodle4_biology.xml"), strict=True)
    assert str(error) == "question 9 (line 314): the question type “ddwtos” is not supported"


@pytest.mark.parametrize(
    ("moodle_format", "text_format"),
    [("moodle_auto_format", "moodle"), ("plain_text", "plain"), ("markdown", "markdown"),
     ("html", "html"), ("wiki_like", "moodle")],
)  # fmt: skip
def test_text_formats(moodle_format, text_format):
    body = (
        f'<questiontext format="{moodle_format}"><text>Why?</text></questiontext>'
        "<responseformat>editor</responseformat>"
    )
    question = parse(xml_question(body, "essay"), format="moodlexml").quizzes[0]["questions"][0]
    assert question["text_format"] == text_format


def test_each_answer_and_feedback_keeps_its_own_format():
    body = (
        '<questiontext format="moodle_auto_format"><text>2 + 2?</text></questiontext>'
        '<answer fraction="100" format="plain_text"><text>4</text>'
        '<feedback format="html"><text><![CDATA[<p>Yes &amp; well done</p>]]></text></feedback>'
        "</answer>"
        '<answer fraction="0"><text>5</text><feedback><text>No</text></feedback></answer>'
    )
    result = parse(xml_question(body, "shortanswer"), format="moodlexml")
    question = result.quizzes[0]["questions"][0]
    assert answers(question, "text", "text_format", "feedback", "feedback_format") == [
        ("4", "plain", "<p>Yes &amp; well done</p>", "html"),
        ("5", "moodle", "No", "moodle"),  # none given: the question text's, as Moodle
    ]


def test_embedded_files_and_units_are_left_out_with_warnings():
    body = (
        '<questiontext format="html"><text><![CDATA[<img src="@@PLUGINFILE@@/a.png">]]></text>'
        '<file name="a.png" path="/" encoding="base64">iVBORw0KGgo=</file></questiontext>'
        '<answer fraction="100"><text>1.5</text><tolerance>0.1</tolerance></answer>'
        "<units><unit><multiplier>1</multiplier><unit_name>m</unit_name></unit></units>"
    )
    result = parse(xml_question(body, "numerical"), format="moodlexml")
    assert result.warnings == [
        "question 1 (line 3): the file “a.png” is not imported, its links show its name: "
        "This image is damaged or incomplete: save it again and upload it anew.",
        "question 1 (line 3): units are not supported: ignored",
    ]


def test_declared_latin1_encoding():
    data = (
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n<quiz><question type="essay">'
        "<name><text>Caf\xe9</text></name><questiontext><text>\xc9crivez.</text></questiontext>"
        "</question></quiz>"
    ).encode("latin-1")
    question = parse(data).quizzes[0]["questions"][0]
    assert (question["name"], question["text"]) == ("Café", "Écrivez.")


# -- errors -------------------------------------------------------------------
def test_malformed_xml_names_the_line():
    error = error_of(f"{HEADER}<question type='essay'>\n<name><text>x</name>\n</question></quiz>")
    assert error.line == 4
    assert "not well-formed XML: mismatched tag" in str(error)


def test_xml_bomb_is_refused_without_expanding():
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE quiz [\n <!ENTITY a "aaaaaaaaaa">\n'
        ' <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n'
        ' <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">\n]>\n<quiz>&c;</quiz>'
    )
    error = error_of(bomb)
    assert error.line == 2
    assert "XML bomb" in error.message


def test_external_entity_is_refused():
    data = (
        '<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        "<quiz><question type='essay'><name><text>&x;</text></name></question></quiz>"
    )
    assert "refused" in error_of(data).message


def test_a_file_that_is_not_a_moodle_quiz():
    error = error_of("<html>\n<body>hello</body></html>")
    assert (error.line, error.message) == (1, "a Moodle XML file starts with <quiz>, not <html>")


def test_a_number_that_is_not_one():
    body = (
        '<questiontext><text>Q</text></questiontext><answer fraction="abc"><text>a</text></answer>'
    )
    error = error_of(xml_question(body))
    assert str(error) == "question 1 (line 3): fraction: “abc” is not a number"


def test_invalid_question_names_its_number_and_line():
    body = (
        '<questiontext><text>Q</text></questiontext><answer fraction="100"><text>a</text></answer>'
    )
    error = error_of(xml_question(body))
    assert str(error) == "question 1 (line 3): answers: Give at least two answers to choose from."


# -- writing ------------------------------------------------------------------
def test_writer_writes_what_moodle_writes():
    quiz = every_type_quiz()
    quiz["categories"] = {("geography",): {"description": "Places", "description_format": "plain",
                                           "idnumber": "geo"}}  # fmt: skip
    for question in quiz["questions"]:
        question["category"] = ("geography", "maths/numbers")
    content, content_type, extension = write([quiz], "moodlexml")
    text = content.decode()
    assert (content_type, extension) == ("application/xml", ".xml")
    assert text.startswith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n<!-- question: 0  -->\n'
        '  <question type="category">\n    <category>\n      <text>$course$/top/geography</text>\n'
        '    </category>\n    <info format="plain_text">\n      <text>Places</text>\n'
        "    </info>\n    <idnumber>geo</idnumber>\n  </question>\n\n<!-- question: 0  -->"
    )
    assert "      <text>$course$/top/geography/maths//numbers</text>\n" in text
    assert '  <question type="multichoice">\n    <name>\n      <text>Capital</text>\n' in text
    assert '    <questiontext format="markdown">\n' in text
    assert "    <defaultgrade>2.0000000</defaultgrade>\n" in text
    assert '    <answer fraction="33.33333" format="plain_text">\n' in text
    assert "      <text><![CDATA[<p>The sky is <b>green</b>.</p>]]></text>\n" in text
    assert "      <tolerance>0.005</tolerance>\n" in text
    assert "    <usecase>0</usecase>\n" in text
    assert '    <subquestion format="moodle_auto_format">\n      <text></text>\n' in text


def test_questions_outside_any_category_get_no_category_element():
    text = write([every_type_quiz()], "moodlexml")[0].decode()
    assert 'type="category"' not in text


def test_old_category_without_text_element():
    data = (
        f'{HEADER}<question type="category"><category>$course$/Old bank</category></question>\n'
        '<question type="essay"><name><text>E</text></name>'
        "<questiontext><text>Why?</text></questiontext></question></quiz>"
    )
    assert parse(data).quizzes[0]["questions"][0]["category"] == ("Old bank",)


# -- lossless: every field the bank keeps, written and read back ----------------
CATEGORIES = {
    ("Biology",): {"description": "<p>Life</p>", "description_format": "html", "idnumber": "bio"},
    ("Biology", "Cells/tissues"): {
        "description": "Cells *and* tissues",
        "description_format": "markdown",
        "idnumber": "bio-cells",
    },
    ("Biology", "Empty"): {"description": "", "description_format": "plain", "idnumber": ""},
    ("Maths",): {"description": "Numbers", "description_format": "moodle", "idnumber": "m & n"},
}
HINTS = [
    {"text": "<p>Think</p>", "text_format": "html", "show_num_correct": True, "clear_wrong": False},
    {"text": "Again", "text_format": "plain", "show_num_correct": False, "clear_wrong": True},
]
COMBINED = {
    "correct_feedback": "<b>Right</b>", "correct_feedback_format": "html",
    "partially_correct_feedback": "*Partly*", "partially_correct_feedback_format": "markdown",
    "incorrect_feedback": "Wrong & sorry", "incorrect_feedback_format": "plain",
    "show_num_correct": True,
}  # fmt: skip
COMMON = {
    "text_format": "html", "general_feedback": "See *page 3*.",
    "general_feedback_format": "markdown", "penalty": 0.5, "idnumber": "id <1>",
    "tags": ["cells", "first term"],
}  # fmt: skip


def every_field_quiz():
    questions = [
        {
            **COMMON, **COMBINED, "type": "multichoice", "name": "Organelles",
            "text": "<p>Which have membranes?</p>", "points": 3, "single": False,
            "shuffle_answers": False, "answer_numbering": "IIII", "hints": HINTS,
            "category": ("Biology", "Cells/tissues"),
            "answers": [
                {"text": "Nucleus", "text_format": "plain", "fraction": 50,
                 "feedback": "**Yes**", "feedback_format": "markdown"},
                {"text": "<i>Lysosome</i>", "text_format": "html", "fraction": 50},
                {"text": "Ribosome", "text_format": "moodle", "fraction": -100,
                 "feedback": "No", "feedback_format": "plain"},
            ],
        },
        {
            **COMMON, "type": "truefalse", "name": "Walls", "text": "Plants have walls.",
            "penalty": 1, "hints": [{"text": "Again", "text_format": "plain"}],
            "category": ("Biology",),
            "answers": [
                {"text": "true", "text_format": "moodle", "fraction": 100, "feedback": "<p>Yes</p>",
                 "feedback_format": "html"},
                {"text": "false", "text_format": "plain", "fraction": 0, "feedback": "No",
                 "feedback_format": "moodle"},
            ],
        },
        {
            **COMMON, "type": "shortanswer", "name": "DNA", "text": "Spell DNA out.",
            "case_sensitive": True, "category": ("Biology",),
            "answers": [
                {"text": "Deoxyribonucleic acid", "text_format": "plain", "fraction": 100,
                 "feedback": "Well done", "feedback_format": "markdown"},
                {"text": "*", "text_format": "moodle", "fraction": 0, "feedback": "<p>No</p>",
                 "feedback_format": "html"},
            ],
        },
        {
            **COMMON, "type": "numerical", "name": "Chromosomes", "text": "How many?",
            "category": (),
            "answers": [
                {"value": 46, "tolerance": 0, "fraction": 100, "feedback": "Right",
                 "feedback_format": "plain"},
                {"value": 23, "tolerance": 0.5, "fraction": 50, "feedback": "<p>Pairs</p>",
                 "feedback_format": "html"},
                {"text": "*", "fraction": 0, "feedback": "Count *again*",
                 "feedback_format": "markdown"},
            ],
        },
        {
            **COMMON, **COMBINED, "type": "matching", "name": "Roles", "text": "Match.",
            "shuffle_answers": False, "hints": HINTS, "category": ("Maths",),
            "answers": [
                {"text": "<p>Nucleus</p>", "text_format": "html", "match": "DNA"},
                {"text": "Ribosome", "text_format": "plain", "match": "Proteins"},
                {"text": "", "match": "Starch"},
            ],
        },
        {
            **COMMON, "type": "essay", "name": "Osmosis", "text": "Explain osmosis.",
            "penalty": 0, "response_format": "plain", "response_required": False,
            "response_field_lines": 25, "attachments": -1, "attachments_required": 2,
            "min_word_limit": 50, "max_word_limit": 300,
            "grader_info": "<p>Look for <b>gradient</b></p>", "grader_info_format": "html",
            "response_template": "Osmosis is ...", "response_template_format": "plain",
            "category": ("Maths",),
        },
        {
            **COMMON, "type": "description", "name": "Part 2", "text": "<p>Now cells.</p>",
            "penalty": 0, "category": ("Biology", "Cells/tissues"),
        },
        {
            **COMMON, **COMBINED, "type": "cloze", "name": "Capitals",
            "text": "<p>{1:SA:=Paris#Yes} and {2:MC:Milano~=Roma}</p>", "points": 4,
            "hints": HINTS, "category": ("Biology", "Cells/tissues"),
        },
    ]  # fmt: skip
    return {
        "title": "Every field",
        "categories": CATEGORIES,
        "questions": [clean_question(question) for question in questions],
    }


def test_every_field_survives_a_round_trip():
    quiz = every_field_quiz()
    content = write([quiz], "moodlexml")[0]
    result = parse(content, format="moodlexml", filename="Every field.xml")
    assert result.warnings == []
    assert result.quizzes[0]["questions"] == quiz["questions"]
    assert result.categories == CATEGORIES
    order = list(result.categories)
    assert all(order.index(path[:-1]) < order.index(path) for path in order if len(path) > 1)
    again = write([{**result.quizzes[0], "categories": result.categories}], "moodlexml")[0]
    assert again == content


def test_categories_are_written_as_moodle_switches_them():
    text = write([every_field_quiz()], "moodlexml")[0].decode()
    paths = re.findall(r"<category>\n      <text>(.*)</text>", text)
    assert paths == [
        "$course$/top/Biology", "$course$/top/Biology/Cells//tissues", "$course$/top/Biology",
        "$course$/top", "$course$/top/Maths", "$course$/top/Biology/Cells//tissues",
        "$course$/top/Biology/Empty",
    ]  # fmt: skip
    assert "    <idnumber>m &amp; n</idnumber>\n" in text
    assert "    <idnumber>id &lt;1&gt;</idnumber>\n" in text
    assert (
        "    <tags>\n      <tag><text>cells</text>\n</tag>\n"
        "      <tag><text>first term</text>\n</tag>\n    </tags>\n"
    ) in text


def test_what_openquizz_cannot_carry_is_said_with_the_question_and_its_line():
    body = (
        '<questiontext format="html"><text>Why?</text></questiontext><hidden>1</hidden>'
        "<coursetags><tag><text>c</text></tag></coursetags>"
        "<hint><text>H</text><shownumcorrect/></hint>"
        "<maxbytes>1024</maxbytes><filetypeslist>.pdf</filetypeslist>"
        "<plugin_setting>1</plugin_setting><another>x</another>"
    )
    result = parse(xml_question(body, "essay"), format="moodlexml")
    question = result.quizzes[0]["questions"][0]
    assert (question["tags"], question["hints"]) == (["c"], [])
    assert result.warnings == [
        "question 1 (line 3): course tags are imported as the question's tags",
        "question 1 (line 3): Moodle keeps no hints for this type of question: left out",
        "question 1 (line 3): the question is hidden in Moodle: imported as a visible question",
        "question 1 (line 3): <another>, <plugin_setting>: not a part of Moodle's question "
        "types, left out",
        "question 1 (line 3): the largest attachment size is not supported: left out",
        "question 1 (line 3): the accepted file types are not supported: left out",
    ]


def test_numerical_units_and_an_answer_without_a_number():
    body = (
        '<questiontext format="html"><text>How far?</text></questiontext>'
        '<answer fraction="100"><text>1.5</text><tolerance>0.1</tolerance></answer>'
        '<answer fraction="0"><text></text></answer>'
        '<instructions format="html"><text>In metres</text></instructions>'
    )
    result = parse(xml_question(body, "numerical"), format="moodlexml")
    assert len(result.quizzes[0]["questions"][0]["answers"]) == 1
    assert result.warnings == [
        "question 1 (line 3): an answer without a number is left out, as Moodle does",
        "question 1 (line 3): units are not supported: ignored",
    ]


@pytest.mark.parametrize(
    ("hint", "show", "clear"),
    [
        ("<hint><hintcontent><text>H</text></hintcontent>"
         "<statenumberofcorrectresponses>1</statenumberofcorrectresponses>"
         "<clearincorrectresponses>0</clearincorrectresponses></hint>", True, False),
        ("<hint format='plain_text'><text>H</text><clearwrong/></hint>", False, True),
    ],
)  # fmt: skip
def test_hints_of_moodle_2_0_and_now(hint, show, clear):
    body = (
        '<questiontext format="html"><text>Pick</text></questiontext><single>false</single>'
        '<answer fraction="50"><text>a</text></answer><answer fraction="50"><text>b</text></answer>'
        + hint
    )
    question = parse(xml_question(body), format="moodlexml").quizzes[0]["questions"][0]
    ((text, show_num_correct, clear_wrong),) = [
        (h["text"], h["show_num_correct"], h["clear_wrong"]) for h in question["hints"]
    ]
    assert (text, show_num_correct, clear_wrong) == ("H", show, clear)


def test_penalty_of_old_files_is_rounded_as_moodle_does():
    body = '<questiontext format="html"><text>Why?</text></questiontext><penalty>0.33</penalty>'
    question = parse(xml_question(body, "essay"), format="moodlexml").quizzes[0]["questions"][0]
    assert question["penalty"] == 0.3333333


def test_tags_and_hints_beyond_what_a_question_keeps_are_cut_with_a_warning():
    tags = "".join(f"<tag><text>t{n}</text></tag>" for n in range(22))
    long_tag = "x" * 60
    hints = "<hint><text>h</text></hint>" * 21
    body = (
        '<questiontext format="html"><text>Q</text></questiontext>'
        f'<answer fraction="100"><text>a</text></answer>'
        f"<tags><tag><text>{long_tag}</text></tag>{tags}<tag><text>t0</text></tag></tags>{hints}"
    )
    result = parse(xml_question(body, "shortanswer"), format="moodlexml")
    question = result.quizzes[0]["questions"][0]
    assert question["tags"] == ["x" * 50, *(f"t{n}" for n in range(19))]
    assert len(question["hints"]) == 20
    assert result.warnings == [
        "question 1 (line 3): a question keeps at most 20 hints: the others are left out",
        f"question 1 (line 3): the tag “{long_tag}” is cut to 50 characters",
        "question 1 (line 3): a question keeps at most 20 tags: t19, t20, t21 left out",
    ]


NOT_SUPPORTED = "question 1 (line 3): <%s> “%s” is not supported: “%s” instead"


@pytest.mark.parametrize(
    ("qtype", "setting", "field", "expected", "warnings"),
    [
        ("multichoice", "<answernumbering></answernumbering>", "answer_numbering", "abc", []),
        ("multichoice", "<answernumbering>ABCD</answernumbering>", "answer_numbering", "ABCD",
         []),
        ("multichoice", "<answernumbering>greek</answernumbering>", "answer_numbering", "abc",
         [NOT_SUPPORTED % ("answernumbering", "greek", "abc")]),
        ("essay", "<responseformat>noinline</responseformat><attachments>1</attachments>"
         "<attachmentsrequired>1</attachmentsrequired>", "response_format", "noinline", []),
        ("essay", "<responseformat>audio</responseformat>", "response_format", "editor",
         [NOT_SUPPORTED % ("responseformat", "audio", "editor")]),
    ],
)  # fmt: skip
def test_settings_of_no_known_value_take_moodles_default_with_a_warning(
    qtype, setting, field, expected, warnings
):
    body = '<questiontext format="html"><text>Q</text></questiontext>' + setting
    if qtype == "multichoice":
        body += '<answer fraction="100"><text>a</text></answer><answer><text>b</text></answer>'
    result = parse(xml_question(body, qtype), format="moodlexml")
    assert result.quizzes[0]["questions"][0][field] == expected
    assert result.warnings == warnings


@pytest.mark.parametrize(
    "qtype", ["calculated", "calculatedsimple", "calculatedmulti", "ddwtos", "gapselect"]
)
def test_types_moodle_has_and_openquizz_not_are_skipped_and_counted(qtype):
    data = (
        f'{HEADER}<question type="{qtype}"><name><text>X</text></name>'
        "<questiontext><text>Q</text></questiontext></question>\n"
        '<question type="essay"><name><text>E</text></name>'
        "<questiontext><text>Why?</text></questiontext></question></quiz>"
    )
    result = parse(data, format="moodlexml")
    assert result.question_count == 1
    assert dict(result.skipped) == {f"unsupported type {qtype}": 1}
    assert result.warnings == [
        f"question 1 (line 3): the question type “{qtype}” is not supported: skipped"
    ]
