"""`manage.py check_mongo`: can this MongoDB run OpenQuizz?

Checks, by doing them rather than by reading flags:

- the server answers, runs MongoDB 6.0 or newer, and is the primary;
- it is a replica set, every member healthy;
- transactions: one committed on a scratch collection is there, one aborted
  left nothing (the scratch collection is dropped afterwards);
- causal consistency: a majority write is read back in the same causally
  consistent session, from a secondary when there is one;
- every index the quizzes models declare exists, and the media bucket's
  (`manage.py migrate` makes them).

Prints one line per check; exits 1 listing what is wrong when anything is.
"""

import pymongo
from bson import ObjectId
from django.apps import apps
from django.core.management.base import CommandError
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_mongodb_backend.models import EmbeddedModel
from pymongo.errors import OperationFailure, PyMongoError
from pymongo.read_concern import ReadConcern
from pymongo.write_concern import WriteConcern

from openquizz.health import mongodb_status
from quizzes import media
from quizzes.indexes import TextIndex
from quizzes.management.base import TranslatedCommand

MINIMUM_VERSION = (6, 0)
SCRATCH_COLLECTION = "openquizz_check_mongo"
HEALTHY_STATES = {"PRIMARY", "SECONDARY", "ARBITER"}
UNAUTHORIZED = 13
# A member's state that only the clusterMonitor role may read (see member_states).
UNKNOWN_STATE = "state unknown (needs the clusterMonitor role)"


class Unhealthy(Exception):
    """A check found a problem; the message says which, for the administrator."""


def member_states(admin):
    """[{"name", "stateStr"}] of the replica set's members.

    replSetGetStatus needs the clusterMonitor role, which the app's user of a
    production deployment lacks (readWrite on its database only: README
    "Deploy"); it then gets what `hello` says: the members, the primary named
    as such, the others' state UNKNOWN_STATE.
    """
    try:
        return admin.command("replSetGetStatus")["members"]
    except OperationFailure as error:
        if error.code != UNAUTHORIZED:
            raise
    hello = admin.command("hello")
    listed = hello.get("hosts", []) + hello.get("passives", [])
    return [
        {"name": name, "stateStr": "PRIMARY" if name == hello.get("primary") else UNKNOWN_STATE}
        for name in listed
    ] + [{"name": name, "stateStr": "ARBITER"} for name in hello.get("arbiters", [])]


def expected_indexes(model):
    """{description: key} of the indexes a model declares, key as [(column, direction)]."""
    meta = model._meta
    expected = {}
    for index in meta.indexes:
        expected[index.name] = (
            TextIndex.STORED_KEY
            if isinstance(index, TextIndex)
            else [
                (meta.get_field(name.lstrip("-")).column, -1 if name.startswith("-") else 1)
                for name in index.fields
            ]
        )
    for field in meta.local_fields:
        if (field.db_index or field.unique) and not field.primary_key:
            expected[field.column] = [(field.column, 1)]
    return expected


def stored_direction(direction):
    """An index key's direction as listed (a float, or "text") as expected_indexes says it."""
    return direction if isinstance(direction, str) else int(direction)


def indexed_models():
    return [
        model
        for model in apps.get_app_config("quizzes").get_models()
        if not issubclass(model, EmbeddedModel)
    ]


class Command(TranslatedCommand):
    help = gettext_lazy(
        "Check that MongoDB can run OpenQuizz: version, replica set, transactions, causal "
        "consistency and indexes. Exits 1 when it cannot."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--timeout", type=float, default=10.0, help=_("seconds allowed for each check")
        )

    def handle(self, *args, timeout, **options):
        checks = [
            (_("Server"), self.server),
            (_("Replica set"), self.replica_set),
            (_("Transactions"), self.transactions),
            (_("Causal consistency"), self.causal_consistency),
            (_("Indexes"), self.indexes),
        ]
        problems = []
        for title, check in checks:
            try:
                with pymongo.timeout(timeout):
                    detail = check()
            except (Unhealthy, PyMongoError) as error:
                problems.append(f"{title}: {error}")
                self.stdout.write(self.style.ERROR(f"{title}: {_('FAILED')} — {error}"))
                if check == self.server:
                    break
            else:
                self.stdout.write(f"{title}: {detail}")
        if problems:
            raise CommandError(
                _("MongoDB cannot run OpenQuizz:") + "".join(f"\n  - {p}" for p in problems),
                returncode=1,
            )
        self.stdout.write(self.style.SUCCESS(_("MongoDB is ready for OpenQuizz.")))

    @property
    def database(self):
        return connection.connection[connection.settings_dict["NAME"]]

    def server(self):
        try:
            self.status = mongodb_status(connection)
        except PyMongoError as error:
            raise Unhealthy(_("MongoDB cannot be reached: %(error)s") % {"error": error}) from None
        version = self.status["version"]
        if tuple(int(part) for part in version.split(".")[:2]) < MINIMUM_VERSION:
            raise Unhealthy(
                _("MongoDB %(version)s is too old: OpenQuizz needs 6.0 or newer")
                % {"version": version}
            )
        if not self.status["is_primary"]:
            raise Unhealthy(
                _("this server is not the primary: point MONGODB_URI at the replica set")
            )
        return _("MongoDB %(version)s, database “%(name)s”") % {
            "version": version,
            "name": connection.settings_dict["NAME"],
        }

    def replica_set(self):
        if not self.status["replica_set"]:
            raise Unhealthy(_("not a replica set: transactions need one (a single member will do)"))
        members = member_states(connection.connection.admin)
        lines = [f"\n    {member['name']} {member['stateStr']}" for member in members]
        sick = [m["name"] for m in members if m["stateStr"] not in {*HEALTHY_STATES, UNKNOWN_STATE}]
        if sick:
            raise Unhealthy(
                _("members not healthy: %(names)s") % {"names": ", ".join(sick)} + "".join(lines)
            )
        return _("“%(name)s”, %(count)s member(s):") % {
            "name": self.status["replica_set"],
            "count": len(members),
        } + "".join(lines)

    def transactions(self):
        scratch = self.database[SCRATCH_COLLECTION].with_options(
            write_concern=WriteConcern("majority"), read_concern=ReadConcern("majority")
        )
        committed, aborted = ObjectId(), ObjectId()
        try:
            with connection.connection.start_session() as session:
                session.with_transaction(
                    lambda s: scratch.insert_one({"_id": committed}, session=s)
                )
                session.start_transaction()
                scratch.insert_one({"_id": aborted}, session=session)
                session.abort_transaction()
            if scratch.find_one({"_id": committed}) is None:
                raise Unhealthy(_("a committed transaction's write is missing"))
            if scratch.find_one({"_id": aborted}) is not None:
                raise Unhealthy(_("an aborted transaction's write is still there"))
        finally:
            scratch.drop()
        return _("ok (one committed and kept, one aborted and gone)")

    def causal_consistency(self):
        scratch = self.database[SCRATCH_COLLECTION]
        written = ObjectId()
        try:
            with connection.connection.start_session(causal_consistency=True) as session:
                scratch.with_options(write_concern=WriteConcern("majority")).insert_one(
                    {"_id": written}, session=session
                )
                reader = scratch.with_options(
                    read_concern=ReadConcern("majority"),
                    read_preference=pymongo.ReadPreference.SECONDARY_PREFERRED,
                )
                found = reader.find_one({"_id": written}, session=session)
                if found is None or session.operation_time is None:
                    raise Unhealthy(_("a write was not read back in its own causal session"))
        finally:
            scratch.drop()
        return _("ok (a majority write read back in its causally consistent session)")

    def indexes(self):
        missing, counts = [], []
        for model in indexed_models():
            table = model._meta.db_table
            present = [
                [(column, stored_direction(direction)) for column, direction in info["key"]]
                for info in self.database[table].index_information().values()
            ]
            expected = expected_indexes(model)
            missing += [f"{table}.{name}" for name, key in expected.items() if key not in present]
            counts.append(f"{table} {len(expected)}")
        for collection, indexes in media.BUCKET_INDEXES.items():
            present = [
                [(column, int(direction)) for column, direction in info["key"]]
                for info in self.database[collection].index_information().values()
            ]
            missing += [
                f"{collection}.{name}" for name, key, _unique in indexes if key not in present
            ]
            counts.append(f"{collection} {len(indexes)}")
        if missing:
            raise Unhealthy(
                _("missing indexes (run manage.py migrate): %(names)s")
                % {"names": ", ".join(missing)}
            )
        return _("ok (%(counts)s)") % {"counts": ", ".join(counts)}
