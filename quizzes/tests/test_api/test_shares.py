"""Sharing through the API: quizzes/{id}/shares/, categories/{id}/shares/, shared/...

Only the owner manages an item's shares (403 for a colleague it is shared with,
404 for anyone else); a refusal is a 400 problem+json and writes nothing. What a
share allows holds in every endpoint: an editor changes the quiz (the revision
names them), a viewer reads and exports it, a teacher without a share gets 404.
"""

import pytest
from django.contrib.auth.models import User

from quizzes import bank
from quizzes.models import CategoryShare, Question, QuestionVersion, Quiz, QuizShare, Revision
from quizzes.tests.fixtures.plugin import token_client
from quizzes.tests.test_api.conftest import QUESTIONS, assert_problem, quiz_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def outsider(db):
    return User.objects.create_user("third", email="third@example.org")


@pytest.fixture
def shared_api_quiz(make_quiz):
    return make_quiz("Shared", [QUESTIONS["multichoice"]])


def share(item, user, role):
    model = QuizShare if isinstance(item, Quiz) else CategoryShare
    return model.objects.create(item=item, user=user, role=role, created_by=item.owner)


# -- managing shares ------------------------------------------------------------------
def test_owner_shares_a_quiz_changes_the_role_and_revokes(
    api, shared_api_quiz, other_teacher, outsider
):
    url = quiz_url(shared_api_quiz, "shares/")
    created = api.post(url, {"user": "other", "role": "viewer"}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["user"], body["role"], body["created_by"]) == ("other", "viewer", "teacher")
    again = api.post(url, {"user": "other", "role": "editor"}, format="json")
    assert (again.status_code, again.json()["role"]) == (200, "editor")
    by_mail = api.post(url, {"user": "THIRD@example.org", "role": "viewer"}, format="json")
    assert by_mail.status_code == 201
    listed = api.get(url).json()
    assert [(row["user"], row["role"]) for row in listed] == [
        ("other", "editor"),
        ("third", "viewer"),
    ]
    share_url = f"{url}{body['id']}/"
    assert api.get(share_url).json()["role"] == "editor"
    patched = api.patch(share_url, {"role": "viewer"}, format="json")
    assert (patched.status_code, patched.json()["role"]) == (200, "viewer")
    assert api.delete(share_url).status_code == 204
    assert list(QuizShare.objects.values_list("user__username", flat=True)) == ["third"]
    assert api.get(share_url).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"user": "nobody", "role": "editor"}, "user"),
        ({"user": "teacher", "role": "editor"}, "user"),
        ({"user": "other", "role": "owner"}, "role"),
        ({"user": "other"}, "role"),
        ({"user": "other", "role": "editor", "extra": 1}, "extra"),
        ({"user": ["other"], "role": "editor"}, "user"),
    ],
)
def test_bad_shares_are_refused_and_write_nothing(api, shared_api_quiz, other_teacher, body, field):
    problem = assert_problem(
        api.post(quiz_url(shared_api_quiz, "shares/"), body, format="json"), 400
    )
    assert field in problem["errors"]
    assert not QuizShare.objects.exists()


def test_patch_takes_the_role_only(api, shared_api_quiz, other_teacher, outsider):
    found = share(shared_api_quiz, other_teacher, "viewer")
    url = quiz_url(shared_api_quiz, f"shares/{found.pk}/")
    assert_problem(api.patch(url, {"user": "third"}, format="json"), 400)
    assert_problem(api.patch(url, {"role": "admin"}, format="json"), 400)
    assert QuizShare.objects.get().role == "viewer"


def test_only_the_owner_manages_shares(shared_api_quiz, other_teacher, outsider):
    found = share(shared_api_quiz, other_teacher, "editor")
    editor, stranger = token_client(other_teacher), token_client(outsider)
    for url in (
        quiz_url(shared_api_quiz, "shares/"),
        quiz_url(shared_api_quiz, f"shares/{found.pk}/"),
    ):
        assert_problem(editor.get(url), 403)
        assert_problem(stranger.get(url), 404)
    assert_problem(
        editor.post(
            quiz_url(shared_api_quiz, "shares/"), {"user": "third", "role": "editor"}, format="json"
        ),
        403,
    )
    assert_problem(editor.delete(quiz_url(shared_api_quiz, f"shares/{found.pk}/")), 403)
    assert QuizShare.objects.count() == 1


def test_a_share_of_another_quiz_is_not_found(api, make_quiz, shared_api_quiz, other_teacher):
    found = share(make_quiz("Other"), other_teacher, "viewer")
    assert_problem(api.delete(quiz_url(shared_api_quiz, f"shares/{found.pk}/")), 404)
    assert QuizShare.objects.count() == 1


# -- what a share allows ----------------------------------------------------------------
def test_editor_changes_the_quiz_and_the_revision_names_them(shared_api_quiz, other_teacher):
    share(shared_api_quiz, other_teacher, "editor")
    editor = token_client(other_teacher)
    response = editor.patch(
        quiz_url(shared_api_quiz),
        {"title": "Edited by a colleague"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 200, response.content
    revision = Revision.objects.filter(quiz_id=shared_api_quiz.pk).order_by("-version").first()
    assert revision.author == other_teacher
    assert_problem(editor.delete(quiz_url(shared_api_quiz)), 403)
    assert Quiz.objects.filter(pk=shared_api_quiz.pk).exists()


def test_viewer_reads_and_exports_and_changes_nothing(shared_api_quiz, other_teacher):
    share(shared_api_quiz, other_teacher, "viewer")
    viewer = token_client(other_teacher)
    assert viewer.get(quiz_url(shared_api_quiz)).status_code == 200
    assert viewer.get(quiz_url(shared_api_quiz, "questions/")).status_code == 200
    assert viewer.get(quiz_url(shared_api_quiz, "revisions/")).status_code == 200
    assert viewer.get(quiz_url(shared_api_quiz, "export/"), {"format": "gift"}).status_code == 200
    assert_problem(viewer.patch(quiz_url(shared_api_quiz), {"title": "No"}, format="json"), 403)
    assert_problem(viewer.post(quiz_url(shared_api_quiz, "publish/")), 403)
    assert_problem(viewer.delete(quiz_url(shared_api_quiz)), 403)
    assert Quiz.objects.get(pk=shared_api_quiz.pk).title == "Shared"


def test_a_teacher_without_a_share_gets_404(shared_api_quiz, outsider):
    stranger = token_client(outsider)
    for suffix in ("", "questions/", "revisions/", "slots/", "statistics/", "attempts/"):
        assert_problem(stranger.get(quiz_url(shared_api_quiz, suffix)), 404)
    assert_problem(stranger.get(quiz_url(shared_api_quiz, "export/"), {"format": "gift"}), 404)


def test_shared_quizzes_are_listed_with_the_role_and_owner(
    make_quiz, shared_api_quiz, other_teacher
):
    share(shared_api_quiz, other_teacher, "viewer")
    make_quiz("Theirs", owner=other_teacher)
    client = token_client(other_teacher)
    own = client.get("/api/v1/quizzes/").json()["results"]
    assert [row["title"] for row in own] == ["Theirs"]
    shared = client.get("/api/v1/shared/quizzes/").json()["results"]
    assert [(row["title"], row["owner"], row["role"]) for row in shared] == [
        ("Shared", "teacher", "viewer")
    ]


# -- categories --------------------------------------------------------------------------
@pytest.fixture
def algebra_tree(teacher):
    top = bank.create_category(teacher, {"name": "Algebra"})
    sub = bank.create_category(teacher, {"name": "Equations"}, top)
    question = bank.create_question(teacher, sub, QUESTIONS["multichoice"], author=teacher)
    return top, sub, question


def test_owner_shares_a_category(api, algebra_tree, other_teacher):
    top, _sub, _question = algebra_tree
    url = f"/api/v1/categories/{top.pk}/shares/"
    assert api.post(url, {"user": "other", "role": "editor"}, format="json").status_code == 201
    assert [row["user"] for row in api.get(url).json()] == ["other"]
    shared = token_client(other_teacher).get("/api/v1/shared/categories/").json()
    assert [(row["name"], row["owner"], row["role"], row["question_count"]) for row in shared] == [
        ("Algebra", "teacher", "editor", 0)
    ]


def test_category_editor_edits_and_adds_questions_but_does_not_arrange(
    algebra_tree, teacher, other_teacher, outsider
):
    top, sub, question = algebra_tree
    share(top, other_teacher, "editor")
    editor = token_client(other_teacher)
    assert editor.get(f"/api/v1/categories/{sub.pk}/").status_code == 200
    assert_problem(
        editor.patch(f"/api/v1/categories/{sub.pk}/", {"name": "Mine"}, format="json"), 403
    )
    url = f"/api/v1/questions/{question.pk}/"
    response = editor.patch(url, {"name": "Edited"}, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 200, response.content
    latest = QuestionVersion.objects.filter(question=question).order_by("-number").first()
    assert latest.author == other_teacher
    created = editor.post(
        "/api/v1/questions/", {**QUESTIONS["truefalse"], "category": str(sub.pk)}, format="json"
    )
    assert created.status_code == 201, created.content
    new = Question.objects.get(pk=created.json()["id"])
    assert (new.owner_id, new.category_id) == (teacher.pk, sub.pk)
    assert_problem(editor.delete(url), 403)
    assert_problem(token_client(outsider).get(url), 404)


def test_category_viewer_reads_only(algebra_tree, other_teacher):
    top, sub, question = algebra_tree
    share(top, other_teacher, "viewer")
    viewer = token_client(other_teacher)
    url = f"/api/v1/questions/{question.pk}/"
    assert viewer.get(url).status_code == 200
    assert viewer.get(f"{url}versions/").status_code == 200
    assert_problem(viewer.patch(url, {"name": "No"}, format="json", HTTP_IF_MATCH='"1"'), 403)
    body = {**QUESTIONS["truefalse"], "category": str(sub.pk)}
    assert_problem(viewer.post("/api/v1/questions/", body, format="json"), 403)
    assert Question.objects.count() == 1


def test_schema_documents_the_sharing_endpoints(anonymous):
    paths = anonymous.get("/api/schema/", {"format": "json"}).json()["paths"]
    for path in (
        "/api/v1/quizzes/{quiz_id}/shares/",
        "/api/v1/quizzes/{quiz_id}/shares/{share_id}/",
        "/api/v1/categories/{category_id}/shares/",
        "/api/v1/shared/quizzes/",
        "/api/v1/shared/categories/",
    ):
        assert path in paths, sorted(paths)
