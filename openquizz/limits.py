"""Limits that hold across processes: request rates and failed sign-ins.

Counters live in one MongoDB collection (the Counter model's, created with
its TTL index by migrate), so every worker of every machine counts together.
Each counter is one document {_id: key, n, expires}, changed by one atomic
update: a counter whose `expires` has passed starts again at 1.

Rules:
- Counters are written outside the request's transaction (no session): a
  request that aborts, or answers 4xx (sessions_mw aborts those), still
  counts. A transaction retried after a transient error may count twice:
  limits err on the strict side.
- The client address comes from REMOTE_ADDR, or from X-Forwarded-For only
  through settings.TRUSTED_PROXIES proxies (DJANGO_TRUSTED_PROXIES, default
  0: the header is ignored, so a client cannot pick its own address).
- Request-rate counters (`durable=False`: the DRF throttles) are written with
  w:1, acknowledged by the primary alone: about a third of a majority
  write's time, paid on every anonymous API request. A failover may roll
  back a few of their counts, so a rate lets a few more requests through
  once. Sign-in and password-reset counters wait for the majority
  (the default): a lock-out survives a failover.
- A sign-in is limited per account and per address (SignInLimiter): the
  same message whether the account exists or not, and while locked even the
  right password is refused, until the cool-off has passed.
- Password reset requests are limited per email and per address
  (count_password_reset), counted whether the email is anyone's or not.

Django's database cache does not run on MongoDB, and django-mongodb-backend
dropped its cache backend (pickled values: a database compromise would run
code); counters are all these limits need, stored as plain numbers.
"""

import math
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connections
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from pymongo.write_concern import WriteConcern
from rest_framework.throttling import BaseThrottle

from openquizz.models import Counter

# Request-rate counters: acknowledged by the primary alone (see the rules above).
RATE_WRITE_CONCERN = WriteConcern(w=1)


def collection():
    return connections["default"].get_collection(Counter._meta.db_table)


def now():
    # BSON dates have millisecond precision: compare what is stored.
    moment = datetime.now(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def hit(key, period, extend=False, durable=True):
    """Count one event under `key` and return (count, expires).

    A new counter (or one whose `expires` passed) starts at 1 and expires
    `period` seconds from now; `extend` moves an existing counter's expiry to
    `period` seconds from now as well (a cool-off that restarts with each
    failure). A counter that need not be `durable` is written with
    RATE_WRITE_CONCERN.
    """
    moment = now()
    until = moment + timedelta(seconds=period)
    live = {"$gt": ["$expires", moment]}
    counters = collection()
    if not durable:
        counters = counters.with_options(write_concern=RATE_WRITE_CONCERN)
    document = counters.find_one_and_update(
        {"_id": key},
        [
            {
                "$set": {
                    "n": {"$cond": [live, {"$add": ["$n", 1]}, 1]},
                    "expires": until if extend else {"$cond": [live, "$expires", until]},
                }
            }
        ],
        upsert=True,
        return_document=True,
    )
    return document["n"], document["expires"].replace(tzinfo=UTC)


def count(key):
    """(count, expires) of `key` now: (0, None) when none is running."""
    document = collection().find_one({"_id": key, "expires": {"$gt": now()}})
    if document is None:
        return 0, None
    return document["n"], document["expires"].replace(tzinfo=UTC)


def reset(key):
    collection().delete_one({"_id": key})


def seconds_until(moment):
    return max(1, math.ceil((moment - now()).total_seconds()))


def client_address(request):
    """The client's address: REMOTE_ADDR, or the address the outermost of
    settings.TRUSTED_PROXIES proxies saw (DRF's NUM_PROXIES rule, which
    REST_FRAMEWORK["NUM_PROXIES"] mirrors for DRF's own use)."""
    return BaseThrottle().get_ident(request)


class LimitReached(Exception):
    """A limit is reached; `retry_after` seconds until it lifts, `message` for the user."""

    text = ""

    def __init__(self, retry_after):
        super().__init__(retry_after)
        self.retry_after = retry_after

    @property
    def message(self):
        return _(self.text) % {"minutes": math.ceil(self.retry_after / 60)}


class SignInLocked(LimitReached):
    """Too many failed sign-ins for this account or from this address."""

    text = gettext_noop(
        "Too many failed sign-in attempts. Wait %(minutes)s minute(s), then try again."
    )


class ResetsLimited(LimitReached):
    """Too many password reset requests for this email or from this address."""

    text = gettext_noop(
        "Too many password reset requests. Wait %(minutes)s minute(s), then try again."
    )


def count_password_reset(request, email):
    """Count a password reset request for `email` from `request`'s client; ResetsLimited
    once the email or the address asked more than settings.PASSWORD_RESET_LIMITS allows
    ({"email": requests, "address": requests, "period": seconds}). Counted whether the
    address belongs to an account or not, so the answer tells nothing about accounts."""
    allowed = settings.PASSWORD_RESET_LIMITS
    keys = {
        "email": f"reset:email:{str(email).strip().casefold()[:254]}",
        "address": f"reset:address:{client_address(request)}",
    }
    counts = {kind: hit(key, allowed["period"]) for kind, key in keys.items()}
    for kind, (count, expires) in counts.items():
        if count > allowed[kind]:
            raise ResetsLimited(seconds_until(expires))


class SignInLimiter:
    """Failed sign-ins of one (account, address) pair, by settings.SIGN_IN_LIMITS:
    {"account": failures, "address": failures, "cool_off": seconds}.

    guard(check_password) does check(), then failed() or succeeded().
    Usernames are counted as typed (case-folded), existing or not.
    """

    def __init__(self, request, username):
        self.limits = settings.SIGN_IN_LIMITS
        self.keys = {
            "account": f"sign-in:account:{str(username or '').strip().casefold()[:200]}",
            "address": f"sign-in:address:{client_address(request)}",
        }

    def check(self):
        """Raise SignInLocked while either counter is at its limit."""
        for kind, key in self.keys.items():
            failures, expires = count(key)
            if failures >= self.limits[kind]:
                raise SignInLocked(seconds_until(expires))

    def failed(self):
        for key in self.keys.values():
            hit(key, self.limits["cool_off"], extend=True)

    def succeeded(self):
        """A right password clears the account's failures (not the address's)."""
        reset(self.keys["account"])

    def guard(self, check_password):
        """`check_password()` under the limits: SignInLocked while locked, else its
        result (a success) or its exception (a failure, counted)."""
        self.check()
        try:
            result = check_password()
        except Exception:
            self.failed()
            raise
        self.succeeded()
        return result
