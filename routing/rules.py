"""The care-guarantee rule in force on a date, and whether a route's handling target keeps it.

A route is judged by the rules in force on its own dates: a route of 2024 by the limits of
1.9.2023, one from 2025 by those of 1.1.2025 for the ages it serves. A cancelled change
(`in_force=False`, the 7-day limit planned for 1.11.2024) is never in force.
"""

import datetime
import math

from routing.choices import CareMeasure, Channel, LimitUnit, ProfessionalRole, TargetKind, UnitType
from routing.facts import CareRule, RouteFacts, UnitFacts

# An office day (HE 74/2022: office hours are roughly 8–16 on weekdays).
OFFICE_DAY_HOURS = 8
# A month limit is counted as 30 days.
DAYS_IN_MONTH = 30


def _ages_overlap(rule: CareRule, age_from: int | None, age_below: int | None) -> bool:
    low = age_from or 0
    high = age_below if age_below is not None else math.inf
    rule_low = rule.age_from or 0
    rule_high = rule.age_below if rule.age_below is not None else math.inf
    return low < rule_high and rule_low < high


def rules_in_force(
    *,
    rules: list[CareRule],
    measure: str,
    start: datetime.date,
    end: datetime.date | None = None,
    age_from: int | None = None,
    age_below: int | None = None,
) -> list[CareRule]:
    """The rules of the measure in force on some day from `start` to `end` (open: onwards) for some age of the band."""
    return [
        rule
        for rule in rules
        if rule.in_force
        and rule.measure == measure
        and rule.valid_from <= (end or datetime.date.max)
        and (rule.valid_to is None or start <= rule.valid_to)
        and _ages_overlap(rule, age_from, age_below)
    ]


def rule_in_force(*, rules: list[CareRule], measure: str, on: datetime.date, age: int | None = None) -> CareRule | None:
    """The rule of the measure in force on the day for a person of the age (any age when None), or None."""
    matching = rules_in_force(
        rules=rules, measure=measure, start=on, end=on, age_from=age, age_below=None if age is None else age + 1
    )
    return max(matching, key=lambda rule: rule.valid_from, default=None)


def measures_of(*, route: RouteFacts, unit: UnitFacts | None) -> list[str]:
    """What the care guarantee limits on the route: the treatment for a booking, else the contact and assessment."""
    if route.channel != Channel.ONLINE_BOOKING:
        return [CareMeasure.ASSESSMENT]
    dental = (unit is not None and unit.unit_type == UnitType.DENTAL_CARE) or route.roles == {
        ProfessionalRole.DENTAL_PROFESSIONAL
    }
    return [CareMeasure.DENTAL_TREATMENT if dental else CareMeasure.TREATMENT]


def _calendar_days(working_days: int) -> int:
    """The longest number of calendar days that many working days can take (from a Friday, weekends between)."""
    return working_days + 2 * ((working_days + 4) // 5)


def target_keeps(*, target_kind: str, target_value: int | None, rule: CareRule) -> bool | None:
    """Whether the target keeps the rule's limit; None when the route has no handling target to judge."""
    if target_kind == TargetKind.NONE:
        return None
    if target_kind in (TargetKind.MINUTES, TargetKind.HOURS):
        hours = target_value / 60 if target_kind == TargetKind.MINUTES else target_value
        if rule.limit_unit == LimitUnit.SAME_DAY:
            return hours <= OFFICE_DAY_HOURS
        if rule.limit_unit == LimitUnit.WORKING_DAYS:
            return hours <= OFFICE_DAY_HOURS * rule.limit_value
        return math.ceil(hours / 24) <= _limit_days(rule)
    if target_kind == TargetKind.SAME_WORKING_DAY:
        return True
    if rule.limit_unit == LimitUnit.SAME_DAY:
        return False
    if rule.limit_unit == LimitUnit.WORKING_DAYS:
        return target_value <= rule.limit_value
    return _calendar_days(target_value) <= _limit_days(rule)


def _limit_days(rule: CareRule) -> int:
    return rule.limit_value * (DAYS_IN_MONTH if rule.limit_unit == LimitUnit.MONTHS else 1)


def broken_rules(*, route: RouteFacts, unit: UnitFacts | None, rules: list[CareRule]) -> list[CareRule]:
    """The rules in force on the route's dates, for the ages it serves, that its handling target breaks."""
    broken = []
    for measure in measures_of(route=route, unit=unit):
        for rule in rules_in_force(
            rules=rules,
            measure=measure,
            start=route.valid_from,
            end=route.valid_to,
            age_from=route.age_from,
            age_below=route.age_below,
        ):
            if target_keeps(target_kind=route.target_kind, target_value=route.target_value, rule=rule) is False:
                broken.append(rule)
    return broken
