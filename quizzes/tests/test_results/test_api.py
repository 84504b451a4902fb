"""The results API: the owner reads, grades and deletes attempts, and reads statistics."""

import pytest

from quizzes import attempts, releases
from quizzes.models import Attempt
from quizzes.tests.fixtures.plugin import token_client
from quizzes.tests.test_api.conftest import assert_problem, question_ids


def ann(quiz):
    return Attempt.objects.get(quiz=quiz, learner_name="Ann")


def attempt_url(attempt, suffix=""):
    return f"/api/v1/attempts/{attempts.public_id(attempt)}/{suffix}"


def test_the_owner_lists_attempts_with_filters(api, graded_quiz):
    body = api.get(f"/api/v1/quizzes/{graded_quiz.pk}/attempts/").json()
    assert {a["learner_name"] for a in body["results"]} == {"Ann", "=Bob"}
    assert body["statistics"]["count"] == 2 and len(body["statistics"]["histogram"]) == 10
    waiting = api.get(f"/api/v1/quizzes/{graded_quiz.pk}/attempts/", {"state": "needs_grading"})
    assert [a["learner_name"] for a in waiting.json()["results"]] == ["Ann"]
    (found,) = waiting.json()["results"]
    assert found["public_id"] == attempts.public_id(ann(graded_quiz)) and found["ungraded"] == 1
    other = api.get(f"/api/v1/quizzes/{graded_quiz.pk}/attempts/", {"release": 2}).json()
    assert other["results"] == []
    bad = api.get(f"/api/v1/quizzes/{graded_quiz.pk}/attempts/", {"state": "lost"})
    assert_problem(bad, 400)


def test_the_owner_reads_the_review_and_grades(api, graded_quiz):
    attempt = ann(graded_quiz)
    review = api.get(attempt_url(attempt))
    assert review.status_code == 200
    assert review.json()["ungraded"] == 1 and "questions" not in review.json()
    essay = question_ids(graded_quiz)["essay"]
    graded = api.post(
        attempt_url(attempt, "grade/"),
        {"question": essay, "points": 1, "comment": "Good"},
        format="json",
    )
    assert graded.status_code == 200, graded.content
    body = graded.json()
    assert (body["score"], body["ungraded"], body["passed"]) == (7.0, 0, True)
    (row,) = [row for row in body["results"] if row["question"] == essay]
    assert (row["state"], row["comment"], row["graded_by"]) == ("correct", "Good", "teacher")


@pytest.mark.parametrize(
    "body",
    [
        {"question": "essay", "points": 3},
        {"question": "essay", "points": -1},
        {"question": "essay", "points": "many"},
        {"question": "0" * 24, "points": 1},
        {"question": "essay"},
        {"question": "essay", "points": 1, "extra": True},
    ],
)
def test_bad_grades_are_400_and_write_nothing(api, graded_quiz, body):
    attempt = ann(graded_quiz)
    if body["question"] == "essay":
        body = {**body, "question": question_ids(graded_quiz)["essay"]}
    assert_problem(api.post(attempt_url(attempt, "grade/"), body, format="json"), 400)
    assert ann(graded_quiz).ungraded == 1


def test_grading_an_attempt_in_progress_is_409(api, results_quiz):
    attempt = attempts.start_attempt(releases.live_release(results_quiz), name="Eve")
    body = {"question": question_ids(results_quiz)["essay"], "points": 1}
    assert_problem(
        api.post(attempt_url(attempt, "grade/"), body, format="json"), 409, "in_progress"
    )


def test_others_get_404(graded_quiz, other_teacher):
    attempt = ann(graded_quiz)
    essay = question_ids(graded_quiz)["essay"]
    for client in (token_client(other_teacher), token_client(None)):
        assert_problem(client.get(attempt_url(attempt)), 404)
        grade = client.post(
            attempt_url(attempt, "grade/"), {"question": essay, "points": 1}, format="json"
        )
        assert grade.status_code in (401, 403, 404)
        assert client.delete(attempt_url(attempt)).status_code in (401, 403, 404)
    assert_problem(
        token_client(other_teacher).get(f"/api/v1/quizzes/{graded_quiz.pk}/statistics/"), 404
    )
    assert ann(graded_quiz).ungraded == 1


def test_the_owner_deletes_an_attempt(api, graded_quiz):
    attempt = ann(graded_quiz)
    assert api.delete(attempt_url(attempt)).status_code == 204
    assert not Attempt.objects.filter(pk=attempt.pk).exists()
    assert api.get(f"/api/v1/quizzes/{graded_quiz.pk}/statistics/").json()["count"] == 1


def test_statistics_endpoint(api, graded_quiz):
    body = api.get(f"/api/v1/quizzes/{graded_quiz.pk}/statistics/").json()
    assert body["count"] == 2 and body["mean_percent"] is not None
    names = {q["name"]: q for q in body["questions"]}
    assert names["Sum"]["facility"] == 50.0
    assert {a["answer"]: a["count"] for a in names["Sum"]["answers"]} == {"4": 1, "5": 1}


def test_the_learner_still_reads_their_own_attempt(graded_quiz, results_quiz):
    attempt = attempts.start_attempt(releases.live_release(results_quiz), name="Zed")
    client = token_client(None)
    body = client.get(attempt_url(attempt), HTTP_X_ATTEMPT_TOKEN=attempt.token).json()
    assert body["state"] == "in_progress" and "questions" in body


def test_the_learner_sees_the_teachers_grade_and_comment(api, results_quiz):
    essay = question_ids(results_quiz)["essay"]
    attempt = attempts.start_attempt(releases.live_release(results_quiz), name="Kim")
    learner = token_client(None)
    headers = {"HTTP_X_ATTEMPT_TOKEN": attempt.token}
    saved = learner.patch(
        attempt_url(attempt), {"responses": {essay: "A long story."}}, format="json", **headers
    )
    assert saved.status_code == 200, saved.content
    assert learner.post(attempt_url(attempt, "submit/"), **headers).status_code == 200
    graded = api.post(
        attempt_url(attempt, "grade/"),
        {"question": essay, "points": 0.5, "comment": "Too short."},
        format="json",
    )
    assert graded.status_code == 200, graded.content
    result = learner.get(attempt_url(attempt), **headers).json()["result"]
    (row,) = [row for row in result["results"] if row["question"] == essay]
    assert (row["points"], row["state"], row["feedback"]) == (0.5, "partial", ["Too short."])
    assert result["score"] == 0.5
