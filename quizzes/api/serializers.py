"""Request and response bodies of the API.

Responses are built by these serializers, which also describe them in the
OpenAPI schema. Request bodies are only checked for their structure here —
a JSON object naming known, writable fields — and handed on untouched:
what makes content valid is decided once, by quizzes.validation, when
quizzes.operations runs (its errors become 400 responses with field paths).
The field types and limits declared below document those rules for clients.
"""

import functools

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.exceptions import Throttled
from rest_framework.settings import api_settings

from openquizz.limits import SignInLimiter, SignInLocked
from quizzes import (
    attempts,
    documents,
    grading,
    merge,
    operations,
    releases,
    results,
    scoring,
    sharing,
)
from quizzes.fields import (
    ANSWER_FIELDS,
    ANSWERS_MAX,
    HINT_FIELDS,
    HINTS_MAX,
    OPTION_FIELDS,
    QUESTION_EXTRAS,
    QUESTION_FIELDS,
    QUIZ_FIELDS,
    TAG_MAX,
    TAGS_MAX,
    TITLE_MAX,
    QuizStatus,
)
from quizzes.models import Category, Question, QuestionType
from quizzes.qtypes import cloze, registry
from quizzes.rendering import render
from quizzes.validation import ANSWER_UID, refuse_nulls

# How ids appear in URLs and bodies: ObjectIds as 24 lowercase hexadecimal digits.
OBJECT_ID = "[0-9a-f]{24}"


# -- checking the structure of request bodies ----------------------------------
class StrictFieldsMixin:
    """A request body must be a JSON object whose keys are writable fields of the serializer."""

    refuses_unknown_keys = True  # the schema says so (quizzes.api.schema)

    def check_structure(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError(
                {api_settings.NON_FIELD_ERRORS_KEY: [_("Expected a JSON object.")]}
            )
        errors = {}
        for key in data:
            field = self.fields.get(key)
            if field is None:
                errors[key] = [_("Unknown field.")]
            elif field.read_only:
                errors[key] = [_("This field is read-only.")]
        if errors:
            raise serializers.ValidationError(errors)


class ContentSerializer(StrictFieldsMixin, serializers.Serializer):
    """Quiz or question content: the body passes on as is, for quizzes.validation to judge."""

    # Its kind for quizzes.validation.refuse_nulls: "quiz", "question" or "category".
    content = None

    def to_internal_value(self, data):
        self.check_structure(data)
        refuse_nulls(data, self.content)
        return dict(data)


class CommandSerializer(StrictFieldsMixin, serializers.Serializer):
    """The arguments of an action, checked by the declared fields themselves."""

    def to_internal_value(self, data):
        self.check_structure(data)
        return super().to_internal_value(data)


# -- fields declared in quizzes.fields --------------------------------------------
SERIALIZER_FIELDS = {
    "text": serializers.CharField,
    "number": serializers.FloatField,
    "integer": serializers.IntegerField,
    "bool": serializers.BooleanField,
    "choice": serializers.ChoiceField,
    "datetime": serializers.DateTimeField,
}


def declared_field(field, **options):
    """The serializer field of a quizzes.fields Field, documented by its own JSON schema.

    Request bodies are judged by quizzes.validation, not by these fields: they
    describe the API, with the very limits the rules apply.
    """
    base = SERIALIZER_FIELDS[field.kind]
    schema = field.json_schema(openapi=True)
    documented = extend_schema_field(schema)(type(base.__name__, (base,), {}))
    arguments = {"required": field.required, "help_text": field.help_text or None}
    if field.kind == "choice":
        arguments["choices"] = field.choices.choices
    return documented(**{**arguments, **options})


def declared_fields(fields, **options):
    """{name: serializer field} for a dict of quizzes.fields Fields."""
    return {name: declared_field(field, **options) for name, field in fields.items()}


def tags_field():
    return serializers.ListField(
        child=serializers.CharField(max_length=TAG_MAX), max_length=TAGS_MAX, required=False
    )


class DeclaredSerializer(serializers.Serializer):
    """An object of a content body (options, an answer, a hint) whose keys are Fields
    of quizzes.fields: quizzes.validation refuses any other key."""

    refuses_unknown_keys = True


# -- questions -------------------------------------------------------------------
AnswerSerializer = type(
    "AnswerSerializer",
    (DeclaredSerializer,),
    {
        "__doc__": (
            "One answer. `uid` is its identity within the question: send it back with the "
            "answer to edit it (a three-way merge matches answers by it); an answer sent "
            "without one is new, and gets one."
        ),
        "uid": declared_field(ANSWER_UID, required=False),
        **declared_fields(ANSWER_FIELDS),
    },
)
HintSerializer = type("HintSerializer", (DeclaredSerializer,), declared_fields(HINT_FIELDS))


def question_content_fields():
    """{name: serializer field} of a question's content (new instances each call)."""
    return {
        "type": serializers.ChoiceField(choices=QuestionType.choices),
        **declared_fields(QUESTION_FIELDS),
        **declared_fields(QUESTION_EXTRAS),
        "tags": tags_field(),
        "answers": AnswerSerializer(many=True, required=False, max_length=ANSWERS_MAX),
        "hints": HintSerializer(many=True, required=False, max_length=HINTS_MAX),
    }


QuestionSerializer = type(
    "QuestionSerializer",
    (ContentSerializer,),
    {
        "__doc__": "A question as its quiz's owner sees it, answer key included.",
        "content": "question",
        "id": serializers.CharField(read_only=True),
        "position": serializers.IntegerField(
            read_only=True, help_text=_("0-based place in the quiz; change it with reorder.")
        ),
        **question_content_fields(),
    },
)


# -- quizzes ---------------------------------------------------------------------
QuizOptionsSerializer = type(
    "QuizOptionsSerializer", (DeclaredSerializer,), declared_fields(OPTION_FIELDS)
)


class QuizSerializer(ContentSerializer):
    """A quiz's metadata and options, as listed."""

    content = "quiz"
    id = serializers.CharField(read_only=True)
    title = declared_field(QUIZ_FIELDS["title"])
    description = declared_field(QUIZ_FIELDS["description"])
    tags = tags_field()
    status = declared_field(
        QUIZ_FIELDS["status"],
        read_only=True,
        help_text=_("Changed by the publish and unpublish actions."),
    )
    options = QuizOptionsSerializer(required=False)
    owner = serializers.CharField(source="owner.username", read_only=True)
    version = serializers.IntegerField(
        read_only=True, help_text=_("Bumped by every change; the ETag of the quiz.")
    )
    question_count = serializers.IntegerField(read_only=True)
    attempt_count = serializers.IntegerField(
        read_only=True, help_text=_("Submitted attempts, counted from the attempts.")
    )
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
    share_code = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text=_(
            "Learners' code of the quiz, given at its first publication and kept ever "
            "after (null until then). `published/{code}/` takes it as well as the id."
        ),
    )
    share_url = serializers.SerializerMethodField(
        help_text=_("The share link learners open: the player's start page (null until published).")
    )

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_share_url(self, quiz):
        """Absolute when the serializer's context has the request (the API views give it)."""
        if quiz.share_code is None:
            return None
        request = self.context.get("request")
        if request is None:
            return sharing.share_path(quiz.share_code)
        return sharing.share_url(request, quiz.share_code)


# -- slots -------------------------------------------------------------------------
SLOT_KINDS = ("fixed", "random")


def points_field(**options):
    return declared_field(
        QUESTION_FIELDS["points"],
        allow_null=True,
        help_text=_("Overrides the points of its questions; null: their own."),
        **options,
    )


class SlotQuestionSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField(allow_null=True)
    type = serializers.ChoiceField(choices=QuestionType.choices, allow_null=True)


class SlotCategorySerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField(allow_null=True)


class SlotSerializer(serializers.Serializer):
    """One place of a quiz: a fixed question of the bank, or questions drawn at random."""

    id = serializers.CharField()
    kind = serializers.ChoiceField(choices=SLOT_KINDS)
    points = points_field()
    question = SlotQuestionSerializer(
        allow_null=True, help_text=_("fixed: its question; random: null.")
    )
    category = SlotCategorySerializer(
        allow_null=True, help_text=_("random: the category it draws from; fixed: null.")
    )
    count = serializers.IntegerField(
        allow_null=True, help_text=_("random: how many questions it draws; fixed: null.")
    )
    include_subcategories = serializers.BooleanField(
        help_text=_("random: it draws from the subcategories too.")
    )


def slot_rows(slots, questions=None):
    """The slots as SlotSerializer shows them. Two queries (their questions' names and
    types, their random slots' categories), each left out when nothing needs it;
    `questions` ({question id: its document, with `name` and `type`}) spares the first."""
    if questions is None:
        questions = named(Question, [s.question for s in slots if s.question is not None])
    categories = named(Category, [s.category for s in slots if s.question is None])
    rows = []
    for slot in slots:
        question = questions.get(slot.question)
        category = categories.get(slot.category)
        rows.append(
            {
                "id": str(slot.uid),
                "kind": "random" if slot.is_random else "fixed",
                "points": slot.points,
                "question": None
                if slot.is_random
                else {
                    "id": str(slot.question),
                    "name": question and question["name"],
                    "type": question and question["type"],
                },
                "category": None
                if not slot.is_random
                else {"id": str(slot.category), "name": category and category["name"]},
                "count": slot.count,
                "include_subcategories": slot.include_subcategories,
            }
        )
    return rows


def named(model, ids):
    """{id: document with `name` (and `type`, for questions)} of `model` for `ids`: one
    find, none without ids."""
    if not ids:
        return {}
    found = documents.find(model, {"_id": {"$in": ids}}, ["name", "type"], expected=len(ids))
    return {doc["_id"]: doc for doc in found}


@functools.cache
def representation(serializer_class):
    """A function giving what `serializer_class(document).data` gives, for a document
    (a dict) with a value under the source of each of its fields, nested ones included:
    each field's own `to_representation`, without DRF's generic lookup of each
    attribute (objects or dicts, dotted sources, fields left out), which costs ten
    times as much for the hundreds of fields of a quiz's questions and answers."""
    steps = []
    for field in serializer_class()._readable_fields:
        if "." in field.source or field.source == "*":
            raise ValueError(f"{serializer_class.__name__}.{field.field_name}: not a plain key")
        if isinstance(field, serializers.ListSerializer):
            convert = list_representation(representation(type(field.child)))
        elif isinstance(field, serializers.Serializer):
            convert = representation(type(field))
        else:
            convert = field.to_representation
        steps.append((field.field_name, field.source, convert))

    def represent(document):
        shown = {}
        for name, source, convert in steps:
            value = document[source]
            shown[name] = None if value is None else convert(value)
        return shown

    return represent


def list_representation(represent):
    return lambda documents: [represent(document) for document in documents]


class QuizDetailSerializer(QuizSerializer):
    """A quiz with all its questions, in order, and its slots."""

    questions = serializers.SerializerMethodField()
    slots = serializers.SerializerMethodField(
        help_text=_("Its slots in order: `questions` lists the fixed ones' questions.")
    )

    def to_representation(self, quiz):
        # Read once, as documents: the questions and their slots' names both come from them.
        self.question_documents = operations.quiz_question_documents(quiz)
        return super().to_representation(quiz)

    @extend_schema_field(QuestionSerializer(many=True))
    def get_questions(self, quiz):
        return list_representation(representation(QuestionSerializer))(self.question_documents)

    @extend_schema_field(SlotSerializer(many=True))
    def get_slots(self, quiz):
        by_id = {doc["_id"]: doc for doc in self.question_documents}
        return list_representation(representation(SlotSerializer))(slot_rows(quiz.slots, by_id))


class QuizFilterSerializer(serializers.Serializer):
    """Query parameters of the quiz list."""

    status = serializers.ChoiceField(choices=QuizStatus.choices, required=False)
    tag = serializers.CharField(max_length=TAG_MAX, required=False)
    search = serializers.CharField(
        max_length=TITLE_MAX,
        required=False,
        help_text=_(
            "Words of the title, tags or description (whole words, any letter case): "
            "the quizzes holding every one."
        ),
    )


class ReorderSerializer(CommandSerializer):
    order = serializers.ListField(
        child=serializers.RegexField(f"^{OBJECT_ID}$"),
        help_text=_("Every question id of the quiz, each once, in the new order."),
    )


# -- attempts ----------------------------------------------------------------------
class QuestionResultSerializer(serializers.Serializer):
    question = serializers.CharField()
    response = serializers.JSONField(allow_null=True)
    points = serializers.FloatField()
    max_points = serializers.FloatField()
    state = serializers.ChoiceField(
        choices=[
            scoring.CORRECT,
            scoring.PARTIAL,
            scoring.INCORRECT,
            scoring.UNANSWERED,
            scoring.NEEDS_GRADING,
            scoring.INFO,
        ]
    )
    feedback = serializers.CharField(allow_blank=True)
    comment = serializers.CharField(
        allow_blank=True, default="", help_text=_("The teacher's comment, once graded by hand.")
    )
    graded_by = serializers.CharField(
        allow_blank=True, default="", help_text=_("Username of the teacher who graded it by hand.")
    )
    graded_at = serializers.DateTimeField(allow_null=True, default=None)


class AttemptSerializer(serializers.Serializer):
    """A stored attempt, as the quiz's owner reviews it."""

    id = serializers.CharField()
    public_id = serializers.SerializerMethodField(
        help_text=_("Its id in attempts/{id}/ (the quiz's id then the attempt's).")
    )
    ungraded = serializers.IntegerField(
        help_text=_("Responses waiting for the teacher (POST attempts/{id}/grade/).")
    )
    graded_at = serializers.DateTimeField(
        allow_null=True, help_text=_("When a teacher last graded one of its responses.")
    )
    release = serializers.CharField(
        source="release_id",
        allow_null=True,
        help_text=_("The release it was graded against; null before releases existed."),
    )
    quiz_version = serializers.IntegerField()
    user = serializers.CharField(source="user.username", allow_null=True, default=None)
    learner_name = serializers.CharField(allow_blank=True)
    state = serializers.ChoiceField(choices=attempts.State.choices)
    started_at = serializers.DateTimeField(allow_null=True)
    deadline = serializers.DateTimeField(allow_null=True)
    score = serializers.FloatField()
    max_score = serializers.FloatField()
    percent = serializers.FloatField()
    passed = serializers.BooleanField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    results = QuestionResultSerializer(many=True)

    def get_public_id(self, attempt) -> str:
        return attempts.public_id(attempt)


class AnswerCountSerializer(serializers.Serializer):
    answer = serializers.CharField(help_text=_("The answer (matching: stem → option)."))
    count = serializers.IntegerField(help_text=_("Attempts that chose it."))
    percent = serializers.FloatField(
        allow_null=True, help_text=_("Of the attempts that had the question.")
    )


class QuestionStatisticsSerializer(serializers.Serializer):
    """One question's statistics, as Moodle's quiz statistics report computes them."""

    question = serializers.CharField()
    name = serializers.CharField()
    type = serializers.ChoiceField(choices=QuestionType.choices)
    attempts = serializers.IntegerField(help_text=_("Submitted attempts that had it."))
    answered = serializers.IntegerField(help_text=_("Attempts that answered it."))
    correct = serializers.IntegerField()
    needs_grading = serializers.IntegerField(help_text=_("Responses waiting for the teacher."))
    success_rate = serializers.FloatField(
        allow_null=True,
        help_text=_("Share (0 to 1) of graded answers that were right; null when none."),
    )
    facility = serializers.FloatField(
        allow_null=True, help_text=_("Facility index: the mean mark, in % of the maximum.")
    )
    sd = serializers.FloatField(
        allow_null=True, help_text=_("Sample standard deviation of the mark, in % of the maximum.")
    )
    discrimination_index = serializers.FloatField(
        allow_null=True,
        help_text=_(
            "100 times the correlation of the mark with the rest of the score (-100 to 100)."
        ),
    )
    discriminative_efficiency = serializers.FloatField(
        allow_null=True,
        help_text=_("100 times that covariance over the largest it could be."),
    )
    answers = AnswerCountSerializer(
        many=True,
        help_text=_("How often each answer was chosen (choice, true/false, matching)."),
    )


class HistogramBinSerializer(serializers.Serializer):
    low = serializers.IntegerField(help_text=_("Lowest percentage of the bin."))
    high = serializers.IntegerField(help_text=_("Highest (excluded, but 100 in the last bin)."))
    count = serializers.IntegerField()


class AttemptStatisticsSerializer(serializers.Serializer):
    """Statistics of the submitted attempts (quizzes.statistics)."""

    count = serializers.IntegerField()
    mean_score = serializers.FloatField(allow_null=True)
    mean_percent = serializers.FloatField(allow_null=True)
    median_percent = serializers.FloatField(allow_null=True)
    sd_percent = serializers.FloatField(allow_null=True)
    skewness = serializers.FloatField(allow_null=True)
    kurtosis = serializers.FloatField(allow_null=True)
    pass_rate = serializers.FloatField(allow_null=True, help_text=_("Share (0 to 1)."))
    histogram = HistogramBinSerializer(many=True, help_text=_("Ten bins of percentages."))
    questions = QuestionStatisticsSerializer(many=True)


class AttemptFilterSerializer(serializers.Serializer):
    """Query parameters of a quiz's attempts."""

    state = serializers.ChoiceField(
        choices=results.FILTER_STATES,
        required=False,
        help_text=_("needs_grading: submitted, with responses waiting for the teacher."),
    )
    release = serializers.IntegerField(
        min_value=1, required=False, help_text=_("The number of the release they were made on.")
    )


class GradeSerializer(CommandSerializer):
    """A teacher's grade of one response of a submitted attempt."""

    question = serializers.RegexField(
        rf"^{OBJECT_ID}$", help_text=_("The id of the question whose response is graded.")
    )
    points = serializers.FloatField(help_text=_("From 0 to the question's points."))
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=grading.COMMENT_MAX
    )


class AttemptReportSerializer(serializers.Serializer):
    """One page of attempts, newest first; on the first page, statistics over every
    submitted attempt."""

    statistics = AttemptStatisticsSerializer(
        allow_null=True,
        help_text=_(
            "The statistics of every submitted attempt (as `statistics/` gives them) on the "
            "first page, asked for without `cursor`; null on the following pages (read "
            "`statistics/` for them alone)."
        ),
    )
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = AttemptSerializer(many=True)


# -- delivery to learners ------------------------------------------------------------
class ClozeChoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField(allow_blank=True)
    text_html = serializers.CharField(
        allow_blank=True,
        help_text=_("`text` rendered to sanitised HTML (formulas as MathML), in its format."),
    )


class ChoiceSerializer(ClozeChoiceSerializer):
    text_format = declared_field(
        ANSWER_FIELDS["text_format"],
        required=False,
        help_text=_("The text's format, given only when it is not the question's."),
    )


def essay_field(name):
    """An essay's option a learner's view has (the response it takes)."""
    field = QUESTION_EXTRAS[name]
    help_text = format_lazy("{} {}", _("essay only."), field.help_text)
    return declared_field(field, required=False, help_text=help_text)


class ClozePartSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=cloze.PART_KINDS)
    display = serializers.ChoiceField(choices=cloze.PART_DISPLAYS)
    shuffle = serializers.BooleanField()
    choices = ClozeChoiceSerializer(
        many=True,
        help_text=_("multichoice and multiresponse only; plain text (formulas rendered)."),
    )


class LearnerQuestionSerializer(serializers.Serializer):
    """What a learner sees of a question: a release's learner payload
    (quizzes.releases.learner_payload), with no grade, feedback or key."""

    id = serializers.CharField()
    type = serializers.ChoiceField(choices=QuestionType.choices)
    name = serializers.CharField()
    text = serializers.CharField()
    text_format = declared_field(QUESTION_FIELDS["text_format"])
    text_html = serializers.CharField(
        help_text=_("`text` rendered to sanitised HTML (formulas as MathML).")
    )
    points = serializers.FloatField()
    single = serializers.BooleanField(required=False, help_text=_("multichoice only."))
    shuffle_answers = serializers.BooleanField(
        required=False, help_text=_("multichoice and matching only.")
    )
    answer_numbering = declared_field(
        QUESTION_EXTRAS["answer_numbering"],
        required=False,
        help_text=_(
            "multichoice only: how to number the choices in the order shown (a., A., 1., "
            "i., I., or none), as Moodle's answernumbering."
        ),
    )
    choices = ChoiceSerializer(
        many=True, required=False, help_text=_("multichoice: answer with their ids.")
    )
    stems = ChoiceSerializer(
        many=True, required=False, help_text=_("matching: the questions to match, by id.")
    )
    options = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text=_("matching: the answers to choose from, plain text."),
    )
    parts = ClozePartSerializer(
        many=True,
        required=False,
        help_text=_("cloze: the gaps, each standing in `text` as {#id}."),
    )
    response_format = essay_field("response_format")
    response_required = essay_field("response_required")
    response_field_lines = essay_field("response_field_lines")
    min_word_limit = essay_field("min_word_limit")
    max_word_limit = essay_field("max_word_limit")
    response_template = essay_field("response_template")


class PublishedQuizSerializer(serializers.Serializer):
    """A published quiz as its live release froze it (quizzes.models.Release)."""

    id = serializers.CharField(source="quiz_id", help_text=_("The quiz's id."))
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    description_html = serializers.CharField(help_text=_("`description` as sanitised HTML."))
    tags = serializers.ListField(child=serializers.CharField())
    options = QuizOptionsSerializer()
    version = serializers.IntegerField(
        source="quiz_version",
        help_text=_("The quiz's version this release was published from; the ETag."),
    )
    release = serializers.IntegerField(
        source="number", help_text=_("The release's number: 1 for the first publication.")
    )
    question_count = serializers.IntegerField(help_text=_("Questions a learner gets."))
    updated_at = serializers.DateTimeField(
        source="published_at", help_text=_("When this release was published.")
    )


class PublishedQuizDetailSerializer(PublishedQuizSerializer):
    questions = serializers.SerializerMethodField(
        help_text=_("In order; a random slot's questions are drawn anew for each request.")
    )

    @extend_schema_field(LearnerQuestionSerializer(many=True))
    def get_questions(self, release):
        return LearnerQuestionSerializer(releases.learner_questions(release), many=True).data


@extend_schema_field(
    {
        "nullable": True,
        "oneOf": [
            qtype.response_schema for qtype in registry.TYPES.values() if qtype.response_schema
        ],
    }
)
class ResponseField(serializers.JSONField):
    """One learner response; its shape is checked against the question's type."""


class AttemptSubmissionSerializer(CommandSerializer):
    """`responses`: {question id: response}; questions left out count as unanswered.

    The view passes the release's questions as context["questions"]
    ({id: question data}); each response must have the shape its question
    type takes (quizzes.qtypes); its worth is scoring's business.
    """

    responses = serializers.DictField(child=ResponseField(allow_null=True), allow_empty=True)

    def validate_responses(self, responses):
        questions = self.context["questions"]
        errors = {}
        for question_id, response in responses.items():
            question = questions.get(question_id)
            if question is None:
                errors[question_id] = [_("Not a question of this quiz.")]
            elif not response_fits(question, response):
                errors[question_id] = [registry.of(question).response_message]
        if errors:
            raise serializers.ValidationError(errors)
        return responses


def response_fits(question, response):
    """Whether `response` has the shape of a response to `question`; None (unanswered) fits all."""
    return response is None or registry.of(question).response_fits(question, response)


HIDDEN_SCORE = _("Null when the quiz's `options.show_score` is false.")
HIDDEN_FEEDBACK = _("Empty when the quiz's `options.show_feedback` is false.")


class FeedbackSerializer(serializers.Serializer):
    question = serializers.CharField()
    points = serializers.FloatField(allow_null=True, help_text=HIDDEN_SCORE)
    max_points = serializers.FloatField(allow_null=True, help_text=HIDDEN_SCORE)
    state = serializers.CharField(allow_null=True, help_text=HIDDEN_SCORE)
    feedback = serializers.ListField(
        child=serializers.CharField(),
        help_text=format_lazy("{} {}", _("Feedback of the answers given."), HIDDEN_FEEDBACK),
    )
    general_feedback = serializers.CharField(allow_blank=True, help_text=HIDDEN_FEEDBACK)
    feedback_html = serializers.ListField(
        child=serializers.CharField(),
        help_text=format_lazy(
            "{} {}",
            _("`feedback` rendered to sanitised HTML, each in its format."),
            HIDDEN_FEEDBACK,
        ),
    )
    general_feedback_html = serializers.CharField(
        allow_blank=True,
        help_text=format_lazy(
            "{} {}", _("`general_feedback` rendered to sanitised HTML."), HIDDEN_FEEDBACK
        ),
    )


# What a learner is not shown of a graded attempt when an option is false: the attempt's
# fields, then each question's, with what stands in their place.
SCORE_HIDDEN = dict.fromkeys(("score", "max_score", "percent", "passed"))
HIDDEN_BY = {
    "show_score": (SCORE_HIDDEN, dict.fromkeys(("points", "max_points", "state"))),
    "show_feedback": (
        {},
        {"feedback": [], "general_feedback": "", "feedback_html": [], "general_feedback_html": ""},
    ),
}


class AttemptResultSerializer(serializers.Serializer):
    """The graded attempt returned to the learner who submitted it, as far as the
    release's options let learners see it after submitting (`HIDDEN_BY`: the score,
    each question's points and state; the feedback). No option shows right answers
    here: the player shows them (show_correct_answers)."""

    id = serializers.CharField()
    quiz = serializers.CharField(source="quiz_id")
    release = serializers.CharField(
        source="release_id", help_text=_("The release it was graded against.")
    )
    quiz_version = serializers.IntegerField()
    score = serializers.FloatField(allow_null=True, help_text=HIDDEN_SCORE)
    max_score = serializers.FloatField(allow_null=True, help_text=HIDDEN_SCORE)
    percent = serializers.FloatField(allow_null=True, help_text=HIDDEN_SCORE)
    passed = serializers.BooleanField(allow_null=True, help_text=HIDDEN_SCORE)
    submitted_at = serializers.DateTimeField()
    results = serializers.SerializerMethodField()

    def to_representation(self, attempt):
        data = super().to_representation(attempt)
        options = attempt.release.options if attempt.release_id else None
        for option, (hidden, hidden_per_question) in HIDDEN_BY.items():
            if options is not None and not getattr(options, option):
                data.update(hidden)
                for row in data["results"]:
                    row.update(hidden_per_question)
        return data

    @extend_schema_field(FeedbackSerializer(many=True))
    def get_results(self, attempt):
        rows = [
            {
                "question": question_id,
                "points": grade.points,
                "max_points": grade.max_points,
                "state": grade.state,
                "feedback": grade.feedback,
                "general_feedback": grade.general_feedback,
                "feedback_html": [render(text, fmt) for text, fmt in grade.formatted_feedback],
                "general_feedback_html": render(
                    grade.general_feedback, grade.general_feedback_format
                ),
            }
            for question_id, _response, grade in attempt.grade.results
        ]
        return FeedbackSerializer(rows, many=True).data


class AttemptStartSerializer(CommandSerializer):
    """Start an attempt (a body without `responses`)."""

    name = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=attempts.NAME_MAX,
        help_text=_(
            "The learner's display name: required without signing in, optional for a user."
        ),
    )


class AttemptSaveSerializer(AttemptSubmissionSerializer):
    """`responses`: {question id: response}, merged into those saved (null: unanswered).

    context["questions"] are the attempt's own questions."""


class AttemptStateSerializer(serializers.Serializer):
    """An attempt of the player lifecycle: its questions, what is saved, its state."""

    id = serializers.SerializerMethodField(
        help_text=_(
            "The id in attempts/{id}/: the quiz's id followed by the attempt's own (48 hex digits)."
        )
    )
    quiz = serializers.CharField(source="quiz_id")
    release = serializers.CharField(
        source="release_id", help_text=_("The release it was started on, and is graded against.")
    )
    quiz_version = serializers.IntegerField()
    state = serializers.ChoiceField(choices=attempts.State.choices)
    learner_name = serializers.CharField(allow_blank=True)
    started_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField(
        allow_null=True,
        help_text=_("Start + the quiz's time limit; null without one. Enforced by the server."),
    )
    saved_at = serializers.DateTimeField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    token = serializers.SerializerMethodField(
        help_text=_(
            "Anonymous attempts, in the start's answer only: the secret to send as "
            "X-Attempt-Token with every later request about this attempt."
        )
    )
    questions = serializers.SerializerMethodField(
        help_text=_("In the attempt's order, the same at every request.")
    )
    responses = serializers.JSONField(source="answers", help_text=_("The saved responses."))
    result = serializers.SerializerMethodField(help_text=_("Once submitted; else null."))

    def get_id(self, attempt) -> str:
        return attempts.public_id(attempt)

    def get_token(self, attempt) -> str | None:
        return getattr(attempt, "token", None)

    @extend_schema_field(LearnerQuestionSerializer(many=True))
    def get_questions(self, attempt):
        return LearnerQuestionSerializer(attempts.learner_questions(attempt), many=True).data

    @extend_schema_field(AttemptResultSerializer(allow_null=True))
    def get_result(self, attempt):
        if attempt.state != attempts.State.SUBMITTED:
            return None
        if not hasattr(attempt, "grade"):
            attempt.grade = attempts.grade(attempt)
        return AttemptResultSerializer(attempt).data


# -- authentication and errors ---------------------------------------------------------
class TokenRequestSerializer(CommandSerializer, AuthTokenSerializer):
    """username and password; DRF's AuthTokenSerializer checks them, failed checks
    limited per account and per address (429 while locked: openquizz.limits)."""

    def validate(self, attrs):
        limiter = SignInLimiter(self.context["request"], attrs.get("username"))
        try:
            return limiter.guard(lambda: super(TokenRequestSerializer, self).validate(attrs))
        except SignInLocked as locked:
            raise Throttled(wait=locked.retry_after, detail=locked.message) from None


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


# -- three-way merges (quizzes.api.versions) ------------------------------------------
class ConflictSerializer(serializers.Serializer):
    """A field you and others changed differently since the version you edited."""

    field = serializers.CharField(
        help_text=_('"title", "options.pass_mark", "answers.<uid>" (one answer)...')
    )
    base = serializers.JSONField(
        required=False, help_text=_("Its value in the version you edited; absent: none.")
    )
    theirs = serializers.JSONField(
        required=False, help_text=_("Its value now; absent: removed (an answer).")
    )
    yours = serializers.JSONField(
        required=False, help_text=_("Your value; absent: you removed it (an answer).")
    )


class ResolveSerializer(serializers.Serializer):
    """The value a conflicting field takes."""

    field = serializers.CharField(help_text=_("A conflict's `field`."))
    choice = serializers.ChoiceField(choices=merge.CHOICES)


class MergeReportSerializer(serializers.Serializer):
    """What a three-way merge (Prefer: merge) did."""

    base_version = serializers.IntegerField(help_text=_("The version you edited (If-Match)."))
    theirs = serializers.ListField(
        child=serializers.CharField(), help_text=_("Fields others changed since, kept.")
    )
    yours = serializers.ListField(
        child=serializers.CharField(), help_text=_("Fields of your change, applied.")
    )
    resolved = ResolveSerializer(
        many=True, help_text=_("The conflicts your `resolve` settled, and how.")
    )
    authors = serializers.ListField(
        child=serializers.CharField(), help_text=_("Who saved since the version you edited.")
    )
    message = serializers.CharField(help_text=_("What was merged, in words."))


def merge_serializers(request_class, response_class):
    """(request, response) serializers of a PATCH that takes `Prefer: merge`, for its
    schema: the body may choose in `resolve` (quizzes.api.versions takes it out before
    `request_class` reads the rest); the answer has a `merge` member."""
    resolve = ResolveSerializer(
        many=True,
        required=False,
        help_text=_(
            "With Prefer: merge, after a 409 merge_conflict: the value each conflicting field "
            "takes, one choice per field. Choices of other fields are left unused."
        ),
    )
    # Not read-only: the schema lists a response's read-only fields as required.
    report = MergeReportSerializer(
        required=False,
        allow_null=True,
        help_text=_(
            "Only with Prefer: merge: what the merge did; null when there was nothing to "
            "merge (If-Match named the current version)."
        ),
    )
    name = response_class.__name__.removesuffix("Serializer")
    return (
        type(f"Merge{request_class.__name__}", (request_class,), {"resolve": resolve}),
        type(f"Merged{name}Serializer", (response_class,), {"merge": report}),
    )


@extend_schema_serializer(component_name="ProblemDetail")
class ProblemSerializer(serializers.Serializer):
    """An error, as RFC 9457 application/problem+json."""

    type = serializers.CharField(help_text=_("urn:openquizz:problem:<code>"))
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    instance = serializers.CharField(help_text=_("The path of the request."))
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=_('Field path ("options.pass_mark", "answers[2].fraction") → messages.'),
    )
    current_version = serializers.IntegerField(
        required=False,
        help_text=_(
            "412 and 409 merge_conflict only: the version of the quiz, category or question now."
        ),
    )
    conflicts = ConflictSerializer(
        many=True,
        required=False,
        help_text=_("409 merge_conflict only: the fields you and others changed differently."),
    )
    base_version = serializers.IntegerField(
        required=False, help_text=_("409 merge_conflict only: the version you edited (If-Match).")
    )
    authors = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text=_("409 merge_conflict only: who saved since the version you edited."),
    )
