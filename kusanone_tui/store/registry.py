"""The community registry: what lives across sessions (the store's second TinyDB file).

Groups and organisations (参加主体), activities with the date they were born (a new 居場所, a
festival, a café), and collaborations between groups (協働事例). Later sessions see them (pick a
group when inviting someone), and the community report counts them. It is the same crash-safe,
multi-process storage as a session.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tinydb import Query

from ..model.events import new_id
from ..model.text import clean_data, clean_text
from .storage import LogDB

GROUP_KINDS: tuple[str, ...] = ("group", "organisation")
ACTIVITY_KINDS: tuple[str, ...] = ("ibasho", "festival", "cafe", "course", "games", "other")


@dataclass(frozen=True, slots=True)
class Group:
    id: str
    name: str
    kind: str = "group"
    created_at: float = 0.0
    session: str | None = None


@dataclass(frozen=True, slots=True)
class Activity:
    id: str
    name: str
    kind: str = "other"
    born_on: str = ""  # YYYY-MM-DD
    groups: tuple[str, ...] = ()
    session: str | None = None
    created_at: float = 0.0


@dataclass(frozen=True, slots=True)
class Collaboration:
    id: str
    text: str
    groups: tuple[str, ...] = field(default_factory=tuple)
    on: str = ""  # YYYY-MM-DD
    session: str | None = None
    created_at: float = 0.0


def _today() -> str:
    return time.strftime("%Y-%m-%d")


class Registry:
    """Read and add groups, activities and collaborations."""

    def __init__(self, path: str | Path, clock=time.time) -> None:
        self.db = LogDB(path)
        self.clock = clock  # when a record is made (a fixed clock makes tests repeatable)

    def groups(self) -> list[Group]:
        return [Group(**clean_data(doc)) for doc in self.db.table("groups").all()]

    def activities(self) -> list[Activity]:
        return [
            Activity(**{**clean_data(doc), "groups": tuple(doc.get("groups") or ())})
            for doc in self.db.table("activities").all()
        ]

    def collaborations(self) -> list[Collaboration]:
        return [
            Collaboration(**{**clean_data(doc), "groups": tuple(doc.get("groups") or ())})
            for doc in self.db.table("collaborations").all()
        ]

    def find_group(self, name: str) -> Group | None:
        hits = self.db.table("groups").search(Query().name == name.strip())
        return Group(**clean_data(hits[0])) if hits else None

    def add_group(self, name: str, kind: str = "group", session: str | None = None) -> Group:
        """A group or organisation; adding an existing name returns the one already there."""
        with self.db.log.locked():  # look and add as one step: another process may add it too
            existing = self.find_group(name)
            if existing is not None:
                return existing
            group = Group(
                new_id()[:10],
                clean_text(name).strip(),
                kind if kind in GROUP_KINDS else "group",
                self.clock(),
                session,
            )
            self.db.table("groups").insert(asdict(group))
            return group

    def add_activity(
        self,
        name: str,
        kind: str = "other",
        born_on: str | None = None,
        groups: tuple[str, ...] = (),
        session: str | None = None,
    ) -> Activity:
        activity = Activity(
            new_id()[:10],
            clean_text(name).strip(),
            kind if kind in ACTIVITY_KINDS else "other",
            born_on or _today(),
            tuple(groups),
            session,
            self.clock(),
        )
        self.db.table("activities").insert({**asdict(activity), "groups": list(groups)})
        return activity

    def add_collaboration(
        self,
        text: str,
        groups: tuple[str, ...] = (),
        on: str | None = None,
        session: str | None = None,
    ) -> Collaboration:
        item = Collaboration(
            new_id()[:10],
            clean_text(text, multiline=True).strip(),
            tuple(groups),
            on or _today(),
            session,
            self.clock(),
        )
        self.db.table("collaborations").insert({**asdict(item), "groups": list(groups)})
        return item

    def names(self) -> list[str]:
        """Groups and activities by name, for "invited to …" choices."""
        return [g.name for g in self.groups()] + [a.name for a in self.activities()]
