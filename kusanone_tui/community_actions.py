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


def change_entry(
    registry: Registry, action: str, ref: str | None, fields: Mapping[str, Any]
) -> tuple[str, Any]:
    """One change from the community screen: ``add`` (``type``, ``name``, ``kind``, ``date``,
    ``with``: names, comma-separated; a new name becomes a group), ``edit`` (``name``, ``kind``,
    ``date``, ``count``), ``merge`` (``into``), ``retire`` (``date``) or ``log`` (``date``,
    ``count``, ``note``) of the entry ``ref``. Returns what to say (``added``, ``edited``, …) and
    the record. Raises :class:`~kusanone_tui.store.registry.RegistryError` (one line) for a
    mistake, ``OSError`` when the disk refuses."""
    from .store.registry import RegistryError, activity_kind, group_kind

    def text(key: str) -> str:
        return str(fields.get(key) or "").strip()

    def linked() -> list[str]:
        out = []
        for name in split(text("with")):
            hits = registry.lookup(name)
            out.append(hits[0][1].id if len(hits) == 1 else registry.add_group(name).id)
        return out

    if action == "add":
        typ, name = text("type") or "group", text("name")
        if typ == "group":
            kind = group_kind(text("kind") or "group")
            if kind is None:
                raise RegistryError("kind", value=text("kind"), kinds="group, organisation, 部会")
            return "added", registry.add_group(name, kind, began=text("date") or None)
        if typ == "activity":
            kind = activity_kind(text("kind") or "other")
            if kind is None:
                from .store.registry import kinds_line

                raise RegistryError("kind", value=text("kind"), kinds=kinds_line())
            record = registry.add_activity(name, kind, text("date") or None, tuple(linked()))
            return "added", record
        if typ == "collaboration":
            return "added", registry.add_collaboration(name, tuple(linked()), text("date") or None)
        if typ == "story":
            return "added", registry.add_story(name, linked(), text("date") or None)
        targets = split(text("with"))
        if not targets:
            raise RegistryError("need_activity")
        return "added", registry.post_help(targets[0], name, text("date") or None)
    assert ref is not None
    if action == "edit":
        changes: dict[str, Any] = {"began": text("date") or None}
        typ = registry.get(ref)[0] if registry.get(ref) else ""
        if text("name"):
            record = registry.get(ref)[1]
            changes["name" if hasattr(record, "name") else "text"] = text("name")
        if text("kind"):
            changes["kind"] = text("kind")
        if typ == "day" and text("count"):
            changes["count"] = _count(text("count"))
        return "edited", registry.edit(ref, **changes)
    if action == "merge":
        return "merged", registry.merge(ref, text("into"))
    if action == "retire":
        return "retired", registry.retire(ref, text("date") or None)
    if action == "log":
        return "logged_short", registry.log_day(
            ref, text("date") or None, _count(text("count")), text("note")
        )
    raise RegistryError("field", field=action)


def _count(value: str) -> int:
    from .store.registry import RegistryError

    try:
        number = int(value)
    except ValueError:
        raise RegistryError("count", value=value) from None
    if number < 0:
        raise RegistryError("count", value=value)
    return number


def split(text: str) -> list[str]:
    """Names typed with Japanese or Latin commas."""
    import re

    return [part.strip() for part in re.split(r"[、,，]", text or "") if part.strip()]


def record_activity_day(
    registry: Registry,
    name: str,
    kind: str,
    count: int,
    on: str | None = None,
    note: str = "",
    source: str = "",
    session: str | None = None,
):
    """An evening or a day of the activity ``name`` with its head-count (a plugin's game night,
    a festival day). The activity is found by its name (current, former or merged) or added with
    ``kind``; recording the same activity again from the same ``session`` and ``source`` on the
    same day corrects that day's count instead of adding a second day, so nothing is counted
    twice. Returns the :class:`~kusanone_tui.store.registry.ActivityDay`. Raises
    :class:`~kusanone_tui.store.registry.RegistryError` (one line) for a bad name, kind, count
    or date; ``OSError`` when the disk refuses."""
    from .store.registry import RegistryError, activity_kind, check_day

    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise RegistryError("count", value=count)
    wanted = activity_kind(kind)
    if wanted is None:
        from .store.registry import kinds_line

        raise RegistryError("kind", value=kind, kinds=kinds_line())
    day = check_day(on, None) if on else None
    with registry.db.log.locked():  # find-or-add and log as one step: another window may too
        hits = registry.lookup(name, ("activity",))
        if len(hits) > 1:
            raise RegistryError("ambiguous", ref=name, count=len(hits))
        found = hits[0][1] if hits else None
        activity = found or registry.add_activity(name, wanted, day, session=session)
        if session:
            for earlier in registry.days():
                if (earlier.activity, earlier.source, earlier.session) == (
                    activity.id, source, session
                ) and (day is None or earlier.on == day):
                    changes: dict[str, Any] = {"count": count}
                    if note.strip():
                        changes["note"] = note
                    return registry.edit(earlier.id, **changes)
        return registry.log_day(activity.id, day, count, note, source=source, session=session)


def bukai_breakouts(root: Path, bukai: str) -> list[dict[str, Any]]:
    """The breakouts opened from the standing 部会 ``bukai`` (its registry id; a duplicate merged
    into it counts too) in every session of the store ``root``, oldest first: ``session``,
    ``title``, ``day``, ``group`` (the breakout's name) and ``notes`` (how many of its notes are
    shared: public or minutes-only; never a private one). Counts only: no note's text."""
    import time

    from .i18n import pick
    from .store.session import SessionLog, read_log
    from .store.sessions import SessionStore

    registry = Registry(Path(root) / COMMUNITY_FILE)
    folded = registry.folded()
    ids = {bukai} | {dup for dup in folded.merged if folded.resolve(dup) == bukai}
    found: list[dict[str, Any]] = []
    for info in SessionStore(root).list():
        try:
            read = read_log(info.path)
            if read is not None:
                state = read[1]
            else:
                log = SessionLog.open(info.path)
                try:
                    state = log.state()
                finally:
                    log.close()
        except (OSError, UnicodeDecodeError, ValueError):
            continue
        for gid, group in state.breakout.groups.items():
            if group.bukai not in ids:
                continue
            shared = [
                n
                for n in state.notes.values()
                if n.group_id == gid
                and not n.redacted
                and not n.backstage
                and n.visibility in ("public", "minutes")
            ]
            began = state.meeting_started_at or state.created_at or 0.0
            found.append(
                {
                    "session": info.id,
                    "title": state.title,
                    "day": time.strftime("%Y-%m-%d", time.localtime(began)),
                    "group": pick(group.name),
                    "notes": len(shared),
                }
            )
    return sorted(found, key=lambda item: (item["day"], item["session"]))
