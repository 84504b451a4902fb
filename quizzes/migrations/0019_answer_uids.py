from bson import ObjectId
from django.db import migrations, models

# Every stored answer gets its identity (quizzes.models.Answer.uid), so that a
# three-way merge matches answers by it. Before uids, an answer's place was its
# identity: a question's answers are numbered by their place ("1", "2"...,
# quizzes.bank.answer_uids), and each answer of a stored version of it gets the uid of
# the question's answer at the same place (its own number past the question's last).

BATCH = 1000


def uids_for(answers, inherited=()):
    """The uid of each answer of `answers` (stored documents): its own when it has one,
    else `inherited`'s at its place, else its place's number, else an ObjectId's hex
    (each unique among the answers)."""
    taken = {answer["uid"] for answer in answers if answer.get("uid")}
    uids = []
    for index, answer in enumerate(answers):
        uid = answer.get("uid")
        if not uid:
            candidates = [*inherited[index : index + 1], str(index + 1)]
            uid = next((c for c in candidates if c not in taken), None) or str(ObjectId())
            taken.add(uid)
        uids.append(uid)
    return uids


def missing(answers, uids, prefix):
    """{"<prefix>.<i>.uid": uid} of the answers that had none."""
    return {
        f"{prefix}.{index}.uid": uid
        for index, (answer, uid) in enumerate(zip(answers, uids, strict=True))
        if answer.get("uid") != uid
    }


def give_answers_uids(apps, schema_editor):
    """A batch of questions at a time: one find of their versions, one bulk write of each
    collection. Running it again changes nothing."""
    from pymongo import UpdateOne

    collection = schema_editor.connection.get_collection
    questions, versions = collection("quizzes_question"), collection("quizzes_questionversion")
    batch = []
    for question in questions.find({}, {"answers.uid": 1}).sort("_id", 1):
        batch.append(question)
        if len(batch) == BATCH:
            give_batch(batch, questions, versions, UpdateOne)
            batch = []
    give_batch(batch, questions, versions, UpdateOne)


def give_batch(batch, questions, versions, update_one):
    uids = {}
    writes = []
    for question in batch:
        answers = question.get("answers") or []
        uids[question["_id"]] = uids_for(answers)
        if changes := missing(answers, uids[question["_id"]], "answers"):
            writes.append(update_one({"_id": question["_id"]}, {"$set": changes}))
    if writes:
        questions.bulk_write(writes, ordered=False)
    writes = []
    stored = versions.find({"question_id": {"$in": list(uids)}}, {"question_id": 1, "data": 1})
    for version in stored:
        answers = (version.get("data") or {}).get("answers") or []
        given = uids_for(answers, uids[version["question_id"]])
        if changes := missing(answers, given, "data.answers"):
            writes.append(update_one({"_id": version["_id"]}, {"$set": changes}))
    if writes:
        versions.bulk_write(writes, ordered=False)


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0018_shares"),
    ]

    operations = [
        migrations.AddField(
            model_name="answer",
            name="uid",
            field=models.CharField(blank=True, max_length=64, verbose_name="answer id"),
        ),
        migrations.RunPython(give_answers_uids, migrations.RunPython.noop),
    ]
