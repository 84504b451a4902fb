"""Top-level URLs. Each app owns its own urls module."""

from django.contrib import admin
from django.urls import include, path

from openquizz.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
