"""Question and quiz rules: the one place that says what valid content is.

Forms, the REST API and the importers all call `clean_quiz` and
`clean_question`. Each takes the plain-data form of a quiz or question (below),
returns it normalised (defaults filled in, strings stripped, numbers as
floats) and raises `django.core.exceptions.ValidationError` with a dict of
field errors — messages a teacher understands, translated — when it is not
valid.

Question data (also what quizzes.formats parse to and write from)::

    {"type": "multichoice", "name": "...", "text": "...", "text_format": "markdown",
     "points": 1.0, "general_feedback": "", "single": True, "shuffle_answers": True,
     "case_sensitive": False,
     "answers": [{"text": "...", "fraction": 100.0, "feedback": "",
                  "value": None, "tolerance": None, "match": ""}, ...]}

Quiz data::

    {"title": "...", "description": "", "tags": ["..."], "status": "draft",
     "options": {"shuffle_questions": False, "shuffle_answers": False,
                 "time_limit_minutes": None, "pass_mark": 50}}

Answer fields by type: multichoice, truefalse, shortanswer use `text` and
`fraction` (a percentage, -100 to 100); numerical uses `value`, `tolerance`
and `fraction`; matching uses `text` (the stem, empty for a distractor) and
`match`; essay has no answers. A truefalse question has exactly two answers,
"true" and "false", one of them at 100 %.

Error dict keys: a field name ("name", "options.pass_mark"), one answer's
field ("answers[2].fraction", counting the rows as given), "answers" for
problems of the answer list as a whole, and "__all__" (NON_FIELD_ERRORS) for
the rest. `None` for a field means "not given": its default applies.

Normalisation beyond defaults: fields a type does not use are reset (a
numerical answer's `text`, a matching answer's `fraction` ...); truefalse
answer texts are lowercased; a numerical answer's missing tolerance is 0;
answer rows left entirely blank (forms offer spare rows) are dropped after
validation, so error indices still match the rows the caller sent.
"""

import math
import re
from decimal import Decimal
from numbers import Real

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from quizzes.models import TAG_MAX, TITLE_MAX, QuestionType, QuizStatus, TextFormat

QUESTION_DEFAULTS = {
    "text_format": "markdown",
    "points": 1.0,
    "general_feedback": "",
    "single": True,
    "shuffle_answers": True,
    "case_sensitive": False,
    "answers": [],
}
ANSWER_DEFAULTS = {
    "text": "",
    "fraction": 0.0,
    "feedback": "",
    "value": None,
    "tolerance": None,
    "match": "",
}
QUIZ_DEFAULTS = {"description": "", "tags": [], "status": "draft", "options": {}}
OPTIONS_DEFAULTS = {
    "shuffle_questions": False,
    "shuffle_answers": False,
    "time_limit_minutes": None,
    "pass_mark": 50,
}

# Size limits: generous for real teaching content, bounded for storage and display.
TEXT_MAX = 20_000
FEEDBACK_MAX = 5_000
ANSWER_TEXT_MAX = 2_000
ANSWERS_MAX = 100
POINTS_MAX = 1000
TAGS_MAX = 20
TIME_LIMIT_MAX = 24 * 60
# Fractions are percentages; sums within this many points of 100 count as 100
# (three answers at 33.33 % make a full multiple-answer question).
FRACTION_TOLERANCE = 0.01
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
    "boolean": _("Choose yes or no."),
    "choice": _("Choose one of: %(choices)s."),
    "object": _("Expected a set of named fields."),
    "list": _("Expected a list."),
}


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


class Errors:
    """Collects field errors and raises them together as one ValidationError."""

    def __init__(self):
        self.by_field = {}

    def add(self, field, err):
        self.by_field.setdefault(field, []).append(err)

    def parse(self, field, parser, value, *args):
        """`parser(value, *args)`, or None after recording the FieldError it raised."""
        try:
            return parser(value, *args)
        except FieldError as failure:
            self.add(field, failure.error)
            return None

    def parse_fields(self, data, parsers, prefix=""):
        """Each field of `data` that has a parser in `parsers` ({field: (parser, *args)})."""
        return {
            field: self.parse(prefix + field, parser, data[field], *args)
            for field, (parser, *args) in parsers.items()
            if field in data
        }

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


# -- values -------------------------------------------------------------------
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


def parse_integer(value, minimum, maximum, allow_none=False):
    """An int from `minimum` to `maximum` (a whole float or numeric string is fine)."""
    number = parse_number(value, allow_none)
    if number is None:
        return None
    if not number.is_integer():
        raise FieldError("integer")
    if not minimum <= number <= maximum:
        raise FieldError("range", min=minimum, max=maximum)
    return int(number)


def parse_bool(value):
    if not isinstance(value, bool):
        raise FieldError("boolean")
    return value


def parse_choice(value, choices):
    """One of `choices` (a Django TextChoices class)."""
    if not isinstance(value, str) or value.strip() not in choices.values:
        raise FieldError("choice", choices=", ".join(choices.values))
    return value.strip()


def check_keys(data, known, errors, prefix=""):
    for key in data:
        if key not in known:
            errors.add(f"{prefix}{str(key)[:100]}", FieldError("unknown").error)


def with_defaults(data, defaults):
    """`data` over `defaults`, where None also means "not given"."""
    return {**defaults, **{key: value for key, value in data.items() if value is not None}}


# -- answers ------------------------------------------------------------------
ANSWER_PARSERS = {
    "text": (parse_text, ANSWER_TEXT_MAX),
    "fraction": (parse_number,),
    "feedback": (parse_text, FEEDBACK_MAX),
    "value": (parse_number, True),
    "tolerance": (parse_number, True),
    "match": (parse_text, ANSWER_TEXT_MAX),
}


def clean_answers(raw, errors):
    """Parse each answer row's fields; row errors go under `answers[i].field`."""
    if not isinstance(raw, list | tuple):
        errors.add("answers", FieldError("list").error)
        return []
    if len(raw) > ANSWERS_MAX:
        errors.add(
            "answers",
            error(_("Give at most %(limit)s answers."), "too_many", limit=ANSWERS_MAX),
        )
        return []
    answers = []
    for index, row in enumerate(raw):
        if not isinstance(row, dict):
            errors.add(
                "answers",
                error(_("Answer %(number)s is not a valid answer."), "object", number=index + 1),
            )
            continue
        prefix = f"answers[{index}]."
        check_keys(row, ANSWER_DEFAULTS, errors, prefix)
        row = with_defaults(row, ANSWER_DEFAULTS)
        answers.append(errors.parse_fields(row, ANSWER_PARSERS, prefix))
    return answers


def is_blank(answer):
    """An answer row nobody filled in (a spare form row)."""
    return not (
        answer["text"]
        or answer["feedback"]
        or answer["match"]
        or answer["fraction"]
        or answer["value"] is not None
        or answer["tolerance"]
    )


def filled(answers):
    """(index, answer) for each answer row that is not blank."""
    return [(index, answer) for index, answer in enumerate(answers) if not is_blank(answer)]


def at_full_marks(fraction):
    return fraction >= 100 - FRACTION_TOLERANCE


def answer_error(errors, index, field, message, code, **params):
    errors.add(f"answers[{index}].{field}", error(message, code, **params))


def check_fraction_range(errors, rows, minimum, maximum):
    for index, answer in rows:
        if not minimum <= answer["fraction"] <= maximum:
            answer_error(
                errors,
                index,
                "fraction",
                _("Enter a grade from %(min)s to %(max)s %%."),
                "fraction_range",
                min=minimum,
                max=maximum,
            )


def check_texts(errors, rows):
    for index, answer in rows:
        if not answer["text"]:
            answer_error(errors, index, "text", _("Write the text of this answer."), "required")


def check_one_full_mark(errors, rows):
    if not any(at_full_marks(answer["fraction"]) for _index, answer in rows):
        errors.add(
            "answers", error(_("Give at least one answer a grade of 100 %."), "no_full_mark")
        )


def check_accepted_answers(errors, rows, none_message):
    """Answers graded 0 to 100 %, at least one of them (else `none_message`) at 100 %."""
    check_fraction_range(errors, rows, 0, 100)
    if not rows:
        errors.add("answers", error(none_message, "too_few"))
    elif not errors.has("answers"):
        check_one_full_mark(errors, rows)


def reset_unused(rows, **values):
    """Set fields the question type ignores to `values`, so nothing stale is stored."""
    for _index, answer in rows:
        answer.update(values)


# -- one validator per question type ------------------------------------------
# Each receives the question with every field parsed and its answers as given
# (blank rows included, so indices match the caller's rows); it normalises the
# answers in place and raises ValidationError with the type's rules.


def validate_multichoice(question):
    errors = Errors()
    rows = filled(question["answers"])
    reset_unused(rows, value=None, tolerance=None, match="")
    check_texts(errors, rows)
    check_fraction_range(errors, rows, -100, 100)
    if len(rows) < 2:
        errors.add("answers", error(_("Give at least two answers to choose from."), "too_few"))
    elif not errors.has("answers"):
        if question["single"]:
            check_one_full_mark(errors, rows)
        else:
            total = sum(answer["fraction"] for _index, answer in rows if answer["fraction"] > 0)
            if abs(total - 100) > FRACTION_TOLERANCE + 1e-9:
                errors.add(
                    "answers",
                    error(
                        _(
                            "The positive grades must add up to 100 %% (they add up to %(total)s %%)."
                        ),
                        "sum",
                        total=round(total, 2),
                    ),
                )
    errors.raise_if_any()
    return question


def validate_truefalse(question):
    errors = Errors()
    rows = filled(question["answers"])
    reset_unused(rows, value=None, tolerance=None, match="")
    for index, answer in rows:
        answer["text"] = answer["text"].lower()
        if answer["text"] not in ("true", "false"):
            answer_error(errors, index, "text", _("Write “true” or “false”."), "truefalse_text")
    texts = sorted(answer["text"] for _index, answer in rows)
    fractions = sorted(answer["fraction"] for _index, answer in rows)
    if not errors.has("answers") and texts != ["false", "true"]:
        errors.add(
            "answers",
            error(
                _("A true/false question has exactly two answers, “true” and “false”."),
                "truefalse_answers",
            ),
        )
    elif not errors.has("answers") and fractions != [0, 100]:
        errors.add(
            "answers",
            error(
                _("Give 100 % to the right answer and 0 % to the other one."),
                "truefalse_fractions",
            ),
        )
    errors.raise_if_any()
    return question


def validate_shortanswer(question):
    errors = Errors()
    rows = filled(question["answers"])
    reset_unused(rows, value=None, tolerance=None, match="")
    check_texts(errors, rows)
    check_accepted_answers(errors, rows, _("Give at least one accepted answer."))
    errors.raise_if_any()
    return question


def validate_numerical(question):
    errors = Errors()
    rows = filled(question["answers"])
    reset_unused(rows, text="", match="")
    for index, answer in rows:
        if answer["value"] is None:
            answer_error(errors, index, "value", _("Enter the expected number."), "required")
        if answer["tolerance"] is None:
            answer["tolerance"] = 0.0
        elif answer["tolerance"] < 0:
            answer_error(
                errors, index, "tolerance", _("The tolerance cannot be negative."), "negative"
            )
    check_accepted_answers(errors, rows, _("Give at least one expected number."))
    errors.raise_if_any()
    return question


def validate_matching(question):
    errors = Errors()
    rows = filled(question["answers"])
    reset_unused(rows, fraction=0.0, value=None, tolerance=None)
    first_row_of_stem = {}
    for index, answer in rows:
        if not answer["match"]:
            field, message = (
                ("match", _("Give this question its matching answer."))
                if answer["text"]
                else ("text", _("Write a question, or an answer to use as a distractor."))
            )
            answer_error(errors, index, field, message, "required")
        stem = " ".join(answer["text"].split()).casefold()
        if stem and stem in first_row_of_stem:
            answer_error(
                errors,
                index,
                "text",
                _("This question is already asked in row %(number)s."),
                "duplicate",
                number=first_row_of_stem[stem] + 1,
            )
        first_row_of_stem.setdefault(stem, index)
    pairs = [answer for _index, answer in rows if answer["text"] and answer["match"]]
    if len(pairs) < 2:
        errors.add(
            "answers",
            error(_("Give at least two questions, each with its matching answer."), "too_few"),
        )
    errors.raise_if_any()
    return question


def validate_essay(question):
    if filled(question["answers"]):
        raise ValidationError(
            {"answers": [error(_("An essay question has no answers to fill in."), "not_empty")]}
        )
    return question


TYPE_VALIDATORS = {
    QuestionType.MULTICHOICE: validate_multichoice,
    QuestionType.TRUEFALSE: validate_truefalse,
    QuestionType.SHORTANSWER: validate_shortanswer,
    QuestionType.NUMERICAL: validate_numerical,
    QuestionType.MATCHING: validate_matching,
    QuestionType.ESSAY: validate_essay,
}


def truefalse_answers(correct, feedback_true="", feedback_false=""):
    """The two answers of a truefalse question whose right answer is `correct`."""
    return [
        {
            **ANSWER_DEFAULTS,
            "text": "true",
            "fraction": 100.0 if correct else 0.0,
            "feedback": feedback_true,
        },
        {
            **ANSWER_DEFAULTS,
            "text": "false",
            "fraction": 0.0 if correct else 100.0,
            "feedback": feedback_false,
        },
    ]


# -- questions ----------------------------------------------------------------
QUESTION_PARSERS = {
    "type": (parse_choice, QuestionType),
    "name": (parse_text, TITLE_MAX, True),
    "text": (parse_text, TEXT_MAX, True),
    "text_format": (parse_choice, TextFormat),
    "points": (parse_number,),
    "general_feedback": (parse_text, FEEDBACK_MAX),
    "single": (parse_bool,),
    "shuffle_answers": (parse_bool,),
    "case_sensitive": (parse_bool,),
}


def required_missing(data, fields, errors):
    for field in fields:
        if data.get(field) is None:
            errors.add(field, FieldError("required").error)


def require_object(data, message):
    if not isinstance(data, dict):
        raise ValidationError({NON_FIELD_ERRORS: [error(message, "object")]})


def clean_question(data):
    """Return the normalised question data, or raise ValidationError."""
    require_object(data, _("A question must be a set of named fields."))
    errors = Errors()
    check_keys(data, QUESTION_PARSERS.keys() | QUESTION_DEFAULTS.keys(), errors)
    required_missing(data, ("type", "name", "text"), errors)
    raw = with_defaults(data, QUESTION_DEFAULTS)
    question = errors.parse_fields(raw, QUESTION_PARSERS)
    if question.get("points") is not None and not 0 < question["points"] <= POINTS_MAX:
        errors.add(
            "points",
            error(_("Give between 0 (excluded) and %(max)s points."), "range", max=POINTS_MAX),
        )
    question["answers"] = clean_answers(raw["answers"], errors)
    # A type's rules read the answers and `single`: only check them once those parsed.
    if question.get("type") and not (errors.has("answers") or errors.has("single")):
        try:
            TYPE_VALIDATORS[question["type"]](question)
        except ValidationError as failure:
            errors.merge(failure)
    errors.raise_if_any()
    question["answers"] = [answer for answer in question["answers"] if not is_blank(answer)]
    return question


# -- quizzes ------------------------------------------------------------------
def parse_tags(value):
    """A list of distinct stripped tags, from a list or a comma-separated string."""
    if isinstance(value, str):
        value = [tag for tag in value.split(",") if tag.strip()]
    if not isinstance(value, list | tuple):
        raise FieldError("list")
    tags = []
    for tag in value:
        if not isinstance(tag, str) or not tag.strip():
            raise FieldError("tag", _("Each tag must be a non-empty word or phrase."))
        tag = tag.strip()
        if len(tag) > TAG_MAX:
            raise FieldError(
                "tag_too_long", _("Keep each tag under %(limit)s characters."), limit=TAG_MAX
            )
        if tag not in tags:
            tags.append(tag)
        if len(tags) > TAGS_MAX:
            raise FieldError("too_many", _("Use at most %(limit)s tags."), limit=TAGS_MAX)
    return tags


OPTION_PARSERS = {
    "shuffle_questions": (parse_bool,),
    "shuffle_answers": (parse_bool,),
    "time_limit_minutes": (parse_integer, 1, TIME_LIMIT_MAX, True),
    "pass_mark": (parse_integer, 0, 100),
}


def clean_options(value, errors):
    if not isinstance(value, dict):
        errors.add("options", FieldError("object").error)
        return dict(OPTIONS_DEFAULTS)
    check_keys(value, OPTION_PARSERS, errors, "options.")
    return errors.parse_fields(with_defaults(value, OPTIONS_DEFAULTS), OPTION_PARSERS, "options.")


QUIZ_PARSERS = {
    "title": (parse_text, TITLE_MAX, True),
    "description": (parse_text, TEXT_MAX),
    "tags": (parse_tags,),
    "status": (parse_choice, QuizStatus),
}


def clean_quiz(data):
    """Return the normalised quiz data (without questions), or raise ValidationError.

    A "questions" key is accepted and left out: callers clean each question
    with `clean_question`.
    """
    require_object(data, _("A quiz must be a set of named fields."))
    errors = Errors()
    check_keys(data, QUIZ_PARSERS.keys() | {"options", "questions"}, errors)
    required_missing(data, ("title",), errors)
    raw = with_defaults(data, QUIZ_DEFAULTS)
    quiz = errors.parse_fields(raw, QUIZ_PARSERS)
    quiz["options"] = clean_options(raw["options"], errors)
    errors.raise_if_any()
    return quiz
