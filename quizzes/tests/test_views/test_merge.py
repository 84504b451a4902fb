"""The three-way merge in the teachers' forms: quiz settings, questions in the quiz editor
and in the bank, and slot changes from a page older than the quiz (issue 13 items 1, 2)."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from quizzes import bank, merge, operations
from quizzes.models import Question, Quiz
from quizzes.tests.fixtures.plugin import db_snapshot, questions_of
from quizzes.tests.test_views.conftest import quiz_post
from quizzes.tests.test_views.test_bank import submitted
from quizzes.views import merging

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague_lea(db):
    return User.objects.create_user("lea", first_name="Léa")


def fresh(quiz):
    return Quiz.objects.get(pk=quiz.pk)


def messages_of(response):
    return [str(message) for message in response.wsgi_request._messages]


def settings_post(quiz, version, **fields):
    """The settings form as loaded at the quiz's state now, `fields` typed over it."""
    values = {"title": quiz.title, "description": quiz.description, "tags": ", ".join(quiz.tags)}
    shown = {"pass_mark": "50", "show_score": "on", "show_feedback": "on"}
    return quiz_post(version, **{**values, **shown, **fields})


def test_settings_changed_meanwhile_are_kept_and_named(quiz, owner_client, colleague_lea):
    stale = quiz.version
    operations.update_quiz(fresh(quiz), {"options": {"pass_mark": 75}}, author=colleague_lea)
    response = owner_client.post(
        reverse("quiz_edit", args=[quiz.pk]), settings_post(quiz, stale, tags="science, maths")
    )
    assert response.status_code == 302
    stored = fresh(quiz)
    assert (stored.options.pass_mark, stored.tags) == (75, ["science", "maths"])
    assert messages_of(response) == [
        "Quiz settings saved. Léa changed the pass mark meanwhile; "
        "your change of the tags was added."
    ]


def test_a_settings_conflict_waits_for_a_choice(quiz, owner_client, colleague_lea):
    stale = quiz.version
    operations.update_quiz(fresh(quiz), {"title": "Theirs"}, author=colleague_lea)
    url = reverse("quiz_edit", args=[quiz.pk])
    body = settings_post(quiz, stale, title="Yours", tags="science, maths")
    before = db_snapshot()
    response = owner_client.post(url, body)
    assert response.status_code == 409
    assert db_snapshot() == before
    (row,) = response.context["form"].merge_conflicts
    assert (row.field, row.theirs, row.yours, row.base) == ("title", "Theirs", "Yours", "Astronomy")
    page = response.content.decode()
    assert "Léa saved changes since you opened this page." in page
    assert "<legend>The title</legend>" in page
    for choice in ("theirs", "yours", "base"):
        assert f'name="merge:title" value="{choice}" id="merge-title-{choice}"' in page
    # No choice made: the same page again, nothing saved.
    assert owner_client.post(url, body).status_code == 409
    response = owner_client.post(url, {**body, "merge:title": "yours"})
    assert response.status_code == 302
    stored = fresh(quiz)
    assert (stored.title, stored.tags) == ("Yours", ["science", "maths"])


def test_a_chosen_side_is_merged_again_with_later_changes(quiz, owner_client, colleague_lea):
    stale = quiz.version
    operations.update_quiz(fresh(quiz), {"title": "Theirs"}, author=colleague_lea)
    operations.update_quiz(fresh(quiz), {"options": {"pass_mark": 80}}, author=colleague_lea)
    body = {**settings_post(quiz, stale, title="Yours"), "merge:title": "theirs"}
    response = owner_client.post(reverse("quiz_edit", args=[quiz.pk]), body)
    assert response.status_code == 302
    stored = fresh(quiz)
    assert (stored.title, stored.options.pass_mark) == ("Theirs", 80)


def test_a_bad_choice_is_refused(quiz, owner_client, colleague_lea):
    stale = quiz.version
    operations.update_quiz(fresh(quiz), {"title": "Theirs"}, author=colleague_lea)
    body = {**settings_post(quiz, stale, title="Yours"), "merge:title": "mine"}
    before = db_snapshot()
    response = owner_client.post(reverse("quiz_edit", args=[quiz.pk]), body)
    assert response.status_code == 400
    assert db_snapshot() == before


# -- questions ------------------------------------------------------------------
def loaded(client, url):
    """The POST body of the question form at `url` as loaded now."""
    return submitted(client.get(url))


def test_the_quiz_editor_question_form_carries_the_question_version(quiz, owner_client):
    question = questions_of(quiz)[0]
    bank.update_question(question, {"name": "Renamed"})
    url = reverse("question_edit", args=[quiz.pk, question.pk])
    assert owner_client.get(url).context["editor"].form["version"].value() == 2
    assert fresh(quiz).version == 1


def test_editing_two_questions_of_a_quiz_at_once_never_conflicts(quiz, owner_client, colleague_lea):
    urls = [reverse("question_edit", args=[quiz.pk, q.pk]) for q in questions_of(quiz)[:2]]
    bodies = [loaded(owner_client, url) for url in urls]
    operations.update_quiz(fresh(quiz), {"description": "Changed too"}, author=colleague_lea)
    for url, body, name in zip(urls, bodies, ("First", "Second"), strict=True):
        response = owner_client.post(url, {**body, "name": name})
        assert response.status_code == 302, response.content.decode()
    assert [question.name for question in questions_of(quiz)[:2]] == ["First", "Second"]
    assert fresh(quiz).version == 4, "each question edit moves the quiz's version"


def test_question_changes_made_meanwhile_are_kept(quiz, owner_client, colleague_lea):
    question = questions_of(quiz)[0]
    url = reverse("question_edit", args=[quiz.pk, question.pk])
    body = {**loaded(owner_client, url), "name": "Mine"}
    bank.update_question(question, {"general_feedback": "Theirs"}, colleague_lea)
    response = owner_client.post(url, body)
    assert response.status_code == 302
    stored = Question.objects.get(pk=question.pk)
    assert (stored.name, stored.general_feedback) == ("Mine", "Theirs")
    (message,) = messages_of(response)
    assert message.startswith("Question “Mine” saved. Léa changed the general feedback meanwhile")


def test_a_question_conflict_in_the_bank_waits_for_a_choice(quiz, owner_client, colleague_lea):
    question = questions_of(quiz)[0]
    url = reverse("bank_question_edit", args=[question.pk])
    body = {**loaded(owner_client, url), "name": "Mine"}
    bank.update_question(question, {"name": "Theirs"}, colleague_lea)
    before = db_snapshot()
    response = owner_client.post(url, body)
    assert response.status_code == 409
    assert db_snapshot() == before
    assert [row.field for row in response.context["merge_conflicts"]] == ["name"]
    assert response.context["merge_authors"] == ["Léa"]
    response = owner_client.post(url, {**body, "merge:name": "theirs"})
    assert response.status_code == 302
    assert Question.objects.get(pk=question.pk).name == "Theirs"


# -- slots ----------------------------------------------------------------------
def test_slot_changes_from_an_older_page_go_through_unless_the_slots_changed(quiz, owner_client):
    stale = quiz.version
    first, second = questions_of(quiz)[:2]
    operations.update_quiz(fresh(quiz), {"title": "Settings changed"})
    operations.update_question(fresh(quiz), first, {"name": "Question edited"})
    down = reverse("question_move_down", args=[quiz.pk, first.pk])
    assert owner_client.post(down, {"version": stale}).status_code == 302
    assert [q.pk for q in questions_of(quiz)[:2]] == [second.pk, first.pk]
    before = db_snapshot()
    response = owner_client.post(down, {"version": stale})
    assert response.status_code == 409, "the slots changed since that page"
    assert db_snapshot() == before


def test_an_answer_both_changed_is_shown_by_its_text_and_grade(quiz, owner_client, colleague_lea):
    question = questions_of(quiz)[0]
    url = reverse("question_edit", args=[quiz.pk, question.pk])
    body = loaded(owner_client, url)
    first = operations.question_data(question)["answers"][0]
    theirs = [{**first, "feedback": "Theirs"}, *operations.question_data(question)["answers"][1:]]
    bank.update_question(question, {"answers": theirs}, colleague_lea)
    response = owner_client.post(url, {**body, "answers-0-feedback": "Mine"})
    assert response.status_code == 409
    (row,) = response.context["merge_conflicts"]
    assert row.field == f"answers.{first['uid']}"
    assert row.label == f"The answer “{first['text']}”"
    grade = f"(grade {int(first['fraction'])} %)"
    assert (row.theirs, row.yours) == (
        f"{first['text']} {grade} feedback: Theirs",
        f"{first['text']} {grade} feedback: Mine",
    )
    response = owner_client.post(url, {**body, "answers-0-feedback": "Mine", row.name: "yours"})
    assert response.status_code == 302
    assert Question.objects.get(pk=question.pk).answers[0].feedback == "Mine"


@pytest.mark.parametrize(
    ("field", "value", "shown"),
    [
        ("options.access", "signed_in", "Signed-in users only"),
        ("options.shuffle_questions", True, "yes"),
        ("options.time_limit_minutes", None, "(none)"),
        ("options.pass_mark", 75, "75"),
        (
            "options.opens_at",
            datetime.datetime(2026, 9, 1, 8, 30, tzinfo=datetime.UTC),
            "Sept. 1, 2026, 8:30 a.m.",
        ),
        ("tags", ["sky", "planets"], "sky, planets"),
        ("text_format", "html", "HTML"),
        ("penalty", 0.5, "50 %"),
        ("answers.a", merge.MISSING, "(removed)"),
        ("answers.a", {"text": "Paris", "fraction": 100.0}, "Paris (grade 100 %)"),
    ],
)
def test_conflicting_values_are_shown_as_people_read_them(field, value, shown):
    assert merging.shown(field, value) == shown
