"""The demo meeting: fictional people in a throwaway store, so a newcomer sees the whole flow."""

from __future__ import annotations

import tempfile
from pathlib import Path

from .meeting import Meeting
from .store.session import SessionLog
from .store.sessions import SessionStore
from .templates import load

#: Fictional participants: (display name, 立場, show name on screen, name in minutes).
DEMO_PEOPLE: tuple[tuple[str, str | None, bool, bool], ...] = (
    ("みどり", "self", True, False),
    ("さくらの母", "family", True, True),
    ("ゲスト", None, True, False),
    ("田中（地域）", "neighbour", True, True),
    ("相談員の森", "agency", True, True),
    ("そら", "self", False, False),
)


def create_demo(root: Path | None = None) -> SessionLog:
    """A new demo session (in a fresh temporary store unless ``root`` is given).

    The temporary store is thrown away, so its appends skip the flush to the disk: that flush,
    once per event, was a tenth of the time to the demo's first screen."""
    store = SessionStore(root or Path(tempfile.mkdtemp(prefix="kusanone-demo-")))
    log = store.create(
        load("teireikai"), title="草の根ネット 定例会（デモ）", durable=root is not None
    )
    meeting = Meeting(log, "facilitator")
    for name, position, show, minutes in DEMO_PEOPLE:
        meeting.join(name, position, show_name=show, minutes_name=minutes)
    meeting.next_stage()
    notes = Meeting(log, "notes")
    notes.add_note("今日は初めての方が2人いらっしゃいました", "public")
    return log
