"""The `MONGO_SESSIONS` setting: defaults, validation, and its parsed form.

Rules:
- Every key is optional; a missing key takes its value from DEFAULTS.
- An unknown key, or a value of the wrong type or range, raises
  ImproperlyConfigured naming `MONGO_SESSIONS["KEY"]`: at start-up
  (SessionsMwConfig.ready) and on the first use after the setting changes
  (override_settings in tests).
- Values are turned into pymongo objects (ReadConcern, WriteConcern, read
  preference) once, not per request.
"""

import re
from dataclasses import dataclass

from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from pymongo import read_preferences
from pymongo.client_session import TransactionOptions
from pymongo.errors import ConfigurationError
from pymongo.read_concern import ReadConcern
from pymongo.write_concern import WriteConcern

DEFAULTS = {
    "CAUSAL_CONSISTENCY": True,
    "TRANSACTION_METHODS": ["POST", "PUT", "PATCH", "DELETE"],
    "ABORT_ON_STATUS": 400,
    "READ_CONCERN": "majority",
    "WRITE_CONCERN": {"w": "majority"},
    "READ_PREFERENCE": "primary",
    "MAX_COMMIT_TIME_MS": None,
    "CAUSAL_TOKEN_HEADER": "X-Causal-Token",
    # Beyond the settings the README lists: how long a causal token is honoured (seconds)
    # and which DATABASES alias the middleware binds its session to.
    "CAUSAL_TOKEN_MAX_AGE": 24 * 60 * 60,
    "DATABASE": "default",
    # The time budget of a request's database work, in seconds (pymongo.timeout
    # around the whole request, retries and commit included); None: no budget.
    # A view overrides it with @request_timeout (decorators.py).
    "REQUEST_TIMEOUT": None,
}

# Levels a multi-document transaction accepts.
TRANSACTION_READ_CONCERNS = ("local", "majority", "snapshot")
READ_PREFERENCES = {
    "primary": read_preferences.Primary(),
    "primaryPreferred": read_preferences.PrimaryPreferred(),
    "secondary": read_preferences.Secondary(),
    "secondaryPreferred": read_preferences.SecondaryPreferred(),
    "nearest": read_preferences.Nearest(),
}
_SERVER_MODES = tuple(type(mode) for mode in READ_PREFERENCES.values())
# RFC 9110 "token": what an HTTP method or header name may contain.
_HTTP_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


def parse_read_concern(value):
    """None, a level name, or a ReadConcern → ReadConcern or None. ValueError otherwise."""
    if value is None or isinstance(value, ReadConcern):
        return value
    if value in TRANSACTION_READ_CONCERNS:
        return ReadConcern(value)
    raise ValueError(f"must be None or one of {', '.join(TRANSACTION_READ_CONCERNS)}")


def parse_write_concern(value):
    """None, a dict of WriteConcern arguments, or a WriteConcern → WriteConcern or None."""
    if value is None:
        return None
    if isinstance(value, dict):
        try:
            value = WriteConcern(**value)
        except (TypeError, ValueError, ConfigurationError) as exc:
            raise ValueError(f"is not a valid write concern: {exc}") from exc
    if not isinstance(value, WriteConcern):
        raise ValueError('must be None or a dict such as {"w": "majority"}')
    if not value.acknowledged:
        raise ValueError("must be acknowledged: transactions refuse w=0")
    return value


def parse_read_preference(value):
    """None, a mode name, or a pymongo read preference → read preference or None."""
    if value is None or isinstance(value, _SERVER_MODES):
        return value
    if value in READ_PREFERENCES:
        return READ_PREFERENCES[value]
    raise ValueError(f"must be None or one of {', '.join(READ_PREFERENCES)}")


def parse_max_commit_time_ms(value):
    if value is None or (_is_int(value) and value > 0):
        return value
    raise ValueError("must be None or a positive number of milliseconds")


def transaction_options(
    read_concern=None, write_concern=None, read_preference=None, max_commit_time_ms=None
):
    """Parse the four transaction options; ValueError names the bad one."""
    parsers = {
        "read_concern": (parse_read_concern, read_concern),
        "write_concern": (parse_write_concern, write_concern),
        "read_preference": (parse_read_preference, read_preference),
        "max_commit_time_ms": (parse_max_commit_time_ms, max_commit_time_ms),
    }
    parsed = {}
    for name, (parse, value) in parsers.items():
        try:
            parsed[name] = parse(value)
        except ValueError as exc:
            raise ValueError(f"{name} {exc}") from exc
    return TransactionOptions(**parsed)


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class SessionSettings:
    """MONGO_SESSIONS, validated and parsed."""

    causal_consistency: bool
    transaction_methods: frozenset
    abort_on_status: int
    transaction_options: TransactionOptions
    causal_token_header: str
    causal_token_max_age: float
    database: str
    request_timeout: float | None = None

    @classmethod
    def from_dict(cls, configured):
        if not isinstance(configured, dict):
            raise ImproperlyConfigured("MONGO_SESSIONS must be a dict.")
        for key in configured:
            if key not in DEFAULTS:
                raise _bad(key, f"is not a setting of sessions_mw (known: {', '.join(DEFAULTS)})")
        values = {**DEFAULTS, **configured}
        try:
            options = transaction_options(
                values["READ_CONCERN"],
                values["WRITE_CONCERN"],
                values["READ_PREFERENCE"],
                values["MAX_COMMIT_TIME_MS"],
            )
        except ValueError as exc:
            name, _, reason = str(exc).partition(" ")
            raise _bad(name.upper(), reason) from exc
        return cls(
            causal_consistency=_causal_consistency(values["CAUSAL_CONSISTENCY"]),
            transaction_methods=_transaction_methods(values["TRANSACTION_METHODS"]),
            abort_on_status=_abort_on_status(values["ABORT_ON_STATUS"]),
            transaction_options=options,
            causal_token_header=_causal_token_header(values["CAUSAL_TOKEN_HEADER"]),
            causal_token_max_age=_causal_token_max_age(values["CAUSAL_TOKEN_MAX_AGE"]),
            database=_database(values["DATABASE"]),
            request_timeout=_request_timeout(values["REQUEST_TIMEOUT"]),
        )


def _bad(key, reason):
    return ImproperlyConfigured(f'MONGO_SESSIONS["{key}"] {reason}.')


def _causal_consistency(value):
    if not isinstance(value, bool):
        raise _bad("CAUSAL_CONSISTENCY", "must be True or False")
    return value


def _transaction_methods(value):
    if isinstance(value, str) or not isinstance(value, list | tuple | set | frozenset):
        raise _bad("TRANSACTION_METHODS", 'must be a list of HTTP methods such as ["POST"]')
    for method in value:
        if not isinstance(method, str) or not _HTTP_TOKEN.match(method):
            raise _bad("TRANSACTION_METHODS", f"contains {method!r}, which is not an HTTP method")
    return frozenset(method.upper() for method in value)


def _abort_on_status(value):
    if not _is_int(value) or not 100 <= value <= 600:
        raise _bad("ABORT_ON_STATUS", "must be an HTTP status code between 100 and 600")
    return value


def _causal_token_header(value):
    if not isinstance(value, str) or not _HTTP_TOKEN.match(value):
        raise _bad("CAUSAL_TOKEN_HEADER", "must be an HTTP header name")
    return value


def _causal_token_max_age(value):
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise _bad("CAUSAL_TOKEN_MAX_AGE", "must be a positive number of seconds")
    return value


def parse_request_timeout(value):
    """None, or a positive number of seconds. ValueError otherwise."""
    if value is None or (
        not isinstance(value, bool) and isinstance(value, int | float) and value > 0
    ):
        return value
    raise ValueError("must be None or a positive number of seconds")


def _request_timeout(value):
    try:
        return parse_request_timeout(value)
    except ValueError as exc:
        raise _bad("REQUEST_TIMEOUT", str(exc)) from exc


def _database(value):
    if value not in django_settings.DATABASES:
        raise _bad("DATABASE", f"names {value!r}, which is not an alias in DATABASES")
    return value


_cache = {}


def get_settings():
    """The current MONGO_SESSIONS, parsed; raises ImproperlyConfigured if invalid."""
    if "settings" not in _cache:
        configured = getattr(django_settings, "MONGO_SESSIONS", {})
        _cache["settings"] = SessionSettings.from_dict(configured)
    return _cache["settings"]


@receiver(setting_changed)
def _forget_settings(*, setting, **kwargs):
    if setting in {"MONGO_SESSIONS", "DATABASES"}:
        _cache.clear()
