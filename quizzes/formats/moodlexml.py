"""Moodle XML, read and written as Moodle's own qformat_xml does.

    <quiz>
      <question type="category"><category><text>$course$/top/Maths</text></category>
        <info format="html"><text>...</text></info><idnumber>...</idnumber></question>
      <question type="multichoice">
        <name><text>...</text></name>
        <questiontext format="html"><text><![CDATA[<p>...</p>]]></text></questiontext>
        <generalfeedback format="html"><text>...</text></generalfeedback>
        <defaultgrade>1.0000000</defaultgrade> <penalty>0.3333333</penalty>
        <hidden>0</hidden> <idnumber>...</idnumber>
        <single>true</single> <shuffleanswers>true</shuffleanswers> ...
        <answer fraction="100" format="html"><text>...</text>
          <feedback format="html"><text>...</text></feedback></answer>
        <hint format="html"><text>...</text><shownumcorrect/><clearwrong/></hint>
        <tags><tag><text>...</text></tag></tags>
      </question>
    </quiz>

Each question type (`quizzes.qtypes`) reads and writes its own elements;
this module keeps what all share: the header of a question (name, texts,
default grade, penalty, ID number), its hints and tags, the combined
feedback of the types that have it, and the categories.

Categories: a `<question type="category">` puts the questions after it in
that category. Its path (`$course$/top/A/B`) becomes the tuple of names
under Moodle's "top" (("A", "B")), each question's `category`;
`ParseResult.categories` holds, parents first, every category the file
names (its parents included) with its description, format and ID number.
The file is still one quiz, titled after the file. The writer does the
reverse: a category element each time the category changes, as Moodle's
export does, and the categories no question is in at the end.

Every text keeps its own format (`format=`): an answer, a feedback, a hint
may be written in another format than the question text, as in Moodle.
Types OpenQuizz does not have (calculated, ddwtos...) are skipped with a
warning, or refused when strict; what OpenQuizz cannot carry (units,
an essay's file limits...) is left out with a warning that
names the question and its line.

Moodle's export calls each type by the name OpenQuizz gives it ("matching",
"cloze", "description"); the type's `xml_names` are the other names Moodle
reads ("match", "multianswer"). A cloze (Moodle's multianswer) keeps its
sub-questions in its question text and has no <defaultgrade>: its grade is
the sum of the sub-questions' weights (see `quizzes.qtypes.cloze`). Moodle
1.9's <image> and <image_base64> are read as Moodle reads them: an <img>
of the file at the end of the question text.

Files: each text element's <file>s are stored (`quizzes.formats.files`) and
its "@@PLUGINFILE@@/<path><name>" links point at them; the writer writes
each text's stored files back as Moodle does, as <file> elements after the
<text>, linked as "@@PLUGINFILE@@/<name>".

The file is parsed incrementally with defusedxml: no DTD, no entity
declaration (the "billion laughs" bomb), no external entity is accepted.
"""

import base64
import re
from functools import partial
from html import escape
from urllib.parse import quote, unquote
from xml.etree.ElementTree import TreeBuilder
from xml.parsers.expat import ErrorString

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from quizzes import media
from quizzes.fields import (
    HINTS_MAX,
    NUMBER_RE,
    PENALTY_DEFAULT,
    format_number,
)
from quizzes.formats import files
from quizzes.formats.base import Format, FormatError, file_size
from quizzes.formats.moodle import (
    MoodleQuiz,
    QuestionStream,
    blank_category,
    category_path,
    default_name,
)
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
# A category without <info> has Moodle's auto-format (its import_category).
CATEGORY_DEFAULT_FORMAT = "moodle"
COMBINED_FEEDBACK_ELEMENTS = (
    ("correct_feedback", "correctfeedback"),
    ("partially_correct_feedback", "partiallycorrectfeedback"),
    ("incorrect_feedback", "incorrectfeedback"),
)
# The elements of the questions of Moodle's core types (format.php), old ones included: an
# element of another (a plugin's) is left out with a warning. Moodle's importer ignores an
# element of another type (a <usecase> in a multichoice), as here.
MOODLE_ELEMENTS = frozenset((
    "name", "questiontext", "generalfeedback", "defaultgrade", "penalty", "hidden", "idnumber",
    "hint", "tags", "coursetags", "image", "image_base64", "single", "shuffleanswers",
    "answernumbering", "showstandardinstruction", "correctfeedback",
    "partiallycorrectfeedback", "incorrectfeedback", "shownumcorrect",
    "correctresponsesfeedback", "answer", "usecase", "units", "unitgradingtype", "unitpenalty",
    "showunits", "unitsleft", "instructions", "subquestion", "responseformat",
    "responserequired", "responsefieldlines", "minwordlimit", "maxwordlimit", "attachments",
    "attachmentsrequired", "maxbytes", "filetypeslist", "graderinfo", "responsetemplate"
))  # fmt: skip
NOT_XML_CHARACTERS = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# What Moodle's clean_param(PARAM_FILE) strips from the file name of an old <image>.
NOT_IN_FILE_NAMES = re.compile("[\x00-\x1f\x7f&<>\"`|':\\\\/]")
PLUGINFILE = "@@PLUGINFILE@@"
# A link to a stored file, relative or absolute: its SHA-256.
MEDIA_LINK = re.compile(r"(?:https?://[^/\s\"'<>()]+)?/media/([0-9a-f]{64})/([^\s\"'<>)]*)")
# A link to a file of a text element: its path and name, URL-encoded or not (a query such
# as Moodle's "?time=..." left out).
PLUGINFILE_LINK = re.compile(r"@@PLUGINFILE@@(/[^\s\"'<>)?#]*)(?:[?#][^\s\"'<>)]*)?")


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


def has_hints(qtype):
    """Whether Moodle keeps hints for the type: not for an essay (graded by hand) nor a
    description (nothing to answer), as its importer reads none for them."""
    return qtype.scored and not qtype.manual


def has_hint_parts(qtype):
    """Whether the type's hints may show the number correct and clear wrong answers: those
    of the types with combined feedback (Moodle's question_hint_with_parts)."""
    return "show_num_correct" in qtype.extra_fields


class XmlQuestion:
    """One <question> element being read, with where it is for error messages."""

    def __init__(self, element, line, number, quiz, qtype=None):
        self.element = element
        self.line = line
        self.number = number
        self.quiz = quiz
        self.qtype = qtype
        self.files = []
        self.embed_files()
        self.text_format = format_of(element.find("questiontext"), MOODLE_DEFAULT_FORMAT)
        self.text = text_of(element.find("questiontext")) + self.old_image()

    def carry(self, name, encoded):
        """The Carried of a file's base64 content, or None (a note) when it is refused."""
        try:
            file = files.carried(name, files.decoded(encoded))
        except media.MediaRefused as error:
            self.warn(files.refused_note(name, error))
            return None
        self.files.append(file)
        return file

    def embed_files(self):
        """Store-to-be every <file> of the question's text elements (their text, answers,
        feedback, hints...) and point their texts' @@PLUGINFILE@@ links at it, as Moodle's
        import_files_as_draft and its rewriting of links do: a file refused leaves its name
        in the links, a link to no file of its element is left as is, with a note."""
        for node in self.element.iter():
            text = node.find("text")
            if text is None or not text.text or PLUGINFILE not in text.text:
                continue
            targets = {}
            for file in node.findall("file"):
                name = (file.get("name") or "").strip()
                path = (file.get("path") or "").strip() or "/"
                if path + name in targets:  # as Moodle: the first of the same path and name
                    continue
                stored = self.carry(name, file.text)
                targets[path + name] = name if stored is None else stored.url
            text.text = PLUGINFILE_LINK.sub(partial(self.link, targets=targets), text.text)

    def link(self, match, targets):
        wanted = unquote(match.group(1))
        if wanted in targets:
            return targets[wanted]
        self.warn(
            _("a link to the file “%(name)s”, which the question does not hold, is left as is")
            % {"name": wanted.lstrip("/")}
        )
        return match.group(0)

    def old_image(self):
        """What Moodle appends to the text for a Moodle 1.9 <image> with <image_base64>: an <img>
        of the file. An <image> without its bytes names a file of the old course: a note."""
        name = self.element.findtext("image") or ""
        if not name.strip():
            return ""
        name = NOT_IN_FILE_NAMES.sub("", name.replace("/", "_"))
        name = "" if name in (".", "..") else name
        encoded = self.element.findtext("image_base64") or ""
        if not encoded.strip():
            self.warn(
                _("the image “%(name)s” is not in the file (only its name is): left out")
                % {"name": name}
            )
            return ""
        stored = self.carry(name, encoded)
        return "" if stored is None else f' <img src="{stored.url}" />'

    @staticmethod
    def default_name(text):
        """The name Moodle gives a question without one, from `text`."""
        return default_name(text)

    def warn(self, message):
        self.quiz.warn(message, self.line, self.number)

    def rich(self, node):
        """The text of a text element (its format: `format(node)`)."""
        return text_of(node)

    def format(self, node):
        """The format of a text element; the question text's when it names none, as Moodle."""
        return format_of(node, self.text_format)

    def formatted(self, node, name):
        """{name: text, name_format: format} of a text element."""
        return {name: text_of(node), f"{name}_format": self.format(node)}

    text_of = staticmethod(text_of)

    def setting(self, path, default):
        return self.element.findtext(path, default)

    def flag(self, path, default):
        """A yes/no setting (see `yes`)."""
        return self.yes(self.setting(path, default))

    def choice(self, path, choices):
        """A setting among `choices` (TextChoices); Moodle's default (the first) when it is
        empty, and with a warning when it is none of them (a plugin's, say)."""
        value = (self.setting(path, "") or "").strip()
        default = choices.values[0]
        if value and value not in choices.values:
            self.warn(
                _("<%(element)s> “%(value)s” is not supported: “%(default)s” instead")
                % {"element": path, "value": value, "default": default}
            )
            return default
        return value or default

    def error(self, message):
        return FormatError(message, line=self.line, question=self.number)

    def number_in(self, value, what):
        text = (value or "").strip()
        if not NUMBER_RE.fullmatch(text):
            raise self.error(
                _("%(what)s: “%(value)s” is not a number") % {"what": what, "value": text}
            )
        return float(text)

    def integer(self, path, default):
        """A whole-number setting; None when the element is empty (Moodle's "not set")."""
        text = self.setting(path, default)
        if text is None or not text.strip():
            return None
        number = self.number_in(text, path)
        if not number.is_integer():
            raise self.error(
                _("%(what)s: “%(value)s” is not a whole number")
                % {"what": path, "value": text.strip()}
            )
        return int(number)

    def fraction(self, answer):
        return self.number_in(answer.get("fraction", "0"), "fraction")

    def answer_feedback(self, answer):
        """The feedback of an <answer> and its format."""
        return self.formatted(answer.find("feedback"), "feedback")

    def graded_answers(self, text=None):
        """Each <answer>'s text (read by `text`, else as a rich text) and format, fraction
        and feedback."""
        return [
            {
                "text": (text or self.rich)(answer),
                "text_format": self.format(answer),
                "fraction": self.fraction(answer),
                **self.answer_feedback(answer),
            }
            for answer in self.element.findall("answer")
        ]

    def combined_feedback(self):
        """Moodle's feedback for any correct, partially correct and incorrect response, and
        whether to show the number of correct responses (an empty <shownumcorrect/>)."""
        fields = {}
        for name, tag in COMBINED_FEEDBACK_ELEMENTS:
            fields.update(self.formatted(self.element.find(tag), name))
        shown = self.element.find("shownumcorrect") is not None
        old = self.setting("correctresponsesfeedback", None)  # Moodle 2.0's name
        if old is not None:
            shown = self.yes(old)
        fields["show_num_correct"] = shown
        return fields

    def hints(self):
        """The <hint>s, as Moodle's import_hints reads them for the question's type."""
        hints = []
        parts = self.qtype is None or has_hint_parts(self.qtype)
        for hint in self.element.findall("hint"):
            if hint.find("hintcontent") is not None:  # Moodle 2.0's hints
                content = hint.find("hintcontent")
                read = {
                    "text": text_of(content),
                    "text_format": self.format(content),
                    "show_num_correct": self.yes(hint.findtext("statenumberofcorrectresponses")),
                    "clear_wrong": self.yes(hint.findtext("clearincorrectresponses")),
                }
                options = hint.findtext("showfeedbacktoresponses") or ""
            else:
                read = {
                    "text": text_of(hint),
                    "text_format": self.format(hint),
                    "show_num_correct": hint.find("shownumcorrect") is not None,
                    "clear_wrong": hint.find("clearwrong") is not None,
                }
                options = hint.findtext("options") or ""
            if not parts and (read["show_num_correct"] or read["clear_wrong"]):
                self.warn(
                    _(
                        "a hint's options (show the number of correct responses, clear wrong "
                        "responses) apply to questions with several parts only: left out"
                    )
                )
                read.update(show_num_correct=False, clear_wrong=False)
            if options.strip() not in ("", "0"):
                self.warn(_("a hint's other options are not supported: left out"))
            hints.append(read)
        if len(hints) > HINTS_MAX:
            self.warn(
                _("a question keeps at most %(limit)s hints: the others are left out")
                % {"limit": HINTS_MAX}
            )
        return hints[:HINTS_MAX]

    @staticmethod
    def yes(value):
        """Moodle's reading of a yes/no value: "false", "0" and "" are no, anything else yes."""
        return (value or "").strip() not in ("", "0", "false")

    def tags(self):
        """The question's tags: <tags>, then Moodle's course tags (<coursetags>)."""
        tags = [text_of(tag) for tag in self.element.findall("tags/tag")]
        course_tags = [text_of(tag) for tag in self.element.findall("coursetags/tag")]
        if course_tags:
            self.warn(_("course tags are imported as the question's tags"))
        # Too long or too many: cut by MoodleQuiz.add_question, with a note.
        return [tag for tag in tags + course_tags if tag]

    def penalty(self):
        penalty = self.number_in(self.setting("penalty", str(PENALTY_DEFAULT)), "penalty")
        if abs(penalty - PENALTY_DEFAULT) < 0.005:  # Moodle's fix of old files' rounding
            penalty = PENALTY_DEFAULT
        return penalty

    def common(self):
        """The fields every question type has."""
        element = self.element
        general_feedback = element.find("generalfeedback")
        fields = {
            # Without HTML tags, as Moodle's clean_question_name (PARAM_TEXT).
            "name": strip_tags(text_of(element.find("name"))).strip(),
            "text": self.text,
            "text_format": self.text_format,
            "general_feedback": text_of(general_feedback),
            "general_feedback_format": self.format(general_feedback),
            "points": self.number_in(self.setting("defaultgrade", "1"), "defaultgrade"),
            "penalty": self.penalty(),
            "idnumber": (element.findtext("idnumber") or "").strip(),
            "tags": self.tags(),
        }
        if self.qtype is None or has_hints(self.qtype):
            fields["hints"] = self.hints()
        elif element.find("hint") is not None:
            self.warn(_("Moodle keeps no hints for this type of question: left out"))
        if self.flag("hidden", "0"):
            self.warn(_("the question is hidden in Moodle: imported as a visible question"))
        unknown = sorted({child.tag for child in element} - MOODLE_ELEMENTS)
        if unknown:
            self.warn(
                _("%(elements)s: not a part of Moodle's question types, left out")
                % {"elements": ", ".join(f"<{tag}>" for tag in unknown)}
            )
        return fields


def read_category(element, line, quiz):
    """Make the category of a <question type="category"> the current one."""
    info = element.find("info")
    quiz.declare_category(
        text_of(element.find("category")),
        line,
        description=text_of(info),
        # No <info>: Moodle's auto-format; an <info> without format: html (its import_category).
        description_format=CATEGORY_DEFAULT_FORMAT if info is None else format_of(info, "html"),
        idnumber=(element.findtext("idnumber") or "").strip(),
    )


def read_element(element, line, quiz):
    """Add what one child of <quiz> holds to the quiz being built."""
    if element.tag != "question":
        quiz.warn(_("<%(tag)s> is not a question: ignored") % {"tag": element.tag}, line)
        return
    qtype = element.get("type", "").strip()
    if qtype == "category":
        read_category(element, line, quiz)
        return
    number = quiz.next_number()
    known = registry.by_xml_name(qtype)
    if known is None:
        quiz.skip(qtype or "?", line, number)
        return
    question = XmlQuestion(element, line, number, quiz, known)
    quiz.add_question(
        {"type": known.name, **question.common(), **known.xml_read(question)}, line, number
    )
    files.attach(quiz.pending[-1][0], question.files)


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


def stream(source, filename=None, strict=False, progress=None):
    """A QuestionStream of a Moodle XML file (bytes, str or a binary file), read in chunks."""
    quiz = MoodleQuiz("moodlexml", filename, strict)
    return QuestionStream(quiz, read_chunks(source, quiz, progress))


def chunks(source):
    """(chunk, fraction read) of bytes, a str or a binary file, CHUNK_BYTES at a time."""
    if isinstance(source, str):
        source = source.encode("utf-8")
    if isinstance(source, bytes | bytearray | memoryview):
        for start in range(0, len(source), CHUNK_BYTES):
            yield source[start : start + CHUNK_BYTES], min((start + CHUNK_BYTES) / len(source), 1.0)
        return
    size, done = file_size(source), 0
    while chunk := source.read(CHUNK_BYTES):
        done += len(chunk)
        yield chunk, min(done / size, 1.0) if size else 0.0


def read_chunks(source, quiz, progress):
    target = QuestionElements()
    parser = DefusedXMLParser(target=target, forbid_dtd=True)
    target.parser = parser
    try:
        for chunk, fraction in chunks(source):
            parser.feed(chunk)
            for element, line in target.take():
                read_element(element, line, quiz)
                yield from quiz.take()
            if progress:
                progress(fraction)
        parser.close()
        for element, line in target.take():
            read_element(element, line, quiz)
            yield from quiz.take()
    except (ParseError, DefusedXmlException) as error:
        raise refused(parser, error) from None


def parse(data, filename=None, strict=False, progress=None):
    """Read a Moodle XML file (bytes or str) as one quiz; see the module docstring."""
    return stream(data, filename, strict, progress).collect()


# -- writing ------------------------------------------------------------------
def xml_text(text):
    """Element content as Moodle writes it: as is, or in CDATA when it has markup."""
    text = NOT_XML_CHARACTERS.sub("", text)
    if any(char in text for char in "<>&\"'"):
        return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"
    return text


def escaped(text):
    """A value Moodle writes escaped rather than in CDATA: an ID number (htmlspecialchars)."""
    text = NOT_XML_CHARACTERS.sub("", text)
    return escape(text, quote=False).replace('"', "&quot;")


def text_element(text, indent):
    return f"{'  ' * indent}<text>{xml_text(text)}</text>\n"


def with_files(text, indent):
    """(`text` with its links to stored files as Moodle links a text to its own files,
    "@@PLUGINFILE@@/<name>", the <file> elements of those files as Moodle's write_files
    writes them). Each file keeps the name its link gives it (else its stored name),
    made unique within the text ("-2"... before the extension)."""
    if "/media/" not in text:
        return text, ""
    stored = files.referenced_files(text)
    names, taken = {}, set()
    for match in MEDIA_LINK.finditer(text):
        sha256 = match.group(1)
        if sha256 not in stored or sha256 in names:
            continue
        name = unquote(match.group(2)) or stored[sha256][0]
        stem, dot, extension = name.rpartition(".")
        candidate, count = name, 1
        while candidate in taken:
            count += 1
            candidate = f"{stem}-{count}{dot}{extension}"
        taken.add(candidate)
        names[sha256] = candidate

    def link(match):
        name = names.get(match.group(1))
        return match.group(0) if name is None else f"{PLUGINFILE}/{quote(name, safe='')}"

    pad = "  " * indent
    elements = "".join(
        f'{pad}<file name="{escape(name)}" path="/" encoding="base64">'
        f"{base64.b64encode(stored[sha256][2]).decode('ascii')}</file>\n"
        for sha256, name in names.items()
    )
    return MEDIA_LINK.sub(link, text), elements


def rich_element(tag, text, text_format, indent, extra="", attributes=""):
    """A Moodle text element: format attribute, <text>, its files, then `extra` elements."""
    pad = "  " * indent
    text, files_xml = with_files(text, indent + 1)
    return (
        f'{pad}<{tag}{attributes} format="{TO_MOODLE_FORMAT[text_format]}">\n'
        f"{text_element(text, indent + 1)}{files_xml}{extra}{pad}</{tag}>\n"
    )


def number(value):
    """A decimal as Moodle's database gives it: seven decimals."""
    return f"{value:.7f}"


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

    def format_of(self, name, data=None):
        """The format of the text `name` of the question (or of `data`): the question's
        text format when it has none of its own."""
        data = self.question if data is None else data
        return data.get(f"{name}_format") or self.format

    def write(self, position):
        question = self.question
        qtype = registry.of(question)
        # First, so that the type can leave <defaultgrade> out of what comes before.
        elements = qtype.xml_write(self)
        general_format = self.format_of("general_feedback")
        return (
            f"<!-- question: {position}  -->\n"
            # Moodle's export names each type as OpenQuizz does ("matching", "cloze").
            f'  <question type="{qtype.name}">\n'
            f"    <name>\n{text_element(question['name'], 3)}    </name>\n"
            + rich_element("questiontext", question["text"], self.format, 2)
            + rich_element("generalfeedback", question["general_feedback"], general_format, 2)
            + (
                f"    <defaultgrade>{number(question['points'])}</defaultgrade>\n"
                if self.defaultgrade
                else ""
            )
            + f"    <penalty>{number(question.get('penalty', PENALTY_DEFAULT))}</penalty>\n"
            "    <hidden>0</hidden>\n"
            f"    <idnumber>{escaped(question.get('idnumber', ''))}</idnumber>\n"
            + elements
            + self.hints(qtype)
            + self.tags()
            + "  </question>\n\n"
        )

    @staticmethod
    def element(tag, value):
        """A one-line element of a question's settings."""
        return f"    <{tag}>{value}</{tag}>\n"

    def answer(self, answer, text=None, text_format=None, extra=""):
        """An <answer>: its text (the answer's own unless given) in its format, fraction,
        feedback, then `extra` elements."""
        feedback = rich_element(
            "feedback", answer["feedback"], self.format_of("feedback", answer), 3
        )
        fraction = f' fraction="{format_number(answer["fraction"])}"'
        return rich_element(
            "answer",
            answer["text"] if text is None else text,
            text_format or self.format_of("text", answer),
            2,
            feedback + extra,
            fraction,
        )

    def combined_feedback(self):
        """Moodle's feedback for any correct, partially correct and incorrect response."""
        question = self.question
        return "".join(
            rich_element(tag, question.get(name, ""), self.format_of(name), 2)
            for name, tag in COMBINED_FEEDBACK_ELEMENTS
        ) + ("    <shownumcorrect/>\n" if question.get("show_num_correct") else "")

    def has_combined_feedback(self):
        question = self.question
        return question.get("show_num_correct") or any(
            question.get(name) for name, _tag in COMBINED_FEEDBACK_ELEMENTS
        )

    def hints(self, qtype):
        """The <hint>s, as Moodle's write_hint: their options only for the types whose hints
        have them (Moodle's question_hint_with_parts)."""
        parts = has_hint_parts(qtype)
        return "".join(
            f'    <hint format="{TO_MOODLE_FORMAT[self.format_of("text", hint)]}">\n'
            + "".join(self.hint_text(hint["text"]))
            + ("      <shownumcorrect/>\n" if parts and hint.get("show_num_correct") else "")
            + ("      <clearwrong/>\n" if parts and hint.get("clear_wrong") else "")
            + "    </hint>\n"
            for hint in self.question.get("hints", ())
        )

    @staticmethod
    def hint_text(text):
        """A hint's <text> and its files."""
        text, files_xml = with_files(text, 3)
        return text_element(text, 3), files_xml

    def tags(self):
        """The <tags>, as Moodle writes them (each <text> followed by a line break)."""
        tags = self.question.get("tags") or ()
        if not tags:
            return ""
        return (
            "    <tags>\n"
            + "".join(f"      <tag>{text_element(tag, 0)}</tag>\n" for tag in tags)
            + "    </tags>\n"
        )

    @staticmethod
    def yes_no(value):
        return "true" if value else "false"


def category_element(path, category):
    """The category question Moodle writes before the questions of a category."""
    category = category or blank_category()
    return (
        "<!-- question: 0  -->\n"
        '  <question type="category">\n'
        f"    <category>\n{text_element(category_path(path), 3)}    </category>\n"
        + rich_element("info", category["description"], category["description_format"], 2)
        + f"    <idnumber>{escaped(category['idnumber'])}</idnumber>\n"
        "  </question>\n\n"
    )


class CategoryWriter:
    """Writes the category elements of a quiz, as Moodle's export switches categories."""

    def __init__(self, categories):
        self.categories = categories
        self.written = set()
        self.current = None

    def switch(self, path):
        """The elements that make `path` the current category ("" when it already is).

        Its parents not written yet come first, so that their descriptions are kept.
        """
        if path == self.current:
            return ""
        self.current = path
        if not path and not self.written:
            return ""  # questions outside any category, before any category
        parts = [
            self.write(path[:depth])
            for depth in range(1, len(path))
            if path[:depth] in self.categories and path[:depth] not in self.written
        ]
        parts.append(self.write(path))
        return "".join(parts)

    def write(self, path):
        self.written.add(path)
        return category_element(path, self.categories.get(path))

    def rest(self):
        """The categories no question was written in (empty ones are kept too)."""
        return "".join(self.write(path) for path in self.categories if path not in self.written)


def write(quizzes):
    """One quiz as a Moodle XML file (UTF-8)."""
    (quiz,) = quizzes
    categories = CategoryWriter(
        {tuple(path): info for path, info in quiz.get("categories", {}).items()}
    )
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n']
    for position, question in enumerate(quiz["questions"], 1):
        parts.append(categories.switch(tuple(question.get("category") or ())))
        parts.append(QuestionWriter(question).write(position))
    parts.append(categories.rest())
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
