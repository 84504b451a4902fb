"""OpenQuizz JSON: lossless, versioned, documented by a JSON Schema, errors with lines."""

import json
from datetime import UTC, datetime

import jsonschema
import pytest

from quizzes.formats import FormatError, parse, write
from quizzes.formats.json import SCHEMA_PATH
from quizzes.models import QuestionType, QuizStatus, TextFormat
from quizzes.tests.fixtures.samples import every_type_quiz


@pytest.fixture(scope="module")
def schema():
    return json.loads(SCHEMA_PATH.read_text())


def document(*quizzes):
    return json.loads(write(list(quizzes), "json")[0])


def error_of(text):
    with pytest.raises(FormatError) as caught:
        parse(text, format="json")
    return caught.value


def test_export_is_valid_against_the_schema(schema):
    jsonschema.Draft202012Validator.check_schema(schema)
    exported = document(every_type_quiz(), {**every_type_quiz("Second"), "status": "published"})
    jsonschema.validate(exported, schema)
    assert exported["format_version"] == 1
    assert [quiz["title"] for quiz in exported["quizzes"]] == ["Every type", "Second"]


def test_schema_names_the_models_choices(schema):
    definitions = schema["$defs"]
    assert definitions["question"]["properties"]["type"]["enum"] == QuestionType.values
    assert definitions["question"]["properties"]["text_format"]["enum"] == TextFormat.values
    assert definitions["quiz"]["properties"]["status"]["enum"] == QuizStatus.values


def test_json_is_lossless():
    quiz = every_type_quiz()
    quiz["status"] = "archived"
    quiz["options"] = {
        "shuffle_questions": True, "shuffle_answers": True, "time_limit_minutes": 45,
        "pass_mark": 70, "opens_at": datetime(2026, 9, 1, 6, 30, tzinfo=UTC),
        "closes_at": datetime(2026, 9, 8, 16, 0, tzinfo=UTC), "access": "signed_in",
        "attempts_allowed": 3, "one_per_page": True, "show_score": False,
        "show_feedback": False, "show_correct_answers": True,
    }  # fmt: skip
    result = parse(write(quiz, "json")[0])
    assert result.format == "json"
    assert result.quizzes == [quiz]
    assert result.warnings == [] and not result.skipped


def test_several_quizzes_in_one_file():
    result = parse(write([every_type_quiz("A"), every_type_quiz("B")], "json")[0])
    assert [quiz["title"] for quiz in result.quizzes] == ["A", "B"]
    assert result.question_count == 2 * len(every_type_quiz()["questions"])


def test_invalid_json_names_the_line():
    error = error_of('{\n  "format_version": 1,\n  "quizzes": [\n    {"title": "x",}\n  ]\n}')
    assert error.line == 4
    assert str(error).startswith("line 4: this is not valid JSON")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"quizzes": []}', "“format_version”"),
        ("[1, 2]", "“format_version”"),
        ('{"format_version": 2, "quizzes": []}', "format_version 2 is not one"),
        ('{"format_version": true, "quizzes": []}', "format_version true is not one"),
        ('{"format_version": 1, "quizzes": []}', "at least one quiz"),
        ('{"format_version": 1, "quizzes": [{"title": "x", "questions": {}}]}', "is a list"),
    ],
)
def test_not_an_openquizz_document(text, message):
    assert message in error_of(text).message


def test_invalid_question_names_its_line_and_number():
    text = (
        '{"format_version": 1, "quizzes": [\n'
        ' {"title": "Quiz", "questions": [\n'
        '  {"type": "essay", "name": "E", "text": "Why?"},\n'
        '  {"type": "truefalse", "name": "T", "text": "Sure?",\n'
        '   "answers": [{"text": "true", "fraction": 150}, {"text": "false"}]}\n'
        "]}]}"
    )
    error = error_of(text)
    assert (error.question, error.line) == (2, 4)
    assert error.message == "answers: Give 100 % to the right answer and 0 % to the other one."


def test_invalid_quiz_names_its_line():
    error = error_of('{"format_version": 1,\n"quizzes": [\n{"title": "", "questions": []}]}')
    assert str(error) == "line 3: quiz: title: This field is required."


def test_unknown_fields_are_refused():
    exported = document(every_type_quiz())
    exported["quizzes"][0]["questions"][0]["difficulty"] = "hard"
    assert error_of(json.dumps(exported)).message == "difficulty: Unknown field."
