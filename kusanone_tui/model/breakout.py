"""Subcommittee breakouts (分科会): the room splits into groups, then reports back.

Groups come from the stage's ``groups`` option in the template (for example 居場所部会 and
イベント部会) or are made on the spot. People choose a group, are placed by hand, or are balanced
automatically; anyone may move at any time. Each group has a topic and its own notes; a note
tagged ``summary`` and made public is the group's summary for the report-back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .events import Event
    from .state import MeetingState

DEFAULT_NOTICE_MINUTES = 3.0
SUMMARY_TAG = "summary"


@dataclass(slots=True)
class Group:
    id: str
    name: Mapping[str, str]
    topic: str = ""
    bukai: str = ""  # the standing 部会 (a registry group's id) this breakout was opened from


@dataclass(slots=True)
class BreakoutState:
    """The groups of this meeting (they outlive the breakout stage, for the report-back)."""

    groups: dict[str, Group] = field(default_factory=dict)
    seats: dict[str, str] = field(default_factory=dict)  # participant id -> group id

    def members(self, group_id: str) -> list[str]:
        return [pid for pid, gid in self.seats.items() if gid == group_id]


def template_groups(options: Mapping[str, Any]) -> list[Group]:
    """Groups named in a breakout stage's ``groups`` option."""
    raw = options.get("groups")
    groups: list[Group] = []
    if isinstance(raw, Sequence) and not isinstance(raw, str):
        for item in raw:
            if isinstance(item, Mapping) and isinstance(item.get("id"), str):
                name = item.get("name") or item["id"]
                names = {"ja": name} if isinstance(name, str) else dict(name)
                groups.append(Group(item["id"], names, str(item.get("topic") or "")))
    return groups


def bukai_groups(state: MeetingState) -> dict[str, str]:
    """The groups opened from a standing 部会: group id → the 部会's registry id."""
    return {gid: group.bukai for gid, group in state.breakout.groups.items() if group.bukai}


def balance(
    people: Sequence[str], groups: Sequence[str], seats: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Seat everyone so group sizes differ by at most one, moving as few people as possible.

    People already in a group stay unless their group is over the fair share; the unseated and
    the moved go, in order, to the smallest group.
    """
    if not groups:
        return {}
    seats = {pid: gid for pid, gid in (seats or {}).items() if gid in groups and pid in people}
    total, count = len(people), len(groups)
    share = {
        gid: total // count + (1 if i < total % count else 0)
        for i, gid in enumerate(
            sorted(groups, key=lambda g: -sum(1 for v in seats.values() if v == g))
        )
    }
    result: dict[str, str] = {}
    sizes = dict.fromkeys(groups, 0)
    waiting = []
    for pid in people:
        gid = seats.get(pid)
        if gid is not None and sizes[gid] < share[gid]:
            result[pid] = gid
            sizes[gid] += 1
        else:
            waiting.append(pid)
    for pid in waiting:
        gid = min(groups, key=lambda g: (sizes[g] - share[g], sizes[g]))
        result[pid] = gid
        sizes[gid] += 1
    return result


def regroup_soon(state: MeetingState, now: float) -> bool:
    """A few minutes before the breakout's time box ends: time for a soft notice."""
    stage = state.stage
    if stage is None or stage.type != "breakout":
        return False
    remaining = state.stage_remaining(now)
    minutes = stage.options.get("notice_minutes", DEFAULT_NOTICE_MINUTES)
    if isinstance(minutes, bool) or not isinstance(minutes, int | float) or minutes < 0:
        minutes = DEFAULT_NOTICE_MINUTES  # a template typo must not silence the notice
    if remaining is None:
        return False
    return 0 <= remaining <= float(minutes) * 60


# -- fold handlers (registered by state.py) ---------------------------------------------------


def _group_added(state: MeetingState, event: Event, data: dict[str, Any]) -> None:
    gid = data.get("group_id")
    name = data.get("name")
    if not isinstance(gid, str) or not name:
        return
    names = {"ja": name} if isinstance(name, str) else dict(name)
    group = state.breakout.groups.get(gid)
    bukai = data.get("bukai") if isinstance(data.get("bukai"), str) else ""
    if group is None:
        state.breakout.groups[gid] = Group(gid, names, str(data.get("topic") or ""), bukai)
    else:
        group.name = names
        if bukai:  # a group of the template linked to its standing 部会
            group.bukai = bukai


def _topic(state: MeetingState, event: Event, data: dict[str, Any]) -> None:
    group = state.breakout.groups.get(str(data.get("group_id")))
    if group is not None:
        group.topic = str(data.get("topic") or "")


def _moved(state: MeetingState, event: Event, data: dict[str, Any]) -> None:
    pid, gid = data.get("participant_id"), data.get("group_id")
    if pid not in state.participants:
        return
    if gid is None:
        state.breakout.seats.pop(pid, None)
    elif gid in state.breakout.groups:
        state.breakout.seats[pid] = gid


def _balanced(state: MeetingState, event: Event, data: dict[str, Any]) -> None:
    seats = data.get("seats")
    if not isinstance(seats, Mapping):
        return
    for pid, gid in seats.items():
        if pid in state.participants and gid in state.breakout.groups:
            state.breakout.seats[pid] = gid


HANDLERS = {
    "breakout.group_added": _group_added,
    "breakout.topic": _topic,
    "breakout.moved": _moved,
    "breakout.balanced": _balanced,
}
