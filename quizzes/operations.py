"""Every change to quizzes and questions, as one function each.

Views, the API, the importers and the commands change content only through
these functions, so that the rules hold everywhere:

- content is checked by `quizzes.validation` before anything is written;
- every change bumps `Quiz.version` (and `updated_at`) exactly once; passing
  `expected_version` makes the change conditional: when the stored version
  differs, `VersionConflict` is raised and nothing is written;
- a change that touches several documents does so in the caller's
  transaction. Requests get one from sessions_mw's middleware; commands open
  one explicitly. These functions never commit on their own.

Questions are kept at positions 0..n-1 in quiz order; `Quiz.question_count`
is maintained here so that listing quizzes costs no extra query.
"""

from django.db import connection
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from pymongo import UpdateOne

from quizzes import fields
from quizzes.models import Answer, Attempt, Question, QuestionResult, Quiz, QuizOptions, QuizStatus
from quizzes.scoring import grade_attempt
from quizzes.validation import clean_question, clean_quiz

# The stored fields, as quizzes.fields declares them.
QUESTION_FIELDS = ("type", *fields.QUESTION_FIELDS, *fields.QUESTION_EXTRAS)
ANSWER_FIELDS = tuple(fields.ANSWER_FIELDS)
QUIZ_FIELDS = ("title", "description", "tags", "status")
OPTION_FIELDS = tuple(fields.OPTION_FIELDS)


class VersionConflict(Exception):
    """The quiz changed since the client read it; `current` is its version now."""

    def __init__(self, current):
        super().__init__(f"the quiz is at version {current}")
        self.current = current


class OrderMismatch(ValueError):
    """A new question order does not name each question of the quiz exactly once."""


# -- conversions between models and plain data --------------------------------
def question_data(question):
    data = {field: getattr(question, field) for field in QUESTION_FIELDS}
    data["answers"] = [
        {field: getattr(answer, field) for field in ANSWER_FIELDS} for answer in question.answers
    ]
    return data


def quiz_data(quiz, questions=None):
    """The plain data of a quiz with its questions in order (see quizzes.validation)."""
    data = {field: getattr(quiz, field) for field in QUIZ_FIELDS}
    data["tags"] = list(quiz.tags)
    data["options"] = {field: getattr(quiz.options, field) for field in OPTION_FIELDS}
    if questions is None:
        questions = quiz.questions.order_by("position", "id")
    data["questions"] = [question_data(question) for question in questions]
    return data


def _apply_question(question, data):
    for field in QUESTION_FIELDS:
        setattr(question, field, data[field])
    question.answers = [Answer(**{f: a[f] for f in ANSWER_FIELDS}) for a in data["answers"]]
    return question


def _apply_quiz(quiz, data):
    for field in QUIZ_FIELDS:
        setattr(quiz, field, data[field])
    quiz.options = QuizOptions(**{f: data["options"][f] for f in OPTION_FIELDS})
    return quiz


# -- version ------------------------------------------------------------------
def bump_version(quiz, expected_version=None, **changes):
    """Increment the quiz version, applying `changes` (F expressions allowed) at once.

    One round trip; raises VersionConflict when `expected_version` is stale.
    """
    matching = Quiz.objects.filter(pk=quiz.pk)
    if expected_version is not None:
        matching = matching.filter(version=expected_version)
    updated = matching.update(version=F("version") + 1, updated_at=timezone.now(), **changes)
    if not updated:
        current = Quiz.objects.filter(pk=quiz.pk).values_list("version", flat=True).first()
        raise VersionConflict(current)
    quiz.refresh_from_db(fields=["version", "updated_at", "question_count", "status"])
    return quiz


# -- quizzes ------------------------------------------------------------------
def create_quiz(owner, data, questions=()):
    """Create a quiz and its questions (one bulk insert); returns the Quiz."""
    cleaned = clean_quiz(data)
    cleaned_questions = [clean_question(q) for q in questions]
    quiz = _apply_quiz(Quiz(owner=owner), cleaned)
    quiz.question_count = len(cleaned_questions)
    quiz.save()
    Question.objects.bulk_create(
        _apply_question(Question(quiz=quiz, position=position), q)
        for position, q in enumerate(cleaned_questions)
    )
    return quiz


def update_quiz(quiz, data, expected_version=None):
    """Replace the quiz's metadata and options (not its questions)."""
    cleaned = clean_quiz({**quiz_data(quiz, questions=()), **data})
    _apply_quiz(quiz, cleaned)
    bump_version(
        quiz,
        expected_version,
        **{field: getattr(quiz, field) for field in QUIZ_FIELDS},
        options=quiz.options,
    )
    return quiz


def set_status(quiz, status, expected_version=None):
    if status not in QuizStatus.values:
        raise ValueError(_("Unknown status: %(status)s") % {"status": status})
    return bump_version(quiz, expected_version, status=status)


def delete_quiz(quiz, expected_version=None):
    """Delete the quiz with its questions and attempts."""
    if expected_version is not None and expected_version != quiz.version:
        raise VersionConflict(quiz.version)
    Question.objects.filter(quiz=quiz).delete()
    quiz.attempts.all().delete()
    quiz.delete()


def duplicate_quiz(quiz, owner):
    """A draft copy of `quiz` and all its questions, owned by `owner`."""
    data = quiz_data(quiz)
    data["title"] = _("%(title)s (copy)") % {"title": data["title"]}
    data["title"] = data["title"][: Quiz._meta.get_field("title").max_length]
    data["status"] = QuizStatus.DRAFT
    return create_quiz(owner, data, data.pop("questions"))


# -- questions ----------------------------------------------------------------
def add_question(quiz, data, expected_version=None, position=None):
    """Append a question (or insert it at `position`); returns the Question."""
    cleaned = clean_question(data)
    count = quiz.question_count
    if position is None or position >= count:
        position = count
    else:
        Question.objects.filter(quiz=quiz, position__gte=position).update(
            position=F("position") + 1
        )
    bump_version(quiz, expected_version, question_count=F("question_count") + 1)
    question = _apply_question(Question(quiz=quiz, position=position), cleaned)
    question.save()
    return question


def update_question(question, data, expected_version=None):
    cleaned = clean_question({**question_data(question), **data})
    bump_version(question.quiz, expected_version)
    _apply_question(question, cleaned).save()
    return question


def delete_question(question, expected_version=None):
    quiz = question.quiz
    bump_version(quiz, expected_version, question_count=F("question_count") - 1)
    Question.objects.filter(quiz=quiz, position__gt=question.position).update(
        position=F("position") - 1
    )
    question.delete()


def duplicate_question(question, expected_version=None):
    """Insert a copy right after `question`; returns the copy."""
    data = question_data(question)
    data["name"] = _("%(name)s (copy)") % {"name": data["name"]}
    data["name"] = data["name"][: Question._meta.get_field("name").max_length]
    return add_question(question.quiz, data, expected_version, position=question.position + 1)


def reorder_questions(quiz, ordered_ids, expected_version=None):
    """Put the quiz's questions in the order of `ordered_ids` (one bulk write)."""
    by_id = {str(pk): pk for pk in Question.objects.filter(quiz=quiz).values_list("pk", flat=True)}
    wanted = [str(pk) for pk in ordered_ids]
    if len(wanted) != len(by_id) or set(wanted) != set(by_id):
        raise OrderMismatch(_("The new order must list every question of the quiz exactly once."))
    bump_version(quiz, expected_version)
    if not wanted:
        return
    collection = connection.get_collection(Question._meta.db_table)
    collection.bulk_write(
        [
            UpdateOne({"_id": by_id[pk]}, {"$set": {"position": position}})
            for position, pk in enumerate(wanted)
        ],
        ordered=False,
        session=connection.session,
    )


# -- attempts -----------------------------------------------------------------
def record_attempt(quiz, responses, user=None, client_info=None):
    """Grade `responses` ({question id: response}) and store them as an Attempt.

    Graded against the quiz's questions as they are now (quizzes.scoring);
    counts the attempt in Quiz.attempt_count with an F() update, so
    concurrent attempts lose no count. Attempts leave the quiz's version
    alone: its content did not change. The returned Attempt carries the full
    AttemptGrade as `grade` (per-question feedback lists and general
    feedback, which the Attempt does not store).
    """
    questions = quiz.questions.order_by("position", "id")
    grade = grade_attempt(
        [(str(question.pk), question_data(question)) for question in questions],
        responses,
        quiz.options.pass_mark,
    )
    attempt = Attempt.objects.create(
        quiz=quiz,
        quiz_version=quiz.version,
        user=user,
        answers=responses,
        score=grade.score,
        max_score=grade.max_score,
        percent=grade.percent,
        passed=grade.passed,
        results=[QuestionResult(**row) for row in grade.result_rows()],
        client_info=client_info or {},
    )
    Quiz.objects.filter(pk=quiz.pk).update(attempt_count=F("attempt_count") + 1)
    attempt.grade = grade
    return attempt
