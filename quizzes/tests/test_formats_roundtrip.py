"""Export, import, export again: the same file, for each format; and format detection."""

import pytest

from quizzes.formats import FORMATS, FormatError, detect, parse, write
from quizzes.tests.fixtures.samples import as_written, every_type_quiz, fixture


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_export_import_export_is_identical(name):
    first, _content_type, extension = write(as_written(every_type_quiz(), name), name)
    result = parse(first, format=name, filename=f"Every type{extension}")
    assert result.warnings == []
    second = write(result.quizzes, name)[0]
    assert second == first


@pytest.mark.parametrize("name", ["gift", "moodlexml"])
def test_moodle_formats_carry_the_questions_and_title(name):
    quiz = as_written(every_type_quiz(), name)
    _content, _type, extension = write(quiz, name)
    (imported,) = parse(write(quiz, name)[0], filename=f"Every type{extension}").quizzes
    # Moodle files carry categories (each question's), no longer the quiz's tags.
    assert (imported["title"], imported["tags"]) == (quiz["title"], [])
    assert [q["name"] for q in imported["questions"]] == [q["name"] for q in quiz["questions"]]
    assert [q["answers"] for q in imported["questions"]] == [
        q["answers"] for q in quiz["questions"]
    ]
    assert [q["text"] for q in imported["questions"]] == [q["text"] for q in quiz["questions"]]


@pytest.mark.parametrize(
    ("fixture_name", "expected"),
    [("moodle4_biology.gift", "gift"), ("moodle4_biology.xml", "moodlexml")],
)
def test_moodle_exports_survive_a_round_trip(fixture_name, expected):
    result = parse(fixture(fixture_name), filename=fixture_name)
    assert result.format == expected
    exported = write(result.quizzes, expected)[0]
    assert parse(exported, filename=fixture_name).quizzes == result.quizzes


@pytest.mark.parametrize(
    ("head", "filename", "expected"),
    [
        (b'\xef\xbb\xbf  {"format_version": 1}', None, "json"),
        (b"<?xml version='1.0'?><quiz/>", "bank.txt", "moodlexml"),
        (b"\n<quiz></quiz>", None, "moodlexml"),
        (b"::Q::x{T}", "bank.xml", "moodlexml"),
        (b"::Q::x{T}", "bank.JSON", "json"),
        (b"::Q::x{T}", "bank.gift", "gift"),
        (b"::Q::x{T}", "bank.txt", "gift"),
        (b"::Q::x{T}", None, "gift"),
        ("::Q::x{T}", "notes.md", "gift"),
    ],
)
def test_detection_by_content_then_extension(head, filename, expected):
    assert detect(head, filename) == expected


def test_unknown_format_and_several_quizzes_in_a_one_quiz_format():
    with pytest.raises(FormatError, match="unknown format “csv”"):
        parse(b"a,b", format="csv")
    with pytest.raises(ValueError, match="Moodle GIFT holds one quiz per file, not 2"):
        write([every_type_quiz(), every_type_quiz()], "gift")
