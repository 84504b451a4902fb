"""Exchange formats: OpenQuizz JSON, Moodle GIFT and Moodle XML.

    result = parse(data, format="auto", filename="bank.gift")   # or raises FormatError
    result.quizzes    # [quiz data with "questions"], cleaned by quizzes.validation
    result.warnings   # ["question 3 (line 12): ...", ...]
    result.skipped    # Counter: {"unsupported type cloze": 2}
    content, content_type, extension = write(quiz_data(quiz), "gift")

Every parser produces, and every writer consumes, the plain data of
`quizzes.validation`. GIFT and Moodle XML also read as a stream
(`gift.stream(file)`, `moodlexml.stream(file)`: the cleaned questions one at a
time, memory bounded by a question, not the file); `parse()` collects it.
`quizzes.formats.store.import_file` puts a file into the bank and its
quizzes, in one transaction or staged in batches for large files. The
commands, the teacher UI and the API all go through here.
"""

import re
from pathlib import PurePath

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from quizzes.formats import files, gift, json, moodlexml
from quizzes.formats.base import Format, FormatError, ParseResult
from quizzes.media import content_media

__all__ = [
    "FORMATS",
    "Format",
    "FormatError",
    "ParseResult",
    "detect",
    "file_name",
    "parse",
    "write",
    "write_warnings",
]

FORMATS = {fmt.name: fmt for fmt in (json.FORMAT, gift.FORMAT, moodlexml.FORMAT)}
AUTO = "auto"
SNIFF_CHARACTERS = 1024
UNSAFE_IN_FILE_NAMES = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
FILE_NAME_MAX = 100


def detect(data, filename=None):
    """The format name of a file, from its first characters, else its extension.

    A JSON object or an XML document says what it is; anything else is read
    by its extension, and GIFT (plain text) is the default.
    """
    head = data[:SNIFF_CHARACTERS]
    if isinstance(head, bytes):
        head = head.decode("utf-8", errors="replace")
    head = head.lstrip("\ufeff \t\r\n")
    if head.startswith("{"):
        return json.FORMAT.name
    if head.startswith("<"):
        return moodlexml.FORMAT.name
    suffix = PurePath(filename or "").suffix.lower()
    for fmt in FORMATS.values():
        if suffix in fmt.extensions:
            return fmt.name
    return gift.FORMAT.name


def get_format(name):
    """The Format called `name`, or a FormatError listing the known ones."""
    try:
        return FORMATS[name]
    except KeyError:
        raise FormatError(
            _("unknown format “%(name)s” (choose from %(names)s)")
            % {"name": name, "names": ", ".join(FORMATS)}
        ) from None


def parse(data, format=AUTO, filename=None, strict=False, progress=None):
    """Read a file's bytes (or text) into a ParseResult, or raise FormatError.

    `strict` refuses questions of types OpenQuizz does not have instead of
    skipping them; `progress(fraction_done)` is called as the file is read.
    """
    name = detect(data, filename) if format == AUTO else format
    return get_format(name).parse(data, filename=filename, strict=strict, progress=progress)


def write(quizzes, format, base_url=None, owner=None):
    """(bytes, content type, file extension) of one quiz's data, or a list of them.

    GIFT and Moodle XML hold one quiz per file: a list of several is a ValueError.
    A format that carries files carries those `owner` may read (any when None);
    one that cannot (GIFT) links to the site's instead: on `base_url`
    ("https://host") when given, else by the site's own relative URLs.
    """
    if isinstance(quizzes, dict):
        quizzes = [quizzes]
    fmt = get_format(format)
    if len(quizzes) != 1 and not fmt.many_quizzes:
        raise ValueError(f"{fmt.label} holds one quiz per file, not {len(quizzes)}")
    if base_url and not fmt.carries_files:
        quizzes = files.absolute_links(list(quizzes), base_url)
    with files.exporting_for(owner):
        content = fmt.write(list(quizzes))
    return content, fmt.content_type, fmt.file_extension


def write_warnings(quizzes, format):
    """What a file in `format` does not keep of `quizzes` (one quiz's data or a list), as
    sentences: for a format that cannot carry files, how many images stay on this site."""
    fmt = get_format(format)
    count = 0 if fmt.carries_files else len(content_media(quizzes))
    if not count:
        return []
    return [
        ngettext(
            "%(format)s cannot carry files: %(count)s image is linked to this site.",
            "%(format)s cannot carry files: %(count)s images are linked to this site.",
            count,
        )
        % {"format": fmt.label, "count": count}
    ]


def file_name(title, extension, taken=None):
    """A file name for a quiz titled `title`, safe on every file system.

    Importing the file gives the quiz its title back (unless the title had
    characters no file name can hold). With a `taken` set, names already in
    it get " (2)", " (3)"... and the name returned is added to it.
    """
    stem = UNSAFE_IN_FILE_NAMES.sub("_", title).strip(" .")[:FILE_NAME_MAX] or "quiz"
    candidate, number = stem, 1
    while taken is not None and (candidate + extension).casefold() in taken:
        number += 1
        candidate = f"{stem} ({number})"
    if taken is not None:
        taken.add((candidate + extension).casefold())
    return candidate + extension
