"""Cursor pagination: a page costs the same at any depth, and inserts do not shift pages.

A cursor holds the sort key of the last item seen; the next page is read
from an index starting right after it (MongoDB: `{updated_at: {$lt: ...}}`
on the (owner | status, -updated_at, -id) indexes; attempts: (quiz,
-submitted_at, -id)), never by skipping rows. New
items sort before every cursor already handed out, so paging on while others
insert neither repeats nor misses an item. Items sharing a timestamp keep a
fixed order by id.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import Cursor, CursorPagination

from quizzes import listing

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
INVALID_CURSOR = _("Invalid cursor: use the next or previous link as given.")


class ListingCursorPagination(CursorPagination):
    """The items of `listed` newest first, each page read along an index
    (quizzes.listing) by `paginate_match`, not by DRF's queryset pagination. The
    cursor holds the position of the item next to the page, reversed for the newer
    page."""

    listed = None  # a quizzes.listing.Listing
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    invalid_cursor_message = INVALID_CURSOR

    def paginate_match(self, match, request):
        """The items of the page `request` asks for among those matching `match` (a
        MongoDB query); NotFound for a cursor this class did not write. `cursor`: the
        request's (None: the first page, asked for without one)."""
        self.base_url = request.build_absolute_uri()
        self.request = request
        self.cursor = self.decode_cursor(request)
        around = {}
        if self.cursor is not None:
            try:
                position = self.listed.parse(self.cursor.position)
            except listing.InvalidPosition:
                raise NotFound(self.invalid_cursor_message) from None
            around = {"newer_than" if self.cursor.reverse else "older_than": position}
        size = self.get_page_size(request)
        self.page = listing.page(match, size, listing=self.listed, **around)
        return self.page.items

    def get_next_link(self):
        return self._link(self.page.older, reverse=False)

    def get_previous_link(self):
        return self._link(self.page.newer, reverse=True)

    def _link(self, position, reverse):
        if position is None:
            return None
        return self.encode_cursor(Cursor(offset=0, reverse=reverse, position=str(position)))


class QuizCursorPagination(ListingCursorPagination):
    listed = listing.QUIZZES


class ReleaseCursorPagination(ListingCursorPagination):
    listed = listing.RELEASES


class QuestionCursorPagination(ListingCursorPagination):
    listed = listing.QUESTIONS


class AttemptCursorPagination(ListingCursorPagination):
    listed = listing.ATTEMPTS
