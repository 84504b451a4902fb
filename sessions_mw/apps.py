from django.apps import AppConfig


class SessionsMwConfig(AppConfig):
    name = "sessions_mw"
    verbose_name = "MongoDB request sessions"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
        from .conf import get_settings

        # Validate MONGO_SESSIONS at start-up, not on the first request.
        get_settings()
