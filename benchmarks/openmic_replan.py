"""Re-planning the open-mic block: how long it takes with 50, 200 and 500 performers.

Run on demand (pytest does not collect it)::

    .venv/bin/python benchmarks/openmic_replan.py [--quick] [--out FILE]

Target: re-planning **200 performers** takes under **50 ms**.

Rows, measured side by side in one run (interleaved, so a slow spell hits them all alike):

1. ``schedule.plan``: the pure planner, list in, plan out (mixed wishes: 10 % "not before",
   10 % a requested length, 10 % with a companion, 5 % early, 5 % on hold).
2. ``schedule.plan``, worst case: every performer has a "not before" wish (the planner then
   looks further down the list at each step).
   And with a block long enough for everyone, so that all of them are laid out and stretched
   (the festival's 110 minutes fit about 15 acts).
3. fold + plan (``actions.here``): what every key press and the facilitator's panel do — fold the
   plugin's events out of the session (one ``signed_up`` per performer, a lottery, 10 % holds),
   work out the block's window, plan.
4. the facilitator's panel: 3, then draw the panel (``views.panel``), as the screen does every
   second.
5. a key press, end to end: ``Delete`` (cancel) followed by ``ctrl+z`` (undo) on a real session
   file, each appending its event and a fresh lineup durably (two fsyncs each), folding and
   planning twice. Timed per key. (Until the core has the ``live`` visibility the plugin asks
   for, the script adds it in-process, as the tests do, so the lineup is written as it will be.)

Each row reports the median, p95 and max in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plugins"))

import kusanone_openmic
from kusanone_openmic import actions, views
from kusanone_openmic.schedule import Entry, Settings, plan

from kusanone_tui.api import PluginAPI
from kusanone_tui.meeting import Meeting
from kusanone_tui.plugin_host import PluginHost
from kusanone_tui.store.sessions import SessionStore
from kusanone_tui.templates import load

TARGET_MS = 50.0
SIZE_OF_TARGET = 200
START = 1_772_868_600.0  # 16:30 on a festival day (JST)


def entries(count: int, rng: random.Random, all_timed: bool = False) -> list[Entry]:
    out = []
    for number in range(count):
        roll = rng.random()
        timed = all_timed or roll < 0.10
        out.append(
            Entry(
                f"p{number}",
                not_before=START + rng.randrange(0, 110) * 60 if timed else None,
                minutes=float(rng.randrange(3, 12)) if 0.10 <= roll < 0.20 else None,
                companion=0.20 <= roll < 0.30,
                away=0.30 <= roll < 0.35,
            )
        )
    return out


class Day:
    """A festival session in a temporary folder, its walk-in block running, ``count`` performers."""

    def __init__(self, folder: Path, count: int, rng: random.Random) -> None:
        self.clock = Clock(time.mktime((2026, 3, 7, 16, 29, 0, 0, 0, -1)))
        host = PluginHost(strict=True)
        host.add(kusanone_openmic)
        template = load(
            "trigger_fes", extra_types=host.stage_types(), extra_templates=host.templates()
        )
        self.log = SessionStore(folder).create(template, title="bench", clock=self.clock)
        meeting = Meeting(self.log)
        for _ in range(4):
            meeting.next_stage()
        self.api = PluginAPI("openmic", self.log, clock=self.clock)
        signups = []
        for number in range(count):
            data = {"performer": f"id{number:04d}", "name": f"演者{number:04d}", "block": "walkin"}
            roll = rng.random()
            if roll < 0.10:
                data["not_before"] = f"{17 + rng.randrange(0, 2)}:{rng.randrange(0, 6)}0"
            elif roll < 0.20:
                data["minutes"] = rng.randrange(3, 12)
            elif roll < 0.30:
                data["companion"] = True
            elif roll < 0.35:
                data["early"] = True
            data["seed"] = rng.randrange(1 << 30)
            signups.append(("openmic:signed_up", {**data, "visibility": "private"}))
        self.log.append_many(signups)
        actions.lottery(self.api)
        holds = [
            ("openmic:hold", {"performer": f"id{n:04d}", "visibility": "private"})
            for n in rng.sample(range(count), count // 10)
        ]
        self.log.append_many(holds)
        actions.next_act(self.api)
        self.api.state()  # the log's incremental fold is warm, as in a running app


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def core_live() -> None:
    """The ``live`` visibility for plugin events (docs/openmic.md), if the core lacks it."""
    import kusanone_tui.api as core_api

    if "live" not in core_api.VISIBILITIES and "live" not in getattr(
        core_api, "PLUGIN_VISIBILITIES", ()
    ):
        core_api.VISIBILITIES = (*core_api.VISIBILITIES, "live")


def timed(run: Callable[[], object]) -> float:
    start = time.perf_counter_ns()
    run()
    return (time.perf_counter_ns() - start) / 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,200,500")
    parser.add_argument("-n", "--rounds", type=int, default=100, help="timings per row and size")
    parser.add_argument("--quick", action="store_true", help="20 rounds: a smoke run")
    parser.add_argument("--out", help="also write the Markdown report to FILE")
    args = parser.parse_args()
    rounds = 20 if args.quick else args.rounds
    sizes = [int(s) for s in args.sizes.split(",")]
    os.environ.setdefault("TZ", "Asia/Tokyo")
    time.tzset()
    rng = random.Random(20260307)
    core_live()
    began = time.perf_counter()

    rows: dict[str, dict[int, list[float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work: list[tuple[str, int, Callable[[], object]]] = []
        for size in sizes:
            listed = entries(size, rng)
            timed_all = entries(size, rng, all_timed=True)
            settings = Settings()
            day = Day(Path(tmp) / f"s{size}", size, rng)

            def planner(listed=listed, settings=settings):
                return plan(listed, start=START, end=START + 110 * 60, now=START, settings=settings)

            def worst(listed=timed_all, settings=settings):
                return plan(listed, start=START, end=START + 110 * 60, now=START, settings=settings)

            def everyone_fits(listed=listed, settings=settings, size=size):
                end = START + size * 20 * 60  # a block long enough for all: 200 acts laid out
                return plan(listed, start=START, end=end, now=START, settings=settings)

            def fold_and_plan(day=day):
                return actions.here(day.api)

            def panel(day=day):
                _, openmic, shown = actions.here(day.api)
                return views.panel(openmic, shown, None, day.api.text)

            def cancel(day=day):
                actions.cancel(day.api)

            def undo(day=day):
                actions.undo(day.api)

            work += [
                ("schedule.plan (mixed wishes)", size, planner),
                ("schedule.plan (all with a time wish)", size, worst),
                ("schedule.plan (a long block: everyone fits)", size, everyone_fits),
                ("fold + plan (actions.here)", size, fold_and_plan),
                ("facilitator's panel (fold + plan + draw)", size, panel),
                ("key press: Delete (cancel), to disk", size, cancel),
                ("key press: ctrl+z (undo), to disk", size, undo),
            ]
        for name, size, run in work:  # warm up
            rows.setdefault(name, {})[size] = []
            run()
        for _ in range(rounds):
            order = list(work)
            rng.shuffle(order)
            # cancel and undo must alternate: run them as a pair, in that order
            for name, size, run in sorted(order, key=lambda w: "ctrl+z" in w[0]):
                rows[name][size].append(timed(run))

    took = time.perf_counter() - began
    lines = [
        "#### Open mic: re-planning the block",
        "",
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- machine: nproc={os.cpu_count()}, {platform.system()} {platform.release()}, "
        f"{platform.machine()}",
        f"- Python {platform.python_version()}; {rounds} timings per row and size, "
        f"interleaved; run took {took:.0f} s",
        f"- target: re-planning {SIZE_OF_TARGET} performers < {TARGET_MS:g} ms",
        "",
    ]
    head = "| what is timed | " + " | ".join(
        f"{s} median ms | {s} p95 ms | {s} max ms" for s in sizes
    )
    lines += [head + " |", "|---|" + "---:|" * (3 * len(sizes))]
    verdicts = []
    for name, by_size in rows.items():
        cells = []
        for size in sizes:
            samples = sorted(by_size[size])
            p95 = samples[min(len(samples) - 1, int(0.95 * len(samples)))]
            median = statistics.median(samples)
            cells += [f"{median:.2f}", f"{p95:.2f}", f"{samples[-1]:.2f}"]
            if size == SIZE_OF_TARGET:
                met = "met" if p95 < TARGET_MS else "NOT met"
                verdicts.append(f"- {name}, {size} performers: p95 {p95:.2f} ms ({met})")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", f"Target (< {TARGET_MS:g} ms at {SIZE_OF_TARGET} performers, p95):", *verdicts]
    report = "\n".join(lines) + "\n"
    print(report)
    if args.out:
        Path(args.out).write_text(report, "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
