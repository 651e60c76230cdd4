"""Two gunicorn app servers and a task worker, real processes sharing one database and one Redis.

An editor logs in on server A, uploads and previews there, confirms on server B; the
worker imports; both servers show the new figures at once and the session works on both.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from http import HTTPStatus
from pathlib import Path

import httpx
import pytest
import redis
from django.db import OperationalError, connection

from metrics.models import ImportBatch, ImportState, PendingUsageImport
from metrics.tests.factories import import_reference_data
from metrics.tests.import_support import csv_text
from tests.worker_processes import database_url

BASE_DIR = Path(__file__).resolve().parent.parent
# The machine's Redis; database 7 is this test's own and is emptied before and after.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/7")
STATISTICS = "/en/statistics/?metric=assessments_started&period_type=week"
PASSWORD = "kaksi-palvelinta-yksi-tietokanta"
TIMEOUT_SECONDS = 90


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def shared_environment() -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "omaolo_portal.settings_test",
        "DATABASE_URL": database_url(),
        "CACHE_URL": REDIS_URL,
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    }


@pytest.fixture
def shared_redis():
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    yield client
    client.flushdb()


@pytest.fixture
def stack(transactional_db, shared_redis):
    """App servers A and B and one task worker; stopped (and waited for) after the test."""
    if connection.vendor != "postgresql":
        # Several app servers share one PostgreSQL (README, "Deploying"). A SQLite file written by
        # three processes and the test at once fails with "database is locked" under load.
        pytest.skip("several app servers need PostgreSQL; CI runs this test in its PostgreSQL pass")
    env = shared_environment()
    processes = []
    urls = []
    try:
        for _server in "AB":
            port = free_port()
            command = [
                sys.executable,
                "-m",
                "gunicorn",
                "omaolo_portal.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--no-control-socket",
            ]
            processes.append(subprocess.Popen(command, cwd=BASE_DIR, env=env, stderr=subprocess.DEVNULL))
            urls.append(f"http://127.0.0.1:{port}")
        worker = [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1"]
        processes.append(subprocess.Popen(worker, cwd=BASE_DIR, env=env, stderr=subprocess.DEVNULL))
        for url in urls:
            wait_until(lambda url=url: answers(f"{url}/healthz"))
        yield urls
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)


def answers(url) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == HTTPStatus.OK
    except httpx.HTTPError:
        return False


def wait_until(condition, timeout=TIMEOUT_SECONDS):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except OperationalError:
            pass  # SQLite: a server holds the database while it commits
        time.sleep(0.1)
    pytest.fail("timed out")


def csrf_token(client, url) -> str:
    page = client.get(url)
    assert page.status_code == HTTPStatus.OK, page.text[:500]
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]


def test_two_app_servers_and_a_worker_share_the_import_the_cache_and_the_session(stack, django_user_model):
    server_a, server_b = stack
    refs = import_reference_data()
    django_user_model.objects.create_superuser("paakayttaja", password=PASSWORD)
    visitor = httpx.Client(timeout=30)
    before = [visitor.get(f"{server}{STATISTICS}").text for server in (server_a, server_b)]
    assert all("9,876" not in page for page in before)

    editor = httpx.Client(timeout=60)
    login = f"{server_a}/admin/login/"
    answer = editor.post(
        login,
        data={"username": "paakayttaja", "password": PASSWORD, "csrfmiddlewaretoken": csrf_token(editor, login)},
        headers={"Referer": login},
    )
    assert answer.status_code == HTTPStatus.FOUND
    upload = f"{server_a}/admin/metrics/usagestatistic/import-file/"
    content = csv_text(f"{refs.north_karelia.code},,kurkkukipu,assessments_started,week,2024-W05,9876")
    preview = editor.post(
        upload,
        data={"csrfmiddlewaretoken": csrf_token(editor, upload)},
        files={"file": ("usage.csv", content.encode(), "text/csv")},
        headers={"Referer": upload},
    )
    assert preview.status_code == HTTPStatus.OK
    pending = PendingUsageImport.objects.get()
    assert f"/import-file/{pending.token}/confirm/" in preview.text

    confirm = editor.post(
        f"{server_b}/admin/metrics/usagestatistic/import-file/{pending.token}/confirm/",
        data={"csrfmiddlewaretoken": editor.cookies["csrftoken"]},
        headers={"Referer": f"{server_b}/admin/"},
    )

    assert confirm.status_code == HTTPStatus.FOUND
    batch = ImportBatch.objects.exclude(outcome=ImportState.DRY_RUN).get()
    assert confirm.headers["Location"].endswith(f"/admin/metrics/importbatch/{batch.pk}/change/")
    wait_until(lambda: ImportBatch.objects.get(pk=batch.pk).outcome == ImportState.APPLIED)
    after = [visitor.get(f"{server}{STATISTICS}").text for server in (server_a, server_b)]
    assert all("9,876" in page for page in after)
    for server in (server_a, server_b):
        batch_page = editor.get(f"{server}/admin/metrics/importbatch/{batch.pk}/change/")
        assert batch_page.status_code == HTTPStatus.OK
        assert "usage.csv" in batch_page.text
