"""Sharing a quiz or a bank category with colleagues: the rules, for the UI and the API.

An item (a Quiz, or a Category with everything under it) is shared by its owner
with another teacher, named by user name or e-mail, as an editor or a viewer
(quizzes.access says what each may do). A teacher is an active account that is
not staff (staff see every quiz already). Nobody shares an item with its
owner; sharing with a colleague who has a share already changes its role.

These functions write in the caller's transaction (the request's, from
sessions_mw) and raise ShareError, writing nothing, for a refusal.
"""

import re

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from quizzes.models import Category, CategoryShare, Quiz, QuizShare, Share

ROLES = tuple(Share.Role.values)


class ShareError(ValueError):
    """A share that cannot be made; the message says why, to the person sharing."""


def share_model(item):
    """QuizShare for a Quiz, CategoryShare for a Category."""
    return {Quiz: QuizShare, Category: CategoryShare}[type(item)]


def shares_of(item):
    """The shares of `item`, oldest first, each with its user (two finds)."""
    return list(share_model(item).objects.filter(item=item).select_related("user", "created_by"))


def find_teacher(name):
    """The teacher whose user name or e-mail is `name` (letter case aside; an e-mail
    that names several accounts is refused: give the user name); ShareError for
    none, or for an account that is not a teacher's."""
    name = (name or "").strip()
    if not name:
        raise ShareError(_("Type the user name or e-mail of a colleague."))
    users = get_user_model().objects
    exactly = f"^{re.escape(name)}$"  # letter case aside (the backend's iexact fails on "*")
    found = list(users.filter(username__iregex=exactly)[:1])
    if not found and "@" in name:
        found = list(users.filter(email__iregex=exactly)[:2])
        if len(found) > 1:
            raise ShareError(
                _("Several accounts use the e-mail “%(name)s”: type the user name instead.")
                % {"name": name}
            )
    if not found:
        raise ShareError(_("No teacher has the user name or e-mail “%(name)s”.") % {"name": name})
    user = found[0]
    if not user.is_active or user.is_staff:
        raise ShareError(
            _("“%(name)s” is not a teacher account: only teachers can be given a share.")
            % {"name": user.get_username()}
        )
    return user


def check_role(role):
    if role not in ROLES:
        raise ShareError(_("Choose a role: can edit or can view."))
    return role


def share(item, name, role, by):
    """Share `item` with the teacher `name` (user name or e-mail) as `role`, `by` its
    owner: (the share, whether it is new). A colleague with a share already has
    its role changed instead. ShareError for an unknown or non-teacher account,
    the owner, or a role that is not one."""
    check_role(role)
    user = find_teacher(name)
    if user.pk == item.owner_id:
        if user.pk == by.pk:
            raise ShareError(_("You own it already: share it with a colleague."))
        raise ShareError(_("“%(name)s” owns it already.") % {"name": user.get_username()})
    model = share_model(item)
    existing = model.objects.filter(item=item, user=user).first()
    if existing is not None:
        change_role(existing, role)
        return existing, False
    return model.objects.create(item=item, user=user, role=role, created_by=by), True


def change_role(found, role):
    """Give the share `found` the role `role` (ShareError if it is not one)."""
    found.role = check_role(role)
    type(found).objects.filter(pk=found.pk).update(role=role)
    return found


def revoke(found):
    """End the share `found`: its colleague no longer sees the item."""
    type(found).objects.filter(pk=found.pk).delete()


def get_share(item, share_id):
    """The share `share_id` of `item`, with its user; None for any other id."""
    model = share_model(item)
    return model.objects.filter(pk=share_id, item=item).select_related("user", "created_by").first()
