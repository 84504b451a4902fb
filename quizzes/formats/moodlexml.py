"""Moodle XML, read and written as Moodle's own qformat_xml does.

    <quiz>
      <question type="category"><category><text>$course$/top/Maths</text></category>
        <info format="html"><text>...</text></info></question>
      <question type="multichoice">
        <name><text>...</text></name>
        <questiontext format="html"><text><![CDATA[<p>...</p>]]></text></questiontext>
        <generalfeedback format="html"><text>...</text></generalfeedback>
        <defaultgrade>1.0000000</defaultgrade>
        <single>true</single> <shuffleanswers>true</shuffleanswers>
        <answer fraction="100" format="html"><text>...</text>
          <feedback format="html"><text>...</text></feedback></answer>
      </question>
    </quiz>

Each question type (`quizzes.qtypes`) reads and writes its own elements;
this module keeps what all share. Categories become tags and the first
category's `info` the quiz description. Types OpenQuizz does not have
(calculated, ddwtos...) are skipped with a warning, or refused when strict. Moodle's combined feedback, penalties, hints, units and
embedded files have no place in OpenQuizz and are left out.

Moodle's export calls each type by the name OpenQuizz gives it ("matching",
"cloze", "description"); the type's `xml_names` are the other names Moodle
reads ("match", "multianswer"). A cloze (Moodle's multianswer) keeps its
sub-questions in its question text and has no <defaultgrade>: its grade is
the sum of the sub-questions' weights (see `quizzes.qtypes.cloze`). Moodle
1.9's <image> and <image_base64> are read as Moodle reads them: an <img>
of the file at the end of the question text (the file itself is not
imported).

The file is parsed incrementally with defusedxml: no DTD, no entity
declaration (the "billion laughs" bomb), no external entity is accepted.
"""

import re
from xml.etree.ElementTree import TreeBuilder
from xml.parsers.expat import ErrorString

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError
from django.utils.translation import gettext as _

from quizzes.fields import NUMBER_RE, format_number
from quizzes.formats.base import Format, FormatError
from quizzes.formats.moodle import MoodleQuiz, category_path, convert_text, default_name
from quizzes.qtypes import registry

CHUNK_BYTES = 64 * 1024
FROM_MOODLE_FORMAT = {
    "moodle_auto_format": "moodle",
    "html": "html",
    "plain_text": "plain",
    "markdown": "markdown",
    "wiki_like": "moodle",
}
TO_MOODLE_FORMAT = {"moodle": "moodle_auto_format", "html": "html", "plain": "plain_text",
                    "markdown": "markdown"}  # fmt: skip
# Moodle's own default when a text has no format attribute.
MOODLE_DEFAULT_FORMAT = "html"
NOT_XML_CHARACTERS = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# What Moodle's clean_param(PARAM_FILE) strips from the file name of an old <image>.
NOT_IN_FILE_NAMES = re.compile("[\x00-\x1f\x7f&<>\"`|':\\\\/]")


# -- reading ------------------------------------------------------------------
class QuestionElements:
    """An expat target that builds one element per <question> and notes its first line.

    Finished questions wait in `finished` until `take()` hands them over and
    detaches them from the root, so memory holds one question's tree at a time.
    """

    def __init__(self):
        self.builder = TreeBuilder()
        self.parser = None
        self.depth = 0
        self.root = None
        self.line = None
        self.finished = []

    def start(self, tag, attributes):
        self.depth += 1
        element = self.builder.start(tag, attributes)
        if self.depth == 1:
            if tag != "quiz":
                raise FormatError(
                    _("a Moodle XML file starts with <quiz>, not <%(tag)s>") % {"tag": tag},
                    line=self.current_line(),
                )
            self.root = element
        elif self.depth == 2:
            self.line = self.current_line()
        return element

    def end(self, tag):
        element = self.builder.end(tag)
        if self.depth == 2:
            self.finished.append((element, self.line))
        self.depth -= 1
        return element

    def data(self, data):
        self.builder.data(data)

    def close(self):
        return self.builder.close()

    def current_line(self):
        return self.parser.parser.CurrentLineNumber

    def take(self):
        finished, self.finished = self.finished, []
        for element, _line in finished:
            self.root.remove(element)
        return finished


def text_of(node):
    """The stripped <text> inside a Moodle element, or its own text in old files ("" if none)."""
    if node is None:
        return ""
    text = node.findtext("text")
    if text is None:
        text = node.text
    return (text or "").strip()


def format_of(node, default):
    """The OpenQuizz text format of a Moodle text element's format attribute."""
    name = None if node is None else node.get("format")
    if name is None:
        return default
    return FROM_MOODLE_FORMAT.get(name.strip(), MOODLE_DEFAULT_FORMAT)


class XmlQuestion:
    """One <question> element being read, with where it is for error messages."""

    def __init__(self, element, line, number, quiz):
        self.element = element
        self.line = line
        self.number = number
        self.quiz = quiz
        self.text_format = format_of(element.find("questiontext"), MOODLE_DEFAULT_FORMAT)
        self.text = text_of(element.find("questiontext")) + self.old_image()

    def old_image(self):
        """What Moodle appends to the text for a Moodle 1.9 <image> with <image_base64>: an <img>.

        Moodle stores the file and points to it; OpenQuizz keeps the <img> as
        Moodle shows it (the file is not imported: `has_files` says so).
        """
        name = self.element.findtext("image") or ""
        if not (name and self.element.findtext("image_base64")):
            return ""
        name = NOT_IN_FILE_NAMES.sub("", name.replace("/", "_"))
        name = "" if name in (".", "..") else name
        return f' <img src="@@PLUGINFILE@@/{name}" />'

    def has_files(self):
        """Whether the question embeds files (<file>, or a Moodle 1.9 <image_base64>)."""
        element = self.element
        return element.find(".//file") is not None or bool(self.old_image())

    @staticmethod
    def default_name(text):
        """The name Moodle gives a question without one, from `text`."""
        return default_name(text)

    def warn(self, message):
        self.quiz.warn(message, self.line, self.number)

    def rich(self, node):
        """The text of a text element, rewritten in the question's text format."""
        text_format = format_of(node, self.text_format)
        return convert_text(text_of(node), text_format, self.text_format)

    text_of = staticmethod(text_of)

    def setting(self, path, default):
        return self.element.findtext(path, default)

    def flag(self, path, default):
        """A yes/no setting: "false", "0" and "" are no, anything else yes."""
        return self.setting(path, default).strip() not in ("", "0", "false")

    def error(self, message):
        return FormatError(message, line=self.line, question=self.number)

    def number_in(self, value, what):
        text = (value or "").strip()
        if not NUMBER_RE.fullmatch(text):
            raise self.error(
                _("%(what)s: “%(value)s” is not a number") % {"what": what, "value": text}
            )
        return float(text)

    def fraction(self, answer):
        return self.number_in(answer.get("fraction", "0"), "fraction")

    def graded_answers(self, text=None):
        """Each <answer>'s text (read by `text`, else as a rich text), fraction and feedback."""
        return [
            {
                "text": (text or self.rich)(answer),
                "fraction": self.fraction(answer),
                "feedback": self.rich(answer.find("feedback")),
            }
            for answer in self.element.findall("answer")
        ]

    def common(self):
        """The fields every question type has."""
        return {
            "name": text_of(self.element.find("name")),
            "text": self.text,
            "text_format": self.text_format,
            "general_feedback": self.rich(self.element.find("generalfeedback")),
            "points": self.number_in(self.setting("defaultgrade", "1"), "defaultgrade"),
        }


def read_element(element, line, quiz):
    """Add what one child of <quiz> holds to the quiz being built."""
    if element.tag != "question":
        quiz.warn(_("<%(tag)s> is not a question: ignored") % {"tag": element.tag}, line)
        return
    qtype = element.get("type", "").strip()
    if qtype == "category":
        info = element.find("info")
        description = convert_text(text_of(info), format_of(info, "moodle"), "markdown")
        quiz.add_category(text_of(element.find("category")), line, description)
        return
    number = quiz.next_number()
    known = registry.by_xml_name(qtype)
    if known is None:
        quiz.skip(qtype or "?", line, number)
        return
    question = XmlQuestion(element, line, number, quiz)
    if question.has_files():
        question.warn(_("embedded files (images...) are not imported"))
    quiz.add_question(
        {"type": known.name, **question.common(), **known.xml_read(question)}, line, number
    )


def refused(parser, error):
    """A FormatError for a parse error or a forbidden XML construct."""
    if isinstance(error, ParseError):
        line, column = error.position
        reason = ErrorString(error.code)
        return FormatError(
            _("this is not well-formed XML: %(reason)s (column %(column)s)")
            % {"reason": reason, "column": column + 1},
            line=line,
        )
    return FormatError(
        _(
            "DTDs and entity declarations are refused: they can make the server read "
            "files or expand without end (an XML bomb), and Moodle never writes them"
        ),
        line=parser.parser.CurrentLineNumber,
    )


def parse(data, filename=None, strict=False, progress=None):
    """Read a Moodle XML file (bytes or str) as one quiz; see the module docstring."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    quiz = MoodleQuiz("moodlexml", filename, strict)
    target = QuestionElements()
    parser = DefusedXMLParser(target=target, forbid_dtd=True)
    target.parser = parser
    try:
        for start in range(0, len(data), CHUNK_BYTES):
            parser.feed(data[start : start + CHUNK_BYTES])
            for element, line in target.take():
                read_element(element, line, quiz)
            if progress:
                progress(min((start + CHUNK_BYTES) / len(data), 1.0))
        parser.close()
    except (ParseError, DefusedXmlException) as error:
        raise refused(parser, error) from None
    return quiz.finish()


# -- writing ------------------------------------------------------------------
def xml_text(text):
    """Element content as Moodle writes it: as is, or in CDATA when it has markup."""
    text = NOT_XML_CHARACTERS.sub("", text)
    if any(char in text for char in "<>&\"'"):
        return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"
    return text


def text_element(text, indent):
    return f"{'  ' * indent}<text>{xml_text(text)}</text>\n"


def rich_element(tag, text, text_format, indent, extra="", attributes=""):
    """A Moodle text element: format attribute, <text>, then `extra` elements."""
    pad = "  " * indent
    return (
        f'{pad}<{tag}{attributes} format="{TO_MOODLE_FORMAT[text_format]}">\n'
        f"{text_element(text, indent + 1)}{extra}{pad}</{tag}>\n"
    )


class QuestionWriter:
    """Writes one question the way Moodle's XML export does.

    The type's `xml_write(writer)` gives the elements after the common ones;
    it may call `leave_out_defaultgrade()` when the question's grade follows
    from its text, as Moodle's export does for a cloze.
    """

    def __init__(self, question):
        self.question = question
        self.format = question["text_format"]
        self.defaultgrade = True

    rich = staticmethod(rich_element)
    text_element = staticmethod(text_element)

    def leave_out_defaultgrade(self):
        """Write no <defaultgrade> for this question."""
        self.defaultgrade = False

    def write(self, position):
        question = self.question
        qtype = registry.of(question)
        # First, so that the type can leave <defaultgrade> out of what comes before.
        elements = qtype.xml_write(self)
        grade = question["points"]
        return (
            f"<!-- question: {position}  -->\n"
            # Moodle's export names each type as OpenQuizz does ("matching", "cloze").
            f'  <question type="{qtype.name}">\n'
            f"    <name>\n{text_element(question['name'], 3)}    </name>\n"
            + rich_element("questiontext", question["text"], self.format, 2)
            + rich_element("generalfeedback", question["general_feedback"], self.format, 2)
            + (f"    <defaultgrade>{grade:.7f}</defaultgrade>\n" if self.defaultgrade else "")
            + f"    <penalty>{qtype.xml_penalty}</penalty>\n"
            "    <hidden>0</hidden>\n"
            "    <idnumber></idnumber>\n" + elements + "  </question>\n\n"
        )

    @staticmethod
    def element(tag, value):
        """A one-line element of a question's settings."""
        return f"    <{tag}>{value}</{tag}>\n"

    def answer(self, answer, text, text_format, extra=""):
        feedback = rich_element("feedback", answer["feedback"], self.format, 3)
        fraction = f' fraction="{format_number(answer["fraction"])}"'
        return rich_element("answer", text, text_format, 2, feedback + extra, fraction)

    def combined_feedback(self):
        return "".join(
            rich_element(tag, "", self.format, 2)
            for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback")
        )

    @staticmethod
    def yes_no(value):
        return "true" if value else "false"


def category(quiz):
    """The category question that carries the quiz's tags and description."""
    return (
        "<!-- question: 0  -->\n"
        '  <question type="category">\n'
        f"    <category>\n{text_element(category_path(quiz['tags']), 3)}    </category>\n"
        + rich_element("info", quiz["description"], "markdown", 2)
        + "    <idnumber></idnumber>\n"
        "  </question>\n\n"
    )


def write(quizzes):
    """One quiz as a Moodle XML file (UTF-8)."""
    (quiz,) = quizzes
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n']
    if quiz["tags"] or quiz["description"]:
        parts.append(category(quiz))
    parts.extend(
        QuestionWriter(question).write(position)
        for position, question in enumerate(quiz["questions"], 1)
    )
    parts.append("</quiz>\n")
    return "".join(parts).encode("utf-8")


FORMAT = Format(
    name="moodlexml",
    label="Moodle XML",
    parse=parse,
    write=write,
    content_type="application/xml",
    file_extension=".xml",
    extensions=(".xml",),
    many_quizzes=False,
)
