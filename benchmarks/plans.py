"""Benchmark a rollout plan of 100 tasks: its pages, its calendar feed, rescheduling it, and a county of 20 plans.

Usage: .venv/bin/python benchmarks/plans.py [--requests 50] [--tasks 100] [--plans 20]
       make benchmark-plans            # the same, on the kind of database DATABASE_URL names

Runs on a throwaway database of the kind DATABASE_URL names (as benchmarks/import_usage.py:
`<name>_bench` on the same PostgreSQL server, dropped afterwards; a temporary file on SQLite),
with the test settings (DEBUG off, the public page cache off so every request pays for its
queries). It makes one county with a published guide of --tasks − 1 steps (the plan adds the
go/no-go decision) and --plans rollouts following it, each with its plan, and measures in turns
(every measurement once, then again, --requests times, so that load from other processes on a
shared machine falls on all of them alike):

- `no_query_page`: the accessibility statement, which makes no query: the machine's baseline;
- `plan_admin_page`, `plan_public_page`, `plan_feed`: one plan's admin page (a superuser),
  its public page and its calendar feed;
- `plan_reschedule`: go-live moved by one working day (back and forth), which recomputes every
  open task of the plan (`plans.services.plan_reschedule`);
- `county_timeline_public`, `county_timeline_admin`: the county's running plans on one timeline.

One JSON line each (p50 and p95 in milliseconds, of the wall clock and of this process's CPU
time, which a machine shared with other work inflates less), then a summary against the targets of
issue 20: a plan's page and feed under 100 ms p95, the reschedule under 200 ms, the county
timeline under 150 ms p95.
"""

import argparse
import importlib.util
import json
import os
import statistics
import sys
import time
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
PROJECT_ROOT = BENCHMARKS.parent
# This file's name is the app's: with its folder on the path, `import plans` would import it.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != BENCHMARKS]
sys.path.insert(0, str(PROJECT_ROOT))


def _import_usage_module():
    """benchmarks/import_usage.py, for its throwaway database (loaded by path: its folder is off the path)."""
    spec = importlib.util.spec_from_file_location("import_usage", BENCHMARKS / "import_usage.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TARGETS_MS = {
    "plan_admin_page": 100,
    "plan_public_page": 100,
    "plan_feed": 100,
    "plan_reschedule": 200,
    "county_timeline_public": 150,
    "county_timeline_admin": 150,
}


def build(*, tasks: int, plans: int):
    """A county with a guide of `tasks` − 1 anchored steps in five phases and `plans` rollouts running its plan."""
    import datetime

    from django.contrib.auth import get_user_model

    from plans.models import RolloutPlan
    from plans.services import plan_create, plan_feed_token_renew
    from processes.models import ProcessDescription, PublishedVersion, RolloutStatus, StepAnchor
    from processes.publishing import process_snapshot
    from processes.tests.factories import (
        ContentModuleFactory,
        PhaseFactory,
        ProcessDescriptionFactory,
        RolloutFactory,
        StepFactory,
    )
    from regions.tests.factories import WellbeingCountyFactory

    superuser = get_user_model().objects.create_superuser("benchmark", password="x")  # noqa: S106 - a throwaway database
    county = WellbeingCountyFactory(code="09", name_fi="Päijät-Hämeen hyvinvointialue")
    guide = ProcessDescriptionFactory(county=county, slug="benchmark-guide")
    steps = tasks - 1
    phases = [PhaseFactory(process=guide, order=number, title=f"Vaihe {number}") for number in range(1, 6)]
    for number in range(steps):
        StepFactory(
            phase=phases[number * len(phases) // steps],
            order=number,
            title=f"Tehtävä {number + 1}",
            anchor=StepAnchor.PILOT_START if number % 7 == 0 else StepAnchor.GO_LIVE,
            offset_days=number - steps + 10,
            estimated_days=1 + number % 5,
        )
    version = PublishedVersion.objects.create(process=guide, snapshot=process_snapshot(guide), step_count=steps)
    ProcessDescription.objects.filter(pk=guide.pk).update(published_version=version)
    today = datetime.date.today()
    for number in range(plans):
        rollout = RolloutFactory(
            county=county,
            module=ContentModuleFactory(),
            process=guide,
            status=RolloutStatus.PILOTING,
            pilot_start=today - datetime.timedelta(days=30 + number),
            go_live=today + datetime.timedelta(days=60 + number),
        )
        plan_create(rollout=rollout, user=superuser)
    plan = RolloutPlan.objects.order_by("pk").first()
    token = plan_feed_token_renew(plan=plan, user=superuser)
    return superuser, county, plan, token


def _timed(function) -> tuple[float, float]:
    """Wall-clock and this process's CPU milliseconds of one call (SQLite runs in the process, so its work counts)."""
    started, cpu_started = time.perf_counter(), time.process_time()
    function()
    return (time.perf_counter() - started) * 1000, (time.process_time() - cpu_started) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=50, help="measurements of each (at least 50)")
    parser.add_argument("--tasks", type=int, default=100, help="tasks of each plan, the go/no-go decision included")
    parser.add_argument("--plans", type=int, default=20, help="running plans of the county")
    parser.add_argument("--profile", help="print cProfile's 25 costliest calls of one measurement instead")
    args = parser.parse_args()
    requests = max(args.requests, 50)

    base = _import_usage_module()

    _url, vendor, admin = base.django_on_throwaway_database()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from plans.services import plan_reschedule
    from plans.working_days import add_working_days
    from processes.models import StepAnchor

    try:
        call_command("migrate", verbosity=0)
        superuser, county, plan, token = build(tasks=args.tasks, plans=args.plans)
        public, staff = Client(), Client()
        staff.force_login(superuser)
        go_live = plan.anchors.get(kind=StepAnchor.GO_LIVE)
        dates = [go_live.date, add_working_days(go_live.date, 1)]

        def reschedule(turn=[0]):  # noqa: B006 - the turn alternates between the two dates
            turn[0] += 1
            result = plan_reschedule(plan=plan, anchor=go_live, date=dates[turn[0] % 2], user=superuser)
            assert result.moved >= args.tasks - args.tasks // 7 - 1, result.moved

        def get(client, path):
            def request():
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)

            return request

        measured = {
            "no_query_page": get(public, "/fi/accessibility/"),
            "plan_admin_page": get(staff, reverse("admin:plans_rolloutplan_change", args=[plan.pk])),
            "plan_public_page": get(public, f"/fi/plans/{plan.pk}/"),
            "plan_feed": get(public, reverse("plans:feed", args=[token])),
            "plan_reschedule": reschedule,
            "county_timeline_public": get(public, f"/fi/counties/{county.code}/plans/"),
            "county_timeline_admin": get(
                staff, f"{reverse('admin:plans_rolloutplan_county_timeline')}?county={county.code}"
            ),
        }
        for function in measured.values():  # warm up
            function()
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.runcall(lambda: [measured[args.profile]() for _ in range(10)])
            pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(
                int(os.environ.get("PROFILE_LINES", "25"))
            )
            return
        timings = {name: [] for name in measured}
        cpu = {name: [] for name in measured}
        for _ in range(requests):
            for name, function in measured.items():
                wall, used = _timed(function)
                timings[name].append(wall)
                cpu[name].append(used)
        summary = {}
        for name, times in timings.items():
            times.sort()
            cpu[name].sort()
            result = {
                "database": vendor,
                "measurement": name,
                "tasks": args.tasks,
                "plans": args.plans,
                "p50_ms": round(statistics.median(times), 1),
                "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
                "cpu_p50_ms": round(statistics.median(cpu[name]), 1),
                "cpu_p95_ms": round(cpu[name][max(0, int(len(times) * 0.95) - 1)], 1),
                "runs": requests,
            }
            print(json.dumps(result), flush=True)
            if name in TARGETS_MS:
                summary[name] = {
                    "p95_ms": result["p95_ms"],
                    "cpu_p95_ms": result["cpu_p95_ms"],
                    "target_ms": TARGETS_MS[name],
                }
        print(
            json.dumps(
                {
                    "summary": "p95 against the targets of issue 20",
                    "no_query_page_p95_ms": round(timings["no_query_page"][int(len(times) * 0.95) - 1], 1),
                    "results": summary,
                    "all_met": all(item["p95_ms"] < item["target_ms"] for item in summary.values()),
                }
            )
        )
    finally:
        connection.close()
        if vendor == "postgresql":
            base.postgres_recreate(admin, drop_only=True)


if __name__ == "__main__":
    main()
