"""The dashboard: the quizzes a teacher may edit, searchable, a page at a time.

Pages are reached by position (quizzes.listing), `?older=` or `?newer=` the
position of the quiz next to the page: each costs the same however many quizzes
there are and however deep the page. A position the dashboard did not write
(an old `?page=` link, a mangled URL) shows the first page. The quizzes are
counted only up to COUNT_LIMIT: beyond it the dashboard says "more than".
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from quizzes import listing
from quizzes.access import manageable_quizzes_match
from quizzes.forms import DashboardFilterForm
from quizzes.results import grading_queue, learner

PAGE_SIZE = 20
COUNT_LIMIT = 1000
POSITIONS = ("older", "newer")


@login_required
@require_GET
def dashboard(request):
    form = DashboardFilterForm(request.GET)
    form.is_valid()  # an invalid filter is shown with its error and not applied
    search = form.cleaned_data.get("q", "").strip()
    status = form.cleaned_data.get("status")
    match = manageable_quizzes_match(request.user)
    total = listing.count(match, COUNT_LIMIT + 1)
    if search:
        match = {**match, **listing.search(search)}
    if status:
        match = {**match, "status": status}
    page = listing.page(match, PAGE_SIZE, **positions(request.GET))
    listing.with_owners(page.items, request.user)
    query = request.GET.copy()
    for name in (*POSITIONS, "page"):
        query.pop(name, None)
    context = {
        "form": form,
        "page": page,
        "filtered": bool(search or status),
        "query": query.urlencode(),
        "total": min(total, COUNT_LIMIT),
        "more": total > COUNT_LIMIT,
    }
    context["to_grade"] = [(attempt, learner(attempt)) for attempt in grading_queue(request.user)]
    return render(request, "quizzes/dashboard.html", context)


def positions(parameters):
    """listing.page's older_than or newer_than as `parameters` give it; none if the
    position is not one the dashboard wrote."""
    for name in POSITIONS:
        if name in parameters:
            try:
                return {f"{name}_than": listing.Position.parse(parameters[name])}
            except listing.InvalidPosition:
                return {}
    return {}
