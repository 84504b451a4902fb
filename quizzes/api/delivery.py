"""Players' endpoints: published quizzes as learners see them, and graded attempts.

Anyone may call them (anonymous callers are throttled). They read a quiz's
live release only (quizzes.releases), never the draft or the bank: a
published quiz is one document. Questions go out as the release's learner
payload: never a grade, a feedback or an accepted answer.

`GET published/{id}/` reads only the live release's id and version (one
find) when it can: `If-None-Match` naming that version answers 304, and a
body rendered before for that release is sent again as it is (a release
never changes: settings.DELIVERY_CACHE keeps them per process).

`{id}` is the quiz's id or its share code (quizzes.sharing: any case), which
finds the live release with one find all the same.

`POST published/{id}/attempts/` either submits at once (a body with
`responses`: graded against the live release's answer key, then stored with
one insert: operations.record_attempt) or, with any other body, starts an
attempt of the player lifecycle (quizzes.attempts; then quizzes.api.attempts).
Neither runs in a request transaction, nor writes anything shared by the
quiz's attempts: hot quizzes do not contend, and grading is never re-run by
a transaction's retry.
"""

import hashlib
import re
import zlib

from bson import ObjectId
from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import get_conditional_response
from django.utils.decorators import method_decorator
from django.views.decorators.gzip import gzip_page
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from quizzes import attempts, documents, media, operations, releases, sharing
from quizzes.api.media import AbsoluteMediaUrls
from quizzes.api.pagination import ReleaseCursorPagination
from quizzes.api.schema import IF_MATCH, etag_header
from quizzes.api.serializers import (
    AttemptResultSerializer,
    AttemptStartSerializer,
    AttemptStateSerializer,
    AttemptSubmissionSerializer,
    PublishedQuizDetailSerializer,
    PublishedQuizSerializer,
)
from quizzes.api.throttles import AttemptThrottle, DeliveryThrottle
from quizzes.api.versions import etag, expected_version
from quizzes.api.views import OBJECT_ID, read_body, with_etag
from quizzes.models import Release
from sessions_mw.decorators import non_transactional

USER_AGENT_MAX = 300
# A rendered delivery body is kept compressed (JSON shrinks 5 to 10 times; decompressing
# costs microseconds), and not when larger than this compressed: a few huge quizzes would
# crowd the others out of the (per-process, bounded) cache.
CACHED_BODY_MAX = 512 * 1024
OBJECT_ID_RE = re.compile(OBJECT_ID)


@extend_schema(tags=["delivery"])
@extend_schema_view(
    list=extend_schema(summary="Published quizzes, recently published first"),
    retrieve=extend_schema(
        summary="A published quiz (by its id or share code) with its questions as learners see them",
        description=(
            "With `If-None-Match` naming the ETag you have, 304 and no body while the quiz "
            "is published as it was then."
        ),
        responses={
            200: PublishedQuizDetailSerializer,
            304: OpenApiResponse(description="Not modified: the quiz is published as you have it."),
        },
        parameters=[
            etag_header(),
            OpenApiParameter(
                "If-None-Match",
                str,
                OpenApiParameter.HEADER,
                description=(
                    'The ETag you have (e.g. "7"): 304 with no body while the quiz is '
                    "published as it was then."
                ),
            ),
        ],
    ),
    attempts=extend_schema(
        summary="Submit answers at once, or start an attempt",
        description=(
            "**With `responses`: one-shot submission.** Graded against the quiz's live "
            "release (the one `GET published/{id}/` shows now) and stored with it; answers "
            "the graded attempt. If-Match (the ETag of `GET published/{id}/` "
            "as the learner saw it) makes the submission fail with 412 when the teacher "
            "published the quiz again meanwhile, instead of grading answers to questions "
            "the learner did not see; editing the draft without publishing changes nothing."
            '\n\n**Without `responses` (`{}`, or `{"name": ...}`): start an attempt** on '
            "the live release, which it keeps: its questions in a fixed order, a deadline "
            "when the quiz has a time limit. Anonymous learners give a `name` and get a "
            "`token` (send it as `X-Attempt-Token`). Then `PATCH attempts/{id}/` saves "
            "responses and `POST attempts/{id}/submit/` submits."
            "\n\n**The quiz's options may refuse either**: 409 `not_open_yet` before "
            "`options.opens_at`, 409 `closed` from `options.closes_at`, 403 "
            "`sign_in_required` for an anonymous caller when `options.access` is "
            "`signed_in`, 409 `no_attempts_left` for a signed-in learner who made "
            "`options.attempts_allowed` attempts already (anonymous callers of the API "
            "are not counted: nothing tells one from another; the player counts them "
            "per browser)."
        ),
        request=PolymorphicProxySerializer(
            component_name="AttemptSubmissionOrStart",
            serializers=[AttemptSubmissionSerializer, AttemptStartSerializer],
            resource_type_field_name=None,
        ),
        responses={
            201: PolymorphicProxySerializer(
                component_name="AttemptResultOrState",
                serializers=[AttemptResultSerializer, AttemptStateSerializer],
                resource_type_field_name=None,
            )
        },
        parameters=[IF_MATCH],
    ),
)
class PublishedQuizViewSet(AbsoluteMediaUrls, viewsets.GenericViewSet):
    serializer_class = PublishedQuizSerializer
    pagination_class = ReleaseCursorPagination
    permission_classes = [AllowAny]
    throttle_classes = [DeliveryThrottle]
    lookup_url_kwarg = "id"
    # The quiz's id, or its share code in any case (quizzes.sharing).
    lookup_value_regex = f"{OBJECT_ID}|[0-9A-Za-z]{{{sharing.CODE_LENGTH}}}"
    # Starting an attempt the quiz's options refuse (quizzes.attempts.check_can_start).
    problem_statuses = {"attempts": (403, 409)}

    def get_queryset(self):
        return releases.live_releases()

    # Compressed for clients that accept gzip (Django's GZipMiddleware, as a decorator):
    # public content with no secret in it, so nothing for a BREACH attack to guess.
    # Not `retrieve`: GZipMiddleware makes a response's ETag weak, and the ETag of
    # `published/{id}/` goes back in If-Match, which only a strong one passes; nor the
    # player's pages or the teacher's, whose forms carry a CSRF token.
    @method_decorator(gzip_page)
    def list(self, request):
        """The live releases, the newest published first, a page read along the index
        (live, -published_at, -id) (quizzes.listing), without their content."""
        page = self.paginator.paginate_match({"live": True}, request)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def live_match(self):
        """The query of the live release the URL names, by its quiz's id
        ({"quiz_id": ...}) or share code ({"share_code": ...}); NotFound for a key
        that can be neither."""
        key = self.kwargs["id"]
        if OBJECT_ID_RE.fullmatch(key):
            return {"quiz_id": ObjectId(key), "live": True}
        code = sharing.normalize_code(key)
        if code is None:
            raise NotFound()
        return {"share_code": code, "live": True}

    def get_object(self):
        """The live release the URL names by its quiz's id or share code: one find."""
        match = self.live_match()
        if "quiz_id" in match:
            release = get_object_or_404(self.get_queryset(), quiz=match["quiz_id"])
        else:
            release = releases.live_release_by_code(match["share_code"])
            if release is None:
                raise NotFound()
        self.check_object_permissions(self.request, release)
        return release

    def retrieve(self, request, id=None):
        """The live release's learner content. Its id and version come first, with one
        find of two fields: `If-None-Match` naming the version answers 304; a body
        rendered before for this release and host (`delivered`) is sent as it is.
        Else the release is read and rendered: a second find."""
        head = self.live_release_head()
        response = get_conditional_response(request, etag=etag(head))
        if response is None:
            response = self.delivered(request, head)
        return with_etag(response, head)

    def live_release_head(self):
        """The live release the URL names, as an unsaved Release with only its pk and
        quiz_version (404 when there is none): one find on the index of its lookup."""
        found = documents.find_one(Release, self.live_match(), {"quiz_version": True})
        if found is None:
            raise NotFound()
        return Release(pk=found["_id"], quiz_version=found["quiz_version"])

    def delivered(self, request, head):
        """The body of `GET published/{id}/` for the release `head` names, as rendered
        before for this host and media type when it can be (a release never changes;
        its media URLs are made absolute on the request's host), else rendered now. A
        random slot's questions are drawn anew at each request: such a body is never
        kept, nor one above CACHED_BODY_MAX compressed."""
        # The renderer takes parameters from Accept (`application/json; indent=4`). Hashed:
        # a key any cache backend takes (memcached refuses spaces and long keys).
        variant = f"{request.build_absolute_uri('/')} {request.accepted_media_type}"
        key = f"{head.pk}:{hashlib.sha256(variant.encode()).hexdigest()}"
        cache = caches[settings.DELIVERY_CACHE]
        kept = cache.get(key)
        if kept is not None:
            body = zlib.decompress(kept)
        else:
            release = self.get_object()
            data = media.absolute_media_in(PublishedQuizDetailSerializer(release).data, request)
            renderer = request.accepted_renderer
            body = renderer.render(data, request.accepted_media_type, self.get_renderer_context())
            kept = zlib.compress(body)
            if not releases.draws(release) and len(kept) <= CACHED_BODY_MAX:
                cache.set(key, kept, timeout=None)
        return HttpResponse(body, content_type=request.accepted_renderer.media_type)

    @non_transactional  # graded first, then one insert: nothing to retry, nothing shared
    @action(detail=True, methods=["post"], throttle_classes=[AttemptThrottle])
    def attempts(self, request, id=None):
        release = self.get_object()
        expected_version(request, release)
        user = request.user if request.user.is_authenticated else None
        client_info = {"user_agent": request.headers.get("User-Agent", "")[:USER_AGENT_MAX]}
        if not starts(request.data):
            attempts.check_can_start(release, user)
            body = read_body(request, AttemptSubmissionSerializer, {"questions": release.key})
            attempt = operations.record_attempt(
                release, body["responses"], user=user, client_info=client_info
            )
            return Response(AttemptResultSerializer(attempt).data, status=status.HTTP_201_CREATED)
        body = read_body(request, AttemptStartSerializer)
        attempt = attempts.start_attempt(
            release, user=user, name=body.get("name", ""), client_info=client_info
        )
        return Response(AttemptStateSerializer(attempt).data, status=status.HTTP_201_CREATED)


def starts(data):
    """Whether a body asks to start an attempt: an object without `responses`.

    Anything else (a list, a string) goes the one-shot way, which refuses it as before."""
    return isinstance(data, dict) and "responses" not in data
