"""Quizzes, their questions and learners' attempts.

A `Quiz` is one document; its `Question`s live in their own collection (a quiz
can hold thousands) with their answers embedded; an `Attempt` records one
learner's graded submission.

`Quiz.version` is the optimistic-concurrency counter: every change to a quiz
or to any of its questions goes through `quizzes.operations`, which bumps it
inside the request's transaction. The API exposes it as the ETag; forms carry
it in a hidden field.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_mongodb_backend.fields import (
    ArrayField,
    EmbeddedModelArrayField,
    EmbeddedModelField,
    ObjectIdField,
)
from django_mongodb_backend.models import EmbeddedModel

TITLE_MAX = 200
TAG_MAX = 50


class QuizStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class QuestionType(models.TextChoices):
    """Question types, named as Moodle names them."""

    MULTICHOICE = "multichoice", _("Multiple choice")
    TRUEFALSE = "truefalse", _("True/false")
    SHORTANSWER = "shortanswer", _("Short answer")
    NUMERICAL = "numerical", _("Numerical")
    MATCHING = "matching", _("Matching")
    ESSAY = "essay", _("Essay")


class TextFormat(models.TextChoices):
    """How a question's text and feedback are written (GIFT's [markdown] etc.)."""

    MARKDOWN = "markdown", _("Markdown")
    HTML = "html", _("HTML")
    PLAIN = "plain", _("Plain text")
    MOODLE = "moodle", _("Moodle auto-format")


class QuizOptions(EmbeddedModel):
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=False)
    shuffle_answers = models.BooleanField(_("shuffle answers"), default=False)
    time_limit_minutes = models.PositiveIntegerField(
        _("time limit (minutes)"), null=True, blank=True
    )
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"), default=50)


class Quiz(models.Model):
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quizzes"
    )
    tags = ArrayField(models.CharField(max_length=TAG_MAX), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=QuizStatus.choices, default=QuizStatus.DRAFT
    )
    options = EmbeddedModelField(QuizOptions, default=QuizOptions)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)
    question_count = models.PositiveIntegerField(default=0)
    attempt_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "-updated_at"], name="quiz_owner_updated"),
            models.Index(fields=["status", "-updated_at"], name="quiz_status_updated"),
            models.Index(fields=["tags"], name="quiz_tags"),
            models.Index(fields=["title"], name="quiz_title"),
        ]

    def __str__(self):
        return self.title


class Answer(EmbeddedModel):
    """One answer row; which fields matter depends on the question type.

    - multichoice, truefalse, shortanswer: `text` and `fraction`;
    - numerical: `value`, `tolerance` and `fraction`;
    - matching: `text` (the stem; empty for a distractor) and `match`.
    `fraction` is a percentage from -100 to 100; `feedback` is shown to the
    learner who gave this answer.
    """

    text = models.TextField(blank=True)
    fraction = models.FloatField(default=0)
    feedback = models.TextField(blank=True)
    value = models.FloatField(null=True, blank=True)
    tolerance = models.FloatField(null=True, blank=True)
    match = models.TextField(blank=True)


class Question(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(default=0)
    type = models.CharField(_("type"), max_length=20, choices=QuestionType.choices)
    name = models.CharField(_("name"), max_length=TITLE_MAX)
    text = models.TextField(_("question text"))
    text_format = models.CharField(
        max_length=10, choices=TextFormat.choices, default=TextFormat.MARKDOWN
    )
    points = models.FloatField(_("points"), default=1.0)
    general_feedback = models.TextField(_("general feedback"), blank=True)
    # multichoice: True for one right answer (radio buttons), False for several.
    single = models.BooleanField(_("one answer only"), default=True)
    shuffle_answers = models.BooleanField(_("shuffle answers"), default=True)
    # shortanswer: whether "Paris" and "paris" differ.
    case_sensitive = models.BooleanField(_("case sensitive"), default=False)
    answers = EmbeddedModelArrayField(Answer, default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["quiz", "position"], name="question_quiz_position")]

    def __str__(self):
        return self.name


class QuestionResult(EmbeddedModel):
    """How one question of an attempt was graded (see quizzes.scoring)."""

    question = ObjectIdField()
    response = models.JSONField(null=True, blank=True)
    points = models.FloatField(default=0)
    max_points = models.FloatField(default=0)
    # "correct", "partial", "incorrect", "unanswered" or "needs_grading" (essay).
    state = models.CharField(max_length=20)
    feedback = models.TextField(blank=True)


class Attempt(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    quiz_version = models.PositiveIntegerField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    answers = models.JSONField(default=dict, blank=True)
    score = models.FloatField(default=0)
    max_score = models.FloatField(default=0)
    percent = models.FloatField(default=0)
    passed = models.BooleanField(default=False)
    results = EmbeddedModelArrayField(QuestionResult, default=list, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)
    client_info = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["quiz", "-submitted_at"], name="attempt_quiz_submitted")]

    def __str__(self):
        return f"{self.quiz} @ {self.submitted_at:%Y-%m-%d %H:%M}"
