"""A year of made-up weekly and monthly usage figures for the demo rollouts."""

import datetime
import random
from decimal import Decimal

from metrics.models import Metric, PeriodType, UsageStatistic
from processes.models import Rollout, RolloutStatus

DEMO_WINDOW_END = datetime.date(2026, 10, 31)
# One rollout whose use falls off in its last six weeks, so that the statistics page
# has a declining content to show: (county code, content code).
DROPPING_ROLLOUT = ("21", "korvakipu")
DROP_WEEKS = 6

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
FEEDBACK_RESPONSE_SHARE = {"customer_feedback": 0.05, "professional_feedback": 0.02}
FEEDBACK_SCORES = tuple(Decimal(score) for score in ("3.6", "3.95", "4.2", "4.3", "4.7"))


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


def _window(rollout: Rollout) -> tuple[datetime.date, datetime.date] | None:
    if rollout.status == RolloutStatus.ENDED and rollout.ended_on:
        end = rollout.ended_on
    elif rollout.status == RolloutStatus.IN_USE:
        end = DEMO_WINDOW_END
    else:
        return None
    start = max(end - datetime.timedelta(days=364), rollout.go_live or end)
    return start, end


def demo_statistics_seed() -> int:
    """Create the missing demo figures for rollouts in use or ended; returns how many were created."""
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
        window = _window(rollout)
        if window is None:
            continue
        for period_type, period_start, figures in _rollout_figures(rollout, window):
            new_rows += _new_statistics(rollout, period_type, period_start, figures, metrics=metrics, existing=existing)
    UsageStatistic.objects.bulk_create(new_rows, batch_size=2000)
    return len(new_rows)


def _periods(window: tuple[datetime.date, datetime.date]) -> list[tuple[str, datetime.date, float]]:
    """Each week and each month of the window, with how many weeks of use the period holds."""
    periods = [(PeriodType.WEEK, day, 1) for day in _mondays(*window)]
    periods += [(PeriodType.MONTH, day, 4.3) for day in _month_starts(*window)]
    return periods


def _rollout_figures(rollout: Rollout, window: tuple[datetime.date, datetime.date]):
    """(period type, period start, [(metric code, value, responses)]) for each period of the rollout's window.

    The figures are drawn from generators seeded by the rollout, so every run draws the same ones.
    """
    rng = random.Random(f"{rollout.county_id}-{rollout.module_id}-{rollout.service_area_id}")
    # A generator of its own, so that the usage figures stay as they were before feedback was added.
    feedback_rng = random.Random(f"feedback-{rollout.county_id}-{rollout.module_id}-{rollout.service_area_id}")
    base = rng.randint(40, 400)
    # Some contents decline towards the end of the window, as real ones do.
    slope = rng.choice([0.004, 0.002, -0.006])
    drops = (rollout.county.code, rollout.module.code) == DROPPING_ROLLOUT
    drop_start = window[1] - datetime.timedelta(weeks=DROP_WEEKS)
    for period_type, period_start, scale in _periods(window):
        weeks_in = (period_start - window[0]).days / 7
        started = max(0, round(base * scale * (1 + slope * weeks_in) * rng.uniform(0.85, 1.15)))
        if drops and period_start >= drop_start:
            started = round(started * 0.5)
        figures = [(code, round(started * share), None) for code, share in METRIC_FUNNEL.items()]
        figures += [
            (code, feedback_rng.choice(FEEDBACK_SCORES), max(1, round(started * share)))
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
