"""`manage.py import_quizzes FILE... --owner USER`: GIFT, Moodle XML or OpenQuizz JSON.

Each file is read and checked whole before anything is written; then its
quizzes are created in one transaction. A file with an error writes nothing
and is reported with its line; the other files still import. The exit
status is 1 when any file failed.
"""

import sys
from collections import Counter
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from pymongo.errors import PyMongoError
from tqdm import tqdm

from quizzes.formats import FORMATS, FormatError, parse
from quizzes.formats.store import create_quizzes
from sessions_mw.outside import run_in_transaction

WARNINGS_SHOWN = 20


def get_user(username):
    """The user called `username`, or a CommandError saying how to create one."""
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise CommandError(
            _("No user “%(name)s”: create one with manage.py createteacher %(name)s.")
            % {"name": username}
        ) from None


def reason(error):
    """What went wrong with a file; a database error's own message is in its cause."""
    if isinstance(error, DatabaseError | PyMongoError):
        return _("database error: %(error)s") % {"error": error.__cause__ or error}
    return str(error)


def counted(counts):
    """ "3 multichoice, 1 essay" from [(name, count)]."""
    return ", ".join(f"{count} {name}" for name, count in counts)


class Command(BaseCommand):
    help = gettext_lazy(
        "Import quizzes from GIFT, Moodle XML or OpenQuizz JSON files. Each file is imported "
        "in one transaction: a file with an error writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--owner", required=True, help=_("user name of the quizzes' owner"))
        parser.add_argument(
            "--format",
            choices=["auto", *FORMATS],
            default="auto",
            help=_("format of the files (default: detected from each file)"),
        )
        parser.add_argument(
            "--dry-run", action="store_true", help=_("check the files, write nothing")
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help=_("refuse a file with questions of a type OpenQuizz does not have"),
        )

    def handle(self, *args, files, owner, format, dry_run, strict, **options):
        self.progress_stream = options.get("stderr") or sys.stderr
        user = get_user(owner)
        totals = Counter()
        for path in files:
            try:
                result = self.read(Path(path), format, strict)
                quizzes = [] if dry_run else self.save(user, result)
            except (OSError, FormatError, DatabaseError, PyMongoError) as error:
                totals["failed"] += 1
                self.stderr.write(
                    _("%(file)s: %(error)s — nothing was written for this file.")
                    % {"file": path, "error": reason(error)}
                )
                continue
            totals["quizzes"] += len(result.quizzes)
            totals["questions"] += result.question_count
            self.report(path, result, quizzes, dry_run)
        if len(files) > 1:
            self.stdout.write(
                _(
                    "%(files)s files: %(quizzes)s quizzes, %(questions)s questions; %(failed)s failed."
                )
                % {
                    "files": len(files),
                    **{key: totals[key] for key in ("quizzes", "questions", "failed")},
                }
            )
        if totals["failed"]:
            raise CommandError(
                ngettext("%(count)s file failed.", "%(count)s files failed.", totals["failed"])
                % {"count": totals["failed"]},
                returncode=1,
            )

    def read(self, path, format, strict):
        """The ParseResult of one file, with a progress bar on a terminal."""
        data = path.read_bytes()
        with tqdm(
            total=len(data),
            desc=path.name,
            unit="B",
            unit_scale=True,
            leave=False,
            file=self.progress_stream,
            disable=not self.progress_stream.isatty(),
        ) as bar:

            def progress(done):
                bar.update(int(done * len(data)) - bar.n)

            return parse(data, format=format, filename=path.name, strict=strict, progress=progress)

    def save(self, user, result):
        return run_in_transaction(lambda: create_quizzes(user, result.quizzes, result.categories))

    def report(self, path, result, quizzes, dry_run):
        summary = {
            "file": path,
            "quizzes": ngettext("%(count)s quiz", "%(count)s quizzes", len(result.quizzes))
            % {"count": len(result.quizzes)},
            "questions": ngettext(
                "%(count)s question", "%(count)s questions", result.question_count
            )
            % {"count": result.question_count},
            "types": counted(result.types()),
        }
        if dry_run:
            line = _("%(file)s: would import %(quizzes)s, %(questions)s (%(types)s).")
        else:
            line = _("%(file)s: imported %(quizzes)s, %(questions)s (%(types)s).")
        self.stdout.write(self.style.SUCCESS(line % summary))
        for quiz in quizzes:
            self.stdout.write(
                _("  “%(title)s” (id %(id)s): %(count)s questions")
                % {"title": quiz.title, "id": quiz.pk, "count": quiz.question_count}
            )
        if result.skipped:
            self.stdout.write(
                _("  skipped: %(reasons)s") % {"reasons": counted(result.skipped.most_common())}
            )
        for warning in result.warnings[:WARNINGS_SHOWN]:
            self.stdout.write(self.style.WARNING(_("  warning: %(text)s") % {"text": warning}))
        if len(result.warnings) > WARNINGS_SHOWN:
            self.stdout.write(
                _("  ... and %(count)s more warnings")
                % {"count": len(result.warnings) - WARNINGS_SHOWN}
            )
