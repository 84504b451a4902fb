"""Django settings for OpenQuizz.

Every value that differs between a laptop and production comes from the
environment (README "Configuration"). With nothing set, the development
defaults work: DEBUG on, the embedded MongoDB on 127.0.0.1.
With DJANGO_DEBUG off the app refuses to start with the development secret key
or an empty DJANGO_ALLOWED_HOSTS, and the security settings that
`manage.py check --deploy` asks for are on.
"""

import os
from pathlib import Path

from csp.constants import NONE as CSP_NONE
from csp.constants import SELF as CSP_SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from openquizz.env import env_bool, env_count, env_list, env_milliseconds, env_secret

BASE_DIR = Path(__file__).resolve().parent.parent


DEVELOPMENT_SECRET_KEY = "django-insecure-openquizz-development-key-never-use-in-production"  # noqa: S105 - refused when DEBUG is off

DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = env_secret("DJANGO_SECRET_KEY", DEVELOPMENT_SECRET_KEY)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")

if not DEBUG:
    if SECRET_KEY == DEVELOPMENT_SECRET_KEY:
        raise ImproperlyConfigured(
            "DJANGO_DEBUG is off but DJANGO_SECRET_KEY is not set: set it to a long random value."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "DJANGO_DEBUG is off but DJANGO_ALLOWED_HOSTS is empty: list the host names "
            "this site is served under, separated by commas."
        )

INSTALLED_APPS = [
    "openquizz.apps.MongoAdminConfig",
    "openquizz.apps.MongoAuthConfig",
    "openquizz.apps.MongoContentTypesConfig",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_mongodb_backend",
    "rest_framework",
    # Its Token keeps its own string key; its migrations live in mongo_migrations too.
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "openquizz.apps.OpenQuizzConfig",
    "sessions_mw",
    "quizzes",
]

MIDDLEWARE = [
    # First: the request id and the access log cover every other middleware.
    "openquizz.access_log.AccessLogMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "openquizz.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    # Last: its process_view runs mutating views in a transaction, after
    # every other process_view (CSRF's included) has run.
    "sessions_mw.middleware.MongoSessionMiddleware",
]
# For `make bench` only (README "Performance"): the same settings without the
# session middleware, to measure what it costs on a read. Never in production:
# views would then run outside the request's session and transaction.
if env_bool("OPENQUIZZ_BENCH_WITHOUT_SESSION_MIDDLEWARE", False):
    MIDDLEWARE.remove("sessions_mw.middleware.MongoSessionMiddleware")

ROOT_URLCONF = "openquizz.urls"
WSGI_APPLICATION = "openquizz.wsgi.application"
ASGI_APPLICATION = "openquizz.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- MongoDB -----------------------------------------------------------------
# MONGODB_URI points at any real deployment. Without it, the embedded
# single-node replica set of openquizz/mongod.py is used (`make run` starts it).
MONGO_PORT = int(os.environ.get("MONGO_PORT", "27017"))
MONGO_DATA_DIR = Path(os.environ.get("MONGO_DATA_DIR") or BASE_DIR / ".mongo")
MONGODB_URI = os.environ.get("MONGODB_URI") or (f"mongodb://127.0.0.1:{MONGO_PORT}/?replicaSet=rs0")


# Bounded waits (README "Configuration"). A frozen primary is noticed by the
# driver's monitor within heartbeat + connect timeout (its check then times
# out, and pymongo interrupts the connections in use on that node); requests
# meanwhile wait for the new primary within their budget, so writes resume
# as soon as the election ends. The budget (REQUEST_TIMEOUT below) bounds
# every request's database work; long views opt out (@request_timeout).
MONGODB_REQUEST_TIMEOUT_MS = env_milliseconds("MONGODB_REQUEST_TIMEOUT_MS", 10_000)
MONGODB_CLIENT_OPTIONS = {
    "serverSelectionTimeoutMS": env_milliseconds("MONGODB_SERVER_SELECTION_TIMEOUT_MS", 15_000),
    "connectTimeoutMS": env_milliseconds("MONGODB_CONNECT_TIMEOUT_MS", 2_000),
    "socketTimeoutMS": env_milliseconds("MONGODB_SOCKET_TIMEOUT_MS", 30_000),
    "heartbeatFrequencyMS": env_milliseconds("MONGODB_HEARTBEAT_FREQUENCY_MS", 2_000),
}
DATABASES = {
    "default": {
        "ENGINE": "django_mongodb_backend",
        "HOST": MONGODB_URI,
        "NAME": os.environ.get("MONGODB_NAME", "openquizz"),
        # Credentials apart from the URI, the password from a secret file in production
        # (docker-compose.yml); without a user, the server is used unauthenticated.
        "USER": os.environ.get("MONGODB_USERNAME", ""),
        "PASSWORD": env_secret("MONGODB_PASSWORD"),
        # None leaves pymongo's default (no socket timeout, 30 s server selection).
        "OPTIONS": {
            option: value for option, value in MONGODB_CLIENT_OPTIONS.items() if value is not None
        },
    },
}
MONGO_SESSIONS = {
    "REQUEST_TIMEOUT": MONGODB_REQUEST_TIMEOUT_MS / 1000 if MONGODB_REQUEST_TIMEOUT_MS else None,
}
# For `make bench` only (README "Performance"): no request in a transaction, to
# measure what transactions cost on a write.
if env_bool("OPENQUIZZ_BENCH_WITHOUT_TRANSACTIONS", False):
    MONGO_SESSIONS["TRANSACTION_METHODS"] = []
DEFAULT_AUTO_FIELD = "django_mongodb_backend.fields.ObjectIdAutoField"
MIGRATION_MODULES = {
    "admin": "mongo_migrations.admin",
    "auth": "mongo_migrations.auth",
    "contenttypes": "mongo_migrations.contenttypes",
    "authtoken": "mongo_migrations.authtoken",
}

# --- Auth --------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"
# Failed sign-ins (login form, auth/token/) before a cool-off, per account and per
# client address, counted in MongoDB by every process (openquizz/limits.py).
SIGN_IN_LIMITS = {"account": 5, "address": 20, "cool_off": 15 * 60}
# Password reset requests per email and per client address within a period (seconds).
PASSWORD_RESET_LIMITS = {"email": 3, "address": 10, "period": 60 * 60}
# Proxies in front of the app whose X-Forwarded-For is believed: the client address
# is the one the outermost of them saw. 0 (the default): the header is ignored.
TRUSTED_PROXIES = env_count("DJANGO_TRUSTED_PROXIES", 0)

# --- Email (password reset) ----------------------------------------------------
# Development prints emails on the console; production sends them by SMTP, set up
# from DJANGO_EMAIL_* (README "Configuration"). A send that fails is shown to the
# user (openquizz/accounts.py), after at most DJANGO_EMAIL_TIMEOUT seconds.
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND") or (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = float(os.environ.get("DJANGO_EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_EMAIL_FROM", "OpenQuizz <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation ----------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files ------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# In production, WhiteNoise serves what collectstatic gathered (see Dockerfile).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
# Database sessions saved in the request's transaction (sessions_mw/django_session.py).
SESSION_ENGINE = "sessions_mw.django_session"

# --- Security ----------------------------------------------------------------
# Production defaults; each can be relaxed from the environment behind a proxy
# that terminates TLS (set DJANGO_SECURE_PROXY_SSL_HEADER=1 there).
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(
    os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Content-Security-Policy (django-csp): every script and style comes from our own
# static files, none inline; images may also come from the web (teachers' Markdown)
# or data: URLs (the API docs' icons). DJANGO_CSP_REPORT_ONLY=1 sends the policy as
# Content-Security-Policy-Report-Only, to try a change without blocking anything;
# DJANGO_CSP_REPORT_URI names where browsers report violations.
CSP_DIRECTIVES = {
    "default-src": [CSP_SELF],
    "script-src": [CSP_SELF],
    "style-src": [CSP_SELF],
    "img-src": [CSP_SELF, "data:", "https:"],
    "object-src": [CSP_NONE],
    "base-uri": [CSP_NONE],
    "form-action": [CSP_SELF],
    "frame-ancestors": [CSP_NONE],
    "report-uri": os.environ.get("DJANGO_CSP_REPORT_URI") or None,
}
if env_bool("DJANGO_CSP_REPORT_ONLY", False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": CSP_DIRECTIVES}
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": CSP_DIRECTIVES}

# Uploads and request bodies: 1 MiB in memory; the API answers 413 above it.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

# Images and files in questions (quizzes.media): bytes a file, bytes a teacher's files
# together, pixels an image (decompression bombs are refused before they expand).
MEDIA_MAX_BYTES = env_count("MEDIA_MAX_BYTES", 5 * 1024 * 1024)
MEDIA_QUOTA_BYTES = env_count("MEDIA_QUOTA_BYTES", 200 * 1024 * 1024)
MEDIA_MAX_PIXELS = env_count("MEDIA_MAX_PIXELS", 50_000_000)

# A quiz's history (quizzes.revisions): how many of each quiz's latest revisions are
# kept (at least 1); unset, the default, keeps every one.
OPENQUIZZ_REVISIONS_KEEP = env_count("OPENQUIZZ_REVISIONS_KEEP", None)

# --- Logs and metrics (README "Logs and metrics") ------------------------------
# Standard error: plain messages, or with DJANGO_LOG_JSON=1 one JSON object a line
# (python-json-logger): time, level, logger, message, request_id, and the record's
# own fields (the access log's: openquizz/access_log.py).
LOG_JSON = env_bool("DJANGO_LOG_JSON", False)
# /metrics answers local callers, and others sending "Authorization: Bearer <it>".
METRICS_TOKEN = os.environ.get("DJANGO_METRICS_TOKEN", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "openquizz.access_log.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            **({"formatter": "json"} if LOG_JSON else {}),
        },
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "sessions_mw": {"level": os.environ.get("SESSIONS_MW_LOG_LEVEL", "INFO")},
        "openquizz": {"level": "INFO"},
    },
}

# --- Caches ----------------------------------------------------------------------
# "delivery": bodies of GET published/{id}/ by release and host (quizzes.api.delivery).
# A release never changes, so a process may keep its body for as long as it likes:
# local memory, bounded in entries (and each body in size: CACHED_BODY_MAX).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "delivery": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "delivery",
        "OPTIONS": {"MAX_ENTRIES": 500},
    },
}
DELIVERY_CACHE = "delivery"

# --- REST API (quizzes/api) --------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # DRF's, without its $lookup and its unindexed scan of the tokens.
        "quizzes.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["quizzes.api.parsers.StrictJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "quizzes.api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "quizzes.api.exceptions.problem_exception_handler",
    # Anonymous callers, per client address (quizzes/api/throttles.py).
    "DEFAULT_THROTTLE_RATES": {"delivery": "120/min", "attempts": "30/min", "auth": "10/min"},
    "NUM_PROXIES": TRUSTED_PROXIES,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "OpenQuizz API",
    "DESCRIPTION": "Quizzes, questions, delivery to learners and attempts (README: REST API).",
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Every text and feedback format field shares one enum component.
    "ENUM_NAME_OVERRIDES": {
        "TextFormatEnum": "quizzes.fields.TextFormat.values",
        "AttemptStateEnum": "quizzes.attempts.STATES",
        # Two fields are named "action": the bank's bulk actions keep the name they had.
        "ActionEnum": "quizzes.api.bank.BULK_ACTIONS",
        "RevisionActionEnum": "quizzes.models.Revision.Action",
    },
}
