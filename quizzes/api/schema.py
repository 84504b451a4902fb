"""OpenAPI details every operation shares (REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]).

Views declare their own bodies, parameters and success responses with
`extend_schema`; this adds what follows from how the API works:

- the `X-Causal-Token` header, accepted and returned by every operation
  (sessions_mw's middleware handles it);
- an application/problem+json response for each error status an operation
  can answer (see `problem_statuses`).
"""

from http import HTTPStatus

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema

from quizzes.api.exceptions import PROBLEM_CONTENT_TYPE
from quizzes.api.serializers import ProblemSerializer

CAUSAL_HEADER_HELP = (
    "Opaque, signed token of the causal order of your requests: send the last one you "
    "received to read your own writes on any server."
)
CAUSAL_TOKEN_REQUEST = OpenApiParameter(
    "X-Causal-Token", str, OpenApiParameter.HEADER, description=CAUSAL_HEADER_HELP
)
CAUSAL_TOKEN_RESPONSE = OpenApiParameter(
    "X-Causal-Token",
    str,
    OpenApiParameter.HEADER,
    response=True,
    description=CAUSAL_HEADER_HELP,
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    description=(
        'The quiz\'s ETag as you last read it (e.g. "7"): the write happens only if '
        "nobody changed the quiz since, else 412. Without it, the last writer wins."
    ),
)
ETAG = OpenApiParameter(
    "ETag",
    str,
    OpenApiParameter.HEADER,
    response=[200, 201],
    required=True,
    description='The quiz\'s version, quoted (e.g. "7"): send it back in If-Match.',
)
BODY_METHODS = {"POST", "PUT", "PATCH"}


def reads(summary, response):
    """Schema of a read answering `response` with the quiz's ETag."""
    return extend_schema(summary=summary, responses={200: response}, parameters=[ETAG])


def changes(summary, request, response, status_code=200, conditional=True):
    """Schema of a write answering `response` and the quiz's new ETag; If-Match if `conditional`."""
    return extend_schema(
        summary=summary,
        request=request,
        responses={status_code: response},
        parameters=[IF_MATCH, ETAG] if conditional else [ETAG],
    )


def deletes(summary):
    return extend_schema(summary=summary, responses={204: None}, parameters=[IF_MATCH])


class ApiAutoSchema(AutoSchema):
    def get_override_parameters(self):
        return [*super().get_override_parameters(), CAUSAL_TOKEN_REQUEST, CAUSAL_TOKEN_RESPONSE]

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for status_code in sorted(self.problem_statuses()):
            problem = OpenApiResponse(ProblemSerializer, description=HTTPStatus(status_code).phrase)
            responses.setdefault(
                str(status_code),
                self._get_response_for_code(
                    problem, str(status_code), [PROBLEM_CONTENT_TYPE], direction
                ),
            )
        return responses

    def problem_statuses(self):
        """The error statuses this operation can answer with."""
        statuses = set()
        if self.method in BODY_METHODS:
            statuses |= {400, 413, 415}
        if self.method == "GET" and self._is_list_view():
            statuses |= {400, 404}  # bad filters, a stale or forged cursor
        if self.view.get_authenticators():
            statuses |= {401, 403}  # no or a bad token; CSRF for session users
        if "{" in self.path:
            statuses.add(404)
        if any(param is IF_MATCH for param in self.get_override_parameters()):
            statuses.add(412)
        if self.view.get_throttles():
            statuses.add(429)
        return statuses
