"""handler500: a failed request, told apart from a database that is out of reach.

While MongoDB cannot be reached (no primary during an election, a frozen or
unreachable node, a dropped connection, a timeout), a request fails through
no fault of the server's code or the client's input: it answers 503 with
Retry-After, so that clients and proxies try again, instead of a 500. Both
pages say only what is known (nothing about hosts or driver errors). /api/
requests get problem+json. The 503 page needs no database: it does not ask
who the user is.
"""

import sys

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token
from django.views.defaults import server_error
from pymongo.errors import ConfigurationError, ConnectionFailure, PyMongoError

from quizzes.api.exceptions import problem_http_response

RETRY_AFTER_SECONDS = 5
# What pymongo raises when it knows no server it could start a session on.
NO_SESSIONS = "Sessions are not supported"


def database_unreachable(exc):
    """Whether `exc`, or an error it came from, says MongoDB is out of reach for now."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, ConnectionFailure):  # AutoReconnect, NotPrimary, timeouts
            return True
        if isinstance(exc, PyMongoError) and exc.timeout:  # pymongo.timeout() ran out
            return True
        if isinstance(exc, ConfigurationError) and NO_SESSIONS in str(exc):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


@requires_csrf_token
def handle_server_error(request):
    """handler500: 503 + Retry-After while the database is out of reach, else Django's 500."""
    if not database_unreachable(sys.exception()):
        if request.path.startswith("/api/"):
            return problem_http_response(
                request, 500, "error", _("Server error"), _("Something went wrong on our side.")
            )
        return server_error(request)
    if request.path.startswith("/api/"):
        response = problem_http_response(
            request,
            503,
            "unavailable",
            _("Service unavailable"),
            _("The database cannot be reached for a moment. Try again in a few seconds."),
        )
    else:
        response = render(request, "503.html", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
