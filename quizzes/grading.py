"""A teacher grading a response of a submitted attempt by hand (an essay, or any
scored question whose automatic grade they override, as Moodle's manual grading).

A grade gives the response its points (0 to its maximum) and a comment; its
state follows from the points as automatic grading's does (quizzes.scoring:
correct at full marks, partially correct, incorrect at 0), and the attempt's
score, percentage and pass come from quizzes.scoring.totals, the formula of
automatic grading. The attempt is written with one update that holds only if
nobody graded it since it was read (`Attempt.graded_at`), so that two
teachers grading at once never lose each other's grade: the second is told
(GradingConflict) and grades again on what is stored now. Views run this in
the request's transaction (sessions_mw); it writes the attempt's own
document only, nothing shared by the quiz's attempts (statistics are
computed from the attempts: quizzes.statistics).
"""

import math

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from quizzes import scoring
from quizzes.attempts import stored_now
from quizzes.models import Attempt, QuestionResult

COMMENT_MAX = 10_000


class NotSubmitted(Exception):
    def __init__(self):
        super().__init__(_("This attempt is still in progress: it can be graded once submitted."))


class GradingConflict(Exception):
    def __init__(self):
        super().__init__(
            _(
                "Someone else graded this attempt since you opened it, so nothing was saved. "
                "Here it is as it is now: check it and grade again."
            )
        )


def needs_grading(attempt):
    """Whether a response of the submitted `attempt` waits for the teacher."""
    return attempt.state == Attempt.State.SUBMITTED and attempt.ungraded > 0


def gradable(row):
    """Whether a teacher may grade the result `row` (a QuestionResult): one that scores."""
    return row.max_points > 0 and row.state != scoring.INFO


def pass_mark(attempt):
    """The pass mark the attempt is judged by: its release's (else, older attempts, its quiz's)."""
    source = attempt.release if attempt.release_id else attempt.quiz
    return source.options.pass_mark


def check_grade(row, points, comment):
    """The points as stored (rounded to hundredths); ValidationError naming "question",
    "points" or "comment" for a grade that cannot be given."""
    if row is None or not gradable(row):
        raise ValidationError({"question": _("This attempt has no such question to grade.")})
    errors = {}
    if not isinstance(points, int | float) or isinstance(points, bool) or not math.isfinite(points):
        errors["points"] = _("Give a number of points.")
    elif not 0 <= points <= row.max_points:
        errors["points"] = _("Give between 0 and %(max)s points.") % {"max": f"{row.max_points:g}"}
    if not isinstance(comment, str) or len(comment) > COMMENT_MAX:
        errors["comment"] = _("A comment of at most %(max)s characters.") % {"max": COMMENT_MAX}
    if errors:
        raise ValidationError(errors)
    return round(points, 2)


def grading_version(attempt):
    """What a grading form carries to tell whether the attempt was graded since it was
    shown: when it was last graded by hand, to the millisecond ("" never)."""
    return f"{attempt.graded_at.timestamp():.3f}" if attempt.graded_at else ""


def grade_response(attempt, question_id, points, comment, grader, expected_version=None):
    """Give the response to `question_id` (hex or ObjectId) of the submitted `attempt`
    (as read by the caller) `points` and `comment`, graded by user `grader`.

    Returns the attempt with its new results and totals. Raises NotSubmitted
    for an attempt in progress, ValidationError for a question it does not
    grade or points outside [0, the question's maximum], GradingConflict when
    someone graded it since it was read, or since the page the grade comes
    from showed it (`expected_version`: its grading_version then); each
    writes nothing.
    """
    if attempt.state != Attempt.State.SUBMITTED:
        raise NotSubmitted()
    if expected_version is not None and expected_version != grading_version(attempt):
        raise GradingConflict()
    rows = list(attempt.results)
    index = next((i for i, row in enumerate(rows) if str(row.question) == str(question_id)), None)
    points = check_grade(None if index is None else rows[index], points, comment)
    now = stored_now()
    row = rows[index]
    fraction = points / row.max_points
    rows[index] = QuestionResult(
        question=row.question,
        response=row.response,
        points=points,
        max_points=row.max_points,
        state=scoring.state_for(fraction),
        feedback=row.feedback,
        comment=comment.strip(),
        graded_by=grader.get_username(),
        graded_at=now,
    )
    changes = scoring.totals([(r.points, r.max_points) for r in rows], pass_mark(attempt))
    changes["ungraded"] = sum(r.state == scoring.NEEDS_GRADING for r in rows)
    updated = Attempt.objects.filter(
        quiz_id=attempt.quiz_id,
        pk=attempt.pk,
        state=Attempt.State.SUBMITTED,
        graded_at=attempt.graded_at,
    ).update(results=rows, graded_at=now, **changes)
    if not updated:
        raise GradingConflict()
    for name, value in changes.items():
        setattr(attempt, name, value)
    attempt.results, attempt.graded_at = rows, now
    return attempt
