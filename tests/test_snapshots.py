"""Snapshots of the key screens, in Japanese, as plain text.

A change to a screen shows up here as a diff. After checking the new screen by eye (run the app,
or look at the SVG written beside the snapshot), refresh with:
``KUSANONE_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_snapshots.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kusanone_tui.meeting import Meeting
from kusanone_tui.store.sessions import SessionStore
from kusanone_tui.templates import load
from kusanone_tui.testing import screen_text
from kusanone_tui.tui.app import KusanoneApp

SNAPSHOTS = Path(__file__).parent / "snapshots"
SIZE = (120, 32)


def scene(tmp_path, clock):
    log = SessionStore(tmp_path / "s").create(load("teireikai"), title="11月の定例会", clock=clock)
    meeting = Meeting(log)
    people = [
        meeting.join("みどり", "self"),
        meeting.join("さくらの母", "family", minutes_name=True),
        meeting.join("ゲスト"),
        meeting.join("そら", "self", show_name=False),
    ]
    meeting.next_stage()
    clock.advance(4 * 60)
    meeting.next_stage()
    clock.advance(30)
    meeting.next_turn()
    meeting.pass_turn()
    notes = Meeting(log, "notes")
    notes.add_note("先月から散歩を続けています", "public", participant_id=people[1])
    notes.add_note("家族会に誘った", "minutes", participant_id=people[1])
    notes.add_note("ウラ：帰りに声をかける", "private")
    clock.advance(95)
    return log


def check(name: str, text: str, svg: str) -> None:
    path = SNAPSHOTS / f"{name}.txt"
    if os.environ.get("KUSANONE_UPDATE_SNAPSHOTS"):
        path.write_text(text, "utf-8")
        (SNAPSHOTS / f"{name}.svg").write_text(svg, "utf-8")
    assert path.exists(), f"no snapshot {path.name}: run with KUSANONE_UPDATE_SNAPSHOTS=1"
    assert text == path.read_text("utf-8")


@pytest.mark.parametrize("role", ["facilitator", "notes", "projector"])
async def test_screen_snapshot(tmp_path, clock, role):
    app = KusanoneApp(scene(tmp_path, clock), role=role, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        check(role, screen_text(app), app.export_screenshot())
