"""From the meeting to the planner: the block's window, its settings, and the plan right now.

A block is a template stage of type ``openmic``. Its fixed times are stage options,
``start = "16:30"`` and ``end = "18:20"``, on the day the stage runs; ``end`` is a hard end. A
stage without them runs from when it starts for its ``minutes`` (and any minutes added).
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import schedule
from .state import OpenMic

STAGE_TYPE = "openmic"
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")

#: Stage options (or ``plugins.toml`` ``[openmic]`` keys) and their defaults, in minutes.
DEFAULTS: dict[str, float] = {
    "min_slot_minutes": 5,
    "max_slot_minutes": 15,
    "changeover_minutes": 2,
    "companion_minutes": 1,
}
NEXT_FEW = 3  # the projector shows who is on, who is next, and this many after


def clock_time(text: Any) -> tuple[int, int] | None:
    """``"16:30"`` → ``(16, 30)``; anything else → ``None``."""
    match = _CLOCK.match(text.strip()) if isinstance(text, str) else None
    return (int(match.group(1)), int(match.group(2))) if match else None


def at_clock(day: float, text: str) -> float | None:
    """The instant ``text`` ("HH:MM", local time) on the local day of ``day``."""
    parts = clock_time(text)
    if parts is None:
        return None
    local = time.localtime(day)
    return time.mktime(
        (local.tm_year, local.tm_mon, local.tm_mday, parts[0], parts[1], 0, 0, 0, -1)
    )


def hhmm(at: float) -> str:
    return time.strftime("%H:%M", time.localtime(at))


def openmic_stages(meeting) -> list[tuple[int, Any]]:
    """(index, stage) of each open-mic block of the meeting's template."""
    stages = meeting.template.stages if meeting is not None and meeting.template else ()
    return [(i, s) for i, s in enumerate(stages) if s.type == STAGE_TYPE]


def current_block(meeting) -> str | None:
    """The open-mic block now running, else the first one still to come, else the last one."""
    blocks = openmic_stages(meeting)
    if not blocks:
        return None
    if meeting.stage is not None and meeting.stage.type == STAGE_TYPE:
        return meeting.stage.id
    done = {index for index, _, ended in meeting.stage_history if ended is not None}
    to_come = [stage for index, stage in blocks if index not in done]
    return (to_come or [blocks[-1][1]])[0].id


@dataclass(frozen=True, slots=True)
class Window:
    index: int
    title: Mapping[str, str]
    start: float
    end: float
    running: bool  # the stage is on now
    day: float  # an instant on the block's day, for "HH:MM" wishes


def window(meeting, block_id: str, now: float) -> Window | None:
    """The block's start and hard end (epoch seconds)."""
    found = [(i, s) for i, s in openmic_stages(meeting) if s.id == block_id]
    if not found:
        return None
    index, stage = found[0]
    runs = [started for i, started, _ in meeting.stage_history if i == index]
    started = runs[-1] if runs else None
    running = meeting.stage_index == index
    day = started if started is not None else now
    start = at_clock(day, stage.options.get("start", ""))
    if start is None:
        start = started if started is not None else now
    elif running and started is not None:
        start = min(start, started)  # begun a little early: the acts may begin too
    end = at_clock(day, stage.options.get("end", ""))
    if end is not None and end <= start:
        end += 24 * 3600  # a block that runs past midnight
    if end is None:
        remaining = meeting.stage_remaining(now) if running else None
        end = now + remaining if remaining is not None else start + stage.minutes * 60
    return Window(index, stage.title, start, end, running, day)


def settings(options: Mapping[str, Any], plugin: Mapping[str, Any]) -> schedule.Settings:
    """The planner's settings: the stage's options, else ``plugins.toml``, else the defaults."""
    values = {}
    for key, default in DEFAULTS.items():
        raw = options.get(key, plugin.get(key, default))
        ok = isinstance(raw, int | float) and not isinstance(raw, bool) and 0 <= raw <= 240
        values[key] = float(raw) if ok else float(default)
    low = max(values["min_slot_minutes"], 0.5)
    return schedule.Settings(
        min_slot=low * 60,
        max_slot=max(values["max_slot_minutes"], low) * 60,
        changeover=values["changeover_minutes"] * 60,
        companion_extra=values["companion_minutes"] * 60,
    )


@dataclass(frozen=True, slots=True)
class Picture:
    """Everything a screen needs about one block at one moment."""

    block: str
    window: Window
    plan: schedule.Plan
    settings: schedule.Settings
    now: float


def picture(
    openmic: OpenMic, meeting, block_id: str, now: float, plugin: Mapping[str, Any] | None = None
) -> Picture | None:
    """The block's plan now: from now (or, before the block, from its start) to its end."""
    win = window(meeting, block_id, now)
    if win is None:
        return None
    stage = meeting.template.stages[win.index]
    chosen = settings(stage.options, plugin or {})
    block = openmic.block(block_id)
    entries = []
    for person in openmic.waiting(block_id):
        not_before = at_clock(win.day, person.not_before) if person.not_before else None
        entries.append(
            schedule.Entry(person.id, not_before, person.minutes, person.companion, person.away)
        )
    busy_until = None
    if block.on_stage is not None:
        busy_until = max(block.on_stage.started_at + block.on_stage.slot, now)
    planning_now = now
    if not win.running and block.on_stage is None and not win.start <= now < win.end:
        planning_now = win.start  # planning ahead (the day before, or the block is over)
    result = schedule.plan(
        entries,
        start=win.start,
        end=win.end,
        now=planning_now,
        settings=chosen,
        busy_until=busy_until,
        pinned=block.pinned,
    )
    return Picture(block_id, win, result, chosen, now)
