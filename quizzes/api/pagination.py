"""Cursor pagination: a page costs the same at any depth, and inserts do not shift pages.

A cursor holds the sort key of the last item seen; the next page is read
from an index starting right after it (MongoDB: `{updated_at: {$lt: ...}}`
on the (owner | status, -updated_at) indexes), never by skipping rows. New
items sort before every cursor already handed out, so paging on while others
insert neither repeats nor misses an item. Items sharing a timestamp keep a
fixed order by id.
"""

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class TimestampCursorPagination(CursorPagination):
    """Newest first by a timestamp field, then by id; `?page_size=` up to MAX_PAGE_SIZE."""

    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    invalid_cursor_message = _("Invalid cursor: use the next or previous link as given.")

    def decode_cursor(self, request):
        cursor = super().decode_cursor(request)
        # A hand-made cursor must not reach the query with a position that is no date.
        if cursor is not None and cursor.position is not None:
            try:
                valid = parse_datetime(cursor.position) is not None
            except ValueError:
                valid = False
            if not valid:
                raise NotFound(self.invalid_cursor_message)
        return cursor


class QuizCursorPagination(TimestampCursorPagination):
    ordering = ("-updated_at", "-id")


class ReleaseCursorPagination(TimestampCursorPagination):
    """Published quizzes: their live releases (index (live, -published_at))."""

    ordering = ("-published_at", "-id")


class QuestionCursorPagination(TimestampCursorPagination):
    """The bank's questions (index (owner, -updated_at), or (category, -updated_at))."""

    ordering = ("-updated_at", "-id")


class AttemptCursorPagination(TimestampCursorPagination):
    ordering = ("-submitted_at", "-id")
