"""Periods of usage statistics: a week (starting on its ISO Monday) or a month (starting on its first day).

`PeriodType` ("week", "month") is the one vocabulary for the kind of period, from the
import file to the database, the pages and the export.
"""

import datetime

from metrics.models import PeriodType


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
