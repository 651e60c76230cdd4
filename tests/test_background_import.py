"""A confirmed import runs in a background worker; the editor follows it on the import batch's page.

The first tests use the immediate backend of the test settings (the task runs inside the
confirm); the last ones run the real database queue and real `manage.py db_worker`
processes against the test database.
"""

import datetime
import signal
import time
from http import HTTPStatus

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import override
from pytest_django.asserts import assertContains, assertNotContains

from metrics.admin import IMPORT_QUEUED
from metrics.importing.lifecycle import usage_import_preview
from metrics.importing.progress import IMPORT_STALLED_AFTER, PROGRESS_DONE, PROGRESS_STALLED, import_progress_text
from metrics.models import ImportBatch, ImportState, PendingUsageImport, UsageStatistic
from metrics.tasks import usage_import_queue, usage_import_retry
from metrics.tests.factories import import_reference_data
from metrics.tests.import_support import csv_text, national_file, upload
from tests.worker_processes import (
    DATABASE_QUEUE,
    WORKER_TIMEOUT_SECONDS,
    start_worker,
    stop,
    stop_started_workers,
    wait_for,
)

UPLOAD_URL = reverse("admin:metrics_usagestatistic_import_file")


def batch_url(batch):
    return reverse("admin:metrics_importbatch_change", args=[batch.pk])


def small_file(refs):
    return upload(
        csv_text(
            f"{refs.north_karelia.code},,kurkkukipu,assessments_started,week,2024-W05,12",
            f"{refs.pirkanmaa.code},,kurkkukipu,assessments_started,week,2024-W05,30",
        )
    )


@pytest.mark.django_db
def test_the_confirm_answers_with_the_batch_page_and_the_import_lands_there(admin_client):
    refs = import_reference_data()
    admin_client.post(UPLOAD_URL, {"file": small_file(refs)})
    pending = PendingUsageImport.objects.get()

    response = admin_client.post(reverse("admin:metrics_usagestatistic_import_confirm", args=[pending.token]))

    batch = ImportBatch.objects.exclude(outcome=ImportState.DRY_RUN).get()
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == batch_url(batch)
    page = admin_client.get(response.url)
    assert [str(message) for message in page.context["messages"]] == [str(IMPORT_QUEUED % {"file": "usage.csv"})]
    assert (batch.outcome, batch.rows_total, batch.rows_done, batch.rows_created) == (ImportState.APPLIED, 2, 2, 2)
    assertContains(page, str(PROGRESS_DONE))
    assertNotContains(page, 'http-equiv="refresh"')
    assert not PendingUsageImport.objects.exists()


@pytest.mark.django_db
def test_an_unfinished_import_shows_its_progress_and_its_page_refreshes_itself(admin_client, admin_user):
    started = timezone.now() - datetime.timedelta(seconds=10)
    batch = ImportBatch.objects.create(
        user=admin_user,
        file_name="kansallinen.csv",
        sha256="0" * 64,
        outcome=ImportState.RUNNING,
        rows_total=1_000_000,
        rows_done=250_000,
        started_at=started,
        progress_at=started + datetime.timedelta(seconds=5),
    )

    page = admin_client.get(batch_url(batch))

    assertContains(page, '<meta http-equiv="refresh" content="2">', html=False)
    with override("en"):
        assert import_progress_text(batch) == "250,000 of 1,000,000 rows checked (25 %), 50,000 rows/s."


@pytest.mark.django_db
def test_a_stalled_import_says_so_and_only_it_can_be_retried(admin_user):
    refs = import_reference_data()
    _result, pending = usage_import_preview(file=small_file(refs), user=admin_user)
    batch = ImportBatch.objects.create(
        user=admin_user, file_name=pending.file_name, sha256=pending.sha256, outcome=ImportState.RUNNING
    )
    with pytest.raises(ValueError):
        usage_import_retry(batch=batch, user=admin_user)
    ImportBatch.objects.filter(pk=batch.pk).update(progress_at=timezone.now() - IMPORT_STALLED_AFTER * 2)
    batch.refresh_from_db()
    assert import_progress_text(batch) == str(PROGRESS_STALLED)

    retried = usage_import_retry(batch=batch, user=admin_user)

    assert retried.outcome == ImportState.APPLIED
    assert UsageStatistic.objects.count() == 2


# --- the real queue and real worker processes ------------------------------------------


@pytest.fixture(autouse=True)
def _no_worker_outlives_its_test():
    yield
    stop_started_workers()


@pytest.fixture
def queued_national_import(transactional_db, settings, admin_user):
    """A national-sized file previewed and confirmed: a batch waiting in the database queue."""
    settings.TASKS = DATABASE_QUEUE
    refs = import_reference_data()
    content = national_file(refs, weeks=700)  # 105,000 rows: two progress reports
    result, pending = usage_import_preview(file=upload(content.decode(), name="kansallinen.csv"), user=admin_user)
    assert result.ok, result.errors[:3]
    return usage_import_queue(token=pending.token, user=admin_user)


def test_a_worker_process_imports_a_queued_file_and_reports_progress(queued_national_import):
    batch = queued_national_import
    assert batch.outcome == ImportState.QUEUED
    worker = start_worker(batch=False)
    try:
        seen = []

        def progress_or_done():
            batch.refresh_from_db()
            seen.append((batch.outcome, batch.rows_done))
            return batch.outcome == ImportState.APPLIED and not PendingUsageImport.objects.exists()

        wait_for(progress_or_done, worker=worker)
    finally:
        stop(worker)

    assert (batch.rows_created, batch.rows_total, batch.rows_done) == (105_000, 105_000, 105_000)
    assert UsageStatistic.objects.count() == 105_000
    assert not PendingUsageImport.objects.exists()
    assert (ImportState.RUNNING, 0) in seen
    if connection.vendor == "postgresql":
        # Rows checked while the import's transaction was still open (SQLite cannot report them).
        assert any(outcome == ImportState.RUNNING and 0 < done < 105_000 for outcome, done in seen)


def test_a_killed_worker_leaves_nothing_written_and_the_import_can_be_retried(queued_national_import, admin_user):
    batch = queued_national_import
    worker = start_worker(batch=False)
    try:

        def mid_import():
            batch.refresh_from_db()
            return batch.outcome == ImportState.RUNNING

        wait_for(mid_import, worker=worker)
        time.sleep(0.3)  # into the reading of 105,000 rows, which takes seconds
    finally:
        stop(worker, signal.SIGKILL)

    batch.refresh_from_db()
    assert batch.outcome == ImportState.RUNNING
    assert UsageStatistic.objects.count() == 0
    assert PendingUsageImport.objects.filter(sha256=batch.sha256).exists()

    ImportBatch.objects.filter(pk=batch.pk).update(progress_at=timezone.now() - IMPORT_STALLED_AFTER * 2)
    batch.refresh_from_db()
    usage_import_retry(batch=batch, user=admin_user)
    retry_worker = start_worker(batch=True)
    assert retry_worker.wait(timeout=WORKER_TIMEOUT_SECONDS) == 0, retry_worker.stdout.read().decode()[-3000:]
    stop(retry_worker)

    batch.refresh_from_db()
    assert batch.outcome == ImportState.APPLIED
    assert UsageStatistic.objects.count() == 105_000
    assert not PendingUsageImport.objects.exists()


@pytest.mark.parametrize("path", ["metrics.tasks.usage_import_task", "metrics.tasks.usage_import_check_task"])
def test_a_job_queued_before_a_deploy_still_finds_its_task(path):
    # The database queue stores each job by its task's dotted path and imports that path to run it.
    task = import_string(path)

    assert task.module_path == path
