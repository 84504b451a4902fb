"""Moodle GIFT: every construct of the format, read as Moodle reads it, and written back."""

import pytest

from quizzes.formats import FormatError, gift, parse, write
from quizzes.tests.fixtures.samples import every_type_quiz, fixture


def questions(text, **options):
    result = parse(text, format="gift", **options)
    return result.quizzes[0]["questions"]


def only(text, **options):
    (question,) = questions(text, **options)
    return question


def answers(question, *fields):
    return [tuple(answer[field] for field in fields) for answer in question["answers"]]


def error_of(text, **options):
    with pytest.raises(FormatError) as caught:
        parse(text, format="gift", **options)
    return caught.value


# -- names and texts ----------------------------------------------------------
def test_title_between_double_colons_is_the_name():
    question = only("::Kanji origins::Japanese characters came from? {=China ~India}")
    assert question["name"] == "Kanji origins"
    assert question["text"] == "Japanese characters came from?"


def test_without_a_title_the_name_is_the_start_of_the_text():
    long_text = "Word " * 30
    question = only(f"{long_text}{{=a ~b}}")
    assert question["name"].endswith("...")
    assert len(question["name"]) <= 80
    assert only("Who is buried in Grant's tomb?{~Grant =no one}")["name"] == (
        "Who is buried in Grant's tomb?"
    )


def test_text_after_the_answers_makes_a_missing_word_question():
    question = only("Grant is {~buried =entombed ~living} in Grant's tomb.")
    assert question["text"] == "Grant is _____ in Grant's tomb."
    assert answers(question, "text", "fraction") == [
        ("buried", 0), ("entombed", 100), ("living", 0),
    ]  # fmt: skip


# -- multiple choice ----------------------------------------------------------
def test_multichoice_with_one_right_answer():
    question = only("Who's buried in Grant's tomb?{~Grant ~Jefferson =no one}")
    assert question["type"] == "multichoice"
    assert question["single"] is True
    assert answers(question, "text", "fraction") == [
        ("Grant", 0), ("Jefferson", 0), ("no one", 100),
    ]  # fmt: skip


def test_multichoice_with_several_right_answers_and_negative_weights():
    question = only(
        "What two people are entombed in Grant's tomb? {\n"
        "    ~%-50%No one\n    ~%50%Grant\n    ~%50%Grant's wife\n    ~%-50%Grant's father }"
    )
    assert question["single"] is False
    assert answers(question, "text", "fraction") == [
        ("No one", -50), ("Grant", 50), ("Grant's wife", 50), ("Grant's father", -50),
    ]  # fmt: skip


def test_decimal_weights_as_moodle_exports_them():
    question = only("Pick the primes {~%33.33333%2 ~%33.33333%3 ~%33.33333%5 ~%-100%4}")
    assert [answer["fraction"] for answer in question["answers"]] == [
        33.33333,
        33.33333,
        33.33333,
        -100,
    ]


def test_per_answer_feedback():
    question = only(
        "What's the answer?{\n~wrong answer#feedback on the wrong answer\n"
        "~%50%half credit # half\n=right answer#Very good!}"
    )
    assert answers(question, "text", "fraction", "feedback") == [
        ("wrong answer", 0, "feedback on the wrong answer"),
        ("half credit", 50, "half"),
        ("right answer", 100, "Very good!"),
    ]


def test_general_feedback_after_four_hashes():
    question = only("Capital of Italy?{=Rome#Yes ~Milan####Rome has been the capital since 1871.}")
    assert question["general_feedback"] == "Rome has been the capital since 1871."
    assert answers(question, "text", "feedback") == [("Rome", "Yes"), ("Milan", "")]


# -- true/false ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("word", "correct"), [("T", "true"), ("TRUE", "true"), ("F", "false"), ("FALSE", "false")]
)
def test_truefalse_words(word, correct):
    question = only(f"The sun rises in the east.{{{word}}}")
    assert question["type"] == "truefalse"
    right = [answer["text"] for answer in question["answers"] if answer["fraction"] == 100]
    assert right == [correct]


def test_truefalse_feedbacks_wrong_then_right():
    question = only(
        "42 is the answer.{FALSE#42 is the Ultimate Answer.#You gave the right answer.}"
    )
    assert answers(question, "text", "fraction", "feedback") == [
        ("true", 0, "42 is the Ultimate Answer."),
        ("false", 100, "You gave the right answer."),
    ]
    question = only("Water is wet.{T#Think again.#Indeed.####Mostly.}")
    assert answers(question, "text", "fraction", "feedback") == [
        ("true", 100, "Indeed."),
        ("false", 0, "Think again."),
    ]
    assert question["general_feedback"] == "Mostly."


# -- short answer -------------------------------------------------------------
def test_shortanswer_several_weighted_answers_and_wildcard():
    question = only(
        "::Jesus' hometown:: Jesus Christ was from {\n"
        "    =Nazareth#Yes! That's right!\n    =%75%Nazereth#Right, but misspelled.\n"
        "    =%25%Beth*#He was born here.}."
    )
    assert question["type"] == "shortanswer"
    assert question["case_sensitive"] is False
    assert answers(question, "text", "fraction", "feedback") == [
        ("Nazareth", 100, "Yes! That's right!"),
        ("Nazereth", 75, "Right, but misspelled."),
        ("Beth*", 25, "He was born here."),
    ]


def test_shortanswer_catch_all_wildcard_at_zero():
    question = only("Best animal?{=Frog#Good! =%0%*#Completely wrong}")
    assert answers(question, "text", "fraction") == [("Frog", 100), ("*", 0)]


# -- numerical ----------------------------------------------------------------
def test_numerical_value_and_tolerance():
    question = only("What is pi to 3 decimals? {#3.1415:0.0005}")
    assert question["type"] == "numerical"
    assert answers(question, "value", "tolerance", "fraction") == [(3.1415, 0.0005, 100)]


def test_numerical_range_is_midpoint_and_half_width():
    question = only("What is pi to 3 decimals? {#3.141..3.142}")
    assert answers(question, "value", "tolerance") == [(3.1415, 0.0005)]


def test_numerical_exact_value():
    assert answers(only("When was Grant born? {#1822}"), "value", "tolerance") == [(1822, 0)]


def test_numerical_several_weighted_answers_with_feedback():
    question = only(
        "When was Ulysses S. Grant born? {#\n     =1822:0      #Correct!\n"
        "     =%50%1822:2  #He was born in 1822.\n}"
    )
    assert answers(question, "value", "tolerance", "fraction", "feedback") == [
        (1822, 0, 100, "Correct!"),
        (1822, 2, 50, "He was born in 1822."),
    ]


def test_numerical_feedback_for_any_other_number_is_moodles_catch_all_answer():
    result = parse("Number from 1 to 5? {#3:2~#Completely wrong}", format="gift")
    question = result.quizzes[0]["questions"][0]
    assert answers(question, "text", "value", "tolerance", "fraction", "feedback") == [
        ("", 3, 2, 100, ""),
        ("*", None, 0, 0, "Completely wrong"),
    ]
    assert result.warnings == []


# -- matching and essay -------------------------------------------------------
def test_matching_pairs_and_a_distractor():
    question = only(
        "Match the countries with their capitals. {\n    =Canada -> Ottawa\n"
        "    =Italy  -> Rome\n    =Japan->Tokyo\n    = -> Berlin\n    }"
    )
    assert question["type"] == "matching"
    assert answers(question, "text", "match") == [
        ("Canada", "Ottawa"), ("Italy", "Rome"), ("Japan", "Tokyo"), ("", "Berlin"),
    ]  # fmt: skip


def test_essay_has_empty_braces():
    question = only("::Q8:: How are you? {}")
    assert (question["type"], question["name"], question["answers"]) == ("essay", "Q8", [])
    assert only("Discuss.{####A model answer.}")["general_feedback"] == "A model answer."


# -- categories, formats, escapes, comments, encodings ------------------------
def test_categories_are_each_questions_and_the_last_names_the_quiz():
    text = (
        "// question: 0  name: Switch category to $course$/top/Default for Maths\n"
        "$CATEGORY: $course$/top/Default for Maths/Algebra\n\n"
        "1 + 1 {=2 ~3}\n\n$CATEGORY: $course$/top/Geometry\n\nSides of a square? {#4}\n"
    )
    result = parse(text, format="gift")
    quiz = result.quizzes[0]
    assert quiz["tags"] == []
    assert [question["category"] for question in quiz["questions"]] == [
        ("Default for Maths", "Algebra"),
        ("Geometry",),
    ]
    blank = {"description": "", "description_format": "moodle", "idnumber": ""}
    assert result.categories == {
        ("Default for Maths",): blank,
        ("Default for Maths", "Algebra"): blank,
        ("Geometry",): blank,
    }
    assert list(result.categories) == [
        ("Default for Maths",), ("Default for Maths", "Algebra"), ("Geometry",),
    ]  # fmt: skip
    assert quiz["title"] == "Geometry"
    assert parse(text, format="gift", filename="chapter 3.gift").quizzes[0]["title"] == "chapter 3"
    assert len(quiz["questions"]) == 2


def test_category_on_the_line_before_a_question():
    quiz = parse("$CATEGORY: Revision\n::Q::1 + 1 {=2 ~3}", format="gift").quizzes[0]
    assert quiz["questions"][0]["category"] == ("Revision",)
    assert quiz["questions"][0]["name"] == "Q"


@pytest.mark.parametrize("text_format", ["html", "moodle", "plain", "markdown"])
def test_text_format_markers(text_format):
    question = only(f"::Q::[{text_format}]Is **this** <b>bold</b>?{{T}}")
    assert question["text_format"] == text_format
    assert question["text"] == "Is **this** <b>bold</b>?"


def test_default_text_format_is_moodle_and_unknown_markers_are_text():
    assert only("Plain question {T}")["text_format"] == "moodle"
    assert only("[a, b] is a list {T}")["text"] == "[a, b] is a list"


def test_answers_and_feedback_keep_their_own_format():
    question = only("Colour? {=yellow # right ~red # [html]wrong, <b>it's</b> yellow}")
    assert answers(question, "feedback", "feedback_format")[1] == (
        "wrong, <b>it's</b> yellow",
        "html",
    )
    question = only("[html]Colour? {=[plain]a < b # [moodle]x & y ~c}")
    assert answers(question, "text", "text_format", "feedback", "feedback_format") == [
        ("a < b", "plain", "x & y", "moodle"),
        ("c", "html", "", "html"),
    ]


def test_escaped_control_characters_and_new_lines():
    question = only(
        "::GIFT\\: control characters::Which is not special\\: \\{ \\}? {\n"
        "   ~ \\~     # \\~ is special.\n   ~ \\=  # \\= is special.\n   ~ \\#     # \\# too.\n"
        "   = \\\\     # Right\\nbackslash escapes the others.\n}"
    )
    assert question["name"] == "GIFT: control characters"
    assert question["text"] == "Which is not special: { }?"
    assert answers(question, "text", "feedback") == [
        ("~", "~ is special."),
        ("=", "= is special."),
        ("#", "# too."),
        ("\\", "Right\nbackslash escapes the others."),
    ]


def test_comment_lines_are_ignored_but_not_urls():
    quiz = parse(
        "// A comment\n// Another\n::Link::See http://example.org {\n// inside\n=yes ~no}\n\n"
        "// only comments here\n// and here\n",
        format="gift",
    ).quizzes[0]
    (question,) = quiz["questions"]
    assert question["text"] == "See http://example.org"
    assert answers(question, "text") == [("yes",), ("no",)]


def test_windows_line_endings_and_utf8_bom():
    data = "\ufeff// Quiz\r\n::Q1::Café?{=oui ~non}\r\n\r\n::Q2::Thé?{T}\r\n".encode()
    result = parse(data, filename="bank.txt")
    assert result.format == "gift"
    assert [q["name"] for q in result.quizzes[0]["questions"]] == ["Q1", "Q2"]
    assert result.quizzes[0]["questions"][0]["text"] == "Café?"


def test_a_block_without_answers_is_a_description_as_in_moodle():
    text = "Welcome to the quiz.\n\n::Intro::[html]<b>Read</b> this.\n\n::Q::1 + 1 {=2 ~3}"
    result = parse(text, format="gift", strict=True)
    welcome, intro, question = result.quizzes[0]["questions"]
    assert (welcome["type"], welcome["name"], welcome["text"]) == (
        "description", "Welcome to the quiz.", "Welcome to the quiz.",
    )  # fmt: skip
    assert (intro["name"], intro["text"], intro["text_format"]) == (
        "Intro", "<b>Read</b> this.", "html",
    )  # fmt: skip
    assert (welcome["points"], welcome["answers"]) == (0.0, [])
    assert question["type"] == "multichoice"
    assert (result.warnings, dict(result.skipped)) == ([], {})


# -- errors -------------------------------------------------------------------
def test_unclosed_brace_names_its_line():
    error = error_of("::Q1::ok {=a ~b}\n\n::Q2::\nBroken\nquestion {=a\n~b\n\n::Q3::ok {T}")
    assert (error.line, error.question) == (5, 2)
    assert str(error).startswith("question 2 (line 5): “{” opens the answers but no “}”")


def test_closing_brace_without_opening_and_second_block():
    assert error_of("Q } {=a ~b}").line == 1
    # As Moodle: the first {...} is the answer block, the rest is text.
    result = parse("::Q::\nWhat is {=2 ~3}\nin {1, 2}?", format="gift")
    assert result.quizzes[0]["questions"][0]["text"] == "What is _____\nin {1, 2}?"
    (warning,) = result.warnings
    assert warning.startswith("question 1 (line 3): a second “{”")


@pytest.mark.parametrize("weight", ["%abc%", "%5O%", "%%", "%50,5%"])
def test_what_is_not_a_weight_is_text_as_in_moodle_with_a_note(weight):
    result = parse(f"::Q::Pick one {{\n=right\n~{weight}wrong\n}}", format="gift")
    question = result.quizzes[0]["questions"][0]
    assert answers(question, "text", "fraction")[1] == (f"{weight}wrong", 0)
    (note,) = result.notes
    assert (note.line, note.question) == (3, 1)
    assert weight in note.message


def test_weight_out_of_range_is_refused_by_validation():
    error = error_of("::Q::Pick {=right ~%150%wrong}")
    assert str(error) == (
        "question 1 (line 1): answers[1].fraction: Enter a grade from -100 to 100 %."
    )


def test_matching_pair_without_arrow():
    error = error_of("Match {\n=a -> 1\n=b -> 2\n=c 3\n}")
    assert error.line == 4
    assert "=question -> answer" in error.message


def test_numerical_that_is_not_a_number():
    error = error_of("\n\nYear? {#\n=1822:0\n=18x2:1}")
    assert (error.line, error.question) == (5, 1)
    assert "“18x2” is not a number" in error.message


def test_invalid_question_is_reported_with_its_number_and_line():
    error = error_of("::A::1 + 1 {=2 ~3}\n\n::B::\nPick one {~%150%a ~b}")
    assert str(error) == (
        "question 2 (line 3): answers[0].fraction: Enter a grade from -100 to 100 %."
    )


def test_grades_moodle_imports_are_imported_with_a_warning():
    result = parse("::A::1 + 1 {=2 ~3}\n\n::B::\nPick one {~a ~b}", format="gift")
    assert len(result.quizzes[0]["questions"]) == 2
    assert result.warnings == [
        "question 2 (line 3): The positive grades must add up to 100 % (they add up to 0 %). "
        "Imported as Moodle imports it."
    ]
    assert [(note.question, note.line) for note in result.notes] == [(2, 3)]


def test_file_that_is_not_utf8():
    error = error_of("::Q::ok {T}\n\n::R::caf\xe9 {T}".encode("latin-1"))
    assert error.line == 3
    assert "UTF-8" in error.message


def test_file_without_questions():
    assert "no question" in error_of("// nothing but comments\n").message


# -- a real Moodle export -----------------------------------------------------
def test_moodle_export_reads_as_in_moodle():
    result = parse(fixture("moodle4_biology.gift"), filename="moodle4_biology.gift")
    (quiz,) = result.quizzes
    assert list(result.categories) == [("Default for BIO101",), ("Default for BIO101", "Cells")]
    assert dict(result.types()) == {
        "multichoice": 2, "truefalse": 1, "shortanswer": 1, "numerical": 1, "matching": 1,
        "essay": 1, "description": 1,
    }  # fmt: skip
    by_name = {question["name"]: question for question in quiz["questions"]}
    power = by_name["Powerhouse of the cell"]
    assert power["text_format"] == "html"
    assert power["text"] == (
        '<p dir="ltr" style="text-align: left;">Which organelle produces most of the cell\'s '
        "<strong>ATP</strong>?</p>"
    )
    assert answers(power, "fraction", "feedback")[0] == (
        100, "<p>Right: the powerhouse of the cell.</p>",
    )  # fmt: skip
    assert power["general_feedback"] == "<p>Mitochondria make ATP by oxidative phosphorylation.</p>"
    assert answers(by_name["Plant cell walls"], "text", "fraction", "feedback") == [
        ("true", 100, "<p>Yes, cellulose.</p>"),
        ("false", 0, "<p>No: they do have one.</p>"),
    ]
    assert answers(by_name["Chromosomes"], "value", "tolerance", "fraction") == [
        (46, 0, 100), (23, 0.5, 50), (None, 0, 0),
    ]  # fmt: skip
    assert by_name["Membrane-bound organelles"]["single"] is False
    assert by_name["Welcome"]["type"] == "description"
    assert dict(result.skipped) == {}


# -- writing ------------------------------------------------------------------
def test_writer_output_reads_in_moodle_syntax():
    quiz = every_type_quiz()
    for question in quiz["questions"]:
        question["category"] = ("geography", "maths/numbers")
    content, content_type, extension = write(quiz, "gift")
    text = content.decode()
    assert (content_type, extension) == ("text/plain; charset=utf-8", ".gift")
    assert "$CATEGORY: $course$/top/geography/maths//numbers\n" in text
    assert "::Capital::[markdown]What is the **capital** of France?{\n" in text
    assert "\t=Paris#Yes\\: \\{Paris\\}.\n" in text
    assert "\t~Lyon#No \\= wrong \\# sorry\n" in text
    assert "\t####Paris is the capital.\\nSince 508.\n" in text
    assert (
        "::Sky::[html]<p>The sky is <b>green</b>.</p>{FALSE#Look up.#Right\\: it is blue." in text
    )
    assert "\t=%33.33333%3:0#\n" in text  # Moodle writes the "#" of an empty feedback
    assert "\t= -> Berlin\n" in text
    assert "a \\\\ backslash, a \\~ tilde, a\\: colon.{####Any honest answer.}" in text


def test_escape_and_protect_are_inverse():
    text = "a \\ b ~ c = d # e { f } g : h\nnew line"
    assert gift.restore(gift.protect(gift.escape(text))) == text


# -- Moodle's question bank: ID numbers, tags, categories ----------------------
def test_id_number_and_tags_are_read_from_the_comments_and_written_back():
    question = only(
        "// question: 3  name: Q\n// [id:Q-1] [tag:easy] [tag:a\\]b]\n::Q::1+1? {=2 ~3}"
    )
    assert (question["idnumber"], question["tags"]) == ("Q-1", ["easy", "a]b"])
    text = write({"title": "T", "questions": [question]}, "gift")[0].decode()
    assert "// question: 1  name: Q\n// [id:Q-1] [tag:easy] [tag:a\\]b]\n::Q::" in text


def test_tags_and_id_numbers_longer_than_openquizz_keeps_are_cut_with_a_note():
    tags = " ".join(f"[tag:t{number}]" for number in range(25))
    result = parse(f"// [id:{'i' * 120}] [tag:{'x' * 60}] {tags}\n::Q::1+1? {{=2 ~3}}", "gift")
    question = result.quizzes[0]["questions"][0]
    assert question["idnumber"] == "i" * 100
    assert question["tags"][0] == "x" * 50 and len(question["tags"]) == 20
    assert [note.question for note in result.notes] == [1, 1, 1]
    assert "at most 20 tags: t19, t20, t21, t22, t23, t24 left out" in result.warnings[2]


def test_a_categorys_id_number_and_description_go_out_and_back_as_comments():
    categories = {
        ("Maths",): {"description": "", "description_format": "moodle", "idnumber": ""},
        ("Maths", "Algebra"): {
            "description": "<b>Sets]</b>: {1, 2}\nand more",
            "description_format": "html",
            "idnumber": "ALG]1",
        },
    }
    question = only("::Q::1+1? {=2 ~3}")
    quiz = {"title": "T", "categories": categories, "questions": [
        {**question, "category": ("Maths", "Algebra")},
        {**question, "category": ()},
    ]}  # fmt: skip
    text = write(quiz, "gift")[0].decode()
    assert (
        "// question: 0  name: Switch category to $course$/top/Maths/Algebra\n"
        "// [id:ALG\\]1]\n"
        "// [info:[html\\]<b>Sets\\]</b>\\: \\{1, 2\\}\\nand more]\n"
        "$CATEGORY: $course$/top/Maths/Algebra\n\n"
    ) in text
    assert "$CATEGORY: $course$/top\n\n// question: 2  name: Q\n" in text
    result = parse(text, format="gift")
    assert result.categories == categories
    assert [q["category"] for q in result.quizzes[0]["questions"]] == [("Maths", "Algebra"), ()]


def test_moodle_contexts_and_top_are_not_categories():
    result = parse("$CATEGORY: $system$/top/A//B/C\n\n::Q::1+1? {=2 ~3}", format="gift")
    assert list(result.categories) == [("A/B",), ("A/B", "C")]
    assert result.quizzes[0]["questions"][0]["category"] == ("A/B", "C")
    result = parse("$CATEGORY: $course$/top\n\n::Q::1+1? {=2 ~3}", format="gift")
    assert (result.categories, result.quizzes[0]["questions"][0]["category"]) == ({}, ())


def test_lines_are_kept_as_written():
    question = only("::Q::[html]Code:\n<pre>\n    if x:\n        y()\n</pre>\n{}")
    assert question["text"] == "Code:\n<pre>\n    if x:\n        y()\n</pre>"
    text = write({"title": "T", "questions": [question]}, "gift")[0].decode()
    assert "::Q::[html]Code\\:\\n<pre>\\n    if x\\:\\n        y()\\n</pre>{}" in text
    assert only(text) == question


def test_the_import_report_lists_each_question_with_its_notes():
    result = parse(
        "::A::1 + 1 {=2 ~3}\n\n// [tag:" + "t" * 60 + "]\n::B::\nPick one {~a ~b}\n\n::C::x {T}",
        format="gift",
    )
    assert result.origins == [(1, 1), (2, 4), (3, 7)]
    report = result.report()
    assert [(question["name"], number, line) for question, number, line, _ in report] == [
        ("A", 1, 1), ("B", 2, 4), ("C", 3, 7),
    ]  # fmt: skip
    assert [len(notes) for *_rest, notes in report] == [0, 2, 0]
    assert len(result.warnings) == 2 and result.skipped_count == 0
