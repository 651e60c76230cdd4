"""Remove attachment files that no record names any more, for cron.

Usage: python manage.py attachments_prune [--dry-run] [--min-age-hours N] [--verbosity 0-3]

A file is kept while an attachment, a history row of one or a published version names it
(processes/attachment_storage.py), and while it is younger than --min-age-hours (1 by default),
so that an upload being saved is never removed. Prints nothing and exits 0 when nothing is to
be removed; otherwise prints how many files (and bytes) were removed, each file's name too at
--verbosity 2. --dry-run removes nothing and says what it would remove.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from processes.attachment_storage import attachment_files_prune

PRUNED = ngettext_lazy(
    "Removed %(count)d orphaned attachment file (%(size)s).",
    "Removed %(count)d orphaned attachment files (%(size)s).",
    "count",
)
WOULD_PRUNE = ngettext_lazy(
    "Would remove %(count)d orphaned attachment file (%(size)s).",
    "Would remove %(count)d orphaned attachment files (%(size)s).",
    "count",
)
NEGATIVE_AGE = _("--min-age-hours cannot be negative.")


class Command(BaseCommand):
    help = "Remove attachment files that no attachment, history row or published version names."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what would be removed; remove nothing.")
        parser.add_argument(
            "--min-age-hours",
            type=float,
            default=1.0,
            help="Leave files younger than this alone (default 1): an upload may still be being saved.",
        )

    def handle(self, *args, **options):
        if options["min_age_hours"] < 0:
            raise CommandError(str(NEGATIVE_AGE))
        orphans = attachment_files_prune(
            dry_run=options["dry_run"], min_age=datetime.timedelta(hours=options["min_age_hours"])
        )
        if not orphans or options["verbosity"] < 1:
            return
        if options["verbosity"] >= 2:
            for orphan in orphans:
                self.stdout.write(orphan.name)
        summary = WOULD_PRUNE if options["dry_run"] else PRUNED
        size = filesizeformat(sum(orphan.size for orphan in orphans))
        self.stdout.write(summary % {"count": len(orphans), "size": size})
