"""Import usage statistics files (CSV or XLSX): validate everything, then write all or nothing.

`usage_import(*, file, user, dry_run)` is the one code path of the `import_usage`
command, the admin's upload, preview and confirm (`metrics.importing.lifecycle`), the
background worker (`metrics.tasks`) and the tests. `user` is required: a person is
checked for the import permission and their counties; the management command says
`user=TRUSTED_OPERATOR`.

How it stays fast and small on a national file of a million rows: the file is read
once as a stream (`metrics.importing.parsing`, `metrics.importing.workbooks`); each row is resolved through
per-column caches and checked (`metrics.importing.validation`); valid rows stream into a
temporary staging table and are applied by set-based statements (`metrics.importing.staging`).
Only the keys already seen stay in memory, packed into one int a row, to find keys
repeated inside the file.

Any invalid row rolls the transaction (staging table included) back, so nothing is
written, and every problem is reported as an `ImportIssue` (line, column, message).
Every call leaves an `ImportBatch`: applied, checked only (dry run) or rejected.
"""

import contextlib
import dataclasses
import datetime
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils.dateparse import parse_date as date_parse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from metrics.importing.contract import RESPONSES_COLUMN
from metrics.importing.parsing import (
    FILE_EMPTY,
    FILE_NO_DATA_ROWS,
    ImportIssue,
    ImportLimits,
    UnreadableFile,
    csv_records,
    file_too_large,
    header_read,
    inspect_file,
)
from metrics.importing.references import References
from metrics.importing.staging import staging_for
from metrics.importing.validation import RowValidator
from metrics.importing.workbooks import xlsx_check, xlsx_records
from metrics.models import ImportBatch, ImportState, figure_value
from metrics.periods import period_label
from metrics.signals import usage_import_applied

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
    old_value: int | Decimal | None
    new_value: int | Decimal

    @property
    def period(self) -> str:
        """The period as a file names it: 2024-W05 or 2024-05."""
        return period_label(self.period_type, self.period_start)

    def stored(self) -> dict:
        """The sample as a pending import keeps it (JSON): a score's value as exact text ("4.3"), never a float."""
        return {
            **dataclasses.asdict(self),
            "period_start": self.period_start.isoformat(),
            "old_value": None if self.old_value is None else str(self.old_value),
            "new_value": str(self.new_value),
        }

    @classmethod
    def from_stored(cls, stored: dict) -> "ChangeSample":
        """The sample `stored()` kept, with its values as the portal reads figures (12, or Decimal("4.3"))."""
        old_value = stored["old_value"]
        return cls(
            **{
                **stored,
                "period_start": datetime.date.fromisoformat(stored["period_start"]),
                "old_value": None if old_value is None else figure_value(Decimal(old_value)),
                "new_value": figure_value(Decimal(stored["new_value"])),
            }
        )


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
    user = import_acting_user(user)
    started = time.monotonic()
    with binary_stream(file) as (stream, default_name):
        name = batch_file_name(file_name or default_name)
        importer = _Importer(user=user, progress=progress, limits=import_limits())
        importer.batch = batch
        info = importer.inspect(stream, name)
        result = importer.run(stream, info, dry_run=dry_run, file_name=name, sample_size=sample_size)
    result.batch.duration_seconds = round(time.monotonic() - started, 3)
    result.batch.save(update_fields=["duration_seconds"])
    return result


def usage_upload_too_large(*, user, file_name: str) -> UsageImportResult:
    """Record an upload refused for its size before it was read whole (the admin's upload handler)."""
    user = import_acting_user(user)
    importer = _Importer(user=user, progress=None, limits=import_limits())
    importer.issue(file_too_large(importer.limits))
    return importer.run(None, None, dry_run=True, file_name=batch_file_name(file_name), sample_size=0)


def import_acting_user(user):
    """The user to check and record: None for the trusted operator; refuses a user without the permission."""
    if user is TRUSTED_OPERATOR:
        return None
    if user is None:
        raise TypeError("usage_import needs a user, or user=TRUSTED_OPERATOR for a management command")
    if not user.has_perm(IMPORT_PERMISSION):
        raise PermissionDenied(NO_IMPORT_PERMISSION)
    return user


def batch_file_name(name) -> str:
    """The file name an import batch records: the upload's own name, without any path."""
    return Path(name or "upload").name[:255]


@contextlib.contextmanager
def binary_stream(file):
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
            outcome = ImportState.DRY_RUN if dry_run and not self.error_count else ImportState.REJECTED
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
            "error_count": self.error_count,
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
        result.batch = self.record({**batch_fields, "outcome": ImportState.APPLIED})
        result.created, result.updated = staging.write(result.batch.pk)
        result.unchanged = self.rows_read - result.created - result.updated
        staging.drop()
        for name, value in self._batch_counts(result).items():
            setattr(result.batch, name, value)
        result.batch.save()
        batch = result.batch
        transaction.on_commit(lambda: usage_import_applied.send(sender=ImportBatch, batch=batch))

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
