"""Responses and messages shared by the teachers' views."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from quizzes import access, operations
from quizzes.forms import VersionForm, with_version
from quizzes.models import QuizStatus
from quizzes.views import merging
from quizzes.views.access import get_quiz
from quizzes.views.bank_forms import OwnedForm
from quizzes.views.editor import render_editor
from sessions_mw import on_commit

CONFLICT = _(
    "This quiz was changed by someone else since you opened it, so nothing was saved. "
    "What you typed is still below: check it against the current quiz and save again "
    "to replace their changes."
)
QUESTION_CONFLICT = _(
    "This question was changed by someone else since you opened it, so nothing was saved. "
    "What you typed is still below: check it against the current version and save again "
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


def inform(request, message):
    """As `success`, for a message that is worth knowing but no success (messages.INFO)."""
    on_commit(lambda: messages.info(request, message))


def save_form(request, form, save, show, conflict_message=CONFLICT):
    """The POST half of a form page: `save()` writes what `form` holds and returns the
    response. Refusals show the form again with show(form, status): a ValidationError
    on the fields it names (400), a merge's conflicts (409: quizzes.views.merging, the
    form given `merge_conflicts` and `merge_authors`, still carrying its version), a
    stale version that cannot be merged (409) with what was typed, set to carry the
    current version so that saving again replaces the other change."""
    if form.is_valid():
        try:
            return save()
        except ValidationError as error:
            form.show_errors(error)
        except operations.MergeConflict as conflict:
            messages.error(request, merging.MERGE_CONFLICT)
            form.merge_conflicts = merging.conflict_rows(conflict, form.data)
            form.merge_authors = conflict.authors
            return show(form, 409)
        except operations.VersionConflict as conflict:
            messages.error(request, conflict_message)
            form.data = with_version(form.data, conflict.current)
            return show(form, 409)
    messages.error(request, FORM_ERRORS)
    return show(form, 400)


def paginate(request, items, size):
    """(the page ?page= asks for, the query string of the other parameters)."""
    page = Paginator(items, size).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def refuse(request, quiz, message, status, form=None):
    """Show the editor with an error `message`; the status aborts the request transaction."""
    messages.error(request, message)
    return render_editor(request, quiz.pk, status=status, form=form)


def archived_refusal(request, quiz):
    """None when `quiz` may be edited. Else what an editing page of an archived quiz
    answers: GET goes to the editor, whose notice says why nothing can be edited
    there; POST is refused (409) with that message."""
    if quiz.status != QuizStatus.ARCHIVED:
        return None
    if request.method == "GET":
        return redirect("quiz_editor", quiz.pk)
    return refuse(request, quiz, operations.ARCHIVED, 409)


def quiz_action(form_class=VersionForm, role=access.EDITOR, slots=False):
    """Decorate a POST view that changes a quiz from a small versioned form.

    The view is called as view(request, quiz, data, **url_arguments), with the
    quiz the user may see with `role` (quizzes.access: 404 for a user who may not
    see it, 403 for one whose role falls short) and the form's cleaned data (its `version` is the
    operation's expected_version). Refused with the editor page: a malformed
    form, an order that is not the quiz's or a slot it cannot take (400), a
    stale version, a change to an archived quiz or publishing a quiz with
    nothing to publish (409). A form of quizzes.views.bank_forms.OwnedForm lists
    the quiz owner's categories. A view that changes only the slots (`slots`) gets
    the current version instead of an older one the page carries, unless the slots
    changed since (quizzes.operations.slots_version): settings and question edits
    made meanwhile do not stop it.
    """

    def decorator(view):
        @login_required
        @require_POST
        @wraps(view)
        def action(request, quiz_id, **arguments):
            quiz = get_quiz(request.user, quiz_id, role)
            if issubclass(form_class, OwnedForm):  # its menus list the quiz owner's bank
                form = form_class(quiz.owner, request.POST)
            else:
                form = form_class(request.POST)
            if not form.is_valid():
                message = FORM_ERRORS if form.errors.keys() - {"version"} else BAD_REQUEST
                return refuse(request, quiz, message, 400, form)
            data = form.cleaned_data
            try:
                if slots:
                    data = {**data, "version": operations.slots_version(quiz, data["version"])}
                return view(request, quiz, data, **arguments)
            except (operations.OrderMismatch, operations.SlotError) as mismatch:
                return refuse(request, quiz, str(mismatch), 400)
            except (
                operations.QuizArchived,
                operations.EmptyQuiz,
                operations.ReleaseTooLarge,
            ) as refused:
                return refuse(request, quiz, str(refused), 409)
            except operations.VersionConflict:
                return refuse(request, quiz, CONFLICT_ACTION, 409)

        return action

    return decorator
