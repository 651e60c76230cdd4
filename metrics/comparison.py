"""Counties side by side: ranked for a metric, content and range, and aligned on weeks since their go-live.

What the comparison and adoption pages and the API's `/api/comparison` and `/api/adoption`
show, computed once here. Figures are added up as `metrics.aggregation` says (a county's own
row before its service areas, a distinct count never summed over periods, a score a weighted
mean), and per 1,000 residents of the county. A county whose rollouts never put the content
in residents' hands is listed as not in use, never as zero.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Min, Q

from metrics import aggregation
from metrics.aggregation import Figure, PeriodRange, current_period_start
from metrics.models import CountyFigure, Metric, MetricKind, PeriodType
from processes.models import ContentModule, Rollout, RolloutStatus
from regions.models import WellbeingCounty

# Rollouts that put a content in residents' hands at some time (a planned one never did).
USED_STATUSES = (RolloutStatus.PILOTING, RolloutStatus.IN_USE, RolloutStatus.ENDED)
ADOPTION_WEEKS_BEFORE, ADOPTION_WEEKS_AFTER = 8, 26
MAX_ADOPTION_WEEKS_AFTER = 52


# --- counties compared ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RankedCounty:
    county: WellbeingCounty
    figure: Figure

    @property
    def per_residents(self) -> float | None:
        return self.figure.per_residents(self.county.population)

    @property
    def rank_value(self) -> float:
        if self.figure.kind == MetricKind.SCORE:
            return self.figure.value or 0
        return self.per_residents if self.per_residents is not None else -1


@dataclass(frozen=True)
class CountyRanking:
    ranked: list[RankedCounty]
    without_statistics: list[WellbeingCounty]  # the content is in use, but no figure was imported
    not_in_use: list[WellbeingCounty]


@dataclass(frozen=True)
class Comparison:
    """Every county for one metric, content (None: all contents) and range; no range when nothing matched."""

    period_type: str
    period_range: PeriodRange | None
    ranking: CountyRanking


def _in_use_county_ids(module, period_range: PeriodRange | None) -> set[int]:
    """Counties with a rollout of the content (any content, when None) in use, piloting or ended within the range."""
    rollouts = Rollout.objects.filter(status__in=USED_STATUSES)
    if module is not None:
        rollouts = rollouts.filter(module=module)
    if period_range is not None:
        rollouts = rollouts.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=period_range.first),
            Q(pilot_start__lte=period_range.last)
            | Q(go_live__lte=period_range.last)
            | Q(pilot_start__isnull=True, go_live__isnull=True),
        )
    return set(rollouts.values_list("county_id", flat=True))


def county_ranking(statistics, *, metric: Metric, module, period_range: PeriodRange | None) -> CountyRanking:
    """Every county: ranked by its figure per 1,000 residents (a score by its mean), or listed as not in use
    or without statistics, never as zero (three queries)."""
    figures = aggregation.by_county(statistics, metric=metric) if period_range is not None else {}
    in_use = _in_use_county_ids(module, period_range)
    ranked, without, not_in_use = [], [], []
    for county in WellbeingCounty.objects.order_by("code"):
        figure = figures.get(county.pk)
        if figure is not None and figure.value is not None:
            ranked.append(RankedCounty(county, figure))
        elif county.pk in in_use:
            without.append(county)
        else:
            not_in_use.append(county)
    ranked.sort(key=lambda row: (-row.rank_value, row.county.code))
    return CountyRanking(ranked, without, not_in_use)


def county_comparison(
    *,
    metric: Metric,
    module: ContentModule | None,
    period_type: str,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> Comparison:
    """Every county ranked over the range from `start` to `end` (the latest figures when open; four queries).

    The range is fixed first, as on the statistics page: the bounds given, or the latest
    DEFAULT_PERIODS periods up to the latest figure of the metric and content.
    """
    statistics = CountyFigure.objects.filter(metric=metric, period_type=period_type)
    if module is not None:
        statistics = statistics.filter(module=module)
    if start is not None:
        statistics = statistics.filter(period_start__gte=start)
    if end is not None:
        statistics = statistics.filter(period_start__lte=end)
    period_range = aggregation.shown_range(statistics, period_type=period_type, start=start, end=end)
    if period_range is not None:
        statistics = aggregation.in_range(statistics, period_range)
    ranking = county_ranking(statistics, metric=metric, module=module, period_range=period_range)
    return Comparison(period_type=period_type, period_range=period_range, ranking=ranking)


# --- adoption: counties aligned on weeks since go-live ----------------------------------------------


@dataclass(frozen=True)
class AdoptionCurve:
    county: WellbeingCounty
    go_live: datetime.date  # the Monday of the county's first go-live week
    per_week: dict[int, float | None]  # weeks since go-live → figure per 1,000 residents (a score: its mean)

    @property
    def label(self) -> str:
        return self.county.name


@dataclass(frozen=True)
class Adoption:
    """The curves of every county that took the content into use, over the weeks from -weeks_before."""

    weeks: list[int]
    curves: list[AdoptionCurve]

    @property
    def table(self) -> list[tuple[int, list[float | None]]]:
        """One row per week: the week since go-live and each curve's figure (None: no figure)."""
        return [(week, [curve.per_week.get(week) for curve in self.curves]) for week in self.weeks]


def adoption_curves(*, metric: Metric, module, weeks_before: int, weeks_after: int) -> list[AdoptionCurve]:
    """The counties that took the content into use, aligned on weeks since their first go-live (three queries).

    Week 0 is the go-live week; figures are per 1,000 residents of the county.
    """
    go_lives = (
        Rollout.objects.filter(module=module, status__in=USED_STATUSES, go_live__isnull=False)
        .values("county_id")
        .annotate(first=Min("go_live"))
        .order_by()
    )
    first_go_live = {row["county_id"]: current_period_start(PeriodType.WEEK, row["first"]) for row in go_lives}
    if not first_go_live:
        return []
    windows = Q()
    for county_id, start in first_go_live.items():
        windows |= Q(
            county_id=county_id,
            period_start__gte=start - datetime.timedelta(weeks=weeks_before),
            period_start__lt=start + datetime.timedelta(weeks=weeks_after + 1),
        )
    figures = CountyFigure.objects.filter(metric=metric, module=module, period_type=PeriodType.WEEK).filter(windows)
    figures, aggregates = aggregation.totals_of(figures, metric.kind)
    rows = figures.values("county_id", "period_start").annotate(**aggregates).order_by()
    counties = WellbeingCounty.objects.in_bulk(first_go_live)
    values: dict[int, dict[int, float | None]] = {county_id: {} for county_id in first_go_live}
    for row in rows:
        county = counties[row["county_id"]]
        week = (row["period_start"] - first_go_live[row["county_id"]]).days // 7
        figure = Figure(total=row["total"], weight=row["weight"] or 0, parts=row["parts"], kind=metric.kind)
        values[row["county_id"]][week] = figure.value if metric.is_score else figure.per_residents(county.population)
    return [
        AdoptionCurve(counties[county_id], first_go_live[county_id], values[county_id])
        for county_id in sorted(first_go_live, key=lambda pk: counties[pk].code)
    ]


def county_adoption(*, metric: Metric, module: ContentModule, weeks_after: int | None = None) -> Adoption:
    """The adoption of a content: ADOPTION_WEEKS_BEFORE weeks before each county's go-live week to `weeks_after`."""
    weeks_after = weeks_after or ADOPTION_WEEKS_AFTER
    curves = adoption_curves(metric=metric, module=module, weeks_before=ADOPTION_WEEKS_BEFORE, weeks_after=weeks_after)
    return Adoption(weeks=list(range(-ADOPTION_WEEKS_BEFORE, weeks_after + 1)), curves=curves)
