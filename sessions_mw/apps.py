from django.apps import AppConfig


class SessionsMwConfig(AppConfig):
    name = "sessions_mw"
    verbose_name = "MongoDB request sessions"
