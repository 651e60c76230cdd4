"""What the public reads of the routes: each county × content as its publisher last published it.

The public reads only `PublishedRouteSet` snapshots (`routing.services.route_set_snapshot`
wrote them), never the routes being edited. `published_routes` turns one snapshot into
`PublishedRoute` values (the coverage's `RouteFacts` with what only the public shows) and
`PublishedUnit` values (carrying the `UnitFacts` the coverage reads), without a query;
`latest_route_sets` finds the latest set of each county × content in one query. The pages and
the deck read those values; the open API (`/api/routes`, `/api/units`) reads them through
`county_routes_on` and `county_units`, which add the codes the API names things by.
"""

import datetime
import threading
from collections import OrderedDict
from dataclasses import dataclass

from django.db.models import OuterRef, Q, Subquery, Value

from common.translation import TranslatedNameMixin
from regions.models import Municipality, ServiceArea, WellbeingCounty
from routing.calendar import holiday_dates
from routing.choices import Urgency
from routing.facts import DatedHours, DayHours, RouteFacts, UnitFacts
from routing.models import PublishedRouteSet

# Parsed snapshots kept in memory: a published snapshot never changes (a publication makes a
# new row), so its values can be reused until the process ends. Bounded: the oldest go first.
PARSED_CACHE_SIZE = 256


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _time(value: str | None) -> datetime.time | None:
    return datetime.time.fromisoformat(value) if value else None


@dataclass(frozen=True)
class PublishedUnit(TranslatedNameMixin):
    """A receiving unit as it was published: its names in three languages, contacts and the coverage's facts."""

    id: int
    county_id: int | None
    code: str
    unit_type: str
    name_fi: str
    name_sv: str
    name_en: str
    operator: str
    phone: str
    web_address: str
    facts: UnitFacts
    # The reason of each of `facts.exceptions`, in the same order.
    exception_reasons: tuple[str, ...] = ()

    @property
    def is_national(self) -> bool:
        """A national service every county routes to (112, 116117)."""
        return self.county_id is None


@dataclass(frozen=True)
class PublishedRoute(RouteFacts):
    """One published route: the coverage's facts and what only the public shows."""

    target_cutoff: datetime.time | None = None
    strong_identification: bool = True
    municipality_ids: tuple[int, ...] = ()
    service_area_id: int | None = None


@dataclass(frozen=True)
class PublishedRoutes:
    """The routes of one published set in its order (outcome, start date), and their units by id."""

    routes: tuple[PublishedRoute, ...]
    units: dict[int, PublishedUnit]

    @property
    def unit_facts(self) -> dict[int, UnitFacts]:
        return {unit_id: unit.facts for unit_id, unit in self.units.items()}

    def not_ended_on(self, day: datetime.date) -> list[PublishedRoute]:
        """The routes in use on the day or starting later: those that have not ended before it."""
        return [route for route in self.routes if route.valid_to is None or route.valid_to >= day]


def _unit(data: dict) -> PublishedUnit:
    facts = UnitFacts(
        id=data["id"],
        name=data["name_fi"],
        county_id=data["county"],
        unit_type=data["unit_type"],
        open_around_the_clock=data["open_around_the_clock"],
        holidays_as_sundays=data["holidays_as_sundays"],
        hours=tuple(DayHours(h["weekday"], _time(h["opens"]), _time(h["closes"])) for h in data["hours"]),
        exceptions=tuple(
            DatedHours(
                _date(e["starts_on"]), _date(e["ends_on"]), e["is_closed"], _time(e["opens"]), _time(e["closes"])
            )
            for e in data["exceptions"]
        ),
    )
    return PublishedUnit(
        id=data["id"],
        county_id=data["county"],
        code=data["code"],
        unit_type=data["unit_type"],
        name_fi=data["name_fi"],
        name_sv=data["name_sv"],
        name_en=data["name_en"],
        operator=data["operator"],
        phone=data["phone"],
        web_address=data["web_address"],
        facts=facts,
        exception_reasons=tuple(e["reason"] for e in data["exceptions"]),
    )


def _route(data: dict, *, county_id: int, module_id: int, urgencies: dict[str, str]) -> PublishedRoute:
    return PublishedRoute(
        id=data["id"],
        label="",
        county_id=county_id,
        module_id=module_id,
        outcome=data["outcome"],
        urgency=urgencies.get(data["outcome"], Urgency.NONE),
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
        roles=frozenset(data["roles"]),
        languages=frozenset(data["languages"]),
        age_from=data["age_from"],
        age_below=data["age_below"],
        verified_on=_date(data["verified_on"]),
        foreign_unit_reason=data["foreign_unit_reason"],
        target_cutoff=_time(data["target_cutoff"]),
        strong_identification=data["strong_identification"],
        municipality_ids=tuple(data["municipalities"]),
        service_area_id=data["service_area"],
    )


def _parsed(published: PublishedRouteSet, urgencies: dict[str, str]) -> PublishedRoutes:
    snapshot = published.snapshot
    return PublishedRoutes(
        routes=tuple(
            _route(data, county_id=published.county_id, module_id=published.module_id, urgencies=urgencies)
            for data in snapshot["routes"]
        ),
        units={data["id"]: _unit(data) for data in snapshot["units"]},
    )


_cache: OrderedDict = OrderedDict()
_cache_lock = threading.Lock()


def _cache_key(published: PublishedRouteSet, urgencies: dict[str, str]) -> tuple | None:
    if published.pk is None or published.published_at is None:
        return None
    snapshot = published.snapshot
    # The sizes guard against a primary key reused (tests) with the same moment but another snapshot.
    return (
        published.pk,
        published.published_at,
        published.county_id,
        published.module_id,
        len(snapshot["routes"]),
        len(snapshot["units"]),
        tuple(sorted(urgencies.items())),
    )


def published_routes(published: PublishedRouteSet, *, urgencies: dict[str, str] | None = None) -> PublishedRoutes:
    """The snapshot of a published set as values; `urgencies` gives each outcome code's urgency (reference data)."""
    urgencies = urgencies or {}
    key = _cache_key(published, urgencies)
    if key is None:
        return _parsed(published, urgencies)
    with _cache_lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    found = _parsed(published, urgencies)
    with _cache_lock:
        _cache[key] = found
        while len(_cache) > PARSED_CACHE_SIZE:
            _cache.popitem(last=False)
    return found


def latest_route_sets(*, county=None, module=None):
    """The latest publication of each county × content (of the county, of the content or every one), in one query."""
    latest = (
        PublishedRouteSet.objects.filter(county=OuterRef("county"), module=OuterRef("module"))
        .order_by("-published_at", "-pk")
        .values("pk")[:1]
    )
    sets = PublishedRouteSet.objects.filter(pk=Subquery(latest))
    if county is not None:
        sets = sets.filter(county=county)
    if module is not None:
        sets = sets.filter(module=module)
    return sets


def unit_key(unit: PublishedUnit | None, *, county_id: int, county_codes: dict[int, str]) -> str | None:
    """A unit as route files name it: its code in the county, a national service's code, or `<county>/<code>`."""
    if unit is None:
        return None
    if unit.county_id is None or unit.county_id == county_id:
        return unit.code
    return f"{county_codes[unit.county_id]}/{unit.code}"


@dataclass(frozen=True)
class CountyRoute:
    """A published route as the API names it: its content, units and areas by code, and whether it applies."""

    route: PublishedRoute
    module_code: str
    receiving_unit: str | None
    window_unit: str | None
    municipalities: tuple[str, ...]
    service_area: str | None
    applies: bool | None


@dataclass(frozen=True)
class CountyUnit:
    """A receiving unit as its county's last publication of a content that routes to it shows it."""

    unit: PublishedUnit
    county_code: str | None
    published_at: datetime.datetime


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


def county_routes_on(
    *,
    county: WellbeingCounty,
    on: datetime.date,
    at: datetime.datetime | None = None,
    module=None,
    outcome: str | None = None,
) -> list[CountyRoute]:
    """The county's published routes valid on the day, each marked whether it applies at `at` (None without one).

    `at` is a local (naive) moment on the day `on`. Routes come by content code, outcome order
    as published, then start date.
    """
    sets = latest_route_sets(county=county, module=module).select_related("module").order_by("module__code")
    holidays = holiday_dates(start=on - datetime.timedelta(days=1), end=on)
    county_ids, municipality_ids = {county.pk}, set()
    chosen = []
    for route_set in sets:
        published = published_routes(route_set)
        county_ids |= {unit.county_id for unit in published.units.values() if unit.county_id is not None}
        facts = published.unit_facts if at is not None else {}
        for route in published.routes:
            if (outcome is not None and route.outcome != outcome) or not route.is_valid_on(on):
                continue
            applies = None if at is None else route.serves(at, units=facts, holidays=holidays)
            municipality_ids |= set(route.municipality_ids)
            chosen.append((route_set.module.code, published.units, route, applies))
    county_codes, municipality_codes, area_codes = _codes(
        county=county, county_ids=county_ids, municipality_ids=municipality_ids
    )
    return [
        CountyRoute(
            route=route,
            module_code=module_code,
            receiving_unit=unit_key(units.get(route.receiving_unit_id), county_id=county.pk, county_codes=county_codes),
            window_unit=unit_key(units.get(route.window_unit_id), county_id=county.pk, county_codes=county_codes),
            municipalities=tuple(
                sorted(municipality_codes[pk] for pk in route.municipality_ids if pk in municipality_codes)
            ),
            service_area=area_codes.get(route.service_area_id),
            applies=applies,
        )
        for module_code, units, route, applies in chosen
    ]


def county_units(*, county: WellbeingCounty) -> list[CountyUnit]:
    """The receiving units the county's published routes go to, each as last published, by county and code.

    A unit in several contents' publications is shown as the newest of them publishes it; the
    national services (112, 116117) and partners' units of other counties are included.
    """
    newest: dict[int, tuple[datetime.datetime, PublishedUnit]] = {}
    for route_set in latest_route_sets(county=county).order_by("module__code"):
        for unit in published_routes(route_set).units.values():
            known = newest.get(unit.id)
            if known is None or known[0] < route_set.published_at:
                newest[unit.id] = (route_set.published_at, unit)
    county_ids = {county.pk} | {unit.county_id for _at, unit in newest.values() if unit.county_id is not None}
    county_codes = dict(WellbeingCounty.objects.filter(pk__in=county_ids).values_list("pk", "code"))
    units = [
        CountyUnit(unit=unit, county_code=county_codes.get(unit.county_id), published_at=published_at)
        for published_at, unit in newest.values()
    ]
    return sorted(units, key=lambda found: (found.county_code or "", found.unit.code))
