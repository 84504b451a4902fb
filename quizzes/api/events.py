"""GET /api/v1/quizzes/{id}/events/: a quiz's changes as Server-Sent Events, for API clients.

The same stream as the teachers' page (quizzes.views.events, which documents
its events), authenticated by the API's token (`Authorization: Token <key>`,
quizzes.api.authentication) or the API's session: a plain async Django view, as DRF's views are
synchronous and a synchronous view would hold a thread for as long as the
stream is open. Its refusals are the API's problem+json: 401 without a valid
token (with `WWW-Authenticate: Token`), 404 for a quiz the token's user may
not see, 400 for a Last-Event-ID that is not an event's id.
"""

from asgiref.sync import sync_to_async
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions

from quizzes.access import editor_quiz
from quizzes.api.authentication import TokenAuthentication
from quizzes.api.exceptions import problem_http_response
from quizzes.views.events import stream


def authenticated_user(request):
    """The token's user, else the signed-in user of the session (as the API's
    SessionAuthentication: a GET needs no CSRF token); or raises AuthenticationFailed
    (a wrong token) or NotAuthenticated."""
    found = TokenAuthentication().authenticate(request)
    if found is not None:
        return found[0]
    if request.user.is_authenticated:
        return request.user
    raise exceptions.NotAuthenticated()


async def quiz_events(request, quiz_id):
    try:
        user = await sync_to_async(authenticated_user)(request)
        await sync_to_async(editor_quiz)(user, quiz_id)
    except exceptions.APIException as exc:
        response = problem_http_response(
            request, exc.status_code, exc.default_code, exc.default_detail, exc.detail
        )
        response["WWW-Authenticate"] = TokenAuthentication().authenticate_header(request)
        return response
    except Http404:
        error = exceptions.NotFound()
        return problem_http_response(
            request, error.status_code, error.default_code, error.default_detail, error.detail
        )

    def bad_request(message):
        error = exceptions.ParseError(message)
        return problem_http_response(
            request, error.status_code, error.default_code, _("Bad Last-Event-ID."), message
        )

    return await stream(request, ("quiz", str(quiz_id)), bad_request)
