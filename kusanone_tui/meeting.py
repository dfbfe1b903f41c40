"""What the facilitator and the note-taker can do, as events on the session log.

The screens call these; so do tests and scripts. Nothing here imports Textual. Each action reads
the current state (which includes other processes' events) and appends the event(s) that make
it so; an action that makes no sense right now (next turn with nobody waiting) does nothing and
returns ``None``, because a meeting must never stop on a wrong key.

Every action that changes the flow is one undoable action: the events it writes share an action
id (``SessionLog.action``), and :meth:`Meeting.undo` takes back the last one of this role with a
``flow.undone`` event, which other windows see and a restart keeps. Notes are not undone this way
(a note is edited or redacted instead).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from .model import breakout as breakouts
from .model import reflecting as reflect
from .model import round as rounds
from .model.backstage import BACKSTAGE_TAG, KINDS, kind_tag
from .model.events import (
    ACTION_FIELD,
    BY_FIELD,
    DEFAULT_VISIBILITY,
    UNDO_KIND,
    VISIBILITIES,
    Actor,
    Event,
    new_id,
)
from .model.state import MeetingState
from .store.session import SessionLog

EXTEND_SECONDS = 60

F = TypeVar("F", bound=Callable[..., Any])


def undoable(label: str) -> Callable[[F], F]:
    """Make a Meeting method one undoable action; ``label`` (a catalogue key) names it."""

    def wrap(method: F) -> F:
        @functools.wraps(method)
        def run(self: Meeting, *args: Any, **kwargs: Any) -> Any:
            with self.log.action(self.actor.role, label):
                return method(self, *args, **kwargs)

        return run  # type: ignore[return-value]

    return wrap


class Meeting:
    """Actions on one session, written as ``role`` (facilitator or notes)."""

    def __init__(self, log: SessionLog, role: str = "facilitator") -> None:
        self.log = log
        self.actor = Actor(role)

    @property
    def state(self) -> MeetingState:
        return self.log.state()

    def _append(self, kind: str, data: dict | None = None) -> Event:
        return self.log.append(kind, data or {}, actor=self.actor)

    # -- people -----------------------------------------------------------------------------
    @undoable("keys.join")
    def join(
        self,
        name: str,
        position: str | None = None,
        show_name: bool = True,
        minutes_name: bool = False,
    ) -> str:
        """Add a walk-in. Only a display name is needed; an empty one becomes the guest label."""
        pid = new_id()
        data = {
            "participant_id": pid,
            "name": name.strip(),
            "show_name": show_name,
            "minutes_name": minutes_name,
        }
        if position:
            data["position"] = position
        self._append("participant.joined", data)
        return pid

    @undoable("keys.leave")
    def leave(self, pid: str) -> Event | None:
        person = self.state.participants.get(pid)
        if person is None or not person.present:
            return None
        return self._append("participant.left", {"participant_id": pid})

    @undoable("undo.change")
    def change(self, pid: str, **fields: object) -> Event | None:
        if pid not in self.state.participants:
            return None
        return self._append("participant.changed", {"participant_id": pid, **fields})

    # -- stages and timers --------------------------------------------------------------------
    @undoable("undo.stage")
    def start_stage(self, index: int) -> Event | None:
        state = self.state
        if state.template is None or not 0 <= index < len(state.template.stages):
            return None
        return self._append("stage.started", {"index": index})

    @undoable("keys.next_stage")
    def next_stage(self) -> Event | None:
        state = self.state
        if state.template is None:
            return None
        index = state.stage_index
        if index is None:
            done = [i for i, _, _ in state.stage_history]
            return self.start_stage(max(done) + 1 if done else 0)
        if index + 1 < len(state.template.stages):
            return self.start_stage(index + 1)
        return self._append("stage.ended", {"index": index, "final": True})

    @undoable("keys.prev_stage")
    def previous_stage(self) -> Event | None:
        index = self.state.stage_index
        if index is None or index == 0:
            return None
        return self.start_stage(index - 1)

    @undoable("keys.pause")
    def pause(self) -> Event | None:
        clock = self.state.clock
        if clock is None or clock.paused_at is not None:
            return None
        return self._append("timer.paused")

    @undoable("keys.pause")
    def resume(self) -> Event | None:
        clock = self.state.clock
        if clock is None or clock.paused_at is None:
            return None
        return self._append("timer.resumed")

    @undoable("keys.pause")
    def toggle_pause(self) -> Event | None:
        clock = self.state.clock
        if clock is not None and clock.paused_at is not None:
            return self.resume()
        return self.pause()

    @undoable("keys.extend")
    def extend(self, seconds: int = EXTEND_SECONDS) -> Event | None:
        if self.state.clock is None:
            return None
        return self._append("timer.extended", {"seconds": seconds})

    @undoable("keys.theme")
    def set_theme(self, theme: str) -> Event | None:
        """The room's theme (``"light"`` or ``"dark"``): every screen of the session follows."""
        from .model.template import THEMES

        if theme not in THEMES or theme == self.state.theme:
            return None
        return self._append("room.theme", {"theme": theme})

    # -- the round of updates ------------------------------------------------------------------
    @undoable("keys.order")
    def start_round(self, mode: str = "seating") -> Event | None:
        state = self.state
        if not rounds.in_round(state) or mode not in rounds.ORDER_MODES:
            return None
        seed = int.from_bytes(os.urandom(4), "big") if mode == "random" else None
        order = rounds.make_order([p.id for p in state.present], mode, seed)
        data: dict = {"order": order, "mode": mode}
        if seed is not None:
            data["seed"] = seed
        return self._append("round.started", data)

    def _close_turn(self) -> list[tuple[str, dict]]:
        turn = self.state.turn
        return [("turn.ended", {"participant_id": turn.participant_id})] if turn else []

    @undoable("keys.call")
    def call(self, pid: str) -> list[Event]:
        """Give the turn to ``pid`` (a volunteer), closing the current turn first."""
        state = self.state
        if not rounds.in_round(state) or pid not in state.participants:
            return []
        if state.turn and state.turn.participant_id == pid:
            return []
        items = [*self._close_turn(), ("turn.started", {"participant_id": pid})]
        return self.log.append_many(items, actor=self.actor)

    @undoable("keys.next_turn")
    def next_turn(self) -> list[Event]:
        """Close the current turn (as spoken) and open the next one, if anyone is waiting."""
        state = self.state
        if not rounds.in_round(state):
            return []
        items = self._close_turn()
        if not state.round_order and state.round_mode is None:
            self.start_round("seating")
            state = self.state
        upcoming = rounds.next_speaker(state)
        if upcoming is not None:
            items.append(("turn.started", {"participant_id": upcoming}))
        return self.log.append_many(items, actor=self.actor) if items else []

    def _settle_turn(self, kind: str) -> list[Event]:
        state = self.state
        if state.turn is None:
            return []
        pid = state.turn.participant_id
        items: list[tuple[str, dict]] = [(kind, {"participant_id": pid})]
        events = self.log.append_many(items, actor=self.actor)
        upcoming = rounds.next_speaker(self.state)
        if upcoming is not None:
            events += self.log.append_many(
                [("turn.started", {"participant_id": upcoming})], actor=self.actor
            )
        return events

    @undoable("undo.turn")
    def pass_turn(self) -> list[Event]:
        """The speaker passes: a normal end of a turn, shown nowhere."""
        return self._settle_turn("turn.passed")

    @undoable("undo.turn")
    def defer_turn(self) -> list[Event]:
        """The speaker would rather speak later: they come back at the end of the round."""
        return self._settle_turn("turn.deferred")

    # -- notes ----------------------------------------------------------------------------------
    def add_note(
        self,
        text: str,
        visibility: str = DEFAULT_VISIBILITY,
        participant_id: str | None = None,
        tags: Sequence[str] = (),
        group_id: str | None = None,
        **extra: object,
    ) -> str | None:
        """Save a note; in a reflecting stage it is tagged with the running phase."""
        text = text.strip()
        if not text:
            return None
        note_id = new_id()
        data: dict = {
            "note_id": note_id,
            "text": text,
            "visibility": visibility if visibility in VISIBILITIES else DEFAULT_VISIBILITY,
        }
        if participant_id:
            data["participant_id"] = participant_id
        tags = list(tags)
        current = self.state.reflecting
        if current is not None and current.phase in reflect.PHASES and BACKSTAGE_TAG not in tags:
            tags.append(f"phase:{current.phase}")
        if tags:
            data["tags"] = tags
        if group_id:
            data["group_id"] = group_id
            group = self.state.breakout.groups.get(group_id)
            if group is not None and group.bukai:  # a breakout of a standing 部会
                data["bukai"] = group.bukai
        data.update({k: v for k, v in extra.items() if v not in (None, "", [], ())})
        self._append("note.added", data)
        return note_id

    def record_backstage(
        self,
        kind: str,
        text: str = "",
        people: Sequence[str] = (),
        invited_to: str | None = None,
    ) -> str | None:
        """A backstage (ウラ) record: always private; names are optional."""
        if kind not in KINDS:
            return None
        return self.add_note(
            text or "・",
            "private",
            tags=[BACKSTAGE_TAG, kind_tag(kind)],
            people=[p.strip() for p in people if p.strip()],
            invited_to=invited_to,
        )

    def mark_summary(self, note_id: str) -> Event | None:
        """Make a group's note its summary for the report-back (or stop it being one)."""
        note = self.state.notes.get(note_id)
        if note is None or note.redacted or note.backstage:
            return None
        tags = [tag for tag in note.tags if tag != breakouts.SUMMARY_TAG]
        if breakouts.SUMMARY_TAG not in note.tags:
            tags.append(breakouts.SUMMARY_TAG)
        return self._append("note.edited", {"note_id": note_id, "tags": tags})

    def edit_note(self, note_id: str, text: str) -> Event | None:
        note = self.state.notes.get(note_id)
        if note is None or note.redacted or not text.strip() or text.strip() == note.text:
            return None
        return self._append("note.edited", {"note_id": note_id, "text": text.strip()})

    def set_visibility(self, note_id: str, visibility: str) -> Event | None:
        note = self.state.notes.get(note_id)
        if note is None or note.redacted or note.backstage or visibility not in VISIBILITIES:
            return None
        if note.visibility == visibility:
            return None
        return self._append("note.edited", {"note_id": note_id, "visibility": visibility})

    def redact(self, note_id: str) -> Event | None:
        note = self.state.notes.get(note_id)
        if note is None or note.redacted:
            return None
        return self.log.redact(note_id, actor=self.actor)

    # -- reflecting-team turns ----------------------------------------------------------------
    @undoable("keys.roles")
    def set_roles(
        self, talkers: Sequence[str], interviewer: str | None, team: Sequence[str]
    ) -> Event | None:
        """Roles for the reflecting stage: participant ids, or names typed for others.

        ``None`` (nothing recorded) outside a reflecting stage, or when the roles cannot be: the
        talker on the team, the interviewer on the team, or the talker also the interviewer.
        """
        if self.state.reflecting is None:
            return None
        if reflect.roles_problem(talkers, interviewer, team) is not None:
            return None
        return self._append(
            "reflecting.roles",
            {
                "talkers": [t for t in talkers if t],
                "interviewer": interviewer or None,
                "team": [t for t in team if t],
            },
        )

    @undoable("keys.phase")
    def next_phase(self) -> Event | None:
        """The turn's next phase; after the talker's last response, back to the room; then
        nothing more (``None``)."""
        current, stage = self.state.reflecting, self.state.stage
        if current is None or stage is None:
            return None
        found = reflect.following(current, reflect.turn_plan(stage.options, stage.minutes))
        if found is None:
            return None
        phase, cycle, step = found
        return self._append("reflecting.phase", {"phase": phase, "cycle": cycle, "step": step})

    # -- breakouts ------------------------------------------------------------------------------
    @undoable("keys.group_new")
    def add_group(self, name: str, topic: str = "", bukai: str | None = None) -> str | None:
        """A breakout group; ``bukai``: the registry id of the standing 部会 it is opened from
        (its notes are then linked to that 部会)."""
        name = name.strip()
        if not name:
            return None
        gid = new_id()[:8]
        if bukai:  # a group of the same name already here (from the template) is linked instead
            same = [
                g.id
                for g in self.state.breakout.groups.values()
                if not g.bukai and name in g.name.values()
            ]
            gid = same[0] if same else gid
        data = {"group_id": gid, "name": name}
        if topic.strip():
            data["topic"] = topic.strip()
        if bukai:
            data["bukai"] = bukai
        self._append("breakout.group_added", data)
        return gid

    @undoable("keys.group_topic")
    def set_topic(self, group_id: str, topic: str) -> Event | None:
        if group_id not in self.state.breakout.groups:
            return None
        return self._append("breakout.topic", {"group_id": group_id, "topic": topic.strip()})

    @undoable("keys.group_move")
    def move(self, pid: str, group_id: str | None) -> Event | None:
        state = self.state
        if pid not in state.participants:
            return None
        if group_id is not None and group_id not in state.breakout.groups:
            return None
        if state.breakout.seats.get(pid) == group_id:
            return None
        return self._append("breakout.moved", {"participant_id": pid, "group_id": group_id})

    @undoable("keys.group_move")
    def move_to_next_group(self, pid: str) -> Event | None:
        """Cycle someone through the groups: the quickest way to move a person by hand."""
        groups = list(self.state.breakout.groups)
        if not groups:
            return None
        current = self.state.breakout.seats.get(pid)
        index = groups.index(current) + 1 if current in groups else 0
        return self.move(pid, groups[index % len(groups)])

    @undoable("keys.group_balance")
    def balance_groups(self) -> Event | None:
        state = self.state
        groups = list(state.breakout.groups)
        people = [p.id for p in state.present]
        if not groups or not people:
            return None
        seats = breakouts.balance(people, groups, state.breakout.seats)
        return self._append("breakout.balanced", {"seats": seats})

    # -- undo -----------------------------------------------------------------------------------
    def last_action(self) -> list[Event]:
        """The events of this role's last action that an undo would take back, oldest first
        (``[]`` when there is none). Actions already undone, and undos, are passed over."""
        role = self.actor.role
        return last_action(self.state, lambda event: event.data.get(BY_FIELD) == role)

    def undo(self) -> list[Event]:
        """Take back this role's last action (a stage moved on, a round started, someone taken
        off, people moved between groups, a plugin's command…) with one ``flow.undone`` event.
        Pressed again, the action before it. Returns the events taken back (``[]``: nothing)."""
        events = self.last_action()
        if not events:
            return []
        return write_undo(self.log, events, self.actor)

    def action_label(self, events: Sequence[Event]) -> str | None:
        """What an action was called when this process did it (a catalogue key or a plugin
        command's title); ``None`` after a restart or for another process's action."""
        action = events[0].data.get(ACTION_FIELD) if events else None
        return self.log.action_labels.get(action) if isinstance(action, str) else None


def last_action(state: MeetingState, mine: Callable[[Event], bool]) -> list[Event]:
    """The newest action (events sharing an action id) with an event ``mine`` accepts, not
    undone and not itself an undo: its events not undone yet, oldest first."""
    history, undone = state.history, state.undone
    undos = {e.data.get(ACTION_FIELD) for e in history if e.kind == UNDO_KIND}
    for event in reversed(history):
        action = event.data.get(ACTION_FIELD)
        if not isinstance(action, str) or not action or action in undos or event.id in undone:
            continue
        if mine(event):
            return [e for e in history if e.data.get(ACTION_FIELD) == action and e.id not in undone]
    return []


def write_undo(log: SessionLog, events: Sequence[Event], actor: Actor) -> list[Event]:
    """Append the ``flow.undone`` event that takes ``events`` (one action) back."""
    if not events:
        return []
    target = events[0].data.get(ACTION_FIELD)
    data: dict[str, Any] = {"event_ids": [e.id for e in events]}
    if isinstance(target, str):
        data["target"] = target
    plugins = sorted({e.namespace for e in events if e.namespace})
    if plugins:  # so that a plugin can draw its projector's picture again
        data["plugins"] = plugins
    log.append(UNDO_KIND, data, actor=actor)
    return list(events)


def next_visibility(current: str) -> str:
    """The visibility after ``current`` when the note-taker presses the toggle key."""
    order = ("minutes", "public", "private")
    return order[(order.index(current) + 1) % len(order)] if current in order else order[0]
