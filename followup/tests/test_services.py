"""Refreshing alerts and the follow-up log: idempotent, and only for the editor's own county."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import F

from followup.models import AlertFollowUp, AlertStatus, UsageAlert
from followup.services import ALREADY_RESOLVED, alert_contact, alert_resolve, alerts_refresh
from metrics.models import PeriodType
from metrics.tests.factories import TODAY, weekly
from regions.scoping import FOREIGN_COUNTY_ERROR

FALLING = [30, 30, 30, 30, 10, 10, 10, 10]


@pytest.fixture
def declining(refs):
    weekly(county=refs.north_karelia, module=refs.uti, metric=refs.started, values=FALLING)
    weekly(
        county=refs.north_karelia, service_area=refs.oral_health, module=refs.uti, metric=refs.started, values=FALLING
    )
    return refs


def _editor_of(county, username="siun-editor"):
    user = get_user_model().objects.create_user(username, email=f"{username}@example.fi", is_staff=True)
    county.editors.add(user)
    return user


def test_refresh_creates_one_open_alert_per_declining_series(declining):
    windows, alerts = alerts_refresh(period_type=PeriodType.WEEK, today=TODAY)

    stored = UsageAlert.objects.order_by(F("service_area").asc(nulls_first=True))
    assert [(a.service_area_id, a.previous, a.recent, a.change_percent, a.status) for a in stored] == [
        (None, 120, 40, -67, AlertStatus.OPEN),
        (declining.oral_health.pk, 120, 40, -67, AlertStatus.OPEN),
    ]
    assert {a.window_end for a in alerts} == {datetime.date(2026, 11, 16)} == {windows.window_end}


def test_refresh_twice_changes_nothing(declining):
    alerts_refresh(period_type=PeriodType.WEEK, today=TODAY)
    before = list(UsageAlert.objects.values().order_by("pk"))

    _windows, alerts = alerts_refresh(period_type=PeriodType.WEEK, today=TODAY)

    assert list(UsageAlert.objects.values().order_by("pk")) == before
    assert len(alerts) == 2


def test_an_active_alert_moves_on_to_the_next_week(declining):
    alerts_refresh(period_type=PeriodType.WEEK, today=TODAY)
    weekly(
        county=declining.north_karelia,
        module=declining.uti,
        metric=declining.started,
        values=[10],
        first=datetime.date(2026, 11, 23),
    )

    alerts_refresh(period_type=PeriodType.WEEK, today=TODAY + datetime.timedelta(weeks=1))

    whole_county = UsageAlert.objects.get(service_area=None)
    assert UsageAlert.objects.count() == 2
    assert (whole_county.window_end, whole_county.previous, whole_county.recent) == (
        datetime.date(2026, 11, 23),
        100,
        40,
    )


def test_a_resolved_alert_is_not_raised_again_for_the_same_weeks(declining):
    editor = _editor_of(declining.north_karelia)
    alerts_refresh(period_type=PeriodType.WEEK, today=TODAY)
    alert_resolve(alert=UsageAlert.objects.get(service_area=None), user=editor, note="Ohjeistus päivitetty.")

    _windows, alerts = alerts_refresh(period_type=PeriodType.WEEK, today=TODAY)

    assert [alert.service_area for alert in alerts] == [declining.oral_health]
    assert UsageAlert.objects.count() == 2


def test_the_editor_contacts_and_resolves_their_countys_alert(declining):
    editor = _editor_of(declining.north_karelia)
    alerts_refresh(period_type=PeriodType.WEEK, today=TODAY)
    alert = UsageAlert.objects.get(service_area=declining.oral_health)

    alert_contact(alert=alert, user=editor, note="Soitettu suun terveydenhuollon esihenkilölle.")
    alert_resolve(alert=alert, user=editor, note="Ajanvarausohje korjattu.")

    alert.refresh_from_db()
    assert alert.status == AlertStatus.RESOLVED
    assert list(AlertFollowUp.objects.filter(alert=alert).values_list("user__username", "new_status", "note")) == [
        ("siun-editor", AlertStatus.CONTACTED, "Soitettu suun terveydenhuollon esihenkilölle."),
        ("siun-editor", AlertStatus.RESOLVED, "Ajanvarausohje korjattu."),
    ]
    assert [record.history_user for record in alert.history.order_by("history_date")][1:] == [editor, editor]


def test_an_editor_of_another_county_is_refused(declining):
    outsider = _editor_of(declining.pirkanmaa, username="pirkanmaa-editor")
    alerts_refresh(period_type=PeriodType.WEEK, today=TODAY)
    alert = UsageAlert.objects.get(service_area=None)

    with pytest.raises(PermissionDenied) as refused:
        alert_contact(alert=alert, user=outsider, note="Ei minun.")

    assert str(refused.value) == str(FOREIGN_COUNTY_ERROR)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN
    assert not AlertFollowUp.objects.exists()


def test_a_resolved_alert_takes_no_more_follow_ups(declining):
    editor = _editor_of(declining.north_karelia)
    alerts_refresh(period_type=PeriodType.WEEK, today=TODAY)
    alert = UsageAlert.objects.get(service_area=None)
    alert_resolve(alert=alert, user=editor, note="Valmis.")

    with pytest.raises(PermissionDenied) as refused:
        alert_contact(alert=alert, user=editor, note="Uudelleen.")

    assert str(refused.value) == str(ALREADY_RESOLVED)
    assert AlertFollowUp.objects.count() == 1
