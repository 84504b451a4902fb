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
    EmbeddedModelArrayField,
    EmbeddedModelField,
    ObjectIdField,
)
from django_mongodb_backend.models import EmbeddedModel

from quizzes.fields import (
    ANSWER_FIELDS,
    OPTION_FIELDS,
    QUESTION_EXTRAS,
    QUESTION_FIELDS,
    QUIZ_FIELDS,
    QuizStatus,
    TextFormat,
    tags_field,
)
from quizzes.qtypes import registry

__all__ = ["QuestionType", "QuizStatus", "TextFormat"]

# The question types of the registry, as model and form choices.
QuestionType = models.TextChoices(
    "QuestionType", [(name.upper(), (name, qtype.label)) for name, qtype in registry.TYPES.items()]
)


class QuizOptions(EmbeddedModel):
    shuffle_questions = OPTION_FIELDS["shuffle_questions"].model_field()
    shuffle_answers = OPTION_FIELDS["shuffle_answers"].model_field()
    time_limit_minutes = OPTION_FIELDS["time_limit_minutes"].model_field()
    pass_mark = OPTION_FIELDS["pass_mark"].model_field()


class Quiz(models.Model):
    title = QUIZ_FIELDS["title"].model_field()
    description = QUIZ_FIELDS["description"].model_field(help_text=_("Markdown"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quizzes"
    )
    tags = tags_field()
    status = QUIZ_FIELDS["status"].model_field()
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
    """One answer row; which fields matter is its question type's business (quizzes.qtypes).

    `fraction` is a percentage from -100 to 100; `feedback` is shown to the
    learner who gave this answer.
    """

    text = ANSWER_FIELDS["text"].model_field()
    fraction = ANSWER_FIELDS["fraction"].model_field()
    feedback = ANSWER_FIELDS["feedback"].model_field()
    value = ANSWER_FIELDS["value"].model_field()
    tolerance = ANSWER_FIELDS["tolerance"].model_field()
    match = ANSWER_FIELDS["match"].model_field()


class Question(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(default=0)
    type = models.CharField(_("type"), max_length=20, choices=QuestionType.choices)
    name = QUESTION_FIELDS["name"].model_field()
    text = QUESTION_FIELDS["text"].model_field()
    text_format = QUESTION_FIELDS["text_format"].model_field()
    points = QUESTION_FIELDS["points"].model_field()
    general_feedback = QUESTION_FIELDS["general_feedback"].model_field()
    # The fields some types add (each type lists those it uses).
    single = QUESTION_EXTRAS["single"].model_field()
    shuffle_answers = QUESTION_EXTRAS["shuffle_answers"].model_field()
    case_sensitive = QUESTION_EXTRAS["case_sensitive"].model_field()
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
