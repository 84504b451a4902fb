"""MongoDB commands of the API's endpoints: the same for 1 and 1,000 questions and for
50 and 20,000 quizzes.

The teacher's requests are signed in by session (`api_session`), so that these
counts are the endpoints' own: token authentication is counted once, by the
"token" row (test_reads counts a token request's). The quiz list, the bank
question list, a quiz's detail, the published list and a published quiz are
counted by their own tests (test_completeness.COUNTED_ELSEWHERE).
"""

from datetime import UTC, datetime

import pytest
from bson import ObjectId
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from quizzes.listing import Position
from quizzes.models import Quiz, QuizShare
from quizzes.tests.test_api.test_list_scale import cursor
from quizzes.tests.test_counts.counting import assert_constant_counts, row
from quizzes.tests.test_counts.scale import GIFT, png_bytes, small_world
from quizzes.tests.test_counts.test_teacher_pages import (
    category_share,
    quiz_share,
    shared_with_teacher,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/"
FAR_FUTURE = datetime(2100, 1, 1, tzinfo=UTC)  # a cursor to a page that holds every attempt


def quiz_url(tail=""):
    return lambda w: f"{API}quizzes/{w.quiz.pk}/{tail}"


def question_url(tail=""):
    return lambda w: f"{API}questions/{w.question.pk}/{tail}"


def attempt_url(tail=""):
    return lambda w: f"{API}attempts/{w.attempt_key(w.api_attempt)}/{tail}"


def quiz_now(w):
    return Quiz.objects.get(pk=w.quiz.pk)


def question_order(w):
    return {"order": [str(slot.question) for slot in quiz_now(w).slots if not slot.is_random]}


def slot_order(w):
    return {"order": [str(slot.uid) for slot in quiz_now(w).slots]}


def first_slot(w):
    return f"{API}quizzes/{w.quiz.pk}/slots/{quiz_now(w).slots[0].uid}/"


def gift_upload(w):
    return {"file": SimpleUploadedFile("sum.gift", GIFT)}


def new_colleague(w):
    """A share request for a teacher the world's quiz is not shared with (any more)."""
    newcomer = User.objects.get_or_create(username="newcomer")[0]
    QuizShare.objects.filter(user=newcomer).delete()
    return {"user": newcomer.username, "role": "viewer"}


def shared_quizzes(w):
    """The shared-quizzes list, once a colleague shares a quiz with the world's teacher."""
    shared_with_teacher(w)
    return f"{API}shared/quizzes/"


def picture_upload(w):
    return {"file": SimpleUploadedFile("dot.png", png_bytes())}


JSON = {"format": "json"}

TABLE = [
    row(
        "api:token",
        "user token commit",
        lambda w: f"{API}auth/token/",
        method="post",
        client="api_anonymous",
        data=lambda w: {"username": "teacher", "password": w.password},
        options=JSON,
    ),
    row(
        "api:quiz-attempts",
        "session user quiz attempt attempt release attempt question",
        quiz_url("attempts/"),
        client="api_session",
    ),
    row(
        "api:quiz-attempts, a following page: no statistics",
        "session user quiz attempt attempt release",
        quiz_url(f"attempts/?cursor={cursor(Position(FAR_FUTURE, ObjectId()))}"),
        client="api_session",
        pattern="api:quiz-attempts",
    ),
    row(
        "api:quiz-statistics",
        "session user quiz attempt question",
        quiz_url("statistics/"),
        client="api_session",
    ),
    row(
        "api:quiz-events",
        "session user find:quiz",
        quiz_url("events/"),
        client="api_session",
        status=204,
    ),
    row(
        "api:quiz-export",
        "session user quiz question category user find:files find:files find:chunks",
        quiz_url("export/?format=json"),
        client="api_session",
    ),
    row(
        "api:question-list",
        "session user quiz question",
        quiz_url("questions/"),
        client="api_session",
    ),
    row(
        "api:question-detail",
        "session user quiz question",
        lambda w: f"{API}quizzes/{w.quiz.pk}/questions/{w.question.pk}/",
        client="api_session",
    ),
    row(
        "api:slot-list", "session user quiz find:question", quiz_url("slots/"), client="api_session"
    ),
    row("api:slot-detail", "session user quiz find:question", first_slot, client="api_session"),
    row(
        "api:quiz-reorder",
        "session user quiz update:quiz quiz insert:revision attempt find:question commit update:session",
        quiz_url("reorder/"),
        method="post",
        client="api_session",
        data=question_order,
        options=JSON,
    ),
    row(
        "api:slot-reorder",
        "session user quiz update:quiz quiz insert:revision find:question commit update:session",
        quiz_url("slots/reorder/"),
        method="post",
        client="api_session",
        data=slot_order,
        options=JSON,
    ),
    row(
        "api:quiz-duplicate",
        "session user quiz user insert:quiz insert:revision quiz attempt find:question commit update:session",
        quiz_url("duplicate/"),
        method="post",
        client="api_session",
        status=201,
    ),
    row(
        "api:revision-list",
        "session user quiz revision revision user",
        quiz_url("revisions/"),
        client="api_session",
    ),
    row(
        "api:revision-detail",
        "session user quiz revision",
        quiz_url("revisions/1/"),
        client="api_session",
    ),
    row(
        "api:revision-restore",
        "session user quiz revision question update:quiz quiz quiz insert:revision attempt find:question commit update:session",
        quiz_url("revisions/1/restore/"),
        method="post",
        client="api_session",
    ),
    row(
        "api:quiz-unpublish",
        "session user quiz update:quiz quiz quiz insert:revision update:release attempt find:question commit update:session",
        quiz_url("unpublish/"),
        method="post",
        client="api_session",
    ),
    row(
        "api:quiz-publish",
        "session user quiz question update:quiz quiz quiz insert:revision update:release release insert:release attempt find:question commit update:session",
        quiz_url("publish/"),
        method="post",
        client="api_session",
    ),
    row(
        "api:published-attempts",
        "release insert:attempt",
        lambda w: f"{API}published/{w.code}/attempts/",
        method="post",
        client="api_anonymous",
        data=lambda w: {"name": "Cy"},
        options=JSON,
        status=201,
    ),
    row("api:attempt-detail", "attempt release", attempt_url(), client="api_learner"),
    row(
        "attempt_save",
        "attempt release update:attempt",
        attempt_url(),
        method="patch",
        client="api_learner",
        pattern="api:attempt-detail",
        data=lambda w: {"responses": {str(w.question.pk): 0}},
        options=JSON,
    ),
    row(
        "api:attempt-submit",
        "attempt release update:attempt",
        attempt_url("submit/"),
        method="post",
        client="api_learner",
    ),
    row(
        "api:attempt-grade",
        "session user quiz attempt release update:attempt commit update:session",
        lambda w: f"{API}attempts/{w.attempt_key()}/grade/",
        method="post",
        client="api_session",
        data=lambda w: {"question": str(w.question.pk), "points": 1, "comment": "Good"},
        options=JSON,
    ),
    row(
        "api:category-list",
        "session user category question",
        lambda w: f"{API}categories/",
        client="api_session",
    ),
    row(
        "api:category-detail",
        "session user category category question",
        lambda w: f"{API}categories/{w.category.pk}/",
        client="api_session",
    ),
    row(
        "api:bank-question-detail",
        "session user question question",
        question_url(),
        client="api_session",
    ),
    row(
        "api:bank-question-versions",
        "session user question version",
        question_url("versions/"),
        client="api_session",
    ),
    row(
        "api:bank-question-version",
        "session user question version",
        question_url("versions/1/"),
        client="api_session",
    ),
    row(
        "api:bank-question-restore",
        "session user question version version update:question question insert:version question commit update:session",
        question_url("versions/1/restore/"),
        method="post",
        client="api_session",
    ),
    row(
        "api:bank-question-bulk",
        "session user question question update:question commit update:session",
        lambda w: f"{API}questions/bulk/",
        method="post",
        client="api_session",
        data=lambda w: {"action": "tag", "ids": [str(w.question.pk)], "tags": ["cells"]},
        options=JSON,
    ),
    row(
        "api:quiz-import",
        "session user category insert:question insert:quiz insert:revision commit update:session",
        lambda w: f"{API}quizzes/import/",
        method="post",
        client="api_session",
        data=gift_upload,
        options={"format": "multipart"},
        status=201,
    ),
    row(
        "api:media-upload",
        "session user find:files commit update:session",
        lambda w: f"{API}media/",
        method="post",
        client="api_session",
        data=picture_upload,
        options={"format": "multipart"},
        status=201,
    ),
    # Sharing (quizzes.api.shares): the item, its shares (with their users) or the one.
    row(
        "api:quiz-share-list",
        "session user quiz quizshare",
        lambda w: quiz_share(w) and f"{API}quizzes/{w.quiz.pk}/shares/",
        client="api_session",
    ),
    row(
        "api_quiz_share_create",
        "session user quiz user quizshare insert:quizshare commit update:session",
        quiz_url("shares/"),
        method="post",
        client="api_session",
        pattern="api:quiz-share-list",
        data=new_colleague,
        options=JSON,
        status=201,
    ),
    row(
        "api:quiz-share-detail",
        "session user quiz quizshare",
        lambda w: f"{API}quizzes/{w.quiz.pk}/shares/{quiz_share(w).pk}/",
        client="api_session",
    ),
    row(
        "api_quiz_share_patch",
        "session user quiz quizshare update:quizshare commit update:session",
        lambda w: f"{API}quizzes/{w.quiz.pk}/shares/{quiz_share(w).pk}/",
        method="patch",
        client="api_session",
        pattern="api:quiz-share-detail",
        data=lambda w: {"role": "editor"},
        options=JSON,
    ),
    row(
        "api:category-share-list",
        "session user category categoryshare",
        lambda w: f"{API}categories/{w.category.pk}/shares/",
        client="api_session",
    ),
    row(
        "api:category-share-detail",
        "session user category categoryshare delete:categoryshare commit update:session",
        lambda w: f"{API}categories/{w.category.pk}/shares/{category_share(w).pk}/",
        method="delete",
        client="api_session",
        status=204,
    ),
    row(
        "api:shared-quiz-list",
        "session user quizshare quiz quiz user attempt",
        shared_quizzes,
        client="api_session",
    ),
    row(
        "api:shared-category-list",
        "session user categoryshare",
        lambda w: f"{API}shared/categories/",
        client="api_session",
    ),
]


def test_api_endpoints_ask_as_much_at_any_scale(teacher, teacher_password):
    world = small_world(teacher)
    world.password = teacher_password
    assert_constant_counts(world, TABLE)
