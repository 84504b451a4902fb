"""The "Colleagues" page of a quiz and of a bank category: whom its owner shares it
with, and as what; add a colleague, change a role, revoke a share (after a
confirmation page).

Only the owner manages an item's shares (quizzes.access.OWNER): a colleague it
is shared with gets 403, anyone else 404. The rules are in quizzes.colleagues;
every POST runs in the request's transaction (sessions_mw), and a refusal shows
the page again with its message and a 400, writing nothing.
"""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from quizzes import access, colleagues
from quizzes.models import Share
from quizzes.views.bank import ancestors
from quizzes.views.common import success


class ShareForm(forms.Form):
    user = forms.CharField(
        label=gettext_lazy("User name or e-mail"),
        max_length=254,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "required": True}),
    )
    role = forms.ChoiceField(
        label=gettext_lazy("Role"), choices=Share.Role.choices, initial=Share.Role.EDITOR
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Share.Role.choices)


@dataclass(frozen=True)
class Subject:
    """What a colleagues page is about: a quiz or a bank category."""

    kind: str  # "quiz" or "category": the URL names' prefix
    find: object  # (user, id, role) -> the item, with its `role`
    back: str  # the URL name of the item's own page
    explanation: str

    def item(self, request, item_id):
        return self.find(request.user, item_id, access.OWNER)

    def url(self, item):
        return reverse(f"{self.kind}_colleagues", args=[item.pk])

    def context(self, item):
        if self.kind == "category":
            return {"category": item, "ancestors": ancestors(item)}
        return {"quiz": item}


QUIZ = Subject(
    "quiz",
    access.get_quiz,
    "quiz_editor",
    gettext_lazy(
        "Editors can change the quiz (settings, questions, publishing, grading) but not "
        "delete it or share it; viewers can open, preview and export it and see its "
        "history and results, without changing anything."
    ),
)
CATEGORY = Subject(
    "category",
    access.get_category,
    "bank_category",
    gettext_lazy(
        "Colleagues get this category with its subcategories and their questions. Editors "
        "can edit those questions and add new ones there; viewers can open, preview and "
        "export them. Only you can rename, move, delete or share the categories."
    ),
)


def show(request, subject, item, form=None, status=200):
    context = {
        **subject.context(item),
        "subject": subject,
        "item": item,
        "back_url": reverse(subject.back, args=[item.pk]),
        "shares": [
            (found, RoleForm(initial={"role": found.role}, prefix=str(found.pk)))
            for found in colleagues.shares_of(item)
        ],
        "form": form or ShareForm(),
    }
    return render(request, "quizzes/colleagues.html", context, status=status)


def colleagues_page(subject):
    """The page, and its POST: share with a colleague (again: change their role)."""

    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request, item_id):
        item = subject.item(request, item_id)
        if request.method == "GET":
            return show(request, subject, item)
        form = ShareForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Nothing was shared: choose a role."))
            return show(request, subject, item, form, 400)
        data = form.cleaned_data
        try:
            found, created = colleagues.share(item, data["user"], data["role"], request.user)
        except colleagues.ShareError as error:
            form.add_error("user", str(error))
            messages.error(request, _("Nothing was shared: %(reason)s") % {"reason": error})
            return show(request, subject, item, form, 400)
        values = {"name": found.user.get_username(), "role": found.get_role_display()}
        if created:
            success(request, _("Shared with %(name)s, who %(role)s.") % values)
        else:
            success(request, _("%(name)s had it already: now they %(role)s.") % values)
        return redirect(subject.url(item))

    return view


def share_of(item, share_id):
    found = colleagues.get_share(item, share_id)
    if found is None:
        raise Http404
    return found


def role_change(subject):
    @login_required
    @require_POST
    def view(request, item_id, share_id):
        item = subject.item(request, item_id)
        found = share_of(item, share_id)
        form = RoleForm(request.POST, prefix=str(found.pk))
        if not form.is_valid():
            messages.error(request, _("Nothing was changed: choose a role."))
            return show(request, subject, item, status=400)
        colleagues.change_role(found, form.cleaned_data["role"])
        values = {"name": found.user.get_username(), "role": found.get_role_display()}
        success(request, _("%(name)s now %(role)s.") % values)
        return redirect(subject.url(item))

    return view


def revocation(subject):
    """GET: the page asking to confirm. POST: revoke the share."""

    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request, item_id, share_id):
        item = subject.item(request, item_id)
        found = share_of(item, share_id)
        if request.method == "GET":
            context = {
                **subject.context(item),
                "subject": subject,
                "item": item,
                "share": found,
                "back_url": subject.url(item),
            }
            return render(request, "quizzes/colleagues_revoke.html", context)
        colleagues.revoke(found)
        success(
            request,
            _("%(name)s no longer has access.") % {"name": found.user.get_username()},
        )
        return redirect(subject.url(item))

    return view


quiz_colleagues = colleagues_page(QUIZ)
quiz_colleague_role = role_change(QUIZ)
quiz_colleague_revoke = revocation(QUIZ)
category_colleagues = colleagues_page(CATEGORY)
category_colleague_role = role_change(CATEGORY)
category_colleague_revoke = revocation(CATEGORY)
