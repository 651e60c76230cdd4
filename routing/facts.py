"""Routes, units, outcomes and rules as plain values, for the pure functions of coverage, rules and checks.

`routing.services` builds them from the models (`route_facts`, `unit_facts`, ...); tests build
them directly, without the database.
"""

import datetime
import functools
from dataclasses import dataclass, field

from routing.calendar import weekday_of
from routing.choices import Channel, TargetKind, Urgency, WindowKind

END_OF_DAY = datetime.time(0, 0)
QUARTERS_A_DAY = 96
FULL_DAY = (1 << QUARTERS_A_DAY) - 1


def _quarter_of(time: datetime.time) -> int:
    """The first quarter hour of the day (0–95) that starts at or after the time."""
    return -(-(time.hour * 60 + time.minute) // 15)


@functools.cache
def quarter_mask(opens: datetime.time, closes: datetime.time) -> int:
    """The quarters of a day from `opens` to `closes` as bits (bit 0 is 00:00–00:15); 00:00 closes at midnight."""
    end = QUARTERS_A_DAY if closes == END_OF_DAY else _quarter_of(closes)
    start = _quarter_of(opens)
    return ((1 << end) - 1) & ~((1 << start) - 1) if end > start else 0


@functools.cache
def _open_mask(unit, day: datetime.date, holidays: frozenset[datetime.date]) -> int:
    exceptions = [exception for exception in unit.exceptions if exception.covers(day)]
    if exceptions:
        mask = 0
        for exception in exceptions:
            if not exception.is_closed:
                mask |= quarter_mask(exception.opens, exception.closes)
        return mask
    if unit.open_around_the_clock:
        return FULL_DAY
    weekday = weekday_of(day, holidays=holidays) if unit.holidays_as_sundays else day.isoweekday()
    mask = 0
    for hours in unit.hours:
        if hours.weekday == weekday:
            mask |= quarter_mask(hours.opens, hours.closes)
    return mask


def _within(moment: datetime.time, opens: datetime.time, closes: datetime.time) -> bool:
    """Whether the time is in [opens, closes); a closing time of 00:00 means midnight at the end of the day."""
    return opens <= moment and (closes == END_OF_DAY or moment < closes)


@dataclass(frozen=True)
class DayHours:
    weekday: int
    opens: datetime.time
    closes: datetime.time


@dataclass(frozen=True)
class DatedHours:
    """Hours replacing the weekly ones from `starts_on` to `ends_on`: closed, or open `opens`–`closes`."""

    starts_on: datetime.date
    ends_on: datetime.date
    is_closed: bool = True
    opens: datetime.time | None = None
    closes: datetime.time | None = None

    def covers(self, day: datetime.date) -> bool:
        return self.starts_on <= day <= self.ends_on


@dataclass(frozen=True)
class UnitFacts:
    id: int
    name: str
    county_id: int | None
    unit_type: str = ""
    open_around_the_clock: bool = False
    holidays_as_sundays: bool = True
    hours: tuple[DayHours, ...] = ()
    exceptions: tuple[DatedHours, ...] = ()

    def closed_by_exception(self, day: datetime.date) -> bool:
        """Whether a dated exception closes the unit for the whole day."""
        return any(exception.covers(day) and exception.is_closed for exception in self.exceptions)

    def open_quarters(self, day: datetime.date, *, holidays: frozenset[datetime.date]) -> int:
        """The quarter hours of the day the unit is open, as bits (see `quarter_mask`)."""
        return _open_mask(self, day, holidays)

    def is_open(self, moment: datetime.datetime, *, holidays: frozenset[datetime.date]) -> bool:
        """Whether the unit is open at the moment: a dated exception first, then the weekly hours."""
        day, time = moment.date(), moment.time()
        exceptions = [exception for exception in self.exceptions if exception.covers(day)]
        if exceptions:
            return any(not e.is_closed and _within(time, e.opens, e.closes) for e in exceptions)
        if self.open_around_the_clock:
            return True
        weekday = weekday_of(day, holidays=holidays) if self.holidays_as_sundays else day.isoweekday()
        return any(hours.weekday == weekday and _within(time, hours.opens, hours.closes) for hours in self.hours)


@dataclass(frozen=True)
class MunicipalityFacts:
    id: int
    name: str
    county_id: int
    bilingual: bool = False


@dataclass(frozen=True)
class RouteFacts:
    """One route: when it applies (`window_*`), where it goes, how fast, for whom, and its dates."""

    id: int
    label: str
    county_id: int
    module_id: int
    outcome: str
    channel: str
    receiving_unit_id: int
    valid_from: datetime.date
    valid_to: datetime.date | None = None
    urgency: str = Urgency.NON_URGENT
    window_kind: str = WindowKind.HOURS
    weekdays: frozenset[int] = frozenset()
    starts_at: datetime.time | None = None
    ends_at: datetime.time | None = None
    window_unit_id: int | None = None
    handled_in_unit_hours: bool = False
    target_kind: str = TargetKind.NONE
    target_value: int | None = None
    roles: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset({"fi"})
    age_from: int | None = None
    age_below: int | None = None
    verified_on: datetime.date | None = None
    municipalities: tuple[MunicipalityFacts, ...] = field(default=())
    foreign_unit_reason: str = ""

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def window_covers(self, moment: datetime.datetime, *, units: dict, holidays: frozenset[datetime.date]) -> bool:
        """Whether the route's time window includes the moment (its dates aside)."""
        if self.window_kind == WindowKind.ALWAYS:
            return True
        if self.window_kind == WindowKind.UNIT_CLOSED:
            unit = units.get(self.window_unit_id)
            return unit is not None and not unit.is_open(moment, holidays=holidays)
        day, time = moment.date(), moment.time()
        starts, ends = self.starts_at, self.ends_at
        if starts is None or ends is None:
            return False
        if starts < ends or ends == END_OF_DAY:
            return weekday_of(day, holidays=holidays) in self.weekdays and _within(time, starts, ends)
        # The window runs past midnight: the evening of one of its days and the early hours after it.
        yesterday = day - datetime.timedelta(days=1)
        return (weekday_of(day, holidays=holidays) in self.weekdays and time >= starts) or (
            weekday_of(yesterday, holidays=holidays) in self.weekdays and time < ends
        )

    def quarters_on(self, day: datetime.date, *, units: dict, holidays: frozenset[datetime.date]) -> int:
        """The quarter hours of the day in which an assessment sent takes this route, as bits: `serves` for a day."""
        if not self.is_valid_on(day):
            return 0
        if not (self.handled_in_unit_hours or self.channel == Channel.SELF_CARE):
            unit = units.get(self.receiving_unit_id)
            if unit is not None and unit.closed_by_exception(day):
                return 0
        if self.window_kind == WindowKind.ALWAYS:
            return FULL_DAY
        if self.window_kind == WindowKind.UNIT_CLOSED:
            unit = units.get(self.window_unit_id)
            return 0 if unit is None else FULL_DAY & ~unit.open_quarters(day, holidays=holidays)
        starts, ends = self.starts_at, self.ends_at
        if starts is None or ends is None:
            return 0
        if starts < ends or ends == END_OF_DAY:
            return quarter_mask(starts, ends) if weekday_of(day, holidays=holidays) in self.weekdays else 0
        mask = 0
        if weekday_of(day, holidays=holidays) in self.weekdays:
            mask |= quarter_mask(starts, END_OF_DAY)
        if weekday_of(day - datetime.timedelta(days=1), holidays=holidays) in self.weekdays:
            mask |= quarter_mask(END_OF_DAY, ends)
        return mask

    def serves(self, moment: datetime.datetime, *, units: dict, holidays: frozenset[datetime.date]) -> bool:
        """Whether an assessment sent at the moment takes this route.

        The route must be valid on the day and its window include the moment; a dated closure of
        its receiving unit stops it, unless the route accepts what the unit handles when it reopens
        or gives self-care instructions, which need nobody at the unit.
        """
        if not self.is_valid_on(moment.date()) or not self.window_covers(moment, units=units, holidays=holidays):
            return False
        if self.handled_in_unit_hours or self.channel == Channel.SELF_CARE:
            return True
        unit = units.get(self.receiving_unit_id)
        return unit is None or not unit.closed_by_exception(moment.date())


@dataclass(frozen=True)
class OutcomeFacts:
    code: str
    name: str
    content_kind: str
    urgency: str = Urgency.NONE
    needs_route: bool = True


@dataclass(frozen=True)
class CareRule:
    """One dated care-guarantee limit (reference data), e.g. treatment within 3 months from age 23 from 1.1.2025."""

    code: str
    measure: str
    law: str
    section: str
    limit_unit: str
    valid_from: datetime.date
    limit_value: int | None = None
    valid_to: datetime.date | None = None
    age_from: int | None = None
    age_below: int | None = None
    in_force: bool = True
    source: str = ""


@dataclass(frozen=True)
class Deployment:
    """A county's rollouts of one content taken together: whether it is in use, and when the last one ended."""

    county_id: int
    module_id: int
    module_name: str
    module_kind: str
    in_use: bool
    ended_on: datetime.date | None = None
