"""The app under ASGI (README "Serving under ASGI"): `make run` and the Docker image serve
it with uvicorn, and every page answers under uvicorn as under WSGI."""

import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from quizzes.tests import asgi_server
from quizzes.tests.fixtures.plugin import questions_of

ROOT = Path(settings.BASE_DIR)
QUESTIONS = [
    {
        "type": "truefalse",
        "name": "Q1",
        "text": "Water boils at 100 °C at sea level.",
        "answers": [{"text": "true", "fraction": 100}, {"text": "false", "fraction": 0}],
    }
]
# Headers every page carries, whichever server sends it.
SAME_HEADERS = ("Content-Type", "Content-Security-Policy", "X-Frame-Options", "Cache-Control")


def recipe(target):
    """The commands of a Makefile target, continuation lines joined."""
    text = (ROOT / "Makefile").read_text().replace("\\\n", " ")
    match = re.search(rf"^{target}:.*\n((?:\t.*\n)+)", text, re.MULTILINE)
    return match.group(1)


def test_make_run_and_the_image_serve_the_asgi_application():
    assert "uvicorn openquizz.asgi:application" in recipe("run")
    assert "runserver" not in recipe("run")
    command = [
        line for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("CMD")
    ]
    assert len(command) == 1
    assert "gunicorn" in command[0]
    assert "openquizz.asgi:application" in command[0]
    assert "--worker-class uvicorn_worker.UvicornWorker" in command[0]


def fetch(url, cookie):
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310 (loopback)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.mark.django_db(transaction=True)
def test_every_page_answers_under_uvicorn_as_under_wsgi(client_for, teacher, make_quiz, recwarn):
    quiz = make_quiz("Same", QUESTIONS)
    question = questions_of(quiz)[0]
    client = client_for(teacher)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    pages = [
        "/",
        f"/quizzes/{quiz.pk}/",
        f"/quizzes/{quiz.pk}/edit/",
        f"/quizzes/{quiz.pk}/questions/{question.pk}/edit/",
        f"/quizzes/{quiz.pk}/history/",
        f"/quizzes/{quiz.pk}/results/export.csv",
        f"/quizzes/{quiz.pk}/export/json/",
        "/bank/",
        f"/quizzes/{'0' * 24}/",
        "/healthz",
        "/api/v1/quizzes/",
        "/accounts/login/",
    ]
    with asgi_server.in_thread() as base_url:
        for page in pages:
            wsgi = client.get(page)
            status, headers, body = fetch(base_url + page, cookie)
            assert status == wsgi.status_code, page
            for name in SAME_HEADERS:
                assert headers.get(name) == wsgi.headers.get(name), (page, name)
            if page.endswith((".csv", "json/")):
                expected = b"".join(wsgi.streaming_content) if wsgi.streaming else wsgi.content
                assert body == expected, page
    # Synchronous streaming bodies (the exports) were sent as read, not read whole first.
    assert not [w for w in recwarn if "consume synchronous iterators" in str(w.message)]
