"""Where people wait (issue 17): start-up, the first screen, opening a big session, the planner.

Every row is a ratio measured side by side in one run, the two sides interleaved (A, B, A, B…),
median of ``--pairs`` pairs (default 10), because the machine is shared and noisy:

1. ``kusanone --version`` against ``python -c pass`` (whole processes).
2. The first full screen of the real ``kusanone demo`` command, started as a whole process in a
   real terminal (a pty of 120×40; the output is polled until the last line of the first screen,
   the key bar, has been written), against a bare Textual hello-world started the same way; also
   with ``KUSANONE_DISABLE_PLUGINS`` set to every plugin.
3. Opening a 20,000-event session and folding it, whole process, against parsing the same lines
   with ``json.loads``: the fast path (``read_log``) and the ordinary ``SessionLog.open().state()``.
4. The table planner on social golfer instances (tables × size × rounds) with a 2 s and a 10 s
   budget (``plan_evening(seconds=…)``, as ``kusanone games plan --seconds``): repeated pairs
   found, wall time used, why it stopped, and the lower bound.

    .venv/bin/python benchmarks/waits.py [--pairs 10] [--only version,screen,open,planner]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = ROOT / ".venv" / "bin"
PY = str(BIN / "python") if (BIN / "python").exists() else sys.executable
KUSANONE = str(BIN / "kusanone")

HELLO = """
from textual.app import App
from textual.widgets import Static

class Hello(App):
    def compose(self):
        yield Static("hello world, first screen")

Hello().run()
"""


def _median_pairs(a, b, pairs: int) -> tuple[float, float, float]:
    """Interleaved: a(), b(), a(), b()… Returns median a, median b, median of ratios b/a."""
    xs, ys, ratios = [], [], []
    for _ in range(pairs):
        x = a()
        y = b()
        xs.append(x)
        ys.append(y)
        ratios.append(y / x)
    return statistics.median(xs), statistics.median(ys), statistics.median(ratios)


def _timed(argv: list[str], env: dict | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=env)
    return time.perf_counter() - started


# -- 1. --version ---------------------------------------------------------------------------------
def version_row(pairs: int) -> list[str]:
    base, mine, ratio = _median_pairs(
        lambda: _timed([PY, "-c", "pass"]), lambda: _timed([KUSANONE, "--version"]), pairs
    )
    met = "yes" if ratio <= 3 else "NO"
    return [
        f"| `kusanone --version` vs `python -c pass` | {base * 1000:.0f} ms | "
        f"{mine * 1000:.0f} ms | {ratio:.2f}× | ≤ 3× | {met} |"
    ]


# -- 2. first screen in a real terminal -----------------------------------------------------------
def first_screen(argv: list[str], marker: bytes, env: dict, timeout: float = 20.0) -> float:
    """Seconds from starting ``argv`` in a 120×40 pty until ``marker`` has been written."""
    started = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child
        os.environ.clear()
        os.environ.update(env)
        os.execvp(argv[0], argv)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    seen = b""
    found = None
    try:
        while time.perf_counter() - started < timeout:
            ready, _, _ = select.select([fd], [], [], 0.002)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 1 << 16)
            except OSError:
                break
            seen = seen[-4096:] + chunk
            if marker in seen:
                found = time.perf_counter() - started
                break
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)
    if found is None:
        raise RuntimeError(f"{argv}: no first screen within {timeout} s")
    return found


def terminal_env(work: Path) -> dict[str, str]:
    """A clean environment for a command in a pty: nothing of this shell's, caches and store
    in ``work`` (the first start fills them; the medians are of warm starts)."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(work),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "KUSANONE_DATA": str(work / "data"),
    }


def screen_pairs(pairs: int, plugins: bool = True) -> tuple[float, float, float]:
    """The hello-world's and ``kusanone demo``'s first screens in a pty, interleaved: the
    medians (seconds) and their ratio."""
    work = Path(tempfile.mkdtemp(prefix="kusanone-waits-"))
    try:
        hello = work / "hello.py"
        hello.write_text(HELLO, encoding="utf-8")
        env = terminal_env(work)
        if not plugins:
            env["KUSANONE_DISABLE_PLUGINS"] = "hitokoto,games,openmic"
        marker = "もとに戻す".encode()  # the key bar: the first screen's last line
        return _median_pairs(
            lambda: first_screen([PY, str(hello)], b"hello world, first screen", env),
            lambda: first_screen([KUSANONE, "demo"], marker, env),
            pairs,
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


def screen_rows(pairs: int) -> list[str]:
    rows = []
    for label, plugins in (("plugins on", True), ("plugins off", False)):
        base, mine, ratio = screen_pairs(pairs, plugins)
        met = "yes" if ratio <= 1.5 else "NO"
        rows.append(
            f"| `kusanone demo` first full screen, real terminal ({label}) vs hello-world | "
            f"{base * 1000:.0f} ms | {mine * 1000:.0f} ms | {ratio:.2f}× | ≤ 1.5× | {met} |"
        )
    return rows


# -- 3. opening a big session ---------------------------------------------------------------------
MAKE = """
import sys
from pathlib import Path
from kusanone_tui import templates
from kusanone_tui.model.events import Actor
from kusanone_tui.store.session import SessionLog
log = SessionLog.create(Path(sys.argv[1]), templates.load("teireikai"))
text = "今日は少し外に出られました。話を聞いてもらえてうれしかったです。"
items = [("note.added", {"note_id": f"n{i}", "text": text, "visibility": "public"})
         for i in range(19_999)]
log.append_many(items)
"""
JSON_ONLY = """
import json, sys
with open(sys.argv[1], "rb") as f:
    for line in f:
        json.loads(line[9:])
"""
FAST = """
import sys
from kusanone_tui.store.session import read_log
assert read_log(sys.argv[1]) is not None
"""
ORDINARY = """
import sys
from kusanone_tui.store.session import SessionLog
SessionLog.open(sys.argv[1]).state()
"""


def open_rows(pairs: int) -> list[str]:
    work = Path(tempfile.mkdtemp(prefix="kusanone-waits-"))
    try:
        path = work / "big.session.jsonl"
        subprocess.run([PY, "-c", MAKE, str(path)], check=True)
        rows = []
        for label, script in (("`read_log`", FAST), ("`SessionLog.open().state()`", ORDINARY)):
            base, mine, ratio = _median_pairs(
                lambda: _timed([PY, "-c", JSON_ONLY, str(path)]),
                lambda script=script: _timed([PY, "-c", script, str(path)]),
                pairs,
            )
            met = "yes" if ratio <= 4 else "NO"
            rows.append(
                f"| 20,000-event session opened and folded, {label}, vs `json.loads` of its lines "
                f"| {base * 1000:.0f} ms | {mine * 1000:.0f} ms | {ratio:.2f}× | ≤ 4× | {met} |"
            )
        return rows
    finally:
        shutil.rmtree(work, ignore_errors=True)


# -- 4. the planner -------------------------------------------------------------------------------
#: (tables, size, rounds) and whether a plan without repeats is known to exist (None: unknown
#: here). 8×4×10 (Aguado 2004) contains 8×4×8 and 8×4×9; 3×3×4, 4×4×5, 5×5×6 are affine planes;
#: 5×3×7 and 7×3×10 Kirkman triple systems; 7×4×9 a resolvable design of 28 points in fours;
#: 5×4×5, 6×3×8, 6×4×6 solved social golfer instances; 2×4×3, 3×4×4 and 4×3×5 cannot avoid
#: repeats.
INSTANCES = [
    ((2, 4, 3), False),
    ((3, 3, 4), True),
    ((3, 4, 4), False),
    ((4, 3, 5), False),
    ((4, 4, 5), True),
    ((5, 3, 7), True),
    ((5, 4, 5), True),
    ((5, 5, 6), True),
    ((6, 3, 8), True),
    ((6, 4, 6), True),
    ((7, 3, 10), True),
    ((7, 4, 9), True),
    ((8, 4, 8), True),
    ((8, 4, 9), True),
    ((8, 4, 10), True),
]


def planner_rows(budgets: tuple[float, ...] = (2.0, 10.0), seed: int = 1) -> list[str]:
    sys.path.insert(0, str(HERE))
    from games_quality import golfers, lower_bounds, repeats
    from kusanone_games.planner import plan_evening

    rows = []
    for (g, p, w), exists in INSTANCES:
        cells = []
        for budget in budgets:
            result = plan_evening(golfers(g, p, w), seconds=budget, seed=seed)
            cells.append(f"{repeats(result.plan)} | {result.seconds:.2f} s, {result.stopped}")
        bound = lower_bounds(g, p, w)[0]
        zero = {True: "yes", False: "no", None: "?"}[exists]
        rows.append(f"| {g}×{p}×{w} | {g * p} | {zero} | {bound} | " + " | ".join(cells) + " |")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=10)
    parser.add_argument("--only", default="version,screen,open,planner")
    args = parser.parse_args(argv)
    only = set(args.only.split(","))
    out = [
        f"Result on this machine ({time.strftime('%Y-%m-%d')}, nproc={os.cpu_count()}, "
        f"Python {sys.version.split()[0]}), median of {args.pairs} interleaved pairs:",
        "",
    ]
    if only & {"version", "screen", "open"}:
        out += [
            "| what | baseline | kusanone | ratio | target | met |",
            "|---|---:|---:|---:|---|---|",
        ]
        if "version" in only:
            out += version_row(args.pairs)
        if "screen" in only:
            out += screen_rows(args.pairs)
        if "open" in only:
            out += open_rows(args.pairs)
        out.append("")
    if "planner" in only:
        out += [
            "| instance (tables×size×rounds) | people | zero repeats exist | lower bound "
            "(repeats) | repeats, 2 s | time used, stopped (2 s) | repeats, 10 s "
            "| time used, stopped (10 s) |",
            "|---|---:|---|---:|---:|---|---:|---|",
            *planner_rows(),
        ]
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
