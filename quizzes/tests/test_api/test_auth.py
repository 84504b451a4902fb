"""POST /api/v1/auth/token/ and token authentication."""

import pytest
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token

from quizzes.tests.test_api.conftest import assert_problem

pytestmark = pytest.mark.django_db

URL = "/api/v1/auth/token/"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def user(db):
    return User.objects.create_user("ada", password=PASSWORD)


def test_username_and_password_give_the_users_token(anonymous, user):
    response = anonymous.post(URL, {"username": "ada", "password": PASSWORD})
    assert response.status_code == 200, response.content
    token = response.json()["token"]
    assert token == Token.objects.get(user=user).key
    assert anonymous.post(URL, {"username": "ada", "password": PASSWORD}).json() == {"token": token}
    anonymous.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert anonymous.get("/api/v1/quizzes/").status_code == 200


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"username": "ada", "password": "wrong"}, {"non_field_errors"}),
        ({"username": "nobody", "password": PASSWORD}, {"non_field_errors"}),
        ({"username": "ada"}, {"password"}),
        ({}, {"username", "password"}),
        ({"username": "ada", "password": PASSWORD, "remember": True}, {"remember"}),
        ({"username": ["ada"], "password": PASSWORD}, {"username"}),
    ],
)
def test_bad_credentials_are_a_problem_and_create_no_token(anonymous, user, body, fields):
    response = anonymous.post(URL, body)
    assert set(assert_problem(response, 400, "invalid")["errors"]) == fields
    assert not Token.objects.exists()


def test_inactive_users_get_no_token(anonymous, user):
    user.is_active = False
    user.save()
    assert_problem(anonymous.post(URL, {"username": "ada", "password": PASSWORD}), 400)


def test_password_guessing_is_throttled(settings, anonymous, user):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"delivery": "9/min", "attempts": "9/min", "auth": "3/min"},
    }
    for guess in range(3):
        anonymous.post(URL, {"username": "ada", "password": f"guess {guess}"})
    response = anonymous.post(URL, {"username": "ada", "password": PASSWORD})
    assert_problem(response, 429, "throttled")
    assert "Retry-After" in response
    assert not Token.objects.exists()


def test_a_bad_token_is_401_even_where_anonymous_callers_are_welcome(anonymous):
    anonymous.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert_problem(anonymous.get("/api/v1/quizzes/"), 401, "authentication_failed")
    assert_problem(anonymous.get("/api/v1/published/"), 401, "authentication_failed")


def test_no_credentials_is_401_with_the_scheme_to_use(anonymous):
    response = anonymous.get("/api/v1/quizzes/")
    assert_problem(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"
