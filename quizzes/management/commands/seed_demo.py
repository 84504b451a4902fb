"""`manage.py seed_demo`: the demo teacher and its demo quizzes, for development."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand

from quizzes import demo


class Command(BaseCommand):
    help = (
        "Create the demo teacher and its demo quizzes (idempotent). The password comes "
        f"from OPENQUIZZ_DEMO_PASSWORD, else it is {demo.DEFAULT_PASSWORD!r}."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="run even though DEBUG is off (not advised)"
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            # Not an error: `make run` calls this command whatever DEBUG says.
            self.stderr.write(
                "DEBUG is off: no demo teacher created (a known password does not belong "
                "in production). Use --force if you really want one."
            )
            return
        password = os.environ.get("OPENQUIZZ_DEMO_PASSWORD") or demo.DEFAULT_PASSWORD
        teacher, created = demo.seed(password)
        for title in created:
            self.stdout.write(f"Created demo quiz: {title}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo teacher ready. Log in with user name {teacher.username!r} "
                f"and password {password!r}."
            )
        )
