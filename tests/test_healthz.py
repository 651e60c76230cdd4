"""/healthz tells a load balancer whether this app server can reach its database and cache."""

import logging
import time
from http import HTTPStatus

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import override_settings

from omaolo_portal import health
from omaolo_portal.cache_backend import forget_outages
from tests.redis_stand_in import HUNG, RedisStandIn, closed_port, fail_soft_cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_outages():
    forget_outages()
    yield
    forget_outages()


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


def test_a_cache_that_loses_what_was_written_is_degraded_not_unhealthy(client):
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}):
        response = client.get("/healthz")

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "error"}


def test_with_redis_down_the_server_is_degraded_and_the_outage_logged_once(client, caplog):
    with (
        closed_port() as port,
        override_settings(CACHES=fail_soft_cache(f"redis://127.0.0.1:{port}/8", retry_seconds=0)),
        caplog.at_level(logging.DEBUG),
    ):
        probes = [client.get("/healthz") for _ in range(5)]

    assert [probe.status_code for probe in probes] == [HTTPStatus.OK] * 5
    assert probes[-1].json() == {"status": "degraded", "database": "ok", "cache": "error"}
    logged = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert [record.name for record in logged] == ["omaolo_portal.cache_backend"]


def test_with_redis_hung_the_server_is_degraded_within_the_socket_timeout(client):
    stand_in = RedisStandIn(mode=HUNG)
    started = time.monotonic()
    try:
        with override_settings(CACHES=fail_soft_cache(stand_in.url)):
            response = client.get("/healthz")
    finally:
        stand_in.close()

    assert time.monotonic() - started < 1
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "error"}


def test_a_database_down_is_unhealthy_whatever_the_cache_says(client, monkeypatch):
    def refused():
        raise OperationalError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", refused)
    with closed_port() as port, override_settings(CACHES=fail_soft_cache(f"redis://127.0.0.1:{port}/8")):
        both_down = client.get("/healthz")
    cache_up = client.get("/healthz")

    assert both_down.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert both_down.json() == {"status": "error", "database": "error", "cache": "error"}
    assert cache_up.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert cache_up.json() == {"status": "error", "database": "error", "cache": "ok"}


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
