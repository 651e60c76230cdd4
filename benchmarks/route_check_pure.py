"""Benchmark the pure route check on the issue's national size, without the database.

Usage: .venv/bin/python benchmarks/route_check_pure.py [--counties 22] [--contents 26] [--repeat 3]

Builds 22 counties × 26 symptom assessments × 4 outcomes × 4 time windows of routes
(Mon–Fri 7–16 and 16–21, weekends 7–21, nights 21–7: 9,152 routes, every hour covered) as
`routing.facts` values, and times `routing.checks.route_check` over all of them: the 7 days
from today and every public holiday of the next 12 months for each county × content ×
outcome, and each route's own checks. Prints one JSON line with the best of --repeat runs.
The target (issue 19) is under 2 s for all 22 counties; loading the routes from the database
(`routing.services.route_check_run`) is not included and is for the page benchmark to measure.
"""

import argparse
import datetime
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omaolo_portal.settings")
os.environ.setdefault("DEBUG", "True")

import django

django.setup()

from routing.checks import route_check  # noqa: E402
from routing.facts import DayHours, Deployment, OutcomeFacts, RouteFacts, UnitFacts  # noqa: E402
from routing.reference_data import care_rules_shipped  # noqa: E402

TODAY = datetime.date(2026, 12, 7)
WINDOWS = (
    (range(1, 6), datetime.time(7), datetime.time(16)),
    (range(1, 6), datetime.time(16), datetime.time(21)),
    ((6, 7), datetime.time(7), datetime.time(21)),
    (range(1, 8), datetime.time(21), datetime.time(7)),
)
OUTCOMES = [
    OutcomeFacts(code=code, name=code, content_kind="symptom_assessment", urgency=urgency)
    for code, urgency in (
        ("emergency", "emergency"),
        ("urgent", "urgent"),
        ("non-urgent", "non_urgent"),
        ("self-care", "none"),
    )
]


def national_routes(counties: int, contents: int):
    units, routes, deployments = {}, [], []
    for county in range(counties):
        hours = tuple(DayHours(day, datetime.time(7), datetime.time(21)) for day in range(1, 8))
        units[county] = UnitFacts(id=county, name=f"unit {county}", county_id=county, hours=hours)
        for module in range(contents):
            deployments.append(
                Deployment(
                    county_id=county,
                    module_id=module,
                    module_name=f"content {module}",
                    module_kind="symptom_assessment",
                    in_use=True,
                )
            )
            for outcome in OUTCOMES:
                for weekdays, starts, ends in WINDOWS:
                    routes.append(
                        RouteFacts(
                            id=len(routes) + 1,
                            label=f"route {len(routes) + 1}",
                            county_id=county,
                            module_id=module,
                            outcome=outcome.code,
                            urgency=outcome.urgency,
                            channel="phone_line",
                            receiving_unit_id=county,
                            valid_from=datetime.date(2025, 1, 1),
                            weekdays=frozenset(weekdays),
                            starts_at=starts,
                            ends_at=ends,
                            verified_on=TODAY - datetime.timedelta(days=30),
                        )
                    )
    return units, routes, deployments


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counties", type=int, default=22, help="Number of counties.")
    parser.add_argument("--contents", type=int, default=26, help="Contents per county.")
    parser.add_argument("--repeat", type=int, default=3, help="Runs; the best is reported.")
    options = parser.parse_args()
    units, routes, deployments = national_routes(options.counties, options.contents)
    rules = care_rules_shipped()
    timings = []
    for _run in range(options.repeat):
        started = time.perf_counter()
        findings = route_check(
            routes=routes, units=units, today=TODAY, outcomes=OUTCOMES, deployments=deployments, rules=rules
        )
        timings.append(time.perf_counter() - started)
    print(
        json.dumps(
            {
                "benchmark": "route_check_pure",
                "routes": len(routes),
                "findings": len(findings),
                "best_s": round(min(timings), 3),
                "target_s": 2,
            }
        )
    )


if __name__ == "__main__":
    main()
