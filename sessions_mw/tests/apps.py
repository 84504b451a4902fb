"""Contrib apps with ObjectId primary keys, for the standalone test settings.

django-mongodb-backend needs ObjectIdAutoField where Django's contrib apps
default to AutoField (its documentation's AppConfig pattern).
"""

from django.contrib.auth.apps import AuthConfig
from django.contrib.contenttypes.apps import ContentTypesConfig

OBJECT_ID_FIELD = "django_mongodb_backend.fields.ObjectIdAutoField"


class MongoAuthConfig(AuthConfig):
    default_auto_field = OBJECT_ID_FIELD


class MongoContentTypesConfig(ContentTypesConfig):
    default_auto_field = OBJECT_ID_FIELD
