"""One editor cannot flood the import queue: a cap on the files they have waiting, and expired previews deleted."""

import datetime
import io
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from metrics.importing.lifecycle import TOO_MANY_WAITING_IMPORTS
from metrics.models import ImportBatch, ImportState, PendingUsageImport, PendingUsageImportPart
from metrics.tests.import_support import csv_text, pending_import, upload

pytestmark = pytest.mark.django_db

UPLOAD_URL = reverse("admin:metrics_usagestatistic_import_file")


def week_row(week: int) -> str:
    return f"14,,virtsatietulehdus,assessments_started,week,2024-W{week:02d},{week}"


@pytest.fixture
def editor(client, refs):
    user = get_user_model().objects.create_user("editor", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_usagestatistic", "import_usagestatistic"]))
    refs.north_karelia.editors.add(user)
    client.force_login(user)
    return user


def test_a_fourth_waiting_upload_is_refused_with_a_message(client, editor, settings):
    settings.USAGE_IMPORT_MAX_WAITING_PER_USER = 3
    for week in (1, 2, 3):
        response = client.post(UPLOAD_URL, {"file": upload(csv_text(week_row(week)))})
        assert response.templates[0].name == "admin/metrics/import_preview.html"

    refused = client.post(UPLOAD_URL, {"file": upload(csv_text(week_row(4)))}, headers={"accept-language": "fi"})

    assert refused.status_code == HTTPStatus.OK
    assert refused.templates[0].name == "admin/metrics/import_upload.html"
    with translation.override("fi"):
        message = TOO_MANY_WAITING_IMPORTS % {"count": 3}
    assert refused.context["form"].errors["file"] == [message]
    assert "Sinulla on jo 3 tiedostoa odottamassa" in refused.text
    assert PendingUsageImport.objects.filter(user=editor).count() == 3
    assert ImportBatch.objects.filter(outcome=ImportState.DRY_RUN).count() == 3  # the fourth was not even checked


def test_cancelling_a_preview_frees_its_place(client, editor, settings):
    settings.USAGE_IMPORT_MAX_WAITING_PER_USER = 1
    client.post(UPLOAD_URL, {"file": upload(csv_text(week_row(1)))})
    pending = PendingUsageImport.objects.get()
    assert client.post(UPLOAD_URL, {"file": upload(csv_text(week_row(2)))}).context["form"].errors

    client.post(reverse("admin:metrics_usagestatistic_import_cancel", args=[pending.token]))
    response = client.post(UPLOAD_URL, {"file": upload(csv_text(week_row(2)))})

    assert response.templates[0].name == "admin/metrics/import_preview.html"
    assert PendingUsageImport.objects.count() == 1


def test_a_large_upload_checked_in_the_background_counts_too(client, editor, settings):
    settings.USAGE_IMPORT_MAX_WAITING_PER_USER = 1
    settings.USAGE_IMPORT_BACKGROUND_CHECK_MB = 0
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    first = client.post(UPLOAD_URL, {"file": upload(csv_text(week_row(1)))})
    assert first.status_code == HTTPStatus.FOUND

    refused = client.post(UPLOAD_URL, {"file": upload(csv_text(week_row(2)))})

    assert refused.status_code == HTTPStatus.OK
    assert refused.context["form"].errors["file"] == [str(TOO_MANY_WAITING_IMPORTS % {"count": 1})]
    assert ImportBatch.objects.filter(outcome=ImportState.CHECK_QUEUED).count() == 1


def test_another_editors_waiting_files_do_not_count(client, editor, settings):
    settings.USAGE_IMPORT_MAX_WAITING_PER_USER = 1
    someone = get_user_model().objects.create_user("someone")
    pending_import(user=someone, file_name="theirs.csv", content=b"x", sha256="")

    response = client.post(UPLOAD_URL, {"file": upload(csv_text(week_row(1)))})

    assert response.templates[0].name == "admin/metrics/import_preview.html"


def test_the_scheduled_clean_up_deletes_expired_previews_and_keeps_queued_imports(refs):
    user = get_user_model().objects.create_user("editor")
    expired = pending_import(user=user, file_name="old.csv", content=b"a" * 10, sha256="")
    fresh = pending_import(user=user, file_name="new.csv", content=b"b", sha256="")
    queued_batch = ImportBatch.objects.create(user=user, file_name="queued.csv", outcome=ImportState.QUEUED)
    queued = pending_import(user=user, file_name="queued.csv", content=b"c", sha256="", import_batch=queued_batch)
    two_days_ago = timezone.now() - datetime.timedelta(days=2)
    PendingUsageImport.objects.filter(pk__in=[expired.pk, queued.pk]).update(created_at=two_days_ago)

    call_command("usage_import_purge_pending", stdout=(out := io.StringIO()))

    assert set(PendingUsageImport.objects.values_list("file_name", flat=True)) == {"new.csv", "queued.csv"}
    assert not PendingUsageImportPart.objects.filter(pending_id=expired.pk).exists()
    assert PendingUsageImportPart.objects.filter(pending=fresh).count() == 1
    assert out.getvalue() == "1 vanhentunut esikatselu ja sen tiedosto poistettiin.\n"
    assert ImportBatch.objects.filter(pk=queued_batch.pk).exists()
