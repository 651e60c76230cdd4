"""A large upload is checked by a background worker; its page shows the rows checked, then the same preview.

The first tests use the immediate backend of the test settings (the check runs inside the
upload) and lower USAGE_IMPORT_BACKGROUND_CHECK_MB so that a small file counts as large;
the last ones upload a national-sized file (over the default threshold) and run the real
database queue and real `manage.py db_worker` processes against the test database.
"""

import datetime
import hashlib
import signal
import time
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone
from django.utils.translation import override
from pytest_django.asserts import assertContains, assertNotContains

from metrics.admin import CHECK_QUEUED, CHECK_RETRIED, IMPORT_CANCELLED
from metrics.importing.importer import UNEXPECTED_ERROR
from metrics.importing.lifecycle import PREVIEW_SAMPLE_SIZE, background_check_run
from metrics.importing.pending import PART_BYTES
from metrics.importing.progress import (
    IMPORT_STALLED_AFTER,
    PROGRESS_CHECK_STALLED,
    PROGRESS_WAITING,
    import_progress_text,
)
from metrics.importing.validation import FOREIGN_COUNTY
from metrics.models import ImportBatch, ImportState, PendingUsageImport, PendingUsageImportPart, UsageStatistic
from metrics.tests.factories import import_reference_data
from metrics.tests.import_support import csv_text, grant_import, national_file, pending_content, upload
from tests.worker_processes import (
    DATABASE_QUEUE,
    WORKER_TIMEOUT_SECONDS,
    start_worker,
    stop,
    stop_started_workers,
    wait_for,
)

UPLOAD_URL = reverse("admin:metrics_usagestatistic_import_file")
BATCH_LIST_URL = reverse("admin:metrics_importbatch_changelist")
# Any file of more than about a hundred bytes is checked in the background.
TINY_THRESHOLD_MB = 0.0001


def check_url(batch):
    return reverse("admin:metrics_usagestatistic_import_check", args=[batch.pk])


def confirm_url(pending):
    return reverse("admin:metrics_usagestatistic_import_confirm", args=[pending.token])


def cancel_url(pending):
    return reverse("admin:metrics_usagestatistic_import_cancel", args=[pending.token])


def rows_of(refs):
    return (
        f"{refs.north_karelia.code},,kurkkukipu,assessments_started,week,2024-W05,12",
        f"{refs.north_karelia.code},suun-terveys,kurkkukipu,assessments_started,week,2024-W05,3",
        f"{refs.pirkanmaa.code},,virtsatietulehdus,assessments_completed,month,2024-05,30",
    )


def invalid_rows_of(refs):
    return (
        f"{refs.north_karelia.code},,kurkkukipu,assessments_started,week,2024-W05,-1",
        f"{refs.pirkanmaa.code},,virtsatietulehdus,assessments_completed,month,2024-05,30",
        f"{refs.pirkanmaa.code},,virtsatietulehdus,assessments_completed,month,2024-06,-5",
    )


def preview_of(result):
    """What the preview page shows of a result: counts, the sample of changes, the errors."""
    return (
        (result.rows_read, result.created, result.updated, result.unchanged),
        [
            (c.line, c.county, c.service_area, c.module, c.metric, c.period, c.old_value, c.new_value)
            for c in result.changes
        ],
        [tuple(issue) for issue in result.errors],
        result.error_count,
    )


def check_of(response) -> ImportBatch:
    """The batch of the check an upload was redirected to."""
    assert response.status_code == HTTPStatus.FOUND, response.content[:500]
    return ImportBatch.objects.get(pk=resolve(response.url).kwargs["batch_id"])


@pytest.fixture
def refs(db):
    return import_reference_data()


@pytest.fixture
def editor(refs):
    user = get_user_model().objects.create_user("pohjois-karjala", is_staff=True)
    refs.north_karelia.editors.add(user)
    return grant_import(user)


# --- small files stay in the request; large ones land on the check's page --------------------


@pytest.mark.django_db
def test_a_small_file_is_still_checked_and_previewed_inside_the_request(refs, admin_client):
    response = admin_client.post(UPLOAD_URL, {"file": upload(csv_text(*rows_of(refs)))})

    assert response.status_code == HTTPStatus.OK
    assert response.templates[0].name == "admin/metrics/import_preview.html"
    assert ImportBatch.objects.get().outcome == ImportState.DRY_RUN


@pytest.mark.django_db
def test_a_large_file_is_checked_in_the_background_and_previewed_exactly_as_a_small_one(refs, admin_client, settings):
    UsageStatistic.objects.create(
        county=refs.north_karelia,
        module=refs.sore_throat,
        metric=refs.started,
        period_type="week",
        period_start=datetime.date(2024, 1, 29),
        value=10,
    )
    in_request = admin_client.post(UPLOAD_URL, {"file": upload(csv_text(*rows_of(refs)))})
    admin_client.post(cancel_url(in_request.context["pending"]))
    settings.USAGE_IMPORT_BACKGROUND_CHECK_MB = TINY_THRESHOLD_MB

    uploaded = admin_client.post(UPLOAD_URL, {"file": upload(csv_text(*rows_of(refs)))})
    check = check_of(uploaded)
    page = admin_client.get(uploaded.url)

    assert page.status_code == HTTPStatus.OK
    assert page.templates[0].name == "admin/metrics/import_preview.html"
    assert [str(message) for message in page.context["messages"]][-1] == str(CHECK_QUEUED % {"file": "usage.csv"})
    assert preview_of(page.context["result"]) == preview_of(in_request.context["result"])
    assert preview_of(page.context["result"])[0] == (3, 2, 1, 0)
    assertContains(page, confirm_url(page.context["pending"]))
    assert check.outcome == ImportState.DRY_RUN
    assert UsageStatistic.objects.count() == 1

    confirmed = admin_client.post(confirm_url(page.context["pending"]))

    assert confirmed.status_code == HTTPStatus.FOUND
    assert sorted(UsageStatistic.objects.values_list("value", flat=True)) == [3, 12, 30]
    assert not PendingUsageImport.objects.exists()


@pytest.mark.django_db
def test_a_large_invalid_file_shows_its_errors_by_line_and_column_and_is_not_kept(refs, admin_client, settings):
    in_request = admin_client.post(UPLOAD_URL, {"file": upload(csv_text(*invalid_rows_of(refs)))})
    settings.USAGE_IMPORT_BACKGROUND_CHECK_MB = TINY_THRESHOLD_MB

    uploaded = admin_client.post(UPLOAD_URL, {"file": upload(csv_text(*invalid_rows_of(refs)))})
    page = admin_client.get(uploaded.url)

    assert page.templates[0].name == "admin/metrics/import_upload.html"
    result = page.context["result"]
    assert preview_of(result) == preview_of(in_request.context["result"])
    assert [(issue.line, issue.column) for issue in result.errors] == [(2, "G"), (4, "G")]
    assert "-1" in result.errors[0].message
    assertContains(page, f'action="{UPLOAD_URL}"')
    assert check_of(uploaded).outcome == ImportState.REJECTED
    assert not PendingUsageImport.objects.exists()
    assert not UsageStatistic.objects.exists()


@pytest.mark.django_db
def test_the_check_page_shows_the_rows_checked_and_refreshes_itself_until_the_check_is_done(
    refs, admin_client, admin_user
):
    admin = admin_user
    started = timezone.now() - datetime.timedelta(seconds=10)
    batch = ImportBatch.objects.create(
        user=admin,
        file_name="kansallinen.csv",
        sha256="0" * 64,
        outcome=ImportState.CHECKING,
        rows_done=250_000,
        started_at=started,
        progress_at=started + datetime.timedelta(seconds=5),
    )
    pending = PendingUsageImport.objects.create(
        user=admin, file_name="kansallinen.csv", sha256="0" * 64, preview_batch=batch
    )

    page = admin_client.get(check_url(batch))
    confirmed_too_early = admin_client.post(confirm_url(pending))

    assert page.templates[0].name == "admin/metrics/import_check.html"
    assertContains(page, '<meta http-equiv="refresh" content="2">', html=False)
    assertContains(page, f'<p id="import-progress" role="status">{page.context["progress"]}</p>', html=True)
    with override("en"):
        assert import_progress_text(batch) == "250,000 rows checked, 50,000 rows/s."
    assertContains(page, cancel_url(pending))
    assertNotContains(page, confirm_url(pending))
    assert confirmed_too_early.status_code == HTTPStatus.NOT_FOUND
    assert ImportBatch.objects.count() == 1

    ImportBatch.objects.filter(pk=batch.pk).update(outcome=ImportState.CHECK_QUEUED, started_at=None)
    waiting = admin_client.get(check_url(batch))
    assert waiting.context["progress"] == str(PROGRESS_WAITING)


@pytest.mark.django_db
def test_a_check_can_be_cancelled_while_it_waits_and_then_writes_nothing(refs, admin_client, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    settings.USAGE_IMPORT_BACKGROUND_CHECK_MB = TINY_THRESHOLD_MB
    uploaded = admin_client.post(UPLOAD_URL, {"file": upload(csv_text(*rows_of(refs)))})
    pending = PendingUsageImport.objects.get()

    cancelled = admin_client.post(cancel_url(pending), follow=True)

    assert [str(m) for m in cancelled.context["messages"]][-1] == str(IMPORT_CANCELLED % {"file": "usage.csv"})
    assert not PendingUsageImport.objects.exists()
    batch = background_check_run(batch_id=check_of(uploaded).pk)
    assert batch.outcome == ImportState.REJECTED
    assert not UsageStatistic.objects.exists()


@pytest.mark.django_db
def test_an_unexpected_error_in_the_check_shows_a_message_and_no_stack_trace(refs, admin_client, settings, monkeypatch):
    def broken(**_kwargs):
        raise RuntimeError("secret detail of the server")

    monkeypatch.setattr("metrics.importing.lifecycle.usage_import", broken)
    settings.USAGE_IMPORT_BACKGROUND_CHECK_MB = TINY_THRESHOLD_MB

    uploaded = admin_client.post(UPLOAD_URL, {"file": upload(csv_text(*rows_of(refs)))})
    page = admin_client.get(uploaded.url)

    assert [issue.message for issue in page.context["result"].errors] == [str(UNEXPECTED_ERROR)]
    assertNotContains(page, "secret detail")
    assertNotContains(page, "Traceback")
    assert not PendingUsageImport.objects.exists()


@pytest.mark.django_db
def test_cancelling_a_large_upload_deletes_its_file_without_reading_it_back(refs, admin_client, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    settings.USAGE_IMPORT_BACKGROUND_CHECK_MB = TINY_THRESHOLD_MB
    rows = [f"14,,kurkkukipu,assessments_started,week,2024-W{week:02d},{week}" for week in range(1, 53)]
    check_of(admin_client.post(UPLOAD_URL, {"file": upload(csv_text(*rows) * 1000)}))
    pending = PendingUsageImport.objects.get()
    assert pending.parts.count() > 1

    with CaptureQueriesContext(connection) as queries:
        admin_client.post(cancel_url(pending))

    statements = [query["sql"] for query in queries]
    part_table = PendingUsageImportPart._meta.db_table
    pieces_deleted = next(n for n, sql in enumerate(statements) if sql.startswith("DELETE") and part_table in sql)
    pieces_read = [n for n, sql in enumerate(statements) if sql.startswith("SELECT") and '"data"' in sql]
    assert all(n > pieces_deleted for n in pieces_read), statements  # read only once there is nothing left to read
    assert not PendingUsageImportPart.objects.exists()


# --- who sees a check -----------------------------------------------------------------------


@pytest.mark.django_db
def test_only_the_uploader_and_superusers_see_a_check_and_only_the_uploader_confirms_it(
    refs, editor, client, admin_client, settings
):
    settings.USAGE_IMPORT_BACKGROUND_CHECK_MB = TINY_THRESHOLD_MB
    client.force_login(editor)
    own_county_rows = rows_of(refs)[:2]
    uploaded = client.post(UPLOAD_URL, {"file": upload(csv_text(*own_county_rows))})
    check = check_of(uploaded)
    other_editor = grant_import(get_user_model().objects.create_user("toinen", is_staff=True))
    refs.north_karelia.editors.add(other_editor)

    as_uploader = client.get(check_url(check))
    as_superuser = admin_client.get(check_url(check))
    client.force_login(other_editor)
    as_other_editor = client.get(check_url(check))
    other_confirms = client.post(confirm_url(as_uploader.context["pending"]))

    assert as_uploader.status_code == as_superuser.status_code == HTTPStatus.OK
    assertContains(as_uploader, confirm_url(as_uploader.context["pending"]))
    assertNotContains(as_superuser, confirm_url(as_uploader.context["pending"]))
    assert as_other_editor.status_code == other_confirms.status_code == HTTPStatus.NOT_FOUND
    assert not UsageStatistic.objects.exists()


@pytest.mark.django_db
def test_an_editors_large_file_with_another_countys_rows_is_rejected_by_the_check(refs, editor, client, settings):
    settings.USAGE_IMPORT_BACKGROUND_CHECK_MB = TINY_THRESHOLD_MB
    client.force_login(editor)

    uploaded = client.post(UPLOAD_URL, {"file": upload(csv_text(*rows_of(refs)))})
    page = client.get(uploaded.url)

    assert [(issue.line, issue.column) for issue in page.context["result"].errors] == [(4, "A")]
    assert page.context["result"].errors[0].message == str(FOREIGN_COUNTY.format(county=refs.pirkanmaa.code))
    assert not UsageStatistic.objects.exists()
    assert not PendingUsageImport.objects.exists()


# --- a stalled check is retried ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_stalled_check_says_so_and_the_retry_action_checks_it_again(refs, admin_client, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    settings.USAGE_IMPORT_BACKGROUND_CHECK_MB = TINY_THRESHOLD_MB
    check = check_of(admin_client.post(UPLOAD_URL, {"file": upload(csv_text(*rows_of(refs)))}))
    ImportBatch.objects.filter(pk=check.pk).update(
        outcome=ImportState.CHECKING, progress_at=timezone.now() - IMPORT_STALLED_AFTER * 2
    )
    stalled = admin_client.get(check_url(check))
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

    retried = admin_client.post(
        BATCH_LIST_URL, {"action": "retry_stalled_imports", "_selected_action": [check.pk]}, follow=True
    )
    page = admin_client.get(check_url(check))

    assert stalled.context["progress"] == str(PROGRESS_CHECK_STALLED)
    assert str(CHECK_RETRIED % {"file": "usage.csv"}) in [str(m) for m in retried.context["messages"]]
    assert page.templates[0].name == "admin/metrics/import_preview.html"
    assert preview_of(page.context["result"])[0] == (3, 3, 0, 0)
    assert not UsageStatistic.objects.exists()


# --- the real queue and real worker processes ----------------------------------------------------


@pytest.fixture(autouse=True)
def _no_worker_outlives_its_test():
    yield
    stop_started_workers()


@pytest.fixture
def national_upload(transactional_db, settings, admin_client):
    """A national-sized file uploaded in the admin: over the default threshold, so its check waits in the queue."""
    settings.TASKS = DATABASE_QUEUE
    refs = import_reference_data()
    content = national_file(refs, weeks=700)  # 105,000 rows, 5 MB: two progress reports
    assert len(content) > settings.USAGE_IMPORT_BACKGROUND_CHECK_MB * 1024 * 1024
    uploaded = admin_client.post(UPLOAD_URL, {"file": upload(content.decode(), name="kansallinen.csv")})
    return check_of(uploaded)


def test_a_worker_process_checks_a_large_upload_reports_progress_and_the_preview_imports_it(
    national_upload, admin_client
):
    check = national_upload
    assert check.outcome == ImportState.CHECK_QUEUED
    worker = start_worker(batch=False)
    try:
        seen, pages = [], []

        def checked():
            check.refresh_from_db()
            seen.append((check.outcome, check.rows_done))
            if check.outcome == ImportState.CHECKING and check.rows_done > 0 and not pages:
                pages.append(admin_client.get(check_url(check)))
            return check.outcome == ImportState.DRY_RUN

        wait_for(checked, worker=worker)
        preview = admin_client.get(check_url(check))
        assert preview.templates[0].name == "admin/metrics/import_preview.html"
        assert preview_of(preview.context["result"])[0] == (105_000, 105_000, 0, 0)
        assert len(preview.context["result"].changes) == 2 * PREVIEW_SAMPLE_SIZE  # new rows with and without area
        assert not UsageStatistic.objects.exists()

        confirmed = admin_client.post(confirm_url(preview.context["pending"]))
        batch = ImportBatch.objects.exclude(pk=check.pk).get()

        def imported():
            batch.refresh_from_db()
            return batch.outcome == ImportState.APPLIED

        wait_for(imported, worker=worker)
    finally:
        stop(worker)

    assert confirmed.status_code == HTTPStatus.FOUND
    assert (batch.rows_created, batch.rows_total) == (105_000, 105_000)
    assert UsageStatistic.objects.count() == 105_000
    assert not PendingUsageImport.objects.exists()
    assert (ImportState.CHECKING, 0) in seen
    if connection.vendor == "postgresql":
        # Rows checked while the check's transaction was still open (SQLite cannot report them).
        assert any(outcome == ImportState.CHECKING and 0 < done < 105_000 for outcome, done in seen)
        assert pages and pages[0].templates[0].name == "admin/metrics/import_check.html"
        assertContains(pages[0], '<meta http-equiv="refresh" content="2">', html=False)


def test_a_worker_killed_during_the_check_writes_nothing_and_the_check_can_be_retried(
    national_upload, admin_client, admin_user
):
    check = national_upload
    worker = start_worker(batch=False)
    try:

        def mid_check():
            check.refresh_from_db()
            return check.outcome == ImportState.CHECKING

        wait_for(mid_check, worker=worker)
        time.sleep(0.3)  # into the reading of 105,000 rows, which takes seconds
    finally:
        stop(worker, signal.SIGKILL)

    check.refresh_from_db()
    assert check.outcome == ImportState.CHECKING
    assert not UsageStatistic.objects.exists()
    waiting = PendingUsageImport.objects.get(preview_batch=check, changes=[])
    kept = pending_content(waiting)
    assert (len(kept) > 2 * PART_BYTES, hashlib.sha256(kept).hexdigest()) == (True, check.sha256)
    assert ImportBatch.objects.count() == 1

    ImportBatch.objects.filter(pk=check.pk).update(progress_at=timezone.now() - IMPORT_STALLED_AFTER * 2)
    retried = admin_client.post(
        BATCH_LIST_URL, {"action": "retry_stalled_imports", "_selected_action": [check.pk]}, follow=True
    )
    assert retried.status_code == HTTPStatus.OK
    retry_worker = start_worker(batch=True)
    assert retry_worker.wait(timeout=WORKER_TIMEOUT_SECONDS) == 0, retry_worker.stdout.read().decode()[-3000:]
    stop(retry_worker)

    page = admin_client.get(check_url(check))
    assert page.templates[0].name == "admin/metrics/import_preview.html"
    assert preview_of(page.context["result"])[0] == (105_000, 105_000, 0, 0)
    assert not UsageStatistic.objects.exists()
