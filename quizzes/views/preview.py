"""Previews: take a quiz as a learner would (nothing is stored); see Markdown as it will show."""

import random

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from quizzes import scoring
from quizzes.operations import question_data
from quizzes.rendering import render as render_text
from quizzes.views.access import get_quiz
from sessions_mw.decorators import non_transactional

STATE_LABELS = {
    scoring.CORRECT: _("Correct"),
    scoring.PARTIAL: _("Partially correct"),
    scoring.INCORRECT: _("Incorrect"),
    scoring.UNANSWERED: _("Not answered"),
    scoring.NEEDS_GRADING: _("To be graded by the teacher"),
}


def field_name(question_id, stem_id=None):
    """The name of the input holding the response to a question (or to a matching stem)."""
    return f"q-{question_id}" if stem_id is None else f"q-{question_id}-{stem_id}"


def read_response(post, question_id, view):
    """The response to one question, in the shape quizzes.scoring takes, from the POST."""
    name = field_name(question_id)
    kind = view["type"]
    if kind == "multichoice":
        return post.get(name) if view["single"] else post.getlist(name)
    if kind == "truefalse":
        return {"true": True, "false": False}.get(post.get(name))
    if kind == "matching":
        chosen = {
            str(stem["id"]): post.get(field_name(question_id, stem["id"])) for stem in view["stems"]
        }
        return {stem: match for stem, match in chosen.items() if match}
    return post.get(name, "")


def chosen_ids(response):
    """The choice ids of a multichoice response, as the strings the form posts."""
    values = response if isinstance(response, list) else [response]
    return {str(value) for value in values if value is not None}


class LearnerQuestion:
    """One question as the learner sees it, with their response and, once graded, its grade.

    Texts are rendered (sanitised HTML) here, in the question's text format.
    """

    def __init__(self, number, question_id, data, response=None, grade=None, shuffle=None):
        view = scoring.learner_view(data)
        self.number = number
        self.type = view["type"]
        self.name = field_name(question_id)
        self.points = view["points"]
        self.response = response
        self.grade = grade
        self._format = view["text_format"]
        self.text = self._render(view["text"])
        if self.type == "multichoice":
            self.single = view["single"]
            chosen = chosen_ids(response)
            self.choices = [
                {"id": c["id"], "html": self._render(c["text"]), "checked": str(c["id"]) in chosen}
                for c in view["choices"]
            ]
            if shuffle and view["shuffle_answers"]:
                shuffle(self.choices)
        elif self.type == "matching":
            given = response or {}
            self.stems = [
                {
                    "html": self._render(stem["text"]),
                    "name": field_name(question_id, stem["id"]),
                    "selected": given.get(str(stem["id"]), ""),
                }
                for stem in view["stems"]
            ]
            self.options = list(view["options"])
            if shuffle and view["shuffle_answers"]:
                shuffle(self.options)
        if grade is not None:
            self.state_label = STATE_LABELS[grade.state]
            self.feedback = [self._render(text) for text in grade.feedback]
            self.general_feedback = self._render(grade.general_feedback)

    def _render(self, text):
        return render_text(text, self._format)


@non_transactional  # writes nothing, so needs no transaction
@login_required
@require_http_methods(["GET", "POST"])
def quiz_preview(request, quiz_id):
    """GET: the quiz as a learner gets it. POST: the graded attempt, which is not stored."""
    quiz = get_quiz(request.user, quiz_id)
    options = quiz.options
    questions = [(str(q.pk), question_data(q)) for q in quiz.questions.order_by("position", "id")]
    context = {"quiz": quiz}
    if request.method == "GET":
        shuffle = random.SystemRandom().shuffle
        if options.shuffle_questions:
            shuffle(questions)
        context["items"] = [
            LearnerQuestion(number, question_id, data, shuffle=options.shuffle_answers and shuffle)
            for number, (question_id, data) in enumerate(questions, 1)
        ]
    else:
        responses = {
            question_id: read_response(request.POST, question_id, scoring.learner_view(data))
            for question_id, data in questions
        }
        attempt = scoring.grade_attempt(questions, responses, pass_mark=options.pass_mark)
        context["attempt"] = attempt
        context["needs_grading"] = any(
            grade.state == scoring.NEEDS_GRADING for _id, _response, grade in attempt.results
        )
        context["items"] = [
            LearnerQuestion(number, question_id, data, response, grade)
            for number, ((question_id, data), (_id, response, grade)) in enumerate(
                zip(questions, attempt.results, strict=True), 1
            )
        ]
    return render(request, "quizzes/preview.html", context)


@non_transactional  # writes nothing, so needs no transaction
@login_required
@require_POST
def markdown_preview(request):
    """The HTML a text will show as: POST `field` (the name of the field holding the text),
    that field, and optionally `text_format`."""
    text = request.POST.get(request.POST.get("field", "text"), "")
    html = render_text(text, request.POST.get("text_format", "markdown"))
    return render(request, "quizzes/_markdown_preview.html", {"html": html})
