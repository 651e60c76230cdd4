"""Redis that fails on demand, for the outage tests: a closed port, a hung socket, a switchable proxy.

- `fail_soft_cache(location)`: the CACHES setting the settings make of a Redis CACHE_URL,
  with timeouts well under a second.
- `closed_port()`: a port bound by the test and never listened on, so connecting is refused.
- `RedisStandIn`: a port the test listens on, in front of the machine's Redis. "up" forwards
  every connection, "down" closes each connection as it comes, "hung" accepts and never
  answers; `accepted` counts the connections. Switching drops the connections already
  open, as a restarted or partitioned Redis would. Its thread and sockets end with `close()`.
"""

import contextlib
import os
import socket
import threading

import redis

# The machine's Redis; database 8 is the outage tests' own and is emptied before and after.
REDIS_URL = os.environ.get("TEST_OUTAGE_REDIS_URL", "redis://127.0.0.1:6379/8")
UP, DOWN, HUNG = "up", "down", "hung"
TIMEOUT_SECONDS = 0.2


def fail_soft_cache(location, *, retry_seconds=30):
    return {
        "default": {
            "BACKEND": "omaolo_portal.cache_backend.FailSoftRedisCache",
            "LOCATION": location,
            "OPTIONS": {
                "socket_connect_timeout": TIMEOUT_SECONDS,
                "socket_timeout": TIMEOUT_SECONDS,
                "retry_seconds": retry_seconds,
            },
        }
    }


@contextlib.contextmanager
def closed_port():
    """A loopback port nothing listens on while the block runs: Redis "down"."""
    with socket.socket() as reserved:
        reserved.bind(("127.0.0.1", 0))
        yield reserved.getsockname()[1]


class RedisStandIn:
    def __init__(self, mode=UP):
        upstream = redis.connection.parse_url(REDIS_URL)
        self.upstream = (upstream.get("host", "127.0.0.1"), upstream.get("port", 6379))
        self.database = upstream.get("db", 0)
        self.mode = mode
        self.accepted = 0
        self._connections: list[socket.socket] = []
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._accept, name="redis-stand-in", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/{self.database}"

    def switch(self, mode) -> None:
        with self._lock:
            self.mode = mode
            connections, self._connections = self._connections, []
        for connection in connections:
            _close(connection)

    def close(self) -> None:
        self.switch(DOWN)
        _close(self._listener)
        self._thread.join(timeout=5)

    def _accept(self) -> None:
        while True:
            try:
                client, _address = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self.accepted += 1
                mode = self.mode
                if mode != DOWN:
                    self._connections.append(client)
            if mode == DOWN:
                _close(client)
            elif mode == UP:
                upstream = socket.create_connection(self.upstream)
                with self._lock:
                    self._connections.append(upstream)
                for source, target in ((client, upstream), (upstream, client)):
                    threading.Thread(target=_pump, args=(source, target), daemon=True).start()


def _pump(source, target) -> None:
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass
    finally:
        _close(source)
        _close(target)


def _close(connection) -> None:
    with contextlib.suppress(OSError):
        connection.shutdown(socket.SHUT_RDWR)
    connection.close()
