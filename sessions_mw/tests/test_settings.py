"""MONGO_SESSIONS validation and the middleware-order system checks."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from pymongo.read_concern import ReadConcern
from pymongo.read_preferences import Primary
from pymongo.write_concern import WriteConcern

from sessions_mw.checks import check_middleware_order
from sessions_mw.conf import DEFAULTS, SessionSettings, get_settings

MIDDLEWARE = "sessions_mw.middleware.MongoSessionMiddleware"
SESSIONS = "django.contrib.sessions.middleware.SessionMiddleware"
CSRF = "django.middleware.csrf.CsrfViewMiddleware"


def test_defaults_are_design_md_section_4():
    parsed = SessionSettings.from_dict({})

    assert parsed.causal_consistency is True
    assert parsed.transaction_methods == {"POST", "PUT", "PATCH", "DELETE"}
    assert parsed.abort_on_status == 400
    options = parsed.transaction_options
    assert options.read_concern == ReadConcern("majority")
    assert options.write_concern == WriteConcern(w="majority")
    assert options.read_preference == Primary()
    assert options.max_commit_time_ms is None
    assert parsed.causal_token_header == "X-Causal-Token"


def test_project_settings_are_valid():
    assert isinstance(get_settings(), SessionSettings)


def test_settings_are_read_again_when_they_change(settings):
    settings.MONGO_SESSIONS = {"ABORT_ON_STATUS": 500}

    assert get_settings().abort_on_status == 500


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("CAUSAL_CONSISTENCY", "yes"),
        ("TRANSACTION_METHODS", "POST"),
        ("TRANSACTION_METHODS", ["POST", "NOT A METHOD"]),
        ("ABORT_ON_STATUS", "400"),
        ("ABORT_ON_STATUS", 99),
        ("ABORT_ON_STATUS", True),
        ("READ_CONCERN", "linearizable"),
        ("WRITE_CONCERN", {"w": 0}),
        ("WRITE_CONCERN", {"nonsense": 1}),
        ("WRITE_CONCERN", "majority"),
        ("READ_PREFERENCE", "closest"),
        ("MAX_COMMIT_TIME_MS", 0),
        ("MAX_COMMIT_TIME_MS", 1.5),
        ("CAUSAL_TOKEN_HEADER", "X Causal Token"),
        ("CAUSAL_TOKEN_MAX_AGE", -1),
        ("DATABASE", "nowhere"),
        ("UNKNOWN_KEY", 1),
    ],
)
def test_bad_value_names_its_key(key, value):
    with pytest.raises(ImproperlyConfigured, match=rf'MONGO_SESSIONS\["{key}"\]'):
        SessionSettings.from_dict({key: value})


def test_every_default_is_valid_on_its_own():
    for key, value in DEFAULTS.items():
        SessionSettings.from_dict({key: value})


def test_not_a_dict_is_refused():
    with pytest.raises(ImproperlyConfigured, match="MONGO_SESSIONS must be a dict"):
        SessionSettings.from_dict(["POST"])


def test_project_middleware_order_passes_the_checks():
    assert check_middleware_order() == []


def test_check_requires_session_middleware_first(settings):
    settings.MIDDLEWARE = [MIDDLEWARE, SESSIONS]

    assert [problem.id for problem in check_middleware_order()] == ["sessions_mw.E001"]


def test_check_warns_about_process_views_it_would_skip(settings):
    settings.MIDDLEWARE = [SESSIONS, MIDDLEWARE, CSRF]

    [warning] = check_middleware_order()
    assert warning.id == "sessions_mw.W001"
    assert CSRF in warning.msg
