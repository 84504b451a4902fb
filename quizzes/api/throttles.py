"""Request rates for the endpoints anyone may call (REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]).

Anonymous callers are counted per client address (openquizz.limits:
X-Forwarded-For only through trusted proxies), in MongoDB, so every server
process counts together, with the quick write concern of rate counters
(openquizz.limits). Rates are read at each request, so settings
overrides apply at once.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from openquizz import limits


class AnonymousRateThrottle(SimpleRateThrottle):
    """Throttles anonymous requests at the rate of `scope`; authenticated ones pass.

    One counter per (scope, address) and window: the window starts with the
    first request and lasts the rate's period.
    """

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def allow_request(self, request, view):
        if request.user and request.user.is_authenticated:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        key = f"rate:{self.scope}:{limits.client_address(request)}"
        count, self.expires = limits.hit(key, self.duration, durable=False)
        return count <= self.num_requests

    def wait(self):
        return limits.seconds_until(self.expires)


class DeliveryThrottle(AnonymousRateThrottle):
    """Reading published quizzes."""

    scope = "delivery"


class AttemptThrottle(AnonymousRateThrottle):
    """Submitting attempts."""

    scope = "attempts"


class TokenThrottle(AnonymousRateThrottle):
    """Asking for a token, per address (failed passwords are also limited per account:
    openquizz.limits.SignInLimiter)."""

    scope = "auth"
