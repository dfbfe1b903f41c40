"""The session log's events: what happened in a meeting, in order.

A meeting is an append-only sequence of :class:`Event`. Core kinds are listed in
:data:`CORE_KINDS`; a plugin writes kinds under its own namespace, ``"<namespace>:<name>"``
(for example ``"openmic:performer_added"``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .text import clean_data

Role = Literal["facilitator", "notes", "projector", "plugin", "system"]
ROLES: tuple[str, ...] = ("facilitator", "notes", "projector", "plugin", "system")

Visibility = Literal["public", "minutes", "private"]
VISIBILITIES: tuple[str, ...] = ("public", "minutes", "private")
DEFAULT_VISIBILITY: Visibility = "minutes"

#: The core event kinds and the data fields each requires.
CORE_KINDS: dict[str, tuple[str, ...]] = {
    "session.created": ("title", "template"),
    "participant.joined": ("participant_id", "name"),
    "participant.left": ("participant_id",),
    "participant.changed": ("participant_id",),
    "stage.started": ("index",),
    "stage.ended": ("index",),
    "round.started": ("order",),
    "turn.started": ("participant_id",),
    "turn.passed": ("participant_id",),
    "turn.deferred": ("participant_id",),
    "turn.ended": ("participant_id",),
    "timer.paused": (),
    "timer.resumed": (),
    "timer.extended": ("seconds",),
    "note.added": ("note_id", "text", "visibility"),
    "note.edited": ("note_id",),
    "note.redacted": ("note_id",),
    "reflecting.roles": (),
    "reflecting.phase": ("phase",),
    "breakout.group_added": ("group_id", "name"),
    "breakout.topic": ("group_id", "topic"),
    "breakout.moved": ("participant_id",),
    "breakout.balanced": ("seats",),
    "flow.undone": ("event_ids",),
    "room.theme": ("theme",),
    "closing.recorded": ("count",),
    "plugin.failed": ("plugin", "hook", "error"),
}

#: The undo: ``data["event_ids"]`` are earlier events the fold then treats as if they never
#: happened (``data["target"]``: the action they formed). Undoing an undo brings them back.
UNDO_KIND = "flow.undone"

#: Fields the store writes into every event of one undoable action (see
#: ``SessionLog.action``): the action's id, and the role whose key it was.
ACTION_FIELD = "action"
BY_FIELD = "by"

#: A note's free-text and name fields: redaction removes them from the disk. An event may name
#: more of its own fields in ``data["personal"]`` (a plugin marks what is personal).
PERSONAL_FIELDS: tuple[str, ...] = ("text", "people", "invited_to")


def personal_fields(data: Mapping[str, Any]) -> list[str]:
    """The fields of ``data`` that redaction removes: the note's and any the event marks."""
    marked = data.get("personal")
    extra = [str(f) for f in marked] if isinstance(marked, list | tuple) else []
    return [f for f in dict.fromkeys((*PERSONAL_FIELDS, *extra)) if f in data]


def personal_strings(data: Mapping[str, Any]) -> list[str]:
    """Every string held in the personal fields of ``data`` (to cut them from damaged copies)."""
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str) and value:
            found.append(value)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)
        elif isinstance(value, Mapping):
            for item in value.values():
                walk(item)

    for name in personal_fields(data):
        walk(data[name])
    return found


def redacted_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` with every personal field emptied and the mark that it was redacted."""
    out = dict(data)
    for name in personal_fields(data):
        out[name] = None
    out["redacted"] = True
    return out


_NAMESPACE = re.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*$")
_PLUGIN_KIND = re.compile(r"^([a-z][a-z0-9_]*):([a-z][a-z0-9_.]*)$")


class EventError(ValueError):
    """An event that breaks the log's rules (unknown kind, missing field)."""


@dataclass(frozen=True, slots=True)
class Actor:
    """Who wrote an event: a role, and for plugins the plugin's name."""

    role: str
    name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role, "name": self.name} if self.name else {"role": self.role}

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Actor:
        return cls(role=str(raw.get("role", "system")), name=raw.get("name"))


@dataclass(frozen=True, slots=True)
class Event:
    """One entry of the session log.

    ``seq`` is the position in the log, given by the store when the event is saved (0 before).
    ``at`` is the wall-clock time in seconds since the epoch, taken by the writer.
    """

    kind: str
    data: Mapping[str, Any] = field(default_factory=dict)
    actor: Actor = field(default_factory=lambda: Actor("system"))
    at: float = 0.0
    id: str = ""
    seq: int = 0

    @property
    def namespace(self) -> str | None:
        """The plugin namespace of a plugin event, ``None`` for a core event."""
        match = _PLUGIN_KIND.match(self.kind)
        return match.group(1) if match else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "at": self.at,
            "actor": self.actor.to_dict(),
            "data": dict(self.data),
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any], seq: int = 0) -> Event:
        """An event read back from a log; its text is cleaned again (see :mod:`.text`)."""
        data = raw.get("data")
        return cls(
            kind=str(raw["kind"]),
            data=clean_data(data) if isinstance(data, Mapping) else {},
            actor=Actor.from_dict(raw.get("actor") or {}),
            at=float(raw.get("at") or 0.0),
            id=str(raw.get("id") or ""),
            seq=seq,
        )


def new_id() -> str:
    """A fresh, collision-free identifier for events, notes and participants: 128 random bits
    as 32 hex digits, like ``uuid.uuid4().hex`` (whose module took 2 ms of every start)."""
    return os.urandom(16).hex()


def plugin_kind(namespace: str, name: str) -> str:
    """The event kind for a plugin event: ``plugin_kind("openmic", "cancelled")``."""
    kind = f"{namespace}:{name}"
    if not _PLUGIN_KIND.match(kind):
        raise EventError(f"bad plugin event kind {kind!r}")
    return kind


def validate(event: Event) -> None:
    """Raise :class:`EventError` unless ``event`` may enter the log."""
    if event.actor.role not in ROLES:
        raise EventError(f"unknown actor role {event.actor.role!r}")
    if event.kind in CORE_KINDS:
        missing = [name for name in CORE_KINDS[event.kind] if name not in event.data]
        if missing:
            raise EventError(f"{event.kind}: missing {', '.join(missing)}")
        visibility = event.data.get("visibility")
        if visibility is not None and visibility not in VISIBILITIES:
            raise EventError(f"{event.kind}: unknown visibility {visibility!r}")
        return
    if not _PLUGIN_KIND.match(event.kind):
        raise EventError(f"unknown event kind {event.kind!r}")
