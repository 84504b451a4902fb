"""A quiz's slots through the API: list, add (fixed or random), points, remove, reorder.

Slots live in the quiz document: every change bumps the quiz's version (the
ETag of these endpoints) and reordering writes that one document, whatever
the quiz's size (counted exactly with a command listener).
"""

import pytest
from bson import ObjectId

from quizzes import bank, operations
from quizzes.models import Question, Quiz
from quizzes.tests.fixtures.plugin import db_snapshot, questions_of, token_client
from quizzes.tests.test_api.conftest import QUESTIONS, assert_problem, quiz_url
from sessions_mw.tests.conftest import CommandRecorder, backend_client_with

pytestmark = pytest.mark.django_db

MISSING = "0123456789abcdef01234567"


@pytest.fixture
def slotted_quiz(make_quiz):
    """A draft with two fixed questions."""
    return make_quiz("Slots", [QUESTIONS["multichoice"], QUESTIONS["essay"]])


@pytest.fixture
def slot_pool(teacher):
    """A category of three bank questions, with a subcategory of one, outside the quiz."""
    category = bank.create_category(teacher, {"name": "Pool"})
    sub = bank.create_category(teacher, {"name": "Deep"}, category)
    questions = [
        bank.create_question(teacher, category, {**QUESTIONS["truefalse"], "name": f"tf{n}"})
        for n in range(3)
    ]
    questions.append(bank.create_question(teacher, sub, QUESTIONS["numerical"]))
    return category, questions


def slots_url(quiz, suffix=""):
    return quiz_url(quiz, f"slots/{suffix}")


def stored(quiz):
    return Quiz.objects.get(pk=quiz.pk)


def test_list_the_slots_with_the_quizs_etag(api, slotted_quiz, slot_pool):
    category, _questions = slot_pool
    operations.add_random_slot(slotted_quiz, category, 2, include_subcategories=True)
    response = api.get(slots_url(slotted_quiz))
    assert response.status_code == 200
    assert response["ETag"] == f'"{stored(slotted_quiz).version}"'
    fixed, _essay, random = response.json()
    first = questions_of(slotted_quiz)[0]
    assert fixed == {
        "id": str(stored(slotted_quiz).slots[0].uid),
        "kind": "fixed",
        "points": None,
        "question": {"id": str(first.pk), "name": "Sum", "type": "multichoice"},
        "category": None,
        "count": None,
        "include_subcategories": False,
    }
    assert random["kind"] == "random" and random["question"] is None
    assert random["category"] == {"id": str(category.pk), "name": "Pool"}
    assert (random["count"], random["include_subcategories"]) == (2, True)
    one = api.get(slots_url(slotted_quiz, f"{random['id']}/"))
    assert one.json() == random and one["ETag"] == response["ETag"]


def test_add_one_question_with_points(api, slotted_quiz, slot_pool):
    _category, questions = slot_pool
    version = stored(slotted_quiz).version
    body = {"question": str(questions[0].pk), "points": 2.5}
    response = api.post(slots_url(slotted_quiz), body, HTTP_IF_MATCH=f'"{version}"')
    assert response.status_code == 201, response.content
    (added,) = response.json()
    assert (added["question"]["name"], added["points"]) == ("tf0", 2.5)
    assert response["ETag"] == f'"{version + 1}"'
    slotted_quiz = stored(slotted_quiz)
    assert str(slotted_quiz.slots[-1].uid) == added["id"] and slotted_quiz.question_count == 3
    assert questions_of(slotted_quiz)[-1].points == 2.5


def test_add_several_questions_in_order(api, slotted_quiz, slot_pool):
    _category, questions = slot_pool
    chosen = [str(questions[2].pk), str(questions[0].pk)]
    response = api.post(slots_url(slotted_quiz), {"questions": chosen})
    assert response.status_code == 201, response.content
    assert [slot["question"]["id"] for slot in response.json()] == chosen
    assert [q.name for q in questions_of(slotted_quiz)] == ["Sum", "Essay", "tf2", "tf0"]


def test_add_a_random_slot(api, slotted_quiz, slot_pool):
    category, _questions = slot_pool
    body = {"category": str(category.pk), "count": 2, "include_subcategories": True}
    response = api.post(slots_url(slotted_quiz), body)
    assert response.status_code == 201, response.content
    (added,) = response.json()
    assert (added["kind"], added["count"], added["include_subcategories"]) == ("random", 2, True)
    assert stored(slotted_quiz).question_count == 4
    drawn = operations.drawn_questions(stored(slotted_quiz))
    assert len(drawn) == 4 and {q.name for q in drawn[2:]} <= {"tf0", "tf1", "tf2", "e"}


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"question": "{in_quiz}"}, 409, None),
        ({"questions": ["{tf0}", "{in_quiz}"]}, 409, None),
        ({"question": MISSING}, 400, "question"),
        ({"questions": ["{tf0}", MISSING]}, 400, "questions"),
        ({"questions": ["{tf0}", "{tf0}"]}, 400, "questions"),
        ({"questions": []}, 400, "questions"),
        ({"question": "nope"}, 400, "question"),
        ({"question": "{tf0}", "points": -1}, 400, "points"),
        ({"question": "{tf0}", "points": 1001}, 400, "points"),
        ({"question": "{tf0}", "points": "many"}, 400, "points"),
        ({"question": "{tf0}", "count": 2}, 400, "count"),
        ({"question": "{tf0}", "category": "{slot_pool}", "count": 1}, 400, "non_field_errors"),
        ({}, 400, "non_field_errors"),
        ({"category": "{slot_pool}"}, 400, "count"),
        ({"category": "{slot_pool}", "count": 0}, 400, "count"),
        ({"category": "{slot_pool}", "count": 2001}, 400, "count"),
        ({"category": "{slot_pool}", "count": "two"}, 400, "count"),
        ({"category": MISSING, "count": 1}, 400, "category"),
        ({"category": "{slot_pool}", "count": 1, "include_subcategories": "maybe"}, 400, None),
        ({"question": "{tf0}", "colour": "red"}, 400, "colour"),
        ({"question": {"$ne": None}}, 400, None),
    ],
)
def test_refused_additions_change_nothing(api, slotted_quiz, slot_pool, body, status, field):
    category, questions = slot_pool
    known = {
        "in_quiz": str(questions_of(slotted_quiz)[0].pk),
        "tf0": str(questions[0].pk),
        "slot_pool": str(category.pk),
    }

    def fill(value):
        if isinstance(value, list):
            return [fill(item) for item in value]
        return value.format(**known) if isinstance(value, str) else value

    before = db_snapshot()
    response = api.post(slots_url(slotted_quiz), {key: fill(value) for key, value in body.items()})
    problem = assert_problem(response, status)
    if field:
        assert field in problem["errors"]
    assert db_snapshot() == before


def test_the_quiz_owners_bank_only(api, slotted_quiz, other_teacher, staff):
    theirs = bank.create_category(other_teacher, {"name": "Theirs"})
    question = bank.create_question(other_teacher, theirs, QUESTIONS["essay"])
    before = db_snapshot()
    assert_problem(api.post(slots_url(slotted_quiz), {"question": str(question.pk)}), 400)
    assert_problem(api.post(slots_url(slotted_quiz), {"category": str(theirs.pk), "count": 1}), 400)
    other = token_client(other_teacher)
    slot = stored(slotted_quiz).slots[0].uid
    for method, suffix in [
        ("get", ""),
        ("post", ""),
        ("get", f"{slot}/"),
        ("patch", f"{slot}/"),
        ("delete", f"{slot}/"),
        ("post", "reorder/"),
    ]:
        assert_problem(getattr(other, method)(slots_url(slotted_quiz, suffix), {"points": 1}), 404)
    assert db_snapshot() == before
    # Staff may change a teacher's quiz, with that teacher's questions.
    staff_client = token_client(staff)
    assert staff_client.get(slots_url(slotted_quiz)).status_code == 200
    mine = bank.create_question(
        staff, bank.create_category(staff, {"name": "S"}), QUESTIONS["essay"]
    )
    assert_problem(staff_client.post(slots_url(slotted_quiz), {"question": str(mine.pk)}), 400)


def test_override_points_then_stop(api, slotted_quiz):
    slot = str(stored(slotted_quiz).slots[0].uid)
    version = stored(slotted_quiz).version
    response = api.patch(
        slots_url(slotted_quiz, f"{slot}/"), {"points": 3}, HTTP_IF_MATCH=f'"{version}"'
    )
    assert response.status_code == 200, response.content
    assert response.json()["points"] == 3.0 and response["ETag"] == f'"{version + 1}"'
    assert questions_of(slotted_quiz)[0].points == 3.0
    assert api.patch(slots_url(slotted_quiz, f"{slot}/"), {"points": None}).json()["points"] is None
    assert questions_of(slotted_quiz)[0].points == 1.0
    before = db_snapshot()
    stale = api.patch(
        slots_url(slotted_quiz, f"{slot}/"), {"points": 5}, HTTP_IF_MATCH=f'"{version}"'
    )
    assert assert_problem(stale, 412)["current_version"] == version + 2
    assert_problem(api.patch(slots_url(slotted_quiz, f"{slot}/"), {"points": 0.5, "count": 1}), 400)
    assert_problem(api.patch(slots_url(slotted_quiz, f"{slot}/"), {}), 400)
    assert_problem(api.patch(slots_url(slotted_quiz, f"{slot}/"), {"points": -2}), 400)
    assert_problem(api.patch(slots_url(slotted_quiz, f"{ObjectId()}/"), {"points": 1}), 404)
    assert_problem(api.put(slots_url(slotted_quiz, f"{slot}/"), {"points": 1}), 405)
    assert db_snapshot() == before


def test_remove_a_slot_keeps_the_question(api, slotted_quiz):
    slot, question = stored(slotted_quiz).slots[0], questions_of(slotted_quiz)[0]
    before = db_snapshot()
    assert_problem(api.delete(slots_url(slotted_quiz, f"{slot.uid}/"), HTTP_IF_MATCH='"99"'), 412)
    assert_problem(api.delete(slots_url(slotted_quiz, f"{ObjectId()}/")), 404)
    assert db_snapshot() == before
    assert api.delete(slots_url(slotted_quiz, f"{slot.uid}/")).status_code == 204
    assert [q.name for q in questions_of(slotted_quiz)] == ["Essay"]
    assert Question.objects.filter(pk=question.pk).exists()


def test_reorder(api, slotted_quiz, slot_pool):
    category, _questions = slot_pool
    operations.add_random_slot(slotted_quiz, category, 1)
    uids = [str(slot.uid) for slot in stored(slotted_quiz).slots]
    version = stored(slotted_quiz).version
    before = db_snapshot()
    for order in ([uids[0], uids[1]], [*uids, uids[0]], [uids[0], uids[0], uids[1]], ["x"]):
        assert_problem(api.post(slots_url(slotted_quiz, "reorder/"), {"order": order}), 400)
    stale = api.post(
        slots_url(slotted_quiz, "reorder/"), {"order": uids[::-1]}, HTTP_IF_MATCH='"1"'
    )
    assert_problem(stale, 412)
    assert db_snapshot() == before
    response = api.post(
        slots_url(slotted_quiz, "reorder/"), {"order": uids[::-1]}, HTTP_IF_MATCH=f'"{version}"'
    )
    assert response.status_code == 200, response.content
    assert [slot["id"] for slot in response.json()] == uids[::-1]
    assert response["ETag"] == f'"{version + 1}"'
    assert [str(slot.uid) for slot in stored(slotted_quiz).slots] == uids[::-1]


# -- one update per reorder (and its revision), whatever the size -------------------------
@pytest.mark.parametrize("size", [3, 300])
def test_reordering_updates_one_document_whatever_the_size(api, make_quiz, size):
    slotted_quiz = make_quiz(f"{size} questions", [QUESTIONS["essay"]] * size)
    order = [str(slot.uid) for slot in stored(slotted_quiz).slots][::-1]
    recorder = CommandRecorder()
    with backend_client_with(recorder):
        response = api.post(slots_url(slotted_quiz, "reorder/"), {"order": order})
    assert response.status_code == 200, response.content
    assert [name for name, _command in recorder.commands if name == "delete"] == []
    (update,) = recorder.named("update")
    (statement,) = update["updates"]
    assert statement["q"] == {"_id": slotted_quiz.pk}
    (insert,) = recorder.named("insert")  # the change's revision (quizzes.revisions)
    assert (insert["insert"], len(insert["documents"])) == ("quizzes_revision", 1)
    assert [str(slot.uid) for slot in stored(slotted_quiz).slots] == order


def test_the_quiz_detail_shows_its_slots(api, slotted_quiz, slot_pool):
    category, _questions = slot_pool
    operations.add_random_slot(slotted_quiz, category, 1)
    detail = api.get(quiz_url(slotted_quiz)).json()
    assert detail["slots"] == api.get(slots_url(slotted_quiz)).json()
    assert [slot["kind"] for slot in detail["slots"]] == ["fixed", "fixed", "random"]
    assert len(detail["questions"]) == 2
