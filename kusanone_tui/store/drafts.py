"""The note-taker's draft: kept on disk while it is typed, so a crash does not lose it.

One small private file per session, role and app process (``.<session>.draft-<who>-<pid>.json``
beside the session), replaced atomically on each save and removed once the note is saved to the
log. Two note-takers on one session (two terminals, two browser tabs) each keep their own, so one
of them saving a note never removes the other's unsent text. An app that opens the session takes
over the drafts of app processes that are gone (a crash, a closed tab) and gives their text back.

When the session's folder cannot be written (read-only, a full disk), the draft is kept in the
user's state folder instead; when nothing can be written at all, :meth:`Draft.save` returns
``False`` and the text stays where it is, in the input. Nothing here raises for a file it cannot
write or remove: a draft is a safety net and must never be what stops the note-taker.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path

from .storage import FILE_MODE


def fallback_folder() -> Path:
    """Where drafts go when the session's folder cannot take them."""
    from platformdirs import user_state_dir  # only needed here; keeps start-up light

    return Path(user_state_dir("kusanone", appauthor=False)) / "drafts"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process: alive
        return True
    return True


class Draft:
    def __init__(self, session_path: Path, who: str = "notes") -> None:
        self.session_path = Path(session_path)
        self.who = who
        self.folder = self.session_path.parent
        self.prefix = f".{self.session_path.name}.draft-{who}"
        key = hashlib.sha256(str(self.session_path.resolve()).encode("utf-8")).hexdigest()[:16]
        self.fallback_prefix = f"{key}.draft-{who}"
        self._leftovers: list[Path] = []  # taken-over drafts that could not be removed yet

    # -- where ----------------------------------------------------------------------------------
    @property
    def path(self) -> Path:
        """This process's draft beside the session."""
        return self.folder / f"{self.prefix}-{os.getpid()}.json"

    @property
    def fallback_path(self) -> Path:
        """This process's draft in the user's state folder (when the session's folder fails)."""
        return fallback_folder() / f"{self.fallback_prefix}-{os.getpid()}.json"

    def _candidates(self) -> list[tuple[Path, int | None]]:
        """Every draft file of this session and role, with the process that wrote it."""
        found = []
        for folder, prefix in (
            (self.folder, self.prefix),
            (fallback_folder(), self.fallback_prefix),
        ):
            try:
                names = [p for p in folder.glob(f"{prefix}*.json") if p.is_file()]
            except OSError:
                continue
            for path in names:
                rest = path.name[len(prefix) : -len(".json")]
                if rest == "":
                    found.append((path, None))  # a draft of an older version: nobody's now
                elif rest.startswith("-") and rest[1:].isdigit():
                    found.append((path, int(rest[1:])))
        return found

    # -- reading --------------------------------------------------------------------------------
    @staticmethod
    def _read(path: Path) -> tuple[str, str | None, float]:
        try:
            raw = json.loads(path.read_text("utf-8"))
            return str(raw.get("text") or ""), raw.get("visibility"), path.stat().st_mtime
        except (OSError, ValueError, AttributeError):
            return "", None, 0.0

    def load(self) -> tuple[str, str | None]:
        """The unsent text and its visibility, or ``("", None)``.

        This process's own draft, and those of app processes that are gone, which are taken over
        (each by one app only: whoever removes the file first) and joined in the order written.
        """
        mine: list[tuple[float, str, str | None]] = []
        for path, pid in self._candidates():
            if pid == os.getpid():
                text, visibility, when = self._read(path)
                if text:
                    mine.append((when, text, visibility))
                continue
            if pid is not None and _alive(pid):
                continue  # another note-taker's, still typing
            text, visibility, when = self._read(path)
            try:
                path.unlink()
            except FileNotFoundError:
                continue  # another app took it over first
            except OSError:
                self._leftovers.append(path)  # a read-only folder: take the text, remove later
            if text:
                mine.append((when, text, visibility))
        if not mine:
            return "", None
        mine.sort(key=lambda item: item[0])
        text = " ".join(item[1] for item in mine)
        visibility = mine[-1][2]
        self.save(text, visibility or "")
        return text, visibility

    # -- writing --------------------------------------------------------------------------------
    def save(self, text: str, visibility: str) -> bool:
        """Keep ``text`` (an empty text removes the draft); ``False`` if it could not be kept."""
        if not text:
            self.clear()
            return True
        content = json.dumps({"text": text, "visibility": visibility}, ensure_ascii=False)
        for path, stale in ((self.path, self.fallback_path), (self.fallback_path, None)):
            try:
                if path.parent != self.folder:
                    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                _replace(path, content)
            except OSError:
                continue
            if stale is not None:
                _remove(stale)
            return True
        return False

    def clear(self) -> None:
        """Remove the draft: its text is in the log now (or was emptied)."""
        for path in (self.path, self.fallback_path, *self._leftovers):
            _remove(path)
        self._leftovers = [path for path in self._leftovers if path.exists()]


def _replace(path: Path, content: str) -> None:
    # One temporary file per process: two note-takers (tabs, terminals) may save at once.
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError:
        _remove(tmp)  # a full disk: leave no half-written file behind
        raise


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
