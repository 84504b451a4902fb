"""Moodle's own GIFT tests, case by case, and its GIFT fixtures.

Each test below is one test case of Moodle's `question/format/gift/tests/giftformat_test.php`
(moodle/moodle, stored commit 3d51aed3e2133fd808f9f016d29f89c8261cc33c), named after it,
with the structure Moodle's test expects written as OpenQuizz's plain data (a fraction of
1 is 100 %, FORMAT_MOODLE is "moodle"...). Moodle reads one question with `readquestion`
and writes one with `writequestion`: here `parse` reads a file of that one question, and
`gift.write_question` writes one (its number standing for Moodle's question id).

The fixtures in `fixtures/moodle/` are Moodle's GIFT files, unchanged (GNU GPL v3 or later,
© Moodle contributors): `questions.gift.txt` (`question/format/gift/tests/fixtures/`,
commit cf29c007d2535bb90d623d0fad76ee8075ced722), `questions_in_category.gift.txt` (same
folder, commit 04975560d10b517e76e53b7936ca13ed7f3218be), `simpletest_questions.gift.txt`
(the older `question/format/gift/simpletest/fixtures/questions.gift.txt`, commit
7f10fbbf5f9b16b2405d2a1e2dc88b9d7b0c863a) and `examples.gift.txt`
(`question/format/gift/examples.txt`, commit 45079d79642fefbd1bbbebf113cad49de3b98fde).
"""

from pathlib import Path

import pytest

from quizzes.formats import gift, parse
from quizzes.validation import clean_question

FIXTURES = Path(__file__).parent / "fixtures" / "moodle"


def read(text, **options):
    """The questions of a GIFT text, as OpenQuizz imports them."""
    return parse(text, format="gift", **options).quizzes[0]["questions"]


def read_one(text):
    (question,) = read(text)
    return question


def written(data, number=666):
    """One question written as Moodle's writequestion does (`data` is cleaned first)."""
    return gift.write_question(clean_question(data), number)


def expect(question, **fields):
    """Moodle's question_check_specified_fields_expectation: the fields named match."""
    assert {name: question[name] for name in fields} == fields


def rows(question, *names):
    return [{name: answer[name] for name in names} for answer in question["answers"]]


def fixture(name):
    return (FIXTURES / name).read_bytes()


def choice(text, fraction, feedback, text_format="moodle", feedback_format="moodle"):
    """A multiple-choice answer as Moodle's tests state it (answer, fraction, feedback)."""
    return {
        "text": text,
        "text_format": text_format,
        "fraction": fraction,
        "feedback": feedback,
        "feedback_format": feedback_format,
    }


CHOICE_FIELDS = ("text", "text_format", "fraction", "feedback", "feedback_format")
# What Moodle's defaultquestion() gives every question it reads.
DEFAULTS = {"general_feedback": "", "points": 1.0, "penalty": 0.3333333}
# What Moodle's GIFT import gives an essay.
ESSAY = {
    "type": "essay",
    "response_format": "editor",
    "response_field_lines": 15,
    "attachments": 0,
    "grader_info": "",
    "grader_info_format": "html",
}
COLOURS = "What's between orange and green in the spectrum?"
# Moodle's "Moodle activities" matching question: (stem, its format, its match).
ACTIVITIES = [
    ("An activity supporting asynchronous discussions.", "html", "Forum"),
    ("A teacher asks a question and specifies a choice of multiple responses.", "moodle", "Choice"),
    ("A bank of record entries which participants can add to.", "plain", "Database"),
    ("A collection of web pages that anyone can add to or edit.", "markdown", "Wiki"),
]


# -- import ---------------------------------------------------------------------
def test_import_essay():
    question = read_one("\n// essay\n::Q8:: How are you? {}")
    expect(
        question,
        name="Q8",
        text="How are you?",
        text_format="moodle",
        general_feedback_format="moodle",
        **DEFAULTS,
        **ESSAY,
    )


def test_import_match():
    question = read_one(
        "\n// question: 2  name: Moodle activities\n"
        "::Moodle activities::[html]Match the <b>activity</b> to the description.{\n"
        + "".join(f"    =[{fmt}]{stem} -> {match}\n" for stem, fmt, match in ACTIVITIES)
        + "    = -> Chat\n}"
    )
    expect(
        question,
        name="Moodle activities",
        text="Match the <b>activity</b> to the description.",
        text_format="html",
        general_feedback_format="html",
        type="matching",
        shuffle_answers=True,
        correct_feedback="",
        correct_feedback_format="html",
        partially_correct_feedback="",
        partially_correct_feedback_format="html",
        incorrect_feedback="",
        incorrect_feedback_format="html",
        **DEFAULTS,
    )
    assert rows(question, "text", "text_format", "match") == [
        *({"text": stem, "text_format": fmt, "match": match} for stem, fmt, match in ACTIVITIES),
        {"text": "", "text_format": "html", "match": "Chat"},
    ]


MULTICHOICE = (
    "\n// multiple choice with specified feedback for right and wrong answers\n"
    "::Q2:: What's between orange and green in the spectrum?\n{\n"
    "    =yellow # right; good!\n"
    "    ~red # [html]wrong, it's yellow\n"
    "    ~[plain]blue # wrong, it's yellow\n}"
)


@pytest.mark.parametrize("numbering", ["abc", "ABCD", "123", "iii", "IIII", "none"])
def test_import_multichoice(numbering):
    # Moodle's test sets the site's default numbering first; OpenQuizz has no such
    # setting: GIFT imports take Moodle's default, "abc", and each style is a valid one.
    question = read_one(MULTICHOICE)
    expect(
        question,
        name="Q2",
        text=COLOURS,
        text_format="moodle",
        general_feedback_format="moodle",
        type="multichoice",
        single=True,
        shuffle_answers=True,
        answer_numbering="abc",
        correct_feedback="",
        correct_feedback_format="moodle",
        partially_correct_feedback="",
        partially_correct_feedback_format="moodle",
        incorrect_feedback="",
        incorrect_feedback_format="moodle",
        **DEFAULTS,
    )
    assert rows(question, *CHOICE_FIELDS) == [
        choice("yellow", 100, "right; good!"),
        choice("red", 0, "wrong, it's yellow", feedback_format="html"),
        choice("blue", 0, "wrong, it's yellow", text_format="plain"),
    ]
    assert clean_question({**question, "answer_numbering": numbering})["answer_numbering"] == (
        numbering
    )


def test_import_multichoice_multi():
    question = read_one(
        "\n// multiple choice, multiple response with specified feedback for right and "
        "wrong answers\n::colours:: What's between orange and green in the spectrum?\n{\n"
        "    ~%50%yellow # right; good!\n"
        "    ~%-100%red # [html]wrong\n"
        "    ~%50%off-beige # right; good!\n"
        "    ~%-100%[plain]blue # wrong\n}"
    )
    expect(
        question,
        name="colours",
        text=COLOURS,
        text_format="moodle",
        type="multichoice",
        single=False,
        shuffle_answers=True,
        answer_numbering="abc",
        correct_feedback_format="moodle",
        **DEFAULTS,
    )
    assert rows(question, *CHOICE_FIELDS) == [
        choice("yellow", 50, "right; good!"),
        choice("red", -100, "wrong", feedback_format="html"),
        choice("off-beige", 50, "right; good!"),
        choice("blue", -100, "wrong", text_format="plain"),
    ]


def test_import_multichoice_multi_tricky():
    question = read_one(
        "\n// multiple choice, multiple response with specified feedback for right and "
        "wrong answers\n::colours:: What's between orange and green in the spectrum?\n{\n"
        "    ~%100%yellow # right; good!\n"
        "    ~%-50%red # wrong\n"
        "    ~%-50%blue # wrong\n}"
    )
    expect(question, name="colours", type="multichoice", single=False, answer_numbering="abc")
    assert rows(question, *CHOICE_FIELDS) == [
        choice("yellow", 100, "right; good!"),
        choice("red", -50, "wrong"),
        choice("blue", -50, "wrong"),
    ]


def test_import_numerical():
    question = read_one(
        "\n// math range question\n::Q5:: What is a number from 1 to 5? {#3:2~#Completely wrong}"
    )
    expect(
        question,
        name="Q5",
        text="What is a number from 1 to 5?",
        text_format="moodle",
        general_feedback="",
        general_feedback_format="moodle",
        type="numerical",
        points=1.0,
        penalty=0.3333333,
    )
    # Moodle's answers "3" and "*" (tolerances 2 and ''): "*" is the catch-all answer.
    assert rows(question, "text", "value", "tolerance", "fraction", "feedback") == [
        {"text": "", "value": 3, "tolerance": 2, "fraction": 100, "feedback": ""},
        {"text": "*", "value": None, "tolerance": 0, "fraction": 0, "feedback": "Completely wrong"},
    ]
    assert [answer["feedback_format"] for answer in question["answers"]] == ["moodle", "moodle"]


SHORTANSWER = (
    "\n// question: 666  name: Shortanswer\n::Shortanswer::Which is the best animal?{\n"
    "    =Frog#Good!\n"
    "    =%50%Cat#What is it with Moodlers and cats?\n"
    "    =%0%*#Completely wrong\n"
)
SHORTANSWER_ANSWERS = [
    {"text": "Frog", "fraction": 100, "feedback": "Good!", "feedback_format": "moodle"},
    {
        "text": "Cat",
        "fraction": 50,
        "feedback": "What is it with Moodlers and cats?",
        "feedback_format": "moodle",
    },
    {"text": "*", "fraction": 0, "feedback": "Completely wrong", "feedback_format": "moodle"},
]


def test_import_shortanswer():
    question = read_one(SHORTANSWER + "}")
    expect(
        question,
        name="Shortanswer",
        text="Which is the best animal?",
        text_format="moodle",
        general_feedback="",
        general_feedback_format="moodle",
        type="shortanswer",
        points=1.0,
        penalty=0.3333333,
    )
    assert rows(question, "text", "fraction", "feedback", "feedback_format") == (
        SHORTANSWER_ANSWERS
    )


def test_import_shortanswer_with_general_feedback():
    question = read_one(SHORTANSWER + "    ####[html]Here is some general feedback!\n}")
    expect(
        question,
        name="Shortanswer",
        text="Which is the best animal?",
        text_format="moodle",
        general_feedback="Here is some general feedback!",
        general_feedback_format="html",
        type="shortanswer",
        penalty=0.3333333,
    )
    assert rows(question, "text", "fraction", "feedback", "feedback_format") == (
        SHORTANSWER_ANSWERS
    )


def truefalse(question):
    """Moodle's correctanswer, feedbacktrue and feedbackfalse of a true/false question."""
    true, false = question["answers"]
    assert (true["text"], false["text"]) == ("true", "false")
    return {
        "correct": true["fraction"] == 100,
        "feedback_true": (true["feedback"], true["feedback_format"]),
        "feedback_false": (false["feedback"], false["feedback_format"]),
    }


def test_import_truefalse():
    question = read_one(
        "\n// true/false\n::Q1:: 42 is the Absolute Answer to everything.{\n"
        "FALSE#42 is the Ultimate Answer.#You gave the right answer.}"
    )
    expect(
        question,
        name="Q1",
        text="42 is the Absolute Answer to everything.",
        text_format="moodle",
        general_feedback="",
        general_feedback_format="moodle",
        type="truefalse",
        points=1.0,
        penalty=1.0,
    )
    assert truefalse(question) == {
        "correct": False,
        "feedback_true": ("42 is the Ultimate Answer.", "moodle"),
        "feedback_false": ("You gave the right answer.", "moodle"),
    }


@pytest.mark.parametrize("word", ["T", "TRUE"], ids=["answer1", "answer2"])
def test_import_truefalse_true_answer(word):
    question = read_one(f"// name 0-11\n::2-08 TSL::TSL is blablabla.{{{word}}}")
    expect(
        question,
        name="2-08 TSL",
        text="TSL is blablabla.",
        text_format="moodle",
        general_feedback="",
        type="truefalse",
        penalty=1.0,
    )
    assert truefalse(question) == {
        "correct": True,
        "feedback_true": ("", "moodle"),
        "feedback_false": ("", "moodle"),
    }


def test_import_backslash():
    question = read_one("\n// essay\n::double backslash:: A \\\\ B \\\\\\\\ C{}")
    expect(
        question,
        name="double backslash",
        text="A \\ B \\\\ C",
        text_format="moodle",
        type="essay",
        response_format="editor",
        grader_info_format="html",
    )


def test_import_pre_content():
    question = read_one(
        "\n::Q001::[html]<p>What would running the test method print?</p>\n"
        "<pre>\n"
        "    public void test() \\{\n"
        "        method1();\n"
        "        method2();\n"
        "        method3();\n"
        "    \\}\n"
        "</pre>\n"
        "{}"
    )
    expect(
        question,
        name="Q001",
        text="<p>What would running the test method print?</p>\n"
        "<pre>\n"
        "    public void test() {\n"
        "        method1();\n"
        "        method2();\n"
        "        method3();\n"
        "    }\n"
        "</pre>",
        text_format="html",
        general_feedback_format="html",
        type="essay",
        penalty=0.3333333,
        response_format="editor",
        response_field_lines=15,
        attachments=0,
        grader_info="",
        grader_info_format="html",
    )


def test_import_question_with_tags():
    question = read_one(
        "\n// This question is to test importing tags: [tag:tag] [tag:other-tag].\n"
        "// And an idnumber: [id:myid].\n"
        "::Question name:: How are you? {}"
    )
    expect(
        question,
        name="Question name",
        text="How are you?",
        type="essay",
        tags=["tag", "other-tag"],
        idnumber="myid",
    )


@pytest.mark.parametrize(
    ("idnumber", "tags", "comment"),
    [
        pytest.param("", [], "", id="blank comment"),
        pytest.param("", [], "// A basic comment.", id="nothing in comment"),
        pytest.param("frog", [], "// A comment with [id:frog] <-- an idnumber.", id="idnumber"),
        pytest.param("", ["frog", "toad"], "// Look tags: [tag:frog] [tag:toad].", id="tags"),
        pytest.param("four", ["add", "basic"], "// [tag:add] [tag:basic] [id:four]", id="all"),
        pytest.param(
            "four",
            ["basic", "add"],
            "// [tag:  basic] Here is  \n// a [id:   four   ] que[tag:add   ]stion.",
            id="everything mixed up",
        ),
        pytest.param("", [], "// Ceci n\\'est pas une [tag:\n\\ frog].", id="split over line"),
        pytest.param("i]d", [], "// [id:i\\]d].", id="escape ] idnumber"),
        pytest.param("", ["t]ag"], "// [tag:t\\]ag].", id="escape ] tag"),
    ],
)
def test_extract_idnumber_and_tags_from_comment(idnumber, tags, comment):
    assert gift.idnumber_and_tags(comment) == (idnumber, tags)
    # And as read from a file, where the comment belongs to the question after it.
    question = read_one(f"{comment}\n::Q::How are you? {{}}" if comment else "::Q::Hi {}")
    assert (question["idnumber"], question["tags"]) == (idnumber, tags)


# -- export ---------------------------------------------------------------------
def test_export_essay():
    data = {
        "type": "essay",
        "name": "Q8",
        "text": "How are you?",
        "text_format": "moodle",
        "general_feedback": "",
        "penalty": 0.3333333,
        "response_format": "editor",
        "response_field_lines": 15,
        "attachments": 0,
        "grader_info": "",
        "grader_info_format": "html",
    }
    assert written(data) == "// question: 666  name: Q8\n::Q8::How are you?{}\n\n"


def test_export_match():
    data = {
        "type": "matching",
        "name": "Moodle activities",
        "text": "Match the <b>activity</b> to the description.",
        "text_format": "html",
        "general_feedback": "",
        "shuffle_answers": True,
        "answers": [
            {
                "text": f'<div class="frog">{ACTIVITIES[0][0]}</div>',
                "text_format": "html",
                "match": "Forum",
            },
            *(
                {"text": stem, "text_format": fmt, "match": match}
                for stem, fmt, match in ACTIVITIES[1:]
            ),
            {"text": "", "text_format": "markdown", "match": "Chat"},
        ],
    }
    assert written(data) == (
        "// question: 666  name: Moodle activities\n"
        "::Moodle activities::[html]Match the <b>activity</b> to the description.{\n"
        f'\t=<div class\\="frog">{ACTIVITIES[0][0]}</div> -> Forum\n'
        + "".join(f"\t=[{fmt}]{stem} -> {match}\n" for stem, fmt, match in ACTIVITIES[1:])
        + "\t= -> Chat\n"
        "}\n\n"
    )


def multichoice(single, answers):
    return {
        "type": "multichoice",
        "name": "Q8",
        "text": "What's between orange and green in the spectrum?",
        "text_format": "moodle",
        "general_feedback": "",
        "single": single,
        "shuffle_answers": True,
        "answer_numbering": "abc",
        "answers": answers,
    }


def test_export_multichoice():
    data = multichoice(
        True,
        [
            choice("yellow", 100, "right; good!"),
            choice("red", 0, "wrong, it's yellow", feedback_format="html"),
            choice("blue", 0, "wrong, it's yellow", text_format="plain"),
        ],
    )
    assert written(data) == (
        "// question: 666  name: Q8\n"
        "::Q8::What's between orange and green in the spectrum?{\n"
        "\t=yellow#right; good!\n"
        "\t~red#[html]wrong, it's yellow\n"
        "\t~[plain]blue#wrong, it's yellow\n"
        "}\n\n"
    )


def test_export_multichoice_multi_tricky():
    data = multichoice(
        False,
        [
            choice("yellow", 100, "right; good!"),
            choice("red", -50, "wrong, it's yellow"),
            choice("blue", -50, "wrong, it's yellow"),
        ],
    )
    assert written(data) == (
        "// question: 666  name: Q8\n"
        "::Q8::What's between orange and green in the spectrum?{\n"
        "\t~%100%yellow#right; good!\n"
        "\t~%-50%red#wrong, it's yellow\n"
        "\t~%-50%blue#wrong, it's yellow\n"
        "}\n\n"
    )


def test_export_numerical():
    data = {
        "type": "numerical",
        "name": "Q5",
        "text": "What is a number from 1 to 5?",
        "text_format": "moodle",
        "general_feedback": "",
        "penalty": 1,
        "answers": [
            {"value": 3, "tolerance": 2, "fraction": 100, "feedback": ""},
            {"text": "*", "tolerance": 0, "fraction": 0, "feedback": "Completely wrong"},
        ],
    }
    assert written(data) == (
        "// question: 666  name: Q5\n"
        "::Q5::What is a number from 1 to 5?{#\n"
        "\t=%100%3:2#\n"
        "\t~#Completely wrong\n"
        "}\n\n"
    )


def shortanswer(general_feedback="", general_feedback_format="moodle"):
    return {
        "type": "shortanswer",
        "name": "Shortanswer",
        "text": "Which is the best animal?",
        "text_format": "moodle",
        "general_feedback": general_feedback,
        "general_feedback_format": general_feedback_format,
        "penalty": 1,
        "case_sensitive": True,
        "answers": [
            {"text": "Frog", "fraction": 100, "feedback": "Good!"},
            {"text": "Cat", "fraction": 50, "feedback": "What is it with Moodlers and cats?"},
            {"text": "*", "fraction": 0, "feedback": "Completely wrong"},
        ],
    }


SHORTANSWER_GIFT = (
    "// question: 666  name: Shortanswer\n"
    "::Shortanswer::Which is the best animal?{\n"
    "\t=%100%Frog#Good!\n"
    "\t=%50%Cat#What is it with Moodlers and cats?\n"
    "\t=%0%*#Completely wrong\n"
)


def test_export_shortanswer():
    assert written(shortanswer()) == SHORTANSWER_GIFT + "}\n\n"


def test_export_shortanswer_with_general_feedback():
    data = shortanswer("Here is some general feedback!", "html")
    assert written(data) == (SHORTANSWER_GIFT + "\t####[html]Here is some general feedback!\n}\n\n")


def truefalse_data(**fields):
    return {
        "type": "truefalse",
        "name": "Q1",
        "text": "42 is the Absolute Answer to everything.",
        "text_format": "moodle",
        "general_feedback": "",
        "penalty": 1,
        "answers": [
            {"text": "true", "fraction": 100, "feedback": "You gave the right answer."},
            {
                "text": "false",
                "fraction": 0,
                "feedback": "42 is the Ultimate Answer.",
                "feedback_format": "html",
            },
        ],
        **fields,
    }


def test_export_truefalse():
    assert written(truefalse_data()) == (
        "// question: 666  name: Q1\n"
        "::Q1::42 is the Absolute Answer to everything.{TRUE#[html]42 is the Ultimate Answer."
        "#You gave the right answer.}\n\n"
    )


def test_export_backslash():
    data = {
        "type": "essay",
        "name": "backslash",
        "text": "A \\ B \\\\ C",
        "text_format": "moodle",
        "general_feedback": "",
    }
    assert written(data) == (
        "// question: 666  name: backslash\n::backslash::A \\\\ B \\\\\\\\ C{}\n\n"
    )


def test_export_question_with_tags_and_idnumber():
    # Moodle's test makes its generator's true/false question: an HTML text, feedback
    # on both answers, a general feedback, the ID number "myid" and two tags.
    data = {
        "type": "truefalse",
        "name": "True/false question",
        "text": "The answer is true.",
        "text_format": "html",
        "general_feedback": "You should have selected true.",
        "idnumber": "myid",
        "tags": ["tag1", "tag2"],
        "answers": [
            {"text": "true", "fraction": 100, "feedback": "This is the right answer."},
            {"text": "false", "fraction": 0, "feedback": "This is the wrong answer."},
        ],
    }
    assert written(data, 42) == (
        "// question: 42  name: True/false question\n"
        "// [id:myid] [tag:tag1] [tag:tag2]\n"
        "::True/false question::[html]The answer is true.{TRUE#This is the wrong answer."
        "#This is the right answer.####You should have selected true.}\n\n"
    )


# -- Moodle's fixtures ------------------------------------------------------------
@pytest.mark.parametrize("name", ["questions.gift.txt", "simpletest_questions.gift.txt"])
def test_fixture_questions_imports_nine_questions_as_moodle(name):
    # Moodle's behat import: "Importing 9 questions from file", "colours" among them.
    result = parse(fixture(name), filename=name)
    questions = result.quizzes[0]["questions"]
    assert [question["type"] for question in questions] == [
        "essay", "matching", "multichoice", "multichoice", "numerical", "shortanswer",
        "truefalse", "truefalse", "truefalse",
    ]  # fmt: skip
    assert "colours" in [question["name"] for question in questions]
    assert (result.warnings, dict(result.skipped), result.categories) == ([], {}, {})
    # The stray `";` after two answer blocks makes them missing-word questions, as in Moodle.
    assert questions[4]["text"] == 'What is a number from 1 to 5? _____";'
    assert questions[6]["text"] == '42 is the Absolute Answer to everything._____";'
    if name == "questions.gift.txt":
        assert questions[6]["general_feedback"] == (
            "This is, of course, a Hitchiker's Guide to the Galaxy reference."
        )


@pytest.mark.parametrize(
    "name",
    [
        "questions.gift.txt",
        "simpletest_questions.gift.txt",
        "questions_in_category.gift.txt",
        "examples.gift.txt",
    ],
)
def test_fixture_survives_export_and_import(name):
    result = parse(fixture(name), filename=name)
    exported = gift.write(result.quizzes)
    again = parse(exported, filename=name)
    assert again.quizzes == result.quizzes
    assert again.categories == result.categories
    assert gift.write(again.quizzes) == exported


def test_fixture_questions_in_category():
    result = parse(fixture("questions_in_category.gift.txt"), filename="in category.gift.txt")
    (quiz,) = result.quizzes
    assert result.categories == {
        ("Default for New Features",): {
            "description": "",
            "description_format": "moodle",
            "idnumber": "",
        }
    }
    assert quiz["title"] == "in category"
    by_name = {question["name"]: question for question in quiz["questions"]}
    assert list(by_name) == ["Moodle activities", "Greeting", "Moodle user", "Moodle acronym"]
    assert {question["category"] for question in quiz["questions"]} == {
        ("Default for New Features",)
    }
    assert by_name["Greeting"]["text"] == (
        '<a href="http://demo.moodle.net/file.php/5/media/bonjour.mp3">Listen to this '
        "greeting:</a><br /><br />What language is being spoken?"
    )
    assert rows(by_name["Moodle user"], "text", "fraction", "feedback") == [
        {"text": "Moodler", "fraction": 100, "feedback": ""}
    ]
    assert by_name["Moodle acronym"]["text"] == (
        'Moodle is an acronym for <span style="font-style: italic;">Modular Object-Oriented '
        "Dynamic Learning Environment</span>."
    )
    exported = gift.write(result.quizzes).decode()
    assert (
        "// question: 0  name: Switch category to $course$/top/Default for New Features\n"
        "$CATEGORY: $course$/top/Default for New Features\n\n"
    ) in exported


def test_fixture_examples():
    result = parse(fixture("examples.gift.txt"), filename="examples.txt")
    questions = result.quizzes[0]["questions"]
    assert len(questions) == 43
    assert result.skipped_count == 0
    by_text = {question["text"]: question for question in questions}
    control = by_text[
        "Which of the following is NOT a control character for the GIFT import format?"
    ]
    assert rows(control, "text", "fraction")[:3] == [
        {"text": "~", "fraction": 0},
        {"text": "=", "fraction": 0},
        {"text": "#", "fraction": 0},
    ]
    assert control["answers"][-1]["text"] == "\\"
    assert control["answers"][-1]["feedback"].startswith(
        "Correct! \\ (backslash) is not a control character. BUT,\n"
        "              it is used"  # lines kept as written, as Moodle keeps them
    )
    pi = by_text["What is the value of pi (to 3 decimal places)? _____."]
    assert rows(pi, "value", "tolerance") == [{"value": 3.1415, "tolerance": 0.0005}]
    markdown = by_text["Who's buried in **Grant's tomb**?"]
    assert markdown["text_format"] == "markdown"
    assert result.warnings == []
