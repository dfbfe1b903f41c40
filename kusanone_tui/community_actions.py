"""What the app writes into the community registry (地域の記録: groups, activities born,
collaborations), as plain functions beside ``meeting.py``: no Textual, so a screen, a script or
a test calls the same thing. The registry itself (``store/registry.py``) keeps the records."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .store.registry import Registry
from .store.session import SessionLog
from .store.sessions import COMMUNITY_FILE


def registry_for(log: SessionLog) -> Registry:
    """The community registry of the store ``log`` lives in (beside the session file)."""
    return Registry(Path(log.path).parent / COMMUNITY_FILE)


def record_entry(log: SessionLog, entry: Mapping[str, Any]) -> bool:
    """Record what the registry dialog gave: ``kind`` (``group``, ``activity`` or
    ``collaboration``), ``name``, ``groups`` (names; each is added as a group if new) and
    ``date``; tagged with the session it came from. Raises ``OSError`` when the disk refuses."""
    registry = registry_for(log)
    session = log.session_id
    groups = tuple(registry.add_group(name, session=session).id for name in entry["groups"])
    if entry["kind"] == "group":
        registry.add_group(entry["name"], session=session)
    elif entry["kind"] == "activity":
        registry.add_activity(entry["name"], born_on=entry["date"], groups=groups, session=session)
    else:
        registry.add_collaboration(entry["name"], groups=groups, on=entry["date"], session=session)
    return True
