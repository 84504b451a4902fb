"""Cloze (Moodle's multianswer) in Moodle XML, read and written as Moodle's qformat_xml does.

Moodle's own cases, from moodle/moodle (GPL v3+), turned into ours:
question/format/xml/tests/xmlformat_test.php (test_import_multianswer, test_export_multianswer,
test_export_multianswer_withdollars), qformat_xml_import_export_test.php
(test_import_broken_multianswer_questions) and the fixtures of
question/format/xml/tests/behat/import.feature (multianswer.xml,
sample_questions_with_old_image_tag.xml), copied into fixtures/moodle/.
What Moodle does, from question/format/xml/format.php: import_multianswer reads the codes of
the question text, refuses a text its editing form refuses (and, stopping on error as it does
by default, imports nothing), takes the grade from the sub-questions' weights (ignoring
<defaultgrade>) and names a nameless question from its text; writequestion writes
type="cloze", the codes in the question text, and no <defaultgrade>.
"""

import base64
import hashlib
import re
from xml.etree.ElementTree import tostring

import pytest
from defusedxml import ElementTree

from quizzes.formats import FormatError, parse, write
from quizzes.qtypes import cloze_syntax
from quizzes.qtypes.cloze import learner_text
from quizzes.tests.fixtures.samples import fixture, question
from quizzes.tests.test_formats_files import PNG, without_files
from quizzes.validation import clean_question, clean_quiz

HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n'
OWL_TEXT = (
    'Complete this opening line of verse: "The '
    "{1:SHORTANSWER:Dog#Wrong, silly!~=Owl#Well done!~*#Wrong answer} and the "
    "{1:MULTICHOICE:Bow-wow#You seem to have a dog obsessions!~"
    'Wiggly worm#Now you are just being ridiculous!~=Pussy-cat#Well done!} went to sea".'
)
# xmlformat_test::test_import_multianswer, as Moodle's test writes it.
MOODLE_OWL_XML = f"""  <question type="cloze">
    <name>
      <text>Simple multianswer</text>
    </name>
    <questiontext format="html">
      <text><![CDATA[{OWL_TEXT}]]></text>
    </questiontext>
    <generalfeedback format="html">
      <text><![CDATA[General feedback: It's from "The Owl and the Pussy-cat" by Lear: "The owl and the pussycat went to sea".]]></text>
    </generalfeedback>
    <penalty>0.5</penalty>
    <hidden>0</hidden>
    <idnumber>id-101</idnumber>
    <hint format="html">
      <text>Hint 1</text>
    </hint>
    <hint format="html">
      <text>Hint 2</text>
    </hint>
    <tags>
      <tag><text>tagCloze</text></tag>
      <tag><text>tagTest</text></tag>
    </tags>
  </question>
"""
BROKEN = "moodle/broken_cloze_questions.xml"


def quiz_file(*questions):
    return f"{HEADER}{''.join(questions)}</quiz>\n"


def read(data, **options):
    """The questions of a Moodle XML file, and the ParseResult."""
    result = parse(data, format="moodlexml", **options)
    return result.quizzes[0]["questions"], result


def only(data):
    (one,), _result = read(data)
    return one


def error_of(data, **options):
    with pytest.raises(FormatError) as caught:
        parse(data, format="moodlexml", **options)
    return caught.value


def cloze_xml(text, name="Q", extra=""):
    name_element = f"<name><text>{name}</text></name>" if name is not None else ""
    return (
        f'  <question type="cloze">{name_element}\n'
        f'    <questiontext format="html"><text><![CDATA[{text}]]></text></questiontext>\n'
        f"{extra}  </question>\n"
    )


def one_quiz(*questions):
    quiz = clean_quiz({"title": "Cloze"})
    quiz["questions"] = [clean_question(q) for q in questions]
    return quiz


def written(*questions):
    return write(one_quiz(*questions), "moodlexml")[0].decode()


def block(text, position=1):
    """The <question> of `position` in a file written by OpenQuizz, as Moodle's tests compare it."""
    start = text.index(f"<!-- question: {position}  -->")
    end = text.index("  </question>\n", start) + len("  </question>\n")
    return text[start:end]


# -- import, as Moodle's import_multianswer -------------------------------------------
def test_moodle_import_multianswer():
    """xmlformat_test::test_import_multianswer: what OpenQuizz keeps of Moodle's expectations."""
    question, result = read(quiz_file(MOODLE_OWL_XML))
    (question,) = question
    assert (question["type"], question["name"], question["text_format"]) == (
        "cloze", "Simple multianswer", "html",
    )  # fmt: skip
    assert question["text"] == OWL_TEXT
    assert question["general_feedback"] == (
        'General feedback: It\'s from "The Owl and the Pussy-cat" by Lear: '
        '"The owl and the pussycat went to sea".'
    )
    assert question["points"] == 2  # Moodle's defaultmark: the two sub-questions' weights
    # Moodle's questiontext with its sub-questions taken out.
    subs = cloze_syntax.parse(question["text"])
    assert learner_text(question["text"], subs) == (
        'Complete this opening line of verse: "The {#1} and the {#2} went to sea".'
    )
    assert [(sub.kind, sub.weight) for sub in subs] == [("shortanswer", 1), ("multichoice", 1)]
    assert [a.text for a in subs[0].answers] == ["Dog", "Owl", "*"]
    assert [a.fraction for a in subs[1].answers] == [0, 0, 100]
    # Penalty, hints, idnumber and tags have no place in OpenQuizz, for any type.
    assert (result.warnings, dict(result.skipped)) == ([], {})


@pytest.mark.parametrize("xml_type", ["cloze", "multianswer"])
def test_both_of_moodles_names_are_read(xml_type):
    data = quiz_file(cloze_xml("{1:SA:=x}").replace('type="cloze"', f'type="{xml_type}"'))
    assert only(data)["type"] == "cloze"


def test_the_grade_is_the_sum_of_the_weights_as_moodle_reads_it():
    question = only(quiz_file(cloze_xml("{2:SA:=a} {3:NUMERICAL:=1:0.5} {:MC:=x~y}")))
    assert question["points"] == 6


def test_a_defaultgrade_written_by_openquizz_is_read_back():
    """Points set apart from the weights are the only cloze with <defaultgrade> (see xml_write)."""
    data = quiz_file(cloze_xml("{2:SA:=a}", extra="    <defaultgrade>5.0000000</defaultgrade>\n"))
    assert only(data)["points"] == 5


def test_a_nameless_cloze_is_named_from_its_text_with_placeholders_as_in_moodle():
    """Moodle names it from its questiontext once the codes are taken out: {#1}, {#2}..."""
    data = quiz_file(cloze_xml("<p>The {1:SA:=cat} sat on the {1:MC:=mat~hat}.</p>", name=None))
    assert only(data)["name"] == "The {#1} sat on the {#2}."


# -- broken questions: refused, as Moodle's import (which stops on error) --------------
def test_moodle_import_broken_multianswer_questions():
    """qformat_xml_import_export_test::test_import_broken_multianswer_questions.

    Moodle reports an error for each question and imports none of them; OpenQuizz refuses the
    file with the first one, naming the question and its line. Strict or not: these are not
    questions of a type OpenQuizz lacks but questions Moodle itself refuses.
    """
    for strict in (False, True):
        error = error_of(fixture(BROKEN), strict=strict)
        assert (error.question, error.line) == (1, 4)
        assert str(error) == (
            "question 1 (line 4): text: The text must contain at least one sub-question, "
            "such as {1:SHORTANSWER:=Paris}."
        )


@pytest.mark.parametrize(
    ("name", "moodle_says", "we_say"),
    [
        ("Multianswer question without subquestions",
         "The question text must include at least one embedded answer.",
         "The text must contain at least one sub-question"),
        # "{1:MULTICHOICE}" has no answers: Moodle does not take it for a code.
        ("Multichoice subquestion without choices",
         "The question text must include at least one embedded answer.",
         "The text must contain at least one sub-question"),
        ("Multichoice subquestion with only one choice",
         "This type of question requires at least 2 choices",
         "Sub-question 1: give at least 2 choices."),
        ("Multichoice subquestion with no completely correct answer",
         "One of the answers should have a score of 100% so it is possible to get full marks",
         "Sub-question 1: give at least one answer at 100 %."),
        ("Numerical subquestion with buggy answer",
         "The answer must be a number, for example -1.234 or 3e8, or '*'.",
         "Sub-question 1: “zero” is not a number"),
    ],
)  # fmt: skip
def test_each_broken_question_is_refused_for_moodles_reason(name, moodle_says, we_say):
    root = ElementTree.fromstring(fixture(BROKEN))
    (element,) = [q for q in root.iter("question") if q.findtext("name/text") == name]
    error = error_of(quiz_file(tostring(element, encoding="unicode")))
    assert error.question == 1
    assert we_say in error.message, moodle_says


def test_a_broken_question_after_good_ones_names_its_number_and_line():
    data = quiz_file(cloze_xml("{1:SA:=a}"), cloze_xml("Pick {1:MC:=one}", name="Bad"))
    error = error_of(data)
    assert (error.question, error.line) == (2, 6)
    assert "Sub-question 1: give at least 2 choices." in str(error)


# -- Moodle's fixtures ------------------------------------------------------------------
def test_moodle_fixture_multianswer():
    """multianswer.xml (import.feature: "Importing 1 questions", "cloze with images")."""
    questions, result = read(fixture("moodle/multianswer.xml"), filename="multianswer.xml")
    (question,) = questions
    assert (question["type"], question["name"], question["points"]) == (
        "cloze", "cloze with images", 5,
    )  # fmt: skip
    assert question["text"].startswith("<p>Match the following cities with the correct state,</p>")
    assert re.search(r'<img src="/media/[0-9a-f]{64}/arizona_2.png"', question["text"])
    assert question["general_feedback"].startswith("<p>This is a Moodle question <img")
    assert question["category"] == ("Default for Test images in backup",)
    assert result.warnings == []  # its images are stored with the question


def test_moodle_fixture_with_the_old_image_tag():
    """sample_questions_with_old_image_tag.xml (import.feature: "Importing 2 questions").

    Moodle 1.9's <image> and <image_base64>: Moodle stores the file and appends an <img> of it
    to the question text, for the cloze as for the others; the file is stored with it.
    """
    data = fixture("moodle/sample_questions_with_old_image_tag.xml")
    questions, result = read(data)
    assert [(q["type"], q["name"]) for q in questions] == [
        ("cloze", "cloze question with image"), ("multichoice", "mcq with image"),
    ]  # fmt: skip
    cloze, mcq = questions
    assert cloze["text"].startswith(
        "This is a multianswer question with an image in the old &quot;image&quot; field"
    )
    assert mcq["text"].startswith("This is a multichoice question with an image in the old")
    for imported in questions:
        assert re.search(r' <img src="/media/[0-9a-f]{64}/moodle.png" />$', imported["text"])
        assert imported["text_format"] == "html"  # no format attribute: Moodle's default
    assert cloze["points"] == 5
    assert [s.kind for s in cloze_syntax.parse(cloze["text"])] == ["multichoice"] * 4 + [
        "shortanswer"
    ]
    assert result.warnings == []


@pytest.mark.parametrize(
    ("image", "src"),
    [("moodle.png", "moodle.png"), ("dir/sub/a b.png", "dir_sub_a-b.png"),
     ('x"><script>.png', "xscript.png"), ("..", "file.png")],
)  # fmt: skip
def test_old_image_file_names_are_cleaned_as_moodle_cleans_them(image, src):
    extra = f"<image>{image.replace('<', '&lt;').replace('>', '&gt;')}</image>"
    extra += f"<image_base64>{base64.b64encode(PNG).decode()}</image_base64>"
    question = only(quiz_file(cloze_xml("{1:SA:=a}", extra=extra)))
    sha256 = hashlib.sha256(PNG).hexdigest()
    assert question["text"] == f'{{1:SA:=a}} <img src="/media/{sha256}/{src}" />'


def test_an_old_image_without_its_data_is_left_out_with_a_note():
    question, result = read(quiz_file(cloze_xml("{1:SA:=a}", extra="<image>a.png</image>")))
    assert (question[0]["text"], result.warnings) == (
        "{1:SA:=a}",
        ["question 1 (line 3): the image “a.png” is not in the file (only its name is): left out"],
    )


@pytest.mark.parametrize(
    "name", ["moodle/multianswer.xml", "moodle/sample_questions_with_old_image_tag.xml"]
)
@pytest.mark.django_db
def test_moodle_fixtures_read_write_read_is_stable(name):
    first = parse(fixture(name), filename=name)
    content = write(without_files(first.quizzes), "moodlexml")[0]
    again = parse(content, filename=name)
    assert without_files(again.quizzes) == without_files(first.quizzes)
    assert write(again.quizzes, "moodlexml")[0] == content
    assert '<question type="cloze">' in content.decode()
    assert "<defaultgrade>" not in block(content.decode())  # the cloze comes first


# -- export, as Moodle's writequestion ----------------------------------------------------
def test_moodle_export_multianswer():
    """xmlformat_test::test_export_multianswer, without the hints OpenQuizz does not have."""
    owl = question(
        "cloze", "Simple multianswer", OWL_TEXT, text_format="html", points=2,
        general_feedback="General feedback: It's from \"The Owl and the Pussy-cat\" by Lear: "
        '"The owl and the pussycat went to sea',
    )  # fmt: skip
    assert block(written(owl)) == (
        """<!-- question: 1  -->
  <question type="cloze">
    <name>
      <text>Simple multianswer</text>
    </name>
    <questiontext format="html">
      <text><![CDATA[Complete this opening line of verse: "The {1:SHORTANSWER:Dog#Wrong, silly!~=Owl#Well done!~*#Wrong answer} and the {1:MULTICHOICE:Bow-wow#You seem to have a dog obsessions!~Wiggly worm#Now you are just being ridiculous!~=Pussy-cat#Well done!} went to sea".]]></text>
    </questiontext>
    <generalfeedback format="html">
      <text><![CDATA[General feedback: It's from "The Owl and the Pussy-cat" by Lear: "The owl and the pussycat went to sea]]></text>
    </generalfeedback>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
  </question>
"""
    )


def test_moodle_export_multianswer_withdollars():
    """xmlformat_test::test_export_multianswer_withdollars."""
    dollars = question(
        "cloze", "Multianswer with $s", "Which is the right order? {1:MULTICHOICE:=y,y,$3~$3,y,y}",
        text_format="html", points=1,
    )  # fmt: skip
    assert block(written(dollars)) == (
        """<!-- question: 1  -->
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
"""
    )


def test_points_apart_from_the_weights_keep_their_defaultgrade():
    text = written(question("cloze", "Q", "{2:SA:=a}", text_format="html", points=5))
    assert "    <defaultgrade>5.0000000</defaultgrade>\n    <penalty>0.3333333</penalty>" in text


# -- round trips --------------------------------------------------------------------------
CLOZES = [
    question("cloze", "Weights", "<p>{2:SA:=Paris#Yes~*#No} and {3:NM:=3.14:0.01}</p>",
             text_format="html", points=5, general_feedback="<p>Both.</p>"),
    question("cloze", "Own points", "{1:MCV:=a~b} {1:MR:%50%a~%50%b~c}", text_format="moodle",
             points=7.5),
    question("cloze", "Awkward", 'Say "]]>" & {1:SAC:=A\\}B#<b>x</b>~%-50%a}]]>',
             text_format="plain", points=1),
    question("cloze", "Markdown", "*Pick*:\n\n{1:MULTICHOICE_H:=x~y~z}\n\n{0:SA:=w}",
             text_format="markdown", points=1),
]  # fmt: skip


def test_openquizz_to_moodle_xml_and_back_gives_the_same_clozes():
    quiz = one_quiz(*CLOZES)
    content = write(quiz, "moodlexml")[0]
    result = parse(content, filename="Cloze.xml")
    assert result.quizzes[0]["questions"] == [
        {**question, "category": ()} for question in quiz["questions"]
    ]
    assert result.warnings == []
    assert content.decode().count("<defaultgrade>") == 1  # "Own points": apart from the weights


def test_gift_leaves_a_cloze_out_with_a_note_as_moodle():
    quiz = one_quiz(question("essay", "Before", "Why?"), CLOZES[0])
    text = write(quiz, "gift")[0].decode()
    assert "// question: 2  name: Weights\n// cloze questions cannot be written in GIFT" in text
    assert [q["name"] for q in parse(text, format="gift").quizzes[0]["questions"]] == ["Before"]
