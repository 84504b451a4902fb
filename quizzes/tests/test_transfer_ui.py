"""Import and download from the teachers' UI: preview, confirm, refusals that write nothing."""

import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from quizzes.formats import parse
from quizzes.models import Question, Quiz
from quizzes.operations import create_quiz, quiz_data
from quizzes.tests.fixtures.plugin import questions_of
from quizzes.tests.fixtures.samples import as_written, every_type_quiz, fixture

pytestmark = pytest.mark.django_db

PAYLOAD = re.compile(r'name="payload" value="([^"]+)"')


def upload(name, content):
    return SimpleUploadedFile(name, content if isinstance(content, bytes) else content.encode())


def stored():
    return Quiz.objects.count(), Question.objects.count()


def page_text(response):
    return unescape(response.content.decode())


def test_import_page_offers_every_format(owner_client):
    response = owner_client.get(reverse("quiz_import"))
    assert response.status_code == 200
    text = page_text(response)
    for label in ("Detect from the file", "OpenQuizz JSON", "Moodle GIFT", "Moodle XML"):
        assert label in text
    assert "csrfmiddlewaretoken" in text


def test_preview_shows_what_will_be_created_and_writes_nothing(owner_client):
    response = owner_client.post(
        reverse("quiz_import"), {"file": upload("Cells.xml", fixture("moodle4_biology.xml"))}
    )
    assert response.status_code == 200
    text = page_text(response)
    assert "Cells.xml" in text and "Moodle XML" in text
    assert "8 questions" in text
    assert "<dt>Multiple choice</dt><dd>2</dd>" in text
    assert "unsupported type ddwtos: 1" in text
    assert stored() == (0, 0)


def test_confirming_the_preview_imports_it(teacher, owner_client):
    preview = owner_client.post(
        reverse("quiz_import"), {"file": upload("Cells.gift", fixture("moodle4_biology.gift"))}
    )
    payload = PAYLOAD.search(preview.content.decode()).group(1)
    response = owner_client.post(reverse("quiz_import_confirm"), {"payload": payload}, follow=True)
    quiz = Quiz.objects.get()
    assert response.redirect_chain[-1][0] == reverse("quiz_editor", args=[quiz.pk])
    assert (quiz.title, quiz.owner, quiz.question_count) == ("Cells", teacher, 8)
    assert "Imported “Cells” with 8 questions." in page_text(response)


def test_import_now_skips_the_preview(owner_client):
    content = b"::Q1::1 + 1 {=2 ~3}\n\n::Q2::Sky is blue {T}"
    response = owner_client.post(
        reverse("quiz_import"), {"file": upload("Sums.gift", content), "import_now": "1"}
    )
    quiz = Quiz.objects.get()
    assert response.status_code == 302
    assert [q.name for q in questions_of(quiz)] == ["Q1", "Q2"]


def test_a_json_file_with_several_quizzes_goes_to_the_dashboard(owner_client):
    from quizzes.formats import write

    content = write([every_type_quiz("A"), every_type_quiz("B")], "json")[0]
    response = owner_client.post(
        reverse("quiz_import"), {"file": upload("two.json", content), "import_now": "1"}
    )
    assert response["Location"] == reverse("dashboard")
    assert sorted(Quiz.objects.values_list("title", flat=True)) == ["A", "B"]


def test_a_bad_file_is_refused_with_its_line(owner_client):
    response = owner_client.post(
        reverse("quiz_import"),
        {"file": upload("bad.gift", "::Q::\nPick {=a\n~b"), "import_now": "1"},
    )
    assert response.status_code == 400
    assert "bad.gift: question 1 (line 2): “{” opens the answers" in page_text(response)
    assert stored() == (0, 0)


def test_strict_refuses_unsupported_types(owner_client):
    response = owner_client.post(
        reverse("quiz_import"),
        {"file": upload("bank.xml", fixture("moodle4_biology.xml")), "strict": "on"},
    )
    assert response.status_code == 400
    assert "the question type “ddwtos” is not supported" in page_text(response)


def test_a_file_too_large_is_refused_clearly(owner_client, settings):
    settings.OPENQUIZZ_IMPORT_MAX_BYTES = 1000
    response = owner_client.post(
        reverse("quiz_import"),
        {"file": upload("big.gift", fixture("moodle4_biology.gift")), "import_now": "1"},
    )
    assert response.status_code == 413
    assert "This file is 1.9\xa0KB; the largest file you can import is 1000\xa0bytes." in (
        page_text(response)
    )
    assert stored() == (0, 0)


def test_a_preview_too_large_to_carry_asks_for_import_now(owner_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 17 * 1024
    blocks = "\n\n".join(f"::Q{n}::What is {n * 7919 % 10007}? {{#{n}}}" for n in range(3000))
    response = owner_client.post(reverse("quiz_import"), {"file": upload("big.gift", blocks)})
    assert response.status_code == 200
    assert 'name="payload"' not in response.content.decode()
    assert "use “Import now”" in page_text(response)


def test_an_altered_or_foreign_preview_imports_nothing(owner_client, client_for, other_teacher):
    preview = owner_client.post(reverse("quiz_import"), {"file": upload("a.gift", "::Q::x {T}")})
    payload = PAYLOAD.search(preview.content.decode()).group(1)
    response = owner_client.post(reverse("quiz_import_confirm"), {"payload": payload[:-2] + "xx"})
    assert response.status_code == 400
    assert "expired or was altered" in page_text(response)
    other_client = client_for(other_teacher)
    assert (
        other_client.post(reverse("quiz_import_confirm"), {"payload": payload}).status_code == 400
    )
    assert stored() == (0, 0)


def test_import_needs_a_login_and_a_csrf_token(teacher):
    response = Client().get(reverse("quiz_import"))
    assert response.status_code == 302 and "login" in response["Location"]
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(teacher)
    response = csrf_client.post(
        reverse("quiz_import"), {"file": upload("a.gift", "::Q::x {T}"), "import_now": "1"}
    )
    assert response.status_code == 403
    assert stored() == (0, 0)


# -- download -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "content_type", "extension"),
    [("json", "application/json", ".json"), ("gift", "text/plain; charset=utf-8", ".gift"),
     ("moodlexml", "application/xml", ".xml")],
)  # fmt: skip
def test_download_a_quiz_in_each_format(teacher, owner_client, name, content_type, extension):
    quiz = create_quiz(teacher, every_type_quiz("Géo: 1/2"), every_type_quiz()["questions"])
    response = owner_client.get(reverse("quiz_export", args=[quiz.pk, name]))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f"attachment; filename*=utf-8''G%C3%A9o_%201_2{extension}"
    )
    (data,) = parse(response.content, filename=f"x{extension}").quizzes
    assert [q["name"] for q in data["questions"]] == [
        q["name"] for q in as_written(quiz_data(quiz), name)["questions"]
    ]


def test_download_of_another_teachers_quiz_is_404_but_staff_see_it(
    teacher, owner_client, client_for, other_teacher, staff
):
    quiz = create_quiz(teacher, {"title": "Mine"}, every_type_quiz()["questions"])
    other_client = client_for(other_teacher)
    assert other_client.get(reverse("quiz_export", args=[quiz.pk, "gift"])).status_code == 404
    staff_client = client_for(staff)
    assert staff_client.get(reverse("quiz_export", args=[quiz.pk, "gift"])).status_code == 200
    assert owner_client.get(reverse("quiz_export", args=[quiz.pk, "csv"])).status_code == 404


def test_the_editor_links_to_the_downloads(teacher, owner_client):
    quiz = create_quiz(teacher, {"title": "Mine"}, every_type_quiz()["questions"])
    text = owner_client.get(reverse("quiz_editor", args=[quiz.pk])).content.decode()
    for name in ("json", "gift", "moodlexml"):
        assert reverse("quiz_export", args=[quiz.pk, name]) in text
    assert reverse("quiz_import") in owner_client.get(reverse("dashboard")).content.decode()
