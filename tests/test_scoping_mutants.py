"""Ways into a county's rows that a mutation run of regions/scoping.py showed no test walked (docs/mutation.md).

Päijät-Häme's editor, through the admin's URLs: the autocomplete that offers a partner's unit
but no other county's row, the opening hours (an inline) saved, changed and deleted on the
editor's own unit, a phase and a step (two and three links from their county) saved, and a
past state restored. Plus the per-request memory of who edits and publishes which county.
"""

import datetime
from http import HTTPStatus

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.db.models import Max
from django.urls import reverse

from metrics.models import Metric
from metrics.tests.factories import MetricFactory
from processes.models import Phase, ProcessDescription, Step
from processes.tests.admin_forms import page_form_data
from processes.tests.factories import (
    ContentModuleFactory,
    PhaseFactory,
    ProcessDescriptionFactory,
    RolloutFactory,
    StepFactory,
)
from regions.models import WellbeingCounty
from regions.permissions import editor_group_ensure
from regions.scoping import can_edit_county, can_publish_county, editable_county_ids, publishable_county_ids
from regions.tests.factories import WellbeingCountyFactory
from routing.models import OpeningHours, ReceivingUnit
from routing.tests.factories import OpeningHoursFactory, ReceivingUnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def counties(db):
    # Three counties first, so that no county shares its primary key with a unit, a process or a phase.
    return {
        "lapland": WellbeingCountyFactory(code="21", name_fi="Lapin hyvinvointialue"),
        "north_karelia": WellbeingCountyFactory(north_karelia=True),
        "paijat_hame": WellbeingCountyFactory(code="09", name_fi="Päijät-Hämeen hyvinvointialue"),
    }


@pytest.fixture
def editor(counties, django_user_model):
    user = django_user_model.objects.create_user("paijat-hame-editor", password="x", is_staff=True)
    user.groups.add(editor_group_ensure())
    counties["paijat_hame"].editors.add(user)
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def units(counties):
    return {
        "own": ReceivingUnitFactory(county=counties["paijat_hame"], code="lahti", name_fi="Lahden terveysasema"),
        "partner": ReceivingUnitFactory(
            county=counties["north_karelia"], code="pkks", name_fi="Pohjois-Karjalan keskussairaala"
        ),
    }


# --- autocomplete: the field being filled decides --------------------------------------------------


def _autocomplete_names(client, app_label, model_name, field_name, term=""):
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": term},
    )
    assert response.status_code == HTTPStatus.OK
    return sorted(result["text"] for result in response.json()["results"])


def test_a_routes_unit_may_be_a_partner_countys_but_the_units_own_list_is_the_editors(editor_client, units):
    ContentModuleFactory(code="kurkkukipu", name_fi="Kurkkukipu")
    # A route may send to a partner hospital of another county (RouteAdmin.also_pickable) ...
    assert _autocomplete_names(editor_client, "routing", "route", "receiving_unit") == [
        "Lahden terveysasema",
        "Pohjois-Karjalan keskussairaala",
    ]
    assert _autocomplete_names(editor_client, "routing", "route", "window_unit", term="keskus") == [
        "Pohjois-Karjalan keskussairaala"
    ]
    # ... but a unit's own fields, the receiving units' list and its search stay the editor's.
    assert _autocomplete_names(editor_client, "routing", "route", "county") == ["Päijät-Hämeen hyvinvointialue"]
    # National reference data has no county: every content is offered.
    assert _autocomplete_names(editor_client, "routing", "route", "module") == ["Kurkkukipu"]
    listed = editor_client.get(reverse("admin:routing_receivingunit_changelist"), {"q": "a"})
    assert [unit.name_fi for unit in listed.context["cl"].result_list] == ["Lahden terveysasema"]


def test_the_rollout_lists_content_filter_offers_every_content_not_only_the_editors(editor_client, counties):
    # Contents are national reference data: the filter by content is not narrowed to the own rows.
    RolloutFactory(county=counties["paijat_hame"], module=ContentModuleFactory(name_fi="Kurkkukipu"))
    ContentModuleFactory(name_fi="Selkäkipu")

    listed = editor_client.get(reverse("admin:processes_rollout_changelist"))

    content_filter = next(spec for spec in listed.context["cl"].filter_specs if spec.field_path == "module")
    assert sorted(name for _pk, name in content_filter.lookup_choices) == ["Kurkkukipu", "Selkäkipu"]


# --- an inline on the editor's own row: added, changed, deleted ----------------------------------------


def _unit_url(unit):
    return reverse("admin:routing_receivingunit_change", args=[unit.pk])


def _hours(unit):
    return list(OpeningHours.objects.filter(unit=unit).values_list("weekday", "opens", "closes"))


def test_the_editor_adds_changes_and_deletes_opening_hours_of_their_own_unit(editor_client, units):
    unit = units["own"]
    monday = OpeningHoursFactory(unit=unit, weekday=1, opens=datetime.time(8), closes=datetime.time(16))
    tuesday = OpeningHoursFactory(unit=unit, weekday=2, opens=datetime.time(8), closes=datetime.time(16))
    page = editor_client.get(_unit_url(unit))
    assert page.status_code == HTTPStatus.OK
    data = page_form_data(page)
    prefix = "opening_hours"
    assert data[f"{prefix}-0-id"] == monday.pk and data[f"{prefix}-1-id"] == tuesday.pk
    data[f"{prefix}-0-closes"] = "18:00:00"  # Monday until six
    data[f"{prefix}-1-DELETE"] = "on"  # Tuesday closed
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "3",
            f"{prefix}-2-unit": str(unit.pk),
            f"{prefix}-2-weekday": "3",
            f"{prefix}-2-opens": "09:00",
            f"{prefix}-2-closes": "15:00",
        }
    )

    response = editor_client.post(_unit_url(unit), data)

    assert response.status_code == HTTPStatus.FOUND, response.context["errors"] if response.context else ""
    assert _hours(unit) == [
        (1, datetime.time(8), datetime.time(18)),  # Monday until six
        (3, datetime.time(9), datetime.time(15)),  # Wednesday, new; Tuesday gone
    ]


def test_the_editor_sees_the_inline_of_their_own_unit_and_may_add_to_it(editor_client, units):
    OpeningHoursFactory(unit=units["own"], weekday=5, opens=datetime.time(8), closes=datetime.time(12))

    page = editor_client.get(_unit_url(units["own"]))

    hours = next(inline for inline in page.context["inline_admin_formsets"] if inline.opts.model is OpeningHours)
    assert [form.instance.weekday for form in hours.formset.forms] == [5]
    assert (hours.has_add_permission, hours.has_change_permission, hours.has_delete_permission) == (True, True, True)


# --- rows two and three links from their county --------------------------------------------------------


@pytest.fixture
def own_step(counties):
    # The own process's and phase's keys are above every county's key, whatever keys earlier tests
    # of the process took, so that reading either as a county's key finds no county.
    above_counties = max(county.pk for county in counties.values()) + 1
    ProcessDescriptionFactory.create_batch(3, county=counties["north_karelia"])
    process_key = max(above_counties, ProcessDescription.objects.aggregate(last=Max("pk"))["last"] + 1)
    process = ProcessDescriptionFactory(pk=process_key, county=counties["paijat_hame"], title="Päijät-Hämeen malli")
    PhaseFactory.create_batch(3, process=process)
    phase_key = max(above_counties, Phase.objects.aggregate(last=Max("pk"))["last"] + 1)
    phase = PhaseFactory(pk=phase_key, process=process, title="Valmistelu")
    return StepFactory(phase=phase, title="Nimeä vastuuhenkilö")


def test_the_editor_saves_a_phase_and_a_step_of_their_own_guide(editor_client, own_step, counties):
    phase = own_step.phase
    # Neither key is a county's: a phase's county is its process's, a step's its phase's process's.
    assert phase.process_id not in WellbeingCounty.objects.values_list("pk", flat=True)
    assert phase.pk not in WellbeingCounty.objects.values_list("pk", flat=True)
    phase_url = reverse("admin:processes_phase_change", args=[phase.pk])
    step_url = reverse("admin:processes_step_change", args=[own_step.pk])

    phase_data = page_form_data(editor_client.get(phase_url))
    phase_data["title"] = "Valmistelu ja päätös"
    saved_phase = editor_client.post(phase_url, phase_data)
    step_data = page_form_data(editor_client.get(step_url))
    step_data["title"] = "Nimeä vastuuhenkilö ja varahenkilö"
    saved_step = editor_client.post(step_url, step_data)

    assert (saved_phase.status_code, saved_step.status_code) == (HTTPStatus.FOUND, HTTPStatus.FOUND)
    assert Phase.objects.get(pk=phase.pk).title == "Valmistelu ja päätös"
    assert Step.objects.get(pk=own_step.pk).title == "Nimeä vastuuhenkilö ja varahenkilö"


# --- a past state of the editor's own row ---------------------------------------------------------------


def test_the_editor_restores_a_past_state_of_their_own_unit(editor_client, units):
    unit = units["own"]
    first = unit.history.earliest()
    unit.name_fi = "Lahden terveyskeskus"
    unit.save()
    url = reverse("admin:routing_receivingunit_simple_history", args=[unit.pk, first.history_id])

    page = editor_client.get(url)
    assert page.status_code == HTTPStatus.OK
    assert page.context["original"].name_fi == "Lahden terveysasema"
    data = page_form_data(page)
    reverted = editor_client.post(url, data)

    assert reverted.status_code == HTTPStatus.FOUND
    assert ReceivingUnit.objects.get(pk=unit.pk).name_fi == "Lahden terveysasema"


def test_another_countys_history_list_stays_closed_though_the_rows_past_is_stored(editor_client, units):
    # The history list falls back to the latest stored state of a row the list does not show.
    url = reverse("admin:routing_receivingunit_history", args=[units["partner"].pk])

    assert editor_client.get(url).status_code == HTTPStatus.FORBIDDEN


def test_with_history_model_permissions_the_county_still_decides_who_reads_a_history(
    settings, client, django_user_model, units, counties
):
    settings.SIMPLE_HISTORY_ENFORCE_HISTORY_MODEL_PERMISSIONS = True
    holder = _county_member(
        django_user_model,
        counties["paijat_hame"],
        "view_receivingunit",
        "view_historicalreceivingunit",
        "change_historicalreceivingunit",
    )
    member = _county_member(django_user_model, counties["paijat_hame"], "view_receivingunit")

    client.force_login(holder)
    own = client.get(reverse("admin:routing_receivingunit_history", args=[units["own"].pk]))
    partner = client.get(reverse("admin:routing_receivingunit_history", args=[units["partner"].pk]))
    client.force_login(member)
    without = client.get(reverse("admin:routing_receivingunit_history", args=[units["own"].pk]))

    assert (own.status_code, partner.status_code, without.status_code) == (
        HTTPStatus.OK,
        HTTPStatus.FORBIDDEN,
        HTTPStatus.FORBIDDEN,
    )


def _county_member(django_user_model, county, *codenames):
    user = django_user_model.objects.create_user(f"member-{'-'.join(codenames)}", password="x", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    county.editors.add(user)
    return user


def test_the_own_county_is_not_enough_without_the_models_permissions(client, django_user_model, units, counties):
    unit = units["own"]
    first = unit.history.earliest()
    unit.name_fi = "Lahden terveyskeskus"
    unit.save()
    reader = _county_member(django_user_model, counties["paijat_hame"], "view_receivingunit")
    stranger = _county_member(django_user_model, counties["paijat_hame"])
    revert_url = reverse("admin:routing_receivingunit_simple_history", args=[unit.pk, first.history_id])

    client.force_login(stranger)
    assert client.get(reverse("admin:routing_receivingunit_history", args=[unit.pk])).status_code == (
        HTTPStatus.FORBIDDEN
    )
    client.force_login(reader)
    page = client.get(revert_url)
    reverted = client.post(revert_url, page_form_data(page))
    deleting = client.get(reverse("admin:routing_receivingunit_delete", args=[unit.pk]))

    assert (page.status_code, page.context["revert_disabled"]) == (HTTPStatus.OK, True)
    assert (reverted.status_code, deleting.status_code) == (HTTPStatus.FORBIDDEN, HTTPStatus.FORBIDDEN)
    assert ReceivingUnit.objects.get(pk=unit.pk).name_fi == "Lahden terveyskeskus"


def test_reference_data_is_not_deleted_by_an_editor_holding_the_delete_permission(client, django_user_model, counties):
    metric = MetricFactory(code="assessments_started")
    holder = _county_member(django_user_model, counties["paijat_hame"], "view_metric", "delete_metric")
    client.force_login(holder)

    deleting = client.post(reverse("admin:metrics_metric_delete", args=[metric.pk]), {"post": "yes"})

    assert deleting.status_code == HTTPStatus.FORBIDDEN
    assert list(Metric.objects.values_list("code", flat=True)) == ["assessments_started"]


# --- who edits and publishes what, remembered for one request ----------------------------------------


def test_a_users_counties_are_read_once_per_request(editor, counties, django_user_model, django_assert_num_queries):
    publisher = django_user_model.objects.create_user("publisher", password="x", is_staff=True)
    counties["lapland"].publishers.add(publisher)

    # Per user: whether they are a national administrator, then their counties; never again.
    with django_assert_num_queries(4):
        assert editable_county_ids(editor) == {counties["paijat_hame"].pk}
        assert editable_county_ids(editor) == {counties["paijat_hame"].pk}
        assert can_edit_county(editor, counties["paijat_hame"].pk) is True
        assert can_edit_county(editor, counties["lapland"].pk) is False
        assert publishable_county_ids(publisher) == {counties["lapland"].pk}
        assert publishable_county_ids(publisher) == {counties["lapland"].pk}
        assert can_publish_county(publisher, counties["lapland"].pk) is True
        assert can_publish_county(publisher, counties["paijat_hame"].pk) is False


def test_no_county_is_edited_or_published_by_a_deactivated_user_or_anyone_anonymous(editor, counties):
    county = counties["paijat_hame"]
    county.publishers.add(editor)
    assert (can_edit_county(editor, county.pk), can_publish_county(editor, county.pk)) == (True, True)

    editor.is_active = False
    anonymous = AnonymousUser()

    assert (can_edit_county(editor, county.pk), can_publish_county(editor, county.pk)) == (False, False)
    assert (can_edit_county(anonymous, county.pk), can_publish_county(anonymous, county.pk)) == (False, False)
