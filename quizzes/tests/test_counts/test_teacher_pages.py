"""MongoDB commands of the teacher's pages (bank, quiz pages, results, sharing,
transfer): the same for 1 and 1,000 questions and for 50 and 20,000 quizzes.

The editor and the dashboard are counted by their own tests (test_completeness).
"""

import pytest
from bson import ObjectId
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quizzes import bank, operations
from quizzes.forms import QuizForm
from quizzes.listing import Position
from quizzes.models import CategoryShare, Question, Quiz, QuizShare
from quizzes.tests.test_counts.counting import assert_constant_counts, row
from quizzes.tests.test_counts.scale import GIFT, small_world

pytestmark = pytest.mark.django_db

TOP_PERCENT = Position(1e300, ObjectId("f" * 24))  # above every attempt in the percent order


def quiz_url(name, *more):
    return lambda w: reverse(name, args=[w.quiz.pk, *more])


def question_url(name, *more):
    return lambda w: reverse(name, args=[w.question.pk, *more])


def category_url(name):
    return lambda w: reverse(name, args=[w.category.pk])


def in_quiz_url(name):
    return lambda w: reverse(name, args=[w.quiz.pk, w.question.pk])


def version(w):
    """The quiz's version now (earlier rows change the quiz)."""
    return Quiz.objects.values_list("version", flat=True).get(pk=w.quiz.pk)


def versioned(**fields):
    return lambda w: {
        "version": version(w),
        **{k: f(w) if callable(f) else f for k, f in fields.items()},
    }


def random_slot(w):
    quiz = Quiz.objects.get(pk=w.quiz.pk)
    return str(next(slot.uid for slot in quiz.slots if slot.is_random))


def settings_changed_meanwhile(w):
    """The settings form as loaded before someone changed the pass mark, its tags changed:
    saving it merges (quizzes.operations.merge_quiz_settings)."""
    quiz = Quiz.objects.get(pk=w.quiz.pk)
    loaded = QuizForm.initial_for(quiz)
    pass_mark = {"pass_mark": quiz.options.pass_mark % 90 + 5}
    operations.update_quiz(quiz, {"options": pass_mark}, author=w.admin)
    body = {name: value for name, value in loaded.items() if value not in (None, False)}
    return {**body, "tags": f"merged {quiz.version}"}


def question_changed_meanwhile(w):
    """The question form as loaded before someone changed the question's feedback, its
    name changed: saving it merges (quizzes.operations.merge_question)."""
    question = Question.objects.get(pk=w.question.pk)
    loaded = operations.question_data(question)
    bank.update_question(question, {"general_feedback": f"Feedback {question.version}"}, w.admin)
    rows = {
        f"answers-{index}-{name}": value
        for index, answer in enumerate(loaded["answers"])
        for name, value in answer.items()
        if name in ("uid", "text", "fraction", "feedback")
    }
    return {
        "version": question.version - 1,
        "name": f"Cells {question.version}",
        "text": loaded["text"],
        "text_format": loaded["text_format"],
        "points": "1",
        "single": "single",
        "answers-TOTAL_FORMS": str(len(loaded["answers"])),
        "answers-INITIAL_FORMS": "0",
        **rows,
    }


def settings_then_stale(**fields):
    """A slot change's form from the page before someone changed the quiz's settings."""

    def data(w):
        quiz = Quiz.objects.get(pk=w.quiz.pk)
        operations.update_quiz(quiz, {"description": f"Changed at {quiz.version}"})
        return {"version": quiz.version - 1, **fields}

    return data


def gift_file(w):
    return {"file": SimpleUploadedFile("sum.gift", GIFT), "format": "auto"}


def previewed(w):
    """The signed payload of a preview of GIFT, as the confirmation posts it."""
    page = w.clients["teacher"].post(reverse("quiz_import"), gift_file(w))
    assert page.status_code == 200, page.content
    return {"payload": page.context["payload"]}


def colleague(w):
    """A teacher to share with (made once)."""
    return User.objects.get_or_create(username="colleague", email="colleague@example.org")[0]


def quiz_share(w):
    """The share of the world's quiz with `colleague` (made once)."""
    found = QuizShare.objects.filter(item=w.quiz).first()
    return found or QuizShare.objects.create(item=w.quiz, user=colleague(w), role="viewer")


def category_share(w):
    """The share of the world's category with `colleague` (made once)."""
    found = CategoryShare.objects.filter(item=w.category).first()
    return found or CategoryShare.objects.create(item=w.category, user=colleague(w), role="viewer")


def shared_with_teacher(w):
    """The shared-quizzes page, once `colleague` shares a quiz with the world's teacher."""
    if not QuizShare.objects.filter(user=w.teacher).exists():
        theirs = operations.create_quiz(colleague(w), {"title": "Theirs"})
        QuizShare.objects.create(item=theirs, user=w.teacher, role="editor")
    return reverse("shared_quizzes")


def share_url(name, item, found):
    return lambda w: reverse(name, args=[item(w).pk, found(w).pk])


BANK = [
    row("bank", "session user category question category categoryshare", lambda w: reverse("bank")),
    row(
        "bank_category_create",
        "session user category",
        lambda w: reverse("bank_category_create"),
    ),
    row(
        "bank_category",
        "session user category category question question question category category quiz quiz category",
        category_url("bank_category"),
    ),
    row(
        "bank_category_edit",
        "session user category category category",
        category_url("bank_category_edit"),
    ),
    row(
        "bank_category_move",
        "session user category category category user category update:category category commit update:session",
        category_url("bank_category_move"),
        method="post",
        data=lambda w: {"parent": "", "version": w.category.version},
        status=302,
    ),
    row(
        "bank_category_delete",
        "session user category category question find:quiz quiz update:session",
        category_url("bank_category_delete"),
    ),
    row(
        "bank_questions",
        "session user category question question question category category quiz quiz category",
        lambda w: reverse("bank_questions"),
    ),
    row(
        "bank_question_add",
        "session user category",
        lambda w: reverse("bank_question_add", args=["multichoice"]),
    ),
    row(
        "bank_question_edit",
        "session user question category category",
        question_url("bank_question_edit"),
    ),
    row("bank_versions", "session user question version category", question_url("bank_versions")),
    row(
        "bank_question_events",
        "session user question",
        question_url("bank_question_events"),
        status=204,
    ),
    row(
        "bank_versions_compare",
        "session user question version category",
        lambda w: reverse("bank_versions_compare", args=[w.question.pk]) + "?old=1&new=1",
    ),
    row("bank_version", "session user question version category", question_url("bank_version", 1)),
    row(
        "bank_version_restore",
        "session user question version version update:question question insert:version commit update:session",
        question_url("bank_version_restore", 1),
        method="post",
        data=lambda w: {"version": w.question.version},
        status=302,
    ),
    row(
        "category_colleagues",
        "session user category categoryshare update:session",
        category_url("category_colleagues"),
    ),
    row(
        "category_colleagues_share",
        "session user category user user categoryshare insert:categoryshare commit update:session",
        category_url("category_colleagues"),
        pattern="category_colleagues",
        method="post",
        data=lambda w: {"user": colleague(w).email, "role": "editor"},
        status=302,
    ),
    row(
        "category_colleague_role",
        "session user category categoryshare update:categoryshare commit update:session",
        share_url("category_colleague_role", lambda w: w.category, category_share),
        method="post",
        data=lambda w: {f"{category_share(w).pk}-role": "viewer"},
        status=302,
    ),
    row(
        "category_colleague_revoke",
        "session user category categoryshare update:session",
        share_url("category_colleague_revoke", lambda w: w.category, category_share),
    ),
    row(
        "category_colleague_revoke_post",
        "session user category categoryshare delete:categoryshare commit update:session",
        share_url("category_colleague_revoke", lambda w: w.category, category_share),
        pattern="category_colleague_revoke",
        method="post",
        status=302,
    ),
]

QUIZ = [
    row("quiz_create", "session user update:session", lambda w: reverse("quiz_create")),
    row("quiz_edit", "session user quiz", quiz_url("quiz_edit")),
    # Under WSGI (the test client) an event stream answers 204 once the reader may see it.
    row("quiz_events", "session user find:quiz", quiz_url("quiz_events"), status=204),
    row(
        "question_events",
        "session user find:quiz question",
        in_quiz_url("question_events"),
        status=204,
    ),
    row("quiz_delete", "session user quiz attempt", quiz_url("quiz_delete")),
    row("quiz_preview", "session user quiz question", quiz_url("quiz_preview")),
    row("quiz_qr", "session user quiz", quiz_url("quiz_qr", "svg")),
    row(
        "quiz_export",
        "session user quiz question category user find:files find:files find:chunks",
        quiz_url("quiz_export", "json"),
    ),
    row("quiz_import", "session user", lambda w: reverse("quiz_import")),
    row(
        "quiz_import_post",
        "session user update:session",
        lambda w: reverse("quiz_import"),
        method="post",
        data=gift_file,
        pattern="quiz_import",
    ),
    row(
        "quiz_import_confirm",
        "session user category insert:question insert:quiz insert:revision commit update:session",
        lambda w: reverse("quiz_import_confirm"),
        method="post",
        data=previewed,
        status=302,
    ),
    row(
        "quiz_duplicate",
        "session user quiz user insert:quiz insert:revision commit update:session",
        quiz_url("quiz_duplicate"),
        method="post",
        status=302,
    ),
    row(
        "quiz_history",
        "session user quiz revision revision user find:question find:category update:session",
        quiz_url("quiz_history"),
    ),
    row(
        "quiz_history_compare",
        "session user quiz revision find:question find:category",
        lambda w: reverse("quiz_history_compare", args=[w.quiz.pk]) + "?old=1&new=2",
    ),
    row(
        "quiz_revision",
        "session user quiz revision find:question find:category",
        quiz_url("quiz_revision", 1),
    ),
    row(
        "quiz_revision_restore",
        "session user quiz revision question update:quiz quiz quiz insert:revision commit update:session",
        quiz_url("quiz_revision_restore", 1),
        method="post",
        data=versioned(),
        status=302,
    ),
    row(
        "quiz_status",
        "session user quiz question update:quiz quiz quiz insert:revision update:release release insert:release commit update:session",
        quiz_url("quiz_status"),
        method="post",
        data=versioned(status="published"),
        status=302,
    ),
    row(
        "question_reorder",
        "session user quiz update:quiz quiz insert:revision commit update:session",
        quiz_url("question_reorder"),
        method="post",
        data=versioned(order=lambda w: [str(w.question.pk)]),
        status=302,
    ),
    row(
        "question_duplicate",
        "session user quiz question user category insert:question insert:version update:quiz quiz insert:revision commit update:session",
        in_quiz_url("question_duplicate"),
        method="post",
        data=versioned(),
        status=302,
    ),
    row(
        "question_move_down",
        "session user quiz question update:quiz quiz insert:revision commit update:session",
        in_quiz_url("question_move_down"),
        method="post",
        data=versioned(),
        status=302,
    ),
    row(
        "question_move_up",
        "session user quiz question update:quiz quiz insert:revision commit update:session",
        in_quiz_url("question_move_up"),
        method="post",
        data=versioned(),
        status=302,
    ),
    row(
        "markdown_preview",
        "session user update:session",
        lambda w: reverse("markdown_preview"),
        method="post",
        data=lambda w: {"field": "text", "text": "*Hello*"},
    ),
    row(
        "question_add", "session user quiz update:session", quiz_url("question_add", "multichoice")
    ),
    row("question_edit", "session user quiz question", in_quiz_url("question_edit")),
    row("question_delete", "session user quiz question", in_quiz_url("question_delete")),
    row(
        "quiz_add_from_bank",
        "session user quiz user category category question question",
        quiz_url("quiz_add_from_bank"),
    ),
    row(
        "quiz_add_random",
        "session user quiz user category category update:quiz quiz insert:revision commit update:session",
        quiz_url("quiz_add_random"),
        method="post",
        data=versioned(category=lambda w: str(w.category.pk), count=1),
        status=302,
    ),
    row(
        "quiz_slot_remove",
        "session user quiz update:quiz quiz insert:revision commit update:session",
        quiz_url("quiz_slot_remove"),
        method="post",
        data=versioned(slot=random_slot),
        status=302,
    ),
    # Saves from a page older than the quiz: merged with what was saved since.
    row(
        "quiz_edit_merged",
        "session user quiz revision revision user update:quiz quiz quiz insert:revision commit update:session",
        quiz_url("quiz_edit"),
        pattern="quiz_edit",
        method="post",
        data=settings_changed_meanwhile,
        status=302,
    ),
    row(
        "question_edit_merged",
        "session user quiz question version version user update:question question insert:version update:quiz quiz quiz insert:revision commit update:session",
        in_quiz_url("question_edit"),
        pattern="question_edit",
        method="post",
        data=question_changed_meanwhile,
        status=302,
    ),
    row(
        "question_move_down_merged",
        "session user quiz revision question update:quiz quiz insert:revision commit update:session",
        in_quiz_url("question_move_down"),
        pattern="question_move_down",
        method="post",
        data=settings_then_stale(),
        status=302,
    ),
    row(
        "shared_quizzes",
        "session user quizshare quiz quiz user update:session",
        shared_with_teacher,
    ),
    row(
        "quiz_colleagues",
        "session user quiz quizshare",
        quiz_url("quiz_colleagues"),
    ),
    row(
        "quiz_colleagues_share",
        "session user quiz user user quizshare insert:quizshare commit update:session",
        quiz_url("quiz_colleagues"),
        pattern="quiz_colleagues",
        method="post",
        data=lambda w: {"user": colleague(w).email, "role": "editor"},
        status=302,
    ),
    row(
        "quiz_colleague_role",
        "session user quiz quizshare update:quizshare commit update:session",
        share_url("quiz_colleague_role", lambda w: w.quiz, quiz_share),
        method="post",
        data=lambda w: {f"{quiz_share(w).pk}-role": "viewer"},
        status=302,
    ),
    row(
        "quiz_colleague_revoke",
        "session user quiz quizshare update:session",
        share_url("quiz_colleague_revoke", lambda w: w.quiz, quiz_share),
    ),
    row(
        "quiz_colleague_revoke_post",
        "session user quiz quizshare delete:quizshare commit update:session",
        share_url("quiz_colleague_revoke", lambda w: w.quiz, quiz_share),
        pattern="quiz_colleague_revoke",
        method="post",
        status=302,
    ),
]

RESULTS = [
    # The attempts counted up to 1,001, the page's positions, its attempts by id.
    row(
        "results",
        "session user quiz attempt attempt attempt release update:session",
        quiz_url("results"),
    ),
    row(
        "results, by percent, a following page",
        "session user quiz attempt attempt attempt release",
        lambda w: f"{reverse('results', args=[w.quiz.pk])}?sort=percent&older={TOP_PERCENT}",
        pattern="results",
    ),
    row(
        "results_statistics",
        "session user quiz attempt question",
        quiz_url("results_statistics"),
    ),
    row(
        "results_export_csv",
        "session user quiz release question find:attempt",
        quiz_url("results_export_csv"),
    ),
    row(
        "results_export_xlsx",
        "session user quiz release question find:attempt",
        quiz_url("results_export_xlsx"),
    ),
    row(
        "results_statistics_csv",
        "session user quiz attempt question",
        quiz_url("results_statistics_csv"),
    ),
    row(
        "results_statistics_xlsx",
        "session user quiz attempt question",
        quiz_url("results_statistics_xlsx"),
    ),
    row(
        "results_attempt",
        "session user quiz attempt release",
        lambda w: reverse("results_attempt", args=[w.quiz.pk, w.attempt.pk]),
    ),
    row(
        "results_delete",
        "session user quiz attempt commit update:session",
        quiz_url("results_delete"),
        method="post",
        data=lambda w: {"attempt": [str(w.attempt.pk)]},
    ),
]


def test_teacher_pages_read_as_much_at_any_scale(teacher):
    assert_constant_counts(small_world(teacher), BANK + QUIZ + RESULTS)
