"""The bank's question list at scale (API and pages): the first page, a page 1,000
pages deep, the page back from the middle, a category's page and the filters cost the
same MongoDB commands for a teacher with 50 questions as with 20,000, and the list
queries of the whole bank and of a category, filtered by a tag or a type or not, read
their page's index keys along an index in the list's order, no document, with no sort.

A text search reads along the owner's index too but examines the questions it passes
over (a substring of name, text or ID number: no index holds it)."""

import pytest
from bson import ObjectId
from django.urls import reverse

from quizzes import bank
from quizzes.api.pagination import PAGE_SIZE
from quizzes.models import Category, Question
from quizzes.tests.listing_scale import add_question_copies, explain, list_commands, position
from quizzes.tests.test_api.test_list_scale import cursor
from quizzes.views.bank_questions import PAGE_SIZE as UI_PAGE_SIZE

pytestmark = pytest.mark.django_db

SMALL, LARGE = 50, 20_000
# What each list request asks of the bank's collections: the staged categories to
# leave out, the page's positions (along an index), its questions by id (a category's
# page reads the category first).
QUESTIONS_COMMANDS = [
    ("aggregate", "quizzes_category"),
    ("aggregate", "quizzes_question"),
    ("aggregate", "quizzes_question"),
]


def requests(teacher, category, count):
    """{name: url} of the list requests measured once `teacher` has `count` questions."""
    last_page = (min(count, 1_000 * PAGE_SIZE) - 1) // PAGE_SIZE
    deep = position(teacher, last_page * PAGE_SIZE - 1, Question)
    middle = position(teacher, count // 2, Question)
    url = "/api/v1/questions/"
    return {
        "first": url,
        "deep": f"{url}?cursor={cursor(deep)}",
        "back": f"{url}?cursor={cursor(middle, reverse=True)}",
        "category": f"{url}?category={category.pk}",
        "tag": f"{url}?tag=needle",
        "type": f"{url}?type=description",
        "category tag": f"{url}?category={category.pk}&tag=needle",
        "category type": f"{url}?category={category.pk}&type=description",
        "search": f"{url}?search=needle",
    }


def measure(api, teacher, category, count):
    """{name: (results, commands, list query)} of the list requests."""
    measured = {}
    for name, url in requests(teacher, category, count).items():
        response, commands, query = list_commands(api, url, Question)
        measured[name] = (response.json()["results"], commands, query)
    return measured


def fill(teacher, other_teacher, count):
    """`teacher`'s bank: `count` essay questions in one category (the newest a
    description, tagged "needle" and named "Needle"), and another teacher's 500."""
    add_question_copies(other_teacher, bank.default_category(other_teacher, "Theirs"), 500)
    category = bank.default_category(teacher, "Mine")
    add_question_copies(teacher, category, count - 1)
    add_question_copies(teacher, category, 1, "Needle", type="description", tags=["needle"])
    return category


def test_question_list_requests_cost_the_same_for_50_and_20000_questions(
    api, teacher, other_teacher
):
    category = fill(teacher, other_teacher, SMALL)
    small = measure(api, teacher, category, SMALL)
    add_question_copies(teacher, category, LARGE - SMALL + 1)
    large = measure(api, teacher, category, LARGE)
    for name in small:
        large_commands = large[name][1]
        assert large_commands == small[name][1], name
        questions = [command for command in large_commands if command[1].startswith("quizzes_")]
        category_read = [("aggregate", "quizzes_category")] if "category" in name else []
        assert questions == category_read + QUESTIONS_COMMANDS, name
    for measured in (small, large):
        for name in ("tag", "type", "category tag", "category type", "search"):
            assert [q["name"] for q in measured[name][0]] == ["Needle model"], name
        assert len(measured["first"][0]) == len(measured["back"][0]) == PAGE_SIZE
        assert len(measured["category"][0]) == PAGE_SIZE
    assert len(large["deep"][0]) == PAGE_SIZE  # the 1,000th page, the last
    assert len(small["deep"][0]) == SMALL % PAGE_SIZE


def test_question_list_queries_read_their_page_along_an_index(api, teacher, other_teacher):
    category = fill(teacher, other_teacher, LARGE)
    expected_index = {
        "first": "question_owner_updated_id",
        "deep": "question_owner_updated_id",
        "back": "question_owner_updated_id",
        "category": "question_category_updated_id",
        "tag": "question_owner_tags_updated",
        "type": "question_owner_type_updated",
        "category tag": "question_category_tags_updated",
        "category type": "question_category_type_updated",
    }
    measured = measure(api, teacher, category, LARGE)
    for name, index in expected_index.items():
        documents, stages, indexes = explain(measured[name][2])
        assert indexes == {index}, name
        assert "SORT" not in stages, name
        assert documents == 0, name  # the index alone answers


def test_a_staged_import_s_questions_are_not_listed(api, teacher):
    shown = add_question_copies(teacher, bank.default_category(teacher, "Mine"), 1, "Shown")
    staged = Category.objects.create(owner=teacher, name="Importing", staging=ObjectId())
    add_question_copies(teacher, staged, 1, "Staged")
    names = [question["name"] for question in api.get("/api/v1/questions/").json()["results"]]
    assert names == [shown.name]


FILTERED_INDEXES = {
    "tag": "question_owner_tags_updated",
    "type": "question_owner_type_updated",
    "category tag": "question_category_tags_updated",
}


def test_bank_pages_cost_the_same_for_50_and_20000_questions(owner_client, teacher, other_teacher):
    def pages(count):
        last_page = (min(count, 1_000 * UI_PAGE_SIZE) - 1) // UI_PAGE_SIZE
        deep = position(teacher, last_page * UI_PAGE_SIZE - 1, Question)
        urls = {
            "first": reverse("bank_questions"),
            "deep": f"{reverse('bank_questions')}?older={deep}",
            "category": reverse("bank_category", args=[category.pk]),
            "tag": f"{reverse('bank_questions')}?tag=needle",
            "type": f"{reverse('bank_questions')}?type=description",
            "category tag": f"{reverse('bank_category', args=[category.pk])}?tag=needle",
        }
        return {name: list_commands(owner_client, url, Question) for name, url in urls.items()}

    category = fill(teacher, other_teacher, SMALL)
    small = pages(SMALL)
    add_question_copies(teacher, category, LARGE - SMALL + 1)
    large = pages(LARGE)
    for name, (response, commands, query) in large.items():
        assert commands == small[name][1], name
        questions = [command for command in commands if command[1] == "quizzes_question"]
        assert questions == [("aggregate", "quizzes_question")] * 3, name  # count, page
        filtered = name in FILTERED_INDEXES
        assert len(response.context["page"].items) == (1 if filtered else UI_PAGE_SIZE), name
        documents, stages, indexes = explain(query)
        assert "SORT" not in stages, name
        assert documents == 0, name
        if filtered:
            assert indexes == {FILTERED_INDEXES[name]}, name
    assert "More than 1000 questions" in large["first"][0].content.decode()
