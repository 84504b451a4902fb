"""Every query of the main pages and API endpoints on a collection meant to be
sharded carries that collection's shard key (docs/scaling.md), so that on a
sharded cluster mongos sends it to the shards that hold the data, not to all.

The commands are recorded from the app's own MongoClient (a command listener)
while real requests run; a query "carries" the key when it constrains the
key's first field to one value or a list of values, as mongos needs to target
it; an insert, when each document has every field of the key.
"""

import pytest
from django.test import Client

from quizzes import attempts, bank, operations, releases
from quizzes.models import Question
from quizzes.tests.test_api.conftest import RIGHT_RESPONSES, question_ids, quiz_url
from sessions_mw.tests.conftest import CommandRecorder, backend_client_with

pytestmark = pytest.mark.django_db

# The collections that grow with learners and edits, and their shard keys (the
# table of docs/scaling.md): attempts and releases live with their quiz, versions
# with their question; sessions and limit counters are spread by a hash.
SHARD_KEYS = {
    "quizzes_attempt": ("quiz_id", "_id"),
    "quizzes_release": ("quiz_id", "number"),
    "quizzes_questionversion": ("question_id", "number"),
    "django_session": ("session_key",),
    "openquizz_limits": ("_id",),
}
QUERY_FIELDS = {"update": "updates", "delete": "deletes"}
# The queries that go to every shard on purpose, and why.
SCATTERED = {
    "GET /api/v1/published/": "the public catalogue of every live release, newest first: "
    "each shard answers its newest from the (live, -published_at) index and mongos merges "
    "one page",
    "GET /": "the dashboard's grading queue, a teacher's waiting attempts across their "
    "quizzes: each shard answers its longest waiting from the partial (owner, submitted_at, "
    "_id) index and mongos merges 20",
}


def constrains(query, field):
    """Whether `query` (a MongoDB filter) pins `field` to a value or a list of values."""
    if field in query:
        value = query[field]
        return not isinstance(value, dict) or "$eq" in value or "$in" in value
    return any(constrains(part, field) for part in query.get("$and", ()))


def leading_match(pipeline):
    """The $match a pipeline starts with, once MongoDB's optimizer has moved it ahead of
    the joins ($lookup, and the $set and $unwind of what they add) it does not depend on."""
    joined = set()
    for stage in pipeline:
        if "$lookup" in stage:
            joined.add(stage["$lookup"]["as"])
        elif "$unwind" in stage or "$set" in stage:  # of the joined rows (a left join's)
            touched = {str(stage["$unwind"]).lstrip("$")} if "$unwind" in stage else stage["$set"]
            if not {name.split(".")[0] for name in touched} <= joined:
                break
        elif "$match" in stage:
            return {
                field: value
                for field, value in stage["$match"].items()
                if field.split(".")[0] not in joined
            }
        else:
            break
    return {}


def queries_of(name, command):
    """The filters of a recorded command, or None for one that has none to check."""
    if name == "find":
        return [command.get("filter", {})]
    if name == "aggregate":
        return [leading_match(command["pipeline"])]
    if name in QUERY_FIELDS:
        return [statement["q"] for statement in command[QUERY_FIELDS[name]]]
    if name == "findAndModify":
        return [command.get("query", {})]
    return None


def untargeted(recorder):
    """The recorded commands on a sharded collection that do not carry its shard key."""
    misses = []
    for name, command in recorder.commands:
        key = SHARD_KEYS.get(command.get(name) if isinstance(command.get(name), str) else None)
        if key is None:
            continue
        if name == "insert":
            if not all(set(key) <= document.keys() for document in command["documents"]):
                misses.append((name, command[name], "a document without the key"))
            continue
        for query in queries_of(name, command) or ():
            if not constrains(query, key[0]):
                misses.append((name, command[name], query))
    return misses


def test_the_main_pages_and_endpoints_carry_the_shard_keys(
    teacher_browser, api, anonymous, published
):
    browser = teacher_browser
    ids = question_ids(published)
    essay = ids["essay"]
    responses = {ids[kind]: RIGHT_RESPONSES[kind] for kind in ids}
    quiz = published.pk
    done = operations.record_attempt(releases.live_release(published), responses)
    public = attempts.public_id(done)
    grade = {"question": essay, "points": 1}
    calls = [
        (Client(), "post", "/accounts/login/", {"username": "teacher", "password": "wrong"}),
        (anonymous, "post", "/api/v1/auth/token/", {"username": "teacher", "password": "wrong"}),
        (browser, "get", "/", None),
        (browser, "get", f"/quizzes/{quiz}/", None),
        (browser, "get", f"/quizzes/{quiz}/preview/", None),
        (browser, "get", "/bank/", None),
        (browser, "get", "/bank/questions/", None),
        (browser, "get", f"/bank/questions/{essay}/versions/", None),
        (anonymous, "get", "/api/v1/published/", None),
        (anonymous, "get", f"/api/v1/published/{quiz}/", None),
        (anonymous, "post", f"/api/v1/published/{quiz}/attempts/", {"responses": responses}),
        (api, "get", "/api/v1/quizzes/", None),
        (api, "get", quiz_url(published), None),
        (api, "get", quiz_url(published, "statistics/"), None),
        (api, "patch", quiz_url(published, f"questions/{essay}/"), {"name": "Renamed"}),
        (api, "get", f"/api/v1/questions/{essay}/versions/", None),
        (api, "get", f"/api/v1/questions/{essay}/versions/1/", None),
        (api, "post", f"/api/v1/questions/{essay}/versions/1/restore/", None),
        (api, "post", quiz_url(published, "publish/"), None),
        (api, "get", "/api/v1/questions/", None),
        (api, "get", "/api/v1/categories/", None),
        (browser, "get", f"/quizzes/{quiz}/results/?state=needs_grading&q=a&sort=-duration", None),
        (browser, "get", f"/quizzes/{quiz}/results/?release=1", None),
        (browser, "get", f"/quizzes/{quiz}/results/{done.pk}/", None),
        (browser, "post", f"/quizzes/{quiz}/results/{done.pk}/", grade),
        (browser, "get", f"/quizzes/{quiz}/results/statistics/", None),
        (browser, "get", f"/quizzes/{quiz}/results/export.xlsx", None),
        (browser, "get", f"/quizzes/{quiz}/results/statistics.xlsx", None),
        (api, "get", quiz_url(published, "attempts/?state=submitted&release=1"), None),
        (api, "get", f"/api/v1/attempts/{public}/", None),
        (api, "post", f"/api/v1/attempts/{public}/grade/", {**grade, "points": 0}),
        (browser, "post", f"/quizzes/{quiz}/results/delete/", {"attempt": [str(done.pk)]}),
        (api, "delete", f"/api/v1/attempts/{public}/", None),
    ]
    misses = {}
    for client, method, url, body in calls:
        recorder = CommandRecorder()
        with backend_client_with(recorder):
            options = (
                {"format": "json"} if body is not None and hasattr(client, "credentials") else {}
            )
            response = getattr(client, method)(url, body, **options)
        assert response.status_code < 500, (url, response.content[:300])
        if found := untargeted(recorder):
            misses[f"{method.upper()} {url}"] = found
    scattered = {call: found for call, found in misses.items() if call not in SCATTERED}
    assert not scattered, "\n".join(f"{call}: {found}" for call, found in scattered.items())
    assert misses.keys() == SCATTERED.keys()  # and those still are


def test_deleting_a_quiz_and_a_bank_question_stays_targeted(api, published, teacher):
    operations.record_attempt(releases.live_release(published), {})
    question = Question.objects.filter(owner=teacher).first()
    recorder = CommandRecorder()
    with backend_client_with(recorder):
        assert api.delete(f"/api/v1/questions/{question.pk}/").status_code == 204
        assert api.delete(quiz_url(published)).status_code == 204
    misses = untargeted(recorder)
    assert misses == [], misses
    assert recorder.named("delete")  # the test saw the deletes it checks
    assert not bank.owned(teacher, [question.pk])


def test_the_check_itself_tells_targeted_from_scattered():
    recorder = CommandRecorder()
    recorder.commands += [
        ("find", {"find": "quizzes_attempt", "filter": {"quiz_id": 1}}),
        ("aggregate", {"aggregate": "quizzes_attempt", "pipeline": [{"$match": {"$and": [
            {"quiz_id": {"$in": [1, 2]}}, {"score": {"$gt": 0}}]}}]}),
        ("insert", {"insert": "django_session", "documents": [{"session_key": "k"}]}),
        ("find", {"find": "quizzes_quiz", "filter": {}}),  # not sharded
    ]  # fmt: skip
    assert untargeted(recorder) == []
    recorder.commands += [
        ("find", {"find": "quizzes_attempt", "filter": {"_id": 1}}),
        ("update", {"update": "quizzes_release", "updates": [{"q": {"quiz_id": {"$gt": 1}}}]}),
        ("insert", {"insert": "quizzes_questionversion", "documents": [{"number": 1}]}),
    ]
    assert [miss[1] for miss in untargeted(recorder)] == [
        "quizzes_attempt",
        "quizzes_release",
        "quizzes_questionversion",
    ]


def test_the_attempt_lifecycle_stays_targeted(anonymous, api, published):
    """Attempts by id name their quiz too (their API id carries it)."""
    essay = question_ids(published)["essay"]
    recorder = CommandRecorder()
    with backend_client_with(recorder):
        for client, name in ((anonymous, {"name": "Ada"}), (api, {})):
            started = client.post(
                f"/api/v1/published/{published.pk}/attempts/", name, format="json"
            )
            assert started.status_code == 201
            body = started.json()
            url = f"/api/v1/attempts/{body['id']}/"
            auth = {"HTTP_X_ATTEMPT_TOKEN": body["token"]} if body["token"] else {}
            assert client.get(url, **auth).status_code == 200
            saved = client.patch(url, {"responses": {essay: "Sun"}}, format="json", **auth)
            assert saved.status_code == 200
            assert client.post(f"{url}submit/", **auth).status_code == 200
        assert api.get(quiz_url(published, "attempts/")).status_code == 200
    assert untargeted(recorder) == []
    assert recorder.named("update")  # the test saw the saves and submits it checks
