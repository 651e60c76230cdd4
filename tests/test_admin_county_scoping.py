"""A county's editor changes only that county's data; superusers change everything."""

from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from processes.models import ProcessDescription, Rollout
from regions.models import ServiceArea, WellbeingCounty
from regions.permissions import EDITOR_GROUP

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(demo_data, django_user_model):
    user = django_user_model.objects.create_user("paijat-hame-editor", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=EDITOR_GROUP))
    WellbeingCounty.objects.get(code="09").editors.add(user)
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def own_process():
    return ProcessDescription.objects.get(county__code="09")


def foreign_process():
    return ProcessDescription.objects.get(county__code="14")


def test_editor_lists_only_own_county_processes(editor_client):
    response = editor_client.get(reverse("admin:processes_processdescription_changelist"))

    assert response.status_code == HTTPStatus.OK
    assert {process.county.code for process in response.context["cl"].result_list} == {"09"}


def test_editor_cannot_open_another_countys_process(editor_client):
    response = editor_client.get(reverse("admin:processes_processdescription_change", args=[foreign_process().pk]))

    # The admin redirects to its index with a "does not exist" message for rows outside the queryset.
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("admin:index")


def test_editor_cannot_post_changes_to_another_countys_rollout(editor_client):
    rollout = Rollout.objects.filter(county__code="14").first()

    response = editor_client.post(
        reverse("admin:processes_rollout_change", args=[rollout.pk]), {"notes": "hijacked", "status": "in_use"}
    )

    assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN)
    rollout.refresh_from_db()
    assert rollout.notes != "hijacked"


def test_editor_can_change_own_process(editor_client):
    process = own_process()
    url = reverse("admin:processes_processdescription_change", args=[process.pk])
    form = editor_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "modules"}
    data.update(
        {
            "title": "Uusi otsikko",
            "county": process.county_id,
            "modules": [module.pk for module in process.modules.all()],
            "created_at_0": "16.05.2023",
            "created_at_1": "12:00:00",
            "published_at_0": "17.11.2023",
            "published_at_1": "12:00:00",
            "phases-TOTAL_FORMS": "0",
            "phases-INITIAL_FORMS": "0",
            "links-TOTAL_FORMS": "0",
            "links-INITIAL_FORMS": "0",
        }
    )

    response = editor_client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND, response.context["adminform"].form.errors
    process.refresh_from_db()
    assert process.title == "Uusi otsikko"


def test_editor_cannot_move_a_process_to_another_county(editor_client):
    process = own_process()
    url = reverse("admin:processes_processdescription_change", args=[process.pk])
    foreign = WellbeingCounty.objects.get(code="14")

    response = editor_client.post(url, {"title": "x", "slug": process.slug, "county": foreign.pk, "summary": "s"})

    assert response.status_code == HTTPStatus.OK
    assert "county" in response.context["adminform"].form.errors
    process.refresh_from_db()
    assert process.county.code == "09"


def test_editor_county_choices_are_only_their_own(editor_client):
    response = editor_client.get(reverse("admin:processes_rollout_add"))

    county_field = response.context["adminform"].form.fields["county"]
    area_field = response.context["adminform"].form.fields["service_area"]
    assert [county.code for county in county_field.queryset] == ["09"]
    assert {area.county.code for area in area_field.queryset} == {"09"}


def test_editor_sees_only_own_service_areas(editor_client):
    response = editor_client.get(reverse("admin:regions_servicearea_changelist"))

    assert {area.county.code for area in response.context["cl"].result_list} == {"09"}
    assert ServiceArea.objects.exclude(county__code="09").exists()


def test_editor_cannot_change_county_identity_or_editors(editor_client):
    county = WellbeingCounty.objects.get(code="09")

    response = editor_client.get(reverse("admin:regions_wellbeingcounty_change", args=[county.pk]))

    assert response.status_code == HTTPStatus.OK
    assert "editors" not in response.context["adminform"].form.fields
    assert "brand" in response.context["adminform"].form.fields


def test_editor_cannot_edit_another_county(editor_client):
    county = WellbeingCounty.objects.get(code="14")

    response = editor_client.post(reverse("admin:regions_wellbeingcounty_change", args=[county.pk]), {"brand": "X"})

    assert response.status_code == HTTPStatus.FORBIDDEN
    county.refresh_from_db()
    assert county.brand == "Siun sote"


def test_staff_without_county_sees_no_rows(client, demo_data, django_user_model):
    user = django_user_model.objects.create_user("nobody", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=EDITOR_GROUP))
    client.force_login(user)

    response = client.get(reverse("admin:processes_rollout_changelist"))

    assert list(response.context["cl"].result_list) == []


def test_anonymous_user_is_sent_to_login(client, demo_data):
    response = client.get(reverse("admin:processes_processdescription_changelist"))

    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("admin:login"))


def test_changes_are_recorded_with_the_user(admin_client, admin_user, demo_data):
    process = own_process()
    url = reverse("admin:processes_processdescription_changelist")

    admin_client.post(url, {"action": "archive", "_selected_action": [process.pk]})

    process.refresh_from_db()
    latest = process.history.latest()
    assert process.status == "archived"
    assert latest.history_user == admin_user
    assert latest.status == "archived"
