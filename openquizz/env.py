"""Reading settings from the environment: each helper names the variable in its errors.

Used by openquizz.settings and by the deployment commands (setup_replica_set),
which run before the app's database is usable.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_count(name, default):
    """A whole number >= 0 from the environment, or ImproperlyConfigured naming it."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise ImproperlyConfigured(f"{name} must be a whole number >= 0, not {value!r}.")
    return int(value)


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_secret(name, default=""):
    """A secret from the environment: NAME itself, or the content of the file that
    NAME_FILE names (Docker secrets mount them under /run/secrets/)."""
    if path := os.environ.get(f"{name}_FILE", "").strip():
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={path!r} cannot be read: {exc}.") from exc
    return os.environ.get(name) or default


def env_milliseconds(name, default):
    """Milliseconds from the environment; 0: None (no request budget, pymongo's default)."""
    return env_count(name, default) or None
