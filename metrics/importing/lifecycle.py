"""The admin's import of a file, step by step: upload and preview, then confirm or cancel.

The upload is checked as a dry run (`usage_import_preview`); a valid file waits in the
database as a `PendingUsageImport` until its uploader confirms it, which queues the
import for a background worker (`metrics.tasks.usage_import_queue`), or cancels it
(`usage_import_cancel`). The worker runs `usage_import_run_queued`.

A file larger than `USAGE_IMPORT_BACKGROUND_CHECK_MB` is not checked inside the request:
it is stored as it came (`background_check_store`), a worker checks it
(`background_check_run`, queued by `metrics.tasks.background_check_queue`), and its
page (`background_check_get`) shows the rows checked, then the same preview or errors as
for a small file.

Every step is a keyword-only function that takes the acting `user` and checks it; the
admin only calls them. Everything is checked and written by `metrics.importing.importer.usage_import`.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from metrics.importing.importer import (
    NO_IMPORT_PERMISSION,
    UNEXPECTED_ERROR,
    ChangeSample,
    UsageImportResult,
    batch_file_name,
    binary_stream,
    import_acting_user,
    usage_import,
)
from metrics.importing.parsing import ImportIssue
from metrics.importing.pending import pending_file_open, pending_file_store, pending_imports_delete
from metrics.importing.progress import ProgressReport
from metrics.importing.validation import MAX_REPORTED_ERRORS
from metrics.models import CHECK_STATES, UNFINISHED_STATES, ImportBatch, ImportState, PendingUsageImport

logger = logging.getLogger(__name__)

# Rows to create or change that a preview shows.
PREVIEW_SAMPLE_SIZE = 20
# A preview not confirmed within this time is deleted at the next upload, and by
# `manage.py usage_import_purge_pending` (run it from cron: docs/deployment.md).
PENDING_IMPORT_LIFETIME = datetime.timedelta(days=1)

PENDING_FILE_GONE = _("The uploaded file is no longer waiting to be imported; nothing was written. Upload it again.")
TOO_MANY_WAITING_IMPORTS = ngettext_lazy(
    "You already have %(count)d file waiting: a preview to confirm, a check or an import. "
    "Confirm or cancel your previews, or wait for your imports to finish, then upload again.",
    "You already have %(count)d files waiting: previews to confirm, checks or imports. "
    "Confirm or cancel your previews, or wait for your imports to finish, then upload again.",
    "count",
)


class TooManyWaitingImports(Exception):
    """The user has as many files waiting as `USAGE_IMPORT_MAX_WAITING_PER_USER` allows."""

    def __init__(self, count: int):
        self.count = count
        super().__init__(TOO_MANY_WAITING_IMPORTS % {"count": count})


def usage_import_waiting_check(*, user) -> None:
    """Refuse another upload from a user whose files already wait (TooManyWaitingImports).

    Each preview waiting for its confirm, each large upload being checked and each queued
    or running import keeps its file as a pending import until it is done, so those are
    counted: one editor cannot fill the database or the task queue ahead of the others.
    """
    import_acting_user(user)
    _expired_pending_delete()
    waiting = PendingUsageImport.objects.filter(user=user).count()
    if waiting >= settings.USAGE_IMPORT_MAX_WAITING_PER_USER:
        raise TooManyWaitingImports(waiting)


def usage_import_preview(*, file, user) -> tuple[UsageImportResult, PendingUsageImport | None]:
    """Check an uploaded file as a dry run; when it is valid, keep it for the confirm.

    The file waits in the database, so the confirm may reach another app server.
    Returns the dry run's result and the pending import (None when the file is invalid).
    Raises TooManyWaitingImports, before reading the file, when the user's files already wait.
    """
    usage_import_waiting_check(user=user)
    result = usage_import(file=file, user=user, dry_run=True, sample_size=PREVIEW_SAMPLE_SIZE)
    if not result.ok:
        return result, None
    try:
        _expired_pending_delete()
        with transaction.atomic(), binary_stream(file) as (stream, _name):
            pending = PendingUsageImport.objects.create(
                user=user,
                file_name=result.batch.file_name,
                sha256=result.batch.sha256,
                preview_batch=result.batch,
                changes=[change.stored() for change in result.changes],
            )
            pending_file_store(pending=pending, stream=stream)
    except Exception:
        logger.exception("Unexpected error while keeping the checked file of import batch %s", result.batch.pk)
        return _failed(result), None
    return result, pending


def _failed(result: UsageImportResult) -> UsageImportResult:
    """The result of a check that crashed after the file was read: its batch says it failed, not that it passed."""
    _rejected(result.batch, UNEXPECTED_ERROR)
    return UsageImportResult(
        batch=result.batch,
        dry_run=result.dry_run,
        rows_read=result.rows_read,
        errors=[ImportIssue(None, None, str(UNEXPECTED_ERROR))],
        error_count=1,
    )


def usage_import_cancel(*, token, user) -> str:
    """Forget the user's pending preview without writing anything; returns its file name."""
    pending = usage_import_pending(token=token, user=user)
    pending_imports_delete(pending_imports=PendingUsageImport.objects.filter(pk=pending.pk))
    return pending.file_name


def usage_import_pending(*, token, user, for_update=False) -> PendingUsageImport:
    """The user's pending preview; raises PendingUsageImport.DoesNotExist for a token that is not theirs.

    With `for_update` its row is locked until the caller's transaction ends (PostgreSQL).
    """
    import_acting_user(user)
    pending_imports = PendingUsageImport.objects.select_related("preview_batch")
    if for_update:
        pending_imports = pending_imports.select_for_update(of=("self",))
    return pending_imports.get(token=token, user=user)


def usage_import_confirmable(*, token, user, for_update=False) -> PendingUsageImport:
    """The user's pending preview, once its check has found the file valid.

    Raises PendingUsageImport.DoesNotExist for a token that is not the user's, or whose
    file a worker is still checking.
    """
    pending = usage_import_pending(token=token, user=user, for_update=for_update)
    if pending.preview_batch is not None and pending.preview_batch.outcome != ImportState.DRY_RUN:
        raise PendingUsageImport.DoesNotExist
    return pending


def _expired_pending_delete() -> int:
    """Delete the files of previews older than PENDING_IMPORT_LIFETIME; returns how many.

    A confirmed import that is still queued or running keeps its file: its worker reads it.
    """
    expired = PendingUsageImport.objects.filter(created_at__lt=timezone.now() - PENDING_IMPORT_LIFETIME).exclude(
        import_batch__outcome__in=UNFINISHED_STATES
    )
    count = expired.count()
    pending_imports_delete(pending_imports=expired)
    return count


def usage_import_purge_pending() -> int:
    """Delete every expired preview with its file (the scheduled clean-up); returns how many were deleted."""
    return _expired_pending_delete()


def _claim(batch_id: int, *, waiting, running) -> ImportBatch | None:
    """Mark a waiting (or stalled) batch as running in this worker; None when it has finished."""
    now = timezone.now()
    claimed = ImportBatch.objects.filter(pk=batch_id, outcome__in=waiting).update(
        outcome=running, started_at=now, progress_at=now, rows_done=0
    )
    return ImportBatch.objects.select_related("user").get(pk=batch_id) if claimed else None


def _rejected(batch: ImportBatch, message) -> ImportBatch:
    """Mark the batch rejected with one whole-file error (written past any transaction left broken)."""
    batch.outcome = ImportState.REJECTED
    batch.errors = [[None, None, str(message)]]
    batch.error_count = 1
    batch.rows_created = batch.rows_updated = batch.rows_unchanged = 0
    ImportBatch.objects.filter(pk=batch.pk).update(
        outcome=batch.outcome, errors=batch.errors, error_count=1, rows_created=0, rows_updated=0, rows_unchanged=0
    )
    return batch


def usage_import_enqueue_guarded(batch: ImportBatch, enqueue) -> ImportBatch:
    """Queue a batch's task; when the queue itself fails, the batch says so instead of waiting forever."""
    try:
        enqueue()
    except Exception:
        logger.exception("Could not queue import batch %s", batch.pk)
        _rejected(batch, UNEXPECTED_ERROR)
    batch.refresh_from_db()
    return batch


# --- a confirmed import run by a background worker (metrics/tasks.py) ----------------------


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
    batch = _claim(batch_id, waiting=[ImportState.QUEUED, ImportState.RUNNING], running=ImportState.RUNNING)
    if batch is None:
        return None
    pending = usage_import_queued_file(batch)
    if pending is None:
        return _rejected(batch, PENDING_FILE_GONE)
    report = ProgressReport(batch_id=batch.pk)
    try:
        with pending_file_open(pending=pending) as file:
            usage_import(file=file, user=batch.user, dry_run=False, progress=report, batch=batch)
    except PermissionDenied:
        _rejected(batch, NO_IMPORT_PERMISSION)
    except Exception:
        logger.exception("Unexpected error while importing batch %s", batch.pk)
        _rejected(batch, UNEXPECTED_ERROR)
    finally:
        report.close()
    pending_imports_delete(pending_imports=PendingUsageImport.objects.filter(pk=pending.pk))
    return batch


# --- a large upload checked by a background worker before its preview ----------------------


def background_check_needed(*, file) -> bool:
    """Whether an upload is too large to check inside the request (USAGE_IMPORT_BACKGROUND_CHECK_MB)."""
    return file.size > settings.USAGE_IMPORT_BACKGROUND_CHECK_MB * 1024 * 1024


def background_check_store(*, file, user) -> ImportBatch:
    """Keep an uploaded file, unchecked, for a worker to check; returns the batch the check fills in.

    Nothing is read but the bytes and their checksum: the file waits in the database as
    the batch's pending import (`metrics.importing.pending`), so a worker on any machine can
    check it. Raises TooManyWaitingImports when the user's files already wait.
    """
    usage_import_waiting_check(user=user)
    with transaction.atomic(), binary_stream(file) as (stream, name):
        file_name = batch_file_name(name)
        batch = ImportBatch.objects.create(user=user, file_name=file_name, outcome=ImportState.CHECK_QUEUED)
        try:
            with transaction.atomic():
                pending = PendingUsageImport.objects.create(user=user, file_name=file_name, preview_batch=batch)
                batch.sha256 = pending.sha256 = pending_file_store(pending=pending, stream=stream)
                batch.save(update_fields=["sha256"])
                pending.save(update_fields=["sha256"])
        except Exception:
            logger.exception("Unexpected error while keeping the uploaded file of import batch %s", batch.pk)
            return _rejected(batch, UNEXPECTED_ERROR)
    return batch


def background_check_run(*, batch_id: int) -> ImportBatch | None:
    """Check the file of a batch waiting to be checked (the background task's work); None when already done.

    The check is the preview's dry run: it writes no statistics. A worker that dies
    half-way leaves the batch "being checked" and the file waiting, so running this again
    (a retry) checks the file from the first row. A valid file stays for its uploader's
    confirm, with the sample of changes its preview shows; an invalid one is forgotten,
    and the batch keeps its errors.
    """
    batch = _claim(batch_id, waiting=CHECK_STATES, running=ImportState.CHECKING)
    if batch is None:
        return None
    pending = PendingUsageImport.objects.filter(preview_batch=batch).first()
    if pending is None:
        return _rejected(batch, PENDING_FILE_GONE)
    report = ProgressReport(batch_id=batch.pk)
    result = None
    try:
        # The outcome and the preview's sample of changes are committed together: the
        # page never shows a finished check without its sample.
        with transaction.atomic(), pending_file_open(pending=pending) as file:
            result = usage_import(
                file=file,
                user=batch.user,
                dry_run=True,
                sample_size=PREVIEW_SAMPLE_SIZE,
                progress=report,
                batch=batch,
            )
            if result.ok:
                changes = [change.stored() for change in result.changes]
                PendingUsageImport.objects.filter(pk=pending.pk).update(changes=changes)
    except PermissionDenied:
        _rejected(batch, NO_IMPORT_PERMISSION)
    except Exception:
        logger.exception("Unexpected error while checking import batch %s", batch.pk)
        result = None
        _rejected(batch, UNEXPECTED_ERROR)
    finally:
        report.close()
    if result is None or not result.ok:
        pending_imports_delete(pending_imports=PendingUsageImport.objects.filter(pk=pending.pk))
    return batch


@dataclass
class BackgroundCheck:
    """A background check as its page shows it."""

    batch: ImportBatch
    # The preview's figures, or the errors; None while the worker checks.
    result: UsageImportResult | None
    # The valid file waiting for its uploader's confirm (None once confirmed or cancelled).
    pending: PendingUsageImport | None


def background_check_get(*, batch_id: int, user) -> BackgroundCheck:
    """The check of an upload: how far it has got, then its preview or errors as after a small upload.

    Only its uploader and superusers see it: raises ImportBatch.DoesNotExist for anyone else.
    """
    import_acting_user(user)
    batches = ImportBatch.objects.all() if user.is_superuser else ImportBatch.objects.filter(user=user)
    batch = batches.get(pk=batch_id)
    pending = PendingUsageImport.objects.filter(preview_batch=batch).first()
    if batch.outcome in UNFINISHED_STATES:
        return BackgroundCheck(batch=batch, result=None, pending=pending)
    return BackgroundCheck(batch=batch, result=_result_of(batch, pending), pending=pending)


def _result_of(batch: ImportBatch, pending: PendingUsageImport | None) -> UsageImportResult:
    """A finished check's result as the worker left it in the batch and its pending import."""
    listed = [ImportIssue(*error) for error in batch.errors[:MAX_REPORTED_ERRORS]]
    changes = [ChangeSample.from_stored(change) for change in (pending.changes if pending is not None else [])]
    return UsageImportResult(
        batch=batch,
        dry_run=True,
        rows_read=batch.rows_read,
        created=batch.rows_created,
        updated=batch.rows_updated,
        unchanged=batch.rows_unchanged,
        errors=listed,
        error_count=max(batch.error_count, len(listed)),
        changes=changes,
    )
