"""Grading: what a learner sees of a question, and what an answer is worth.

Pure functions over the plain question data of `quizzes.validation` (already
cleaned); nothing here touches the database.

Responses, one per question, as a learner submits them, have the shape their
question type says (`quizzes.qtypes`: a choice id, a bool, a text, a number,
{stem id: match} ...). None, an empty string, list or dict mean unanswered. A
response of the wrong shape is graded as wrong (0 points), never an error;
unknown ids are ignored. Each type grades as Moodle's does; what is common to
all (clamping, states, totals) is here.
"""

from dataclasses import dataclass, field, replace

from quizzes.fields import TextFormat
from quizzes.qtypes import registry

CORRECT = "correct"
PARTIAL = "partial"
INCORRECT = "incorrect"
UNANSWERED = "unanswered"
NEEDS_GRADING = "needs_grading"

# A question with nothing to answer (a description) gets no grade of its own.
INFO = "info"

# Awarded fractions this close to 1 or 0 are full or no marks: a multiple-answer
# question whose grades add up to 99.99 % (three at 33.33 %) is still fully right
# (quizzes.validation accepts sums within 0.01 % of 100).
FULL_MARKS_SLACK = 0.0001
FLOAT_ROUNDING = 1e-9


@dataclass(frozen=True)
class Grade:
    """How one response to one question was graded.

    `fraction` is the share of `max_points` awarded (0 to 1); `feedback` holds
    the feedback of the answers the learner chose or matched, in order, and
    `feedback_formats` the text format of each (`formatted_feedback` pairs them).
    `combined_feedback` is the question's feedback for any correct, partially
    correct or incorrect response, as the state says (Moodle's combined feedback);
    `parts_right` the number of right parts of a partially correct response when
    the question shows it (Moodle's "show the number of correct responses"), else None.
    `marks` says of each part the learner chose or answered whether it is right
    ({part id: bool}, QuestionType.marks), for the page to mark it.
    """

    points: float
    max_points: float
    fraction: float
    state: str
    feedback: list = field(default_factory=list)
    general_feedback: str = ""
    right_answer: str = ""
    feedback_formats: list = field(default_factory=list)
    general_feedback_format: str = TextFormat.MARKDOWN
    combined_feedback: str = ""
    combined_feedback_format: str = TextFormat.MARKDOWN
    parts_right: int | None = None
    marks: dict = field(default_factory=dict)

    @property
    def feedback_text(self):
        """The feedback as one text, as QuestionResult.feedback stores it."""
        return "\n\n".join(self.feedback)

    @property
    def formatted_feedback(self):
        """(text, text format) of each answer's feedback."""
        return list(zip(self.feedback, self.feedback_formats, strict=True))


@dataclass(frozen=True)
class AttemptGrade:
    """A whole attempt: totals and one (question id, response, Grade) per question."""

    score: float
    max_score: float
    percent: float
    passed: bool
    results: list

    @property
    def ungraded(self):
        """How many of its responses wait for the teacher (Attempt.ungraded)."""
        return sum(grade.state == NEEDS_GRADING for _id, _response, grade in self.results)

    def result_rows(self):
        """Keyword arguments for quizzes.models.QuestionResult, one dict per question."""
        return [
            {
                "question": question_id,
                "response": response,
                "points": grade.points,
                "max_points": grade.max_points,
                "state": grade.state,
                "feedback": grade.feedback_text,
            }
            for question_id, response, grade in self.results
        ]


# -- what learners see ----------------------------------------------------------
def learner_view(question):
    """The part of a question a learner may see: no grades, feedback or accepted answers."""
    view = {key: question[key] for key in ("type", "name", "text", "text_format", "points")}
    view.update(registry.of(question).learner_view(question))
    return view


# -- grading ------------------------------------------------------------------------
# The combined feedback of each graded state (Moodle's feedback classes).
COMBINED_FIELDS = {
    CORRECT: "correct_feedback",
    PARTIAL: "partially_correct_feedback",
    INCORRECT: "incorrect_feedback",
}


def combined_feedback(question, state, response):
    """The Grade fields of the question's combined feedback for a response in `state`."""
    name = COMBINED_FIELDS.get(state)
    text_format = question.get("text_format", TextFormat.MARKDOWN)
    if name is None or name not in question:
        return {}
    fields = {
        "combined_feedback": question[name],
        "combined_feedback_format": question.get(f"{name}_format") or text_format,
    }
    # Moodle says how many parts are right only of a partially correct response.
    if state == PARTIAL and question.get("show_num_correct"):
        fields["parts_right"] = registry.of(question).parts_right(question, response)
    return fields


def state_for(fraction):
    if fraction >= 1:
        return CORRECT
    return PARTIAL if fraction > 0 else INCORRECT


def grade_question(question, response):
    """Grade one response to one question (cleaned question data); see the module doc.

    The question's type says what the response is worth (a percentage); here
    it is clamped to 0..100 %, snapped to full or no marks within rounding,
    and turned into points. Manually graded types (essay) score 0 until the
    teacher grades them, their points still counting in the attempt's maximum;
    unscored types (description) score 0 of 0.
    """
    qtype = registry.of(question)
    max_points = float(question["points"])
    text_format = question.get("text_format", TextFormat.MARKDOWN)
    common = {
        "max_points": max_points,
        "general_feedback": question.get("general_feedback", ""),
        "general_feedback_format": question.get("general_feedback_format") or text_format,
        "right_answer": qtype.right_answer(question),
    }
    if not qtype.scored:
        return Grade(points=0.0, fraction=0.0, state=INFO, **common)
    if qtype.is_unanswered(response):
        return Grade(points=0.0, fraction=0.0, state=UNANSWERED, **common)
    if qtype.manual:
        state = NEEDS_GRADING if qtype.response_fits(question, response) else INCORRECT
        return Grade(points=0.0, fraction=0.0, state=state, **common)
    percent, chosen = qtype.grade(question, response)
    fraction = min(max(percent / 100, 0.0), 1.0)
    if 1 - fraction <= FULL_MARKS_SLACK + FLOAT_ROUNDING:
        fraction = 1.0
    elif fraction <= FULL_MARKS_SLACK + FLOAT_ROUNDING:
        fraction = 0.0
    given = [answer for answer in chosen if answer["feedback"]]
    state = state_for(fraction)
    return Grade(
        points=round(max_points * fraction, 2),
        fraction=fraction,
        state=state,
        feedback=[answer["feedback"] for answer in given],
        feedback_formats=[answer.get("feedback_format") or text_format for answer in given],
        marks=qtype.marks(question, response),
        **combined_feedback(question, state, response),
        **common,
    )


def grade_attempt(questions, responses, pass_mark=50):
    """Grade a whole attempt.

    `questions`: [(question id, question data)] in quiz order; `responses`:
    {question id: response} (a missing id is unanswered). The score is
    passed when its percentage reaches `pass_mark`.
    """
    if not isinstance(responses, dict):
        responses = {}
    results = [
        (
            question_id,
            responses.get(question_id),
            grade_question(question, responses.get(question_id)),
        )
        for question_id, question in questions
    ]
    graded = [(grade.points, grade.max_points) for _id, _response, grade in results]
    return AttemptGrade(**totals(graded, pass_mark), results=results)


def totals(graded, pass_mark):
    """{"score", "max_score", "percent", "passed"} of an attempt whose questions were
    graded `graded`: [(points, max points)], in any order. The score is passed
    when its percentage reaches `pass_mark`; the one formula for automatic and
    manual grading alike (quizzes.grading)."""
    score = round(sum(points for points, _max in graded), 2)
    max_score = round(sum(maximum for _points, maximum in graded), 2)
    percent = round(100 * score / max_score, 2) if max_score else 0.0
    return {
        "score": score,
        "max_score": max_score,
        "percent": percent,
        "passed": percent >= pass_mark,
    }


def with_manual_grades(result, rows, pass_mark):
    """`result` (an AttemptGrade) with the grades a teacher gave by hand (quizzes.grading):
    each of `rows` (stored QuestionResults) that has a `graded_at` replaces its
    question's points and state, and adds the teacher's comment to its feedback (plain
    text); the totals follow. `result` itself when nothing was graded by hand."""
    manual = {str(row.question): row for row in rows if row.graded_at}
    if not manual:
        return result
    results = []
    for question_id, response, grade in result.results:
        row = manual.get(str(question_id))
        if row is not None:
            comment = [row.comment] if row.comment else []
            grade = replace(
                grade,
                points=row.points,
                fraction=row.points / row.max_points,
                state=row.state,
                feedback=[*grade.feedback, *comment],
                feedback_formats=[*grade.feedback_formats, *[TextFormat.PLAIN] * len(comment)],
            )
        results.append((question_id, response, grade))
    graded = [(grade.points, grade.max_points) for _id, _response, grade in results]
    return AttemptGrade(**totals(graded, pass_mark), results=results)
