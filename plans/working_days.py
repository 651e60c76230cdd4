"""Finnish working days: dates N working days before or after another, skipping weekends and public holidays.

Pure functions of dates, with no database and no settings. The holidays come from the
`holidays` library's Finnish calendar (its "public" category), never from a list of our own.
That category counts Midsummer Eve (juhannusaatto) and Christmas Eve (jouluaatto) as days off:
they are not statutory holidays, but collective agreements and the counties' offices close on
them, and a rollout team does not schedule training on them, so they are not working days here.
"""

import datetime
from functools import lru_cache

import holidays

ONE_DAY = datetime.timedelta(days=1)


@lru_cache(maxsize=64)
def _holidays_of(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.Finland(years=year, categories=(holidays.PUBLIC,)))


def is_working_day(day: datetime.date) -> bool:
    """Monday to Friday and not a Finnish public holiday (nor Midsummer Eve or Christmas Eve)."""
    return day.weekday() < 5 and day not in _holidays_of(day.year)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date `days` working days after `start` (before it when negative); 0 gives `start` itself.

    Counting starts from the next working day: one working day after Friday is Monday.
    """
    step = ONE_DAY if days >= 0 else -ONE_DAY
    day = start
    remaining = abs(days)
    while remaining:
        day += step
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """How many working days `end` is after `start` (negative when before): the inverse of `add_working_days`."""
    sign = 1 if end >= start else -1
    low, high = min(start, end), max(start, end)
    count = 0
    day = low
    while day < high:
        day += ONE_DAY
        if is_working_day(day):
            count += 1
    return sign * count


def next_working_day(day: datetime.date) -> datetime.date:
    """`day` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += ONE_DAY
    return day
