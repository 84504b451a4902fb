"""Images and files that teachers put in their questions, stored in MongoDB's GridFS.

Files live in the GridFS bucket "media" of the app's database (`media.files`,
`media.chunks`, in GridFS's own layout, so any GridFS tool reads them). They
are written inside the caller's session and transaction: a question saved
with a new image in one request has both or neither. pymongo's GridFSBucket
refuses to write inside a transaction, so `store` inserts the chunks and the
file document itself, with the request's session (sessions_mw); the
collections and their indexes exist beforehand (migration quizzes 0010),
since a transaction cannot always create them.

Rules of `store`:
- the type comes from the bytes (magic numbers), never from the name or a
  header: PNG, JPEG, GIF and WebP, checked by Pillow (verify, then load, with
  a pixel limit against decompression bombs); SVG only once sanitised
  (quizzes.svg: an allow-list, refused when unsure);
- location and camera metadata (EXIF, XMP) are cut out of the file's own
  structure when present, losslessly; an image without any is stored byte
  for byte (quizzes.imagefiles);
- at most settings.MEDIA_MAX_BYTES a file, settings.MEDIA_QUOTA_BYTES an
  owner (the sum of their files' sizes);
- the same bytes are stored once per owner (unique index on owner and
  SHA-256): storing them again returns the stored file.
Refusals raise `MediaRefused` (a translated message and an HTTP status: 400,
413 or 415) before anything is written.

A file's URL is /media/<sha256>/<name>: it never changes for given bytes.
Questions, their versions and releases record the hashes their texts
reference (`content_media`) in their `media` field; who may read a file
(`can_read`) and which files may go (`unreferenced`) follow from it.
"""

import datetime
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote

from bson import Binary, Int64, ObjectId
from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _
from gridfs import GridFSBucket

from quizzes import imagefiles, svg
from quizzes.models import Question, QuestionVersion, Release

BUCKET = "media"
FILES = f"{BUCKET}.files"
CHUNKS = f"{BUCKET}.chunks"
CHUNK_SIZE = 255 * 1024  # GridFS's default chunk size
NAME_MAX = 100

SHA256 = re.compile(r"[0-9a-f]{64}")
# A media URL, relative or absolute, in Markdown, HTML or plain text.
MEDIA_URL = re.compile(r"/media/([0-9a-f]{64})/")


class MediaRefused(ValueError):
    """A file `store` will not keep: `message` says why (translated), `status` is the
    HTTP status to answer with (400 bad file, 413 too large, 415 not an allowed type)."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class StoredFile:
    """A stored file: its SHA-256 (hex), sanitised name, content type, size in bytes, URL."""

    sha256: str
    name: str
    content_type: str
    size: int
    url: str

    @classmethod
    def of(cls, document):
        """The StoredFile of a `media.files` document."""
        meta = document["metadata"]
        return cls(
            meta["sha256"],
            meta["name"],
            meta["content_type"],
            meta["size"],
            media_url(meta["sha256"], meta["name"]),
        )


# -- the bucket ------------------------------------------------------------------------
def files():
    return connection.get_collection(FILES)


def chunks():
    return connection.get_collection(CHUNKS)


def bucket():
    """pymongo's GridFSBucket on the same collections, for reading outside transactions."""
    connection.ensure_connection()
    return GridFSBucket(connection.database, bucket_name=BUCKET, chunk_size_bytes=CHUNK_SIZE)


# {collection: [(index name, key, unique)]}: GridFS's own indexes, and one copy of given
# bytes per owner (which also serves the quota's sums); the hash alone serves reading.
BUCKET_INDEXES = {
    FILES: [
        ("filename_1_uploadDate_1", [("filename", 1), ("uploadDate", 1)], False),
        ("media_owner_sha256", [("metadata.owner", 1), ("metadata.sha256", 1)], True),
        ("media_sha256", [("metadata.sha256", 1)], False),
    ],
    CHUNKS: [("files_id_1_n_1", [("files_id", 1), ("n", 1)], True)],
}


def create_bucket(database):
    """Create the bucket's collections and BUCKET_INDEXES in `database` (a pymongo
    Database), keeping any that exist."""
    existing = set(database.list_collection_names())
    for collection, indexes in BUCKET_INDEXES.items():
        if collection not in existing:
            database.create_collection(collection)
        for name, key, unique in indexes:
            database[collection].create_index(key, name=name, unique=unique)


# -- names and URLs --------------------------------------------------------------------
def clean_name(name, extension):
    """A safe file name from an uploaded one: its stem reduced to letters (any script's),
    digits, dots, dashes and underscores, at most NAME_MAX characters, with `extension` (the type's)."""
    stem = unicodedata.normalize("NFKC", str(name or "")).rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    stem = re.sub(r"[^\w.-]+", "-", stem).strip(".-_") or "file"
    return f"{stem[: NAME_MAX - len(extension) - 1]}.{extension}"


def media_url(sha256, name):
    """The URL of a stored file: /media/<sha256>/<name>, the name URL-quoted."""
    return f"/media/{sha256}/{quote(name, safe='')}"


def absolute_media_urls(html, request_or_base):
    """`html` with its relative media URLs ("/media/...") made absolute, on the
    request's scheme and host or on a base URL ("https://host")."""
    base = request_or_base
    if not isinstance(base, str):
        base = base.build_absolute_uri("/")
    base = base.rstrip("/")
    return re.sub(r"""(?<=["'(])/media/(?=[0-9a-f]{64}/)""", f"{base}/media/", html)


def absolute_media_in(data, request_or_base):
    """A copy of `data` (a payload: dicts, lists and strings) whose `*_html` strings have
    their media URLs made absolute (`absolute_media_urls`)."""
    if isinstance(data, dict):
        return {
            key: absolute_media_urls(value, request_or_base)
            if isinstance(value, str) and str(key).endswith("_html") and "/media/" in value
            else absolute_media_in(value, request_or_base)
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [absolute_media_in(value, request_or_base) for value in data]
    return data


def referenced(text):
    """The set of SHA-256s (hex) of the media URLs in `text` (relative or absolute,
    in Markdown, HTML or plain text)."""
    if not text or "/media/" not in text:
        return set()
    return set(MEDIA_URL.findall(text))


# Values content_media skips at once: they hold no text.
NO_TEXT = frozenset({bool, int, float, type(None)})


def content_media(data):
    """The sorted SHA-256s referenced by any text of `data`: plain data (a question's,
    a version's, a release's content, any mix of dicts, lists and strings)."""
    found = set()
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            found |= referenced(value)
            continue
        # Runs for every imported question: its values are looked at where they are,
        # and only containers go on the stack.
        if isinstance(value, dict):
            value = value.values()
        elif not isinstance(value, list | tuple):
            continue
        for item in value:
            if type(item) is str:
                if "/media/" in item:
                    found |= referenced(item)
            elif type(item) not in NO_TEXT:
                stack.append(item)
    return sorted(found)


# -- storing ---------------------------------------------------------------------------
def checked(data):
    """(bytes to store, content type, extension) of an uploaded file's bytes, or
    MediaRefused: what the bytes are, whatever their name says."""
    if len(data) > settings.MEDIA_MAX_BYTES:
        raise too_large()
    if not data:
        raise MediaRefused(_("The file is empty."), 400)
    kind = imagefiles.sniff(data)
    if kind is None:
        if svg.looks_like_svg(data):
            try:
                return svg.sanitised(data), "image/svg+xml", "svg"
            except svg.UnsafeSvg as exc:
                raise MediaRefused(str(exc), 400) from exc
        raise MediaRefused(
            _("This file is not an image of an allowed type (PNG, JPEG, GIF, WebP or SVG)."), 415
        )
    try:
        cleaned = imagefiles.checked(data, kind, settings.MEDIA_MAX_PIXELS)
    except imagefiles.TooManyPixels as exc:
        raise MediaRefused(str(exc), 413) from exc
    except imagefiles.BadImage as exc:
        raise MediaRefused(str(exc), 400) from exc
    return cleaned, imagefiles.CONTENT_TYPES[kind], kind


def too_large():
    limit = settings.MEDIA_MAX_BYTES
    return MediaRefused(
        _("This file is too large: at most %(size)s MiB.") % {"size": round(limit / 2**20, 1)},
        413,
    )


def used_bytes(owner_id):
    """The summed sizes of `owner_id`'s stored files (one aggregation on the owner index)."""
    total = files().aggregate(
        [
            {"$match": {"metadata.owner": owner_id}},
            {"$group": {"_id": None, "bytes": {"$sum": "$length"}}},
        ],
        session=connection.session,
    )
    return next(iter(total), {"bytes": 0})["bytes"]


def store(owner, name, data):
    """Check `data` (bytes) and store it as `owner`'s file called `name`, in the caller's
    session and transaction; returns its StoredFile (the one stored already when the
    owner has these bytes). Raises MediaRefused, having written nothing."""
    data, content_type, extension = checked(bytes(data))
    sha256 = hashlib.sha256(data).hexdigest()
    session = connection.session
    existing = files().find_one(
        {"metadata.owner": owner.pk, "metadata.sha256": sha256}, session=session
    )
    if existing is not None:
        return StoredFile.of(existing)
    if used_bytes(owner.pk) + len(data) > settings.MEDIA_QUOTA_BYTES:
        raise MediaRefused(
            _(
                "Your files would exceed your storage quota of %(size)s MiB: "
                "remove images you no longer use, or ask an administrator for more room."
            )
            % {"size": round(settings.MEDIA_QUOTA_BYTES / 2**20, 1)},
            413,
        )
    name = clean_name(name, extension)
    file_id = ObjectId()
    now = datetime.datetime.now(datetime.UTC)
    pieces = [
        {"files_id": file_id, "n": n, "data": Binary(data[start : start + CHUNK_SIZE])}
        for n, start in enumerate(range(0, len(data), CHUNK_SIZE))
    ]
    chunks().insert_many(pieces, session=session)
    document = {
        "_id": file_id,
        "length": Int64(len(data)),
        "chunkSize": CHUNK_SIZE,
        "uploadDate": now,
        "filename": name,
        "metadata": {
            "owner": owner.pk,
            "name": name,
            "content_type": content_type,
            "size": len(data),
            "sha256": sha256,
            "created_at": now,
        },
    }
    files().insert_one(document, session=session)
    return StoredFile.of(document)


# -- who may read a file, which files may go ---------------------------------------------
class MediaInUse(ValueError):
    """A file that a question, a question version or a release references."""


def stored_file(sha256, owner_id=None):
    """The `media.files` document of these bytes (`owner_id`'s copy when given), or None."""
    query = {"metadata.sha256": sha256}
    if owner_id is not None:
        query["metadata.owner"] = owner_id
    return files().find_one(query, session=connection.session)


def file_bytes(sha256, owner_id=None):
    """The stored bytes of the file with this SHA-256 (`owner_id`'s copy when given), or
    None; read with the caller's session, inside a transaction too (exports, copies)."""
    document = stored_file(sha256, owner_id)
    if document is None:
        return None
    pieces = chunks().find({"files_id": document["_id"]}, session=connection.session).sort("n", 1)
    return b"".join(piece["data"] for piece in pieces)


def released(sha256):
    """Whether a live release references the file: anyone may read it then (one query
    on the releases' (media, live) index)."""
    releases = connection.get_collection(Release._meta.db_table)
    found = releases.find_one(
        {"media": sha256, "live": True}, {"_id": 1}, session=connection.session
    )
    return found is not None


def can_read(user, sha256):
    """Whether `user` may read the file of these bytes: its owner (a teacher who stored
    them) and staff always, anyone while a live release references it."""
    if user.is_authenticated and (user.is_staff or stored_file(sha256, user.pk) is not None):
        return True
    return released(sha256)


# Whatever records the media its texts reference (quizzes.models.media_field).
REFERENCING = (Question, QuestionVersion, Release)


def is_referenced(sha256):
    """Whether a question, a question version or a release references the file."""
    return any(
        connection.get_collection(model._meta.db_table).find_one(
            {"media": sha256}, {"_id": 1}, session=connection.session
        )
        for model in REFERENCING
    )


def all_referenced():
    """The set of SHA-256s that any question, question version or release references."""
    found = set()
    for model in REFERENCING:
        collection = connection.get_collection(model._meta.db_table)
        found.update(collection.distinct("media", session=connection.session))
    return found


def delete(owner, sha256):
    """Delete `owner`'s file of these bytes (document and chunks), in the caller's
    transaction; MediaInUse when anything references it. Returns whether one was found."""
    if is_referenced(sha256):
        raise MediaInUse(sha256)
    document = stored_file(sha256, owner.pk)
    if document is None:
        return False
    remove(document)
    return True


def remove(document):
    chunks().delete_many({"files_id": document["_id"]}, session=connection.session)
    files().delete_one({"_id": document["_id"]}, session=connection.session)


def unreferenced(older_than):
    """The `media.files` documents nothing references, stored before `older_than` (a
    datetime: a file just uploaded waits for the question that will use it), by date."""
    referenced_now = all_referenced()
    candidates = (
        files()
        .find(
            {"uploadDate": {"$lt": older_than}},
            {"length": 1, "filename": 1, "uploadDate": 1, "metadata": 1},
            session=connection.session,
        )
        .sort("uploadDate", 1)
    )
    return [doc for doc in candidates if doc["metadata"]["sha256"] not in referenced_now]


def remove_unreferenced(document):
    """Remove a file `unreferenced` listed, unless something references it by now;
    returns whether it was removed. Runs in the caller's transaction."""
    if is_referenced(document["metadata"]["sha256"]):
        return False
    remove(document)
    return True
