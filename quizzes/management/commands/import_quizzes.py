"""`manage.py import_quizzes FILE... --owner USER`: GIFT, Moodle XML or OpenQuizz JSON.

Each file's questions go into the owner's question bank under the file's
categories (a category named after the file when it has none), and each of
its quizzes becomes a draft quiz of those questions, unless `--bank-only`
or it holds more than a quiz may (SLOTS_MAX questions: the output says so).
A file is all or nothing: small files in one transaction, larger ones
staged in batches invisible to everyone and made visible at the end by one
small transaction (quizzes.formats.store). A file with an error writes
nothing and is reported with its line; the other files still import. Before
importing, the remains of imports that died are deleted (as
`cleanup_imports` does). The exit status is 1 when any file failed.
"""

import sys
from collections import Counter
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import DatabaseError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from pymongo.errors import PyMongoError
from tqdm import tqdm

from quizzes.formats import FORMATS, FormatError
from quizzes.formats.store import ImportAbandoned, cleanup_abandoned, import_file
from quizzes.management.base import TranslatedCommand

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


class Command(TranslatedCommand):
    help = gettext_lazy(
        "Import GIFT, Moodle XML or OpenQuizz JSON files into a teacher's question bank, "
        "with a draft quiz per file. A file with an error writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--owner", required=True, help=_("user name of the bank's owner"))
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
        parser.add_argument(
            "--bank-only",
            action="store_true",
            help=_("put the questions into the bank only, without making quizzes of them"),
        )

    def handle(self, *args, files, owner, format, dry_run, strict, bank_only, **options):
        self.progress_stream = options.get("stderr") or sys.stderr
        self.verbosity = options.get("verbosity", 1)
        user = get_user(owner)
        if not dry_run:
            self.clean_up()
        totals = Counter()
        for path in files:
            try:
                imported = self.read(Path(path), user, format, strict, bank_only, dry_run)
            except (OSError, FormatError, DatabaseError, PyMongoError, ImportAbandoned) as error:
                totals["failed"] += 1
                self.stderr.write(
                    _("%(file)s: %(error)s — nothing was written for this file.")
                    % {"file": path, "error": reason(error)}
                )
                continue
            totals["quizzes"] += len(imported.quizzes)
            totals["questions"] += imported.questions
            self.report(path, imported, dry_run, bank_only)
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

    def clean_up(self):
        for run, removed in cleanup_abandoned():
            self.stderr.write(
                _(
                    "Deleted the remains of an import that did not finish: %(file)s (%(count)s questions)."
                )
                % {"file": run.filename, "count": removed}
            )

    def read(self, path, user, format, strict, bank_only, dry_run):
        """The Imported of one file, with a progress bar on a terminal."""
        with path.open("rb") as file:
            size = path.stat().st_size
            with tqdm(
                total=size,
                desc=path.name,
                unit="B",
                unit_scale=True,
                leave=False,
                file=self.progress_stream,
                disable=not self.progress_stream.isatty(),
            ) as bar:

                def progress(done):
                    bar.update(int(done * size) - bar.n)

                return import_file(
                    user,
                    file,
                    format=format,
                    filename=path.name,
                    strict=strict,
                    bank_only=bank_only,
                    progress=progress,
                    dry_run=dry_run,
                )

    def report(self, path, imported, dry_run, bank_only):
        questions = ngettext("%(count)s question", "%(count)s questions", imported.questions) % {
            "count": imported.questions
        }
        summary = {
            "file": path,
            "questions": questions,
            "types": counted(imported.types.most_common()),
        }
        quizzes = len(imported.result.quizzes) - len(imported.bank_only)
        if bank_only or not quizzes:
            summary["quizzes"] = _("into the bank only")
            line = (
                _("%(file)s: would import %(questions)s %(quizzes)s (%(types)s).")
                if dry_run
                else _("%(file)s: imported %(questions)s %(quizzes)s (%(types)s).")
            )
        else:
            summary["quizzes"] = ngettext("%(count)s quiz", "%(count)s quizzes", quizzes) % {
                "count": quizzes
            }
            line = (
                _("%(file)s: would import %(quizzes)s, %(questions)s (%(types)s).")
                if dry_run
                else _("%(file)s: imported %(quizzes)s, %(questions)s (%(types)s).")
            )
        self.stdout.write(self.style.SUCCESS(line % summary))
        for message in imported.bank_only:
            self.stdout.write(self.style.WARNING("  " + message))
        if imported.category is not None:
            self.stdout.write(
                _("  staged in batches, now in the bank's category “%(name)s”")
                % {"name": imported.category.name}
            )
        for quiz in imported.quizzes:
            self.stdout.write(
                _("  “%(title)s” (id %(id)s): %(count)s questions")
                % {"title": quiz.title, "id": quiz.pk, "count": quiz.question_count}
            )
        result = imported.result
        if result.skipped:
            self.stdout.write(
                _("  skipped: %(reasons)s") % {"reasons": counted(result.skipped.most_common())}
            )
        self.notes(imported.rows, imported.result.notes_left_out)

    def notes(self, rows, left_out=0):
        """The import report: each note, with its question's name when it has one."""
        notes = [(question, note) for question, _number, _line, found in rows for note in found]
        shown = notes if self.verbosity > 1 else notes[:WARNINGS_SHOWN]
        for question, note in shown:
            name = f" [{question['name']}]" if question else ""
            self.stdout.write(self.style.WARNING(_("  note: %(text)s") % {"text": f"{note}{name}"}))
        if len(notes) > len(shown):
            self.stdout.write(
                _("  ... and %(count)s more notes (all of them with --verbosity 2)")
                % {"count": len(notes) - len(shown)}
            )
        if left_out:
            self.stdout.write(
                _("  ... and %(count)s more notes not kept (a report keeps %(limit)s)")
                % {"count": left_out, "limit": len(notes)}
            )
