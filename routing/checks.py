"""The route check: gaps in the week and on holidays, slow or asynchronous urgent routes, broken care guarantees.

`route_check()` is a pure function over `routing.facts` values; `routing.services.route_check_run`
loads them from the database for a county or all. Each finding names the route (or, for a gap,
the content and outcome) and says how to fix it, in the active language.
"""

import datetime
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from routing.calendar import holiday_dates, holiday_name
from routing.choices import (
    ASYNCHRONOUS_CHANNELS,
    CareMeasure,
    Channel,
    FindingSeverity,
    LimitUnit,
    TargetKind,
    Urgency,
    Weekday,
)
from routing.coverage import day_gaps
from routing.facts import CareRule, Deployment, MunicipalityFacts, OutcomeFacts, RouteFacts, UnitFacts
from routing.rules import broken_rules

# "A few hours": the longest handling target an urgent outcome may have.
URGENT_TARGET_HOURS = 2
VERIFY_EVERY_DAYS = 365
HOLIDAY_HORIZON_DAYS = 365

NO_ROUTE = _("%(content)s, %(outcome)s: there is no route at all.")
NO_ROUTE_FIX = _("Add the routes of this outcome: where it goes at each hour of the week.")
GAP_IN_WEEK = _("%(content)s, %(outcome)s: no route serves %(hours)s.")
GAP_IN_WEEK_FIX = _("Add a route for these hours, for example to 116117 whenever the unit is closed.")
GAP_ON_HOLIDAY = _("%(content)s, %(outcome)s: no route serves %(holiday)s (%(hours)s).")
GAP_ON_HOLIDAY_FIX = _(
    "Add a route for Sundays or for the hours the unit is closed; a public holiday counts as a Sunday."
)
URGENT_ASYNCHRONOUS = _("Route “%(route)s” sends an urgent outcome to an asynchronous channel (%(channel)s).")
URGENT_ASYNCHRONOUS_FIX = _("Route urgent outcomes to a phone line, a callback, chat, 116117 or 112.")
URGENT_SLOW = _("Route “%(route)s” has a handling target longer than %(hours)s hours for an urgent outcome.")
URGENT_SLOW_FIX = _("Shorten the handling target to %(hours)s hours at most, or route the outcome to 116117.")
RULE_BROKEN = _(
    "Route “%(route)s” breaks the care guarantee in force from %(valid_from)s (%(law)s, %(section)s): %(measure)s "
    "within %(limit)s."
)
RULE_BROKEN_FIX = _("Shorten the handling target, or end the route before the rule it breaks takes effect.")
FOREIGN_UNIT = _("Route “%(route)s” goes to %(unit)s, a unit of another county.")
FOREIGN_UNIT_FIX = _(
    "If a partner's unit is meant, write the reason in “why a unit of another organisation”; otherwise choose one "
    "of your county's units."
)
FOREIGN_MUNICIPALITY = _("Route “%(route)s” names %(municipality)s, a municipality of another county.")
FOREIGN_MUNICIPALITY_FIX = _("Remove the municipality from the route.")
NOT_DEPLOYED = _("Route “%(route)s” is for a content the county does not deploy.")
NOT_DEPLOYED_FIX = _("Add the county's rollout of the content, or end the route.")
AFTER_ROLLOUT = _("Route “%(route)s” is still valid after the rollout of its content ended on %(ended_on)s.")
AFTER_ROLLOUT_FIX = _("End the route on the day the rollout ended.")
NOT_VERIFIED = _("Route “%(route)s” has not been verified for 12 months.")
NEVER_VERIFIED = _("Route “%(route)s” has never been verified.")
NOT_VERIFIED_FIX = _("Confirm the route with the receiving unit and enter the day it was last verified.")
NO_SWEDISH_ROUTE = _("%(content)s, %(outcome)s: no route in Swedish serves the bilingual %(municipalities)s.")
NO_SWEDISH_ROUTE_FIX = _(
    "Add Swedish to the languages of a route that serves these municipalities, or add a route in Swedish: "
    "a bilingual municipality's residents are served in Finnish and Swedish."
)


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    county_id: int
    module_id: int | None
    route_id: int | None
    message: str
    fix: str


def limit_text(rule: CareRule) -> str:
    """The rule's limit in words: “the same day”, “3 working days”, “14 days”, “3 months”."""
    if rule.limit_unit == LimitUnit.SAME_DAY:
        return str(LimitUnit.SAME_DAY.label)
    forms = {
        LimitUnit.WORKING_DAYS: ngettext("%(count)d working day", "%(count)d working days", rule.limit_value),
        LimitUnit.DAYS: ngettext("%(count)d day", "%(count)d days", rule.limit_value),
        LimitUnit.MONTHS: ngettext("%(count)d month", "%(count)d months", rule.limit_value),
    }
    return forms[rule.limit_unit] % {"count": rule.limit_value}


def hours_text(runs: list[tuple[datetime.date, int, int]]) -> str:
    """Runs of hours as “Monday 1.12. 21–24, Tuesday 2.12. 0–7”."""
    return ", ".join(
        f"{Weekday(day.isoweekday()).label} {day.day}.{day.month}. {start}–{end}" for day, start, end in runs
    )


def route_check(
    *,
    routes: list[RouteFacts],
    units: dict[int, UnitFacts],
    today: datetime.date,
    outcomes: list[OutcomeFacts],
    deployments: list[Deployment],
    rules: list[CareRule],
    holidays: frozenset[datetime.date] | None = None,
    municipalities: list[MunicipalityFacts] = (),
) -> list[Finding]:
    """Every finding about the routes, in the order: gaps by content, languages, then the routes' own findings.

    `municipalities` are those of the counties checked, each saying whether it is bilingual.
    """
    if holidays is None:
        holidays = holiday_dates(
            start=today - datetime.timedelta(days=1), end=today + datetime.timedelta(days=HOLIDAY_HORIZON_DAYS)
        )
    findings = _gap_findings(
        routes=routes, units=units, today=today, outcomes=outcomes, deployments=deployments, holidays=holidays
    )
    findings += _language_findings(
        routes=routes, today=today, outcomes=outcomes, deployments=deployments, municipalities=municipalities
    )
    deployed = {(deployment.county_id, deployment.module_id): deployment for deployment in deployments}
    for route in routes:
        if route.valid_to is not None and route.valid_to < today:
            continue
        findings += _route_findings(
            route=route,
            units=units,
            today=today,
            deployment=deployed.get((route.county_id, route.module_id)),
            rules=rules,
        )
    return findings


def _gap_findings(*, routes, units, today, outcomes, deployments, holidays) -> list[Finding]:
    findings = []
    week = [today + datetime.timedelta(days=offset) for offset in range(7)]
    coming_holidays = sorted(
        day for day in holidays if today <= day <= today + datetime.timedelta(days=HOLIDAY_HORIZON_DAYS)
    )
    by_key: dict[tuple, list[RouteFacts]] = {}
    for route in routes:
        by_key.setdefault((route.county_id, route.module_id, route.outcome), []).append(route)
    for deployment in deployments:
        if not deployment.in_use:
            continue
        for outcome in outcomes:
            if outcome.content_kind != deployment.module_kind or not outcome.needs_route:
                continue
            outcome_routes = by_key.get((deployment.county_id, deployment.module_id, outcome.code), [])
            names = {"content": deployment.module_name, "outcome": outcome.name}
            if not outcome_routes:
                findings.append(_finding("no_route", deployment, None, NO_ROUTE, NO_ROUTE_FIX, names))
                continue

            def gaps(days, outcome_routes=outcome_routes):
                return [
                    run
                    for day in days
                    for run in day_gaps(routes=outcome_routes, units=units, day=day, holidays=holidays)
                ]

            week_gaps = gaps(week)
            if week_gaps:
                findings.append(
                    _finding(
                        "gap_week", deployment, None, GAP_IN_WEEK, GAP_IN_WEEK_FIX, names, hours=hours_text(week_gaps)
                    )
                )
            for holiday in coming_holidays:
                if holiday in week:
                    continue
                holiday_gaps = gaps([holiday])
                if holiday_gaps:
                    findings.append(
                        _finding(
                            "gap_holiday",
                            deployment,
                            None,
                            GAP_ON_HOLIDAY,
                            GAP_ON_HOLIDAY_FIX,
                            names,
                            holiday=f"{holiday_name(holiday)} {date_format(holiday, 'SHORT_DATE_FORMAT')}",
                            hours=", ".join(f"{start}–{end}" for _day, start, end in holiday_gaps),
                        )
                    )
    return findings


def _language_findings(*, routes, today, outcomes, deployments, municipalities) -> list[Finding]:
    """A bilingual municipality that the routes of an outcome in use serve, none of them in Swedish.

    A route without municipalities serves the whole county; routes that have ended are left out.
    """
    bilingual: dict[int, list[MunicipalityFacts]] = {}
    for municipality in municipalities:
        if municipality.bilingual:
            bilingual.setdefault(municipality.county_id, []).append(municipality)
    by_key: dict[tuple, list[RouteFacts]] = {}
    for route in routes:
        if route.valid_to is None or route.valid_to >= today:
            by_key.setdefault((route.county_id, route.module_id, route.outcome), []).append(route)
    findings = []
    for deployment in deployments:
        county_bilingual = bilingual.get(deployment.county_id, [])
        if not deployment.in_use or not county_bilingual:
            continue
        for outcome in outcomes:
            if outcome.content_kind != deployment.module_kind or not outcome.needs_route:
                continue
            outcome_routes = by_key.get((deployment.county_id, deployment.module_id, outcome.code), [])
            unserved = [
                municipality
                for municipality in county_bilingual
                if _served(municipality, outcome_routes) and not _served(municipality, outcome_routes, language="sv")
            ]
            if unserved:
                names = {"content": deployment.module_name, "outcome": outcome.name}
                listed = ", ".join(sorted(municipality.name for municipality in unserved))
                findings.append(
                    _finding(
                        "no_swedish_route",
                        deployment,
                        None,
                        NO_SWEDISH_ROUTE,
                        NO_SWEDISH_ROUTE_FIX,
                        names,
                        municipalities=listed,
                    )
                )
    return findings


def _served(municipality: MunicipalityFacts, routes: list[RouteFacts], *, language: str | None = None) -> bool:
    """Whether one of the routes serves the municipality (in the language, when given)."""
    return any(
        (not route.municipalities or any(served.id == municipality.id for served in route.municipalities))
        and (language is None or language in route.languages)
        for route in routes
    )


def _finding(
    code, deployment, route, message, fix, names, *, severity=FindingSeverity.ERROR, fix_params=None, **params
):
    return Finding(
        code=code,
        severity=severity,
        county_id=deployment.county_id if route is None else route.county_id,
        module_id=deployment.module_id if route is None else route.module_id,
        route_id=None if route is None else route.id,
        message=str(message) % {**names, **params},
        fix=str(fix) % (fix_params or {}),
    )


def _route_findings(*, route, units, today, deployment, rules) -> list[Finding]:
    found = []
    names = {"route": route.label}

    def add(code, message, fix, *, severity=FindingSeverity.ERROR, fix_params=None, **params):
        found.append(
            _finding(code, None, route, message, fix, names, severity=severity, fix_params=fix_params, **params)
        )

    unit = units.get(route.receiving_unit_id)
    if route.urgency in (Urgency.URGENT, Urgency.EMERGENCY):
        if route.channel in ASYNCHRONOUS_CHANNELS:
            add(
                "urgent_asynchronous",
                URGENT_ASYNCHRONOUS,
                URGENT_ASYNCHRONOUS_FIX,
                channel=Channel(route.channel).label,
            )
        if _longer_than_hours(route, URGENT_TARGET_HOURS):
            hours = {"hours": URGENT_TARGET_HOURS}
            add("urgent_slow", URGENT_SLOW, URGENT_SLOW_FIX, fix_params=hours, **hours)
    if route.urgency == Urgency.NON_URGENT:
        for rule in broken_rules(route=route, unit=unit, rules=rules):
            add(
                "care_guarantee",
                RULE_BROKEN,
                RULE_BROKEN_FIX,
                valid_from=date_format(rule.valid_from, "SHORT_DATE_FORMAT"),
                law=rule.law,
                section=rule.section,
                measure=_measure_label(rule.measure),
                limit=limit_text(rule),
            )
    foreign_unit = unit is not None and unit.county_id is not None and unit.county_id != route.county_id
    if foreign_unit and not route.foreign_unit_reason.strip():
        add("foreign_unit", FOREIGN_UNIT, FOREIGN_UNIT_FIX, severity=FindingSeverity.WARNING, unit=unit.name)
    for municipality in route.municipalities:
        if municipality.county_id != route.county_id:
            add("foreign_municipality", FOREIGN_MUNICIPALITY, FOREIGN_MUNICIPALITY_FIX, municipality=municipality.name)
    if deployment is None:
        add("not_deployed", NOT_DEPLOYED, NOT_DEPLOYED_FIX)
    elif (
        not deployment.in_use
        and deployment.ended_on is not None
        and (route.valid_to is None or route.valid_to > deployment.ended_on)
    ):
        add(
            "after_rollout",
            AFTER_ROLLOUT,
            AFTER_ROLLOUT_FIX,
            ended_on=date_format(deployment.ended_on, "SHORT_DATE_FORMAT"),
        )
    if route.verified_on is None:
        add("not_verified", NEVER_VERIFIED, NOT_VERIFIED_FIX, severity=FindingSeverity.WARNING)
    elif route.verified_on < today - datetime.timedelta(days=VERIFY_EVERY_DAYS):
        add("not_verified", NOT_VERIFIED, NOT_VERIFIED_FIX, severity=FindingSeverity.WARNING)
    return found


def _longer_than_hours(route: RouteFacts, hours: int) -> bool:
    if route.target_kind == TargetKind.MINUTES:
        return route.target_value > hours * 60
    if route.target_kind == TargetKind.HOURS:
        return route.target_value > hours
    return route.target_kind in (TargetKind.SAME_WORKING_DAY, TargetKind.WORKING_DAYS)


def _measure_label(measure: str) -> str:
    return str(CareMeasure(measure).label)
