"""The follow-up log follows the figures: every applied import refreshes the alerts, and so does the admin's button."""

import datetime
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from followup.admin import ALERTS_REFRESHED
from followup.models import UsageAlert
from metrics.decline import decline_windows
from metrics.models import ImportBatch, ImportState, PeriodType
from metrics.tests.factories import weekly
from metrics.tests.import_support import grant_import
from regions.permissions import editor_group_ensure

CHANGELIST = reverse("admin:followup_usagealert_changelist")
REFRESH = reverse("admin:followup_usagealert_refresh")
UPLOAD_URL = reverse("admin:metrics_usagestatistic_import_file")


def _weeks():
    """The eight complete weeks the rule compares today."""
    first = decline_windows(period_type=PeriodType.WEEK, today=timezone.localdate(), window=4).previous_start
    return [first + datetime.timedelta(weeks=index) for index in range(8)]


def _falling_file(county_code: str) -> bytes:
    """Four weeks of 30 assessments started, then four of 10: 120 → 40, −67 %."""
    rows = ["county;service_area;module;metric;period_type;period;value"]
    for index, monday in enumerate(_weeks()):
        year, week, _ = monday.isocalendar()
        rows.append(
            f"{county_code};;virtsatietulehdus;assessments_started;week;{year}-W{week:02d};{30 if index < 4 else 10}"
        )
    return ("\n".join(rows) + "\n").encode()


def _alerts():
    return sorted(
        (alert.county.code, alert.module.code, alert.previous, alert.recent, alert.change_percent)
        for alert in UsageAlert.objects.select_related("county", "module")
    )


@pytest.fixture
def editor(refs, django_user_model):
    user = django_user_model.objects.create_user("siun-editor", password="x", is_staff=True)
    user.groups.add(editor_group_ensure())
    refs.north_karelia.editors.add(user)
    return grant_import(user)


def test_an_import_in_the_admin_changes_the_alert_list(refs, client, editor, django_capture_on_commit_callbacks):
    client.force_login(editor)
    assert list(client.get(CHANGELIST).context["cl"].result_list) == []

    preview = client.post(UPLOAD_URL, {"file": SimpleUploadedFile("viikot.csv", _falling_file("14"))})
    with django_capture_on_commit_callbacks(execute=True):
        confirm = client.post(
            reverse("admin:metrics_usagestatistic_import_confirm", args=[preview.context["pending"].token])
        )

    assert confirm.status_code == HTTPStatus.FOUND
    assert ImportBatch.objects.filter(outcome=ImportState.APPLIED).count() == 1
    assert _alerts() == [("14", "virtsatietulehdus", 120, 40, -67)]
    listed = client.get(CHANGELIST).context["cl"].result_list
    assert [(alert.county.code, alert.change_percent) for alert in listed] == [("14", -67)]


def test_the_command_import_refreshes_the_alerts_too(refs, tmp_path, django_capture_on_commit_callbacks):
    path = tmp_path / "viikot.csv"
    path.write_bytes(_falling_file("08"))

    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_usage", str(path), verbosity=0)

    assert _alerts() == [("08", "virtsatietulehdus", 120, 40, -67)]


def test_a_dry_run_refreshes_nothing(refs, tmp_path, django_capture_on_commit_callbacks):
    path = tmp_path / "viikot.csv"
    path.write_bytes(_falling_file("14"))

    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_usage", str(path), "--dry-run", verbosity=0)

    assert _alerts() == []


def test_a_failing_refresh_never_fails_the_import(
    refs, tmp_path, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broken(**kwargs):
        raise RuntimeError("rule broke")

    monkeypatch.setattr("followup.services.alerts_refresh_all", broken)
    path = tmp_path / "viikot.csv"
    path.write_bytes(_falling_file("14"))

    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_usage", str(path), verbosity=0)

    assert ImportBatch.objects.get().outcome == ImportState.APPLIED
    assert "Refreshing the usage alerts after import batch" in caplog.text


def test_the_admin_button_refreshes_the_alerts_of_the_editors_counties_only(refs, client, editor):
    for county in (refs.north_karelia, refs.pirkanmaa):
        weekly(county=county, module=refs.uti, metric=refs.started, values=[30] * 4 + [10] * 4, first=_weeks()[0])
    client.force_login(editor)

    assert client.get(REFRESH).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    response = client.post(REFRESH, follow=True, headers={"accept-language": "en"})

    assert response.status_code == HTTPStatus.OK
    assert [str(message) for message in response.context["messages"]] == [str(ALERTS_REFRESHED % {"count": 1})]
    assert _alerts() == [("14", "virtsatietulehdus", 120, 40, -67)]


def test_staff_without_the_follow_up_permission_cannot_refresh(refs, client, django_user_model):
    weekly(
        county=refs.north_karelia, module=refs.uti, metric=refs.started, values=[30] * 4 + [10] * 4, first=_weeks()[0]
    )
    client.force_login(django_user_model.objects.create_user("vieras", password="x", is_staff=True))

    assert client.post(REFRESH).status_code == HTTPStatus.FORBIDDEN
    assert _alerts() == []
