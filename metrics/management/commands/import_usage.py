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
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from metrics.importing import usage_import

ERRORS_SHOWN = 100


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
            result = usage_import(file=path, user=None, dry_run=options["dry_run"], progress=progress)
        except OSError as exc:
            raise CommandError(_("Cannot read %(file)s: %(reason)s") % {"file": path, "reason": exc.strerror}) from exc
        finally:
            if progress is not None:
                self.stderr.write("")
        if not result.ok:
            for issue in result.errors[:ERRORS_SHOWN]:
                self.stderr.write(str(issue))
            raise CommandError(
                ngettext(
                    "%(count)d error; nothing was imported.",
                    "%(count)d errors; nothing was imported.",
                    result.error_count,
                )
                % {"count": result.error_count}
                + (" " + _("The first %(shown)d are shown above.") % {"shown": ERRORS_SHOWN})
                * (result.error_count > ERRORS_SHOWN)
            )
        summary = _("created %(created)d, updated %(updated)d, unchanged %(unchanged)d") % {
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
        }
        if result.dry_run:
            summary = _("Dry run, nothing was written: %(summary)s") % {"summary": summary}
        if options["verbosity"] >= 1:
            self.stdout.write(summary)

    def _progress(self, rows_read):
        self.stderr.write(_("\r%(rows)d rows read") % {"rows": rows_read}, ending="")
