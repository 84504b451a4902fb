"""Every text a learner is shown comes with its sanitised HTML, formulas as MathML: the
question's `text_html`, each choice's or stem's, in the delivered payload, in an
attempt's questions, on the player's and the preview's pages; a graded attempt's
feedback too."""

import pytest
from django.test import Client
from django.urls import reverse

from quizzes import operations
from quizzes.qtypes import registry

pytestmark = pytest.mark.django_db

# One question of each type, with a formula in every text a learner is shown.
FORMULA_QUESTIONS = {
    "multichoice": {
        "text": r"Which is $\frac{a}{b}$?",
        "general_feedback": r"So \[\frac{a}{b}\]",
        "answers": [
            {"text": r"$\frac{x}{y}$", "fraction": 100, "feedback": r"Yes: $\frac{x}{y}$"},
            {"text": r"<b>Not</b> \(y^2\)", "text_format": "html", "fraction": 0},
        ],
    },
    "truefalse": {
        "text": r"$\frac{1}{2} < 1$",
        "answers": [{"text": "true", "fraction": 100}, {"text": "false", "fraction": 0}],
    },
    "shortanswer": {
        "text": r"Solve $\frac{x}{2} = 1$.",
        "answers": [{"text": "2", "fraction": 100}],
    },
    "numerical": {
        "text": r"$\frac{1}{4}$ as a decimal?",
        "answers": [{"value": 0.25, "tolerance": 0, "fraction": 100}],
    },
    "matching": {
        "text": r"Match $\frac{d}{dx}$ of each.",
        "answers": [
            {"text": r"$\frac{x^2}{2}$", "match": "x"},
            {"text": r"\(\frac{x^3}{3}\)", "match": "x²"},
            {"text": "", "match": "1"},
        ],
    },
    "essay": {"text": r"Explain $\frac{a}{b}$."},
    "description": {"text": r"Recall \[\frac{a}{b} = a b^{-1}\]"},
    "cloze": {"text": r"$\frac{6}{3}$ is {1:NUMERICAL:=2:0} or {2:MC:=$x^2$~3}."},
}


@pytest.fixture
def formula_quiz(make_quiz):
    """A published quiz with one question of each type, formulas in all its texts."""
    questions = [
        {"type": kind, "name": kind, **question} for kind, question in FORMULA_QUESTIONS.items()
    ]
    quiz = make_quiz("Formulas", questions)
    operations.set_status(quiz, "published")
    quiz.refresh_from_db()  # its share code
    return quiz


def test_every_question_type_has_a_formula_question():
    assert set(FORMULA_QUESTIONS) == set(registry.TYPES)


def assert_rendered(question):
    """Each text of a delivered question has its HTML next to it, its formula as MathML."""
    assert "<mfrac>" in question["text_html"], question["type"]
    for name in registry.TYPES[question["type"]].learner_texts:
        assert question[name], (question["type"], name)
        for shown in question[name]:
            assert "<math" in shown["text_html"] and "$" not in shown["text_html"], shown


def test_the_delivered_payload_renders_every_text(anonymous, formula_quiz):
    body = anonymous.get(f"/api/v1/published/{formula_quiz.pk}/").json()
    assert {question["type"] for question in body["questions"]} == set(registry.TYPES)
    for question in body["questions"]:
        assert_rendered(question)
    choices = next(q for q in body["questions"] if q["type"] == "multichoice")["choices"]
    # The source stays beside its rendering; an answer in its own format renders in it.
    assert choices[0]["text"] == r"$\frac{x}{y}$"
    assert choices[1]["text_html"].startswith("<b>Not</b> <math")
    # A cloze gap's choices are plain text, their formulas rendered too.
    gaps = next(q for q in body["questions"] if q["type"] == "cloze")["parts"]
    assert [choice["text"] for choice in gaps[1]["choices"]] == ["$x^2$", "3"]
    assert "<msup>" in gaps[1]["choices"][0]["text_html"]
    assert gaps[1]["choices"][1]["text_html"] == "<p>3</p>"


def test_an_attempts_questions_render_every_text(anonymous, formula_quiz):
    response = anonymous.post(
        f"/api/v1/published/{formula_quiz.pk}/attempts/", {"name": "Ada"}, format="json"
    )
    assert response.status_code == 201, response.content
    for question in response.json()["questions"]:
        assert_rendered(question)


def test_the_preview_shows_formulas_in_texts_and_choices(formula_quiz, owner_client):
    page = owner_client.get(reverse("quiz_preview", args=[formula_quiz.pk])).content.decode()
    assert page.count("<mfrac>") == len(FORMULA_QUESTIONS) + 3  # texts, a choice, two stems
    assert '<span class="choice-text"><p><math' in page


def test_a_graded_attempts_feedback_comes_rendered(anonymous, formula_quiz):
    question = next(
        q
        for q in anonymous.get(f"/api/v1/published/{formula_quiz.pk}/").json()["questions"]
        if q["type"] == "multichoice"
    )
    response = anonymous.post(
        f"/api/v1/published/{formula_quiz.pk}/attempts/",
        {"responses": {question["id"]: 0}},
        format="json",
    )
    assert response.status_code == 201, response.content
    [row] = [row for row in response.json()["results"] if row["question"] == question["id"]]
    assert row["feedback"] == [r"Yes: $\frac{x}{y}$"]
    [feedback_html] = row["feedback_html"]
    assert feedback_html.startswith("<p>Yes: <math") and "<mfrac>" in feedback_html
    assert (
        '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">'
        in (row["general_feedback_html"])
    )


def test_the_schema_documents_the_html_fields(api):
    schemas = api.get("/api/schema/?format=json").json()["components"]["schemas"]
    assert "text_html" in schemas["Choice"]["required"]
    assert "text_html" in schemas["ClozeChoice"]["required"]
    assert {"feedback_html", "general_feedback_html"} <= schemas["Feedback"]["properties"].keys()


def test_the_editors_excerpts_show_formulas_as_their_tex(formula_quiz, owner_client):
    page = owner_client.get(reverse("quiz_editor", args=[formula_quiz.pk])).content.decode()
    assert r'<p class="excerpt">Which is $\frac{a}{b}$?' in page
    assert "<math" not in page


def test_the_player_shows_formulas_in_texts_and_choices(formula_quiz):
    learner = Client()
    started = learner.post(reverse("player:start", args=[formula_quiz.share_code]), {"name": "Ada"})
    assert started.status_code == 303
    page = learner.get(started["Location"], follow=True).content.decode()
    assert page.count("<mfrac>") == len(FORMULA_QUESTIONS) + 3  # texts, a choice, two stems
    assert '<span class="choice-text"><p><math' in page
