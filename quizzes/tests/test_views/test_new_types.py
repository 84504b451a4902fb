"""The description and cloze types end to end in the teachers' UI.

The editor of each type (no points for a description, the syntax help and the
gap in error for a cloze), then the preview: a cloze's gaps are inputs in its
text with nothing of the key before submitting, graded gap by gap after, with
the learner's values kept; a description is information, numbered and scored
by nothing. Hostile answers and feedback stay inert in both.
"""

import re

import pytest
from django.utils.html import escape

from quizzes import operations
from quizzes.tests.fixtures.plugin import db_snapshot, question_named, questions_of, token_client
from quizzes.tests.test_views.test_xss import active_content

pytestmark = pytest.mark.django_db

# One gap of each kind and display, weights 1 + 1 + 1 + 1 + 1 + 2 = 7 points of 7.
# Accepted answers and feedback are strings found nowhere else on the page.
CLOZE_TEXT = (
    "Closest to the Sun: {1:MC:Venus#Fb-venus~=Mercury#Fb-mercury}.\n\n"
    "Earth's satellite: {1:SA:=Moonkey#Fb-moon~%50%Lunakey#Fb-luna}.\n\n"
    "Earth's place: {1:NM:=3:0#Fb-three}.\n\n"
    "Rings: {1:MCV:Jupiter#Fb-jupiter~=Saturn#Fb-saturn}\n\n"
    "Mars looks {1:MCH:=red#Fb-red~blue#Fb-blue}.\n\n"
    "Gas giants: {2:MR:=Jupiter#Fb-gas-jupiter~=Saturn~Mars#Fb-mars}"
)
KEY = ["Fb-", "Moonkey", "Lunakey", "=Mercury", "%50%", "{1:", "{2:", "MCV", "correct answers"]
QUESTIONS = [
    {"type": "description", "name": "Intro", "text": "About the *planets*."},
    {"type": "cloze", "name": "Planets", "text": CLOZE_TEXT, "points": 7},
    {"type": "description", "name": "Interlude", "text": "Now a last one."},
    {
        "type": "shortanswer",
        "name": "Star",
        "text": "Our star?",
        "answers": [{"text": "Sun", "fraction": 100}],
    },
]
CLOZE_HELP = "Write each gap in the text as {weight:TYPE:answers}."


def add_url(quiz, qtype):
    return f"/quizzes/{quiz.pk}/questions/add/{qtype}/"


def preview_url(quiz):
    return f"/quizzes/{quiz.pk}/preview/"


def form_body(version, **fields):
    """What the question form posts for a type without answer rows."""
    return {
        "version": str(version),
        "name": "New one",
        "text": "Some text.",
        "text_format": "markdown",
        "points": "1",
        "general_feedback": "",
        **fields,
    }


def sections(page):
    """The HTML of each question of a preview page, in order."""
    return page.split('<section class="card learner-question"')[1:]


def header(section):
    return section.split("</header>")[0]


@pytest.fixture
def planets_quiz(make_quiz):
    """A draft quiz of the teacher's: description, cloze, description, short answer."""
    return make_quiz("Planets", QUESTIONS)


@pytest.fixture
def planets_ids(planets_quiz):
    """{question name: id} of `planets_quiz`."""
    return {q.name: str(q.pk) for q in questions_of(planets_quiz)}


# -- the editor --------------------------------------------------------------------------
def test_the_quiz_editor_offers_both_types(planets_quiz, owner_client):
    page = owner_client.get(f"/quizzes/{planets_quiz.pk}/").content.decode()
    assert f'href="{add_url(planets_quiz, "description")}"' in page
    assert f'href="{add_url(planets_quiz, "cloze")}"' in page
    assert "Cloze (embedded answers)" in page and "Description" in page


def test_the_description_form_has_no_points(planets_quiz, owner_client):
    response = owner_client.get(add_url(planets_quiz, "description"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="text"' in page and 'name="name"' in page
    assert 'name="points"' not in page
    assert "answers-TOTAL_FORMS" not in page
    assert "points" not in response.context["editor"].form.fields


def test_a_description_saves_with_no_points(planets_quiz, owner_client):
    # Points sent anyway (a stale form, a hand-made POST) change nothing.
    body = form_body(planets_quiz.version, name="Context", text="Read *this*.", points="5")
    response = owner_client.post(add_url(planets_quiz, "description"), body)
    assert response.status_code == 302, response.content
    stored = question_named(planets_quiz, "Context")
    assert (stored.type, stored.text, stored.points, stored.answers) == (
        "description",
        "Read *this*.",
        0,
        [],
    )
    edit = owner_client.get(f"/quizzes/{planets_quiz.pk}/questions/{stored.pk}/edit/")
    assert edit.status_code == 200
    assert 'name="points"' not in edit.content.decode()


def test_the_cloze_form_shows_the_syntax_help(planets_quiz, owner_client):
    response = owner_client.get(add_url(planets_quiz, "cloze"))
    assert response.status_code == 200
    page = response.content.decode()
    assert CLOZE_HELP in page
    assert "{1:SHORTANSWER:=Paris#Right!~%50%paris}" in page
    assert 'name="points"' in page
    assert "answers-TOTAL_FORMS" not in page


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("A {1:SA:=ok} then {1:MULTICHOICE:=alone}.", "Sub-question 2: give at least 2 choices."),
        ("A {1:SA:=ok} then {1:NM:=ten}.", "Sub-question 2: “ten” is not a number"),
        ("No gap here.", "The text must contain at least one sub-question"),
    ],
)
def test_a_cloze_with_a_bad_gap_is_shown_again_with_the_gap_named(
    planets_quiz, owner_client, text, message
):
    before = db_snapshot()
    body = form_body(planets_quiz.version, name="Broken", text=text, points="3")
    response = owner_client.post(add_url(planets_quiz, "cloze"), body)
    assert response.status_code == 400
    errors = response.context["editor"].form.errors
    assert list(errors) == ["text"]
    assert message in errors["text"][0]
    page = response.content.decode()
    text_field = page.split('class="field field-text"')[1].split('class="field ')[0]
    assert escape(message) in text_field
    assert "Nothing was saved" in page
    # What the teacher typed is still there, to correct.
    assert escape(text) in page and 'value="Broken"' in page
    assert db_snapshot() == before


def test_a_valid_cloze_saves(planets_quiz, owner_client):
    body = form_body(planets_quiz.version, name="Gaps", text=CLOZE_TEXT, points="7")
    response = owner_client.post(add_url(planets_quiz, "cloze"), body)
    assert response.status_code == 302, response.content
    stored = question_named(planets_quiz, "Gaps")
    assert (stored.type, stored.text, stored.points, stored.answers) == (
        "cloze",
        CLOZE_TEXT,
        7,
        [],
    )
    # The teacher edits the codes themselves.
    edit = owner_client.get(f"/quizzes/{planets_quiz.pk}/questions/{stored.pk}/edit/")
    assert "{1:MC:Venus#Fb-venus~=Mercury#Fb-mercury}" in edit.content.decode()


def test_editing_a_cloze_into_an_error_changes_nothing(planets_quiz, planets_ids, owner_client):
    before = db_snapshot()
    url = f"/quizzes/{planets_quiz.pk}/questions/{planets_ids['Planets']}/edit/"
    body = form_body(planets_quiz.version, name="Planets", text="{1:SA:=a} {1:MR:b~c}", points="7")
    response = owner_client.post(url, body)
    assert response.status_code == 400
    assert "Sub-question 2: " in response.context["editor"].form.errors["text"][0]
    assert db_snapshot() == before


# -- the preview, before submitting ------------------------------------------------------
def test_the_preview_shows_every_gap_and_none_of_the_key(planets_quiz, planets_ids, owner_client):
    response = owner_client.get(preview_url(planets_quiz))
    assert response.status_code == 200
    page = response.content.decode()
    for secret in KEY:
        assert secret not in page, secret
    name = f"q-{planets_ids['Planets']}"
    # MC inline: a list; SA and NM: text boxes; MCV and MCH: radio buttons; MR: check boxes.
    select = re.search(rf'<select name="{name}-1"[^>]*>(.*?)</select>', page, re.S)
    assert select, page
    assert re.findall(r'<option value="(\d*)">([^<]*)</option>', select[1]) == [
        ("", "Choose…"),
        ("0", "Venus"),
        ("1", "Mercury"),
    ]
    assert re.search(rf'<input type="text" name="{name}-2" value=""', page)
    assert re.search(rf'<input type="text" name="{name}-3" value=""[^>]*inputmode="decimal"', page)
    radios = re.findall(rf'<input type="radio" name="{name}-4" value="(\d)">', page)
    assert radios == ["0", "1"]
    assert re.findall(rf'<input type="radio" name="{name}-5" value="(\d)">', page) == ["0", "1"]
    boxes = re.findall(rf'<input type="checkbox" name="{name}-6" value="(\d)">', page)
    assert boxes == ["0", "1", "2"]
    assert "cloze-vertical" in page and "cloze-horizontal" in page
    assert "{#" not in page  # every placeholder became its input
    assert active_content(page) == []


def test_a_description_is_information_and_numbers_skip_it(planets_quiz, owner_client):
    page = owner_client.get(preview_url(planets_quiz)).content.decode()
    intro, cloze, interlude, star = map(header, sections(page))
    for description in (intro, interlude):
        assert "Information" in description
        assert "Question" not in description and " pt" not in description
    assert "Question 1" in cloze and "7 pt" in cloze
    assert "Question 2" in star and "1 pt" in star
    assert "About the <em>planets</em>." in sections(page)[0]
    assert 'name="q-' not in sections(page)[0]  # nothing to answer


# -- the preview, graded -----------------------------------------------------------------
def answers(planets_ids, **gaps):
    """The preview's POST body: the cloze's gaps by number, the short answer as `star`."""
    name = f"q-{planets_ids['Planets']}"
    body = {f"{name}-{number[1:]}": value for number, value in gaps.items() if number != "star"}
    if "star" in gaps:
        body[f"q-{planets_ids['Star']}"] = gaps["star"]
    return body


def test_the_graded_cloze_shows_points_feedback_and_the_right_answers(
    planets_quiz, planets_ids, owner_client
):
    before = db_snapshot()
    # Right: 1 (Mercury) and 4 (Saturn); half: 2 (Luna); wrong: 3, 5; 6: Jupiter + Mars = 0.
    body = answers(
        planets_ids, g1="1", g2=" lunakey ", g3="4", g4="1", g5="1", g6=["0", "2"], star="Sun"
    )
    response = owner_client.post(preview_url(planets_quiz), body)
    assert response.status_code == 200
    attempt = response.context["attempt"]
    assert (attempt.score, attempt.max_score) == (3.5, 8)  # 2.5 of the cloze's 7, and 1
    page = response.content.decode()
    assert "3.5 / 8" in page
    intro, cloze, interlude, star = sections(page)
    assert "2.5 / 7 pt" in header(cloze)
    assert "Partially correct" in cloze
    for feedback in ("Fb-mercury", "Fb-luna", "Fb-saturn", "Fb-blue", "Fb-gas-jupiter", "Fb-mars"):
        assert feedback in cloze, feedback
    for feedback in ("Fb-venus", "Fb-moon", "Fb-three", "Fb-jupiter", "Fb-red"):
        assert feedback not in cloze, feedback
    assert (
        "The correct answers are: Gap 1: Mercury; Gap 2: Moonkey; Gap 3: 3; Gap 4: Saturn; Gap 5: red; "
        "Gap 6: Jupiter, Saturn"
    ) in cloze
    assert "1 / 1 pt" in header(star)
    for description in (intro, interlude):
        assert "Information" in header(description)
        assert "pt" not in header(description)
        assert "feedback-box" not in description
    assert db_snapshot() == before


def test_the_graded_cloze_keeps_the_learners_values(planets_quiz, planets_ids, owner_client):
    body = answers(planets_ids, g1="1", g2="Lunakey", g3="4", g4="1", g5="0", g6=["0", "2"])
    page = owner_client.post(preview_url(planets_quiz), body).content.decode()
    cloze = sections(page)[1]
    name = f"q-{planets_ids['Planets']}"
    assert '<option value="1" selected>Mercury</option>' in cloze
    assert '<option value="0">Venus</option>' in cloze
    assert re.search(rf'<input type="text" name="{name}-2" value="Lunakey"', cloze)
    assert re.search(rf'<input type="text" name="{name}-3" value="4"', cloze)
    assert f'name="{name}-4" value="1" checked>' in cloze
    assert f'name="{name}-4" value="0">' in cloze
    assert f'name="{name}-5" value="0" checked>' in cloze
    assert f'name="{name}-6" value="0" checked>' in cloze
    assert f'name="{name}-6" value="1">' in cloze
    assert f'name="{name}-6" value="2" checked>' in cloze
    # Read-only once graded.
    assert "<fieldset" in cloze and " disabled>" in cloze.split("<fieldset", 1)[1].split("\n")[0]


def test_all_right_and_nothing_answered(planets_quiz, planets_ids, owner_client):
    right = answers(planets_ids, g1="1", g2="moonkey", g3="3", g4="1", g5="0", g6=["0", "1"])
    attempt = owner_client.post(preview_url(planets_quiz), right).context["attempt"]
    assert (attempt.score, attempt.max_score) == (7, 8)
    states = [grade.state for _id, _response, grade in attempt.results]
    assert states == ["info", "correct", "info", "unanswered"]

    blank = answers(planets_ids, g1="", g2="  ", g3="")
    response = owner_client.post(preview_url(planets_quiz), blank)
    attempt = response.context["attempt"]
    assert attempt.score == 0
    assert [grade.state for _id, _response, grade in attempt.results] == [
        "info",
        "unanswered",
        "info",
        "unanswered",
    ]
    assert "Not answered" in sections(response.content.decode())[1]


def test_a_choice_that_looks_like_a_placeholder_stays_text(make_quiz, owner_client):
    quiz = make_quiz(
        "Braces",
        # The choice is "a {#2}": Moodle's \# and \} escapes.
        [{"type": "cloze", "name": "B", "text": "Pick {1:MC:=a {\\#2\\}~b} then {1:SA:=x}."}],
    )
    page = owner_client.get(preview_url(quiz)).content.decode()
    (question,) = questions_of(quiz)
    assert '<option value="0">a {#2}</option>' in page
    assert re.search(rf'then <input type="text" name="q-{question.pk}-2"', page)


# -- hostile answers and feedback --------------------------------------------------------
SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'
HOSTILE_TEXT = (
    f"List {{1:MC:={SCRIPT}#{BREAKOUT}~{BREAKOUT}#{SCRIPT}}} "
    f"box {{1:SA:={SCRIPT}#{BREAKOUT}~%50%{BREAKOUT}#{SCRIPT}}} "
    f"number {{1:NM:=1:0#{SCRIPT}~*#{BREAKOUT}}} "
    f"buttons {{1:MCV:={BREAKOUT}#{SCRIPT}~{SCRIPT}#{BREAKOUT}}} "
    f"boxes {{1:MR:={SCRIPT}#{BREAKOUT}~={BREAKOUT}#{SCRIPT}~x}}"
)


@pytest.fixture
def hostile_cloze(make_quiz):
    """A quiz with one cloze whose every answer and feedback is a script or an attribute breakout."""
    quiz = make_quiz(
        "Hostile",
        [{"type": "cloze", "name": "H", "text": HOSTILE_TEXT, "general_feedback": BREAKOUT}],
    )
    return quiz, f"q-{questions_of(quiz)[0].pk}"


def assert_inert(page):
    assert active_content(page) == []
    assert SCRIPT not in page
    assert BREAKOUT not in page
    assert "onerror=alert" not in page.replace("onerror=alert(1)&gt;", "")


def test_hostile_answers_are_inert_before_submitting(hostile_cloze, owner_client):
    quiz, name = hostile_cloze
    page = owner_client.get(preview_url(quiz)).content.decode()
    assert_inert(page)
    # The control: the choices are there, as text.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;</option>" in page
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</option>" in page
    assert f'name="{name}-4"' in page and f'name="{name}-5"' in page


def test_hostile_answers_and_responses_are_inert_once_graded(hostile_cloze, owner_client):
    quiz, name = hostile_cloze
    body = {
        f"{name}-1": "0",
        f"{name}-2": BREAKOUT,
        f"{name}-3": SCRIPT,
        f"{name}-4": "1",
        f"{name}-5": ["0", "1"],
    }
    response = owner_client.post(preview_url(quiz), body)
    assert response.status_code == 200
    attempt = response.context["attempt"]
    assert attempt.results[0][2].state == "partial"  # the control: it was graded
    page = response.content.decode()
    assert_inert(page)
    # The learner's own text is kept, escaped, in its box.
    assert 'value="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"' in page
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in page
    assert "The correct answers are: Gap 1: &lt;script&gt;" in page


def test_operations_store_the_hostile_cloze_as_written(hostile_cloze):
    quiz, _name = hostile_cloze
    assert operations.question_data(questions_of(quiz)[0])["text"] == HOSTILE_TEXT


# -- published from the editor, taken through the API --------------------------------------
def test_published_from_the_editor_the_quiz_is_delivered_and_graded(
    planets_quiz, planets_ids, owner_client, teacher
):
    body = {"version": str(planets_quiz.version), "status": "published"}
    response = owner_client.post(f"/quizzes/{planets_quiz.pk}/status/", body)
    assert response.status_code == 302, response.content
    learner = token_client(teacher)  # signed in: no throttle counts this test's calls
    delivered = learner.get(f"/api/v1/published/{planets_quiz.pk}/")
    assert delivered.status_code == 200
    for secret in KEY:
        assert secret not in delivered.content.decode(), secret
    questions = delivered.json()["questions"]
    assert [(q["type"], q["points"]) for q in questions] == [
        ("description", 0),
        ("cloze", 7),
        ("description", 0),
        ("shortanswer", 1),
    ]
    assert [part["kind"] for part in questions[1]["parts"]] == [
        "multichoice",
        "shortanswer",
        "numerical",
        "multichoice",
        "multichoice",
        "multiresponse",
    ]
    right = {"1": 1, "2": "Moonkey", "3": "3", "4": 1, "5": 0, "6": [0, 1]}
    graded = learner.post(
        f"/api/v1/published/{planets_quiz.pk}/attempts/",
        {"responses": {planets_ids["Planets"]: right, planets_ids["Star"]: "sun"}},
        format="json",
    )
    assert graded.status_code == 201, graded.content
    assert (graded.json()["score"], graded.json()["max_score"]) == (8, 8)
