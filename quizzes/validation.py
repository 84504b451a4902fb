"""Question and quiz rules: the one place that says what valid content is.

Forms, the REST API and the importers all call `clean_quiz` and
`clean_question`. Each takes the plain-data form of a quiz or question (below),
returns it normalised (defaults filled in, strings stripped, numbers as
floats) and raises `django.core.exceptions.ValidationError` with a dict of
field errors — messages a teacher understands, translated — when it is not
valid.

Question data (also what quizzes.formats parse to and write from)::

    {"type": "multichoice", "name": "...", "text": "...", "text_format": "markdown",
     "points": 1.0, "general_feedback": "", "general_feedback_format": "markdown",
     "penalty": 0.3333333, "idnumber": "", "tags": ["..."],
     "hints": [{"text": "...", "text_format": "markdown", "show_num_correct": False,
                "clear_wrong": False}, ...],
     <every field of fields.QUESTION_EXTRAS: "single", "shuffle_answers",
      "answer_numbering", "correct_feedback" and its "_format", ..., the essay's
      "response_format", "attachments", ...>,
     "answers": [{"uid": "1",   # its identity (ANSWER_UID), when it has one
                  "text": "...", "text_format": "markdown", "fraction": 100.0,
                  "feedback": "", "feedback_format": "markdown",
                  "value": None, "tolerance": None, "match": ""}, ...],
     "category": ("A", "B")}   # only when given: the names of its category's path

Every text format not given (an answer's, a feedback's, a hint's) is the
question's `text_format`, so cleaned data always says the format of each text.
A numerical answer whose text is "*" (value None) is Moodle's answer for any
other number.

Quiz data::

    {"title": "...", "description": "", "tags": ["..."], "status": "draft",
     "options": {"shuffle_questions": False, "shuffle_answers": False,
                 "time_limit_minutes": None, "pass_mark": 50}}

Which extra fields and answer fields a question uses, and the rules of its
answers, are its type's (`quizzes.qtypes`): this module checks the fields
every question has (declared in `quizzes.fields`), then asks the type.

Error dict keys: a field name ("name", "options.pass_mark"), one answer's
field ("answers[2].fraction", counting the rows as given), "answers" for
problems of the answer list as a whole, and "__all__" (NON_FIELD_ERRORS) for
the rest. `None` for a field means "not given": its default applies.

Normalisation beyond defaults: fields a type does not use are reset to their
defaults (a numerical answer's `text`, a matching answer's `fraction` ...,
a description's points, the hints of an essay or a description, a hint's
options in a type whose hints have none); answer rows left entirely blank
(forms offer spare rows) are dropped after validation, so error indices still
match the rows the caller sent, and so are hints with neither text nor option.
A question may be worth 0 points, as in Moodle: it is graded 0 of 0.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from quizzes.fields import (
    ANSWER_FIELDS,
    ANSWERS_MAX,
    CATEGORY_FIELDS,
    CATEGORY_NAME_MAX,
    HINT_FIELDS,
    HINTS_MAX,
    OPTION_FIELDS,
    QUESTION_EXTRAS,
    QUESTION_FIELDS,
    QUIZ_FIELDS,
    TAG_MAX,
    TAGS_MAX,
    Errors,
    Field,
    FieldError,
    TextFormat,
    defaults,
    error,
    following_formats,
)
from quizzes.qtypes import registry
from quizzes.qtypes.base import is_blank

QUESTION_DEFAULTS = {
    **defaults(QUESTION_FIELDS),
    **defaults(QUESTION_EXTRAS),
    "tags": [],
    "hints": [],
    "answers": [],
}
ANSWER_DEFAULTS = defaults(ANSWER_FIELDS)
# Text formats that are the question's text format unless given.
QUESTION_FORMATS = following_formats({**QUESTION_FIELDS, **QUESTION_EXTRAS})
QUIZ_DEFAULTS = {**defaults(QUIZ_FIELDS), "tags": [], "options": {}}
OPTIONS_DEFAULTS = defaults(OPTION_FIELDS)
QUESTION_KEYS = {
    "type",
    *QUESTION_FIELDS,
    *QUESTION_EXTRAS,
    "tags",
    "hints",
    "answers",
    "category",
}
QUIZ_KEYS = {*QUIZ_FIELDS, "tags", "options", "questions", "categories"}


def check_keys(data, known, errors, prefix=""):
    if data.keys() <= (known.keys() if isinstance(known, dict) else known):
        return  # the common case, checked at once
    for key in data:
        if key not in known:
            errors.add(f"{prefix}{str(key)[:100]}", FieldError("unknown").error)


def with_defaults(data, defaults):
    """`data` over `defaults`, where None also means "not given"."""
    return {**defaults, **{key: value for key, value in data.items() if value is not None}}


def with_defaults_and_formats(data, defaults, names, text_format):
    """`data` over `defaults` (as `with_defaults`), where the text formats `names` not
    given are `text_format`; one dict built (this runs for every question, answer and
    hint of an import)."""
    filled = with_defaults(data, defaults)
    for name in names:
        if filled.get(name) is None:
            filled[name] = text_format
    return filled


def required_missing(data, fields, errors):
    for field in fields:
        if data.get(field) is None:
            errors.add(field, FieldError("required").error)


def require_object(data, message):
    if not isinstance(data, dict):
        raise ValidationError({NON_FIELD_ERRORS: [error(message, "object")]})


# -- answers and hints ---------------------------------------------------------
ROWS = {
    # key: (declared fields, at most, "too many" message, "not an object" message)
    "answers": (
        ANSWER_FIELDS,
        ANSWERS_MAX,
        _("Give at most %(limit)s answers."),
        _("Answer %(number)s is not a valid answer."),
    ),
    "hints": (
        HINT_FIELDS,
        HINTS_MAX,
        _("Give at most %(limit)s hints."),
        _("Hint %(number)s is not a valid hint."),
    ),
}


# An answer's identity (quizzes.models.Answer.uid), unique within its question: edits
# keep it, so that a three-way merge (quizzes.merge) matches answers by it, not by
# their place. Optional in answer data: an answer given without one is new, and
# quizzes.bank gives it one as it stores it.
ANSWER_UID = Field(
    "uid",
    "text",
    _("answer id"),
    max_length=64,
    help_text=_("Its identity within the question: send it back to edit this answer."),
)

# Computed once: clean_rows runs for every answer and hint of every imported question.
ROW_DEFAULTS = {key: defaults(declared) for key, (declared, *_rest) in ROWS.items()}
ROW_FORMATS = {key: following_formats(declared) for key, (declared, *_rest) in ROWS.items()}
ROW_KEYS = {"answers": {*ANSWER_FIELDS, "uid"}, "hints": HINT_FIELDS.keys()}


def clean_rows(key, raw, errors, text_format=TextFormat.MARKDOWN):
    """Parse each row's fields of a question's `key` list ("answers", "hints");
    row errors go under `key[i].field`. A row's text formats not given are the
    question's `text_format`. An answer keeps its `uid` when it has one (none
    given, or an empty one: a new answer), which no other answer may have."""
    declared, limit, too_many, not_object = ROWS[key]
    if not isinstance(raw, list | tuple):
        errors.add(key, FieldError("list").error)
        return []
    if len(raw) > limit:
        errors.add(key, error(too_many, "too_many", limit=limit))
        return []
    rows = []
    uids = set()
    for index, row in enumerate(raw):
        if not isinstance(row, dict):
            errors.add(key, error(not_object, "object", number=index + 1))
            continue
        prefix = f"{key}[{index}]."
        check_keys(row, ROW_KEYS[key], errors, prefix)
        uid = row.get("uid")
        row = with_defaults_and_formats(row, ROW_DEFAULTS[key], ROW_FORMATS[key], text_format)
        parsed = errors.parse_fields(row, declared, prefix)
        if uid is not None and key == "answers":
            uid = errors.parse(prefix + "uid", ANSWER_UID.parser, uid)
            if uid in uids:
                message = _("Another answer has this id: leave it out for a new answer.")
                errors.add(prefix + "uid", error(message, "duplicate"))
            elif uid:
                parsed["uid"] = uid
                uids.add(uid)
        rows.append(parsed)
    return rows


def clean_hints(hints, qtype):
    """The hints kept, as Moodle's question_type::save_hints keeps them: none for a type
    without hints, the options only for a type whose hints have them, and a hint only
    when it has a text or an option (the editor's spare rows are left out)."""
    if qtype is not None and not qtype.has_hints:
        return []
    kept = []
    for hint in hints:
        if qtype is not None and not qtype.hint_parts:
            hint.update(show_num_correct=False, clear_wrong=False)
        if hint.get("text") or hint.get("show_num_correct") or hint.get("clear_wrong"):
            kept.append(hint)
    return kept


# -- questions ----------------------------------------------------------------
def parse_type(value):
    if not isinstance(value, str) or value.strip() not in registry.TYPES:
        raise FieldError("choice", choices=", ".join(registry.TYPES))
    return value.strip()


def parse_category(value):
    """A category path: the names under Moodle's "top", outermost first, as a tuple."""
    if not isinstance(value, list | tuple):
        raise FieldError("list")
    names = []
    for name in value:
        if not isinstance(name, str) or not name.strip():
            raise FieldError("category", _("Each category must have a name."))
        if len(name.strip()) > CATEGORY_NAME_MAX:
            raise FieldError("too_long", limit=CATEGORY_NAME_MAX, length=len(name.strip()))
        names.append(name.strip())
    return tuple(names)


def clean_question(data, warnings=None):
    """Return the normalised question data, or raise ValidationError.

    With a `warnings` list, the rules Moodle's editing form enforces but its
    importer does not (grade sets that do not add up, an essay's attachment
    and word-limit options) are appended to it as messages instead of
    refusing the question: importers pass one, the editor and the API do not.
    """
    require_object(data, _("A question must be a set of named fields."))
    errors = Errors(lenient=warnings is not None)
    check_keys(data, QUESTION_KEYS, errors)
    required_missing(data, ("type", "name", "text"), errors)
    given_format = data.get("text_format")
    text_format = errors.parse(
        "text_format",
        QUESTION_FIELDS["text_format"].parser,
        QUESTION_DEFAULTS["text_format"] if given_format is None else given_format,
    )
    raw = with_defaults_and_formats(
        data, QUESTION_DEFAULTS, QUESTION_FORMATS, text_format or TextFormat.MARKDOWN
    )
    qtype = raw.get("type") and errors.parse("type", parse_type, raw["type"])
    errors.by_field.pop("text_format", None)  # parsed again with the other fields
    question = {"type": qtype, **errors.parse_fields(raw, QUESTION_FIELDS)}
    if qtype and not registry.get(qtype).scored:
        errors.by_field.pop("points", None)
        question["points"] = 0.0  # nothing to answer, nothing to score
    question.update(errors.parse_fields(raw, QUESTION_EXTRAS))
    question["tags"] = errors.parse("tags", parse_tags, raw["tags"])
    hints = clean_rows("hints", raw["hints"], errors, text_format or TextFormat.MARKDOWN)
    question["hints"] = clean_hints(hints, registry.get(qtype) if qtype else None)
    if "category" in raw:
        question["category"] = errors.parse("category", parse_category, raw["category"])
    question["answers"] = clean_rows(
        "answers", raw["answers"], errors, text_format or TextFormat.MARKDOWN
    )
    # A type's rules read the answers and its fields: only check them once those parsed.
    parsed = not errors.by_field or not (
        errors.has("answers") or any(map(errors.has, QUESTION_EXTRAS))
    )
    if qtype and parsed:
        registry.get(qtype).validate(question, errors)
    errors.raise_if_any()
    if warnings is not None:
        warnings.extend(errors.warnings)
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


def clean_options(value, errors):
    if not isinstance(value, dict):
        errors.add("options", FieldError("object").error)
        return dict(OPTIONS_DEFAULTS)
    check_keys(value, OPTION_FIELDS, errors, "options.")
    options = errors.parse_fields(with_defaults(value, OPTIONS_DEFAULTS), OPTION_FIELDS, "options.")
    opens, closes = options.get("opens_at"), options.get("closes_at")
    if opens is not None and closes is not None and closes <= opens:
        errors.add(
            "options.closes_at",
            error(_("The quiz must close after it opens."), "closes_before_opens"),
        )
    return options


def clean_quiz(data):
    """Return the normalised quiz data (without questions), or raise ValidationError.

    "questions" and "categories" keys are accepted and left out: callers clean
    each question with `clean_question`, and keep the categories a file declares.
    """
    require_object(data, _("A quiz must be a set of named fields."))
    errors = Errors()
    check_keys(data, QUIZ_KEYS, errors)
    required_missing(data, ("title",), errors)
    raw = with_defaults(data, QUIZ_DEFAULTS)
    quiz = errors.parse_fields(raw, QUIZ_FIELDS)
    quiz = {
        "title": quiz.get("title"),
        "description": quiz.get("description"),
        "tags": errors.parse("tags", parse_tags, raw["tags"]),
        "status": quiz.get("status"),
    }
    quiz["options"] = clean_options(raw["options"], errors)
    errors.raise_if_any()
    return quiz


# -- categories ---------------------------------------------------------------
CATEGORY_INFO = {name: field for name, field in CATEGORY_FIELDS.items() if name != "name"}


def clean_categories(value):
    """The categories a file declares, {path: {"description", "description_format",
    "idnumber"}} with parents first, from that or from a list of
    {"path": [names], ...}; or raise ValidationError."""
    rows = (
        [{"path": path, **(info or {})} for path, info in value.items()]
        if isinstance(value, dict)
        else value
    )
    errors = Errors()
    if not isinstance(rows, list | tuple):
        errors.add("categories", FieldError("list").error)
        rows = []
    categories = {}
    for index, row in enumerate(rows):
        prefix = f"categories[{index}]."
        if not isinstance(row, dict):
            errors.add("categories", FieldError("object").error)
            continue
        check_keys(row, {"path", *CATEGORY_INFO}, errors, prefix)
        path = errors.parse(prefix + "path", parse_category, row.get("path"))
        info = errors.parse_fields(
            with_defaults(row, defaults(CATEGORY_INFO)), CATEGORY_INFO, prefix
        )
        if path:
            for depth in range(1, len(path)):
                categories.setdefault(path[:depth], defaults(CATEGORY_INFO))
            categories[path] = info
    errors.raise_if_any()
    return categories


def clean_category(data):
    """Return the normalised category data (name, description, format, idnumber)."""
    require_object(data, _("A category must be a set of named fields."))
    errors = Errors()
    check_keys(data, CATEGORY_FIELDS, errors)
    required_missing(data, ("name",), errors)
    category = errors.parse_fields(with_defaults(data, defaults(CATEGORY_FIELDS)), CATEGORY_FIELDS)
    errors.raise_if_any()
    return category


# -- nulls from clients -------------------------------------------------------
# A body's keys that are not Fields but may not be null either: the question's type
# and tags, what holds other Fields (an object of them, a list of such objects).
NOT_NULL = None
BODIES = {
    "quiz": {**QUIZ_FIELDS, "tags": NOT_NULL, "options": OPTION_FIELDS},
    "question": {
        "type": NOT_NULL,
        **QUESTION_FIELDS,
        **QUESTION_EXTRAS,
        "tags": NOT_NULL,
        "answers": [ANSWER_FIELDS],
        "hints": [HINT_FIELDS],
    },
    "category": CATEGORY_FIELDS,
}


def refuse_nulls(data, content):
    """Raise ValidationError naming each key of a client's `content` body ("quiz",
    "question", "category") that is null but not nullable (`Field.nullable`).

    Here None means "not given", its default applies (the forms and importers
    rely on it); a client leaves the key out for that. Its null is what the API
    schema (`Field.json_schema`) refuses, so it is a mistake to report, not a
    request for the default. Keys that are not the content's are left to the
    other checks; a question whose type has no points ignores them whatever they
    are, as `clean_question` does.
    """
    errors = Errors()
    find_nulls(data, BODIES[content], errors)
    qtype = data.get("type") if content == "question" and isinstance(data, dict) else None
    if isinstance(qtype, str) and not getattr(registry.TYPES.get(qtype), "scored", True):
        errors.by_field.pop("points", None)
    errors.raise_if_any()


def find_nulls(data, body, errors, prefix=""):
    if not isinstance(data, dict):
        return  # not an object: the content's rules say so
    for name, value in data.items():
        if name not in body:
            continue
        rule = body[name]
        if value is None:
            if not getattr(rule, "nullable", False):
                errors.add(f"{prefix}{name}", FieldError("null").error)
        elif isinstance(rule, dict):
            find_nulls(value, rule, errors, f"{prefix}{name}.")
        elif isinstance(rule, list) and isinstance(value, list):
            for index, row in enumerate(value):
                find_nulls(row, rule[0], errors, f"{prefix}{name}[{index}].")
