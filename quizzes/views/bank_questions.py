"""The bank's questions: lists with search and bulk actions, and the bank's question editor.

A list is one category's questions (optionally with its subcategories') or
all of the teacher's. A category shared with the teacher (quizzes.access) is
listed too, marked with its owner: its editors add and edit questions there,
its viewers read them; bulk actions stay with the owner. Its bulk actions post back to the list's own address,
so that a refusal (400) shows the same list again with its message. The
editor is the quiz editor's form (quizzes.views.questions.question_form)
with the bank's own inputs: the category and the tags.
"""

from bson import ObjectId
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from quizzes import access, bank, listing, operations
from quizzes.access import OWNER, bank_categories
from quizzes.fields import FieldError
from quizzes.models import Category
from quizzes.qtypes import registry
from quizzes.validation import parse_tags
from quizzes.views.access import get_bank_question, get_category
from quizzes.views.bank import ancestors
from quizzes.views.bank_forms import BulkForm, PlacementForm, QuestionFilterForm
from quizzes.views.common import BAD_REQUEST, QUESTION_CONFLICT, success
from quizzes.views.questions import question_form
from quizzes.views.slots import add_questions

PAGE_SIZE = 25
COUNT_LIMIT = 1000


def list_url(category=None, question=None):
    """The list of `category`'s questions (None: all of them), at `question` when given."""
    if category is None:
        url = reverse("bank_questions")
    else:
        url = reverse("bank_category", args=[category.pk])
    return f"{url}#question-{question.pk}" if question else url


@login_required
@require_http_methods(["GET", "POST"])
def question_list(request, category_id=None):
    """GET: a category's questions (or all), searched and paginated. POST: a bulk action."""
    role = OWNER if request.method == "POST" else access.VIEWER
    category = get_category(request.user, category_id, role) if category_id else None
    if request.method == "POST":
        return bulk_action(request, category)
    return show_question_list(request, category)


def show_question_list(request, category, bulk=None, status=200):
    """A page of the questions, newest change first, read along an index by position
    (quizzes.listing, `?older=`/`?newer=`), with their categories; counted up to
    COUNT_LIMIT."""
    filters = QuestionFilterForm(request.GET)
    search = filters.filters()
    shared = category is not None and category.role != OWNER
    match = bank.question_match(category.owner if shared else request.user, category, **search)
    total = listing.count(match, COUNT_LIMIT + 1, listing.QUESTIONS)
    positions = listing.positions(request.GET)
    page = listing.page(match, PAGE_SIZE, listing=listing.QUESTIONS, **positions)
    categories = Category.objects.in_bulk({question.category_id for question in page.items})
    ticked = set(bulk.data.getlist("ids")) if bulk is not None else set()
    for question in page.items:
        question.category = categories[question.category_id]
        question.ticked = str(question.pk) in ticked
    context = {
        "category": category,
        "ancestors": ancestors(category) if category and not shared else [],
        "subcategories": Category.objects.filter(
            owner_id=category.owner_id, parent=category, staging=None
        )
        if category
        else [],
        "role": category.role if category else OWNER,
        "filters": filters,
        "filtered": any(search[key] for key in ("text", "tag", "qtype")),
        "page": page,
        "query": listing.other_parameters(request.GET),
        "total": min(total, COUNT_LIMIT),
        "more": total > COUNT_LIMIT,
        "bulk": bulk or BulkForm(request.user),
        "has_categories": category is not None or bank_categories(request.user).exists(),
        "question_types": registry.TYPES.values(),
    }
    return render(request, "quizzes/bank/question_list.html", context, status=status)


def bulk_action(request, category):
    """Move, tag, delete (after a confirmation page) or add to a quiz the ticked questions."""
    form = BulkForm(request.user, request.POST)
    if not form.is_valid():
        return refuse_bulk(request, category, form, form.problem() or BAD_REQUEST)
    action = form.cleaned_data["action"]
    questions = form.ticked()
    back = request.get_full_path()
    if action == "move":
        target = form.category("target")
        if target is None:
            return refuse_bulk(request, category, form, _("Choose the category to move them to."))
        moved = bank.move_questions(request.user, [q.pk for q in questions], target)
        success(
            request,
            ngettext(
                "%(count)s question moved to “%(name)s”.",
                "%(count)s questions moved to “%(name)s”.",
                moved,
            )
            % {"count": moved, "name": target},
        )
    elif action == "tag":
        try:
            tags = parse_tags(form.cleaned_data["tags"])
        except FieldError as error:
            return refuse_bulk(request, category, form, error.error.messages[0])
        if not tags:
            return refuse_bulk(request, category, form, _("Type the tags to add."))
        bank.tag_questions(request.user, [q.pk for q in questions], tags)
        success(
            request,
            ngettext(
                "Tags added to %(count)s question.",
                "Tags added to %(count)s questions.",
                len(questions),
            )
            % {"count": len(questions)},
        )
    elif action == "delete":
        if not form.cleaned_data["confirm"]:
            return confirm_delete(request, category, questions)
        deleted = bank.delete_questions(request.user, [q.pk for q in questions])
        success(
            request,
            ngettext("%(count)s question deleted.", "%(count)s questions deleted.", deleted)
            % {"count": deleted},
        )
    else:
        quiz = form.chosen_quiz()
        if quiz is None:
            return refuse_bulk(request, category, form, _("Choose the quiz to add them to."))
        try:
            add_questions(request, quiz, questions)
        except operations.SlotError as error:
            return refuse_bulk(request, category, form, str(error))
    return redirect(back)


def refuse_bulk(request, category, form, message):
    messages.error(request, message)
    return show_question_list(request, category, form, status=400)


def confirm_delete(request, category, questions):
    """The page asking to confirm a bulk delete (a POST that writes nothing)."""
    context = {
        "category": category,
        "questions": questions,
        "quizzes": bank.quizzes_using([q.pk for q in questions]).order_by("title"),
        "back": request.get_full_path(),
    }
    return render(request, "quizzes/bank/questions_delete.html", context)


class BankPlace:
    """The question editor in the bank (see quizzes.views.questions.QuizPlace): the form
    carries the question's version, and the bank's inputs say its category and tags."""

    template = "quizzes/bank/question_form.html"
    conflict_message = QUESTION_CONFLICT

    def __init__(self, request, question=None, category=None):
        self.user = request.user
        self.question = question
        self.category = question.category if question else category
        self.version = question.version if question else 1
        # In a category shared with the user (quizzes.access) the question is the
        # category owner's, and stays in that category: a colleague adds and edits
        # questions there, and does not arrange the owner's bank.
        role = question.role if question else getattr(category, "role", OWNER)
        self.shared = self.category if role != OWNER else None
        self.owner = self.category.owner if self.shared else self.user
        self.placement = PlacementForm(
            self.user,
            shared=self.shared,
            initial={
                "category": str(self.category.pk) if self.category else "",
                "tags": ", ".join(question.tags) if question else "",
            },
        )

    def context(self):
        return {
            "placement": self.placement,
            "category": self.category,
            "ancestors": ancestors(self.category) if self.category and not self.shared else [],
            "cancel_url": list_url(self.category, self.question),
        }

    def bind(self, data):
        self.placement = PlacementForm(self.user, data, shared=self.shared)

    def is_valid(self):
        return self.placement.is_valid()

    def save(self, data, version, choices):
        data = {**data, "tags": self.placement.cleaned_data["tags"]}
        category = self.placement.category()
        if self.question is None:
            created = bank.create_question(self.owner, category, data, author=self.user)
            return operations.MergeOutcome(created, None)
        outcome = operations.merge_question(
            self.question, data, version, author=self.user, choices=choices
        )
        if category.pk != outcome.saved.category_id:
            bank.move_questions(self.user, [outcome.saved.pk], category)
            outcome.saved.category = category
        return outcome

    def done(self, saved, keep_editing):
        if keep_editing:
            return redirect("bank_question_edit", saved.pk)
        return redirect(list_url(saved.category, saved))


@login_required
@require_http_methods(["GET", "POST"])
def add_bank_question(request, qtype):
    """A new bank question of type `qtype`, in the category ?category= preselects."""
    if qtype not in registry.TYPES:
        raise Http404
    category = placed_category(request.user, request.GET.get("category", ""))
    return question_form(request, BankPlace(request, category=category), qtype)


def placed_category(user, pk):
    """The category `pk` a new question is written in: one of `user`'s own, or one
    shared with them as an editor (PermissionDenied for a viewer); None for no id,
    or the id of a category they may not see."""
    if not ObjectId.is_valid(pk):
        return None
    category = bank_categories(user).filter(pk=pk).first()
    if category is not None:
        return category
    try:
        return get_category(user, pk, access.EDITOR)
    except Http404:
        return None


@login_required
@require_http_methods(["GET", "POST"])
def edit_bank_question(request, question_id):
    question = get_bank_question(request.user, question_id, access.EDITOR)
    return question_form(request, BankPlace(request, question), question.type, question)
