"""Availability under abuse: the production stack on loopback, attacked four ways, each beside a page with no query.

Usage: .venv/bin/python benchmarks/abuse.py [--seconds 40] [--weeks 380] [--months 87]
                                           [--cache-url redis://127.0.0.1:6379/9]

Builds the national dataset of benchmarks/statistics_pages.py in a throwaway database on
the server DATABASE_URL names (`<name>_bench`, dropped afterwards; a temporary file on
SQLite), starts the stack as `make serve` does (nginx buffering requests in front of
2 × cores + 1 gunicorn sync workers with --max-requests, DEBUG off, a generated
SECRET_KEY; Redis as the cache when --cache-url is given), and runs, one after another:

- export_flood: 10 anonymous clients request the worst public export for --seconds: the
  national weekly table from 2024 as Excel (capped: answered with the page offering the CSV),
  then the same as CSV (97,250 rows, streamed; one at a time per app server, the others
  answered 503 with Retry-After);
- slow_clients: 6 connections send their request a byte every 3 s (3 sending headers, 3 an
  anonymous multipart body) for --seconds, through nginx and, to compare, straight to gunicorn;
- cache_flood: 10 clients request a public page with a different query string each time
  for --seconds; Redis's keys and bytes in the cache's database before and after
  (the database is flushed first: give it a database of its own);
- import_flood: one editor uploads 12 files of 9 MB through the admin as fast as it can;
  how many were accepted, refused (the cap on waiting imports) or failed.

Throughout each, one probe requests the page with no query (the accessibility statement)
4 times a second; a request taking over 10 s counts as an error. One JSON line per
attack: the attack's own figures and the probe's p50, p95, max (ms) and errors. Only
loopback addresses are used; every attack stops by itself.
"""

import argparse
import asyncio
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT / "benchmarks"))

NO_QUERY_PAGE = "/fi/accessibility/"
WORST_EXPORT = "/fi/statistics/export.{suffix}?period_type=week&start=2024-W01"
CACHE_FLOOD_PAGE = "/fi/statistics/?period_type=week&flood={number}"
PROBE_INTERVAL = 0.25
PROBE_TIMEOUT = 10
SLOW_BYTE_SECONDS = 3
BENCH_USER, BENCH_PASSWORD = "abuse-bench", secrets.token_urlsafe(16)
ATTACKS = ["export_flood", "slow_clients", "cache_flood", "import_flood"]
WORKERS = 2 * (os.cpu_count() or 1) + 1


def dataset_build(url: str, weeks: int, months: int) -> None:
    """Migrate, load the demo content, the national table and a superuser, in a child process (its own Django)."""
    code = (
        "import os, sys, django; sys.path.insert(0, 'benchmarks'); sys.path.insert(0, '.');"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'omaolo_portal.settings_test'; django.setup();"
        "from django.core.management import call_command;"
        "call_command('migrate', verbosity=0); call_command('load_reference_data', verbosity=0);"
        "call_command('seed_demo', '--no-users', verbosity=0);"
        "from django.contrib.auth import get_user_model;"
        # The production settings verify PBKDF2; the test settings' MD5 hash would not sign in.
        "from django.contrib.auth.hashers import PBKDF2PasswordHasher;"
        f"user = get_user_model().objects.create_superuser({BENCH_USER!r});"
        f"user.password = PBKDF2PasswordHasher().encode({BENCH_PASSWORD!r}, PBKDF2PasswordHasher().salt());"
        "user.save();"
        "import json, statistics_pages;"
        f"rows = statistics_pages.national_rows_insert(weeks={weeks}, months={months});"
        "print(json.dumps({'event': 'national_table_loaded', 'rows_inserted': rows}), flush=True)"
    )
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env, check=True)  # noqa: S603 (our own code)


def wait_until_up(base: str, processes: list[subprocess.Popen]) -> None:
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    for process in processes:
        process.kill()
    raise SystemExit(f"the stack at {base} did not start")


def stack_start(url: str, cache_url: str | None, run_dir: Path) -> tuple[list[subprocess.Popen], str, str]:
    """nginx in front of gunicorn as `make serve` runs them; returns the processes, nginx's and gunicorn's base URLs."""
    import load

    nginx_port, gunicorn_port = load.free_port(), load.free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "False",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "False",
        "STATIC_ROOT": str(run_dir / "static"),
        "DJANGO_SETTINGS_MODULE": "omaolo_portal.settings",
        "LOG_LEVEL": "WARNING",
        "TRUSTED_PROXY_COUNT": "1",
    }
    if cache_url:
        env["CACHE_URL"] = cache_url
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=PROJECT_ROOT,
        env=env,
        check=True,
    )
    # gunicorn on a TCP port rather than make serve's unix socket, so the slow clients can
    # also be pointed at it directly, for comparison.
    command = [sys.executable, "-m", "gunicorn", "omaolo_portal.wsgi", "--bind", f"127.0.0.1:{gunicorn_port}"]
    command += ["--workers", str(WORKERS), "--no-control-socket", "--timeout", "120"]
    command += ["--max-requests", "1000", "--max-requests-jitter", "100"]
    # ABUSE_SERVER_LOG names a file for gunicorn's log (errors included); none by default.
    log_path = os.environ.get("ABUSE_SERVER_LOG")
    server_log = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115 (open while gunicorn runs)
    gunicorn = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stderr=server_log)  # noqa: S603
    config = (PROJECT_ROOT / "deploy" / "nginx.conf").read_text()
    for name, value in {
        "@RUN_DIR@": str(run_dir),
        "@LISTEN@": f"127.0.0.1:{nginx_port}",
        "@UPSTREAM@": f"127.0.0.1:{gunicorn_port}",
        "@MAX_BODY_MB@": "80",
    }.items():
        config = config.replace(name, value)
    (run_dir / "nginx.conf").write_text(config)
    nginx_binary = shutil.which("nginx") or "/usr/sbin/nginx"
    nginx = subprocess.Popen(  # noqa: S603 (Debian's nginx, our config)
        [nginx_binary, "-p", str(run_dir), "-c", str(run_dir / "nginx.conf"), "-e", "stderr", "-g", "daemon off;"],
        stderr=subprocess.DEVNULL,
    )
    processes = [nginx, gunicorn]
    wait_until_up(f"http://127.0.0.1:{gunicorn_port}", processes)
    wait_until_up(f"http://127.0.0.1:{nginx_port}", processes)
    return processes, f"http://127.0.0.1:{nginx_port}", f"http://127.0.0.1:{gunicorn_port}"


def percentile(timings: list[float], share: float) -> float | None:
    return round(timings[min(len(timings) - 1, int(len(timings) * share))], 1) if timings else None


async def probe(base: str, stop: asyncio.Event) -> dict:
    """The page with no query, 4 times a second, until `stop`."""
    timings, errors = [], 0
    timeout = aiohttp.ClientTimeout(total=PROBE_TIMEOUT)
    async with aiohttp.ClientSession(base_url=base, timeout=timeout) as session:
        while not stop.is_set():
            started = time.perf_counter()
            try:
                async with session.get(NO_QUERY_PAGE) as response:
                    await response.read()
                    if response.status != 200:
                        errors += 1
            except (aiohttp.ClientError, TimeoutError):
                errors += 1
            elapsed = (time.perf_counter() - started) * 1000
            timings.append(elapsed)
            await asyncio.sleep(max(0.0, PROBE_INTERVAL - elapsed / 1000))
    timings.sort()
    return {
        "probe_requests": len(timings),
        "probe_p50_ms": round(statistics.median(timings), 1) if timings else None,
        "probe_p95_ms": percentile(timings, 0.95),
        "probe_max_ms": round(timings[-1], 1) if timings else None,
        "probe_errors": errors,
    }


async def beside_probe(base: str, attack) -> dict:
    stop = asyncio.Event()
    probe_task = asyncio.create_task(probe(base, stop))
    try:
        result = await attack
    finally:
        stop.set()
    return {**result, **await probe_task}


async def flood(base: str, paths, clients: int, seconds: float) -> dict:
    """`clients` clients requesting paths(n) one after another for `seconds`; answers by status."""
    statuses: dict[str, int] = {}
    timings: list[float] = []
    received = 0
    deadline = time.monotonic() + seconds
    counter = iter(range(10**9))
    connector = aiohttp.TCPConnector(limit=clients)
    timeout = aiohttp.ClientTimeout(total=seconds + 30)
    async with aiohttp.ClientSession(base_url=base, connector=connector, timeout=timeout) as session:

        async def one_client():
            nonlocal received
            while time.monotonic() < deadline:
                started = time.perf_counter()
                try:
                    async with session.get(paths(next(counter))) as response:
                        body = await response.read()
                        received += len(body)
                        key = str(response.status)
                except (aiohttp.ClientError, TimeoutError):
                    key = "no answer"
                statuses[key] = statuses.get(key, 0) + 1
                timings.append((time.perf_counter() - started) * 1000)

        await asyncio.gather(*(one_client() for _ in range(clients)))
    timings.sort()
    return {
        "answers": statuses,
        "attack_p50_ms": round(statistics.median(timings), 1) if timings else None,
        "attack_p95_ms": percentile(timings, 0.95),
        "megabytes_received": round(received / 1e6, 1),
    }


async def slow_clients(base: str, clients: int, seconds: float) -> dict:
    """Connections that send their request a byte every 3 s; each reconnects when dropped."""
    host, port = base.removeprefix("http://").split(":")
    header_request = f"GET {NO_QUERY_PAGE} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: slow\r\n\r\n".encode()
    body = b'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n' + b"a" * 4000 + b"\r\n--x--\r\n"
    body_request = (
        f"POST /fi/ HTTP/1.1\r\nHost: {host}\r\nContent-Type: multipart/form-data; boundary=x\r\n"
        f"Content-Length: {len(body)}\r\nCookie: csrftoken={'x' * 32}\r\n\r\n"
    ).encode() + body
    deadline = time.monotonic() + seconds
    counts = {"connections": 0, "dropped_by_server": 0, "bytes_sent": 0}

    async def one(request: bytes, *, header_bytes: int):
        while time.monotonic() < deadline:
            try:
                reader, writer = await asyncio.open_connection(host, int(port))
            except OSError:
                await asyncio.sleep(SLOW_BYTE_SECONDS)
                continue
            counts["connections"] += 1
            try:
                # A body sender sends its headers at once, then its body a byte at a time.
                writer.write(request[:header_bytes])
                await writer.drain()
                for index in range(header_bytes, len(request)):
                    if time.monotonic() >= deadline:
                        break
                    await asyncio.sleep(SLOW_BYTE_SECONDS)
                    if reader.at_eof():
                        counts["dropped_by_server"] += 1
                        break
                    writer.write(request[index : index + 1])
                    await writer.drain()
                    counts["bytes_sent"] += 1
            except (ConnectionError, OSError):
                counts["dropped_by_server"] += 1
            finally:
                writer.close()

    senders = [one(header_request, header_bytes=0) for _ in range(clients // 2)]
    body_start = body_request.index(b"\r\n\r\n") + 4
    senders += [one(body_request, header_bytes=body_start) for _ in range(clients - clients // 2)]
    await asyncio.gather(*senders)
    return counts


async def quiet(seconds: float) -> dict:
    """No attack: the probe's figures on an idle stack."""
    await asyncio.sleep(seconds)
    return {}


def redis_usage(cache_url: str) -> dict:
    """Keys and bytes (MEMORY USAGE of each key) in the cache's own Redis database."""
    import redis

    client = redis.Redis.from_url(cache_url)
    total = sum(client.memory_usage(key) or 0 for key in client.scan_iter(count=1000))
    return {"keys": client.dbsize(), "mebibytes": round(total / 2**20, 1)}


async def cache_flood(base: str, cache_url: str | None, seconds: float) -> dict:
    before = redis_usage(cache_url) if cache_url else None
    result = await flood(base, lambda number: CACHE_FLOOD_PAGE.format(number=number), 10, seconds)
    after = redis_usage(cache_url) if cache_url else None
    return {**result, "redis_before": before, "redis_after": after}


async def import_flood(base: str, uploads: int = 12, megabytes: int = 9) -> dict:
    """One editor uploads `uploads` files of `megabytes` through the admin as fast as the answers come."""
    row = "14,,virtsatietulehdus,assessments_started,week,2024-W05,120\n"
    content = (
        "county,service_area,module,metric,period_type,period,value\n" + row * (megabytes * 2**20 // len(row))
    ).encode()
    outcomes = {"accepted": 0, "refused_too_many_waiting": 0, "other": 0}
    started = time.perf_counter()
    # With DEBUG off the session and CSRF cookies are Secure, which a cookie jar keeps from
    # plain HTTP on loopback: they are carried by hand.
    cookies: dict[str, str] = {}

    def remember(response):
        cookies.update({name: morsel.value for name, morsel in response.cookies.items()})

    def cookie_header():
        return {"Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items())}

    timeout = aiohttp.ClientTimeout(total=120)
    jar = aiohttp.DummyCookieJar()
    async with aiohttp.ClientSession(base_url=base, cookie_jar=jar, timeout=timeout) as session:
        async with session.get("/admin/login/") as response:
            remember(response)
            page = await response.text()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        login = {"username": BENCH_USER, "password": BENCH_PASSWORD, "csrfmiddlewaretoken": token, "next": "/admin/"}
        login_post = session.post("/admin/login/", data=login, allow_redirects=False, headers=cookie_header())
        async with login_post as response:
            remember(response)
            if response.status != 302:
                raise SystemExit(f"the benchmark's user could not sign in ({response.status})")
        upload_url = "/admin/metrics/usagestatistic/import-file/"
        for number in range(uploads):
            async with session.get(upload_url, headers=cookie_header()) as response:
                remember(response)
                token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', await response.text())[1]
            form = aiohttp.FormData()
            form.add_field("csrfmiddlewaretoken", token)
            form.add_field("file", content, filename=f"flood-{number}.csv", content_type="text/csv")
            async with session.post(upload_url, data=form, allow_redirects=False, headers=cookie_header()) as response:
                remember(response)
                text = await response.text()
                if response.status == 302:
                    outcomes["accepted"] += 1
                elif response.status == 200 and "odottamassa" in text:
                    outcomes["refused_too_many_waiting"] += 1
                else:
                    outcomes["other"] += 1
                    outcomes.setdefault("other_statuses", []).append(response.status)
    return {
        "uploads": uploads,
        "megabytes_each": megabytes,
        **outcomes,
        "flood_seconds": round(time.perf_counter() - started, 1),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument("--weeks", type=int, default=380)
    parser.add_argument("--months", type=int, default=87)
    parser.add_argument("--cache-url", default=os.environ.get("ABUSE_CACHE_URL"))
    parser.add_argument("--only", nargs="+", choices=ATTACKS, help="run only these attacks")
    args = parser.parse_args()

    import import_usage as base_benchmark

    url, vendor, admin = base_benchmark.bench_database_url()
    if vendor == "postgresql":
        base_benchmark.postgres_recreate(admin)
    if args.cache_url:
        import redis

        redis.Redis.from_url(args.cache_url).flushdb()
    run_dir = Path(tempfile.mkdtemp(prefix="omaolo_abuse_"))
    # nginx's workers (another user when started as root) write request bodies under it.
    run_dir.chmod(0o755)
    processes = []

    def report(attack: str, result: dict, **fields):
        print(
            json.dumps({"attack": attack, "database": vendor, "seconds": args.seconds, **fields, **result}), flush=True
        )

    try:
        dataset_build(url, args.weeks, args.months)
        processes, base, gunicorn_base = stack_start(url, args.cache_url, run_dir)
        report("quiet", asyncio.run(beside_probe(base, quiet(min(args.seconds, 10)))))
        wanted = set(args.only or ATTACKS)
        for suffix in ("xlsx", "csv") if "export_flood" in wanted else ():
            path = WORST_EXPORT.format(suffix=suffix)
            result = asyncio.run(beside_probe(base, flood(base, lambda _number, p=path: p, 10, args.seconds)))
            report("export_flood", result, path=path, clients=10)
        fronts = (("through nginx", base), ("straight to gunicorn", gunicorn_base))
        for name, target in fronts if "slow_clients" in wanted else ():
            result = asyncio.run(beside_probe(target, slow_clients(target, 6, args.seconds)))
            report("slow_clients", result, front=name, clients=6)
        if "cache_flood" in wanted:
            report("cache_flood", asyncio.run(beside_probe(base, cache_flood(base, args.cache_url, args.seconds))))
        if "import_flood" in wanted:
            report("import_flood", asyncio.run(beside_probe(base, import_flood(base))))
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(run_dir, ignore_errors=True)
        if vendor == "postgresql":
            base_benchmark.postgres_recreate(admin, drop_only=True)
        if args.cache_url:
            import redis

            redis.Redis.from_url(args.cache_url).flushdb()


if __name__ == "__main__":
    main()
