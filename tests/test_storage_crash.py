"""An acknowledged event survives ``kill -9`` of the process that wrote it.

A child process appends notes to a session in a loop and prints each note's id only after
``append`` returned (its acknowledgement). The test kills it with SIGKILL at a random moment,
then opens the file the way the app would and checks that nothing acknowledged was lost and
that nothing needed repairing. Each round starts a fresh child on the same file.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kusanone_tui.store.session import SessionLog
from kusanone_tui.store.sessions import SessionStore
from kusanone_tui.templates import load

pytestmark = pytest.mark.slow

ROUNDS = 15
FIRST_ACK_TIMEOUT = 20.0

# Every fifth step saves three notes with one append_many, to cover multi-line writes too.
CHILD_CODE = r"""
import sys
from kusanone_tui.model.events import Actor, new_id
from kusanone_tui.store.session import SessionLog

log = SessionLog.open(sys.argv[1])
actor = Actor("notes")
step = 0
while True:
    step += 1
    ids = [new_id() for _ in range(3 if step % 5 == 0 else 1)]
    items = [
        ("note.added", {"note_id": i, "text": "crash-" + i, "visibility": "minutes"})
        for i in ids
    ]
    if len(items) == 1:
        log.append(*items[0], actor=actor)
    else:
        log.append_many(items, actor=actor)
    sys.stdout.write("".join(i + "\n" for i in ids))
    sys.stdout.flush()
"""


def _run_and_kill(path: Path, rng: random.Random) -> tuple[set[str], str]:
    """Start a writer, SIGKILL it at a random moment; its acknowledged ids and its stderr."""
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD_CODE, str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    watchdog = threading.Timer(FIRST_ACK_TIMEOUT, proc.kill)
    watchdog.start()
    try:
        assert proc.stdout is not None and proc.stderr is not None
        first = proc.stdout.readline()  # blocks until the first acknowledgement
        watchdog.cancel()
        rest: list[bytes] = []
        drain = threading.Thread(target=lambda: rest.append(proc.stdout.read()))
        drain.start()  # keep the pipe empty so the child never blocks on printing
        if first:
            time.sleep(rng.uniform(0.05, 0.4))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        drain.join(timeout=10)
        stderr = proc.stderr.read().decode("utf-8", "replace")
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    output = first + b"".join(rest)
    assert first, f"the writer never acknowledged an append; stderr:\n{stderr}"
    assert proc.returncode == -signal.SIGKILL, stderr
    # Only whole lines are acknowledgements (a line is printed with one write).
    lines = output.split(b"\n")[:-1]
    return {line.decode("ascii") for line in lines}, stderr


def test_acknowledged_appends_survive_sigkill(tmp_path: Path) -> None:
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    log = SessionStore(tmp_path).create(load("teireikai"))
    path = log.path
    acknowledged: set[str] = set()
    previous = 0
    torn_rounds = 0
    for round_no in range(1, ROUNDS + 1):
        acked, stderr = _run_and_kill(path, rng)
        assert acked, f"round {round_no} (seed {seed}): nothing acknowledged\n{stderr}"
        acknowledged |= acked

        reopened = SessionLog.open(path)
        where = f"round {round_no} (seed {seed})"
        # Each append is one write() of whole lines, so a kill almost never leaves half a line.
        # Almost: Linux checks for a fatal signal between the pages of a write, so a line that
        # straddles a page boundary can be cut (rare with these short lines; easy to provoke
        # with megabyte ones). That is a cut-off end of an unacknowledged append: it must be
        # reported as such, never as a broken line.
        report = reopened.damage
        if report is not None:
            assert report.torn_tail and report.dropped_lines == 0, f"{where}: {report.describe()}"
            torn_rounds += 1
        notes = reopened.state().notes
        missing = acknowledged - notes.keys()
        assert not missing, f"{where}: {len(missing)} acknowledged note(s) lost"
        for note_id in acknowledged:
            assert notes[note_id].text == f"crash-{note_id}", where
        assert len(notes) > previous, f"{where}: the log did not grow"
        previous = len(notes)

        seqs = [event.seq for event in reopened.events()]
        assert sorted(seqs) == list(range(1, len(seqs) + 1)), f"{where}: seq holes/duplicates"

    # Appenders never leave temporary files, and only a repair leaves a damaged copy.
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    others = [p for p in tmp_path.iterdir() if not p.name.startswith(".") and p != path]
    assert len(others) == torn_rounds, [p.name for p in others]
    assert torn_rounds <= ROUNDS // 3, "kills tore lines far more often than expected"
