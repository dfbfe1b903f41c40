"""ウラのつづき: follow-ups that carry a backstage record to later meetings, and fade.

A ウラ record of kind ``invited`` (誘った) or ``offered_help`` (協力を申し出た／お願いした) made
at one meeting becomes a private follow-up that the facilitator (in the private view) and the
note-taker see at later meetings of the same store: 「前回、まんまの会にお誘いした方：2件」,
opened to see the display names. Each can be marked done or dropped (one key; the mark is an
event in the community registry); it expires on its own after :data:`DEFAULT_MONTHS` months, or
the ``months`` of the ``[followups]`` table of the store's ``plugins.toml``.

Nothing here reaches the projector, the minutes or a default export: it is read from the
sessions' private records and shown only where private things are.
"""

from __future__ import annotations

import contextlib
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .model.backstage import record_kind
from .store.registry import Registry
from .store.session import SUFFIX, SessionLog
from .store.sessions import COMMUNITY_FILE, SessionStore

DEFAULT_MONTHS = 12
FOLLOW_KINDS = ("invited", "offered_help")
MONTH_SECONDS = 365.25 / 12 * 86400


@dataclass(frozen=True, slots=True)
class Followup:
    key: str  # "<session id>/<note id>"
    session: str
    title: str
    at: float
    kind: str
    people: tuple[str, ...]
    invited_to: str
    text: str


def months_setting(root: Path) -> float:
    """``[followups] months`` of the store's ``plugins.toml`` (12 when unset or unreadable)."""
    with contextlib.suppress(OSError, ValueError, TypeError):
        data = tomllib.loads((Path(root) / "plugins.toml").read_text("utf-8"))
        months = float(data.get("followups", {}).get("months", DEFAULT_MONTHS))
        if months > 0:
            return months
    return DEFAULT_MONTHS


def _names(log: SessionLog, people: tuple[str, ...]) -> tuple[str, ...]:
    participants = log.state().participants
    return tuple(
        participants[p].name if p in participants and participants[p].name else p for p in people
    )


def collect(root: Path, exclude: str | None = None) -> list[Followup]:
    """Every follow-up ever made in the store's sessions (other than ``exclude``), oldest first."""
    found: list[Followup] = []
    listing = SessionStore(root).list()
    for info in listing:
        if info.id == exclude:
            continue
        try:
            log = SessionLog.open(info.path)
        except (OSError, UnicodeDecodeError):
            continue
        try:
            state = log.state()
            for note in state.notes.values():
                if not note.backstage or note.redacted:
                    continue
                kind = record_kind(note.tags)
                if kind not in FOLLOW_KINDS:
                    continue
                text = "" if (note.text or "").strip() == "・" else (note.text or "")
                found.append(
                    Followup(
                        f"{info.id}/{note.id}",
                        info.id,
                        state.title,
                        note.at,
                        kind,
                        _names(log, tuple(note.people)),
                        note.invited_to or "",
                        text,
                    )
                )
        finally:
            log.close()
    return sorted(found, key=lambda f: f.at)


#: The last scans: (store folder, excluded session) → (the session files' stamps, what was found).
_SCANS: dict[tuple[str, str | None], tuple[tuple, list[Followup]]] = {}


def _stamps(root: Path, exclude: str | None = None) -> tuple:
    """The store's session files with their modification times and sizes: any write to a
    session (a new ウラ record, a redaction, a new or removed session) changes it — but not
    the meeting running now (``exclude``), whose own records are not its follow-ups."""
    stamps = []
    skip = f"{exclude}{SUFFIX}" if exclude else None
    with contextlib.suppress(OSError):
        for path in Path(root).glob(f"*{SUFFIX}"):
            if path.name == skip:
                continue
            with contextlib.suppress(OSError):
                info = path.stat()
                stamps.append((path.name, info.st_mtime_ns, info.st_size))
    return tuple(sorted(stamps))


def collect_cached(root: Path, exclude: str | None = None) -> list[Followup]:
    """:func:`collect`, read again only when a session file of the store changed (it reads
    every session, so screens that show the count call this on every refresh)."""
    key = (str(Path(root).resolve()), exclude)
    stamps = _stamps(root, exclude)
    cached = _SCANS.get(key)
    if cached is not None and cached[0] == stamps:
        return list(cached[1])
    found = collect(root, exclude)
    _SCANS[key] = (stamps, found)
    return list(found)


def open_followups(
    root: Path, exclude: str | None = None, now: float | None = None, cached: bool = False
) -> list[Followup]:
    """The follow-ups still open: not marked done or dropped, and not expired (``cached``: the
    sessions are scanned again only when one of their files changed)."""
    now = time.time() if now is None else now
    horizon = now - months_setting(root) * MONTH_SECONDS
    path = Path(root) / COMMUNITY_FILE
    marks = Registry(path).followup_status() if path.is_file() else {}
    found = collect_cached(root, exclude) if cached else collect(root, exclude)
    return [
        f
        for f in found
        if f.at >= horizon and marks.get(f.key, {}).get("status") not in ("done", "dropped")
    ]


def calm_lines(root: Path, exclude: str | None = None, now: float | None = None) -> list[str]:
    """「前回、まんまの会にお誘いした方：2件（F9）」: counts per kind and place, no names — for
    the note-taker's screen and the facilitator's private view only (never the wall, the
    projector, the minutes or an export). Empty when there is nothing open or it cannot be read."""
    from .i18n import t

    try:
        items = open_followups(root, exclude, now, cached=True)
    except (OSError, ValueError):
        return []
    return [
        t(
            "followups.line",
            text=t(f"followups.line_{kind}", where=where or t("followups.somewhere"), count=n),
        )
        for kind, where, n in summary(items)
    ]


def mark(root: Path, key: str, status: str) -> None:
    """Mark a follow-up ``done`` or ``dropped`` (an event in the registry)."""
    Registry(Path(root) / COMMUNITY_FILE).mark_followup(key, status)


def summary(items: list[Followup]) -> list[tuple[str, str, int]]:
    """(kind, invited_to, how many), for 「前回、まんまの会にお誘いした方：2件」."""
    counts: dict[tuple[str, str], int] = {}
    for item in items:
        counts[(item.kind, item.invited_to)] = counts.get((item.kind, item.invited_to), 0) + 1
    return [(kind, where, n) for (kind, where), n in counts.items()]
