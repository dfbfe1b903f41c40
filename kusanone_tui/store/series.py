"""Series and supporters in the store: the same crash-safe storage as a session.

``series.jsonl`` beside the sessions holds the series (public fields only: a title, a template,
a place, a rhythm). ``supporters.jsonl`` holds the supporter roster: a display name and, only
when the person gave one, a way to reach them. The roster is private: it is never projected or
exported, and a supporter removed at their request leaves no trace in the store (the file is
rewritten without them, atomically; kept copies of a damaged roster are cut too).

Sessions remember their series: ``session.created`` carries ``series`` (``id``, ``name``,
``number``, ``starts_at``, and for a course ``evening``). :meth:`SeriesBook.held` reads that
from each session file's first line, without folding the session.
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from tinydb import Query

from ..i18n import t
from ..model.events import Actor, new_id
from ..model.series import Held, Occurrence, Series, SeriesError, check, next_meeting, slug
from ..model.text import clean_text
from .session import SessionLog
from .sessions import SessionStore
from .storage import LogDB, decode_line, replace_file

SERIES_FILE = "series.jsonl"
SUPPORTERS_FILE = "supporters.jsonl"


def series_of(first_event: dict[str, Any]) -> dict[str, Any] | None:
    """The ``series`` a session's ``session.created`` data names, or ``None``."""
    data = first_event.get("data")
    value = data.get("series") if isinstance(data, dict) else None
    return value if isinstance(value, dict) and isinstance(value.get("id"), str) else None


def local_now(tz: str) -> datetime:
    from zoneinfo import ZoneInfo

    try:
        zone = ZoneInfo(tz)
    except (ValueError, KeyError, OSError):
        zone = ZoneInfo("Asia/Tokyo")
    return datetime.now(zone).replace(tzinfo=None)


class SeriesBook:
    """The series of one store, and the sessions made from them."""

    def __init__(self, root: str | os.PathLike[str], clock=time.time) -> None:
        self.root = Path(root)
        self.clock = clock
        self._db: LogDB | None = None

    @property
    def db(self) -> LogDB:
        if self._db is None:
            self._db = LogDB(self.root / SERIES_FILE)
        return self._db

    def exists(self) -> bool:
        return (self.root / SERIES_FILE).is_file()

    # -- series -----------------------------------------------------------------------------
    def all(self) -> list[Series]:
        if not self.exists():
            return []  # reading never creates the file
        items = [Series.from_dict(doc) for doc in self.db.table("series").all()]
        return sorted(items, key=lambda s: (s.created_at, s.name))

    def find(self, ref: str) -> Series:
        """A series by id or by name (exact, then a unique prefix of either)."""
        ref = ref.strip()
        items = self.all()
        for test in (
            lambda s: ref in (s.id, s.name),
            lambda s: s.id.startswith(ref) or s.name.startswith(ref),
        ):
            hits = [s for s in items if ref and test(s)]
            if len(hits) == 1:
                return hits[0]
            if len(hits) > 1:
                names = ", ".join(f"{s.name} ({s.id})" for s in hits)
                raise SeriesError(t("series.ambiguous", ref=ref, count=len(hits), names=names))
        known = ", ".join(s.name for s in items) or "—"
        raise SeriesError(t("series.unknown", ref=ref, known=known))

    def add(self, series: Series) -> Series:
        series = check(series)
        with self.db.log.locked():
            taken = {s.id for s in self.all()} | {s.name for s in self.all()}
            if series.name in taken:
                raise SeriesError(t("series.exists", name=series.name))
            base = slug(series.id or series.name) or f"s{new_id()[:6]}"
            ident, n = base, 2
            while ident in taken:
                ident, n = f"{base}-{n}", n + 1
            series = replace(series, id=ident, created_at=self.clock())
            self.db.table("series").insert(series.to_dict())
        return series

    def update(self, ref: str, **changes: Any) -> Series:
        with self.db.log.locked():
            current = self.find(ref)
            name = changes.get("name", current.name)
            if name != current.name and any(s.name == name for s in self.all()):
                raise SeriesError(t("series.exists", name=name))
            updated = check(replace(current, **changes))
            self.db.table("series").update(updated.to_dict(), Query().id == current.id)
        return updated

    # -- sessions of a series -------------------------------------------------------------
    def held(self, series: Series, store: SessionStore | None = None) -> list[Held]:
        """The sessions made from ``series``: their time and number, from their first line."""
        found = []
        for path in (store or SessionStore(self.root)).paths():
            first = _first_record(path)
            mark = series_of(first) if first else None
            if mark and mark.get("id") == series.id and isinstance(mark.get("starts_at"), str):
                number = mark.get("number")
                found.append(Held(mark["starts_at"], number if isinstance(number, int) else None))
        return found

    def next(self, series: Series, now: datetime | None = None) -> Occurrence | None:
        return next_meeting(series, now or local_now(series.tz), self.held(series))

    def create_next(
        self,
        series: Series,
        template,
        title: str,
        occurrence: Occurrence,
        actor: Actor | None = None,
    ) -> SessionLog:
        """The session of ``occurrence``: its template, title and place; it remembers its
        series."""
        mark: dict[str, Any] = {
            "id": series.id,
            "name": series.name,
            "number": occurrence.number,
            "starts_at": occurrence.key,
        }
        if occurrence.evening is not None:
            mark["evening"] = occurrence.evening
            mark["evenings"] = len(series.templates)
        store = SessionStore(self.root)
        return store.create(
            template, title=title, place=series.place or None, actor=actor, series=mark
        )


def _first_record(path: Path) -> dict[str, Any] | None:
    try:
        with open(path, "rb") as handle:
            line = handle.readline(4 * 1024 * 1024)
    except OSError:
        return None
    record = decode_line(line.rstrip(b"\n")) if line.endswith(b"\n") else None
    return record[2] if record and record[0] == "events" else None


# -- supporters ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Supporter:
    """Someone who offered to help: a display name; a contact only if they gave one."""

    id: str
    name: str
    contact: str = ""
    added_on: str = ""  # YYYY-MM-DD: when they registered (no history beyond that)


class Supporters:
    """The supporter roster (private). Removal at the person's request leaves no trace."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.path = self.root / SUPPORTERS_FILE

    def _db(self) -> LogDB:
        return LogDB(self.path)

    def all(self) -> list[Supporter]:
        if not self.path.is_file():
            return []
        docs = self._db().table("supporters").all()
        return [
            Supporter(
                str(doc.get("id", "")),
                clean_text(str(doc.get("name", ""))),
                clean_text(str(doc.get("contact") or "")),
                str(doc.get("added_on", "")),
            )
            for doc in docs
        ]

    def names(self) -> list[str]:
        """Display names only: what a plugin may offer (no contact)."""
        return [s.name for s in self.all()]

    def add(self, name: str, contact: str = "") -> Supporter:
        name = clean_text(name).strip()
        if not name:
            raise SeriesError(t("supporters.no_name"))
        item = Supporter(new_id()[:8], name, clean_text(contact).strip(), time.strftime("%Y-%m-%d"))
        self._db().table("supporters").insert(
            {"id": item.id, "name": item.name, "contact": item.contact, "added_on": item.added_on}
        )
        return item

    def find(self, ref: str) -> Supporter:
        ref = clean_text(ref).strip()
        hits = [s for s in self.all() if ref and ref in (s.id, s.name)]
        if not hits:
            raise SeriesError(t("supporters.unknown", ref=ref))
        if len(hits) > 1:
            ids = ", ".join(s.id for s in hits)
            raise SeriesError(t("supporters.ambiguous", ref=ref, count=len(hits), ids=ids))
        return hits[0]

    def remove(self, ref: str) -> Supporter:
        """Remove someone at their request: the file is rewritten without them (atomically),
        and any kept copy of a damaged roster is cut of their lines too."""
        item = self.find(ref)
        db = self._db()
        with db.log.locked():
            db.table("supporters").remove(Query().id == item.id)
        self._scrub_copies(item)
        return item

    def _scrub_copies(self, item: Supporter) -> None:
        """Kept copies of a damaged roster (``supporters.damaged-*.jsonl``): drop their lines."""
        needles = [s for s in (item.name, item.contact) if s]
        for copy in self.root.glob("supporters.damaged-*.jsonl"):
            with contextlib.suppress(OSError):
                lines = copy.read_bytes().splitlines(keepends=True)
                kept = [
                    line
                    for line in lines
                    if not any(n.encode("utf-8") in line for n in needles)
                    and f'"id":"{item.id}"'.encode() not in line
                ]
                if kept != lines:
                    replace_file(copy, b"".join(kept))
