"""`manage.py export_quizzes (--owner USER [--shared] | --all) [--format FMT] [-o DIR]`.

--owner exports the user's own quizzes; with --shared, also those colleagues
share with them (quizzes.access: a viewer may export what they see).

With -o DIR: one file per quiz in DIR, named after the quiz's title (made
safe for every file system; " (2)" added when two quizzes share a title), so
that importing the file gives the quiz back its title.
Without -o: the export goes to standard output, which takes one file only:
every quiz in one document for OpenQuizz JSON; for GIFT and Moodle XML,
which hold one quiz per file, only when there is exactly one quiz.
"""

import sys
from pathlib import Path

from django.core.management.base import CommandError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from tqdm import tqdm

from quizzes.access import shared_quiz_roles
from quizzes.formats import FORMATS, file_name
from quizzes.management.base import ExportCommand
from quizzes.management.commands.import_quizzes import get_user
from quizzes.models import Quiz
from quizzes.operations import quiz_data


class Command(ExportCommand):
    help = gettext_lazy(
        "Export quizzes as OpenQuizz JSON, GIFT or Moodle XML: one file per quiz into a "
        "directory (-o), or to standard output."
    )

    def add_arguments(self, parser):
        whose = parser.add_mutually_exclusive_group(required=True)
        whose.add_argument("--owner", help=_("export the quizzes of this user"))
        whose.add_argument("--all", action="store_true", help=_("export every quiz"))
        parser.add_argument(
            "--shared",
            action="store_true",
            help=_("with --owner: also the quizzes colleagues share with this user"),
        )
        parser.add_argument("--format", choices=list(FORMATS), default="json")
        parser.add_argument(
            "-o", "--output", metavar="DIR", help=_("directory for the files (created if needed)")
        )
        self.add_base_url_argument(parser)

    def handle(self, *args, owner, all, shared, format, output, base_url, **options):
        if shared and all:
            raise CommandError(_("--shared goes with --owner: --all exports every quiz."))
        quizzes = Quiz.objects.order_by("title", "id")
        # Everyone's quizzes (--all) carry their files, whoever stored them.
        user = None if all else get_user(owner)
        if user is not None:
            whose = Q(owner=user)
            if shared:
                whose |= Q(pk__in=list(shared_quiz_roles(user)))
            quizzes = quizzes.filter(whose)
        count = quizzes.count()
        if not count:
            self.stderr.write(_("No quiz to export."))
        elif output is None:
            self.to_stdout(quizzes, count, format, base_url, user)
        else:
            self.to_directory(quizzes, count, format, Path(output), base_url, options)

    def to_stdout(self, quizzes, count, format, base_url, user):
        if count > 1 and not FORMATS[format].many_quizzes:
            raise CommandError(
                _(
                    "%(count)s quizzes, but %(format)s holds one quiz per file: give -o DIR "
                    "to write one file per quiz."
                )
                % {"count": count, "format": FORMATS[format].label}
            )
        content, _type, _extension = self.write(
            [quiz_data(quiz) for quiz in quizzes], format, base_url, user
        )
        self.stdout.write(content.decode("utf-8"), ending="")

    def to_directory(self, quizzes, count, format, directory, base_url, options):
        directory.mkdir(parents=True, exist_ok=True)
        stream = options.get("stderr") or sys.stderr
        taken = set()
        with tqdm(total=count, unit="quiz", file=stream, disable=not stream.isatty()) as bar:
            for quiz in quizzes.iterator():
                content, _type, extension = self.write(
                    quiz_data(quiz), format, base_url, quiz.owner
                )
                path = directory / file_name(quiz.title, extension, taken)
                path.write_bytes(content)
                bar.update()
        self.stdout.write(
            self.style.SUCCESS(
                ngettext(
                    "Wrote %(count)s file to %(dir)s.", "Wrote %(count)s files to %(dir)s.", count
                )
                % {"count": count, "dir": directory}
            )
        )
