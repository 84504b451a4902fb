"""Files carried by exchange files: read by the parsers, stored by the import, written back.

Parsers stay free of the database. A file found in an imported file (a
Moodle XML `<file>`, an old `<image_base64>`, an entry of an OpenQuizz JSON
file's `files`) is checked as `quizzes.media.store` will check it
(`media.checked`: its type from its bytes, its size), and its final URL,
/media/<sha256>/<name>, follows from the checked bytes alone: the parser
writes that URL into the texts at once, and keeps the file with the question
(`attach`, under FILES_KEY). A file `media.checked` refuses is a note of the
import report naming the question and the file; its references become its
name.

The import stores a question's files just before the question, in the same
transaction (`store_attached`, called by `quizzes.formats.store` for a whole
file and for each batch of a staged one): a failed import leaves no file of
its own behind. The same bytes are stored once per owner (`media.store`), so
importing a file twice stores nothing twice. A staged import that fails
after some batches leaves the files of those batches unreferenced once its
staged questions are deleted: `media_gc` collects them like any unreferenced
upload.

Writers read the referenced files back (`referenced_files`): with the
caller's session, by SHA-256, and only those the owner of what is exported
may read (`exporting_for(owner)`, which `quizzes.formats.write` sets): a
text linking to another teacher's private file does not export its bytes.
"""

import base64
import binascii
import hashlib
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.utils.translation import gettext as _

from quizzes import media
from quizzes.formats.base import FormatError

# The key of a parsed question under which its files wait to be stored (never stored).
FILES_KEY = "_files"
# The id of the user an export is made for (`exporting_for`), None for anyone's files.
EXPORTER = ContextVar("exporter", default=None)


@dataclass(frozen=True)
class Carried:
    """A file of an imported file, checked: its bytes as they will be stored, SHA-256,
    stored name and URL."""

    data: bytes
    sha256: str
    name: str
    content_type: str

    @property
    def url(self):
        return media.media_url(self.sha256, self.name)


def carried(name, data):
    """The Carried of a file's bytes as `media.store` will keep them, or MediaRefused."""
    checked, content_type, extension = media.checked(bytes(data))
    return Carried(
        checked,
        hashlib.sha256(checked).hexdigest(),
        media.clean_name(name, extension),
        content_type,
    )


def decoded(text):
    """The bytes of base64 `text` (whitespace ignored), or MediaRefused."""
    try:
        return base64.b64decode("".join((text or "").split()), validate=True)
    except (binascii.Error, ValueError):
        raise media.MediaRefused(_("The file is not valid base64.")) from None


def refused_note(name, error):
    """The report's note for a file left out."""
    return _("the file “%(name)s” is not imported, its links show its name: %(reason)s") % {
        "name": name,
        "reason": error.message,
    }


def attach(question, files):
    """Keep `files` (Carried) with the parsed `question`, to be stored with it."""
    if files:
        kept = question.setdefault(FILES_KEY, {})
        for file in files:
            kept[file.sha256] = file


def attached_bytes(question):
    """The bytes of the files waiting with a parsed question (for batch sizes)."""
    return sum(len(file.data) for file in question.get(FILES_KEY, {}).values())


def store_attached(owner, questions):
    """Store the files waiting with `questions` as `owner`'s, in the caller's transaction
    (run again when it is: they stay with the questions, which store nothing of them). A
    file refused now (the owner's quota) stops the import: a FormatError, the transaction
    rolled back."""
    for question in questions:
        for file in question.get(FILES_KEY, {}).values():
            try:
                media.store(owner, file.name, file.data)
            except media.MediaRefused as error:
                raise FormatError(
                    _("the file “%(name)s” cannot be stored: %(reason)s")
                    % {"name": file.name, "reason": error.message}
                ) from None


def referenced_files(texts_of):
    """{sha256: (stored name, content type, bytes)} of the stored files that the texts of
    `texts_of` (plain data) reference, read with the caller's session. Within
    `exporting_for(owner)`, only the files the owner may read (theirs, or under a live
    release): a link to any other file, as to no stored file, is left out."""
    owner_id = EXPORTER.get()
    found = {}
    for sha256 in media.content_media(texts_of):
        document = media.stored_file(sha256, owner_id)
        if document is None and owner_id is not None and media.released(sha256):
            document = media.stored_file(sha256)
        if document is None:
            continue
        meta = document["metadata"]
        found[sha256] = (meta["name"], meta["content_type"], media.file_bytes(sha256))
    return found


@contextmanager
def exporting_for(owner):
    """Writers within it carry only the files `owner` (a user, or None: anyone's) may read."""
    token = EXPORTER.set(None if owner is None else owner.pk)
    try:
        yield
    finally:
        EXPORTER.reset(token)


def absolute_links(data, base_url):
    """A copy of plain data (quizzes, questions) whose every text has its media links made
    absolute on `base_url` ("https://host"), for formats that cannot carry the files."""
    if isinstance(data, str):
        return media.absolute_media_urls(data, base_url) if "/media/" in data else data
    if isinstance(data, dict):
        return {key: absolute_links(value, base_url) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return type(data)(absolute_links(value, base_url) for value in data)
    return data
