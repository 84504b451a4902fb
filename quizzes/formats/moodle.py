"""What GIFT and Moodle XML share: one file is one quiz, and a tree of categories.

Moodle files hold a question bank: questions grouped in nested categories.
OpenQuizz reads one file as one quiz of all its questions, and as the
categories they go in:

- the quiz's title is the file name (without extension), else the last
  category's name, else "Imported questions";
- every category on a `$CATEGORY:` line or in a `<question type="category">`
  is a path: the names along it without Moodle's context prefix (`$course$`,
  `$system$`...) and its "top" category (`$course$/top/A/B` is ("A", "B")).
  The ParseResult's `categories` lists them (parents first), each question's
  "category" is the one it was in (() before any). Writers do the reverse.
- what a question has that OpenQuizz cannot keep, or keeps differently, is a
  note of the import report naming the question and its line.
"""

import re
from html import unescape
from pathlib import PurePath

from django.utils.html import escape, strip_tags
from django.utils.translation import gettext as _

from quizzes.fields import CATEGORY_NAME_MAX, IDNUMBER_MAX, TAG_MAX, TAGS_MAX, TITLE_MAX
from quizzes.formats.base import FormatError, ParseResult, checked_question, checked_quiz

CONTEXT_PREFIX = re.compile(r"^\$[a-z0-9]+\$/?")
# Moodle writes a "/" inside a category name as "//".
CATEGORY_SEPARATOR = re.compile(r"(?<!/)/(?!/)")
TOP_CATEGORY = "top"
DEFAULT_NAME_LENGTH = 80


def category_names(path):
    """The category names along a Moodle category path, outermost first."""
    path = CONTEXT_PREFIX.sub("", path.strip())
    names = [name.replace("//", "/").strip() for name in CATEGORY_SEPARATOR.split(path)]
    if names and names[0] == TOP_CATEGORY:
        names = names[1:]
    return [name for name in names if name]


def category_path(names):
    """The Moodle category path of a category (the names along its path, outermost first)."""
    return "/".join(["$course$", TOP_CATEGORY, *(name.replace("/", "//") for name in names)])


def blank_category(description_format="moodle"):
    """What is known of a category only named: Moodle's auto-format for its description."""
    return {"description": "", "description_format": description_format, "idnumber": ""}


def default_name(text):
    """A question name from its text, as Moodle makes one: the text's first 80 characters."""
    words = " ".join(unescape(strip_tags(text)).split())
    if len(words) <= DEFAULT_NAME_LENGTH:
        return words
    return words[: DEFAULT_NAME_LENGTH - 3].rsplit(" ", 1)[0] + "..."


def convert_text(text, text_format, wanted_format):
    """`text` written in `text_format`, rewritten for a question written in `wanted_format`.

    OpenQuizz keeps one text format per question; Moodle has one per answer
    and feedback. HTML shown in a plain-text question loses its tags; plain
    text shown in an HTML question is escaped. Markdown and Moodle's auto
    format read plain text as it is.
    """
    if text_format == wanted_format or not text:
        return text
    if text_format == "html":
        return unescape(strip_tags(text)).strip()
    if wanted_format == "html":
        return str(escape(text))
    return text


class MoodleQuiz:
    """Builds the one quiz of a GIFT or Moodle XML file, question by question.

    Each question is cleaned on arrival (errors name its number and line),
    leniently as Moodle's importer is (what its editing form would refuse is
    a note of the report); a question of a type OpenQuizz does not have is
    skipped with a note, or refused when `strict`.
    """

    def __init__(self, format_name, filename=None, strict=False):
        self.result = ParseResult(format=format_name)
        self.filename = filename
        self.strict = strict
        self.category = ()  # of the questions read next
        self.last_category = None
        self.pending = []  # [(question, number, line)] read and not taken yet
        self.count = 0

    def next_number(self):
        """The number of the next question of the file (skipped ones count too)."""
        self.count += 1
        return self.count

    def warn(self, message, line=None, question=None):
        self.result.warn(message, line, question)

    def declare_category(self, path, line=None, **info):
        """Make the category at Moodle path `path` the current one, declaring it (and
        its parents) with `info` ({"description", "description_format", "idnumber"})."""
        names = []
        for name in category_names(path):
            if len(name) > CATEGORY_NAME_MAX:
                self.warn(
                    _("the category name “%(name)s” is cut to %(limit)s characters")
                    % {"name": name, "limit": CATEGORY_NAME_MAX},
                    line,
                )
                name = name[:CATEGORY_NAME_MAX].strip()
            names.append(name)
        path = tuple(names)
        declared = self.result.categories
        for depth in range(1, len(path)):
            declared.setdefault(path[:depth], blank_category())
        if path:
            described = {**blank_category(), **info}
            # As Moodle, a category named again keeps what it was first given.
            if declared.get(path, blank_category()) == blank_category():
                declared[path] = described
            self.last_category = path[-1]
        self.category = path
        return path

    def skip(self, qtype, line, number):
        """Leave out a question of type `qtype`, which OpenQuizz does not have."""
        message = _("the question type “%(type)s” is not supported") % {"type": qtype}
        if self.strict:
            raise FormatError(message, line=line, question=number)
        self.warn(_("%(reason)s: skipped") % {"reason": message}, line, number)
        self.result.skipped[_("unsupported type %(type)s") % {"type": qtype}] += 1

    def add_question(self, data, line, number):
        """Clean a question (naming it from its text when it has no name) and keep it."""
        if not data.get("name"):
            data["name"] = default_name(data.get("text", "")) or _("Question %(number)s") % {
                "number": number
            }
        if len(data["name"]) > TITLE_MAX:
            self.warn(
                _("the name is cut to %(limit)s characters") % {"limit": TITLE_MAX}, line, number
            )
            data["name"] = data["name"][:TITLE_MAX]
        data.setdefault("category", self.category)
        self.fit_tags_and_idnumber(data, line, number)
        lenient = []
        question = checked_question(data, number, line, warnings=lenient)
        for message in lenient:
            self.warn(
                _("%(rule)s Imported as Moodle imports it.") % {"rule": message}, line, number
            )
        self.pending.append((question, number, line))

    def take(self):
        """The questions read since the last call: [(question, number, line)]."""
        pending, self.pending = self.pending, []
        return pending

    def fit_tags_and_idnumber(self, data, line, number):
        """Moodle's tags and ID numbers may be longer, or more, than OpenQuizz keeps: they
        are cut, with a note, rather than refusing the question."""
        idnumber = data.get("idnumber")
        if isinstance(idnumber, str) and len(idnumber.strip()) > IDNUMBER_MAX:
            self.warn(
                _("the ID number is cut to %(limit)s characters") % {"limit": IDNUMBER_MAX},
                line,
                number,
            )
            data["idnumber"] = idnumber.strip()[:IDNUMBER_MAX]
        tags = data.get("tags")
        if not isinstance(tags, list | tuple):
            return
        kept = []
        for tag in tags:
            tag = tag.strip() if isinstance(tag, str) else tag
            if isinstance(tag, str) and len(tag) > TAG_MAX:
                self.warn(
                    _("the tag “%(tag)s” is cut to %(limit)s characters")
                    % {"tag": tag, "limit": TAG_MAX},
                    line,
                    number,
                )
                tag = tag[:TAG_MAX].strip()
            if tag and tag not in kept:
                kept.append(tag)
        if len(kept) > TAGS_MAX:
            self.warn(
                _("a question keeps at most %(limit)s tags: %(left)s left out")
                % {"limit": TAGS_MAX, "left": ", ".join(kept[TAGS_MAX:])},
                line,
                number,
            )
            kept = kept[:TAGS_MAX]
        data["tags"] = kept

    def title(self):
        stem = PurePath(self.filename or "").stem.strip()
        if stem.lower().endswith(".gift"):  # "bank.gift.txt"
            stem = stem[: -len(".gift")].strip()
        return (stem or self.last_category or _("Imported questions"))[:TITLE_MAX]

    def nothing_to_import(self):
        return FormatError(
            _("the file holds no question OpenQuizz can import (%(skipped)s skipped)")
            % {"skipped": self.result.skipped_count}
        )

    def quiz_data(self, questions=()):
        """The file's quiz: its title (known once the file is read) and `questions`."""
        quiz = checked_quiz({"title": self.title()}, list(questions))
        quiz["categories"] = self.result.categories
        return quiz

    def finish(self, questions):
        """The ParseResult with this file's quiz of `questions`; a FormatError when
        it has none."""
        if not questions:
            raise self.nothing_to_import()
        self.result.quizzes.append(self.quiz_data(questions))
        return self.result


class QuestionStream:
    """The questions of a GIFT or Moodle XML file as they are read, for files of any size.

    Iterating yields `(question, number, line)`: each question cleaned as
    `parse()` returns it, with its category path in `question["category"]`
    (its number and line in the file). Meanwhile `result` (a ParseResult
    without quizzes) gathers the categories, notes and skipped questions;
    `quiz_data()` gives the file's quiz (title...) once the file is read, and
    `nothing_to_import()` the error of a file without questions. Memory holds
    what was read since the last question, not the file. `parse()` is this,
    collected.
    """

    def __init__(self, quiz, reader):
        self.quiz = quiz
        self.reader = reader

    @property
    def result(self):
        return self.quiz.result

    def __iter__(self):
        return self.reader

    def quiz_data(self, questions=()):
        return self.quiz.quiz_data(questions)

    def nothing_to_import(self):
        return self.quiz.nothing_to_import()

    def collect(self):
        """The whole file as a ParseResult (what `parse()` returns)."""
        questions = []
        for question, number, line in self:
            questions.append(question)
            self.result.origins.append((number, line))
        return self.quiz.finish(questions)
