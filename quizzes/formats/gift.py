"""Moodle GIFT, read and written as Moodle's own qformat_gift does.

A file is a sequence of blocks separated by blank lines; lines starting with
`//` are comments. A block is a `$CATEGORY: path` line, or one question::

    // [id:idnumber] [tag:a tag] [tag:another]
    ::name::[format]text{answers####general feedback}

The answer block decides the type, each question type (`quizzes.qtypes`)
recognising and reading its own: empty is an essay; `#...` numerical (`~#`
gives the feedback for any other number: Moodle's `*` answer); any `~`
multiple choice (`=` right, `~` wrong, `~%50%` weighted; no `=` means
several answers may be right); `=a -> b` pairs matching; `T`, `TRUE`, `F`,
`FALSE` true/false (`{T#feedback if wrong#feedback if right}`); otherwise
short answer (`=` accepted answers, `%n%` weights, `*` wildcard). Each answer
may end with `#feedback`. Text after the answer block makes a missing-word
question: the block becomes "_____" in the text. Each text (question text,
answer, feedback, general feedback) may start with its format, `[html]`,
`[moodle]` (the default of the question text; the others default to the
question text's), `[plain]` or `[markdown]`; `\\~ \\= \\# \\{ \\} \\:`
stand for the characters themselves, `\\n` for a new line and `\\\\` for a
backslash. Lines are kept as written (only a whole text is trimmed), so
indented code in a `<pre>` keeps its indentation. The comments of a question
give its ID number (`[id:...]`) and tags (`[tag:...]`), `]` written `\\]`.

A block without an answer block is Moodle's "description": text with nothing
to answer, no points, no general feedback (`::name::[format]text`, written
back the same way). Types GIFT cannot write (cloze) are left out of an
export with a comment, as Moodle does. A category's ID number and
description, which Moodle's GIFT does not carry, are written as `// [id:...]`
and `// [info:...]` comments of its `$CATEGORY:` block, which Moodle ignores
and OpenQuizz reads back.
"""

import re
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

from django.utils.translation import gettext as _

from quizzes.fields import NUMBER_RE, format_number
from quizzes.formats.base import Format, FormatError, TextLines
from quizzes.formats.moodle import MoodleQuiz, QuestionStream, category_path
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
    if "\\" not in text and BACKSLASH not in text:  # most blocks: nothing to replace
        return text
    text = text.replace("\\\\", BACKSLASH)
    for char, mark in ESCAPED.items():
        text = text.replace("\\" + char, mark)
    return text.replace(BACKSLASH, "\\")


def restore(text):
    return text.translate(RESTORE)


# -- reading ------------------------------------------------------------------
# Moodle's extract_idnumber_and_tags_from_comment: any characters but control
# characters (and, in a tag, < > `), `]` written `\]`.
ID_COMMENT = re.compile(r"\[id:((?:\\\]|[^\]\x00-\x1f\x7f])+)\]")
TAG_COMMENT = re.compile(r"\[tag:((?:\\\]|[^\]<>`\x00-\x1f\x7f])*)\]")
INFO_COMMENT = re.compile(r"\[info:((?:\\\]|[^\]\x00-\x1f\x7f])*)\]")


def unbracket(text):
    return text.replace("\\]", "]")


def idnumber_and_tags(comments):
    """(ID number, [tags]) declared in a question's comments, as Moodle reads them."""
    found = ID_COMMENT.search(comments)
    idnumber = unbracket(found.group(1).strip()) if found else ""
    tags = [unbracket(tag.strip()) for tag in TAG_COMMENT.findall(comments)]
    return idnumber, [tag for tag in tags if tag]


@dataclass
class Block:
    """The (protected) text of one block, the file line its first character is on,
    and the comment lines of the block."""

    text: str
    line: int
    comments: str = ""

    def line_at(self, offset):
        return self.line + self.text.count("\n", 0, offset)

    def after(self, offset):
        """The rest of the block from `offset`, leading blanks skipped."""
        rest = self.text[offset:]
        stripped = rest.lstrip()
        return Block(stripped, self.line_at(offset + len(rest) - len(stripped)), self.comments)


def blocks(lines, progress=None):
    """The blocks of a GIFT text (a TextLines), lines kept as written (Moodle trims only
    the whole text); comment lines are collected apart, and blank in the text (for line
    numbers)."""
    kept, comments, first = [], [], None
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if not stripped:
            if first is not None:
                yield Block(protect("\n".join(kept).strip()), first, "\n".join(comments))
                if progress:
                    progress(lines.fraction)
            kept, comments, first = [], [], None
        elif stripped.startswith("//"):
            comments.append(stripped)
            if first is not None:
                kept.append("")
        else:
            first = first or number
            kept.append(line)
    if first is not None:
        yield Block(protect("\n".join(kept).strip()), first, "\n".join(comments))


def with_format(raw, default):
    """(text, format) of a protected text that may start with a [format] marker."""
    raw = raw.strip()
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

    def rich(self, raw):
        """(text, format) of a protected answer or feedback text: its own format, if it
        starts with one, else the question text's."""
        return with_format(raw, self.text_format)

    def text(self, raw):
        return self.rich(raw)[0]

    def feedback(self, raw):
        """The "feedback" and "feedback_format" of an answer from its protected text."""
        text, text_format = self.rich(raw)
        return {"feedback": text, "feedback_format": text_format}

    def answer(self, body, **fields):
        """An answer "text#feedback"."""
        text, _hash, feedback = body.partition("#")
        text, text_format = self.rich(text)
        return {"text": text, "text_format": text_format, **self.feedback(feedback), **fields}

    def error(self, message, offset):
        return FormatError(message, line=self.block.line_at(offset), question=self.number)

    def weight(self, body, offset, default):
        """(fraction, rest of the answer) for an answer that may start with %weight%.

        What is not a number between the % signs is no weight: as in Moodle, the
        answer has its default grade and keeps that text, with a note.
        """
        match = WEIGHT.match(body)
        if not match:
            return default, body
        if not NUMBER_RE.fullmatch(match.group(1)):
            self.quiz.warn(
                _(
                    "“%(weight)s” is not a weight (write a percentage such as %%50%% or "
                    "%%-25%%): it is kept in the answer's text, as Moodle does"
                )
                % {"weight": restore(match.group(0))},
                self.block.line_at(offset),
                self.number,
            )
            return default, body
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


def answer_block(block, number, start, quiz):
    """(start, end) offsets of the answer block {...} of a question (the first "{" and
    the first "}", as Moodle takes them), or None when it has none."""
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
            quiz.warn(
                _(
                    "a second “%(char)s”: a question has one answer block {…}; the rest "
                    "is kept in the text, as Moodle does (write \\%(char)s for a brace)"
                )
                % {"char": char},
                block.line_at(extra),
                number,
            )
            break
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
    idnumber, tags = idnumber_and_tags(block.comments)
    common = {"name": name, "idnumber": idnumber, "tags": tags}
    braces = answer_block(block, number, start, quiz)
    if braces is None:
        question_text, text_format = with_format(text[start:], DEFAULT_FORMAT)
        data = {"type": registry.gift_bare_text().name, "text": question_text, **common}
        quiz.add_question({**data, "text_format": text_format}, block.line, number)
        return
    opening, closing = braces
    after = text[closing + 1 :]
    question_text = text[start:opening] + (MISSING_WORD + after if after.strip() else "")
    section, general_feedback = text[opening + 1 : closing], ""
    if (at := section.rfind(GENERAL_FEEDBACK)) != -1:
        section, general_feedback = section[:at], section[at + len(GENERAL_FEEDBACK) :]
    question_text, text_format = with_format(question_text, DEFAULT_FORMAT)
    question = Question(block, number, text_format, quiz)
    qtype = question_type(section)
    general_feedback, general_feedback_format = question.rich(general_feedback)
    data = {
        "type": qtype.name,
        "text": question_text,
        "text_format": text_format,
        "general_feedback": general_feedback,
        "general_feedback_format": general_feedback_format,
        **common,
        **qtype.gift_read(question, section, opening + 1),
    }
    quiz.add_question(data, block.line, number)


def read_category(block, quiz):
    """A `$CATEGORY:` line: the category of the next questions; the rest of its block."""
    line_end = block.text.find("\n")
    line_end = len(block.text) if line_end == -1 else line_end
    info = {}
    if found := ID_COMMENT.search(block.comments):
        info["idnumber"] = unbracket(found.group(1).strip())
    if found := INFO_COMMENT.search(block.comments):
        description = protect(unbracket(found.group(1)))
        info["description"], info["description_format"] = with_format(description, "moodle")
    quiz.declare_category(restore(block.text[len(CATEGORY) : line_end]), block.line, **info)
    return block.after(line_end)


def stream(source, filename=None, strict=False, progress=None):
    """A QuestionStream of a GIFT file (bytes, str or a binary file), read block by block."""
    quiz = MoodleQuiz("gift", filename, strict)
    return QuestionStream(quiz, read_blocks(TextLines(source), quiz, progress))


def read_blocks(lines, quiz, progress):
    for block in blocks(lines, progress):
        if block.text.startswith(CATEGORY):
            block = read_category(block, quiz)
            if not block.text:
                continue
        read_question(block, quiz)
        yield from quiz.take()


def parse(data, filename=None, strict=False, progress=None):
    """Read a GIFT file (bytes or str) as one quiz; see the module docstring."""
    return stream(data, filename, strict, progress).collect()


# -- writing ------------------------------------------------------------------
def escape(text):
    return text.translate(WRITE_ESCAPES)


def text_in(text, text_format, default):
    """A text, escaped, with a [format] marker when it is not in `default` (as Moodle's
    write_questiontext), or when it would read as one."""
    if not text:
        return ""
    marker = f"[{text_format}]" if text_format != default or text.startswith("[") else ""
    return marker + escape(text)


def comment(text):
    return " ".join(text.split())


def bracketed(text):
    """A text inside a [id:...] or [tag:...] comment, as Moodle writes it."""
    return comment(text).replace("]", "\\]")


class QuestionWriter:
    """Writes one question the way Moodle's GIFT export does."""

    def __init__(self, question):
        self.question = question
        self.format = question["text_format"]

    def text(self, text, text_format=None):
        """An answer or feedback text, with its format marker unless it is the question's."""
        return text_in(text, text_format or self.format, self.format)

    def feedback(self, text, text_format=None):
        return "#" + self.text(text, text_format) if text else ""

    def answer_text(self, answer):
        return self.text(answer["text"], answer.get("text_format"))

    def answer_feedback(self, answer, always=False):
        """ "#feedback", "" when there is none (unless `always`, as Moodle writes some types)."""
        text = self.text(answer["feedback"], answer.get("feedback_format"))
        return "#" + text if text or always else ""

    def general_feedback(self, indent="\t", end="\n"):
        question = self.question
        text = self.text(question["general_feedback"], question.get("general_feedback_format"))
        return f"{indent}{GENERAL_FEEDBACK}{text}{end}" if text else ""

    escape = staticmethod(escape)

    def write(self):
        question = self.question
        head = f"::{escape(question['name'])}::{text_in(question['text'], self.format, DEFAULT_FORMAT)}"
        return head + registry.of(question).gift_write(self) + "\n"

    def weighted(self, answer):
        fraction = answer["fraction"]
        return "" if fraction == 100 else f"%{format_number(fraction)}%"

    @staticmethod
    def weight(answer):
        """ "%100%": the weight Moodle writes before every short answer and number."""
        return f"%{format_number(answer['fraction'])}%"

    def lines(self, opening, rows):
        return (
            opening + "\n" + "".join(f"\t{row}\n" for row in rows) + self.general_feedback() + "}"
        )


def writable(question):
    """Whether GIFT can write `question` (not a cloze: Moodle's GIFT has no syntax for it)."""
    qtype = registry.of(question)
    return qtype.gift_order is not None or qtype.gift_bare_text


def id_and_tags(question):
    """Moodle's comment line of a question's ID number and tags ("" when it has none)."""
    bits = []
    if question.get("idnumber"):
        bits.append(f"[id:{bracketed(question['idnumber'])}]")
    bits += [f"[tag:{bracketed(tag)}]" for tag in question.get("tags") or ()]
    return "// " + " ".join(bits) + "\n" if bits else ""


def category_block(path, info):
    """The block Moodle writes to switch to the category at `path`, with what it does not
    write (ID number, description) as comments it ignores."""
    moodle_path = category_path(path)
    lines = [f"// question: 0  name: Switch category to {comment(moodle_path)}\n"]
    info = info or {}
    if info.get("idnumber"):
        lines.append(f"// [id:{bracketed(info['idnumber'])}]\n")
    if info.get("description"):
        description = text_in(info["description"], info.get("description_format"), "moodle")
        lines.append("// [info:" + description.replace("]", "\\]") + "]\n")
    return "".join(lines) + f"{CATEGORY} {moodle_path}\n\n"


class CategorySwitches:
    """The category blocks of an export: one whenever the category changes, after those
    of its parents not written yet that have an ID number or a description."""

    def __init__(self, categories):
        self.categories = categories or {}
        self.current = ()
        self.written = set()

    def switch(self, path):
        if path == self.current:
            return ""
        self.current = path
        blocks = []
        for depth in range(1, len(path)):
            parent = path[:depth]
            info = self.categories.get(parent) or {}
            if parent not in self.written and (info.get("idnumber") or info.get("description")):
                blocks.append(category_block(parent, info))
                self.written.add(parent)
        self.written.add(path)
        return "".join(blocks) + category_block(path, self.categories.get(path))


def write(quizzes):
    """One quiz as a GIFT file (UTF-8): its questions, each category switch before them."""
    (quiz,) = quizzes
    parts = [f"// {comment(quiz['title'])}\n\n"]
    categories = CategorySwitches(quiz.get("categories"))
    for position, question in enumerate(quiz["questions"], 1):
        parts.append(categories.switch(tuple(question.get("category") or ())))
        parts.append(write_question(question, position))
    return "".join(parts).encode("utf-8")


def write_question(question, number):
    """One question as Moodle's writequestion writes it (`number` stands for its id)."""
    head = f"// question: {number}  name: {comment(question['name'])}\n"
    if not writable(question):
        # As Moodle's GIFT export: a type GIFT cannot write is left out, with a note.
        name = registry.of(question).name
        return head + f"// {name} questions cannot be written in GIFT: left out\n\n"
    return head + id_and_tags(question) + QuestionWriter(question).write() + "\n"


FORMAT = Format(
    name="gift",
    label="Moodle GIFT",
    parse=parse,
    write=write,
    content_type="text/plain; charset=utf-8",
    file_extension=".gift",
    extensions=(".gift", ".txt"),
    many_quizzes=False,
    carries_files=False,
)
