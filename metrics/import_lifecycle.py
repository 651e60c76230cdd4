"""The admin's import of a file, step by step: upload and preview, then confirm or cancel.

The upload is checked as a dry run (`usage_import_preview`); a valid file waits in the
database as a `PendingUsageImport` until its uploader confirms it, which queues the
import for a background worker (`metrics.tasks.usage_import_queue`), or cancels it
(`usage_import_cancel`). The worker runs `usage_import_run_queued`. Every step is a
keyword-only function that takes the acting `user` and checks it; the admin only calls
them. Everything is checked and written by `metrics.importing.usage_import`.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from metrics.import_progress import ProgressReport
from metrics.importing import (
    NO_IMPORT_PERMISSION,
    UsageImportResult,
    binary_stream,
    import_acting_user,
    usage_import,
)
from metrics.models import ImportBatch, ImportOutcome, PendingUsageImport

# Rows to create or change that a preview shows.
PREVIEW_SAMPLE_SIZE = 20
# A preview not confirmed within this time is deleted at the next upload.
PENDING_IMPORT_LIFETIME = datetime.timedelta(days=1)

PENDING_FILE_GONE = _("The uploaded file is no longer waiting to be imported; nothing was written. Upload it again.")


def usage_import_preview(*, file, user) -> tuple[UsageImportResult, PendingUsageImport | None]:
    """Check an uploaded file as a dry run; when it is valid, keep it for the confirm.

    The file waits in the database, so the confirm may reach another app server.
    Returns the dry run's result and the pending import (None when the file is invalid).
    """
    result = usage_import(file=file, user=user, dry_run=True, sample_size=PREVIEW_SAMPLE_SIZE)
    if not result.ok:
        return result, None
    _expired_pending_delete()
    with binary_stream(file) as (stream, _name):
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


def usage_import_cancel(*, token, user) -> str:
    """Forget the user's pending preview without writing anything; returns its file name."""
    pending = usage_import_pending(token=token, user=user)
    pending.delete()
    return pending.file_name


def usage_import_pending(*, token, user) -> PendingUsageImport:
    """The user's pending preview; raises PendingUsageImport.DoesNotExist for a token that is not theirs."""
    import_acting_user(user)
    return PendingUsageImport.objects.select_related("preview_batch").get(token=token, user=user)


def _expired_pending_delete() -> None:
    PendingUsageImport.objects.filter(created_at__lt=timezone.now() - PENDING_IMPORT_LIFETIME).delete()


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
