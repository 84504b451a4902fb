"""`manage.py cleanup_imports`: delete what imports that died left staged.

A large import stages its questions invisibly and records itself
(`ImportRun`); a process killed on the way leaves both behind. An import
whose heartbeat is older than the lease (quizzes.formats.store.LEASE), whose
process is gone, or that failed, is deleted with everything it staged;
imports still running are left alone. `import_quizzes` does the same before
importing. Safe to run at any time, from cron too.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from quizzes.formats.store import cleanup_abandoned
from quizzes.management.base import TranslatedCommand
from quizzes.models import ImportRun


class Command(TranslatedCommand):
    help = gettext_lazy(
        "Delete the staged remains of imports that failed or whose process died; "
        "imports still running are left alone."
    )

    def handle(self, *args, **options):
        removed = cleanup_abandoned()
        for run, count in removed:
            self.stdout.write(
                _(
                    "Deleted import “%(file)s” of %(owner)s started %(started)s (%(state)s): "
                    "%(count)s staged questions."
                )
                % {
                    "file": run.filename,
                    "owner": run.owner,
                    "started": f"{run.started_at:%Y-%m-%d %H:%M:%S}",
                    "state": run.get_state_display(),
                    "count": count,
                }
            )
        running = ImportRun.objects.filter(state=ImportRun.State.RUNNING).count()
        if running:
            self.stdout.write(
                ngettext(
                    "%(count)s import is running: left alone.",
                    "%(count)s imports are running: left alone.",
                    running,
                )
                % {"count": running}
            )
        if not removed:
            self.stdout.write(_("No import to clean up."))
