"""`manage.py mongod start|stop|status`: the embedded MongoDB of `make run`."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from openquizz.mongod import LocalMongod, MongodError


class Command(BaseCommand):
    help = (
        "Start, stop or show the embedded MongoDB replica set (not used when MONGODB_URI is set)."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["start", "stop", "status"])

    def handle(self, *args, action, **options):
        if os.environ.get("MONGODB_URI"):
            self.stdout.write(
                "MONGODB_URI is set: the embedded MongoDB is not used "
                f"(the app connects to {settings.MONGODB_URI.split('@')[-1]})."
            )
            return
        server = LocalMongod(data_dir=settings.MONGO_DATA_DIR, port=settings.MONGO_PORT)
        try:
            getattr(self, action)(server)
        except MongodError as exc:
            raise CommandError(str(exc)) from None

    def start(self, server):
        if server.start():
            self.stdout.write(self.style.SUCCESS(f"MongoDB started: {server.uri} is PRIMARY."))
        else:
            self.stdout.write(f"MongoDB is already running: {server.uri}.")

    def stop(self, server):
        if server.stop():
            self.stdout.write(self.style.SUCCESS("MongoDB stopped."))
        else:
            self.stdout.write("MongoDB is not running.")

    def status(self, server):
        info = server.status()
        if not info["running"]:
            self.stdout.write(
                f"MongoDB is not running (port {info['port']}, data in {info['data_dir']})."
            )
            return
        self.stdout.write(
            "MongoDB is running: pid {pid}, port {port}, version {version}, "
            "replica set {replica_set} ({state}), data in {data_dir}.".format(**info)
        )
