"""The dashboard: the quizzes a teacher owns (staff: everyone's), searchable, a page
at a time, and those colleagues share with them, apart.

Pages are reached by position (quizzes.listing), `?older=` or `?newer=` the
position of the quiz next to the page: each costs the same however many quizzes
there are and however deep the page. A position the dashboard did not write
(an old `?page=` link, a mangled URL) shows the first page. The quizzes are
counted only up to COUNT_LIMIT: beyond it the dashboard says "more than".

Shared quizzes are not mixed into the owner-led list (an `$or` would leave its
owner-leading index): the dashboard's first page shows the SHARED_SIZE most
recently changed of them, each marked with its owner and the teacher's role,
for one find of the teacher's shares and, when there are some, one of the
quizzes and one of their owners; `shared/` lists them all, a page at a time.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from quizzes import listing
from quizzes.access import owned_quizzes_match, shared_quiz_roles, shared_quizzes_match
from quizzes.forms import DashboardFilterForm
from quizzes.models import Quiz
from quizzes.results import grading_queue, learner

PAGE_SIZE = 20
COUNT_LIMIT = 1000
SHARED_SIZE = 10


def with_roles(quizzes, user, roles):
    """`quizzes` (shared with `user`), each with its owner and `role` from `roles`."""
    listing.with_owners(quizzes, user)
    for quiz in quizzes:
        quiz.role = roles[quiz.pk]
    return quizzes


def latest_shared(user):
    """(the SHARED_SIZE quizzes shared with `user` changed last, whether there are more)."""
    roles = shared_quiz_roles(user)
    if not roles:
        return [], False
    found = list(
        Quiz.objects.filter(pk__in=list(roles))
        .defer("slots")
        .order_by("-updated_at", "-id")[: SHARED_SIZE + 1]
    )
    return with_roles(found[:SHARED_SIZE], user, roles), len(found) > SHARED_SIZE


@login_required
@require_GET
def dashboard(request):
    form = DashboardFilterForm(request.GET)
    form.is_valid()  # an invalid filter is shown with its error and not applied
    search = form.cleaned_data.get("q", "").strip()
    status = form.cleaned_data.get("status")
    match = owned_quizzes_match(request.user)
    total = listing.count(match, COUNT_LIMIT + 1)
    if search:
        match = {**match, **listing.search(search)}
    if status:
        match = {**match, "status": status}
    positions = listing.positions(request.GET)
    page = listing.page(match, PAGE_SIZE, **positions)
    listing.with_owners(page.items, request.user)
    filtered = bool(search or status)
    shared, more_shared = [], False
    if not (filtered or positions):
        shared, more_shared = latest_shared(request.user)
    context = {
        "form": form,
        "page": page,
        "filtered": filtered,
        "query": listing.other_parameters(request.GET),
        "total": min(total, COUNT_LIMIT),
        "more": total > COUNT_LIMIT,
        "shared": shared,
        "more_shared": more_shared,
    }
    context["to_grade"] = [(attempt, learner(attempt)) for attempt in grading_queue(request.user)]
    return render(request, "quizzes/dashboard.html", context)


@login_required
@require_GET
def shared_quizzes(request):
    """Every quiz shared with the teacher, most recently changed first, a page at a time."""
    roles = shared_quiz_roles(request.user)
    page = listing.page(shared_quizzes_match(roles), PAGE_SIZE, **listing.positions(request.GET))
    with_roles(page.items, request.user, roles)
    context = {"page": page, "query": listing.other_parameters(request.GET)}
    return render(request, "quizzes/shared_quizzes.html", context)
