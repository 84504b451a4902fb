"""Previews: take a quiz as a learner would (nothing is stored); see Markdown as it will show."""

import random

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from quizzes import scoring
from quizzes.operations import drawn_questions, question_data
from quizzes.qtypes import registry
from quizzes.rendering import render as render_text
from quizzes.views.access import get_quiz
from sessions_mw.decorators import non_transactional

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

    Texts are rendered (sanitised HTML) here, in the question's text format;
    `context` is what the type's template fragment (`qtype.template`) shows.
    """

    def __init__(
        self, number, question_id, data, response=None, grade=None, shuffle=None, problem=None
    ):
        view = scoring.learner_view(data)
        self.qtype = registry.of(view)
        self.number = number
        self.question_id = question_id
        self.name = field_name(question_id)
        self.points = view["points"]
        self.response = response
        self.grade = grade
        self.problem = problem  # why the response cannot be submitted as it is
        self._format = view["text_format"]
        self.text = self._render(view["text"])
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


@non_transactional  # writes nothing, so needs no transaction
@login_required
@require_http_methods(["GET", "POST"])
def quiz_preview(request, quiz_id):
    """GET: the quiz as a learner gets it. POST: the graded attempt, which is not stored."""
    quiz = get_quiz(request.user, quiz_id)
    options = quiz.options
    # A random slot's draw is made on GET; the POST grades the questions that were shown.
    shown = request.POST.getlist("shown") if request.method == "POST" else ()
    questions = [(str(q.pk), question_data(q)) for q in drawn_questions(quiz, shown)]
    context = {"quiz": quiz}
    if request.method == "GET":
        shuffle = random.SystemRandom().shuffle
        if options.shuffle_questions:
            shuffle(questions)
        context["items"] = [
            LearnerQuestion(number, question_id, data, shuffle=options.shuffle_answers and shuffle)
            for number, (question_id, data) in numbered(questions)
        ]
    else:
        responses = {
            question_id: read_response(request.POST, question_id, scoring.learner_view(data))
            for question_id, data in questions
        }
        problems = response_problems(questions, responses)
        if problems:
            # Shown again with what was answered and why it cannot be submitted yet.
            context["items"] = [
                LearnerQuestion(number, id_, data, responses[id_], problem=problems.get(id_))
                for number, (id_, data) in numbered(questions)
            ]
            context["problems"] = len(problems)
            return render(request, "quizzes/preview.html", context, status=400)
        attempt = scoring.grade_attempt(questions, responses, pass_mark=options.pass_mark)
        context["attempt"] = attempt
        context["needs_grading"] = any(
            grade.state == scoring.NEEDS_GRADING for _id, _response, grade in attempt.results
        )
        context["items"] = [
            LearnerQuestion(number, question_id, data, response, grade)
            for (number, (question_id, data)), (_id, response, grade) in zip(
                numbered(questions), attempt.results, strict=True
            )
        ]
    return render(request, "quizzes/preview.html", context)


@non_transactional  # writes nothing, so needs no transaction
@login_required
@require_POST
def markdown_preview(request):
    """The HTML a text will show as: POST `field` (the name of the field holding the text),
    that field, and optionally `text_format`, `format_field` (the name of the field holding
    the text's own format; empty: `text_format`) and `qtype` (a question's text, as its
    type shows it)."""
    text = request.POST.get(request.POST.get("field", "text"), "")
    own_format = request.POST.get(request.POST.get("format_field", ""), "")
    text_format = own_format or request.POST.get("text_format", "markdown")
    qtype = registry.TYPES.get(request.POST.get("qtype"))
    if qtype is None:
        html = render_text(text, text_format)
    else:
        html = qtype.preview(text, lambda part: render_text(part, text_format))
    return render(request, "quizzes/_markdown_preview.html", {"html": html})
