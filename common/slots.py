"""A few slots for expensive work, shared by every worker process of one app server.

`work_slot(name, slots=N)` takes one of N lock files (fcntl, never blocking) and returns a
`WorkSlot` to release when the work is done, or None when all N are taken. The operating
system releases the lock of a process that dies, so a slot is never lost.
"""

import fcntl
import os
import tempfile
from pathlib import Path


class WorkSlot:
    def __init__(self, descriptor: int):
        self._descriptor = descriptor

    def release(self) -> None:
        if self._descriptor is not None:
            os.close(self._descriptor)  # closing the file releases its lock
            self._descriptor = None


def work_slot(name: str, *, slots: int, directory: str | None = None) -> WorkSlot | None:
    """One of `slots` slots named `name` on this machine, or None when every one is taken."""
    folder = Path(directory or tempfile.gettempdir())
    for number in range(slots):
        descriptor = os.open(folder / f"{name}-{number}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            continue
        return WorkSlot(descriptor)
    return None
