"""quizzes.fields: one declaration per field, and every place that derives from it agrees."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from quizzes.bank import ANSWER_FIELDS as STORED_ANSWER_FIELDS
from quizzes.bank import HINT_FIELDS as STORED_HINT_FIELDS
from quizzes.bank import QUESTION_FIELDS as STORED_QUESTION_FIELDS
from quizzes.fields import (
    ANSWER_FIELDS,
    HINT_FIELDS,
    OPTION_FIELDS,
    QUESTION_EXTRAS,
    QUESTION_FIELDS,
    QUIZ_FIELDS,
    FieldError,
)
from quizzes.formats import json as json_format
from quizzes.models import Answer, Hint, Question, Quiz, QuizOptions
from quizzes.operations import OPTION_FIELDS as STORED_OPTION_FIELDS

DECLARED = [
    (Question, "Question", "question", QUESTION_FIELDS),
    (Question, "Question", "question", QUESTION_EXTRAS),
    (Answer, "Answer", "answer", ANSWER_FIELDS),
    (Hint, "Hint", "hint", HINT_FIELDS),
    (Quiz, "Quiz", "quiz", QUIZ_FIELDS),
    (QuizOptions, "QuizOptions", None, OPTION_FIELDS),
]
EVERY_FIELD = [
    pytest.param(model, component, definition, field, id=f"{component}.{name}")
    for model, component, definition, fields in DECLARED
    for name, field in fields.items()
]


@pytest.fixture(scope="module")
def openapi():
    return SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]


@pytest.mark.parametrize(("model", "component", "definition", "field"), EVERY_FIELD)
def test_the_model_stores_what_is_declared(model, component, definition, field):
    stored = model._meta.get_field(field.name)
    if field.max_length:
        assert stored.max_length in (None, field.max_length)
    if field.default is not None:
        assert stored.default == field.default
    assert stored.null == field.nullable


@pytest.mark.parametrize(("model", "component", "definition", "field"), EVERY_FIELD)
def test_the_api_documents_what_is_declared(openapi, model, component, definition, field):
    documented = dict(openapi[component]["properties"][field.name])
    for reference in documented.pop("allOf", []):  # enums become components of their own
        documented.update(openapi[reference["$ref"].rsplit("/", 1)[1]])
    for key, value in field.json_schema(openapi=True).items():
        assert documented[key] == value, (field.name, key)


@pytest.mark.parametrize(("model", "component", "definition", "field"), EVERY_FIELD)
def test_the_json_schema_says_what_is_declared(model, component, definition, field):
    definitions = json_format.schema()["$defs"]
    properties = (
        definitions["quiz"]["properties"]["options"]["properties"]
        if definition is None
        else definitions[definition]["properties"]
    )
    if field.name == "points":
        # Whether a question has points is its type's rule: each scored type says it.
        properties = json_format.schema()["$defs"]["question"]["allOf"][0]["then"]["properties"]
    assert properties[field.name] == field.json_schema()


def test_operations_store_every_declared_field():
    assert set(STORED_QUESTION_FIELDS) == {"type", *QUESTION_FIELDS, *QUESTION_EXTRAS}
    assert set(STORED_ANSWER_FIELDS) == set(ANSWER_FIELDS)
    assert set(STORED_HINT_FIELDS) == set(HINT_FIELDS)
    assert set(STORED_OPTION_FIELDS) == set(OPTION_FIELDS)


@pytest.mark.parametrize(
    ("value", "accepted"), [(-0.01, False), (0, True), (1000, True), (1000.5, False)]
)
def test_points_have_one_rule_for_rules_and_documentation(openapi, value, accepted):
    points = QUESTION_FIELDS["points"]
    documented = openapi["Question"]["properties"]["points"]
    assert (documented["minimum"], documented.get("exclusiveMinimum", False)) == (0, False)
    try:
        points.parse(value)
    except FieldError:
        assert not accepted
    else:
        assert accepted
