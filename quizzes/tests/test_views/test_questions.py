"""The question editor: every type's form, errors on the right rows, order, conflicts."""

import pytest
from django.urls import reverse

from quizzes import operations
from quizzes.models import Question, Quiz
from quizzes.tests.fixtures.plugin import db_snapshot, question_named, questions_of
from quizzes.tests.test_views.conftest import question_post


def add(client, quiz, qtype, **body):
    return client.post(reverse("question_add", args=[quiz.pk, qtype]), body)


def stored(quiz, name):
    return operations.question_data(question_named(quiz, name))


def answers_of(data, *fields):
    return [tuple(answer[field] for field in fields) for answer in data["answers"]]


# The form body of each type and what it must store.
NEW_QUESTIONS = {
    "multichoice multiple": (
        "multichoice",
        {
            "single": "multiple",
            "shuffle_answers": "",
            "answers-0-text": "2",
            "answers-0-fraction": "50",
            "answers-1-text": "3",
            "answers-1-fraction": "50",
            "answers-2-text": "4",
            "answers-2-fraction": "-100",
            "answers-2-feedback": "Even.",
        },
        lambda data: (
            data["single"] is False
            and data["shuffle_answers"] is False
            and answers_of(data, "text", "fraction", "feedback")
            == [("2", 50, ""), ("3", 50, ""), ("4", -100, "Even.")]
        ),
    ),
    "truefalse": (
        "truefalse",
        {"correct": "false", "feedback_true": "No.", "feedback_false": "Yes!"},
        lambda data: (
            answers_of(data, "text", "fraction", "feedback")
            == [("true", 0, "No."), ("false", 100, "Yes!")]
        ),
    ),
    "shortanswer": (
        "shortanswer",
        {
            "case_sensitive": "on",
            "answers-0-text": "Paris",
            "answers-0-fraction": "100",
            "answers-1-text": "paris",
            "answers-1-fraction": "83.33333",
        },
        lambda data: (
            data["case_sensitive"] is True
            and answers_of(data, "text", "fraction") == [("Paris", 100), ("paris", 83.33333)]
        ),
    ),
    "numerical": (
        "numerical",
        {
            "answers-0-value": "3,14",
            "answers-0-tolerance": "0.01",
            "answers-0-fraction": "100",
            "answers-1-value": "3",
            "answers-1-tolerance": "",
            "answers-1-fraction": "50",
        },
        lambda data: (
            answers_of(data, "value", "tolerance", "fraction") == [(3.14, 0.01, 100), (3, 0, 50)]
        ),
    ),
    "matching": (
        "matching",
        {
            "answers-0-text": "France",
            "answers-0-match": "Paris",
            "answers-1-text": "Italy",
            "answers-1-match": "Rome",
            "answers-2-text": "",
            "answers-2-match": "Berlin",
        },
        lambda data: (
            answers_of(data, "text", "match")
            == [("France", "Paris"), ("Italy", "Rome"), ("", "Berlin")]
        ),
    ),
    "essay": ("essay", {"points": "2.5"}, lambda data: data["points"] == 2.5),
}


@pytest.mark.parametrize("case", NEW_QUESTIONS, ids=list(NEW_QUESTIONS))
def test_add_a_question_of_each_type(case, quiz, owner_client):
    qtype, fields, check = NEW_QUESTIONS[case]
    # Four rows, the last left blank as the form offers it: blank rows are ignored.
    rows = [{}] * 4 if qtype not in ("truefalse", "essay") else []
    body = question_post(quiz.version, qtype, rows=rows, name="New one", **fields)
    response = owner_client.post(reverse("question_add", args=[quiz.pk, qtype]), body)
    assert response.status_code == 302, response.context["editor"].answer_errors
    new = question_named(quiz, "New one")
    assert response["Location"] == reverse("quiz_editor", args=[quiz.pk]) + f"#question-{new.pk}"
    assert new.type == qtype
    assert questions_of(quiz)[7].pk == new.pk
    assert check(operations.question_data(new))
    assert Quiz.objects.get(pk=quiz.pk).question_count == 8


def test_a_new_question_form_starts_with_blank_rows_the_first_at_full_marks(quiz, owner_client):
    editor = owner_client.get(reverse("question_add", args=[quiz.pk, "multichoice"])).context[
        "editor"
    ]
    assert len(editor.rows.forms) == 4
    assert editor.rows.forms[0]["fraction"].value() == "100"
    assert editor.rows.forms[1]["fraction"].value() == "0"


def test_errors_land_on_the_fields_and_rows_they_concern(quiz, owner_client):
    before = db_snapshot()
    body = question_post(
        quiz.version,
        "numerical",
        rows=[
            {"value": "2", "tolerance": "0", "fraction": "100"},
            {"value": "abc", "tolerance": "-1", "fraction": "50"},
        ],
        name="",
        points="-1",
    )
    response = owner_client.post(reverse("question_add", args=[quiz.pk, "numerical"]), body)
    assert response.status_code == 400
    editor = response.context["editor"]
    assert editor.form.errors["name"] == ["This field is required."]
    assert editor.form.errors["points"] == ["Give between 0 and 1000 points."]
    assert not editor.rows.forms[0].errors
    assert editor.rows.forms[1].errors["value"] == ["Enter a number."]
    page = response.content.decode()
    assert "Nothing was saved" in page
    assert 'value="abc"' in page
    assert db_snapshot() == before


def test_errors_about_the_answer_list_are_shown_above_the_rows(quiz, owner_client):
    body = question_post(
        quiz.version,
        rows=[{"text": "Paris", "fraction": "50"}, {"text": "Lyon", "fraction": "0"}],
    )
    response = owner_client.post(reverse("question_add", args=[quiz.pk, "multichoice"]), body)
    assert response.status_code == 400
    assert response.context["editor"].answer_errors == [
        "Give at least one answer a grade of 100 %."
    ]


def test_error_indices_skip_removed_rows(quiz, owner_client):
    """Row 1 is removed: the validator's answers[1] is the form's row 2."""
    body = question_post(
        quiz.version,
        rows=[
            {"text": "Paris", "fraction": "100"},
            {"text": "Marseille", "fraction": "0", "remove": "on"},
            {"text": "", "fraction": "0", "feedback": "feedback without text"},
        ],
    )
    response = owner_client.post(reverse("question_add", args=[quiz.pk, "multichoice"]), body)
    rows = response.context["editor"].rows.forms
    assert rows[2].errors["text"] == ["Write the text of this answer."]
    assert not rows[1].errors


def test_removed_rows_are_not_saved(quiz, owner_client):
    body = question_post(
        quiz.version,
        name="Trimmed",
        rows=[
            {"text": "Paris", "fraction": "100"},
            {"text": "Marseille", "fraction": "0", "remove": "on"},
            {"text": "Lyon", "fraction": "0"},
        ],
    )
    assert add(owner_client, quiz, "multichoice", **body).status_code == 302
    assert answers_of(stored(quiz, "Trimmed"), "text") == [("Paris",), ("Lyon",)]


def test_add_more_rows_without_javascript_saves_nothing(quiz, owner_client):
    before = db_snapshot()
    body = question_post(quiz.version, name="Typed name", add_rows="1")
    response = owner_client.post(reverse("question_add", args=[quiz.pk, "multichoice"]), body)
    assert response.status_code == 200
    editor = response.context["editor"]
    assert len(editor.rows.forms) == 5
    assert not editor.form.errors
    assert not any(row.errors for row in editor.rows.forms)
    assert 'value="Typed name"' in response.content.decode()
    assert db_snapshot() == before


def test_edit_form_shows_the_stored_question(quiz, owner_client):
    primes = questions_of(quiz)[1]
    response = owner_client.get(reverse("question_edit", args=[quiz.pk, primes.pk]))
    editor = response.context["editor"]
    assert editor.form["single"].value() == "multiple"
    assert [row["fraction"].value() for row in editor.rows.forms[:3]] == ["50", "50", "-100"]
    assert len(editor.rows.forms) == 5
    page = response.content.decode()
    assert '<option value="-100" selected>-100 %</option>' in page
    assert f'name="version" value="{quiz.version}"' in page


def test_a_grade_outside_the_menu_stays_selectable(quiz, owner_client):
    """Imports bring grades like 37 %; 33.3333 shows as Moodle's 33.33333."""
    operations.add_question(
        quiz,
        {
            "type": "multichoice",
            "name": "Imported",
            "text": "?",
            "answers": [
                {"text": "a", "fraction": 100},
                {"text": "b", "fraction": 37},
                {"text": "c", "fraction": 33.3333},
            ],
        },
    )
    question = Question.objects.get(name="Imported")
    page = owner_client.get(reverse("question_edit", args=[quiz.pk, question.pk])).content.decode()
    assert '<option value="37" selected>37 %</option>' in page
    assert '<option value="100" selected>100 %</option>' in page
    assert '<option value="33.33333" selected>33.33333 %</option>' in page


def test_edit_a_truefalse_question(quiz, owner_client):
    sun = questions_of(quiz)[2]
    url = reverse("question_edit", args=[quiz.pk, sun.pk])
    assert owner_client.get(url).context["editor"].form["correct"].value() == "true"
    body = question_post(
        quiz.version, "truefalse", name="Sun", correct="false", feedback_false="Well…"
    )
    assert owner_client.post(url, body).status_code == 302
    data = stored(quiz, "Sun")
    assert answers_of(data, "text", "fraction", "feedback") == [
        ("true", 0, ""),
        ("false", 100, "Well…"),
    ]


def test_save_and_keep_editing(quiz, owner_client):
    question = questions_of(quiz)[0]
    url = reverse("question_edit", args=[quiz.pk, question.pk])
    response = owner_client.post(url, question_post(quiz.version, save_continue="1"))
    assert response["Location"] == url


def test_question_edit_conflict_keeps_what_was_typed(quiz, owner_client):
    question = questions_of(quiz)[0]
    stale = question.version
    operations.update_question(quiz, question, {"name": "Changed elsewhere"})
    before = db_snapshot()
    body = question_post(
        stale,
        name="My typed name",
        text="My typed text",
        rows=[
            {"text": "Typed choice", "fraction": "100", "feedback": "Typed feedback"},
            {"text": "Other choice", "fraction": "0"},
        ],
    )
    response = owner_client.post(reverse("question_edit", args=[quiz.pk, question.pk]), body)
    assert response.status_code == 409
    page = response.content.decode()
    assert "some of them change the same fields as yours" in page
    assert 'name="merge:name" value="yours"' in page
    for typed in ('value="My typed name"', "My typed text</textarea>", "Typed choice</textarea>"):
        assert typed in page
    assert "Typed feedback</textarea>" in page
    # Saving again merges again from the version the form was loaded from.
    assert f'name="version" value="{stale}"' in page
    assert db_snapshot() == before


def test_add_question_conflict_keeps_what_was_typed(quiz, owner_client):
    stale = quiz.version
    operations.delete_question(quiz, questions_of(quiz)[0])
    before = db_snapshot()
    body = question_post(stale, name="Typed while someone removed a question")
    response = owner_client.post(reverse("question_add", args=[quiz.pk, "multichoice"]), body)
    assert response.status_code == 409
    assert 'value="Typed while someone removed a question"' in response.content.decode()
    assert db_snapshot() == before


def test_adding_a_question_from_an_older_page_needs_only_the_slots_unchanged(quiz, owner_client):
    stale = quiz.version
    operations.set_status(quiz, "published")
    body = question_post(stale, name="Typed while someone published")
    response = owner_client.post(reverse("question_add", args=[quiz.pk, "multichoice"]), body)
    assert response.status_code == 302
    assert names(quiz)[-1] == "Typed while someone published"


# -- duplicate, delete, order ------------------------------------------------------------
def names(quiz):
    return [question.name for question in questions_of(quiz)]


def test_duplicate_a_question_inserts_the_copy_after_it(quiz, owner_client):
    first = questions_of(quiz)[0]
    url = reverse("question_duplicate", args=[quiz.pk, first.pk])
    assert owner_client.post(url, {"version": quiz.version}).status_code == 302
    assert names(quiz)[:3] == ["Largest planet", "Largest planet (copy)", "Primes"]


def test_delete_a_question(quiz, owner_client):
    second = questions_of(quiz)[1]
    url = reverse("question_delete", args=[quiz.pk, second.pk])
    assert "Remove the question “Primes” from this quiz?" in owner_client.get(url).content.decode()
    assert owner_client.post(url, {"version": quiz.version}).status_code == 302
    assert "Primes" not in names(quiz)
    assert Question.objects.filter(pk=second.pk).exists(), "it stays in the bank"
    assert Quiz.objects.get(pk=quiz.pk).question_count == 6


def test_move_questions_up_and_down(quiz, owner_client):
    first, second = questions_of(quiz)[:2]
    up = reverse("question_move_up", args=[quiz.pk, second.pk])
    response = owner_client.post(up, {"version": quiz.version})
    # At the top now, its ↑ is disabled: the editor focuses its ↓.
    assert response["Location"].endswith(f"#move-down-{second.pk}")
    assert names(quiz)[:2] == ["Primes", "Largest planet"]
    # Already at the top: nothing to do, nothing written.
    before = db_snapshot()
    owner_client.post(up, {"version": quiz.version + 1})
    assert db_snapshot() == before
    down = reverse("question_move_down", args=[quiz.pk, first.pk])
    owner_client.post(down, {"version": quiz.version + 1})
    assert names(quiz)[:3] == ["Primes", "Sun", "Largest planet"]


def test_a_stale_move_is_refused_with_the_current_editor(quiz, owner_client):
    second = questions_of(quiz)[1]
    before = db_snapshot()
    response = owner_client.post(
        reverse("question_move_up", args=[quiz.pk, second.pk]), {"version": quiz.version + 3}
    )
    assert response.status_code == 409
    assert "Here is the quiz as it is now" in response.content.decode()
    assert db_snapshot() == before


def test_reorder_saves_a_whole_new_order(quiz, owner_client):
    order = [str(q.pk) for q in reversed(questions_of(quiz))]
    response = owner_client.post(
        reverse("question_reorder", args=[quiz.pk]), {"version": quiz.version, "order": order}
    )
    assert response.status_code == 302
    assert [str(q.pk) for q in questions_of(quiz)] == order


@pytest.mark.parametrize("change", ["empty", "duplicate", "foreign", "garbage"])
def test_reorder_refuses_an_order_that_is_not_the_quiz_questions(change, quiz, owner_client):
    """An order of some of the questions is one (a page of the editor: test_editor_scale)."""
    order = [str(q.pk) for q in questions_of(quiz)]
    if change == "empty":
        order = []
    elif change == "duplicate":
        order[-1] = order[0]
    elif change == "foreign":
        order[-1] = "0123456789abcdef01234567"
    else:
        order[-1] = "<script>"
    before = db_snapshot()
    response = owner_client.post(
        reverse("question_reorder", args=[quiz.pk]), {"version": quiz.version, "order": order}
    )
    assert response.status_code == 400
    assert "must list questions of the quiz, each once" in response.content.decode()
    assert db_snapshot() == before


def test_editor_lists_questions_with_keyboard_alternatives(quiz, owner_client):
    page = owner_client.get(reverse("quiz_editor", args=[quiz.pk])).content.decode()
    assert page.count('class="question-item"') == 7
    assert "Move “Primes” up" in page
    assert "Move “Primes” down" in page
    assert 'hx-trigger="reorder"' in page
    for label in ("Multiple choice", "Short answer", "Numerical", "Matching", "Essay"):
        assert label in page


@pytest.mark.parametrize("tampering", ["no management form", "no version", "too many rows"])
def test_a_tampered_question_form_is_refused(tampering, quiz, owner_client):
    body = question_post(quiz.version)
    if tampering == "no management form":
        del body["answers-TOTAL_FORMS"]
    elif tampering == "no version":
        del body["version"]
    else:
        body["answers-TOTAL_FORMS"] = "5000"
    before = db_snapshot()
    response = owner_client.post(reverse("question_add", args=[quiz.pk, "multichoice"]), body)
    assert response.status_code == 400
    assert response.context["editor"].summary_errors()
    assert 'class="error-summary"' in response.content.decode()
    assert db_snapshot() == before
