"""Import a usage statistics file (CSV or XLSX) into the portal.

Usage: python manage.py import_usage FILE [--dry-run]

The whole file is checked first. When every row is valid, all of it is written in
one transaction and the command prints how many statistics were created, updated
and left unchanged. When any row is invalid nothing is written: the errors go to
stderr as `line N, column C: reason` and the command exits with status 1.
`--dry-run` checks the file and reports what would change without writing.
The file format is described in README.md ("Usage statistics files").
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from metrics.importing.importer import TRUSTED_OPERATOR, usage_import

ERRORS_SHOWN = 100

CANNOT_READ = _("Cannot read %(file)s: %(reason)s")
IMPORT_REFUSED = ngettext_lazy(
    "%(count)d error; nothing was imported.", "%(count)d errors; nothing was imported.", "count"
)
FIRST_ERRORS_SHOWN = _("The first %(shown)d are shown above.")
COUNTS = _("created %(created)d, updated %(updated)d, unchanged %(unchanged)d")
DRY_RUN_COUNTS = _("Dry run, nothing was written: %(counts)s")
PROGRESS = _("%(rows)d rows read")


class Command(BaseCommand):
    help = "Import usage statistics from a CSV or XLSX file: all rows or, if any row is invalid, none."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the CSV or XLSX file to import.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and report what would change, without writing anything.",
        )

    def handle(self, *args, **options):
        path = options["file"]
        progress = self._progress if options["verbosity"] >= 1 and sys.stderr.isatty() else None
        try:
            result = usage_import(file=path, user=TRUSTED_OPERATOR, dry_run=options["dry_run"], progress=progress)
        except OSError as exc:
            raise CommandError(CANNOT_READ % {"file": path, "reason": exc.strerror}) from exc
        finally:
            if progress is not None:
                self.stderr.write("")
        if not result.ok:
            for issue in result.errors[:ERRORS_SHOWN]:
                self.stderr.write(str(issue))
            message = IMPORT_REFUSED % {"count": result.error_count}
            if result.error_count > ERRORS_SHOWN:
                message += " " + FIRST_ERRORS_SHOWN % {"shown": ERRORS_SHOWN}
            raise CommandError(message)
        counts = COUNTS % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
        if result.dry_run:
            counts = DRY_RUN_COUNTS % {"counts": counts}
        if options["verbosity"] >= 1:
            self.stdout.write(counts)

    def _progress(self, rows_read):
        self.stderr.write("\r" + PROGRESS % {"rows": rows_read}, ending="")
