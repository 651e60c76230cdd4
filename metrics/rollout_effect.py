"""Rollouts beside their usage: events on the time axis, usage before and after go-live."""

import datetime
from dataclasses import dataclass

from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from metrics import aggregation
from metrics.aggregation import current_period_start
from metrics.models import Metric, MetricKind, PeriodType, UsageStatistic
from processes.models import Rollout

PILOT_START = _("Pilot start")
GO_LIVE = _("Go-live")
ROLLOUT_END = _("End of use")
DEFAULT_WEEKS_AROUND_GO_LIVE = 8
MAX_WEEKS_AROUND_GO_LIVE = 52


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
        start = current_period_start(PeriodType.WEEK, rollout.go_live)
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
        start = current_period_start(PeriodType.WEEK, rollout.go_live)
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
