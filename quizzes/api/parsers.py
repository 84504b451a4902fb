"""The only request body the API reads: strict JSON that MongoDB can store as is.

Beyond JSON syntax, a body is refused (400) when anywhere in it:

- an object key starts with "$", contains "." or a NUL character: MongoDB
  reads such keys as operators or paths ({"title": {"$gt": ""}});
- objects and arrays nest deeper than MAX_DEPTH;
- a string holds a lone surrogate ("\\ud800"), which is not storable UTF-8;
- an integer falls outside 64 bits, or a number is not finite (1e400).

Bodies over settings.DATA_UPLOAD_MAX_MEMORY_SIZE are refused with 413.
The body is read through Django's `request.body`, which keeps it, so a view
that sessions_mw runs again after a transient error parses it again.
"""

import json

from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser
from rest_framework.renderers import JSONRenderer

from quizzes.api.exceptions import PayloadTooLarge

MAX_DEPTH = 32
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


class StrictJSONParser(BaseParser):
    media_type = "application/json"
    renderer_class = JSONRenderer

    def parse(self, stream, media_type=None, parser_context=None):
        request = parser_context["request"]
        try:
            body = request._request.body
        except RequestDataTooBig:
            raise PayloadTooLarge() from None
        encoding = parser_context.get("encoding", "utf-8")
        try:
            data = json.loads(body.decode(encoding), parse_constant=reject_constant)
        except RecursionError:
            raise ParseError(nesting_message()) from None
        except (ValueError, LookupError) as exc:
            # json.JSONDecodeError and UnicodeDecodeError are ValueErrors.
            raise ParseError(_("The body is not valid JSON: %(error)s") % {"error": exc}) from None
        check_storable(data)
        return data


def reject_constant(name):
    raise ValueError(_("%(name)s is not a JSON number") % {"name": name})


def nesting_message():
    return _("The body nests objects and arrays deeper than %(depth)s levels.") % {
        "depth": MAX_DEPTH
    }


def check_storable(data):
    """Raise ParseError naming the first place (a JSON pointer) MongoDB could not store."""
    pending = [(data, "", 0)]
    while pending:
        value, pointer, depth = pending.pop()
        if isinstance(value, dict | list) and depth >= MAX_DEPTH:
            raise ParseError(nesting_message())
        if isinstance(value, dict):
            for key, item in value.items():
                check_key(key, pointer)
                pending.append((item, f"{pointer}/{key}", depth + 1))
        elif isinstance(value, list):
            pending.extend(
                (item, f"{pointer}/{index}", depth + 1) for index, item in enumerate(value)
            )
        else:
            check_scalar(value, pointer)


def check_key(key, pointer):
    if key.startswith("$") or "." in key or "\x00" in key:
        raise ParseError(
            _('Object keys may not start with "$" or contain "." (found %(key)r at "%(at)s").')
            % {"key": key[:100], "at": pointer or "/"}
        )
    check_scalar(key, pointer)


def check_scalar(value, pointer):
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ParseError(
                _('Invalid Unicode text at "%(at)s".') % {"at": pointer or "/"}
            ) from None
    elif isinstance(value, int) and not isinstance(value, bool):
        if not INT64_MIN <= value <= INT64_MAX:
            raise ParseError(_('Integer out of range at "%(at)s".') % {"at": pointer or "/"})
    elif isinstance(value, float) and value in (float("inf"), float("-inf")):
        raise ParseError(_('Number out of range at "%(at)s".') % {"at": pointer or "/"})
