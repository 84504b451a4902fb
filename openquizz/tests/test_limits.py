"""Limits counted in MongoDB (openquizz.limits): shared by processes, not fooled by
X-Forwarded-For, and failed sign-ins locked per account and per address."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from openquizz import limits
from openquizz.models import Counter
from quizzes.tests.test_api.conftest import assert_problem
from sessions_mw.tests.conftest import CommandRecorder, backend_client_with

pytestmark = pytest.mark.django_db

BASE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token/"
LOCKED = "Too many failed sign-in attempts"


def expire(key):
    """Move `key`'s expiry into the past, as if its period had passed."""
    limits.collection().update_one(
        {"_id": key}, {"$set": {"expires": limits.now() - timedelta(seconds=1)}}
    )


def sign_in(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def signed_in(response):
    return response.status_code == 302 and "_auth_user_id" in response.client.session


@pytest.fixture(autouse=True)
def _quick_password_checks(settings):
    """Each failed sign-in runs the password hasher: a quick one, as Django advises for tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def low_auth_rate(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"delivery": "9/min", "attempts": "9/min", "auth": "3/min"},
    }
    return settings


# -- the counters ---------------------------------------------------------------------
def test_a_counter_counts_until_it_expires_then_starts_again():
    first, expires = limits.hit("k", 60)
    assert first == 1
    assert timedelta(seconds=59) < expires - limits.now() <= timedelta(seconds=60)
    assert limits.hit("k", 60) == (2, expires)  # the window does not move
    assert limits.count("k") == (2, expires)
    expire("k")
    assert limits.count("k") == (0, None)  # expired: ignored before the TTL monitor runs
    assert limits.hit("k", 60)[0] == 1


def test_extend_restarts_the_cool_off_with_each_event():
    _n, first = limits.hit("k", 60, extend=True)
    limits.collection().update_one(
        {"_id": "k"}, {"$set": {"expires": first - timedelta(seconds=30)}}
    )
    n, second = limits.hit("k", 60, extend=True)
    assert n == 2
    assert second - limits.now() > timedelta(seconds=59)


def test_counters_have_a_ttl_index_and_are_plain_documents():
    indexes = limits.collection().index_information()
    assert indexes["limits_expires"]["expireAfterSeconds"] == 0
    limits.hit("k", 60)
    assert limits.collection().find_one({"_id": "k"}).keys() == {"_id", "n", "expires"}
    assert Counter.objects.get(pk="k").n == 1


def test_counters_are_written_outside_the_requests_transaction(low_auth_rate, client):
    """A failed token request answers 400, which aborts its transaction: it still counts."""
    api = APIClient()
    for _ in range(3):
        assert api.post(TOKEN, {"username": "ada", "password": "x"}).status_code == 400
    assert limits.count("rate:auth:127.0.0.1")[0] == 3
    assert limits.count("sign-in:account:ada")[0] == 3


class CounterWrites(CommandRecorder):
    """The findAndModify commands a client started (CommandRecorder leaves them out)."""

    def started(self, event):
        if event.command_name == "findAndModify":
            self.commands.append((event.command_name, dict(event.command)))


def test_request_rates_are_acknowledged_by_the_primary_and_sign_ins_by_the_majority(
    low_auth_rate,
):
    recorder = CounterWrites()
    with backend_client_with(recorder):
        APIClient().post(TOKEN, {"username": "ada", "password": "x"})
    concerns = {
        command["query"]["_id"].split(":")[0]: command.get("writeConcern")
        for command in recorder.named("findAndModify")
    }
    assert concerns == {"rate": {"w": 1}, "sign-in": None}


# -- several processes count together -----------------------------------------------------
ANOTHER_PROCESS = """
import django
django.setup()
from django.conf import settings
from django.db import connections
connections["default"].settings_dict["NAME"] = {name!r}
from rest_framework.test import APIClient
api = APIClient()
print([api.post("/api/v1/auth/token/", {{"username": "ada", "password": "x"}}).status_code
       for _ in range(3)])
"""


def test_requests_of_another_process_count_here(low_auth_rate):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "openquizz.settings"}
    env["DJANGO_ALLOWED_HOSTS"] = "testserver"
    code = ANOTHER_PROCESS.format(name=connection.settings_dict["NAME"])
    # The other process has the default rate (10/min): its 3 requests pass there.
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True,
        timeout=120, check=True,
    )  # fmt: skip
    assert done.stdout.strip() == "[400, 400, 400]", done.stderr
    # Here the rate is 3/min: the other process's requests used it up.
    assert_problem(APIClient().post(TOKEN, {"username": "ada", "password": "x"}), 429, "throttled")


# -- client addresses ---------------------------------------------------------------------
def test_x_forwarded_for_is_ignored_without_trusted_proxies(low_auth_rate):
    assert django_settings.TRUSTED_PROXIES == 0
    api = APIClient()
    statuses = [
        api.post(
            TOKEN, {"username": "ada", "password": "x"}, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}"
        ).status_code
        for n in range(4)
    ]
    assert statuses == [400, 400, 400, 429]


def test_behind_one_trusted_proxy_the_address_it_saw_counts(low_auth_rate):
    low_auth_rate.REST_FRAMEWORK = {**low_auth_rate.REST_FRAMEWORK, "NUM_PROXIES": 1}
    api = APIClient()

    def post(forwarded):
        return api.post(
            TOKEN, {"username": f"u{forwarded}", "password": "x"}, HTTP_X_FORWARDED_FOR=forwarded
        ).status_code

    # The client may prepend what it likes: the proxy appends the address it saw.
    assert [post(f"6.6.6.{n}, 10.0.0.1") for n in range(4)] == [400, 400, 400, 429]
    assert post("10.0.0.2") == 400  # another client behind the same proxy


def test_a_bad_number_of_trusted_proxies_stops_start_up():
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env["DJANGO_TRUSTED_PROXIES"] = "one"
    done = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=BASE_DIR, env=env, capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode != 0
    assert "DJANGO_TRUSTED_PROXIES must be a whole number >= 0, not 'one'." in done.stderr


# -- sign-in lockout: the login form ---------------------------------------------------
def test_the_login_form_locks_an_account_after_five_failures(client, teacher, teacher_password):
    for guess in range(5):
        response = sign_in(client, "teacher", f"guess {guess}")
        assert response.status_code == 200
        assert LOCKED not in response.content.decode()
    response = sign_in(client, "teacher", teacher_password)
    assert not signed_in(response)
    assert LOCKED in response.content.decode()
    assert "Wait 15 minute(s)" in response.content.decode()
    expire("sign-in:account:teacher")
    assert signed_in(sign_in(client, "teacher", teacher_password))


def test_a_locked_unknown_account_reads_like_a_locked_known_one(client, teacher):
    for guess in range(6):
        known = sign_in(client, "teacher", f"guess {guess}")
        unknown = sign_in(client, "nobody", f"guess {guess}")
    assert LOCKED in known.content.decode()
    assert LOCKED in unknown.content.decode()


def test_usernames_count_whatever_their_case(client, teacher, teacher_password):
    for guess in range(5):
        sign_in(client, "Teacher" if guess % 2 else "TEACHER", f"guess {guess}")
    assert LOCKED in sign_in(client, "teacher", teacher_password).content.decode()


def test_a_success_clears_the_accounts_failures(client, teacher, teacher_password):
    for guess in range(4):
        sign_in(client, "teacher", f"guess {guess}")
    assert signed_in(sign_in(client, "teacher", teacher_password))
    client.logout()
    for guess in range(4):
        sign_in(client, "teacher", f"again {guess}")
    assert signed_in(sign_in(client, "teacher", teacher_password))


def test_an_address_is_locked_after_twenty_failures_on_any_accounts(
    client, client_for, teacher, teacher_password
):
    for guess in range(20):
        sign_in(client, f"user{guess}", "guess")
    assert LOCKED in sign_in(client, "teacher", teacher_password).content.decode()
    # Another address is not locked, and the account itself was never guessed at.
    other = client_for(None, REMOTE_ADDR="192.0.2.7")
    assert signed_in(sign_in(other, "teacher", teacher_password))


# -- sign-in lockout: the token endpoint -------------------------------------------------
def test_the_token_endpoint_shares_the_accounts_lockout(client, teacher, teacher_password):
    for guess in range(3):
        sign_in(client, "teacher", f"guess {guess}")
    api = APIClient()
    for guess in range(2):
        assert api.post(TOKEN, {"username": "teacher", "password": f"t{guess}"}).status_code == 400
    response = api.post(TOKEN, {"username": "teacher", "password": teacher_password})
    problem = assert_problem(response, 429, "throttled")
    assert LOCKED in problem["detail"]
    assert 0 < int(response["Retry-After"]) <= 15 * 60
    assert not Token.objects.exists()


# -- password reset requests ---------------------------------------------------------
RESET = "/accounts/password_reset/"
RESETS_LIMITED = "Too many password reset requests"


def test_password_resets_are_limited_per_email_whether_it_is_anyones(client, mailoutbox):
    from django.contrib.auth.models import User

    User.objects.create_user("ada", "ada@example.org", "an-old-password-42")
    for email in ("ada@example.org", "nobody@example.org"):
        statuses = [client.post(RESET, {"email": email}).status_code for _ in range(4)]
        assert statuses == [302, 302, 302, 429]
    refused = client.post(RESET, {"email": "ADA@example.org"})
    assert refused.status_code == 429
    assert RESETS_LIMITED in refused.content.decode()
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert len(mailoutbox) == 3  # ada's three; nobody's got none, as before the limit


def test_password_resets_are_limited_per_address(client, client_for):
    statuses = [
        client.post(RESET, {"email": f"user{n}@example.org"}).status_code for n in range(11)
    ]
    assert statuses == [302] * 10 + [429]
    other = client_for(None, REMOTE_ADDR="192.0.2.7")
    assert other.post(RESET, {"email": "user0@example.org"}).status_code == 302
