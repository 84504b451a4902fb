"""Every API error as `application/problem+json` (RFC 9457).

Body: `type` (a URN naming the kind of problem, stable for clients to test),
`title` (short, for people), `status`, `detail` (this occurrence),
`instance` (the request path) and `errors` (field path → messages; empty
unless the input had invalid fields). A 412 also carries `current_version`.
A change the current state refuses (a category that is not empty, a cycle in
the category tree, a question already in the quiz, a full quiz) is a 409;
so are a change to an archived quiz (`archived`: restore it first) and
publishing a quiz with no question (`empty_quiz`), a save to an attempt
already submitted (`submitted`) or past its deadline (`time_up`), and an
attempt the quiz's options refuse to start (`not_open_yet`, `closed`,
`no_attempts_left`; `sign_in_required` is a 403).

Field paths are those of quizzes.validation ("options.pass_mark",
"answers[2].fraction"); errors that concern no single field are under
"non_field_errors".
"""

import json

from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

from quizzes.attempts import AttemptSubmitted, CannotStart, SignInRequired, TimeUp
from quizzes.bank import CategoryError
from quizzes.grading import GradingConflict, NotSubmitted
from quizzes.operations import (
    EmptyQuiz,
    OrderMismatch,
    QuizArchived,
    ReleaseTooLarge,
    SlotError,
    VersionConflict,
)

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE = "urn:openquizz:problem:{code}"
DRF_HEADERS = {"WWW-Authenticate", "Retry-After"}
# Titles of the problems whose DRF default text has a placeholder ("Method "{method}" …").
TITLES = {
    "method_not_allowed": gettext_lazy("Method not allowed."),
    "unsupported_media_type": gettext_lazy("Unsupported media type."),
}


# What a 412 says, by the kind of object whose version If-Match named.
STALE = {
    "quiz": (
        gettext_lazy("The quiz has changed since you read it."),
        gettext_lazy(
            "The quiz is now at version %(version)s: read it again, then retry with "
            'If-Match: "%(version)s".'
        ),
    ),
    "category": (
        gettext_lazy("The category has changed since you read it."),
        gettext_lazy(
            "The category is now at version %(version)s: read it again, then retry with "
            'If-Match: "%(version)s".'
        ),
    ),
    "question": (
        gettext_lazy("The question has changed since you read it."),
        gettext_lazy(
            "The question is now at version %(version)s: read it again, then retry with "
            'If-Match: "%(version)s".'
        ),
    ),
    "release": (
        gettext_lazy("The quiz has been published again since you read it."),
        gettext_lazy(
            "Learners now get the quiz's version %(version)s, whose questions may differ: "
            'read it again, then answer and submit with If-Match: "%(version)s".'
        ),
    ),
}


# How an API client restores an archived quiz (the UI's message names its button).
ARCHIVED_DETAIL = gettext_lazy(
    "An archived quiz is read-only: restore it as a draft with POST "
    "/api/v1/quizzes/{id}/unpublish/, then change it (and publish it again)."
)


class PreconditionFailed(exceptions.APIException):
    """If-Match named a version the object (by default a quiz) no longer has."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = STALE["quiz"][0]
    default_code = "precondition_failed"

    def __init__(self, current_version, subject="quiz"):
        title, detail = STALE[subject]
        super().__init__(detail % {"version": current_version})
        self.title = title
        self.current_version = current_version


class Conflict(exceptions.APIException):
    """The change does not fit the object's current state (a non-empty category, a full quiz...)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("The change conflicts with the current state of the object.")
    default_code = "conflict"


class Archived(Conflict):
    """A change to an archived quiz: read-only until restored as a draft."""

    default_detail = gettext_lazy("The quiz is archived.")
    default_code = "archived"


class NothingToPublish(Conflict):
    """Publishing a quiz that would give learners no question."""

    default_detail = gettext_lazy("The quiz has no question to publish.")
    default_code = "empty_quiz"


class AttemptSubmittedConflict(Conflict):
    default_detail = gettext_lazy("The attempt has been submitted.")
    default_code = "submitted"


class TimeUpConflict(Conflict):
    default_detail = gettext_lazy("The time is up.")
    default_code = "time_up"


class InProgressConflict(Conflict):
    default_detail = gettext_lazy("The attempt is in progress.")
    default_code = "in_progress"


class GradingConflictError(Conflict):
    default_detail = gettext_lazy("Someone else graded the attempt meanwhile.")
    default_code = "grading_conflict"


class StartRefused(exceptions.APIException):
    """An attempt the quiz's options refuse to start (quizzes.attempts.CannotStart):
    403 `sign_in_required`; 409 `not_open_yet`, `closed` or `no_attempts_left`."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("The quiz does not take this attempt now.")
    default_code = "cannot_start"

    def __init__(self, refusal):
        super().__init__(str(refusal), code=refusal.code)
        self.default_code = refusal.code
        if isinstance(refusal, SignInRequired):
            self.status_code = status.HTTP_403_FORBIDDEN


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("The request body is too large.")
    default_code = "payload_too_large"


def as_api_exception(exc):
    """The APIException standing for `exc`, or None for an unexpected error (a 500)."""
    if isinstance(exc, VersionConflict):
        return PreconditionFailed(exc.current)
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(django_errors(exc))
    if isinstance(exc, OrderMismatch):
        return exceptions.ValidationError({"order": [str(exc)]})
    if isinstance(exc, QuizArchived):
        return Archived(ARCHIVED_DETAIL)
    if isinstance(exc, EmptyQuiz):
        return NothingToPublish(str(exc))
    if isinstance(exc, TimeUp):
        return TimeUpConflict(str(exc))
    if isinstance(exc, AttemptSubmitted):
        return AttemptSubmittedConflict(str(exc))
    if isinstance(exc, NotSubmitted):
        return InProgressConflict(str(exc))
    if isinstance(exc, GradingConflict):
        return GradingConflictError(str(exc))
    if isinstance(exc, CannotStart):
        return StartRefused(exc)
    if isinstance(exc, CategoryError | SlotError | ReleaseTooLarge):
        return Conflict(str(exc))
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge()
    if isinstance(exc, Http404):
        # Its message names the model; a client needs only the status.
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    return exc


def django_errors(error):
    """{field path: [messages]} of a Django ValidationError."""
    if not hasattr(error, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}
    return {
        api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field: messages
        for field, messages in error.message_dict.items()
    }


def flatten_errors(detail, path=""):
    """DRF's nested error details as {"a.b" or "a[0].b": [messages]}."""
    if isinstance(detail, dict):
        flat = {}
        for key, value in detail.items():
            key = str(key)
            child = key if not path else f"{path}[{key}]" if key.isdecimal() else f"{path}.{key}"
            flat.update(flatten_errors(value, child))
        return flat
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        flat = {}
        for index, value in enumerate(detail):
            flat.update(flatten_errors(value, f"{path}[{index}]"))
        return flat
    messages = detail if isinstance(detail, list) else [detail]
    return {path or api_settings.NON_FIELD_ERRORS_KEY: [str(message) for message in messages]}


def problem(request, status_code, code, title, detail, errors=None, **extra):
    """The body of a problem response."""
    return {
        "type": PROBLEM_TYPE.format(code=code),
        "title": str(title),
        "status": status_code,
        "detail": str(detail),
        "instance": request.path,
        "errors": errors or {},
        **extra,
    }


def problem_exception_handler(exc, context):
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: DRF's handling, answered as problem+json."""
    exc = as_api_exception(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None
    request = context["request"]
    # DRF's own headers: the authentication scheme of a 401, Retry-After of a 429.
    headers = {name: value for name, value in response.headers.items() if name in DRF_HEADERS}
    extra = {}
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten_errors(exc.detail)
        detail = _("Some fields are invalid: %(fields)s.") % {"fields": ", ".join(errors)}
    else:
        errors = {}
        detail = exc.detail
    if isinstance(exc, PreconditionFailed):
        extra["current_version"] = exc.current_version
        headers["ETag"] = f'"{exc.current_version}"'
    # Members and headers a problem adds of its own (a merge's conflicts: api.versions).
    extra.update(getattr(exc, "problem_members", {}))
    headers.update(getattr(exc, "problem_headers", {}))
    code = code_of(exc)
    title = getattr(exc, "title", None) or TITLES.get(code, exc.default_detail)
    body = problem(request, response.status_code, code, title, detail, errors, **extra)
    return Response(
        body, status=response.status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE
    )


def code_of(exc):
    if isinstance(exc, exceptions.ValidationError):
        return "invalid"
    return exc.default_code


def problem_http_response(request, status_code, code, title, detail):
    """A problem+json response outside DRF (Django's URL resolution and error handlers)."""
    body = problem(request, status_code, code, title, detail)
    return HttpResponse(json.dumps(body), status=status_code, content_type=PROBLEM_CONTENT_TYPE)


@csrf_exempt  # it changes nothing, and a browser's 403 page would hide the 404
def api_not_found(request, *args, **kwargs):
    """Any /api/ URL no endpoint answers (a typo, an invalid ObjectId, a missing slash)."""
    return problem_http_response(
        request,
        404,
        exceptions.NotFound.default_code,
        exceptions.NotFound.default_detail,
        _("No API endpoint or object at this URL (API URLs end with a slash)."),
    )


def bad_request(request, exception):
    """handler400: API requests refused before their view ran, as problem+json.

    sessions_mw reads the body before a mutating view runs (to replay it), so
    a body over DATA_UPLOAD_MAX_MEMORY_SIZE raises RequestDataTooBig there:
    that is a 413. Pages other than the API get Django's own 400 page.
    """
    if not request.path.startswith("/api/"):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        error = PayloadTooLarge()
    else:
        error = exceptions.ParseError(_("The request could not be read."))
    return problem_http_response(
        request, error.status_code, error.default_code, error.default_detail, error.detail
    )
