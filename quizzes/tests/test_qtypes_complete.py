"""Every question type is finished: each place that must know a type knows every type.

Adding a type means its module, its template, a registry line, samples and
the French catalogue (docs/architecture.md, "Adding a question type"); these
tests fail, naming the type and the place, until all of them are done.
"""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import get_template
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator

from quizzes import demo
from quizzes.fields import QUESTION_EXTRAS
from quizzes.formats import json as json_format
from quizzes.formats import parse, write
from quizzes.models import QuestionType
from quizzes.qtypes import registry
from quizzes.qtypes.base import QuestionType as BaseType
from quizzes.tests.fixtures.samples import every_type_quiz

TYPES = registry.names()
QTYPES_DIR = Path(__file__).resolve().parent.parent / "qtypes"
FRENCH = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def enums_of(schema):
    """Every enum list anywhere in a JSON schema."""
    if isinstance(schema, dict):
        if isinstance(schema.get("enum"), list):
            yield schema["enum"]
        for value in schema.values():
            yield from enums_of(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from enums_of(value)


def type_enums(schema):
    """The enums that list question types (those naming most of them: not cloze's gap kinds)."""
    return [
        sorted(map(str, enum))
        for enum in enums_of(schema)
        if len(set(enum) & set(TYPES)) > len(TYPES) / 2
    ]


def test_the_registry_lists_each_type_module_once():
    modules = {
        path.stem
        for path in QTYPES_DIR.glob("*.py")
        if path.stem not in ("__init__", "base", "registry") and "TYPE =" in path.read_text()
    }
    assert sorted(modules) == sorted(TYPES)
    for name, qtype in registry.TYPES.items():
        assert isinstance(qtype, BaseType) and qtype.name == name


def test_the_model_choices_are_the_registry():
    assert QuestionType.values == TYPES


def test_the_json_schema_file_lists_every_type():
    schema = json.loads(json_format.SCHEMA_PATH.read_text())
    assert type_enums(schema) == [sorted(TYPES)], (
        "openquizz.schema.json is stale: run .venv/bin/python manage.py shell -c "
        '"from quizzes.formats import json; json.write_schema()"'
    )
    for name in TYPES:
        assert f'"const": "{name}"' in json_format.SCHEMA_PATH.read_text(), name


def test_the_api_schema_lists_every_type():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    enums = type_enums(schema)
    assert enums, "no enum of question types in the OpenAPI schema"
    assert all(enum == sorted(TYPES) for enum in enums), enums


@pytest.mark.parametrize("name", TYPES)
def test_each_type_has_its_template_and_wording(name):
    qtype = registry.get(name)
    assert get_template(qtype.template)
    assert qtype.label and qtype.summary, f"{name}: give the type a label and a summary"
    assert set(qtype.extra_fields) <= set(QUESTION_EXTRAS), f"{name}: undeclared extra field"
    if qtype.row_fields() is not None:
        assert qtype.row_label and qtype.add_label and qtype.help_text, name


def translated_messages(path):
    """The msgids of a .po file that have a translation and are not fuzzy."""
    messages = set()
    for entry in path.read_text().split("\n\n"):
        parts = {"msgid": "", "msgstr": ""}
        current = None
        for line in entry.splitlines():
            key, _space, rest = line.partition(" ")
            if key in parts:
                current = key
                line = rest
            if current and line.startswith('"'):
                parts[current] += json.loads(line)
        if parts["msgstr"] and "fuzzy" not in entry.split("msgid", 1)[0]:
            messages.add(parts["msgid"])
    return messages


@pytest.mark.parametrize("name", TYPES)
def test_each_type_is_in_the_french_catalogue(name):
    qtype = registry.get(name)
    words = [qtype.label, qtype.summary, qtype.help_text, qtype.row_label, qtype.add_label]
    with translation.override("en"):
        english = [str(word) for word in words if word]
    missing = set(english) - translated_messages(FRENCH)
    assert not missing, f"{name}: translate in {FRENCH}: {sorted(missing)}"


def test_the_demo_shows_every_type():
    shown = {question["type"] for _quiz, questions in demo.QUIZZES for question in questions}
    assert shown == set(TYPES)


def test_the_samples_hold_every_type():
    """The format and command tests round-trip every_type_quiz(): it must hold every type."""
    assert {question["type"] for question in every_type_quiz()["questions"]} == set(TYPES)


@pytest.mark.parametrize("format_name", ["json", "moodlexml"])
def test_every_type_survives_a_round_trip(format_name):
    quiz = every_type_quiz()
    content, _content_type, _extension = write(quiz, format_name)
    (read,) = parse(content, format=format_name).quizzes
    assert [q["type"] for q in read["questions"]] == [q["type"] for q in quiz["questions"]]


def test_gift_writes_every_type_it_can_read_and_says_which_it_cannot():
    quiz = every_type_quiz()
    content, _content_type, _extension = write(quiz, "gift")
    (read,) = parse(content, format="gift").quizzes
    in_gift = [
        q["type"]
        for q in quiz["questions"]
        if registry.of(q).gift_order is not None or registry.of(q).gift_bare_text
    ]
    assert [q["type"] for q in read["questions"]] == in_gift
    for name in set(TYPES) - set(in_gift):
        assert f"// {name} questions cannot be written in GIFT" in content.decode()
