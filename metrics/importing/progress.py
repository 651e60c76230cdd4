"""How far a background import or check has got: written by its worker, read by its page.

`ProgressReport` is the `progress` callback a worker gives `usage_import`; it writes the
rows checked to the batch. `import_progress_text` says on the page how far the batch has
got, and `usage_import_stalled` when its worker seems to have died.
"""

import datetime
import logging
import time

from django.contrib.humanize.templatetags.humanize import intcomma
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from metrics.models import CHECK_STATES, UNFINISHED_STATES, ImportBatch, ImportState

logger = logging.getLogger(__name__)

# A background import writes its progress at most this often (seconds).
PROGRESS_WRITE_SECONDS = 1.0
# A running import that has reported no progress for this long is taken for dead (its
# worker was killed) and may be retried. Progress is written every second while rows are
# read; applying a national file's rows takes under a minute on PostgreSQL.
IMPORT_STALLED_AFTER = datetime.timedelta(minutes=5)

PROGRESS_WAITING = _("Waiting for a worker.")
PROGRESS_WRITING = _("All %(total)s rows checked; writing them.")
PROGRESS_RUNNING = _("%(done)s of %(total)s rows checked (%(percent)d %%), %(rate)s rows/s.")
PROGRESS_STALLED = _(
    "No progress for a while: the worker may have stopped. Nothing has been written; "
    "retry the import from the list of import batches."
)
PROGRESS_DONE = _("Finished.")
PROGRESS_CHECKING = _("%(done)s rows checked, %(rate)s rows/s.")
PROGRESS_CHECK_STALLED = _(
    "No progress for a while: the worker may have stopped. Nothing has been written; "
    "retry the check from the list of import batches."
)


def usage_import_stalled(batch: ImportBatch, *, now=None) -> bool:
    """An unfinished import or check whose worker has reported nothing for IMPORT_STALLED_AFTER."""
    if batch.outcome not in UNFINISHED_STATES:
        return False
    last_sign = batch.progress_at or batch.created_at
    return (now or timezone.now()) - last_sign > IMPORT_STALLED_AFTER


def import_progress_text(batch: ImportBatch) -> str:
    """How far an import or check has got, for its page: rows done, percentage and rows per second."""
    if batch.outcome not in UNFINISHED_STATES:
        return str(PROGRESS_DONE)
    if usage_import_stalled(batch):
        return str(PROGRESS_CHECK_STALLED if batch.outcome in CHECK_STATES else PROGRESS_STALLED)
    if batch.outcome in (ImportState.QUEUED, ImportState.CHECK_QUEUED) or batch.started_at is None:
        return str(PROGRESS_WAITING)
    seconds = max(((batch.progress_at or batch.started_at) - batch.started_at).total_seconds(), 0.001)
    rate = intcomma(round(batch.rows_done / seconds))
    if batch.outcome == ImportState.CHECKING:
        # How many rows the file has is known only once it has been checked.
        return str(PROGRESS_CHECKING % {"done": intcomma(batch.rows_done), "rate": rate})
    total = batch.rows_total or 0
    if total and batch.rows_done >= total:
        return str(PROGRESS_WRITING % {"total": intcomma(total)})
    return str(
        PROGRESS_RUNNING
        % {
            "done": intcomma(batch.rows_done),
            "total": intcomma(total) if total else "?",
            "percent": 100 * batch.rows_done // total if total else 0,
            "rate": rate,
        }
    )


class ProgressReport:
    """The `progress` callback of a background import: writes the rows checked to its batch, throttled.

    The import's own transaction is not committed until the end, so the progress goes
    through a database connection of its own (autocommit). SQLite (development only)
    cannot take a second writer while the import's transaction reads, so there the page
    shows only that the import is running; where the database refuses the write, the
    import goes on without reporting progress.
    """

    def __init__(self, *, batch_id: int, every_seconds: float = PROGRESS_WRITE_SECONDS):
        self.batch_id = batch_id
        self.every_seconds = every_seconds
        self.last_written = 0.0
        self.connection = None
        self.broken = connection.vendor == "sqlite"

    def __call__(self, rows_done: int) -> None:
        if self.broken or time.monotonic() - self.last_written < self.every_seconds:
            return
        self.last_written = time.monotonic()
        try:
            self._write(rows_done)
        except DatabaseError:
            logger.warning("Import batch %s: progress not reported", self.batch_id, exc_info=True)
            self.broken = True

    def _write(self, rows_done: int) -> None:
        if self.connection is None:
            self.connection = connections.create_connection(DEFAULT_DB_ALIAS)
        ops = self.connection.ops
        table = ops.quote_name(ImportBatch._meta.db_table)
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET rows_done = %s, progress_at = %s WHERE id = %s",  # noqa: S608 (constant names)
                [rows_done, ops.adapt_datetimefield_value(timezone.now()), self.batch_id],
            )

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None
