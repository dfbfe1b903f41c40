"""Latency of appending one event to a session log of 100, 1,000 and 5,000 events.

Run on demand (pytest does not collect it)::

    .venv/bin/python benchmarks/append_latency.py --out benchmarks/results/append_latency.md

Backends, side by side in one run, each appending the same realistic ``note.added`` event (a
Japanese note of about 80 characters):

* ``kusanone SessionLog.append``: validation, time-stamping, the lock, one checksummed line, fsync.
* ``kusanone LogDB insert``: ``LogDB(path).table("events").insert(doc)``, the storage alone.
* ``TinyDB JSONStorage``: ``TinyDB(path)``, which rewrites the whole file on every insert.
  TinyDB 4.x's ``JSONStorage.write`` already calls ``flush`` + ``os.fsync``; if the installed
  version does not, a variant that adds them is measured as well (see ``tinydb_fsyncs``).
* ``sqlite3`` with ``synchronous=FULL``, one ``INSERT`` + ``commit`` per event, storing the same
  JSON text, in ``journal_mode=WAL`` and ``journal_mode=DELETE``.

Method: for each backend and size S a template file holding S-2 events is built once, in bulk
(``append_many`` / ``insert_multiple`` / ``executemany``). A *batch* copies the template (and
fsyncs the copy, so the first timed fsync does not pay for it), opens it, makes one untimed
warm-up append (the log now holds S-1 events), then times K single appends, which bring the log
to S, S+1, ..., S+K-1 events. Batches are repeated, restoring the copy each time, until N
appends are timed; batches of all backends and sizes are interleaved in a shuffled order, so a
slow spell of the disk hits them all alike. Making a fresh event (ids) is outside the timing for
the raw backends; ``SessionLog.append`` makes its own, as the app does.
"""

from __future__ import annotations

import argparse
import gc
import inspect
import json
import math
import os
import platform
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import JSONStorage

from kusanone_tui import templates
from kusanone_tui.model.events import Actor, Event, new_id
from kusanone_tui.store.session import SessionLog
from kusanone_tui.store.storage import LogDB

NOTE_TEXT = (
    "駅前の空き店舗を使った子ども食堂について、次回までに自治会長と社協の担当者に相談し、"
    "月二回の開催日と費用の分担案をまとめて報告する。会場は引き続き公民館の和室。"
)
ACTOR = Actor("notes")
TEMPLATE = templates.load("teireikai")
FILL_CHUNK = 1000

DEFAULT_SIZES = (100, 1000, 5000)
DEFAULT_APPENDS = 200
DEFAULT_BATCH = 25
DEFAULT_REPEAT = 3
QUICK_APPENDS = 50


def note_data() -> dict[str, Any]:
    return {"note_id": new_id(), "text": NOTE_TEXT, "visibility": "minutes"}


def event_doc() -> dict[str, Any]:
    """The document ``SessionLog.append("note.added", ...)`` stores, for the raw backends."""
    event = Event(kind="note.added", data=note_data(), actor=ACTOR, at=time.time(), id=new_id())
    return event.to_dict()


def json_text(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


# -- backends ---------------------------------------------------------------------------------


class Handle:
    """An open log: ``payload()`` makes the next event (untimed), ``append`` saves it (timed)."""

    def payload(self) -> Any:
        return event_doc()

    def append(self, payload: Any) -> None:
        raise NotImplementedError

    def count(self) -> int:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


@dataclass(frozen=True)
class Backend:
    key: str
    label: str
    durability: str
    filename: str
    build: Callable[[Path, int], None]  # write ``count`` events in bulk, then close
    open: Callable[[Path], Handle]


# a) kusanone, through the public API


class SessionHandle(Handle):
    def __init__(self, path: Path) -> None:
        self.log = SessionLog.open(path)

    def payload(self) -> Any:
        return note_data()

    def append(self, payload: Any) -> None:
        self.log.append("note.added", payload, actor=ACTOR)

    def count(self) -> int:
        return len(self.log.events())

    def close(self) -> None:
        self.log.close()


def build_session(path: Path, count: int) -> None:
    log = SessionLog.create(path, TEMPLATE)  # the first event: session.created
    left = count - 1
    while left > 0:
        n = min(left, FILL_CHUNK)
        log.append_many([("note.added", note_data()) for _ in range(n)], actor=ACTOR)
        left -= n
    log.close()


# b) kusanone, the storage alone


class LogDBHandle(Handle):
    def __init__(self, path: Path) -> None:
        self.db = LogDB(path)
        self.table = self.db.table("events")

    def append(self, payload: Any) -> None:
        self.table.insert(payload)

    def count(self) -> int:
        return len(self.table)

    def close(self) -> None:
        self.db.close()


def build_logdb(path: Path, count: int) -> None:
    db = LogDB(path)
    db.table("events").insert_multiple(event_doc() for _ in range(count))
    db.close()


# c) TinyDB's JSONStorage


def tinydb_fsyncs() -> bool:
    """Whether the installed ``JSONStorage.write`` fsyncs by itself (TinyDB 4.x does)."""
    try:
        return "os.fsync(" in inspect.getsource(JSONStorage.write)
    except (OSError, TypeError):
        return False


class FsyncJSONStorage(JSONStorage):
    """``JSONStorage`` that flushes and fsyncs after each write, for TinyDBs that do not."""

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        super().write(data)
        self._handle.flush()
        os.fsync(self._handle.fileno())


class TinyDBHandle(Handle):
    def __init__(self, path: Path, storage: type[JSONStorage] | None) -> None:
        self.db = TinyDB(path) if storage is None else TinyDB(path, storage=storage)
        self.table = self.db.table("events")

    def append(self, payload: Any) -> None:
        self.table.insert(payload)

    def count(self) -> int:
        return len(self.table)

    def close(self) -> None:
        self.db.close()


def tinydb_backend(storage: type[JSONStorage] | None, key: str, label: str, dur: str) -> Backend:
    def build(path: Path, count: int) -> None:
        db = TinyDB(path) if storage is None else TinyDB(path, storage=storage)
        db.table("events").insert_multiple(event_doc() for _ in range(count))
        db.close()

    return Backend(key, label, dur, "db.json", build, lambda path: TinyDBHandle(path, storage))


# d) sqlite3, one fsync'd transaction per event


class SqliteHandle(Handle):
    def __init__(self, path: Path, journal_mode: str) -> None:
        self.conn = sqlite_connect(path, journal_mode)

    def append(self, payload: Any) -> None:
        self.conn.execute("INSERT INTO events (doc) VALUES (?)", (json_text(payload),))
        self.conn.commit()

    def count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM events").fetchone()[0]

    def close(self) -> None:
        self.conn.close()


def sqlite_connect(path: Path, journal_mode: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    mode = conn.execute(f"PRAGMA journal_mode={journal_mode}").fetchone()[0]
    if mode.upper() != journal_mode:
        raise RuntimeError(f"sqlite refused journal_mode={journal_mode} (got {mode})")
    conn.execute("PRAGMA synchronous=FULL")
    return conn


def sqlite_backend(journal_mode: str) -> Backend:
    def build(path: Path, count: int) -> None:
        conn = sqlite_connect(path, journal_mode)
        conn.execute("CREATE TABLE events (seq INTEGER PRIMARY KEY, doc TEXT NOT NULL)")
        conn.executemany(
            "INSERT INTO events (doc) VALUES (?)", ((json_text(event_doc()),) for _ in range(count))
        )
        conn.commit()
        conn.close()  # checkpoints and removes the WAL: the template is one file

    return Backend(
        f"sqlite-{journal_mode.lower()}",
        "sqlite3 WAL, synchronous=FULL" if journal_mode == "WAL" else "sqlite3 DELETE, FULL",
        "fsync per commit",
        "db.sqlite",
        build,
        lambda path: SqliteHandle(path, journal_mode),
    )


def all_backends() -> list[Backend]:
    backends = [
        Backend(
            "kusanone",
            "kusanone SessionLog.append",
            "fsync per append",
            "log.session.jsonl",
            build_session,
            SessionHandle,
        ),
        Backend(
            "kusanone-raw",
            "kusanone LogDB insert (raw)",
            "fsync per append",
            "log.session.jsonl",
            build_logdb,
            LogDBHandle,
        ),
    ]
    if tinydb_fsyncs():
        backends.append(
            tinydb_backend(
                None,
                "tinydb",
                "TinyDB JSONStorage (default)",
                "fsync per write (TinyDB's own); rewrites in place, not crash-safe",
            )
        )
    else:
        backends.append(
            tinydb_backend(
                None, "tinydb", "TinyDB JSONStorage (default)", "NO fsync; rewrites in place"
            )
        )
        backends.append(
            tinydb_backend(
                FsyncJSONStorage,
                "tinydb-fsync",
                "TinyDB JSONStorage + fsync",
                "fsync per write (wrapper); rewrites in place",
            )
        )
    backends.append(sqlite_backend("WAL"))
    backends.append(sqlite_backend("DELETE"))
    return backends


# -- measuring --------------------------------------------------------------------------------


def fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def restore(template: Path, work: Path) -> None:
    """Make ``work`` an fsynced copy of the ``template`` folder."""
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    for item in template.iterdir():
        if item.is_file():
            shutil.copyfile(item, work / item.name)
            fsync_path(work / item.name)
    fsync_path(work)
    fsync_path(work.parent)


@dataclass
class Cell:
    samples: list[int] = field(default_factory=list)  # nanoseconds
    per_repeat: list[list[int]] = field(default_factory=list)


def run_batch(backend: Backend, template: Path, work: Path, size: int, k: int) -> list[int]:
    restore(template, work)
    gc.collect()
    handle = backend.open(work / backend.filename)
    try:
        handle.append(handle.payload())  # warm-up: the log now holds size-1 events
        samples = []
        for _ in range(k):
            payload = handle.payload()
            start = time.perf_counter_ns()
            handle.append(payload)
            samples.append(time.perf_counter_ns() - start)
        held = handle.count()
        if held != size - 1 + k:
            raise RuntimeError(f"{backend.key}: {held} events after batch, want {size - 1 + k}")
    finally:
        handle.close()
    return samples


def measure(
    backends: list[Backend],
    sizes: list[int],
    appends: int,
    batch: int,
    repeat: int,
    root: Path,
    seed: int,
) -> dict[tuple[str, int], Cell]:
    cells = {(b.key, s): Cell() for b in backends for s in sizes}
    rng = random.Random(seed)
    rounds = math.ceil(appends / batch)
    for rep in range(repeat):
        started = time.monotonic()
        templates_dir = root / f"templates-{rep}"
        for b in backends:
            for s in sizes:
                folder = templates_dir / b.key / str(s)
                folder.mkdir(parents=True)
                b.build(folder / b.filename, s - 2)
        print(f"repeat {rep + 1}/{repeat}: templates built", file=sys.stderr, flush=True)
        this = {key: [] for key in cells}
        for r in range(rounds):
            k = min(batch, appends - r * batch)
            jobs = [(b, s) for b in backends for s in sizes]
            rng.shuffle(jobs)
            for b, s in jobs:
                template = templates_dir / b.key / str(s)
                this[b.key, s] += run_batch(b, template, root / "work", s, k)
            print(
                f"  round {r + 1}/{rounds} done ({time.monotonic() - started:.0f}s)",
                file=sys.stderr,
                flush=True,
            )
        shutil.rmtree(templates_dir)
        for key, samples in this.items():
            cells[key].samples += samples
            cells[key].per_repeat.append(samples)
    return cells


# -- reporting --------------------------------------------------------------------------------


def p95(samples: list[int]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def us(ns: float) -> str:
    value = ns / 1000
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def filesystem_of(path: Path) -> str:
    """``type (device) at mountpoint`` of the file system holding ``path``, best effort."""
    best = ("?", "?", "")
    try:
        with open("/proc/mounts", encoding="utf-8") as mounts:
            for line in mounts:
                device, mount, fstype, *_ = line.split()
                inside = str(path).startswith(mount.rstrip("/") + "/") or str(path) == mount
                if inside and len(mount) >= len(best[2]):
                    best = (fstype, device, mount)
    except OSError:
        pass
    return f"{best[0]} ({best[1]}) at {best[2] or '?'}"


def machine_load() -> str:
    """Load average and I/O pressure now: other processes' fsyncs skew every figure here."""
    parts = []
    try:
        with open("/proc/loadavg", encoding="utf-8") as handle:
            parts.append("loadavg " + " ".join(handle.read().split()[:3]))
    except OSError:
        pass
    try:
        with open("/proc/pressure/io", encoding="utf-8") as handle:
            some = handle.readline().split()
        parts.append("I/O pressure " + " ".join(some[1:3]))
    except (OSError, IndexError):
        pass
    return ", ".join(parts) or "unknown"


def report(
    cells: dict[tuple[str, int], Cell],
    backends: list[Backend],
    sizes: list[int],
    args: argparse.Namespace,
    root: Path,
    elapsed: float,
    load: tuple[str, str],
) -> str:
    def median(key: str, size: int) -> float:
        return statistics.median(cells[key, size].samples)

    first, last = sizes[0], sizes[-1]
    lines = [
        "## Append latency: one event, by log size",
        "",
        f"- date: {datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
        f"- machine: nproc={os.cpu_count()} ({len(os.sched_getaffinity(0))} usable),"
        f" {platform.system()} {platform.release()}, {platform.machine()}",
        f"- Python {platform.python_version()}, TinyDB {metadata.version('tinydb')},"
        f" SQLite {sqlite3.sqlite_version}",
        f"- files in {root.parent}: {filesystem_of(root)}",
        f"- load at start: {load[0]}; at end: {load[1]}",
        f"- {args.appends} timed appends per backend and size (batches of {args.batch}"
        f" restored from a pre-filled, fsynced copy; a batch at size S times the appends that"
        f" bring the log to S … S+{args.batch - 1} events), repeat={args.repeat},"
        f" run took {elapsed:.0f} s",
        f"- event: `note.added`, note text {len(NOTE_TEXT)} characters;"
        f" stored JSON ≈ {len(json_text(event_doc()).encode())} bytes (UTF-8)",
        "",
    ]
    head = ["backend", "durability"]
    for s in sizes:
        head += [f"{s:,} median µs", f"{s:,} p95 µs"]
    head.append(f"{last:,}/{first:,} median")
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "|".join(["---", "---"] + ["---:"] * (len(head) - 2)) + "|")
    for b in backends:
        row = [b.label, b.durability]
        for s in sizes:
            row += [us(median(b.key, s)), us(p95(cells[b.key, s].samples))]
        row.append(f"{median(b.key, last) / median(b.key, first):.2f}×")
        lines.append("| " + " | ".join(row) + " |")
    lines.append("")

    keys = {b.key for b in backends}
    verdicts = []
    for key in ("kusanone", "kusanone-raw"):
        if key not in keys:
            continue
        growth = median(key, last) / median(key, first)
        verdicts.append(
            f"- {key}: {last:,}-event median / {first:,}-event median = {growth:.2f}×"
            f" (target ≤ 2×: {'met' if growth <= 2 else 'MISSED'})"
        )
    for ref in ("sqlite-wal", "sqlite-delete"):
        if ref not in keys:
            continue
        for key in ("kusanone", "kusanone-raw"):
            if key not in keys:
                continue
            ratio = median(key, last) / median(ref, last)
            target = (
                f" (target ≤ 2×: {'met' if ratio <= 2 else 'MISSED'})"
                if ref == "sqlite-wal"
                else ""
            )
            spread = ""
            if args.repeat > 1:
                each = [
                    statistics.median(mine) / statistics.median(theirs)
                    for mine, theirs in zip(
                        cells[key, last].per_repeat, cells[ref, last].per_repeat, strict=True
                    )
                ]
                spread = "; per repeat " + " / ".join(f"{r:.2f}×" for r in each)
            verdicts.append(
                f"- {key}({last:,}) / {ref}({last:,}) median = {ratio:.2f}×{target}{spread}"
            )
    if verdicts:
        lines += ["Ratios:", "", *verdicts, ""]

    if args.repeat > 1:
        lines += ["Median per repeat (µs):", ""]
        lines.append("| backend | " + " | ".join(f"{s:,}" for s in sizes) + " |")
        lines.append("|---|" + "---:|" * len(sizes))
        for b in backends:
            row = [
                " / ".join(us(statistics.median(rep)) for rep in cells[b.key, s].per_repeat)
                for s in sizes
            ]
            lines.append(f"| {b.label} | " + " | ".join(row) + " |")
        lines.append("")
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default=",".join(map(str, DEFAULT_SIZES)),
        help="comma-separated log sizes (default: %(default)s)",
    )
    parser.add_argument(
        "--appends",
        "-n",
        type=int,
        default=None,
        help=f"timed appends per backend and size (default {DEFAULT_APPENDS}; "
        f"{QUICK_APPENDS} with --quick)",
    )
    parser.add_argument(
        "--batch",
        type=int,
        default=DEFAULT_BATCH,
        help="appends timed between restores of the pre-filled copy (default: %(default)s)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=None,
        help=f"repeat the whole measurement, fresh files each time, samples pooled"
        f" (default {DEFAULT_REPEAT}; 1 with --quick)",
    )
    parser.add_argument(
        "--quick", action="store_true", help=f"{QUICK_APPENDS} appends, one repeat: a smoke run"
    )
    parser.add_argument(
        "--only", default="", help="comma-separated backend keys (default: all); see --list"
    )
    parser.add_argument("--list", action="store_true", help="list backend keys and exit")
    parser.add_argument("--out", type=Path, help="also write the Markdown table to this file")
    parser.add_argument(
        "--dir",
        default=tempfile.gettempdir(),
        help="where to make the temporary folder; fsync is only meaningful on a real disk"
        " (default: %(default)s)",
    )
    parser.add_argument("--seed", type=int, default=20261127, help="order of the batches")
    args = parser.parse_args(argv)
    if args.repeat is None:
        args.repeat = 1 if args.quick else DEFAULT_REPEAT
    if args.appends is None:
        args.appends = QUICK_APPENDS if args.quick else DEFAULT_APPENDS
    args.sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if not args.sizes or min(args.sizes) < 3:
        parser.error("--sizes: each size must be at least 3")
    if args.appends < 1 or args.batch < 1 or args.repeat < 1:
        parser.error("--appends, --batch and --repeat must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    backends = all_backends()
    if args.list:
        for b in backends:
            print(f"{b.key:15} {b.label} ({b.durability})")
        return 0
    if args.only:
        wanted = {k.strip() for k in args.only.split(",") if k.strip()}
        unknown = wanted - {b.key for b in backends}
        if unknown:
            print(f"unknown backend(s): {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
        backends = [b for b in backends if b.key in wanted]
    root = Path(tempfile.mkdtemp(prefix="kusanone-bench-", dir=args.dir))
    if filesystem_of(root).startswith("tmpfs"):
        print(f"warning: {root} is on tmpfs, fsync costs nothing there", file=sys.stderr)
    started = time.monotonic()
    load_before = machine_load()
    try:
        cells = measure(
            backends, args.sizes, args.appends, args.batch, args.repeat, root, args.seed
        )
        elapsed = time.monotonic() - started
        load = (load_before, machine_load())
        text = report(cells, backends, args.sizes, args, root, elapsed, load)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
