"""The results pages: attempts table, attempt and grading, statistics, exports, deleting."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from quizzes import attempts, grading, operations, releases, results
from quizzes.models import Attempt
from quizzes.tests.fixtures.plugin import question_named
from quizzes.tests.test_api.conftest import question_ids
from quizzes.views.results import PAGE_SIZE


def url(quiz, suffix=""):
    return f"/quizzes/{quiz.pk}/results/{suffix}"


def ann(quiz):
    return Attempt.objects.get(quiz=quiz, learner_name="Ann")


def test_the_table_lists_the_attempts_with_their_state(owner_client, graded_quiz):
    page = owner_client.get(url(graded_quiz))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Ann" in text and "=Bob" in text
    assert "needs grading" in text
    assert 'aria-sort="descending"' in text


def test_filters_and_the_orders_an_index_keeps(owner_client, graded_quiz, other_teacher):
    only_bob = owner_client.get(url(graded_quiz), {"q": "bob"}).content.decode()
    assert "=Bob" in only_bob and ">Ann<" not in only_bob
    waiting = owner_client.get(url(graded_quiz), {"state": "needs_grading"}).content.decode()
    assert ">Ann<" in waiting and "=Bob" not in waiting
    operations.record_attempt(releases.live_release(graded_quiz), {}, user=other_teacher)
    by_username = owner_client.get(url(graded_quiz), {"q": other_teacher.username[1:].upper()})
    assert [results.learner(attempt) for attempt in by_username.context["page"].items] == [
        other_teacher.username
    ]
    newest = owner_client.get(url(graded_quiz), {"state": "submitted"}).content.decode()
    assert newest.index("=Bob") < newest.index(">Ann<")  # Bob submitted after Ann
    best = owner_client.get(url(graded_quiz), {"sort": "percent", "state": "submitted"})
    best = best.content.decode()
    assert best.index(">Ann<") < best.index("=Bob")  # all right, against one wrong
    assert best.count('aria-sort="descending"') == 1 and "Percent <span" in best
    # Only the orders an index keeps are links, each to its first page, filters kept.
    head = best[best.index("<thead>") : best.index("</thead>")]
    links = [set(link.split("&amp;")) for link in re.findall(r'href="\?([^"]*)"', head)]
    assert links == [{"state=submitted", f"sort={key}"} for key in ("submitted", "percent")]
    assert ">Learner</th>" in best and ">Duration</th>" in best and "sort=learner" not in best
    old_link = owner_client.get(url(graded_quiz), {"sort": "-duration"})  # the default order
    assert old_link.status_code == 200
    assert [results.learner(a) for a in old_link.context["page"].items][1:] == ["=Bob", "Ann"]
    none = owner_client.get(url(graded_quiz), {"release": 9}).content.decode()
    assert "No attempt matches these filters" in none


def test_empty_state(owner_client, results_quiz):
    assert "No attempt yet" in owner_client.get(url(results_quiz)).content.decode()


@pytest.mark.parametrize(
    "suffix", ["", "statistics/", "export.csv", "export.xlsx", "statistics.xlsx"]
)
def test_another_teachers_quiz_is_a_404(client_for, other_teacher, graded_quiz, suffix):
    assert client_for(other_teacher).get(url(graded_quiz, suffix)).status_code == 404


def test_another_teacher_cannot_see_nor_grade_an_attempt(client_for, other_teacher, graded_quiz):
    attempt = ann(graded_quiz)
    client = client_for(other_teacher)
    assert client.get(url(graded_quiz, f"{attempt.pk}/")).status_code == 404
    essay = question_ids(graded_quiz)["essay"]
    post = client.post(url(graded_quiz, f"{attempt.pk}/"), {"question": essay, "points": 1})
    assert post.status_code == 404


def test_the_teacher_grades_the_essay_and_the_score_updates(owner_client, graded_quiz):
    attempt = ann(graded_quiz)
    page = owner_client.get(url(graded_quiz, f"{attempt.pk}/"))
    assert page.status_code == 200
    assert "Sea and sun." in page.content.decode()
    essay = question_ids(graded_quiz)["essay"]
    answer = owner_client.post(
        url(graded_quiz, f"{attempt.pk}/"), {"question": essay, "points": "1", "comment": "Nice"}
    )
    assert answer.status_code == 302
    attempt.refresh_from_db()
    assert attempt.score == attempt.max_score
    assert attempt.ungraded == 0
    after = owner_client.get(url(graded_quiz, f"{attempt.pk}/")).content.decode()
    assert "Nice" in after


def test_bad_points_are_shown_by_the_form(owner_client, graded_quiz):
    attempt = ann(graded_quiz)
    essay = question_ids(graded_quiz)["essay"]
    for points in ("5", "-1", "lots"):
        answer = owner_client.post(
            url(graded_quiz, f"{attempt.pk}/"), {"question": essay, "points": points}
        )
        assert answer.status_code == 400
        assert 'aria-invalid="true"' in answer.content.decode()
    attempt.refresh_from_db()
    assert attempt.ungraded == 1


def test_statistics_page_draws_the_histogram(owner_client, graded_quiz):
    page = owner_client.get(url(graded_quiz, "statistics/")).content.decode()
    assert "<svg" in page and "<title" in page and "style=" not in page
    assert "Facility index" in page


def test_csv_export_reads_back_and_is_guarded(owner_client, graded_quiz):
    answer = owner_client.get(url(graded_quiz, "export.csv"))
    rows = list(csv.reader(io.StringIO(b"".join(answer.streaming_content).decode())))
    assert rows[0][:3] == ["Learner", "Started", "Submitted"]
    learners = {row[0] for row in rows[1:]}
    assert learners == {"Ann", "'=Bob"}


def test_xlsx_export_holds_the_values(owner_client, graded_quiz):
    answer = owner_client.get(url(graded_quiz, "export.xlsx"))
    sheet = load_workbook(io.BytesIO(answer.content)).active
    rows = list(sheet.values)
    assert rows[0][0] == "Learner"
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Ann"][4] == 6.0 and by_name["Ann"][5] == 7.0
    assert by_name["'=Bob"][4] == 5.0 and by_name["'=Bob"][7] is True
    stats = load_workbook(io.BytesIO(owner_client.get(url(graded_quiz, "statistics.xlsx")).content))
    assert next(stats.active.values)[0] == "Question"


def test_delete_asks_for_confirmation(owner_client, graded_quiz):
    attempt = ann(graded_quiz)
    confirm = owner_client.post(url(graded_quiz, "delete/"), {"attempt": [str(attempt.pk)]})
    assert confirm.status_code == 200 and "Delete for good" in confirm.content.decode()
    assert Attempt.objects.filter(pk=attempt.pk).exists()
    done = owner_client.post(
        url(graded_quiz, "delete/"), {"attempt": [str(attempt.pk)], "confirm": "on"}
    )
    assert done.status_code == 302
    assert not Attempt.objects.filter(pk=attempt.pk).exists()
    assert Attempt.objects.filter(quiz=graded_quiz).count() == 1


def test_the_dashboard_lists_attempts_to_grade(owner_client, graded_quiz):
    page = owner_client.get("/").content.decode()
    assert "Needs grading" in page and "Ann" in page


@pytest.mark.parametrize("sort", ["submitted", "percent"])
def test_the_table_is_paged_by_position(owner_client, results_quiz, sort):
    release = releases.live_release(results_quiz)
    made = [operations.record_attempt(release, {}).pk for _ in range(PAGE_SIZE + 1)]
    first = owner_client.get(url(results_quiz), {"sort": sort})
    page = first.context["page"]
    assert [attempt.pk for attempt in page.items] == made[::-1][:PAGE_SIZE]  # 0 %: by id
    text = first.content.decode()
    assert "26 attempts" in text and f"sort={sort}&amp;older={page.older}" in text
    second = owner_client.get(url(results_quiz), {"sort": sort, "older": str(page.older)})
    assert [attempt.pk for attempt in second.context["page"].items] == made[:1]
    assert second.content.decode().count('name="attempt"') == 1
    back = second.context["page"].newer
    again = owner_client.get(url(results_quiz), {"sort": sort, "newer": str(back)})
    assert [attempt.pk for attempt in again.context["page"].items] == made[::-1][:PAGE_SIZE]
    mangled = owner_client.get(url(results_quiz), {"sort": sort, "older": "2-x", "page": 2})
    assert mangled.context["page"].items == page.items


def test_staff_see_the_results_but_grade_nothing_of_their_own(client_for, staff, graded_quiz):
    client = client_for(staff)
    assert client.get(url(graded_quiz)).status_code == 200
    assert client.get(url(graded_quiz, f"{ann(graded_quiz).pk}/")).status_code == 200
    assert "Needs grading" not in client.get("/").content.decode()  # not their quiz


def test_a_forged_attempt_id_is_a_404(owner_client, graded_quiz, results_quiz):
    assert owner_client.get(url(graded_quiz, f"{'0' * 24}/")).status_code == 404
    assert owner_client.get(url(graded_quiz, "not-an-id/")).status_code == 404


def test_deleting_nothing_picked_goes_back_with_a_message(owner_client, graded_quiz):
    answer = owner_client.post(url(graded_quiz, "delete/"), {"attempt": ["zz"]}, follow=True)
    assert "Pick the attempts to delete first." in answer.content.decode()
    assert Attempt.objects.filter(quiz=graded_quiz).count() == 2


def test_the_export_keeps_questions_removed_since(owner_client, graded_quiz):
    essay = question_named(graded_quiz, "Essay")
    operations.delete_question(graded_quiz, essay, None)
    answer = owner_client.get(url(graded_quiz, "export.xlsx"))
    rows = list(load_workbook(io.BytesIO(answer.content)).active.values)
    assert rows[0][-1] == "Essay"
    assert {row[0]: row[-1] for row in rows[1:]} == {"Ann": 0, "'=Bob": 0}


@pytest.mark.parametrize("name", ["results_export_xlsx", "results_statistics_csv"])
def test_exports_run_without_a_request_budget(name):
    """A big quiz's export takes longer than the budget (measured: see views.results.export)."""
    from django.urls import resolve, reverse

    from sessions_mw.decorators import TIMEOUT_ATTRIBUTE, view_mark

    view = resolve(reverse(name, args=["0" * 24])).func
    assert view_mark(view, "GET", TIMEOUT_ATTRIBUTE, "budget") is None
    other = resolve(reverse("results", args=["0" * 24])).func
    assert view_mark(other, "GET", TIMEOUT_ATTRIBUTE, "budget") == "budget"


def test_an_attempt_past_its_deadline_is_shown_graded(owner_client, results_quiz):
    attempt = attempts.start_attempt(releases.live_release(results_quiz), name="Late")
    Attempt.objects.filter(pk=attempt.pk).update(deadline=attempt.started_at)
    page = owner_client.get(url(results_quiz, f"{attempt.pk}/")).content.decode()
    assert "in progress" not in page and "Not passed" in page
    assert Attempt.objects.get(pk=attempt.pk).state == "submitted"


def test_a_grade_from_a_page_shown_before_another_grade_is_refused(
    owner_client, graded_quiz, teacher
):
    attempt = ann(graded_quiz)
    essay = question_ids(graded_quiz)["essay"]
    page = owner_client.get(url(graded_quiz, f"{attempt.pk}/")).content.decode()
    assert 'name="version"' in page
    grading.grade_response(attempt, essay, 1, "Someone else's", teacher)
    stale = {"question": essay, "points": "0", "comment": "Mine", "version": ""}
    answer = owner_client.post(url(graded_quiz, f"{attempt.pk}/"), stale)
    assert answer.status_code == 409
    assert "Someone else graded this attempt" in answer.content.decode()
    assert ann(graded_quiz).score == 7.0
    fresh = {**stale, "version": grading.grading_version(ann(graded_quiz))}
    assert owner_client.post(url(graded_quiz, f"{attempt.pk}/"), fresh).status_code == 302
    assert ann(graded_quiz).score == 6.0
