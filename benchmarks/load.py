"""Load test: the production stack on loopback under 10 and 50 concurrent clients.

Usage: .venv/bin/python benchmarks/load.py [--seconds 60] [--clients 10 50] [--weeks 380] [--months 87]
                                          [--cache-url redis://127.0.0.1:6379/8]

Builds the national dataset of benchmarks/statistics_pages.py in a throwaway database on
the server DATABASE_URL names (`<name>_bench`, dropped afterwards; a temporary file on
SQLite), starts gunicorn as `make serve` does (2 × cores + 1 sync workers,
`--no-control-socket`, DEBUG off, a generated SECRET_KEY), and drives it with an asyncio
client (aiohttp): each of N clients requests the pages and API calls of MIX in turn, with
no pause between requests, for --seconds. Then the same with a page that makes no query.
One JSON line per run: requests/s, p50, p95, p99 (ms), errors (any answer but 200, or no
answer) and the client's own CPU time per request.

The client runs on the same 2 cores as the servers: every millisecond of CPU it spends
is taken from the servers, which is why it is aiohttp (about 0.8 ms per request here)
and not httpx (about 3.3 ms). With clients that never pause, latency is clients ÷
throughput, so the no-query page's figures are the limit the mix approaches.
"""

import argparse
import asyncio
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import httpx

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT / "benchmarks"))

MIX = [
    "/fi/",
    "/fi/processes/",
    "/fi/modules/",
    "/fi/counties/12/",
    "/fi/statistics/",
    "/fi/statistics/?county=12",
    "/fi/statistics/?period_type=month",
    "/fi/statistics/?county=12&module=virtsatietulehdus",
    "/sv/statistics/?county=12",
    "/fi/statistics/export.csv?county=12&module=virtsatietulehdus",
    "/api/series?county=12&content=virtsatietulehdus",
    "/api/alerts?county=12",
]
NO_DATABASE_PAGE = ["/fi/accessibility/"]


def dataset_build(url: str, weeks: int, months: int) -> None:
    """Migrate, load the demo content and the national table, in a child process (its own Django)."""
    code = (
        "import os, sys, django; sys.path.insert(0, 'benchmarks'); sys.path.insert(0, '.');"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'omaolo_portal.settings_test'; django.setup();"
        "from django.core.management import call_command;"
        "call_command('migrate', verbosity=0); call_command('load_reference_data', verbosity=0);"
        "call_command('seed_demo', '--no-users', verbosity=0);"
        "import json, statistics_pages;"
        f"rows = statistics_pages.national_rows_insert(weeks={weeks}, months={months});"
        "print(json.dumps({'event': 'national_table_loaded', 'rows_inserted': rows}), flush=True)"
    )
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env, check=True)  # noqa: S603 (our own code)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stack_start(url: str, cache_url: str | None, static_root: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "False",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "False",
        "STATIC_ROOT": static_root,
        "DJANGO_SETTINGS_MODULE": "omaolo_portal.settings",
        "LOG_LEVEL": "WARNING",
    }
    if cache_url:
        env["CACHE_URL"] = cache_url
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=PROJECT_ROOT,
        env=env,
        check=True,
    )
    workers = 2 * (os.cpu_count() or 1) + 1
    command = [sys.executable, "-m", "gunicorn", "omaolo_portal.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--no-control-socket", "--timeout", "120"]
    server = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stderr=subprocess.DEVNULL)  # noqa: S603 (gunicorn)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return server, base
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


async def drive(base: str, paths: list[str], clients: int, seconds: float) -> dict:
    timings: list[float] = []
    errors = 0
    deadline = time.monotonic() + seconds
    connector = aiohttp.TCPConnector(limit=clients)
    timeout = aiohttp.ClientTimeout(total=30)

    async with aiohttp.ClientSession(base_url=base, connector=connector, timeout=timeout) as session:

        async def one_client(offset: int):
            nonlocal errors
            turn = offset
            while time.monotonic() < deadline:
                path = paths[turn % len(paths)]
                turn += 1
                started = time.perf_counter()
                try:
                    async with session.get(path) as response:
                        await response.read()
                        if response.status != 200:
                            errors += 1
                except (aiohttp.ClientError, TimeoutError):
                    errors += 1
                timings.append((time.perf_counter() - started) * 1000)

        began = time.monotonic()
        cpu_began = time.process_time()
        await asyncio.gather(*(one_client(n) for n in range(clients)))
        elapsed = time.monotonic() - began
        client_cpu = time.process_time() - cpu_began
    timings.sort()

    def percentile(share):
        return round(timings[min(len(timings) - 1, int(len(timings) * share))], 1) if timings else None

    return {
        "requests": len(timings),
        "requests_per_s": round(len(timings) / elapsed, 1),
        "p50_ms": round(statistics.median(timings), 1) if timings else None,
        "p95_ms": percentile(0.95),
        "p99_ms": percentile(0.99),
        "errors": errors,
        "client_cpu_ms_per_request": round(client_cpu * 1000 / max(len(timings), 1), 2),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, nargs="+", default=[10, 50])
    parser.add_argument("--weeks", type=int, default=380)
    parser.add_argument("--months", type=int, default=87)
    parser.add_argument("--cache-url", default=os.environ.get("LOAD_CACHE_URL"))
    args = parser.parse_args()

    import import_usage as base_benchmark

    url, vendor, admin = base_benchmark.bench_database_url()
    if vendor == "postgresql":
        base_benchmark.postgres_recreate(admin)
    static_root = tempfile.mkdtemp(prefix="omaolo_load_static_")
    server = None
    try:
        dataset_build(url, args.weeks, args.months)
        server, base = stack_start(url, args.cache_url, static_root)
        for name, paths in (("public_mix", MIX), ("no_database_page", NO_DATABASE_PAGE)):
            for clients in args.clients:
                result = asyncio.run(drive(base, paths, clients, args.seconds))
                line = {"database": vendor, "mix": name, "clients": clients, "seconds": args.seconds, **result}
                line["cache"] = args.cache_url or "local memory per gunicorn worker"
                print(json.dumps(line), flush=True)
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
        shutil.rmtree(static_root, ignore_errors=True)
        if vendor == "postgresql":
            base_benchmark.postgres_recreate(admin, drop_only=True)


if __name__ == "__main__":
    main()
