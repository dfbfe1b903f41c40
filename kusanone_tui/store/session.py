"""One meeting's log: append events, read the folded state, follow other processes.

This is the public face of the store for the app, for plugins (through their API object) and for
scripts (see ``docs/api.md``)::

    log = SessionLog.open("sessions/20261127-teireikai-3f9a.session.jsonl")
    log.append("note.added", {"note_id": new_id(), "text": "…", "visibility": "public"},
               actor=Actor("notes"))
    state = log.state()          # MeetingState, folded from every event
    for event in log.follow():   # events other processes wrote since the last look
        ...
"""

from __future__ import annotations

import json
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..model.events import (
    ACTION_FIELD,
    BY_FIELD,
    CORE_KINDS,
    Actor,
    Event,
    new_id,
    personal_strings,
    redacted_data,
    validate,
)
from ..model.state import MeetingState, apply
from ..model.template import Template
from ..model.text import _UNSAFE, clean_data
from .storage import DamageReport, LogDB, LogTable, decode_line, encode_line, replace_file

EVENTS = "events"
SUFFIX = ".session.jsonl"


class SessionWriteError(OSError):
    """The session could not be written (a full disk, a read-only folder, a held lock).

    Raised by :meth:`PluginAPI.append`. A plugin need not catch it: the app shows one calm
    notice that nothing was lost, and the plugin stays on — the fault is not the plugin's.
    """


class SessionLog:
    """A session file opened for reading and appending. Safe to share between processes."""

    def __init__(
        self,
        path: str | Path,
        *,
        create: bool = False,
        clock: Callable[[], float] = time.time,
        durable: bool = True,
    ) -> None:
        """``durable=False``: appends are not flushed to the disk one by one (a throwaway
        store, such as the demo's; see :class:`~.storage.LogStorage`)."""
        self.path = Path(path)
        self.db = LogDB(self.path, create=create, durable=durable)
        self.clock = clock
        self._table: LogTable = self.db.table(EVENTS)  # type: ignore[assignment]
        self._state: MeetingState | None = None
        self._seen = 0  # highest seq handed out by follow()
        self._state_epoch = self._follow_epoch = self.db.log.epoch
        self._action: dict[str, str] | None = None
        #: What each action of this process was, for the undo's notice (kept in memory only,
        #: never written: an action's name could tell what it was about).
        self.action_labels: dict[str, str] = {}

    # -- opening --------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path, **kwargs: Any) -> SessionLog:
        """Open an existing session file (``FileNotFoundError`` if there is none)."""
        return cls(path, create=False, **kwargs)

    @classmethod
    def create(
        cls,
        path: str | Path,
        template: Template,
        title: str | None = None,
        actor: Actor | None = None,
        place: str | None = None,
        series: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> SessionLog:
        """Start a new session file from ``template`` (``place``: where it is held;
        ``series``: the series it belongs to and its number, see ``store/series.py``)."""
        path = Path(path)
        if path.exists():
            raise FileExistsError(path)
        log = cls(path, create=True, **kwargs)
        log.append(
            "session.created",
            {
                "title": title or template.title.get("ja", template.id),
                "template": template.to_dict(),
                **({"place": place} if place else {}),
                **({"series": dict(series)} if series else {}),
            },
            actor=actor or Actor("facilitator"),
        )
        return log

    @property
    def session_id(self) -> str:
        return session_id(self.path)

    @property
    def damage(self) -> DamageReport | None:
        """Set when the file was found damaged on opening and recovered."""
        return self.db.log.damage

    @property
    def read_only(self) -> bool:
        """True while the file is damaged and no copy could be kept (see ``storage``)."""
        return self.db.log.read_only

    def ignored(self) -> list[int]:
        """Positions of records that pass their checksum but are not events (no ``kind``, odd
        shape): they are left in the file and skipped by :meth:`events` and :meth:`state`."""
        self.db.log.refresh()
        docs = self.db.log._tables.get(EVENTS, {})
        return [int(seq) for seq, doc in docs.items() if read_event(doc, int(seq)) is None]

    # -- writing ----------------------------------------------------------------------------
    @contextmanager
    def action(self, by: str, label: str | None = None) -> Iterator[str]:
        """Make every event appended inside one undoable action: each gets the action's id
        (``data["action"]``) and the role whose key it was (``data["by"]``). Nested, the outer
        action holds the inner one's events. ``label``: what to call it when it is undone."""
        if self._action is not None:
            yield self._action[ACTION_FIELD]
            return
        action_id = new_id()
        self._action = {ACTION_FIELD: action_id, BY_FIELD: by}
        if label:
            self.action_labels[action_id] = label
        try:
            yield action_id
        finally:
            self._action = None

    @contextmanager
    def outside_action(self) -> Iterator[None]:
        """Append events that are no part of the action at hand (a plugin's failure, recorded
        while its command runs): ``ctrl+z`` never takes them back."""
        held, self._action = self._action, None
        try:
            yield
        finally:
            self._action = held

    @property
    def epoch(self) -> int:
        """Grows whenever the whole file was read again or replaced (a redaction, a repair,
        another process's rewrite): a screen that remembers what it drew from the log draws
        afresh when it changes."""
        return self.db.log.epoch

    def _stamp(self, kind: str, data: Mapping[str, Any] | None, actor: Actor | None) -> Event:
        data = dict(data or {})
        if self._action is not None:
            data.update(self._action)
        event = Event(
            kind=kind,
            data=clean_data(data),  # people's text is data: no terminal control
            actor=actor or Actor("system"),
            at=self.clock(),
            id=new_id(),
        )
        validate(event)
        return event

    def append(
        self, kind: str, data: Mapping[str, Any] | None = None, actor: Actor | None = None
    ) -> Event:
        """Validate, time-stamp and durably save one event; returns it with its ``seq``."""
        return self.append_many([(kind, data)], actor=actor)[0]

    def append_many(
        self, items: Iterable[tuple[str, Mapping[str, Any] | None]], actor: Actor | None = None
    ) -> list[Event]:
        """Save several events with one write (all or nothing)."""
        events = [self._stamp(kind, data, actor) for kind, data in items]
        seqs = self._table.insert_multiple([event.to_dict() for event in events])
        return [Event.from_dict(e.to_dict(), seq=s) for e, s in zip(events, seqs, strict=True)]

    def redact(self, note_id: str, actor: Actor | None = None) -> Event:
        """Remove a note's text from the disk and record that it was redacted.

        Every earlier event carrying the note's text is rewritten without it (the file is
        replaced atomically), then a ``note.redacted`` event is appended. Copies of this file
        kept after damage was found are scrubbed of the text too.
        """
        with self.db.log.locked():
            docs = [
                doc
                for doc in self._table.all()
                if doc.get("kind") in ("note.added", "note.edited")
                and isinstance(doc.get("data"), dict)
                and doc["data"].get("note_id") == note_id
            ]
            texts = [text for doc in docs for text in personal_strings(doc["data"])]
            if docs:
                self._table.update(_scrub, doc_ids=[doc.doc_id for doc in docs])
            scrub_damaged_copies(self.path, texts, note_id)
            return self.append("note.redacted", {"note_id": note_id}, actor=actor)

    # -- reading ----------------------------------------------------------------------------
    def events(self) -> list[Event]:
        """Every event, in log order."""
        self.db.log.refresh()
        docs = self.db.log._tables.get(EVENTS, {})
        events = (read_event(doc, int(seq)) for seq, doc in docs.items())
        return [event for event in events if event is not None]

    def state(self) -> MeetingState:
        """The meeting state folded from the log, kept up to date incrementally."""
        self.db.log.refresh()
        if self._state is None or self._state_epoch != self.db.log.epoch:
            self._state_epoch = self.db.log.epoch
            self._state = MeetingState()
            for event in self.events():
                _apply(self._state, event)
        else:
            self._catch_up(self._state)
        return self._state

    def _catch_up(self, state: MeetingState) -> None:
        docs = self.db.log._tables.get(EVENTS, {})
        last = self.db.log._last_id.get(EVENTS, 0)
        for seq in range(state.last_seq + 1, last + 1):
            event = read_event(docs.get(str(seq)), seq)
            if event is not None:
                _apply(state, event)

    def follow(self) -> list[Event] | None:
        """Events saved since the last call, by any process, in order.

        Returns ``None`` when the file was rewritten (a redaction or a repair): the caller should
        then take :meth:`state` afresh, since earlier events changed.
        """
        self.db.log.refresh()
        if self._follow_epoch != self.db.log.epoch:
            self._follow_epoch = self.db.log.epoch
            self._seen = self.db.log._last_id.get(EVENTS, 0)
            return None
        docs = self.db.log._tables.get(EVENTS, {})
        last = self.db.log._last_id.get(EVENTS, 0)
        fresh = [read_event(docs.get(str(seq)), seq) for seq in range(self._seen + 1, last + 1)]
        self._seen = last
        return [event for event in fresh if event is not None]

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> SessionLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def session_id(path: str | Path) -> str:
    """A session's id: its file's name without the suffix."""
    path = Path(path)
    return path.name[: -len(SUFFIX)] if path.name.endswith(SUFFIX) else path.stem


def read_log(path: str | Path) -> tuple[list[Event], MeetingState] | None:
    """The events and the folded state of a session file, straight from its lines.

    For reading only (minutes, exports, the report): each line's checksum is checked as the
    storage checks it, but no TinyDB table or document is built, and an event whose line holds
    no escape and nothing :mod:`..model.text` would clean is taken as it is (one scan of the
    line instead of a walk over every string). Returns ``None`` when a line is damaged or the
    end is cut off: the caller then opens the file the ordinary way, which repairs or reports.
    """
    with open(path, "rb") as handle:
        content = handle.read()
    if content and not content.endswith(b"\n"):
        return None
    docs: dict[int, tuple[Any, bool]] = {}
    unsafe = _UNSAFE.search
    crc32, loads = zlib.crc32, json.loads
    for line in content.split(b"\n")[:-1]:
        if len(line) < 10 or line[8:9] != b" ":
            return None
        body = line[9:]
        try:
            if int(line[:8], 16) != crc32(body):
                return None
            text = body.decode("utf-8")
            record = loads(text)
            table = record["t"]
        except (ValueError, KeyError, TypeError):
            return None
        if "doc" not in record:
            continue  # a table line: only ids, no event
        doc_id, doc = record.get("id"), record.get("doc")
        if not isinstance(table, str) or type(doc_id) is not int or not isinstance(doc, dict):
            return None
        if table == EVENTS:
            docs[doc_id] = (doc, "\\" not in text and unsafe(text) is None)
    events: list[Event] = []
    state = MeetingState()
    for seq, (doc, clean) in docs.items():
        event = _clean_event(doc, seq) if clean else read_event(doc, seq)
        if event is not None:
            events.append(event)
            _apply(state, event)
    return events, state


def _clean_event(doc: dict[str, Any], seq: int) -> Event | None:
    """:func:`read_event` for a record known to hold no text that needs cleaning."""
    kind, data, actor = doc.get("kind"), doc.get("data"), doc.get("actor")
    if not isinstance(kind, str) or not isinstance(data or {}, dict):
        return None
    if not isinstance(actor or {}, Mapping):
        return None
    try:
        event = Event(
            kind=kind,
            data=data or {},
            actor=Actor.from_dict(actor or {}),
            at=float(doc.get("at") or 0.0),
            id=str(doc.get("id") or ""),
            seq=seq,
        )
        if kind in CORE_KINDS:
            validate(event)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return event


def read_event(doc: Any, seq: int) -> Event | None:
    """A stored record as an :class:`Event`, or ``None`` when it is not one.

    A record can pass its checksum and still not be an event (written by another program, by
    hand, or by a bug): no ``kind``, a ``data`` that is not a table, a core event without its
    required fields. Such a record is skipped, never a crash; :meth:`SessionLog.ignored` lists them.
    """
    if not isinstance(doc, Mapping) or not isinstance(doc.get("kind"), str):
        return None
    if not isinstance(doc.get("data") or {}, Mapping):
        return None
    if not isinstance(doc.get("actor") or {}, Mapping):
        return None
    try:
        event = Event.from_dict(doc, seq=seq)
        if event.kind in CORE_KINDS:
            validate(event)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return event


def _apply(state: MeetingState, event: Event) -> None:
    """Fold one event in; an event whose fields have the wrong types is skipped."""
    try:
        apply(state, event)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        state.last_seq = max(state.last_seq, event.seq)


def scrub_damaged_copies(path: Path, texts: Iterable[str], note_id: str | None = None) -> None:
    """Remove a redacted note from the damaged copies kept beside ``path``.

    A damaged copy keeps the original bytes so nothing else is lost, but redacted text and names
    must leave the disk. Whole lines of the note's events are scrubbed field by field (and keep
    a valid checksum); in broken lines, the texts are cut out as bytes (as written in the log's
    JSON), wherever they are.
    """
    needles = {json.dumps(text, ensure_ascii=False)[1:-1].encode("utf-8") for text in texts}
    needles.discard(b"")
    stem = path.name[: -len(SUFFIX)] if path.name.endswith(SUFFIX) else path.stem
    for copy in path.parent.glob(f"{stem}*.damaged-*"):
        content = copy.read_bytes()
        lines = content.split(b"\n")
        for number, raw in enumerate(lines):
            record = decode_line(raw)
            if record is not None:
                table, doc_id, doc = record
                data = doc.get("data") if isinstance(doc, dict) else None
                if (
                    note_id is not None
                    and isinstance(data, dict)
                    and doc.get("kind") in ("note.added", "note.edited")
                    and data.get("note_id") == note_id
                ):
                    lines[number] = encode_line(
                        table, doc_id, {**doc, "data": redacted_data(data)}
                    )[:-1]
                continue
            for needle in needles:
                raw = raw.replace(needle, b"")
            lines[number] = raw
        cleaned = b"\n".join(lines)
        if cleaned != content:
            replace_file(copy, cleaned)


def _scrub(doc: dict[str, Any]) -> None:
    doc["data"] = redacted_data(doc["data"])
