"""Usage over time: totals per period, the chart geometry, and contents whose usage declines."""

import datetime
from dataclasses import dataclass

from django.db.models import Q, Sum

from metrics.models import PeriodType
from processes.models import ContentModule
from regions.models import WellbeingCounty

DECLINE_WINDOW = 4
DECLINE_THRESHOLD = 0.2


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


def totals_by_county(statistics) -> list[tuple[WellbeingCounty, int]]:
    """Each county's total over the statistics, largest first (two queries)."""
    rows = list(statistics.values("county_id").annotate(total=Sum("value")).order_by("-total"))
    counties = WellbeingCounty.objects.in_bulk([row["county_id"] for row in rows])
    return [(counties[row["county_id"]], row["total"]) for row in rows]


@dataclass(frozen=True)
class ChartBar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int
    show_label: bool


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    plot_top: int
    plot_bottom: int
    plot_left: int
    bars: list[ChartBar]
    ticks: list[tuple[float, int]]


def bar_chart(totals: list[PeriodTotal], *, width: int = 760, height: int = 260, max_labels: int = 12) -> BarChart:
    """Positions of the bars and the value axis for an SVG drawn by a template."""
    plot_left, plot_top, plot_bottom = 56, 12, height - 40
    plot_height = plot_bottom - plot_top
    largest = max((total.value for total in totals), default=0) or 1
    slot = (width - plot_left - 8) / max(len(totals), 1)
    label_every = max(1, -(-len(totals) // max_labels))
    bars = [
        ChartBar(
            x=round(plot_left + index * slot + slot * 0.1, 1),
            y=round(plot_bottom - total.value / largest * plot_height, 1),
            width=round(slot * 0.8, 1),
            height=round(total.value / largest * plot_height, 1),
            label=total.label,
            value=total.value,
            show_label=index % label_every == 0,
        )
        for index, total in enumerate(totals)
    ]
    ticks = [(round(plot_bottom - fraction * plot_height, 1), round(largest * fraction)) for fraction in (0, 0.5, 1)]
    return BarChart(width, height, plot_top, plot_bottom, plot_left, bars, ticks)


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


def export_rows(statistics):
    """The statistics as flat rows for CSV export, in a stable order, fetched in chunks."""
    rows = statistics.order_by(
        "county__code", "module__code", "metric__code", "period_type", "period_start"
    ).values_list(
        "county__code",
        "service_area__code",
        "module__code",
        "metric__code",
        "period_type",
        "period_start",
        "value",
    )
    for county, service_area, module, metric, period_type, period_start, value in rows.iterator(chunk_size=5000):
        yield [county, service_area or "", module, metric, period_type, period_label(period_type, period_start), value]
