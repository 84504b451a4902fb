"""The OpenAPI schema: valid, complete, served with a local Swagger UI, and true to the API.

The last test lets schemathesis call every operation with bodies, parameters
and headers generated from the schema (a bounded, derandomised number of
examples) and checks that no response is a 5xx or differs from the schema.
"""

import json

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from quizzes import attempts, operations, releases
from quizzes.models import CategoryShare, Quiz, QuizShare
from quizzes.tests.fixtures.plugin import questions_of
from quizzes.tests.test_api.conftest import QUESTIONS

pytestmark = pytest.mark.django_db
WSGI_APP = get_wsgi_application()

OPERATIONS = {
    "/api/v1/auth/token/": {"post"},
    "/api/v1/quizzes/": {"get", "post"},
    "/api/v1/quizzes/{id}/": {"get", "put", "patch", "delete"},
    "/api/v1/quizzes/{id}/reorder/": {"post"},
    "/api/v1/quizzes/{id}/duplicate/": {"post"},
    "/api/v1/quizzes/{id}/publish/": {"post"},
    "/api/v1/quizzes/{id}/unpublish/": {"post"},
    "/api/v1/quizzes/{id}/attempts/": {"get"},
    "/api/v1/quizzes/{quiz_id}/questions/": {"get", "post"},
    "/api/v1/quizzes/{quiz_id}/questions/{id}/": {"get", "put", "patch", "delete"},
    "/api/v1/quizzes/{quiz_id}/slots/": {"get", "post"},
    "/api/v1/quizzes/{quiz_id}/slots/{id}/": {"get", "patch", "delete"},
    "/api/v1/quizzes/{quiz_id}/slots/reorder/": {"post"},
    "/api/v1/quizzes/{quiz_id}/revisions/": {"get"},
    "/api/v1/quizzes/{quiz_id}/revisions/{number}/": {"get"},
    "/api/v1/quizzes/{quiz_id}/revisions/{number}/restore/": {"post"},
    "/api/v1/categories/": {"get", "post"},
    "/api/v1/categories/{id}/": {"get", "put", "patch", "delete"},
    "/api/v1/questions/": {"get", "post"},
    "/api/v1/questions/{id}/": {"get", "put", "patch", "delete"},
    "/api/v1/questions/{id}/versions/": {"get"},
    "/api/v1/questions/{id}/versions/{number}/": {"get"},
    "/api/v1/questions/{id}/versions/{number}/restore/": {"post"},
    "/api/v1/questions/bulk/": {"post"},
    "/api/v1/published/": {"get"},
    "/api/v1/published/{id}/": {"get"},
    "/api/v1/published/{id}/attempts/": {"post"},
    "/api/v1/media/": {"post"},
}


def test_the_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", validate=True, fail_on_warn=True, file=str(tmp_path / "s.yaml"))


@pytest.fixture
def served_schema(anonymous):
    response = anonymous.get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def test_every_endpoint_is_described(served_schema):
    paths = {
        path: set(methods) - {"parameters"}
        for path, methods in served_schema["paths"].items()
        if path.startswith("/api/v1/")
    }
    assert {path: methods for path, methods in paths.items() if path in OPERATIONS} == OPERATIONS


def test_every_error_is_a_problem_and_headers_are_documented(served_schema):
    assert "ProblemDetail" in served_schema["components"]["schemas"]
    for path, methods in OPERATIONS.items():
        for method in methods:
            operation = served_schema["paths"][path][method]
            headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
            assert "X-Causal-Token" in headers, (method, path)
            for status, response in operation["responses"].items():
                assert "X-Causal-Token" in response["headers"], (method, path, status)
                if status >= "400":
                    assert list(response["content"]) == ["application/problem+json"]
            if method in {"put", "patch", "delete"}:
                assert "If-Match" in headers, (method, path)
                assert "412" in operation["responses"]


def test_quiz_responses_document_their_etag(served_schema):
    retrieve = served_schema["paths"]["/api/v1/quizzes/{id}/"]["get"]
    assert retrieve["responses"]["200"]["headers"]["ETag"]["required"] is True
    create = served_schema["paths"]["/api/v1/quizzes/{quiz_id}/questions/"]["post"]
    assert "ETag" in create["responses"]["201"]["headers"]


def test_swagger_ui_is_served_with_local_assets(anonymous):
    response = anonymous.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn.jsdelivr.net" not in page and "unpkg.com" not in page
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")


@pytest.mark.parametrize("path", sorted(OPERATIONS))
def test_no_method_is_a_server_error_on_any_path(api, secret_quiz, path):
    """What schemathesis' bounded run does not try: every method, documented or not."""
    url = path.format(**real_ids(path, secret_quiz))
    for method in ["OPTIONS", "HEAD", "TRACE", "QUERY", "GET", "POST", "PUT", "PATCH", "DELETE"]:
        response = api.generic(method, url)
        assert response.status_code < 500, (method, url)
        if method != "HEAD" and response.status_code >= 400:
            assert response["Content-Type"] == "application/problem+json"


def real_ids(path, quiz):
    """{path parameter: the id of an object of `quiz` (or of its first question) it names}."""
    question = questions_of(quiz)[0]
    if "/shares/" in path:
        return shared_ids(path, quiz, question)
    if path.startswith(("/api/v1/categories/", "/api/v1/questions/")):
        bank_object = question.category_id if "categories" in path else question.pk
        return {"id": bank_object, "number": 1}
    if "/revisions/" in path:
        return {"quiz_id": quiz.pk, "number": 1}
    if "/slots/" in path:
        return {"quiz_id": quiz.pk, "id": Quiz.objects.get(pk=quiz.pk).slots[0].uid}
    if path.startswith("/api/v1/attempts/"):  # an attempt of the quiz's owner, just started
        started = attempts.start_attempt(releases.live_release(quiz), user=quiz.owner)
        return {"id": attempts.public_id(started)}
    # {quiz_id} then names the quiz, and {id} its question; {id} alone, the quiz.
    return {"quiz_id": quiz.pk, "id": question.pk if "{quiz_id}" in path else quiz.pk}


def shared_ids(path, quiz, question):
    """{path parameter: id} of a share of `quiz`, or of its first `question`'s category,
    with a colleague (made once)."""
    colleague = User.objects.get_or_create(username="colleague")[0]
    if path.startswith("/api/v1/categories/"):
        category = {"item_id": question.category_id, "user": colleague}
        found = CategoryShare.objects.get_or_create(**category)[0]
        return {"category_id": question.category_id, "share_id": found.pk}
    found = QuizShare.objects.get_or_create(item=quiz, user=colleague)[0]
    return {"quiz_id": quiz.pk, "share_id": found.pk}


# -- schemathesis --------------------------------------------------------------------
def generated_schema():
    """The schema /api/schema/ serves (test_schemathesis_tests_the_served_schema checks)."""
    return SchemaGenerator().get_schema(request=None, public=True)


# Built when the module is collected, before any database exists: the
# generator reads the URL configuration only.
fuzzed_schema = schemathesis.openapi.from_dict(
    json.loads(json.dumps(generated_schema())),
    config=schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": False}}}),
)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def test_schemathesis_tests_the_served_schema(served_schema):
    assert json.loads(json.dumps(generated_schema())) == served_schema


@pytest.fixture
def fuzz_token(teacher, settings):
    # Rates high enough that throttling does not hide the other answers.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            "delivery": "1000/min",
            "attempts": "1000/min",
            "auth": "20/min",
        },
    }
    return Token.objects.create(user=teacher).key


@pytest.fixture
def fuzzed_quiz(teacher, fuzz_token):
    """fuzzed_quiz(path) → {path parameter: id} of a fresh published quiz, "Fuzzed".

    The first call makes the quiz through quizzes.operations; each later call
    puts the database back to just after that (a Snapshot): the same fresh
    quiz again, for a few commands instead of the dozens that making one takes.
    """
    from quizzes.tests.fixtures.database import Snapshot

    made = {}

    def fresh(path):
        if not made:
            quiz = operations.create_quiz(teacher, {"title": "Fuzzed"}, list(QUESTIONS.values()))
            operations.set_status(quiz, "published")
            for shared in (
                "/api/v1/quizzes/{quiz_id}/shares/",
                "/api/v1/categories/{category_id}/shares/",
            ):
                shared_ids(shared, quiz, questions_of(quiz)[0])  # in the snapshot
            made.update(quiz=quiz, snapshot=Snapshot(), ids={})
        else:
            made["snapshot"].restore()
        if path not in made["ids"]:
            made["ids"][path] = real_ids(path, made["quiz"])
        return made["ids"][path]

    return fresh


def with_real_ids(case, fuzzed_quiz):
    """Point the case's path at objects that exist (a fresh published quiz each time).

    Generated ids match the id pattern but name nothing, so without this every
    operation on one object would only ever answer 404.
    """
    if not case.path_parameters:
        return
    real = fuzzed_quiz(case.path)
    case.path_parameters = {name: str(real[name]) for name in case.path_parameters}


@fuzzed_schema.parametrize()
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_schemathesis(case, fuzz_token, fuzzed_quiz):
    with_real_ids(case, fuzzed_quiz)
    case.call_and_validate(
        app=WSGI_APP, headers={"Authorization": f"Token {fuzz_token}"}, checks=CHECKS
    )


# -- unknown keys ----------------------------------------------------------------------
def json_bodies(schema):
    """[(path, method, request component)] of every operation with a JSON body."""
    return [
        (path, method, operation["requestBody"]["content"]["application/json"]["schema"])
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
        if "application/json" in operation.get("requestBody", {}).get("content", {})
    ]


def component(schema, reference):
    return schema["components"]["schemas"][reference["$ref"].rsplit("/", 1)[1]]


def alternatives(schema, reference):
    """The components a body may be: its own, or each of its oneOf (start or submit)."""
    found = component(schema, reference)
    return [component(schema, one) for one in found["oneOf"]] if "oneOf" in found else [found]


def test_request_bodies_say_unknown_keys_are_refused(served_schema):
    bodies = json_bodies(served_schema)
    assert len(bodies) >= 19
    for path, method, reference in bodies:
        for body in alternatives(served_schema, reference):
            assert body["additionalProperties"] is False, (path, method)
    for name in ["QuizOptionsRequest", "AnswerRequest", "HintRequest"]:
        assert served_schema["components"]["schemas"][name]["additionalProperties"] is False
    # Responses may gain fields: clients must not be told otherwise.
    for name in ["Quiz", "QuizOptions", "Answer", "Category", "BankQuestion"]:
        assert "additionalProperties" not in served_schema["components"]["schemas"][name]


def test_every_body_refuses_the_unknown_keys_its_schema_refuses(api, published, served_schema):
    """The schema's additionalProperties: false is true of the API: an unknown key is a 400."""
    for path, method, _reference in json_bodies(served_schema):
        url = path.format(**real_ids(path, published))
        response = api.generic(
            method.upper(), url, json.dumps({"colour": "red"}), "application/json"
        )
        assert response.status_code == 400, (method, url, response.content)
        assert "colour" in response.json()["errors"], (method, url, response.json())
    nested = {
        "options.colour": ("/api/v1/quizzes/", {"title": "a", "options": {"colour": "red"}}),
        "answers[0].colour": (
            f"/api/v1/quizzes/{published.pk}/questions/",
            {**QUESTIONS["multichoice"], "answers": [{"text": "4", "fraction": 100, "colour": 1}]},
        ),
        "hints[0].colour": (
            f"/api/v1/quizzes/{published.pk}/questions/",
            {**QUESTIONS["essay"], "hints": [{"text": "Think.", "colour": 1}]},
        ),
    }
    for key, (url, body) in nested.items():
        assert api.post(url, body).json()["errors"] == {key: ["Unknown field."]}
