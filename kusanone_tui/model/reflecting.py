"""The reflecting-team turn (リフレクティング), after Tom Andersen.

A talker (話し手) speaks with an interviewer (聞き手) while a small reflecting team listens; then
the team talks among themselves about what they heard while the talker only listens; then the
talker says what resonated. Reflection and response may repeat. Then the turn ends: the room is
back together (:data:`END`), and there is no further phase.

The turn's phases and their time boxes (:func:`turn_plan`) are the stage's ``phases`` option in the
template, as listed; without it, :data:`DEFAULT_PHASES` in their proportions, sized to the stage's
minutes. The plan always ends with the talker's response. When the phases still to come no longer
fit in the stage's time left, :func:`overrun` says by how much (for the facilitator's eyes only).

One vocabulary everywhere: 話し手 (talker), 聞き手 (interviewer), リフレクティング・チーム
(reflecting team).
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
END = "end"
"""The phase after the talker's last response: back to the room. ``p`` does nothing more."""
SETTLE_MINUTES = 1.0
"""Left free in a stage sized from the defaults: to start, and to come back to the room."""


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
    step: int = -1  # index of the running phase in the turn's plan (-1: not begun)

    @property
    def ended(self) -> bool:
        return self.phase == END


def phase_plan(options: Mapping[str, Any]) -> list[tuple[str, float]]:
    """The phases of a reflecting stage and their minutes, from the template's ``phases``."""
    return _listed(options) or list(DEFAULT_PHASES)


def _listed(options: Mapping[str, Any]) -> list[tuple[str, float]]:
    """The template's own phases (those given well), as listed."""
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
    return plan


def phase_minutes(options: Mapping[str, Any], phase: str) -> float | None:
    """A phase's minutes: the plan's first entry for it, else its default time box."""
    for kind, minutes in [*phase_plan(options), *DEFAULT_PHASES]:
        if kind == phase:
            return minutes
    return None


def _half_minutes_down(minutes: float) -> float:
    return max(0.5, math.floor(minutes * 2 + 1e-9) / 2)


def turn_plan(
    options: Mapping[str, Any], stage_minutes: float | None = None
) -> list[tuple[str, float]]:
    """The turn's phases in order, with their minutes; the last is always the talker's response.

    A template's ``phases`` are taken as listed (repeat reflection and response there to have
    more than one cycle); a turn always has a conversation first, a reflection, and the talker's
    response last, so what the list leaves out comes in with its default minutes. Without
    ``phases``, the default phases share the stage's minutes (less :data:`SETTLE_MINUTES`) in the
    default proportions, in half minutes: a 15-minute stage gets 6 / 4 / 3, a 25-minute one
    11 / 7 / 5.5.
    """
    plan = phase_plan(options)
    sized = stage_minutes is not None and math.isfinite(stage_minutes) and stage_minutes > 0
    if sized and not _listed(options):
        assert stage_minutes is not None
        room = max(stage_minutes - SETTLE_MINUTES, 0.5 * len(plan))
        total = sum(minutes for _, minutes in plan)
        plan = [(kind, _half_minutes_down(minutes * room / total)) for kind, minutes in plan]
    kinds = [kind for kind, _ in plan]
    if "conversation" not in kinds:  # a turn begins with the conversation
        plan.insert(0, ("conversation", phase_minutes(options, "conversation") or 6.0))
        kinds.insert(0, "conversation")
    if "reflection" not in kinds:  # and has a reflection, after the (last) conversation
        at = len(kinds) - kinds[::-1].index("conversation")
        plan.insert(at, ("reflection", phase_minutes(options, "reflection") or 4.0))
    if plan[-1][0] != "response":  # and ends with the talker's response
        plan.append(("response", phase_minutes(options, "response") or 3.0))
    return plan


def following(
    state: ReflectingState, plan: Sequence[tuple[str, float]]
) -> tuple[str, int, int] | None:
    """The phase ``p`` moves to: ``(phase, cycle, step)``; :data:`END` after the last
    response; ``None`` once the turn has ended (``p`` does nothing more)."""
    if state.phase == END:
        return None
    step = state.step + 1 if state.phase is not None else 0
    if step >= len(plan):
        return END, state.cycle, len(plan)
    kind = plan[step][0]
    reflections = sum(1 for k, _ in plan[: step + 1] if k == "reflection")
    return kind, max(reflections, 1), step


def step_minutes(state: ReflectingState, plan: Sequence[tuple[str, float]]) -> float | None:
    """The running phase's minutes in the plan (``None`` before the first and at the end)."""
    if state.phase in (None, END):
        return None
    if 0 <= state.step < len(plan) and plan[state.step][0] == state.phase:
        return plan[state.step][1]
    return next((minutes for kind, minutes in plan if kind == state.phase), None)


def phase_remaining(
    state: ReflectingState, plan: Sequence[tuple[str, float]], now: float
) -> float | None:
    """Seconds left in the running phase's time box (negative once over)."""
    minutes = step_minutes(state, plan)
    if minutes is None or state.phase_started_at is None:
        return None
    return minutes * 60 - max(0.0, now - state.phase_started_at)


def overrun(
    state: ReflectingState,
    plan: Sequence[tuple[str, float]],
    stage_remaining: float | None,
    now: float,
) -> float | None:
    """Seconds by which the turn, at this pace, ends after the stage's time box.

    What is still to come is the running phase's time left (none once it is over) plus every
    later phase of the plan. ``None`` when it fits, when the turn has ended, or when there is no
    stage clock.
    """
    if stage_remaining is None or state.phase == END:
        return None
    if state.phase is None:
        to_come = sum(minutes for _, minutes in plan) * 60
    else:
        left = phase_remaining(state, plan, now)
        to_come = max(0.0, left or 0.0) + sum(m for _, m in plan[state.step + 1 :]) * 60
    over = to_come - stage_remaining
    return over if over > 0 else None


def roles_problem(
    talkers: Sequence[str], interviewer: str | None, team: Sequence[str]
) -> str | None:
    """Why these roles cannot be: ``"same_person"`` (the talker is also the interviewer),
    ``"team_has_talker"``, ``"team_has_interviewer"``; ``None`` when they can."""
    members = {person.strip() for person in team}
    if interviewer and interviewer in talkers:
        return "same_person"
    if any(person.strip() in members for person in talkers):
        return "team_has_talker"
    if interviewer and interviewer.strip() in members:
        return "team_has_interviewer"
    return None


def speakers_and_listeners(state: ReflectingState) -> tuple[list[str], list[str]]:
    """Who talks in the current phase, and who (of the roles) only listens."""
    talkers = list(state.talkers)
    interviewer = [state.interviewer] if state.interviewer else []
    team = list(state.team)
    if state.phase == END:
        return [], []  # back to the room: everyone
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
    if current is None or (phase not in PHASES and phase != END):
        return
    step = data.get("step")
    if isinstance(step, int) and not isinstance(step, bool) and step >= 0:
        current.step = step
    else:  # an older log: one step on
        current.step = current.step + 1 if current.phase is not None else 0
    current.phase = str(phase)
    cycle = data.get("cycle")
    current.cycle = cycle if isinstance(cycle, int) and cycle > 0 else max(current.cycle, 1)
    current.phase_started_at = event.at


HANDLERS = {"reflecting.roles": _roles, "reflecting.phase": _phase}
