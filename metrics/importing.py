"""Import usage statistics files (CSV or XLSX): validate everything, then write all or nothing.

`usage_import(*, file, user, dry_run)` is the one code path of the `import_usage`
command, the admin's preview and confirm steps (`usage_import_preview`,
`usage_import_confirm`, `usage_import_cancel`) and the tests. `user` is required: a
person is checked for the import permission and their counties; the management
command says `user=TRUSTED_OPERATOR`.

How it stays fast and small on a national file of a million rows: the file is read
once as a stream (`metrics.parsing`, `metrics.workbooks`); each row is resolved through
per-column caches and checked (`metrics.row_validation`); valid rows stream into a
temporary staging table and are applied by set-based statements (`metrics.staging`).
Only the keys already seen stay in memory, packed into one int a row, to find keys
repeated inside the file.

Any invalid row rolls the transaction (staging table included) back, so nothing is
written, and every problem is reported as an `ImportIssue` (line, column, message).
Every call leaves an `ImportBatch`: applied, checked only (dry run) or rejected.
"""

import contextlib
import datetime
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import DEFAULT_DB_ALIAS, DatabaseError, IntegrityError, connection, connections, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date as date_parse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from metrics.import_references import References
from metrics.models import ImportBatch, ImportOutcome, PendingUsageImport
from metrics.parsing import (
    FILE_EMPTY,
    FILE_NO_DATA_ROWS,
    RESPONSES_COLUMN,
    ImportIssue,
    ImportLimits,
    UnreadableFile,
    csv_records,
    file_too_large,
    header_read,
    inspect_file,
)
from metrics.periods import period_label
from metrics.row_validation import RowValidator
from metrics.staging import staging_for
from metrics.workbooks import xlsx_check, xlsx_records

IMPORT_PERMISSION = "metrics.import_usagestatistic"

logger = logging.getLogger(__name__)

NO_IMPORT_PERMISSION = _("You do not have permission to import usage statistics.")
WRITE_CONFLICT = _(
    "A county, content or metric of the file was deleted during the import; nothing was written. Try again."
)
UNEXPECTED_ERROR = _(
    "The file could not be checked because of an unexpected error, which has been logged for the "
    "administrators. Nothing was written."
)
MORE_ERRORS = ngettext_lazy("%(count)d more error is not listed.", "%(count)d more errors are not listed.", "count")

# Rows to create or change that a preview shows.
PREVIEW_SAMPLE_SIZE = 20
# A preview not confirmed within this time is deleted at the next upload.
PENDING_IMPORT_LIFETIME = datetime.timedelta(days=1)


class _TrustedOperator:
    """Whoever runs a management command: imports without a user and without county limits."""

    def __repr__(self):
        return "TRUSTED_OPERATOR"


TRUSTED_OPERATOR = _TrustedOperator()


@dataclass
class ChangeSample:
    """One row a preview shows: what an import would create or change."""

    line: int
    county: str
    service_area: str
    module: str
    metric: str
    period_type: str
    period_start: datetime.date
    old_value: int | None
    new_value: int

    @property
    def period(self) -> str:
        """The period as a file names it: 2024-W05 or 2024-05."""
        return period_label(self.period_type, self.period_start)


@dataclass
class UsageImportResult:
    batch: ImportBatch
    dry_run: bool
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[ImportIssue] = field(default_factory=list)
    error_count: int = 0
    changes: list[ChangeSample] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error_count == 0


def import_limits() -> ImportLimits:
    """The limits of one import, from the settings (README, "Configuration")."""
    return ImportLimits(
        max_bytes=round(settings.USAGE_IMPORT_MAX_UPLOAD_MB * 1024 * 1024),
        max_rows=settings.USAGE_IMPORT_MAX_ROWS,
        max_columns=settings.USAGE_IMPORT_MAX_COLUMNS,
    )


class _Rollback(Exception):
    """Leave the import's transaction without writing anything."""


def usage_import(
    *,
    file,
    user,
    dry_run: bool = False,
    file_name: str | None = None,
    sample_size: int = 0,
    progress: Callable[[int], None] | None = None,
    batch: ImportBatch | None = None,
) -> UsageImportResult:
    """Validate a usage statistics file and, unless `dry_run` or invalid, write all of it in one transaction.

    `file` is a path or a binary file object (an upload). `user` is the person importing,
    who needs the import permission and may import only the counties they edit, or
    `TRUSTED_OPERATOR` (the management command). `sample_size` rows to create or change
    are returned for a preview. `batch` is the record to fill in (a queued background
    import's) instead of a new one. Raises PermissionDenied, and OSError when a path
    cannot be opened; every other problem, an unexpected one included, is in
    `result.errors` and in a rejected batch.
    """
    user = _acting_user(user)
    started = time.monotonic()
    with _binary_stream(file) as (stream, default_name):
        name = _batch_file_name(file_name or default_name)
        importer = _Importer(user=user, progress=progress, limits=import_limits())
        importer.batch = batch
        info = importer.inspect(stream, name)
        result = importer.run(stream, info, dry_run=dry_run, file_name=name, sample_size=sample_size)
    result.batch.duration_seconds = round(time.monotonic() - started, 3)
    result.batch.save(update_fields=["duration_seconds"])
    return result


def usage_upload_too_large(*, user, file_name: str) -> UsageImportResult:
    """Record an upload refused for its size before it was read whole (the admin's upload handler)."""
    user = _acting_user(user)
    importer = _Importer(user=user, progress=None, limits=import_limits())
    importer.issue(file_too_large(importer.limits))
    return importer.run(None, None, dry_run=True, file_name=_batch_file_name(file_name), sample_size=0)


def _acting_user(user):
    """The user to check and record: None for the trusted operator; refuses a user without the permission."""
    if user is TRUSTED_OPERATOR:
        return None
    if user is None:
        raise TypeError("usage_import needs a user, or user=TRUSTED_OPERATOR for a management command")
    if not user.has_perm(IMPORT_PERMISSION):
        raise PermissionDenied(NO_IMPORT_PERMISSION)
    return user


def _batch_file_name(name) -> str:
    return Path(name or "upload").name[:255]


@contextlib.contextmanager
def _binary_stream(file):
    """A seekable binary stream of a path, an uploaded file or any binary file object."""
    if isinstance(file, (str, os.PathLike)):
        with open(file, "rb") as stream:
            yield stream, os.fspath(file)
        return
    name = getattr(file, "name", None)
    stream = file
    # Django's File and UploadedFile wrap the real stream (BytesIO or a temporary file).
    while hasattr(stream, "file"):
        stream = stream.file
    yield stream, name


class _Importer(RowValidator):
    """One import: reads the file, checks its rows (`RowValidator`), writes them or records why not."""

    batch: ImportBatch | None = None

    def record(self, fields) -> ImportBatch:
        """The import's batch with `fields`: a new one, or the queued batch given to it."""
        if self.batch is None:
            return ImportBatch.objects.create(**fields)
        for name, value in fields.items():
            setattr(self.batch, name, value)
        self.batch.save()
        return self.batch

    def unexpected(self, file_name):
        """Report an exception nobody foresaw as a whole-file error, and log it with its traceback."""
        logger.exception("Unexpected error while importing usage statistics from %r", file_name)
        self.issue(ImportIssue(None, None, str(UNEXPECTED_ERROR)))

    def inspect(self, stream, file_name):
        """The file's checksum, kind and encoding; None when it cannot be imported at all."""
        try:
            info = inspect_file(stream, self.limits)
            if info.kind == "xlsx":
                xlsx_check(stream, self.limits)
            return info
        except UnreadableFile as exc:
            self.issue(exc.issue)
        except Exception:
            self.unexpected(file_name)
        return None

    def run(self, stream, info, *, dry_run, file_name, sample_size) -> UsageImportResult:
        batch_fields = {"user": self.user, "file_name": file_name, "sha256": info.sha256 if info else ""}
        result = UsageImportResult(batch=None, dry_run=dry_run)
        if info is not None:
            try:
                with transaction.atomic():
                    self._load_and_write(stream, info, result, batch_fields, dry_run, sample_size)
            except _Rollback:
                pass
            except IntegrityError:
                # The foreign keys are checked at commit: a county, content or metric was
                # deleted while the file was being imported.
                self.issue(ImportIssue(None, None, str(WRITE_CONFLICT)))
                result.batch = None
            except Exception:
                self.unexpected(file_name)
                result.batch = None
        result.rows_read = self.rows_read
        result.errors = self.errors
        result.error_count = self.error_count
        if result.batch is None:
            outcome = ImportOutcome.DRY_RUN if dry_run and not self.error_count else ImportOutcome.REJECTED
            result.batch = self.record({**batch_fields, **self._batch_counts(result), "outcome": outcome})
        if not result.ok:
            result.created = result.updated = result.unchanged = 0
            result.changes = []
        return result

    def _batch_counts(self, result):
        return {
            "rows_read": self.rows_read,
            "rows_created": result.created,
            "rows_updated": result.updated,
            "rows_unchanged": result.unchanged,
            "rows_rejected": self.rejected_rows,
            "rows_done": self.rows_read,
            "errors": self._stored_errors(),
        }

    def _stored_errors(self) -> list[list]:
        """The reported errors as the batch keeps them, and how many more there were."""
        errors = [list(issue) for issue in self.errors]
        unlisted = self.error_count - len(self.errors)
        if unlisted:
            errors.append([None, None, MORE_ERRORS % {"count": unlisted}])
        return errors

    def _load_and_write(self, stream, info, result, batch_fields, dry_run, sample_size):
        staging = staging_for(connection)
        self.references = References.load(date_as_text=staging.date_as_text)
        limits = self.limits
        records = xlsx_records(stream, limits) if info.kind == "xlsx" else csv_records(stream, info.encoding, limits)
        staging.create()
        try:
            header_cells = next(records, None)
            header = None
            if header_cells is not None:
                header, issues = header_read(header_cells, max_columns=limits.max_columns)
                for issue in issues:
                    self.issue(issue)
            if header is not None:
                staging.with_responses = RESPONSES_COLUMN in header.indexes
                staging.load(self.valid_rows(header, records))
                if not self.rows_read and not self.error_count:
                    self.issue(ImportIssue(2, None, str(FILE_NO_DATA_ROWS)))
            elif header_cells is None:
                self.issue(ImportIssue(None, None, str(FILE_EMPTY)))
        except UnreadableFile as exc:
            self.issue(exc.issue)
        finally:
            # While the stream is still open: a reader left half-way lets go of it now.
            records.close()
        if self.error_count:
            raise _Rollback
        staging.analyze()
        if sample_size:
            result.changes = self._sample(staging, sample_size)
        if dry_run:
            result.created, result.updated = staging.count_changes()
            result.unchanged = self.rows_read - result.created - result.updated
            raise _Rollback
        result.batch = self.record({**batch_fields, "outcome": ImportOutcome.APPLIED})
        result.created, result.updated = staging.write(result.batch.pk)
        result.unchanged = self.rows_read - result.created - result.updated
        staging.drop()
        for name, value in self._batch_counts(result).items():
            setattr(result.batch, name, value)
        result.batch.save()

    def _sample(self, staging, size) -> list[ChangeSample]:
        refs = self.references
        return [
            ChangeSample(
                line=line,
                county=refs.county_codes.get(county_id, ""),
                service_area=refs.area_codes.get(area_id, "") if area_id else "",
                module=refs.module_codes.get(module_id, ""),
                metric=refs.metric_codes.get(metric_id, ""),
                period_type=period_type,
                period_start=period_start if isinstance(period_start, datetime.date) else date_parse(period_start),
                old_value=old_value,
                new_value=new_value,
            )
            for line, county_id, area_id, module_id, metric_id, period_type, period_start, new_value, _, old_value in (
                staging.sample(size)
            )
        ]


# --- the admin's two steps: a preview kept in the database, then confirm or cancel ---------


def usage_import_preview(*, file, user) -> tuple[UsageImportResult, PendingUsageImport | None]:
    """Check an uploaded file as a dry run; when it is valid, keep it for `usage_import_confirm`.

    The file waits in the database, so the confirm may reach another app server.
    Returns the dry run's result and the pending import (None when the file is invalid).
    """
    result = usage_import(file=file, user=user, dry_run=True, sample_size=PREVIEW_SAMPLE_SIZE)
    if not result.ok:
        return result, None
    PendingUsageImport.objects.filter(created_at__lt=timezone.now() - PENDING_IMPORT_LIFETIME).delete()
    with _binary_stream(file) as (stream, _name):
        stream.seek(0)
        content = stream.read()
    pending = PendingUsageImport.objects.create(
        user=user,
        file_name=result.batch.file_name,
        content=content,
        sha256=result.batch.sha256,
        preview_batch=result.batch,
    )
    return result, pending


def usage_import_confirm(*, token, user) -> UsageImportResult:
    """Import the file of the user's pending preview for real, and forget the preview.

    Raises PendingUsageImport.DoesNotExist for a token that is not the user's.
    """
    pending = _pending_of(token=token, user=user)
    content = ContentFile(bytes(pending.content), name=pending.file_name)
    result = usage_import(file=content, user=user, dry_run=False)
    pending.delete()
    return result


def usage_import_cancel(*, token, user) -> str:
    """Forget the user's pending preview without writing anything; returns its file name."""
    pending = _pending_of(token=token, user=user)
    pending.delete()
    return pending.file_name


def usage_import_pending(*, token, user) -> PendingUsageImport:
    """The user's pending preview; raises PendingUsageImport.DoesNotExist for a token that is not theirs."""
    return _pending_of(token=token, user=user)


def _pending_of(*, token, user) -> PendingUsageImport:
    _acting_user(user)
    return PendingUsageImport.objects.get(token=token, user=user)


# --- a confirmed import run by a background worker (metrics/tasks.py) ----------------------

PENDING_FILE_GONE = _("The uploaded file is no longer waiting to be imported; nothing was written. Upload it again.")
# A background import writes its progress at most this often (seconds).
PROGRESS_WRITE_SECONDS = 1.0


def usage_import_queued_file(batch: ImportBatch) -> PendingUsageImport | None:
    """The file a queued import waits for: the newest preview of the same content by the same user."""
    return PendingUsageImport.objects.filter(user_id=batch.user_id, sha256=batch.sha256).order_by("-created_at").first()


def usage_import_run_queued(*, batch_id: int) -> ImportBatch | None:
    """Import the file of a queued batch (the background task's work); None when the batch is already done.

    All rows are written in the import's one transaction, so a worker that dies half-way
    writes none; the batch stays "being imported" and the pending file stays, so running
    this again (a retry) imports the file from the start. The file is forgotten once
    the import has finished, applied or rejected, as after the admin's confirm.
    """
    now = timezone.now()
    unfinished = [ImportOutcome.QUEUED, ImportOutcome.RUNNING]
    claimed = ImportBatch.objects.filter(pk=batch_id, outcome__in=unfinished).update(
        outcome=ImportOutcome.RUNNING, started_at=now, progress_at=now, rows_done=0
    )
    if not claimed:
        return None
    batch = ImportBatch.objects.select_related("user").get(pk=batch_id)
    pending = usage_import_queued_file(batch)
    if pending is None:
        batch.outcome = ImportOutcome.REJECTED
        batch.errors = [[None, None, str(PENDING_FILE_GONE)]]
        batch.save(update_fields=["outcome", "errors"])
        return batch
    report = ProgressReport(batch_id=batch.pk)
    try:
        content = ContentFile(bytes(pending.content), name=pending.file_name)
        try:
            usage_import(file=content, user=batch.user, dry_run=False, progress=report, batch=batch)
        except PermissionDenied:
            batch.outcome = ImportOutcome.REJECTED
            batch.errors = [[None, None, str(NO_IMPORT_PERMISSION)]]
            batch.save(update_fields=["outcome", "errors"])
    finally:
        report.close()
    pending.delete()
    return batch


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
