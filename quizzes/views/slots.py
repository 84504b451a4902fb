"""A quiz built from the bank: add bank questions, add and remove random slots."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from quizzes import bank, listing, operations
from quizzes.access import EDITOR
from quizzes.views.access import get_category, get_quiz
from quizzes.views.bank_forms import (
    AddFromBankForm,
    CategoryChoiceField,
    QuestionFilterForm,
    RandomSlotForm,
    SlotForm,
)
from quizzes.views.common import (
    BAD_REQUEST,
    archived_refusal,
    inform,
    quiz_action,
    success,
)
from quizzes.views.editor import editor_url

PAGE_SIZE = 50


class BrowseForm(QuestionFilterForm):
    """The category and search of the "add from the bank" page."""

    category = CategoryChoiceField(label=_("Category"), required=False)

    def __init__(self, owner, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].root_label = _("All categories")
        self.fields["category"].set_owner(owner)


@login_required
@require_http_methods(["GET", "POST"])
def add_from_bank(request, quiz_id):
    """GET: browse the quiz owner's bank, tick questions. POST: add them at the end of the quiz.

    Questions already in the quiz are left out and named in a message, not refused.
    """
    quiz = get_quiz(request.user, quiz_id, EDITOR)
    if refusal := archived_refusal(request, quiz):
        return refusal
    if request.method == "POST":
        return add_ticked(request, quiz)
    return show_bank_browser(request, quiz)


def show_bank_browser(request, quiz, form=None, status=200):
    """A page of the quiz owner's bank questions, newest change first, read along an
    index by position (quizzes.listing, `?older=`/`?newer=`), those in the quiz marked."""
    browse = BrowseForm(quiz.owner, request.GET)
    filters = browse.filters()
    pk = browse.cleaned_data.get("category")
    category = get_category(quiz.owner, pk) if pk else None
    match = bank.question_match(quiz.owner, category, **filters)
    positions = listing.positions(request.GET)
    page = listing.page(match, PAGE_SIZE, listing=listing.QUESTIONS, **positions)
    present = {slot.question for slot in quiz.slots}
    for question in page.items:
        question.in_quiz = question.pk in present
    context = {
        "quiz": quiz,
        "browse": browse,
        "page": page,
        "query": listing.other_parameters(request.GET),
        "form": form,
        "category": category,
    }
    return render(request, "quizzes/bank/add_to_quiz.html", context, status=status)


def add_ticked(request, quiz):
    form = AddFromBankForm(quiz.owner, request.POST)
    if not form.is_valid():
        messages.error(request, form.problem() or BAD_REQUEST)
        return show_bank_browser(request, quiz, form, status=400)
    try:
        expected = operations.slots_version(quiz, form.cleaned_data["version"])
        added = add_questions(request, quiz, form.ticked(), expected_version=expected)
    except operations.VersionConflict:
        messages.error(request, _("This quiz changed since you opened this page: tick again."))
        return show_bank_browser(request, quiz, status=409)
    except operations.SlotError as error:
        messages.error(request, str(error))
        return show_bank_browser(request, quiz, status=400)
    return redirect(editor_url(quiz, *[question.pk for question in added[:1]]))


def add_questions(request, quiz, questions, expected_version=None):
    """Add the bank `questions` at the end of `quiz`, but those already in it, which
    a message names (adding a question twice is no error here); returns those added."""
    present = {slot.question for slot in quiz.slots}
    new = [question for question in questions if question.pk not in present]
    already = [question.name for question in questions if question.pk in present]
    if new:
        operations.add_slots(quiz, new, expected_version=expected_version, author=request.user)
    added = len(new)
    if added:
        success(
            request,
            ngettext(
                "%(count)s question added to the quiz.",
                "%(count)s questions added to the quiz.",
                added,
            )
            % {"count": added},
        )
    if already:
        names = ", ".join(f"“{name}”" for name in already[:10])
        if len(already) > 10:
            names += ", …"
        message = ngettext(
            "Already in the quiz, so not added again: %(names)s.",
            "Already in the quiz, so not added again (%(count)s): %(names)s.",
            len(already),
        ) % {"names": names, "count": len(already)}
        inform(request, message)
    return new


@quiz_action(RandomSlotForm, slots=True)
def add_random_slot(request, quiz, data):
    category = get_category(quiz.owner, data["category"])
    operations.add_random_slot(
        quiz,
        category,
        data["count"],
        data["include_subcategories"],
        expected_version=data["version"],
        author=request.user,
    )
    success(
        request,
        ngettext(
            "Added: %(count)s random question from “%(name)s”.",
            "Added: %(count)s random questions from “%(name)s”.",
            data["count"],
        )
        % {"count": data["count"], "name": category.name},
    )
    return redirect("quiz_editor", quiz.pk)


@quiz_action(SlotForm, slots=True)
def remove_slot(request, quiz, data):
    if operations.find_slot(quiz, data["slot"]) is None:
        raise Http404
    operations.remove_slot(
        quiz, data["slot"], expected_version=data["version"], author=request.user
    )
    success(request, _("Random questions removed from the quiz."))
    return redirect("quiz_editor", quiz.pk)
