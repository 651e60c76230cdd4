"""When the database hangs or is down, pages answer 503 quickly, static files at once, and the site recovers."""

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from http import HTTPStatus
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError, ProgrammingError, connection

from omaolo_portal.errors import RETRY_AFTER_SECONDS

PRODUCTION_SECRET = "k" * 20 + "-production-secret-for-the-outage-test-" + "z" * 20
HOST = "omaolo.example.fi"
UNAVAILABLE_PAGE_TEXT = "Palvelu on tilapäisesti poissa käytöstä"

# Runs the real WSGI application (production settings, every middleware) in a child process
# and prints one JSON line per request: the status, the headers, the body and how long it took.
WSGI_PROBE = r"""
import io, json, sys, time
from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
for line in sys.stdin:
    path, headers = json.loads(line)
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "localhost",
        "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr, "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0), "wsgi.multithread": True, "wsgi.multiprocess": True, "wsgi.run_once": False,
        **headers,
    }
    answer = {}
    def start_response(status, response_headers, exc_info=None):
        answer["status"] = int(status.split()[0])
        answer["headers"] = dict(response_headers)
    started = time.monotonic()
    body = b"".join(application(environ, start_response))
    answer["seconds"] = time.monotonic() - started
    answer["body"] = body.decode()
    print(json.dumps(answer), flush=True)
"""

# A browser behind the TLS-terminating load balancer, with a session cookie.
THROUGH_THE_LOAD_BALANCER = {"HTTP_HOST": HOST, "HTTP_X_FORWARDED_PROTO": "https"}
WITH_A_SESSION = {**THROUGH_THE_LOAD_BALANCER, "HTTP_COOKIE": "sessionid=abcdefghijklmnopqrstuvwxyz012345"}
# A load balancer probing an app server by its address over plain HTTP.
LOAD_BALANCER_PROBE = {"HTTP_HOST": "10.0.0.5:8000"}


@pytest.fixture
def hung_database():
    """A TCP port on 127.0.0.1 that accepts connections and never answers: a hung database server."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    accepted, stop = [], threading.Event()

    def accept_and_stay_silent():
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept_and_stay_silent, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for client in accepted:
        client.close()
    server.close()


@pytest.fixture
def stopped_database():
    """A port on 127.0.0.1 where nothing listens: a database server that is down."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]


@pytest.fixture
def collected_static(tmp_path):
    """A STATIC_ROOT holding the portal's stylesheet, as collectstatic leaves it on an app server."""
    shutil.copytree(settings.BASE_DIR / "static" / "css", tmp_path / "css")
    return tmp_path


def serve(port, static_root, requests):
    """Send each (path, headers) to the portal on production settings with its database at `port`."""
    env = {key: value for key, value in os.environ.items() if key not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS")}
    env.update(
        DJANGO_SETTINGS_MODULE="omaolo_portal.settings",
        PYTHONPATH=str(settings.BASE_DIR),
        DEBUG="False",
        SECRET_KEY=PRODUCTION_SECRET,
        ALLOWED_HOSTS=HOST,
        STATIC_ROOT=str(static_root),
        DATABASE_URL=f"postgres://portal@127.0.0.1:{port}/omaolo",
        DATABASE_CONNECT_TIMEOUT="2",
        HEALTH_CHECK_TIMEOUT="1",
    )
    result = subprocess.run(
        [sys.executable, "-c", WSGI_PROBE],
        input="".join(json.dumps(request) + "\n" for request in requests),
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()], result.stderr


def assert_unavailable_page(answer):
    assert answer["status"] == HTTPStatus.SERVICE_UNAVAILABLE
    assert answer["headers"]["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert UNAVAILABLE_PAGE_TEXT in answer["body"]
    assert "Tjänsten är tillfälligt otillgänglig" in answer["body"]
    assert "The service is temporarily unavailable" in answer["body"]
    assert "Traceback" not in answer["body"]
    assert "OperationalError" not in answer["body"]


def test_a_hung_database_gives_503_within_seconds_while_static_files_answer_at_once(hung_database, collected_static):
    (stylesheet, page, logged_in_page, health), log = serve(
        hung_database,
        collected_static,
        [
            ("/static/css/portal.css", THROUGH_THE_LOAD_BALANCER),
            ("/fi/", THROUGH_THE_LOAD_BALANCER),
            ("/admin/", WITH_A_SESSION),
            ("/healthz", LOAD_BALANCER_PROBE),
        ],
    )

    assert stylesheet["status"] == HTTPStatus.OK
    assert stylesheet["seconds"] < 1
    assert_unavailable_page(page)
    assert page["seconds"] < 10
    assert_unavailable_page(logged_in_page)
    # One wait for the connect timeout (2 s), not a second one for the session.
    assert logged_in_page["seconds"] < 3.5
    assert health["status"] == HTTPStatus.SERVICE_UNAVAILABLE
    assert json.loads(health["body"]) == {"status": "error", "database": "error", "cache": "ok"}
    assert health["seconds"] < 3
    assert log.count("Service Unavailable: /fi/") == 1
    assert log.count("Service Unavailable: /admin/") == 1


def test_a_stopped_database_gives_503_not_500(stopped_database, collected_static):
    (page, health), log = serve(
        stopped_database,
        collected_static,
        [("/fi/processes/", THROUGH_THE_LOAD_BALANCER), ("/healthz", LOAD_BALANCER_PROBE)],
    )

    assert_unavailable_page(page)
    assert page["seconds"] < 5
    assert json.loads(health["body"]) == {"status": "error", "database": "error", "cache": "ok"}
    assert "Connection refused" in log


def test_static_files_are_served_before_any_middleware_that_may_touch_the_database():
    security, whitenoise, health_check, *rest = settings.MIDDLEWARE

    assert (security, whitenoise, health_check) == (
        "django.middleware.security.SecurityMiddleware",
        "whitenoise.middleware.WhiteNoiseMiddleware",
        "omaolo_portal.health.HealthCheckMiddleware",
    )
    assert "omaolo_portal.middleware.SessionMiddleware" in rest


@contextmanager
def database_unreachable(*, times):
    """The next `times` queries on this connection fail as they do when the server has gone away."""
    failures_left = [times]

    def refuse(execute, sql, params, many, context):
        if failures_left[0] > 0:
            failures_left[0] -= 1
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse):
        yield


@pytest.mark.django_db
def test_the_site_recovers_by_itself_when_the_database_is_back(client):
    client.raise_request_exception = False

    with database_unreachable(times=1):
        during = client.get("/fi/")
        after = client.get("/fi/")

    assert during.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert during["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert UNAVAILABLE_PAGE_TEXT in during.content.decode()
    assert after.status_code == HTTPStatus.OK


@pytest.mark.django_db
def test_a_session_that_cannot_be_read_gives_503(client, admin_user):
    client.force_login(admin_user)
    client.raise_request_exception = False

    with database_unreachable(times=1):
        response = client.get("/admin/")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert UNAVAILABLE_PAGE_TEXT in response.content.decode()


@pytest.mark.django_db
def test_a_session_that_cannot_be_saved_gives_503(client, admin_user, monkeypatch):
    client.force_login(admin_user)
    client.raise_request_exception = False

    def database_gone(self, must_create=False):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(SessionStore, "save", database_gone)
    response = client.get("/fi/")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert UNAVAILABLE_PAGE_TEXT in response.content.decode()


@pytest.mark.django_db
def test_a_faulty_query_is_still_a_500(client):
    client.raise_request_exception = False

    def faulty(execute, sql, params, many, context):
        raise ProgrammingError('relation "processes_processdescription" does not exist')

    with connection.execute_wrapper(faulty):
        response = client.get("/fi/")

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert "Palvelussa tapahtui virhe" in response.content.decode()
    assert "Retry-After" not in response


@pytest.mark.django_db
def test_a_statement_longer_than_the_statement_timeout_is_cancelled():
    if connection.vendor != "postgresql":
        pytest.skip("statement_timeout is PostgreSQL's; SQLite has no server to cancel a statement")
    database = connection.settings_dict
    script = (
        "import time\n"
        "from django.db import connection, OperationalError\n"
        "started = time.monotonic()\n"
        "try:\n"
        "    connection.cursor().execute('SELECT pg_sleep(3)')\n"
        "except OperationalError as error:\n"
        "    print('cancelled after', round(time.monotonic() - started, 1), 's:', error)\n"
        "from django.db import transaction\n"
        "from metrics.importing.staging import staging_for\n"
        "with transaction.atomic():\n"
        "    staging_for(connection).create()\n"
        "    connection.cursor().execute('SELECT pg_sleep(0.5)')\n"
        "print('an import lifted the limit for its own transaction')\n"
        "connection.cursor().execute('SELECT pg_sleep(0.5)')\n"
    )
    env = {**os.environ, "DEBUG": "True", "DJANGO_SETTINGS_MODULE": "omaolo_portal.settings"}
    env.update(
        DATABASE_URL=(
            f"postgres://{quote(database['USER'])}:{quote(database['PASSWORD'] or '')}@"
            f"{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}"
        ),
        DATABASE_STATEMENT_TIMEOUT="200",
    )

    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    # After the import's transaction the site-wide limit holds again: the last sleep is cancelled.
    assert result.returncode != 0
    assert "canceling statement due to statement timeout" in result.stderr
    assert "canceling statement due to statement timeout" in result.stdout
    assert "cancelled after 0." in result.stdout
    assert "an import lifted the limit for its own transaction" in result.stdout
    assert time.monotonic() - started < 10
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == ("30s",)
