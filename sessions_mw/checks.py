"""System checks: MongoSessionMiddleware's place in MIDDLEWARE.

- sessions_mw.E001: it must come after SessionMiddleware, whose Django
  session carries browser users' causal tokens and is saved after it.
- sessions_mw.W001: a middleware after it that has process_view would be
  skipped for every request it runs in a transaction (its process_view
  returns the view's response), e.g. CsrfViewMiddleware: put it last.
"""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.utils.module_loading import import_string

MIDDLEWARE_PATH = "sessions_mw.middleware.MongoSessionMiddleware"
SESSION_MIDDLEWARE_PATH = "django.contrib.sessions.middleware.SessionMiddleware"


@register(Tags.compatibility)
def check_middleware_order(app_configs=None, **kwargs):
    middleware = list(settings.MIDDLEWARE)
    if MIDDLEWARE_PATH not in middleware:
        return []
    position = middleware.index(MIDDLEWARE_PATH)
    problems = []
    if SESSION_MIDDLEWARE_PATH in middleware[position:]:
        problems.append(
            Error(
                f"{MIDDLEWARE_PATH} must come after {SESSION_MIDDLEWARE_PATH} in MIDDLEWARE.",
                id="sessions_mw.E001",
            )
        )
    for path in middleware[position + 1 :]:
        try:
            has_process_view = hasattr(import_string(path), "process_view")
        except ImportError:
            continue
        if has_process_view:
            problems.append(
                Warning(
                    f"{path} comes after {MIDDLEWARE_PATH}: its process_view is skipped "
                    "for requests run in a transaction.",
                    hint=f"Put {MIDDLEWARE_PATH} last in MIDDLEWARE.",
                    id="sessions_mw.W001",
                )
            )
    return problems
