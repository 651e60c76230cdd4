"""Periods of usage statistics: a week (starting on its ISO Monday) or a month (starting on its first day).

`PeriodType` ("week", "month") is the one vocabulary for the kind of period, from the
import file to the database, the pages and the export.
"""

import datetime
import re

from django.utils.translation import gettext_lazy as _

from metrics.importing.contract import normalise, quoted
from metrics.models import PeriodType

UNKNOWN_PERIOD_TYPE = _("Unknown period type “{value}”: use week or month (viikko or kuukausi).")
INVALID_WEEK = _("Week {week} does not exist in {year}: ISO weeks of {year} run from 1 to {last}.")
INVALID_MONTH = _("Month {month} does not exist: months run from 1 to 12.")
INVALID_DATE = _("“{value}” is not a valid date.")
NOT_A_WEEK = _("“{value}” is not a week: write it as 2024-W05 or as a date inside the week, e.g. 29.1.2024.")
NOT_A_MONTH = _("“{value}” is not a month: write it as 2024-05 or as a date inside the month, e.g. 1.5.2024.")
INVALID_YEAR = _("The year {year} does not exist.")

PERIOD_TYPE_ALIASES = {
    "week": PeriodType.WEEK,
    "viikko": PeriodType.WEEK,
    "vecka": PeriodType.WEEK,
    "month": PeriodType.MONTH,
    "kuukausi": PeriodType.MONTH,
    "månad": PeriodType.MONTH,
}

_ISO_WEEK = re.compile(r"(\d{4})-?[Ww](\d{1,2})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]00:00(?::00)?)?")
_FINNISH_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_ISO_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_FINNISH_MONTH = re.compile(r"(\d{1,2})[./](\d{4})")


def period_label(period_type: str, period_start: datetime.date) -> str:
    """`2024-W05` for a week (ISO year and week), `2024-05` for a month."""
    if period_type == PeriodType.WEEK:
        iso = period_start.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    return f"{period_start:%Y-%m}"


def period_step_back(period_type: str, period_start: datetime.date, periods: int) -> datetime.date:
    """The start of the period `periods` weeks or months before `period_start`, at the earliest 1 January of year 1.

    The clamp keeps a stored figure of year 1 (the calendar's first week and month) from crashing the pages.
    """
    if period_type == PeriodType.WEEK:
        days_back = min((period_start - datetime.date.min).days, periods * 7)
        return period_start - datetime.timedelta(days=days_back)
    month_index = max(period_start.year * 12 + period_start.month - 1 - periods, 12)
    return datetime.date(month_index // 12, month_index % 12 + 1, 1)


def period_type_parse(raw: str) -> PeriodType | None:
    """The period type a cell names (week, viikko, vecka, month, …), None when it names neither."""
    return PERIOD_TYPE_ALIASES.get(normalise(raw))


def period_parse(raw: str, period_type: str) -> datetime.date | str:
    """The period's first day (Monday of the ISO week, or first of the month), or an error message."""
    text = raw.strip()
    if period_type == PeriodType.WEEK:
        match = _ISO_WEEK.fullmatch(text)
        if match:
            year, week = int(match[1]), int(match[2])
            if year < datetime.MINYEAR:
                return str(INVALID_YEAR).format(year=year)
            last = datetime.date(year, 12, 28).isocalendar().week
            if not 1 <= week <= last:
                return str(INVALID_WEEK).format(week=week, year=year, last=last)
            return datetime.date.fromisocalendar(year, week, 1)
        day = _date_parse(text)
        if isinstance(day, datetime.date):
            return day - datetime.timedelta(days=day.weekday())
        return day or str(NOT_A_WEEK).format(value=quoted(text))
    match = _ISO_MONTH.fullmatch(text) or _FINNISH_MONTH.fullmatch(text)
    if match:
        year, month = (int(match[1]), int(match[2])) if match.re is _ISO_MONTH else (int(match[2]), int(match[1]))
        if not 1 <= month <= 12:
            return str(INVALID_MONTH).format(month=month)
        if year < datetime.MINYEAR:
            return str(INVALID_YEAR).format(year=year)
        return datetime.date(year, month, 1)
    day = _date_parse(text)
    if isinstance(day, datetime.date):
        return day.replace(day=1)
    return day or str(NOT_A_MONTH).format(value=quoted(text))


def _date_parse(text: str) -> datetime.date | str | None:
    """A date in ISO or Finnish form; an error message for an impossible one; None for no date at all."""
    match = _ISO_DATE.fullmatch(text)
    if match:
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    else:
        match = _FINNISH_DATE.fullmatch(text)
        if not match:
            return None
        day, month, year = int(match[1]), int(match[2]), int(match[3])
    if year < datetime.MINYEAR:
        return str(INVALID_YEAR).format(year=year)
    try:
        return datetime.date(year, month, day)
    except ValueError:
        if not 1 <= month <= 12:
            return str(INVALID_MONTH).format(month=month)
        return str(INVALID_DATE).format(value=quoted(text))
