"""Django settings for sessions_mw's tests run on their own, without a project.

    pytest sessions_mw -p sessions_mw.tests.plugin --ds=sessions_mw.tests.settings

Inside a project, its own settings are used instead (one settings module per
pytest run); the tests only need what is configured here: the contrib apps
the test views use (auth, sessions, messages), Django REST framework, and
the middleware last.
"""

import os

SECRET_KEY = "sessions-mw-tests-only"  # tests only; never a deployment's key
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "sessions_mw.tests.apps.MongoAuthConfig",
    "sessions_mw.tests.apps.MongoContentTypesConfig",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django_mongodb_backend",
    "rest_framework",
    "sessions_mw",
]

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "sessions_mw.middleware.MongoSessionMiddleware",
]

ROOT_URLCONF = "sessions_mw.tests.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# The plugin's django_db_modify_db_settings points HOST at the test server.
DATABASES = {
    "default": {
        "ENGINE": "django_mongodb_backend",
        "HOST": os.environ.get("MONGODB_URI", "mongodb://127.0.0.1:27017/?replicaSet=rs0"),
        "NAME": "sessions_mw",
    },
}
DEFAULT_AUTO_FIELD = "django_mongodb_backend.fields.ObjectIdAutoField"
# Django's auth and contenttypes migrations create AutoField ids: without
# migrations their collections are created from the models above instead.
MIGRATION_MODULES = {"auth": None, "contenttypes": None}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

USE_TZ = True
TIME_ZONE = "UTC"
