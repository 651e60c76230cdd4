"""The shared cache's backend: Django's `RedisCache`, answering as an empty cache while Redis is unreachable.

The cache is an optimisation, never a dependency (docs/decisions.md, "A Redis that fails
is an empty cache"). When Redis refuses, drops or does not answer a command within the
socket timeouts (`CACHE_CONNECT_TIMEOUT`, `CACHE_SOCKET_TIMEOUT`), the command answers
as a miss would (`get` its default, `add` False, `incr` ValueError as for a missing key)
and this process leaves Redis alone for `retry_seconds`: a hung Redis costs one timeout
per process per interval, not one per request. The outage is logged when it starts, at
most once every `log_seconds` while it lasts, and when it ends.

When Redis answers again, `cache_reachable_again` is sent before the first command goes
through: the page cache bumps its data version there, since every bump meanwhile was lost
and a page cached before the outage must not be served afterwards.
"""

import logging
import threading
import time
from dataclasses import dataclass, field

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from django.dispatch import Signal

logger = logging.getLogger(__name__)

# Sent with `location` when a Redis that was unreachable from this process answers again.
cache_reachable_again = Signal()

DEFAULT_RETRY_SECONDS = 5.0
DEFAULT_LOG_SECONDS = 60.0


@dataclass
class _Outage:
    """One Redis location's state in this process: since when it fails, when to try again, when last logged."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    started: float | None = None
    retry_at: float = 0.0
    logged_at: float = 0.0
    failures: int = 0


# Per process and location, not per cache object: Django makes one cache object per thread,
# and /healthz checks in a new thread each time.
_OUTAGES: dict[str, _Outage] = {}
_OUTAGES_LOCK = threading.Lock()


def _outage_of(location: str) -> _Outage:
    with _OUTAGES_LOCK:
        return _OUTAGES.setdefault(location, _Outage())


def forget_outages() -> None:
    """Forget every outage seen by this process (tests start each from a reachable Redis)."""
    with _OUTAGES_LOCK:
        _OUTAGES.clear()


class FailSoftRedisCache(RedisCache):
    """`RedisCache` whose commands answer as an empty cache while Redis is unreachable (module docstring)."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        self.retry_seconds = float(options.pop("retry_seconds", DEFAULT_RETRY_SECONDS))
        self.log_seconds = float(options.pop("log_seconds", DEFAULT_LOG_SECONDS))
        super().__init__(server, {**params, "OPTIONS": options})
        self._location = server if isinstance(server, str) else ",".join(server)

    @property
    def unreachable(self) -> bool:
        """Whether this process saw Redis fail and has not seen it answer since."""
        return _outage_of(self._location).started is not None

    def _guarded(self, miss, command, *args, **kwargs):
        outage = _outage_of(self._location)
        if outage.started is not None and time.monotonic() < outage.retry_at:
            return miss()
        try:
            if outage.started is not None:
                self._cache.get_client(write=True).ping()
                self._reachable_again(outage)
            return command(*args, **kwargs)
        except redis.RedisError as error:
            self._failed(outage, error)
            return miss()

    def _failed(self, outage: _Outage, error: Exception) -> None:
        now = time.monotonic()
        with outage.lock:
            first = outage.started is None
            if first:
                outage.started = now
                outage.failures = 0
            outage.failures += 1
            outage.retry_at = now + self.retry_seconds
            log = first or now - outage.logged_at >= self.log_seconds
            if log:
                outage.logged_at = now
                failures = outage.failures
        if first:
            logger.error(
                "The cache at %s is unreachable (%s: %s): pages are served uncached, trying again every %s s",
                self._location,
                type(error).__name__,
                error,
                self.retry_seconds,
            )
        elif log:
            logger.error(
                "The cache at %s is still unreachable after %.0f s and %d failed attempts (%s: %s)",
                self._location,
                now - outage.started,
                failures,
                type(error).__name__,
                error,
            )

    def _reachable_again(self, outage: _Outage) -> None:
        with outage.lock:
            started, outage.started = outage.started, None
        if started is None:
            return
        logger.warning("The cache at %s answers again after %.1f s", self._location, time.monotonic() - started)
        cache_reachable_again.send(sender=type(self), location=self._location)

    # --- every command of RedisCache, as a miss while Redis is unreachable -----------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(lambda: False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._guarded(lambda: default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(lambda: None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(lambda: False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._guarded(lambda: False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._guarded(dict, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._guarded(lambda: False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        def missing():
            raise ValueError(f"Key '{key}' not found.")

        return self._guarded(missing, super().incr, key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(lambda: list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._guarded(lambda: None, super().delete_many, keys, version)

    def clear(self):
        return self._guarded(lambda: False, super().clear)
