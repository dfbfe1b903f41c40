"""The meeting state: a pure fold of the session's events.

``fold(events)`` builds a fresh :class:`MeetingState`; ``apply(state, event)`` advances a state
the caller owns by one event (a follower applies new events as they land). For any split of a log,
``fold(a + b)`` equals ``apply`` of ``b`` onto ``fold(a)``. Folding never raises on an odd but
valid sequence (a turn for someone who left, a stage index past the agenda): it keeps what makes
sense and ignores the rest, because a meeting must go on.

An undo (``flow.undone``) names earlier events; the state is then as if they never happened: the
state keeps the events it was folded from, and an undo folds them again without the undone ones
(the log is small; correctness first). An undo of an undo brings its events back.

Going back to a stage keeps where it was: leaving a stage keeps its progress (the clock's time,
the round's order, who spoke, the turn under way, a reflecting turn not yet ended), and starting
it again resumes it; only ``o`` (a new round) starts the round afresh.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from . import breakout, reflecting
from .backstage import BACKSTAGE_TAG
from .breakout import BreakoutState
from .events import DEFAULT_VISIBILITY, UNDO_KIND, VISIBILITIES, Event
from .reflecting import END as reflect_end
from .reflecting import ReflectingState
from .template import Template, TemplateError

#: 立場 a participant may choose at join; all optional.
POSITIONS: tuple[str, ...] = ("self", "family", "neighbour", "agency", "outside", "other")


@dataclass(slots=True)
class Participant:
    """Someone in the room, known by a display name only."""

    id: str
    name: str
    position: str | None = None
    show_name: bool = True  # show my name on the shared screen
    minutes_name: bool = False  # name me in the minutes
    joined_at: float = 0.0
    left_at: float | None = None

    @property
    def present(self) -> bool:
        return self.left_at is None


@dataclass(slots=True)
class Note:
    """A note-taker's entry. ``text`` is ``None`` once redacted."""

    id: str
    text: str | None
    visibility: str
    at: float
    role: str
    participant_id: str | None = None
    stage_index: int | None = None
    tags: tuple[str, ...] = ()
    edited_at: float | None = None
    redacted: bool = False
    group_id: str | None = None  # a breakout group's note
    people: tuple[str, ...] = ()  # backstage: display names or participant ids, or none
    invited_to: str | None = None  # backstage: the group or activity someone was invited to

    @property
    def backstage(self) -> bool:
        return BACKSTAGE_TAG in self.tags


@dataclass(slots=True)
class StageClock:
    """The running stage's timer, derived only from event times."""

    index: int
    started_at: float
    paused_at: float | None = None
    paused_seconds: float = 0.0
    extended_seconds: float = 0.0
    carried_seconds: float = 0.0  # time the stage ran before, when it was left and resumed

    def elapsed(self, now: float) -> float:
        end = self.paused_at if self.paused_at is not None else now
        return max(0.0, end - self.started_at - self.paused_seconds) + self.carried_seconds


@dataclass(slots=True)
class Turn:
    participant_id: str
    started_at: float


@dataclass(slots=True)
class StageProgress:
    """Where a stage was when it was left, so that going back to it resumes it."""

    elapsed: float
    extended_seconds: float
    round_order: list[str]
    round_mode: str | None
    spoken: list[str]
    passed: list[str]
    deferred: list[str]
    turn: tuple[str, float] | None  # who was speaking, and for how many seconds
    reflecting: ReflectingState | None


@dataclass(frozen=True, slots=True)
class SeriesMark:
    """The series a session was made from (``session.created`` data ``series``)."""

    id: str
    name: str
    number: int | None = None
    starts_at: str = ""  # local "YYYY-MM-DDTHH:MM"
    evening: int | None = None  # a course: which evening
    evenings: int | None = None


@dataclass(frozen=True, slots=True)
class ClosingRecord:
    """The closing record (閉会の記録), all public: how many were in the room (``others``:
    those never entered in the app), the organisations that took part, a short summary, and
    for a course's last evening how many completed it. Counts only, never names of people."""

    count: int
    others: int = 0
    organisations: tuple[tuple[str, str], ...] = ()  # (registry id or "", name)
    summary: str = ""
    completed: int | None = None
    at: float = 0.0


@dataclass(slots=True)
class MeetingState:
    """Everything a screen or an export needs, folded from the log."""

    title: str = ""
    place: str = ""
    template: Template | None = None
    created_at: float | None = None
    participants: dict[str, Participant] = field(default_factory=dict)
    clock: StageClock | None = None
    meeting_started_at: float | None = None
    meeting_ended_at: float | None = None
    stage_history: list[tuple[int, float, float | None]] = field(default_factory=list)
    turn: Turn | None = None
    round_order: list[str] = field(default_factory=list)
    round_mode: str | None = None
    spoken: list[str] = field(default_factory=list)
    passed: list[str] = field(default_factory=list)  # private to the facilitator: never shown
    deferred: list[str] = field(default_factory=list)
    notes: dict[str, Note] = field(default_factory=dict)
    reflecting: ReflectingState | None = None
    breakout: BreakoutState = field(default_factory=BreakoutState)
    plugin_events: dict[str, list[Event]] = field(default_factory=dict)
    series: SeriesMark | None = None
    closing: ClosingRecord | None = None
    stage_progress: dict[int, StageProgress] = field(default_factory=dict)
    undone: set[str] = field(default_factory=set)  # ids of events an undo took back
    theme: str | None = None  # the room's theme, as the facilitator chose it (room.theme)
    last_seq: int = 0
    event_count: int = 0
    # Every event folded in, undone or not: an undo folds them again. Not compared or shown
    # (it holds notes' texts as they were written).
    history: list[Event] = field(default_factory=list, repr=False, compare=False)

    # -- derived values -------------------------------------------------------------------
    @property
    def stage_index(self) -> int | None:
        return self.clock.index if self.clock else None

    @property
    def stage(self):  # -> Stage | None (kept untyped to avoid a forward import cycle)
        if self.clock is None or self.template is None:
            return None
        return self.template.stages[self.clock.index]

    def stage_remaining(self, now: float) -> float | None:
        """Seconds left in the running stage's time box (negative once over)."""
        stage = self.stage
        if stage is None or self.clock is None:
            return None
        budget = stage.minutes * 60 + self.clock.extended_seconds
        return budget - self.clock.elapsed(now)

    def meeting_elapsed(self, now: float) -> float:
        if self.meeting_started_at is None:
            return 0.0
        end = self.meeting_ended_at if self.meeting_ended_at is not None else now
        return max(0.0, end - self.meeting_started_at)

    @property
    def present(self) -> list[Participant]:
        return [p for p in self.participants.values() if p.present]


def fold(events: Iterable[Event]) -> MeetingState:
    """The state of a meeting after ``events`` (in log order)."""
    state = MeetingState()
    for event in events:
        apply(state, event)
    return state


def apply(state: MeetingState, event: Event) -> MeetingState:
    """Advance ``state`` by one event, in place, and return it."""
    state.history.append(event)
    try:
        if event.kind == UNDO_KIND:
            _refold(state)
        else:
            _handle(state, event)
    finally:
        state.last_seq = max(state.last_seq, event.seq)
        state.event_count += 1
    return state


def _handle(state: MeetingState, event: Event) -> None:
    handler = _HANDLERS.get(event.kind)
    if handler is not None:
        handler(state, event, event.data)
    elif event.namespace is not None:
        state.plugin_events.setdefault(event.namespace, []).append(event)


def undone_ids(events: Sequence[Event]) -> set[str]:
    """The ids of the events that the undos among ``events`` take back.

    Read from the newest undo back: an undo that is itself undone takes nothing back, so an
    undo of an undo brings its events back (a redo). An undo only names earlier events.
    """
    undone: set[str] = set()
    for event in reversed(events):
        if event.kind != UNDO_KIND or (event.id and event.id in undone):
            continue
        ids = event.data.get("event_ids")
        if isinstance(ids, list | tuple):
            undone.update(i for i in ids if isinstance(i, str) and i and i != event.id)
    return undone


#: What a broken event raises in a handler; folding again skips it, as the store does.
_SKIPPED = (KeyError, TypeError, ValueError, AttributeError, IndexError)

#: Fields kept across a fold again: they count every event, undone or not.
_KEPT = frozenset({"history", "last_seq", "event_count"})


def _refold(state: MeetingState) -> None:
    """Fold ``state.history`` again, without the events the undos take back."""
    undone = undone_ids(state.history)
    fresh = MeetingState()
    for event in state.history:
        if event.kind == UNDO_KIND or event.id in undone:
            continue
        try:
            _handle(fresh, event)
        except _SKIPPED:
            continue  # the store skips such an event when it is first folded in, too
    fresh.undone = undone
    for name in (f.name for f in fields(MeetingState)):
        if name not in _KEPT:
            setattr(state, name, getattr(fresh, name))


# -- handlers -------------------------------------------------------------------------------


def _session_created(state: MeetingState, event: Event, data: dict[str, Any]) -> None:
    state.title = str(data.get("title") or "")
    state.place = str(data.get("place") or "")
    state.created_at = event.at
    state.series = _series_mark(data.get("series"))
    try:
        state.template = Template.from_dict(data.get("template") or {})
    except (TemplateError, TypeError, AttributeError):
        state.template = None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _series_mark(raw: Any) -> SeriesMark | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        return None
    return SeriesMark(
        raw["id"],
        str(raw.get("name") or ""),
        _int(raw.get("number")),
        str(raw.get("starts_at") or ""),
        _int(raw.get("evening")),
        _int(raw.get("evenings")),
    )


def _closing(state: MeetingState, event: Event, data: dict[str, Any]) -> None:
    """A closing record; a later one replaces an earlier one."""
    count = _int(data["count"])
    if count is None or count < 0:
        return
    organisations = []
    for item in data.get("organisations") or ():
        if isinstance(item, dict) and str(item.get("name") or "").strip():
            organisations.append((str(item.get("id") or ""), str(item["name"]).strip()))
    completed = _int(data.get("completed"))
    state.closing = ClosingRecord(
        count,
        max(0, _int(data.get("others")) or 0),
        tuple(dict.fromkeys(organisations)),
        str(data.get("summary") or ""),
        completed if completed is not None and completed >= 0 else None,
        event.at,
    )


def _joined(state: MeetingState, event: Event, data: dict[str, Any]) -> None:
    pid = str(data["participant_id"])
    position = data.get("position")
    state.participants[pid] = Participant(
        id=pid,
        name=str(data.get("name") or ""),
        position=position if position in POSITIONS else None,
        show_name=bool(data.get("show_name", True)),
        minutes_name=bool(data.get("minutes_name", False)),
        joined_at=event.at,
    )


def _left(state: MeetingState, event: Event, data: dict[str, Any]) -> None:
    person = state.participants.get(str(data["participant_id"]))
    if person is not None:
        person.left_at = event.at


def _changed(state: MeetingState, event: Event, data: dict[str, Any]) -> None:
    person = state.participants.get(str(data["participant_id"]))
    if person is None:
        return
    if data.get("name"):
        person.name = str(data["name"])
    if "position" in data:
        person.position = data["position"] if data["position"] in POSITIONS else None
    for flag in ("show_name", "minutes_name"):
        if flag in data:
            setattr(person, flag, bool(data[flag]))
    if data.get("returned"):
        person.left_at = None


def _end_stage(state: MeetingState, at: float) -> None:
    if state.clock is not None:
        _keep_progress(state, at)
        index, started, _ = state.stage_history[-1]
        state.stage_history[-1] = (index, started, at)
        state.clock = None
    state.turn = None


def _stage_started(state: MeetingState, event: Event, data: dict[str, Any]) -> None:
    index = data.get("index")
    stages = state.template.stages if state.template else ()
    if not isinstance(index, int) or not 0 <= index < len(stages):
        return
    _end_stage(state, event.at)
    state.clock = StageClock(index=index, started_at=event.at)
    state.stage_history.append((index, event.at, None))
    if state.meeting_started_at is None:
        state.meeting_started_at = event.at
    state.meeting_ended_at = None
    stage = stages[index]
    saved = state.stage_progress.get(index)
    if saved is not None:  # back to a stage left earlier: it goes on where it was
        _resume(state, saved, event.at, stage.type == "reflecting")
    else:  # a stage run for the first time starts a new round
        state.round_order = []
        state.round_mode = None
        state.spoken.clear()
        state.passed.clear()
        state.deferred.clear()
        state.reflecting = ReflectingState() if stage.type == "reflecting" else None
    if stage.type == "breakout":
        for group in breakout.template_groups(stage.options):
            state.breakout.groups.setdefault(group.id, group)


def _keep_progress(state: MeetingState, at: float) -> None:
    """Remember where the running stage is, for when someone goes back to it."""
    clock = state.clock
    assert clock is not None
    turn = state.turn
    state.stage_progress[clock.index] = StageProgress(
        elapsed=clock.elapsed(at),
        extended_seconds=clock.extended_seconds,
        round_order=list(state.round_order),
        round_mode=state.round_mode,
        spoken=list(state.spoken),
        passed=list(state.passed),
        deferred=list(state.deferred),
        turn=(turn.participant_id, max(0.0, at - turn.started_at)) if turn else None,
        reflecting=state.reflecting,
    )


def _resume(state: MeetingState, saved: StageProgress, at: float, reflecting: bool) -> None:
    assert state.clock is not None
    state.clock.carried_seconds = saved.elapsed
    state.clock.extended_seconds = saved.extended_seconds
    state.round_order = list(saved.round_order)
    state.round_mode = saved.round_mode
    state.spoken[:] = saved.spoken
    state.passed[:] = saved.passed
    state.deferred[:] = saved.deferred
    if saved.turn is not None and saved.turn[0] in state.participants:
        state.turn = Turn(saved.turn[0], at - saved.turn[1])
    if not reflecting:
        state.reflecting = None
    elif saved.reflecting is None or saved.reflecting.phase == reflect_end:
        state.reflecting = ReflectingState()  # the turn had ended: coming back starts a new one
    else:
        state.reflecting = saved.reflecting  # a turn under way goes on


def _stage_ended(state: MeetingState, event: Event, data: dict[str, Any]) -> None:
    if state.clock is not None and state.clock.index == data.get("index"):
        _end_stage(state, event.at)
        if data.get("final"):
            state.meeting_ended_at = event.at


def _round_started(state: MeetingState, event: Event, data: dict[str, Any]) -> None:
    order = data.get("order")
    if state.clock is None or not isinstance(order, list):
        return
    state.round_order = [str(pid) for pid in order if str(pid) in state.participants]
    state.round_mode = str(data.get("mode") or "seating")
    state.turn = None
    state.spoken.clear()
    state.passed.clear()
    state.deferred.clear()


def _turn_started(state: MeetingState, event: Event, data: dict[str, Any]) -> None:
    pid = str(data["participant_id"])
    if pid in state.participants:
        state.turn = Turn(pid, event.at)
        if pid in state.deferred:
            state.deferred.remove(pid)


def _turn_closed(target: str):
    def handler(state: MeetingState, event: Event, data: dict[str, Any]) -> None:
        pid = str(data["participant_id"])
        if state.turn is not None and state.turn.participant_id == pid:
            state.turn = None
        for bucket in (state.spoken, state.passed, state.deferred):
            if pid in bucket:
                bucket.remove(pid)
        getattr(state, target).append(pid)

    return handler


def _paused(state: MeetingState, event: Event, data: dict[str, Any]) -> None:
    if state.clock is not None and state.clock.paused_at is None:
        state.clock.paused_at = event.at


def _resumed(state: MeetingState, event: Event, data: dict[str, Any]) -> None:
    clock = state.clock
    if clock is not None and clock.paused_at is not None:
        clock.paused_seconds += max(0.0, event.at - clock.paused_at)
        clock.paused_at = None


def _extended(state: MeetingState, event: Event, data: dict[str, Any]) -> None:
    seconds = data.get("seconds")
    if (
        state.clock is not None
        and isinstance(seconds, int | float)
        and not isinstance(seconds, bool)
    ):
        state.clock.extended_seconds += float(seconds)


def _visibility(value: Any, default: str = DEFAULT_VISIBILITY) -> str:
    return value if value in VISIBILITIES else default


def _note_added(state: MeetingState, event: Event, data: dict[str, Any]) -> None:
    note_id = str(data["note_id"])
    if note_id in state.notes:
        return
    redacted = bool(data.get("redacted"))
    tags = tuple(str(tag) for tag in data.get("tags") or ())
    visibility = _visibility(data.get("visibility"))
    if BACKSTAGE_TAG in tags:
        visibility = "private"  # backstage is private by its nature
    people = data.get("people")
    state.notes[note_id] = Note(
        id=note_id,
        text=None if redacted else str(data.get("text") or ""),
        visibility=visibility,
        at=event.at,
        role=event.actor.role,
        participant_id=data.get("participant_id"),
        stage_index=state.stage_index,
        tags=tags,
        redacted=redacted,
        group_id=data.get("group_id") if isinstance(data.get("group_id"), str) else None,
        people=tuple(str(p) for p in people) if isinstance(people, list) else (),
        invited_to=str(data["invited_to"]) if data.get("invited_to") else None,
    )


def _note_edited(state: MeetingState, event: Event, data: dict[str, Any]) -> None:
    note = state.notes.get(str(data["note_id"]))
    if note is None or note.redacted:
        return
    if "text" in data and data["text"] is not None and not data.get("redacted"):
        note.text = str(data["text"])
    if "visibility" in data and not note.backstage:
        note.visibility = _visibility(data["visibility"], note.visibility)
    if "tags" in data and isinstance(data["tags"], list):
        kept = tuple(tag for tag in note.tags if tag == BACKSTAGE_TAG)
        note.tags = kept + tuple(str(t) for t in data["tags"] if t != BACKSTAGE_TAG)
    note.edited_at = event.at


def _note_redacted(state: MeetingState, event: Event, data: dict[str, Any]) -> None:
    note = state.notes.get(str(data["note_id"]))
    if note is not None:
        note.text = None
        note.redacted = True
        note.people = ()
        note.invited_to = None


def _room_theme(state: MeetingState, event: Event, data: dict[str, Any]) -> None:
    theme = data.get("theme")
    if isinstance(theme, str) and theme:
        state.theme = theme  # a name this app does not know is kept, and shown as the default


_HANDLERS = {
    "session.created": _session_created,
    "participant.joined": _joined,
    "participant.left": _left,
    "participant.changed": _changed,
    "stage.started": _stage_started,
    "stage.ended": _stage_ended,
    "round.started": _round_started,
    "turn.started": _turn_started,
    "turn.passed": _turn_closed("passed"),
    "turn.deferred": _turn_closed("deferred"),
    "turn.ended": _turn_closed("spoken"),
    "timer.paused": _paused,
    "timer.resumed": _resumed,
    "timer.extended": _extended,
    "note.added": _note_added,
    "note.edited": _note_edited,
    "note.redacted": _note_redacted,
    "room.theme": _room_theme,
    "closing.recorded": _closing,
    **reflecting.HANDLERS,
    **breakout.HANDLERS,
}
