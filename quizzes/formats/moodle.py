"""What GIFT and Moodle XML share: one file is one quiz, categories are tags.

Moodle files hold a question bank, not a quiz: questions grouped in
categories. OpenQuizz reads one file as one quiz:

- its title is the file name (without extension), else the last category's
  name, else "Imported questions";
- every category on a `$CATEGORY:` line or in a `<question type="category">`
  becomes a tag: each name along its path, without Moodle's context prefix
  (`$course$`, `$system$`...) and its "top" category. Writers do the reverse:
  the tags become one category path, `$course$/top/tag1/tag2`.
"""

import re
from html import unescape
from pathlib import PurePath

from django.utils.html import escape, strip_tags
from django.utils.translation import gettext as _

from quizzes.fields import TAG_MAX, TAGS_MAX, TITLE_MAX
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


def category_path(tags):
    """The Moodle category path that stands for a quiz's tags."""
    return "/".join(["$course$", TOP_CATEGORY, *(tag.replace("/", "//") for tag in tags)])


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

    Each question is cleaned on arrival (errors name its number and line);
    a question of a type OpenQuizz does not have is skipped with a warning,
    or refused when `strict`.
    """

    def __init__(self, format_name, filename=None, strict=False):
        self.result = ParseResult(format=format_name)
        self.filename = filename
        self.strict = strict
        self.tags = []
        self.last_category = None
        self.description = ""
        self.questions = []
        self.count = 0

    def next_number(self):
        """The number of the next question of the file (skipped ones count too)."""
        self.count += 1
        return self.count

    def warn(self, message, line=None, question=None):
        self.result.warnings.append(str(FormatError(message, line=line, question=question)))

    def add_category(self, path, line=None, description=""):
        names = category_names(path)
        if names:
            self.last_category = names[-1]
        for name in names:
            if len(name) > TAG_MAX:
                self.warn(
                    _("the category name “%(name)s” is cut to %(limit)s characters as a tag")
                    % {"name": name, "limit": TAG_MAX},
                    line,
                )
                name = name[:TAG_MAX].strip()
            if name in self.tags:
                continue
            if len(self.tags) == TAGS_MAX:
                self.warn(
                    _("a quiz has at most %(limit)s tags: the category “%(name)s” is left out")
                    % {"limit": TAGS_MAX, "name": name},
                    line,
                )
                continue
            self.tags.append(name)
        if description and not self.description:
            self.description = description

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
        self.questions.append(checked_question(data, number, line))

    def title(self):
        stem = PurePath(self.filename or "").stem.strip()
        if stem.lower().endswith(".gift"):  # "bank.gift.txt"
            stem = stem[: -len(".gift")].strip()
        return (stem or self.last_category or _("Imported questions"))[:TITLE_MAX]

    def finish(self):
        """The ParseResult with this file's quiz; a FormatError when it has no question."""
        if not self.questions:
            skipped = sum(self.result.skipped.values())
            raise FormatError(
                _("the file holds no question OpenQuizz can import (%(skipped)s skipped)")
                % {"skipped": skipped}
            )
        quiz = {"title": self.title(), "description": self.description, "tags": self.tags}
        self.result.quizzes.append(checked_quiz(quiz, self.questions))
        return self.result
