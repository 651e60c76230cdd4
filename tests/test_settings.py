"""Production settings: refuse to start insecurely, and pass Django's deployment checklist."""

import os
import subprocess
import sys
from http import HTTPStatus

from django.conf import settings

PRODUCTION_SECRET = "k" * 20 + "-production-secret-for-the-deploy-check-" + "z" * 20


def manage(*args, **env_overrides):
    env = {key: value for key, value in os.environ.items() if key not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS")}
    env.update({"DJANGO_SETTINGS_MODULE": "omaolo_portal.settings", **env_overrides})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
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
