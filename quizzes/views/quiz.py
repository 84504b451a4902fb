"""A quiz as a whole: create, edit its settings, publish, duplicate, delete; the editor page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from quizzes import operations
from quizzes.access import EDITOR, OWNER
from quizzes.attempts import with_attempt_counts
from quizzes.forms import QuizEditForm, QuizForm, StatusForm
from quizzes.markdown_images import bound_with_images
from quizzes.models import QuizStatus
from quizzes.views import merging
from quizzes.views.access import get_quiz
from quizzes.views.common import archived_refusal, quiz_action, save_form, success
from quizzes.views.editor import render_editor

STATUS_DONE = {
    QuizStatus.PUBLISHED: gettext_lazy("Quiz published: learners can now take it."),
    QuizStatus.DRAFT: gettext_lazy("The quiz is a draft again: learners no longer see it."),
    QuizStatus.ARCHIVED: gettext_lazy("Quiz archived: learners no longer see it."),
}
REPUBLISHED = gettext_lazy(
    "Changes published: learners get them from now on; attempts already made keep "
    "the questions they were graded on."
)


def show_quiz_form(request, form, quiz=None, status=200):
    return render(request, "quizzes/quiz_form.html", {"form": form, "quiz": quiz}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def create_quiz(request):
    if request.method == "GET":
        return show_quiz_form(request, QuizForm())
    form = bound_with_images(request, QuizForm)

    def save():
        quiz = operations.create_quiz(request.user, form.to_data())
        success(request, _("Quiz “%(title)s” created. Now add its questions.") % {"title": quiz})
        return redirect("quiz_editor", quiz.pk)

    return save_form(
        request, form, save, lambda form, status: show_quiz_form(request, form, status=status)
    )


@login_required
@require_GET
def quiz_editor(request, quiz_id):
    return render_editor(request, quiz_id)


@login_required
@require_http_methods(["GET", "POST"])
def edit_quiz_settings(request, quiz_id):
    quiz = get_quiz(request.user, quiz_id, EDITOR)
    if refusal := archived_refusal(request, quiz):
        return refusal
    if request.method == "GET":
        return show_quiz_form(request, QuizEditForm(initial=QuizForm.initial_for(quiz)), quiz)
    form = bound_with_images(request, QuizEditForm)

    def save():
        outcome = operations.merge_quiz_settings(
            quiz,
            form.to_data(),
            form.cleaned_data["version"],
            author=request.user,
            choices=merging.choices(request.POST),
        )
        success(request, merging.saved_message(_("Quiz settings saved."), outcome))
        return redirect("quiz_editor", quiz.pk)

    return save_form(
        request, form, save, lambda form, status: show_quiz_form(request, form, quiz, status)
    )


@login_required
@require_http_methods(["GET", "POST"])
def confirm_quiz_delete(request, quiz_id):
    """GET: the page asking to confirm. Its form posts back here, and delete_quiz deletes."""
    if request.method == "POST":
        return delete_quiz(request, quiz_id)
    (quiz,) = with_attempt_counts([get_quiz(request.user, quiz_id, OWNER)])
    return render(request, "quizzes/quiz_delete.html", {"quiz": quiz})


@quiz_action(role=OWNER)
def delete_quiz(request, quiz, data):
    """Delete the quiz with its questions and attempts."""
    operations.delete_quiz(quiz, expected_version=data["version"])
    success(request, _("Quiz “%(title)s” deleted.") % {"title": quiz})
    return redirect("dashboard")


@login_required
@require_POST
def duplicate_quiz(request, quiz_id):
    copy = operations.duplicate_quiz(get_quiz(request.user, quiz_id), owner=request.user)
    success(request, _("Copy created: you are now editing “%(title)s”.") % {"title": copy})
    return redirect("quiz_editor", copy.pk)


@quiz_action(StatusForm)
def set_quiz_status(request, quiz, data):
    """Publish (again: "Publish changes"), unpublish, archive or restore the quiz."""
    republished = quiz.status == data["status"] == QuizStatus.PUBLISHED
    operations.set_status(
        quiz, data["status"], expected_version=data["version"], author=request.user
    )
    success(request, REPUBLISHED if republished else STATUS_DONE[data["status"]])
    return redirect("quiz_editor", quiz.pk)
