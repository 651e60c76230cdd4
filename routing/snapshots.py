"""A published route set's JSON snapshot read back into values: what the public pages and the deck show.

The public reads only `PublishedRouteSet` snapshots (`routing.services.route_set_snapshot`
wrote them), never the routes being edited. `published_routes` turns one snapshot into
`PublishedRoute` values (the coverage's `RouteFacts` with what only the pages show) and
`PublishedUnit` values (carrying the `UnitFacts` the coverage reads), without a query;
`latest_route_sets` finds the latest set of each county × content in one query.
"""

import datetime
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery

from common.translation import TranslatedNameMixin
from routing.choices import Urgency
from routing.facts import DatedHours, DayHours, RouteFacts, UnitFacts
from routing.models import PublishedRouteSet


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

    @property
    def is_national(self) -> bool:
        """A national service every county routes to (112, 116117)."""
        return self.county_id is None


@dataclass(frozen=True)
class PublishedRoute(RouteFacts):
    """One published route: the coverage's facts and what only the pages show."""

    target_cutoff: datetime.time | None = None
    strong_identification: bool = True


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
    )


def published_routes(published: PublishedRouteSet, *, urgencies: dict[str, str] | None = None) -> PublishedRoutes:
    """The snapshot of a published set as values; `urgencies` gives each outcome code's urgency (reference data)."""
    snapshot = published.snapshot
    return PublishedRoutes(
        routes=tuple(
            _route(data, county_id=published.county_id, module_id=published.module_id, urgencies=urgencies or {})
            for data in snapshot["routes"]
        ),
        units={data["id"]: _unit(data) for data in snapshot["units"]},
    )


def latest_route_sets(queryset=None):
    """The latest publication of each county × content in `queryset` (every set by default), in one query."""
    queryset = PublishedRouteSet.objects.all() if queryset is None else queryset
    latest = (
        PublishedRouteSet.objects.filter(county=OuterRef("county"), module=OuterRef("module"))
        .order_by("-published_at", "-pk")
        .values("pk")[:1]
    )
    return queryset.filter(pk=Subquery(latest))
