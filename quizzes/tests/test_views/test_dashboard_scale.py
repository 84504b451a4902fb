"""The dashboard at scale: its first page, its last page (1,000 pages deep), the page
back from the middle, a status filter and a search send the same MongoDB commands
for a teacher with 50 quizzes as with 20,000, for staff too, and each list query
reads its page's index keys (and no document, but for a search: its matches), as
the grading queue reads its waiting attempts and no others. The first page adds the
quizzes colleagues share: their shares, and those quizzes."""

import pytest
from django.db import connection

from quizzes import operations
from quizzes.models import Attempt, Quiz, QuizShare, Release
from quizzes.tests.listing_scale import add_copies, explain, list_commands, position
from quizzes.views.dashboard import PAGE_SIZE
from sessions_mw.tests.conftest import CommandRecorder, backend_client_with

pytestmark = pytest.mark.django_db

SMALL, LARGE = 50, 20_000
# The quizzes' collections: the count (up to 1,001), the page's positions, its quizzes
# by id, then the grading queue: the waiting attempts, their quizzes' titles, their
# releases.
QUIZZES_COMMANDS = [
    ("aggregate", "quizzes_quiz"),
    ("aggregate", "quizzes_quiz"),
    ("aggregate", "quizzes_quiz"),
    ("find", "quizzes_attempt"),
    ("aggregate", "quizzes_quiz"),
    ("aggregate", "quizzes_release"),
]
# The first page reads the shares of its teacher and the quizzes shared, after its own.
FIRST_COMMANDS = [
    *QUIZZES_COMMANDS[:3],
    ("aggregate", "quizzes_quizshare"),
    ("aggregate", "quizzes_quiz"),
    *QUIZZES_COMMANDS[3:],
]
ESSAY = {"type": "essay", "name": "Why", "text": "Why binary?"}


def add_waiting_attempt(owner, learner):
    """A published quiz of `owner` with an attempt of `learner` waiting for grading."""
    quiz = operations.create_quiz(owner, {"title": "Essays"}, [ESSAY])
    release = operations.publish_quiz(quiz)
    operations.record_attempt(release, {str(quiz.slots[0].question): "Two states"}, user=learner)


def requests(teacher, count):
    """{name: url} of the dashboard pages measured once `teacher` has `count` quizzes."""
    last_page = (min(count, 1_000 * PAGE_SIZE) - 1) // PAGE_SIZE
    return {
        "first": "/",
        "deep": f"/?older={position(teacher, last_page * PAGE_SIZE - 1)}",
        "back": f"/?newer={position(teacher, count // 2)}",
        "status": "/?status=draft",
        "search": "/?q=needle",
    }


def measure(client, teacher, count):
    """{name: (titles, commands, list query)} of the dashboard pages."""
    measured = {}
    for name, url in requests(teacher, count).items():
        response, commands, query = list_commands(client, url)
        titles = [quiz.title for quiz in response.context["page"].items]
        assert len(response.context["shared"]) == (3 if name == "first" else 0)
        measured[name] = (titles, commands, query)
    return measured


def test_dashboard_pages_cost_the_same_for_50_and_20000_quizzes(
    teacher, other_teacher, owner_client
):
    add_copies(other_teacher, 500, title="Not mine")
    for quiz in Quiz.objects.filter(owner=other_teacher)[:3]:
        QuizShare.objects.create(item=quiz, user=teacher, role="viewer", created_by=other_teacher)
    add_waiting_attempt(other_teacher, teacher)
    add_waiting_attempt(teacher, other_teacher)
    add_copies(teacher, SMALL - 2)
    add_copies(teacher, 1, title="Needle")
    small = measure(owner_client, teacher, SMALL)
    add_copies(teacher, LARGE - SMALL)
    large = measure(owner_client, teacher, LARGE)
    for name in small:
        small_commands, large_commands = small[name][1], large[name][1]
        assert large_commands == small_commands, name
        quizzes = [command for command in small_commands if command[1].startswith("quizzes_")]
        assert quizzes == (FIRST_COMMANDS if name == "first" else QUIZZES_COMMANDS), name
    for measured in (small, large):
        assert measured["search"][0] == ["Needle model"]
        assert len(measured["first"][0]) == len(measured["back"][0]) == PAGE_SIZE
    assert len(large["deep"][0]) == PAGE_SIZE  # the 1,000th page, the last
    assert len(small["deep"][0]) == SMALL % PAGE_SIZE


def test_staff_dashboard_reads_the_owners_of_one_page_at_once(
    teacher, other_teacher, staff, client_for
):
    client = client_for(staff)
    add_copies(other_teacher, SMALL // 2, title="Theirs")
    add_copies(teacher, SMALL // 2, title="Mine")
    small = list_commands(client, "/")
    add_copies(teacher, LARGE - SMALL)
    response, commands, query = list_commands(client, "/")
    assert commands == small[1]
    assert commands.count(("aggregate", "auth_user")) == 2  # the staff member, the owners
    assert "by teacher" in response.content.decode()
    documents, stages, indexes = explain(query)
    assert (documents, indexes) == (0, {"quiz_updated_id"})
    assert "SORT" not in stages


def test_dashboard_list_queries_read_their_page_along_an_index(
    teacher, other_teacher, owner_client
):
    add_copies(other_teacher, 500, title="Not mine")
    for quiz in Quiz.objects.filter(owner=other_teacher)[:3]:
        QuizShare.objects.create(item=quiz, user=teacher, role="viewer", created_by=other_teacher)
    add_copies(teacher, LARGE - 1)
    add_copies(teacher, 1, title="Needle")
    expected_index = {
        "first": "quiz_owner_updated_id",
        "deep": "quiz_owner_updated_id",
        "back": "quiz_owner_updated_id",
        "status": "quiz_owner_status_updated",
        "search": "quiz_text",
    }
    for name, (_titles, _commands, query) in measure(owner_client, teacher, LARGE).items():
        documents, stages, indexes = explain(query)
        assert indexes == {expected_index[name]}, name
        if name == "search":
            assert documents <= 2  # the one match (read by the text stage, then fetched)
        else:
            assert "SORT" not in stages, name
            assert documents == 0, name  # the index alone answers


def test_grading_queue_reads_the_waiting_attempts_along_an_index_and_no_others(
    teacher, other_teacher, owner_client
):
    add_copies(teacher, LARGE)
    for _waiting in range(3):
        add_waiting_attempt(teacher, other_teacher)
    add_waiting_attempt(other_teacher, teacher)
    operations.record_attempt(  # graded at once: not waiting
        Release.objects.filter(owner=teacher).first(), {}, user=other_teacher
    )
    recorder = CommandRecorder()
    with backend_client_with(recorder):
        response = owner_client.get("/")
    assert [attempt.quiz.title for attempt, _learner in response.context["to_grade"]] == [
        "Essays"
    ] * 3
    (queue,) = [
        command
        for name, command in recorder.commands
        if name == "find" and command["find"] == Attempt._meta.db_table
    ]
    fields = ("filter", "sort", "projection", "limit", "hint")
    query = {"find": queue["find"], **{name: queue[name] for name in fields}}
    explained = connection.database.command("explain", query, verbosity="executionStats")
    stages, indexes, pending = [], set(), [explained["queryPlanner"]["winningPlan"]]
    while pending:
        stage = pending.pop()
        stages.append(stage["stage"])
        indexes |= {stage["indexName"]} if "indexName" in stage else set()
        pending += [stage["inputStage"]] if "inputStage" in stage else []
    assert "SORT" not in stages
    assert indexes == {"attempt_owner_waiting"}
    assert explained["executionStats"]["totalDocsExamined"] == 3


def test_shared_quizzes_cost_the_same_for_3_and_500_shares(teacher, other_teacher, owner_client):
    """The dashboard's first page and the shared/ page send the same commands whether
    colleagues share 3 quizzes with the teacher or 500."""

    def share_all():
        have = set(QuizShare.objects.filter(user=teacher).values_list("item_id", flat=True))
        QuizShare.objects.bulk_create(
            QuizShare(item_id=pk, user=teacher, role="viewer")
            for pk in Quiz.objects.filter(owner=other_teacher).values_list("pk", flat=True)
            if pk not in have
        )

    def measure():
        first, first_commands, _query = list_commands(owner_client, "/")
        shared, shared_commands, _query = list_commands(owner_client, "/shared/")
        return (
            len(first.context["shared"]),
            len(shared.context["page"].items),
            first_commands,
            shared_commands,
        )

    add_copies(other_teacher, 3, title="Theirs")
    share_all()
    few = measure()
    add_copies(other_teacher, 497, title="More")
    share_all()
    many = measure()
    assert (few[0], few[1], many[0], many[1]) == (3, 3, 10, PAGE_SIZE)
    assert many[2:] == few[2:]
