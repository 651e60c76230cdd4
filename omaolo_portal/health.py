"""`/healthz` for a load balancer: is the database reachable, does the shared cache answer?

*Unhealthy* (503) only when the database fails: this server cannot answer then. A cache that
fails leaves it *degraded* (200, `"cache": "error"`): pages are served uncached
(`omaolo_portal.cache_backend`), and a balancer that took every server out because their
shared Redis failed would turn a slower site into no site.

It answers in the middleware chain right after whitenoise, so a probe reads no session,
activates no language, validates no Host header and never waits for anything but its
own checks. Each check runs in its own thread and counts as failed when it has not
finished within `HEALTH_CHECK_TIMEOUT` seconds, so a hung database or cache cannot hold
the probe (or the worker) longer than that.
"""

import logging
import threading
import time
import uuid
from http import HTTPStatus

from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections
from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

HEALTH_CHECK_PATH = "/healthz"
OK = "ok"
DEGRADED = "degraded"
ERROR = "error"
# The parts without which this server cannot answer a request.
REQUIRED_PARTS = ("database",)


class AlreadyLogged(Exception):
    """A failure that its part logs itself (the fail-soft cache: once per interval, not per probe)."""


def database_check():
    """Connect to the default database and run one trivial query."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def cache_check():
    """Write a value to the default cache and read it back."""
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, key, timeout=30)
    try:
        if cache.get(key) != key:
            if getattr(cache, "unreachable", False):
                raise AlreadyLogged("the cache is unreachable")
            raise LookupError("the cache did not return the value just written")
    finally:
        cache.delete(key)


CHECKS = {"database": database_check, "cache": cache_check}


class _BoundedCheck(threading.Thread):
    """One check in a daemon thread, whose own database connection and cache client it closes."""

    def __init__(self, part, check):
        super().__init__(name=f"healthz-{part}", daemon=True)
        self.part = part
        self.check = check
        self.passed = False

    def run(self):
        try:
            self.check()
            self.passed = True
        except AlreadyLogged as error:
            logger.debug("Health check of the %s failed: %s", self.part, error)
        except Exception as error:
            logger.warning("Health check of the %s failed: %r", self.part, error)
        finally:
            connections.close_all()
            cache.close()


def health_report(*, timeout):
    """`{"database": "ok" | "error", "cache": ...}`, every check finished or given up within `timeout` seconds."""
    running = [_BoundedCheck(part, check) for part, check in CHECKS.items()]
    for thread in running:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in running:
        thread.join(max(0.0, deadline - time.monotonic()))
        if thread.is_alive():
            logger.warning("Health check of the %s did not finish within %s s", thread.part, timeout)
    return {thread.part: OK if thread.passed else ERROR for thread in running}


def healthz(request):
    """200 "ok", 200 "degraded" (the cache failed) or 503 "error" (the database failed); never cached."""
    report = health_report(timeout=settings.HEALTH_CHECK_TIMEOUT)
    if any(report[part] != OK for part in REQUIRED_PARTS):
        status, code = ERROR, HTTPStatus.SERVICE_UNAVAILABLE
    elif all(state == OK for state in report.values()):
        status, code = OK, HTTPStatus.OK
    else:
        status, code = DEGRADED, HTTPStatus.OK
    response = JsonResponse({"status": status, **report}, status=code)
    add_never_cache_headers(response)
    return response


class HealthCheckMiddleware:
    """Answer `GET /healthz` before any middleware that may touch the session or the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == HEALTH_CHECK_PATH and request.method in ("GET", "HEAD"):
            return healthz(request)
        return self.get_response(request)
