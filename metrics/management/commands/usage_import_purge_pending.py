"""Delete the uploaded files of import previews nobody confirmed in time (run it from cron).

Usage: python manage.py usage_import_purge_pending

A preview waits `PENDING_IMPORT_LIFETIME` (a day) for its uploader's confirm; after that
its file is deleted, here or at anyone's next upload. A confirmed import that is still
queued or running keeps its file. Prints how many previews were deleted (at verbosity 1
or more); nothing else is touched: import batches, the record of every import, stay.
Suggested crontab line (docs/deployment.md):

    17 * * * *  cd /srv/omaolo && .venv/bin/python manage.py usage_import_purge_pending --verbosity 0
"""

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext_lazy

from metrics.importing.lifecycle import usage_import_purge_pending

PURGED = ngettext_lazy(
    "%(count)d expired preview and its file were deleted.",
    "%(count)d expired previews and their files were deleted.",
    "count",
)


class Command(BaseCommand):
    help = "Delete the files of import previews older than a day that nobody confirmed."

    def handle(self, *args, **options):
        count = usage_import_purge_pending()
        if options["verbosity"] >= 1:
            self.stdout.write(PURGED % {"count": count})
