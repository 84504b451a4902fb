"""The learner player: start a shared quiz, answer page by page, review, submit, result.

Learners are anonymous Django test clients (their resume cookie is the only
proof an attempt is theirs) unless a test signs one in. Time passes by
moving a stored deadline into the past: the server compares it with its own
clock, which is what is under test.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quizzes import attempts, operations, player, releases
from quizzes.models import Attempt
from quizzes.tests.fixtures.plugin import question_named
from quizzes.tests.test_api.conftest import QUESTIONS, RIGHT_RESPONSES, question_ids
from sessions_mw.tests.conftest import CommandRecorder, backend_client_with

pytestmark = pytest.mark.django_db

# What a learner's form posts for the right responses of QUESTIONS (by QUESTIONS key).
RIGHT_FORM = {
    "multichoice": "0",
    "multichoice_multiple": ["0", "1"],
    "truefalse": "true",
    "shortanswer": RIGHT_RESPONSES["shortanswer"],
    "numerical": RIGHT_RESPONSES["numerical"],
    "matching": {"0": "Paris", "1": "Rome"},
    "essay": RIGHT_RESPONSES["essay"],
}


def form(quiz, **by_key):
    """A page's POST body from responses keyed as QUESTIONS (matching: {stem: match})."""
    ids = question_ids(quiz)
    body = {}
    for key, value in by_key.items():
        if isinstance(value, dict):
            body.update({f"q-{ids[key]}-{stem}": match for stem, match in value.items()})
        else:
            body[f"q-{ids[key]}"] = value
    return body


def set_options(quiz, **options):
    """Change the quiz's options and publish it again (a new live release)."""
    for name, value in options.items():
        setattr(quiz.options, name, value)
    quiz.save()
    operations.publish_quiz(quiz, quiz.version)
    quiz.refresh_from_db()
    return releases.live_release(quiz)


@pytest.fixture
def player_quiz(make_quiz, teacher):
    """A published quiz of the teacher's, one question of each QUESTIONS type (as the
    API tests' `published`), with its share code."""
    quiz = make_quiz("Everything", QUESTIONS.values(), owner=teacher)
    operations.set_status(quiz, "published")
    quiz.refresh_from_db()
    return quiz


@pytest.fixture
def player_browser(db):
    """An anonymous learner's browser."""
    return Client()


def start_url(quiz):
    return reverse("player:start", args=[quiz.share_code])


def begin(client, quiz, name="Ada", status=303):
    """Start an attempt as `client`; the attempt's public id."""
    response = client.post(start_url(quiz), {"name": name})
    assert response.status_code == status, response.content.decode()
    key = response["Location"].split("/a/")[1].split("/")[0]
    return key


def url(quiz, key, name="question", **query):
    path = reverse(f"player:{name}", args=[quiz.share_code, key])
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def stored(key):
    quiz_id, attempt_id = player.split_key(key)
    return Attempt.objects.get(quiz_id=quiz_id, pk=attempt_id)


# -- start ------------------------------------------------------------------------------------
def test_the_start_page_says_what_the_quiz_is(player_quiz, player_browser):
    operations.update_quiz(player_quiz, {"description": "*Good* luck <script>x()</script>"})
    set_options(player_quiz)
    page = player_browser.get(start_url(player_quiz))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Everything" in html
    assert "<em>Good</em> luck" in html
    assert "<script>x()" not in html
    assert 'name="name"' in html
    assert "Resume your attempt" not in html


def test_a_code_typed_in_lower_case_goes_to_its_canonical_page(player_quiz, player_browser):
    response = player_browser.get(f"/q/{player_quiz.share_code.lower()}/")
    assert response.status_code == 302
    assert response["Location"] == start_url(player_quiz)


@pytest.mark.parametrize("code", ["NOPE", "ABCDEFGH", "0000000"])
def test_an_unknown_or_malformed_code_is_a_404(player_browser, code, player_quiz):
    assert player_browser.get(f"/q/{code}/").status_code == 404


def test_an_anonymous_learner_needs_a_name(player_quiz, player_browser):
    response = player_browser.post(start_url(player_quiz), {"name": "  "})
    assert response.status_code == 400
    assert "Give your name" in response.content.decode()
    assert not Attempt.objects.filter(quiz=player_quiz).exists()


def test_starting_makes_an_attempt_and_a_signed_resume_cookie(player_quiz, player_browser):
    key = begin(player_browser, player_quiz)
    attempt = stored(key)
    assert (attempt.learner_name, attempt.state, attempt.user_id) == ("Ada", "in_progress", None)
    cookie = player_browser.cookies[player.cookie_name(key)]
    assert cookie["path"] == start_url(player_quiz)
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert attempts.token_digest(
        player_browser.get(url(player_quiz, key)).wsgi_request.get_signed_cookie(
            player.cookie_name(key), salt=player.COOKIE_SALT
        )
    ) == (attempt.token_hash)
    page = player_browser.get(start_url(player_quiz)).content.decode()
    assert "Resume your attempt" in page
    assert url(player_quiz, key) in page


def test_a_signed_in_learner_starts_without_a_name_and_gets_no_cookie(
    player_quiz, client_for, teacher
):
    browser = client_for(teacher)
    key = begin(browser, player_quiz, name="")
    assert stored(key).user_id == teacher.pk
    assert not [name for name in browser.cookies if name.startswith(player.COOKIE_PREFIX)]
    assert browser.get(url(player_quiz, key)).status_code == 200
    assert "Resume your attempt" in browser.get(start_url(player_quiz)).content.decode()
    # Nobody else may use it, signed in or not.
    assert Client().get(url(player_quiz, key)).status_code == 404


def test_a_quiz_for_signed_in_users_asks_anonymous_learners_to_sign_in(player_quiz, player_browser):
    set_options(player_quiz, access="signed_in")
    page = player_browser.get(start_url(player_quiz)).content.decode()
    assert "Sign in to take this quiz" in page
    assert f"/accounts/login/?next={start_url(player_quiz)}" in page.replace("%2F", "/")
    response = player_browser.post(start_url(player_quiz), {"name": "Ada"})
    assert response.status_code == 403
    assert not Attempt.objects.filter(quiz=player_quiz).exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"opens_at": timedelta(days=1)}, "not open yet"),
        ({"closes_at": timedelta(days=-1)}, "closed"),
    ],
)
def test_a_quiz_not_open_says_so_and_starts_nothing(player_quiz, player_browser, options, message):
    set_options(player_quiz, **{name: timezone.now() + delta for name, delta in options.items()})
    page = player_browser.get(start_url(player_quiz)).content.decode()
    assert message in page
    assert 'name="name"' not in page
    assert player_browser.post(start_url(player_quiz), {"name": "Ada"}).status_code == 403
    assert not Attempt.objects.filter(quiz=player_quiz).exists()


def test_attempts_allowed_are_counted_from_the_browsers_cookies(player_quiz, player_browser):
    set_options(player_quiz, attempts_allowed=2)
    assert "Attempts left" in player_browser.get(start_url(player_quiz)).content.decode()
    begin(player_browser, player_quiz)
    begin(player_browser, player_quiz)
    page = player_browser.get(start_url(player_quiz)).content.decode()
    assert "all the attempts allowed" in page
    assert player_browser.post(start_url(player_quiz), {"name": "Ada"}).status_code == 403
    # Another browser starts afresh.
    begin(Client(), player_quiz)


# -- who may use an attempt ------------------------------------------------------------------------
def test_another_browser_gets_a_404(player_quiz, player_browser):
    key = begin(player_browser, player_quiz)
    other = Client()
    for name in ("question", "review", "result"):
        assert other.get(url(player_quiz, key, name)).status_code == 404
    assert other.post(url(player_quiz, key, "save"), {"page": 1}).status_code == 404
    assert other.post(url(player_quiz, key, "submit")).status_code == 404
    assert stored(key).state == "in_progress"


def test_a_tampered_or_moved_cookie_is_a_404(player_quiz, player_browser):
    key = begin(player_browser, player_quiz)
    value = player_browser.cookies[player.cookie_name(key)].value
    thief = Client()
    thief.cookies[player.cookie_name(key)] = value[:-2] + ("AA" if value[-2:] != "AA" else "BB")
    assert thief.get(url(player_quiz, key)).status_code == 404
    # The cookie of one attempt does not open another.
    other = begin(Client(), player_quiz)
    thief.cookies[player.cookie_name(other)] = value
    assert thief.get(url(player_quiz, other)).status_code == 404
    # Nor does an attempt of another quiz, under this quiz's code.
    assert player_browser.get(f"/q/{player_quiz.share_code}/a/{'0' * 48}/").status_code == 404


# -- answering ----------------------------------------------------------------------------------
def test_answers_are_saved_and_shown_again(player_quiz, player_browser):
    key = begin(player_browser, player_quiz)
    page = player_browser.get(url(player_quiz, key))
    assert page.status_code == 200
    html = page.content.decode()
    for question in QUESTIONS.values():
        assert f"<p>{question['text']}</p>" in html
    # The texts rendered and sanitised at publishing, shown as HTML.
    assert "<p>2 + 2?</p>" in html
    assert "&lt;p&gt;" not in html
    body = {"page": 1, "go": "review", **form(player_quiz, **RIGHT_FORM)}
    response = player_browser.post(url(player_quiz, key), body)
    assert response.status_code == 303
    assert response["Location"] == url(player_quiz, key, "review")
    ids = question_ids(player_quiz)
    saved = stored(key).answers
    assert saved[ids["truefalse"]] is True
    assert saved[ids["matching"]] == {"0": "Paris", "1": "Rome"}
    again = player_browser.get(url(player_quiz, key)).content.decode()
    assert RIGHT_RESPONSES["essay"] in again
    assert 'value="true" checked' in again


def test_one_question_per_page_moves_forward_and_back(player_quiz, player_browser):
    set_options(player_quiz, one_per_page=True)
    key = begin(player_browser, player_quiz)
    first = player_browser.get(url(player_quiz, key))
    assert first.content.decode().count('class="card learner-question"') == 1
    response = player_browser.post(url(player_quiz, key), {"page": 1, "go": "next"})
    assert response["Location"] == url(player_quiz, key, page=2)
    response = player_browser.post(url(player_quiz, key), {"page": 2, "go": "previous"})
    assert response["Location"] == url(player_quiz, key, page=1)
    last = len(QUESTIONS)
    assert (
        "Review and submit" in player_browser.get(url(player_quiz, key, page=last)).content.decode()
    )
    assert player_browser.get(url(player_quiz, key, page="x")).status_code == 200


def test_an_invalid_response_is_refused_beside_its_question_and_the_rest_saved(
    player_quiz, player_browser
):
    key = begin(player_browser, player_quiz)
    ids = question_ids(player_quiz)
    body = {
        "page": 1,
        "go": "review",
        **form(player_quiz, shortanswer="x" * 5000, truefalse="false"),
    }
    response = player_browser.post(url(player_quiz, key), body)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="q-{ids["shortanswer"]}-problem"' in html
    assert "at most" in html
    saved = stored(key).answers
    assert ids["shortanswer"] not in saved
    assert saved[ids["truefalse"]] is False


def test_the_save_endpoint_answers_204_then_400_with_problems(player_quiz, player_browser):
    key = begin(player_browser, player_quiz)
    ids = question_ids(player_quiz)
    response = player_browser.post(
        url(player_quiz, key, "save"), {"page": 1, **form(player_quiz, truefalse="true")}
    )
    assert response.status_code == 204
    assert stored(key).answers[ids["truefalse"]] is True
    response = player_browser.post(
        url(player_quiz, key, "save"), {"page": 1, **form(player_quiz, shortanswer="x" * 5000)}
    )
    assert response.status_code == 400
    assert list(response.json()["problems"]) == [ids["shortanswer"]]


def test_the_save_endpoint_needs_the_csrf_token(player_quiz):
    browser = Client(enforce_csrf_checks=True)
    key = begin_with_csrf(browser, player_quiz)
    assert browser.post(url(player_quiz, key, "save"), {"page": 1}).status_code == 403


def begin_with_csrf(browser, quiz):
    page = browser.get(start_url(quiz))
    token = page.context["csrf_token"]
    response = browser.post(start_url(quiz), {"name": "Ada", "csrfmiddlewaretoken": str(token)})
    assert response.status_code == 303
    return response["Location"].split("/a/")[1].split("/")[0]


# -- review, submit, result ------------------------------------------------------------------------
def test_review_lists_each_question_answered_or_not(player_quiz, player_browser):
    key = begin(player_browser, player_quiz)
    player_browser.post(url(player_quiz, key), {"page": 1, **form(player_quiz, truefalse="true")})
    html = player_browser.get(url(player_quiz, key, "review")).content.decode()
    assert html.count("Answered") == 1
    assert "6 questions are not answered" in html


def test_submit_grades_and_the_result_shows_what_the_quiz_allows(player_quiz, player_browser):
    key = begin(player_browser, player_quiz)
    player_browser.post(url(player_quiz, key), {"page": 1, **form(player_quiz, **RIGHT_FORM)})
    response = player_browser.post(url(player_quiz, key, "submit"))
    assert response.status_code == 303
    assert response["Location"] == url(player_quiz, key, "result")
    attempt = stored(key)
    assert attempt.state == "submitted"
    html = player_browser.get(url(player_quiz, key, "result")).content.decode()
    assert "Passed" in html
    assert "SECRET right" in html  # feedback shown by default
    assert 'class="mark mark-right"' in html and "mark-wrong" not in html  # all answers right
    assert "Take the quiz again" in html  # any number of attempts
    # The questions pages now lead to the result.
    assert player_browser.get(url(player_quiz, key))["Location"] == url(player_quiz, key, "result")
    assert player_browser.post(url(player_quiz, key, "save"), {"page": 1}).status_code == 409


def test_the_result_hides_score_feedback_and_answers_as_the_quiz_says(player_quiz, player_browser):
    set_options(player_quiz, show_score=False, show_feedback=False, show_correct_answers=False)
    key = begin(player_browser, player_quiz)
    player_browser.post(url(player_quiz, key), {"page": 1, **form(player_quiz, truefalse="false")})
    player_browser.post(url(player_quiz, key, "submit"))
    html = player_browser.get(url(player_quiz, key, "result")).content.decode()
    assert "Your answers have been submitted" in html
    hidden = ("Passed", "SECRET", "correct answer", 'class="score"', "learner-question", "mark-")
    for part in hidden:
        assert part not in html


def test_the_result_may_show_the_right_answers_without_the_feedback(player_quiz, player_browser):
    set_options(player_quiz, show_feedback=False, show_correct_answers=True)
    key = begin(player_browser, player_quiz)
    player_browser.post(url(player_quiz, key, "submit"))
    html = player_browser.get(url(player_quiz, key, "result")).content.decode()
    assert "correct answer" in html
    assert "SECRET right" not in html
    assert "SECRET general" not in html


# -- time ------------------------------------------------------------------------------------------
def expire(key):
    quiz_id, attempt_id = player.split_key(key)
    Attempt.objects.filter(quiz_id=quiz_id, pk=attempt_id).update(
        deadline=timezone.now() - timedelta(seconds=1)
    )


def test_past_the_deadline_the_attempt_is_graded_with_what_was_saved(player_quiz, player_browser):
    set_options(player_quiz, time_limit_minutes=10)
    key = begin(player_browser, player_quiz)
    ids = question_ids(player_quiz)
    assert stored(key).deadline is not None
    html = player_browser.get(url(player_quiz, key)).content.decode()
    assert "data-deadline" in html
    player_browser.post(
        url(player_quiz, key, "save"), {"page": 1, **form(player_quiz, truefalse="true")}
    )
    expire(key)
    # A late save is refused; the attempt is graded with what was saved.
    late = player_browser.post(
        url(player_quiz, key, "save"), {"page": 1, **form(player_quiz, **RIGHT_FORM)}
    )
    assert late.status_code == 409
    assert late.json()["location"] == url(player_quiz, key, "result")
    attempt = stored(key)
    assert attempt.state == "submitted"
    assert attempt.answers[ids["truefalse"]] is True
    assert attempt.answers[ids["shortanswer"]] == ""  # as saved by the deadline
    assert "The time was up" in player_browser.get(url(player_quiz, key, "result")).content.decode()


def test_a_page_asked_for_past_the_deadline_shows_the_result(player_quiz, player_browser):
    set_options(player_quiz, time_limit_minutes=10)
    key = begin(player_browser, player_quiz)
    expire(key)
    assert player_browser.get(url(player_quiz, key))["Location"] == url(player_quiz, key, "result")
    assert stored(key).state == "submitted"


def test_a_late_page_post_saves_nothing_and_goes_to_the_result(player_quiz, player_browser):
    set_options(player_quiz, time_limit_minutes=10)
    key = begin(player_browser, player_quiz)
    expire(key)
    response = player_browser.post(
        url(player_quiz, key), {"page": 1, "go": "finish", **form(player_quiz, **RIGHT_FORM)}
    )
    assert response["Location"] == url(player_quiz, key, "result")
    assert stored(key).answers == {}


def test_the_countdown_finish_saves_then_submits(player_quiz, player_browser):
    set_options(player_quiz, time_limit_minutes=10)
    key = begin(player_browser, player_quiz)
    response = player_browser.post(
        url(player_quiz, key), {"page": 1, "go": "finish", **form(player_quiz, truefalse="true")}
    )
    assert response["Location"] == url(player_quiz, key, "result")
    attempt = stored(key)
    assert attempt.state == "submitted"
    assert attempt.score > 0


# -- releases --------------------------------------------------------------------------------------
def test_a_republish_mid_attempt_keeps_the_learner_on_their_own_release(
    player_quiz, player_browser
):
    key = begin(player_browser, player_quiz)
    own = stored(key).release_id
    ids = question_ids(player_quiz)
    player_browser.post(url(player_quiz, key), {"page": 1, **form(player_quiz, truefalse="true")})
    # The teacher makes "false" the right answer and publishes again.
    swapped = [{"text": "true", "fraction": 0}, {"text": "false", "fraction": 100}]
    operations.update_question(
        player_quiz, question_named(player_quiz, "Sky"), {"answers": swapped}
    )
    set_options(player_quiz)
    assert releases.live_release(player_quiz).pk != own
    recorder = CommandRecorder()
    with backend_client_with(recorder):
        assert player_browser.get(url(player_quiz, key)).status_code == 200
    # The live release, the attempt, then its own release.
    assert [command[name] for name, command in recorder.commands] == [
        "quizzes_release",
        "quizzes_attempt",
        "quizzes_release",
    ]
    player_browser.post(url(player_quiz, key, "submit"))
    attempt = stored(key)
    assert attempt.release_id == own
    right = next(row for row in attempt.results if str(row.question) == ids["truefalse"])
    assert right.state == "correct"
    # A new attempt gets the new release.
    other = begin(Client(), player_quiz)
    assert stored(other).release_id == releases.live_release(player_quiz).pk


# -- MongoDB commands ---------------------------------------------------------------------------
def test_the_question_page_reads_the_release_and_the_attempt_only(player_quiz, player_browser):
    key = begin(player_browser, player_quiz)
    player_browser.get(url(player_quiz, key))  # the CSRF cookie set already, as in a browser
    recorder = CommandRecorder()
    with backend_client_with(recorder):
        page = player_browser.get(url(player_quiz, key))
    assert page.status_code == 200
    assert [(name, command[name]) for name, command in recorder.commands] == [
        ("find", "quizzes_release"),  # without the answer key (test_player_reads)
        ("aggregate", "quizzes_attempt"),
    ]


def test_shuffled_questions_and_answers_keep_their_order_at_every_load(player_quiz, player_browser):
    set_options(player_quiz, shuffle_questions=True, shuffle_answers=True)
    key = begin(player_browser, player_quiz)

    def order():
        html = player_browser.get(url(player_quiz, key)).content.decode()
        return [html.index(f"<p>{question['text']}</p>") for question in QUESTIONS.values()], [
            html.index(f'name="q-{question_ids(player_quiz)["multichoice_multiple"]}" value="{n}"')
            for n in range(3)
        ]

    assert order() == order()


def test_a_late_submit_grades_what_was_saved_by_the_deadline(player_quiz, player_browser):
    set_options(player_quiz, time_limit_minutes=10)
    key = begin(player_browser, player_quiz)
    player_browser.post(
        url(player_quiz, key, "save"), {"page": 1, **form(player_quiz, truefalse="true")}
    )
    expire(key)
    response = player_browser.post(url(player_quiz, key, "submit"))
    assert response["Location"] == url(player_quiz, key, "result")
    attempt = stored(key)
    assert (attempt.state, attempt.score) == ("submitted", 1)
    assert attempt.submitted_at <= attempt.deadline


def test_a_signed_in_learner_takes_a_quiz_for_signed_in_users(player_quiz, client_for, teacher):
    set_options(player_quiz, access="signed_in", attempts_allowed=1)
    browser = client_for(teacher)
    page = browser.get(start_url(player_quiz)).content.decode()
    assert "Start the quiz" in page
    assert 'name="name"' not in page
    assert "<dt>Attempts left</dt><dd>1</dd>" in page
    key = begin(browser, player_quiz, name="")
    browser.post(url(player_quiz, key, "submit"))
    result = browser.get(url(player_quiz, key, "result")).content.decode()
    assert "Take the quiz again" not in result
    page = browser.get(start_url(player_quiz)).content.decode()
    assert "all the attempts allowed" in page
    assert "<dt>Attempts left</dt><dd>0</dd>" in page


def test_an_attempt_outlives_its_quiz_being_unpublished(player_quiz, player_browser):
    key = begin(player_browser, player_quiz)
    operations.set_status(player_quiz, "draft")
    assert player_browser.get(start_url(player_quiz)).status_code == 404
    assert player_browser.get(url(player_quiz, key)).status_code == 200
    player_browser.post(url(player_quiz, key, "submit"))
    result = player_browser.get(url(player_quiz, key, "result"))
    assert result.status_code == 200
    assert "Take the quiz again" not in result.content.decode()
    # Still nobody else's.
    assert Client().get(url(player_quiz, key, "result")).status_code == 404
