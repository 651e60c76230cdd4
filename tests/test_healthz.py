"""/healthz tells a load balancer whether this app server can reach its database and cache."""

import time
from http import HTTPStatus

import pytest
from django.conf import settings
from django.test import override_settings

from omaolo_portal import health

pytestmark = pytest.mark.django_db


def test_healthy_when_the_database_and_the_cache_answer(client):
    response = client.get("/healthz")

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_never_cached_and_does_no_session_or_language_work(client):
    response = client.get("/healthz")

    assert "no-store" in response["Cache-Control"]
    assert response.cookies == {}
    assert "Vary" not in response
    assert "Content-Language" not in response


def test_lives_outside_the_language_prefix(client):
    assert client.get("/healthz", headers={"accept-language": "sv"}).status_code == HTTPStatus.OK
    assert client.get("/fi/healthz").status_code == HTTPStatus.NOT_FOUND


def test_a_load_balancer_probes_over_plain_http_by_the_servers_address(client):
    with override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["omaolo.example.fi"]):
        probe = client.get("/healthz", headers={"host": "10.0.0.5:8000"})
        page = client.get("/fi/", headers={"host": "omaolo.example.fi"})

    assert settings.SECURE_REDIRECT_EXEMPT == [r"^healthz$"]
    assert probe.status_code == HTTPStatus.OK
    assert page.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert page["Location"] == "https://omaolo.example.fi/fi/"


def test_a_cache_that_loses_what_was_written_gives_503_naming_the_cache(client):
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}):
        response = client.get("/healthz")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json() == {"status": "error", "database": "ok", "cache": "error"}


def test_a_check_that_hangs_is_given_up_after_the_timeout(client, monkeypatch):
    def hung_database():
        time.sleep(5)

    monkeypatch.setitem(health.CHECKS, "database", hung_database)
    started = time.monotonic()
    with override_settings(HEALTH_CHECK_TIMEOUT=0.3):
        response = client.get("/healthz")

    assert time.monotonic() - started < 1.5
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json() == {"status": "error", "database": "error", "cache": "ok"}
