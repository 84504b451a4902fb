"""A teacher's data at two scales, and what one request asks MongoDB.

`World` is made small through the application (`small_world`): a bank category
holding one multiple-choice question whose text shows an image, a published quiz
of that one question with a submitted attempt and one in progress, 50 quizzes in
all. `grow` then makes it large with raw `insert_many`s of copies of those very
documents (fast, and shaped as the application stores them): 1,000 questions in
the bank category, the quiz and its live release, and 20,000 quizzes; new
attempts are made on the grown release.

`commands(recorder)` is what the count tables compare: the (command, collection)
of every command a request sent, in order, counting:
- every collection of the application, Django's (sessions, users, tokens, admin
  log, content types) and the media bucket's, but not `openquizz_limits`, the
  rate limiters' counters (openquizz.limits), which belong to the limiters;
- commitTransaction and abortTransaction (collection None): a request's
  transaction is part of its cost;
- not getMore: it continues the cursor of a query already counted (how many
  documents a query reads is for explain, not for these counts).
"""

import copy
import io
from dataclasses import dataclass, field

from bson import ObjectId
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.urls import reverse
from PIL import Image
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from quizzes import attempts, bank, media, operations, releases, revisions
from quizzes.formats.store import import_file
from quizzes.models import Attempt, Category, Question, QuestionVersion, Quiz, Release, Revision

SMALL_QUIZZES = 50
LARGE_QUIZZES = 20_000
LARGE_QUESTIONS = 1_000
NOT_COUNTED = {"openquizz_limits"}
# A file the tables import; the world imports it once first, as a teacher who imported
# before (the first import makes the category imports go to).
GIFT = b"::Sum:: 1 + 1 = ? {=2 ~3}"


def commands(recorder):
    """(command, collection) of what `recorder` saw, as the module docstring says."""
    seen = []
    for name, command in recorder.commands:
        if name == "getMore":
            continue
        collection = command.get(name)
        collection = collection if isinstance(collection, str) else None
        if collection not in NOT_COUNTED:
            seen.append((name, collection))
    return seen


def png_bytes():
    """A one-pixel PNG (any image would do: what matters is that a text shows one)."""
    out = io.BytesIO()
    Image.new("RGB", (1, 1), "red").save(out, "PNG")
    return out.getvalue()


@dataclass
class World:
    """The objects and clients the count tables' URLs and requests use."""

    teacher: object
    admin: object
    picture: object
    category: Category
    quiz: Quiz
    question: Question
    release: Release = None
    attempt: Attempt = None
    learner_key: str = ""
    api_attempt: Attempt = None
    clients: dict = field(default_factory=dict)
    password: str = ""

    @property
    def code(self):
        return self.quiz.share_code

    def attempt_key(self, attempt=None):
        return attempts.public_id(attempt or self.attempt)

    def refresh(self):
        """Read the quiz, question and category again, and make new attempts on its live
        release: submitted (the teacher's results), through the player (the learner's
        pages) and through the API (with its token)."""
        self.quiz.refresh_from_db()
        self.question.refresh_from_db()
        self.category.refresh_from_db()
        self.release = releases.live_release(self.quiz)
        started = attempts.start_attempt(self.release, name="Ann")
        attempts.save_responses(started, {str(self.question.pk): 0})
        self.attempt = attempts.submit(started)
        learner = Client()
        started = learner.post(reverse("player:start", args=[self.code]), {"name": "Ada"})
        assert started.status_code == 303, started.content
        self.learner_key = started["Location"].split("/a/")[1].split("/")[0]
        self.api_attempt = attempts.start_attempt(self.release, name="Bob")
        api_learner = APIClient()
        api_learner.credentials(HTTP_X_ATTEMPT_TOKEN=self.api_attempt.token)
        self.clients = {
            "teacher": signed_in(Client(), self.teacher),
            "api_session": signed_in(APIClient(), self.teacher),
            "admin": signed_in(Client(), self.admin),
            # For the requests that sign out.
            "leaving": signed_in(Client(), self.teacher),
            "leaving_admin": signed_in(Client(), self.admin),
            "anonymous": Client(),
            "api_anonymous": APIClient(),
            "learner": learner,
            "api_learner": api_learner,
        }


def signed_in(client, user):
    client.force_login(user)
    return client


def small_world(teacher):
    """The small scale, made through the application (see the module docstring)."""
    admin = User.objects.create_superuser("admin")
    Token.objects.create(user=teacher)
    picture = media.store(teacher, "pic.png", png_bytes())
    category = bank.create_category(teacher, {"name": "Biology"})
    question = bank.create_question(
        teacher,
        category,
        {
            "type": "multichoice",
            "name": "Cells",
            "text": f"Which is a cell? ![a cell]({picture.url})",
            "answers": [
                {"text": "A neuron", "fraction": 100, "feedback": "Yes."},
                {"text": "A stone", "fraction": 0, "feedback": "No."},
            ],
        },
    )
    quiz = operations.create_quiz_of(teacher, {"title": "Cells"}, [question.pk], category.pk)
    operations.publish_quiz(quiz)
    import_file(teacher, GIFT, filename="sum.gift")
    world = World(teacher, admin, picture, category, quiz, question)
    copy_quizzes(quiz, SMALL_QUIZZES - 1)
    world.refresh()
    return world


def documents(model, query):
    return list(connection.get_collection(model._meta.db_table).find(query))


def insert(model, rows):
    connection.get_collection(model._meta.db_table).insert_many(rows, ordered=False)


def copy_quizzes(quiz, count):
    """`count` quizzes of `quiz`'s owner: copies of `quiz` as an empty draft never shared
    (copies using its question would make it a question used by 20,000 quizzes)."""
    (original,) = documents(Quiz, {"_id": quiz.pk})
    original.pop("share_code", None)
    original.update(status="draft", slots=[], question_count=0, category=None)
    insert(Quiz, [{**original, "_id": ObjectId(), "title": f"Quiz {n}"} for n in range(count)])


def grow(world):
    """From the small scale to the large one (see the module docstring)."""
    copy_quizzes(world.quiz, LARGE_QUIZZES - SMALL_QUIZZES)
    more = LARGE_QUESTIONS - 1
    (question,) = documents(Question, {"_id": world.question.pk})
    versions = documents(QuestionVersion, {"question_id": world.question.pk})
    ids = [ObjectId() for _ in range(more)]
    insert(Question, [{**question, "_id": pk, "name": f"Cells {n}"} for n, pk in enumerate(ids)])
    insert(
        QuestionVersion,
        [{**version, "_id": ObjectId(), "question_id": pk} for pk in ids for version in versions],
    )

    (quiz,) = documents(Quiz, {"_id": world.quiz.pk})
    slot = quiz["slots"][0]
    slots = [{**slot, "uid": ObjectId(), "question": pk} for pk in ids]
    connection.get_collection(Quiz._meta.db_table).update_one(
        {"_id": world.quiz.pk},
        {"$push": {"slots": {"$each": slots}}, "$set": {"question_count": LARGE_QUESTIONS}},
    )
    # Its revisions hold those slots too, so that restoring one keeps the quiz large.
    recorded = [{f: revisions.plain(slot.get(f)) for f in revisions.SLOT_FIELDS} for slot in slots]
    connection.get_collection(Revision._meta.db_table).update_many(
        {"quiz_id": world.quiz.pk}, {"$push": {"snapshot.slots": {"$each": recorded}}}
    )
    grow_release(world.release, world.question.pk, ids)
    world.refresh()


def grow_release(release, question_id, ids):
    """The live release with the questions `ids` too, copies of its question `question_id`."""
    (document,) = documents(Release, {"_id": release.pk})
    first = str(question_id)
    (slot,) = [slot for slot in document["slots"] if slot.get("question") == first]
    changes = {
        "slots": document["slots"]
        + [{**slot, "uid": str(ObjectId()), "question": str(pk)} for pk in ids],
        "question_count": LARGE_QUESTIONS,
    }
    for name in ("versions", "learner", "key"):
        entries = dict(document[name])
        for pk in ids:
            entry = copy.deepcopy(entries[first])
            if isinstance(entry, dict) and "id" in entry:
                entry["id"] = str(pk)
            entries[str(pk)] = entry
        changes[name] = entries
    connection.get_collection(Release._meta.db_table).update_one(
        {"_id": release.pk}, {"$set": changes}
    )
