"""The dashboard and a quiz as a whole: create, edit, conflicts, status, duplicate, delete."""

import pytest
from django.urls import reverse

from quizzes import operations
from quizzes.models import Question, Quiz, Revision
from quizzes.tests.fixtures.plugin import db_snapshot, questions_of
from quizzes.tests.test_views.conftest import quiz_post
from quizzes.views.dashboard import PAGE_SIZE


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


# -- dashboard ------------------------------------------------------------------------
def test_a_new_teacher_sees_an_empty_state_with_a_call_to_action(owner_client):
    page = owner_client.get("/").content.decode()
    assert "build your first quiz" in page
    assert f'href="{reverse("quiz_create")}"' in page


def test_dashboard_shows_count_status_and_last_edit(quiz, owner_client):
    page = owner_client.get("/").content.decode()
    assert "Astronomy" in page
    assert "7 questions" in page
    assert "Draft" in page
    assert "edited" in page


@pytest.fixture
def library(teacher):
    """Quizzes to search: titles, tags and statuses that tell them apart."""
    for title, tags, status in [
        ("Algebra basics", ["maths"], "published"),
        ("Geometry", ["maths", "shapes"], "draft"),
        ("French verbs", ["languages"], "archived"),
    ]:
        # A quiz is published with a question: an empty one has nothing to publish.
        data = {"title": title, "tags": tags, "status": status}
        operations.create_quiz(teacher, data, [{"type": "essay", "name": "Why?", "text": "Why?"}])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?q=ALGEBRA", ["Algebra basics"]),
        ("?q=MATHS", ["Algebra basics", "Geometry"]),
        ("?q=math", []),
        ("?q=Shapes", ["Geometry"]),
        ("?status=archived", ["French verbs"]),
        ("?q=maths&status=draft", ["Geometry"]),
        ("?status=bogus", ["Algebra basics", "French verbs", "Geometry"]),
    ],
)
def test_dashboard_search_and_status_filter(query, expected, library, owner_client):
    response = owner_client.get("/" + query)
    assert response.status_code == 200
    assert sorted(q.title for q in response.context["page"].items) == expected


def test_dashboard_says_when_nothing_matches(library, owner_client):
    page = owner_client.get("/?q=astrophysics").content.decode()
    assert "No quiz matches your search" in page


def dashboard_page(client, url):
    """(titles, page) of the dashboard at `url`."""
    response = client.get(url)
    assert response.status_code == 200
    page = response.context["page"]
    return [quiz.title for quiz in page.items], page, response.content.decode()


def test_dashboard_pages_by_position_and_keeps_the_filters(teacher, owner_client):
    for number in range(2 * PAGE_SIZE + 5):
        operations.create_quiz(teacher, {"title": f"Quiz {number:02}", "tags": ["t"]})
    operations.create_quiz(teacher, {"title": "Not tagged"})
    newest_first = list(
        Quiz.objects.filter(tags="t").order_by("-updated_at", "-id").values_list("title", flat=True)
    )
    pages, url = [], "/?q=t"
    while url:
        titles, page, html = dashboard_page(owner_client, url)
        pages.append(titles)
        url = None
        if page.older:
            assert f"?q=t&amp;older={page.older}" in html
            url = f"/?q=t&older={page.older}"
    assert [len(titles) for titles in pages] == [PAGE_SIZE, PAGE_SIZE, 5]
    assert [title for titles in pages for title in titles] == newest_first
    # Back from the last page to the first, which has no newer page.
    back = []
    while page.newer:
        assert f"?q=t&amp;newer={page.newer}" in html
        titles, page, html = dashboard_page(owner_client, f"/?q=t&newer={page.newer}")
        back.append(titles)
    assert back == [pages[1], pages[0]]


@pytest.mark.parametrize(
    "query",
    [
        "?page=2",
        "?older=abc",
        "?newer=",
        "?older=99999999999999-" + "0" * 24,
        "?older=1-xyz",
        "?older=1-" + "0" * 24,  # well formed, but nothing is older
    ],
)
def test_dashboard_shows_the_first_page_for_a_position_it_cannot_use(query, teacher, owner_client):
    for number in range(PAGE_SIZE + 1):
        operations.create_quiz(teacher, {"title": f"Quiz {number:02}"})
    first, _page, _html = dashboard_page(owner_client, "/")
    assert dashboard_page(owner_client, "/" + query)[0] == first


def test_dashboard_counts_no_further_than_its_limit(teacher, owner_client, monkeypatch):
    monkeypatch.setattr("quizzes.views.dashboard.COUNT_LIMIT", 3)
    for number in range(3):
        operations.create_quiz(teacher, {"title": f"Quiz {number}"})
    assert "3 quizzes" in owner_client.get("/").content.decode()
    operations.create_quiz(teacher, {"title": "One more"})
    assert "More than 3 quizzes" in owner_client.get("/").content.decode()


# -- create and edit --------------------------------------------------------------------
def test_create_a_quiz(teacher, owner_client):
    response = owner_client.post(
        reverse("quiz_create"),
        quiz_post(title="Fractions", tags="maths, year 8, maths", time_limit_minutes="20"),
        follow=True,
    )
    quiz = Quiz.objects.get(title="Fractions")
    assert response.redirect_chain == [(reverse("quiz_editor", args=[quiz.pk]), 302)]
    assert quiz.owner == teacher
    assert quiz.tags == ["maths", "year 8"]
    assert quiz.options.time_limit_minutes == 20
    assert quiz.status == "draft"
    assert "Quiz “Fractions” created. Now add its questions." in messages_of(response)


def test_create_refuses_bad_input_with_field_errors(owner_client):
    response = owner_client.post(
        reverse("quiz_create"), quiz_post(title="  ", pass_mark="lots", time_limit_minutes="0")
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["title"] == ["This field is required."]
    assert form.errors["pass_mark"] == ["Enter a number."]
    assert form.errors["time_limit_minutes"] == ["Enter a number from 1 to 1440."]
    assert "Nothing was saved" in response.content.decode()
    assert Quiz.objects.count() == 0


def test_edit_a_quiz(quiz, owner_client):
    url = reverse("quiz_edit", args=[quiz.pk])
    form = owner_client.get(url).content.decode()
    assert 'value="Astronomy"' in form
    assert f'name="version" value="{quiz.version}"' in form
    response = owner_client.post(url, quiz_post(quiz.version, pass_mark="75"))
    assert response.status_code == 302
    stored = Quiz.objects.get(pk=quiz.pk)
    assert (stored.title, stored.options.pass_mark, stored.version) == ("Renamed", 75, 2)
    assert stored.question_count == 7


def test_quiz_edit_conflict_keeps_what_was_typed(quiz, owner_client):
    stale = quiz.version
    operations.update_quiz(quiz, {"title": "Changed elsewhere"})
    before = db_snapshot()
    response = owner_client.post(
        reverse("quiz_edit", args=[quiz.pk]),
        quiz_post(stale, title="My new title", description="My *typed* description"),
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "some of them change the same fields as yours" in page
    assert 'value="My new title"' in page
    assert "My *typed* description</textarea>" in page
    # Nothing is saved until the teacher chooses: saving again merges from the same base.
    assert 'name="merge:title" value="yours"' in page
    assert f'name="version" value="{stale}"' in page
    assert db_snapshot() == before


def test_quiz_edit_conflict_without_its_base_replaces_on_saving_again(quiz, owner_client):
    stale = quiz.version
    operations.update_quiz(quiz, {"title": "Changed elsewhere"})
    Revision.objects.filter(quiz_id=quiz.pk, version=stale).delete()
    before = db_snapshot()
    response = owner_client.post(reverse("quiz_edit", args=[quiz.pk]), quiz_post(stale))
    assert response.status_code == 409
    page = response.content.decode()
    assert "changed by someone else" in page
    # Saving again is a deliberate choice: the form now carries the current version.
    assert f'name="version" value="{stale + 1}"' in page
    assert db_snapshot() == before


# -- status, duplicate, delete -------------------------------------------------------------
@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("published", "Quiz published: learners can now take it."),
        ("archived", "Quiz archived: learners no longer see it."),
        ("draft", "The quiz is a draft again: learners no longer see it."),
    ],
)
def test_set_status(status, message, quiz, owner_client):
    response = owner_client.post(
        reverse("quiz_status", args=[quiz.pk]),
        {"version": quiz.version, "status": status},
        follow=True,
    )
    assert Quiz.objects.get(pk=quiz.pk).status == status
    assert message in messages_of(response)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"status": "published"}, 400),
        ({"version": "1", "status": "deleted"}, 400),
        ({"version": "abc", "status": "published"}, 400),
        # Beyond MongoDB's 8-byte integers: bad input, not a 500.
        ({"version": str(2**63), "status": "published"}, 400),
        ({"version": "0", "status": "published"}, 409),
    ],
)
def test_status_refuses_bad_or_stale_forms(body, expected, quiz, owner_client):
    if expected == 409:
        body["version"] = str(quiz.version + 5)
    before = db_snapshot()
    response = owner_client.post(reverse("quiz_status", args=[quiz.pk]), body)
    assert response.status_code == expected
    assert db_snapshot() == before


def test_duplicate_a_quiz(quiz, staff, client_for):
    response = client_for(staff).post(reverse("quiz_duplicate", args=[quiz.pk]))
    copy = Quiz.objects.get(title="Astronomy (copy)")
    assert response["Location"] == reverse("quiz_editor", args=[copy.pk])
    assert copy.owner == staff
    assert copy.status == "draft"
    assert len(questions_of(copy)) == 7
    assert {q.owner_id for q in questions_of(copy)} == {staff.pk}, "copied into the staff's bank"


def test_delete_a_quiz_after_confirming(quiz, owner_client):
    url = reverse("quiz_delete", args=[quiz.pk])
    confirm = owner_client.get(url).content.decode()
    assert "Delete “Astronomy”?" in confirm
    assert "its 7 questions stay in your question bank" in confirm
    response = owner_client.post(url, {"version": quiz.version}, follow=True)
    assert response.redirect_chain == [("/", 302)]
    assert "Quiz “Astronomy” deleted." in messages_of(response)
    assert Quiz.objects.count() == 0
    assert Question.objects.count() == 7


def test_delete_with_a_stale_version_deletes_nothing(quiz, owner_client):
    stale = quiz.version
    operations.set_status(quiz, "published")
    before = db_snapshot()
    response = owner_client.post(reverse("quiz_delete", args=[quiz.pk]), {"version": stale})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Here is the quiz as it is now: check it and try again." in page
    assert f'name="version" value="{stale + 1}"' in page
    assert db_snapshot() == before
