"""Media over HTTP: uploading (teacher UI and API), serving (headers, 304, ranges, who may
read), and uploads under injected server errors (the failCommand fail point)."""

import io

import pytest
from django.contrib.messages import get_messages
from django.db import DatabaseError, connection
from pymongo.errors import PyMongoError

from quizzes import bank, media, operations
from quizzes.models import Question, QuestionVersion
from quizzes.tests.fixtures.plugin import token_client
from quizzes.tests.test_api.test_concurrency import race
from quizzes.tests.test_api.test_transactions import failing
from quizzes.tests.test_media import BAD_FILES, image_bytes, noisy_png, question_with, stored_count
from sessions_mw.outside import run_in_transaction

pytestmark = pytest.mark.django_db(transaction=True)

UPLOAD = "/media/upload/"
API_UPLOAD = "/api/v1/media/"


def get(client, url, **headers):
    """client.get(url), its body read: a streamed response holds the request's session
    until its body is done (sessions_mw), as a WSGI server reads it."""
    response = client.get(url, **headers)
    response.body = response.getvalue()
    return response


def upload_file(name, data):
    upload = io.BytesIO(data)
    upload.name = name
    return upload


@pytest.fixture
def picture(teacher):
    """A PNG of `teacher`'s, stored."""
    return media.store(teacher, "picture.png", noisy_png())


# -- the teacher UI's upload ------------------------------------------------------------
def test_a_teacher_uploads_an_image_and_gets_its_url(owner_client):
    data = image_bytes()
    response = owner_client.post(UPLOAD, {"file": upload_file("Cat photo.png", data)})
    assert response.status_code == 201
    body = response.json()
    assert body["url"] == f"/media/{body['sha256']}/Cat-photo.png"
    assert (body["name"], body["content_type"], body["size"]) == (
        "Cat-photo.png",
        "image/png",
        len(data),
    )
    assert get(owner_client, body["url"]).body == data


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_upload_is_refused_with_its_reason(owner_client, case):
    name, data, status, reason = BAD_FILES[case]
    response = owner_client.post(UPLOAD, {"file": upload_file(name, data)})
    assert response.status_code == status
    assert reason in response.json()["error"]
    assert stored_count() == (0, 0)


def test_an_upload_without_a_file_is_refused(owner_client):
    response = owner_client.post(UPLOAD, {})
    assert (response.status_code, response.json()) == (400, {"error": "Choose a file to upload."})


class Body:
    """A request body of `size` bytes that counts what is read of it."""

    def __init__(self, size):
        self.size = size
        self.read_bytes = 0

    def read(self, size=-1):
        size = self.size - self.read_bytes if size is None or size < 0 else size
        size = min(size, self.size - self.read_bytes)
        self.read_bytes += size
        return b"x" * size

    def readline(self, size=-1):
        return self.read(size)


@pytest.mark.parametrize("url", [UPLOAD, API_UPLOAD])
def test_a_50_mib_upload_is_refused_before_its_body_is_read(teacher, client_for, url):
    body = Body(50 * 2**20)
    client = client_for(teacher) if url == UPLOAD else token_client(teacher)
    response = client.generic(
        "POST",
        url,
        b"",
        content_type="multipart/form-data; boundary=BOUNDARY",
        CONTENT_LENGTH=str(body.size),
        **{"wsgi.input": body},
    )
    assert response.status_code == 413
    assert body.read_bytes == 0
    assert stored_count() == (0, 0)


@pytest.mark.parametrize("url", [UPLOAD, API_UPLOAD])
def test_reading_a_file_stops_at_the_limit(teacher, client_for, settings, url):
    """A Content-Length within the envelope's slack: the upload handler stops the file."""
    settings.MEDIA_MAX_BYTES = 20_000
    client = client_for(teacher) if url == UPLOAD else token_client(teacher)
    response = client.post(
        url, {"file": upload_file("big.png", noisy_png(100))}, format="multipart"
    )
    assert response.status_code == 413
    assert "too large" in (response.json().get("error") or response.json()["detail"])
    assert stored_count() == (0, 0)


def test_uploads_are_for_signed_in_teachers_with_a_csrf_token(client_for, teacher):
    anonymous = client_for(None).post(UPLOAD, {"file": upload_file("x.png", image_bytes())})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    strict = client_for(teacher, enforce_csrf_checks=True)
    forged = strict.post(UPLOAD, {"file": upload_file("x.png", image_bytes())})
    assert forged.status_code == 403
    assert stored_count() == (0, 0)


def test_a_plain_form_post_goes_back_to_next_with_a_message(owner_client):
    ok = owner_client.post(UPLOAD, {"file": upload_file("x.png", image_bytes()), "next": "/bank/"})
    assert (ok.status_code, ok["Location"]) == (302, "/bank/")
    assert "Uploaded: /media/" in [str(m) for m in get_messages(ok.wsgi_request)][-1]
    bad = owner_client.post(UPLOAD, {"file": upload_file("x.png", b"<html>"), "next": "/bank/"})
    assert bad.status_code == 302
    assert "not an image" in [str(m) for m in get_messages(bad.wsgi_request)][-1]
    elsewhere = owner_client.post(
        UPLOAD, {"file": upload_file("x.png", image_bytes()), "next": "https://evil.example/"}
    )
    assert elsewhere.status_code == 201


# -- the API's upload -------------------------------------------------------------------
def test_the_api_upload_answers_an_absolute_url(api):
    data = image_bytes("GIF")
    response = api.post(API_UPLOAD, {"file": upload_file("anim.gif", data)}, format="multipart")
    assert response.status_code == 201
    body = response.json()
    assert body["url"] == f"http://testserver/media/{body['sha256']}/anim.gif"
    assert (body["content_type"], body["size"]) == ("image/gif", len(data))


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("html renamed png", "unsupported_media_type"),
        ("svg with script", "invalid"),
        ("truncated png", "invalid"),
    ],
)
def test_the_api_refuses_a_bad_file_as_a_problem(api, case, code):
    name, data, status, reason = BAD_FILES[case]
    response = api.post(API_UPLOAD, {"file": upload_file(name, data)}, format="multipart")
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == f"urn:openquizz:problem:{code}"
    assert reason in (problem["errors"]["file"][0] if code == "invalid" else problem["detail"])
    assert stored_count() == (0, 0)


def test_the_api_refuses_over_quota_as_413(api, settings):
    settings.MEDIA_QUOTA_BYTES = 10
    response = api.post(
        API_UPLOAD, {"file": upload_file("x.png", image_bytes())}, format="multipart"
    )
    assert response.status_code == 413
    assert "storage quota" in response.json()["detail"]


def test_the_api_upload_needs_credentials(client_for):
    response = token_client(None).post(
        API_UPLOAD, {"file": upload_file("x.png", image_bytes())}, format="multipart"
    )
    assert response.status_code in (401, 403)
    assert stored_count() == (0, 0)


# -- serving ---------------------------------------------------------------------------
def test_a_file_is_served_with_immutable_caching_and_safe_headers(owner_client, picture):
    response = get(owner_client, picture.url)
    assert response.status_code == 200
    assert response.body == media.bucket().open_download_stream_by_name("picture.png").read()
    assert response["Content-Type"] == "image/png"
    assert response["ETag"] == f'"{picture.sha256}"'
    assert response["Cache-Control"] == "private, max-age=31536000, immutable"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'inline; filename="picture.png"'
    assert response["Content-Security-Policy"] == media_csp()
    assert response["Content-Length"] == str(picture.size)


def media_csp():
    from quizzes.views.media import MEDIA_CSP

    return MEDIA_CSP


def test_a_cached_copy_is_revalidated_with_304(owner_client, picture):
    for tag in (f'"{picture.sha256}"', f'W/"{picture.sha256}"', f'"other", "{picture.sha256}"'):
        response = get(owner_client, picture.url, HTTP_IF_NONE_MATCH=tag)
        assert (response.status_code, response.content) == (304, b"")
        assert response["ETag"] == f'"{picture.sha256}"'
    assert get(owner_client, picture.url, HTTP_IF_NONE_MATCH='"other"').status_code == 200


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [("bytes=0-99", 0, 99), ("bytes=100-", 100, None), ("bytes=-50", -50, None)],
)
def test_a_single_range_is_served_as_206(owner_client, picture, header, start, end):
    data = get(owner_client, picture.url).body
    response = get(owner_client, picture.url, HTTP_RANGE=header)
    assert response.status_code == 206
    expected = data[start : None if end is None else end + 1]
    assert response.body == expected
    first = start % len(data)
    assert response["Content-Range"] == f"bytes {first}-{first + len(expected) - 1}/{len(data)}"


def test_a_range_across_chunks_is_served(teacher, owner_client):
    stored = media.store(teacher, "big.png", noisy_png(600))
    data = get(owner_client, stored.url).body
    start = media.CHUNK_SIZE - 10
    response = get(owner_client, stored.url, HTTP_RANGE=f"bytes={start}-{start + 19}")
    assert response.body == data[start : start + 20]


def test_an_unsatisfiable_range_is_416_and_other_ranges_get_everything(owner_client, picture):
    for header in (f"bytes={picture.size}-", "bytes=5-2", "bytes=x-y", "bytes=-"):
        response = get(owner_client, picture.url, HTTP_RANGE=header)
        assert response.status_code == 416, header
        assert response["Content-Range"] == f"bytes */{picture.size}"
    for header in ("bytes=0-1,5-6", "items=0-1"):
        assert get(owner_client, picture.url, HTTP_RANGE=header).status_code == 200
    stale = get(owner_client, picture.url, HTTP_RANGE="bytes=0-1", HTTP_IF_RANGE='"old"')
    assert stale.status_code == 200


def test_who_gets_a_drafts_image(picture, client_for, other_teacher, staff, make_quiz):
    quiz = make_quiz("Draft", [question_with(picture.url)])
    assert get(client_for(None), picture.url).status_code == 404
    assert get(client_for(other_teacher), picture.url).status_code == 404
    assert get(client_for(staff), picture.url).status_code == 200
    operations.publish_quiz(quiz)
    anyone = get(client_for(None), picture.url)
    assert anyone.status_code == 200
    assert anyone["Cache-Control"] == "public, max-age=31536000, immutable"
    assert get(client_for(other_teacher), picture.url).status_code == 200


def test_unknown_files_and_bad_urls_are_404(owner_client, picture):
    assert get(owner_client, f"/media/{'0' * 64}/picture.png").status_code == 404
    assert get(owner_client, f"/media/{picture.sha256[:-1]}/picture.png").status_code == 404
    assert owner_client.post(picture.url).status_code == 405


# -- transactions ----------------------------------------------------------------------
def test_an_upload_retried_after_a_transient_error_is_stored_once(api, mongo_client):
    data = image_bytes()
    # The chunks are inserted, then the file document fails: the transaction runs again.
    with failing(mongo_client, "insert", {"skip": 1, "times": 1}, transient=True) as reached:
        response = api.post(API_UPLOAD, {"file": upload_file("x.png", data)}, format="multipart")
    assert reached["count"] >= 1
    assert response.status_code == 201, response.content
    assert stored_count() == (1, 1)


def test_a_failed_commit_is_retried_and_stores_once(api, mongo_client):
    with failing(mongo_client, "commitTransaction", {"times": 1}, transient=True):
        response = api.post(
            API_UPLOAD, {"file": upload_file("x.png", image_bytes())}, format="multipart"
        )
    assert response.status_code == 201, response.content
    assert stored_count() == (1, 1)


def test_an_error_mid_upload_leaves_no_orphan_chunks(api, mongo_client):
    api.raise_request_exception = False
    with failing(mongo_client, "insert", {"skip": 1}, transient=False):
        response = api.post(
            API_UPLOAD, {"file": upload_file("x.png", noisy_png(600))}, format="multipart"
        )
    assert response.status_code == 500
    assert stored_count() == (0, 0)


def save_question_with_image(owner, data):
    """One transaction: the image stored, then a bank question showing it."""

    def work():
        stored = media.store(owner, "x.png", data)
        category = bank.default_category(owner, "Pictures")
        return bank.create_question(owner, category, question_with(stored.url))

    return run_in_transaction(work)


@pytest.mark.parametrize("skip", [1, 3, 4])  # file document, question, its version 1
def test_a_question_saved_with_a_new_image_has_both_or_neither(teacher, mongo_client, skip):
    data = noisy_png(600)
    with (
        failing(mongo_client, "insert", {"skip": skip}, transient=False),
        pytest.raises((DatabaseError, PyMongoError)),
    ):
        save_question_with_image(teacher, data)
    assert stored_count() == (0, 0)
    assert not Question.objects.exists() and not QuestionVersion.objects.exists()
    with failing(mongo_client, "insert", {"skip": skip, "times": 1}, transient=True):
        question = save_question_with_image(teacher, data)
    assert stored_count() == (1, media.chunks().count_documents({}))
    assert Question.objects.get().media == [media.files().find_one()["metadata"]["sha256"]]
    assert question.media == Question.objects.get().media
    assert connection.session is None or not connection.session.in_transaction


def test_the_delivered_learner_payload_carries_absolute_media_urls(picture, make_quiz, client_for):
    quiz = make_quiz("With a picture", [question_with(picture.url)])
    operations.publish_quiz(quiz)
    learner = token_client(None)
    published = learner.get(f"/api/v1/published/{quiz.pk}/").json()
    absolute = f'src="http://testserver{picture.url}"'
    assert absolute in published["questions"][0]["text_html"]
    assert published["questions"][0]["text"].endswith(f"({picture.url})")  # the source as typed
    started = learner.post(f"/api/v1/published/{quiz.pk}/attempts/", {"name": "Ada"}).json()
    assert absolute in started["questions"][0]["text_html"]
    assert get(client_for(None), picture.url).status_code == 200


def test_racing_uploads_of_the_same_bytes_store_one_copy(teacher):
    data = noisy_png(300)
    clients = [token_client(teacher) for _ in range(4)]
    responses = race(
        4,
        lambda i: clients[i].post(
            API_UPLOAD, {"file": upload_file(f"{i}.png", data)}, format="multipart"
        ),
    )
    assert [response.status_code for response in responses] == [201] * 4
    assert len({response.json()["url"] for response in responses}) == 1
    assert stored_count() == (1, media.chunks().count_documents({}))


def test_a_name_in_any_script_is_served(teacher, owner_client):
    stored = media.store(teacher, "Schéma.png", image_bytes())
    response = get(owner_client, stored.url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == "inline; filename*=utf-8''Sch%C3%A9ma.png"


def test_head_answers_the_headers_alone(owner_client, picture):
    response = owner_client.head(picture.url)
    assert response.status_code == 200
    assert response["Content-Length"] == str(picture.size)
    assert response.content == b""
    assert response["ETag"] == f'"{picture.sha256}"'
