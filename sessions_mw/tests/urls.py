"""The test-only URLconf (pytest.mark.urls("sessions_mw.tests.urls"))."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import views

# Plain error pages: the project's templates may link to URLs this URLconf lacks.
handler404 = "sessions_mw.tests.views.error_page"
handler500 = "sessions_mw.tests.views.server_error_page"

router = SimpleRouter(trailing_slash=True)
router.register("notes", views.NoteViewSet, basename="note")

urlpatterns = [
    path("write/", views.write),
    path("read/", views.read),
    path("read/unbounded/", views.unbounded_read),
    path("read/patient/", views.patient_read),
    path("no-database/", views.no_database),
    path("atomic/in-request/", views.atomic_in_request),
    path("atomic/failure-caught/", views.atomic_failure_caught),
    path("atomic/failure/", views.atomic_failure),
    path("atomic/safe/", views.atomic_in_safe_request),
    path("session-state/", views.session_state),
    path("session-report/", views.session_report),
    path("upload/", views.upload),
    path("untracked-write/", views.untracked_write),
    path("tracked-read/", views.tracked_read),
    path("tracked-with-options/", views.tracked_with_options),
    path("cbv/untracked/", views.UntrackedView.as_view()),
    path("cbv/tracked/", views.TrackedView.as_view()),
    path("cbv/method-level/", views.MethodLevelView.as_view()),
    path("drf/echo/", views.EchoAPIView.as_view()),
    path("drf/", include(router.urls)),
    path("async/write/", views.async_write),
    path("async/read/", views.async_read),
    path("async/cbv/", views.AsyncWriteView.as_view()),
    path("stream/", views.stream),
    path("async/stream/", views.async_stream),
]
