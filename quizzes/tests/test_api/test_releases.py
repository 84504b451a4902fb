"""Releases through the API: publishing freezes what learners get and what grades them.

Learners (`published/`) and grading read the quiz's live release only: editing
the draft or its bank questions changes nothing for them until the teacher
publishes again, and an attempt is graded against its own release. Archived
quizzes are read-only; a quiz with no question cannot be published.
"""

import pytest

from quizzes import bank, operations, releases
from quizzes.models import Attempt, Release
from quizzes.tests.fixtures.plugin import db_snapshot, question_named
from quizzes.tests.test_api.conftest import (
    QUESTIONS,
    RIGHT_RESPONSES,
    assert_problem,
    question_ids,
    quiz_url,
)
from quizzes.tests.test_api.test_delivery import assert_no_answer_key, attempt_url
from sessions_mw.tests.conftest import CommandRecorder, backend_client_with

pytestmark = pytest.mark.django_db


def published_url(quiz):
    return f"/api/v1/published/{quiz.pk}/"


def right_responses(quiz):
    return {question_id: RIGHT_RESPONSES[kind] for kind, question_id in question_ids(quiz).items()}


def make_the_sky_green(quiz):
    """Edit the bank question "Sky" as the bank does: "true" becomes the wrong answer."""
    question = question_named(quiz, "Sky")
    answers = [{"text": "true", "fraction": 0}, {"text": "false", "fraction": 100}]
    bank.update_question(question, {"text": "The sky is green.", "answers": answers})


def test_publishing_freezes_one_release(api, secret_quiz):
    response = api.post(quiz_url(secret_quiz, "publish/"))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "published"
    release = Release.objects.get()
    ids = question_ids(secret_quiz)
    published_version = secret_quiz.version + 1  # publishing bumps the quiz's version
    assert (release.number, release.live, release.quiz_version) == (1, True, published_version)
    assert response["ETag"] == f'"{release.quiz_version}"'
    assert [slot["question"] for slot in release.slots] == list(ids.values())
    assert release.versions == dict.fromkeys(ids.values(), 1)
    assert release.key[ids["truefalse"]]["answers"][0]["fraction"] == 100
    assert (release.title, release.question_count) == ("Everything", len(QUESTIONS))
    assert_no_answer_key(release.learner)
    assert release.author.username == "teacher"


def test_learners_and_grading_ignore_the_draft_until_it_is_published_again(
    api, anonymous, published
):
    ids, responses = question_ids(published), right_responses(published)
    before = anonymous.get(published_url(published))
    operations.update_quiz(published, {"title": "Renamed", "options": {"pass_mark": 100}})
    make_the_sky_green(published)
    operations.delete_question(published, question_named(published, "Essay"))
    after = anonymous.get(published_url(published))
    assert (after.json(), after["ETag"]) == (before.json(), before["ETag"])
    attempt = anonymous.post(attempt_url(published), {"responses": responses})
    assert attempt.status_code == 201, attempt.content
    # The essay waits for the teacher; everything else is right, as release 1 says.
    assert (attempt.json()["score"], attempt.json()["passed"]) == (len(QUESTIONS) - 1, True)
    assert attempt.json()["release"] == str(releases.live_release(published).pk)

    republished = api.post(quiz_url(published, "publish/"))
    assert republished.status_code == 200, republished.content
    now = anonymous.get(published_url(published))
    assert now["ETag"] == republished["ETag"] != before["ETag"]
    assert (now.json()["title"], now.json()["release"]) == ("Renamed", 2)
    assert "Essay" not in [question["name"] for question in now.json()["questions"]]
    del responses[ids["essay"]]  # no longer a question of the quiz
    graded = anonymous.post(attempt_url(published), {"responses": responses})
    states = {row["question"]: row["state"] for row in graded.json()["results"]}
    assert states[ids["truefalse"]] == "incorrect"
    assert graded.json()["passed"] is False  # the new pass mark
    assert list(Release.objects.order_by("number").values_list("number", "live")) == [
        (1, False),
        (2, True),
    ]


def test_an_attempt_on_release_1_is_graded_against_it_after_republishing(published):
    first = releases.live_release(published)
    make_the_sky_green(published)
    operations.publish_quiz(published)
    second = releases.live_release(published)
    sky = question_ids(published)["truefalse"]
    on_first = operations.record_attempt(first, {sky: True})
    on_second = operations.record_attempt(second, {sky: True})
    assert (on_first.score, on_second.score) == (1, 0)
    stored = Attempt.objects.get(pk=on_first.pk)
    assert (stored.release_id, stored.quiz_version) == (first.pk, first.quiz_version)
    assert second.number == first.number + 1


def test_a_random_slot_freezes_its_pool(teacher, anonymous, make_quiz):
    category = bank.create_category(teacher, {"name": "Pool"})
    pool = [
        bank.create_question(teacher, category, {**QUESTIONS["truefalse"], "name": f"tf{n}"})
        for n in range(2)
    ]
    quiz = make_quiz("Random", [QUESTIONS["essay"]])
    operations.add_random_slot(quiz, category, 5)
    operations.publish_quiz(quiz)
    bank.create_question(teacher, category, {**QUESTIONS["truefalse"], "name": "late"})
    release = releases.live_release(quiz)
    assert release.slots[1]["pool"] == [str(question.pk) for question in pool]
    assert release.question_count == 3
    shown = anonymous.get(published_url(quiz)).json()["questions"]
    assert sorted(question["name"] for question in shown) == ["Essay", "tf0", "tf1"]
    assert operations.unpublished_changes(quiz, release)


def test_get_published_reads_the_release_with_one_command(anonymous, published):
    table = Release._meta.db_table
    recorder = CommandRecorder()
    with backend_client_with(recorder):
        first = anonymous.get(published_url(published))
        rendering = quizzes_commands(recorder)
        recorder.clear()
        again = anonymous.get(published_url(published))
    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    # Only the release: no quiz, question or category is read. Its id and version,
    # then all of it to render it; once rendered, its id and version only.
    assert rendering == [("find", table), ("aggregate", table)]
    assert quizzes_commands(recorder) == [("find", table)]


def quizzes_commands(recorder):
    """(name, collection) of the commands `recorder` saw on the quizzes' collections
    (others, such as the throttle's counters, are no business of the quizzes)."""
    return [
        (name, command[name])
        for name, command in recorder.commands
        if str(command.get(name, "")).startswith("quizzes_")
    ]


@pytest.mark.parametrize("with_random_slot", [False, True])
def test_a_quiz_with_no_question_cannot_be_published(api, teacher, make_quiz, with_random_slot):
    quiz = make_quiz("Empty")
    if with_random_slot:
        operations.add_random_slot(quiz, bank.create_category(teacher, {"name": "Nothing"}), 2)
    before = db_snapshot()
    body = assert_problem(api.post(quiz_url(quiz, "publish/")), 409, "empty_quiz")
    assert "cannot be published" in body["detail"]
    assert db_snapshot() == before
    assert not Release.objects.exists()


@pytest.fixture
def archived_after_publishing(secret_quiz):
    operations.publish_quiz(secret_quiz)
    return operations.set_status(secret_quiz, "archived")


def archived_requests(quiz):
    """(method, url, body) of each change an archived quiz refuses."""
    question = question_ids(quiz)["essay"]
    slot = str(quiz.slots[0].uid)
    return [
        ("patch", quiz_url(quiz), {"title": "New"}),
        ("put", quiz_url(quiz), {"title": "New"}),
        ("post", quiz_url(quiz, "reorder/"), {"order": list(question_ids(quiz).values())[::-1]}),
        ("post", quiz_url(quiz, "publish/"), None),
        ("post", quiz_url(quiz, "questions/"), QUESTIONS["truefalse"]),
        ("patch", quiz_url(quiz, f"questions/{question}/"), {"name": "New"}),
        ("delete", quiz_url(quiz, f"questions/{question}/"), None),
        ("patch", quiz_url(quiz, f"slots/{slot}/"), {"points": 3}),
        ("delete", quiz_url(quiz, f"slots/{slot}/"), None),
    ]


def test_an_archived_quiz_is_read_only_until_restored(api, anonymous, archived_after_publishing):
    archived = archived_after_publishing
    assert_problem(anonymous.get(published_url(archived)), 404)
    before = db_snapshot()
    for method, url, body in archived_requests(archived):
        response = getattr(api, method)(url, body, format="json")
        problem = assert_problem(response, 409, "archived")
        assert "unpublish/" in problem["detail"], (method, url)
    assert db_snapshot() == before
    assert Release.objects.filter(live=True).count() == 0

    restored = api.post(quiz_url(archived, "unpublish/"))
    assert restored.json()["status"] == "draft"
    assert api.patch(quiz_url(archived), {"title": "New"}, format="json").status_code == 200


def test_the_publish_action_is_documented(api):
    schema = api.get("/api/schema/?format=json").json()
    publish = schema["paths"]["/api/v1/quizzes/{id}/publish/"]["post"]
    assert "into a release" in publish["description"]
    assert "409" in publish["responses"]
