"""The care-guarantee rule in force on a date, looked up in the rules shipped in data/care_guarantee_rules.csv."""

import datetime

import pytest

from routing.choices import CareMeasure, Channel, TargetKind, UnitType, Urgency
from routing.facts import RouteFacts, UnitFacts
from routing.reference_data import care_rules_shipped
from routing.rules import broken_rules, rule_in_force, target_keeps

RULES = care_rules_shipped()


def code_in_force(measure, on, age=None):
    rule = rule_in_force(rules=RULES, measure=measure, on=datetime.date.fromisoformat(on), age=age)
    return None if rule is None else rule.code


@pytest.mark.parametrize(
    ("measure", "on", "age", "code"),
    [
        (CareMeasure.ASSESSMENT, "2004-12-31", None, None),
        (CareMeasure.ASSESSMENT, "2005-03-01", None, "assessment-2005"),
        (CareMeasure.ASSESSMENT, "2023-08-31", None, "assessment-2005"),
        (CareMeasure.ASSESSMENT, "2023-09-01", None, "assessment-2023"),
        (CareMeasure.ASSESSMENT, "2025-01-01", None, "assessment-2023"),
        (CareMeasure.TREATMENT, "2023-09-01", 40, "treatment-2023"),
        # The 7-day limit planned for 1.11.2024 never took effect.
        (CareMeasure.TREATMENT, "2024-11-01", 40, "treatment-2023"),
        (CareMeasure.TREATMENT, "2024-12-31", 40, "treatment-2023"),
        (CareMeasure.TREATMENT, "2025-01-01", 40, "treatment-2025-23-and-over"),
        (CareMeasure.TREATMENT, "2025-01-01", 23, "treatment-2025-23-and-over"),
        (CareMeasure.TREATMENT, "2025-01-01", 22, "treatment-2025-under-23"),
        (CareMeasure.DENTAL_TREATMENT, "2024-10-31", 40, "dental-2023"),
        (CareMeasure.DENTAL_TREATMENT, "2024-11-01", 40, "dental-2024-11"),
        (CareMeasure.DENTAL_TREATMENT, "2025-01-01", 40, "dental-2025-23-and-over"),
        (CareMeasure.DENTAL_TREATMENT, "2025-01-01", 17, "dental-2025-under-23"),
    ],
)
def test_rule_in_force_on_a_date(measure, on, age, code):
    assert code_in_force(measure, on, age) == code


def test_the_cancelled_change_is_kept_as_never_in_force():
    cancelled = next(rule for rule in RULES if rule.code == "treatment-2024-11-cancelled")

    assert not cancelled.in_force
    assert (cancelled.limit_value, cancelled.limit_unit, cancelled.law) == (7, "days", "HE 55/2023")


@pytest.mark.parametrize(
    ("target_kind", "value", "rule_code", "keeps"),
    [
        (TargetKind.SAME_WORKING_DAY, None, "assessment-2023", True),
        (TargetKind.HOURS, 2, "assessment-2023", True),
        (TargetKind.HOURS, 9, "assessment-2023", False),
        (TargetKind.WORKING_DAYS, 1, "assessment-2023", False),
        (TargetKind.WORKING_DAYS, 3, "assessment-2005", True),
        (TargetKind.WORKING_DAYS, 4, "assessment-2005", False),
        (TargetKind.WORKING_DAYS, 10, "treatment-2023", True),  # at most 14 calendar days
        (TargetKind.WORKING_DAYS, 11, "treatment-2023", False),  # up to 17 calendar days
        (TargetKind.WORKING_DAYS, 60, "treatment-2025-23-and-over", True),  # up to 84 days, within 90
        (TargetKind.NONE, None, "assessment-2023", None),
    ],
)
def test_target_keeps_the_limit(target_kind, value, rule_code, keeps):
    rule = next(rule for rule in RULES if rule.code == rule_code)

    assert target_keeps(target_kind=target_kind, target_value=value, rule=rule) is keeps


def booking(valid_from, valid_to, **values):
    return RouteFacts(
        id=1,
        label="Ajanvaraus",
        county_id=1,
        module_id=1,
        outcome="non-urgent",
        urgency=Urgency.NON_URGENT,
        channel=Channel.ONLINE_BOOKING,
        receiving_unit_id=1,
        valid_from=datetime.date.fromisoformat(valid_from),
        valid_to=None if valid_to is None else datetime.date.fromisoformat(valid_to),
        target_kind=TargetKind.WORKING_DAYS,
        target_value=30,
        **values,
    )


STATION = UnitFacts(id=1, name="Terveysasema", county_id=1, unit_type=UnitType.HEALTH_STATION)


def test_a_route_is_judged_by_the_rules_of_its_own_dates():
    """Booking within 30 working days for adults: too slow in 2024 (14 days), within 3 months from 1.1.2025."""
    in_2024 = booking("2024-01-01", "2024-12-31", age_from=23)
    from_2025 = booking("2025-01-01", None, age_from=23)

    assert [rule.code for rule in broken_rules(route=in_2024, unit=STATION, rules=RULES)] == ["treatment-2023"]
    assert broken_rules(route=from_2025, unit=STATION, rules=RULES) == []


def test_a_route_for_every_age_is_judged_by_the_strictest_band():
    for_everyone = booking("2025-01-01", None)

    assert [rule.code for rule in broken_rules(route=for_everyone, unit=STATION, rules=RULES)] == [
        "treatment-2025-under-23"
    ]


def test_a_dental_booking_is_judged_by_the_dental_limits():
    dental = UnitFacts(id=1, name="Suun terveys", county_id=1, unit_type=UnitType.DENTAL_CARE)
    within_100_days = booking("2025-01-01", None, age_from=23)

    assert broken_rules(route=within_100_days, unit=dental, rules=RULES) == []
    assert [rule.code for rule in broken_rules(route=within_100_days, unit=STATION, rules=RULES)] == []


def test_a_message_route_is_judged_by_the_assessment_rule_before_and_after_1_9_2023():
    two_days = RouteFacts(
        id=2,
        label="Hoitajan työjono",
        county_id=1,
        module_id=1,
        outcome="non-urgent",
        channel=Channel.WORK_QUEUE,
        receiving_unit_id=1,
        valid_from=datetime.date(2022, 1, 1),
        target_kind=TargetKind.WORKING_DAYS,
        target_value=2,
    )
    ended_before = RouteFacts(**{**two_days.__dict__, "valid_to": datetime.date(2023, 8, 31)})

    assert broken_rules(route=ended_before, unit=STATION, rules=RULES) == []
    assert [rule.code for rule in broken_rules(route=two_days, unit=STATION, rules=RULES)] == ["assessment-2023"]
