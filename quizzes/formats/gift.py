"""Moodle GIFT, read and written as Moodle's own qformat_gift does.

A file is a sequence of blocks separated by blank lines; lines starting with
`//` are comments. A block is a `$CATEGORY: path` line, or one question::

    ::name::[format]text{answers####general feedback}

The answer block decides the type, each question type (`quizzes.qtypes`)
recognising and reading its own: empty is an essay; `#...` numerical; any
`~` multiple choice (`=` right, `~` wrong, `~%50%` weighted; no `=` means
several answers may be right); `=a -> b` pairs matching; `T`, `TRUE`, `F`,
`FALSE` true/false (`{T#feedback if wrong#feedback if right}`); otherwise
short answer (`=` accepted answers, `%n%` weights, `*` wildcard). Each answer
may end with `#feedback`. Text after the answer block makes a missing-word
question: the block becomes "_____" in the text. Text formats are written
`[html]`, `[moodle]` (the default), `[plain]`, `[markdown]`; `\\~ \\= \\#
\\{ \\} \\:` stand for the characters themselves, `\\n` for a new line and
`\\\\` for a backslash.

A block without an answer block is Moodle's "description": text with nothing
to answer, no points, no general feedback (`::name::[format]text`, written
back the same way). Types GIFT cannot write (cloze) are left out of an
export with a comment, as Moodle does.
"""

import re
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

from django.utils.translation import gettext as _

from quizzes.fields import NUMBER_RE, format_number
from quizzes.formats.base import Format, FormatError, decode_text
from quizzes.formats.moodle import MoodleQuiz, category_path, convert_text
from quizzes.qtypes import registry

DEFAULT_FORMAT = "moodle"
TEXT_FORMATS = ("moodle", "html", "plain", "markdown")
CATEGORY = "$CATEGORY:"
MISSING_WORD = "_____"
GENERAL_FEEDBACK = "####"
# "%50%", "%-33.333%": a weight is the first thing of an answer, with no space in it.
WEIGHT = re.compile(r"%([^%\s]*)%")

# While the structure is read, each escaped character stands as a private-use
# character, so that `\=` is never taken for an answer marker.
ESCAPED = {":": "\ue001", "#": "\ue002", "=": "\ue003", "{": "\ue004", "}": "\ue005",
           "~": "\ue006", "n": "\ue007"}  # fmt: skip
BACKSLASH = "\ue000"
RESTORE = str.maketrans({mark: "\n" if char == "n" else char for char, mark in ESCAPED.items()})
WRITE_ESCAPES = str.maketrans(
    {"\\": "\\\\", "#": "\\#", "=": "\\=", "~": "\\~", "{": "\\{", "}": "\\}", ":": "\\:",
     "\n": "\\n", "\r": ""}
)  # fmt: skip


def protect(text):
    """`text` with its escapes replaced by private-use characters."""
    text = text.replace("\\\\", BACKSLASH)
    for char, mark in ESCAPED.items():
        text = text.replace("\\" + char, mark)
    return text.replace(BACKSLASH, "\\")


def restore(text):
    return text.translate(RESTORE)


# -- reading ------------------------------------------------------------------
@dataclass
class Block:
    """The (protected) text of one block and the file line its first character is on."""

    text: str
    line: int

    def line_at(self, offset):
        return self.line + self.text.count("\n", 0, offset)

    def after(self, offset):
        """The rest of the block from `offset`, leading blanks skipped."""
        rest = self.text[offset:]
        stripped = rest.lstrip()
        return Block(stripped, self.line_at(offset + len(rest) - len(stripped)))


def blocks(text, progress=None):
    """The blocks of a GIFT text: lines trimmed, comment lines kept blank (for line numbers)."""
    lines, first, offset = [], None, 0
    for number, line in enumerate(text.split("\n"), 1):
        offset += len(line) + 1
        stripped = line.strip()
        if not stripped:
            if first is not None:
                yield Block(protect("\n".join(lines)), first)
                if progress:
                    progress(min(offset / len(text), 1.0))
            lines, first = [], None
        elif stripped.startswith("//"):
            if first is not None:
                lines.append("")
        else:
            first = first or number
            lines.append(stripped)
    if first is not None:
        yield Block(protect("\n".join(lines)), first)


def with_format(raw, default):
    """(text, format) of a protected text that may start with a [format] marker."""
    if raw.startswith("["):
        end = raw.find("]")
        if raw[1:end] in TEXT_FORMATS:
            return restore(raw[end + 1 :]).strip(), raw[1:end]
    return restore(raw).strip(), default


@dataclass
class Question:
    """What the answer readers need to know about the question they read."""

    block: Block
    number: int
    text_format: str
    quiz: MoodleQuiz

    def warn(self, message):
        self.quiz.warn(message, self.block.line, self.number)

    def text(self, raw):
        """A protected answer or feedback text, in the question's text format."""
        text, text_format = with_format(raw.strip(), self.text_format)
        return convert_text(text, text_format, self.text_format)

    def answer(self, body, **fields):
        """An answer "text#feedback"."""
        text, _hash, feedback = body.partition("#")
        return {"text": self.text(text), "feedback": self.text(feedback), **fields}

    def error(self, message, offset):
        return FormatError(message, line=self.block.line_at(offset), question=self.number)

    def weight(self, body, offset, default):
        """(fraction, rest of the answer) for an answer that may start with %weight%."""
        match = WEIGHT.match(body)
        if not match:
            return default, body
        if not NUMBER_RE.fullmatch(match.group(1)):
            raise self.error(
                _("“%(weight)s” is not a weight: write a percentage such as %%50%% or %%-25%%")
                % {"weight": restore(match.group(0))},
                offset,
            )
        return float(match.group(1)), body[match.end() :]

    def number_in(self, raw, offset):
        """A number written in the file, as a Decimal (so that 3.141..3.142 is 3.1415)."""
        text = restore(raw).strip()
        if not NUMBER_RE.fullmatch(text):
            raise self.error(_("“%(text)s” is not a number") % {"text": text}, offset)
        return Decimal(text)

    @staticmethod
    def plain(raw):
        """A protected text as it reads, without format marker or conversion."""
        return restore(raw).strip()

    @staticmethod
    def split(section, offset, markers):
        """[(answer, offset)] of an answer section cut before each marker character.

        Each answer keeps its marker and is stripped; blank ones are dropped.
        """
        cuts = [0, *(found.start() for found in re.finditer(f"[{markers}]", section))]
        answers = []
        for start, end in pairwise([*cuts, len(section)]):
            piece = section[start:end]
            if piece.strip():
                answers.append((piece.strip(), offset + start + len(piece) - len(piece.lstrip())))
        return answers

    @staticmethod
    def unmarked(answer, marker):
        return answer[1:].strip() if answer.startswith(marker) else answer


def question_type(section):
    """The question type an answer section stands for, as Moodle decides it."""
    spec = section.strip()
    return next(qtype for qtype in registry.gift_types() if qtype.gift_matches(spec))


def answer_block(block, number, start):
    """(start, end) offsets of the one {...} of a question, or None when it has none."""
    text = block.text
    opening, closing = text.find("{", start), text.find("}", start)
    if opening == -1 and closing == -1:
        return None
    if closing == -1:
        raise FormatError(
            _("“{” opens the answers but no “}” closes them (write \\{ for a brace in a text)"),
            line=block.line_at(opening),
            question=number,
        )
    if opening == -1 or closing < opening:
        raise FormatError(
            _("“}” without a “{” before it (write \\} for a brace in a text)"),
            line=block.line_at(closing),
            question=number,
        )
    for char, start in (("{", opening + 1), ("}", closing + 1)):
        extra = text.find(char, start)
        if extra != -1:
            raise FormatError(
                _(
                    "a second “%(char)s”: a question has one answer block {…} "
                    "(write \\%(char)s for a brace in a text)"
                )
                % {"char": char},
                line=block.line_at(extra),
                question=number,
            )
    return opening, closing


def read_question(block, quiz):
    number = quiz.next_number()
    text, name, start = block.text, None, 0
    if text.startswith("::"):
        end = text.find("::", 2)
        if end == -1:
            start = 2
        else:
            name, start = restore(text[2:end]).strip(), end + 2
    braces = answer_block(block, number, start)
    if braces is None:
        question_text, text_format = with_format(text[start:].strip(), DEFAULT_FORMAT)
        data = {"type": registry.gift_bare_text().name, "name": name, "text": question_text}
        quiz.add_question({**data, "text_format": text_format}, block.line, number)
        return
    opening, closing = braces
    after = text[closing + 1 :]
    question_text = text[start:opening] + (MISSING_WORD + after if after.strip() else "")
    section, general_feedback = text[opening + 1 : closing], ""
    if (at := section.rfind(GENERAL_FEEDBACK)) != -1:
        section, general_feedback = section[:at], section[at + len(GENERAL_FEEDBACK) :]
    question_text, text_format = with_format(question_text.strip(), DEFAULT_FORMAT)
    question = Question(block, number, text_format, quiz)
    qtype = question_type(section)
    fields = qtype.gift_read(question, section, opening + 1)
    data = {
        "type": qtype.name,
        "name": name,
        "text": question_text,
        "text_format": text_format,
        "general_feedback": question.text(general_feedback),
        **fields,
    }
    quiz.add_question(data, block.line, number)


def parse(data, filename=None, strict=False, progress=None):
    """Read a GIFT file (bytes or str) as one quiz; see the module docstring."""
    quiz = MoodleQuiz("gift", filename, strict)
    for block in blocks(decode_text(data), progress):
        if block.text.startswith(CATEGORY):
            line_end = block.text.find("\n")
            line_end = len(block.text) if line_end == -1 else line_end
            quiz.add_category(restore(block.text[len(CATEGORY) : line_end]), block.line)
            block = block.after(line_end)
            if not block.text:
                continue
        read_question(block, quiz)
    return quiz.finish()


# -- writing ------------------------------------------------------------------
def escape(text):
    return text.translate(WRITE_ESCAPES)


def text_in(text, text_format, default):
    """A text, escaped, with a [format] marker unless it reads right without one."""
    marker = f"[{text_format}]" if text_format != default or text.startswith("[") else ""
    return marker + escape(text)


def comment(text):
    return " ".join(text.split())


class QuestionWriter:
    """Writes one question the way Moodle's GIFT export does."""

    def __init__(self, question):
        self.question = question
        self.format = question["text_format"]

    def text(self, text):
        return text_in(text, self.format, self.format)

    def feedback(self, text):
        return "#" + self.text(text) if text else ""

    def general_feedback(self, indent="\t", end="\n"):
        text = self.question["general_feedback"]
        return f"{indent}{GENERAL_FEEDBACK}{self.text(text)}{end}" if text else ""

    escape = staticmethod(escape)

    def write(self):
        question = self.question
        head = f"::{escape(question['name'])}::{text_in(question['text'], self.format, DEFAULT_FORMAT)}"
        return head + registry.of(question).gift_write(self) + "\n"

    def weighted(self, answer):
        fraction = answer["fraction"]
        return "" if fraction == 100 else f"%{format_number(fraction)}%"

    def lines(self, opening, rows):
        return (
            opening + "\n" + "".join(f"\t{row}\n" for row in rows) + self.general_feedback() + "}"
        )


def writable(question):
    """Whether GIFT can write `question` (not a cloze: Moodle's GIFT has no syntax for it)."""
    qtype = registry.of(question)
    return qtype.gift_order is not None or qtype.gift_bare_text


def write(quizzes):
    """One quiz as a GIFT file (UTF-8): its tags as a category, then its questions."""
    (quiz,) = quizzes
    parts = [f"// {comment(quiz['title'])}\n\n"]
    if quiz["tags"]:
        parts.append(f"{CATEGORY} {category_path(quiz['tags'])}\n\n")
    for position, question in enumerate(quiz["questions"], 1):
        parts.append(f"// question: {position}  name: {comment(question['name'])}\n")
        if not writable(question):
            # As Moodle's GIFT export: a type GIFT cannot write is left out, with a note.
            name = registry.of(question).name
            parts.append(f"// {name} questions cannot be written in GIFT: left out\n\n")
            continue
        parts.append(QuestionWriter(question).write() + "\n")
    return "".join(parts).encode("utf-8")


FORMAT = Format(
    name="gift",
    label="Moodle GIFT",
    parse=parse,
    write=write,
    content_type="text/plain; charset=utf-8",
    file_extension=".gift",
    extensions=(".gift", ".txt"),
    many_quizzes=False,
)
