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
    page = listing.page(match, PAGE_SIZE, **listing.positions(request.GET))
    listing.with_owners(page.items, request.user)
    context = {
        "form": form,
        "page": page,
        "filtered": bool(search or status),
        "query": listing.other_parameters(request.GET),
        "total": min(total, COUNT_LIMIT),
        "more": total > COUNT_LIMIT,
    }
    context["to_grade"] = [(attempt, learner(attempt)) for attempt in grading_queue(request.user)]
    return render(request, "quizzes/dashboard.html", context)
