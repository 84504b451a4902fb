"""A teacher's question bank, the quizzes built from it, and learners' attempts.

The bank is a tree of `Category`s holding `Question`s (answers and hints
embedded); every edit of a question adds an immutable `QuestionVersion`. A
`Quiz` is one document whose ordered `slots` name bank questions (or draw
them at random from a category), so reordering a quiz writes one document.
Publishing a quiz freezes a `Release` (its settings and the exact question
versions, with what learners see and the answer key): learners get the live
release, never the draft, and an `Attempt` records one learner's submission,
graded against the release it was made on.

`Quiz.version` is the optimistic-concurrency counter of a quiz's settings
and slots; `Question.version` that of one question. Both change only through
`quizzes.operations`, inside the request's transaction. The API exposes them
as ETags; forms carry them in a hidden field.
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

from quizzes.fields import (
    ANSWER_FIELDS,
    CATEGORY_FIELDS,
    HINT_FIELDS,
    OPTION_FIELDS,
    QUESTION_EXTRAS,
    QUESTION_FIELDS,
    QUIZ_FIELDS,
    QuizStatus,
    TextFormat,
    tags_field,
)
from quizzes.indexes import TextIndex
from quizzes.qtypes import registry
from quizzes.validation import ANSWER_UID

__all__ = ["QuestionType", "QuizStatus", "TextFormat"]

# The question types of the registry, as model and form choices.
QuestionType = models.TextChoices(
    "QuestionType", [(name.upper(), (name, qtype.label)) for name, qtype in registry.TYPES.items()]
)


def media_field():
    """The SHA-256s of the media files (quizzes.media) a document's texts reference:
    filled from its content whenever it is saved (quizzes.media.content_media), and
    indexed, so that serving a file and collecting unused ones ask one query each."""
    return ArrayField(models.CharField(max_length=64), default=list, blank=True)


def quiz_owner_field():
    """A copy of its quiz's owner, on what belongs to a quiz (releases, attempts): it
    follows the quiz to another owner (operations.hand_over), and goes with the quiz,
    not with the user."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        editable=False,
    )


class QuizOptions(EmbeddedModel):
    """A quiz's options (quizzes.fields.OPTION_FIELDS); every release freezes a copy."""

    shuffle_questions = OPTION_FIELDS["shuffle_questions"].model_field()
    shuffle_answers = OPTION_FIELDS["shuffle_answers"].model_field()
    time_limit_minutes = OPTION_FIELDS["time_limit_minutes"].model_field()
    pass_mark = OPTION_FIELDS["pass_mark"].model_field()
    opens_at = OPTION_FIELDS["opens_at"].model_field()
    closes_at = OPTION_FIELDS["closes_at"].model_field()
    access = OPTION_FIELDS["access"].model_field()
    attempts_allowed = OPTION_FIELDS["attempts_allowed"].model_field()
    one_per_page = OPTION_FIELDS["one_per_page"].model_field()
    show_score = OPTION_FIELDS["show_score"].model_field()
    show_feedback = OPTION_FIELDS["show_feedback"].model_field()
    show_correct_answers = OPTION_FIELDS["show_correct_answers"].model_field()


class Slot(EmbeddedModel):
    """One place of a quiz: a fixed bank question, or `count` questions drawn
    at random from `category` (and its subcategories with
    `include_subcategories`), as Moodle's random questions. `uid` identifies
    the slot; `points` overrides the question's own points when set."""

    uid = ObjectIdField()
    question = ObjectIdField(null=True, blank=True)
    points = models.FloatField(null=True, blank=True)
    category = ObjectIdField(null=True, blank=True)
    count = models.PositiveIntegerField(null=True, blank=True)
    include_subcategories = models.BooleanField(default=False)

    @property
    def is_random(self):
        return self.question is None


class Quiz(models.Model):
    title = QUIZ_FIELDS["title"].model_field()
    description = QUIZ_FIELDS["description"].model_field(help_text=_("Markdown"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quizzes"
    )
    tags = tags_field()
    status = QUIZ_FIELDS["status"].model_field()
    options = EmbeddedModelField(QuizOptions, default=QuizOptions)
    slots = EmbeddedModelArrayField(Slot, default=list, blank=True)
    # Where questions created from this quiz's editor go (a category named after it).
    category = ObjectIdField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)
    question_count = models.PositiveIntegerField(default=0)
    # Its share link's code (quizzes.sharing), given at its first publication and kept
    # for ever after; unique among the codes given (the index leaves out the nulls).
    share_code = models.CharField(max_length=8, null=True, blank=True, unique=True)
    # No attempt count here: every attempt would write this one document of the
    # quiz (quizzes.attempts.attempt_counts counts the attempts instead).

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        ordering = ["-updated_at", "-id"]
        indexes = [
            # One per list query (quizzes.listing): equalities, then the ordering with its
            # id tie-breaker, so that a page reads its rows and no others.
            models.Index(fields=["-updated_at", "-id"], name="quiz_updated_id"),
            models.Index(fields=["owner", "-updated_at", "-id"], name="quiz_owner_updated_id"),
            models.Index(
                fields=["owner", "status", "-updated_at", "-id"], name="quiz_owner_status_updated"
            ),
            models.Index(
                fields=["owner", "tags", "-updated_at", "-id"], name="quiz_owner_tags_updated"
            ),
            models.Index(fields=["status", "-updated_at", "-id"], name="quiz_status_updated_id"),
            models.Index(fields=["tags"], name="quiz_tags"),
            models.Index(fields=["title"], name="quiz_title"),
            TextIndex(fields=["title", "tags", "description"], name="quiz_text"),
        ]

    def __str__(self):
        return self.title


def declare(model, declared):
    """Add a model field for each Field of `declared` (see quizzes.fields) to `model`."""
    for name, field in declared.items():
        model.add_to_class(name, field.model_field())


class Answer(EmbeddedModel):
    """One answer row; which fields matter is its question type's business (quizzes.qtypes).

    `fraction` is a percentage from -100 to 100; `feedback` is shown to the
    learner who gave this answer. `uid` is its identity within its question
    (quizzes.validation.ANSWER_UID), kept by edits: a three-way merge matches
    answers by it (quizzes.merge), not by their place.
    """

    uid = ANSWER_UID.model_field()


declare(Answer, ANSWER_FIELDS)


class Hint(EmbeddedModel):
    """A hint shown after a wrong try, as Moodle's <hint>."""


declare(Hint, HINT_FIELDS)


class Category(models.Model):
    """A folder of a teacher's question bank; categories nest (`parent`).

    Siblings are ordered by `position`. `staging` is set while a large import
    fills the category batch by batch: a staged category, its subcategories
    and their questions are invisible to every reader until the import's last
    small transaction clears it (quizzes.bank).
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="categories"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    position = models.PositiveIntegerField(default=0)
    staging = ObjectIdField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name", "id"]
        indexes = [
            models.Index(fields=["owner", "parent", "position"], name="category_owner_parent"),
            models.Index(fields=["staging"], name="category_staging"),
        ]

    def __str__(self):
        return self.name


declare(Category, CATEGORY_FIELDS)


class Question(models.Model):
    """A question of a teacher's bank, with its current content.

    The content fields (declared in quizzes.fields) always equal those of the
    latest `QuestionVersion`; `version` is that version's number, the
    question's ETag. Quizzes use questions through their slots.

    An imported question is stored as one document: until its first edit, its
    version 1 is the question itself (`first_version_stored` False), and that
    edit stores version 1 with the next (quizzes.bank).
    """

    # No index of their own: the (owner|category, -updated_at, -id) indexes begin with
    # them, and an import updates every index of every question it inserts.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="questions",
        db_index=False,
    )
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="questions", db_index=False
    )
    type = models.CharField(_("type"), max_length=20, choices=QuestionType.choices)
    tags = tags_field()
    answers = EmbeddedModelArrayField(Answer, default=list, blank=True)
    hints = EmbeddedModelArrayField(Hint, default=list, blank=True)
    media = media_field()
    version = models.PositiveIntegerField(default=1)
    first_version_stored = models.BooleanField(default=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(
                fields=["category", "-updated_at", "-id"], name="question_category_updated_id"
            ),
            models.Index(fields=["owner", "-updated_at", "-id"], name="question_owner_updated_id"),
            # The bank's lists filtered by a tag or a type, in the same order as unfiltered
            # (quizzes.listing.QUESTIONS); tags: multikey, one tag matched at a time.
            models.Index(
                fields=["owner", "tags", "-updated_at", "-id"], name="question_owner_tags_updated"
            ),
            models.Index(
                fields=["category", "tags", "-updated_at", "-id"],
                name="question_category_tags_updated",
            ),
            models.Index(
                fields=["owner", "type", "-updated_at", "-id"], name="question_owner_type_updated"
            ),
            models.Index(
                fields=["category", "type", "-updated_at", "-id"],
                name="question_category_type_updated",
            ),
            models.Index(fields=["media"], name="question_media"),
        ]

    def __str__(self):
        return self.name


declare(Question, QUESTION_FIELDS)
declare(Question, QUESTION_EXTRAS)


class QuestionVersion(models.Model):
    """One immutable state of a question: its content (`data`, the plain data of
    quizzes.validation), who wrote it and when. Version 1 is the question as
    created (stored at its first edit for an imported question: see Question);
    each edit adds the next number in the edit's transaction."""

    # Indexed by question_version_unique, which begins with it.
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="versions", db_index=False
    )
    number = models.PositiveIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    data = models.JSONField()
    media = media_field()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("question version")
        verbose_name_plural = _("question versions")
        ordering = ["-number"]
        indexes = [models.Index(fields=["media"], name="question_version_media")]
        constraints = [
            models.UniqueConstraint(fields=["question", "number"], name="question_version_unique")
        ]

    def __str__(self):
        return f"{self.question_id} v{self.number}"


class ImportRun(models.Model):
    """A large import being staged (quizzes.formats.store): its categories carry
    `staging=<this id>` until its last small transaction makes them visible and
    deletes this record. `heartbeat` is renewed by every batch; a record whose
    heartbeat is older than the lease, or whose process (`host`, `pid`) is gone,
    belongs to an abandoned import: `manage.py cleanup_imports` (and the next
    import) delete its staged remains, then the record."""

    class State(models.TextChoices):
        RUNNING = "running", _("running")
        FAILED = "failed", _("failed")
        ABANDONED = "abandoned", _("abandoned")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=255, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    heartbeat = models.DateTimeField()
    host = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True, blank=True)
    questions = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["started_at"]

    def __str__(self):
        return f"{self.filename} ({self.state})"


class QuestionResult(EmbeddedModel):
    """How one question of an attempt was graded (see quizzes.scoring)."""

    question = ObjectIdField()
    response = models.JSONField(null=True, blank=True)
    points = models.FloatField(default=0)
    max_points = models.FloatField(default=0)
    # "correct", "partial", "incorrect", "unanswered" or "needs_grading" (essay).
    state = models.CharField(max_length=20)
    feedback = models.TextField(blank=True)
    # A teacher's grade (quizzes.grading): their comment, their username, when.
    comment = models.TextField(blank=True)
    graded_by = models.CharField(max_length=150, blank=True)
    graded_at = models.DateTimeField(null=True, blank=True)


class Release(models.Model):
    """What learners get of a quiz, frozen by publishing it: one immutable document.

    Made by quizzes.operations.publish_quiz (built by quizzes.releases):
    the quiz's settings as they were (`title` ... `options`), `question_count`
    (questions a learner gets), and its content as plain data keyed by question
    id (hex): `versions` the number of each question version frozen, `learner`
    what a learner sees of it (scoring.learner_view with `id`, and each text it shows
    rendered and sanitised next to it: QuestionType.learner_html; no answer key),
    `key` its whole content, answer key included, for grading. `slots` are the
    quiz's slots in order:
    {"uid", "points", "question": id} or, random, {"uid", "points", "count",
    "pool": [ids]} (the question versions the slot may draw from).

    `number` counts a quiz's releases from 1; `quiz_version` is the quiz's
    version it was made from (its ETag in the delivery API). `live` marks the
    release learners get now, at most one per quiz: the only field that ever
    changes (a newer release, unpublishing or archiving the quiz clear it), but
    `owner` when the quiz is handed to another owner.
    """

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="releases")
    number = models.PositiveIntegerField()
    quiz_version = models.PositiveIntegerField()
    live = models.BooleanField(default=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    published_at = models.DateTimeField(auto_now_add=True)
    title = QUIZ_FIELDS["title"].model_field()
    description = QUIZ_FIELDS["description"].model_field()
    description_html = models.TextField(blank=True)
    tags = tags_field()
    options = EmbeddedModelField(QuizOptions, default=QuizOptions)
    question_count = models.PositiveIntegerField(default=0)
    slots = models.JSONField(default=list)
    versions = models.JSONField(default=dict)
    learner = models.JSONField(default=dict)
    key = models.JSONField(default=dict)
    # The quiz's share code, copied at publishing: a learner's code finds the live
    # release with one find on (share_code, live) (quizzes.releases.live_release_by_code).
    # Null on releases no longer live when share codes came (quizzes 0008).
    share_code = models.CharField(max_length=8, null=True, blank=True)  # noqa: DJ001
    # The media its learner content and answer key reference: whoever may take the quiz
    # may read them while the release is live (quizzes.media.can_read).
    media = media_field()
    # Its quiz's owner, copied at publishing for the attempts made on it to copy.
    owner = quiz_owner_field()

    class Meta:
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["quiz", "live"], name="release_quiz_live"),
            models.Index(fields=["live", "-published_at", "-id"], name="release_live_published_id"),
            models.Index(fields=["share_code", "live"], name="release_share_code_live"),
            models.Index(fields=["media", "live"], name="release_media_live"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "number"], name="release_number_unique")
        ]

    def __str__(self):
        return f"{self.title} #{self.number}"

    @property
    def version(self):
        """Its ETag in the delivery API (quizzes.api.versions): the quiz version it froze."""
        return self.quiz_version


class Attempt(models.Model):
    """One learner's attempt at a quiz, on one release.

    Made either at once, graded (operations.record_attempt: the one-shot
    submission), or started (quizzes.attempts.start_attempt): then `state`
    is in progress, `answers` fill as the learner saves, and submitting, or
    touching it past its `deadline`, grades what was saved. `seed` fixes the
    attempt's draw of random questions and its question order. An anonymous
    learner gives a `learner_name` and gets a secret token, stored as its
    SHA-256 (`token_hash`). Attempts live with their quiz (`quiz_id` is the
    first field of their shard key): every query names the quiz, but the
    grading queue's, which names its teacher (`owner`) instead.
    """

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("in progress")
        SUBMITTED = "submitted", _("submitted")

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    # The release it was made on and graded against (None: made before releases existed).
    release = models.ForeignKey(
        Release, null=True, blank=True, on_delete=models.CASCADE, related_name="attempts"
    )
    quiz_version = models.PositiveIntegerField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    learner_name = models.CharField(_("learner name"), max_length=100, blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.SUBMITTED)
    started_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(null=True, blank=True)
    seed = models.BigIntegerField(null=True, blank=True)
    token_hash = models.CharField(max_length=64, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    saved_at = models.DateTimeField(null=True, blank=True)
    score = models.FloatField(default=0)
    max_score = models.FloatField(default=0)
    percent = models.FloatField(default=0)
    passed = models.BooleanField(default=False)
    results = EmbeddedModelArrayField(QuestionResult, default=list, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    client_info = models.JSONField(default=dict, blank=True)
    # Responses waiting for the teacher (results in state needs_grading), and when the
    # teacher last graded one: the optimistic check of quizzes.grading.
    ungraded = models.PositiveIntegerField(default=0)
    graded_at = models.DateTimeField(null=True, blank=True)
    # Its quiz's owner (its release's): the grading queue reads a teacher's waiting
    # attempts along one index, however many quizzes they have.
    owner = quiz_owner_field()

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            # The API's list of a quiz's attempts, newest first, paged by position
            # (quizzes.listing); the id tie-breaker, so that a page reads its rows only.
            models.Index(fields=["quiz", "-submitted_at", "-id"], name="attempt_quiz_submitted_id"),
            # Counts of submitted attempts per quiz, answered from the index alone; the
            # results page's list filtered by state, newest first, paged by position.
            models.Index(
                fields=["quiz", "state", "-submitted_at", "-id"],
                name="attempt_quiz_state_submitted",
            ),
            # The results page's list by percent, highest first, paged by position.
            models.Index(fields=["quiz", "-percent", "-id"], name="attempt_quiz_percent_id"),
            # The attempts a teacher has to grade, across their quizzes (dashboard).
            models.Index(fields=["quiz", "ungraded"], name="attempt_quiz_ungraded"),
            # A signed-in learner's attempts at a quiz, counted against its attempts allowed.
            models.Index(fields=["quiz", "user"], name="attempt_quiz_user"),
            # The grading queue: a teacher's waiting attempts, the longest waiting first.
            models.Index(
                fields=["owner", "submitted_at", "id"],
                condition=models.Q(ungraded__gt=0),
                name="attempt_owner_waiting",
            ),
        ]

    def __str__(self):
        """Its learner's name (else its id) and when it was submitted (else started),
        from its own fields: the admin's quiz deletion page lists every attempt so,
        with no query per attempt."""
        who = self.learner_name or str(self.pk)
        when = self.submitted_at or self.started_at
        return f"{who} @ {when:%Y-%m-%d %H:%M}" if when else who


class Revision(models.Model):
    """One change of a quiz, written in the change's transaction (quizzes.revisions).

    `version` is the quiz's version the change made (unique per quiz), `author`
    who made it (None: a command, or a user since deleted), `action` what kind
    of change it was, `changes` what it changed, field by field
    ([{"field", "before", "after", ...}], quizzes.revisions.diff), and
    `snapshot` the quiz's settings and slots after it: any two revisions can be
    compared and any one restored.
    A quiz's revisions go with it (operations.delete_quiz), not with their author.
    """

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        SETTINGS = "settings", _("settings changed")
        SLOTS = "slots", _("questions changed")
        QUESTION = "question", _("question edited")
        PUBLISHED = "published", _("published")
        UNPUBLISHED = "unpublished", _("unpublished")
        ARCHIVED = "archived", _("archived")
        UNARCHIVED = "unarchived", _("restored as a draft")
        RESTORED = "restored", _("revision restored")
        HANDED_OVER = "handed_over", _("handed over")

    quiz = models.ForeignKey(Quiz, on_delete=models.DO_NOTHING, related_name="revisions")
    version = models.PositiveIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField()
    action = models.CharField(max_length=20, choices=Action.choices)
    changes = models.JSONField(default=list)
    snapshot = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["-created_at", "-id"]
        indexes = [
            # A quiz's history, newest first, paged by position (quizzes.listing.REVISIONS).
            models.Index(fields=["quiz", "-created_at", "-id"], name="revision_quiz_created_id"),
        ]
        constraints = [
            # Also the (quiz, -version) index: a revision by number, older ones for retention.
            models.UniqueConstraint(fields=["quiz", "version"], name="revision_version_unique")
        ]

    def __str__(self):
        return f"{self.quiz_id} v{self.version}"


class Share(models.Model):
    """An item shared by its owner with another teacher (quizzes.access says what each
    role may do): a quiz (QuizShare), or a bank category with its subcategories
    (CategoryShare).

    An editor changes the item as its owner does (not its shares, not its owner,
    not deleting it); a viewer sees it only. A user has at most one share of an
    item: sharing again changes its role.
    """

    class Role(models.TextChoices):
        EDITOR = "editor", _("can edit")
        VIEWER = "viewer", _("can view")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.EDITOR)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.item_id} → {self.user_id} ({self.role})"


class QuizShare(Share):
    item = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="shares", db_index=False)

    class Meta(Share.Meta):
        verbose_name = _("shared quiz")
        verbose_name_plural = _("shared quizzes")
        indexes = [
            # What is shared with a user: their dashboard.
            models.Index(fields=["user", "item"], name="quizshare_user_item"),
        ]
        constraints = [
            # Also the index of a quiz's shares (its share page, its access checks).
            models.UniqueConstraint(fields=["item", "user"], name="quizshare_item_user_unique"),
        ]


class CategoryShare(Share):
    item = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="shares", db_index=False
    )

    class Meta(Share.Meta):
        verbose_name = _("shared category")
        verbose_name_plural = _("shared categories")
        indexes = [
            # What is shared with a user: their bank.
            models.Index(fields=["user", "item"], name="categoryshare_user_item"),
        ]
        constraints = [
            # Also the index of a category's shares (its share page, its access checks).
            models.UniqueConstraint(fields=["item", "user"], name="categoryshare_item_user_unique"),
        ]
