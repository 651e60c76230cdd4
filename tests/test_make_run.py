"""`make run` serves the site with a task worker (omaolo_portal/run_site.py); one Ctrl-C stops both."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from http import HTTPStatus
from pathlib import Path

import pytest

from tests.worker_processes import BASE_DIR, database_url

START_TIMEOUT_SECONDS = 90
STOP_TIMEOUT_SECONDS = 30


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def started_pids(log_path) -> dict[str, int]:
    return {name: int(pid) for name, pid in re.findall(r"started (\w+) \(pid (\d+)\)", log_path.read_text())}


def alive(pgid: int) -> bool:
    """Whether a process of the group still runs (a zombie waiting for its new parent to reap it does not)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        state, process_group = fields[0], int(fields[2])
        if process_group == pgid and state not in ("Z", "X"):
            return True
    return False


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (a loopback URL of the test)
            return response.status == HTTPStatus.OK
    except OSError:
        return False


@pytest.mark.django_db(transaction=True)
def test_make_run_starts_the_server_and_the_worker_and_one_ctrl_c_stops_both(tmp_path):
    port = free_port()
    log_path = tmp_path / "run_site.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "omaolo_portal.settings",
        "DEBUG": "True",
        "DATABASE_URL": database_url(),
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    with open(log_path, "wb") as log:
        supervisor = subprocess.Popen(
            [sys.executable, "-m", "omaolo_portal.run_site", "--port", str(port)],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not answers(f"http://127.0.0.1:{port}/healthz"):
            assert supervisor.poll() is None, log_path.read_text()[-3000:]
            assert time.monotonic() < deadline, log_path.read_text()[-3000:]
            time.sleep(0.3)
        pids = started_pids(log_path)
        assert sorted(pids) == ["db_worker", "runserver"]
        assert all(alive(pid) for pid in pids.values())

        supervisor.send_signal(signal.SIGINT)
        assert supervisor.wait(timeout=STOP_TIMEOUT_SECONDS) == 0

        assert [name for name, pid in pids.items() if alive(pid)] == []
        assert not answers(f"http://127.0.0.1:{port}/healthz")
        assert log_path.read_text().rstrip().endswith("run_site: stopped")
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
            supervisor.wait()


@pytest.mark.django_db(transaction=True)
def test_when_one_process_dies_the_supervisor_stops_the_other(tmp_path):
    log_path = tmp_path / "run_site.log"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "omaolo_portal.settings", "DEBUG": "True"}
    env["DATABASE_URL"] = database_url()
    with open(log_path, "wb") as log:
        # An address runserver cannot use: it exits at once.
        supervisor = subprocess.Popen(
            [sys.executable, "-m", "omaolo_portal.run_site", "--host", "not a host"],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        assert supervisor.wait(timeout=START_TIMEOUT_SECONDS) != 0
        pids = started_pids(log_path)
        assert sorted(pids) == ["db_worker", "runserver"]
        assert [name for name, pid in pids.items() if alive(pid)] == []
        assert "runserver stopped" in log_path.read_text()
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
            supervisor.wait()
