"""Benchmark the usage statistics import against django-import-export and the database's own limits.

Usage: .venv/bin/python benchmarks/import_usage.py [--rows N] [--peer-rows N] [--keep]
       [--methods ours_fresh,ours_reimport,...] [--metrics-migration 0009]

Runs on the kind of database DATABASE_URL names, but never on that database itself:
on PostgreSQL it creates (and afterwards drops) `<name>_bench` on the same server; on
SQLite (or without DATABASE_URL) a temporary file. It migrates that database, loads
the reference data from data/, and generates a realistic file: 22 counties × the
contents × 5 metrics × consecutive ISO weeks, cut at --rows rows.

Each measurement runs in a fresh child process, which reports its own peak RSS (VmHWM,
read inside the child):
  ours_fresh          usage_import() of the file into an empty table
  ours_reimport       the same file again (everything unchanged)
  peer_import_export  a plain django-import-export ModelResource with import_id_fields on
                      the natural key, on the first --peer-rows rows, into an empty table
  limit_copy          (PostgreSQL) the file already parsed: COPY into an unindexed temporary table
  limit_copy_upsert   (PostgreSQL) the same COPY plus one INSERT … ON CONFLICT into the real table
  limit_staging_insert (SQLite) the file already parsed: executemany into a temporary staging
                      table plus the importer's own set-based INSERT … SELECT … WHERE NOT EXISTS
  limit_executemany   (SQLite, for reference) executemany of a per-row upsert, one transaction
The limit of each database is the fastest write of the same parsed rows that it offers
(limit_copy_upsert, limit_staging_insert), so ours ÷ limit is at most 1 and says how
close the importer comes. One JSON line is printed per measurement, then a summary line with the ratios and targets.

--methods measures only the named ones (in the order above; the summary then gives only the
ratios it can). --metrics-migration migrates the metrics app back to that migration after
migrating everything, to measure what a later migration's indexes cost (0009: the table
without the exports' wider indexes of 0010).
"""

import argparse
import csv
import datetime
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
HEADER = ["county", "service_area", "module", "metric", "period_type", "period", "value"]
PEER_HEADER = ["county", "service_area", "module", "metric", "period_type", "period_start", "value"]
FIRST_WEEK = datetime.date(2019, 1, 7)
TABLE = "metrics_usagestatistic"
COLUMNS = "county_id, service_area_id, module_id, metric_id, period_type, period_start, value, import_batch_id"


def django_setup():
    sys.path.insert(0, str(PROJECT_ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omaolo_portal.settings_test")
    import django

    django.setup()


def peak_rss_mb() -> float:
    """This process's own peak resident memory (VmHWM), in MB.

    Not getrusage's ru_maxrss: Linux carries it over an exec from the process that forked,
    so every child reported the parent's peak (about 128 MB on every row) instead of its own.
    VmHWM belongs to the address space, which the exec made new.
    """
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # not Linux


# --- the database -------------------------------------------------------------------------


def bench_database_url() -> tuple[str, str, dict | None]:
    """(DATABASE_URL of the throwaway database, vendor, PostgreSQL admin connection kwargs)."""
    import environ

    url = os.environ.get("DATABASE_URL", "")
    config = environ.Env.db_url_config(url) if url else {"ENGINE": "django.db.backends.sqlite3"}
    if config["ENGINE"] == "django.db.backends.postgresql":
        bench_name = f"{config['NAME']}_bench"
        admin = {
            "host": config.get("HOST") or None,
            "port": config.get("PORT") or None,
            "user": config.get("USER") or None,
            "password": config.get("PASSWORD") or None,
            "dbname": "postgres",
        }
        base = url.rsplit("/", 1)[0]
        query = "?" + url.split("?", 1)[1] if "?" in url else ""
        return f"{base}/{bench_name}{query}", "postgresql", {**admin, "bench_name": bench_name}
    directory = tempfile.mkdtemp(prefix="omaolo_bench_")
    return f"sqlite:///{directory}/bench.sqlite3", "sqlite", {"directory": directory}


def django_on_throwaway_database() -> tuple[str, str, dict | None]:
    """Django set up on the benchmark's throwaway database (PostgreSQL recreated empty, else SQLite).

    The test settings, with the page cache off so that every request reaches the view, and the
    test client's host allowed. Returns what `bench_database_url` does.
    """
    url, vendor, admin = bench_database_url()
    if vendor == "postgresql":
        postgres_recreate(admin)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "omaolo_portal.settings_test"
    import django

    django.setup()
    from django.conf import settings

    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    settings.ALLOWED_HOSTS = ["testserver"]
    return url, vendor, admin


def postgres_recreate(admin: dict, *, drop_only=False):
    import psycopg
    from psycopg import sql

    params = {key: value for key, value in admin.items() if key != "bench_name" and value is not None}
    with psycopg.connect(**params, autocommit=True) as conn:
        name = sql.Identifier(admin["bench_name"])
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        if not drop_only:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


def bench_files_remove(workdir: Path, vendor: str, cleanup: dict):
    """Delete the generated files and the throwaway database."""
    shutil.rmtree(workdir, ignore_errors=True)
    if vendor == "postgresql":
        postgres_recreate(cleanup, drop_only=True)
    else:
        shutil.rmtree(cleanup["directory"], ignore_errors=True)


def reference_data_load():
    from django.utils.text import slugify

    from metrics.models import Metric
    from processes.models import ContentModule
    from regions.models import WellbeingCounty

    def rows(name):
        with open(PROJECT_ROOT / "data" / name, encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    WellbeingCounty.objects.bulk_create(
        WellbeingCounty(code=r["code"], name_fi=r["name_fi"], name_sv=r["name_sv"], slug=slugify(r["name_fi"]))
        for r in rows("counties.csv")
    )
    ContentModule.objects.bulk_create(
        ContentModule(code=r["code"], kind=r["kind"], name_fi=r["name_fi"]) for r in rows("omaolo_modules.csv")
    )
    Metric.objects.bulk_create(Metric(code=r["code"], name_fi=r["name_fi"]) for r in rows("metrics.csv"))


def table_empty():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {TABLE}")
    connection.close()


# --- the file -----------------------------------------------------------------------------


def file_generate(path: Path, peer_path: Path, rows: int, peer_rows: int):
    """22 counties × the contents × the metrics × consecutive ISO weeks, whole-county figures."""

    def codes(name):
        with open(PROJECT_ROOT / "data" / name, encoding="utf-8", newline="") as handle:
            return [row["code"] for row in csv.DictReader(handle)]

    counties, modules, metrics = codes("counties.csv"), codes("omaolo_modules.csv"), codes("metrics.csv")
    rng = random.Random(2024)
    with (
        open(path, "w", encoding="utf-8", newline="") as handle,
        open(peer_path, "w", encoding="utf-8", newline="") as peer_handle,
    ):
        writer, peer_writer = csv.writer(handle), csv.writer(peer_handle)
        writer.writerow(HEADER)
        peer_writer.writerow(PEER_HEADER)
        written, week = 0, FIRST_WEEK
        while written < rows:
            iso = week.isocalendar()
            period = f"{iso.year}-W{iso.week:02d}"
            for county in counties:
                for module in modules:
                    for metric in metrics:
                        if written == rows:
                            return
                        value = rng.randint(0, 3000)
                        writer.writerow([county, "", module, metric, "week", period, value])
                        if written < peer_rows:
                            peer_writer.writerow([county, "", module, metric, "week", week.isoformat(), value])
                        written += 1
            week += datetime.timedelta(weeks=1)


def file_parse_plainly(path: Path, *, date_as_text: bool) -> list[tuple]:
    """The file as rows ready for the database, for the limits (not timed)."""
    from metrics.models import Metric
    from processes.models import ContentModule
    from regions.models import WellbeingCounty

    counties = dict(WellbeingCounty.objects.values_list("code", "pk"))
    modules = dict(ContentModule.objects.values_list("code", "pk"))
    metrics = dict(Metric.objects.values_list("code", "pk"))
    weeks = {}
    rows = []
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        for county, _area, module, metric, period_type, period, value in reader:
            start = weeks.get(period)
            if start is None:
                year, week = period.split("-W")
                start = datetime.date.fromisocalendar(int(year), int(week), 1)
                weeks[period] = start = start.isoformat() if date_as_text else start
            ids = (counties[county], None, modules[module], metrics[metric])
            rows.append((*ids, period_type, start, int(value), None))
    return rows


# --- the measurements (each in its own process) ---------------------------------------------


def measure_ours(path: Path) -> int:
    from metrics.importing.importer import TRUSTED_OPERATOR, usage_import

    result = usage_import(file=path, user=TRUSTED_OPERATOR, dry_run=False)
    if not result.ok:
        raise SystemExit(f"benchmark file rejected: {result.errors[:3]}")
    return result.rows_read


def measure_peer(path: Path) -> int:
    import tablib
    from import_export import fields, resources
    from import_export.widgets import ForeignKeyWidget

    from metrics.models import Metric, UsageStatistic
    from processes.models import ContentModule
    from regions.models import ServiceArea, WellbeingCounty

    class UsageStatisticResource(resources.ModelResource):
        county = fields.Field("county", "county", ForeignKeyWidget(WellbeingCounty, "code"))
        service_area = fields.Field("service_area", "service_area", ForeignKeyWidget(ServiceArea, "code"))
        module = fields.Field("module", "module", ForeignKeyWidget(ContentModule, "code"))
        metric = fields.Field("metric", "metric", ForeignKeyWidget(Metric, "code"))

        class Meta:
            model = UsageStatistic
            fields = PEER_HEADER
            import_id_fields = ["county", "service_area", "module", "metric", "period_type", "period_start"]

    dataset = tablib.Dataset().load(path.read_text(encoding="utf-8"), format="csv")
    result = UsageStatisticResource().import_data(dataset, dry_run=False, raise_errors=True)
    return result.totals["new"] + result.totals["update"] + result.totals["skip"]


def measure_limit_copy(rows: list[tuple], *, upsert: bool) -> int:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE limit_staging (county_id bigint, service_area_id bigint, module_id bigint,"
            " metric_id bigint, period_type varchar(5), period_start date, value bigint, import_batch_id bigint)"
            " ON COMMIT DROP"
        )
        with cursor.copy(f"COPY limit_staging ({COLUMNS}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        if upsert:
            cursor.execute(
                f"INSERT INTO {TABLE} ({COLUMNS}) SELECT {COLUMNS} FROM limit_staging"
                " ON CONFLICT (county_id, module_id, metric_id, period_type, period_start)"
                " WHERE service_area_id IS NULL DO UPDATE SET value = EXCLUDED.value,"
                f" import_batch_id = EXCLUDED.import_batch_id WHERE {TABLE}.value <> EXCLUDED.value"
            )
    return len(rows)


def measure_limit_executemany(rows: list[tuple]) -> int:
    from django.db import connection, transaction

    with transaction.atomic():
        connection.connection.executemany(
            f"INSERT INTO {TABLE} ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (county_id, module_id, metric_id, period_type, period_start)"
            " WHERE service_area_id IS NULL DO UPDATE SET value = excluded.value,"
            f" import_batch_id = excluded.import_batch_id WHERE {TABLE}.value <> excluded.value",
            rows,
        )
    return len(rows)


def measure_limit_staging_insert(rows: list[tuple]) -> int:
    from django.db import connection, transaction

    with transaction.atomic():
        raw = connection.connection
        raw.execute(
            "CREATE TEMPORARY TABLE limit_staging (county_id integer, service_area_id integer, module_id integer,"
            " metric_id integer, period_type text, period_start text, value integer, import_batch_id integer)"
        )
        raw.executemany(f"INSERT INTO limit_staging ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        raw.execute(
            f"INSERT INTO {TABLE} ({COLUMNS}) SELECT {COLUMNS} FROM limit_staging AS s"
            " WHERE s.service_area_id IS NULL AND NOT EXISTS (SELECT 1 FROM"
            f" {TABLE} AS t WHERE t.service_area_id IS NULL AND t.county_id = s.county_id"
            " AND t.module_id = s.module_id AND t.metric_id = s.metric_id"
            " AND t.period_type = s.period_type AND t.period_start = s.period_start)"
        )
        raw.execute("DROP TABLE limit_staging")
    return len(rows)


LIMITS = {
    "limit_executemany": measure_limit_executemany,
    "limit_staging_insert": measure_limit_staging_insert,
}


def child(method: str, path: Path):
    django_setup()
    from django.db import connection

    connection.ensure_connection()
    if method.startswith("limit"):
        rows = file_parse_plainly(path, date_as_text=connection.vendor == "sqlite")
    started = time.perf_counter()
    if method.startswith("ours"):
        count = measure_ours(path)
    elif method == "peer_import_export":
        count = measure_peer(path)
    elif method in LIMITS:
        count = LIMITS[method](rows)
    else:
        count = measure_limit_copy(rows, upsert=method == "limit_copy_upsert")
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "method": method,
                "database": connection.vendor,
                "rows": count,
                "seconds": round(seconds, 3),
                "rows_per_s": round(count / seconds),
                "peak_rss_mb": peak_rss_mb(),
            }
        ),
        flush=True,
    )


# --- the run ------------------------------------------------------------------------------------


def run_child(method: str, path: Path, env: dict) -> dict:
    completed = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, __file__, "--child", method, "--file", str(path)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode:
        sys.stderr.write(completed.stderr)
        raise SystemExit(f"{method} failed")
    line = completed.stdout.strip().splitlines()[-1]
    print(line, flush=True)
    return json.loads(line)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="Rows in the generated file (default 1,000,000).")
    parser.add_argument("--peer-rows", type=int, default=5_000, help="Rows given to django-import-export.")
    parser.add_argument("--keep", action="store_true", help="Keep the benchmark database and files afterwards.")
    parser.add_argument(
        "--methods", help="Comma-separated measurements to run (default: all of them, as the docstring lists)."
    )
    parser.add_argument(
        "--metrics-migration", help="Migrate the metrics app back to this migration first (e.g. 0009, before 0010)."
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child(options.child, options.file)
        return

    url, vendor, cleanup = bench_database_url()
    workdir = Path(tempfile.mkdtemp(prefix="omaolo_bench_files_"))
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "True", "PYTHONPATH": str(PROJECT_ROOT)}
    env.setdefault("DJANGO_SETTINGS_MODULE", "omaolo_portal.settings_test")
    # A national file is larger than one admin upload may be; the command takes it like this.
    env.setdefault("USAGE_IMPORT_MAX_UPLOAD_MB", "500")
    try:
        if vendor == "postgresql":
            postgres_recreate(cleanup)
        os.environ.update({key: env[key] for key in ("DATABASE_URL", "DEBUG", "DJANGO_SETTINGS_MODULE")})
        django_setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        if options.metrics_migration:
            call_command("migrate", "metrics", options.metrics_migration, verbosity=0)
        reference_data_load()
        path, peer_path = workdir / "usage.csv", workdir / "usage_peer.csv"
        file_generate(path, peer_path, options.rows, options.peer_rows)

        results = {}
        plan = [("ours_fresh", path, True), ("ours_reimport", path, False), ("peer_import_export", peer_path, True)]
        if vendor == "postgresql":
            plan += [("limit_copy", path, False), ("limit_copy_upsert", path, True)]
        else:
            plan += [("limit_staging_insert", path, True), ("limit_executemany", path, True)]
        if options.methods:
            chosen = options.methods.split(",")
            unknown = set(chosen) - {method for method, _file, _empty in plan}
            if unknown:
                raise SystemExit(f"unknown --methods for {vendor}: {', '.join(sorted(unknown))}")
            plan = [step for step in plan if step[0] in chosen]
        for method, file, empty_first in plan:
            if empty_first:
                table_empty()
            results[method] = run_child(method, file, env)
        outcome = summary(vendor, options.rows, results, metrics_migration=options.metrics_migration)
        print(json.dumps(outcome), flush=True)
    finally:
        from django.db import connections

        connections.close_all()
        if not options.keep:
            bench_files_remove(workdir, vendor, cleanup)


def summary(vendor: str, rows: int, results: dict, *, metrics_migration: str | None = None) -> dict:
    """The ratios and targets that the measured methods allow (all of them by default)."""
    rate = {method: result["rows_per_s"] for method, result in results.items()}
    limit = "limit_copy_upsert" if vendor == "postgresql" else "limit_staging_insert"
    limit_target = 0.5
    ratios, targets = {}, {}
    if "ours_fresh" in rate and "peer_import_export" in rate:
        ratios["ours_vs_peer"] = round(rate["ours_fresh"] / rate["peer_import_export"], 1)
        targets["ours_at_least_100x_peer"] = ratios["ours_vs_peer"] >= 100
    if "ours_fresh" in rate and limit in rate:
        ratios[f"ours_vs_{limit}"] = round(rate["ours_fresh"] / rate[limit], 3)
        targets[f"ours_at_least_{limit_target:.2f}_of_{limit}"] = ratios[f"ours_vs_{limit}"] >= limit_target
    if "ours_fresh" in rate and "ours_reimport" in rate:
        ratios["reimport_vs_fresh"] = round(rate["ours_reimport"] / rate["ours_fresh"], 2)
        targets["reimport_at_least_as_fast_as_fresh"] = ratios["reimport_vs_fresh"] >= 1
    if rows >= 1_000_000 and "ours_fresh" in results:
        targets["fresh_million_under_40_s"] = results["ours_fresh"]["seconds"] < 40
        ours_peak = max(result["peak_rss_mb"] for method, result in results.items() if method.startswith("ours"))
        targets["peak_rss_under_300_mb"] = ours_peak < 300
    migration = {"metrics_migration": metrics_migration} if metrics_migration else {}
    return {"summary": True, "database": vendor, "rows": rows, **migration, **ratios, "targets": targets}


if __name__ == "__main__":
    main()
