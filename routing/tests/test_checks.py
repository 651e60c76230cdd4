"""The route check, each finding with a route that passes and one that fails (pure: no database)."""

import dataclasses
import datetime

import pytest
from django.utils import translation

from routing import checks
from routing.checks import route_check
from routing.choices import Channel, FindingSeverity, TargetKind, Urgency, WindowKind
from routing.facts import Deployment, MunicipalityFacts, OutcomeFacts, RouteFacts, UnitFacts
from routing.reference_data import care_rules_shipped

TODAY = datetime.date(2025, 6, 2)  # a Monday
COUNTY, OTHER_COUNTY, MODULE = 1, 2, 10
STATION, PARTNER, HELPLINE = 100, 200, 300
UNITS = {
    STATION: UnitFacts(id=STATION, name="Terveysasema", county_id=COUNTY),
    PARTNER: UnitFacts(id=PARTNER, name="Kumppanisairaala", county_id=OTHER_COUNTY),
    HELPLINE: UnitFacts(id=HELPLINE, name="Päivystysapu 116117", county_id=None, open_around_the_clock=True),
}
OUTCOMES = [
    OutcomeFacts(code="urgent", name="Kiireellinen", content_kind="symptom_assessment", urgency=Urgency.URGENT),
    OutcomeFacts(code="non-urgent", name="Kiireetön", content_kind="symptom_assessment", urgency=Urgency.NON_URGENT),
    OutcomeFacts(code="coaching", name="Ei ohjausta", content_kind="coaching", needs_route=False),
]
IN_USE = Deployment(
    county_id=COUNTY, module_id=MODULE, module_name="Kurkkukipu", module_kind="symptom_assessment", in_use=True
)
RULES = care_rules_shipped()

URGENT_PHONE = RouteFacts(
    id=1,
    label="Kurkkukipu – Kiireellinen – 116117",
    county_id=COUNTY,
    module_id=MODULE,
    outcome="urgent",
    urgency=Urgency.URGENT,
    channel=Channel.HELPLINE_116117,
    receiving_unit_id=HELPLINE,
    window_kind=WindowKind.ALWAYS,
    valid_from=datetime.date(2025, 1, 1),
    verified_on=datetime.date(2025, 5, 1),
)
NON_URGENT_QUEUE = dataclasses.replace(
    URGENT_PHONE,
    id=2,
    label="Kurkkukipu – Kiireetön – Terveysasema",
    outcome="non-urgent",
    urgency=Urgency.NON_URGENT,
    channel=Channel.WORK_QUEUE,
    receiving_unit_id=STATION,
    target_kind=TargetKind.SAME_WORKING_DAY,
)
CLEAN = [URGENT_PHONE, NON_URGENT_QUEUE]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def check(routes, deployments=(IN_USE,)):
    return route_check(
        routes=list(routes), units=UNITS, today=TODAY, outcomes=OUTCOMES, deployments=list(deployments), rules=RULES
    )


def codes(findings):
    return [finding.code for finding in findings]


def with_changed(route, **changes):
    return [dataclasses.replace(route, **changes) if candidate is route else candidate for candidate in CLEAN]


def test_a_clean_route_set_has_no_findings():
    assert check(CLEAN) == []


def test_an_hour_of_the_week_without_a_route():
    every_day_but_sunday = dataclasses.replace(
        NON_URGENT_QUEUE,
        window_kind=WindowKind.HOURS,
        weekdays=frozenset(range(1, 7)),
        starts_at=datetime.time(0),
        ends_at=datetime.time(0),
    )

    findings = check([URGENT_PHONE, every_day_but_sunday])

    week = findings[0]
    assert (week.code, week.route_id, week.module_id) == ("gap_week", None, MODULE)
    assert week.message == str(checks.GAP_IN_WEEK) % {
        "content": "Kurkkukipu",
        "outcome": "Kiireetön",
        "hours": "Sunday 8.6. 0–24",
    }
    assert week.fix == str(checks.GAP_IN_WEEK_FIX)
    # Every public holiday of the next 12 months counts as a Sunday; Whitsunday 8.6. is in the week.
    holidays = [finding for finding in findings if finding.code == "gap_holiday"]
    assert len(holidays) == 15
    assert holidays[0].message == str(checks.GAP_ON_HOLIDAY) % {
        "content": "Kurkkukipu",
        "outcome": "Kiireetön",
        "holiday": "Juhannusaatto 06/20/2025",
        "hours": "0–24",
    }
    assert codes(findings) == ["gap_week", *["gap_holiday"] * 15]


def test_an_outcome_without_any_route_is_one_finding():
    findings = check([URGENT_PHONE])

    assert [(finding.code, finding.message, finding.fix) for finding in findings] == [
        (
            "no_route",
            str(checks.NO_ROUTE) % {"content": "Kurkkukipu", "outcome": "Kiireetön"},
            str(checks.NO_ROUTE_FIX),
        )
    ]


def test_an_outcome_that_needs_no_route_is_not_a_gap():
    coaching = Deployment(county_id=COUNTY, module_id=11, module_name="Valmennus", module_kind="coaching", in_use=True)

    assert check(CLEAN, deployments=[IN_USE, coaching]) == []


def test_an_urgent_outcome_in_an_asynchronous_queue():
    findings = check(with_changed(URGENT_PHONE, channel=Channel.CONTACT_REQUEST))

    assert codes(findings) == ["urgent_asynchronous"]
    assert findings[0].route_id == URGENT_PHONE.id
    assert findings[0].message == str(checks.URGENT_ASYNCHRONOUS) % {
        "route": URGENT_PHONE.label,
        "channel": "contact request",
    }


@pytest.mark.parametrize(
    ("target_kind", "value", "found"),
    [
        (TargetKind.MINUTES, 30, []),
        (TargetKind.HOURS, 2, []),
        (TargetKind.MINUTES, 121, ["urgent_slow"]),
        (TargetKind.HOURS, 3, ["urgent_slow"]),
        (TargetKind.SAME_WORKING_DAY, None, ["urgent_slow"]),
    ],
)
def test_an_urgent_outcome_with_a_target_longer_than_two_hours(target_kind, value, found):
    findings = check(with_changed(URGENT_PHONE, channel=Channel.CALLBACK, target_kind=target_kind, target_value=value))

    assert codes(findings) == found
    if found:
        assert findings[0].message == str(checks.URGENT_SLOW) % {"route": URGENT_PHONE.label, "hours": 2}
        assert findings[0].fix == str(checks.URGENT_SLOW_FIX) % {"hours": 2}


def test_a_non_urgent_target_breaking_the_rule_in_force():
    findings = check(with_changed(NON_URGENT_QUEUE, target_kind=TargetKind.WORKING_DAYS, target_value=1))

    assert codes(findings) == ["care_guarantee"]
    assert findings[0].message == str(checks.RULE_BROKEN) % {
        "route": NON_URGENT_QUEUE.label,
        "valid_from": "09/01/2023",
        "law": "HE 74/2022",
        "section": "Terveydenhuoltolaki 1326/2010 51 §",
        "measure": "contact and care-need assessment",
        "limit": "the same day",
    }


def test_a_non_urgent_booking_judged_by_its_own_dates_around_1_1_2025():
    booking = {
        "channel": Channel.ONLINE_BOOKING,
        "target_kind": TargetKind.WORKING_DAYS,
        "target_value": 30,
        "age_from": 23,
    }
    before = check(with_changed(NON_URGENT_QUEUE, valid_from=datetime.date(2024, 6, 1), **booking))
    after = check(with_changed(NON_URGENT_QUEUE, valid_from=datetime.date(2025, 1, 1), **booking))

    assert codes(before) == ["care_guarantee"]
    assert "14 days" in before[0].message
    assert after == []


def test_a_receiving_unit_of_another_county_is_a_warning_an_editor_can_accept():
    partner = with_changed(NON_URGENT_QUEUE, receiving_unit_id=PARTNER)
    accepted = with_changed(
        NON_URGENT_QUEUE, receiving_unit_id=PARTNER, foreign_unit_reason="HUS hoitaa iltapäivystyksen."
    )

    findings = check(partner)

    assert [(finding.code, finding.severity) for finding in findings] == [("foreign_unit", FindingSeverity.WARNING)]
    assert findings[0].message == str(checks.FOREIGN_UNIT) % {
        "route": NON_URGENT_QUEUE.label,
        "unit": "Kumppanisairaala",
    }
    assert check(accepted) == []


def test_a_municipality_outside_the_county():
    own = MunicipalityFacts(id=1, name="Kajaani", county_id=COUNTY)
    foreign = MunicipalityFacts(id=2, name="Oulu", county_id=OTHER_COUNTY)

    assert check(with_changed(NON_URGENT_QUEUE, municipalities=(own,))) == []
    findings = check(with_changed(NON_URGENT_QUEUE, municipalities=(own, foreign)))
    assert codes(findings) == ["foreign_municipality"]
    assert findings[0].message == str(checks.FOREIGN_MUNICIPALITY) % {
        "route": NON_URGENT_QUEUE.label,
        "municipality": "Oulu",
    }


def test_a_route_for_a_content_the_county_does_not_deploy():
    findings = check(CLEAN, deployments=[])

    assert codes(findings) == ["not_deployed", "not_deployed"]
    assert findings[0].message == str(checks.NOT_DEPLOYED) % {"route": URGENT_PHONE.label}


def test_a_route_still_valid_after_the_rollout_ended():
    ended = dataclasses.replace(IN_USE, in_use=False, ended_on=datetime.date(2025, 5, 31))
    ended_with_it = [dataclasses.replace(route, valid_to=datetime.date(2025, 5, 31)) for route in CLEAN]

    findings = check(CLEAN, deployments=[ended])

    assert codes(findings) == ["after_rollout", "after_rollout"]
    assert findings[0].message == str(checks.AFTER_ROLLOUT) % {"route": URGENT_PHONE.label, "ended_on": "05/31/2025"}
    assert check(ended_with_it, deployments=[ended]) == []


@pytest.mark.parametrize(
    ("verified_on", "message"),
    [
        (datetime.date(2024, 6, 2), None),
        (datetime.date(2024, 6, 1), checks.NOT_VERIFIED),
        (None, checks.NEVER_VERIFIED),
    ],
)
def test_a_route_not_verified_for_12_months(verified_on, message):
    findings = check(with_changed(NON_URGENT_QUEUE, verified_on=verified_on))

    if message is None:
        assert findings == []
    else:
        assert [(finding.code, finding.message) for finding in findings] == [
            ("not_verified", str(message) % {"route": NON_URGENT_QUEUE.label})
        ]


def test_an_ended_route_is_history_and_not_checked():
    ended_slow = dataclasses.replace(
        NON_URGENT_QUEUE, id=9, valid_to=datetime.date(2025, 5, 1), target_kind=TargetKind.WORKING_DAYS, target_value=9
    )

    assert check([*CLEAN, ended_slow]) == []


# --- a bilingual municipality with no Swedish route --------------------------------------------------

LOVIISA = MunicipalityFacts(id=11, name="Loviisa", county_id=COUNTY, bilingual=True)
PORVOO = MunicipalityFacts(id=12, name="Porvoo", county_id=COUNTY, bilingual=True)
ASKOLA = MunicipalityFacts(id=13, name="Askola", county_id=COUNTY)


def check_languages(routes, municipalities):
    return route_check(
        routes=list(routes),
        units=UNITS,
        today=TODAY,
        outcomes=OUTCOMES,
        deployments=[IN_USE],
        rules=RULES,
        municipalities=list(municipalities),
    )


def test_county_wide_routes_in_finnish_fail_a_county_with_bilingual_municipalities():
    findings = check_languages(CLEAN, [LOVIISA, PORVOO, ASKOLA])

    assert codes(findings) == ["no_swedish_route", "no_swedish_route"]
    assert findings[1].message == "Kurkkukipu, Kiireetön: no route in Swedish serves the bilingual Loviisa, Porvoo."
    assert findings[1].fix.startswith("Add Swedish to the languages of a route that serves these municipalities")
    assert (findings[1].route_id, findings[1].module_id, findings[1].severity) == (None, MODULE, FindingSeverity.ERROR)


def test_routes_in_swedish_pass_the_bilingual_municipalities():
    swedish = [dataclasses.replace(route, languages=frozenset({"fi", "sv"})) for route in CLEAN]

    assert check_languages(swedish, [LOVIISA, PORVOO, ASKOLA]) == []


def test_a_finnish_only_county_needs_no_swedish_route():
    assert check_languages(CLEAN, [ASKOLA]) == []


def test_a_swedish_route_counts_only_for_the_municipalities_it_serves():
    in_porvoo_swedish = dataclasses.replace(
        NON_URGENT_QUEUE, id=3, languages=frozenset({"sv"}), municipalities=(PORVOO,)
    )
    in_loviisa_finnish = dataclasses.replace(NON_URGENT_QUEUE, id=4, municipalities=(LOVIISA,))
    urgent_swedish = dataclasses.replace(URGENT_PHONE, languages=frozenset({"fi", "sv"}))

    findings = check_languages([urgent_swedish, in_porvoo_swedish, in_loviisa_finnish], [LOVIISA, PORVOO, ASKOLA])

    assert [finding.message for finding in findings if finding.code == "no_swedish_route"] == [
        "Kurkkukipu, Kiireetön: no route in Swedish serves the bilingual Loviisa."
    ]


def test_an_ended_swedish_route_no_longer_serves():
    ended = [
        dataclasses.replace(route, languages=frozenset({"fi", "sv"}), valid_to=TODAY - datetime.timedelta(days=1))
        for route in CLEAN
    ]

    findings = check_languages([*CLEAN, *ended], [LOVIISA])

    assert codes(findings) == ["no_swedish_route", "no_swedish_route"]
