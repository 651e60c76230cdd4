"""Rollouts beside their usage: events on the time axis, before and after go-live, counties compared and aligned."""

import datetime
from dataclasses import dataclass

from django.db.models import Min, Q, Sum
from django.utils.translation import gettext_lazy as _

from metrics import aggregation
from metrics.aggregation import Figure, PeriodRange, current_period_start
from metrics.models import Metric, MetricKind, PeriodType, UsageStatistic
from processes.models import Rollout, RolloutStatus
from regions.models import WellbeingCounty

PILOT_START = _("Pilot start")
GO_LIVE = _("Go-live")
ROLLOUT_END = _("End of use")
# Rollouts that put a content in residents' hands at some time (a planned one never did).
USED_STATUSES = (RolloutStatus.PILOTING, RolloutStatus.IN_USE, RolloutStatus.ENDED)
DEFAULT_WEEKS_AROUND_GO_LIVE = 8
MAX_WEEKS_AROUND_GO_LIVE = 52
ADOPTION_WEEKS_BEFORE, ADOPTION_WEEKS_AFTER = 8, 26


@dataclass(frozen=True)
class RolloutEvent:
    date: datetime.date
    period_start: datetime.date
    event: str
    module: str
    area: str

    @property
    def text(self) -> str:
        where = f" ({self.area})" if self.area else ""
        return f"{self.event}: {self.module}{where}"


def events_of(rollouts, *, period_type: str) -> list[RolloutEvent]:
    """The pilot starts, go-lives and ends of the rollouts (with module and service area selected), by date."""
    events = []
    for rollout in rollouts:
        area = rollout.service_area.name if rollout.service_area else ""
        for day, event in (
            (rollout.pilot_start, PILOT_START),
            (rollout.go_live, GO_LIVE),
            (rollout.ended_on, ROLLOUT_END),
        ):
            if day is not None:
                events.append(
                    RolloutEvent(day, current_period_start(period_type, day), str(event), rollout.module.name, area)
                )
    return sorted(events, key=lambda event: (event.date, event.text))


def rollout_events(*, county, module=None, period_type: str) -> list[RolloutEvent]:
    """The rollout events of a county (of one content, when given), by date (one query)."""
    rollouts = Rollout.objects.for_county(county).select_related("module", "service_area")
    if module is not None:
        rollouts = rollouts.filter(module=module)
    return events_of(rollouts, period_type=period_type)


# --- before and after go-live -----------------------------------------------------------------


@dataclass(frozen=True)
class GoLiveEffect:
    rollout: Rollout
    before: int
    after: int

    @property
    def change_percent(self) -> int | None:
        if not self.before:
            return None
        return round((self.after - self.before) / self.before * 100)


def _week_start(day: datetime.date) -> datetime.date:
    return current_period_start(PeriodType.WEEK, day)


def go_live_effects(*, county, metric: Metric, rollouts, weeks: int) -> list[GoLiveEffect]:
    """For each rollout with a go-live: the metric's sum in the `weeks` weeks before the go-live week and in
    the go-live week and the `weeks - 1` after it (one grouped query, bounded by the rollouts, not by history).

    A county-wide rollout counts the county's figure (its service areas only where it has none);
    a service area's rollout counts that area's rows.
    """
    live = [rollout for rollout in rollouts if rollout.go_live is not None]
    if not live or metric.kind != MetricKind.ADDITIVE:
        return []
    span = datetime.timedelta(weeks=weeks)
    windows = Q()
    for rollout in live:
        start = _week_start(rollout.go_live)
        windows |= Q(module_id=rollout.module_id, period_start__gte=start - span, period_start__lt=start + span)
    rows = (
        aggregation.counted(
            UsageStatistic.objects.filter(county=county, metric=metric, period_type=PeriodType.WEEK).filter(windows)
        )
        .values("module_id", "service_area_id", "period_start")
        .annotate(total=Sum("value"))
        .order_by()
    )
    rows = list(rows)
    effects = []
    for rollout in live:
        start = _week_start(rollout.go_live)
        before = after = 0
        for row in rows:
            if row["module_id"] != rollout.module_id:
                continue
            if rollout.service_area_id is not None and row["service_area_id"] != rollout.service_area_id:
                continue
            if start - span <= row["period_start"] < start:
                before += row["total"]
            elif start <= row["period_start"] < start + span:
                after += row["total"]
        effects.append(GoLiveEffect(rollout, before, after))
    return effects


# --- counties compared ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CountyFigure:
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
    ranked: list[CountyFigure]
    without_statistics: list[WellbeingCounty]  # the content is in use, but no figure was imported
    not_in_use: list[WellbeingCounty]


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
            ranked.append(CountyFigure(county, figure))
        elif county.pk in in_use:
            without.append(county)
        else:
            not_in_use.append(county)
    ranked.sort(key=lambda row: (-row.rank_value, row.county.code))
    return CountyRanking(ranked, without, not_in_use)


# --- adoption: counties aligned on weeks since go-live ----------------------------------------------


@dataclass(frozen=True)
class AdoptionCurve:
    county: WellbeingCounty
    go_live: datetime.date
    per_week: dict[int, float | None]  # weeks since go-live → figure per 1,000 residents

    @property
    def label(self) -> str:
        return self.county.name


def adoption_curves(*, metric: Metric, module, weeks_before: int, weeks_after: int) -> list[AdoptionCurve]:
    """The counties that took the content into use, aligned on weeks since their first go-live (two queries).

    Week 0 is the go-live week; figures are per 1,000 residents of the county.
    """
    go_lives = (
        Rollout.objects.filter(module=module, status__in=USED_STATUSES, go_live__isnull=False)
        .values("county_id")
        .annotate(first=Min("go_live"))
        .order_by()
    )
    first_go_live = {row["county_id"]: _week_start(row["first"]) for row in go_lives}
    if not first_go_live:
        return []
    windows = Q()
    for county_id, start in first_go_live.items():
        windows |= Q(
            county_id=county_id,
            period_start__gte=start - datetime.timedelta(weeks=weeks_before),
            period_start__lt=start + datetime.timedelta(weeks=weeks_after + 1),
        )
    statistics = UsageStatistic.objects.filter(metric=metric, module=module, period_type=PeriodType.WEEK).filter(
        windows
    )
    aggregates = aggregation.aggregates_for(metric.kind)
    rows = aggregation.counted(statistics).values("county_id", "period_start").annotate(**aggregates).order_by()
    counties = WellbeingCounty.objects.in_bulk(first_go_live)
    values: dict[int, dict[int, float | None]] = {county_id: {} for county_id in first_go_live}
    for row in rows:
        county = counties[row["county_id"]]
        week = (row["period_start"] - first_go_live[row["county_id"]]).days // 7
        figure = Figure(total=row["total"], weight=row["weight"] or 0, parts=row["parts"], kind=metric.kind)
        values[row["county_id"]][week] = figure.value if metric.is_score else figure.per_residents(county.population)
    curves = [
        AdoptionCurve(counties[county_id], first_go_live[county_id], values[county_id])
        for county_id in sorted(first_go_live, key=lambda pk: counties[pk].code)
    ]
    return curves


def go_live_weeks(weeks_before: int, weeks_after: int) -> list[int]:
    return list(range(-weeks_before, weeks_after + 1))
