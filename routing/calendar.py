"""Finnish public holidays and working days, from the `holidays` library (never typed in).

The library's Finland calendar counts Midsummer Eve and Christmas Eve among the holidays. They
are not public holidays by law, but health centres' non-urgent reception is closed on them like
on a Sunday, so the portal keeps the library's choice: on both a unit keeps its Sunday hours, a
route for Sundays applies, and neither is a working day (docs/routing.md, "Holidays").
"""

import datetime
from functools import cache

import holidays


@cache
def _finnish_calendar(year: int) -> dict[datetime.date, str]:
    return dict(holidays.country_holidays("FI", years=year, language="fi"))


def holiday_dates(*, start: datetime.date, end: datetime.date) -> frozenset[datetime.date]:
    """The Finnish public holidays from `start` to `end`, both included."""
    return frozenset(
        day for year in range(start.year, end.year + 1) for day in _finnish_calendar(year) if start <= day <= end
    )


def holiday_name(day: datetime.date) -> str:
    """The Finnish name of the holiday on the day, or an empty string."""
    return _finnish_calendar(day.year).get(day, "")


def weekday_of(day: datetime.date, *, holidays: frozenset[datetime.date]) -> int:
    """The ISO weekday (1 = Monday) the day counts as: a public holiday counts as a Sunday (7)."""
    return 7 if day in holidays else day.isoweekday()


def is_working_day(day: datetime.date, *, holidays: frozenset[datetime.date]) -> bool:
    """Monday to Friday and not a public holiday."""
    return weekday_of(day, holidays=holidays) <= 5
