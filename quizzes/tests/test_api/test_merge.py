"""PATCH with If-Match and `Prefer: merge`: a three-way merge of a quiz's settings or of
a bank question with what was saved since the version the client edited
(quizzes.api.versions). Strict If-Match (412) stays as it was without the preference.
Every refusal writes nothing."""

import pytest

from quizzes import bank, operations
from quizzes.models import Revision
from quizzes.tests.fixtures.plugin import db_snapshot, token_client
from quizzes.tests.fixtures.samples import LETTERS
from quizzes.tests.test_api.conftest import QUESTIONS, assert_problem, quiz_url

pytestmark = pytest.mark.django_db

MERGE = {"HTTP_PREFER": "merge"}
YOURS = {"field": "title", "choice": "yours"}


def if_match(version):
    return {"HTTP_IF_MATCH": f'"{version}"'}


def patch(client, url, body, version=None, **headers):
    if version is not None:
        headers.update(if_match(version))
    return client.patch(url, body, format="json", **headers)


@pytest.fixture
def merge_quiz(make_quiz):
    """A draft quiz at version 1 (its revision 1 kept), with one question."""
    return make_quiz("Algebra", [QUESTIONS["multichoice"]])


@pytest.fixture
def colleague(staff):
    """A second person editing the teacher's quiz (staff may), with a display name."""
    staff.first_name = "Léa"
    staff.save()
    return token_client(staff)


@pytest.fixture
def letters_question(teacher):
    """A bank question at version 1 whose answers are A, B and C (uids "1", "2", "3")."""
    return bank.create_question(teacher, bank.default_category(teacher, "Letters"), LETTERS)


def question_url(question):
    return f"/api/v1/questions/{question.pk}/"


# -- quiz settings ----------------------------------------------------------------------
def test_pass_mark_then_tags_from_the_same_version_keeps_both(api, colleague, merge_quiz):
    assert patch(api, quiz_url(merge_quiz), {"options": {"pass_mark": 75}}, 1).status_code == 200
    response = patch(colleague, quiz_url(merge_quiz), {"tags": ["algebra"]}, 1, **MERGE)
    assert response.status_code == 200, response.content
    assert response["Preference-Applied"] == "merge"
    assert response["ETag"] == '"3"'
    body = response.json()
    assert (body["options"]["pass_mark"], body["tags"]) == (75, ["algebra"])
    merge = body["merge"]
    assert (merge["base_version"], merge["authors"], merge["resolved"]) == (1, ["teacher"], [])
    assert "options.pass_mark" in merge["theirs"] and merge["yours"] == ["tags"]
    assert merge["message"] == (
        "teacher changed the pass mark meanwhile; your change of the tags was added."
    )
    # The merge is one change, recorded with its author.
    revisions = api.get(quiz_url(merge_quiz, "revisions/")).json()["results"]
    assert [(r["number"], r["author"]) for r in revisions[:2]] == [(3, "staff"), (2, "teacher")]
    assert [change["field"] for change in revisions[0]["changes"]] == ["tags"]


def test_options_not_sent_are_those_of_the_version_edited(api, colleague, merge_quiz):
    patch(api, quiz_url(merge_quiz), {"options": {"pass_mark": 75}}, 1)
    body = {"options": {"time_limit_minutes": 30}}
    response = patch(colleague, quiz_url(merge_quiz), body, 1, **MERGE)
    assert response.status_code == 200, response.content
    options = response.json()["options"]
    assert (options["pass_mark"], options["time_limit_minutes"]) == (75, 30)
    merge = response.json()["merge"]
    assert (merge["theirs"], merge["yours"]) == (
        ["options.pass_mark"],
        ["options.time_limit_minutes"],
    )


def test_an_option_changed_twice_is_resolved_by_its_dotted_name(api, colleague, merge_quiz):
    patch(api, quiz_url(merge_quiz), {"options": {"pass_mark": 75}}, 1)
    response = patch(colleague, quiz_url(merge_quiz), {"options": {"pass_mark": 60}}, 1, **MERGE)
    problem = assert_problem(response, 409, "merge_conflict")
    assert problem["conflicts"] == [
        {"field": "options.pass_mark", "base": 50, "theirs": 75, "yours": 60}
    ]
    body = {
        "options": {"pass_mark": 60},
        "resolve": [{"field": "options.pass_mark", "choice": "yours"}],
    }
    response = patch(colleague, quiz_url(merge_quiz), body, 1, **MERGE)
    assert response.status_code == 200, response.content
    assert response.json()["options"]["pass_mark"] == 60


def test_the_same_field_changed_twice_is_a_conflict_until_chosen(api, colleague, merge_quiz):
    assert patch(api, quiz_url(merge_quiz), {"title": "Theirs"}, 1).status_code == 200
    before = db_snapshot()
    response = patch(colleague, quiz_url(merge_quiz), {"title": "Yours", "tags": ["x"]}, 1, **MERGE)
    problem = assert_problem(response, 409, "merge_conflict")
    assert problem["conflicts"] == [
        {"field": "title", "base": "Algebra", "theirs": "Theirs", "yours": "Yours"}
    ]
    assert (problem["base_version"], problem["current_version"]) == (1, 2)
    assert problem["authors"] == ["teacher"]
    assert response["ETag"] == '"2"'
    assert '"resolve"' in problem["detail"]
    assert db_snapshot() == before

    body = {"title": "Yours", "tags": ["x"], "resolve": [{"field": "title", "choice": "yours"}]}
    response = patch(colleague, quiz_url(merge_quiz), body, 1, **MERGE)
    assert response.status_code == 200, response.content
    assert (response.json()["title"], response.json()["tags"]) == ("Yours", ["x"])
    assert response.json()["merge"]["resolved"] == [{"field": "title", "choice": "yours"}]


@pytest.mark.parametrize(("choice", "title"), [("theirs", "Theirs"), ("base", "Algebra")])
def test_a_conflict_resolved_with_theirs_or_the_base(api, colleague, merge_quiz, choice, title):
    patch(api, quiz_url(merge_quiz), {"title": "Theirs"}, 1)
    resolve = [{"field": "title", "choice": choice}, {"field": "description", "choice": "yours"}]
    body = {"title": "Yours", "resolve": resolve}
    response = patch(colleague, quiz_url(merge_quiz), body, 1, **MERGE)
    assert response.status_code == 200, response.content
    assert response.json()["title"] == title


def test_if_match_of_the_current_version_merges_nothing(api, merge_quiz):
    response = patch(api, quiz_url(merge_quiz), {"title": "Now"}, 1, **MERGE)
    assert response.status_code == 200
    assert response["Preference-Applied"] == "merge"
    assert (response.json()["title"], response.json()["merge"]) == ("Now", None)


def test_strict_if_match_without_prefer_is_still_412(api, colleague, merge_quiz):
    patch(api, quiz_url(merge_quiz), {"options": {"pass_mark": 75}}, 1)
    before = db_snapshot()
    response = patch(colleague, quiz_url(merge_quiz), {"tags": ["algebra"]}, 1)
    problem = assert_problem(response, 412, "precondition_failed")
    assert problem["current_version"] == 2
    assert "Preference-Applied" not in response
    assert db_snapshot() == before


def test_a_base_version_no_longer_kept_is_412(api, colleague, merge_quiz):
    patch(api, quiz_url(merge_quiz), {"title": "Theirs"}, 1)
    Revision.objects.filter(
        quiz=merge_quiz, version=1
    ).delete()  # pruned (OPENQUIZZ_REVISIONS_KEEP)
    before = db_snapshot()
    response = patch(colleague, quiz_url(merge_quiz), {"tags": ["x"]}, 1, **MERGE)
    assert assert_problem(response, 412, "precondition_failed")["current_version"] == 2
    assert db_snapshot() == before


@pytest.mark.parametrize(
    ("headers", "body", "status", "field"),
    [
        ({"HTTP_PREFER": "merge=yes", **if_match(1)}, {"tags": ["x"]}, 400, None),
        ({"HTTP_PREFER": "merge", "HTTP_IF_MATCH": 'W/"1"'}, {"tags": ["x"]}, 400, None),
        ({"HTTP_PREFER": "merge", "HTTP_IF_MATCH": '"1", "2"'}, {"tags": ["x"]}, 400, None),
        ({"HTTP_PREFER": "merge", "HTTP_IF_MATCH": '"one"'}, {"tags": ["x"]}, 400, None),
        ({"HTTP_PREFER": "merge"}, {"tags": ["x"]}, 428, None),
        ({"HTTP_PREFER": "merge", "HTTP_IF_MATCH": "*"}, {"tags": ["x"]}, 428, None),
        (if_match(2), {"title": "T", "resolve": [YOURS]}, 400, "resolve"),
        (
            {**MERGE, **if_match(1)},
            {"title": "T", "resolve": [{**YOURS, "choice": "mine"}]},
            400,
            "resolve",
        ),
        ({**MERGE, **if_match(1)}, {"title": "T", "resolve": "yours"}, 400, "resolve"),
        (
            {**MERGE, **if_match(1)},
            {"title": "T", "resolve": [{**YOURS, "field": 1}]},
            400,
            "resolve",
        ),
        ({**MERGE, **if_match(1)}, {"title": "T", "resolve": [YOURS, YOURS]}, 400, "resolve"),
        ({**MERGE, **if_match(1)}, {"title": "T", "resolve": [{**YOURS, "x": 1}]}, 400, "resolve"),
        ({**MERGE, **if_match(1)}, {"title": "T", "resolve": {"title": "yours"}}, 400, "resolve"),
        ({**MERGE, **if_match(1)}, {"title": "", "tags": ["x"]}, 400, "title"),
        ({**MERGE, **if_match(1)}, {"title": "T", "nonsense": 1}, 400, "nonsense"),
    ],
)
def test_bad_merges_are_refused_writing_nothing(
    api, colleague, merge_quiz, headers, body, status, field
):
    patch(api, quiz_url(merge_quiz), {"title": "Theirs"}, 1)
    before = db_snapshot()
    response = colleague.patch(quiz_url(merge_quiz), body, format="json", **headers)
    problem = assert_problem(response, status)
    if field is not None:
        assert field in problem["errors"]
    assert db_snapshot() == before


def test_another_teachers_quiz_or_question_is_not_found(
    other_teacher, merge_quiz, letters_question
):
    stranger = token_client(other_teacher)
    before = db_snapshot()
    for url in (quiz_url(merge_quiz), question_url(letters_question)):
        response = patch(stranger, url, {"tags": ["mine"]}, 1, **MERGE)
        assert_problem(response, 404)
    assert db_snapshot() == before


# -- bank questions ---------------------------------------------------------------------
def answers_of(response):
    return [(answer["uid"], answer["text"]) for answer in response.json()["answers"]]


def test_answers_merge_by_identity_one_removed_another_edited(api, letters_question):
    first = api.get(question_url(letters_question)).json()["answers"]
    removed = [first[0], first[2]]  # B goes
    assert patch(api, question_url(letters_question), {"answers": removed}, 1).status_code == 200
    edited = [first[0], first[1], {**first[2], "text": "Sea"}]  # C changes, from version 1
    response = patch(api, question_url(letters_question), {"answers": edited}, 1, **MERGE)
    assert response.status_code == 200, response.content
    assert response["Preference-Applied"] == "merge"
    assert response["ETag"] == '"3"'
    assert answers_of(response) == [("1", "A"), ("3", "Sea")]
    merge = response.json()["merge"]
    assert (merge["theirs"], merge["yours"]) == (["answers"], ["answers"])


def test_an_answer_edited_and_removed_is_a_conflict_named_by_its_uid(api, letters_question):
    first = api.get(question_url(letters_question)).json()["answers"]
    edited = [first[0], first[1], {**first[2], "text": "Sea"}]
    assert patch(api, question_url(letters_question), {"answers": edited}, 1).status_code == 200
    before = db_snapshot()
    response = patch(api, question_url(letters_question), {"answers": first[:2]}, 1, **MERGE)
    problem = assert_problem(response, 409, "merge_conflict")
    (conflict,) = problem["conflicts"]
    assert (conflict["field"], conflict["base"]["text"], conflict["theirs"]["text"]) == (
        "answers.3",
        "C",
        "Sea",
    )
    assert "yours" not in conflict  # you removed it
    assert db_snapshot() == before

    body = {"answers": first[:2], "resolve": [{"field": "answers.3", "choice": "yours"}]}
    response = patch(api, question_url(letters_question), body, 1, **MERGE)
    assert response.status_code == 200, response.content
    assert answers_of(response) == [("1", "A"), ("2", "B")]


def test_question_strict_if_match_and_a_missing_base_are_412(api, letters_question):
    patch(api, question_url(letters_question), {"name": "Theirs"}, 1)
    before = db_snapshot()
    response = patch(api, question_url(letters_question), {"text": "Mine"}, 1)
    assert assert_problem(response, 412, "precondition_failed")["current_version"] == 2
    response = patch(api, question_url(letters_question), {"text": "Mine"}, 7, **MERGE)
    assert assert_problem(response, 412, "precondition_failed")["current_version"] == 2
    assert db_snapshot() == before


def test_edits_of_two_questions_of_a_quiz_never_conflict(api, teacher, make_quiz):
    merge_quiz = make_quiz("Two", [QUESTIONS["multichoice"], QUESTIONS["shortanswer"]])
    third, fifth = operations.quiz_questions(merge_quiz)
    read = {q.pk: api.get(question_url(q))["ETag"] for q in (third, fifth)}
    for question, name in ((third, "Edited by A"), (fifth, "Edited by B")):
        headers = {"HTTP_IF_MATCH": read[question.pk], **MERGE}
        response = api.patch(question_url(question), {"name": name}, format="json", **headers)
        assert response.status_code == 200, response.content
        assert (response.json()["name"], response.json()["merge"]) == (name, None)
    assert [q.name for q in operations.quiz_questions(merge_quiz)] == ["Edited by A", "Edited by B"]


def test_a_merged_question_edit_moves_it_too(api, teacher, letters_question):
    elsewhere = bank.default_category(teacher, "Elsewhere")
    patch(api, question_url(letters_question), {"name": "Theirs"}, 1)
    body = {"text": "Mine?", "category": str(elsewhere.pk)}
    response = patch(api, question_url(letters_question), body, 1, **MERGE)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["name"], body["text"], body["category"]) == ("Theirs", "Mine?", str(elsewhere.pk))
    assert (body["merge"]["theirs"], body["merge"]["yours"]) == (["name"], ["text"])
