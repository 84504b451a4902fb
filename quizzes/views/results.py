"""A quiz's results for its teacher: the attempts table, one attempt (and grading its
responses), statistics, exports, deleting attempts.

The quiz is looked up in the quizzes the user may see (another teacher's quiz:
404), and so is the attempt, at that quiz. Reads run outside any transaction;
grading and deleting run in the request's (sessions_mw), and a refusal
(400, 409) writes nothing. What the numbers are is quizzes.results,
quizzes.grading and quizzes.statistics' business.
"""

import dataclasses
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from quizzes import attempts, grading, listing, releases, results, scoring
from quizzes.access import EDITOR, needed
from quizzes.fields import format_number
from quizzes.learner import LearnerQuestion
from quizzes.statistics import read_statistics
from quizzes.views.access import get_quiz
from quizzes.views.common import FORM_ERRORS, success
from quizzes.views.results_forms import AttemptFilterForm, DeleteAttemptsForm, GradeForm
from sessions_mw.decorators import non_transactional, request_timeout

PAGE_SIZE = 25
COUNT_LIMIT = 1000
OBJECT_ID = re.compile("[0-9a-f]{24}")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMNS = [
    ("learner", gettext_lazy("Learner")),
    ("release", gettext_lazy("Release")),
    ("started", gettext_lazy("Started")),
    ("submitted", gettext_lazy("Submitted")),
    ("duration", gettext_lazy("Duration")),
    ("score", gettext_lazy("Score")),
    ("percent", gettext_lazy("Percent")),
    ("state", gettext_lazy("State")),
]


def sort_columns(request, current):
    """(key, label, link, aria-sort) of each column: the columns of an order of
    results.SORTS link to its first page (highest first, the filters kept), the others
    have no link; aria-sort on the column the table is sorted by."""
    query = listing.without_position(request.GET)
    columns = []
    for key, label in COLUMNS:
        link = None
        if key in results.SORTS:
            query["sort"] = key
            link = "?" + query.urlencode()
        columns.append((key, label, link, "descending" if key == current else None))
    return columns


@non_transactional
@login_required
@require_GET
def attempt_list(request, quiz_id):
    """The attempts table, filtered, in one of the orders of results.SORTS, a page read
    along an index by position (quizzes.listing, `?older=`/`?newer=`, as the dashboard);
    counted up to COUNT_LIMIT."""
    quiz = get_quiz(request.user, quiz_id)
    form = AttemptFilterForm(request.GET)
    form.is_valid()  # an invalid filter is shown with its error and not applied
    filters = {name: form.cleaned_data.get(name) for name in ("state", "release", "q")}
    sort = form.cleaned_data.get("sort") or results.DEFAULT_SORT
    listed = results.SORTS[sort]
    match = results.attempts_match(
        quiz, filters["state"], filters["release"], (filters["q"] or "").strip()
    )
    total = listing.count(match, COUNT_LIMIT + 1, listed)
    positions = listing.positions(request.GET, listed)
    page = listing.page(match, PAGE_SIZE, listing=listed, **positions)
    rows = [
        {
            "attempt": attempt,
            "learner": results.learner(attempt),
            "duration": duration_text(results.duration(attempt)),
            "state": results.state_label(attempt),
        }
        for attempt in results.with_people(page.items)
    ]
    context = {
        "quiz": quiz,
        "form": form,
        "page": page,
        "query": listing.other_parameters(request.GET),
        "total": min(total, COUNT_LIMIT),
        "more": total > COUNT_LIMIT,
        "rows": rows,
        "columns": sort_columns(request, sort),
        "filtered": any(filters.values()),
    }
    return render(request, "quizzes/results/attempts.html", context)


def duration_text(seconds):
    """ "1 h 5 min", "3 min 20 s", "42 s"; None for None."""
    if seconds is None:
        return None
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return _("%(h)s h %(m)s min") % {"h": hours, "m": minutes}
    if minutes:
        return _("%(m)s min %(s)s s") % {"m": minutes, "s": seconds}
    return _("%(s)s s") % {"s": seconds}


def get_attempt(quiz, attempt_id):
    attempt = results.attempt_of(quiz, attempt_id)
    if attempt is None:
        raise Http404
    return attempt


def question_items(attempt):
    """What the attempt page shows of each question: the learner's view, the response,
    and the grade as stored (points, state, teacher's comment) with the feedback the
    answer key gives; [] for an attempt in progress or made before releases."""
    if attempt.state != attempts.State.SUBMITTED or attempt.release is None:
        return []
    items = []
    number = 0
    for row in attempt.results:
        question_id = str(row.question)
        key = attempt.release.key.get(question_id)
        if key is None:
            continue
        key = releases.with_points(key, row.max_points)
        view = releases.with_points(attempt.release.learner[question_id], row.max_points)
        # Rendered again from its source: the stored text_html is a plain string here.
        view = {name: value for name, value in view.items() if name != "text_html"}
        grade = dataclasses.replace(
            scoring.grade_question(key, row.response),
            points=row.points,
            max_points=row.max_points,
            state=row.state,
        )
        number += grading.gradable(row)
        shown = number if grading.gradable(row) else None
        item = LearnerQuestion(shown, question_id, view, row.response, grade)
        item.row = row
        items.append(item)
    return items


def grade_id(question_id):
    """The ids of a grading form's inputs: one form per question on the page."""
    return f"grade-{question_id}-%s"


def render_attempt(request, quiz, attempt, status=200, forms=None):
    """The attempt page; `forms` maps a question id to its refused GradeForm."""
    forms = forms or {}
    items = question_items(attempt)
    for item in items:
        if grading.gradable(item.row):
            initial = {
                "question": item.question_id,
                # Empty while it waits: the teacher types the points.
                "points": None
                if item.row.state == scoring.NEEDS_GRADING
                else format_number(item.row.points),
                "comment": item.row.comment,
                "version": grading.grading_version(attempt),
            }
            item.form = forms.get(item.question_id) or GradeForm(
                initial=initial, auto_id=grade_id(item.question_id)
            )
            item.manual = item.qtype.manual
    context = {
        "quiz": quiz,
        "attempt": attempt,
        "learner": results.learner(attempt),
        "duration": duration_text(results.duration(attempt)),
        "state": results.state_label(attempt),
        "items": items,
    }
    return render(request, "quizzes/results/attempt.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def attempt_detail(request, quiz_id, attempt_id):
    """GET: one attempt, each response with its grade. POST: grade one response
    (GradeForm, prefixed with the question id); refusals show the page again
    with the error by the form (400), or why nothing was saved (409)."""
    quiz = get_quiz(request.user, quiz_id, needed(request))
    attempt = get_attempt(quiz, attempt_id)
    if request.method == "GET":
        # One left past its deadline is graded as submitted first, as for its learner.
        return render_attempt(request, quiz, attempts.settle(attempt))
    question_id = request.POST.get("question", "")
    form = GradeForm(request.POST, auto_id=grade_id(question_id))
    if not form.is_valid():
        messages.error(request, FORM_ERRORS)
        return render_attempt(request, quiz, attempt, 400, {question_id: form})
    data = form.cleaned_data
    try:
        grading.grade_response(
            attempt,
            data["question"],
            data["points"],
            data["comment"],
            request.user,
            expected_version=data["version"],
        )
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        messages.error(request, FORM_ERRORS)
        return render_attempt(request, quiz, attempt, 400, {question_id: form})
    except (grading.NotSubmitted, grading.GradingConflict) as refused:
        messages.error(request, str(refused))
        return render_attempt(request, quiz, results.attempt_of(quiz, attempt.pk), 409)
    success(request, _("Grade saved."))
    return redirect("results_attempt", quiz.pk, attempt.pk)


@login_required
@require_POST
def delete_attempts(request, quiz_id):
    """POST the attempts picked on the table: the confirmation page; POST again with
    `confirm`: delete them and go back to the table."""
    quiz = get_quiz(request.user, quiz_id, EDITOR)
    picked = [pk for pk in request.POST.getlist("attempt") if OBJECT_ID.fullmatch(pk)]
    chosen = results.attempts_among(quiz, picked)
    form = DeleteAttemptsForm([attempt.pk for attempt in chosen], request.POST)
    if not chosen or not form.is_valid():
        messages.error(request, _("Pick the attempts to delete first."))
        return redirect("results", quiz.pk)
    if not form.cleaned_data["confirm"]:
        rows = [(attempt, results.learner(attempt)) for attempt in chosen]
        return render(request, "quizzes/results/delete.html", {"quiz": quiz, "rows": rows})
    deleted = results.delete_attempts(quiz, [attempt.pk for attempt in chosen])
    success(
        request,
        ngettext("%(count)s attempt deleted.", "%(count)s attempts deleted.", deleted)
        % {"count": deleted},
    )
    return redirect("results", quiz.pk)


@non_transactional
@login_required
@require_GET
def statistics(request, quiz_id):
    """The quiz's statistics: overall numbers, the score histogram, per question."""
    quiz = get_quiz(request.user, quiz_id)
    numbers = read_statistics(quiz)
    peak = max([bin_["count"] for bin_ in numbers["histogram"]] + [1])
    chart = histogram_chart(numbers["histogram"], peak)
    return render(
        request, "quizzes/results/statistics.html", {"quiz": quiz, "stats": numbers, "chart": chart}
    )


CHART = {"width": 480, "height": 240, "left": 16, "right": 16, "bottom": 44, "top": 20}


def histogram_chart(bins, peak):
    """The geometry of the histogram's SVG (the template draws it): one bar per bin, its
    height in proportion to the busiest bin, and the percentages at the bins' edges."""
    plot_width = CHART["width"] - CHART["left"] - CHART["right"]
    plot_height = CHART["height"] - CHART["bottom"] - CHART["top"]
    axis_y = CHART["top"] + plot_height
    step = plot_width / len(bins)
    bars = []
    for index, bin_ in enumerate(bins):
        height = round(plot_height * bin_["count"] / peak, 1)
        x = CHART["left"] + index * step
        bars.append(
            {
                **bin_,
                "x": round(x + 2, 1),
                "width": round(step - 4, 1),
                "y": round(axis_y - height, 1),
                "height": height,
                "label_x": round(x + step / 2, 1),
                "count_y": round(axis_y - height - 5, 1),
            }
        )
    ticks = [
        {
            "x": round(CHART["left"] + index * step, 1),
            "label": bins[0]["low"] + index * (bins[0]["high"] - bins[0]["low"]),
        }
        for index in range(len(bins) + 1)
    ]
    return {
        **CHART,
        "bars": bars,
        "ticks": ticks,
        "axis_y": axis_y,
        "axis_end": CHART["width"] - CHART["right"],
        "tick_y": axis_y + 18,
        "caption_y": CHART["height"] - 4,
    }


def download(quiz, kind, extension):
    filename = f"{slugify(quiz.title) or 'quiz'}-{kind}.{extension}"
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


@non_transactional
@request_timeout(None)  # a big quiz's XLSX is long by design; each read is bounded by the client
@login_required
@require_GET
def export(request, quiz_id, what, extension):
    """`what` ("attempts" or "statistics") as CSV (streamed) or XLSX (one sheet).

    Measured on 20,000 attempts of 7 questions: CSV 3.5 s, XLSX 9.7 s (openpyxl),
    past the request budget: exports have none (attempts are read in batches)."""
    quiz = get_quiz(request.user, quiz_id)
    table = results.attempt_table(quiz) if what == "attempts" else results.statistics_table(quiz)
    headers = download(quiz, what, extension)
    if extension == "csv":
        return StreamingHttpResponse(
            results.csv_lines(table), content_type="text/csv; charset=utf-8", headers=headers
        )
    title = _("Attempts") if what == "attempts" else _("Statistics")
    return HttpResponse(results.xlsx_bytes(title, table), content_type=XLSX, headers=headers)
