"""The dashboard: the quizzes a teacher may edit, searchable and paginated."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import render
from django.views.decorators.http import require_GET

from quizzes.access import manageable_quizzes
from quizzes.forms import DashboardFilterForm
from quizzes.results import grading_queue, learner
from quizzes.views.common import paginate

PAGE_SIZE = 20


@login_required
@require_GET
def dashboard(request):
    form = DashboardFilterForm(request.GET)
    quizzes = manageable_quizzes(request.user)
    form.is_valid()  # an invalid filter is shown with its error and not applied
    search = form.cleaned_data.get("q", "").strip()
    status = form.cleaned_data.get("status")
    if search:
        quizzes = quizzes.filter(Q(title__icontains=search) | Q(tags__iexact=search))
    if status:
        quizzes = quizzes.filter(status=status)
    page, query = paginate(request, quizzes.order_by("-updated_at", "-id"), PAGE_SIZE)
    context = {"form": form, "page": page, "filtered": bool(search or status), "query": query}
    context["to_grade"] = [(attempt, learner(attempt)) for attempt in grading_queue(request.user)]
    return render(request, "quizzes/dashboard.html", context)
