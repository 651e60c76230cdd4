"""The routes in the admin: county scope, a real add form, the check on the page, copies and publication."""

import datetime
from http import HTTPStatus

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from routing import admin as routing_admin
from routing import checks, services
from routing.choices import Channel, TargetKind, WindowKind
from routing.models import WEEKDAYS_NEEDED, PublishedRouteSet, ReceivingUnit, Route
from routing.tests.factories import OpeningHoursFactory, ReceivingUnitFactory, RouteFactory

pytestmark = pytest.mark.django_db


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def kainuu_station(kainuu):
    return ReceivingUnitFactory(county=kainuu, code="kajaani", name_fi="Kajaanin terveysasema")


@pytest.fixture
def lapland_route(lapland, contents, outcomes):
    return RouteFactory(county=lapland, module=contents["yska"], outcome=outcomes["non-urgent"])


def test_the_list_shows_only_the_editors_county(
    kainuu, kainuu_editor, kainuu_station, lapland_route, contents, outcomes
):
    own = RouteFactory(
        county=kainuu, module=contents["yska"], outcome=outcomes["non-urgent"], receiving_unit=kainuu_station
    )

    response = kainuu_editor.get(reverse("admin:routing_route_changelist"))

    assert response.status_code == HTTPStatus.OK
    assert list(response.context["cl"].queryset) == [own]


def test_another_countys_route_is_404_and_unchanged(kainuu_editor, lapland_route):
    url = reverse("admin:routing_route_change", args=[lapland_route.pk])

    assert kainuu_editor.get(url).status_code == HTTPStatus.NOT_FOUND
    assert kainuu_editor.post(url, {"channel": Channel.PHONE_LINE}).status_code == HTTPStatus.NOT_FOUND
    lapland_route.refresh_from_db()
    assert lapland_route.channel == Channel.WORK_QUEUE


def route_form(county, module, outcome, unit, **values):
    data = {
        "county": county.pk,
        "module": module.pk,
        "outcome": outcome.pk,
        "window_kind": WindowKind.HOURS,
        "weekdays": ["1", "2", "3", "4", "5"],
        "starts_at": "08:00",
        "ends_at": "16:00",
        "channel": Channel.WORK_QUEUE,
        "receiving_unit": unit.pk,
        "roles": ["nurse"],
        "target_kind": TargetKind.SAME_WORKING_DAY,
        "languages": ["fi", "sv"],
        "strong_identification": "on",
        "valid_from": "2025-01-01",
        "verified_on": "2025-05-01",
    }
    return {**data, **values}


def test_an_editor_adds_a_route_with_its_weekdays_roles_and_languages(
    kainuu, kainuu_editor, kainuu_station, contents, outcomes
):
    response = kainuu_editor.post(
        reverse("admin:routing_route_add"),
        route_form(kainuu, contents["kurkkukipu"], outcomes["non-urgent"], kainuu_station),
    )

    assert response.status_code == HTTPStatus.FOUND
    route = Route.objects.get()
    assert (route.weekdays, route.roles, route.languages) == ([1, 2, 3, 4, 5], ["nurse"], ["fi", "sv"])
    assert route.history.get().history_user == kainuu_editor.user


def test_a_route_with_hours_but_no_weekdays_is_refused_with_the_reason(
    kainuu, kainuu_editor, kainuu_station, contents, outcomes
):
    form = route_form(kainuu, contents["kurkkukipu"], outcomes["non-urgent"], kainuu_station, weekdays=[])

    response = kainuu_editor.post(reverse("admin:routing_route_add"), form)

    assert response.status_code == HTTPStatus.OK
    assert response.context["adminform"].form.errors["weekdays"] == [str(WEEKDAYS_NEEDED)]
    assert not Route.objects.exists()


def test_an_editor_may_route_to_a_partner_of_another_county_and_to_116117(
    kainuu, kainuu_editor, lapland, helpline, contents, outcomes
):
    partner = ReceivingUnitFactory(county=lapland, code="kumppani", name_fi="Kumppanisairaala")
    form = route_form(kainuu, contents["kurkkukipu"], outcomes["urgent"], partner, channel=Channel.PHONE_LINE)

    kainuu_editor.post(reverse("admin:routing_route_add"), form)
    kainuu_editor.post(
        reverse("admin:routing_route_add"),
        {
            **form,
            "receiving_unit": helpline.pk,
            "channel": Channel.HELPLINE_116117,
            "starts_at": "16:00",
            "ends_at": "08:00",
        },
    )

    assert sorted(Route.objects.values_list("receiving_unit__name_fi", flat=True)) == [
        "Kumppanisairaala",
        "Päivystysapu 116117",
    ]


def test_the_change_page_shows_the_routes_findings(kainuu, kainuu_editor, kainuu_station, contents, outcomes, deployed):
    route = RouteFactory(
        county=kainuu,
        module=contents["kurkkukipu"],
        outcome=outcomes["urgent"],
        receiving_unit=kainuu_station,
        channel=Channel.CONTACT_REQUEST,
        target_kind=TargetKind.NONE,
    )

    with translation.override("en"):
        response = kainuu_editor.get(reverse("admin:routing_route_change", args=[route.pk]), HTTP_ACCEPT_LANGUAGE="en")
        expected = str(checks.URGENT_ASYNCHRONOUS) % {"route": str(route), "channel": "contact request"}

    assert response.status_code == HTTPStatus.OK
    assert [finding.code for finding in response.context["route_findings"]] == ["urgent_asynchronous"]
    assert response.context["route_findings"][0].message == expected


def test_the_check_page_lists_the_editors_findings_only(
    kainuu, lapland, kainuu_editor, kainuu_station, lapland_route, contents, outcomes, deployed
):
    response = kainuu_editor.get(reverse("admin:routing_route_check"))

    assert response.status_code == HTTPStatus.OK
    assert {row["finding"].county_id for row in response.context["rows"]} == {kainuu.pk}
    # Kainuu routes nothing yet: both outcomes of its two symptom assessments.
    assert sorted(row["finding"].code for row in response.context["rows"]) == ["no_route"] * 4


def test_routes_are_copied_from_another_content_of_the_county(
    kainuu, kainuu_editor, kainuu_station, contents, outcomes
):
    source = RouteFactory(
        county=kainuu, module=contents["kurkkukipu"], outcome=outcomes["non-urgent"], receiving_unit=kainuu_station
    )
    RouteFactory(
        county=kainuu,
        module=contents["kurkkukipu"],
        outcome=outcomes["urgent"],
        receiving_unit=kainuu_station,
        valid_to=datetime.date(2025, 1, 31),
    )
    url = reverse("admin:routing_route_copy_content")
    form = {"county": kainuu.pk, "source": contents["kurkkukipu"].pk, "target": contents["yska"].pk}

    response = kainuu_editor.post(url, form)

    copies = Route.objects.filter(module=contents["yska"])
    assert response.status_code == HTTPStatus.FOUND
    assert [(copy.outcome, copy.receiving_unit, copy.verified_on) for copy in copies] == [
        (source.outcome, kainuu_station, None)
    ]
    assert copies.get().history.get().history_user == kainuu_editor.user
    again = kainuu_editor.post(url, form)
    assert str(services.COPY_TARGET_HAS_ROUTES) in messages_of(again)
    assert copies.count() == 1


def test_routes_of_another_kind_of_content_are_not_copied(kainuu, kainuu_editor, kainuu_station, contents, outcomes):
    RouteFactory(
        county=kainuu, module=contents["kurkkukipu"], outcome=outcomes["non-urgent"], receiving_unit=kainuu_station
    )

    response = kainuu_editor.post(
        reverse("admin:routing_route_copy_content"),
        {"county": kainuu.pk, "source": contents["kurkkukipu"].pk, "target": contents["omaishoidon-tuki"].pk},
    )

    assert str(services.COPY_OTHER_KIND) in messages_of(response)
    assert Route.objects.count() == 1


def test_another_countys_published_routes_are_copied_with_units_of_ones_own(
    kainuu, lapland, kainuu_editor, lapland_editor, helpline, contents, outcomes, django_user_model
):
    station = ReceivingUnitFactory(county=lapland, code="rovaniemi", name_fi="Rovaniemen terveysasema")
    OpeningHoursFactory(unit=station, weekday=1)
    RouteFactory(county=lapland, module=contents["yska"], outcome=outcomes["non-urgent"], receiving_unit=station)
    RouteFactory(
        county=lapland,
        module=contents["yska"],
        outcome=outcomes["urgent"],
        receiving_unit=helpline,
        channel=Channel.HELPLINE_116117,
    )
    publisher = django_user_model.objects.create_superuser("julkaisija")
    published = services.route_set_publish(county=lapland, module=contents["yska"], user=publisher)

    response = kainuu_editor.post(
        reverse("admin:routing_route_copy_published"), {"source": published.pk, "county": kainuu.pk}
    )

    assert response.status_code == HTTPStatus.FOUND
    copies = Route.objects.filter(county=kainuu).order_by("outcome__order")
    assert [(copy.outcome.code, copy.receiving_unit.county_id, copy.receiving_unit.name_fi) for copy in copies] == [
        ("urgent", None, "Päivystysapu 116117"),
        ("non-urgent", kainuu.pk, "Rovaniemen terveysasema"),
    ]
    copied_unit = ReceivingUnit.objects.get(county=kainuu)
    assert list(copied_unit.opening_hours.values_list("weekday", flat=True)) == [1]


def test_a_publisher_publishes_and_an_editor_cannot(
    kainuu, kainuu_editor, kainuu_publisher, kainuu_station, contents, outcomes
):
    RouteFactory(
        county=kainuu, module=contents["kurkkukipu"], outcome=outcomes["non-urgent"], receiving_unit=kainuu_station
    )
    url = reverse("admin:routing_route_publish")
    form = {"county": kainuu.pk, "module": contents["kurkkukipu"].pk}

    refused = kainuu_editor.post(url, form)
    published = kainuu_publisher.post(url, form)

    assert refused.status_code == HTTPStatus.OK
    assert str(routing_admin.PUBLISH_CHOOSE) in messages_of(refused)
    assert published.status_code == HTTPStatus.FOUND
    snapshot = PublishedRouteSet.objects.get().snapshot
    assert [(route["outcome"], route["channel"], route["valid_from"]) for route in snapshot["routes"]] == [
        ("non-urgent", "work_queue", "2025-01-01")
    ]
    assert [unit["name_fi"] for unit in snapshot["units"]] == ["Kajaanin terveysasema"]


def test_an_editor_cannot_add_a_national_service(kainuu_editor):
    response = kainuu_editor.post(
        reverse("admin:routing_receivingunit_add"),
        {
            "code": "116117",
            "unit_type": "medical_helpline",
            "name_fi": "Oma päivystysapu",
            "holidays_as_sundays": "on",
            "opening_hours-TOTAL_FORMS": "0",
            "opening_hours-INITIAL_FORMS": "0",
            "opening_exceptions-TOTAL_FORMS": "0",
            "opening_exceptions-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == HTTPStatus.OK
    assert "county" in response.context["adminform"].form.errors
    assert not ReceivingUnit.objects.exists()


def test_an_editor_adds_a_unit_with_its_weekly_hours(kainuu, kainuu_editor):
    response = kainuu_editor.post(
        reverse("admin:routing_receivingunit_add"),
        {
            "county": kainuu.pk,
            "code": "digikeskus",
            "unit_type": "digital_centre",
            "name_fi": "Digikeskus",
            "holidays_as_sundays": "on",
            "opening_hours-TOTAL_FORMS": "1",
            "opening_hours-INITIAL_FORMS": "0",
            "opening_hours-0-weekday": "1",
            "opening_hours-0-opens": "07:00",
            "opening_hours-0-closes": "21:00",
            "opening_exceptions-TOTAL_FORMS": "0",
            "opening_exceptions-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    unit = ReceivingUnit.objects.get()
    assert (unit.county, list(unit.opening_hours.values_list("weekday", "opens", "closes"))) == (
        kainuu,
        [(1, datetime.time(7), datetime.time(21))],
    )
    assert unit.history.get().history_user == kainuu_editor.user
