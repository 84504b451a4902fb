"""Top-level URLs. Each app owns its own urls module."""

from django.contrib import admin
from django.contrib.auth.views import LoginView
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from openquizz.accounts import PasswordResetView
from openquizz.forms import SignInForm
from openquizz.health import healthz
from openquizz.metrics import metrics_view
from quizzes.api.exceptions import api_not_found

handler400 = "quizzes.api.exceptions.bad_request"
handler500 = "openquizz.errors.handle_server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics_view, name="metrics"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("quizzes.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Its script served apart, for the Content-Security-Policy (no inline script).
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/docs.html"),
        name="api-docs",
    ),
    # Last: any other /api/ URL is a problem+json 404, whatever DEBUG says.
    re_path(r"^api/", api_not_found),
    # Before Django's auth URLs: the same name, with failed sign-ins limited.
    path("accounts/login/", LoginView.as_view(authentication_form=SignInForm), name="login"),
    path("accounts/password_reset/", PasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("q/", include("quizzes.player_urls")),
    path("", include("quizzes.urls")),
]
