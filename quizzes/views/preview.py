"""Previews: take a quiz as a learner would (nothing is stored); see Markdown as it will show."""

import random

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

from quizzes import scoring
from quizzes.learner import LearnerQuestion, numbered, read_response, response_problems
from quizzes.operations import drawn_questions, question_data
from quizzes.qtypes import registry
from quizzes.rendering import render as render_text
from quizzes.views.access import get_quiz
from sessions_mw.decorators import non_transactional


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
            LearnerQuestion(
                number,
                question_id,
                scoring.learner_view(data),
                shuffle=options.shuffle_answers and shuffle,
            )
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
                LearnerQuestion(
                    number,
                    id_,
                    scoring.learner_view(data),
                    responses[id_],
                    problem=problems.get(id_),
                )
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
            LearnerQuestion(number, question_id, scoring.learner_view(data), response, grade)
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
