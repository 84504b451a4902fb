"""Settings come from the environment; production refuses unsafe defaults."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

BASE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_django(extra_env, *args):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_development_defaults():
    assert settings.DATABASES["default"]["ENGINE"] == "django_mongodb_backend"
    assert settings.DEFAULT_AUTO_FIELD == "django_mongodb_backend.fields.ObjectIdAutoField"


def test_production_refuses_development_secret_key():
    result = run_django({"DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": "quiz.example.org"}, "check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_production_refuses_empty_allowed_hosts():
    result = run_django({"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 60}, "check")
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS is empty" in result.stderr


@pytest.mark.parametrize("name", ["openquizz", "other_db"])
def test_database_name_from_environment(name):
    code = "from django.conf import settings; print(settings.DATABASES['default']['NAME'])"
    result = run_django({"MONGODB_NAME": name}, "shell", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == name


# The least environment production settings start with.
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-production-secret-" + "k" * 50,
    "DJANGO_ALLOWED_HOSTS": "quiz.example.org",
}


def test_check_deploy_is_clean_in_production():
    result = run_django(PRODUCTION, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_driver_timeouts_and_request_budget_from_environment():
    code = (
        "from django.conf import settings; "
        "print(sorted(settings.DATABASES['default']['OPTIONS'].items()), "
        "settings.MONGO_SESSIONS['REQUEST_TIMEOUT'])"
    )
    environment = {"MONGODB_CONNECT_TIMEOUT_MS": "1500", "MONGODB_SOCKET_TIMEOUT_MS": "0"}
    result = run_django({**environment, "MONGODB_REQUEST_TIMEOUT_MS": "0"}, "shell", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        "[('connectTimeoutMS', 1500), ('heartbeatFrequencyMS', 2000), "
        "('serverSelectionTimeoutMS', 15000)] None"
    )
    assert settings.MONGO_SESSIONS["REQUEST_TIMEOUT"] == 10.0


@pytest.mark.parametrize("url_name", ["api:quiz-import", "quiz_import", "quiz_import_confirm"])
def test_imports_run_without_a_request_budget(url_name):
    """They store a large file in batches within one request (README "Failover")."""
    from django.urls import resolve, reverse

    from sessions_mw.decorators import TIMEOUT_ATTRIBUTE, view_mark

    view = resolve(reverse(url_name)).func
    assert view_mark(view, "POST", TIMEOUT_ATTRIBUTE, "budget") is None
    assert view_mark(resolve("/api/v1/quizzes/").func, "POST", TIMEOUT_ATTRIBUTE, "x") == "x"


def test_secrets_from_files(tmp_path):
    """DJANGO_SECRET_KEY_FILE and MONGODB_PASSWORD_FILE (Docker secrets) stand for the values."""
    key, password = tmp_path / "key", tmp_path / "password"
    key.write_text("a-production-secret-from-a-file-" + "f" * 40 + "\n")
    password.write_text("mongo-password\n")
    environment = {
        **PRODUCTION,
        "DJANGO_SECRET_KEY": "",
        "DJANGO_SECRET_KEY_FILE": str(key),
        "MONGODB_USERNAME": "openquizz",
        "MONGODB_PASSWORD_FILE": str(password),
    }
    code = (
        "from django.conf import settings; db = settings.DATABASES['default']; "
        "print(settings.SECRET_KEY, db['USER'], db['PASSWORD'])"
    )
    result = run_django(environment, "shell", "-c", code)
    assert result.returncode == 0, result.stderr
    printed = result.stdout.strip().splitlines()[-1].split()
    assert printed == [key.read_text().strip(), "openquizz", "mongo-password"]


def test_bench_switches_remove_the_session_middleware_and_transactions():
    code = (
        "from django.conf import settings; "
        "print('sessions_mw.middleware.MongoSessionMiddleware' in settings.MIDDLEWARE, "
        "settings.MONGO_SESSIONS.get('TRANSACTION_METHODS'))"
    )
    default = run_django({}, "shell", "-c", code)
    assert default.returncode == 0, default.stderr
    assert default.stdout.strip().splitlines()[-1] == "True None"
    switched = {
        "OPENQUIZZ_BENCH_WITHOUT_SESSION_MIDDLEWARE": "1",
        "OPENQUIZZ_BENCH_WITHOUT_TRANSACTIONS": "1",
    }
    result = run_django(switched, "shell", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False []"
