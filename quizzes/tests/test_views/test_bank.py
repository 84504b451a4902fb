"""The question bank in the teachers' UI: the category tree, question lists and their
bulk actions, the bank's question editor, versions, and quizzes built from the bank.

Every refusal answers 400 or 409 and leaves the database as it was
(`db_snapshot`); another teacher's category or question is a 404.
"""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from quizzes import bank, operations
from quizzes.models import Category, Question, QuestionVersion, Quiz
from quizzes.tests.fixtures.plugin import db_snapshot, questions_of
from quizzes.tests.test_views.test_xss import CORPUS, ActiveContent

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def multichoice(name, text="Pick one.", **extra):
    return {
        "type": "multichoice",
        "name": name,
        "text": text,
        "answers": [{"text": "Yes", "fraction": 100}, {"text": "No", "fraction": 0}],
        **extra,
    }


@pytest.fixture
def tree(teacher):
    """Science (Physics (Optics), Chemistry) and History: questions in each but Optics."""
    science = bank.create_category(teacher, {"name": "Science", "idnumber": "sci"})
    physics = bank.create_category(teacher, {"name": "Physics"}, science)
    optics = bank.create_category(teacher, {"name": "Optics"}, physics)
    chemistry = bank.create_category(teacher, {"name": "Chemistry"}, science)
    history = bank.create_category(teacher, {"name": "History"})
    made = {}
    for category, names in (
        (science, ["Atoms"]),
        (physics, ["Gravity", "Speed of light"]),
        (chemistry, ["Water", "Salt"]),
        (history, ["Waterloo"]),
    ):
        for name in names:
            tags = ["easy"] if name in ("Gravity", "Water") else []
            made[name] = bank.create_question(
                teacher, category, multichoice(name, f"About {name}.", tags=tags), teacher
            )
    truefalse = {
        "type": "truefalse",
        "name": "Light is fast",
        "text": "Light is fast.",
        "answers": [{"text": "true", "fraction": 100}, {"text": "false", "fraction": 0}],
    }
    made["Light is fast"] = bank.create_question(teacher, physics, truefalse, teacher)
    return {
        "science": science,
        "physics": physics,
        "optics": optics,
        "chemistry": chemistry,
        "history": history,
        "questions": made,
    }


class FormFields(HTMLParser):
    """What a browser would submit from the page's question form (class="question-form")."""

    def __init__(self):
        super().__init__()
        self.values, self.select, self.textarea, self.done, self.inside = (
            [],
            None,
            None,
            False,
            False,
        )

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "question-form" in attrs.get("class", "") and not self.done:
            self.inside = True
        if not self.inside or ("name" not in attrs and tag != "option"):
            return
        if tag == "input" and attrs.get("type") not in ("submit", "button"):
            ticked = attrs.get("type") in ("checkbox", "radio")
            if not ticked or "checked" in attrs:
                self.values.append((attrs["name"], attrs.get("value", "on" if ticked else "")))
        elif tag == "select":
            self.select = [attrs["name"], None, None]
        elif tag == "option" and self.select:
            if self.select[2] is None:
                self.select[2] = attrs.get("value", "")
            if "selected" in attrs:
                self.select[1] = attrs.get("value", "")
        elif tag == "textarea":
            self.textarea = [attrs["name"], ""]

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside, self.done = False, True
        elif tag == "select" and self.select:
            name, chosen, first = self.select
            self.values.append((name, chosen if chosen is not None else first))
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.values.append((self.textarea[0], self.textarea[1].removeprefix("\n")))
            self.textarea = None


def submitted(page, **changes):
    """The POST body of the page's form as shown, with `changes` typed over it."""
    parser = FormFields()
    parser.feed(page.content.decode())
    body = {}
    for name, value in parser.values:
        body.setdefault(name, value)
    body.pop("csrfmiddlewaretoken", None)
    return {**body, **{name.replace("__", "-"): value for name, value in changes.items()}}


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def names_in(response):
    return [question.name for question in response.context["page"].items]


# -- the tree -----------------------------------------------------------------------
def test_new_teacher_sees_an_empty_bank_and_the_link_to_it(owner_client):
    response = owner_client.get(reverse("bank"))
    assert response.status_code == 200
    assert "Your question bank is empty" in response.content.decode()
    assert f'href="{reverse("bank")}" aria-current="page"' in response.content.decode()


def test_tree_shows_nesting_and_counts(owner_client, tree):
    response = owner_client.get(reverse("bank"))
    html = response.content.decode()
    roots = response.context["tree"]
    assert [node["category"].name for node in roots] == ["Science", "History"]
    science = roots[0]
    assert (science["count"], science["total"]) == (1, 6)
    assert [child["category"].name for child in science["children"]] == ["Physics", "Chemistry"]
    assert science["children"][0]["children"][0]["category"].name == "Optics"
    assert "6 with subcategories" in html
    assert response.context["total"] == 7


def test_create_category_under_a_parent(owner_client, tree, teacher):
    response = owner_client.post(
        reverse("bank_category_create"),
        {
            "name": "Mechanics",
            "description": "Forces",
            "idnumber": "m1",
            "parent": tree["physics"].pk,
        },
    )
    created = Category.objects.get(name="Mechanics")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#category-{created.pk}")
    assert (created.parent_id, created.description, created.idnumber, created.owner) == (
        tree["physics"].pk,
        "Forces",
        "m1",
        teacher,
    )


@pytest.mark.parametrize(
    "body",
    [
        {"name": ""},
        {"name": "x" * 300},
        {"name": "Ok", "parent": "0123456789abcdef01234567"},
        {"name": "Ok", "parent": "not an id"},
    ],
    ids=["no name", "too long", "unknown parent", "bad parent"],
)
def test_bad_new_category_is_refused_with_nothing_written(owner_client, tree, body):
    before = db_snapshot()
    response = owner_client.post(reverse("bank_category_create"), body)
    assert response.status_code == 400
    assert db_snapshot() == before


def test_parent_from_another_bank_is_refused(client_for, other_teacher, tree):
    before = db_snapshot()
    response = client_for(other_teacher).post(
        reverse("bank_category_create"), {"name": "Mine", "parent": tree["science"].pk}
    )
    assert response.status_code == 400
    assert db_snapshot() == before


def test_edit_category(owner_client, tree):
    science = tree["science"]
    page = owner_client.get(reverse("bank_category_edit", args=[science.pk]))
    assert page.status_code == 200
    # The move menu offers neither the category nor its subcategories.
    offered = dict(page.context["move_form"].fields["parent"].choices)
    assert str(tree["physics"].pk) not in offered and str(tree["history"].pk) in offered
    response = owner_client.post(
        reverse("bank_category_edit", args=[science.pk]),
        {"name": "Sciences", "description": "All of them", "idnumber": "", "version": 1},
    )
    assert response.status_code == 302
    assert (fresh(science).name, fresh(science).version) == ("Sciences", 2)


def test_stale_category_edit_is_a_conflict_keeping_the_input(owner_client, tree):
    science = tree["science"]
    bank.update_category(science, {"name": "Changed elsewhere"})
    before = db_snapshot()
    response = owner_client.post(
        reverse("bank_category_edit", args=[science.pk]),
        {"name": "Mine", "description": "", "idnumber": "", "version": 1},
    )
    assert response.status_code == 409
    assert db_snapshot() == before
    assert response.context["form"]["name"].value() == "Mine"
    assert response.context["form"]["version"].value() == "2"


def test_move_category(owner_client, tree):
    history = tree["history"]
    response = owner_client.post(
        reverse("bank_category_move", args=[history.pk]),
        {"parent": tree["science"].pk, "version": 1},
    )
    assert response.status_code == 302
    assert fresh(history).parent_id == tree["science"].pk
    # ... and back to the top level.
    owner_client.post(
        reverse("bank_category_move", args=[history.pk]), {"parent": "", "version": 2}
    )
    assert fresh(history).parent_id is None


@pytest.mark.parametrize("target", ["science", "optics"])
def test_moving_into_itself_or_a_subcategory_is_refused(owner_client, tree, target):
    before = db_snapshot()
    response = owner_client.post(
        reverse("bank_category_move", args=[tree["science"].pk]),
        {"parent": tree[target].pk, "version": 1},
    )
    assert response.status_code == 400
    assert "cannot go inside itself" in response.content.decode()
    assert db_snapshot() == before


def test_delete_an_empty_category(owner_client, tree):
    optics = tree["optics"]
    page = owner_client.get(reverse("bank_category_delete", args=[optics.pk]))
    assert "It holds no question and no subcategory." in page.content.decode()
    response = owner_client.post(reverse("bank_category_delete", args=[optics.pk]), {"version": 1})
    assert response.status_code == 302
    assert not Category.objects.filter(pk=optics.pk).exists()


def test_delete_with_content_says_what_goes_then_deletes_it(owner_client, tree, make_quiz):
    quiz = make_quiz("Physics quiz")
    operations.add_slots(quiz, [tree["questions"]["Gravity"]])
    random_quiz = make_quiz("Random quiz")
    operations.add_random_slot(random_quiz, tree["chemistry"], 1)
    untouched = make_quiz("History quiz")
    operations.add_slots(untouched, [tree["questions"]["Waterloo"]])
    science = tree["science"]

    page = owner_client.get(reverse("bank_category_delete", args=[science.pk]))
    html = page.content.decode()
    assert "6 questions, with all their versions" in html
    assert "3 subcategories" in html
    assert [q.title for q in page.context["impact"]["quizzes"]] == ["Physics quiz", "Random quiz"]
    assert "History quiz" not in html

    # Without the confirmation's with_content, a non-empty category stays.
    before = db_snapshot()
    refused = owner_client.post(reverse("bank_category_delete", args=[science.pk]), {"version": 1})
    assert refused.status_code == 400
    assert db_snapshot() == before

    response = owner_client.post(
        reverse("bank_category_delete", args=[science.pk]), {"version": 1, "with_content": "1"}
    )
    assert response.status_code == 302
    assert list(Category.objects.values_list("name", flat=True)) == ["History"]
    assert fresh(quiz).slots == [] and fresh(random_quiz).slots == []
    assert len(fresh(untouched).slots) == 1


def test_stale_delete_is_a_conflict(owner_client, tree):
    before = db_snapshot()
    response = owner_client.post(
        reverse("bank_category_delete", args=[tree["optics"].pk]), {"version": 5}
    )
    assert response.status_code == 409
    assert db_snapshot() == before


# -- question lists -------------------------------------------------------------------
def test_category_list_shows_its_questions(owner_client, tree):
    response = owner_client.get(reverse("bank_category", args=[tree["physics"].pk]))
    assert response.status_code == 200
    assert sorted(names_in(response)) == ["Gravity", "Light is fast", "Speed of light"]
    html = response.content.decode()
    assert "version 1" in html and "About Gravity." in html and ">easy</a>" in html
    assert [sub.name for sub in response.context["subcategories"]] == ["Optics"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "water"}, ["Water", "Waterloo"]),
        ({"q": "ABOUT SALT"}, ["Salt"]),
        ({"tag": "easy"}, ["Gravity", "Water"]),
        ({"type": "truefalse"}, ["Light is fast"]),
        ({"type": "nonsense"}, None),
    ],
)
def test_all_questions_search(owner_client, tree, query, expected):
    response = owner_client.get(reverse("bank_questions"), query)
    assert response.status_code == 200
    if expected is None:  # an invalid filter is ignored
        expected = sorted(tree["questions"])
    assert sorted(names_in(response)) == expected


def test_subcategories_toggle(owner_client, tree):
    url = reverse("bank_category", args=[tree["science"].pk])
    assert names_in(owner_client.get(url)) == ["Atoms"]
    everything = names_in(owner_client.get(url, {"subcategories": "on"}))
    assert len(everything) == 6
    assert names_in(owner_client.get(url, {"subcategories": "on", "tag": "easy"})) != []


def test_list_is_paginated(owner_client, teacher):
    category = bank.create_category(teacher, {"name": "Many"})
    for number in range(30):
        bank.create_question(teacher, category, multichoice(f"Q{number:02}"))
    url = reverse("bank_category", args=[category.pk])
    first = owner_client.get(url)
    assert names_in(first) == [f"Q{number:02}" for number in range(29, 4, -1)]
    assert "30 questions" in first.content.decode()
    older = first.context["page"].older
    assert f"?older={older}" in first.content.decode()
    second = owner_client.get(url, {"older": str(older)})
    assert names_in(second) == ["Q04", "Q03", "Q02", "Q01", "Q00"]
    newer = second.context["page"].newer
    assert names_in(owner_client.get(url, {"newer": str(newer)})) == names_in(first)
    assert names_in(owner_client.get(url, {"older": "nonsense"})) == names_in(first)


def bulk(client, tree, action, names, category="physics", **fields):
    ids = [tree["questions"][name].pk for name in names]
    url = (
        reverse("bank_category", args=[tree[category].pk])
        if category
        else reverse("bank_questions")
    )
    return client.post(url, {"action": action, "ids": ids, **fields})


def test_bulk_move(owner_client, tree):
    response = bulk(
        owner_client, tree, "move", ["Gravity", "Light is fast"], target=tree["optics"].pk
    )
    assert response.status_code == 302
    assert sorted(
        Question.objects.filter(category=tree["optics"]).values_list("name", flat=True)
    ) == [
        "Gravity",
        "Light is fast",
    ]


def test_bulk_tag(owner_client, tree):
    response = bulk(owner_client, tree, "tag", ["Gravity", "Speed of light"], tags="exam, easy")
    assert response.status_code == 302
    assert fresh(tree["questions"]["Gravity"]).tags == ["easy", "exam"]
    assert fresh(tree["questions"]["Speed of light"]).tags == ["exam", "easy"]


def test_bulk_delete_asks_first(owner_client, tree, make_quiz):
    quiz = make_quiz("Uses gravity")
    operations.add_slots(quiz, [tree["questions"]["Gravity"]])
    before = db_snapshot()
    page = bulk(owner_client, tree, "delete", ["Gravity", "Speed of light"])
    assert page.status_code == 200
    assert "Delete 2 questions from the bank?" in page.content.decode()
    assert "Uses gravity" in page.content.decode()
    assert db_snapshot() == before
    response = bulk(owner_client, tree, "delete", ["Gravity", "Speed of light"], confirm="1")
    assert response.status_code == 302
    assert not Question.objects.filter(name__in=["Gravity", "Speed of light"]).exists()
    assert fresh(quiz).slots == []


def test_bulk_add_to_quiz_reports_those_already_in_it(owner_client, tree, make_quiz):
    quiz = make_quiz("Physics")
    operations.add_slots(quiz, [tree["questions"]["Gravity"]])
    response = bulk(owner_client, tree, "add_to_quiz", ["Gravity", "Speed of light"], quiz=quiz.pk)
    assert response.status_code == 302
    assert [q.name for q in questions_of(quiz)] == ["Gravity", "Speed of light"]
    page = owner_client.get(response["Location"])
    text = page.content.decode()
    assert "1 question added to the quiz." in text
    assert "Already in the quiz, so not added again: “Gravity”." in text


@pytest.mark.parametrize(
    ("action", "names", "fields"),
    [
        ("move", ["Gravity"], {}),
        ("move", [], {"target": "TARGET"}),
        ("tag", ["Gravity"], {"tags": ""}),
        ("tag", ["Gravity"], {"tags": "x" * 60}),
        ("add_to_quiz", ["Gravity"], {}),
        ("add_to_quiz", ["Gravity"], {"quiz": "0123456789abcdef01234567"}),
        ("explode", ["Gravity"], {}),
    ],
    ids=[
        "no target",
        "nothing ticked",
        "no tags",
        "tag too long",
        "no quiz",
        "bad quiz",
        "bad action",
    ],
)
def test_bad_bulk_action_is_refused_with_nothing_written(owner_client, tree, action, names, fields):
    fields = {k: tree["optics"].pk if v == "TARGET" else v for k, v in fields.items()}
    before = db_snapshot()
    response = bulk(owner_client, tree, action, names, **fields)
    assert response.status_code == 400
    assert db_snapshot() == before


def test_bulk_leaves_other_banks_alone(client_for, other_teacher, tree):
    """Ids of another teacher's questions are ignored, as ids nobody uses."""
    mine = bank.create_category(other_teacher, {"name": "Mine"})
    before = db_snapshot()
    response = client_for(other_teacher).post(
        reverse("bank_questions"),
        {"action": "move", "ids": [tree["questions"]["Gravity"].pk], "target": mine.pk},
    )
    assert response.status_code == 302
    assert db_snapshot() == before


# -- the bank's question editor ----------------------------------------------------------
def test_new_question_in_a_preselected_category(owner_client, tree, teacher):
    url = reverse("bank_question_add", args=["multichoice"])
    page = owner_client.get(url, {"category": tree["chemistry"].pk})
    assert page.status_code == 200
    assert page.context["placement"]["category"].value() == str(tree["chemistry"].pk)
    typed = {"name": "Acids", "text": "pH 7?", "answers-0-text": "Yes", "answers-1-text": "No"}
    body = submitted(page, **typed, **{"bank-tags": "ph, lab"})
    response = owner_client.post(f"{url}?category={tree['chemistry'].pk}", body)
    assert response.status_code == 302
    created = Question.objects.get(name="Acids")
    assert (created.category_id, created.tags, created.owner) == (
        tree["chemistry"].pk,
        ["ph", "lab"],
        teacher,
    )
    assert created.versions.get().number == 1
    assert owner_client.get(reverse("bank_question_add", args=["nonsense"])).status_code == 404


def test_edit_saves_a_new_version_and_can_move_it(owner_client, tree, teacher):
    gravity = tree["questions"]["Gravity"]
    url = reverse("bank_question_edit", args=[gravity.pk])
    page = owner_client.get(url)
    assert page.status_code == 200
    assert page.context["editor"].form["version"].value() == 1
    body = submitted(
        page, text="What *pulls*?", **{"bank-category": tree["optics"].pk, "bank-tags": "hard"}
    )
    response = owner_client.post(url, body)
    assert response.status_code == 302
    gravity = fresh(gravity)
    assert (gravity.version, gravity.text, gravity.tags) == (2, "What *pulls*?", ["hard"])
    assert gravity.category_id == tree["optics"].pk
    latest = gravity.versions.get(number=2)
    assert (latest.author, latest.data["text"]) == (teacher, "What *pulls*?")


def test_stale_question_edit_is_a_conflict_keeping_the_input(owner_client, tree, teacher):
    gravity = tree["questions"]["Gravity"]
    url = reverse("bank_question_edit", args=[gravity.pk])
    page = owner_client.get(url)
    bank.update_question(gravity, {"text": "Someone else's"}, author=teacher)
    before = db_snapshot()
    response = owner_client.post(url, submitted(page, text="Mine"))
    assert response.status_code == 409
    assert db_snapshot() == before
    assert response.context["editor"].form["text"].value() == "Mine"
    assert response.context["editor"].form["version"].value() == "1"
    assert [row.field for row in response.context["merge_conflicts"]] == ["text"]
    assert 'name="merge:text" value="theirs"' in response.content.decode()


@pytest.mark.parametrize(
    "fields",
    [
        {"name": ""},
        {"bank-category": ""},
        {"bank-category": "0123456789abcdef01234567"},
        {"version": "x"},
    ],
    ids=["no name", "no category", "unknown category", "bad version"],
)
def test_bad_question_edit_is_refused_with_nothing_written(owner_client, tree, fields):
    url = reverse("bank_question_edit", args=[tree["questions"]["Gravity"].pk])
    body = submitted(owner_client.get(url), **fields)
    before = db_snapshot()
    response = owner_client.post(url, body)
    assert response.status_code == 400
    assert db_snapshot() == before


# -- versions ---------------------------------------------------------------------------
@pytest.fixture
def edited(tree, teacher):
    """Gravity in three versions: the text changed, then the name."""
    gravity = tree["questions"]["Gravity"]
    bank.update_question(gravity, {"text": "What pulls apples down?"}, author=teacher)
    bank.update_question(gravity, {"name": "Gravity 2"}, author=teacher)
    return fresh(gravity)


def test_version_list(owner_client, edited):
    response = owner_client.get(reverse("bank_versions", args=[edited.pk]))
    assert response.status_code == 200
    assert [v.number for v in response.context["versions"]] == [3, 2, 1]
    html = response.content.decode()
    assert "current" in html and "teacher" in html


def test_compare_two_versions(owner_client, edited):
    response = owner_client.get(
        reverse("bank_versions_compare", args=[edited.pk]), {"old": 1, "new": 3}
    )
    assert response.status_code == 200
    changes = {change["label"]: change for change in response.context["changes"]}
    assert set(changes) == {"Name", "Question text"}
    pieces = changes["Question text"]["pieces"]
    assert pieces == [
        ("removed", "About Gravity."),
        ("added", "What pulls apples down?"),
    ]
    assert "<ins>What pulls apples down?</ins>" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [{"old": 1}, {"old": "x", "new": 2}, {"old": 1, "new": 9}],
    ids=["one", "bad", "unknown"],
)
def test_compare_needs_two_existing_versions(owner_client, edited, query):
    response = owner_client.get(reverse("bank_versions_compare", args=[edited.pk]), query)
    assert response.status_code in (400, 404)


def test_view_and_restore_a_version(owner_client, edited, teacher):
    page = owner_client.get(reverse("bank_version", args=[edited.pk, 1]))
    assert page.status_code == 200
    assert "Restore this version" in page.content.decode()
    response = owner_client.post(
        reverse("bank_version_restore", args=[edited.pk, 1]), {"version": 3}
    )
    assert response.status_code == 302
    restored = fresh(edited)
    assert (restored.version, restored.name, restored.text) == (4, "Gravity", "About Gravity.")
    assert restored.versions.get(number=4).author == teacher
    assert (
        "Restore this version"
        not in owner_client.get(reverse("bank_version", args=[edited.pk, 4])).content.decode()
    )


@pytest.mark.parametrize(("body", "status"), [({"version": 2}, 409), ({}, 400)])
def test_bad_restore_is_refused_with_nothing_written(owner_client, edited, body, status):
    before = db_snapshot()
    response = owner_client.post(reverse("bank_version_restore", args=[edited.pk, 1]), body)
    assert response.status_code == status
    assert db_snapshot() == before
    assert owner_client.get(reverse("bank_version", args=[edited.pk, 9])).status_code == 404


# -- quizzes built from the bank ---------------------------------------------------------------
def test_quiz_editor_shows_the_bank_parts(owner_client, tree, make_quiz):
    quiz = make_quiz("Mixed")
    operations.add_slots(quiz, [tree["questions"]["Water"]])
    operations.add_random_slot(quiz, tree["physics"], 2, include_subcategories=True)
    html = owner_client.get(reverse("quiz_editor", args=[quiz.pk])).content.decode()
    assert f'href="{reverse("bank_category", args=[tree["chemistry"].pk])}">Chemistry</a>' in html
    assert "2 random questions from “Physics”" in html and "(subcategories included)" in html
    assert reverse("quiz_add_from_bank", args=[quiz.pk]) in html
    assert 'name="count"' in html


def test_add_from_the_bank(owner_client, tree, make_quiz):
    quiz = make_quiz("Built")
    operations.add_slots(quiz, [tree["questions"]["Water"]])
    quiz = fresh(quiz)
    url = reverse("quiz_add_from_bank", args=[quiz.pk])
    page = owner_client.get(url, {"category": tree["chemistry"].pk})
    assert page.status_code == 200
    present = {q.name: q.in_quiz for q in page.context["page"].items}
    assert present == {"Water": True, "Salt": False}
    ids = [tree["questions"][name].pk for name in ("Salt", "Water", "Gravity")]
    response = owner_client.post(url, {"ids": ids, "version": quiz.version})
    assert response.status_code == 302
    assert [q.name for q in questions_of(quiz)] == ["Water", "Gravity", "Salt"]


@pytest.mark.parametrize(
    ("body", "status"), [({"version": 1}, 400), ({"ids": "IDS", "version": 1}, 409)]
)
def test_add_from_the_bank_refusals(owner_client, tree, make_quiz, body, status):
    quiz = make_quiz("Built")
    operations.add_slots(quiz, [tree["questions"]["Water"]])  # version 2
    if body.get("ids") == "IDS":
        body = {**body, "ids": [tree["questions"]["Salt"].pk]}
    before = db_snapshot()
    response = owner_client.post(reverse("quiz_add_from_bank", args=[quiz.pk]), body)
    assert response.status_code == status
    assert db_snapshot() == before


def test_random_slot_add_and_remove(owner_client, tree, make_quiz):
    quiz = make_quiz("Random")
    response = owner_client.post(
        reverse("quiz_add_random", args=[quiz.pk]),
        {"category": tree["science"].pk, "count": 3, "include_subcategories": "on", "version": 1},
    )
    assert response.status_code == 302
    (slot,) = fresh(quiz).slots
    assert (slot.category, slot.count, slot.include_subcategories) == (tree["science"].pk, 3, True)
    assert fresh(quiz).question_count == 3
    response = owner_client.post(
        reverse("quiz_slot_remove", args=[quiz.pk]), {"slot": str(slot.uid), "version": 2}
    )
    assert response.status_code == 302
    assert fresh(quiz).slots == []


@pytest.mark.parametrize(
    "body",
    [
        {"count": 0},
        {"count": 1000},
        {"count": "x"},
        {"category": "0123456789abcdef01234567"},
        {"version": ""},
    ],
)
def test_bad_random_slot_is_refused_with_nothing_written(owner_client, tree, make_quiz, body):
    quiz = make_quiz("Random")
    before = db_snapshot()
    data = {"category": tree["science"].pk, "count": 3, "version": 1, **body}
    response = owner_client.post(reverse("quiz_add_random", args=[quiz.pk]), data)
    assert response.status_code == 400
    assert db_snapshot() == before


def test_removing_an_unknown_slot_is_a_404(owner_client, make_quiz):
    quiz = make_quiz("Empty")
    response = owner_client.post(
        reverse("quiz_slot_remove", args=[quiz.pk]),
        {"slot": "0123456789abcdef01234567", "version": 1},
    )
    assert response.status_code == 404


def test_question_created_from_the_quiz_editor_goes_to_the_quiz_category(owner_client, make_quiz):
    quiz = make_quiz("Geography")
    url = reverse("question_add", args=[quiz.pk, "multichoice"])
    typed = {"name": "Capital", "text": "Of France?", "answers-0-text": "Paris"}
    typed["answers-1-text"] = "Lyon"
    response = owner_client.post(url, submitted(owner_client.get(url), **typed))
    assert response.status_code == 302
    (question,) = questions_of(quiz)
    assert question.category.name == "Geography"


# -- who may see what ------------------------------------------------------------------
def every_bank_url(tree, edited):
    category, question = tree["physics"].pk, edited.pk
    return [
        ("get", reverse("bank_category", args=[category]), {}),
        (
            "post",
            reverse("bank_category", args=[category]),
            {"action": "tag", "ids": [question], "tags": "x"},
        ),
        ("get", reverse("bank_category_edit", args=[category]), {}),
        ("post", reverse("bank_category_edit", args=[category]), {"name": "Mine", "version": 1}),
        ("post", reverse("bank_category_move", args=[category]), {"parent": "", "version": 1}),
        ("get", reverse("bank_category_delete", args=[category]), {}),
        (
            "post",
            reverse("bank_category_delete", args=[category]),
            {"version": 1, "with_content": 1},
        ),
        ("get", reverse("bank_question_edit", args=[question]), {}),
        ("post", reverse("bank_question_edit", args=[question]), {"version": 3, "name": "X"}),
        ("get", reverse("bank_versions", args=[question]), {}),
        ("get", reverse("bank_versions_compare", args=[question]), {"old": 1, "new": 2}),
        ("get", reverse("bank_version", args=[question, 1]), {}),
        ("post", reverse("bank_version_restore", args=[question, 1]), {"version": 3}),
    ]


def test_another_teachers_bank_is_a_404(client_for, other_teacher, staff, tree, edited):
    before = db_snapshot()
    for user in (other_teacher, staff):
        client = client_for(user)
        for method, url, body in every_bank_url(tree, edited):
            response = getattr(client, method)(url, body)
            assert response.status_code == 404, (user, method, url)
    assert db_snapshot() == before


def test_another_teachers_quiz_cannot_use_my_bank(client_for, other_teacher, tree, make_quiz):
    quiz = make_quiz("Mine")
    client = client_for(other_teacher)
    before = db_snapshot()
    assert client.get(reverse("quiz_add_from_bank", args=[quiz.pk])).status_code == 404
    assert (
        client.post(reverse("quiz_add_random", args=[quiz.pk]), {"version": 1}).status_code == 404
    )
    theirs = make_quiz("Theirs", owner=other_teacher)
    response = client.post(
        reverse("quiz_add_from_bank", args=[theirs.pk]),
        {"ids": [tree["questions"]["Water"].pk], "version": 1},
    )
    assert response.status_code == 302  # the foreign id is ignored, as an unknown one
    assert db_snapshot() == {**before, "quizzes": db_snapshot()["quizzes"]}
    assert fresh(theirs).slots == []


def test_anonymous_visitors_are_sent_to_log_in(client, tree):
    response = client.get(reverse("bank"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_csrf_is_enforced(teacher, tree, edited):
    client = Client(enforce_csrf_checks=True)
    client.force_login(teacher)
    before = db_snapshot()
    for url, body in [
        (reverse("bank_category_create"), {"name": "Forged"}),
        (reverse("bank_version_restore", args=[edited.pk, 1]), {"version": 3}),
        (
            reverse("bank_category", args=[tree["physics"].pk]),
            {"action": "delete", "ids": [edited.pk], "confirm": 1},
        ),
    ]:
        assert client.post(url, body).status_code == 403
    assert db_snapshot() == before


# -- script in names and texts is shown as text --------------------------------------------
def test_names_and_texts_are_escaped_everywhere(owner_client, teacher, make_quiz):
    payload = " ".join(CORPUS)
    parent = bank.create_category(
        teacher, {"name": XSS, "description": payload, "idnumber": XSS[:100]}
    )
    child = bank.create_category(teacher, {"name": XSS + " child"}, parent)
    question = bank.create_question(
        teacher, child, multichoice(XSS, payload, tags=["<b>tag</b>"]), teacher
    )
    bank.update_question(question, {"text": payload + " changed " + XSS}, author=teacher)
    quiz = make_quiz("Uses it")
    operations.add_slots(quiz, [question])
    operations.add_random_slot(quiz, child, 1)
    pages = [
        reverse("bank"),
        reverse("bank_category", args=[parent.pk]) + "?subcategories=on",
        reverse("bank_category", args=[child.pk]),
        reverse("bank_questions"),
        reverse("bank_category_edit", args=[child.pk]),
        reverse("bank_category_delete", args=[parent.pk]),
        reverse("bank_question_edit", args=[question.pk]),
        reverse("bank_versions", args=[question.pk]),
        reverse("bank_versions_compare", args=[question.pk]) + "?old=1&new=2",
        reverse("bank_version", args=[question.pk, 1]),
        reverse("quiz_editor", args=[quiz.pk]),
        reverse("quiz_add_from_bank", args=[quiz.pk]) + f"?category={child.pk}",
    ]
    for url in pages:
        response = owner_client.get(url)
        assert response.status_code == 200, url
        parser = ActiveContent()
        parser.feed(response.content.decode())
        assert parser.found == [], (url, parser.found)
        assert "&lt;script&gt;" in response.content.decode(), url


def test_versions_are_counted_once_per_save(owner_client, tree):
    gravity = tree["questions"]["Gravity"]
    url = reverse("bank_question_edit", args=[gravity.pk])
    assert owner_client.post(url, submitted(owner_client.get(url))).status_code == 302
    assert QuestionVersion.objects.filter(question=gravity).count() == 2
    assert Quiz.objects.count() == 0


def test_refused_random_slot_shows_its_error_on_the_field(owner_client, tree, make_quiz):
    quiz = make_quiz("Random")
    response = owner_client.post(
        reverse("quiz_add_random", args=[quiz.pk]),
        {"category": tree["science"].pk, "count": 0, "version": 1},
    )
    assert response.status_code == 400
    form = response.context["random_form"]
    assert form.errors["count"] and form["version"].value() == "1"


def test_quiz_editor_without_categories_says_to_create_them(owner_client, make_quiz):
    quiz = make_quiz("Alone")
    html = owner_client.get(reverse("quiz_editor", args=[quiz.pk])).content.decode()
    assert "create categories in the bank first" in html
    assert "New questions also go into your question bank" in html


def test_bank_pages_in_french(client_for, teacher, edited, tree):
    client = client_for(teacher, HTTP_ACCEPT_LANGUAGE="fr")
    for url in [
        reverse("bank"),
        reverse("bank_category", args=[tree["physics"].pk]),
        reverse("bank_questions"),
        reverse("bank_category_delete", args=[tree["science"].pk]),
        reverse("bank_versions", args=[edited.pk]),
        reverse("bank_versions_compare", args=[edited.pk]) + "?old=1&new=3",
        reverse("bank_version", args=[edited.pk, 2]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert '<html lang="fr">' in response.content.decode()


def test_numbers_beyond_mongodb_integers_are_bad_input(owner_client, edited, make_quiz):
    big = 10**30
    quiz = make_quiz("Q")
    category = edited.category_id
    before = db_snapshot()
    for url, body in [
        (reverse("bank_version_restore", args=[edited.pk, 1]), {"version": big}),
        (reverse("bank_category_edit", args=[category]), {"name": "x", "version": big}),
        (reverse("bank_category_move", args=[category]), {"parent": "", "version": big}),
        (reverse("bank_category_delete", args=[category]), {"version": big}),
        (
            reverse("quiz_add_random", args=[quiz.pk]),
            {"category": category, "count": 1, "version": big},
        ),
        (reverse("quiz_add_from_bank", args=[quiz.pk]), {"ids": [edited.pk], "version": big}),
    ]:
        assert owner_client.post(url, body).status_code == 400, url
    compare = reverse("bank_versions_compare", args=[edited.pk])
    assert owner_client.get(compare, {"old": 1, "new": big}).status_code == 400
    assert db_snapshot() == before
