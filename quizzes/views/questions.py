"""A quiz's questions: add, edit, duplicate, delete, and put them in order."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from quizzes import operations
from quizzes.access import EDITOR
from quizzes.forms import QuestionEditor, ReorderForm
from quizzes.markdown_images import attach_images, show_image_errors
from quizzes.qtypes import registry
from quizzes.views import merging
from quizzes.views.access import get_question, get_quiz
from quizzes.views.common import (
    CONFLICT,
    FORM_ERRORS,
    QUESTION_CONFLICT,
    archived_refusal,
    quiz_action,
    success,
)
from quizzes.views.editor import editor_url

# The submit button of the question form that keeps editing after saving.
CONTINUE = "save_continue"
# The submit button that asks for more blank answer rows (the form without JavaScript).
ADD_ROWS = "add_rows"


class QuizPlace:
    """Where a question editor works: here, a quiz's editor. quizzes.views.bank_questions
    has the bank's (BankPlace); `question_form` runs either.

    `version` is the version the form carries (the question's, or for a new
    question the quiz's), `save(data, version, choices)` writes the question
    and returns an operations.MergeOutcome (`choices`: a merge's, see
    quizzes.views.merging), `done` answers a saved form, `bind`/`is_valid`
    handle the place's own inputs (none here).
    """

    template = "quizzes/question_form.html"

    def __init__(self, quiz, save, question=None):
        self.quiz = quiz
        self.version = question.version if question else quiz.version
        self.conflict_message = QUESTION_CONFLICT if question else CONFLICT
        self.save = save

    def context(self):
        return {"quiz": self.quiz}

    def bind(self, data):
        pass

    def is_valid(self):
        return True

    def done(self, saved, keep_editing):
        if keep_editing:
            return redirect("question_edit", self.quiz.pk, saved.pk)
        return redirect(editor_url(self.quiz, saved.pk))


def question_form(request, place, qtype, question=None):
    """GET shows the form of a `qtype` question; POST checks it and saves it at `place`,
    with the images chosen in its file inputs (quizzes.markdown_images).

    Refusals answer 400 (content) or 409 (stale version) with everything the
    teacher typed shown again.
    """
    if request.method == "GET":
        data = operations.question_data(question) if question else None
        editor = QuestionEditor(qtype, question=data, version=place.version)
        return show_question_form(request, place, editor, question)
    data, image_errors = attach_images(request.user, request.POST, request.FILES)
    editor = QuestionEditor(qtype, data=data)
    place.bind(request.POST)
    if ADD_ROWS in request.POST:
        return show_question_form(request, place, editor.with_more_rows(), question)
    well_formed = editor.is_valid()
    show_image_errors(editor.forms(), image_errors)
    if place.is_valid() and well_formed and not image_errors:
        try:
            outcome = place.save(editor.to_data(), editor.version, merging.choices(request.POST))
        except ValidationError as error:
            editor.show_errors(error)
        except operations.MergeConflict as conflict:
            messages.error(request, merging.MERGE_CONFLICT)
            rows = merging.conflict_rows(conflict, request.POST)
            return show_question_form(
                request, place, editor, question, 409, (rows, conflict.authors)
            )
        except operations.VersionConflict as conflict:
            messages.error(request, place.conflict_message)
            editor = editor.with_version(conflict.current)
            return show_question_form(request, place, editor, question, status=409)
        else:
            saved = outcome.saved
            done = _("Question “%(name)s” saved.") % {"name": saved}
            success(request, merging.saved_message(done, outcome))
            return place.done(saved, CONTINUE in request.POST)
    messages.error(request, FORM_ERRORS)
    return show_question_form(request, place, editor, question, status=400)


def show_question_form(request, place, editor, question=None, status=200, conflicts=((), ())):
    """The question form page; `conflicts`: (quizzes.views.merging.ConflictRows, the
    names of who saved meanwhile) of a merge that needs the teacher's choices."""
    rows, authors = conflicts
    context = {
        **place.context(),
        "question": question,
        "editor": editor,
        "type_label": editor.qtype.label,
        "continue_name": CONTINUE,
        "add_rows_name": ADD_ROWS,
        "merge_conflicts": rows,
        "merge_authors": authors,
    }
    return render(request, place.template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def add_question(request, quiz_id, qtype):
    quiz = get_quiz(request.user, quiz_id, EDITOR)
    if qtype not in registry.TYPES:
        raise Http404
    if refusal := archived_refusal(request, quiz):
        return refusal

    def save(data, version, choices):
        expected = operations.slots_version(quiz, version)
        added = operations.add_question(quiz, data, expected_version=expected, author=request.user)
        return operations.MergeOutcome(added, None)

    return question_form(request, QuizPlace(quiz, save), qtype)


@login_required
@require_http_methods(["GET", "POST"])
def edit_question(request, quiz_id, question_id):
    quiz = get_quiz(request.user, quiz_id, EDITOR)
    question = get_question(quiz, question_id)
    if refusal := archived_refusal(request, quiz):
        return refusal

    def save(data, version, choices):
        return operations.merge_question(
            question, data, version, author=request.user, choices=choices, quiz=quiz
        )

    return question_form(request, QuizPlace(quiz, save, question), question.type, question)


@quiz_action(slots=True)
def duplicate_question(request, quiz, data, question_id):
    copy = operations.duplicate_question(
        quiz, get_question(quiz, question_id), expected_version=data["version"], author=request.user
    )
    success(request, _("Question duplicated as “%(name)s”.") % {"name": copy})
    return redirect(editor_url(quiz, copy.pk))


@login_required
@require_http_methods(["GET", "POST"])
def confirm_question_delete(request, quiz_id, question_id):
    """GET: the page asking to confirm. Its form posts back here, and delete_question deletes."""
    if request.method == "POST":
        return delete_question(request, quiz_id, question_id=question_id)
    quiz = get_quiz(request.user, quiz_id, EDITOR)
    question = get_question(quiz, question_id)
    if refusal := archived_refusal(request, quiz):
        return refusal
    return render(request, "quizzes/question_delete.html", {"quiz": quiz, "question": question})


@quiz_action(slots=True)
def delete_question(request, quiz, data, question_id):
    """Remove the question from the quiz; the editor then shows the question that
    took its place (or the one before it), on its page."""
    question = get_question(quiz, question_id)
    order = [slot.question for slot in operations.fixed_slots(quiz)]
    index = order.index(question.pk)
    neighbours = order[index + 1 : index + 2] or order[max(index - 1, 0) : index]
    operations.delete_question(
        quiz, question, expected_version=data["version"], author=request.user
    )
    success(
        request,
        _("Question “%(name)s” removed from the quiz; it stays in your question bank.")
        % {"name": question},
    )
    return redirect(editor_url(quiz, *neighbours))


def move(request, quiz, data, question_id, step):
    """Move a question `step` places (-1: up, 1: down), to the next page of the editor
    from the end of one; past either end of the quiz, nothing happens. The editor
    then shows the page where the question is, its button of the same direction
    focused, so that pressing it again moves the question on; at either end of the
    quiz, where that button is disabled, the other one."""
    question = get_question(quiz, question_id)
    order = [slot.question for slot in operations.fixed_slots(quiz)]
    index = order.index(question.pk)
    target = index + step
    if 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
        operations.reorder_questions(
            quiz, order, expected_version=data["version"], author=request.user
        )
        success(request, _("Question “%(name)s” moved.") % {"name": question})
        index = target
    at_the_end = index == (0 if step < 0 else len(order) - 1)
    button = "up" if (step < 0) != at_the_end else "down"
    return redirect(editor_url(quiz, question.pk, f"move-{button}-{question.pk}"))


@quiz_action(slots=True)
def move_question_up(request, quiz, data, question_id):
    return move(request, quiz, data, question_id, -1)


@quiz_action(slots=True)
def move_question_down(request, quiz, data, question_id):
    return move(request, quiz, data, question_id, 1)


@quiz_action(ReorderForm, slots=True)
def reorder_questions(request, quiz, data):
    """Save the order of a drag and drop: the question ids of one page of the editor
    (or of the whole quiz), once each, in their new order; then show that page."""
    operations.reorder_some_questions(
        quiz, data["order"], expected_version=data["version"], author=request.user
    )
    success(request, _("New order saved."))
    return redirect(editor_url(quiz, data["order"][0]))
