"""The quiz editor at scale: a page of questions at a time (quizzes.views.editor).

A quiz of 1,000 questions costs its editor the very commands one of 1 question
does; every question is on one of the pages, in order; the ↑ ↓ buttons carry a
question over a page's edge, drag and drop reorders one page, and what the page
says of the whole quiz (questions, points, unpublished changes) counts every
question, not only those shown.
"""

import re

import pytest
from django.urls import reverse

from quizzes import bank, operations
from quizzes.models import Quiz
from quizzes.tests.fixtures.plugin import db_snapshot, questions_of
from quizzes.views.editor import PAGE_SIZE
from sessions_mw.tests.conftest import CommandRecorder, backend_client_with

ROW = re.compile(r'<li class="question-item" id="question-([0-9a-f]{24})"')


def essays(count, points=1):
    return [
        {"type": "essay", "name": f"Q{number}", "text": f"Question *{number}*", "points": points}
        for number in range(1, count + 1)
    ]


def editor(client, quiz, page=None):
    url = reverse("quiz_editor", args=[quiz.pk]) + (f"?page={page}" if page else "")
    response = client.get(url)
    assert response.status_code == 200
    return response


def shown_ids(response):
    return ROW.findall(response.content.decode())


def ids_of(quiz):
    return [str(question.pk) for question in questions_of(quiz)]


def editor_commands(client, quiz):
    """(command, collection) of every command the editor page of `quiz` sends,
    getMore included (a cursor that needs a second batch is a command more)."""
    recorder = CommandRecorder()
    with backend_client_with(recorder):
        editor(client, quiz)
    return [
        (name, command["collection"] if name == "getMore" else command[name])
        for name, command in recorder.commands
    ]


# What the editor of a draft quiz sends, whatever its size: the session and its user,
# the quiz, the page's questions and their bank categories, the quiz's totals
# ($group), the random-questions form's category menu (the bank's categories; not
# how many questions each holds, which the menu does not show).
DRAFT_COMMANDS = [
    ("aggregate", "django_session"),
    ("aggregate", "auth_user"),
    ("find", "quizzes_quiz"),
    ("aggregate", "quizzes_question"),
    ("aggregate", "quizzes_category"),
    ("aggregate", "quizzes_question"),
    ("aggregate", "quizzes_category"),
]
# A published quiz's adds its live release (what the page says of it only), before
# the random-questions form.
PUBLISHED_COMMANDS = [*DRAFT_COMMANDS[:6], ("find", "quizzes_release"), *DRAFT_COMMANDS[6:]]


@pytest.mark.parametrize("status", ["draft", "published"])
def test_the_editor_sends_the_same_commands_for_1_and_1000_questions(
    status, make_quiz, owner_client
):
    expected = DRAFT_COMMANDS if status == "draft" else PUBLISHED_COMMANDS
    small = make_quiz("Small", essays(1), status=status)
    large = make_quiz("Large", essays(1000), status=status)
    assert editor_commands(owner_client, small) == expected
    assert editor_commands(owner_client, large) == expected


def test_the_editor_shows_one_page_of_a_large_quiz_and_its_totals(make_quiz, owner_client):
    quiz = make_quiz("Large", essays(1000, points=2))
    page = editor(owner_client, quiz).content.decode()
    assert shown_ids(editor(owner_client, quiz)) == ids_of(quiz)[:PAGE_SIZE]
    assert "1000 questions" in page
    assert "Total: 2000 points." in page
    assert f"Questions 1 to {PAGE_SIZE} of 1000." in page
    assert 'aria-label="Pages of questions"' in page
    assert f'href="?page={1000 // PAGE_SIZE}"' in page, "the last page is one link away"


def test_every_question_is_on_one_page_in_order(make_quiz, owner_client):
    quiz = make_quiz("Three pages", essays(2 * PAGE_SIZE + 3))
    first = editor(owner_client, quiz)
    pages = first.context["page"].paginator.num_pages
    assert pages == 3
    seen = shown_ids(first)
    for number in range(2, pages + 1):
        seen += shown_ids(editor(owner_client, quiz, number))
    assert seen == ids_of(quiz)
    last = editor(owner_client, quiz, pages).content.decode()
    numbers = re.findall(r'<span class="question-number" aria-hidden="true">(\d+)</span>', last)
    assert numbers == [str(n) for n in range(2 * PAGE_SIZE + 1, 2 * PAGE_SIZE + 4)]
    assert f'<ol class="question-list" start="{2 * PAGE_SIZE + 1}" data-sortable>' in last


@pytest.mark.parametrize(("asked", "shown"), [("abc", 1), ("", 1), ("0", 2), ("99", 2)])
def test_a_page_number_out_of_range_shows_a_page(asked, shown, make_quiz, owner_client):
    quiz = make_quiz("Two pages", essays(PAGE_SIZE + 1))
    response = owner_client.get(reverse("quiz_editor", args=[quiz.pk]), {"page": asked})
    assert response.status_code == 200
    assert response.context["page"].number == shown


def move(client, quiz, question_id, direction):
    url = reverse(f"question_move_{direction}", args=[quiz.pk, question_id])
    return client.post(url, {"version": Quiz.objects.get(pk=quiz.pk).version})


def test_up_and_down_carry_a_question_over_the_edge_of_a_page(make_quiz, owner_client):
    quiz = make_quiz("Two pages", essays(PAGE_SIZE + 5))
    order = ids_of(quiz)
    last_of_first = order[PAGE_SIZE - 1]
    page = editor(owner_client, quiz).content.decode()
    down = reverse("question_move_down", args=[quiz.pk, last_of_first])
    assert f'formaction="{down}"' in page, "the last button of a page is not disabled"

    response = move(owner_client, quiz, last_of_first, "down")
    assert response["Location"].endswith(f"?page=2#move-down-{last_of_first}")
    assert ids_of(quiz).index(last_of_first) == PAGE_SIZE
    assert shown_ids(editor(owner_client, quiz, 2))[0] == last_of_first

    response = move(owner_client, quiz, last_of_first, "up")
    assert response["Location"].endswith(f"#move-up-{last_of_first}")
    assert "?page=" not in response["Location"]
    assert ids_of(quiz) == order


def test_only_the_ends_of_the_quiz_disable_up_and_down(make_quiz, owner_client):
    quiz = make_quiz("Two pages", essays(PAGE_SIZE + 5))
    first_page = editor(owner_client, quiz).content.decode()
    second_page = editor(owner_client, quiz, 2).content.decode()
    assert first_page.count(" disabled>") == 1
    assert second_page.count(" disabled>") == 1
    up = reverse("question_move_up", args=[quiz.pk, ids_of(quiz)[0]])
    down = reverse("question_move_down", args=[quiz.pk, ids_of(quiz)[-1]])
    assert f'formaction="{up}" disabled>' in first_page
    assert f'formaction="{down}?page=2" disabled>' in second_page


def test_drag_and_drop_reorders_one_page_in_its_places(make_quiz, owner_client):
    quiz = make_quiz("Two pages", essays(PAGE_SIZE + 5))
    order = ids_of(quiz)
    second_page = order[PAGE_SIZE:]
    response = owner_client.post(
        reverse("question_reorder", args=[quiz.pk]) + "?page=2",
        {"version": Quiz.objects.get(pk=quiz.pk).version, "order": second_page[::-1]},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"?page=2#question-{second_page[-1]}")
    assert ids_of(quiz) == order[:PAGE_SIZE] + second_page[::-1]


@pytest.mark.parametrize(
    ("place", "then"), [(PAGE_SIZE + 2, PAGE_SIZE + 3), (PAGE_SIZE + 4, PAGE_SIZE + 3)]
)
def test_after_a_removal_the_editor_shows_the_question_in_its_place(
    place, then, make_quiz, owner_client
):
    quiz = make_quiz("Two pages", essays(PAGE_SIZE + 5))
    order = ids_of(quiz)
    url = reverse("question_delete", args=[quiz.pk, order[place]])
    response = owner_client.post(url, {"version": quiz.version})
    assert response["Location"].endswith(f"?page=2#question-{order[then]}")
    assert ids_of(quiz) == order[:place] + order[place + 1 :]


def test_removing_the_only_question_leads_to_the_empty_editor(make_quiz, owner_client):
    quiz = make_quiz("One", essays(1))
    url = reverse("question_delete", args=[quiz.pk, ids_of(quiz)[0]])
    response = owner_client.post(url, {"version": quiz.version})
    assert response["Location"] == reverse("quiz_editor", args=[quiz.pk])


def test_questions_added_from_the_bank_are_shown_on_their_page(make_quiz, owner_client):
    quiz = make_quiz("Two pages", essays(PAGE_SIZE + 5))
    added = ids_of(make_quiz("Other", essays(2)))  # two more questions of the teacher's bank
    url = reverse("quiz_add_from_bank", args=[quiz.pk])
    response = owner_client.post(url, {"ids": added, "version": quiz.version})
    assert response["Location"].endswith(f"?page=2#question-{added[0]}")
    assert ids_of(quiz)[-2:] == added


def test_a_refused_move_shows_the_page_it_came_from(make_quiz, owner_client):
    quiz = make_quiz("Two pages", essays(PAGE_SIZE + 5))
    question_id = ids_of(quiz)[PAGE_SIZE + 2]
    before = db_snapshot()
    url = reverse("question_move_up", args=[quiz.pk, question_id]) + "?page=2"
    response = owner_client.post(url, {"version": quiz.version + 5})
    assert response.status_code == 409
    assert response.context["page"].number == 2
    assert question_id in shown_ids(response)
    assert db_snapshot() == before


def test_totals_count_the_questions_of_every_page(make_quiz, owner_client):
    quiz = make_quiz("Two pages", essays(PAGE_SIZE + 5))
    slot = quiz.slots[PAGE_SIZE + 1]
    operations.set_slot_points(quiz, slot.uid, 11)
    page = editor(owner_client, quiz).content.decode()
    assert f"Total: {PAGE_SIZE + 4 + 11} points." in page


def test_unpublished_changes_on_another_page_are_seen(make_quiz, owner_client, teacher):
    quiz = make_quiz("Two pages", essays(PAGE_SIZE + 5), status="published")
    assert "Publish changes" not in editor(owner_client, quiz).content.decode()
    # A change to a question of page 2 in the bank: the quiz's own version stays.
    question = questions_of(quiz)[PAGE_SIZE + 3]
    bank.update_question(question, {"text": "New"}, teacher)
    assert Quiz.objects.get(pk=quiz.pk).version == quiz.version
    assert "Publish changes" in editor(owner_client, quiz).content.decode()


def test_an_archived_quiz_is_read_in_pages_too(make_quiz, owner_client):
    quiz = make_quiz("Archived", essays(PAGE_SIZE + 2), status="archived")
    page = editor(owner_client, quiz, 2)
    html = page.content.decode()
    assert 'id="read-only-notice"' in html
    assert 'aria-label="Pages of questions"' in html
    numbers = re.findall(r'<span class="question-number" aria-hidden="true">(\d+)</span>', html)
    assert numbers == [str(PAGE_SIZE + 1), str(PAGE_SIZE + 2)]
    assert "question_move" not in html and "formaction" not in html
