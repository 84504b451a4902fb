"""openquizz.schema.json: the file is what schema() makes, and exports of every type follow it."""

import json

import jsonschema
import pytest

from quizzes.formats import write
from quizzes.formats.json import SCHEMA_PATH, schema_text
from quizzes.qtypes import registry
from quizzes.tests.fixtures.samples import every_type_quiz, question
from quizzes.validation import clean_question, clean_quiz

REGENERATE = (
    '.venv/bin/python manage.py shell -c "from quizzes.formats import json; json.write_schema()"'
)


def validator():
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def exported(*questions):
    quiz = clean_quiz({"title": "Q"})
    quiz["questions"] = [clean_question(q) for q in questions]
    return json.loads(write(quiz, "json")[0])


def test_the_schema_file_is_what_schema_makes():
    assert SCHEMA_PATH.read_text() == schema_text(), (
        f"openquizz.schema.json is stale: run {REGENERATE}"
    )


def test_an_export_of_every_type_follows_the_schema():
    quiz = every_type_quiz()
    assert {q["type"] for q in quiz["questions"]} == set(registry.TYPES)
    validator().validate(json.loads(write([quiz, quiz], "json")[0]))


@pytest.mark.parametrize(
    ("change", "path"),
    [({"points": 1}, "points"), ({"answers": [{"text": "a"}]}, "answers")],
)
def test_the_schema_holds_the_description_rules(change, path):
    document = exported(question("description", "D", "Read this."))
    validator().validate(document)
    document["quizzes"][0]["questions"][0].update(change)
    errors = list(validator().iter_errors(document))
    assert errors and all(path in error.json_path for error in errors)


def test_the_schema_holds_the_cloze_rules():
    document = exported(question("cloze", "C", "{2:SA:=a}", points=2))
    validator().validate(document)
    document["quizzes"][0]["questions"][0]["answers"] = [{"text": "a", "fraction": 100}]
    assert not validator().is_valid(document)
