"""Where sessions live, and finding one by id.

The store folder is chosen in this order: ``--data DIR``; ``KUSANONE_DATA``; ``./sessions`` when
the current folder has one (the repository ships demo logs there); otherwise the platform's user
data folder. Beside the sessions, ``community.jsonl`` keeps what lives across sessions.

Only a *session file* is ever opened as a session: its name ends in ``.session.jsonl`` and its
first line is a log line of the ``events`` table (normally ``session.created``; a damaged first
line still counts when it starts like one, so a damaged session can be recovered). Anything else
given as SESSION (a CSV, an empty file, a folder) is refused with :class:`NotASessionFile`,
never opened, so never "recovered". :meth:`SessionStore.list` never fails because of one entry:
it returns the readable sessions, with ``.problems`` naming each entry that could not be read.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ..i18n import t
from ..model.events import Actor
from ..model.template import Template
from .session import SUFFIX, SessionLog
from .storage import decode_line, decode_record, ensure_private_dir

if TYPE_CHECKING:  # the registry is read only when someone opens it
    from .registry import Registry

COMMUNITY_FILE = "community.jsonl"


#: The first bytes of a session file's lines: checksum, then the ``events`` table.
_EVENTS_LINE = re.compile(rb'^[0-9a-f]{8} \{"t":"events",')
#: How much of a first line is read to recognise a session (a template can be long).
_FIRST_LINE_LIMIT = 4 * 1024 * 1024


class SessionNotFound(LookupError):
    """No session matches what was asked for (or more than one does)."""


class NotASessionFile(SessionNotFound):
    """A path that is not a session file; ``reason`` says why (one line, in the UI language)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


class Unreadable(NamedTuple):
    """An entry of the store that is not a readable session, and why (one line)."""

    path: Path
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"path": str(self.path), "reason": self.reason}


class Listing(list):  # list[SessionInfo]
    """The readable sessions of a store, with ``problems``: the entries that could not be read."""

    def __init__(self, infos=(), problems=()) -> None:
        super().__init__(infos)
        self.problems: list[Unreadable] = list(problems)


def os_reason(error: OSError) -> str:
    """An ``OSError`` as a short reason, without the path (the caller names the file)."""
    return error.strerror or str(error) or type(error).__name__


def session_file_problem(path: Path) -> str | None:
    """Why ``path`` is not a session file, or ``None`` when it is one (see the module docstring).

    Never blocks: a FIFO or device is refused from its ``stat`` before it is opened.
    """
    if not path.name.endswith(SUFFIX):
        return t("store.not_session_name", suffix=SUFFIX)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            return t("store.is_folder")
        if not stat.S_ISREG(info.st_mode):
            return t("store.not_regular")
        if info.st_size == 0:
            return t("store.empty")
        with open(path, "rb") as handle:
            first = handle.readline(_FIRST_LINE_LIMIT)
    except OSError as error:
        return os_reason(error)
    record = decode_line(first[:-1]) if first.endswith(b"\n") else None
    if record is not None:
        table, _, doc = record
        if table == "events" and doc.get("kind") == "session.created":
            return None
        return t("store.not_session_start")
    if _EVENTS_LINE.match(first):
        return None  # ours, damaged: opening it recovers what is intact
    return t("store.not_session_content")


def resolve_root(data: str | os.PathLike[str] | None = None, cwd: Path | None = None) -> Path:
    """The store folder, by the rules in the module docstring."""
    if data:
        return Path(data).expanduser()
    env = os.environ.get("KUSANONE_DATA")
    if env:
        return Path(env).expanduser()
    local = (cwd or Path.cwd()) / "sessions"
    if local.is_dir():
        return local
    from platformdirs import user_data_dir  # only needed here; keeps start-up light

    return Path(user_data_dir("kusanone", appauthor=False)) / "sessions"


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """A line of ``kusanone sessions``: read from the file's first line, without folding."""

    id: str
    path: Path
    title: str
    template: str
    created_at: float | None
    events: int

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "path": str(self.path),
            "title": self.title,
            "template": self.template,
            "created_at": self.created_at,
            "events": self.events,
        }


class SessionStore:
    """A folder of session files (``<id>.session.jsonl``) and the community registry."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def _ensure(self) -> None:
        ensure_private_dir(self.root)

    def paths(self) -> list[Path]:
        """Every ``*.session.jsonl`` entry of the store, readable or not (none if it is missing).

        An unreadable store folder raises its ``OSError`` (it is not "empty").
        """
        try:
            with os.scandir(self.root) as entries:
                names = [
                    entry.name
                    for entry in entries
                    if entry.name.endswith(SUFFIX) and not entry.name.startswith(".")
                ]
        except (FileNotFoundError, NotADirectoryError):
            return []
        return sorted(self.root / name for name in names)

    def new_id(self, template: Template, now: float | None = None) -> str:
        stamp = time.strftime("%Y%m%d-%H%M", time.localtime(now))
        return f"{stamp}-{template.id}-{os.urandom(2).hex()}"

    def create(
        self,
        template: Template,
        title: str | None = None,
        actor: Actor | None = None,
        **kwargs: Any,
    ) -> SessionLog:
        """A new session file from ``template`` (``kwargs`` go to :class:`SessionLog`)."""
        self._ensure()
        while True:
            path = self.root / f"{self.new_id(template)}{SUFFIX}"
            if not path.exists():
                try:
                    return SessionLog.create(path, template, title=title, actor=actor, **kwargs)
                except OSError:
                    # A full disk: leave no empty session file behind (it is new, and ours).
                    with contextlib.suppress(OSError):
                        if path.stat().st_size == 0:
                            path.unlink()
                            path.with_name(f".{path.name}.lock").unlink()
                    raise

    def find(self, ref: str) -> Path:
        """A session's file from its id, a unique prefix of it, or a path to the file.

        Only a session file is returned; anything else raises :class:`NotASessionFile`.
        """
        candidate = Path(ref).expanduser()
        if candidate.suffix and (candidate.exists() or candidate.is_symlink()):
            return _checked(candidate)
        paths = self.paths()
        exact = [p for p in paths if p.name == f"{ref}{SUFFIX}"]
        if exact:
            return _checked(exact[0])
        matches = [p for p in paths if p.name.startswith(ref)] if ref else []
        if len(matches) == 1:
            return _checked(matches[0])
        if matches:
            raise SessionNotFound(f"{ref!r} matches {len(matches)} sessions in {self.root}")
        raise SessionNotFound(f"no session {ref!r} in {self.root}")

    def open(self, ref: str, **kwargs) -> SessionLog:
        return SessionLog.open(self.find(ref), **kwargs)

    def info(self, path: Path) -> SessionInfo:
        """A session's line, from its first line (``OSError`` if it cannot be read)."""
        title, template, created = "", "", None
        events = 0
        with open(path, "rb") as handle:
            for number, raw in enumerate(handle):
                if not raw.endswith(b"\n"):
                    break
                if b'"doc":' not in raw and decode_record(raw[:-1]) is not None:
                    continue  # a table line (see storage.py), not an event
                events += 1
                if number == 0:
                    record = decode_line(raw[:-1])
                    if record and record[2].get("kind") == "session.created":
                        data = _table(record[2].get("data"))
                        title = str(data.get("title") or "")
                        template = str(_table(data.get("template")).get("id") or "")
                        at = record[2].get("at")
                        created = float(at) if isinstance(at, int | float) else None
        session_id = path.name[: -len(SUFFIX)]
        return SessionInfo(session_id, path, title, template, created, events)

    def list(self) -> Listing:
        """The readable sessions; ``.problems`` names each entry that is not one, and why.

        One bad entry (unreadable, a folder, not a session) never hides the others. Only an
        unreadable store folder raises (its ``OSError``).
        """
        listing = Listing()
        for path in self.paths():
            problem = session_file_problem(path)
            if problem is None:
                try:
                    listing.append(self.info(path))
                    continue
                except OSError as error:
                    problem = os_reason(error)
            listing.problems.append(Unreadable(path, problem))
        return listing

    def community(self) -> Registry:
        """The registry of groups, activities and collaborations shared by all sessions."""
        from .registry import Registry

        self._ensure()
        return Registry(self.root / COMMUNITY_FILE)


def _checked(path: Path) -> Path:
    problem = session_file_problem(path)
    if problem is not None:
        raise NotASessionFile(path, problem)
    return path


def _table(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def dumps(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
