"""A published snapshot read back gives the coverage the same facts as the routes it was made from."""

import dataclasses
import datetime

import pytest

from processes.tests.factories import ContentModuleFactory
from regions.tests.factories import WellbeingCountyFactory
from routing.models import PublishedRouteSet, ReceivingUnit
from routing.published import latest_route_sets, published_routes
from routing.services import route_facts, routes_for_check, unit_facts
from routing.tests.published_sets import centre_routes, published

pytestmark = pytest.mark.django_db


@pytest.fixture
def route_set():
    county = WellbeingCountyFactory(code="09")
    module = ContentModuleFactory(code="kurkkukipu")
    centre_routes(county=county, module=module)
    return published(county=county, module=module)


def test_the_snapshot_reads_back_as_the_routes_facts(route_set):
    stored = {route.pk: route_facts(route) for route in routes_for_check()}
    urgencies = {facts.outcome: facts.urgency for facts in stored.values()}

    read = published_routes(route_set, urgencies=urgencies)

    assert len(read.routes) == 4
    for route in read.routes:
        expected = dataclasses.replace(stored[route.id], label="", municipalities=())
        as_facts = {field.name: getattr(route, field.name) for field in dataclasses.fields(expected)}
        assert as_facts == dataclasses.asdict(expected) | {"municipalities": ()}
    assert [route.target_cutoff for route in read.routes] == [None, None, None, datetime.time(13)]
    assert read.unit_facts == unit_facts(ReceivingUnit.objects.all())


def test_a_published_unit_keeps_its_names_in_three_languages(route_set):
    units = published_routes(route_set).units.values()

    assert sorted((unit.name_fi, unit.name_sv, unit.name_en, unit.is_national) for unit in units) == [
        ("Digikeskus", "Digicentralen", "Digital centre", False),
        ("Päivystysapu 116117", "Jourhjälpen 116117", "Medical helpline 116117", True),
    ]


def test_only_the_latest_publication_of_each_county_and_content_counts(route_set):
    again = published(county=route_set.county, module=route_set.module)
    other = published(county=WellbeingCountyFactory(code="21"), module=route_set.module)

    assert sorted(latest_route_sets().values_list("pk", flat=True)) == sorted([again.pk, other.pk])
    assert list(latest_route_sets(county=route_set.county)) == [again]


def test_a_set_read_again_comes_from_memory_but_another_publication_under_the_same_key_does_not(route_set):
    first = published_routes(route_set)
    again = published_routes(PublishedRouteSet.objects.get(pk=route_set.pk))
    snapshot = {**route_set.snapshot, "routes": route_set.snapshot["routes"][:1]}
    # A primary key used again (a test database rolled back) with another moment and snapshot.
    reused = PublishedRouteSet(
        pk=route_set.pk,
        county=route_set.county,
        module=route_set.module,
        snapshot=snapshot,
        published_at=route_set.published_at + datetime.timedelta(seconds=1),
    )

    assert again is first
    assert len(published_routes(reused).routes) == 1
    assert len(published_routes(route_set).routes) == 4
