"""Where sessions live, and finding one by id.

The store folder is chosen in this order: ``--data DIR``; ``KUSANONE_DATA``; ``./sessions`` when
the current folder has one (the repository ships demo logs there); otherwise the platform's user
data folder. Beside the sessions, ``community.jsonl`` keeps what lives across sessions.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..model.events import Actor
from ..model.template import Template
from .registry import Registry
from .session import SUFFIX, SessionLog
from .storage import decode_line, ensure_private_dir

COMMUNITY_FILE = "community.jsonl"


class SessionNotFound(LookupError):
    """No session matches what was asked for (or more than one does)."""


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
        if not self.root.is_dir():
            return []
        return sorted(self.root.glob(f"*{SUFFIX}"))

    def new_id(self, template: Template, now: float | None = None) -> str:
        stamp = time.strftime("%Y%m%d-%H%M", time.localtime(now))
        return f"{stamp}-{template.id}-{secrets.token_hex(2)}"

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
                return SessionLog.create(path, template, title=title, actor=actor, **kwargs)

    def find(self, ref: str) -> Path:
        """A session's file from its id, a unique prefix of it, or a path to the file."""
        candidate = Path(ref).expanduser()
        if candidate.suffix and candidate.is_file():
            return candidate
        paths = self.paths()
        exact = [p for p in paths if p.name == f"{ref}{SUFFIX}"]
        if exact:
            return exact[0]
        matches = [p for p in paths if p.name.startswith(ref)] if ref else []
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise SessionNotFound(f"{ref!r} matches {len(matches)} sessions in {self.root}")
        raise SessionNotFound(f"no session {ref!r} in {self.root}")

    def open(self, ref: str, **kwargs) -> SessionLog:
        return SessionLog.open(self.find(ref), **kwargs)

    def info(self, path: Path) -> SessionInfo:
        title, template, created = "", "", None
        events = 0
        with open(path, "rb") as handle:
            for number, raw in enumerate(handle):
                if not raw.endswith(b"\n"):
                    break
                events += 1
                if number == 0:
                    record = decode_line(raw[:-1])
                    if record and record[2].get("kind") == "session.created":
                        data = record[2].get("data") or {}
                        title = str(data.get("title") or "")
                        template = str((data.get("template") or {}).get("id") or "")
                        created = record[2].get("at")
        session_id = path.name[: -len(SUFFIX)]
        return SessionInfo(session_id, path, title, template, created, events)

    def list(self) -> list[SessionInfo]:
        return [self.info(path) for path in self.paths()]

    def community(self) -> Registry:
        """The registry of groups, activities and collaborations shared by all sessions."""
        self._ensure()
        return Registry(self.root / COMMUNITY_FILE)


def dumps(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
