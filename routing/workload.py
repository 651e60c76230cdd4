"""The load the routing puts on a receiving unit: its weekly contact requests beside its opening hours.

A unit linked to a service area of the usage statistics (`ReceivingUnit.service_area`) gets,
per week, the contact requests (the metric `sent_to_professional`: assessments residents sent
to a professional, summed over the contents) and the hours it was open that week (its weekly
hours with the week's exceptions and public holidays). A week without figures is "no data",
never zero, and so is a unit without a linked area.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from metrics.aggregation import current_period_start
from metrics.models import PeriodType, UsageStatistic
from metrics.periods import period_label
from routing.calendar import holiday_dates
from routing.models import ReceivingUnit
from routing.services import unit_facts

CONTACT_REQUESTS_METRIC = "sent_to_professional"
MAX_WEEKS = 104


@dataclass(frozen=True)
class WeekWorkload:
    week_start: datetime.date
    label: str  # 2026-W49
    contact_requests: Decimal | None  # None: no figure for the week, which is not zero
    open_hours: float
    requests_per_open_hour: float | None  # None without figures or without open hours


@dataclass(frozen=True)
class UnitWorkload:
    has_statistics: bool  # False when the unit names no service area of the statistics
    weeks: list[WeekWorkload]

    @property
    def weeks_with_data(self) -> list[WeekWorkload]:
        return [week for week in self.weeks if week.contact_requests is not None]


def unit_workload(*, unit: ReceivingUnit, weeks: int, today: datetime.date | None = None) -> UnitWorkload:
    """The unit's `weeks` last complete weeks, oldest first (at most `MAX_WEEKS`), in three queries."""
    weeks = max(1, min(weeks, MAX_WEEKS))
    today = today or timezone.localdate()
    last = current_period_start(PeriodType.WEEK, today) - datetime.timedelta(days=7)
    starts = [last - datetime.timedelta(days=7 * back) for back in range(weeks - 1, -1, -1)]
    if unit.service_area_id is None:
        return UnitWorkload(has_statistics=False, weeks=[])
    requests = dict(
        UsageStatistic.objects.filter(
            county_id=unit.county_id,
            service_area_id=unit.service_area_id,
            metric__code=CONTACT_REQUESTS_METRIC,
            period_type=PeriodType.WEEK,
            period_start__gte=starts[0],
            period_start__lte=last,
        )
        .values("period_start")
        .annotate(total=Sum("value"))
        .values_list("period_start", "total")
    )
    facts = unit_facts(ReceivingUnit.objects.filter(pk=unit.pk))[unit.pk]
    holidays = holiday_dates(start=starts[0], end=last + datetime.timedelta(days=6))
    rows = []
    for start in starts:
        quarters = sum(
            facts.open_quarters(start + datetime.timedelta(days=offset), holidays=holidays).bit_count()
            for offset in range(7)
        )
        open_hours = quarters / 4
        count = requests.get(start)
        per_hour = None if count is None or not open_hours else round(float(count) / open_hours, 2)
        rows.append(
            WeekWorkload(
                week_start=start,
                label=period_label(PeriodType.WEEK, start),
                contact_requests=count,
                open_hours=open_hours,
                requests_per_open_hour=per_hour,
            )
        )
    return UnitWorkload(has_statistics=True, weeks=rows)
