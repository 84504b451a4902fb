"""The question editor edits every field a question has, and saving loses none.

Each type's question is stored with every field set (as a Moodle import sets
them), its edit page is read as a browser reads a form, and posted back
unchanged: the stored data must be identical.
"""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from quizzes import operations
from quizzes.forms import QuestionEditor
from quizzes.tests.fixtures.plugin import question_named, questions_of

COMMON = {
    "text_format": "markdown",
    "points": 2.5,
    "general_feedback": "<b>Well</b> done.",
    "general_feedback_format": "html",
    "penalty": 0.1,
    "idnumber": "Q-42",
    "tags": ["alpha", "beta gamma"],
}
HINTS = [
    {"text": "Think again.", "text_format": "plain", "show_num_correct": True, "clear_wrong": True},
    {"text": "", "text_format": "markdown", "show_num_correct": False, "clear_wrong": True},
]
PLAIN_HINTS = [
    {
        "text": "Think again.",
        "text_format": "plain",
        "show_num_correct": False,
        "clear_wrong": False,
    },
    {
        "text": "Look *closer*.",
        "text_format": "html",
        "show_num_correct": False,
        "clear_wrong": False,
    },
]
COMBINED = {
    "correct_feedback": "<p>Right.</p>",
    "correct_feedback_format": "html",
    "partially_correct_feedback": "Partly.",
    "partially_correct_feedback_format": "plain",
    "incorrect_feedback": "Wrong.",
    "incorrect_feedback_format": "moodle",
    "show_num_correct": True,
}
EVERY_FIELD = {
    "multichoice": {
        **COMBINED,
        "single": False,
        "shuffle_answers": False,
        "answer_numbering": "IIII",
        "hints": HINTS,
        "answers": [
            {"text": "<i>2</i>", "text_format": "html", "fraction": 50, "feedback": "Prime."},
            {"text": "3", "fraction": 50, "feedback": "Prime too.", "feedback_format": "plain"},
            {"text": "4", "fraction": -33.33333, "feedback": "2 * 2", "feedback_format": "html"},
        ],
    },
    "truefalse": {
        "hints": PLAIN_HINTS,
        "answers": [
            {
                "text": "true",
                "text_format": "moodle",
                "fraction": 0,
                "feedback": "No.",
                "feedback_format": "html",
            },
            {
                "text": "false",
                "text_format": "moodle",
                "fraction": 100,
                "feedback": "Yes.",
                "feedback_format": "plain",
            },
        ],
    },
    "shortanswer": {
        "case_sensitive": True,
        "hints": PLAIN_HINTS,
        "answers": [
            {
                "text": "Paris",
                "text_format": "plain",
                "fraction": 100,
                "feedback": "<b>Yes</b>",
                "feedback_format": "html",
            },
            {"text": "Lyon", "fraction": 20, "feedback": "No."},
        ],
    },
    "numerical": {
        "hints": PLAIN_HINTS,
        "answers": [
            {"value": 3.14, "tolerance": 0.01, "fraction": 100, "feedback": "π."},
            {
                "value": 3,
                "tolerance": 0,
                "fraction": 50,
                "feedback": "About.",
                "feedback_format": "html",
            },
            {"text": "*", "fraction": 10, "feedback": "<i>Any</i>", "feedback_format": "html"},
        ],
    },
    "matching": {
        **COMBINED,
        "shuffle_answers": False,
        "hints": HINTS,
        "answers": [
            {"text": "<b>France</b>", "text_format": "html", "match": "Paris", "feedback": "Kept."},
            {"text": "Italy", "match": "Rome"},
            {"text": "", "match": "Berlin"},
        ],
    },
    "essay": {
        "response_format": "monospaced",
        "response_required": False,
        "response_field_lines": 7,
        "attachments": 2,
        "attachments_required": 1,
        "min_word_limit": 10,
        "max_word_limit": 200,
        "grader_info": "<p>Look for Rayleigh.</p>",
        "grader_info_format": "html",
        "response_template": "Dear reader,",
        "response_template_format": "plain",
    },
    "description": {"points": 0},
    "cloze": {
        **COMBINED,
        "text": "Capital of France: {1:SHORTANSWER:=Paris#Yes}",
        "hints": HINTS,
    },
}


def full_question(qtype):
    return {
        "type": qtype,
        "name": f"Every field: {qtype}",
        "text": "What?",
        **COMMON,
        **EVERY_FIELD[qtype],
    }


class FormReader(HTMLParser):
    """What a browser posts of the question form: every named input, as shown."""

    def __init__(self):
        super().__init__()
        self.body = []
        self.in_form = self.in_template = False
        self.textarea = self.select = None
        self.options = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "question-form" in (attrs.get("class") or ""):
            self.in_form = True
        if tag == "template":
            self.in_template = True
        if not self.in_form or self.in_template:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button"):
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.body.append((name, attrs.get("value", "on")))
            else:
                self.body.append((name, attrs.get("value", "")))
        elif tag == "textarea":
            self.textarea = [name, ""]
        elif tag == "select":
            self.select, self.options = name, []
        elif tag == "option" and self.select:
            self.options.append((attrs.get("value", ""), "selected" in attrs))

    def handle_endtag(self, tag):
        if tag == "template":
            self.in_template = False
        elif tag == "form":
            self.in_form = False
        elif tag == "textarea" and self.textarea:
            name, text = self.textarea
            self.body.append((name, text.removeprefix("\n")))
            self.textarea = None
        elif tag == "select" and self.select:
            chosen = [value for value, selected in self.options if selected] or [self.options[0][0]]
            self.body.append((self.select, chosen[0]))
            self.select = None

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1] += data


def form_body(html):
    reader = FormReader()
    reader.feed(html)
    body = {}
    for name, value in reader.body:
        body.setdefault(name, []).append(value)
    return body


def stored(quiz, name):
    return operations.question_data(question_named(quiz, name))


@pytest.mark.parametrize("qtype", EVERY_FIELD)
def test_saving_a_question_unchanged_keeps_every_field(make_quiz, owner_client, qtype):
    question = full_question(qtype)
    quiz = make_quiz("Fidelity", [question])
    before = stored(quiz, question["name"])
    url = reverse("question_edit", args=[quiz.pk, question_named(quiz, question["name"]).pk])
    page = owner_client.get(url)
    assert page.status_code == 200
    response = owner_client.post(url, form_body(page.content.decode()))
    assert response.status_code == 302, response.context["editor"].form.errors
    assert stored(quiz, question["name"]) == before


def test_the_full_questions_set_every_field_they_have(make_quiz):
    """The questions above do set what each type has, away from its defaults."""
    from quizzes.validation import clean_question

    for qtype in EVERY_FIELD:
        cleaned = clean_question(full_question(qtype))
        assert cleaned["idnumber"] and cleaned["tags"] and cleaned["general_feedback"]
        if qtype not in ("essay", "description"):
            assert len(cleaned["hints"]) == 2


def edit(client, quiz, name, changes):
    """Post the edit form of question `name` with `changes` over what it shows."""
    url = reverse("question_edit", args=[quiz.pk, question_named(quiz, name).pk])
    body = form_body(client.get(url).content.decode())
    body.update({key: [value] for key, value in changes.items()})
    return client.post(url, body)


def test_every_field_is_edited_through_the_form(make_quiz, owner_client):
    question = full_question("multichoice")
    quiz = make_quiz("Fidelity", [question])
    response = edit(
        owner_client,
        quiz,
        question["name"],
        {
            "idnumber": "Q-43",
            "tags": "one, two",
            "penalty": "0.5",
            "general_feedback_format": "",
            "answer_numbering": "none",
            "correct_feedback": "Bravo",
            "correct_feedback_format": "plain",
            "show_num_correct": "",
            "answers-0-text_format": "",
            "answers-1-feedback_format": "moodle",
            "hints-0-text": "New hint",
            "hints-0-clear_wrong": "",
            "hints-2-text": "A third",
            "hints-2-text_format": "html",
            "hints-2-show_num_correct": "on",
        },
    )
    assert response.status_code == 302
    data = stored(quiz, question["name"])
    assert (data["idnumber"], data["tags"], data["penalty"]) == ("Q-43", ["one", "two"], 0.5)
    assert data["general_feedback_format"] == "markdown"  # the question's
    assert (data["answer_numbering"], data["show_num_correct"]) == ("none", False)
    assert (data["correct_feedback"], data["correct_feedback_format"]) == ("Bravo", "plain")
    assert [a["text_format"] for a in data["answers"]] == ["markdown"] * 3
    assert [a["feedback_format"] for a in data["answers"]] == ["markdown", "moodle", "html"]
    assert [(h["text"], h["text_format"], h["show_num_correct"], h["clear_wrong"])
            for h in data["hints"]] == [
        ("New hint", "plain", True, False),
        ("", "markdown", False, True),
        ("A third", "html", True, False),
    ]  # fmt: skip


def test_essay_options_are_edited_through_the_form(make_quiz, owner_client):
    question = full_question("essay")
    quiz = make_quiz("Fidelity", [question])
    changes = {
        "response_format": "plain",
        "response_required": "on",
        "response_field_lines": "20",
        "attachments": "-1",
        "attachments_required": "3",
        "min_word_limit": "",
        "max_word_limit": "500",
        "grader_info": "Be kind.",
        "grader_info_format": "",
        "response_template": "",
    }
    assert edit(owner_client, quiz, question["name"], changes).status_code == 302
    data = stored(quiz, question["name"])
    assert {name: data[name] for name in changes} == {
        "response_format": "plain",
        "response_required": True,
        "response_field_lines": 20,
        "attachments": -1,
        "attachments_required": 3,
        "min_word_limit": None,
        "max_word_limit": 500,
        "grader_info": "Be kind.",
        "grader_info_format": "markdown",
        "response_template": "",
    }


def test_essay_option_errors_land_on_their_fields(make_quiz, owner_client):
    question = full_question("essay")
    quiz = make_quiz("Fidelity", [question])
    changes = {"min_word_limit": "300", "max_word_limit": "20", "attachments_required": "3"}
    response = edit(owner_client, quiz, question["name"], changes)
    assert response.status_code == 400
    errors = response.context["editor"].form.errors
    assert errors["min_word_limit"] == [
        "The minimum word limit cannot be greater than the maximum."
    ]
    assert errors["attachments_required"] == ["Require at most as many attachments as you allow."]


def test_any_other_number(make_quiz, owner_client):
    question = full_question("numerical")
    quiz = make_quiz("Fidelity", [question])
    name = question["name"]
    off = {"other": ""}
    assert edit(owner_client, quiz, name, off).status_code == 302
    assert [a["text"] for a in stored(quiz, name)["answers"]] == ["", ""]
    on = {"other": "on", "other_fraction": "0", "other_feedback": "Not that."}
    assert edit(owner_client, quiz, name, on).status_code == 302
    other = stored(quiz, name)["answers"][-1]
    assert (other["text"], other["value"], other["fraction"], other["feedback"]) == (
        "*",
        None,
        0,
        "Not that.",
    )
    # A "*" typed as an expected number is Moodle's answer "*" too.
    typed = {"other": "", "answers-1-value": "*", "answers-1-tolerance": ""}
    assert edit(owner_client, quiz, name, typed).status_code == 302
    answers = stored(quiz, name)["answers"]
    assert [(a["text"], a["value"]) for a in answers] == [("", 3.14), ("*", None)]


def test_editor_without_javascript_adds_hint_rows(make_quiz, owner_client):
    question = full_question("shortanswer")
    quiz = make_quiz("Fidelity", [question])
    url = reverse("question_edit", args=[quiz.pk, question_named(quiz, question["name"]).pk])
    body = form_body(owner_client.get(url).content.decode())
    assert body["hints-TOTAL_FORMS"] == ["3"]  # the two hints and a spare row
    body["add_rows"] = ["hints"]
    response = owner_client.post(url, body)
    assert response.status_code == 200
    assert response.context["editor"].hints.total_form_count() == 6
    assert response.context["editor"].rows.total_form_count() == 4


def test_hint_options_only_where_the_type_has_them():
    assert "clear_wrong" in QuestionEditor("multichoice").hints.empty_form.fields
    assert "clear_wrong" not in QuestionEditor("shortanswer").hints.empty_form.fields
    assert QuestionEditor("essay").hints is None
    assert QuestionEditor("description").hints is None


def test_answer_formats_are_folded_unless_they_differ(make_quiz, owner_client):
    question = full_question("multichoice")
    quiz = make_quiz("Fidelity", [question])
    url = reverse("question_edit", args=[quiz.pk, question_named(quiz, question["name"]).pk])
    page = owner_client.get(url).content.decode()
    # Answers 1 to 3 and hint 1 have a format of their own; hint 2, the spare rows and
    # the rows' templates (for JavaScript) have not.
    assert page.count('<details class="row-details" open>') == 3 + 1
    assert page.count('<details class="row-details">') == 1 + 3 + 2


def test_a_text_previews_in_its_own_format(owner_client):
    url = reverse("markdown_preview")
    body = {"field": "general_feedback", "general_feedback": "*a*", "text_format": "markdown"}
    assert "<em>a</em>" in owner_client.post(url, body).content.decode()
    own = {**body, "format_field": "general_feedback_format", "general_feedback_format": "plain"}
    assert "<em>" not in owner_client.post(url, own).content.decode()
    same = {**own, "general_feedback_format": ""}  # "as the question text"
    assert "<em>a</em>" in owner_client.post(url, same).content.decode()


# -- the learner's side, in the preview ------------------------------------------------
def preview_quiz(make_quiz):
    multichoice = {
        **full_question("multichoice"),
        "name": "Primes",
        "shuffle_answers": False,
        "answer_numbering": "ABCD",
    }
    essay = {
        **full_question("essay"),
        "name": "Essay",
        "min_word_limit": 3,
        "max_word_limit": 6,
        "response_template": "Dear reader,",
    }
    return make_quiz("Preview", [multichoice, essay])


def ids(quiz):
    return {question.name: str(question.pk) for question in questions_of(quiz)}


def test_the_preview_numbers_choices_and_prefills_the_essay(make_quiz, owner_client):
    quiz = preview_quiz(make_quiz)
    page = owner_client.get(reverse("quiz_preview", args=[quiz.pk])).content.decode()
    assert [f'<span class="choice-number">{n}.</span>' in page for n in "ABC"] == [True] * 3
    essay = ids(quiz)["Essay"]
    assert 'rows="7" class="monospaced"' in page
    assert f'name="q-{essay}"' in page and "\nDear reader,</textarea>" in page
    assert "Write between 3 and 6 words." in page


def test_the_preview_refuses_an_essay_outside_its_word_limits(make_quiz, owner_client):
    quiz = preview_quiz(make_quiz)
    by_name = ids(quiz)
    body = {f"q-{by_name['Essay']}": "Too short", f"q-{by_name['Primes']}": ["0"]}
    response = owner_client.post(reverse("quiz_preview", args=[quiz.pk]), body)
    assert response.status_code == 400
    page = response.content.decode()
    assert "This question needs a response of at least 3 words; yours has 2." in page
    assert ">\nToo short</textarea>" in page  # what was written is kept
    assert 'value="0" checked' in page
    body[f"q-{by_name['Essay']}"] = "Long enough this time"
    assert owner_client.post(reverse("quiz_preview", args=[quiz.pk]), body).status_code == 200


def test_graded_feedback_in_each_texts_format(make_quiz, owner_client):
    quiz = preview_quiz(make_quiz)
    by_name = ids(quiz)
    body = {f"q-{by_name['Primes']}": ["0"]}  # 2: half right
    page = owner_client.post(reverse("quiz_preview", args=[quiz.pk]), body).content.decode()
    assert "Prime." in page  # the answer's feedback
    assert '<div class="combined-feedback"><p>Partly.</p></div>' in page  # plain text
    assert "You have 1 correct response." in page
    assert "<b>Well</b> done." in page  # the general feedback, HTML


def test_the_learner_api_numbers_choices_and_gives_their_formats(make_quiz):
    from rest_framework.test import APIClient

    quiz = preview_quiz(make_quiz)
    operations.set_status(quiz, "published")
    body = APIClient().get(f"/api/v1/published/{quiz.pk}/").json()
    primes, essay = body["questions"]
    assert primes["answer_numbering"] == "ABCD"
    assert [choice.get("text_format") for choice in primes["choices"]] == ["html", None, None]
    assert {
        key: essay[key] for key in ("response_format", "min_word_limit", "response_template")
    } == {
        "response_format": "monospaced",
        "min_word_limit": 3,
        "response_template": "Dear reader,",
    }
    assert "grader_info" not in essay and "answer_numbering" not in essay


def test_a_descriptions_general_feedback_shows_once_submitted(make_quiz, owner_client):
    """Moodle shows it when the attempt is reviewed; in its own format."""
    quiz = make_quiz("Preview", [full_question("description")])
    url = reverse("quiz_preview", args=[quiz.pk])
    assert "<b>Well</b> done." not in owner_client.get(url).content.decode()
    page = owner_client.post(url, {}).content.decode()
    assert '<div class="general-feedback"><b>Well</b> done.</div>' in page
