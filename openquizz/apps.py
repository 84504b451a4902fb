"""App configs.

The contrib apps get ObjectId primary keys (MongoDB's `_id`), as
django-mongodb-backend's project template does; their migrations live in
`mongo_migrations/` (settings.MIGRATION_MODULES).
"""

from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth.apps import AuthConfig
from django.contrib.contenttypes.apps import ContentTypesConfig

OBJECT_ID_FIELD = "django_mongodb_backend.fields.ObjectIdAutoField"


class MongoAdminConfig(AdminConfig):
    default_auto_field = OBJECT_ID_FIELD


class MongoAuthConfig(AuthConfig):
    default_auto_field = OBJECT_ID_FIELD


class MongoContentTypesConfig(ContentTypesConfig):
    default_auto_field = OBJECT_ID_FIELD


class OpenQuizzConfig(AppConfig):
    """The project package: the embedded mongod launcher, /healthz, /metrics, commands."""

    name = "openquizz"
    verbose_name = "OpenQuizz"

    def ready(self):
        from openquizz import access_log, metrics

        # The access log and the metrics follow sessions_mw's transactions.
        access_log.connect()
        metrics.connect()
