"""Uploading an image through the API.

    POST media/   (multipart "file")
        201 {"url": absolute URL, "sha256", "name", "content_type", "size"}
        400 problem+json: errors.file says what is wrong with the file
        413 problem+json: larger than settings.MEDIA_MAX_BYTES, or over the owner's quota
        415 problem+json: not an image of an allowed type

The rules are quizzes.media.store's; the HTTP side (the body refused from its
Content-Length before it is read, reading stopped at the limit, the store in
a transaction of its own) is the teacher UI's (quizzes.views.media).
"""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from quizzes import media
from quizzes.api.exceptions import PROBLEM_CONTENT_TYPE, PayloadTooLarge
from quizzes.api.serializers import ProblemSerializer
from quizzes.views.media import LimitedUpload, described, limit_upload, store_upload, too_large_body
from sessions_mw.decorators import non_transactional


class UnsupportedFile(exceptions.APIException):
    status_code = status.HTTP_415_UNSUPPORTED_MEDIA_TYPE
    default_detail = gettext_lazy("Unsupported media type.")
    default_code = "unsupported_media_type"


class MediaUpload(serializers.Serializer):
    file = serializers.FileField(
        help_text="A PNG, JPEG, GIF, WebP or SVG image (at most 5 MiB by default)."
    )


class StoredMedia(serializers.Serializer):
    url = serializers.URLField(help_text="Absolute; never changes for these bytes.")
    sha256 = serializers.CharField(help_text="SHA-256 of the stored bytes, in hex.")
    name = serializers.CharField(help_text="The file's name, made safe.")
    content_type = serializers.CharField(help_text="From the bytes, not from the name.")
    size = serializers.IntegerField(help_text="Bytes stored (metadata removed).")


class AbsoluteMediaUrls:
    """A view mixin: the media URLs in the `*_html` strings of its answers are absolute
    (on the request's host), for clients that show them outside OpenQuizz's pages."""

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response) and response.data and not response.exception:
            response.data = media.absolute_media_in(response.data, request)
        return super().finalize_response(request, response, *args, **kwargs)


def as_problem(refusal):
    """The APIException of a MediaRefused."""
    if refusal.status == 413:
        return PayloadTooLarge(refusal.message)
    if refusal.status == 415:
        return UnsupportedFile(refusal.message)
    return exceptions.ValidationError({"file": [refusal.message]})


@extend_schema(tags=["media"])
class MediaUploadView(APIView):
    """Store an image for use in questions. The same bytes are stored once per owner:
    uploading them again answers the stored file. Location and camera metadata (EXIF,
    XMP) are removed; SVG images are kept only when nothing in them can run or load
    anything."""

    parser_classes = (MultiPartParser,)

    def initial(self, request, *args, **kwargs):
        # Before authentication, which for a session reads the body for its CSRF check.
        if request.method == "POST":
            if too_large_body(request._request):
                raise PayloadTooLarge(media.too_large().message)
            limit_upload(request._request)
        try:
            super().initial(request, *args, **kwargs)
        except LimitedUpload:
            raise PayloadTooLarge(media.too_large().message) from None

    @extend_schema(
        summary="Upload an image",
        request={"multipart/form-data": MediaUpload},
        responses={
            201: StoredMedia,
            (400, PROBLEM_CONTENT_TYPE): OpenApiResponse(ProblemSerializer, "A bad file"),
            (413, PROBLEM_CONTENT_TYPE): OpenApiResponse(ProblemSerializer, "Too large"),
            (415, PROBLEM_CONTENT_TYPE): OpenApiResponse(ProblemSerializer, "Not an image"),
        },
    )
    @non_transactional
    def post(self, request):
        try:
            serializer = MediaUpload(data=request.data)
        except LimitedUpload:
            raise PayloadTooLarge(media.too_large().message) from None
        serializer.is_valid(raise_exception=True)
        try:
            stored = store_upload(request.user, serializer.validated_data["file"])
        except media.MediaRefused as refusal:
            raise as_problem(refusal) from None
        body = described(stored)
        body["url"] = request.build_absolute_uri(stored.url)
        return Response(body, status=201)
