"""The note-taker's draft: kept on disk while it is typed, so a crash does not lose it.

One small private file per session and device (``.<session>.draft-<who>.json`` beside the session),
replaced atomically on each save and removed once the note is saved to the log.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from .storage import FILE_MODE


class Draft:
    def __init__(self, session_path: Path, who: str = "notes") -> None:
        self.path = session_path.with_name(f".{session_path.name}.draft-{who}.json")

    def load(self) -> tuple[str, str | None]:
        """The saved text and visibility, or ``("", None)``."""
        try:
            raw = json.loads(self.path.read_text("utf-8"))
            return str(raw.get("text") or ""), raw.get("visibility")
        except (OSError, ValueError, AttributeError):
            return "", None

    def save(self, text: str, visibility: str) -> None:
        if not text:
            self.clear()
            return
        # One temporary file per process: two note-takers (tabs, terminals) may save at once.
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"text": text, "visibility": visibility}, handle, ensure_ascii=False)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)

    def clear(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
