"""The demo's routes: Päijät-Häme's digital centre and 116117, Lapland's partner hospital, findings to show."""

import datetime

import pytest

from processes.models import Rollout
from routing.coverage import week_coverage
from routing.models import PublishedRouteSet, ReceivingUnit, Route
from routing.services import route_check_run, route_facts, routes_for_check, unit_facts

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 7)


def test_the_demo_routes_are_marked_as_examples(demo_data):
    assert Route.objects.filter(county__code="09").count() == 7
    assert Route.objects.filter(county__code="21").count() == 14
    assert Route.objects.filter(county__code="14").count() == 1
    assert set(Route.objects.values_list("source", flat=True)) == {"Esimerkki: demoaineisto, ei todellinen ohjaus."}
    assert all(
        "(esimerkki)" in name for name in ReceivingUnit.objects.exclude(county=None).values_list("name_fi", flat=True)
    )
    assert set(PublishedRouteSet.objects.values_list("county__code", "module__code")) == {
        ("09", "hyvinvointitarkastus"),
        ("09", "kurkkukipu"),
        ("21", "yska"),
        ("14", "virtsatietulehdus"),
    }


def test_paijat_hames_sore_throat_is_public_and_laplands_ear_ache_draft_is_not(client, demo_data):
    sore_throat = client.get("/en/routes/counties/09/kurkkukipu/")

    assert sore_throat.status_code == 200
    assert "Digital health and social services centre (example)" in sore_throat.content.decode()
    assert client.get("/en/routes/counties/21/korvakipu/").status_code == 404
    assert Route.objects.filter(county__code="21", module__code="korvakipu").count() == 7


def test_north_karelias_route_ended_with_its_rollout(demo_data):
    route = Route.objects.get(county__code="14")
    rollout = Rollout.objects.get(county__code="14", module=route.module)

    assert route.valid_to == rollout.ended_on == datetime.date(2024, 6, 30)


def test_paijat_hames_urgent_sore_throat_goes_to_the_centre_by_day_and_to_116117_at_night(demo_data):
    routes = [route_facts(route) for route in routes_for_check().filter(county__code="09", module__code="kurkkukipu")]
    units = unit_facts(ReceivingUnit.objects.all())
    names = {route.id: units[route.receiving_unit_id].name for route in routes}
    monday = datetime.date(2026, 12, 7)

    urgent = week_coverage(routes=routes, units=units, week_start=monday)["urgent"]

    assert not any(cell.is_gap for cell in urgent)
    assert [names[route_id] for route_id in urgent[10].route_ids] == ["Digitaalinen sote-keskus (esimerkki)"]
    assert [names[route_id] for route_id in urgent[22].route_ids] == ["Päivystysapu 116117"]
    saturday_evening = urgent[5 * 24 + 19]
    assert [names[route_id] for route_id in saturday_evening.route_ids] == ["Päivystysapu 116117"]


def test_the_route_check_has_findings_to_show(demo_data):
    findings = route_check_run(today=TODAY)
    by_county = {}
    for finding in findings:
        by_county.setdefault(finding.county_id, []).append(finding.code)
    codes = {county_id: sorted(found) for county_id, found in by_county.items()}
    paijat_hame = Route.objects.filter(county__code="09").first().county_id
    lapland = Route.objects.filter(county__code="21").first().county_id

    assert codes[paijat_hame] == ["care_guarantee", "no_route"]
    assert codes[lapland] == ["not_verified"] * 7
