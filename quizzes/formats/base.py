"""What every exchange format shares: its description, the parse result, the error.

A parser turns a file into a `ParseResult` whose quizzes are the plain data of
`quizzes.validation` (quiz data with a "questions" list), already cleaned by
`clean_quiz` and `clean_question`: whatever a parser returns can be written.
A writer turns a list of such quizzes into bytes.
"""

import codecs
import io
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _

from quizzes.validation import clean_question, clean_quiz


class FormatError(Exception):
    """A file that cannot be imported: what is wrong, and where.

    `line` is the 1-based line of the file; `question` the 1-based number of
    the question in the file (when the problem belongs to one).
    """

    def __init__(self, message, line=None, question=None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.question = question

    def __str__(self):
        where = {"number": self.question, "line": self.line}
        if self.question is not None and self.line is not None:
            prefix = _("question %(number)s (line %(line)s)") % where
        elif self.question is not None:
            prefix = _("question %(number)s") % where
        elif self.line is not None:
            prefix = _("line %(line)s") % where
        else:
            return str(self.message)
        return f"{prefix}: {self.message}"


@dataclass(frozen=True)
class Note:
    """One entry of the import report: something of the file left out, or taken
    differently than written, and where (`question`: its 1-based number in the
    file, `line`: 1-based; None when the note is about the file)."""

    message: str
    question: int | None = None
    line: int | None = None

    def __str__(self):
        return str(FormatError(self.message, line=self.line, question=self.question))


@dataclass
class ParseResult:
    """The quizzes found in a file, its categories, and what was left out of them.

    `warnings` are sentences for the teacher ("question 3 (line 12): ..."),
    `notes` the same as `Note`s (number and line apart, for the preview);
    `skipped` counts the questions left out, by reason (e.g. "unsupported
    type cloze"). `categories` maps each category path the file declares (a
    tuple of names under Moodle's "top", parents first) to its
    {"description", "description_format", "idnumber"}; each question names
    its own path in `question["category"]` (() for none). `origins` holds the
    (number, line) in the file of each question kept, in the order of the
    quizzes' questions, so that a preview can show each question's notes.
    """

    format: str
    quizzes: list = field(default_factory=list)
    categories: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)
    notes: list = field(default_factory=list)
    origins: list = field(default_factory=list)
    # A file read as a stream keeps this many notes at most (memory bounded by batch,
    # not file); `notes_left_out` counts the others.
    notes_max: int | None = None
    notes_left_out: int = 0

    def warn(self, message, line=None, question=None):
        """Add a note to the import report."""
        if self.notes_max is not None and len(self.notes) >= self.notes_max:
            self.notes_left_out += 1
            return
        note = Note(str(message), question=question, line=line)
        self.notes.append(note)
        self.warnings.append(str(note))

    @property
    def question_count(self):
        return sum(len(quiz["questions"]) for quiz in self.quizzes)

    @property
    def skipped_count(self):
        return sum(self.skipped.values())

    def notes_of(self, number):
        """The notes about question `number` of the file."""
        return [note for note in self.notes if note.question == number]

    def report(self):
        """[(question data or None, number, line, [notes])] of the file's questions: those
        kept, then the file's other notes (skipped questions, the file's own) by line."""
        numbers = {number for number, _line in self.origins}
        questions = [q for quiz in self.quizzes for q in quiz["questions"]]
        kept = [
            (question, number, line, self.notes_of(number))
            for question, (number, line) in zip(questions, self.origins, strict=False)
        ]
        others = [note for note in self.notes if note.question not in numbers]
        others.sort(key=lambda note: (note.line or 0, note.question or 0))
        return kept + [(None, note.question, note.line, [note]) for note in others]

    def types(self):
        """How many questions of each type, most frequent first."""
        return Counter(
            question["type"] for quiz in self.quizzes for question in quiz["questions"]
        ).most_common()


@dataclass(frozen=True)
class Format:
    """One exchange format: its parser, its writer and how its files look.

    `parse(data, filename, strict, progress)` returns a ParseResult;
    `write(quizzes)` returns bytes. `many_quizzes` says whether one file can
    hold several quizzes; `carries_files` whether it holds the files (images)
    its texts link to.
    """

    name: str
    label: str
    parse: Callable
    write: Callable
    content_type: str
    file_extension: str
    extensions: tuple
    many_quizzes: bool
    carries_files: bool = True


# -- validation, worded for a file ---------------------------------------------
def describe(error):
    """A ValidationError of quizzes.validation as one line: "field: message; ..."."""
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    parts = []
    for name, messages in error.message_dict.items():
        text = " ".join(messages)
        parts.append(text if name == NON_FIELD_ERRORS else f"{name}: {text}")
    return "; ".join(parts)


def checked_question(data, number, line=None, warnings=None):
    """`clean_question(data)`, its errors raised as a FormatError naming the question.

    With a `warnings` list, what Moodle's importer takes but its editing form
    refuses is taken, with a message added to the list (see clean_question).
    """
    try:
        return clean_question(data, warnings=warnings)
    except ValidationError as error:
        raise FormatError(describe(error), line=line, question=number) from None


def checked_quiz(data, questions, line=None):
    """`clean_quiz(data)` with its (already cleaned) questions, or a FormatError."""
    try:
        quiz = clean_quiz(data)
    except ValidationError as error:
        raise FormatError(_("quiz: %(errors)s") % {"errors": describe(error)}, line=line) from None
    quiz["questions"] = questions
    return quiz


# -- text helpers ---------------------------------------------------------------
def decode_text(data):
    """Bytes (UTF-8, BOM or not) or str as str with "\\n" line ends, or a FormatError."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            raise FormatError(
                _("the file is not UTF-8 text (save it as UTF-8 and try again)"), line=line
            ) from None
    return data.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


class TextLines:
    """The lines of a UTF-8 text, read as it goes: from bytes, a str or a binary file.

    Iterating yields each line without its end ("\n", "\r\n" or "\r"), the BOM
    left out, as `decode_text` reads the whole text; a byte sequence that is
    not UTF-8 is a FormatError naming its line. `fraction` says how much of
    the file was read (for progress bars). Memory holds one chunk of
    CHUNK bytes at a time, decoded and cut into lines at once.
    """

    CHUNK = 256 * 1024

    def __init__(self, source):
        if isinstance(source, str):
            source = source.encode("utf-8")
        if isinstance(source, bytes | bytearray | memoryview):
            self.size = len(source)
            source = io.BytesIO(source)
        else:
            self.size = file_size(source)
        self.file = source
        self.read = 0

    @property
    def fraction(self):
        return min(self.read / self.size, 1.0) if self.size else 1.0

    def __iter__(self):
        decoder = codecs.getincrementaldecoder("utf-8")()
        lines_before = 0  # the file's lines ("\n") in the chunks decoded so far
        rest, first = "", True
        while True:
            chunk = self.file.read(self.CHUNK)
            last = not chunk
            # The bytes of a character the previous chunk cut (never a line end).
            pending = len(decoder.getstate()[0])
            try:
                text = decoder.decode(chunk, final=last)
            except UnicodeDecodeError as error:
                line = lines_before + chunk.count(b"\n", 0, max(error.start - pending, 0)) + 1
                raise FormatError(
                    _("the file is not UTF-8 text (save it as UTF-8 and try again)"), line=line
                ) from None
            self.read += len(chunk)
            lines_before += chunk.count(b"\n")
            text = rest + text
            if first:  # until the first character that is not a BOM
                text = text.lstrip("\ufeff")
                first = not text
            if not last and text.endswith("\r"):
                text, rest = text[:-1], "\r"  # maybe the first half of a "\r\n"
            else:
                rest = ""
            lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
            if last:
                # The piece after the last line end is a line when it is not empty, or
                # when the file is only BOMs (one empty line, as `decode_text` reads it).
                yield from lines if lines[-1] or (first and self.read) else lines[:-1]
                return
            rest = lines.pop() + rest
            yield from lines


def file_size(file):
    """The size in bytes of a binary file object (0 when it cannot tell)."""
    try:
        return os.fstat(file.fileno()).st_size
    except (AttributeError, OSError, io.UnsupportedOperation):
        pass
    try:
        here = file.tell()
        size = file.seek(0, io.SEEK_END)
        file.seek(here)
        return size - here
    except (AttributeError, OSError):
        return 0
