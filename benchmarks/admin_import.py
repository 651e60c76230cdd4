"""Benchmark a national file imported through the admin: upload, background check, confirm, background import.

Usage: DATABASE_URL=postgres://... .venv/bin/python benchmarks/admin_import.py [--rows 1000000] [--keep]

In a throwaway PostgreSQL database (`<name>_bench` on the server DATABASE_URL names,
dropped afterwards) it migrates, loads the reference data and a superuser, generates the
file of benchmarks/import_usage.py, then starts the production stack as `make serve` and
benchmarks/load.py do (gunicorn, 2 × cores + 1 sync workers, DEBUG off) and one task
worker (`manage.py db_worker --no-reload`). Over HTTP it logs in, uploads the file (which
is over USAGE_IMPORT_BACKGROUND_CHECK_MB, so a worker checks it), waits for the preview,
confirms, and waits for the import. Then, with the stack stopped and the table emptied,
the same file through `manage.py import_usage` (the synchronous peer) and the import
benchmark's limit (`limit_copy_upsert`), each in its own process.

One JSON line per step, then a summary with the targets: the request that starts the
import (the confirm) answers in under a second, and the worker's peak RSS (VmHWM of the
worker process and its children) stays under 300 MB.
"""

import argparse
import http.cookies
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT / "benchmarks"))

import import_usage as base_benchmark  # noqa: E402 (the benchmarks folder is not a package)
import load as load_benchmark  # noqa: E402

# The superuser of the throwaway database, made for this run.
PASSWORD = secrets.token_urlsafe(16)
UPLOAD_PATH = "/admin/metrics/usagestatistic/import-file/"
POLL_SECONDS = 0.2
WAIT_SECONDS = 1800
CONFIRM_TARGET_SECONDS = 1.0
WORKER_PEAK_TARGET_MB = 300


def emit(line: dict) -> dict:
    print(json.dumps(line), flush=True)
    return line


# --- processes ------------------------------------------------------------------------------


def peak_rss_mb(pid: int) -> float:
    """VmHWM of a process and, recursively, its children, in MB (the largest of them)."""
    peaks = []
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return 0.0
    peaks.append(int(re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)[1]) / 1024)
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        peaks += [peak_rss_mb(int(child)) for child in children]
    return round(max(peaks), 1)


def child_pids(pid: int) -> list[int]:
    return [
        int(child) for task in Path(f"/proc/{pid}/task").iterdir() for child in (task / "children").read_text().split()
    ]


def worker_start() -> subprocess.Popen:
    command = [sys.executable, "manage.py", "db_worker", "--no-reload"]
    return subprocess.Popen(command, cwd=PROJECT_ROOT, env=os.environ.copy(), stderr=subprocess.DEVNULL)  # noqa: S603


def process_stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=60)


# --- an admin session over plain HTTP -----------------------------------------------------------


class AdminSession:
    """A browser's admin session on loopback.

    With DEBUG off the session and CSRF cookies are marked Secure, which a cookie jar
    sends only over HTTPS; on loopback the benchmark keeps and sends them itself.
    """

    def __init__(self, base: str):
        self.base = base
        self.http = httpx.Client(base_url=base, timeout=600, follow_redirects=False)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, **kwargs) -> httpx.Response:
        headers = {"Referer": f"{self.base}{path}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        response = self.http.request(method, path, headers=headers, **kwargs)
        for header in response.headers.get_list("set-cookie"):
            for name, morsel in http.cookies.SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response

    def csrf_token(self, page: httpx.Response) -> str:
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]

    def login(self, username: str, password: str) -> None:
        page = self.request("GET", "/admin/login/")
        data = {"username": username, "password": password, "csrfmiddlewaretoken": self.csrf_token(page)}
        answer = self.request("POST", "/admin/login/?next=/admin/", data=data)
        if answer.status_code != 302:
            raise SystemExit(f"login failed: {answer.status_code} {answer.text[:300]}")


# --- the run ------------------------------------------------------------------------------------


def database_prepare(url: str) -> None:
    """Migrate, load the reference data and a superuser, in a child process (its own Django)."""
    code = (
        "import os, sys, django; sys.path.insert(0, 'benchmarks'); sys.path.insert(0, '.'); django.setup();"
        "from django.core.management import call_command; call_command('migrate', verbosity=0);"
        "import import_usage; import_usage.reference_data_load();"
        "from django.contrib.auth import get_user_model;"
        f"get_user_model().objects.create_superuser('vertailija', password={PASSWORD!r})"
    )
    subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, env={**os.environ, "DATABASE_URL": url}, check=True)  # noqa: S603


def batch_wait(batch_id: int, done: set[str]):
    """Poll the batch until its outcome is in `done`; returns it and the largest progress seen."""
    from metrics.models import ImportBatch

    deadline = time.monotonic() + WAIT_SECONDS
    largest_progress = 0
    while time.monotonic() < deadline:
        batch = ImportBatch.objects.get(pk=batch_id)
        largest_progress = max(largest_progress, batch.rows_done)
        # An applied import records its duration just after it commits the rows.
        if batch.outcome in done and (batch.duration_seconds is not None or batch.outcome == "rejected"):
            return batch, largest_progress
        time.sleep(POLL_SECONDS)
    raise SystemExit(f"import batch {batch_id} did not finish in {WAIT_SECONDS} s")


def upload_and_check(session: AdminSession, path: Path) -> tuple[str, dict]:
    """Upload the file and wait for the worker's check; the check page's path and the timings."""
    page = session.request("GET", UPLOAD_PATH)
    started = time.perf_counter()
    with open(path, "rb") as handle:
        answer = session.request(
            "POST",
            UPLOAD_PATH,
            data={"csrfmiddlewaretoken": session.csrf_token(page)},
            files={"file": ("kansallinen.csv", handle, "text/csv")},
        )
    upload_seconds = time.perf_counter() - started
    if answer.status_code != 302 or "/import-file/check/" not in answer.headers["location"]:
        raise SystemExit(f"the upload was not queued for a check: {answer.status_code} {answer.text[:500]}")
    check_path = answer.headers["location"]
    emit({"step": "upload", "megabytes": round(path.stat().st_size / 1e6, 1), "seconds": round(upload_seconds, 3)})

    check, largest_progress = batch_wait(int(check_path.rstrip("/").rsplit("/", 1)[1]), {"dry_run", "rejected"})
    if check.outcome != "dry_run":
        raise SystemExit(f"the check rejected the file: {check.errors[:3]}")
    return check_path, emit(
        {
            "step": "check",
            "rows": check.rows_read,
            "worker_seconds": check.duration_seconds,
            "rows_per_s": round(check.rows_read / check.duration_seconds),
            "seconds_after_upload": round(time.perf_counter() - started - upload_seconds, 3),
            "largest_progress_seen": largest_progress,
            "upload_seconds": round(upload_seconds, 3),
        }
    )


def confirm_and_import(session: AdminSession, check_path: str, rows: int) -> dict:
    """Open the preview, confirm it and wait for the worker's import; the timings."""
    started = time.perf_counter()
    preview = session.request("GET", check_path)
    preview_seconds = time.perf_counter() - started
    confirm_path = re.search(r'action="([^"]+/confirm/)"', preview.text)[1]
    started = time.perf_counter()
    confirmed = session.request("POST", confirm_path, data={"csrfmiddlewaretoken": session.csrf_token(preview)})
    confirm_seconds = time.perf_counter() - started
    if confirmed.status_code != 302:
        raise SystemExit(f"the confirm failed: {confirmed.status_code} {confirmed.text[:500]}")
    batch_id = int(confirmed.headers["location"].rstrip("/").split("/")[-2])

    batch, largest_progress = batch_wait(batch_id, {"applied", "rejected"})
    if batch.outcome != "applied" or batch.rows_created != rows:
        raise SystemExit(f"not every row was imported: {batch.outcome}, {batch.rows_created}, {batch.errors[:3]}")
    return emit(
        {
            "step": "confirm_and_import",
            "preview_seconds": round(preview_seconds, 3),
            "confirm_seconds": round(confirm_seconds, 3),
            "rows": batch.rows_created,
            "worker_seconds": batch.duration_seconds,
            "rows_per_s": round(batch.rows_created / batch.duration_seconds),
            "seconds_after_confirm": round(time.perf_counter() - started, 3),
            "largest_progress_seen": largest_progress,
        }
    )


def table_empty() -> None:
    """Delete the imported rows (benchmarks/import_usage.py), without the pages' statement timeout."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")
    base_benchmark.table_empty()


def peer_child(path: Path) -> None:
    """`manage.py import_usage FILE` in this process: its seconds and peak RSS (one JSON line)."""
    import resource

    base_benchmark.django_setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("import_usage", str(path), verbosity=0)
    seconds = time.perf_counter() - started
    from metrics.models import UsageStatistic

    rows = UsageStatistic.objects.count()
    peak = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(
        json.dumps(
            {
                "method": "import_usage_command",
                "rows": rows,
                "seconds": round(seconds, 3),
                "rows_per_s": round(rows / seconds),
                "peak_rss_mb": peak,
            }
        ),
        flush=True,
    )


def peer_run(path: Path) -> dict:
    completed = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, __file__, "--peer-child", str(path)],
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode:
        sys.stderr.write(completed.stderr[-3000:])
        raise SystemExit("import_usage failed")
    return emit(json.loads(completed.stdout.strip().splitlines()[-1]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="Rows in the generated file (default 1,000,000).")
    parser.add_argument("--keep", action="store_true", help="Keep the benchmark database and files afterwards.")
    parser.add_argument("--peer-child", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.peer_child:
        peer_child(options.peer_child)
        return

    url, vendor, admin = base_benchmark.bench_database_url()
    if vendor != "postgresql":
        raise SystemExit(
            "Set DATABASE_URL to a PostgreSQL server: the background import needs one (README, Benchmarks)."
        )
    workdir = Path(tempfile.mkdtemp(prefix="omaolo_admin_import_"))
    static_root = tempfile.mkdtemp(prefix="omaolo_admin_import_static_")
    os.environ.update(
        {
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "omaolo_portal.settings",
            "DEBUG": "False",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "False",
            "STATIC_ROOT": static_root,
            "LOG_LEVEL": "WARNING",
            # A national file is larger than the default upload limit leaves room for in a test.
            "USAGE_IMPORT_MAX_UPLOAD_MB": os.environ.get("USAGE_IMPORT_MAX_UPLOAD_MB", "200"),
        }
    )
    server = worker = None
    try:
        base_benchmark.postgres_recreate(admin)
        database_prepare(url)
        path = workdir / "kansallinen.csv"
        base_benchmark.file_generate(path, workdir / "unused_peer.csv", options.rows, 0)
        base_benchmark.django_setup()

        server, base = load_benchmark.stack_start(url, None, static_root)
        worker = worker_start()
        session = AdminSession(base)
        session.login("vertailija", PASSWORD)
        check_path, check = upload_and_check(session, path)
        result = confirm_and_import(session, check_path, options.rows)
        gunicorn_peaks = {pid: peak_rss_mb(pid) for pid in child_pids(server.pid)}
        stack = emit(
            {
                "step": "peak_rss",
                "worker_mb": peak_rss_mb(worker.pid),
                "gunicorn_worker_mb": max(gunicorn_peaks.values()),
                "gunicorn_workers": len(gunicorn_peaks),
            }
        )
        process_stop(worker)
        process_stop(server)
        worker = server = None

        table_empty()
        peer = peer_run(path)
        table_empty()
        # The limit is one long statement outside any import, so without the pages' limit.
        limit = base_benchmark.run_child("limit_copy_upsert", path, {**os.environ, "DATABASE_STATEMENT_TIMEOUT": "0"})
        emit(summary(options.rows, check, result, stack, peer, limit))
    finally:
        for process in (worker, server):
            if process is not None:
                process_stop(process)
        from django.db import connections

        connections.close_all()
        shutil.rmtree(static_root, ignore_errors=True)
        if not options.keep:
            base_benchmark.bench_files_remove(workdir, vendor, admin)


def summary(rows: int, check: dict, result: dict, stack: dict, peer: dict, limit: dict) -> dict:
    return {
        "summary": True,
        "rows": rows,
        "upload_seconds": check["upload_seconds"],
        "check_seconds": check["worker_seconds"],
        "confirm_seconds": result["confirm_seconds"],
        "import_seconds": result["worker_seconds"],
        "import_rows_per_s": result["rows_per_s"],
        "worker_peak_rss_mb": stack["worker_mb"],
        "gunicorn_worker_peak_rss_mb": stack["gunicorn_worker_mb"],
        "import_usage_command_rows_per_s": peer["rows_per_s"],
        "import_usage_command_peak_rss_mb": peer["peak_rss_mb"],
        "limit_copy_upsert_rows_per_s": limit["rows_per_s"],
        "worker_import_vs_limit": round(result["rows_per_s"] / limit["rows_per_s"], 3),
        "worker_import_vs_command": round(result["rows_per_s"] / peer["rows_per_s"], 3),
        "targets": {
            f"confirm_under_{CONFIRM_TARGET_SECONDS:g}_s": result["confirm_seconds"] < CONFIRM_TARGET_SECONDS,
            f"worker_peak_under_{WORKER_PEAK_TARGET_MB}_mb": stack["worker_mb"] < WORKER_PEAK_TARGET_MB,
        },
    }


if __name__ == "__main__":
    main()
