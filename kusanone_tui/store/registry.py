"""The community registry: what lives across sessions (the store's second TinyDB file).

Groups and organisations (参加主体, standing 部会 among them), activities with the date they
began (a new 居場所, a festival, a café), collaborations between groups (協働事例), activity days
with head-counts, connection stories, help-wanted requests, and the state of the ウラ follow-ups.

Every change is an event appended to the ``changes`` table of the same crash-safe,
multi-process storage as a session (:class:`~kusanone_tui.store.storage.LogDB`): adding, renaming,
merging two duplicates, correcting a date, retiring. What the registry says is a fold of those
events, so the history is kept (:meth:`Registry.history`), what it said at any earlier moment can
be read back (``Registry.at``), and the report for a past period counts what existed then, with
the dates as corrected since. Registries written before this (tables ``groups``, ``activities``,
``collaborations``) are read as their first events.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from ..model.events import new_id
from ..model.text import clean_data, clean_text
from .storage import LogDB

CHANGES = "changes"
LEGACY_TABLES = ("groups", "activities", "collaborations")

#: Kinds of group. ``bukai``: a standing subcommittee (部会) of the platform; breakouts open
#: from them. 部会 take part in collaborations but are not counted as 参加主体.
GROUP_KINDS: tuple[str, ...] = ("group", "organisation", "bukai")
#: Kinds of activity: 居場所, カフェ, 家族会, 講座, イベント, 部会, ゲーム会, その他.
#: Plugins add more (:func:`register_kind`).
BUILTIN_ACTIVITY_KINDS: tuple[str, ...] = (
    "ibasho",
    "cafe",
    "family",
    "course",
    "event",
    "bukai",
    "games",
    "other",
)
#: The Japanese names people type (and older registries' ids), mapped to the kinds above.
KIND_ALIASES: dict[str, str] = {
    "居場所": "ibasho",
    "カフェ": "cafe",
    "家族会": "family",
    "講座": "course",
    "イベント": "event",
    "部会": "bukai",
    "ゲーム会": "games",
    "その他": "other",
    "festival": "event",
    "団体": "organisation",
    "グループ": "group",
    "organization": "organisation",
}

_EXTRA_KINDS: dict[str, Mapping[str, str]] = {}


def register_kind(name: str, title: Mapping[str, str] | str) -> None:
    """Add an activity kind (a plugin's ``register_registry_kinds`` hook calls this)."""
    key = clean_text(str(name)).strip()
    if not key or key in BUILTIN_ACTIVITY_KINDS:
        return
    _EXTRA_KINDS[key] = {"ja": title, "en": title} if isinstance(title, str) else dict(title)


def activity_kinds() -> tuple[str, ...]:
    return (*BUILTIN_ACTIVITY_KINDS, *_EXTRA_KINDS)


def kind_title(kind: str) -> str:
    """The kind's name in the current language (a plugin's own title; else the id)."""
    from ..i18n import current_language, t

    if kind in BUILTIN_ACTIVITY_KINDS or kind in GROUP_KINDS:
        return t(f"community.kind.{kind}")
    extra = _EXTRA_KINDS.get(kind)
    if extra:
        return extra.get(current_language()) or next(iter(extra.values()), kind)
    return kind


def activity_kind(value: str | None) -> str | None:
    """An activity kind from its id or its Japanese name; ``None`` if unknown."""
    value = (value or "").strip()
    value = KIND_ALIASES.get(value, value)
    if value in activity_kinds():
        return value
    for key, titles in _EXTRA_KINDS.items():
        if value in titles.values():
            return key
    for key in BUILTIN_ACTIVITY_KINDS:  # the name as the screens show it, in either language
        if value.casefold() in {_title(key, lang).casefold() for lang in ("ja", "en")}:
            return key
    return None


def _title(kind: str, lang: str) -> str:
    from ..i18n import catalogue

    return catalogue(lang).get(f"community.kind.{kind}", kind)


def group_kind(value: str | None) -> str | None:
    value = (value or "").strip()
    value = {"部会": "bukai"}.get(value, KIND_ALIASES.get(value, value))
    for key in GROUP_KINDS:
        if value.casefold() in {_title(key, lang).casefold() for lang in ("ja", "en")}:
            return key
    return value if value in GROUP_KINDS else None


class RegistryError(ValueError):
    """A change the registry refuses (an unknown entry, a bad date): its message is one line,
    from the catalogue (``community.err.<key>``)."""

    def __init__(self, key: str, **params: Any) -> None:
        from ..i18n import t

        self.key = key
        super().__init__(t(f"community.err.{key}", **params))


def check_day(value: str | None, default: str | None = None) -> str:
    """``YYYY-MM-DD`` (or ``default``); :class:`RegistryError` otherwise."""
    if value is None or not str(value).strip():
        if default is None:
            raise RegistryError("date", value="")
        return default
    try:
        return date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise RegistryError("date", value=value) from None


def _today() -> str:
    return time.strftime("%Y-%m-%d")


def _day(at: float | None) -> str:
    return time.strftime("%Y-%m-%d", time.localtime(at or 0))


def _key(name: str) -> str:
    return " ".join(clean_text(name).split()).casefold()


# -- the records ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Group:
    id: str
    name: str
    kind: str = "group"
    created_at: float = 0.0
    session: str | None = None
    began: str = ""  # YYYY-MM-DD; "" = the day it was recorded
    ended: str = ""  # YYYY-MM-DD when retired

    @property
    def since(self) -> str:
        return self.began or _day(self.created_at)


@dataclass(frozen=True, slots=True)
class Activity:
    id: str
    name: str
    kind: str = "other"
    born_on: str = ""  # YYYY-MM-DD: the day it began
    groups: tuple[str, ...] = ()
    session: str | None = None
    created_at: float = 0.0
    ended: str = ""


@dataclass(frozen=True, slots=True)
class Collaboration:
    id: str
    text: str
    groups: tuple[str, ...] = field(default_factory=tuple)
    on: str = ""  # YYYY-MM-DD
    session: str | None = None
    created_at: float = 0.0
    activity: str = ""
    ended: str = ""


@dataclass(frozen=True, slots=True)
class ActivityDay:
    """How many took part in one day of an activity that was not run as a session."""

    id: str
    activity: str
    on: str
    count: int
    note: str = ""
    source: str = ""  # who logged it: "" by hand, or a plugin's name
    created_at: float = 0.0
    ended: str = ""  # a day logged by mistake is retired
    session: str = ""  # the session it was recorded from (a plugin's evening), if any


@dataclass(frozen=True, slots=True)
class Story:
    """A connection story: two or more entries linked by a date and a sentence."""

    id: str
    text: str
    entries: tuple[str, ...] = ()
    on: str = ""
    visibility: str = "public"  # "public" or "private"
    created_at: float = 0.0
    ended: str = ""


@dataclass(frozen=True, slots=True)
class HelpRequest:
    """協力のお願い: an activity asks for help; offers are private; closed with how many helped."""

    id: str
    text: str
    activity: str = ""
    on: str = ""
    closed: str = ""  # YYYY-MM-DD when closed
    helped: int = 0
    offers: tuple[str, ...] = ()  # display names, private
    created_at: float = 0.0
    ended: str = ""


KINDS_OF_ENTRY = {
    "group": Group,
    "activity": Activity,
    "collaboration": Collaboration,
    "day": ActivityDay,
    "story": Story,
    "help": HelpRequest,
}
#: Fields that hold entry ids, per type (a merge moves them to the survivor).
_REFS = {
    "activity": ("groups",),
    "collaboration": ("groups", "activity"),
    "day": ("activity",),
    "story": ("entries",),
    "help": ("activity",),
}
#: The field that holds the "began" date of each type.
DATE_FIELD = {
    "group": "began",
    "activity": "born_on",
    "collaboration": "on",
    "day": "on",
    "story": "on",
    "help": "on",
}
#: Fields of each type that hold people's display names (``forget`` and private views).
NAME_FIELDS = {"help": ("offers",)}


@dataclass
class Folded:
    """What the registry says after a sequence of changes."""

    entries: dict[str, tuple[str, Any]] = field(default_factory=dict)  # id → (type, record)
    merged: dict[str, str] = field(default_factory=dict)  # duplicate id → survivor id
    former: dict[str, list[str]] = field(default_factory=dict)  # id → earlier names
    followups: dict[str, dict[str, Any]] = field(default_factory=dict)  # key → status
    history: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def resolve(self, entry_id: str) -> str:
        seen = set()
        while entry_id in self.merged and entry_id not in seen:
            seen.add(entry_id)
            entry_id = self.merged[entry_id]
        return entry_id

    def of(self, kind: str) -> list[Any]:
        return [rec for _id, (typ, rec) in self.entries.items() if typ == kind]


def _record(kind: str, data: Mapping[str, Any]) -> Any:
    cls = KINDS_OF_ENTRY[kind]
    names = set(cls.__dataclass_fields__)
    values = {k: v for k, v in clean_data(dict(data)).items() if k in names}
    for name in ("groups", "entries", "offers"):
        if name in values:
            values[name] = tuple(str(v) for v in values[name] or ())
    if "count" in values or "helped" in values:
        for name in ("count", "helped"):
            if name in values:
                try:
                    values[name] = max(0, int(values[name]))
                except (TypeError, ValueError):
                    values[name] = 0
    return cls(**values)


def fold(changes: Iterable[Mapping[str, Any]]) -> Folded:
    """The registry folded from its changes, oldest first. Unknown or broken changes are skipped."""
    out = Folded()
    for change in changes:
        try:
            _apply(out, change)
        except (TypeError, ValueError, KeyError):
            continue
    return out


def _apply(out: Folded, change: Mapping[str, Any]) -> None:
    op = change.get("op")
    entry_id = str(change.get("id") or "")
    if op == "followup":
        out.followups[entry_id] = {"status": change.get("status"), "at": change.get("at")}
        return
    if op != "add":
        entry_id = out.resolve(entry_id)
    if op == "add":
        kind = change["type"]
        if kind not in KINDS_OF_ENTRY or entry_id in out.entries:
            return
        out.entries[entry_id] = (kind, _record(kind, {**change["data"], "id": entry_id}))
    elif entry_id not in out.entries:
        return
    kind, record = out.entries[entry_id]
    if op == "edit":
        fields = dict(clean_data(dict(change.get("data") or {})))
        fields.pop("id", None)
        if "name" in fields and getattr(record, "name", None) not in (None, fields["name"]):
            out.former.setdefault(entry_id, []).append(record.name)
        allowed = set(type(record).__dataclass_fields__) - {"id", "created_at"}
        fields = {k: v for k, v in fields.items() if k in allowed}
        record = _record(kind, {**asdict(record), **fields})
    elif op == "merge":
        into = out.resolve(str(change.get("into") or ""))
        if into == entry_id or into not in out.entries:
            return
        survivor_kind, survivor = out.entries[into]
        out.merged[entry_id] = into
        out.former.setdefault(into, []).extend(
            [*([record.name] if hasattr(record, "name") else []), *out.former.get(entry_id, [])]
        )
        date_field = DATE_FIELD[survivor_kind]
        if survivor_kind == "group":
            theirs, mine = record.since, survivor.since
        else:
            theirs, mine = getattr(record, date_field, ""), getattr(survivor, date_field, "")
        if theirs and (not mine or theirs < mine):  # the survivor began when the first did
            survivor = replace(survivor, **{date_field: theirs})
        out.entries[into] = (survivor_kind, survivor)
        del out.entries[entry_id]
        for other_id, (other_kind, other) in list(out.entries.items()):
            changed = {}
            for ref in _REFS.get(other_kind, ()):
                value = getattr(other, ref)
                if isinstance(value, tuple):
                    moved = tuple(dict.fromkeys(into if v == entry_id else v for v in value))
                    if moved != value:
                        changed[ref] = moved
                elif value == entry_id:
                    changed[ref] = into
            if changed:
                out.entries[other_id] = (other_kind, replace(other, **changed))
        out.history.setdefault(into, []).append(dict(change))
        out.history.setdefault(entry_id, []).append(dict(change))
        return
    elif op == "retire":
        record = replace(record, ended=check_day(change.get("ended"), _day(change.get("at"))))
    elif op == "restore":
        record = replace(record, ended="")
    elif op == "offer" and kind == "help":
        name = clean_text(str(change.get("name") or "")).strip()
        record = replace(record, offers=(*record.offers, name) if name else record.offers)
    elif op == "close" and kind == "help":
        helped = max(0, int(change.get("helped") or 0))
        record = replace(record, closed=check_day(change.get("on"), _day(change.get("at"))))
        record = replace(record, helped=helped)
    elif op != "add":
        return
    out.entries[entry_id] = (kind, record)
    out.history.setdefault(entry_id, []).append(dict(change))


def _legacy(tables: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Records of a registry written before changes were events, as their ``add`` changes."""
    found = []
    for table, kind in zip(LEGACY_TABLES, ("group", "activity", "collaboration"), strict=True):
        for doc in (tables.get(table) or {}).values():
            if isinstance(doc, dict) and doc.get("id"):
                data = dict(doc)
                if kind == "activity":
                    data["kind"] = activity_kind(data.get("kind")) or "other"
                found.append(
                    {"op": "add", "type": kind, "id": doc["id"], "data": data,
                     "at": doc.get("created_at") or 0.0}
                )  # fmt: skip
    return sorted(found, key=lambda c: c["at"])


# -- the registry -----------------------------------------------------------------------------


class Registry:
    """Read and change the store's community registry. Each change is one appended event."""

    def __init__(self, path: str | Path, clock=time.time, read_only: bool = False) -> None:
        self.db = LogDB(path)
        self.path = Path(path)
        self.clock = clock  # when a change is made (a fixed clock makes tests repeatable)
        self._cache: tuple[int, float | None, Folded] | None = None

    # -- the log ------------------------------------------------------------------------------
    def changes(self) -> list[dict[str, Any]]:
        """Every change, oldest first (older registries' records first of all)."""
        log = self.db.log
        log.refresh()
        tables = log._tables
        rows = sorted(((int(k), doc) for k, doc in (tables.get(CHANGES) or {}).items()))
        return [*_legacy(tables), *(doc for _k, doc in rows if isinstance(doc, dict))]

    def folded(self, at: float | None = None) -> Folded:
        """The registry as it is (or as it was recorded at the time ``at``)."""
        log = self.db.log
        log.refresh()
        if self._cache and self._cache[0] == log.generation and self._cache[1] == at:
            return self._cache[2]
        changes = self.changes()
        if at is not None:
            changes = [c for c in changes if float(c.get("at") or 0) <= at]
        result = fold(changes)
        self._cache = (log.generation, at, result)
        return result

    def at(self, moment: float) -> Folded:
        return self.folded(moment)

    def _append(self, op: str, entry_id: str, session: str | None = None, **fields: Any) -> None:
        change = {"op": op, "id": entry_id, "at": self.clock(), **fields}
        if session:
            change["session"] = session
        self.db.table(CHANGES).insert(clean_data(change))

    def history(self, entry_id: str) -> list[dict[str, Any]]:
        return list(self.folded().history.get(entry_id, []))

    # -- finding --------------------------------------------------------------------------------
    def get(self, entry_id: str) -> tuple[str, Any] | None:
        folded = self.folded()
        return folded.entries.get(folded.resolve(entry_id))

    def find(self, ref: str, types: Iterable[str] | None = None) -> tuple[str, Any] | None:
        """An entry by id, unique id prefix, name (current or former, also of a merged
        duplicate) or text; ``None`` when nothing or more than one matches."""
        hits = self.lookup(ref, types)
        return hits[0] if len(hits) == 1 else None

    def lookup(self, ref: str, types: Iterable[str] | None = None) -> list[tuple[str, Any]]:
        folded = self.folded()
        wanted = set(types or KINDS_OF_ENTRY)
        ref = clean_text(ref or "").strip()
        if not ref:
            return []
        entries = [(i, e) for i, e in folded.entries.items() if e[0] in wanted]
        exact = folded.entries.get(folded.resolve(ref))
        if exact and exact[0] in wanted:
            return [exact]
        key = _key(ref)
        by_name = [e for _i, e in entries if _key(_label(e[1])) == key]
        if by_name:
            return by_name
        former = {
            folded.resolve(i)
            for i, names in folded.former.items()
            if any(_key(n) == key for n in names)
        }
        by_former = [folded.entries[i] for i in former if folded.entries.get(i, ("",))[0] in wanted]
        if by_former:
            return by_former
        if len(ref) >= 4:
            return [e for i, e in entries if i.startswith(ref)]
        return []

    def search(self, words: str, types: Iterable[str] | None = None) -> list[tuple[str, Any]]:
        """Entries whose name or text holds every word (case-insensitive)."""
        wanted = set(types or KINDS_OF_ENTRY)
        terms = _key(words or "").split()
        return [
            e
            for e in self.folded().entries.values()
            if e[0] in wanted and all(term in _key(_label(e[1])) for term in terms)
        ]

    # -- the public methods the app, the report and plugins use ---------------------------------
    def groups(self) -> list[Group]:
        return self.folded().of("group")

    def activities(self) -> list[Activity]:
        return self.folded().of("activity")

    def collaborations(self) -> list[Collaboration]:
        return self.folded().of("collaboration")

    def days(self) -> list[ActivityDay]:
        return [d for d in self.folded().of("day") if not d.ended]

    def stories(self, include_private: bool = False) -> list[Story]:
        return [
            s
            for s in self.folded().of("story")
            if not s.ended and (include_private or s.visibility == "public")
        ]

    def requests(self) -> list[HelpRequest]:
        return [r for r in self.folded().of("help") if not r.ended]

    def find_group(self, name: str) -> Group | None:
        """A group by its name, a former name, or the name of a duplicate merged into it."""
        hit = self.find(name, ("group",))
        return hit[1] if hit else None

    def add_group(
        self,
        name: str,
        kind: str = "group",
        session: str | None = None,
        began: str | None = None,
    ) -> Group:
        """A group or organisation; adding an existing name returns the one already there."""
        name = clean_text(name).strip()
        if not name:
            raise RegistryError("text")
        with self.db.log.locked():  # look and add as one step: another process may add it too
            existing = self.find_group(name)
            if existing is not None:
                return existing
            group = Group(
                new_id()[:10],
                name,
                group_kind(kind) or "group",
                self.clock(),
                session,
                check_day(began, "") if began else "",
            )
            self._add("group", group, session)
            return group

    def _add(self, kind: str, record: Any, session: str | None) -> None:
        data = asdict(record)
        self._append("add", record.id, session, type=kind, data=data)

    def add_activity(
        self,
        name: str,
        kind: str = "other",
        born_on: str | None = None,
        groups: tuple[str, ...] = (),
        session: str | None = None,
    ) -> Activity:
        name = clean_text(name).strip()
        if not name:
            raise RegistryError("text")
        activity = Activity(
            new_id()[:10],
            name,
            activity_kind(kind) or "other",
            check_day(born_on, _today()),
            tuple(groups),
            session,
            self.clock(),
        )
        self._add("activity", activity, session)
        return activity

    def add_collaboration(
        self,
        text: str,
        groups: tuple[str, ...] = (),
        on: str | None = None,
        session: str | None = None,
        activity: str = "",
    ) -> Collaboration:
        item = Collaboration(
            new_id()[:10],
            clean_text(text, multiline=True).strip(),
            tuple(groups),
            check_day(on, _today()),
            session,
            self.clock(),
            activity,
        )
        self._add("collaboration", item, session)
        return item

    def names(self) -> list[str]:
        """Groups and activities still going, by name, for "invited to …" choices."""
        return [g.name for g in self.groups() if not g.ended] + [
            a.name for a in self.activities() if not a.ended
        ]

    # -- what is new with the community's memory ----------------------------------------------
    def log_day(
        self,
        activity: str,
        on: str | None,
        count: int,
        note: str = "",
        source: str = "",
        session: str | None = None,
    ) -> ActivityDay:
        """An activity day with its head-count (``activity``: an id or name)."""
        target = self._need(activity, ("activity",))
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise RegistryError("count", value=count)
        day = ActivityDay(
            new_id()[:10],
            target.id,
            check_day(on, _today()),
            count,
            clean_text(note).strip(),
            source,
            self.clock(),
            session=session or "",
        )
        self._add("day", day, session)
        return day

    def add_story(
        self,
        text: str,
        entries: Iterable[str],
        on: str | None = None,
        visibility: str = "public",
        session: str | None = None,
    ) -> Story:
        text = clean_text(text, multiline=True).strip()
        if not text:
            raise RegistryError("text")
        ids = tuple(dict.fromkeys(self._need(ref).id for ref in entries))
        if len(ids) < 2:
            raise RegistryError("two_entries")
        if visibility not in ("public", "private"):
            raise RegistryError("visibility", value=visibility)
        story = Story(new_id()[:10], text, ids, check_day(on, _today()), visibility, self.clock())
        self._add("story", story, session)
        return story

    def post_help(
        self, activity: str, text: str, on: str | None = None, session: str | None = None
    ) -> HelpRequest:
        text = clean_text(text).strip()
        if not text:
            raise RegistryError("text")
        target = self._need(activity, ("activity", "group"))
        request = HelpRequest(new_id()[:10], text, target.id, check_day(on, _today()))
        request = replace(request, created_at=self.clock())
        self._add("help", request, session)
        return request

    def offer_help(self, request: str, name: str, session: str | None = None) -> None:
        """Someone offered to help (private: their display name)."""
        target = self._need(request, ("help",))
        self._append("offer", target.id, session, name=clean_text(name).strip())

    def close_help(self, request: str, helped: int, on: str | None = None) -> HelpRequest:
        target = self._need(request, ("help",))
        if isinstance(helped, bool) or not isinstance(helped, int) or helped < 0:
            raise RegistryError("count", value=helped)
        self._append("close", target.id, helped=helped, on=check_day(on, _today()))
        return self.get(target.id)[1]

    def open_requests(self) -> list[HelpRequest]:
        return [r for r in self.requests() if not r.closed]

    # -- corrections --------------------------------------------------------------------------
    def _need(self, ref: str, types: Iterable[str] | None = None) -> Any:
        hits = self.lookup(ref, types)
        if len(hits) != 1:
            raise _not_one(ref, hits)
        return hits[0][1]

    def edit(self, ref: str, **fields: Any) -> Any:
        """Rename, correct a date, change the kind, groups or text: one ``edit`` change."""
        typ, record = self._need_typed(ref)
        allowed = set(type(record).__dataclass_fields__) - {"id", "created_at", "session"}
        data: dict[str, Any] = {}
        for key, value in fields.items():
            if value is None:
                continue
            if key == "began":
                key = DATE_FIELD[typ]
            if key not in allowed:
                raise RegistryError("field", field=key)
            if key in ("born_on", "on", "began", "ended", "closed"):
                value = check_day(value) if value else ""
            elif key == "kind":
                value = (activity_kind if typ == "activity" else group_kind)(value)
                if value is None:
                    raise RegistryError("kind", value=fields["kind"], kinds=kinds_line(typ))
            elif key in ("groups", "entries"):
                value = [self._need(v).id for v in value]
            elif key == "activity":
                value = self._need(value, ("activity",)).id
            elif key in ("name", "text", "note"):
                value = clean_text(str(value)).strip()
                if not value:
                    raise RegistryError("text")
            elif key == "count":
                value = int(value)
            data[key] = value
        if data:
            self._append("edit", record.id, data=data)
        return self.get(record.id)[1]

    def rename(self, ref: str, name: str) -> Any:
        return self.edit(ref, name=name)

    def merge(self, duplicate: str, into: str) -> Any:
        """Merge a duplicate into another entry of the same type: one entry from now on, found by
        either name; what pointed at the duplicate points at the survivor."""
        typ, record = self._need_typed(duplicate)
        typ2, survivor = self._need_typed(into)
        if typ != typ2 or record.id == survivor.id:
            raise RegistryError("merge")
        self._append("merge", record.id, into=survivor.id)
        return self.get(survivor.id)[1]

    def _need_typed(self, ref: str) -> tuple[str, Any]:
        hits = self.lookup(ref)
        if len(hits) != 1:
            raise _not_one(ref, hits)
        return hits[0]

    def retire(self, ref: str, ended: str | None = None) -> Any:
        """It ended on ``ended`` (today by default); it still counts for the time it ran."""
        _typ, record = self._need_typed(ref)
        self._append("retire", record.id, ended=check_day(ended, _today()))
        return self.get(record.id)[1]

    # -- follow-ups ---------------------------------------------------------------------------
    def followup_status(self) -> dict[str, dict[str, Any]]:
        return dict(self.folded().followups)

    def mark_followup(self, key: str, status: str) -> None:
        """A ウラ follow-up marked ``done`` or ``dropped`` (its key: session id / note id)."""
        if status not in ("done", "dropped", "open"):
            raise RegistryError("field", field=status)
        self._append("followup", key, status=status)


def _label(record: Any) -> str:
    return str(getattr(record, "name", None) or getattr(record, "text", "") or "")


def label(record: Any) -> str:
    """An entry's name (or text) to show."""
    return _label(record)


def _not_one(ref: str, hits: list) -> RegistryError:
    if not hits:
        return RegistryError("not_found", ref=ref)
    return RegistryError("ambiguous", ref=ref, count=len(hits))


def kinds_line(typ: str = "activity") -> str:
    kinds = GROUP_KINDS if typ == "group" else activity_kinds()
    return ", ".join(f"{k}={kind_title(k)}" for k in kinds)
