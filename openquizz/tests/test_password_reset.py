"""Password reset by email: sent through the configured backend, or "could not send".

Real mail transports only: Django's locmem backend, a real SMTP conversation
with a small SMTP server run by the test, and a real connection refused by a
closed port.
"""

import re
import socketserver
import threading

import pytest
from django.contrib.auth.models import User
from django.core import mail

from openquizz.mongod import free_port
from openquizz.tests.test_settings import PRODUCTION, run_django

pytestmark = pytest.mark.django_db

RESET = "/accounts/password_reset/"
NOT_SENT = "We could not send the email. Please try again later."
NEW_PASSWORD = "a-new-password-for-ada-42"


@pytest.fixture
def ada(db):
    return User.objects.create_user("ada", "ada@example.org", "the-old-password-42")


class SMTPSink(socketserver.StreamRequestHandler):
    """Just enough of SMTP (RFC 5321) for smtplib: every message is kept."""

    def handle(self):
        self.reply("220 sink")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb == b"DATA":
                self.reply("354 end with .")
                self.server.messages.append(self.read_data())
                self.reply("250 kept")
            elif verb == b"QUIT":
                self.reply("221 bye")
                return
            elif verb == b"RCPT" and self.server.refuse:
                self.reply("550 no such mailbox")
            else:  # EHLO, MAIL, RCPT, RSET, NOOP
                self.reply("250 ok")

    def read_data(self):
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line)
        return b"".join(lines).decode()

    def reply(self, text):
        self.wfile.write(text.encode() + b"\r\n")


@pytest.fixture
def smtp_server():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SMTPSink)
    server.daemon_threads = True
    server.messages, server.refuse = [], False
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def use_smtp(settings, port):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5


def reset_link(text):
    return re.search(r"https?://testserver(/accounts/reset/\S+/)", text)[1]


def test_the_login_page_links_to_the_reset(client):
    assert RESET in client.get("/accounts/login/").content.decode()


def test_a_reset_by_email_sets_a_new_password(client, ada):
    response = client.post(RESET, {"email": "ada@example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password_reset/done/"
    [message] = mail.outbox
    assert message.to == ["ada@example.org"]
    assert "OpenQuizz" in message.subject and "ada" in message.body
    form = client.get(reset_link(message.body), follow=True)
    assert b"Choose a new password" in form.content
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done["Location"] == "/accounts/reset/done/"
    assert User.objects.get(pk=ada.pk).check_password(NEW_PASSWORD)
    # A link works once.
    assert b"no longer valid" in client.get(reset_link(message.body), follow=True).content


def test_an_unknown_address_looks_the_same_and_sends_nothing(client, ada):
    response = client.post(RESET, {"email": "nobody@example.org"})
    assert response["Location"] == "/accounts/password_reset/done/"
    assert mail.outbox == []


def test_the_email_goes_by_smtp(client, ada, settings, smtp_server):
    use_smtp(settings, smtp_server.server_address[1])
    response = client.post(RESET, {"email": "ada@example.org"})
    assert response.status_code == 302
    [message] = smtp_server.messages
    assert "To: ada@example.org" in message
    assert "/accounts/reset/" in message


@pytest.mark.parametrize("email", ["ada@example.org", "nobody@example.org"])
def test_a_mail_server_that_cannot_be_reached_is_said(client, ada, settings, email, caplog):
    use_smtp(settings, free_port())  # nothing listens there: connection refused
    response = client.post(RESET, {"email": email})
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert NOT_SENT in response.content.decode()
    assert "Password reset: the email could not be sent" in caplog.text


def test_a_refusal_after_connecting_is_said(client, ada, settings, smtp_server):
    """The server accepts the connection, then refuses the recipient."""
    smtp_server.refuse = True
    use_smtp(settings, smtp_server.server_address[1])
    response = client.post(RESET, {"email": "ada@example.org"})
    assert response.status_code == 503
    assert NOT_SENT in response.content.decode()
    assert smtp_server.messages == []


def test_console_in_development_smtp_in_production():
    code = (
        "from django.conf import settings as s; "
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, "
        "s.EMAIL_HOST_USER, s.DEFAULT_FROM_EMAIL, sep='|')"
    )
    development = run_django({}, "shell", "-c", code)
    assert development.returncode == 0, development.stderr
    assert (
        development.stdout.strip()
        .splitlines()[-1]
        .startswith("django.core.mail.backends.console.EmailBackend|")
    )
    production = run_django(
        {
            **PRODUCTION,
            "DJANGO_EMAIL_HOST": "smtp.example.org",
            "DJANGO_EMAIL_PORT": "587",
            "DJANGO_EMAIL_USE_TLS": "1",
            "DJANGO_EMAIL_HOST_USER": "quiz",
            "DJANGO_EMAIL_FROM": "OpenQuizz <quiz@example.org>",
        },
        "shell", "-c", code,
    )  # fmt: skip
    assert production.returncode == 0, production.stderr
    assert production.stdout.strip().splitlines()[-1] == (
        "django.core.mail.backends.smtp.EmailBackend|smtp.example.org|587|True|quiz|"
        "OpenQuizz <quiz@example.org>"
    )
