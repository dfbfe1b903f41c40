"""Views of the state for an audience: what the projector, the minutes and exports may see.

The audiences are ordered: ``public`` (the projector) ⊂ ``minutes`` (default exports and the
minutes) ⊂ ``private`` (the note-taker's own screen, and exports asked for with
``--include-private``). A view is built by copying only what its audience may see, so code that
renders a view cannot reach anything else.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .events import UNDO_KIND, Event, redacted_data
from .state import MeetingState, Note, Participant

Audience = Literal["public", "minutes", "private"]
_REACH: dict[str, tuple[str, ...]] = {
    "public": ("public",),
    "minutes": ("public", "minutes"),
    "private": ("public", "minutes", "private", "live"),  # live: plugins' projector-only events
}


def visible_notes(state: MeetingState, audience: Audience) -> list[Note]:
    """Notes an audience may see, oldest first; redacted notes are left out."""
    reach = _REACH[audience]
    return [n for n in state.notes.values() if n.visibility in reach and not n.redacted]


def _hash_label(number: int) -> str:
    return f"#{number}"


def participant_label(
    state: MeetingState,
    person: Participant,
    audience: Audience,
    anonymous: Callable[[int], str] = _hash_label,
) -> str:
    """The name to show an audience, or a neutral label when the person did not agree.

    On the projector a name shows unless the person said no (``show_name``); in the minutes and
    default exports only when they said yes (``minutes_name``).
    """
    if audience == "private" and person.name:
        return person.name
    agreed = person.show_name if audience == "public" else person.minutes_name
    if agreed and person.name:
        return person.name
    number = list(state.participants).index(person.id) + 1
    return anonymous(number)


def wall_state(state: MeetingState, anonymous: Callable[[int], str] = _hash_label) -> MeetingState:
    """The meeting as the wall may show it: the facilitator's screen when it is projected.

    A copy of ``state`` where each person's name is the room's label (a name only where its
    owner agreed to be shown), only public notes remain, and a pass reads like any spoken turn.
    Screens and plugin panels drawn from it cannot show what the projector may not.
    """
    wall = copy.copy(state)
    wall.participants = {
        pid: dataclasses.replace(person, name=participant_label(state, person, "public", anonymous))
        for pid, person in state.participants.items()
    }
    wall.notes = {
        nid: note
        for nid, note in state.notes.items()
        if note.visibility == "public" and not note.redacted
    }
    wall.spoken = [*state.spoken, *state.passed]  # who is done, without saying how
    wall.passed = []
    wall.history = []  # the events folded in hold every note's text: never on the wall
    wall.stage_progress = {}  # a stage left earlier keeps who passed
    return wall


@dataclass(frozen=True, slots=True)
class PublicNote:
    id: str
    text: str
    at: float
    speaker: str | None


def public_board(
    state: MeetingState, anonymous: Callable[[int], str] = _hash_label
) -> list[PublicNote]:
    """The projector's board of public notes: text and speaker label only."""
    board = []
    for note in visible_notes(state, "public"):
        person = state.participants.get(note.participant_id or "")
        speaker = participant_label(state, person, "public", anonymous) if person else None
        board.append(PublicNote(note.id, note.text or "", note.at, speaker))
    return board


def _private_note_ids(state: MeetingState, audience: Audience) -> set[str]:
    reach = _REACH[audience]
    return {note_id for note_id, note in state.notes.items() if note.visibility not in reach}


_QUIET_ENDS = ("turn.passed", "turn.deferred")


def export_events(
    events: Iterable[Event], state: MeetingState, audience: Audience = "minutes"
) -> list[dict[str, Any]]:
    """The log as an audience may see it: hidden notes' events dropped, names as agreed."""
    hidden = _private_note_ids(state, audience)
    reach = _REACH[audience]
    first_added: set[str] = set()
    out = []
    for event in events:
        if audience != "private" and (event.kind == UNDO_KIND or event.id in state.undone):
            continue  # what was undone did not happen, as the minutes tell it
        data = dict(event.data)
        pid = data.get("participant_id")
        if event.kind.startswith("note."):
            note_id = data.get("note_id")
            note = state.notes.get(note_id) if isinstance(note_id, str) else None
            # Only events of notes this audience may see; a repeated note.added (ignored by
            # the fold) is dropped too, so its text cannot slip out under another visibility.
            if note is None or note_id in hidden:
                continue
            if event.kind == "note.added":
                if note_id in first_added:
                    continue
                first_added.add(note_id)
            if note.redacted:
                data = redacted_data(data)
        elif event.kind in _QUIET_ENDS and audience != "private":
            # A pass (or "later") reads as any other end of a turn: no gap, no kind of its own.
            record = {**event.to_dict(), "kind": "turn.ended", "data": {"participant_id": pid}}
            out.append({**record, "seq": event.seq})
            continue
        elif data.get("visibility") not in (None, *reach):
            continue
        if "name" in data and pid in state.participants and audience != "private":
            data["name"] = participant_label(state, state.participants[pid], audience)
        record = event.to_dict()
        record["seq"] = event.seq
        record["data"] = data
        out.append(record)
    if audience != "private":
        # Positions, not log numbers: a gap in the numbers would show that something was left
        # out (a private note, a pass).
        for number, record in enumerate(out, start=1):
            record["seq"] = number
    return out


def export_state(state: MeetingState, audience: Audience = "minutes") -> dict[str, Any]:
    """The folded state as a plain dict for an audience (JSON-ready)."""
    stage = state.stage
    people = [
        {
            "id": p.id,
            "name": participant_label(state, p, audience),
            "position": p.position,
            "joined_at": p.joined_at,
            "left_at": p.left_at,
        }
        for p in state.participants.values()
    ]
    notes = [
        {
            "id": n.id,
            "text": n.text,
            "visibility": n.visibility,
            "at": n.at,
            "participant_id": n.participant_id,
            "stage_index": n.stage_index,
            "tags": list(n.tags),
        }
        for n in visible_notes(state, audience)
    ]
    out: dict[str, Any] = {
        "title": state.title,
        "template": state.template.to_dict() if state.template else None,
        "created_at": state.created_at,
        "meeting_started_at": state.meeting_started_at,
        "meeting_ended_at": state.meeting_ended_at,
        "stage": {"index": state.stage_index, "id": stage.id} if stage else None,
        "stage_history": [list(entry) for entry in state.stage_history],
        "participants": people,
        "notes": notes,
    }
    if audience == "private":  # elsewhere a count of events would show what was left out
        out["events"] = state.event_count
        out["round"] = {
            "spoken": list(state.spoken),
            "passed": list(state.passed),
            "deferred": list(state.deferred),
        }
    return out


@dataclass(frozen=True, slots=True)
class ProjectorView:
    """Everything the projector shows, and nothing else: no minutes-only or private entry,
    no pass, no name of someone who asked not to be shown."""

    title: str
    stage_title: Mapping[str, str] | None
    stage_type: str | None
    rules: Mapping[str, tuple[str, ...]]
    remaining: float | None
    paused: bool
    started: bool
    ended: bool
    speaker: str | None
    next_speaker: str | None
    board: tuple[PublicNote, ...]
    agenda: tuple[tuple[Mapping[str, str], float, bool], ...]
    reflecting: ReflectingView | None = None
    groups: tuple[GroupView, ...] = ()
    regroup_soon: bool = False
    report: tuple[tuple[Mapping[str, str], tuple[str, ...]], ...] = ()
    #: groups of the report-back whose summary is kept for the minutes only (no text here)
    summary_in_minutes: tuple[Mapping[str, str], ...] = ()
    #: the closing stage: the community's open requests for help (協力のお願い), public texts
    help_wanted: tuple[str, ...] = ()
    labels: Mapping[str, str] = field(default_factory=dict)  # present people, as the room sees
    note: Mapping[str, str] = field(default_factory=dict)  # the stage's note (a break's words)


@dataclass(frozen=True, slots=True)
class ReflectingView:
    """The projector's reflecting stage: the phase, its timer, who talks and who listens.

    ``phase`` is ``"end"`` once the turn is over (back to the room); ``step`` counts the phases
    from 1 (0 before the first) out of ``steps``. ``talkers``, ``interviewer`` and ``team`` are the
    roles, as the room sees the names.
    """

    phase: str | None
    cycle: int
    remaining: float | None
    talking: tuple[str, ...]
    listening: tuple[str, ...]
    talkers: tuple[str, ...] = ()
    interviewer: tuple[str, ...] = ()
    team: tuple[str, ...] = ()
    step: int = 0
    steps: int = 0


@dataclass(frozen=True, slots=True)
class GroupView:
    name: Mapping[str, str]
    topic: str
    members: tuple[str, ...]


def projector_view(
    state: MeetingState, now: float, anonymous: Callable[[int], str] = _hash_label
) -> ProjectorView:
    """The projector's view of ``state`` at time ``now``."""
    from . import breakout as breakouts
    from . import reflecting as reflect
    from . import round as rounds  # local: round imports state, views is imported by both

    stage = state.stage

    def label(pid: str | None) -> str | None:
        person = state.participants.get(pid or "")
        return participant_label(state, person, "public", anonymous) if person else None

    agenda = tuple(
        (s.title, s.minutes, state.stage_index == i)
        for i, s in enumerate(state.template.stages if state.template else ())
    )

    def person(ref: str) -> str:
        # A typed name (someone not on the roster) is shown as the facilitator typed it.
        return label(ref) or ref

    reflecting_view = None
    if state.reflecting is not None and stage is not None:
        current = state.reflecting
        talking, listening = reflect.speakers_and_listeners(current)
        plan = reflect.turn_plan(stage.options, stage.minutes)
        reflecting_view = ReflectingView(
            current.phase,
            current.cycle,
            reflect.phase_remaining(current, plan, now),
            tuple(person(p) for p in talking),
            tuple(person(p) for p in listening),
            talkers=tuple(person(p) for p in current.talkers),
            interviewer=tuple(person(p) for p in [current.interviewer] if p),
            team=tuple(person(p) for p in current.team),
            step=min(current.step + 1, len(plan)) if current.phase else 0,
            steps=len(plan),
        )
    groups: tuple[GroupView, ...] = ()
    report: tuple[tuple[Mapping[str, str], tuple[str, ...]], ...] = ()
    kept: tuple[Mapping[str, str], ...] = ()
    if stage is not None and stage.type == "breakout":
        groups = tuple(
            GroupView(
                g.name,
                g.topic,
                tuple(
                    label(pid) or ""
                    for pid in state.breakout.members(g.id)
                    if pid in state.participants and state.participants[pid].present
                ),
            )
            for g in state.breakout.groups.values()
        )
    if stage is not None and stage.type == "report_back":
        summaries = [
            n
            for n in visible_notes(state, "public")
            if n.group_id and breakouts.SUMMARY_TAG in n.tags
        ]
        report = tuple(
            (g.name, tuple(n.text or "" for n in summaries if n.group_id == g.id))
            for g in state.breakout.groups.values()
        )
        # A group whose summary is for the minutes only: the room hears it is kept, not what.
        minutes_only = {
            n.group_id
            for n in visible_notes(state, "minutes")
            if n.group_id and breakouts.SUMMARY_TAG in n.tags and n.visibility == "minutes"
        }
        kept = tuple(
            g.name
            for g in state.breakout.groups.values()
            if g.id in minutes_only and not any(n.group_id == g.id for n in summaries)
        )
    return ProjectorView(
        title=state.title,
        stage_title=stage.title if stage else None,
        stage_type=stage.type if stage else None,
        rules=stage.rules if stage else {},
        remaining=state.stage_remaining(now),
        paused=bool(state.clock and state.clock.paused_at is not None),
        started=state.meeting_started_at is not None,
        ended=state.meeting_ended_at is not None,
        speaker=label(state.turn.participant_id if state.turn else None),
        next_speaker=label(rounds.next_speaker(state)),
        board=tuple(public_board(state, anonymous)),
        agenda=agenda,
        reflecting=reflecting_view,
        groups=groups,
        regroup_soon=breakouts.regroup_soon(state, now),
        report=report,
        summary_in_minutes=kept,
        labels={p.id: label(p.id) or "" for p in state.participants.values() if p.present},
        note=stage.note if stage else {},
    )
