"""Project middleware."""

from django.conf import settings
from django.db import DatabaseError
from django.utils.cache import patch_cache_control
from pymongo.errors import PyMongoError


class PrivateCacheMiddleware:
    """`Cache-Control: private, no-store` on every response to a signed-in user.

    What a signed-in user gets (their quizzes, their name in the header, a CSRF
    token, the API's answers to their token) must stay out of shared caches and
    off the disk of their browser. Other responses are left as their views make
    them (static files never reach this: WhiteNoise answers them first).

    A request without a session cookie or an Authorization header has no user:
    its session is not read just to find that out. A response marked
    `content_addressed` (a media file: its URL names its bytes' hash, and who
    may read it is checked on each request) keeps its own Cache-Control.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if signed_in(request) and not getattr(response, "content_addressed", False):
            patch_cache_control(response, private=True, no_store=True)
        return response


def signed_in(request):
    if not (
        settings.SESSION_COOKIE_NAME in request.COOKIES or "HTTP_AUTHORIZATION" in request.META
    ):
        return False
    # DRF puts the user of a token on the request too.
    user = getattr(request, "user", None)
    try:
        return bool(user is not None and user.is_authenticated)
    except (DatabaseError, PyMongoError):
        return True  # the session cannot be read: keep the response private
