"""Production settings: refuse to start insecurely, and pass Django's deployment checklist."""

import json
import os
import subprocess
import sys
from http import HTTPStatus

from django.conf import settings

PRODUCTION_SECRET = "k" * 20 + "-production-secret-for-the-deploy-check-" + "z" * 20


def manage(*args, **env_overrides):
    return python("manage.py", *args, **env_overrides)


def python(*args, **env_overrides):
    # Not the test process's own knobs: the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE (set in this
    # worker when it ran them first) would fail the deploy check of a production environment.
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update({"DJANGO_SETTINGS_MODULE": "omaolo_portal.settings", **env_overrides})
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DEBUG="False", ALLOWED_HOSTS="omaolo.example.fi")

    assert result.returncode != 0
    assert "Set SECRET_KEY to a random string of at least 50 characters when DEBUG is off." in result.stderr
    assert "Traceback" not in result.stdout


def test_production_refuses_to_start_without_allowed_hosts():
    result = manage("check", DEBUG="False", SECRET_KEY=PRODUCTION_SECRET)

    assert result.returncode != 0
    assert "Set ALLOWED_HOSTS (comma-separated host names) when DEBUG is off." in result.stderr


def test_deploy_check_is_clean_under_production_settings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="False",
        SECRET_KEY=PRODUCTION_SECRET,
        ALLOWED_HOSTS="omaolo.example.fi",
    )

    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_sqlite_default_is_an_absolute_path():
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and "DATABASE_URL" not in os.environ:
        assert os.path.isabs(settings.DATABASES["default"]["NAME"]) or settings.DATABASES["default"]["NAME"].startswith(
            "file:"
        )


def test_server_error_page_shows_no_stack_trace(client):
    from django.test import override_settings
    from django.urls import path

    def broken(request):
        raise RuntimeError("database password is hunter2")

    class BrokenUrls:
        urlpatterns = [path("broken/", broken)]

    client.raise_request_exception = False
    with override_settings(ROOT_URLCONF=BrokenUrls, DEBUG=False):
        response = client.get("/broken/")

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    content = response.content.decode()
    assert "Palvelussa tapahtui virhe" in content
    assert "hunter2" not in content
    assert "Traceback" not in content


def settings_under(names, **env):
    """The named settings as the development settings read them from this environment.

    Read in a bare interpreter, with the database settings completed as Django completes them
    (`connections.settings`): the settings module alone decides them, and loading every app
    (as `manage.py shell` does) would only make each call a second slower.
    """
    code = (
        "import json; from django.conf import settings; from django.db import connections; connections.settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {names!r}}}, default=str))"
    )
    result = python("-c", code, DEBUG="True", **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_postgresql_connections_time_out_as_configured():
    configured = settings_under(
        ["DATABASES"],
        DATABASE_URL="postgres://omaolo@db.internal:5432/omaolo?sslmode=require",
        DATABASE_CONNECT_TIMEOUT="7",
        DATABASE_STATEMENT_TIMEOUT="1234",
    )

    assert configured["DATABASES"]["default"]["OPTIONS"] == {
        "sslmode": "require",
        "connect_timeout": 7,
        "options": "-c statement_timeout=1234 -c jit=off",
    }


def test_postgresql_timeouts_default_to_five_seconds_to_connect_and_thirty_per_statement():
    configured = settings_under(["DATABASES"], DATABASE_URL="postgresql://omaolo@db.internal/omaolo")

    assert configured["DATABASES"]["default"]["OPTIONS"] == {
        "connect_timeout": 5,
        "options": "-c statement_timeout=30000 -c jit=off",
    }


def test_sqlite_gets_no_postgresql_options():
    configured = settings_under(["DATABASES"], DATABASE_URL="sqlite:////tmp/omaolo-settings-test.sqlite3")

    assert configured["DATABASES"]["default"]["OPTIONS"] == {}


def test_login_lockout_and_idle_session_come_from_the_environment():
    configured = settings_under(
        ["AXES_FAILURE_LIMIT", "AXES_COOLOFF_TIME", "TRUSTED_PROXY_COUNT", "SESSION_COOKIE_AGE", "AXES_HANDLER"],
        LOGIN_FAILURE_LIMIT="3",
        LOGIN_LOCKOUT_MINUTES="60",
        TRUSTED_PROXY_COUNT="1",
        SESSION_IDLE_TIMEOUT_MINUTES="10",
        CACHE_URL="redis://cache.internal:6379/1",
    )

    assert configured == {
        "AXES_FAILURE_LIMIT": 3,
        "AXES_COOLOFF_TIME": "1:00:00",
        "TRUSTED_PROXY_COUNT": 1,
        "SESSION_COOKIE_AGE": 600,
        "AXES_HANDLER": "axes.handlers.database.AxesDatabaseHandler",
    }


def test_without_a_shared_cache_login_attempts_are_counted_in_the_database():
    configured = settings_under(["AXES_HANDLER"], CACHE_URL="locmemcache://")

    assert configured == {"AXES_HANDLER": "axes.handlers.database.AxesDatabaseHandler"}


def test_a_redis_cache_fails_soft_within_a_quarter_of_a_second():
    configured = settings_under(["CACHES"], CACHE_URL="redis://cache.internal:6379/1")

    assert configured["CACHES"]["default"] == {
        "BACKEND": "omaolo_portal.cache_backend.FailSoftRedisCache",
        "LOCATION": "redis://cache.internal:6379/1",
        "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25, "retry_seconds": 5.0, "log_seconds": 60.0},
    }


def test_the_cache_timeouts_come_from_the_environment_or_the_url():
    configured = settings_under(
        ["CACHES"],
        CACHE_URL="redis://cache.internal:6379/1?socket_timeout=0.5",
        CACHE_CONNECT_TIMEOUT="0.1",
        CACHE_RETRY_SECONDS="2",
    )

    assert configured["CACHES"]["default"]["OPTIONS"] == {
        "socket_timeout": 0.5,
        "socket_connect_timeout": 0.1,
        "retry_seconds": 2.0,
        "log_seconds": 60.0,
    }
