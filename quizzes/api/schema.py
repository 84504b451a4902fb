"""OpenAPI details every operation shares (REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]).

Views declare their own bodies, parameters and success responses with
`extend_schema`; this adds what follows from how the API works:

- the `X-Causal-Token` header, accepted and returned by every operation
  (sessions_mw's middleware handles it);
- an application/problem+json response for each error status an operation
  can answer (see `problem_statuses`);
- `reads`, `changes` and `deletes` document the ETag and If-Match headers of
  an object's version: a quiz's, a category's or a question's (`subject`);
  `merges`, a PATCH that also takes `Prefer: merge` (quizzes.api.versions);
- `additionalProperties: false` on the request bodies whose unknown keys the
  API refuses (serializers with `refuses_unknown_keys`).
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


def if_match(subject="quiz"):
    """The If-Match request header of a change guarded by the `subject`'s version."""
    return OpenApiParameter(
        "If-Match",
        str,
        OpenApiParameter.HEADER,
        description=(
            f'The {subject}\'s ETag as you last read it (e.g. "7"): the write happens only '
            f"if nobody changed the {subject} since, else 412. Without it, the last writer wins."
        ),
    )


def etag_header(subject="quiz"):
    """The ETag response header: the `subject`'s version."""
    return OpenApiParameter(
        "ETag",
        str,
        OpenApiParameter.HEADER,
        response=[200, 201],
        required=True,
        description=f'The {subject}\'s version, quoted (e.g. "7"): send it back in If-Match.',
    )


IF_MATCH = if_match()
ETAG = etag_header()
BODY_METHODS = {"POST", "PUT", "PATCH"}


def reads(summary, response, subject="quiz"):
    """Schema of a read answering `response` with the `subject`'s ETag."""
    return extend_schema(
        summary=summary, responses={200: response}, parameters=[etag_header(subject)]
    )


def changes(summary, request, response, status_code=200, conditional=True, subject="quiz"):
    """Schema of a write answering `response` and the `subject`'s new ETag; If-Match if
    `conditional`."""
    headers = [if_match(subject), etag_header(subject)] if conditional else [etag_header(subject)]
    return extend_schema(
        summary=summary,
        request=request,
        responses={status_code: response},
        parameters=headers,
    )


PREFER = OpenApiParameter(
    "Prefer",
    str,
    OpenApiParameter.HEADER,
    description=(
        "`merge`: merge your change with those saved since the version If-Match names (required "
        "with it: else 428), field by field, instead of refusing it with 412."
    ),
)
PREFERENCE_APPLIED = OpenApiParameter(
    "Preference-Applied",
    str,
    OpenApiParameter.HEADER,
    response=[200],
    description="`merge` when the write was a merge (Prefer: merge); the body's `merge` says how.",
)
MERGE_HELP = (
    "With `Prefer: merge` and `If-Match` naming the version of the {subject} you edited, "
    "a three-way merge: the fields only you changed are applied, the fields only others "
    "changed since are kept (tags merge as a set; answers by their `uid`), and the "
    "answer's `merge` member names them, with a sentence for people. Fields you both "
    "changed differently: 409 `merge_conflict` listing each (`conflicts`: field, base, "
    "theirs, yours), nothing written; send the PATCH again with the same If-Match and a "
    '`resolve` member choosing for each field "yours", "theirs" or "base". A version '
    "the server no longer keeps (pruned history): 412, as without Prefer. Without "
    "Prefer, If-Match is strict: 412 as soon as the {subject} changed."
)


def merges(summary, request, response, subject="quiz"):
    """Schema of a PATCH that takes `Prefer: merge` (quizzes.api.versions): `request` and
    `response` from serializers.merge_serializers."""
    return extend_schema(
        summary=summary,
        description=MERGE_HELP.format(subject=subject),
        request=request,
        responses={200: response},
        parameters=[if_match(subject), PREFER, etag_header(subject), PREFERENCE_APPLIED],
    )


def deletes(summary, subject="quiz", parameters=()):
    return extend_schema(
        summary=summary, responses={204: None}, parameters=[if_match(subject), *parameters]
    )


class ApiAutoSchema(AutoSchema):
    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        # Request and response components are apart (COMPONENT_SPLIT_REQUEST): responses
        # stay open to new fields.
        if direction == "request" and getattr(serializer, "refuses_unknown_keys", False):
            schema["additionalProperties"] = False
        return schema

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
        if any(
            getattr(param, "name", None) == "If-Match" for param in self.get_override_parameters()
        ):
            statuses |= {400, 412}  # an empty If-Match; a stale one
        # A view's `problem_statuses` ({action: statuses}) names the others it may answer.
        statuses |= set(getattr(self.view, "problem_statuses", {}).get(self.view_action(), ()))
        if self.view.get_throttles():
            statuses.add(429)
        return statuses

    def view_action(self):
        return getattr(self.view, "action", None) or self.method.lower()
