"""Who may do what: owner, another teacher, staff and anonymous, for every view and action.

Another teacher gets a 404 (never a 403: the quiz does not exist for them)
and changes nothing; anonymous users are sent to log in; staff can do what
the owner can. Every form refuses a POST without its CSRF token.
"""

from urllib.parse import quote

import pytest
from django.urls import reverse

from quizzes import operations
from quizzes.tests.fixtures.plugin import db_snapshot, questions_of
from quizzes.tests.test_views.conftest import question_post, quiz_post


def quiz_url(name):
    return lambda quiz, question: reverse(name, args=[quiz.pk])


def question_url(name):
    return lambda quiz, question: reverse(name, args=[quiz.pk, question.pk])


def version(quiz, question):
    return {"version": quiz.version}


# (action, method, url, POST body, the owner's status)
ACTIONS = [
    ("editor", "get", quiz_url("quiz_editor"), None, 200),
    ("edit form", "get", quiz_url("quiz_edit"), None, 200),
    ("edit", "post", quiz_url("quiz_edit"), lambda quiz, q: quiz_post(quiz.version), 302),
    ("delete form", "get", quiz_url("quiz_delete"), None, 200),
    ("delete", "post", quiz_url("quiz_delete"), version, 302),
    ("duplicate", "post", quiz_url("quiz_duplicate"), lambda quiz, q: {}, 302),
    (
        "publish",
        "post",
        quiz_url("quiz_status"),
        lambda quiz, q: {"version": quiz.version, "status": "published"},
        302,
    ),
    ("preview", "get", quiz_url("quiz_preview"), None, 200),
    ("preview submit", "post", quiz_url("quiz_preview"), lambda quiz, q: {}, 200),
    (
        "add question form",
        "get",
        lambda quiz, q: reverse("question_add", args=[quiz.pk, "numerical"]),
        None,
        200,
    ),
    (
        "add question",
        "post",
        lambda quiz, q: reverse("question_add", args=[quiz.pk, "multichoice"]),
        lambda quiz, q: question_post(quiz.version),
        302,
    ),
    ("edit question form", "get", question_url("question_edit"), None, 200),
    (
        "edit question",
        "post",
        question_url("question_edit"),
        lambda quiz, q: question_post(quiz.version),
        302,
    ),
    ("duplicate question", "post", question_url("question_duplicate"), version, 302),
    ("delete question form", "get", question_url("question_delete"), None, 200),
    ("delete question", "post", question_url("question_delete"), version, 302),
    ("move question up", "post", question_url("question_move_up"), version, 302),
    ("move question down", "post", question_url("question_move_down"), version, 302),
    (
        "reorder questions",
        "post",
        quiz_url("question_reorder"),
        lambda quiz, q: {
            "version": quiz.version,
            "order": [str(x.pk) for x in reversed(questions_of(quiz))],
        },
        302,
    ),
]
POSTS = [action for action in ACTIONS if action[1] == "post"]


def second_question(quiz):
    """A question that can move both up and down."""
    return questions_of(quiz)[1]


def request(client, action, quiz):
    _name, method, url, body, _status = action
    question = second_question(quiz)
    data = body(quiz, question) if body else None
    return getattr(client, method)(url(quiz, question), data)


@pytest.mark.parametrize("action", ACTIONS, ids=[a[0] for a in ACTIONS])
@pytest.mark.parametrize("role", ["owner", "staff"])
def test_owner_and_staff_may(role, action, quiz, teacher, staff, client_for):
    response = request(client_for(teacher if role == "owner" else staff), action, quiz)
    assert response.status_code == action[4], response.content[:2000]


@pytest.mark.parametrize("action", ACTIONS, ids=[a[0] for a in ACTIONS])
def test_another_teacher_gets_404_and_changes_nothing(action, quiz, other_teacher, client_for):
    before = db_snapshot()
    response = request(client_for(other_teacher), action, quiz)
    assert response.status_code == 404
    assert db_snapshot() == before


@pytest.mark.parametrize("action", ACTIONS, ids=[a[0] for a in ACTIONS])
def test_anonymous_is_sent_to_log_in(action, quiz, client_for):
    before = db_snapshot()
    response = request(client_for(None), action, quiz)
    url = action[2](quiz, second_question(quiz))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={quote(url)}"
    assert db_snapshot() == before


def test_dashboard_lists_own_quizzes_staff_sees_all(
    quiz, teacher, other_teacher, staff, client_for
):
    mine = "Astronomy"
    assert mine in client_for(teacher).get("/").content.decode()
    assert mine not in client_for(other_teacher).get("/").content.decode()
    staff_page = client_for(staff).get("/").content.decode()
    assert mine in staff_page
    assert "by teacher" in staff_page


def test_dashboard_and_markdown_preview_need_login(client_for):
    for method, url in (("get", "/"), ("post", reverse("markdown_preview"))):
        response = getattr(client_for(None), method)(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("action", POSTS, ids=[a[0] for a in POSTS])
def test_every_form_refuses_a_post_without_its_csrf_token(action, quiz, teacher, client_for):
    before = db_snapshot()
    response = request(client_for(teacher, enforce_csrf_checks=True), action, quiz)
    assert response.status_code == 403
    assert db_snapshot() == before


def test_a_post_with_the_csrf_token_goes_through(quiz, teacher, client_for):
    """The control of the test above: the same client with the page's token succeeds."""
    client = client_for(teacher, enforce_csrf_checks=True)
    client.get(reverse("quiz_editor", args=[quiz.pk]))
    token = client.cookies["csrftoken"].value
    response = client.post(
        reverse("quiz_status", args=[quiz.pk]),
        {"version": quiz.version, "status": "published", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert db_snapshot()["quizzes"][0][2] == "published"


@pytest.mark.parametrize("role", ["other", "anonymous"])
def test_other_forms_refuse_a_post_without_csrf_token(role, other_teacher, client_for):
    """Markdown preview, quiz creation and logging out are forms too."""
    client = client_for(other_teacher if role == "other" else None, enforce_csrf_checks=True)
    for url in (reverse("markdown_preview"), reverse("quiz_create"), reverse("logout")):
        assert client.post(url, {"text": "x", "title": "x"}).status_code == 403
    assert db_snapshot()["quizzes"] == []


@pytest.mark.parametrize(
    "url",
    [
        "/quizzes/not-an-id/",
        "/quizzes/0123456789ABCDEF01234567/",
        "/quizzes/0123456789abcdef0123456/",
        "/quizzes/0123456789abcdef01234567/",
        "/quizzes/0123456789abcdef01234567/questions/add/multichoice/",
        "/quizzes/0123456789abcdef01234567/questions/0123456789abcdef01234567/edit/",
    ],
)
def test_invalid_or_unknown_ids_are_404(url, owner_client):
    assert owner_client.get(url).status_code == 404


def test_a_question_of_another_quiz_is_404(quiz, teacher, owner_client):
    """Both quizzes are the teacher's: the question must still belong to the quiz in the URL."""
    first = operations.question_data(questions_of(quiz)[0])
    other = operations.create_quiz(teacher, {"title": "Other"}, [first])
    url = reverse("question_edit", args=[quiz.pk, questions_of(other)[0].pk])
    assert owner_client.get(url).status_code == 404


def test_unknown_question_type_is_404(quiz, owner_client):
    assert owner_client.get(reverse("question_add", args=[quiz.pk, "ddwtos"])).status_code == 404
