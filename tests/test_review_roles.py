"""Who is an editor, a publisher or a national admin, and how a superuser makes them so."""

from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from processes.models import ProcessDescription
from regions.models import WellbeingCounty
from regions.permissions import (
    EDITOR_GROUP,
    EDITOR_PERMISSIONS,
    NATIONAL_ADMIN_GROUP,
    NATIONAL_ADMIN_PERMISSIONS,
    editor_group_ensure,
    national_admin_group_ensure,
)
from regions.scoping import can_edit_county, can_publish_county

pytestmark = pytest.mark.django_db


def held(group_name):
    group = Group.objects.get(name=group_name)
    return set(group.permissions.values_list("content_type__app_label", "codename"))


def test_load_reference_data_makes_both_groups_hold_exactly_their_policies(demo_data):
    Group.objects.get(name=NATIONAL_ADMIN_GROUP).permissions.clear()

    call_command("load_reference_data", verbosity=0)

    assert held(EDITOR_GROUP) == set(EDITOR_PERMISSIONS)
    assert held(NATIONAL_ADMIN_GROUP) == set(NATIONAL_ADMIN_PERMISSIONS)


def test_a_superuser_makes_someone_a_countys_publisher_in_the_admin(admin_client, demo_data):
    county = WellbeingCounty.objects.get(code="09")
    publisher = get_user_model().objects.create_user("julkaisija", password="x", is_staff=True)
    url = reverse("admin:regions_wellbeingcounty_change", args=[county.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "editors": [],
            "publishers": [publisher.pk],
            "service_areas-TOTAL_FORMS": "0",
            "service_areas-INITIAL_FORMS": "0",
        }
    )

    response = admin_client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND, response.context["adminform"].form.errors
    assert list(county.publishers.all()) == [publisher]
    assert can_publish_county(publisher, county.pk)
    assert can_edit_county(publisher, county.pk)
    assert not can_publish_county(publisher, WellbeingCounty.objects.get(code="14").pk)


def test_an_editor_cannot_make_themselves_a_publisher(client, demo_data):
    county = WellbeingCounty.objects.get(code="09")
    editor = get_user_model().objects.create_user("editori", password="x", is_staff=True)
    editor.groups.add(editor_group_ensure())
    county.editors.add(editor)
    client.force_login(editor)
    url = reverse("admin:regions_wellbeingcounty_change", args=[county.pk])

    assert "publishers" not in client.get(url).context["adminform"].form.fields
    client.post(url, {"brand": "Päijät-Sote", "publishers": [editor.pk]})

    assert not county.publishers.exists()
    assert not can_publish_county(editor, county.pk)


def test_a_national_admin_sees_every_countys_descriptions_without_being_a_superuser(client, demo_data):
    national = get_user_model().objects.create_user("kansallinen", password="x", is_staff=True)
    national.groups.add(national_admin_group_ensure())
    client.force_login(national)

    response = client.get(reverse("admin:processes_processdescription_changelist"))

    assert not national.is_superuser
    assert response.status_code == HTTPStatus.OK
    assert {process.pk for process in response.context["cl"].result_list} == set(
        ProcessDescription.objects.values_list("pk", flat=True)
    )
    assert all(can_publish_county(national, county.pk) for county in WellbeingCounty.objects.all())
