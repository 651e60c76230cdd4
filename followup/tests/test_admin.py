"""The follow-up log in the admin: the editor's own county, open alerts first, follow-ups through the services."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse

from followup.admin import NOTE_REQUIRED
from followup.models import AlertFollowUp, AlertStatus, UsageAlert
from metrics.models import PeriodType
from regions.permissions import editor_group_ensure

CHANGELIST = reverse("admin:followup_usagealert_changelist")
# The follow-up log inline is read-only, but the change form still posts its management form.
LOG_FORMSET = {"follow_ups-TOTAL_FORMS": "0", "follow_ups-INITIAL_FORMS": "0"}


def _alert(refs, county, change_percent, status=AlertStatus.OPEN, module=None):
    return UsageAlert.objects.create(
        county=county,
        module=module or refs.uti,
        metric=refs.started,
        period_type=PeriodType.WEEK,
        window_end=datetime.date(2026, 11, 16),
        previous=100,
        recent=100 + change_percent,
        change_percent=change_percent,
        status=status,
    )


@pytest.fixture
def editor_client(refs, client, django_user_model):
    editor = django_user_model.objects.create_user("siun-editor", password="x", is_staff=True)
    editor.groups.add(editor_group_ensure())
    refs.north_karelia.editors.add(editor)
    client.force_login(editor)
    return client


def test_the_editor_sees_their_countys_alerts_open_first_and_the_rule(refs, editor_client):
    resolved = _alert(refs, refs.north_karelia, -60, AlertStatus.RESOLVED)
    contacted = _alert(refs, refs.north_karelia, -50, AlertStatus.CONTACTED, module=refs.sore_throat)
    _alert(refs, refs.pirkanmaa, -90)
    opened = UsageAlert.objects.create(
        county=refs.north_karelia,
        service_area=refs.oral_health,
        module=refs.uti,
        metric=refs.started,
        period_type=PeriodType.WEEK,
        window_end=datetime.date(2026, 11, 16),
        previous=100,
        recent=75,
        change_percent=-25,
    )

    response = editor_client.get(CHANGELIST, headers={"accept-language": "en"})

    assert response.status_code == HTTPStatus.OK
    assert list(response.context["cl"].result_list) == [opened, contacted, resolved]
    rule = "The rule: A content is flagged when its “Assessments started” per period in the last 4"
    assert rule in response.content.decode()


def test_the_editor_marks_an_alert_contacted_with_a_note(refs, editor_client):
    alert = _alert(refs, refs.north_karelia, -40)
    url = reverse("admin:followup_usagealert_change", args=[alert.pk])

    response = editor_client.post(url, {**LOG_FORMSET, "follow_up": "contacted", "note": "Soitettu palvelualueelle."})

    assert response.status_code == HTTPStatus.FOUND
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CONTACTED
    assert list(AlertFollowUp.objects.values_list("user__username", "new_status", "note")) == [
        ("siun-editor", "contacted", "Soitettu palvelualueelle.")
    ]
    assert "Soitettu palvelualueelle." in editor_client.get(url).content.decode()


def test_a_follow_up_needs_a_note(refs, editor_client):
    alert = _alert(refs, refs.north_karelia, -40)

    response = editor_client.post(
        reverse("admin:followup_usagealert_change", args=[alert.pk]),
        {**LOG_FORMSET, "follow_up": "resolved", "note": " "},
    )

    assert response.status_code == HTTPStatus.OK
    assert response.context["adminform"].form.errors["note"] == [str(NOTE_REQUIRED)]
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN


def test_another_countys_alert_cannot_be_followed_up(refs, editor_client):
    alert = _alert(refs, refs.pirkanmaa, -40)
    url = reverse("admin:followup_usagealert_change", args=[alert.pk])

    opened = editor_client.get(url)
    posted = editor_client.post(url, {**LOG_FORMSET, "follow_up": "resolved", "note": "Ei minun."})

    assert opened.status_code == HTTPStatus.NOT_FOUND
    assert posted.status_code == HTTPStatus.NOT_FOUND
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN
    assert not AlertFollowUp.objects.exists()
