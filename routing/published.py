"""What the public reads of the routes: each county × content as its publisher last published it.

Plain functions over `PublishedRouteSet` snapshots, never the rows being edited; the open API
(`/api/routes`, `/api/units`) calls them. A route that applies at a moment is one whose dates,
time window and unit closures take an assessment sent then (`RouteFacts.serves`).
"""

import datetime
from dataclasses import dataclass

from django.db.models import OuterRef, Q, Subquery, Value

from regions.models import Municipality, ServiceArea, WellbeingCounty
from routing.calendar import holiday_dates
from routing.facts import DatedHours, DayHours, RouteFacts, UnitFacts
from routing.models import PublishedRouteSet


@dataclass(frozen=True)
class PublishedRoute:
    """A route of a published snapshot, its content, and whether it applies at the moment asked about."""

    data: dict
    module_code: str
    county_code: str
    receiving_unit: str
    window_unit: str | None
    municipalities: tuple[str, ...]
    service_area: str | None
    applies: bool | None


@dataclass(frozen=True)
class PublishedUnit:
    """A receiving unit as its county's last publication of a content that routes to it shows it."""

    data: dict
    county_code: str | None
    published_at: datetime.datetime


def latest_route_sets(*, county, module=None) -> list[PublishedRouteSet]:
    """The county's last publication of each content (or of the one content), in one query."""
    latest = (
        PublishedRouteSet.objects.filter(county=OuterRef("county"), module=OuterRef("module"))
        .order_by("-published_at", "-pk")
        .values("pk")[:1]
    )
    sets = PublishedRouteSet.objects.filter(county=county, pk=Subquery(latest)).select_related("module")
    if module is not None:
        sets = sets.filter(module=module)
    return list(sets.order_by("module__code"))


def _time(value: str | None) -> datetime.time | None:
    return datetime.time.fromisoformat(value) if value else None


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def unit_facts_of(data: dict) -> UnitFacts:
    """A snapshot's unit as the coverage reads it."""
    return UnitFacts(
        id=data["id"],
        name=data["name_fi"],
        county_id=data["county"],
        unit_type=data["unit_type"],
        open_around_the_clock=data["open_around_the_clock"],
        holidays_as_sundays=data["holidays_as_sundays"],
        hours=tuple(DayHours(h["weekday"], _time(h["opens"]), _time(h["closes"])) for h in data["hours"]),
        exceptions=tuple(
            DatedHours(
                _date(exception["starts_on"]),
                _date(exception["ends_on"]),
                exception["is_closed"],
                _time(exception["opens"]),
                _time(exception["closes"]),
            )
            for exception in data["exceptions"]
        ),
    )


def route_facts_of(data: dict, *, county_id: int, module_id: int) -> RouteFacts:
    """A snapshot's route as the coverage reads it."""
    return RouteFacts(
        id=data["id"],
        label=str(data["id"]),
        county_id=county_id,
        module_id=module_id,
        outcome=data["outcome"],
        channel=data["channel"],
        receiving_unit_id=data["receiving_unit"],
        valid_from=_date(data["valid_from"]),
        valid_to=_date(data["valid_to"]),
        window_kind=data["window_kind"],
        weekdays=frozenset(data["weekdays"]),
        starts_at=_time(data["starts_at"]),
        ends_at=_time(data["ends_at"]),
        window_unit_id=data["window_unit"],
        handled_in_unit_hours=data["handled_in_unit_hours"],
        target_kind=data["target_kind"],
        target_value=data["target_value"],
        languages=frozenset(data["languages"]),
    )


def _valid_on(data: dict, day: datetime.date) -> bool:
    valid_to = _date(data["valid_to"])
    return _date(data["valid_from"]) <= day and (valid_to is None or day <= valid_to)


def unit_key(unit: dict | None, *, county_id: int, county_codes: dict[int, str]) -> str | None:
    """A unit as route files name it: its code in the county, a national service's code, or `<county>/<code>`."""
    if unit is None:
        return None
    if unit["county"] is None or unit["county"] == county_id:
        return unit["code"]
    return f"{county_codes[unit['county']]}/{unit['code']}"


def _codes(*, county, county_ids, municipality_ids) -> tuple[dict, dict, dict]:
    """The codes of counties, municipalities and the county's service areas by primary key, in one query.

    One round trip instead of three (a union): the municipalities and service areas of the
    county always, so that the number of queries does not depend on the routes.
    """
    # Without their default ordering: SQLite allows no ORDER BY in the parts of a union.
    counties = WellbeingCounty.objects.filter(pk__in=county_ids).order_by().values_list("pk", "code", Value("county"))
    municipalities = (
        Municipality.objects.filter(Q(county=county) | Q(pk__in=municipality_ids))
        .order_by()
        .values_list("pk", "code", Value("municipality"))
    )
    areas = ServiceArea.objects.filter(county=county).order_by().values_list("pk", "code", Value("area"))
    codes = {"county": {}, "municipality": {}, "area": {}}
    for pk, code, kind in counties.union(municipalities, areas, all=True):
        codes[kind][pk] = code
    return codes["county"], codes["municipality"], codes["area"]


def published_routes(
    *,
    county: WellbeingCounty,
    on: datetime.date,
    at: datetime.datetime | None = None,
    module=None,
    outcome: str | None = None,
) -> list[PublishedRoute]:
    """The county's published routes valid on the day, each marked whether it applies at `at` (None without one).

    `at` is a local (naive) moment on the day `on`. Routes come by content code, outcome order
    as published, then start date.
    """
    sets = latest_route_sets(county=county, module=module)
    holidays = holiday_dates(start=on - datetime.timedelta(days=1), end=on)
    county_ids, municipality_ids = {county.pk}, set()
    chosen = []
    for route_set in sets:
        units = {unit["id"]: unit for unit in route_set.snapshot["units"]}
        county_ids |= {unit["county"] for unit in units.values() if unit["county"] is not None}
        facts = {unit_id: unit_facts_of(unit) for unit_id, unit in units.items()}
        for data in route_set.snapshot["routes"]:
            if (outcome is not None and data["outcome"] != outcome) or not _valid_on(data, on):
                continue
            applies = None
            if at is not None:
                route = route_facts_of(data, county_id=county.pk, module_id=route_set.module_id)
                applies = route.serves(at, units=facts, holidays=holidays)
            municipality_ids |= set(data["municipalities"])
            chosen.append((route_set, units, data, applies))
    county_codes, municipality_codes, area_codes = _codes(
        county=county, county_ids=county_ids, municipality_ids=municipality_ids
    )
    return [
        PublishedRoute(
            data=data,
            module_code=route_set.module.code,
            county_code=county.code,
            receiving_unit=unit_key(units.get(data["receiving_unit"]), county_id=county.pk, county_codes=county_codes),
            window_unit=unit_key(units.get(data["window_unit"]), county_id=county.pk, county_codes=county_codes),
            municipalities=tuple(
                sorted(municipality_codes[pk] for pk in data["municipalities"] if pk in municipality_codes)
            ),
            service_area=area_codes.get(data["service_area"]),
            applies=applies,
        )
        for route_set, units, data, applies in chosen
    ]


def published_units(*, county: WellbeingCounty) -> list[PublishedUnit]:
    """The receiving units the county's published routes go to, each as last published, by county and code.

    A unit in several contents' publications is shown as the newest of them publishes it; the
    national services (112, 116117) and partners' units of other counties are included.
    """
    newest: dict[int, tuple[datetime.datetime, dict]] = {}
    for route_set in latest_route_sets(county=county):
        for unit in route_set.snapshot["units"]:
            known = newest.get(unit["id"])
            if known is None or known[0] < route_set.published_at:
                newest[unit["id"]] = (route_set.published_at, unit)
    county_ids = {county.pk} | {unit["county"] for _at, unit in newest.values() if unit["county"] is not None}
    county_codes = dict(WellbeingCounty.objects.filter(pk__in=county_ids).values_list("pk", "code"))
    units = [
        PublishedUnit(data=unit, county_code=county_codes.get(unit["county"]), published_at=published_at)
        for published_at, unit in newest.values()
    ]
    return sorted(units, key=lambda unit: (unit.county_code or "", unit.data["code"]))
