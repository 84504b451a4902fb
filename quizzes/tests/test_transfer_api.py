"""POST /api/v1/quizzes/import/ and GET /api/v1/quizzes/{id}/export/ with token auth."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from quizzes.formats import parse, write
from quizzes.models import Category, Question, Quiz
from quizzes.operations import create_quiz, quiz_data
from quizzes.tests.fixtures.plugin import token_client
from quizzes.tests.fixtures.samples import as_written, every_type_quiz, fixture

pytestmark = pytest.mark.django_db

IMPORT = "/api/v1/quizzes/import/"
PROBLEM = "application/problem+json"


def send(client, name, content, query=""):
    data = content if isinstance(content, bytes) else content.encode()
    return client.post(IMPORT + query, {"file": SimpleUploadedFile(name, data)}, format="multipart")


def stored():
    return Quiz.objects.count(), Question.objects.count()


def export_url(quiz, name=None):
    return f"/api/v1/quizzes/{quiz.pk}/export/" + (f"?format={name}" if name else "")


def test_import_a_moodle_xml_file(teacher, api):
    response = send(api, "Cells.xml", fixture("moodle4_biology.xml"))
    assert response.status_code == 201, response.content
    body = response.json()
    (quiz,) = body["quizzes"]
    assert (quiz["title"], quiz["question_count"], quiz["owner"]) == ("Cells", 8, "teacher")
    assert quiz["tags"] == []
    assert body["skipped"] == {"unsupported type ddwtos": 1}
    assert len(body["warnings"]) == 1
    # The file's categories, nested, with the description it gives.
    cells = Category.objects.get(name="Cells", owner=teacher)
    assert cells.parent.name == "Default for BIO101"
    assert cells.description == "<p>Questions about the cell, for the first term.</p>"
    assert Question.objects.filter(category=cells).count() == 8
    assert Quiz.objects.get().owner == teacher


def test_import_with_an_explicit_format_and_strict(api):
    response = send(api, "bank.txt", fixture("moodle4_biology.gift"), "?format=gift")
    assert response.status_code == 201
    response = send(
        api, "bank.txt", fixture("moodle4_biology.xml"), "?format=moodlexml&strict=true"
    )
    assert response.status_code == 400
    assert "the question type “ddwtos” is not supported" in response.json()["errors"]["file"][0]
    assert stored()[0] == 1


def test_a_bad_file_is_a_problem_naming_the_line(api):
    response = send(api, "bad.gift", "::A::ok {T}\n\n::B::\nBroken {=a ~b")
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    problem = response.json()
    assert problem["errors"] == {
        "file": ["bad.gift: question 2 (line 4): “{” opens the answers but no “}” closes them "
                 "(write \\{ for a brace in a text)"]
    }  # fmt: skip
    assert stored() == (0, 0)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bomb.xml", '<!DOCTYPE q [<!ENTITY a "aa"><!ENTITY b "&a;&a;">]><quiz>&b;</quiz>'),
        ("bad.json", '{"format_version": 7, "quizzes": []}'),
        ("binary.gift", b"\xff\xfe\x00garbage"),
    ],
)
def test_unreadable_files_are_400_never_500(api, name, content):
    response = send(api, name, content)
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["errors"]["file"][0].startswith(f"{name}: ")
    assert stored() == (0, 0)


def test_missing_file_bad_format_and_json_body(api):
    response = api.post(IMPORT, {}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()["errors"]
    response = send(api, "empty.gift", "")
    assert response.json()["errors"] == {"file": ["The submitted file is empty."]}
    response = send(api, "a.gift", "::Q::x {T}", "?format=csv")
    assert response.status_code == 400 and "format" in response.json()["errors"]
    assert api.post(IMPORT, {"file": "x"}, format="json").status_code == 415
    assert stored() == (0, 0)


def test_a_file_over_the_limit_is_413(api, settings):
    settings.OPENQUIZZ_IMPORT_MAX_BYTES = 1000
    response = send(api, "big.xml", fixture("moodle4_biology.xml"))
    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM
    assert "the largest file you can import is 1000\xa0bytes" in response.json()["detail"]
    assert stored() == (0, 0)


def test_import_needs_authentication():
    response = send(APIClient(), "a.gift", "::Q::x {T}")
    assert response.status_code == 401
    assert stored() == (0, 0)


@pytest.fixture
def fail_point():
    from django.db import connection

    connection.ensure_connection()
    admin = connection.connection.admin

    def arm(mode, **data):
        admin.command(
            "configureFailPoint",
            "failCommand",
            mode=mode,
            data={"failCommands": ["insert"], **data},
        )

    yield arm
    admin.command("configureFailPoint", "failCommand", mode="off")


def test_a_transient_error_reruns_the_import_once(api, fail_point):
    fail_point({"times": 1}, errorCode=112, errorLabels=["TransientTransactionError"])
    response = send(api, "Cells.gift", fixture("moodle4_biology.gift"))
    assert response.status_code == 201
    assert stored() == (1, 8)


def test_a_failing_insert_midway_leaves_nothing(api, fail_point):
    api.raise_request_exception = False
    fail_point({"skip": 1}, errorCode=2)  # the quiz goes in, its questions fail
    response = send(
        api, "two.json", write([every_type_quiz("One"), every_type_quiz("Two")], "json")[0]
    )
    assert response.status_code == 500
    assert stored() == (0, 0)


# -- export -------------------------------------------------------------------
@pytest.mark.parametrize("name", ["json", "gift", "moodlexml", None])
def test_export_in_each_format(teacher, api, name):
    quiz = create_quiz(teacher, every_type_quiz(), every_type_quiz()["questions"])
    response = api.get(export_url(quiz, name), HTTP_ACCEPT="text/plain")
    assert response.status_code == 200
    extension = {"json": ".json", "gift": ".gift", "moodlexml": ".xml", None: ".json"}[name]
    assert response["Content-Disposition"] == f'attachment; filename="Every type{extension}"'
    (data,) = parse(response.content, filename=f"Every type{extension}").quizzes
    assert data["title"] == "Every type"
    assert [q["answers"] for q in data["questions"]] == [
        q["answers"] for q in as_written(quiz_data(quiz), name)["questions"]
    ]


def test_export_of_another_teachers_quiz_is_404_and_staff_may(teacher, other_teacher, staff):
    quiz = create_quiz(teacher, {"title": "Mine"}, every_type_quiz()["questions"])
    other = token_client(other_teacher)
    response = other.get(export_url(quiz, "gift"))
    assert (response.status_code, response["Content-Type"]) == (404, PROBLEM)
    staff_api = token_client(staff)
    assert staff_api.get(export_url(quiz, "gift")).status_code == 200
    response = staff_api.get(export_url(quiz, "pdf"))
    assert response.status_code == 400 and "format" in response.json()["errors"]
