"""Lists at scale: many quizzes (or questions) made fast, and what a list request asks MongoDB.

`add_copies` (`add_question_copies`) inserts copies of one quiz (question) the
application stored (so they are shaped as it stores them) with raw
`insert_many`: 20,000 take about a second.
Each copy is a minute older than the one before, the first a minute older than
the oldest quiz the owner had. `position` says where a quiz is in the lists;
`list_commands` records a request's commands; `explain` runs MongoDB's explain
of the list query a request sent.
"""

from datetime import timedelta

from bson import ObjectId
from django.db import connection

from quizzes import bank, operations
from quizzes.listing import Position
from quizzes.models import Quiz
from sessions_mw.tests.conftest import CommandRecorder, backend_client_with

NOT_COUNTED = {"openquizz_limits"}  # the rate limiters' counters (openquizz.limits)


def add_copies(owner, count, title="Copy"):
    """Insert `count` copies of a new quiz of `owner`, titled "`title` <n>", older and
    older; return the new quiz (the newest of them)."""
    model = operations.create_quiz(owner, {"title": f"{title} model"})
    insert_copies(model, "title", title, count)
    return model


def add_question_copies(owner, category, count, name="Copy", **data):
    """Insert `count` copies of a new essay question of `owner` in `category` (with
    `data`), named "`name` <n>", older and older; return the new question."""
    question = {"type": "essay", "name": f"{name} model", "text": "Why?", **data}
    model = bank.create_question(owner, category, question)
    insert_copies(model, "name", name, count)
    return model


def insert_copies(model, label, text, count, timestamp="updated_at", new_ids=()):
    """Insert `count` - 1 copies of `model` (a stored quiz, question or release), their
    `label` field "`text` <n>", their `new_ids` fields new ids, each a minute older
    (`timestamp`) than the one before, the first a minute older than the oldest its
    owner had."""
    collection = connection.get_collection(model._meta.db_table)
    document = collection.find_one({"_id": model.pk})
    oldest = collection.find_one({"owner_id": model.owner_id}, sort=[(timestamp, 1)])
    copies = [
        {
            **document,
            "_id": ObjectId(),
            **{field: ObjectId() for field in new_ids},
            label: f"{text} {number}",
            timestamp: oldest[timestamp] - timedelta(minutes=number + 1),
        }
        for number in range(count - 1)
    ]
    if copies:
        collection.insert_many(copies)


def position(owner, depth, model=Quiz):
    """The position of `owner`'s quiz (or `model`) number `depth` in the lists (0: the
    newest)."""
    item = model.objects.filter(owner=owner).order_by("-updated_at", "-id")[depth]
    return Position(item.updated_at, item.pk)


def list_commands(client, url, model=Quiz, **extra):
    """(response, [(command, collection)] of what `client` GET `url` sent, but not the
    limiters' counters, and the list query itself (its command document: the first
    sorted aggregation of `model`'s collection; the dashboard's first page sorts the
    quizzes shared with its teacher after it)."""
    recorder = CommandRecorder()
    with backend_client_with(recorder):
        response = client.get(url, **extra)
    assert response.status_code == 200, response.content[:500]
    seen = []
    for name, command in recorder.commands:
        collection = command["collection"] if name == "getMore" else command.get(name)
        collection = collection if isinstance(collection, str) else None
        if collection not in NOT_COUNTED:
            seen.append((name, collection))
    lists = [
        command
        for name, command in recorder.commands
        if name == "aggregate"
        and command["aggregate"] == model._meta.db_table
        and any("$sort" in stage for stage in command["pipeline"])
    ]
    assert lists, seen
    return response, seen, lists[0]


def explain(list_command):
    """(documents examined, plan stages, index names) of the list query `list_command`
    as MongoDB runs it now."""
    query = {"aggregate": list_command["aggregate"], "pipeline": list_command["pipeline"]}
    if "hint" in list_command:
        query["hint"] = list_command["hint"]
    explained = connection.database.command(
        "explain", {**query, "cursor": {}}, verbosity="executionStats"
    )
    if "stages" in explained:  # a pipeline not wholly run by the query layer
        stages = [next(iter(stage)) for stage in explained["stages"]]
        explained = explained["stages"][0]["$cursor"]
    else:
        stages = []
    plan = explained["queryPlanner"]["winningPlan"]
    plan_stages, indexes = [], set()
    pending = [plan]
    while pending:
        stage = pending.pop()
        plan_stages.append(stage["stage"])
        if "indexName" in stage:
            indexes.add(stage["indexName"])
        pending += stage.get("inputStages", [])
        pending += [stage["inputStage"]] if "inputStage" in stage else []
        pending += [stage["queryPlan"]] if "queryPlan" in stage else []
    return explained["executionStats"]["totalDocsExamined"], stages + plan_stages, indexes
