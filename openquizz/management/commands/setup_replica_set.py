"""`manage.py setup_replica_set`: make a deployment's replica set ready for the app.

Run once before the web servers start, on every start (docker-compose.yml runs
it as the `mongo-setup` service); each step is skipped when already done:

1. wait until the first member answers, and sign in as the root user (the
   mongo image creates it from its secret when the member's data directory is
   empty: MONGO_ROOT_USERNAME, MONGO_ROOT_PASSWORD or MONGO_ROOT_PASSWORD_FILE);
2. initiate the replica set with the members given, unless it already is;
3. wait until the set has a primary;
4. create the app's user (settings.DATABASES: MONGODB_USERNAME, MONGODB_PASSWORD
   or MONGODB_PASSWORD_FILE) with readWrite on the app's database and nothing
   else, or set its password and roles back to those.

It connects as root with a client of its own: the app's connection
(openquizz.settings) signs in as the app's user, who does not exist yet.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from pymongo import MongoClient
from pymongo.errors import OperationFailure, PyMongoError

from openquizz.env import env_list, env_secret

# replSetGetStatus before replSetInitiate.
NOT_YET_INITIALIZED = 94
# How long to wait for the first member, then for an elected primary.
WAIT_SECONDS = 120
# Each try's wait for a server, so that waiting says what it waits for.
SELECTION_MS = 5000


class Command(BaseCommand):
    help = (
        "Initiate the replica set (if needed) and create the app's MongoDB user with "
        "readWrite on its database only. Idempotent: run it on every deployment start."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--members",
            default=",".join(env_list("MONGODB_MEMBERS")),
            help="host:port of each member, comma-separated, the first one first "
            "(default: $MONGODB_MEMBERS).",
        )
        parser.add_argument("--replica-set", default="rs0", help="the replica set's name")
        parser.add_argument("--wait", type=float, default=WAIT_SECONDS, help="seconds to wait")

    def handle(self, *args, members, replica_set, wait, **options):
        hosts = [host.strip() for host in members.split(",") if host.strip()]
        if not hosts:
            raise CommandError("Name the members: --members host:port,... or $MONGODB_MEMBERS.")
        database = settings.DATABASES["default"]
        app_user, app_password = database["USER"], database["PASSWORD"]
        if not (app_user and app_password):
            raise CommandError(
                "Set MONGODB_USERNAME and MONGODB_PASSWORD (or MONGODB_PASSWORD_FILE): "
                "the app's user to create."
            )
        root = {
            "username": env_secret("MONGO_ROOT_USERNAME", "root"),
            "password": env_secret("MONGO_ROOT_PASSWORD"),
            "serverSelectionTimeoutMS": SELECTION_MS,
        }
        if not root["password"]:
            raise CommandError("Set MONGO_ROOT_PASSWORD or MONGO_ROOT_PASSWORD_FILE.")
        self.deadline = time.monotonic() + wait
        try:
            with MongoClient(hosts[0], directConnection=True, **root) as first:
                self.initiate(first, replica_set, hosts)
            with MongoClient(hosts, replicaSet=replica_set, **root) as cluster:
                self.wait_for(
                    lambda: cluster.admin.command("hello").get("isWritablePrimary"), "a primary"
                )
                self.ensure_user(cluster.admin, app_user, app_password, database["NAME"])
        except OperationFailure as error:
            raise CommandError(f"MongoDB refused: {error.details.get('errmsg', error)}") from None

    def initiate(self, first, replica_set, hosts):
        self.wait_for(lambda: first.admin.command("ping"), f"{hosts[0]} to answer as root")
        try:
            first.admin.command("replSetGetStatus")
        except OperationFailure as error:
            if error.code != NOT_YET_INITIALIZED:
                raise
            members = [{"_id": number, "host": host} for number, host in enumerate(hosts)]
            first.admin.command("replSetInitiate", {"_id": replica_set, "members": members})
            self.stdout.write(f"Replica set {replica_set!r} initiated: {', '.join(hosts)}.")
        else:
            self.stdout.write(f"Replica set {replica_set!r} already initiated.")

    def ensure_user(self, admin, user, password, database_name):
        roles = [{"role": "readWrite", "db": database_name}]
        exists = admin.command("usersInfo", user)["users"]
        command = "updateUser" if exists else "createUser"
        admin.command(command, user, pwd=password, roles=roles, writeConcern={"w": "majority"})
        done = "updated" if exists else "created"
        self.stdout.write(f"User {user!r} {done}: readWrite on {database_name!r} only.")

    def wait_for(self, ready, what):
        """Call `ready` until it answers truthy; CommandError after the deadline."""
        while True:
            try:
                if ready():
                    return
                error = "not yet"
            except OperationFailure:
                raise
            except PyMongoError as exc:
                error = exc
            if time.monotonic() > self.deadline:
                raise CommandError(f"Gave up waiting for {what}: {error}")
            time.sleep(1)
