"""Sharing quizzes and bank categories with colleagues, through the teachers' UI.

The owner shares on the item's "Colleagues" page; an editor changes the item
but cannot delete or share it, a viewer only sees it (403 for a change), and a
teacher without a share gets 404 everywhere, as for an id nobody uses.
Revisions and versions name who made each change.
"""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from quizzes import bank, grading, media, operations, releases
from quizzes.models import Attempt, CategoryShare, QuestionVersion, Quiz, QuizShare, Revision
from quizzes.tests.fixtures.plugin import db_snapshot
from quizzes.tests.test_counts.scale import png_bytes
from quizzes.tests.test_views.conftest import question_post, quiz_post

pytestmark = pytest.mark.django_db

MC = {
    "type": "multichoice",
    "name": "Sum",
    "text": "2 + 2?",
    "answers": [{"text": "4", "fraction": 100}, {"text": "5", "fraction": 0}],
}


@pytest.fixture
def third(db):
    """A teacher nobody shares anything with."""
    return User.objects.create_user("third", email="third@example.org")


@pytest.fixture
def fractions(make_quiz):
    return make_quiz("Fractions", [MC], tags=["maths"])


def share(item, user, role):
    model = QuizShare if isinstance(item, Quiz) else CategoryShare
    return model.objects.create(item=item, user=user, role=role, created_by=item.owner)


def colleagues_url(quiz):
    return reverse("quiz_colleagues", args=[quiz.pk])


# -- sharing a quiz -----------------------------------------------------------------
def test_owner_shares_by_user_name_and_by_email(owner_client, fractions, other_teacher, third):
    response = owner_client.post(colleagues_url(fractions), {"user": "other", "role": "viewer"})
    assert response.status_code == 302
    response = owner_client.post(
        colleagues_url(fractions), {"user": " THIRD@example.org ", "role": "editor"}
    )
    assert response.status_code == 302
    shares = {s.user.username: s.role for s in QuizShare.objects.select_related("user")}
    assert shares == {"other": "viewer", "third": "editor"}
    page = owner_client.get(colleagues_url(fractions)).content.decode()
    assert "other" in page and "third@example.org" in page


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("nobody", "No teacher has the user name or e-mail “nobody”."),
        ("", "Type the user name or e-mail of a colleague."),
        ("teacher", "You own it already"),
        ("staff", "is not a teacher account"),
        ("gone", "is not a teacher account"),
    ],
)
def test_sharing_is_refused_with_a_reason_and_writes_nothing(
    owner_client, fractions, staff, name, reason
):
    User.objects.create_user("gone", is_active=False)
    response = owner_client.post(colleagues_url(fractions), {"user": name, "role": "editor"})
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert not QuizShare.objects.exists()


def test_a_role_that_is_not_one_is_refused(owner_client, fractions, other_teacher):
    response = owner_client.post(colleagues_url(fractions), {"user": "other", "role": "owner"})
    assert response.status_code == 400
    assert not QuizShare.objects.exists()


def test_sharing_again_changes_the_role(owner_client, fractions, other_teacher):
    share(fractions, other_teacher, "viewer")
    response = owner_client.post(colleagues_url(fractions), {"user": "other", "role": "editor"})
    assert response.status_code == 302
    assert list(QuizShare.objects.values_list("role", flat=True)) == ["editor"]


def test_owner_changes_a_role_and_revokes_after_confirming(
    owner_client, client_for, fractions, other_teacher
):
    found = share(fractions, other_teacher, "viewer")
    role_url = reverse("quiz_colleague_role", args=[fractions.pk, found.pk])
    response = owner_client.post(role_url, {f"{found.pk}-role": "editor"})
    assert response.status_code == 302
    assert QuizShare.objects.get().role == "editor"
    revoke_url = reverse("quiz_colleague_revoke", args=[fractions.pk, found.pk])
    page = owner_client.get(revoke_url)
    assert page.status_code == 200 and "Stop sharing" in page.content.decode()
    assert QuizShare.objects.exists()
    assert owner_client.post(revoke_url).status_code == 302
    assert not QuizShare.objects.exists()
    editor_url = reverse("quiz_editor", args=[fractions.pk])
    assert client_for(other_teacher).get(editor_url).status_code == 404


def test_only_the_owner_manages_shares(client_for, fractions, other_teacher, third):
    found = share(fractions, other_teacher, "editor")
    urls = [
        colleagues_url(fractions),
        reverse("quiz_colleague_revoke", args=[fractions.pk, found.pk]),
    ]
    for url in urls:
        assert client_for(other_teacher).get(url).status_code == 403
        assert client_for(third).get(url).status_code == 404
    before = db_snapshot()
    response = client_for(other_teacher).post(urls[0], {"user": "third", "role": "editor"})
    assert response.status_code == 403
    assert db_snapshot() == before and QuizShare.objects.count() == 1


def test_a_share_of_another_quiz_is_not_found(owner_client, make_quiz, fractions, other_teacher):
    found = share(make_quiz("Other quiz"), other_teacher, "viewer")
    url = reverse("quiz_colleague_revoke", args=[fractions.pk, found.pk])
    assert owner_client.post(url).status_code == 404
    assert QuizShare.objects.count() == 1


def test_empty_state_says_nobody_has_it(owner_client, fractions):
    page = owner_client.get(colleagues_url(fractions)).content.decode()
    assert "Not shared with anyone yet" in page


# -- what each role may do ------------------------------------------------------------
def test_viewer_sees_the_quiz_read_only(client_for, fractions, other_teacher):
    share(fractions, other_teacher, "viewer")
    viewer = client_for(other_teacher)
    page = viewer.get(reverse("quiz_editor", args=[fractions.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "teacher shared this quiz with you to view" in text
    assert reverse("quiz_edit", args=[fractions.pk]) not in text
    assert reverse("quiz_delete", args=[fractions.pk]) not in text
    assert reverse("quiz_colleagues", args=[fractions.pk]) not in text
    for name in ("quiz_preview", "quiz_history", "results"):
        assert viewer.get(reverse(name, args=[fractions.pk])).status_code == 200, name
    export = viewer.get(reverse("quiz_export", args=[fractions.pk, "gift"]))
    assert export.status_code == 200


def test_viewer_changes_nothing(client_for, fractions, other_teacher):
    share(fractions, other_teacher, "viewer")
    viewer = client_for(other_teacher)
    question = operations.quiz_questions(fractions)[0]
    before = db_snapshot()
    version = fractions.version
    posts = [
        (reverse("quiz_edit", args=[fractions.pk]), quiz_post(version, title="Mine now")),
        (
            reverse("quiz_status", args=[fractions.pk]),
            {"version": version, "status": "published"},
        ),
        (reverse("question_edit", args=[fractions.pk, question.pk]), question_post(1)),
        (reverse("question_reorder", args=[fractions.pk]), {"version": version}),
        (reverse("quiz_delete", args=[fractions.pk]), {"version": version}),
    ]
    for url, data in posts:
        assert viewer.post(url, data).status_code == 403, url
    assert viewer.get(reverse("quiz_edit", args=[fractions.pk])).status_code == 403
    assert db_snapshot() == before


def test_editor_changes_the_quiz_and_the_revision_names_them(client_for, fractions, other_teacher):
    share(fractions, other_teacher, "editor")
    editor = client_for(other_teacher)
    url = reverse("quiz_edit", args=[fractions.pk])
    assert editor.get(url).status_code == 200
    response = editor.post(url, quiz_post(fractions.version, title="Fractions, revised"))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Quiz.objects.get(pk=fractions.pk).title == "Fractions, revised"
    revision = Revision.objects.filter(quiz_id=fractions.pk).order_by("-version").first()
    assert revision.author == other_teacher


def test_editor_cannot_delete_or_share(client_for, fractions, other_teacher):
    share(fractions, other_teacher, "editor")
    editor = client_for(other_teacher)
    delete_url = reverse("quiz_delete", args=[fractions.pk])
    assert editor.get(delete_url).status_code == 403
    assert editor.post(delete_url, {"version": fractions.version}).status_code == 403
    assert Quiz.objects.filter(pk=fractions.pk).exists()
    text = editor.get(reverse("quiz_editor", args=[fractions.pk])).content.decode()
    assert delete_url not in text and colleagues_url(fractions) not in text
    assert "Shared with you: you can edit" in text


def test_a_teacher_without_a_share_gets_404_everywhere(client_for, fractions, third):
    stranger = client_for(third)
    for name in ("quiz_editor", "quiz_preview", "quiz_history", "results", "quiz_edit"):
        assert stranger.get(reverse(name, args=[fractions.pk])).status_code == 404, name
    export = stranger.get(reverse("quiz_export", args=[fractions.pk, "gift"]))
    assert export.status_code == 404


# -- the dashboard --------------------------------------------------------------------
def test_dashboard_lists_shared_quizzes_apart_with_their_owner(
    client_for, fractions, make_quiz, other_teacher
):
    share(fractions, other_teacher, "viewer")
    make_quiz("Own quiz", owner=other_teacher)
    response = client_for(other_teacher).get(reverse("dashboard"))
    assert [quiz.title for quiz in response.context["page"].items] == ["Own quiz"]
    assert [quiz.title for quiz in response.context["shared"]] == ["Fractions"]
    text = response.content.decode()
    assert "Shared with me" in text and "Shared by teacher · you can view" in text
    shared_page = client_for(other_teacher).get(reverse("shared_quizzes"))
    assert [quiz.title for quiz in shared_page.context["page"].items] == ["Fractions"]


def test_dashboard_without_shares_has_no_shared_section(owner_client, fractions):
    response = owner_client.get(reverse("dashboard"))
    assert response.context["shared"] == []
    assert "Shared with me" not in response.content.decode()


# -- removal ----------------------------------------------------------------------------
def test_deleting_the_quiz_or_the_colleague_removes_their_shares(
    fractions, make_quiz, other_teacher, third
):
    share(fractions, other_teacher, "editor")
    kept = make_quiz("Kept")
    share(kept, third, "viewer")
    share(kept, other_teacher, "viewer")
    operations.delete_quiz(Quiz.objects.get(pk=fractions.pk))
    assert list(QuizShare.objects.values_list("item_id", flat=True)) == [kept.pk] * 2
    other_teacher.delete()
    assert [s.user_id for s in QuizShare.objects.all()] == [third.pk]


def test_deleting_a_category_removes_its_shares(teacher, other_teacher):
    category = bank.create_category(teacher, {"name": "Algebra"})
    share(category, other_teacher, "viewer")
    bank.delete_category(category)
    assert not CategoryShare.objects.exists()


# -- bank categories --------------------------------------------------------------------
@pytest.fixture
def algebra(teacher):
    """teacher's category "Algebra" with a subcategory "Equations" holding a question;
    "Private" beside them is not shared."""
    top = bank.create_category(teacher, {"name": "Algebra"})
    sub = bank.create_category(teacher, {"name": "Equations"}, top)
    bank.create_category(teacher, {"name": "Private"})
    question = bank.create_question(teacher, sub, MC, author=teacher)
    return top, sub, question


def test_shared_category_appears_in_the_bank_with_its_owner(client_for, algebra, other_teacher):
    top, sub, question = algebra
    share(top, other_teacher, "viewer")
    client = client_for(other_teacher)
    home = client.get(reverse("bank"))
    assert [category.name for category in home.context["shared"]] == ["Algebra"]
    assert "Shared by teacher · you can view" in home.content.decode()
    page = client.get(reverse("bank_category", args=[sub.pk]))
    assert page.status_code == 200
    assert [q.name for q in page.context["page"].items] == ["Sum"]
    listing = client.get(reverse("bank_category", args=[top.pk]), {"subcategories": "on"})
    assert [q.name for q in listing.context["page"].items] == ["Sum"]
    assert client.get(reverse("bank_versions", args=[question.pk])).status_code == 200


def test_viewer_of_a_category_changes_nothing(client_for, algebra, other_teacher):
    top, sub, question = algebra
    share(top, other_teacher, "viewer")
    client = client_for(other_teacher)
    before = db_snapshot()
    edit_url = reverse("bank_question_edit", args=[question.pk])
    assert client.get(edit_url).status_code == 403
    assert client.post(edit_url, {}).status_code == 403
    add_url = reverse("bank_question_add", args=["multichoice"]) + f"?category={sub.pk}"
    assert client.get(add_url).status_code == 403
    for name in ("bank_category_edit", "bank_category_delete", "category_colleagues"):
        assert client.get(reverse(name, args=[top.pk])).status_code == 403, name
    assert db_snapshot() == before


def bank_question_post(question, category, **fields):
    data = question_post(question.version if question else 1, **fields)
    return {**data, "bank-category": str(category.pk), "bank-tags": ""}


def test_editor_of_a_category_edits_and_adds_questions_as_themselves(
    client_for, algebra, teacher, other_teacher
):
    top, sub, question = algebra
    share(top, other_teacher, "editor")
    client = client_for(other_teacher)
    edit_url = reverse("bank_question_edit", args=[question.pk])
    assert client.get(edit_url).status_code == 200
    response = client.post(edit_url, bank_question_post(question, sub, name="Sum, edited"))
    assert response.status_code == 302, response.content.decode()[:3000]
    latest = QuestionVersion.objects.filter(question=question).order_by("-number").first()
    assert (latest.number, latest.author) == (2, other_teacher)
    add_url = reverse("bank_question_add", args=["multichoice"]) + f"?category={sub.pk}"
    response = client.post(add_url, bank_question_post(None, sub, name="New one"))
    assert response.status_code == 302, response.content.decode()[:3000]
    created = bank.bank_questions(teacher).get(name="New one")
    assert (created.owner_id, created.category_id) == (teacher.pk, sub.pk)
    version = QuestionVersion.objects.get(question=created)
    assert version.author == other_teacher


def test_a_category_not_shared_stays_invisible(client_for, algebra, teacher, other_teacher, third):
    top, sub, question = algebra
    share(sub, other_teacher, "editor")
    client = client_for(other_teacher)
    assert client.get(reverse("bank_category", args=[top.pk])).status_code == 404
    private = bank.bank_categories(teacher).get(name="Private")
    assert client.get(reverse("bank_category", args=[private.pk])).status_code == 404
    stranger = client_for(third)
    assert stranger.get(reverse("bank_category", args=[sub.pk])).status_code == 404
    assert stranger.get(reverse("bank_versions", args=[question.pk])).status_code == 404


def test_owner_shares_a_category_on_its_colleagues_page(owner_client, algebra, other_teacher):
    top, _sub, _question = algebra
    url = reverse("category_colleagues", args=[top.pk])
    assert owner_client.get(url).status_code == 200
    response = owner_client.post(url, {"user": "other", "role": "editor"})
    assert response.status_code == 302
    assert CategoryShare.objects.get().user == other_teacher


# -- the admin ----------------------------------------------------------------------------
def test_admin_lists_shares_and_revokes_one(client_for, fractions, other_teacher):
    found = share(fractions, other_teacher, "editor")
    admin = client_for(User.objects.create_superuser("root"))
    listed = admin.get(reverse("admin:quizzes_quizshare_changelist"))
    assert listed.status_code == 200 and "Fractions" in listed.content.decode()
    assert admin.get(reverse("admin:quizzes_quizshare_add")).status_code == 403
    delete_url = reverse("admin:quizzes_quizshare_delete", args=[found.pk])
    assert admin.post(delete_url, {"post": "yes"}).status_code == 302
    assert not QuizShare.objects.exists()


def test_viewer_duplicates_the_quiz_into_a_copy_of_their_own(client_for, fractions, other_teacher):
    share(fractions, other_teacher, "viewer")
    response = client_for(other_teacher).post(reverse("quiz_duplicate", args=[fractions.pk]))
    assert response.status_code == 302
    copy = Quiz.objects.exclude(pk=fractions.pk).get()
    assert copy.owner_id == other_teacher.pk
    assert Quiz.objects.get(pk=fractions.pk).owner_id != other_teacher.pk


def test_deleting_a_category_with_its_content_removes_the_shares_below(
    algebra, other_teacher, third
):
    top, sub, _question = algebra
    share(sub, other_teacher, "editor")
    share(top, third, "viewer")
    bank.delete_category(top, with_content=True)
    assert not CategoryShare.objects.exists()


def test_a_viewer_is_offered_no_change_on_results_history_and_versions(
    client_for, fractions, other_teacher, third, algebra
):
    share(fractions, other_teacher, "viewer")
    operations.update_quiz(Quiz.objects.get(pk=fractions.pk), {"title": "Fractions 2"})
    release = operations.publish_quiz(Quiz.objects.get(pk=fractions.pk))
    question = operations.quiz_questions(fractions)[0]
    attempt = operations.record_attempt(release, {str(question.pk): 0}, user=third)
    viewer = client_for(other_teacher)
    results = viewer.get(reverse("results", args=[fractions.pk])).content.decode()
    assert "Delete the selected attempts" not in results and "third" in results
    detail = viewer.get(reverse("results_attempt", args=[fractions.pk, attempt.pk]))
    assert detail.status_code == 200 and "grade-form" not in detail.content.decode()
    revision = viewer.get(reverse("quiz_revision", args=[fractions.pk, 1]))
    assert revision.status_code == 200 and "restore-form" not in revision.content.decode()
    top, _sub, bank_question = algebra
    share(top, other_teacher, "viewer")
    bank.update_question(bank_question, {**MC, "name": "Sum 2"}, author=bank_question.owner)
    version = viewer.get(reverse("bank_version", args=[bank_question.pk, 1]))
    assert version.status_code == 200 and "Restore this version" not in version.content.decode()
    owner = client_for(fractions.owner)
    assert (
        "restore-form"
        in owner.get(reverse("quiz_revision", args=[fractions.pk, 1])).content.decode()
    )
    assert (
        "grade-form"
        in owner.get(reverse("results_attempt", args=[fractions.pk, attempt.pk])).content.decode()
    )


# -- files ---------------------------------------------------------------------------------
def test_a_colleague_reads_the_files_the_shared_quiz_shows(
    client_for, teacher, fractions, other_teacher, third
):
    stored = media.store(teacher, "pic.png", png_bytes())
    url = reverse("media", args=[stored.sha256, "pic.png"])
    assert client_for(other_teacher).get(url).status_code == 404
    share(fractions, other_teacher, "viewer")
    response = client_for(other_teacher).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == png_bytes()  # which ends its session
    assert client_for(third).get(url).status_code == 404


def test_event_streams_of_a_quiz_are_not_found_without_a_share(
    client_for, fractions, algebra, third
):
    _top, _sub, bank_question = algebra
    stranger = client_for(third)
    assert stranger.get(reverse("quiz_events", args=[fractions.pk])).status_code == 404
    assert stranger.get(reverse("bank_question_events", args=[bank_question.pk])).status_code == 404


def test_a_viewer_is_let_into_the_event_stream_of_a_shared_quiz(
    client_for, fractions, other_teacher
):
    """Past the access check, a stream under WSGI (the test client) answers 204 (the
    stream itself is tested under ASGI in test_live_streams); without a share, 404."""
    url = reverse("quiz_events", args=[fractions.pk])
    assert client_for(other_teacher).get(url).status_code == 404
    share(fractions, other_teacher, "viewer")
    assert client_for(other_teacher).get(url).status_code == 204


def test_an_editor_is_not_sent_to_the_owners_bank(client_for, fractions, other_teacher):
    share(fractions, other_teacher, "editor")
    question = operations.quiz_questions(fractions)[0]
    category_url = reverse("bank_category", args=[question.category_id])
    page = client_for(other_teacher).get(reverse("quiz_editor", args=[fractions.pk]))
    assert page.status_code == 200 and category_url not in page.content.decode()
    assert client_for(other_teacher).get(category_url).status_code == 404


ESSAY = {"type": "essay", "name": "Why", "text": "Why is the sky blue?", "points": 2}


def test_editor_publishes_and_grades_as_themselves(client_for, make_quiz, other_teacher, third):
    quiz = make_quiz("Essays", [ESSAY])
    share(quiz, other_teacher, "editor")
    editor = client_for(other_teacher)
    response = editor.post(
        reverse("quiz_status", args=[quiz.pk]), {"version": quiz.version, "status": "published"}
    )
    assert response.status_code == 302
    assert Quiz.objects.get(pk=quiz.pk).status == "published"
    latest = Revision.objects.filter(quiz_id=quiz.pk).order_by("-version").first()
    assert latest.author == other_teacher
    release = releases.live_release(quiz)
    essay = str(operations.quiz_questions(quiz)[0].pk)
    attempt = operations.record_attempt(release, {essay: "Light scatters."}, user=third)
    body = {
        "question": essay,
        "points": "2",
        "comment": "Right",
        "version": grading.grading_version(attempt),
    }
    answer = editor.post(reverse("results_attempt", args=[quiz.pk, attempt.pk]), body)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    graded = Attempt.objects.get(pk=attempt.pk)
    assert graded.score == 2.0
    assert graded.results[0].graded_by == "other"
