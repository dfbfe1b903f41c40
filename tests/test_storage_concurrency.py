"""Several processes share one session file: nobody's writes are lost, reordered or seen twice.

Writers are separate Python processes started together through a "go" file, so their appends
really overlap.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tinydb import Query

from kusanone_tui.store.session import SessionLog
from kusanone_tui.store.sessions import SessionStore
from kusanone_tui.store.storage import LogDB
from kusanone_tui.templates import load

pytestmark = pytest.mark.slow

PROCESS_TIMEOUT = 60.0

# argv: path, tag, go-file, count, long (0/1). Prints "ready", waits for the go file, appends
# `count` notes (some as append_many batches), then prints its first and last append times.
WRITER_CODE = r"""
import os, sys, time
from kusanone_tui.model.events import Actor
from kusanone_tui.store.session import SessionLog

path, tag, go, count, long = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]

def text(i):
    body = tag + "-" + str(i) + ":"
    return body + "草" * ((i % 7) * 700) if long == "1" else body

log = SessionLog.open(path)
print("ready", flush=True)
while not os.path.exists(go):
    time.sleep(0.001)
start = time.time()
i = 0
while i < count:
    n = min(count - i, 3 if i % 10 == 9 else 1)
    items = [
        ("note.added", {"note_id": tag + "-" + str(j), "text": text(j), "visibility": "public",
                        "writer": tag, "i": j})
        for j in range(i, i + n)
    ]
    log.append_many(items, actor=Actor("notes"))
    i += n
print(start, time.time(), flush=True)
"""


def expected_text(note_id: str, long: bool) -> str:
    i = int(note_id.split("-")[1])
    return f"{note_id}:" + ("草" * ((i % 7) * 700) if long else "")


def start_writers(path: Path, go: Path, tags: list[str], count: int, long: bool):
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER_CODE, str(path), tag, str(go), str(count), "01"[long]],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in tags
    ]
    for proc in procs:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.strip() == "ready", proc.stderr.read() if proc.stderr else ""
    return procs


def finish(proc: subprocess.Popen) -> str:
    try:
        out, err = proc.communicate(timeout=PROCESS_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        pytest.fail(f"process did not finish in time; stderr:\n{err}")
    assert proc.returncode == 0, err
    return out


def test_two_writers_lose_nothing_and_keep_their_order(tmp_path: Path) -> None:
    log = SessionStore(tmp_path).create(load("teireikai"))
    go = tmp_path / "go"
    count = 500
    procs = start_writers(log.path, go, ["a", "b"], count, long=False)
    go.touch()
    windows = [tuple(map(float, finish(proc).split())) for proc in procs]
    # The barrier worked: both writers were appending during the same period.
    (a_start, a_end), (b_start, b_end) = windows
    assert a_start < b_end and b_start < a_end

    events = SessionLog.open(log.path).events()
    assert len(events) == 1 + 2 * count
    seqs = [event.seq for event in events]
    assert sorted(seqs) == list(range(1, 2 * count + 2))
    notes = [event for event in events if event.kind == "note.added"]
    assert len({event.data["note_id"] for event in notes}) == 2 * count
    for tag in ("a", "b"):
        mine = sorted((e for e in notes if e.data["writer"] == tag), key=lambda e: e.seq)
        assert [e.data["i"] for e in mine] == list(range(count)), f"writer {tag} out of order"
    # Every process sees the same log: the state folded by a fresh reader has all notes.
    assert len(SessionLog.open(log.path).state().notes) == 2 * count


def test_follower_sees_every_event_once_and_whole(tmp_path: Path) -> None:
    log = SessionStore(tmp_path).create(load("teireikai"))
    follower = SessionLog.open(log.path)
    first = follower.follow()
    assert first is not None and [e.kind for e in first] == ["session.created"]

    go = tmp_path / "go"
    count = 250
    procs = start_writers(log.path, go, ["a", "b"], count, long=True)
    go.touch()
    seen = []
    polls = 0
    deadline = time.monotonic() + PROCESS_TIMEOUT
    while any(proc.poll() is None for proc in procs):
        assert time.monotonic() < deadline, "writers did not finish"
        batch = follower.follow()
        assert batch is not None, "follow() reported a rewrite, but nobody rewrote the file"
        seen.extend(batch)
        polls += 1
        time.sleep(0.0005)
    for proc in procs:
        finish(proc)
    batch = follower.follow()
    assert batch is not None
    seen.extend(batch)

    seqs = [event.seq for event in seen]
    assert seqs == sorted(set(seqs)), "an event was seen twice or out of order"
    assert seqs == list(range(2, 2 * count + 2))
    ids = [event.data["note_id"] for event in seen]
    assert sorted(ids) == sorted(f"{tag}-{i}" for tag in "ab" for i in range(count))
    for event in seen:  # never a partial event: every text arrived whole
        assert event.data["text"] == expected_text(event.data["note_id"], long=True)
    assert polls > 1, "the follower never looked while the writers were writing"
    assert follower.follow() == []
    assert len(follower.state().notes) == 2 * count


UPDATER_CODE = r"""
import os, sys, time
from tinydb import Query
from kusanone_tui.store.storage import LogDB

path, go, stop = sys.argv[1], sys.argv[2], sys.argv[3]
table = LogDB(path).table("x")
print("ready", flush=True)
while not os.path.exists(go):
    time.sleep(0.001)
n = 0
while n < 20 or not os.path.exists(stop):
    n += 1
    assert table.update({"n": n}, Query().kind == "seed") == [1]
    time.sleep(0.002)
print(n, flush=True)
"""

INSERTER_CODE = r"""
import json, os, sys, time
from kusanone_tui.store.storage import LogDB

path, go, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
table = LogDB(path).table("x")
print("ready", flush=True)
while not os.path.exists(go):
    time.sleep(0.001)
ids = [table.insert({"kind": "item", "k": k}) for k in range(count)]
print(json.dumps(ids), flush=True)
"""


def test_tinydb_update_in_one_process_does_not_lose_inserts_of_another(tmp_path: Path) -> None:
    path = tmp_path / "shared.jsonl"
    assert LogDB(path).table("x").insert({"kind": "seed", "n": 0}) == 1
    go, stop = tmp_path / "go", tmp_path / "stop"
    count = 200
    updater = subprocess.Popen(
        [sys.executable, "-c", UPDATER_CODE, str(path), str(go), str(stop)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    inserter = subprocess.Popen(
        [sys.executable, "-c", INSERTER_CODE, str(path), str(go), str(count)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    for proc in (updater, inserter):
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read() if proc.stderr else ""
    go.touch()
    inserted = json.loads(finish(inserter))
    stop.touch()
    updates = int(finish(updater))

    table = LogDB(path).table("x")
    assert len(table) == count + 1
    items = table.search(Query().kind == "item")
    assert sorted(doc["k"] for doc in items) == list(range(count))
    assert len(set(inserted)) == count
    for k, doc_id in enumerate(inserted):  # each insert kept the id it was given
        assert table.get(doc_id=doc_id)["k"] == k
    seed = table.get(doc_id=1)
    assert seed["kind"] == "seed" and seed["n"] == updates  # the last update won


INCREMENTER_CODE = r"""
import os, sys, time
from tinydb.operations import increment
from kusanone_tui.store.storage import LogDB

path, field, go, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
table = LogDB(path).table("x")
print("ready", flush=True)
while not os.path.exists(go):
    time.sleep(0.001)
for _ in range(count):
    table.update(increment(field), doc_ids=[1])
    time.sleep(0.002)  # let the others write while this one is not looking
"""


def test_tinydb_updates_from_several_processes_are_all_kept(tmp_path: Path) -> None:
    path = tmp_path / "shared.jsonl"
    fields = ["a", "b", "c"]
    LogDB(path).table("x").insert(dict.fromkeys(fields, 0))
    go = tmp_path / "go"
    count = 60
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", INCREMENTER_CODE, str(path), field, str(go), str(count)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for field in fields
    ]
    for proc in procs:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read() if proc.stderr else ""
    go.touch()
    for proc in procs:
        finish(proc)
    assert LogDB(path).table("x").get(doc_id=1) == dict.fromkeys(fields, count)
