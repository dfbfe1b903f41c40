"""The writers' lock: held across processes, released when its holder dies, re-entrant."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from kusanone_tui.store.lock import LockTimeout, WriterLock

HOLDER = """
import sys, time
from pathlib import Path
from kusanone_tui.store.lock import WriterLock
lock = WriterLock(Path(sys.argv[1]))
lock.acquire()
print("held", flush=True)
time.sleep(60)
"""


def test_a_killed_holder_frees_the_lock(tmp_path):
    path = tmp_path / ".s.lock"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline().strip() == b"held"
        waiting = WriterLock(path, timeout=0.3)
        with pytest.raises(LockTimeout):
            waiting.acquire()
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
        started = time.monotonic()
        WriterLock(path, timeout=5).acquire()
        assert time.monotonic() - started < 1
    finally:
        holder.kill()


def test_the_lock_is_reentrant_and_private(tmp_path):
    lock = WriterLock(tmp_path / ".s.lock")
    lock.acquire()
    lock.acquire()
    lock.release()
    other = WriterLock(tmp_path / ".s.lock", timeout=0.1)
    with pytest.raises(LockTimeout):
        other.acquire()  # still held once
    lock.release()
    other.acquire()
    other.release()
    assert (tmp_path / ".s.lock").stat().st_mode & 0o777 == 0o600
