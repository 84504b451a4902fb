"""`manage.py media_gc [--delete] [--min-age HOURS]`: the media files nothing references.

Lists the files (quizzes.media) that no question, question version or release
references, with their sizes and the total: a dry run, unless `--delete`,
which removes them (file document and chunks, each in a transaction of its
own, re-checked inside it). Files younger than `--min-age` hours (24 by
default) are left alone: an image just uploaded waits for the question that
will reference it. Safe to run at any time, from cron too.
"""

import sys
from datetime import UTC, datetime, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from tqdm import tqdm

from quizzes import media
from quizzes.management.base import TranslatedCommand
from sessions_mw.outside import run_in_transaction


def mebibytes(size):
    return f"{size / 2**20:.2f} MiB"


class Command(TranslatedCommand):
    help = gettext_lazy(
        "List the media files that nothing references (a dry run); --delete removes them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--delete", action="store_true", help=gettext_lazy("Remove the files listed.")
        )
        parser.add_argument(
            "--min-age",
            type=float,
            default=24,
            metavar="HOURS",
            help=gettext_lazy("Leave alone files stored less than this many hours ago."),
        )

    def handle(self, *args, **options):
        before = datetime.now(UTC) - timedelta(hours=options["min_age"])
        found = media.unreferenced(before)
        for document in found:
            meta = document["metadata"]
            self.stdout.write(
                f"{meta['sha256']}  {mebibytes(document['length']):>12}  "
                f"{document['uploadDate']:%Y-%m-%d %H:%M}  {meta['owner']}  {meta['name']}"
            )
        total = sum(document["length"] for document in found)
        summary = {"count": len(found), "size": mebibytes(total)}
        if not options["delete"]:
            self.stdout.write(
                _("%(count)s unreferenced files, %(size)s. Run again with --delete to remove them.")
                % summary
            )
            return
        removed = 0
        stream = options.get("stderr") or sys.stderr
        for document in tqdm(found, unit="file", file=stream, disable=not stream.isatty()):
            removed += run_in_transaction(
                lambda document=document: media.remove_unreferenced(document)
            )
        self.stdout.write(
            _("Removed %(removed)s of %(count)s unreferenced files (%(size)s).")
            % {**summary, "removed": removed}
        )
