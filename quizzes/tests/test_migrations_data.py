"""Data written under an earlier schema reads and grades the same after the migrations."""

from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from quizzes.models import Category, Question, QuestionVersion, Quiz
from quizzes.operations import question_data
from quizzes.scoring import grade_question

BEFORE_PLUGINS = ("quizzes", "0001_initial")
OLD_QUIZ = {
    "title": "Old",
    "description": "",
    "tags": [],
    "status": "draft",
    "options": {"shuffle_questions": False, "shuffle_answers": False,
                "time_limit_minutes": None, "pass_mark": 50},
    "version": 1,
    "question_count": 1,
    "attempt_count": 0,
}  # fmt: skip
OLD_QUESTION = {
    "position": 0,
    "type": "shortanswer",
    "name": "Capital",
    "text": "Capital of France?",
    "text_format": "markdown",
    "points": 2.0,
    "general_feedback": "",
    "single": True,
    "shuffle_answers": True,
    "case_sensitive": False,
    "answers": [{"text": "Paris", "fraction": 100.0, "feedback": "Yes", "value": None,
                 "tolerance": None, "match": ""}],
}  # fmt: skip


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    executor.loader.build_graph()
    return executor.loader.project_state(target).apps


@contextmanager
def schema_at(target):
    """Inside, the database is at migration `target` (write the old data there); after,
    at the latest migration again, whatever happened inside."""
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("quizzes")[0]
    migrate(target)
    collections = set(connection.database.list_collection_names())
    try:
        yield
    finally:
        # Today's code writing the old data makes collections the old schema has not (a
        # revision for each quiz made, quizzes.revisions): gone, as they were then.
        for name in set(connection.database.list_collection_names()) - collections:
            connection.database.drop_collection(name)
        migrate(latest)


def run_again(migration, name, apps=None):
    """Run the data function `name` of `migration` again, as an interrupted migrate would."""
    editor = SimpleNamespace(connection=connection)
    migration_function(migration, name)(apps, editor)


@pytest.mark.django_db(transaction=True)
def test_questions_stored_before_the_type_registry_read_and_grade_the_same():
    with schema_at(BEFORE_PLUGINS):
        owner = get_user_model().objects.create(username="before")
        # The documents exactly as 0001's models wrote them.
        quiz_id = (
            connection.get_collection(Quiz._meta.db_table)
            .insert_one(OLD_QUIZ | {"owner_id": owner.pk})
            .inserted_id
        )
        connection.get_collection(Question._meta.db_table).insert_one(
            OLD_QUESTION | {"quiz_id": quiz_id}
        )
    question = Question.objects.get(name="Capital")
    data = question_data(question)
    assert (data["type"], data["points"], data["case_sensitive"]) == ("shortanswer", 2.0, False)
    grade = grade_question(data, " paris ")
    assert (grade.points, grade.feedback) == (2.0, ["Yes"])


BEFORE_BANK = ("quizzes", "0002_question_types_from_the_registry")


def migration_function(migration, name):
    """The function `name` of the migration module `migration` (not importable by name)."""
    from importlib import import_module

    return getattr(import_module(f"quizzes.migrations.{migration}"), name)


@pytest.mark.django_db(transaction=True)
def test_quiz_owned_questions_move_into_the_bank_keeping_their_ids_and_order():
    with schema_at(BEFORE_BANK):
        owner = get_user_model().objects.create(username="before-bank")
        quizzes = connection.get_collection(Quiz._meta.db_table)
        questions = connection.get_collection(Question._meta.db_table)
        quiz_id = quizzes.insert_one(
            OLD_QUIZ | {"owner_id": owner.pk, "title": "Geography", "question_count": 2}
        ).inserted_id
        # Stored out of order: the quiz's order is the questions' positions.
        second = questions.insert_one(
            OLD_QUESTION | {"quiz_id": quiz_id, "position": 1, "name": "Second"}
        ).inserted_id
        first = questions.insert_one(
            OLD_QUESTION | {"quiz_id": quiz_id, "position": 0, "name": "First"}
        ).inserted_id
        empty_id = quizzes.insert_one(
            OLD_QUIZ | {"owner_id": owner.pk, "title": "Empty", "question_count": 0}
        ).inserted_id
    quiz = Quiz.objects.get(pk=quiz_id)
    assert [slot.question for slot in quiz.slots] == [first, second]
    assert quiz.question_count == 2
    stored = Question.objects.get(pk=first)
    assert (stored.owner_id, stored.category.name, stored.version) == (owner.pk, "Geography", 1)
    assert stored.category_id == quiz.category
    version = QuestionVersion.objects.get(question=stored)
    assert (version.number, version.data["name"], version.data["points"]) == (1, "First", 2.0)
    assert question_data(stored)["answers"][0]["text"] == "Paris"
    assert Quiz.objects.get(pk=empty_id).slots == []
    raw = connection.get_collection(Question._meta.db_table).find_one({"_id": first})
    assert "quiz_id" not in raw and "position" not in raw

    # Run again (an interrupted migration is run again): nothing is made twice.
    before = (Category.objects.count(), QuestionVersion.objects.count())
    connection.get_collection(Quiz._meta.db_table).update_one(
        {"_id": quiz_id}, {"$unset": {"slots": ""}}
    )
    connection.get_collection(Question._meta.db_table).update_many(
        {"_id": {"$in": [first, second]}}, {"$set": {"quiz_id": quiz_id}}
    )

    run_again("0003_question_bank", "quizzes_into_the_bank")
    assert (Category.objects.count(), QuestionVersion.objects.count()) == before
    assert len(Quiz.objects.get(pk=quiz_id).slots) == 2


BEFORE_RELEASES = ("quizzes", "0004_importrun")


@pytest.mark.django_db(transaction=True)
def test_quizzes_published_before_releases_get_their_first_release():
    from quizzes import operations, releases
    from quizzes.models import Release

    with schema_at(BEFORE_RELEASES):
        owner = get_user_model().objects.create(username="before-releases")
        quizzes = connection.get_collection(Quiz._meta.db_table)
        # Quizzes as 0004 stored them: published was a status, nothing more.
        question = {key: value for key, value in OLD_QUESTION.items() if key != "position"}
        published = operations.create_quiz(owner, {"title": "Live"}, [question])
        empty = operations.create_quiz(owner, {"title": "Nothing"})
        draft = operations.create_quiz(owner, {"title": "Draft"}, [question])
        quizzes.update_many(
            {"_id": {"$in": [published.pk, empty.pk]}}, {"$set": {"status": "published"}}
        )
    release = Release.objects.get()
    (question_id,) = release.key
    assert (release.quiz_id, release.number, release.live) == (published.pk, 1, True)
    assert (release.quiz_version, release.title, release.versions) == (1, "Live", {question_id: 1})
    assert release.learner[question_id]["text_html"].strip() == "<p>Capital of France?</p>"
    assert "answers" not in release.learner[question_id]
    graded = operations.record_attempt(release, {question_id: "paris"})
    assert (graded.score, graded.release_id) == (2.0, release.pk)
    assert Quiz.objects.get(pk=empty.pk).status == "draft"  # nothing learners could take
    assert Quiz.objects.get(pk=draft.pk).status == "draft"
    assert releases.live_release(draft) is None

    # Run again (an interrupted migration is run again): nothing is released twice.
    migration_function("0006_release_published_quizzes", "release_published_quizzes")(None, None)
    assert Release.objects.count() == 1


BEFORE_LIFECYCLE = ("quizzes", "0006_release_published_quizzes")


@pytest.mark.django_db(transaction=True)
def test_attempts_made_before_the_lifecycle_are_submitted_and_counted():
    from datetime import UTC, datetime

    from quizzes import operations, releases
    from quizzes.attempts import attempt_counts
    from quizzes.models import Attempt

    submitted = datetime(2026, 1, 5, 10, 30, tzinfo=UTC)
    with schema_at(BEFORE_LIFECYCLE):
        owner = get_user_model().objects.create(username="before-lifecycle")
        question = {key: value for key, value in OLD_QUESTION.items() if key != "position"}
        quiz = operations.create_quiz(owner, {"title": "Counted"}, [question])
        release = operations.publish_quiz(quiz)
        # The quiz and two attempts as 0006 stored them: a counter on the quiz, and
        # attempts with no state, start, deadline or seed.
        connection.get_collection(Quiz._meta.db_table).update_one(
            {"_id": quiz.pk}, {"$set": {"attempt_count": 2}}
        )
        old_attempt = {
            "quiz_id": quiz.pk, "release_id": release.pk, "quiz_version": 1, "user_id": None,
            "answers": {}, "score": 2.0, "max_score": 2.0, "percent": 100.0, "passed": True,
            "results": [], "submitted_at": submitted, "client_info": {},
        }  # fmt: skip
        attempts = connection.get_collection(Attempt._meta.db_table)
        attempts.insert_many([dict(old_attempt), dict(old_attempt)])
    stored = list(Attempt.objects.filter(quiz_id=quiz.pk))
    assert [(a.state, a.started_at, a.submitted_at) for a in stored] == [
        ("submitted", submitted, submitted)
    ] * 2
    assert {(a.deadline, a.seed, a.token_hash, a.learner_name) for a in stored} == {
        (None, None, "", "")
    }
    assert attempt_counts([quiz.pk]) == {quiz.pk: 2}
    assert "attempt_count" not in connection.get_collection(Quiz._meta.db_table).find_one(
        {"_id": quiz.pk}
    )
    # New attempts count beside them.
    assert operations.record_attempt(releases.live_release(quiz), {}).state == "submitted"
    assert attempt_counts([quiz.pk]) == {quiz.pk: 3}

    # Run again (an interrupted migration is run again): nothing changes.
    before = list(attempts.find({"quiz_id": quiz.pk}))
    run_again("0007_attempt_lifecycle", "existing_attempts_were_submitted")
    assert list(attempts.find({"quiz_id": quiz.pk})) == before


BEFORE_SHARING = ("quizzes", "0007_attempt_lifecycle")
NEW_OPTIONS = (
    "opens_at", "closes_at", "access", "attempts_allowed", "one_per_page", "show_score",
    "show_feedback", "show_correct_answers",
)  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_quizzes_published_before_sharing_get_their_code_and_the_new_options():
    from quizzes import operations, releases, sharing
    from quizzes.models import Release

    with schema_at(BEFORE_SHARING):
        owner = get_user_model().objects.create(username="before-sharing")
        question = {key: value for key, value in OLD_QUESTION.items() if key != "position"}
        live = operations.create_quiz(owner, {"title": "Live"}, [question])
        operations.publish_quiz(live)
        operations.publish_quiz(live)  # release 1 is no longer live
        draft = operations.create_quiz(owner, {"title": "Unpublished"}, [question])
        operations.publish_quiz(draft)
        operations.set_status(draft, "draft")
        # The documents as 0007 stored them: no share code, the options of then.
        old_options = {f"options.{name}": "" for name in NEW_OPTIONS}
        for model in (Quiz, Release):
            connection.get_collection(model._meta.db_table).update_many(
                {}, {"$unset": {"share_code": "", **old_options}}
            )
    code = Quiz.objects.get(pk=live.pk).share_code
    assert sharing.normalize_code(code) == code
    assert releases.live_release_by_code(code).number == 2
    assert Release.objects.get(quiz=live, number=1).share_code is None
    assert Quiz.objects.get(pk=draft.pk).share_code is None  # given at its next publication
    for model in (Quiz, Release):
        for stored in connection.get_collection(model._meta.db_table).find():
            assert {
                name: stored["options"][name] for name in ("access", "show_score", "opens_at")
            } == {"access": "link", "show_score": True, "opens_at": None}
    options = releases.live_release(live).options
    assert (options.attempts_allowed, options.show_correct_answers) == (None, False)

    # Run again (an interrupted migration is run again): nothing changes.
    before = [
        list(connection.get_collection(model._meta.db_table).find()) for model in (Quiz, Release)
    ]
    run_again("0008_sharing", "share_published_quizzes")
    after = [
        list(connection.get_collection(model._meta.db_table).find()) for model in (Quiz, Release)
    ]
    assert after == before


BEFORE_LEARNER_HTML = ("quizzes", "0010_media")


@pytest.mark.django_db(transaction=True)
def test_releases_stored_before_learner_html_get_every_text_rendered():
    from django.apps import apps as django_apps
    from rest_framework.test import APIClient

    from quizzes import operations
    from quizzes.models import Release

    with schema_at(BEFORE_LEARNER_HTML):
        owner = get_user_model().objects.create(username="before-learner-html")
        question = {
            "type": "multichoice",
            "name": "Half",
            "text": r"Which is $\frac{1}{2}$?",
            "answers": [{"text": "$0.5$", "fraction": 100}, {"text": "2", "fraction": 0}],
        }
        quiz = operations.create_quiz(owner, {"title": "Formulas"}, [question])
        operations.publish_quiz(quiz)
        # The release as 0010 stored it: choices without HTML, TeX left as text.
        (question_id,) = Release.objects.get().learner
        connection.get_collection(Release._meta.db_table).update_many(
            {},
            {
                "$set": {f"learner.{question_id}.text_html": "<p>Which is $\\frac{1}{2}$?</p>\n"},
                "$unset": {f"learner.{question_id}.choices.$[].text_html": ""},
            },
        )
    payload = Release.objects.get().learner[question_id]
    assert "<mfrac>" in payload["text_html"]
    assert [choice["text"] for choice in payload["choices"]] == ["$0.5$", "2"]
    assert "<mn>0.5</mn>" in payload["choices"][0]["text_html"]
    assert payload["choices"][1]["text_html"] == "<p>2</p>\n"
    delivered = APIClient().get(f"/api/v1/published/{quiz.pk}/")
    assert delivered.status_code == 200
    assert delivered.json()["questions"][0]["choices"][1]["text_html"] == "<p>2</p>\n"

    # Run again (an interrupted migration is run again): nothing changes.
    releases = connection.get_collection(Release._meta.db_table)
    before = list(releases.find())
    run_again("0011_learner_html", "render_learner_texts", django_apps)
    assert list(releases.find()) == before


BEFORE_MEDIA = ("quizzes", "0009_grading")


@pytest.mark.django_db(transaction=True)
def test_questions_and_releases_stored_before_media_record_the_media_they_reference():
    from django.apps import apps as django_apps

    from quizzes import media, operations
    from quizzes.models import Release

    sha = "5" * 64
    with schema_at(BEFORE_MEDIA):
        owner = get_user_model().objects.create(username="before-media")
        question = {key: value for key, value in OLD_QUESTION.items() if key != "position"}
        pictured = {**question, "name": "Pictured", "text": f"Where? ![map](/media/{sha}/m.png)"}
        quiz = operations.create_quiz(owner, {"title": "Maps"}, [pictured, question])
        operations.publish_quiz(quiz)
        # The documents as 0009 stored them: no media field, no media bucket.
        for model in (Question, QuestionVersion, Release):
            connection.get_collection(model._meta.db_table).update_many(
                {}, {"$unset": {"media": ""}}
            )
        for name in (media.FILES, media.CHUNKS):
            connection.database.drop_collection(name)
    assert dict(Question.objects.values_list("name", "media")) == {
        "Pictured": [sha],
        "Capital": [],
    }
    assert sorted(QuestionVersion.objects.values_list("media", flat=True)) == [[], [sha]]
    assert Release.objects.get().media == [sha]
    indexes = connection.get_collection(media.FILES).index_information()
    assert indexes["media_owner_sha256"]["unique"] is True
    assert "files_id_1_n_1" in connection.get_collection(media.CHUNKS).index_information()

    # Run again (an interrupted migration is run again): nothing changes.
    collections = [
        connection.get_collection(model._meta.db_table)
        for model in (Question, QuestionVersion, Release)
    ]
    before = [list(collection.find()) for collection in collections]
    run_again("0010_media", "fill_media", django_apps)
    run_again("0010_media", "make_bucket")
    assert [list(collection.find()) for collection in collections] == before


BEFORE_OWNERS = ("quizzes", "0012_list_indexes")


@pytest.mark.django_db(transaction=True)
def test_releases_and_attempts_stored_before_owners_get_their_quiz_owner():
    from quizzes import operations
    from quizzes.models import Attempt, Release
    from quizzes.results import grading_queue

    essay = {"type": "essay", "name": "Why", "text": "Why binary?"}
    with schema_at(BEFORE_OWNERS):
        owner = get_user_model().objects.create(username="before-owners")
        other = get_user_model().objects.create(username="other-before-owners")
        quizzes = [
            operations.create_quiz(teacher, {"title": title}, [essay])
            for teacher, title in ((owner, "Mine"), (other, "Theirs"))
        ]
        for quiz in quizzes:
            release = operations.publish_quiz(quiz)
            operations.record_attempt(release, {str(quiz.slots[0].question): "Because"})
        # The documents as 0012 stored them: no owner.
        for model in (Release, Attempt):
            connection.get_collection(model._meta.db_table).update_many(
                {}, {"$unset": {"owner_id": ""}}
            )
    mine, theirs = quizzes
    assert {(r.quiz_id, r.owner_id) for r in Release.objects.all()} == {
        (mine.pk, owner.pk),
        (theirs.pk, other.pk),
    }
    assert {(a.quiz_id, a.owner_id) for a in Attempt.objects.all()} == {
        (mine.pk, owner.pk),
        (theirs.pk, other.pk),
    }
    assert [attempt.quiz.title for attempt in grading_queue(owner)] == ["Mine"]

    # Run again (an interrupted migration is run again): nothing changes.
    collections = [connection.get_collection(model._meta.db_table) for model in (Release, Attempt)]
    before = [list(collection.find()) for collection in collections]
    run_again("0013_attempt_owner", "copy_quiz_owners")
    assert [list(collection.find()) for collection in collections] == before


BEFORE_ONE_DOCUMENT = ("quizzes", "0016_revisions")


@pytest.mark.django_db(transaction=True)
def test_questions_stored_before_one_document_imports_keep_their_stored_version_1():
    from quizzes import bank

    with schema_at(BEFORE_ONE_DOCUMENT):
        owner = get_user_model().objects.create(username="before-one-document")
        category = bank.default_category(owner, "Old")
        capital = {"type": "shortanswer", "name": "Capital", "text": "Capital of France?",
                   "answers": [{"text": "Paris", "fraction": 100}]}  # fmt: skip
        question = bank.create_question(owner, category, capital)
        # The document as 0016 stored it: no first_version_stored; its version 1 stored.
        connection.get_collection(Question._meta.db_table).update_many(
            {}, {"$unset": {"first_version_stored": ""}}
        )
    question = Question.objects.get(pk=question.pk)
    assert question.first_version_stored is True
    indexes = connection.get_collection(Question._meta.db_table).index_information()
    assert not any(list(dict(index["key"])) in (["owner_id"], ["category_id"])
                   for index in indexes.values())  # fmt: skip
    # Editing it stores version 2 only (version 1 is there already: unique per number).
    bank.update_question(question, {"text": "Capital of Spain?"}, owner)
    assert [(v.number, v.data["text"]) for v in bank.versions(question)] == [
        (2, "Capital of Spain?"),
        (1, "Capital of France?"),
    ]


BEFORE_ANSWER_UIDS = ("quizzes", "0018_shares")


@pytest.mark.django_db(transaction=True)
def test_answers_stored_before_uids_are_numbered_by_place_in_questions_and_versions():
    from quizzes import bank
    from quizzes.validation import clean_question

    choices = [{"text": text, "fraction": 100 if text == "A" else 0} for text in "ABCD"]
    multichoice = {"type": "multichoice", "name": "Letters", "text": "First?", "answers": choices}
    with schema_at(BEFORE_ANSWER_UIDS):
        owner = get_user_model().objects.create(username="before-uids")
        category = bank.default_category(owner, "Old")
        edited = bank.create_question(owner, category, multichoice)
        # Version 2 keeps two answers of four: a version longer than its question.
        bank.update_question(edited, {"answers": choices[:2]}, owner)
        essay = bank.create_question(owner, category, {"type": "essay", "name": "E", "text": "?"})
        (imported,) = bank.insert_questions(owner, [category.pk], [clean_question(multichoice)])
        # The documents as 0018 stored them: answers without uids.
        for model, path in ((Question, "answers"), (QuestionVersion, "data.answers")):
            connection.get_collection(model._meta.db_table).update_many(
                {}, {"$unset": {f"{path}.$[].uid": ""}}
            )
        raw = connection.get_collection(QuestionVersion._meta.db_table).find_one()
        assert raw["data"]["answers"] and "uid" not in raw["data"]["answers"][0]
    uids = dict(Question.objects.values_list("pk", "answers"))
    assert [answer.uid for answer in uids[edited.pk]] == ["1", "2"]
    assert [answer.uid for answer in uids[imported]] == ["1", "2", "3", "4"]
    assert uids[essay.pk] == []
    versions = {v.number: v.data["answers"] for v in bank.versions(edited)}
    assert [answer["uid"] for answer in versions[1]] == ["1", "2", "3", "4"]
    assert [answer["uid"] for answer in versions[2]] == ["1", "2"]
    assert [answer["text"] for answer in versions[1]] == list("ABCD")

    # Edits keep them; a new answer gets one no other answer has.
    question = Question.objects.get(pk=edited.pk)
    data = question_data(question)
    data["answers"][1]["text"] = "Bee"
    bank.update_question(question, {"answers": [*data["answers"], {"text": "E"}]}, owner)
    stored = [(a.uid, a.text) for a in Question.objects.get(pk=edited.pk).answers]
    assert stored[:2] == [("1", "A"), ("2", "Bee")]
    assert stored[2][1] == "E" and stored[2][0] not in ("1", "2", "3", "4")

    # Run again (an interrupted migration is run again): nothing changes.
    collections = [connection.get_collection(m._meta.db_table) for m in (Question, QuestionVersion)]
    before = [list(collection.find()) for collection in collections]
    run_again("0019_answer_uids", "give_answers_uids")
    assert [list(collection.find()) for collection in collections] == before
