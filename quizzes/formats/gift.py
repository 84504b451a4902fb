"""Moodle GIFT, read and written as Moodle's own qformat_gift does.

A file is a sequence of blocks separated by blank lines; lines starting with
`//` are comments. A block is a `$CATEGORY: path` line, or one question::

    ::name::[format]text{answers####general feedback}

The answer block decides the type: empty is an essay; `#...` numerical; any
`~` multiple choice (`=` right, `~` wrong, `~%50%` weighted; no `=` means
several answers may be right); `=a -> b` pairs matching; `T`, `TRUE`, `F`,
`FALSE` true/false (`{T#feedback if wrong#feedback if right}`); otherwise
short answer (`=` accepted answers, `%n%` weights, `*` wildcard). Each answer
may end with `#feedback`. Text after the answer block makes a missing-word
question: the block becomes "_____" in the text. Text formats are written
`[html]`, `[moodle]` (the default), `[plain]`, `[markdown]`; `\\~ \\= \\#
\\{ \\} \\:` stand for the characters themselves, `\\n` for a new line and
`\\\\` for a backslash.

A block without an answer block is Moodle's "description", which OpenQuizz
does not have: it is skipped with a warning (refused when strict).
"""

import re
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

from django.utils.translation import gettext as _

from quizzes.formats.base import Format, FormatError, decode_text, format_number
from quizzes.formats.moodle import MoodleQuiz, category_path, convert_text
from quizzes.validation import NUMBER_RE, truefalse_answers

DEFAULT_FORMAT = "moodle"
TEXT_FORMATS = ("moodle", "html", "plain", "markdown")
CATEGORY = "$CATEGORY:"
MISSING_WORD = "_____"
GENERAL_FEEDBACK = "####"
TRUE_WORDS = ("T", "TRUE")
TRUEFALSE_WORDS = ("T", "TRUE", "F", "FALSE")
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


def split_answers(section, offset, markers):
    """[(answer, offset)] of an answer section cut before each marker character.

    Each answer keeps its marker and is stripped; blank ones are dropped.
    """
    cuts = [0, *(match.start() for match in re.finditer(f"[{markers}]", section)), len(section)]
    answers = []
    for start, end in pairwise(cuts):
        piece = section[start:end]
        if piece.strip():
            answers.append((piece.strip(), offset + start + len(piece) - len(piece.lstrip())))
    return answers


def unmarked(answer, marker):
    return answer[1:].strip() if answer.startswith(marker) else answer


def read_multichoice(question, section, offset):
    answers = []
    for answer, at in split_answers(section, offset, "~="):
        if answer.startswith("="):
            fraction, body = 100.0, answer[1:]
        else:
            fraction, body = question.weight(unmarked(answer, "~"), at, 0.0)
        answers.append(question.answer(body, fraction=fraction))
    # Moodle: without a "=" answer, several answers may be chosen.
    return {"single": "=" in section, "answers": answers}


def read_truefalse(question, section, offset):
    word, wrong, right = [*section.strip().split("#", 2), "", ""][:3]
    correct = word.strip() in TRUE_WORDS
    right, wrong = question.text(right), question.text(wrong)
    feedback_true, feedback_false = (right, wrong) if correct else (wrong, right)
    return {"answers": truefalse_answers(correct, feedback_true, feedback_false)}


def read_shortanswer(question, section, offset):
    answers = []
    for answer, at in split_answers(section, offset, "="):
        fraction, body = question.weight(unmarked(answer, "="), at, 100.0)
        answers.append(question.answer(body, fraction=fraction))
    return {"answers": answers}


def read_numerical(question, section, offset):
    start = section.index("#") + 1
    section, offset = section[start:], offset + start
    other = section.find("~")
    if other != -1:
        # "~#feedback": Moodle's answer for any other number, which OpenQuizz has not.
        if section[other:].strip("~ \n#"):
            question.warn(_("the feedback for any other number (~#...) is not supported: dropped"))
        section = section[:other]
    answers = []
    for answer, at in split_answers(section, offset, "="):
        fraction, body = question.weight(unmarked(answer, "="), at, 100.0)
        spec, _hash, feedback = body.partition("#")
        spec = spec.strip()
        if spec.find("..") > 0:
            low, high = (question.number_in(part, at) for part in spec.split("..", 1))
            value, tolerance = (low + high) / 2, (high - low) / 2
        elif spec.find(":") > 0:
            value, tolerance = (question.number_in(part, at) for part in spec.split(":", 1))
        else:
            value, tolerance = question.number_in(spec, at), 0
        answers.append(
            {
                "value": float(value),
                "tolerance": float(tolerance),
                "fraction": fraction,
                "feedback": question.text(feedback),
            }
        )
    return {"answers": answers}


def read_matching(question, section, offset):
    answers = []
    for answer, at in split_answers(section, offset, "="):
        stem, arrow, match = unmarked(answer, "=").partition("->")
        if not arrow:
            raise question.error(_("write each matching pair as “=question -> answer”"), at)
        answers.append({"text": question.text(stem), "match": restore(match).strip()})
    return {"answers": answers}


def question_type(section):
    """The question type an answer section stands for, as Moodle decides it."""
    spec = section.strip()
    if not spec:
        return "essay"
    if spec.startswith("#"):
        return "numerical"
    if "~" in spec:
        return "multichoice"
    if "=" in spec and "->" in spec:
        return "matching"
    if spec.split("#", 1)[0].strip() in TRUEFALSE_WORDS:
        return "truefalse"
    return "shortanswer"


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
        quiz.skip("description", block.line, number)
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
    fields = READERS[qtype](question, section, opening + 1)
    data = {
        "type": qtype,
        "name": name,
        "text": question_text,
        "text_format": text_format,
        "general_feedback": question.text(general_feedback),
        **fields,
    }
    quiz.add_question(data, block.line, number)


READERS = {
    "essay": lambda question, section, offset: {"answers": []},
    "multichoice": read_multichoice,
    "truefalse": read_truefalse,
    "shortanswer": read_shortanswer,
    "numerical": read_numerical,
    "matching": read_matching,
}


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

    def write(self):
        question = self.question
        head = f"::{escape(question['name'])}::{text_in(question['text'], self.format, DEFAULT_FORMAT)}"
        return head + getattr(self, question["type"])() + "\n"

    def lines(self, opening, rows):
        return (
            opening + "\n" + "".join(f"\t{row}\n" for row in rows) + self.general_feedback() + "}"
        )

    def multichoice(self):
        rows = []
        for answer in self.question["answers"]:
            fraction = answer["fraction"]
            if fraction == 100 and self.question["single"]:
                marker = "="
            elif fraction == 0 and not answer["text"].startswith("%"):
                marker = "~"
            else:
                marker = f"~%{format_number(fraction)}%"
            rows.append(marker + self.text(answer["text"]) + self.feedback(answer["feedback"]))
        return self.lines("{", rows)

    def truefalse(self):
        true, false = sorted(self.question["answers"], key=lambda a: a["text"] != "true")
        correct = true["fraction"] == 100
        right, wrong = (true, false) if correct else (false, true)
        feedbacks = ""
        if wrong["feedback"] or right["feedback"]:
            feedbacks = "#" + self.text(wrong["feedback"])
        if right["feedback"]:
            feedbacks += "#" + self.text(right["feedback"])
        word = "TRUE" if correct else "FALSE"
        return "{" + word + feedbacks + self.general_feedback("", "") + "}"

    def weighted(self, answer):
        fraction = answer["fraction"]
        return "" if fraction == 100 else f"%{format_number(fraction)}%"

    def shortanswer(self):
        rows = []
        for answer in self.question["answers"]:
            weight = self.weighted(answer)
            if not weight and answer["text"].startswith("%"):
                weight = "%100%"
            rows.append(f"={weight}{self.text(answer['text'])}{self.feedback(answer['feedback'])}")
        return self.lines("{", rows)

    def numerical(self):
        rows = [
            f"={self.weighted(answer)}{format_number(answer['value'])}"
            f":{format_number(answer['tolerance'] or 0)}{self.feedback(answer['feedback'])}"
            for answer in self.question["answers"]
        ]
        return self.lines("{#", rows)

    def matching(self):
        rows = [
            f"={self.text(answer['text'])} -> {escape(answer['match'])}"
            for answer in self.question["answers"]
        ]
        return self.lines("{", rows)

    def essay(self):
        return "{" + self.general_feedback("", "") + "}"


def write(quizzes):
    """One quiz as a GIFT file (UTF-8): its tags as a category, then its questions."""
    (quiz,) = quizzes
    parts = [f"// {comment(quiz['title'])}\n\n"]
    if quiz["tags"]:
        parts.append(f"{CATEGORY} {category_path(quiz['tags'])}\n\n")
    for position, question in enumerate(quiz["questions"], 1):
        parts.append(f"// question: {position}  name: {comment(question['name'])}\n")
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
