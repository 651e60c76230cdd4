"""One county × content's published routes as the page and the deck show them: the “what happens after” sheet.

`route_sheet` reads one published snapshot (no query) and gives the routes as rows with
their keys and words, the swimlane's geometry, the week's coverage grid for each outcome and
the upcoming changes. The page (`routing.views`) and the deck (`routing.deck`) both draw it.
"""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from routing.calendar import holiday_dates
from routing.choices import Channel, UnitType
from routing.coverage import week_coverage
from routing.models import weekday_ranges
from routing.published import PublishedRoute, PublishedRoutes, PublishedUnit
from routing.swimlane import OMAOLO, OUT_OF_HOURS, RESIDENT, UNIT, Swimlane, SwimlaneStep, swimlane_layout
from routing.wording import (
    channel_text,
    languages_text,
    roles_text,
    route_key,
    target_text,
    unit_hours_text,
    window_text,
)

OUT_OF_HOURS_UNITS = frozenset(
    {UnitType.MEDICAL_HELPLINE, UnitType.EMERGENCY_NUMBER, UnitType.EMERGENCY_CARE, UnitType.PARTNER_HOSPITAL}
)
OUT_OF_HOURS_CHANNELS = frozenset({Channel.HELPLINE_116117, Channel.EMERGENCY_112})
# Hours of a band in the deck's compressed grid when the routes change at too many hours to follow them.
FIXED_BAND_HOURS = 3
MOST_BANDS = 10


def lane_of(route: PublishedRoute, unit: PublishedUnit | None) -> str:
    """Whose lane a route's box is in: the resident's for self-care, the out-of-hours service's, or the unit's."""
    if route.channel == Channel.SELF_CARE:
        return RESIDENT
    if route.channel in OUT_OF_HOURS_CHANNELS or unit is None or unit.is_national:
        return OUT_OF_HOURS
    return OUT_OF_HOURS if unit.unit_type in OUT_OF_HOURS_UNITS else UNIT


def lane_labels() -> dict[str, str]:
    return {
        RESIDENT: _("Resident"),
        OMAOLO: _("Omaolo"),
        UNIT: _("Receiving unit"),
        OUT_OF_HOURS: _("Out-of-hours service"),
    }


@dataclass(frozen=True)
class RouteRow:
    key: str
    route: PublishedRoute
    outcome_name: str
    unit: PublishedUnit | None
    unit_name: str
    lane: str
    channel: str
    window: str
    handled: str
    target: str
    roles: str
    languages: str
    in_use: bool


@dataclass(frozen=True)
class GridCell:
    hour: int
    keys: tuple[str, ...]
    complete: bool

    @property
    def text(self) -> str:
        return " ".join(self.keys)

    @property
    def css_class(self) -> str:
        """The cell's classes: a background tone for its first route beside the letter (never the only sign), a gap."""
        classes = "coverage-cell"
        if self.keys:
            classes += f" tone-{(ord(self.keys[0][-1]) - ord('A')) % 6}"
        return classes if self.complete else classes + " coverage-gap"


@dataclass(frozen=True)
class GridDay:
    day: datetime.date
    is_holiday: bool
    cells: tuple[GridCell, ...]


@dataclass(frozen=True)
class OutcomeGrid:
    code: str
    name: str
    days: tuple[GridDay, ...]

    @property
    def has_gap(self) -> bool:
        return any(not cell.complete for day in self.days for cell in day.cells)


@dataclass(frozen=True)
class Change:
    on: datetime.date
    starts: bool
    row: RouteRow


@dataclass(frozen=True)
class RouteSheet:
    rows: tuple[RouteRow, ...]
    swimlane: Swimlane
    grids: tuple[OutcomeGrid, ...]
    changes: tuple[Change, ...]
    week_start: datetime.date
    week_end: datetime.date
    today: datetime.date

    @property
    def rows_in_use(self) -> list[RouteRow]:
        return [row for row in self.rows if row.in_use]


def _rows(routes: list[PublishedRoute], published: PublishedRoutes, outcome_names, today) -> list[RouteRow]:
    unit_facts = published.unit_facts
    rows = []
    for index, route in enumerate(routes):
        unit = published.units.get(route.receiving_unit_id)
        rows.append(
            RouteRow(
                key=route_key(index),
                route=route,
                outcome_name=outcome_names.get(route.outcome, route.outcome),
                unit=unit,
                unit_name=unit.name if unit else "?",
                lane=lane_of(route, unit),
                channel=channel_text(route.channel),
                window=window_text(route, units=published.units),
                handled=unit_hours_text(unit_facts[unit.id]) if unit and route.handled_in_unit_hours else "",
                target=target_text(route),
                roles=roles_text(route.roles),
                languages=languages_text(route.languages),
                in_use=route.is_valid_on(today),
            )
        )
    return rows


def _swimlane(rows: list[RouteRow], outcomes: list[tuple[str, str]]) -> Swimlane:
    steps = [
        SwimlaneStep(
            lane=row.lane,
            outcome=row.route.outcome,
            key=row.key,
            lines=(f"{row.key} · {row.unit_name}", row.channel, row.window, row.target),
        )
        for row in rows
        if row.in_use
    ]
    return swimlane_layout(
        lane_labels=lane_labels(),
        start=(_("Fills in the assessment and sends it"),),
        result=(_("Gives the result"),),
        outcomes=[(code, _("Result: %(outcome)s") % {"outcome": name}) for code, name in outcomes],
        routes=steps,
    )


def _grids(rows: list[RouteRow], published: PublishedRoutes, outcomes, week_start) -> list[OutcomeGrid]:
    holidays = holiday_dates(start=week_start - datetime.timedelta(days=1), end=week_start + datetime.timedelta(days=6))
    coverage = week_coverage(
        routes=[row.route for row in rows], units=published.unit_facts, week_start=week_start, holidays=holidays
    )
    keys = {row.route.id: row.key for row in rows}
    no_route = [GridCell(hour, (), False) for hour in range(24)]
    grids = []
    for code, name in outcomes:
        cells = coverage.get(code)
        days = []
        for offset in range(7):
            day = week_start + datetime.timedelta(days=offset)
            if cells:
                hours = [
                    GridCell(cell.hour, tuple(keys[route_id] for route_id in cell.route_ids), cell.complete)
                    for cell in cells[offset * 24 : offset * 24 + 24]
                ]
            else:
                hours = no_route
            days.append(GridDay(day=day, is_holiday=day in holidays, cells=tuple(hours)))
        grids.append(OutcomeGrid(code=code, name=name, days=tuple(days)))
    return grids


def route_sheet(
    *,
    published: PublishedRoutes,
    outcomes: list[tuple[str, str, bool]],
    today: datetime.date,
    week_start: datetime.date | None = None,
) -> RouteSheet:
    """The sheet of one published set, its grid for the week from `week_start` (a Monday; today's week by default).

    `outcomes` are the content kind's outcomes in order as (code, name, needs a route); an
    outcome is shown when it has a route or needs one. Routes that ended before the week are
    history and left out.
    """
    if week_start is None:
        week_start = today - datetime.timedelta(days=today.weekday())
    routes = published.not_ended_on(min(week_start, today))
    with_routes = {route.outcome for route in routes}
    shown = [(code, name) for code, name, needs_route in outcomes if code in with_routes or needs_route]
    known = {code for code, _name in shown}
    shown += [(code, code) for code in sorted(with_routes - known)]
    outcome_names = dict(shown)
    order = {code: index for index, (code, _name) in enumerate(shown)}
    routes.sort(key=lambda route: (order[route.outcome], route.valid_from))
    rows = _rows(routes, published, outcome_names, today)
    changes = [Change(row.route.valid_from, True, row) for row in rows if row.route.valid_from > today] + [
        Change(row.route.valid_to, False, row) for row in rows if row.route.valid_to and row.route.valid_to >= today
    ]
    changes.sort(key=lambda change: (change.on, not change.starts, change.row.key))
    in_use_outcomes = [(code, name) for code, name in shown if any(r.in_use and r.route.outcome == code for r in rows)]
    return RouteSheet(
        rows=tuple(rows),
        swimlane=_swimlane(rows, in_use_outcomes or shown),
        grids=tuple(_grids(rows, published, shown, week_start)),
        changes=tuple(changes),
        week_start=week_start,
        week_end=week_start + datetime.timedelta(days=6),
        today=today,
    )


# --- the deck's compressed grid -------------------------------------------------------------------


@dataclass(frozen=True)
class BandRow:
    days: str
    cells: tuple[tuple[tuple[str, ...], bool], ...]


def time_bands(grids) -> list[tuple[int, int]]:
    """Hours of the day grouped where no route changes in any grid: [(0, 7), (7, 21), (21, 24)]."""
    starts = {0}
    for grid in grids:
        for day in grid.days:
            for hour in range(1, 24):
                before, cell = day.cells[hour - 1], day.cells[hour]
                if (before.keys, before.complete) != (cell.keys, cell.complete):
                    starts.add(hour)
    if len(starts) > MOST_BANDS:
        starts = set(range(0, 24, FIXED_BAND_HOURS))
    ordered = sorted(starts)
    return list(zip(ordered, [*ordered[1:], 24], strict=True))


def band_rows(grid: OutcomeGrid, bands: list[tuple[int, int]]) -> list[BandRow]:
    """The grid's days in `bands`, days that look alike together (“ma–pe”); a band is complete if all its hours are."""
    rows: list[tuple[list[GridDay], tuple]] = []
    for day in grid.days:
        cells = []
        for start, end in bands:
            keys: list[str] = []
            for cell in day.cells[start:end]:
                keys += [key for key in cell.keys if key not in keys]
            cells.append((tuple(keys), all(cell.complete for cell in day.cells[start:end])))
        cells = tuple(cells)
        if rows and rows[-1][1] == cells:
            rows[-1][0].append(day)
        else:
            rows.append(([day], cells))
    result = []
    for days, cells in rows:
        label = weekday_ranges([day.day.isoweekday() for day in days])
        if any(day.is_holiday for day in days):
            label = _("%(days)s (public holiday)") % {"days": label}
        result.append(BandRow(label, cells))
    return result
