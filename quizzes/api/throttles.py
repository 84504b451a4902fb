"""Request rates for the endpoints anyone may call (REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]).

Anonymous callers are counted per client address; rates are read at each
request, so settings overrides apply at once. Counters live in Django's
cache: give several server processes a shared cache so they count together.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle


class AnonymousRateThrottle(AnonRateThrottle):
    """Throttles anonymous requests at the rate of `scope`; authenticated ones pass."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]


class DeliveryThrottle(AnonymousRateThrottle):
    """Reading published quizzes."""

    scope = "delivery"


class AttemptThrottle(AnonymousRateThrottle):
    """Submitting attempts."""

    scope = "attempts"


class TokenThrottle(AnonymousRateThrottle):
    """Asking for a token: slows down password guessing (the token view authenticates nobody)."""

    scope = "auth"
