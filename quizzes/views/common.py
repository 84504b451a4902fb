"""Responses and messages shared by the teachers' views."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from quizzes import operations
from quizzes.access import manageable_quizzes
from quizzes.forms import VersionForm
from quizzes.qtypes import registry
from quizzes.views.access import get_quiz
from sessions_mw import on_commit

CONFLICT = _(
    "This quiz was changed by someone else since you opened it, so nothing was saved. "
    "What you typed is still below: check it against the current quiz and save again "
    "to replace their changes."
)
CONFLICT_ACTION = _(
    "This quiz was changed by someone else since you opened it, so nothing was done. "
    "Here is the quiz as it is now: check it and try again."
)
FORM_ERRORS = _("Nothing was saved: please correct the fields marked below.")
BAD_REQUEST = _("That request could not be understood: reload the page and try again.")


def success(request, message):
    """Tell the user `message` once the request's transaction has committed.

    Not before: a view retried after a transient error would say it twice,
    and an aborted one would claim a change that never happened.
    """
    on_commit(lambda: messages.success(request, message))


def render_editor(request, quiz, status=200):
    """The quiz editor page, read fresh from the database."""
    quiz = manageable_quizzes(request.user).get(pk=quiz.pk)
    questions = operations.quiz_questions(quiz)
    context = {
        "quiz": quiz,
        "questions": questions,
        "random_slots": operations.random_slots(quiz),
        "total_points": sum(question.points for question in questions),
        "question_types": [
            (qtype.name, qtype.label, qtype.summary) for qtype in registry.TYPES.values()
        ],
    }
    return render(request, "quizzes/quiz_editor.html", context, status=status)


def refuse(request, quiz, message, status):
    """Show the editor with an error `message`; the status aborts the request transaction."""
    messages.error(request, message)
    return render_editor(request, quiz, status=status)


def quiz_action(form_class=VersionForm):
    """Decorate a POST view that changes a quiz from a small versioned form.

    The view is called as view(request, quiz, data, **url_arguments), with the
    quiz the user may see and the form's cleaned data (its `version` is the
    operation's expected_version). Refused with the editor page: a malformed
    form or an order that is not the quiz's (400), a stale version (409).
    """

    def decorator(view):
        @login_required
        @require_POST
        @wraps(view)
        def action(request, quiz_id, **arguments):
            quiz = get_quiz(request.user, quiz_id)
            form = form_class(request.POST)
            if not form.is_valid():
                return refuse(request, quiz, BAD_REQUEST, 400)
            try:
                return view(request, quiz, form.cleaned_data, **arguments)
            except operations.OrderMismatch as mismatch:
                return refuse(request, quiz, str(mismatch), 400)
            except operations.VersionConflict:
                return refuse(request, quiz, CONFLICT_ACTION, 409)

        return action

    return decorator
