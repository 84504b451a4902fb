"""OpenQuizz JSON: the lossless format, any number of quizzes per file.

    {"format_version": 1, "generator": "OpenQuizz",
     "quizzes": [{"title": ..., "description": ..., "tags": [...], "status": ...,
                  "options": {...}, "questions": [question data, ...]}, ...]}

Quizzes and questions are exactly the plain data of `quizzes.validation`;
`openquizz.schema.json`, next to this module, documents the file as a JSON
Schema. It is made by `schema()` from the field declarations
(`quizzes.fields`) and the question types; a test keeps the file equal to it
(`python manage.py shell -c "from quizzes.formats import json; json.write_schema()"`
writes it anew). Errors name the line where
the faulty quiz or question starts.
"""

import base64
import datetime
import json
import re
from bisect import bisect_left
from json.decoder import JSONObject
from json.scanner import py_make_scanner
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import override

from quizzes import fields, media
from quizzes.formats import files
from quizzes.formats.base import (
    Format,
    FormatError,
    ParseResult,
    checked_question,
    checked_quiz,
    decode_text,
    describe,
)
from quizzes.media import content_media
from quizzes.qtypes import registry
from quizzes.validation import clean_categories

FORMAT_VERSION = 1
GENERATOR = "OpenQuizz"
SCHEMA_PATH = Path(__file__).with_name("openquizz.schema.json")


class LinedDict(dict):
    """A JSON object that knows the line it starts on."""

    line = None


class LineDecoder(json.JSONDecoder):
    """Decodes `text`, giving every object its line.

    The pure-Python scanner is used because the C one takes no object parser.
    """

    def __init__(self, text):
        super().__init__()
        self.newlines = [match.start() for match in re.finditer("\n", text)]
        self.parse_object = self.parse_lined_object
        self.scan_once = py_make_scanner(self)

    def parse_lined_object(self, s_and_end, *args):
        start = s_and_end[1] - 1  # the "{"
        value, end = JSONObject(s_and_end, *args)
        value = LinedDict(value)
        value.line = bisect_left(self.newlines, start) + 1
        return value, end


def line_of(value):
    return getattr(value, "line", None)


def load(data):
    """The JSON document of an OpenQuizz file, checked down to its list of quizzes."""
    text = decode_text(data)
    try:
        document = LineDecoder(text).decode(text)
    except json.JSONDecodeError as error:
        raise FormatError(
            _("this is not valid JSON: %(reason)s (column %(column)s)")
            % {"reason": error.msg, "column": error.colno},
            line=error.lineno,
        ) from None
    if not isinstance(document, dict) or "format_version" not in document:
        raise FormatError(_("an OpenQuizz JSON file is an object with a “format_version”"), 1)
    version = document["format_version"]
    if type(version) is not int or version != FORMAT_VERSION:
        raise FormatError(
            _("format_version %(version)s is not one this OpenQuizz reads (it reads %(ours)s)")
            % {"version": json.dumps(version), "ours": FORMAT_VERSION},
            1,
        )
    quizzes = document.get("quizzes")
    if not isinstance(quizzes, list) or not quizzes:
        raise FormatError(_("“quizzes” must be a list of at least one quiz"), 1)
    return document


def parse(data, filename=None, strict=False, progress=None):
    """Read an OpenQuizz JSON file (bytes or str): every quiz, every question, cleaned."""
    result = ParseResult(format="json")
    number = 0
    document = load(data)
    quizzes = document["quizzes"]
    carried, renamed = read_files(document.get("files", []), result)
    for index, quiz in enumerate(quizzes, 1):
        if not isinstance(quiz, dict) or not isinstance(quiz.get("questions", []), list):
            raise FormatError(
                _("quiz %(number)s: expected an object whose “questions” is a list")
                % {"number": index},
                line_of(quiz),
            )
        questions = []
        for question in quiz.get("questions", []):
            number += 1
            checked = checked_question(renamed(question), number, line_of(question))
            files.attach(
                checked, [carried[sha] for sha in content_media(checked) if sha in carried]
            )
            questions.append(checked)
            result.origins.append((number, line_of(question)))
        checked = checked_quiz(quiz, questions, line_of(quiz))
        if "categories" in quiz:
            try:
                checked["categories"] = clean_categories(quiz["categories"])
            except ValidationError as error:
                raise FormatError(
                    _("quiz: %(errors)s") % {"errors": describe(error)}, line_of(quiz)
                ) from None
            result.categories.update(checked["categories"])
        result.quizzes.append(checked)
        if progress:
            progress(index / len(quizzes))
    return result


def read_files(entries, result):
    """({sha256: Carried} of a file's `files`, a function giving a question's data with
    its links to them following the bytes as stored). A file's SHA-256 is that of its
    checked bytes (the same unless the file was edited by hand: its links follow it); a
    file refused is a note, and its links become its name."""
    if not isinstance(entries, list):
        raise FormatError(_("“files” must be a list of files"), 1)
    carried, links = {}, {}
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("sha256"), str):
            raise FormatError(
                _("each file is an object with a “sha256”, a “name” and “data”"), line_of(entry)
            )
        declared, name = entry["sha256"], str(entry.get("name") or "file")
        try:
            file = files.carried(name, files.decoded(entry.get("data")))
        except media.MediaRefused as error:
            result.warn(files.refused_note(name, error), line_of(entry))
            links[declared] = name
            continue
        carried[file.sha256] = file
        if declared != file.sha256:
            links[declared] = file.url
    if not links:
        return carried, lambda question: question
    alternatives = "|".join(map(re.escape, links))
    pattern = re.compile(rf"/media/({alternatives})/[^\s\"'<>)]*")

    def renamed(value):
        if isinstance(value, str):
            return pattern.sub(lambda match: links[match.group(1)], value)
        if isinstance(value, dict):
            return type(value)({key: renamed(item) for key, item in value.items()})
        if isinstance(value, list):
            return [renamed(item) for item in value]
        return value

    return carried, renamed


def written(quiz):
    """A quiz as JSON holds it: its categories (if any) as a list, each with its path."""
    if "categories" not in quiz:
        return quiz
    categories = [{"path": list(path), **info} for path, info in quiz["categories"].items()]
    return {**quiz, "categories": categories}


def write(quizzes):
    """The quizzes as one OpenQuizz JSON document (UTF-8, indented), with the stored files
    their texts reference (`files`: their bytes in base64)."""
    quizzes = [written(quiz) for quiz in quizzes]
    document = {"format_version": FORMAT_VERSION, "generator": GENERATOR, "quizzes": quizzes}
    stored = files.referenced_files(quizzes)
    if stored:
        document["files"] = [
            {
                "sha256": sha256,
                "name": name,
                "content_type": content_type,
                "data": base64.b64encode(data).decode("ascii"),
            }
            for sha256, (name, content_type, data) in stored.items()
        ]
    text = json.dumps(document, ensure_ascii=False, indent=2, default=json_value)
    return (text + "\n").encode("utf-8")


def json_value(value):
    """A value of the plain data that JSON has no type for, as the schema writes it: a
    datetime (the quiz's opening and closing dates) in ISO 8601 with its offset."""
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not plain data")


def properties(declared):
    """The JSON-schema properties of declared fields ({name: Field})."""
    return {name: field.json_schema() for name, field in declared.items()}


def schema():
    """The JSON Schema of an OpenQuizz JSON file, from the declarations it follows."""
    tag_list = {
        "type": "array",
        "maxItems": fields.TAGS_MAX,
        "uniqueItems": True,
        "items": {"type": "string", "minLength": 1, "maxLength": fields.TAG_MAX},
    }
    category_path = {
        "type": "array",
        "description": "The question's category: the names of the categories along its "
        'path, outermost first (Moodle\'s $course$/top/A/B is ["A", "B"]).',
        "items": {"type": "string", "minLength": 1, "maxLength": fields.CATEGORY_NAME_MAX},
    }
    question_types = {
        "allOf": [
            {
                "if": {"required": ["type"], "properties": {"type": {"const": name}}},
                "then": qtype.json_schema(),
            }
            for name, qtype in registry.TYPES.items()
        ]
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://openquizz.org/schemas/openquizz-1.schema.json",
        "title": "OpenQuizz JSON",
        "description": "Quizzes and their questions as OpenQuizz exports and imports them, "
        "losslessly. The rules beyond structure (e.g. one answer at 100 % for a "
        "single-answer multiple choice) are those of the question types (quizzes/qtypes/).",
        "type": "object",
        "required": ["format_version", "quizzes"],
        "properties": {
            "format_version": {
                "const": FORMAT_VERSION,
                "description": "Version of this format; a reader refuses versions it does not know.",
            },
            "generator": {"type": "string", "description": "What wrote the file (informative)."},
            "quizzes": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/quiz"}},
            "files": {
                "type": "array",
                "description": "The files (images) the texts link to as /media/<sha256>/<name>.",
                "items": {"$ref": "#/$defs/file"},
            },
        },
        "$defs": {
            "file": {
                "type": "object",
                "required": ["sha256", "name", "data"],
                "additionalProperties": False,
                "properties": {
                    "sha256": {
                        "type": "string",
                        "pattern": "^[0-9a-f]{64}$",
                        "description": "SHA-256 of the bytes, as in the texts' links.",
                    },
                    "name": {"type": "string", "minLength": 1},
                    "content_type": {"type": "string"},
                    "data": {
                        "type": "string",
                        "contentEncoding": "base64",
                        "description": "The file's bytes.",
                    },
                },
            },
            "quiz": {
                "type": "object",
                "required": ["title"],
                "additionalProperties": False,
                "properties": {
                    **properties(fields.QUIZ_FIELDS),
                    "tags": tag_list,
                    "options": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": properties(fields.OPTION_FIELDS),
                    },
                    "questions": {"type": "array", "items": {"$ref": "#/$defs/question"}},
                    "categories": {
                        "type": "array",
                        "description": "The categories of the questions, parents first.",
                        "items": {
                            "type": "object",
                            "required": ["path"],
                            "additionalProperties": False,
                            "properties": {
                                "path": category_path,
                                **{
                                    name: field.json_schema()
                                    for name, field in fields.CATEGORY_FIELDS.items()
                                    if name != "name"
                                },
                            },
                        },
                    },
                },
            },
            "question": {
                "type": "object",
                "required": ["type", "name", "text"],
                "additionalProperties": False,
                "properties": {
                    "type": {"enum": list(registry.TYPES)},
                    **properties(fields.QUESTION_FIELDS),
                    # Whether a question has points, and how many, is its type's rule.
                    "points": {"type": "number"},
                    **properties(fields.QUESTION_EXTRAS),
                    "tags": tag_list,
                    "hints": {
                        "type": "array",
                        "maxItems": fields.HINTS_MAX,
                        "items": {"$ref": "#/$defs/hint"},
                    },
                    "category": category_path,
                    "answers": {
                        "type": "array",
                        "maxItems": fields.ANSWERS_MAX,
                        "items": {"$ref": "#/$defs/answer"},
                    },
                },
                **question_types,
            },
            "answer": {
                "type": "object",
                "additionalProperties": False,
                "description": "Which fields an answer uses depends on its question's type.",
                "properties": properties(fields.ANSWER_FIELDS),
            },
            "hint": {
                "type": "object",
                "additionalProperties": False,
                "description": "A hint shown after a wrong try (Moodle's interactive mode).",
                "properties": properties(fields.HINT_FIELDS),
            },
        },
    }


def schema_text():
    """The schema as openquizz.schema.json holds it (in English)."""
    with override("en"):
        return json.dumps(schema(), ensure_ascii=False, indent=2) + "\n"


def write_schema():
    """Write openquizz.schema.json anew, after a field or a question type changed."""
    SCHEMA_PATH.write_text(schema_text())


FORMAT = Format(
    name="json",
    label="OpenQuizz JSON",
    parse=parse,
    write=write,
    content_type="application/json",
    file_extension=".json",
    extensions=(".json",),
    many_quizzes=True,
)
