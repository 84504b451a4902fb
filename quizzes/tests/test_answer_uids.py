"""Answers' identities (quizzes.models.Answer.uid): given where answers are born, kept by
edits (forms, API, imports, copies), unique within their question, never exported."""

import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from quizzes import bank, formats, operations
from quizzes.forms import QuestionEditor
from quizzes.models import Question
from quizzes.tests.fixtures.plugin import token_client
from quizzes.tests.fixtures.samples import LETTERS
from quizzes.tests.test_views.test_bank import submitted
from quizzes.validation import clean_question

pytestmark = pytest.mark.django_db

HEX = re.compile(r"[0-9a-f]{24}")


@pytest.fixture
def letters_category(teacher):
    return bank.default_category(teacher, "Letters")


@pytest.fixture
def letters(teacher, letters_category):
    return bank.create_question(teacher, letters_category, LETTERS, teacher)


def uids(question):
    return [answer.uid for answer in Question.objects.get(pk=question.pk).answers]


def texts_by_uid(question):
    return {a.uid: a.text for a in Question.objects.get(pk=question.pk).answers}


# -- rules ------------------------------------------------------------------------------
def test_cleaning_keeps_given_uids_and_leaves_new_answers_without():
    given = [{"uid": " x1 ", "text": "A", "fraction": 100}, {"uid": "", "text": "B"}, {"text": "C"}]
    cleaned = clean_question({**LETTERS, "answers": given})
    assert [answer.get("uid") for answer in cleaned["answers"]] == ["x1", None, None]
    # Parsers' data has no uids: documents compared in format tests stay as they were.
    assert all("uid" not in answer for answer in clean_question(LETTERS)["answers"])


@pytest.mark.parametrize(
    ("uid", "code"), [("x1", "duplicate"), (7, "text"), ("u" * 65, "too_long")]
)
def test_a_uid_must_be_a_short_text_no_other_answer_has(uid, code):
    given = [{"uid": "x1", "text": "A", "fraction": 100}, {"uid": uid, "text": "B"}]
    with pytest.raises(ValidationError) as refused:
        clean_question({**LETTERS, "answers": given})
    (error,) = refused.value.error_dict["answers[1].uid"]
    assert error.code == code


def test_an_emptied_row_goes_with_its_uid():
    given = [
        {"uid": "1", "text": "A", "fraction": 100},
        {"uid": "2", "text": "", "fraction": 0},
        {"uid": "3", "text": "C", "fraction": 0},
    ]
    cleaned = clean_question({**LETTERS, "answers": given})
    assert [answer["uid"] for answer in cleaned["answers"]] == ["1", "3"]


# -- the bank ---------------------------------------------------------------------------
def test_new_questions_number_their_answers_and_edits_keep_them(teacher, letters):
    assert uids(letters) == ["1", "2", "3"]
    data = operations.question_data(letters)
    assert [answer["uid"] for answer in data["answers"]] == ["1", "2", "3"]
    # B removed, C edited, D added at the top: A and C keep theirs, D gets a new one.
    answers = [{"text": "D"}, data["answers"][0], {**data["answers"][2], "text": "Sea"}]
    bank.update_question(letters, {"answers": answers}, teacher)
    new, *kept = uids(letters)
    assert kept == ["1", "3"] and HEX.fullmatch(new)
    assert texts_by_uid(letters) == {new: "D", "1": "A", "3": "Sea"}
    # Its versions hold them too, and restoring one keeps them.
    assert [a["uid"] for a in bank.version_data(letters, 2)["answers"]] == [new, "1", "3"]
    bank.restore_version(letters, 1, teacher)
    assert uids(letters) == ["1", "2", "3"]


def test_imports_number_answers_as_the_orm_does(teacher, letters_category):
    documents = bank.prepare_questions(teacher, [clean_question(LETTERS)])
    assert [answer["uid"] for answer in documents[0]["answers"]] == ["1", "2", "3"]
    (imported,) = bank.insert_prepared(documents, [letters_category.pk])
    assert uids(Question(pk=imported)) == ["1", "2", "3"]


def test_copies_keep_the_uids_of_their_answers(teacher, make_quiz):
    quiz = make_quiz("Letters", [LETTERS])
    (question,) = operations.quiz_questions(quiz)
    copy = operations.duplicate_question(quiz, question)
    assert uids(copy) == uids(question) == ["1", "2", "3"]


def test_exports_hold_no_uid(teacher, make_quiz):
    quiz = make_quiz("Letters", [LETTERS])
    data = operations.quiz_data(quiz)
    assert all("uid" not in answer for answer in data["questions"][0]["answers"])
    content, _type, _extension = formats.write(data, "json")
    assert '"uid"' not in content.decode()
    quiz_json = json.loads(content)
    assert [a["text"] for a in quiz_json["quizzes"][0]["questions"][0]["answers"]] == list("ABC")


# -- the editor -------------------------------------------------------------------------
def test_the_editor_carries_each_rows_uid_and_gives_new_rows_none(letters):
    editor = QuestionEditor("multichoice", question=operations.question_data(letters))
    html = str(editor.rows[0])
    assert 'type="hidden" name="answers-0-uid" value="1"' in html
    assert 'name="answers-__prefix__-uid"' in str(editor.rows.empty_form)
    assert editor.rows[3]["uid"].value() in (None, "")


def test_saving_the_bank_editor_keeps_uids_and_numbers_no_new_row_again(
    owner_client, teacher, letters
):
    url = reverse("bank_question_edit", args=[letters.pk])
    body = submitted(owner_client.get(url), **{"answers-0-text": "Aa", "answers-3-text": "Dd"})
    body["answers-1-remove"] = "on"
    assert owner_client.post(url, body).status_code == 302
    by_uid = texts_by_uid(letters)
    (new,) = set(by_uid) - {"1", "3"}
    assert by_uid == {"1": "Aa", "3": "C", new: "Dd"} and HEX.fullmatch(new)


@pytest.mark.parametrize(
    ("question", "held"),
    [
        (
            {
                "type": "truefalse",
                "name": "Sky",
                "text": "Blue?",
                "answers": [{"text": "true", "fraction": 100}, {"text": "false"}],
            },
            {"true_uid": "1", "false_uid": "2"},
        ),
        (
            {
                "type": "numerical",
                "name": "Pi",
                "text": "Pi?",
                "answers": [{"value": 3.14, "tolerance": 0.01, "fraction": 100}, {"text": "*"}],
            },
            {"other_uid": "2"},
        ),
    ],
)
def test_answers_the_form_itself_holds_keep_their_uids(
    owner_client, teacher, letters_category, question, held
):
    stored = bank.create_question(teacher, letters_category, question, teacher)
    url = reverse("bank_question_edit", args=[stored.pk])
    body = submitted(owner_client.get(url), text="Changed?")
    assert {name: body[name] for name in held} == held
    assert owner_client.post(url, body).status_code == 302
    assert uids(stored) == ["1", "2"]
    assert Question.objects.get(pk=stored.pk).version == 2


# -- the API ----------------------------------------------------------------------------
def test_the_api_shows_uids_keeps_those_sent_and_refuses_duplicates(teacher, letters):
    api = token_client(teacher)
    url = f"/api/v1/questions/{letters.pk}/"
    answers = api.get(url).json()["answers"]
    assert [answer["uid"] for answer in answers] == ["1", "2", "3"]
    sent = [{**answers[2], "text": "Sea", "fraction": 100}, {"text": "New", "fraction": 0}]
    response = api.patch(url, {"answers": sent}, format="json")
    assert response.status_code == 200, response.content
    kept, new = (answer["uid"] for answer in response.json()["answers"])
    assert kept == "3" and HEX.fullmatch(new)
    twice = [{"uid": "3", "text": "A", "fraction": 100}, {"uid": "3", "text": "B"}]
    response = api.patch(url, {"answers": twice}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["answers[1].uid"]
    assert uids(letters) == ["3", new]
