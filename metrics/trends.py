"""Usage over time: totals per period, contents whose usage declines, rows for export."""

import datetime
from dataclasses import dataclass

from django.db.models import F, Q, Sum

from common.spreadsheet import spreadsheet_safe
from metrics.parsing import COLUMNS, RESPONSES_COLUMN
from metrics.periods import period_label, period_step_back
from processes.models import ContentModule
from regions.models import WellbeingCounty

DECLINE_WINDOW = 4
DECLINE_THRESHOLD = 0.2


@dataclass(frozen=True)
class PeriodTotal:
    period_start: datetime.date
    label: str
    value: int


def totals_by_period(statistics, *, period_type: str) -> list[PeriodTotal]:
    """The sum of the values in each period, oldest first (one query)."""
    rows = (
        statistics.filter(period_type=period_type)
        .values("period_start")
        .annotate(total=Sum("value"))
        .order_by("period_start")
    )
    return [
        PeriodTotal(row["period_start"], period_label(period_type, row["period_start"]), row["total"]) for row in rows
    ]


@dataclass(frozen=True)
class DecliningUsage:
    county: WellbeingCounty
    module: ContentModule
    previous: int
    recent: int

    @property
    def change_percent(self) -> int:
        return round((self.recent - self.previous) / self.previous * 100)


def declining_usage(
    statistics, *, period_type: str, window: int = DECLINE_WINDOW, threshold: float = DECLINE_THRESHOLD
) -> list[DecliningUsage]:
    """County contents whose last `window` periods fell by more than `threshold` from the `window` before.

    The main users' rule of thumb: when a service area's usage declines, contact it.
    """
    statistics = statistics.filter(period_type=period_type)
    latest = statistics.order_by("-period_start").values_list("period_start", flat=True).first()
    if latest is None:
        return []
    recent_start = period_step_back(period_type, latest, window - 1)
    previous_start = period_step_back(period_type, recent_start, window)
    rows = (
        statistics.filter(period_start__gte=previous_start)
        .values("county_id", "module_id")
        .annotate(
            recent=Sum("value", filter=Q(period_start__gte=recent_start), default=0),
            previous=Sum("value", filter=Q(period_start__lt=recent_start), default=0),
        )
    )
    falling = [row for row in rows if row["previous"] > 0 and row["recent"] < row["previous"] * (1 - threshold)]
    if not falling:
        return []
    counties = WellbeingCounty.objects.in_bulk({row["county_id"] for row in falling})
    modules = ContentModule.objects.in_bulk({row["module_id"] for row in falling})
    declines = [
        DecliningUsage(counties[row["county_id"]], modules[row["module_id"]], row["previous"], row["recent"])
        for row in falling
    ]
    return sorted(declines, key=lambda decline: decline.change_percent)


def export_header(*, responses: bool = False) -> list[str]:
    """The header of an export: the import file's columns, and `responses` for a score."""
    return [*COLUMNS, RESPONSES_COLUMN] if responses else list(COLUMNS)


def export_rows(statistics, *, responses: bool = False):
    """The statistics as flat rows for export in the import format, in a stable order, fetched in chunks.

    The one row writer of every statistics export, public and admin. A count is written as
    a whole number, a score with a dot and no trailing zeros (4.3), as the import reads them;
    every cell is spreadsheet-safe. With `responses`, each row ends with its number of
    responses (empty when unknown).
    """
    rows = statistics.order_by(
        "county__code",
        "module__code",
        "metric__code",
        "period_type",
        "period_start",
        F("service_area__code").asc(nulls_first=True),
    ).values_list(
        "county__code",
        "service_area__code",
        "module__code",
        "metric__code",
        "period_type",
        "period_start",
        "value",
        "responses",
    )
    for county, area, module, metric, period_type, period_start, value, answers in rows.iterator(chunk_size=5000):
        row = [county, area or "", module, metric, period_type, period_label(period_type, period_start), value]
        if responses:
            row.append("" if answers is None else answers)
        yield [spreadsheet_safe(cell) for cell in row]
