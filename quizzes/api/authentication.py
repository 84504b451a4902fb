"""Token authentication (`Authorization: Token <key>`): two finds on unique indexes.

DRF's TokenAuthentication reads the token with its user joined
(`select_related`), which the MongoDB backend runs as a `$lookup` aggregate,
and matches the key with a filter its index cannot serve (the index on
`key` is partial, on string keys: the planner uses it only for a query that
says the key is a string), so every request scanned every token. Here the
token document is read with one find on that index, then its user by
primary key: nothing is cached, so a deleted token, or a user made inactive,
is refused (401) from the next request on.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from quizzes import documents

INVALID = _("Invalid token.")


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, its answers and messages unchanged."""

    def authenticate_credentials(self, key):
        token = documents.find_one(
            Token, {"key": {"$eq": key, "$type": "string"}}, {"user_id": True}
        )
        if token is None:
            raise exceptions.AuthenticationFailed(INVALID)
        model = get_user_model()
        found = documents.find_one(model, {"_id": token["user_id"]})
        if found is None:
            raise exceptions.AuthenticationFailed(INVALID)
        user = documents.instance(model, found)
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return user, Token(key=key, user=user)
