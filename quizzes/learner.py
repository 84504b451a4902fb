"""Questions as a learner sees and answers them, for every page that shows them: the
teacher's preview and the learner player."""

from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from quizzes import scoring
from quizzes.qtypes import registry
from quizzes.rendering import render as render_text

STATE_LABELS = {
    scoring.CORRECT: _("Correct"),
    scoring.PARTIAL: _("Partially correct"),
    scoring.INCORRECT: _("Incorrect"),
    scoring.UNANSWERED: _("Not answered"),
    scoring.NEEDS_GRADING: _("To be graded by the teacher"),
    scoring.INFO: _("Information"),
}


def field_name(question_id):
    """The name of the input holding the response to a question (types add suffixes)."""
    return f"q-{question_id}"


def read_response(post, question_id, view):
    """The response to one question, in the shape its type takes, from the POST."""
    return registry.of(view).read_response(post, field_name(question_id), view)


class LearnerQuestion:
    """One question as the learner sees it, with their response and, once graded, its grade.

    `view` is the learner's view of the question (scoring.learner_view, or a
    release's learner payload). Texts are rendered (sanitised HTML) here, in
    the question's text format, unless the view brings its text rendered
    (`text_html`); `context` is what the type's template fragment
    (`qtype.template`) shows.
    """

    def __init__(
        self, number, question_id, view, response=None, grade=None, shuffle=None, problem=None
    ):
        self.qtype = registry.of(view)
        self.number = number
        self.question_id = question_id
        self.name = field_name(question_id)
        self.points = view["points"]
        self.response = response
        self.grade = grade
        self.problem = problem  # why the response cannot be submitted (or saved) as it is
        self._format = view["text_format"]
        # A release's text_html was rendered and sanitised (nh3) when it was published.
        rendered = view.get("text_html")
        self.text = mark_safe(rendered) if rendered else self._render(view["text"])  # noqa: S308
        self.context = self.qtype.learner_context(view, self.name, response, self._render, shuffle)
        if grade is not None:
            self.state_label = STATE_LABELS[grade.state]
            self.feedback = [render_text(text, fmt) for text, fmt in grade.formatted_feedback]
            self.general_feedback = render_text(
                grade.general_feedback, grade.general_feedback_format
            )
            self.combined_feedback = render_text(
                grade.combined_feedback, grade.combined_feedback_format
            )
            self.parts_right = (
                None
                if grade.parts_right is None
                else ngettext(
                    "You have %(count)s correct response.",
                    "You have %(count)s correct responses.",
                    grade.parts_right,
                )
                % {"count": grade.parts_right}
            )

    def _render(self, text):
        return render_text(text, self._format)


def numbered(questions):
    """(number, (id, data)) of each question; what learners do not answer has no number."""
    number = 0
    for question_id, data in questions:
        scored = registry.of(data).scored
        number += scored
        yield (number if scored else None), (question_id, data)


def response_problems(questions, responses):
    """{question id: why its response cannot be submitted} (an essay's word limits)."""
    problems = {}
    for question_id, data in questions:
        response = responses.get(question_id)
        qtype = registry.of(data)
        answered = not qtype.is_unanswered(response) and qtype.response_fits(data, response)
        if answered and (problem := qtype.response_problem(data, response)):
            problems[question_id] = problem
    return problems
