"""Real `manage.py db_worker` processes on the test database, for the background import and check tests.

A test module that starts workers stops the ones left over after each test with
`stop_started_workers()` in an autouse fixture.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import OperationalError, connection

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
WORKER_TIMEOUT_SECONDS = 120

STARTED_WORKERS: list[subprocess.Popen] = []


def database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    return f"postgres://{settings['USER']}{password}@{settings['HOST']}:{settings['PORT'] or 5432}/{settings['NAME']}"


def start_worker(*, batch: bool) -> subprocess.Popen:
    """A worker on the test database; with `batch` it stops once the queue is empty."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "omaolo_portal.settings_test",
        "DATABASE_URL": database_url(),
        "TASKS_BACKEND": DATABASE_QUEUE["default"]["BACKEND"],
    }
    command = [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1"]
    if batch:
        command.append("--batch")
    worker = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    STARTED_WORKERS.append(worker)
    return worker


def stop(worker, how=signal.SIGTERM, *, wait_for_session: bool = True) -> None:
    """Stop a worker and wait until PostgreSQL has let go of its session (the test database is dropped after)."""
    if worker.poll() is None:
        worker.send_signal(how)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=30)
    if not wait_for_session or connection.vendor != "postgresql":
        return
    deadline = time.monotonic() + 30
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if not cursor.fetchone()[0]:
                return
            time.sleep(0.1)


def stop_started_workers() -> None:
    while STARTED_WORKERS:
        stop(STARTED_WORKERS.pop(), signal.SIGKILL, wait_for_session=False)


def wait_for(condition, *, worker, timeout=WORKER_TIMEOUT_SECONDS):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except OperationalError:
            pass  # SQLite: the worker holds the database while it commits
        if worker.poll() is not None and not condition():
            pytest.fail(f"the worker stopped: {worker.stdout.read().decode()[-3000:]}")
        time.sleep(0.05)
    pytest.fail("the worker did not get there in time")
