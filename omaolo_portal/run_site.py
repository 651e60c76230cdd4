"""`make run`: the development server and a task worker together, both stopped by one Ctrl-C.

Usage: python -m omaolo_portal.run_site [--host 127.0.0.1] [--port 8000]

An admin import is confirmed into a queue that a worker (`manage.py db_worker`) runs; without
one it would wait forever. Each process runs in a session of its own, so that this supervisor
alone receives the terminal's Ctrl-C and passes it on to each whole process group (the
autoreloader's child included); when either process exits, the other is stopped too.
"""

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
# How long a process has to stop after Ctrl-C before it is killed.
STOP_TIMEOUT_SECONDS = 15
POLL_SECONDS = 0.2


def site_commands(*, host: str, port: int) -> dict[str, list[str]]:
    """The processes the site needs, by name."""
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    return {
        "runserver": [*manage, "runserver", f"{host}:{port}"],
        "db_worker": [*manage, "db_worker"],
    }


def _say(text: str) -> None:
    print(f"run_site: {text}", flush=True)


def _stop(children: dict[str, subprocess.Popen]) -> None:
    for child in children.values():
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGINT)
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    for name, child in children.items():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _say(f"{name} did not stop in {STOP_TIMEOUT_SECONDS} s; killing it")
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
        # The group's other members (the autoreloader's child) go with it.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve the site with a task worker; Ctrl-C stops both.")
    parser.add_argument("--host", default="127.0.0.1", help="Address the development server listens on.")
    parser.add_argument("--port", type=int, default=8000, help="Port the development server listens on.")
    args = parser.parse_args(argv)

    stop_requested = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda signum, frame: stop_requested.append(signum))

    children = {}
    exit_code = 0
    try:
        for name, command in site_commands(host=args.host, port=args.port).items():
            children[name] = subprocess.Popen(command, cwd=BASE_DIR, start_new_session=True)  # noqa: S603 (our own commands)
            _say(f"started {name} (pid {children[name].pid})")
        _say("press Ctrl-C to stop the server and the worker")
        while not stop_requested:
            ended = [(name, child.returncode) for name, child in children.items() if child.poll() is not None]
            if ended:
                name, code = ended[0]
                _say(f"{name} stopped (exit status {code}); stopping the rest")
                exit_code = code or 1
                break
            time.sleep(POLL_SECONDS)
    finally:
        _stop(children)
    _say("stopped")
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
