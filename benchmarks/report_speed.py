"""How long `kusanone report` takes over ten years of meetings, run on demand.

    .venv/bin/python benchmarks/report_speed.py

Builds a store with 60 sessions (bimonthly regular meetings for ten years: 15 people and 25
notes each) and a registry (40 groups, 30 activities, 50 collaborations), then times building
the report and rendering it as Markdown and as HTML with its charts, in one process, five times.
Target: under 1 s.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from pathlib import Path

from kusanone_tui import report as reports
from kusanone_tui.meeting import Meeting
from kusanone_tui.store.registry import Registry
from kusanone_tui.store.sessions import COMMUNITY_FILE, SessionStore
from kusanone_tui.templates import load
from kusanone_tui.testing import FakeClock


def make_store(root: Path, sessions: int = 60) -> None:
    rng = random.Random(7)
    store = SessionStore(root)
    template = load("teireikai")
    ids = []
    for k in range(sessions):
        year, month = 2016 + k // 6, 1 + 2 * (k % 6)
        clock = FakeClock(time.mktime((year, month, 10, 13, 30, 0, 0, 0, -1)))
        log = store.create(template, title=f"{year}年{month}月の定例会", clock=clock)
        ids.append(log.session_id)
        meeting, notes = Meeting(log), Meeting(log, "notes")
        people = [
            meeting.join(
                f"人{rng.randrange(40)}",
                rng.choice(["self", "family", None]),
                minutes_name=rng.random() < 0.5,
            )
            for _ in range(15)
        ]
        meeting.next_stage()
        meeting.next_stage()
        for i in range(25):
            clock.advance(60)
            notes.add_note(
                f"近況 {i}",
                rng.choice(["public", "minutes", "private"]),
                participant_id=rng.choice(people),
            )
    registry = Registry(root / COMMUNITY_FILE)
    groups = [registry.add_group(f"団体{i}", session=rng.choice(ids)).id for i in range(40)]
    for i in range(30):
        registry.add_activity(
            f"活動{i}",
            born_on=f"{2016 + i % 10}-0{1 + i % 9}-01",
            groups=(rng.choice(groups),),
            session=rng.choice(ids),
        )
    for i in range(50):
        registry.add_collaboration(
            f"協働{i}", tuple(rng.sample(groups, 2)), on=f"{2016 + i % 10}-0{1 + i % 9}-15"
        )


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="kusanone-report-"))
    make_store(root)
    timings = {"build": [], "markdown": [], "html": [], "all": []}
    for _ in range(5):
        t0 = time.perf_counter()
        built = reports.build([root])
        t1 = time.perf_counter()
        reports.to_markdown(built)
        t2 = time.perf_counter()
        reports.to_html(built)
        t3 = time.perf_counter()
        timings["build"].append(t1 - t0)
        timings["markdown"].append(t2 - t1)
        timings["html"].append(t3 - t2)
        timings["all"].append(t3 - t0)
    print(f"60 sessions, {len(built.meetings)} meetings in the report")
    print("| step | median | max | target | met |")
    print("|---|---:|---:|---|---|")
    for name, values in timings.items():
        target = "< 1 s" if name == "all" else ""
        met = ("yes" if max(values) < 1 else "NO") if name == "all" else ""
        print(
            f"| {name} | {statistics.median(values) * 1e3:.0f} ms | "
            f"{max(values) * 1e3:.0f} ms | {target} | {met} |"
        )


if __name__ == "__main__":
    main()
