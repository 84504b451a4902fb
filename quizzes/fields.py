"""Every field of quizzes and questions, declared once, and the parsers that read values.

A `Field` says what one value is: its kind, limits, default, label and help.
The model (`quizzes.models`), the rules (`quizzes.validation` and the
question types), the editor forms, the API serializers and the OpenQuizz JSON
schema all derive what they need from these declarations, so that a limit
cannot say one thing in the API and another in the rules.

Field errors are `FieldError`s (one value) collected by `Errors` (a whole
object), raised as one `django.core.exceptions.ValidationError` with a dict of
field errors: messages a teacher understands, translated.

This module imports nothing else from the project: everything builds on it.
"""

import datetime
import functools
import math
import re
import sys
from dataclasses import dataclass
from decimal import Decimal
from numbers import Real

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django_mongodb_backend.fields import ArrayField

# Longest string read as a number: longer ones are not numbers a teacher typed.
NUMBER_TEXT_MAX = 100
NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")

MESSAGES = {
    "required": _("This field is required."),
    "unknown": _("Unknown field."),
    "text": _("Enter text."),
    "too_long": _("Keep this under %(limit)s characters (it has %(length)s)."),
    "number": _("Enter a number."),
    "integer": _("Enter a whole number."),
    "range": _("Enter a number from %(min)s to %(max)s."),
    "above": _("Give between %(min)s (excluded) and %(max)s."),
    "at_least": _("Enter a number of at least %(min)s."),
    "boolean": _("Choose yes or no."),
    "datetime": _("Enter a date and time, such as 2026-09-01T08:30 (ISO 8601)."),
    "choice": _("Choose one of: %(choices)s."),
    "object": _("Expected a set of named fields."),
    "list": _("Expected a list."),
    "null": _("This field cannot be null: give a value, or leave the field out."),
}


class QuizStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class TextFormat(models.TextChoices):
    """How a question's text and feedback are written (GIFT's [markdown] etc.)."""

    MARKDOWN = "markdown", _("Markdown")
    HTML = "html", _("HTML")
    PLAIN = "plain", _("Plain text")
    MOODLE = "moodle", _("Moodle auto-format")


class QuizAccess(models.TextChoices):
    """Who may take a published quiz."""

    LINK = "link", _("Anyone with the link, giving a display name")
    SIGNED_IN = "signed_in", _("Signed-in users only")


class AnswerNumbering(models.TextChoices):
    """How multiple-choice answers are numbered (Moodle's answernumbering)."""

    LOWER = "abc", _("a., b., c., ...")
    UPPER = "ABCD", _("A., B., C., ...")
    DIGITS = "123", _("1., 2., 3., ...")
    ROMAN_LOWER = "iii", _("i., ii., iii., ...")
    ROMAN_UPPER = "IIII", _("I., II., III., ...")
    NONE = "none", _("No numbering")


class ResponseFormat(models.TextChoices):
    """What an essay's learner writes in (Moodle's responseformat)."""

    EDITOR = "editor", _("HTML editor")
    EDITOR_FILE_PICKER = "editorfilepicker", _("HTML editor with file picker")
    PLAIN = "plain", _("Plain text")
    MONOSPACED = "monospaced", _("Plain text, monospaced font")
    NO_INLINE = "noinline", _("No online text")


# -- errors -----------------------------------------------------------------------
class FieldError(Exception):
    """One value cannot be used; `error` is the ValidationError to report.

    `code` names a message of MESSAGES unless `message` is given.
    """

    def __init__(self, code, message=None, **params):
        super().__init__(code)
        self.error = error(message or MESSAGES[code], code, **params)


def error(message, code, **params):
    """A ValidationError with a translatable `message` and its `%(name)s` params."""
    return ValidationError(message, code=code, params=params or None)


# {id(declared): (declared, ((name, Field.parser), ...))}, for the few declarations
# (module constants) that are parsed again and again. Holding `declared` keeps its id
# from being reused by another dict.
PARSERS = {}
PARSERS_MAX = 64


def parsers(declared):
    """((name, quick parser, default, stored default), ...) of `declared` ({name: Field}),
    in order: a value that is the field's default object parses to its stored default
    (computed once; a default that does not parse is never taken for one)."""
    entry = PARSERS.get(id(declared))
    if entry is not None and entry[0] is declared:
        return entry[1]
    compiled = tuple(
        (name, field.parser, *stored_default(field)) for name, field in declared.items()
    )
    if len(PARSERS) < PARSERS_MAX:
        PARSERS[id(declared)] = (declared, compiled)
    return compiled


# Stands for the default of a field whose default does not parse: no value is it.
NOT_A_DEFAULT = object()


def stored_default(field):
    """(default, its stored form) of `field`, or (NOT_A_DEFAULT, None) when the default
    is not a valid value (a required text's "")."""
    try:
        return field.default, field.parse(field.default)
    except FieldError:
        return NOT_A_DEFAULT, None


class Errors:
    """Collects field errors and raises them together as one ValidationError."""

    def __init__(self, lenient=False):
        self.by_field = {}
        self.lenient = lenient
        self.warnings = []  # messages of the errors `tolerate` let through

    def add(self, field, err):
        self.by_field.setdefault(field, []).append(err)

    def tolerate(self, field, err):
        """An error Moodle's importer lets through: only a warning when `lenient`."""
        if self.lenient:
            self.warnings.extend(err.messages)
        else:
            self.add(field, err)

    def parse(self, name, parser, value):
        """`parser(value)`, or None after recording under `name` the FieldError it raised."""
        try:
            return parser(value)
        except FieldError as failure:
            self.add(name, failure.error)
            return None

    def parse_fields(self, data, declared, prefix=""):
        """Each value of `data` that has a Field in `declared` ({name: Field}), parsed."""
        # This runs for every field of every imported question: first all at once, the
        # fields' quick parsers in one comprehension; one after the other only when a
        # value is wrong, to record each error (parsers have no side effects).
        # A value not given is its field's default object (validation.with_defaults): its
        # stored form is known already.
        try:
            return {
                name: stored if (value := data[name]) is default else parser(value)
                for name, parser, default, stored in parsers(declared)
                if name in data
            }
        except FieldError:
            pass
        parsed = {}
        for name, field in declared.items():
            if name in data:
                try:
                    parsed[name] = field.parser(data[name])
                except FieldError as failure:
                    self.add(prefix + name, failure.error)
                    parsed[name] = None
        return parsed

    def merge(self, validation_error):
        for field, errs in validation_error.error_dict.items():
            for err in errs:
                self.add(field, err)

    def has(self, name):
        """Whether `name` or any part of it ("answers[0].text" of "answers") has an error."""
        return any(
            field == name or field.startswith((f"{name}[", f"{name}.")) for field in self.by_field
        )

    def raise_if_any(self):
        if self.by_field:
            raise ValidationError(self.by_field)


# -- values -------------------------------------------------------------------------
def parse_text(value, max_length, required=False):
    """A stripped string of at most `max_length` characters (None is empty)."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise FieldError("text")
    value = value.strip()
    if required and not value:
        raise FieldError("required")
    if len(value) > max_length:
        raise FieldError("too_long", limit=max_length, length=len(value))
    return value


def parse_number(value, allow_none=False):
    """A finite float from a number or a numeric string ("3.14" or "3,14").

    Booleans are not numbers here. None is allowed only with `allow_none`.
    """
    if value is None and allow_none:
        return None
    if type(value) is float and math.isfinite(value):  # the common case, made quick
        return value
    if isinstance(value, str) and len(value) <= NUMBER_TEXT_MAX:
        text = value.strip()
        if "." not in text:
            text = text.replace(",", ".", 1)  # a decimal comma, as French teachers write
        if NUMBER_RE.fullmatch(text):
            value = float(text)
    if isinstance(value, bool) or not isinstance(value, Real | Decimal):
        raise FieldError("number")
    try:
        number = float(value)
    except (OverflowError, ValueError):  # 10**400, Decimal("sNaN")
        raise FieldError("number") from None
    if not math.isfinite(number):
        raise FieldError("number")
    return number


def number_or_none(value):
    """`parse_number(value)`, or None when `value` is not a number."""
    try:
        return parse_number(value)
    except FieldError:
        return None


def is_number(value):
    """Whether `value` is a JSON number (booleans are not)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def parse_bool(value):
    if not isinstance(value, bool):
        raise FieldError("boolean")
    return value


def parse_choice(value, choices):
    """One of `choices` (a list of values)."""
    if not isinstance(value, str) or value.strip() not in choices:
        raise FieldError("choice", choices=", ".join(choices))
    return value.strip()


def parse_datetime_value(value, allow_none=False):
    """An aware datetime, to the millisecond (what MongoDB stores), from a datetime or an
    ISO 8601 string ("2026-09-01T08:30", "2026-09-01T08:30:00+02:00"). A time without
    an offset is in the current time zone (the teacher's, in a form)."""
    if value is None and allow_none:
        return None
    if isinstance(value, str) and len(value) <= NUMBER_TEXT_MAX:
        try:
            value = parse_datetime(value.strip())
        except ValueError:  # well formed but impossible: February 30th
            value = None
    if not isinstance(value, datetime.datetime):
        raise FieldError("datetime")
    if timezone.is_naive(value):
        try:
            value = timezone.make_aware(value)
        except (OverflowError, ValueError):
            raise FieldError("datetime") from None
    return value.replace(microsecond=value.microsecond - value.microsecond % 1000)


@functools.cache
def choice_values(choices):
    """The values of a TextChoices class, computed once (Django's `values` makes a new
    list at each call: a tenth of an import's time went there)."""
    return tuple(choices.values)


def format_number(number):
    """A float as the shortest plain decimal that reads back the same (no exponent)."""
    if float(number).is_integer():
        return str(int(number))
    text = format(Decimal(repr(float(number))), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


# -- declarations ---------------------------------------------------------------------
@dataclass(frozen=True)
class Field:
    """One value of a quiz, an answer or a question, and every rule about it.

    `kind` is "text", "number", "integer", "bool", "choice" or "datetime" (an
    aware datetime; ISO 8601 in JSON). Numbers lie in `minimum`..`maximum`; with
    `exclusive_minimum` the minimum itself is refused. `nullable` numbers and
    datetimes may be None ("not given"). `required` texts
    may not be empty. `default` applies when a value is not given.
    """

    name: str
    kind: str
    label: str
    default: object = None
    required: bool = False
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    nullable: bool = False
    choices: type | None = None
    help_text: str = ""
    # (code, message) of a number out of range, when the generic words do not fit.
    range_error: tuple | None = None
    # False: the bounds are the widest any rule allows; narrower rules check them.
    check_bounds: bool = True
    # A text format that, when not given, is its question's `text_format` (so stored
    # data always says the format of each text).
    follows_text_format: bool = False

    # -- rules --------------------------------------------------------------------
    @functools.cached_property
    def parser(self):
        """`parse`, compiled once for this field: a closure that returns values already
        as stored (the common case of an import) without the generic checks, and
        leaves every other value to `parse`, so the rules and messages are its."""
        parse = self.parse
        if self.kind == "text":
            limit, required = self.max_length, self.required

            def text(value):
                if type(value) is str:
                    stripped = value.strip()
                    if len(stripped) <= limit and (stripped or not required):
                        return stripped
                return parse(value)

            return text
        if self.kind == "bool":

            def boolean(value):
                if value is True or value is False:
                    return value
                return parse(value)

            return boolean
        if self.kind == "choice":
            # {value: value}: a member of the choices (a default) is stored as its plain
            # string, as `parse` stores it (its `strip` returns a str).
            values = {value: str(value) for value in choice_values(self.choices)}
            exact = (str, self.choices)

            def choice(value):
                if type(value) in exact and value in values:
                    return values[value]
                return parse(value)

            return choice
        if self.kind == "datetime":
            return parse
        # Only exact floats (numbers) and ints (integers) within bounds take the quick way:
        # `parse` returns them unchanged. The widest bounds leave out infinities and NaN
        # (no comparison holds), and ints a float cannot hold exactly.
        quick = float if self.kind == "number" else int
        widest = sys.float_info.max if quick is float else 2**53
        low, high = -widest, widest
        if self.check_bounds:
            low = low if self.minimum is None else max(low, self.minimum)
            high = high if self.maximum is None else min(high, self.maximum)
        exclusive = self.exclusive_minimum and self.check_bounds

        nullable = self.nullable

        def number(value):
            if value is None and nullable:
                return None
            if (
                type(value) is quick
                and (low < value if exclusive else low <= value)
                and value <= high
            ):
                return value
            return parse(value)

        return number

    def parse(self, value):
        """The value as stored, or FieldError (see the class docstring)."""
        if self.kind == "text":
            return parse_text(value, self.max_length, self.required)
        if self.kind == "bool":
            return parse_bool(value)
        if self.kind == "choice":
            return parse_choice(value, choice_values(self.choices))
        if self.kind == "datetime":
            return parse_datetime_value(value, self.nullable)
        number = parse_number(value, self.nullable)
        if number is None:
            return None
        if self.kind == "integer" and not number.is_integer():
            raise FieldError("integer")
        if self.check_bounds:
            self.check_range(number)
        return int(number) if self.kind == "integer" else number

    def check_range(self, number):
        low, high = self.minimum, self.maximum
        out = (
            low is not None and (number < low or (self.exclusive_minimum and number == low))
        ) or (high is not None and number > high)
        if out and self.range_error:
            code, message = self.range_error
            raise FieldError(code, message, min=low, max=high)
        if self.exclusive_minimum and number <= low:
            raise FieldError("above", min=low, max=high)
        if high is None and low is not None and number < low:
            raise FieldError("at_least", min=low)
        if (low is not None and number < low) or (high is not None and number > high):
            raise FieldError("range", min=low, max=high)

    # -- what derives from it ---------------------------------------------------------
    def json_schema(self, openapi=False):
        """This field as a JSON Schema: the OpenQuizz JSON schema's (draft 2020-12), or
        with `openapi` the API schema's (OpenAPI 3.0, where `nullable` and a boolean
        `exclusiveMinimum` say what type lists and numbers say in JSON Schema)."""
        kinds = {
            "text": "string",
            "number": "number",
            "integer": "integer",
            "bool": "boolean",
            "datetime": "string",
        }
        if self.kind == "choice":
            # OpenAPI tools name an enum by its values and type: one enum per choice set.
            schema = {"enum": list(self.choices.values), **({"type": "string"} if openapi else {})}
        elif self.nullable and not openapi:
            schema = {"type": [kinds[self.kind], "null"]}
        else:
            schema = {"type": kinds[self.kind]}
        if self.nullable and openapi:
            schema["nullable"] = True
        if self.kind == "datetime":
            schema["format"] = "date-time"
        if self.exclusive_minimum:
            minimum = (
                {"minimum": self.minimum, "exclusiveMinimum": True}
                if openapi
                else {"exclusiveMinimum": self.minimum}
            )
        else:
            minimum = {"minimum": self.minimum}
        bounds = {
            "minLength": 1 if self.required else None,
            "maxLength": self.max_length,
            **minimum,
            "maximum": self.maximum,
            "description": str(self.help_text) or None,
        }
        schema.update((key, value) for key, value in bounds.items() if value is not None)
        return schema

    def model_field(self, **options):
        """The Django model field storing this value."""
        common = {"verbose_name": self.label, **options}
        if self.default is not None:
            common["default"] = self.default
        if self.kind == "text" and not self.required:
            common["blank"] = True
        if self.kind == "text":
            if self.max_length and self.max_length <= 255:
                return models.CharField(max_length=self.max_length, **common)
            return models.TextField(**common)
        if self.kind == "choice":
            longest = max(map(len, self.choices.values))
            return models.CharField(
                max_length=max(10, longest), choices=self.choices.choices, **common
            )
        if self.kind == "bool":
            return models.BooleanField(**common)
        if self.nullable:
            common.update(null=True, blank=True)
        if self.kind == "datetime":
            return models.DateTimeField(**common)
        if self.kind == "integer":
            if self.minimum is not None and self.minimum < 0:
                return models.IntegerField(**common)
            return models.PositiveIntegerField(**common)
        return models.FloatField(**common)


def declared(*fields):
    """{name: Field} of `fields`, in order."""
    return {field.name: field for field in fields}


# Size limits: generous for real teaching content, bounded for storage and display.
TITLE_MAX = 200
TAG_MAX = 50
TAGS_MAX = 20
TEXT_MAX = 20_000
FEEDBACK_MAX = 5_000
# A question's text and general feedback: Moodle keeps them in LONGTEXT columns, and
# its files carry images pasted into them as base64 data URIs (a photo is megabytes).
# Large enough for most (750 kB of image each); a question at every limit, even in
# 4-byte characters, stays under MongoDB's 16 MB document.
RICH_TEXT_MAX = 1_000_000
ANSWER_TEXT_MAX = 2_000
ANSWERS_MAX = 100
POINTS_MAX = 1000
TIME_LIMIT_MAX = 24 * 60
ATTEMPTS_MAX = 100
IDNUMBER_MAX = 100
HINTS_MAX = 20
CATEGORY_NAME_MAX = 255
# Moodle's default penalty for each wrong try (its question table's default).
PENALTY_DEFAULT = 0.3333333
ESSAY_LINES_MAX = 100
ATTACHMENTS_MAX = 100  # Moodle's menu stops at 3; -1 means unlimited
WORD_LIMIT_MAX = 100_000


def format_field(name, label):
    """The text format of one of a question's texts: its question's unless given."""
    return Field(
        name,
        "choice",
        label,
        default=TextFormat.MARKDOWN,
        choices=TextFormat,
        help_text=_("When not given, the question's text format."),
        follows_text_format=True,
    )


def feedback_fields(name, label):
    """A feedback text and its format (`<name>_format`)."""
    return (
        Field(name, "text", label, default="", max_length=FEEDBACK_MAX),
        format_field(f"{name}_format", _("its text format")),
    )


FRACTION_RANGE = ("fraction_range", _("Enter a grade from %(min)s to %(max)s %%."))

# Every question has these; `type` and `answers` are the question types' business.
QUESTION_FIELDS = declared(
    Field("name", "text", _("name"), required=True, max_length=TITLE_MAX),
    Field("text", "text", _("question text"), required=True, max_length=RICH_TEXT_MAX),
    Field(
        "text_format",
        "choice",
        _("text format"),
        default=TextFormat.MARKDOWN,
        choices=TextFormat,
        help_text=_("How the text and feedback are written; Moodle's auto-format is 'moodle'."),
    ),
    # 0 is allowed, as Moodle's editing form and importer allow it: a question that
    # counts for nothing (graded, its points and maximum both 0).
    Field(
        "points",
        "number",
        _("points"),
        default=1.0,
        minimum=0,
        maximum=POINTS_MAX,
        range_error=("range", _("Give between 0 and %(max)s points.")),
    ),
    Field("general_feedback", "text", _("general feedback"), default="", max_length=RICH_TEXT_MAX),
    format_field("general_feedback_format", _("general feedback format")),
    Field(
        "penalty",
        "number",
        _("penalty"),
        default=PENALTY_DEFAULT,
        minimum=0,
        maximum=1,
        help_text=_("Share of the points lost for each wrong try (0 to 1), as Moodle's penalty."),
    ),
    Field(
        "idnumber",
        "text",
        _("ID number"),
        default="",
        max_length=IDNUMBER_MAX,
        help_text=_("An identifier of your own, as Moodle's ID number."),
    ),
)
# Fields some question types add (each type lists those it uses, see quizzes.qtypes).
QUESTION_EXTRAS = declared(
    Field(
        "single",
        "bool",
        _("one answer only"),
        default=True,
        help_text=_("multichoice: one right answer (radio buttons) or several (check boxes)."),
    ),
    Field("shuffle_answers", "bool", _("shuffle answers"), default=True),
    Field(
        "case_sensitive",
        "bool",
        _("case sensitive"),
        default=False,
        help_text=_("shortanswer: whether letter case matters."),
    ),
    # multichoice, matching and cloze: Moodle's combined feedback.
    *feedback_fields("correct_feedback", _("feedback for any correct response")),
    *feedback_fields(
        "partially_correct_feedback", _("feedback for any partially correct response")
    ),
    *feedback_fields("incorrect_feedback", _("feedback for any incorrect response")),
    Field(
        "show_num_correct",
        "bool",
        _("show the number of correct responses"),
        default=False,
        help_text=_("Once graded, tell learners how many of their choices were right."),
    ),
    Field(
        "answer_numbering",
        "choice",
        _("number the choices?"),
        default=AnswerNumbering.LOWER,
        choices=AnswerNumbering,
        help_text=_("multichoice: how the choices are numbered, as Moodle's answernumbering."),
    ),
    # essay: Moodle's response options.
    Field(
        "response_format",
        "choice",
        _("response format"),
        default=ResponseFormat.EDITOR,
        choices=ResponseFormat,
        help_text=_("essay: what learners write their response in."),
    ),
    Field(
        "response_required",
        "bool",
        _("require text"),
        default=True,
        help_text=_("essay: whether learners must write a text (else attachments may do)."),
    ),
    Field(
        "response_field_lines",
        "integer",
        _("input box size (lines)"),
        default=15,
        minimum=1,
        maximum=ESSAY_LINES_MAX,
    ),
    Field(
        "attachments",
        "integer",
        _("allow attachments"),
        default=0,
        minimum=-1,
        maximum=ATTACHMENTS_MAX,
        help_text=_("essay: how many files learners may attach; -1 for unlimited."),
    ),
    Field(
        "attachments_required",
        "integer",
        _("require attachments"),
        default=0,
        minimum=0,
        maximum=ATTACHMENTS_MAX,
    ),
    Field(
        "min_word_limit",
        "integer",
        _("minimum word limit"),
        nullable=True,
        minimum=1,
        maximum=WORD_LIMIT_MAX,
    ),
    Field(
        "max_word_limit",
        "integer",
        _("maximum word limit"),
        nullable=True,
        minimum=1,
        maximum=WORD_LIMIT_MAX,
    ),
    Field(
        "grader_info",
        "text",
        _("information for graders"),
        default="",
        max_length=TEXT_MAX,
    ),
    format_field("grader_info_format", _("information for graders format")),
    Field(
        "response_template",
        "text",
        _("response template"),
        default="",
        max_length=TEXT_MAX,
        help_text=_("essay: text the response box starts with."),
    ),
    format_field("response_template_format", _("response template format")),
)
ANSWER_FIELDS = declared(
    Field("text", "text", _("text"), default="", max_length=ANSWER_TEXT_MAX),
    Field(
        "fraction",
        "number",
        _("grade"),
        default=0.0,
        minimum=-100,
        maximum=100,
        help_text=_("Grade of this answer in % (-100 to 100)."),
        # Each question type checks the grades its answers may have, within these.
        check_bounds=False,
    ),
    Field("feedback", "text", _("feedback"), default="", max_length=FEEDBACK_MAX),
    Field(
        "value",
        "number",
        _("value"),
        nullable=True,
        help_text=_("numerical: the expected number."),
    ),
    Field(
        "tolerance",
        "number",
        _("tolerance"),
        nullable=True,
        minimum=0,
        help_text=_("numerical: accepted error."),
        range_error=("negative", _("The tolerance cannot be negative.")),
    ),
    Field(
        "match",
        "text",
        _("match"),
        default="",
        max_length=ANSWER_TEXT_MAX,
        help_text=_("matching: the answer that goes with this stem (`text`)."),
    ),
    format_field("text_format", _("text format")),
    format_field("feedback_format", _("feedback format")),
)
# A hint shown to the learner after a wrong try (Moodle's <hint>).
HINT_FIELDS = declared(
    Field("text", "text", _("hint"), default="", max_length=FEEDBACK_MAX),
    format_field("text_format", _("text format")),
    Field("show_num_correct", "bool", _("show the number of right answers"), default=False),
    Field("clear_wrong", "bool", _("clear wrong answers"), default=False),
)
QUIZ_FIELDS = declared(
    Field("title", "text", _("title"), required=True, max_length=TITLE_MAX),
    Field(
        "description",
        "text",
        _("description"),
        default="",
        max_length=TEXT_MAX,
        help_text=_("Markdown"),
    ),
    Field("status", "choice", _("status"), default=QuizStatus.DRAFT, choices=QuizStatus),
)
OPTION_FIELDS = declared(
    Field("shuffle_questions", "bool", _("shuffle questions"), default=False),
    Field("shuffle_answers", "bool", _("shuffle answers"), default=False),
    Field(
        "time_limit_minutes",
        "integer",
        _("time limit (minutes)"),
        nullable=True,
        minimum=1,
        maximum=TIME_LIMIT_MAX,
    ),
    Field(
        "pass_mark",
        "integer",
        _("pass mark (%)"),
        default=50,
        minimum=0,
        maximum=100,
        help_text=_("Percentage needed to pass."),
    ),
    # When learners may start it (None: no limit); closes_at comes after opens_at
    # (quizzes.validation.clean_options).
    Field("opens_at", "datetime", _("opens at"), nullable=True),
    Field("closes_at", "datetime", _("closes at"), nullable=True),
    Field(
        "access",
        "choice",
        _("who may take it"),
        default=QuizAccess.LINK,
        choices=QuizAccess,
        help_text=_(
            "link: anyone with the share link, giving a display name; "
            "signed_in: signed-in users only."
        ),
    ),
    Field(
        "attempts_allowed",
        "integer",
        _("attempts allowed per learner"),
        nullable=True,
        minimum=1,
        maximum=ATTEMPTS_MAX,
        help_text=_("None: unlimited."),
    ),
    Field("one_per_page", "bool", _("one question per page"), default=False),
    Field("show_score", "bool", _("learners see their score"), default=True),
    Field("show_feedback", "bool", _("learners see the feedback"), default=True),
    Field("show_correct_answers", "bool", _("learners see the correct answers"), default=False),
)


def defaults(fields):
    """{name: default} of declared fields that may be left out (not the required ones,
    nor the text formats that follow the question's: see `Field.follows_text_format`)."""
    return {
        name: field.default
        for name, field in fields.items()
        if not (field.required or field.follows_text_format)
    }


def following_formats(fields):
    """Names of the text formats among `fields` that follow the question's text format."""
    return [name for name, field in fields.items() if field.follows_text_format]


def tags_field(**options):
    """The model field of a list of tags."""
    return ArrayField(models.CharField(max_length=TAG_MAX), default=list, blank=True, **options)


# A category of a teacher's question bank.
CATEGORY_FIELDS = declared(
    Field("name", "text", _("name"), required=True, max_length=CATEGORY_NAME_MAX),
    Field("description", "text", _("description"), default="", max_length=TEXT_MAX),
    Field(
        "description_format",
        "choice",
        _("description format"),
        default=TextFormat.MARKDOWN,
        choices=TextFormat,
    ),
    Field(
        "idnumber",
        "text",
        _("ID number"),
        default="",
        max_length=IDNUMBER_MAX,
        help_text=_("An identifier of your own, as Moodle's ID number."),
    ),
)
