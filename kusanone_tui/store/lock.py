"""The writers' lock: ``flock`` on a small lock file beside the data file.

The kernel drops an ``flock`` when its holder dies, so a killed writer never blocks the others.
The lock is re-entrant within a process (TinyDB's update path takes it inside our own), and
threads of one process take turns through a re-entrant thread lock.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from pathlib import Path


class LockTimeout(TimeoutError):
    """Another process held the session's lock for too long."""


class WriterLock:
    def __init__(self, path: Path, timeout: float = 30.0, mode: int = 0o600) -> None:
        self.path, self.timeout, self.mode = path, timeout, mode
        self._threads = threading.RLock()
        self._fd: int | None = None
        self._depth = 0

    def acquire(self) -> None:
        self._threads.acquire()
        if self._depth == 0:
            try:
                self._fd = self._take()
            except BaseException:
                self._threads.release()
                raise
        self._depth += 1

    def _take(self) -> int:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, self.mode)
        deadline = time.monotonic() + self.timeout
        delay = 0.0005
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return fd
            except BlockingIOError:
                if time.monotonic() > deadline:
                    os.close(fd)
                    raise LockTimeout(f"{self.path} is held by another process") from None
                time.sleep(delay)
                delay = min(delay * 2, 0.005)  # short waits: writers hold it for a millisecond

    def release(self) -> None:
        self._depth -= 1
        if self._depth == 0 and self._fd is not None:
            fd, self._fd = self._fd, None
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
        self._threads.release()
