"""Time the refusal of hostile usage statistics files, each in its own process.

Usage: .venv/bin/python benchmarks/hostile_uploads.py [--only CASE ...] [--keep]

Generates every hostile file a malicious or careless editor has sent (the same
generators as metrics/tests/test_import_limits.py, at full size) in a temporary
folder, then runs `metrics.importing.importer.usage_import` on each in a fresh child process,
with the limits of the settings (USAGE_IMPORT_MAX_UPLOAD_MB and the rest). The
database is a throwaway one as in benchmarks/import_usage.py: a temporary SQLite file,
or `<name>_bench` beside the PostgreSQL database DATABASE_URL names.

One JSON line per file: its size, the seconds usage_import took, the child's peak RSS
(os.wait4), the outcome, the number of errors, the size of the stored error report and
the first error. The last line is a summary; every file must be refused within 5 s and
300 MB.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from import_usage import (
    PROJECT_ROOT,
    bench_database_url,
    bench_files_remove,
    django_setup,
    postgres_recreate,
    reference_data_load,
)

MAX_SECONDS = 5
MAX_RSS_MB = 300
MIB = 1024 * 1024


def cases(limit_bytes: int) -> dict:
    """Case name → function writing that file at a path."""
    sys.path.insert(0, str(PROJECT_ROOT))
    from metrics.tests import hostile_files as files

    def text(content: str):
        return lambda path: path.write_text(content, encoding="utf-8")

    def row(period_type, period, value="1"):
        return text(f"{files.HEADER}\n14,,virtsatietulehdus,assessments_started,{period_type},{period},{value}\n")

    return {
        "xlsx_20m_shared_strings": lambda path: files.shared_strings_bomb(path, count=20_000_000),
        "xlsx_20m_shared_strings_undeclared": lambda path: files.shared_strings_bomb(
            path, count=20_000_000, declared=False
        ),
        "xlsx_5m_empty_rows": lambda path: files.empty_rows_workbook(path, count=5_000_000),
        "xlsx_5m_empty_rows_declared": lambda path: files.empty_rows_workbook(
            path, count=5_000_000, dimension="A1:G5000002"
        ),
        "xlsx_1m_empty_rows": lambda path: files.empty_rows_workbook(path, count=1_000_000),
        "xlsx_1m_empty_rows_declared": lambda path: files.empty_rows_workbook(
            path, count=1_000_000, dimension="A1:G1000002"
        ),
        "xlsx_row_1m_after_the_header": lambda path: files.write_workbook(
            path, rows=[files.header_row(), files.inline_row(1_000_000, files.GOOD_ROW.split(","))]
        ),
        "csv_header_1m_columns": lambda path: files.wide_header_csv(path, columns=1_000_000),
        "csv_just_over_size_limit": lambda path: files.oversized_csv(path, size=limit_bytes + 1),
        "csv_30mb_bad_cells": lambda path: files.bad_cells_csv(path, size=30 * MIB),
        "crash_iso_week_year_0": row("week", "0000-W01"),
        "crash_finnish_date_year_0": row("week", "0.1.0000"),
        "crash_iso_month_year_0": row("month", "0000-01"),
        "crash_value_5000_digits": row("week", "2024-W05", "9" * 5000),
        "crash_nul_after_64_kb": files.csv_with_nul_late,
    }


def prepare():
    """Migrate the throwaway database, load the reference data, print the upload limit in bytes."""
    django_setup()
    from django.core.management import call_command

    from metrics.importing.importer import import_limits

    call_command("migrate", verbosity=0)
    reference_data_load()
    print(import_limits().max_bytes, flush=True)


def child(path: Path):
    django_setup()
    from django.utils import translation

    from metrics.importing.importer import TRUSTED_OPERATOR, usage_import

    translation.activate("en")
    started = time.perf_counter()
    result = usage_import(file=path, user=TRUSTED_OPERATOR, dry_run=True)
    seconds = time.perf_counter() - started
    first = str(result.errors[0]) if result.errors else ""
    report = {
        "seconds": round(seconds, 3),
        "outcome": result.batch.outcome,
        "errors": result.error_count,
        "stored_errors_bytes": len(json.dumps(result.batch.errors, ensure_ascii=False).encode()),
        "first_error": first,
    }
    print(json.dumps(report, ensure_ascii=False), flush=True)


def generate(name: str, limit_bytes: int, path: Path):
    cases(limit_bytes)[name](path)


def run_child(name: str, path: Path, env: dict) -> dict:
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(  # noqa: S603 (our own interpreter and script)
            [sys.executable, __file__, "--child", str(path)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
        output = process.stdout.read()
        process.stdout.close()
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            stderr.seek(0)
            sys.stderr.write(stderr.read().decode(errors="replace"))
            raise SystemExit(f"{name} failed")
    report = json.loads(output.strip().splitlines()[-1])
    line = {
        "case": name,
        "file_mb": round(path.stat().st_size / MIB, 3),
        **report,
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
    }
    print(json.dumps(line, ensure_ascii=False), flush=True)
    return line


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="+", metavar="CASE", help="Run only these cases.")
    parser.add_argument("--keep", action="store_true", help="Keep the generated files and the database.")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--generate", nargs=3, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.prepare:
        prepare()
        return
    if options.generate:
        name, limit_bytes, path = options.generate
        generate(name, int(limit_bytes), Path(path))
        return
    if options.child:
        child(options.child)
        return

    url, vendor, cleanup = bench_database_url()
    workdir = Path(tempfile.mkdtemp(prefix="omaolo_hostile_"))
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "True", "PYTHONPATH": str(PROJECT_ROOT)}
    env.setdefault("DJANGO_SETTINGS_MODULE", "omaolo_portal.test_settings")
    try:
        if vendor == "postgresql":
            postgres_recreate(cleanup)
        prepared = subprocess.run(  # noqa: S603 (our own interpreter and script)
            [sys.executable, __file__, "--prepare"], env=env, capture_output=True, text=True, check=False
        )
        if prepared.returncode:
            raise SystemExit(prepared.stderr)
        limit_bytes = int(prepared.stdout.strip().splitlines()[-1])
        results = []
        for name in cases(limit_bytes):
            if options.only and name not in options.only:
                continue
            path = workdir / (name + (".xlsx" if name.startswith("xlsx") else ".csv"))
            # Each file is written by a process of its own: Linux counts the memory this
            # process had when it started a child in that child's peak RSS.
            subprocess.run(  # noqa: S603 (our own interpreter and script)
                [sys.executable, __file__, "--generate", name, str(limit_bytes), str(path)], env=env, check=True
            )
            results.append(run_child(name, path, env))
            if not options.keep:
                path.unlink()
        slow = [line["case"] for line in results if line["seconds"] > MAX_SECONDS]
        heavy = [line["case"] for line in results if line["peak_rss_mb"] > MAX_RSS_MB]
        accepted = [line["case"] for line in results if line["outcome"] != "rejected"]
        summary = {
            "summary": True,
            "database": vendor,
            "max_seconds": max(line["seconds"] for line in results),
            "max_peak_rss_mb": max(line["peak_rss_mb"] for line in results),
            "max_stored_errors_bytes": max(line["stored_errors_bytes"] for line in results),
            "targets": {
                f"all_refused_within_{MAX_SECONDS}_s": not slow,
                f"all_under_{MAX_RSS_MB}_mb": not heavy,
                "all_rejected": not accepted,
            },
        }
        print(json.dumps(summary), flush=True)
    finally:
        if not options.keep:
            bench_files_remove(workdir, vendor, cleanup)


if __name__ == "__main__":
    main()
