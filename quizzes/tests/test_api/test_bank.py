"""The question bank's API: categories, questions, versions, bulk actions.

A bank is its owner's alone: another teacher's objects answer 404 (or 400
when a body names them). Every refusal leaves the database as it was.
"""

from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from quizzes import bank, operations
from quizzes.models import Category, Question, QuestionVersion, Quiz
from quizzes.tests.fixtures.plugin import (
    db_snapshot,
    questions_of,
    token_client,
    version_snapshot,
)
from quizzes.tests.test_api.conftest import QUESTIONS, assert_problem, quiz_url
from quizzes.tests.test_api.test_bad_input import CORPUS
from quizzes.tests.test_api.test_transactions import failing

pytestmark = pytest.mark.django_db

API = "/api/v1"
MISSING = "0123456789abcdef01234567"


@pytest.fixture
def bank_tree(teacher):
    """Science > Physics > Quantum and Arts, with questions in Science, Physics and Arts."""
    science = bank.create_category(teacher, {"name": "Science", "idnumber": "sci"})
    physics = bank.create_category(teacher, {"name": "Physics"}, science)
    quantum = bank.create_category(teacher, {"name": "Quantum"}, physics)
    arts = bank.create_category(teacher, {"name": "Arts", "description": "*Fine*"})
    questions = SimpleNamespace(
        sum=bank.create_question(teacher, science, QUESTIONS["multichoice"], teacher),
        sky=bank.create_question(teacher, science, QUESTIONS["truefalse"], teacher),
        e=bank.create_question(
            teacher, physics, {**QUESTIONS["numerical"], "tags": ["hard"]}, teacher
        ),
        essay=bank.create_question(teacher, arts, QUESTIONS["essay"], teacher),
    )
    return SimpleNamespace(
        science=science, physics=physics, quantum=quantum, arts=arts, q=questions
    )


def url(kind, obj=None, suffix=""):
    return f"{API}/{kind}/" + (f"{obj.pk}/" if obj is not None else "") + suffix


def ids(body):
    return [row["id"] for row in body]


# -- categories ----------------------------------------------------------------------
def test_the_tree_is_flat_in_tree_order(api, bank_tree):
    response = api.get(url("categories"))
    assert response.status_code == 200
    rows = response.json()
    assert [(row["name"], row["depth"], row["question_count"]) for row in rows] == [
        ("Science", 0, 2),
        ("Physics", 1, 1),
        ("Quantum", 2, 0),
        ("Arts", 0, 1),
    ]
    science, physics = rows[0], rows[1]
    assert physics["parent"] == science["id"] and science["parent"] is None
    assert science["idnumber"] == "sci" and rows[3]["description"] == "*Fine*"
    assert science["description_format"] == "markdown" and science["version"] == 1
    assert {"created_at", "updated_at"} <= science.keys()


def test_create_a_category_under_another(api, bank_tree):
    response = api.post(url("categories"), {"name": "Optics", "parent": str(bank_tree.physics.pk)})
    assert response.status_code == 201, response.content
    body = response.json()
    assert response["ETag"] == '"1"'
    assert response["Location"] == url("categories", Category.objects.get(pk=body["id"]))
    assert (body["name"], body["parent"], body["depth"]) == ("Optics", str(bank_tree.physics.pk), 2)
    names = [row["name"] for row in api.get(url("categories")).json()]
    assert names == ["Science", "Physics", "Quantum", "Optics", "Arts"]


def test_read_a_category_with_its_etag(api, bank_tree):
    response = api.get(url("categories", bank_tree.quantum))
    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    assert response.json()["depth"] == 2


def test_rename_with_if_match_then_a_stale_one_is_412(api, bank_tree):
    response = api.patch(
        url("categories", bank_tree.arts), {"name": "Humanities"}, HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 200, response.content
    assert response["ETag"] == '"2"'
    assert response.json()["description"] == "*Fine*"
    before = db_snapshot()
    stale = api.patch(url("categories", bank_tree.arts), {"name": "Late"}, HTTP_IF_MATCH='"1"')
    body = assert_problem(stale, 412, "precondition_failed")
    assert body["current_version"] == 2 and stale["ETag"] == '"2"'
    assert "category" in body["title"] and "category" in body["detail"]
    assert db_snapshot() == before


def test_a_new_parent_moves_the_category_with_its_content(api, bank_tree):
    response = api.patch(url("categories", bank_tree.physics), {"parent": str(bank_tree.arts.pk)})
    assert response.status_code == 200, response.content
    rows = api.get(url("categories")).json()
    assert [(row["name"], row["depth"]) for row in rows] == [
        ("Science", 0),
        ("Arts", 0),
        ("Physics", 1),
        ("Quantum", 2),
    ]
    response = api.patch(url("categories", bank_tree.physics), {"parent": None})
    assert response.json()["depth"] == 0


@pytest.mark.parametrize("into", ["science", "physics", "quantum"])
def test_a_category_cannot_go_inside_itself(api, bank_tree, into):
    before = db_snapshot()
    response = api.patch(
        url("categories", bank_tree.physics),
        {"name": "Renamed", "parent": str(getattr(bank_tree, into).pk)},
    )
    if into == "science":  # its own parent: nothing to move, the rename happens
        assert response.status_code == 200
        return
    assert_problem(response, 409, "conflict")
    assert db_snapshot() == before


def test_put_replaces_every_field(api, bank_tree):
    response = api.put(url("categories", bank_tree.physics), {"name": "Physique"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["name"], body["description"], body["idnumber"]) == ("Physique", "", "")
    assert body["parent"] is None and body["depth"] == 0
    assert_problem(api.put(url("categories", bank_tree.physics), {"description": "x"}), 400)


def test_deleting_a_category(api, bank_tree, make_quiz):
    assert api.delete(url("categories", bank_tree.quantum)).status_code == 204
    assert not Category.objects.filter(pk=bank_tree.quantum.pk).exists()
    quiz = make_quiz("Uses the bank")
    operations.add_slots(quiz, [bank_tree.q.sum, bank_tree.q.essay])
    operations.add_random_slot(quiz, bank_tree.physics, 1)
    before = db_snapshot()
    body = assert_problem(api.delete(url("categories", bank_tree.science)), 409, "conflict")
    assert "not empty" in body["detail"]
    assert_problem(api.delete(url("categories", bank_tree.science) + "?with_content=maybe"), 400)
    assert db_snapshot() == before
    response = api.delete(url("categories", bank_tree.science) + "?with_content=true")
    assert response.status_code == 204
    assert set(Category.objects.values_list("name", flat=True)) == {"Arts"}
    assert set(Question.objects.values_list("name", flat=True)) == {"Essay"}
    assert not QuestionVersion.objects.exclude(question=bank_tree.q.essay).exists()
    stored = Quiz.objects.get(pk=quiz.pk)
    assert [slot.question for slot in stored.slots] == [bank_tree.q.essay.pk]
    assert stored.version > quiz.version


def test_delete_checks_if_match(api, bank_tree):
    before = db_snapshot()
    body = assert_problem(
        api.delete(url("categories", bank_tree.quantum), HTTP_IF_MATCH='"7"'), 412
    )
    assert body["current_version"] == 1
    assert db_snapshot() == before
    assert api.delete(url("categories", bank_tree.quantum), HTTP_IF_MATCH='"1"').status_code == 204


# -- another teacher's bank -------------------------------------------------------------
def test_another_teachers_bank_is_not_found(bank_tree, other_teacher, make_quiz):
    other = token_client(other_teacher)
    before = db_snapshot()
    assert other.get(url("categories")).json() == []
    assert other.get(url("questions")).json()["results"] == []
    for obj, kind in [(bank_tree.science, "categories"), (bank_tree.q.sum, "questions")]:
        for method in ("get", "put", "patch", "delete"):
            assert_problem(getattr(other, method)(url(kind, obj), {"name": "x"}), 404)
    assert_problem(other.get(url("questions", bank_tree.q.sum, "versions/")), 404)
    assert_problem(other.get(url("questions", bank_tree.q.sum, "versions/1/")), 404)
    assert_problem(other.post(url("questions", bank_tree.q.sum, "versions/1/restore/")), 404)
    # Named in a body or a filter, they are unknown ids.
    mine = bank.create_category(other_teacher, {"name": "Mine"})
    snapshot = db_snapshot()
    assert_problem(
        other.post(url("categories"), {"name": "x", "parent": str(bank_tree.science.pk)}), 400
    )
    assert_problem(other.patch(url("categories", mine), {"parent": str(bank_tree.science.pk)}), 400)
    body = {**QUESTIONS["essay"], "category": str(bank_tree.science.pk)}
    assert_problem(other.post(url("questions"), body), 400)
    assert_problem(other.get(url("questions") + f"?category={bank_tree.science.pk}"), 400)
    bulk = {"action": "delete", "ids": [str(bank_tree.q.sum.pk)]}
    assert (
        "ids" in assert_problem(other.post(url("questions", suffix="bulk/"), bulk), 400)["errors"]
    )
    move = {"action": "move", "ids": [str(bank_tree.q.sum.pk)], "category": str(mine.pk)}
    assert_problem(other.post(url("questions", suffix="bulk/"), move), 400)
    assert db_snapshot() == snapshot
    assert before["questions"] == snapshot["questions"]


def test_session_users_send_the_csrf_token(teacher):
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(teacher)
    assert browser.get(url("categories")).json() == []
    assert_problem(browser.post(url("categories"), {"name": "Forged"}), 403)
    assert not Category.objects.exists()


def test_staff_see_their_own_bank_only(bank_tree, staff):
    assert_problem(token_client(staff).get(url("categories", bank_tree.science)), 404)


# -- questions -------------------------------------------------------------------------
def test_create_a_question_in_a_category(api, bank_tree, teacher):
    body = {**QUESTIONS["shortanswer"], "category": str(bank_tree.quantum.pk), "tags": ["new"]}
    response = api.post(url("questions"), body)
    assert response.status_code == 201, response.content
    data = response.json()
    question = Question.objects.get(pk=data["id"])
    assert response["Location"] == url("questions", question)
    assert response["ETag"] == '"1"'
    assert (data["category"], data["version"], data["tags"]) == (
        str(bank_tree.quantum.pk),
        1,
        ["new"],
    )
    assert [a["text"] for a in data["answers"]] == ["ParisSECRET", "LuteceSECRET"]
    assert question.versions.get().author == teacher


def test_a_question_needs_a_valid_category_and_content(api, bank_tree):
    before = db_snapshot()
    body = assert_problem(api.post(url("questions"), QUESTIONS["essay"]), 400, "invalid")
    assert list(body["errors"]) == ["category"]
    for category in (MISSING, "nope", 42, None):
        response = api.post(url("questions"), {**QUESTIONS["essay"], "category": category})
        assert "category" in assert_problem(response, 400)["errors"]
    data = {**QUESTIONS["numerical"], "category": str(bank_tree.arts.pk)}
    data["answers"] = [{"value": "many", "fraction": 100}]
    assert "answers[0].value" in assert_problem(api.post(url("questions"), data), 400)["errors"]
    assert db_snapshot() == before


def test_list_filters(api, bank_tree):
    def names(query=""):
        response = api.get(url("questions") + query)
        assert response.status_code == 200, response.content
        return {row["name"] for row in response.json()["results"]}

    assert names() == {"Sum", "Sky", "e", "Essay"}
    assert names(f"?category={bank_tree.science.pk}") == {"Sum", "Sky"}
    assert names(f"?category={bank_tree.science.pk}&subcategories=true") == {"Sum", "Sky", "e"}
    assert names(f"?category={bank_tree.quantum.pk}&subcategories=true") == set()
    assert names("?search=BLUE") == {"Sky"}
    assert names("?tag=hard") == {"e"}
    assert names("?type=essay") == {"Essay"}
    assert names(f"?type=multichoice&category={bank_tree.arts.pk}") == set()
    for query in ("?type=nope", f"?category={MISSING}", "?category=x", "?subcategories=maybe"):
        assert_problem(api.get(url("questions") + query), 400)


def test_the_list_comes_in_cursor_pages(api, bank_tree, teacher):
    for number in range(5):
        bank.create_question(teacher, bank_tree.arts, {**QUESTIONS["essay"], "name": f"n{number}"})
    seen, page = [], url("questions") + "?page_size=3"
    while page:
        body = api.get(page).json()
        assert len(body["results"]) <= 3
        seen += ids(body["results"])
        page = body["next"]
    assert len(seen) == len(set(seen)) == 9
    assert seen[0] == str(Question.objects.get(name="n4").pk)  # newest first
    assert_problem(api.get(url("questions") + "?cursor=forged"), 404)


def test_edits_are_new_versions(api, bank_tree, teacher):
    question = bank_tree.q.sky
    response = api.patch(url("questions", question), {"name": "Sky?"}, HTTP_IF_MATCH='"1"')
    assert response.status_code == 200, response.content
    assert response["ETag"] == '"2"' and response.json()["version"] == 2
    assert response.json()["text"] == QUESTIONS["truefalse"]["text"]
    before = db_snapshot()
    stale = api.patch(url("questions", question), {"name": "Late"}, HTTP_IF_MATCH='"1"')
    body = assert_problem(stale, 412)
    assert body["current_version"] == 2 and "question" in body["detail"]
    assert db_snapshot() == before
    replaced = api.put(
        url("questions", question),
        {
            "type": "essay",
            "name": "Now an essay",
            "text": "Why?",
            "category": str(bank_tree.arts.pk),
        },
    )
    assert replaced.status_code == 200, replaced.content
    data = replaced.json()
    assert (data["type"], data["version"], data["category"]) == ("essay", 3, str(bank_tree.arts.pk))
    assert data["answers"] == [] and data["points"] == 1.0
    numbers = QuestionVersion.objects.filter(question=question).values_list("number", "author")
    assert sorted(numbers) == [(1, teacher.pk), (2, teacher.pk), (3, teacher.pk)]


def test_a_new_category_alone_moves_without_a_version(api, bank_tree):
    response = api.patch(url("questions", bank_tree.q.e), {"category": str(bank_tree.quantum.pk)})
    assert response.status_code == 200
    assert response.json()["category"] == str(bank_tree.quantum.pk)
    assert response.json()["version"] == 1 and response["ETag"] == '"1"'


def test_put_needs_the_category(api, bank_tree):
    before = db_snapshot()
    response = api.put(url("questions", bank_tree.q.e), QUESTIONS["essay"])
    assert "category" in assert_problem(response, 400)["errors"]
    assert db_snapshot() == before


def test_versions_list_detail_and_restore(api, bank_tree, teacher):
    question = bank_tree.q.sum
    api.patch(url("questions", question), {"name": "Sum 2"})
    api.patch(url("questions", question), {"name": "Sum 3", "points": 4})
    listed = api.get(url("questions", question, "versions/"))
    assert listed.status_code == 200
    rows = listed.json()
    assert [(row["number"], row["author"]) for row in rows] == [(3, "teacher")] * 1 + [
        (2, "teacher"),
        (1, "teacher"),
    ]
    first = api.get(url("questions", question, "versions/1/"))
    assert first.status_code == 200
    content = first.json()["content"]
    assert (content["name"], content["points"]) == ("Sum", 1.0)
    assert content["answers"][0]["feedback"] == "SECRET right"
    assert_problem(api.get(url("questions", question, "versions/99/")), 404)
    assert_problem(api.get(url("questions", question, "versions/99999999999/")), 404)
    before = db_snapshot()
    stale = api.post(url("questions", question, "versions/1/restore/"), HTTP_IF_MATCH='"2"')
    assert assert_problem(stale, 412)["current_version"] == 3
    assert_problem(api.post(url("questions", question, "versions/9/restore/")), 404)
    assert db_snapshot() == before
    restored = api.post(url("questions", question, "versions/1/restore/"), HTTP_IF_MATCH='"3"')
    assert restored.status_code == 200, restored.content
    assert restored["ETag"] == '"4"'
    assert (restored.json()["name"], restored.json()["points"]) == ("Sum", 1.0)
    assert api.get(url("questions", question, "versions/")).json()[0]["number"] == 4


def test_an_imported_questions_versions_before_and_after_its_first_edit(api, teacher):
    from quizzes.formats.store import import_file

    import_file(teacher, b"::Sum::1 + 1 = ?{=2 ~3}", filename="sums.gift")
    question = Question.objects.get(owner=teacher)
    assert not question.first_version_stored  # one document: its version 1 is itself
    rows = api.get(url("questions", question, "versions/")).json()
    assert [(row["number"], row["author"]) for row in rows] == [(1, "teacher")]
    assert api.get(url("questions", question, "versions/1/")).json()["content"]["name"] == "Sum"
    assert api.get(url("questions", question, "versions/2/")).status_code == 404

    edited = api.patch(url("questions", question), {"name": "Sum 2"}, HTTP_IF_MATCH='"1"')
    assert edited.status_code == 200, edited.content
    rows = api.get(url("questions", question, "versions/")).json()
    assert [row["number"] for row in rows] == [2, 1]
    assert QuestionVersion.objects.filter(question=question).count() == 2
    assert api.get(url("questions", question, "versions/1/")).json()["content"]["name"] == "Sum"


def test_deleting_a_question_takes_it_out_of_quizzes(api, bank_tree, make_quiz):
    quiz = make_quiz("Quiz", [QUESTIONS["essay"]])
    operations.add_slots(quiz, [bank_tree.q.sum])
    before = Quiz.objects.get(pk=quiz.pk).version
    assert_problem(api.delete(url("questions", bank_tree.q.sum), HTTP_IF_MATCH='"5"'), 412)
    assert api.delete(url("questions", bank_tree.q.sum), HTTP_IF_MATCH='"1"').status_code == 204
    assert not Question.objects.filter(pk=bank_tree.q.sum.pk).exists()
    assert not QuestionVersion.objects.filter(question=bank_tree.q.sum.pk).exists()
    stored = Quiz.objects.get(pk=quiz.pk)
    assert [q.name for q in questions_of(stored)] == ["Essay"]
    assert stored.version == before + 1


# -- bulk -----------------------------------------------------------------------------
def bulk(api, **body):
    return api.post(url("questions", suffix="bulk/"), body)


def test_bulk_move(api, bank_tree):
    chosen = [str(bank_tree.q.sum.pk), str(bank_tree.q.e.pk)]
    response = bulk(api, action="move", ids=chosen, category=str(bank_tree.arts.pk))
    assert response.status_code == 200, response.content
    assert response.json() == {"action": "move", "count": 2, "ids": chosen}
    assert set(Question.objects.filter(category=bank_tree.arts).values_list("name", flat=True)) == {
        "Sum",
        "e",
        "Essay",
    }


def test_bulk_tag(api, bank_tree):
    chosen = [str(bank_tree.q.e.pk), str(bank_tree.q.sky.pk), str(bank_tree.q.e.pk)]
    response = bulk(api, action="tag", ids=chosen, tags=["hard", "exam"])
    assert response.status_code == 200, response.content
    assert response.json()["count"] == 2
    assert Question.objects.get(pk=bank_tree.q.e.pk).tags == ["hard", "exam"]
    assert Question.objects.get(pk=bank_tree.q.sky.pk).tags == ["hard", "exam"]


def test_bulk_delete(api, bank_tree, make_quiz):
    quiz = make_quiz("Quiz")
    operations.add_slots(quiz, [bank_tree.q.sum, bank_tree.q.essay])
    chosen = [str(bank_tree.q.sum.pk), str(bank_tree.q.sky.pk)]
    response = bulk(api, action="delete", ids=chosen)
    assert response.json() == {"action": "delete", "count": 2, "ids": chosen}
    assert set(Question.objects.values_list("name", flat=True)) == {"e", "Essay"}
    assert [q.name for q in questions_of(quiz)] == ["Essay"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"action": "delete", "ids": [MISSING]}, "ids"),
        ({"action": "delete", "ids": []}, "ids"),
        ({"action": "delete", "ids": ["nope"]}, "ids[0]"),
        ({"action": "delete", "ids": "all"}, "ids"),
        ({"action": "explode", "ids": ["{sum}"]}, "action"),
        ({"action": "move", "ids": ["{sum}"]}, "category"),
        ({"action": "move", "ids": ["{sum}"], "category": MISSING}, "category"),
        ({"action": "delete", "ids": ["{sum}"], "category": "{arts}"}, "category"),
        ({"action": "tag", "ids": ["{sum}"]}, "tags"),
        ({"action": "tag", "ids": ["{sum}"], "tags": [""]}, "tags[0]"),
        ({"action": "tag", "ids": ["{sum}"], "tags": ["x" * 51]}, "tags[0]"),
        ({"action": "tag", "ids": ["{sum}"], "tags": [f"t{n}" for n in range(20)]}, "tags"),
        ({"action": "delete", "ids": ["{sum}"], "colour": "red"}, "colour"),
        ({"ids": ["{sum}"]}, "action"),
    ],
)
def test_bulk_is_all_or_nothing(api, bank_tree, body, field):
    """One unknown id, a missing argument: nothing is done."""
    known = {"sum": str(bank_tree.q.sum.pk), "arts": str(bank_tree.arts.pk)}

    def fill(value):
        if isinstance(value, list):
            return [fill(item) for item in value]
        return value.format(**known) if isinstance(value, str) else value

    if body.get("ids") and body["ids"] != "all" and body.get("action") != "explode":
        body = {**body, "ids": [*fill(body["ids"]), str(bank_tree.q.e.pk)]}
    Question.objects.filter(pk=bank_tree.q.sum.pk).update(tags=["hard"])
    before = db_snapshot()
    response = bulk(api, **{key: fill(value) for key, value in body.items()})
    assert field in assert_problem(response, 400)["errors"]
    assert db_snapshot() == before
    assert Question.objects.get(pk=bank_tree.q.sum.pk).tags == ["hard"]


# -- bad input -------------------------------------------------------------------------
def body_endpoints(bank_tree, quiz):
    slot = quiz.slots[0].uid
    return {
        "create category": ("post", url("categories")),
        "put category": ("put", url("categories", bank_tree.arts)),
        "patch category": ("patch", url("categories", bank_tree.arts)),
        "create question": ("post", url("questions")),
        "put question": ("put", url("questions", bank_tree.q.sky)),
        "patch question": ("patch", url("questions", bank_tree.q.sky)),
        "bulk": ("post", url("questions", suffix="bulk/")),
        "add slot": ("post", quiz_url(quiz, "slots/")),
        "patch slot": ("patch", quiz_url(quiz, f"slots/{slot}/")),
        "reorder slots": ("post", quiz_url(quiz, "slots/reorder/")),
    }


@pytest.fixture
def bank_quiz(bank_tree, make_quiz):
    quiz = make_quiz("Bank quiz")
    return operations.add_slots(quiz, [bank_tree.q.sum, bank_tree.q.sky])


@pytest.mark.parametrize(("name", "body", "status"), CORPUS, ids=[case[0] for case in CORPUS])
def test_corpus(api, bank_tree, bank_quiz, name, body, status):
    before = version_snapshot()
    for endpoint, (method, target) in body_endpoints(bank_tree, bank_quiz).items():
        response = api.generic(method.upper(), target, body, content_type="application/json")
        assert_problem(response, status), endpoint
    assert version_snapshot() == before


@pytest.mark.parametrize(
    ("endpoint", "body", "field"),
    [
        ("create category", {"name": 42}, "name"),
        ("create category", {"name": "x", "description_format": "word"}, "description_format"),
        ("create category", {"name": "x" * 256}, "name"),
        ("create category", {"name": "x", "parent": ["a"]}, "parent"),
        ("create category", {"name": "x", "depth": 3}, "depth"),
        ("patch category", {"version": 9}, "version"),
        ("patch category", {"idnumber": {"a": 1}}, "idnumber"),
        ("create question", {"category": "{arts}", "type": "essay", "name": "x"}, "text"),
        ("create question", {"category": "{arts}", **QUESTIONS["essay"], "points": "x"}, "points"),
        ("patch question", {"type": "nope"}, "type"),
        ("patch question", {"id": "{arts}"}, "id"),
        ("patch question", {"answers": "none"}, "answers"),
        ("patch question", {"category": 12}, "category"),
        ("bulk", {"action": 1, "ids": 2}, "action"),
        ("add slot", {"questions": "all"}, "questions"),
        ("patch slot", {"points": [1]}, "points"),
        ("reorder slots", {"order": "reversed"}, "order"),
        ("reorder slots", {}, "order"),
    ],
)
def test_wrong_fields_are_400_with_their_errors(api, bank_tree, bank_quiz, endpoint, body, field):
    method, target = body_endpoints(bank_tree, bank_quiz)[endpoint]
    body = {
        k: v.format(arts=bank_tree.arts.pk) if isinstance(v, str) else v for k, v in body.items()
    }
    before = db_snapshot()
    response = getattr(api, method)(target, body)
    assert field in assert_problem(response, 400)["errors"]
    assert db_snapshot() == before


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "categories/nope/"),
        ("patch", "categories/0123456789ABCDEF01234567/"),
        ("delete", f"categories/{MISSING}/"),
        ("get", f"questions/{MISSING}/"),
        ("put", "questions/0123456789abcdef0123456/"),
        ("get", "questions/{sky}/versions/0/"),
        ("get", "questions/{sky}/versions/-1/"),
        ("get", "questions/{sky}/versions/one/"),
        ("post", "questions/{sky}/versions/1234567890/restore/"),
        ("get", f"quizzes/{MISSING}/slots/"),
        ("patch", "quizzes/{quiz}/slots/{sky}/"),
        ("delete", "quizzes/{quiz}/slots/nope/"),
        ("post", f"quizzes/{MISSING}/slots/reorder/"),
        ("post", "questions/bulk"),
    ],
)
def test_invalid_ids_are_404(api, bank_tree, bank_quiz, method, path):
    before = db_snapshot()
    target = f"{API}/" + path.format(sky=bank_tree.q.sky.pk, quiz=bank_quiz.pk)
    assert_problem(getattr(api, method)(target, {"points": 1}), 404, "not_found")
    assert db_snapshot() == before


@pytest.mark.parametrize(
    ("endpoint", "body"),
    [
        ("put category", {"name": "x"}),
        ("patch category", {"name": "x"}),
        ("put question", {**QUESTIONS["essay"], "category": "{arts}"}),
        ("patch question", {"name": "x"}),
        ("add slot", {"question": "{essay}"}),
        ("patch slot", {"points": 2}),
        ("reorder slots", {"order": []}),
    ],
)
@pytest.mark.parametrize("if_match", ['"0"', 'W/"1"', 'W/"2"', '"0", "9"', "garbage"])
def test_a_stale_if_match_is_412(api, bank_tree, bank_quiz, endpoint, body, if_match):
    method, target = body_endpoints(bank_tree, bank_quiz)[endpoint]
    known = {"arts": bank_tree.arts.pk, "essay": bank_tree.q.essay.pk}
    body = {k: v.format(**known) if isinstance(v, str) else v for k, v in body.items()}
    before = db_snapshot()
    response = getattr(api, method)(target, body, HTTP_IF_MATCH=if_match)
    assert_problem(response, 412, "precondition_failed")
    assert db_snapshot() == before


# -- a server error mid-way ------------------------------------------------------------------
def doomed(bank_tree, make_quiz):
    """A quiz using the questions that the multi-document deletes below take away."""
    quiz = make_quiz("Doomed")
    operations.add_slots(quiz, [bank_tree.q.sum, bank_tree.q.e, bank_tree.q.essay])
    operations.add_random_slot(quiz, bank_tree.physics, 1)
    return quiz


# (request, how many delete commands succeed before one fails)
MID_WAY = [
    ("bulk delete", 0),  # the quiz lost its slots, then the versions' delete fails
    ("bulk delete", 1),  # versions deleted, then the questions' delete fails
    ("category with content", 1),
    ("category with content", 2),  # questions gone, then the categories' delete fails
]


def multi_document_request(name, bank_tree):
    if name == "bulk delete":
        body = {"action": "delete", "ids": [str(bank_tree.q.sum.pk), str(bank_tree.q.e.pk)]}
        return "post", url("questions", suffix="bulk/"), body
    return "delete", url("categories", bank_tree.science) + "?with_content=true", None


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("name", "skip"), MID_WAY)
def test_an_error_mid_way_writes_nothing(api, bank_tree, make_quiz, mongo_client, name, skip):
    doomed(bank_tree, make_quiz)
    api.raise_request_exception = False
    before = db_snapshot()
    method, target, body = multi_document_request(name, bank_tree)
    with failing(mongo_client, "delete", {"skip": skip}, transient=False) as reached:
        response = getattr(api, method)(target, body)
    assert reached["count"] > skip
    assert response.status_code == 500
    assert db_snapshot() == before


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", ["bulk delete", "category with content"])
def test_a_transient_error_is_retried_and_done_once(api, bank_tree, make_quiz, mongo_client, name):
    quiz = doomed(bank_tree, make_quiz)
    method, target, body = multi_document_request(name, bank_tree)
    with failing(mongo_client, "delete", {"times": 1}, transient=True) as reached:
        response = getattr(api, method)(target, body)
    assert reached["count"] >= 1
    assert response.status_code in (200, 204), response.content
    left = {"bulk delete": {"Sky", "Essay"}, "category with content": {"Essay"}}[name]
    assert set(Question.objects.values_list("name", flat=True)) == left
    assert QuestionVersion.objects.count() == len(left)
    assert [q.name for q in questions_of(quiz)] == ["Essay"]
