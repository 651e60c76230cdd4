"""Which route serves each hour of a week, for each outcome: the coverage grid and its gaps.

Pure functions over `routing.facts` values. Time is looked at in quarter hours (the finest
step counties use, "7.45–15"): an hour lists every route that serves any of its quarters and
is complete when each quarter has at least one route.
"""

import datetime
from dataclasses import dataclass

from routing.calendar import holiday_dates
from routing.facts import FULL_DAY, RouteFacts, UnitFacts

QUARTERS = (0, 15, 30, 45)
HOUR_BITS = (1 << len(QUARTERS)) - 1


@dataclass(frozen=True)
class HourCell:
    day: datetime.date
    hour: int
    route_ids: tuple[int, ...]
    complete: bool

    @property
    def is_gap(self) -> bool:
        return not self.complete


def day_coverage(
    *,
    routes: list[RouteFacts],
    units: dict[int, UnitFacts],
    day: datetime.date,
    holidays: frozenset[datetime.date],
) -> list[HourCell]:
    """The 24 hours of one day, each with the routes serving it, in the order of `routes`."""
    masks = [(route.id, route.quarters_on(day, units=units, holidays=holidays)) for route in routes]
    served = 0
    for _route_id, mask in masks:
        served |= mask
    cells = []
    for hour in range(24):
        hour_bits = HOUR_BITS << (hour * len(QUARTERS))
        route_ids = []
        for route_id, mask in masks:
            if mask & hour_bits and route_id not in route_ids:
                route_ids.append(route_id)
        cells.append(HourCell(day=day, hour=hour, route_ids=tuple(route_ids), complete=served & hour_bits == hour_bits))
    return cells


def days_coverage(
    *,
    routes: list[RouteFacts],
    units: dict[int, UnitFacts],
    days: list[datetime.date],
    holidays: frozenset[datetime.date] | None = None,
) -> dict[str, list[HourCell]]:
    """For each outcome the routes name, the hours of the days (24 a day, in order) with the routes serving them."""
    if holidays is None:
        holidays = holiday_dates(start=min(days) - datetime.timedelta(days=1), end=max(days))
    by_outcome: dict[str, list[RouteFacts]] = {}
    for route in routes:
        by_outcome.setdefault(route.outcome, []).append(route)
    return {
        outcome: [
            cell
            for day in days
            for cell in day_coverage(routes=outcome_routes, units=units, day=day, holidays=holidays)
        ]
        for outcome, outcome_routes in by_outcome.items()
    }


def week_coverage(
    *,
    routes: list[RouteFacts],
    units: dict[int, UnitFacts],
    week_start: datetime.date,
    holidays: frozenset[datetime.date] | None = None,
) -> dict[str, list[HourCell]]:
    """The 168 hours of the week from `week_start` (any day; a Monday for a calendar week) for each outcome."""
    days = [week_start + datetime.timedelta(days=offset) for offset in range(7)]
    return days_coverage(routes=routes, units=units, days=days, holidays=holidays)


def day_gaps(
    *,
    routes: list[RouteFacts],
    units: dict[int, UnitFacts],
    day: datetime.date,
    holidays: frozenset[datetime.date],
) -> list[tuple[datetime.date, int, int]]:
    """`gap_ranges` of one day without building its cells: the route check's fast path."""
    served = 0
    for route in routes:
        served |= route.quarters_on(day, units=units, holidays=holidays)
    if served == FULL_DAY:
        return []
    runs: list[tuple[datetime.date, int, int]] = []
    for hour in range(24):
        hour_bits = HOUR_BITS << (hour * len(QUARTERS))
        if served & hour_bits == hour_bits:
            continue
        if runs and runs[-1][2] == hour:
            runs[-1] = (day, runs[-1][1], hour + 1)
        else:
            runs.append((day, hour, hour + 1))
    return runs


def gap_ranges(cells: list[HourCell]) -> list[tuple[datetime.date, int, int]]:
    """The incomplete hours as (day, first hour, hour after the last) runs within each day."""
    runs: list[tuple[datetime.date, int, int]] = []
    for cell in cells:
        if cell.complete:
            continue
        if runs and runs[-1][0] == cell.day and runs[-1][2] == cell.hour:
            runs[-1] = (cell.day, runs[-1][1], cell.hour + 1)
        else:
            runs.append((cell.day, cell.hour, cell.hour + 1))
    return runs
