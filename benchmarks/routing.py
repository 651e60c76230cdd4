"""Benchmark the routing's public reads and the route check on the demo and on national routes.

Usage: .venv/bin/python benchmarks/routing.py [--counties 22] [--contents 26] [--requests 50] [--keep]

Runs on the kind of database DATABASE_URL names, never on that database itself (as
benchmarks/import_usage.py: `<name>_bench` on the same PostgreSQL server, dropped
afterwards; a temporary file on SQLite). It migrates it, loads the reference data and the
demo (`seed_demo`), and measures `/api/routes` and `/api/units` beside a page that makes no
query, requested --requests times each in turns through Django's test client with the
public page cache off. Then it adds the national size: for each of --counties counties ×
--contents contents, a rollout in use and every outcome of the content's kind in 4 time
windows (Mon–Fri 7–16 and 16–21, weekends 7–21, nights 21–7) to the county's own unit or
to 116117, each county × content published; it measures the same pages again and times
`route_check_run()` for all counties (best of 3; the target is under 2 s).

One JSON line per page and size (p50 and p95 in ms), one for the route check, then a
summary with each page's national p95 ÷ demo p95 (target at most 2) and the demo p95s
(target under 50 ms). The public pages (`public_pages()`: a county's contents and the county ×
content page, the page cache off) are measured beside the API, and the county's deck of
every content it published is built (`deck_timed`: best of 3, and the peak memory of one
build in a forked child; targets under 5 s and 200 MB).
"""

import argparse
import datetime
import json
import os
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# This script's name is the app's: the project comes first on the path, the other benchmarks last.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != PROJECT_ROOT / "benchmarks"]
sys.path.insert(0, str(PROJECT_ROOT))
sys.path.append(str(PROJECT_ROOT / "benchmarks"))

MOMENT = "2026-12-08T19:30"  # a Tuesday evening: the evening window applies
DAY = "2026-12-08"
WINDOWS = (
    ((1, 2, 3, 4, 5), datetime.time(7), datetime.time(16)),
    ((1, 2, 3, 4, 5), datetime.time(16), datetime.time(21)),
    ((6, 7), datetime.time(7), datetime.time(21)),
    ((1, 2, 3, 4, 5, 6, 7), datetime.time(21), datetime.time(7)),
)


DECK_COUNTY = "09"


def public_pages() -> dict[str, str]:
    """The public routing pages to measure: a county's contents and the county × content page (demo-published)."""
    return {
        "county_routes_page": "/fi/routes/counties/09/",
        "county_content_page": "/fi/routes/counties/09/hyvinvointitarkastus/",
    }


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def _deck_memory(client, path: str) -> dict:
    """The deck built once in a forked child: tracemalloc's peak (Python objects) and the growth of the
    child's resident memory up to its high-water mark (lxml's C memory too; Linux resets it at fork)."""
    import tracemalloc

    from django.db import connections

    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(reader)
        # The parent's connection is left alone; the child opens its own.
        connections["default"].connection = None
        start_kb = _status_kb("VmRSS")
        tracemalloc.start()
        client.get(path)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        os.write(writer, json.dumps({"rss_kb": _status_kb("VmHWM") - start_kb, "traced": peak}).encode())
        os._exit(0)
    os.close(writer)
    with os.fdopen(reader) as pipe:
        found = json.loads(pipe.read() or "{}")
    os.waitpid(child, 0)
    return {
        "deck_peak_rss_growth_mb": round(found.get("rss_kb", 0) / 1024, 1),
        "deck_peak_traced_mb": round(found.get("traced", 0) / 2**20, 1),
    }


def deck_timed(client, repeat: int = 3) -> dict:
    """The county's deck of every content it published: wall time (best of `repeat`) and peak memory.

    The memory is measured apart, in a child (`_deck_memory`), so that tracing does not slow the
    timed builds; the targets are under 5 s and under 200 MB.
    """
    from routing.models import PublishedRouteSet

    path = f"/fi/routes/counties/{DECK_COUNTY}/deck.pptx"
    contents = PublishedRouteSet.objects.filter(county__code=DECK_COUNTY).values("module").distinct()
    best, size = None, 0
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path)
        seconds = time.perf_counter() - started
        assert response.status_code == 200, (path, response.status_code)
        size = len(response.content)
        best = seconds if best is None else min(best, seconds)
    return {
        "deck_county": DECK_COUNTY,
        "deck_contents": contents.count(),
        "deck_s": round(best, 2),
        **_deck_memory(client, path),
        "deck_bytes": size,
        "target_s": 5,
        "target_mb": 200,
    }


def pages() -> dict[str, str]:
    return {
        "no_query_page": "/fi/accessibility/",
        "api_routes_now": "/api/routes?county=09",
        "api_routes_moment": f"/api/routes?county=09&at={MOMENT}",
        "api_routes_day_all": f"/api/routes?county=09&date={DAY}&limit=500",
        "api_routes_content_outcome": f"/api/routes?county=21&content=yska&outcome=non-urgent&at={MOMENT}",
        "api_units": "/api/units?county=09",
        **public_pages(),
    }


def national_routes_add(*, counties: int, contents: int) -> dict:
    """Rollouts, units and routes for every county × content that has no routes yet, each set published."""
    from processes.models import ContentModule, Rollout, RolloutStatus
    from regions.models import WellbeingCounty
    from routing.choices import Channel, TargetKind, UnitType, WindowKind
    from routing.models import OpeningHours, Outcome, PublishedRouteSet, ReceivingUnit, Route
    from routing.services import route_set_snapshot

    helpline = ReceivingUnit.objects.get(county=None, code="116117")
    outcomes = {}
    for outcome in Outcome.objects.filter(needs_route=True).order_by("order"):
        outcomes.setdefault(outcome.content_kind, []).append(outcome)
    modules = [module for module in ContentModule.objects.order_by("code") if module.kind in outcomes][:contents]
    routes, rollouts, sets = [], [], []
    for county in WellbeingCounty.objects.order_by("code")[:counties]:
        unit, _created = ReceivingUnit.objects.get_or_create(
            county=county, code="bench-centre", defaults={"unit_type": UnitType.DIGITAL_CENTRE, "name_fi": "Keskus"}
        )
        for weekday in range(1, 8):
            OpeningHours.objects.get_or_create(
                unit=unit, weekday=weekday, defaults={"opens": datetime.time(7), "closes": datetime.time(21)}
            )
        has_routes = set(Route.objects.filter(county=county).values_list("module", flat=True))
        has_rollout = set(Rollout.objects.filter(county=county).values_list("module", flat=True))
        for module in modules:
            if module.pk not in has_rollout:
                rollouts.append(
                    Rollout(
                        county=county, module=module, status=RolloutStatus.IN_USE, go_live=datetime.date(2025, 1, 1)
                    )
                )
            if module.pk in has_routes:
                continue
            sets.append((county, module))
            for outcome in outcomes[module.kind]:
                for weekdays, starts, ends in WINDOWS:
                    night = ends < starts
                    routes.append(
                        Route(
                            county=county,
                            module=module,
                            outcome=outcome,
                            window_kind=WindowKind.HOURS,
                            weekdays=list(weekdays),
                            starts_at=starts,
                            ends_at=ends,
                            channel=Channel.HELPLINE_116117 if night else Channel.CHAT,
                            receiving_unit=helpline if night else unit,
                            roles=["nurse"],
                            languages=["fi", "sv"],
                            target_kind=TargetKind.NONE if night else TargetKind.HOURS,
                            target_value=None if night else 1,
                            valid_from=datetime.date(2025, 1, 1),
                            verified_on=datetime.date(2026, 6, 1),
                        )
                    )
    Rollout.objects.bulk_create(rollouts, batch_size=1000)
    Route.objects.bulk_create(routes, batch_size=1000)
    PublishedRouteSet.objects.bulk_create(
        [
            PublishedRouteSet(county=county, module=module, snapshot=route_set_snapshot(county=county, module=module))
            for county, module in sets
        ],
        batch_size=200,
    )
    return {"routes_added": len(routes), "route_sets_published": len(sets), "rollouts_added": len(rollouts)}


def route_check_timed(repeat: int = 3) -> dict:
    from routing.services import route_check_run

    best, findings = None, 0
    for _ in range(repeat):
        started = time.perf_counter()
        findings = len(route_check_run())
        seconds = time.perf_counter() - started
        best = seconds if best is None else min(best, seconds)
    return {"route_check_all_counties_s": round(best, 2), "findings": findings, "target_s": 2}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--counties", type=int, default=22)
    parser.add_argument("--contents", type=int, default=26)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--keep", action="store_true", help="keep the throwaway database and print its URL")
    args = parser.parse_args()
    requests = max(args.requests, 50)

    import import_usage as base

    url, vendor, admin = base.django_on_throwaway_database()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from statistics_pages import measure

    from routing.models import Route

    try:
        call_command("migrate", verbosity=0)
        call_command("load_reference_data", verbosity=0)
        call_command("seed_demo", "--no-users", verbosity=0)
        client = Client()
        results = {}
        measured_pages = pages()
        for size in ("demo", "national"):
            if size == "national":
                started = time.perf_counter()
                added = national_routes_add(counties=args.counties, contents=args.contents)
                added["seconds"] = round(time.perf_counter() - started, 1)
                print(json.dumps({"event": "national_routes_loaded", **added}), flush=True)
            routes = Route.objects.count()
            for page, figures in measure(client, measured_pages, requests).items():
                result = {"database": vendor, "size": size, "routes": routes, "page": page, **figures}
                results[(size, page)] = result
                print(json.dumps({**result, "path": measured_pages[page]}), flush=True)
            print(json.dumps({"database": vendor, "size": size, "routes": routes, **route_check_timed()}), flush=True)
            print(json.dumps({"database": vendor, "size": size, **deck_timed(client)}), flush=True)
        ratios = {
            page: round(results[("national", page)]["p95_ms"] / max(results[("demo", page)]["p95_ms"], 0.1), 2)
            for page in measured_pages
            if "p95_ms" in results[("national", page)]
        }
        demo = {page: results[("demo", page)].get("p95_ms") for page in measured_pages}
        print(json.dumps({"summary": "demo p95 ms (target < 50); national ÷ demo (target <= 2)", "demo_p95_ms": demo}))
        print(json.dumps({"ratios": ratios}))
    finally:
        connection.close()
        if args.keep:
            print(json.dumps({"event": "database_kept", "DATABASE_URL": url}))
        elif vendor == "postgresql":
            base.postgres_recreate(admin, drop_only=True)


if __name__ == "__main__":
    main()
