"""出演時間の計画 (the block's plan): pure, no I/O, no clock of its own.

Given the block's window, the time now, when the stage is free, and the performers waiting in
their running order with their wishes, :func:`plan` gives each act that fits a start and an end,
and lists, apart, who would not fit (for the facilitator's own screen only).

The rules, in the order they apply:

1. The plan never passes the block's end.
2. Every waiting performer is either planned or in ``not_fitting``; nobody is lost.
3. Each act is preceded by a changeover (転換), a little longer for someone with a companion.
4. 「HH:MM 以降」: the act starts no earlier; meanwhile the next ones go first (an idle gap only
   when everyone left is waiting for their time).
5. A requested length is a ceiling: the act gets it, or less when time is short, never more.
6. Otherwise the time is shared equally ("water-filling"): everyone without a request gets the
   same slot, between ``min_slot`` and ``max_slot``; a shorter request leaves its share to the
   others.
7. Who fits is decided in running order at the shortest slot: whoever cannot start and finish a
   shortest slot before the end goes to ``not_fitting``; a later, shorter act may still fit.
8. The performer already told "you're next" (``pinned``) goes first when they can.
9. Performers on hold (あとで) are planned after everyone present, in their order, so time is
   kept for them only when there is some.

All times are seconds (epoch seconds for instants).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Entry:
    """One waiting performer as the planner sees it: an id and the wishes that bear on time."""

    id: str
    not_before: float | None = None  # 「HH:MM 以降」 as an instant
    minutes: float | None = None  # a requested length, in minutes
    companion: bool = False  # 同伴者あり: a longer changeover
    away: bool = False  # あとで (on hold): planned after everyone present


@dataclass(frozen=True, slots=True)
class Settings:
    """Lengths in seconds. ``granularity``: slots are whole multiples of it where possible."""

    min_slot: float = 5 * 60
    max_slot: float = 15 * 60
    changeover: float = 2 * 60
    companion_extra: float = 60
    granularity: float = 30

    def __post_init__(self) -> None:
        for name in ("min_slot", "max_slot", "changeover", "companion_extra", "granularity"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
                raise ValueError(f"{name} must be a number of seconds, not {value!r}")
        if self.min_slot <= 0 or self.granularity <= 0 or self.max_slot < self.min_slot:
            raise ValueError("need 0 < min_slot <= max_slot and granularity > 0")


@dataclass(frozen=True, slots=True)
class Act:
    """One planned act: when its performer starts and finishes (the changeover is before)."""

    id: str
    start: float
    end: float

    @property
    def length(self) -> float:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Plan:
    acts: tuple[Act, ...]
    not_fitting: tuple[str, ...]  # private: the facilitator's own screen only
    start: float  # when the stage is free for the first planned changeover
    end: float  # the block's hard end
    level: float  # the shared slot of everyone without a request

    @property
    def ids(self) -> list[str]:
        return [act.id for act in self.acts]


def _changeover(entry: Entry, settings: Settings) -> float:
    return settings.changeover + (settings.companion_extra if entry.companion else 0.0)


def _cap(entry: Entry, settings: Settings) -> float:
    if entry.minutes is not None and entry.minutes > 0:
        return entry.minutes * 60.0
    return settings.max_slot


def _shortest(entry: Entry, settings: Settings) -> float:
    return min(settings.min_slot, _cap(entry, settings))


def _slot(entry: Entry, settings: Settings, level: float) -> float:
    return max(_shortest(entry, settings), min(_cap(entry, settings), level))


def _start(entry: Entry, free_at: float, settings: Settings) -> float:
    ready = free_at + _changeover(entry, settings)
    return ready if entry.not_before is None else max(ready, entry.not_before)


def _queue(entries: Iterable[Entry], pinned: str | None) -> list[Entry]:
    """Present performers in order (the pinned one first), then those on hold; no repeats."""
    seen: set[str] = set()
    unique = []
    for entry in entries:
        if entry.id not in seen:
            seen.add(entry.id)
            unique.append(entry)
    present = [e for e in unique if not e.away]
    first = [e for e in present if e.id == pinned]
    rest = [e for e in present if e.id != pinned]
    return first + rest + [e for e in unique if e.away]


def _choose(
    queue: list[Entry], begin: float, end: float, settings: Settings
) -> tuple[list[Entry], list[str]]:
    """Rule 7: who fits at the shortest slot, and in which order (rules 4 and 8)."""
    chosen: list[Entry] = []
    left_out: list[str] = []
    remaining = list(queue)
    free_at = begin
    while remaining:
        pick = None
        for index, entry in enumerate(remaining):
            nb = entry.not_before
            if nb is None or nb <= free_at + _changeover(entry, settings):
                pick = index
                break
        if pick is None:  # everyone left waits for their time: the soonest goes next
            pick = min(range(len(remaining)), key=lambda i: (remaining[i].not_before, i))
        entry = remaining.pop(pick)
        start = _start(entry, free_at, settings)
        finish = start + _shortest(entry, settings)
        if finish <= end:
            chosen.append(entry)
            free_at = finish
        else:
            left_out.append(entry.id)
    return chosen, left_out


def _lay_out(chosen: Sequence[Entry], begin: float, settings: Settings, level: float) -> list[Act]:
    acts = []
    free_at = begin
    for entry in chosen:
        start = _start(entry, free_at, settings)
        free_at = start + _slot(entry, settings, level)
        acts.append(Act(entry.id, start, free_at))
    return acts


def plan(
    entries: Sequence[Entry],
    *,
    start: float,
    end: float,
    now: float,
    settings: Settings | None = None,
    busy_until: float | None = None,
    pinned: str | None = None,
) -> Plan:
    """The plan for ``entries`` (in running order) in the block ``start``–``end``.

    ``busy_until``: when the act on stage is due to finish (pass ``max(its planned end, now)``,
    so an overrun pushes the rest back and their slots shrink).
    """
    settings = settings or Settings()
    begin = max(start, now, busy_until if busy_until is not None else -math.inf)
    chosen, left_out = _choose(_queue(entries, pinned), begin, end, settings)
    # Rule 6: the largest shared level (a multiple of the granularity) that still fits. The end
    # of the plan only grows with the level, so a binary search finds it; level 0 gives every act
    # its shortest slot, which fits by rule 7.
    step = settings.granularity
    top = max([_cap(e, settings) for e in chosen] or [0.0])
    low, high = 0, math.ceil(top / step)
    while low < high:
        middle = (low + high + 1) // 2
        acts = _lay_out(chosen, begin, settings, middle * step)
        if not acts or acts[-1].end <= end:
            low = middle
        else:
            high = middle - 1
    level = low * step
    acts = _lay_out(chosen, begin, settings, level)
    shared = max(settings.min_slot, min(settings.max_slot, level))
    return Plan(tuple(acts), tuple(left_out), begin, end, shared)
