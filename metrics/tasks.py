"""Background jobs of the metrics app (Django's tasks framework, django-tasks-db's queue).

A confirmed import, and the check of a large upload, run in a worker (`manage.py
db_worker`) on any machine that shares the database, not in the admin's request. Task
arguments are ids (and the uploader's language, for the check's messages): the file
waits in the database (`PendingUsageImport`) until the import has finished.

The queue stores each job by its task's dotted path (`metrics.tasks.usage_import_task`,
`metrics.tasks.usage_import_check_task`), so the tasks keep this module and their names:
jobs queued before a deploy still run after it.
"""

from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from metrics.importing.importer import IMPORT_PERMISSION, NO_IMPORT_PERMISSION
from metrics.importing.lifecycle import (
    background_check_run,
    background_check_store,
    usage_import_confirmable,
    usage_import_enqueue_guarded,
    usage_import_run_queued,
)
from metrics.importing.pending import pending_imports_delete
from metrics.importing.progress import usage_import_stalled
from metrics.models import CHECK_STATES, ImportBatch, ImportState, PendingUsageImport

NOT_RETRYABLE = _("This import is not waiting or stalled, so it cannot be retried.")


@task()
def usage_import_task(batch_id: int) -> str:
    """Import the file of a queued batch; returns the batch's outcome."""
    batch = usage_import_run_queued(batch_id=batch_id)
    return batch.outcome if batch is not None else "finished before"


@task()
def usage_import_check_task(batch_id: int, language: str | None = None) -> str:
    """Check the file of a large upload, its messages in the uploader's language; returns the batch's outcome."""
    with translation.override(language or settings.LANGUAGE_CODE):
        batch = background_check_run(batch_id=batch_id)
    return batch.outcome if batch is not None else "finished before"


def background_check_queue(*, file, user) -> ImportBatch:
    """Keep a large upload and queue its check; the check's page shows its progress, then the preview."""
    batch = background_check_store(file=file, user=user)
    if batch.outcome == ImportState.REJECTED:
        return batch
    language = translation.get_language()
    batch = usage_import_enqueue_guarded(batch, lambda: usage_import_check_task.enqueue(batch.pk, language))
    if batch.outcome == ImportState.REJECTED:
        pending_imports_delete(pending_imports=PendingUsageImport.objects.filter(preview_batch=batch))
    return batch


def usage_import_queue(*, token, user) -> ImportBatch:
    """Queue the import of the user's pending preview; the batch's page shows its progress.

    Idempotent: the pending import's row is locked while the batch is made, so however
    many confirms of one preview arrive, on however many app servers, one batch is
    queued and every confirm returns it. Raises PendingUsageImport.DoesNotExist for a
    token that is not the user's, or whose file is still being checked.
    """
    with transaction.atomic():
        pending = usage_import_confirmable(token=token, user=user, for_update=True)
        # Read after the lock, not joined to it: a join would see the row of a batch
        # another confirm committed meanwhile as missing (PostgreSQL's statement snapshot).
        if pending.import_batch_id is not None:
            return ImportBatch.objects.get(pk=pending.import_batch_id)
        preview = pending.preview_batch
        batch = ImportBatch.objects.create(
            user=user,
            file_name=pending.file_name,
            sha256=pending.sha256,
            outcome=ImportState.QUEUED,
            rows_total=preview.rows_read if preview is not None else None,
        )
        PendingUsageImport.objects.filter(pk=pending.pk).update(import_batch=batch)
        # In the same transaction: the database queue's job is committed with the batch. A queue
        # that fails leaves the batch rejected; its savepoint keeps the transaction usable.
        return usage_import_enqueue_guarded(batch, partial(_enqueue_in_savepoint, batch))


def _enqueue_in_savepoint(batch: ImportBatch) -> None:
    with transaction.atomic():
        usage_import_task.enqueue(batch.pk)


def usage_import_retry(*, batch: ImportBatch, user) -> ImportBatch:
    """Queue a stalled import or check again (its worker died): it starts from the first row."""
    if not user.has_perm(IMPORT_PERMISSION) or (batch.user_id != user.pk and not user.is_superuser):
        raise PermissionDenied(NO_IMPORT_PERMISSION)
    if not usage_import_stalled(batch):
        raise ValueError(NOT_RETRYABLE)
    if batch.outcome in CHECK_STATES:
        ImportBatch.objects.filter(pk=batch.pk).update(outcome=ImportState.CHECK_QUEUED, progress_at=timezone.now())
        usage_import_check_task.enqueue(batch.pk, translation.get_language())
    else:
        ImportBatch.objects.filter(pk=batch.pk).update(outcome=ImportState.QUEUED, progress_at=timezone.now())
        usage_import_task.enqueue(batch.pk)
    batch.refresh_from_db()
    return batch
