"""WSGI entry point (gunicorn, mod_wsgi, `manage.py runserver`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openquizz.settings")

application = get_wsgi_application()
