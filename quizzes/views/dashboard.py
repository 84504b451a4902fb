"""The dashboard: the quizzes a teacher may edit, searchable and paginated."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.views.decorators.http import require_GET

from quizzes.access import manageable_quizzes
from quizzes.forms import DashboardFilterForm

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
    page = Paginator(quizzes.order_by("-updated_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "filtered": bool(search or status),
        "query": query.urlencode(),
    }
    return render(request, "quizzes/dashboard.html", context)
