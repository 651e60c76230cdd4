"""How figures are added up: the one place every page and export takes its totals from.

The rules (also in the README, "Totals that are true"):

- A whole-county row (no service area) is the county's own figure; service-area rows are
  its parts. Where a county row exists for a content, metric and period, the service-area
  rows of that key are left out; where only parts exist, they stand in for the county and
  the figure is marked as made of parts.
- The metric's kind decides the rest. An additive count is summed over periods, areas,
  contents and counties. A distinct count (users) is shown per period and never summed over
  periods or service areas: service-area rows of a distinct metric without a county row are
  shown per area, never added into the county's figure. A score is a mean weighted by
  responses (a row without responses weighs 1), never summed.

Every figure comes from one grouped query over the chosen range; the range is fixed first
(from the latest period, one cheap query) so the database never reads the whole history.
The pages read the county figures (`metrics.models.CountyFigure`, one row per county,
content, metric and period, which the database keeps in step with the statistics) rather
than the statistics, so a page costs the same whether a county reports one row or one per
service area; the same functions take the statistics themselves and apply the rules there
(the tests pin both).
"""

import datetime
from dataclasses import dataclass
from types import SimpleNamespace

from django.db.models import Count, Exists, F, FloatField, OuterRef, Q, Sum, Value
from django.db.models.functions import Cast, Coalesce

from common.translation import translated_value
from metrics.models import CountyFigure, Metric, MetricKind, PeriodType, UsageStatistic
from metrics.periods import period_label, period_step_back

# The latest periods shown (and exported) when the reader gives no range.
DEFAULT_PERIODS = {PeriodType.WEEK: 26, PeriodType.MONTH: 12}
PER_RESIDENTS = 1000


@dataclass(frozen=True)
class PeriodRange:
    first: datetime.date  # the start of the first period
    last: datetime.date  # the start of the last period

    def covers(self, period_start: datetime.date) -> bool:
        return self.first <= period_start <= self.last


def current_period_start(period_type: str, today: datetime.date) -> datetime.date:
    """The first day of the week or month containing `today`: that period is still incomplete."""
    if period_type == PeriodType.WEEK:
        return today - datetime.timedelta(days=today.weekday())
    return today.replace(day=1)


def latest_period(statistics) -> datetime.date | None:
    """The start of the latest period with a figure (one query reading one row)."""
    return statistics.order_by("-period_start").values_list("period_start", flat=True).first()


def shown_range(
    statistics, *, period_type: str, start: datetime.date | None, end: datetime.date | None
) -> PeriodRange | None:
    """The range a view shows: the reader's bounds, or the latest DEFAULT_PERIODS periods up to the latest figure.

    None when the selection has no figure at all. An open bound is filled from the data.
    """
    if start and end:
        return PeriodRange(start, end)
    bounded = statistics.filter(period_start__lte=end) if end else statistics
    last = end or latest_period(bounded)
    if last is None:
        return None
    if start:
        return PeriodRange(start, max(start, last))
    return PeriodRange(period_step_back(period_type, last, DEFAULT_PERIODS[period_type] - 1), last)


def in_range(statistics, period_range: PeriodRange):
    return statistics.filter(period_start__gte=period_range.first, period_start__lte=period_range.last)


def _county_row_exists():
    """A whole-county row of the same content, metric and period (the partial unique index answers it)."""
    return Exists(
        UsageStatistic.objects.filter(
            service_area__isnull=True,
            county=OuterRef("county"),
            module=OuterRef("module"),
            metric=OuterRef("metric"),
            period_type=OuterRef("period_type"),
            period_start=OuterRef("period_start"),
        )
    )


def counted(statistics):
    """The rows that count: county rows, and service-area rows only of keys that have no county row."""
    return statistics.filter(Q(service_area__isnull=True) | ~_county_row_exists())


def _weight():
    return Coalesce("responses", Value(1))


def aggregates_for(kind: str) -> dict:
    """The grouped columns of one kind: `total` (sum or weighted sum), `weight`, `parts` (service-area rows)."""
    parts = Count("pk", filter=Q(service_area__isnull=False))
    if kind == MetricKind.SCORE:
        return {
            "total": Sum(Cast(F("value"), FloatField()) * _weight(), output_field=FloatField()),
            "weight": Sum(_weight()),
            "parts": parts,
        }
    if kind == MetricKind.DISTINCT:
        # Parts of a distinct count are never added up: only county rows make the figure.
        return {"total": Sum("value", filter=Q(service_area__isnull=True)), "weight": Count("pk"), "parts": parts}
    return {"total": Sum("value"), "weight": Count("pk"), "parts": parts}


def figure_aggregates(kind: str) -> dict:
    """`aggregates_for` over county figures, whose rows are already the rows that count."""
    parts = Sum("part_count")
    if kind == MetricKind.SCORE:
        return {"total": Sum("score_total"), "weight": Sum("responses"), "parts": parts}
    if kind == MetricKind.DISTINCT:
        # A key's figure is a county row exactly when it has no parts.
        return {"total": Sum("total", filter=Q(part_count=0)), "weight": Sum("row_count"), "parts": parts}
    return {"total": Sum("total"), "weight": Sum("row_count"), "parts": parts}


def _is_county_figures(selection) -> bool:
    return selection.model is CountyFigure


def totals_of(selection, kind: str):
    """The rows to group and the grouped columns of one kind, for statistics or for county figures."""
    if _is_county_figures(selection):
        return selection, figure_aggregates(kind)
    return counted(selection), aggregates_for(kind)


def county_figures_of(statistic_filter):
    """The county figures that a filter of the statistics (StatisticsFilter, its fields those of a key) selects."""
    return statistic_filter.filter_queryset(CountyFigure.objects.all())


@dataclass(frozen=True)
class Figure:
    """One figure as a view shows it: a sum, a per-period count or a weighted mean."""

    total: float | int | None  # sum (counts) or sum of value × weight (scores); None: no figure
    weight: int  # responses (scores) or rows
    parts: int  # service-area rows in it (counts, scores) or left out of it (distinct)
    kind: str

    @property
    def value(self) -> float | int | None:
        if self.total is None:
            return None
        if self.kind == MetricKind.SCORE:
            return round(self.total / self.weight, 2) if self.weight else None
        return self.total

    @property
    def from_parts(self) -> bool:
        return bool(self.parts) and self.kind != MetricKind.DISTINCT

    @property
    def parts_left_out(self) -> bool:
        return bool(self.parts) and self.kind == MetricKind.DISTINCT

    def per_residents(self, population: int | None) -> float | None:
        """The figure per 1,000 residents; None for a score or without a population."""
        if self.kind == MetricKind.SCORE or not population or self.total is None:
            return None
        return round(self.total / population * PER_RESIDENTS, 2)


@dataclass(frozen=True)
class PeriodFigure(Figure):
    period_start: datetime.date = datetime.date.min
    label: str = ""
    incomplete: bool = False
    population: int | None = None  # of the one county chosen, for the per-1,000 figure

    @property
    def per_residents_shown(self) -> float | None:
        return self.per_residents(self.population)


def _figure(row: dict, kind: str) -> dict:
    return {"total": row["total"], "weight": row["weight"] or 0, "parts": row["parts"], "kind": kind}


def series(
    statistics,
    *,
    metric: Metric,
    period_type: str,
    today: datetime.date,
    population: int | None = None,
    within_area: bool = False,
) -> list[PeriodFigure]:
    """The figure of each period of the selection, oldest first (one grouped query).

    `statistics` (statistics or county figures) is already narrowed to the metric, period
    type and range. `within_area`: statistics narrowed to one service area, whose own rows
    are the figure (the county's row of the same key is another series).
    """
    current = current_period_start(period_type, today)
    if within_area:
        aggregates = aggregates_for(MetricKind.ADDITIVE if metric.kind == MetricKind.DISTINCT else metric.kind)
    else:
        statistics, aggregates = totals_of(statistics, metric.kind)
    rows = statistics.values("period_start").annotate(**aggregates).order_by("period_start")
    return [
        PeriodFigure(
            **_figure(row, metric.kind),
            period_start=row["period_start"],
            label=period_label(period_type, row["period_start"]),
            incomplete=row["period_start"] >= current,
            population=population,
        )
        for row in rows
    ]


def range_figure(figures: list[PeriodFigure], *, kind: str) -> Figure | None:
    """The range as one figure: a sum or a weighted mean; None for a distinct count (never summed over periods)."""
    if not figures or kind == MetricKind.DISTINCT:
        return None
    present = [figure for figure in figures if figure.total is not None]
    if not present:
        return None
    return Figure(
        total=sum(figure.total for figure in present),
        weight=sum(figure.weight for figure in present),
        parts=sum(figure.parts for figure in present),
        kind=kind,
    )


def by_county(statistics, *, metric: Metric) -> dict[int, Figure]:
    """The range's figure of each county (one grouped query).

    A distinct count is not summed over the range: its figure is the mean of the periods.
    """
    county_rows = Q(part_count=0) if _is_county_figures(statistics) else Q(service_area__isnull=True)
    statistics, aggregates = totals_of(statistics, metric.kind)
    if metric.kind == MetricKind.DISTINCT:
        aggregates["periods"] = Count("period_start", distinct=True, filter=county_rows)
    rows = statistics.values("county_id").annotate(**aggregates).order_by()
    figures = {}
    for row in rows:
        figure = _figure(row, metric.kind)
        if metric.kind == MetricKind.DISTINCT and row["total"] is not None:
            figure["total"] = round(row["total"] / row["periods"], 1) if row["periods"] else None
        figures[row["county_id"]] = Figure(**figure)
    return figures


@dataclass(frozen=True)
class AreaFigure:
    area_code: str
    area_name: str
    period_start: datetime.date
    label: str
    value: int


def distinct_parts(statistics, *, period_type: str) -> list[AreaFigure]:
    """Service-area figures of a distinct count that have no county row: shown per area, never added up."""
    rows = (
        counted(statistics)
        .filter(service_area__isnull=False)
        .values(
            "service_area__code",
            "service_area__name_fi",
            "service_area__name_sv",
            "service_area__name_en",
            "period_start",
        )
        .annotate(total=Sum("value"))
        .order_by("period_start", "service_area__code")
    )
    return [
        AreaFigure(
            row["service_area__code"],
            translated_value(
                SimpleNamespace(**{f"name_{code}": row[f"service_area__name_{code}"] for code in ("fi", "sv", "en")}),
                "name",
            ),
            row["period_start"],
            period_label(period_type, row["period_start"]),
            row["total"],
        )
        for row in rows
    ]
