"""A service area's contact person: named in the alerts (admin) and their emails, never on a public page or the API;
the email links to the alert's admin page and states the rule with the metric's name, not its code."""

from http import HTTPStatus
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from followup.models import UsageAlert
from metrics.tests.factories import weekly
from regions.models import ServiceArea
from regions.permissions import editor_group_ensure

CONTACT = {
    "contact_name": "Liisa Laine",
    "contact_role": "osastonhoitaja",
    "contact_email": "liisa.laine@example.fi",
    "contact_phone": "040 123 4567",
}
CONTACT_LINE = "Liisa Laine (osastonhoitaja), liisa.laine@example.fi, 040 123 4567"
FALLING = [30, 30, 30, 30, 10, 10, 10, 10]


@pytest.fixture
def declining(refs):
    ServiceArea.objects.filter(pk=refs.oral_health.pk).update(**CONTACT)
    refs.oral_health.refresh_from_db()
    weekly(county=refs.north_karelia, module=refs.uti, metric=refs.started, values=FALLING)
    weekly(
        county=refs.north_karelia, service_area=refs.oral_health, module=refs.uti, metric=refs.started, values=FALLING
    )
    call_command("usage_alerts", "--today", "2026-11-25", stdout=StringIO())
    return refs


@pytest.fixture
def editor_client(refs, client, django_user_model):
    editor = django_user_model.objects.create_user("siun", password="x", is_staff=True, email="siun@example.fi")
    editor.groups.add(editor_group_ensure())
    refs.north_karelia.editors.add(editor)
    client.force_login(editor)
    return client


def test_the_alert_list_and_page_name_the_service_areas_contact_person(declining, editor_client):
    area_alert = UsageAlert.objects.get(service_area=declining.oral_health)
    county_alert = UsageAlert.objects.get(service_area=None)

    listed = editor_client.get(reverse("admin:followup_usagealert_changelist"), headers={"accept-language": "en"})
    page = editor_client.get(
        reverse("admin:followup_usagealert_change", args=[area_alert.pk]), headers={"accept-language": "en"}
    )
    county_page = editor_client.get(
        reverse("admin:followup_usagealert_change", args=[county_alert.pk]), headers={"accept-language": "en"}
    )

    assert listed.status_code == page.status_code == county_page.status_code == HTTPStatus.OK
    assert CONTACT_LINE in listed.content.decode()
    assert CONTACT_LINE in page.content.decode()
    assert CONTACT["contact_name"] not in county_page.content.decode()


def test_the_email_names_the_contact_links_to_the_alert_and_states_the_rule_by_the_metrics_name(
    declining, editor_client, mailoutbox, settings
):
    settings.SITE_URL = "https://omaolo.example.fi/"
    area_alert = UsageAlert.objects.get(service_area=declining.oral_health)
    county_alert = UsageAlert.objects.get(service_area=None)

    call_command("usage_alerts", "--today", "2026-11-25", "--language", "fi", "--notify", stdout=StringIO())

    (mail,) = mailoutbox
    with translation.override("fi"):
        area_url = reverse("admin:followup_usagealert_change", args=[area_alert.pk])
        county_url = reverse("admin:followup_usagealert_change", args=[county_alert.pk])
    assert f"Yhteyshenkilö: {CONTACT_LINE}" in mail.body
    assert f"https://omaolo.example.fi{area_url}" in mail.body
    assert f"https://omaolo.example.fi{county_url}" in mail.body
    assert "”Aloitetut arviot”" in mail.body
    assert "assessments_started" not in mail.body
    # The whole county's alert has no contact person of its own: one contact line in all.
    assert mail.body.count("Yhteyshenkilö:") == 1


def test_the_contact_person_never_reaches_a_public_page_or_the_api(declining, client):
    pages = [
        declining.north_karelia.get_absolute_url(),
        reverse("followup:declining"),
        reverse("metrics:statistics") + "?county=14",
        "/api/alerts",
        "/api/series?metric=assessments_started&period_type=week&county=14&service_area=suun-terveys&end=2026-W47",
    ]
    for url in pages:
        response = client.get(url, headers={"accept-language": "fi"})
        assert response.status_code == HTTPStatus.OK, url
        body = response.content.decode()
        for value in CONTACT.values():
            assert value not in body, (url, value)


def test_an_editor_records_the_contact_person_in_the_service_areas_admin(refs, editor_client):
    url = reverse("admin:regions_servicearea_change", args=[refs.oral_health.pk])
    form = {
        "county": refs.north_karelia.pk,
        "code": "suun-terveys",
        "name_fi": "Suun terveydenhuolto",
        "name_sv": "",
        "name_en": "",
        "description": "",
        **CONTACT,
    }

    response = editor_client.post(url, form)

    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    refs.oral_health.refresh_from_db()
    assert refs.oral_health.contact == CONTACT_LINE
