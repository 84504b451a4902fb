"""The question bank's categories: the tree, create, edit, move, delete.

A teacher arranges only their own bank (quizzes.access): a category shared with
them answers 403 here, another teacher's 404. The rules (no cycles, what a delete takes
with it) live in quizzes.bank; these views read forms and pick responses.
The bank's question lists, editor and versions are in bank_questions.py and
bank_versions.py.
"""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from quizzes import bank
from quizzes.access import OWNER, shared_categories
from quizzes.views.access import get_category
from quizzes.views.bank_forms import (
    CategoryEditForm,
    CategoryForm,
    DeleteCategoryForm,
    MoveCategoryForm,
)
from quizzes.views.common import BAD_REQUEST, save_form, success

CATEGORY_CONFLICT = _(
    "This category was changed by someone else since you opened it, so nothing was saved. "
    "Here it is as it is now: check it and try again."
)


def nest(rows):
    """The flat (category, depth, count) rows of bank.category_tree as a tree of
    {"category", "count", "total" (its subtree's), "children"} nodes."""
    roots, stack = [], []
    for category, depth, count in rows:
        node = {"category": category, "count": count, "total": count, "children": []}
        del stack[depth:]
        (stack[-1]["children"] if stack else roots).append(node)
        for above in stack:
            above["total"] += count
        stack.append(node)
    return roots


def ancestors(category):
    """The categories from the top of the bank down to `category`'s parent (breadcrumbs)."""
    found = []
    while category.parent_id is not None:
        category = category.parent
        found.append(category)
    return found[::-1]


def tree_url(category=None):
    url = reverse("bank")
    return f"{url}#category-{category.pk}" if category else url


@login_required
@require_GET
def bank_home(request):
    rows = bank.category_tree(request.user)
    context = {
        "tree": nest(rows),
        "total": sum(count for _category, _depth, count in rows),
        "form": CategoryForm(request.user),
        "shared": shared_categories(request.user),
    }
    return render(request, "quizzes/bank/home.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def create_category(request):
    """GET: the form (?parent= preselects where). POST: the new category."""
    if request.method == "GET":
        form = CategoryForm(request.user, initial={"parent": request.GET.get("parent", "")})
        return show_category_form(request, form)
    form = CategoryForm(request.user, request.POST)

    def save():
        category = bank.create_category(request.user, form.to_data(), form.category("parent"))
        success(request, _("Category “%(name)s” created.") % {"name": category})
        return redirect(tree_url(category))

    return save_form(request, form, save, partial(show_category_form, request))


def show_category_form(request, form, status=200):
    return render(request, "quizzes/bank/category_form.html", {"form": form}, status=status)


def edit_forms(user, category, data=None, move_data=None):
    edit = CategoryEditForm(
        user,
        data,
        initial={
            "name": category.name,
            "description": category.description,
            "idnumber": category.idnumber,
            "version": category.version,
        },
    )
    move = MoveCategoryForm(
        user,
        move_data,
        exclude=set(bank.subtree_ids(category)),
        initial={"parent": str(category.parent_id or ""), "version": category.version},
    )
    return edit, move


def show_edit_page(request, category, edit, move, status=200):
    context = {
        "category": category,
        "ancestors": ancestors(category),
        "form": edit,
        "move_form": move,
    }
    return render(request, "quizzes/bank/category_edit.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def edit_category(request, category_id):
    """GET: the forms to rename and to move a category. POST: save its name and description."""
    category = get_category(request.user, category_id, OWNER)
    if request.method == "GET":
        return show_edit_page(request, category, *edit_forms(request.user, category))
    edit, move = edit_forms(request.user, category, request.POST)

    def save():
        version = edit.cleaned_data["version"]
        bank.update_category(category, edit.to_data(), expected_version=version)
        success(request, _("Category “%(name)s” saved.") % {"name": category})
        return redirect(tree_url(category))

    def show(form, status):
        return show_edit_page(request, category, form, move, status)

    return save_form(request, edit, save, show, CATEGORY_CONFLICT)


@login_required
@require_POST
def move_category(request, category_id):
    category = get_category(request.user, category_id, OWNER)
    edit, move = edit_forms(request.user, category, move_data=request.POST)
    if not move.is_valid():
        message = (
            _("Choose another place: a category cannot go inside itself or its subcategories.")
            if "parent" in move.errors
            else BAD_REQUEST
        )
        messages.error(request, message)
        return show_edit_page(request, category, edit, move, status=400)
    try:
        bank.move_category(
            category, move.category("parent"), expected_version=move.cleaned_data["version"]
        )
    except bank.CategoryError as error:
        messages.error(request, str(error))
        return show_edit_page(request, category, edit, move, status=400)
    except bank.VersionConflict:
        messages.error(request, CATEGORY_CONFLICT)
        category.refresh_from_db()
        return show_edit_page(request, category, *edit_forms(request.user, category), status=409)
    success(request, _("Category “%(name)s” moved.") % {"name": category})
    return redirect(tree_url(category))


@login_required
@require_http_methods(["GET", "POST"])
def delete_category(request, category_id):
    """GET: the page asking to confirm, saying what goes with the category. POST: delete."""
    category = get_category(request.user, category_id, OWNER)
    if request.method == "GET":
        return show_delete_page(request, category)
    form = DeleteCategoryForm(request.POST)
    if not form.is_valid():
        messages.error(request, BAD_REQUEST)
        return show_delete_page(request, category, status=400)
    try:
        bank.delete_category(
            category,
            with_content=form.cleaned_data["with_content"],
            expected_version=form.cleaned_data["version"],
        )
    except bank.CategoryError as error:
        messages.error(request, str(error))
        return show_delete_page(request, category, status=400)
    except bank.VersionConflict:
        messages.error(request, CATEGORY_CONFLICT)
        return show_delete_page(request, category, status=409)
    success(request, _("Category “%(name)s” deleted.") % {"name": category})
    return redirect("bank")


def show_delete_page(request, category, status=200):
    impact = bank.deletion_impact(category)
    context = {
        "category": category,
        "ancestors": ancestors(category),
        "impact": impact,
        "empty": not (impact["questions"] or impact["subcategories"]),
    }
    return render(request, "quizzes/bank/category_delete.html", context, status=status)
