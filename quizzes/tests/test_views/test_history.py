"""A quiz's history pages: the list, comparing two revisions, one revision, restoring it."""

import pytest
from django.urls import reverse

from quizzes import bank, operations
from quizzes.models import Quiz, Revision
from quizzes.tests.fixtures.plugin import questions_of
from quizzes.tests.test_views.conftest import quiz_post

pytestmark = pytest.mark.django_db


def history_url(quiz, *more):
    return reverse("quiz_history", args=[quiz.pk]) + "".join(more)


def changed(quiz, teacher):
    """The quiz at version 3: its pass mark 75, then its title "Renamed", by `teacher`."""
    operations.update_quiz(quiz, {"options": {"pass_mark": 75}}, author=teacher)
    operations.update_quiz(quiz, {"title": "Renamed"}, author=teacher)
    return quiz


def test_the_editor_links_the_history(quiz, owner_client):
    page = owner_client.get(reverse("quiz_editor", args=[quiz.pk])).content.decode()
    assert history_url(quiz) in page


def test_the_history_lists_revisions_newest_first_in_words(quiz, teacher, owner_client):
    changed(quiz, teacher)
    response = owner_client.get(history_url(quiz))
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        page.index('id="revision-3"')
        < page.index('id="revision-2"')
        < page.index('id="revision-1"')
    )
    assert "Title: Astronomy → Renamed" in page
    assert "Pass mark (%): 50 → 75" in page
    assert "teacher" in page
    assert 'id="history-start"' not in page  # it starts with the quiz's creation


def test_slot_changes_name_their_questions_and_link_their_history(quiz, teacher, owner_client):
    question = questions_of(quiz)[0]
    operations.remove_slot(quiz, quiz.slots[0].uid, author=teacher)
    page = owner_client.get(history_url(quiz)).content.decode()
    assert f"Removed: {question.name}" in page
    assert reverse("bank_versions", args=[question.pk]) in page
    bank.delete_questions(teacher, [question.pk])
    page = owner_client.get(history_url(quiz)).content.decode()
    assert "Removed: a question since deleted" in page


def test_a_random_slot_is_named_by_its_category(quiz, teacher, owner_client):
    category = bank.create_category(teacher, {"name": "Biology"})
    operations.add_random_slot(quiz, category, 2, author=teacher)
    page = owner_client.get(history_url(quiz)).content.decode()
    assert "Added: 2 at random from “Biology”" in page
    compare = reverse("quiz_history_compare", args=[quiz.pk]) + "?old=1&new=2"
    (added,) = owner_client.get(compare).context["changes"]
    assert added["label"] == "2 at random from “Biology”"


def test_a_quiz_older_than_its_history_says_where_it_starts(quiz, owner_client):
    Revision.objects.filter(quiz_id=quiz.pk).delete()
    page = owner_client.get(history_url(quiz)).content.decode()
    assert 'id="history-start"' in page
    assert "History starts on" in page


def test_the_history_is_paged_by_position(quiz, teacher, owner_client):
    for mark in range(51, 76):
        operations.update_quiz(quiz, {"options": {"pass_mark": mark}})
    first = owner_client.get(history_url(quiz))
    assert len(first.context["page"].items) == 20
    older = first.context["page"].older
    second = owner_client.get(history_url(quiz, f"?older={older}"))
    versions = [revision.version for revision in second.context["page"].items]
    assert versions == [6, 5, 4, 3, 2, 1]


def test_comparing_two_revisions_shows_the_fields_that_differ(quiz, teacher, owner_client):
    changed(quiz, teacher)
    names = [question.name for question in questions_of(quiz)]
    operations.remove_slot(quiz, quiz.slots[1].uid)
    response = owner_client.get(
        reverse("quiz_history_compare", args=[quiz.pk]), {"old": 1, "new": 4}
    )
    assert response.status_code == 200
    labels = [change["label"] for change in response.context["changes"]]
    # The slot removed, and every one after it, a place up.
    assert labels == ["Title", "Pass mark (%)", *names[1:]]
    removed = response.context["changes"][2]
    assert (removed["old"], removed["new"]) == ("Place 2, the question's own points", "")
    page = response.content.decode()
    assert "<del>Astronomy</del>" in page and "<ins>Renamed</ins>" in page


def test_comparing_needs_two_revisions_of_the_quiz(quiz, owner_client):
    url = reverse("quiz_history_compare", args=[quiz.pk])
    assert owner_client.get(url, {"old": 1}).status_code == 302
    assert owner_client.get(url, {"old": 1, "new": 9}).status_code == 404


def test_restoring_a_revision_from_its_page(quiz, teacher, owner_client):
    changed(quiz, teacher)
    page = owner_client.get(reverse("quiz_revision", args=[quiz.pk, 1]))
    assert page.status_code == 200
    assert 'id="restore-form"' in page.content.decode()
    response = owner_client.post(
        reverse("quiz_revision_restore", args=[quiz.pk, 1]), {"version": 3}, follow=True
    )
    assert response.redirect_chain[-1][0] == history_url(quiz)
    assert "Revision 1 restored as revision 4." in response.content.decode()
    stored = Quiz.objects.get(pk=quiz.pk)
    assert (stored.title, stored.options.pass_mark, stored.version) == ("Astronomy", 50, 4)
    revision = Revision.objects.get(quiz_id=quiz.pk, version=4)
    assert (revision.action, revision.author_id) == ("restored", teacher.pk)


def test_restoring_says_which_questions_were_left_out(quiz, teacher, owner_client):
    question = questions_of(quiz)[0]
    bank.delete_questions(teacher, [question.pk])
    response = owner_client.post(
        reverse("quiz_revision_restore", args=[quiz.pk, 1]), {"version": 2}, follow=True
    )
    assert "1 question of that revision is no longer in the bank" in response.content.decode()
    assert Quiz.objects.get(pk=quiz.pk).version == 3


def test_a_stale_restore_is_refused_and_changes_nothing(quiz, teacher, owner_client):
    changed(quiz, teacher)
    response = owner_client.post(
        reverse("quiz_revision_restore", args=[quiz.pk, 1]), {"version": 2}
    )
    assert response.status_code == 409
    assert "nothing was restored" in response.content.decode()
    assert Quiz.objects.get(pk=quiz.pk).version == 3


def test_an_archived_quiz_cannot_be_restored(quiz, owner_client):
    operations.update_quiz(quiz, {"title": "Renamed"})
    operations.set_status(quiz, "archived")
    page = owner_client.get(reverse("quiz_revision", args=[quiz.pk, 1])).content.decode()
    assert 'id="restore-form"' not in page and "archived" in page
    response = owner_client.post(
        reverse("quiz_revision_restore", args=[quiz.pk, 1]), {"version": 3}
    )
    assert response.status_code == 409
    assert "archived" in response.content.decode()
    assert Quiz.objects.get(pk=quiz.pk).title == "Renamed"


def test_a_malformed_restore_is_a_400(quiz, owner_client):
    url = reverse("quiz_revision_restore", args=[quiz.pk, 1])
    assert owner_client.post(url, {"version": "x"}).status_code == 400
    assert owner_client.get(url).status_code == 405


def test_another_teachers_history_does_not_exist(quiz, other_teacher, client_for):
    other = client_for(other_teacher)
    urls = [
        history_url(quiz),
        reverse("quiz_history_compare", args=[quiz.pk]) + "?old=1&new=1",
        reverse("quiz_revision", args=[quiz.pk, 1]),
    ]
    for url in urls:
        assert other.get(url).status_code == 404
    restore = reverse("quiz_revision_restore", args=[quiz.pk, 1])
    assert other.post(restore, {"version": 1}).status_code == 404
    assert Quiz.objects.get(pk=quiz.pk).version == 1


def test_an_unknown_revision_is_a_404(quiz, owner_client):
    assert owner_client.get(reverse("quiz_revision", args=[quiz.pk, 7])).status_code == 404
    huge = history_url(quiz, "99999999999999999999999/")
    assert owner_client.get(huge).status_code == 404


def test_the_settings_form_records_its_author(quiz, teacher, owner_client):
    response = owner_client.post(reverse("quiz_edit", args=[quiz.pk]), quiz_post(1))
    assert response.status_code == 302
    revision = Revision.objects.get(quiz_id=quiz.pk, version=2)
    assert (revision.action, revision.author_id) == ("settings", teacher.pk)


def test_a_failed_revision_insert_fails_the_change_with_it(quiz, teacher, client_for, mongo_client):
    """The revision is written in the request's transaction: when its insert fails, the
    quiz's update (the request's only other write) is rolled back."""
    crashing = client_for(teacher, raise_request_exception=False)
    mongo_client.admin.command(
        "configureFailPoint",
        "failCommand",
        mode={"times": 1},
        data={"failCommands": ["insert"], "errorCode": 2},
    )
    url = reverse("question_move_down", args=[quiz.pk, quiz.slots[0].question])
    response = crashing.post(url, {"version": 1})
    assert response.status_code == 500
    stored = Quiz.objects.get(pk=quiz.pk)
    assert stored.version == 1
    assert [slot.uid for slot in stored.slots] == [slot.uid for slot in quiz.slots]
    assert list(Revision.objects.filter(quiz_id=quiz.pk).values_list("version", flat=True)) == [1]
