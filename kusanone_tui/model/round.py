"""The round of updates (近況報告): who speaks next, derived from the state.

Everyone present is in the round; late arrivals join at the end; someone who said "later" comes
back after everyone else; someone who left drops out. A pass is an ordinary end of a turn: it is
kept in the state only so the round knows who is done, and no view shows or counts it.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from .state import MeetingState

ORDER_MODES: tuple[str, ...] = ("seating", "random", "volunteers")


def make_order(participant_ids: Sequence[str], mode: str, seed: int | None = None) -> list[str]:
    """The speaking order for a new round.

    ``seating`` keeps the order people joined in (the facilitator may add them in seating order);
    ``random`` shuffles with ``seed`` (recorded in the log, so the order can be shown to be fair);
    ``volunteers`` starts with no fixed order: the facilitator picks whoever raises a hand, and
    the rest follow in seating order.
    """
    order = list(participant_ids)
    if mode == "random":
        random.Random(seed).shuffle(order)
    return order


def in_round(state: MeetingState) -> bool:
    """A round stage, or any stage whose template says ``turns = true`` (a plugin's stage where
    people take turns, like drawing a card each)."""
    stage = state.stage
    return stage is not None and (stage.type == "round" or stage.options.get("turns") is True)


def queue(state: MeetingState) -> list[str]:
    """Who is still to speak, in order, not counting the current speaker."""
    if not in_round(state):
        return []
    present = [p.id for p in state.participants.values() if p.present]
    order = [pid for pid in state.round_order if pid in present]
    order += [pid for pid in present if pid not in order]  # late arrivals join the round
    done = set(state.spoken) | set(state.passed)
    current = state.turn.participant_id if state.turn else None
    waiting = [pid for pid in order if pid not in done and pid != current]
    later = [pid for pid in state.deferred if pid in waiting]
    return [pid for pid in waiting if pid not in later] + later


def next_speaker(state: MeetingState) -> str | None:
    waiting = queue(state)
    return waiting[0] if waiting else None


def round_done(state: MeetingState) -> bool:
    """Everyone present has spoken or passed, and nobody is speaking."""
    return (
        in_round(state)
        and state.turn is None
        and not queue(state)
        and bool(state.spoken or state.passed)
    )


def turn_minutes(state: MeetingState) -> float | None:
    stage = state.stage
    value = stage.options.get("turn_minutes") if stage is not None else None
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return float(value)
    return None


def turn_over_time(state: MeetingState, now: float) -> bool:
    """The current turn has reached its time box (a gentle cue, never an alarm)."""
    minutes = turn_minutes(state)
    if state.turn is None or minutes is None:
        return False
    return now - state.turn.started_at >= minutes * 60
