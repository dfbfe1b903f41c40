"""The reflecting-team turn (リフレクティング), after Tom Andersen.

A talker (話し手) speaks with an interviewer (聞き手) while a small reflecting team listens; then
the team talks among themselves about what they heard while the talker only listens; then the
talker says what resonated. Reflection and response may repeat. Phases and their time boxes come
from the stage's ``phases`` option in the template, or :data:`DEFAULT_PHASES`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .events import Event
    from .state import MeetingState

PHASES: tuple[str, ...] = ("conversation", "reflection", "response")
DEFAULT_PHASES: tuple[tuple[str, float], ...] = (
    ("conversation", 6.0),
    ("reflection", 4.0),
    ("response", 3.0),
)
TEAM_SIZE = (2, 4)


@dataclass(slots=True)
class ReflectingState:
    """Roles and the running phase of the current reflecting stage.

    People are participant ids, or names typed by the facilitator for someone not on the roster.
    """

    talkers: list[str] = field(default_factory=list)
    interviewer: str | None = None
    team: list[str] = field(default_factory=list)
    phase: str | None = None
    cycle: int = 0
    phase_started_at: float | None = None


def phase_plan(options: Mapping[str, Any]) -> list[tuple[str, float]]:
    """The phases of a reflecting stage and their minutes, from the template's ``phases``."""
    raw = options.get("phases")
    plan: list[tuple[str, float]] = []
    if isinstance(raw, Sequence) and not isinstance(raw, str):
        for item in raw:
            if not isinstance(item, Mapping):
                continue
            kind, minutes = item.get("kind"), item.get("minutes")
            if (
                kind in PHASES
                and isinstance(minutes, int | float)
                and not isinstance(minutes, bool)
                and math.isfinite(minutes)
                and minutes > 0
            ):
                plan.append((str(kind), float(minutes)))
    return plan or list(DEFAULT_PHASES)


def phase_minutes(options: Mapping[str, Any], phase: str) -> float | None:
    """A phase's minutes: the plan's first entry for it, else its default time box."""
    for kind, minutes in [*phase_plan(options), *DEFAULT_PHASES]:
        if kind == phase:
            return minutes
    return None


def next_phase(current: str | None, cycle: int) -> tuple[str, int]:
    """conversation → reflection → response → reflection (a new cycle) → response → …"""
    if current is None:
        return "conversation", 1
    if current == "conversation":
        return "reflection", cycle
    if current == "reflection":
        return "response", cycle
    return "reflection", cycle + 1


def speakers_and_listeners(state: ReflectingState) -> tuple[list[str], list[str]]:
    """Who talks in the current phase, and who (of the roles) only listens."""
    talkers = list(state.talkers)
    interviewer = [state.interviewer] if state.interviewer else []
    team = list(state.team)
    if state.phase == "reflection":
        return team, talkers + interviewer
    if state.phase == "response":
        return talkers + interviewer, team
    return talkers + interviewer, team


# -- fold handlers (registered by state.py) ---------------------------------------------------


def _people(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, Sequence):
        return [str(v) for v in value if isinstance(v, str) and v.strip()]
    return []


def _roles(state: MeetingState, event: Event, data: dict[str, Any]) -> None:
    current = state.reflecting
    if current is None:
        return
    current.talkers = _people(data.get("talkers"))
    interviewer = _people(data.get("interviewer"))
    current.interviewer = interviewer[0] if interviewer else None
    current.team = _people(data.get("team"))


def _phase(state: MeetingState, event: Event, data: dict[str, Any]) -> None:
    current = state.reflecting
    phase = data.get("phase")
    if current is None or phase not in PHASES:
        return
    current.phase = str(phase)
    cycle = data.get("cycle")
    current.cycle = cycle if isinstance(cycle, int) and cycle > 0 else max(current.cycle, 1)
    current.phase_started_at = event.at


HANDLERS = {"reflecting.roles": _roles, "reflecting.phase": _phase}
