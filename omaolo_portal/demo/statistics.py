"""A year of made-up weekly and monthly usage figures for the demo rollouts, up to the last complete
week and month before the day the demo is seeded, so that it is alive on any date."""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from metrics.aggregation import current_period_start
from metrics.models import Metric, PeriodType, UsageStatistic
from metrics.periods import period_step_back
from processes.models import Rollout, RolloutStatus

# One rollout whose use falls off in its last six weeks, so that the statistics page
# has a declining content to show: (county code, content code). It is the only one: the
# other series vary by at most ±8 % a period and drift by at most 0.6 % a week, which the
# decline rule (a fall of 20 % between two four-period windows) never flags.
DROPPING_ROLLOUT = ("21", "korvakipu")
DROP_WEEKS = 6
NOISE = 0.08
# Use during the pilot, before go-live, as a share of the use after it.
PILOT_SHARE = 0.15

# Share of the previous metric's value: started → completed → sent → booked; users ≈ started.
METRIC_FUNNEL = {
    "assessments_started": 1.0,
    "assessments_completed": 0.8,
    "sent_to_professional": 0.55,
    "self_booked": 0.2,
    "users": 0.95,
}

# Feedback means (on the metrics' scale 1 to 5, two decimals at most, as a real export has
# them) and the share of the period's started assessments that answered the feedback question.
FEEDBACK_RESPONSE_SHARE = {"customer_feedback": 0.05, "professional_feedback": 0.02, "customer_nps": 0.05}
FEEDBACK_SCORES = tuple(Decimal(score) for score in ("3.6", "3.95", "4.2", "4.3", "4.7"))
# NPS, −100 to 100 (Päijät-Häme's SMS survey reported 79 for all its services).
NPS_SCORES = tuple(Decimal(score) for score in ("-12", "35", "52.5", "61", "79"))


def _mondays(first: datetime.date, last: datetime.date):
    day = first - datetime.timedelta(days=first.weekday())
    while day <= last:
        yield day
        day += datetime.timedelta(weeks=1)


def _month_starts(first: datetime.date, last: datetime.date):
    day = first.replace(day=1)
    while day <= last:
        yield day
        day = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


@dataclass(frozen=True)
class DemoWindow:
    """The days a rollout has figures: from its pilot (or go-live) to its end, at most a year."""

    start: datetime.date
    go_live: datetime.date
    last_week: datetime.date  # the Monday of the last week with figures
    last_month: datetime.date  # the first day of the last month with figures


def demo_window_ends(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last complete week (its Monday) and month (its first day) before `today`."""
    last_week = period_step_back(PeriodType.WEEK, current_period_start(PeriodType.WEEK, today), 1)
    last_month = period_step_back(PeriodType.MONTH, current_period_start(PeriodType.MONTH, today), 1)
    return last_week, last_month


def _window(rollout: Rollout, today: datetime.date) -> DemoWindow | None:
    last_week, last_month = demo_window_ends(today)
    if rollout.status == RolloutStatus.ENDED and rollout.ended_on:
        end = rollout.ended_on
        last_week = min(last_week, current_period_start(PeriodType.WEEK, end))
        last_month = min(last_month, current_period_start(PeriodType.MONTH, end))
    elif rollout.status == RolloutStatus.IN_USE:
        end = last_week + datetime.timedelta(days=6)
    else:
        return None
    go_live = rollout.go_live or end
    start = max(end - datetime.timedelta(days=364), rollout.pilot_start or go_live)
    return DemoWindow(start=start, go_live=go_live, last_week=last_week, last_month=last_month)


def demo_statistics_seed(*, today: datetime.date | None = None) -> int:
    """Create the missing demo figures for rollouts in use or ended, up to the last complete week and month
    before `today`; returns how many were created."""
    today = today or timezone.localdate()
    metrics = {
        metric.code: metric for metric in Metric.objects.filter(code__in=[*METRIC_FUNNEL, *FEEDBACK_RESPONSE_SHARE])
    }
    existing = set(
        UsageStatistic.objects.values_list(
            "county_id", "service_area_id", "module_id", "metric_id", "period_type", "period_start"
        )
    )
    new_rows = []
    rollouts = Rollout.objects.exclude(go_live=None).select_related("county", "module").order_by("pk")
    for rollout in rollouts:
        window = _window(rollout, today)
        if window is None:
            continue
        for period_type, period_start, figures in _rollout_figures(rollout, window):
            new_rows += _new_statistics(rollout, period_type, period_start, figures, metrics=metrics, existing=existing)
    UsageStatistic.objects.bulk_create(new_rows, batch_size=2000)
    return len(new_rows)


def _periods(window: DemoWindow) -> list[tuple[str, datetime.date, float]]:
    """Each week and each month of the window, with how many weeks of use the period holds."""
    periods = [(PeriodType.WEEK, day, 1) for day in _mondays(window.start, window.last_week)]
    periods += [(PeriodType.MONTH, day, 4.3) for day in _month_starts(window.start, window.last_month)]
    return periods


def _rollout_figures(rollout: Rollout, window: DemoWindow):
    """(period type, period start, [(metric code, value, responses)]) for each period of the rollout's window.

    The figures are drawn from generators seeded by the rollout, so every run on the same day draws the same ones.
    """
    rng = random.Random(f"{rollout.county_id}-{rollout.module_id}-{rollout.service_area_id}")
    feedback_rng = random.Random(f"feedback-{rollout.county_id}-{rollout.module_id}-{rollout.service_area_id}")
    base = rng.randint(40, 400)
    # Some contents decline slowly towards the end of the window, as real ones do.
    slope = rng.choice([0.004, 0.002, -0.006])
    drops = (rollout.county.code, rollout.module.code) == DROPPING_ROLLOUT
    drop_start = window.last_week - datetime.timedelta(weeks=DROP_WEEKS - 1)
    for period_type, period_start, scale in _periods(window):
        weeks_in = (period_start - window.start).days / 7
        started = base * scale * (1 + slope * weeks_in) * rng.uniform(1 - NOISE, 1 + NOISE)
        if period_start < window.go_live:
            started *= PILOT_SHARE
        started = max(0, round(started))
        if drops and period_start >= drop_start:
            started = round(started * 0.5)
        figures = [(code, round(started * share), None) for code, share in METRIC_FUNNEL.items()]
        figures += [
            (
                code,
                feedback_rng.choice(NPS_SCORES if code == "customer_nps" else FEEDBACK_SCORES),
                max(1, round(started * share)),
            )
            for code, share in FEEDBACK_RESPONSE_SHARE.items()
        ]
        yield period_type, period_start, figures


def _new_statistics(rollout, period_type, period_start, figures, *, metrics, existing) -> list[UsageStatistic]:
    """The period's figures not yet stored (by natural key), for the metrics that exist; `existing` grows."""
    rows = []
    for code, value, responses in figures:
        metric = metrics.get(code)
        if metric is None:
            continue
        key = (rollout.county_id, rollout.service_area_id, rollout.module_id, metric.pk, period_type, period_start)
        if key in existing:
            continue
        existing.add(key)
        rows.append(
            UsageStatistic(
                county_id=rollout.county_id,
                service_area_id=rollout.service_area_id,
                module_id=rollout.module_id,
                metric=metric,
                period_type=period_type,
                period_start=period_start,
                value=value,
                responses=responses,
            )
        )
    return rows
