"""The admin import: upload → preview → confirm or cancel, its permissions, and the export."""

import datetime
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse

from metrics.admin import IMPORT_CANCELLED
from metrics.importing.contract import NEGATIVE_VALUE
from metrics.importing.importer import TRUSTED_OPERATOR, usage_import
from metrics.importing.validation import FOREIGN_COUNTY
from metrics.models import ImportBatch, ImportState, PendingUsageImport, UsageStatistic
from metrics.resources import UsageStatisticResource
from metrics.tests.import_support import csv_text, pending_content, pending_import, stored, upload

pytestmark = pytest.mark.django_db

UPLOAD_URL = reverse("admin:metrics_usagestatistic_import_file")
CHANGELIST_URL = reverse("admin:metrics_usagestatistic_changelist")
ROWS = (
    "14,,virtsatietulehdus,assessments_started,week,2024-W05,120",
    "14,suun-terveys,virtsatietulehdus,assessments_started,week,2024-W05,20",
    "08,,kurkkukipu,assessments_completed,month,2024-05,7",
)


@pytest.fixture
def admin_client(client):
    client.force_login(get_user_model().objects.create_superuser("admin"))
    return client


def staff_client(client, *codenames, counties=()):
    user = get_user_model().objects.create_user("editor", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    for county in counties:
        county.editors.add(user)
    client.force_login(user)
    return client


def confirm_url(pending):
    return reverse("admin:metrics_usagestatistic_import_confirm", args=[pending.token])


def cancel_url(pending):
    return reverse("admin:metrics_usagestatistic_import_cancel", args=[pending.token])


def test_the_changelist_offers_the_import_and_the_export(refs, admin_client):
    response = admin_client.get(CHANGELIST_URL)

    assert response.status_code == HTTPStatus.OK
    assert UPLOAD_URL in response.text
    assert reverse("admin:metrics_usagestatistic_export") in response.text


def test_the_upload_form_is_shown(refs, admin_client):
    response = admin_client.get(UPLOAD_URL)

    assert response.status_code == HTTPStatus.OK
    assert response.templates[0].name == "admin/metrics/import_upload.html"


def test_a_valid_upload_shows_a_preview_and_writes_nothing(refs, admin_client):
    usage_import(file=upload(csv_text(ROWS[0].replace(",120", ",100"))), user=TRUSTED_OPERATOR, dry_run=False)

    response = admin_client.post(UPLOAD_URL, {"file": upload(csv_text(*ROWS))})

    assert response.status_code == HTTPStatus.OK
    assert response.templates[0].name == "admin/metrics/import_preview.html"
    result = response.context["result"]
    assert (result.created, result.updated, result.unchanged) == (2, 1, 0)
    assert [(change.line, change.old_value, change.new_value) for change in result.changes] == [
        (2, 100, 120),
        (3, None, 20),
        (4, None, 7),
    ]
    assert [change.period for change in result.changes] == ["2024-W05", "2024-W05", "2024-05"]
    assert "<td>2024-W05</td>" in response.text
    assert stored() == {
        ("14", None, "virtsatietulehdus", "assessments_started", "week", datetime.date(2024, 1, 29), 100)
    }
    pending = PendingUsageImport.objects.get()
    assert pending_content(pending) == csv_text(*ROWS).encode()
    assert pending.preview_batch.outcome == ImportState.DRY_RUN
    assert confirm_url(pending) in response.text


def test_confirming_the_preview_imports_the_file(refs, admin_client):
    admin_client.post(UPLOAD_URL, {"file": upload(csv_text(*ROWS))})
    pending = PendingUsageImport.objects.get()

    response = admin_client.post(confirm_url(pending))

    batch = ImportBatch.objects.get(outcome=ImportState.APPLIED)
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("admin:metrics_importbatch_change", args=[batch.pk])
    assert (batch.rows_created, batch.file_name, batch.user.username) == (3, "usage.csv", "admin")
    assert UsageStatistic.objects.filter(import_batch=batch).count() == 3
    assert not PendingUsageImport.objects.exists()
    assert admin_client.get(response.url).status_code == HTTPStatus.OK


def test_cancelling_the_preview_writes_nothing(refs, admin_client):
    admin_client.post(UPLOAD_URL, {"file": upload(csv_text(*ROWS))})
    pending = PendingUsageImport.objects.get()

    response = admin_client.post(cancel_url(pending), follow=True)

    assert response.redirect_chain == [(CHANGELIST_URL, HTTPStatus.FOUND)]
    assert [str(message) for message in response.context["messages"]] == [IMPORT_CANCELLED % {"file": "usage.csv"}]
    assert UsageStatistic.objects.count() == 0
    assert not PendingUsageImport.objects.exists()


def test_an_invalid_upload_lists_the_errors(refs, admin_client):
    rows = [*ROWS, "08,,kurkkukipu,assessments_started,month,2024-05,-2"]

    response = admin_client.post(UPLOAD_URL, {"file": upload(csv_text(*rows))})

    assert response.status_code == HTTPStatus.OK
    assert response.templates[0].name == "admin/metrics/import_upload.html"
    assert response.context["result"].error_count == 1
    assert str(NEGATIVE_VALUE.format(value="-2")) in response.text
    assert not PendingUsageImport.objects.exists()
    assert UsageStatistic.objects.count() == 0


def test_the_confirm_step_accepts_only_post(refs, admin_client):
    admin_client.post(UPLOAD_URL, {"file": upload(csv_text(*ROWS))})

    response = admin_client.get(confirm_url(PendingUsageImport.objects.get()))

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_staff_without_the_import_permission_get_403(refs, client):
    staff_client(client, "view_usagestatistic")
    pending = pending_import(
        user=get_user_model().objects.get(username="editor"), file_name="x.csv", content=b"x", sha256=""
    )

    assert client.get(UPLOAD_URL).status_code == HTTPStatus.FORBIDDEN
    assert client.post(UPLOAD_URL, {"file": upload(csv_text(*ROWS))}).status_code == HTTPStatus.FORBIDDEN
    assert client.post(confirm_url(pending)).status_code == HTTPStatus.FORBIDDEN
    assert UPLOAD_URL not in client.get(CHANGELIST_URL).text
    assert UsageStatistic.objects.count() == 0


def test_a_county_editor_cannot_import_another_county(refs, client):
    staff_client(client, "view_usagestatistic", "import_usagestatistic", counties=[refs.north_karelia])

    response = client.post(UPLOAD_URL, {"file": upload(csv_text(*ROWS))})

    assert response.status_code == HTTPStatus.OK
    errors = response.context["result"].errors
    assert [(issue.line, issue.column, issue.message) for issue in errors] == [
        (4, "A", str(FOREIGN_COUNTY.format(county="08")))
    ]
    assert not PendingUsageImport.objects.exists()


def test_a_county_editor_imports_their_county_and_sees_the_batch(refs, client):
    staff_client(client, "view_usagestatistic", "import_usagestatistic", counties=[refs.north_karelia])
    client.post(UPLOAD_URL, {"file": upload(csv_text(*ROWS[:2]))})

    response = client.post(confirm_url(PendingUsageImport.objects.get()), follow=True)

    assert response.status_code == HTTPStatus.OK
    assert UsageStatistic.objects.count() == 2
    batch_list = client.get(reverse("admin:metrics_importbatch_changelist"))
    assert batch_list.status_code == HTTPStatus.OK
    assert batch_list.context["cl"].result_count == 2


def test_someone_elses_pending_import_cannot_be_confirmed(refs, admin_client):
    other = get_user_model().objects.create_superuser("other")
    pending = pending_import(user=other, file_name="x.csv", content=csv_text(*ROWS).encode(), sha256="")

    response = admin_client.post(confirm_url(pending))

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert UsageStatistic.objects.count() == 0


def test_a_rejected_batch_shows_its_errors(refs, admin_client):
    result = usage_import(
        file=upload(csv_text("14,,kurkkukipu,users,week,2024-W05,1")), user=TRUSTED_OPERATOR, dry_run=False
    )

    response = admin_client.get(reverse("admin:metrics_importbatch_change", args=[result.batch.pk]))

    assert response.status_code == HTTPStatus.OK
    assert "line 2, column D:" in response.text


def test_an_export_can_be_imported_again_unchanged(refs):
    usage_import(file=upload(csv_text(*ROWS)), user=TRUSTED_OPERATOR, dry_run=False)

    exported = UsageStatisticResource().export().csv

    assert exported.splitlines()[0] == "county,service_area,module,metric,period_type,period,value,responses"
    again = usage_import(file=upload(exported), user=TRUSTED_OPERATOR, dry_run=False)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_a_large_upload_streams_from_a_temporary_file(refs, admin_client, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10
    rows = [f"14,,kurkkukipu,assessments_started,week,2024-W{week:02d},{week}" for week in range(1, 53)]

    response = admin_client.post(UPLOAD_URL, {"file": upload(csv_text(*rows))})

    assert response.context["result"].created == 52
    assert pending_content(PendingUsageImport.objects.get()) == csv_text(*rows).encode()


def test_a_county_editor_exports_only_their_county(refs, rf):
    from django.contrib import admin

    usage_import(file=upload(csv_text(*ROWS)), user=TRUSTED_OPERATOR, dry_run=False)
    user = get_user_model().objects.create_user("editor", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename="view_usagestatistic"))
    refs.north_karelia.editors.add(user)
    request = rf.get(reverse("admin:metrics_usagestatistic_export"))
    request.user = get_user_model().objects.get(pk=user.pk)

    queryset = admin.site.get_model_admin(UsageStatistic).get_export_queryset(request)

    assert sorted(queryset.values_list("county__code", flat=True)) == ["14", "14"]
