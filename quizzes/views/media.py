"""Media files over HTTP: serving /media/<sha256>/<name>, and the teachers' upload.

Serving: the URL never changes for given bytes, so responses are cached for a
year as immutable (`public` when a live release references the file, else
`private`), with the SHA-256 as ETag (If-None-Match → 304), single byte
ranges (206, 416 when unsatisfiable), nosniff, the stored name inline, and a
Content-Security-Policy of its own that lets nothing run. Who may read a file
is quizzes.media.can_read's rule; anyone else gets a 404, as for a file that
does not exist.

Uploading: POST /media/upload/ with the multipart field "file" (a signed-in
teacher, CSRF-checked) answers JSON: 201 {url, name, sha256, content_type,
size} or 4xx {error}. A plain form post with `next` is sent back there with
the result as a message. A body larger than a file may be is refused from
its Content-Length before anything reads it; without one, reading stops at
the limit (`limit_upload`). The file is stored in a transaction of its own,
so the view is not run inside the request's (whose replay would read the
whole body first).
"""

import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadhandler import FileUploadHandler
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect
from django.utils.http import (
    content_disposition_header,
    parse_etags,
    url_has_allowed_host_and_scheme,
)
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from quizzes import media
from quizzes.access import colleague_file
from quizzes.formats.store import in_transaction
from sessions_mw.decorators import non_transactional

YEAR = 365 * 24 * 3600
MEDIA_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
# Room for the multipart envelope around the file (boundaries, headers, CSRF token, next).
ENVELOPE = 64 * 1024
RANGE = re.compile(r"bytes=(\d*)-(\d*)")


# -- serving ---------------------------------------------------------------------------
def readable_file(user, sha256):
    """(the file document to serve, whether anyone may read it) or Http404. A colleague
    sharing a quiz or category with `user` lends them their files
    (quizzes.access.colleague_file)."""
    document = media.stored_file(sha256, user.pk) if user.is_authenticated else None
    public = media.released(sha256)
    if document is None and (public or user.is_staff):
        document = media.stored_file(sha256)
    document = document or colleague_file(user, sha256)
    if document is None:
        raise Http404
    return document, public


def byte_range(header, length):
    """(start, end) inclusive of a single "bytes=" range, None to send everything, or
    "unsatisfiable"."""
    if not header or not header.startswith("bytes=") or "," in header:
        return None
    match = RANGE.fullmatch(header.strip())
    if match is None or match.groups() == ("", ""):
        return "unsatisfiable"
    first, last = match.groups()
    if first == "":
        start, end = max(length - int(last), 0), length - 1
    else:
        start = int(first)
        end = min(int(last), length - 1) if last else length - 1
    if start >= length or end < start:
        return "unsatisfiable"
    return start, end


def matches(if_none_match, sha256):
    """Whether an If-None-Match header names the file's ETag (weak or strong) or "*"."""
    if not if_none_match:
        return False
    tags = {tag.removeprefix("W/") for tag in parse_etags(if_none_match)}
    return if_none_match.strip() == "*" or f'"{sha256}"' in tags


def streamed(grid_out, start, end):
    grid_out.seek(start)
    remaining = end - start + 1
    while remaining > 0:
        piece = grid_out.read(min(media.CHUNK_SIZE, remaining))
        if not piece:
            return
        remaining -= len(piece)
        yield piece


@require_safe
def serve(request, sha256, name):
    """A stored file, as the module doc says; `name` is for people and caches only."""
    if not media.SHA256.fullmatch(sha256):
        raise Http404
    document, public = readable_file(request.user, sha256)
    meta = document["metadata"]
    headers = {
        "ETag": f'"{sha256}"',
        "Cache-Control": f"{'public' if public else 'private'}, max-age={YEAR}, immutable",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": MEDIA_CSP,
        "Accept-Ranges": "bytes",
    }
    if matches(request.headers.get("If-None-Match"), sha256):
        response = HttpResponse(status=304, headers=headers)
        response.content_addressed = True  # openquizz.middleware.PrivateCacheMiddleware
        return response
    length = meta["size"]
    wanted = byte_range(request.headers.get("Range"), length)
    if_range = request.headers.get("If-Range")
    if if_range is not None and if_range.strip() != f'"{sha256}"':
        wanted = None
    if wanted == "unsatisfiable":
        headers["Content-Range"] = f"bytes */{length}"
        return HttpResponse(status=416, headers=headers)
    start, end = wanted or (0, length - 1)
    status = 200
    if wanted is not None:
        status = 206
        headers["Content-Range"] = f"bytes {start}-{end}/{length}"
    headers["Content-Disposition"] = content_disposition_header(False, meta["name"])
    headers["Content-Length"] = str(end - start + 1)
    if request.method == "HEAD":  # the headers alone: no chunk is read
        response = HttpResponse(status=status, content_type=meta["content_type"], headers=headers)
    else:
        grid_out = media.bucket().open_download_stream(document["_id"], session=connection.session)
        response = StreamingHttpResponse(
            streamed(grid_out, start, end),
            status=status,
            content_type=meta["content_type"],
            headers=headers,
        )
    response.content_addressed = True  # openquizz.middleware.PrivateCacheMiddleware
    return response


# -- uploading -------------------------------------------------------------------------
def too_large_body(request):
    """Whether the request's declared body is larger than any acceptable upload."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return declared > settings.MEDIA_MAX_BYTES + ENVELOPE


class LimitedUpload(Exception):
    """The uploaded file went over settings.MEDIA_MAX_BYTES while it was read."""


class UploadLimit(FileUploadHandler):
    """A Django upload handler that stops reading a file at settings.MEDIA_MAX_BYTES
    (a body without Content-Length, or one that lied about it); the handlers after it
    keep the file."""

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > settings.MEDIA_MAX_BYTES:
            raise LimitedUpload
        return raw_data

    def file_complete(self, file_size):
        return None


def limit_upload(request):
    """Make reading `request`'s files stop at the size limit (before its body is read)."""
    request.upload_handlers.insert(0, UploadLimit(request))


def read_upload(uploaded):
    """The bytes of an uploaded file, at most one past the limit (store refuses those)."""
    uploaded.seek(0)
    return uploaded.read(settings.MEDIA_MAX_BYTES + 1)


def store_upload(user, uploaded):
    """The StoredFile of an uploaded file, stored in a transaction of its own."""
    data = read_upload(uploaded)
    return in_transaction(lambda: media.store(user, uploaded.name, data))


def described(stored):
    return {
        "url": stored.url,
        "name": stored.name,
        "sha256": stored.sha256,
        "content_type": stored.content_type,
        "size": stored.size,
    }


def answer(request, status, body, form=True):
    """JSON, or for a plain form post with a safe `next` (in the query string, or in the
    form when `form`: its body was read), a redirect there with a message."""
    target = request.GET.get("next", "")
    if form:
        target = request.POST.get("next", target)
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        if status < 400:
            messages.success(request, _("Uploaded: %(url)s") % {"url": body["url"]})
        else:
            messages.error(request, body["error"])
        return redirect(target)
    return JsonResponse(body, status=status)


def refused(request, status, message, form=True):
    return answer(request, status, {"error": str(message)}, form)


@csrf_exempt  # checked below, once the body's size is known to be acceptable
@non_transactional
@require_POST
@login_required
def upload(request):
    """A teacher's upload, as the module doc says."""
    if too_large_body(request):
        return refused(request, 413, media.too_large().message, form=False)
    limit_upload(request)
    try:
        csrf = CsrfViewMiddleware(lambda request: None)
        csrf.process_request(request)
        forbidden = csrf.process_view(request, None, (), {})
        if forbidden is not None:
            return forbidden
        uploaded = request.FILES.get("file")
    except LimitedUpload:
        return refused(request, 413, media.too_large().message, form=False)
    if uploaded is None:
        return refused(request, 400, _("Choose a file to upload."))
    try:
        stored = store_upload(request.user, uploaded)
    except media.MediaRefused as refusal:
        return refused(request, refusal.status, refusal.message)
    return answer(request, 201, described(stored))
