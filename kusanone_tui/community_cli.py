"""``kusanone community …`` and ``kusanone forget NAME``: the community's memory from a shell.

``community list|add|edit|merge|retire|show|log|ask|offer|close [--json]`` reads and corrects the
registry (each change one event, the history kept); ``forget`` removes a person's name from every
file of the store. Every mistake a user can make is one line and a non-zero exit.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from typing import Any

from .i18n import t
from .store.registry import (
    GROUP_KINDS,
    KINDS_OF_ENTRY,
    Registry,
    RegistryError,
    activity_kind,
    activity_kinds,
    group_kind,
    kind_title,
    kinds_line,
    label,
)
from .store.sessions import COMMUNITY_FILE, resolve_root

TYPES = tuple(KINDS_OF_ENTRY)


def configure(sub, common) -> None:
    """Add ``community`` and ``forget`` to the ``kusanone`` command's sub-parsers."""
    community = sub.add_parser("community", help="the community registry: list, add, correct")
    csub = community.add_subparsers(
        dest="community_command", metavar="ACTION", required=True, parser_class=type(community)
    )

    def add(name: str, help: str) -> argparse.ArgumentParser:
        parser = csub.add_parser(name, help=help)
        common(parser, top=False)
        return parser

    listing = add("list", "list groups, activities, days, stories, requests")
    listing.add_argument("--type", choices=TYPES, help="only entries of this type")
    listing.add_argument("--kind", help="only this kind (e.g. カフェ, cafe, 部会)")
    listing.add_argument("--search", metavar="WORDS", help="only entries whose name holds WORDS")
    listing.add_argument("--all", action="store_true", help="retired entries too")
    listing.add_argument(
        "--include-private", action="store_true", help="private stories and help offers too"
    )
    listing.add_argument("--json", action="store_true", help="machine-readable output")

    adding = add("add", "add a group, activity, collaboration, story or help request")
    adding.add_argument("type", choices=("group", "activity", "collaboration", "story", "help"))
    adding.add_argument("name", help="the name (or the sentence of a collaboration or story)")
    adding.add_argument("--kind", help="kind (activity: " + ", ".join(activity_kinds()) + ")")
    adding.add_argument("--date", help="the day it began / happened (YYYY-MM-DD; default today)")
    adding.add_argument(
        "--with",
        dest="with_",
        action="append",
        default=[],
        metavar="ENTRY",
        help="a group or activity it links (repeatable; new group names are added)",
    )
    adding.add_argument("--activity", help="the activity (a collaboration's, a request's)")
    adding.add_argument("--private", action="store_true", help="a private story")
    adding.add_argument("--json", action="store_true", help="print the new entry as JSON")

    edit = add("edit", "rename, correct a date, change the kind or the groups")
    edit.add_argument("entry", help="id, name or former name")
    edit.add_argument("--name", help="a new name (or a collaboration's or story's sentence)")
    edit.add_argument("--kind")
    edit.add_argument("--date", help="the corrected day it began (YYYY-MM-DD)")
    edit.add_argument("--ended", help="the corrected day it ended (YYYY-MM-DD)")
    edit.add_argument("--count", type=int, help="an activity day's corrected head-count")
    edit.add_argument("--with", dest="with_", action="append", metavar="ENTRY")
    edit.add_argument("--json", action="store_true")

    merge = add("merge", "merge a duplicate into another entry (both names find it)")
    merge.add_argument("duplicate")
    merge.add_argument("into")
    merge.add_argument("--json", action="store_true")

    retire = add("retire", "it ended (it still counts for the time it ran)")
    retire.add_argument("entry")
    retire.add_argument("--date", help="the day it ended (YYYY-MM-DD; default today)")
    retire.add_argument("--json", action="store_true")

    show = add("show", "one entry and its history")
    show.add_argument("entry")
    show.add_argument("--include-private", action="store_true")
    show.add_argument("--json", action="store_true")

    log = add("log", "an activity day with its head-count")
    log.add_argument("activity", help="the activity (id or name)")
    log.add_argument("--date", required=True, help="the day (YYYY-MM-DD)")
    log.add_argument("--count", required=True, type=_count, help="how many took part")
    log.add_argument("--note", default="", help="a short public note")
    log.add_argument("--json", action="store_true")

    ask = add("ask", "a help-wanted request (協力のお願い) of an activity")
    ask.add_argument("activity")
    ask.add_argument("text")
    ask.add_argument("--date")
    ask.add_argument("--json", action="store_true")

    offer = add("offer", "someone offered to help (kept private)")
    offer.add_argument("request")
    offer.add_argument("name", help="their display name")

    close = add("close", "close a request with how many helped")
    close.add_argument("request")
    close.add_argument("--helped", required=True, type=_count)
    close.add_argument("--date")
    close.add_argument("--json", action="store_true")

    common(community, top=False)

    forget = sub.add_parser("forget", help="remove a person's name from every file of the store")
    forget.add_argument("name", help="the display name to forget")
    forget.add_argument("--dry-run", action="store_true", help="only say what would change")
    common(forget, top=False)


def _count(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(t("community.err.count", value=value)) from None
    if number < 0:
        raise argparse.ArgumentTypeError(t("community.err.count", value=value))
    return number


def _registry(args) -> Registry:
    root = resolve_root(args.data)
    return Registry(root / COMMUNITY_FILE)


def entry_dict(typ: str, record: Any, include_private: bool = False) -> dict[str, Any]:
    data = {"type": typ, **asdict(record)}
    if typ == "help" and not include_private:
        data["offers"] = len(record.offers)  # a count; the names are private
    return data


def _line(registry: Registry, typ: str, record: Any, include_private: bool = False) -> str:
    names = {i: label(r) for i, (_k, r) in registry.folded().entries.items()}
    kind = f"〔{kind_title(record.kind)}〕" if hasattr(record, "kind") else ""
    when = {
        "group": getattr(record, "since", ""),
        "activity": getattr(record, "born_on", ""),
    }.get(typ, getattr(record, "on", ""))
    ended = f"〜{record.ended}" if record.ended else ""
    extra = ""
    links = [*getattr(record, "groups", ()), *getattr(record, "entries", ())]
    if getattr(record, "activity", ""):
        links.append(record.activity)
    if links:
        extra = "  ← " + "・".join(names.get(i, i) for i in links)
    if typ == "day":
        extra = f"  {names.get(record.activity, record.activity)}: " + t(
            "community.people", count=record.count
        )
    if typ == "help":
        state = (
            t("community.closed", helped=record.helped, on=record.closed)
            if record.closed
            else t("community.open_request", offers=len(record.offers))
        )
        extra += f"  {state}"
        if include_private and record.offers:
            extra += "  🔒 " + "、".join(record.offers)
    if typ == "story" and record.visibility == "private":
        kind = "🔒 "
    title = label(record) if typ != "day" else record.note
    return f"  {record.id}  {t(f'community.type.{typ}')}  {kind}{title}  {when}{ended}{extra}"


def cmd_community(args) -> int:
    from .cli import CliError

    try:
        return _run(args)
    except RegistryError as error:
        raise CliError(str(error), 2) from None


def _say(args, registry: Registry, typ: str, record: Any, key: str) -> None:
    if getattr(args, "json", False):
        print(json.dumps(entry_dict(typ, record), ensure_ascii=False, indent=2))
    else:
        print(t(key, name=label(record) or record.id, id=record.id))


def _run(args) -> int:
    registry = _registry(args)
    action = args.community_command
    if action == "list":
        return _list(args, registry)
    if action == "show":
        return _show(args, registry)
    if action == "add":
        return _add(args, registry)
    if action == "edit":
        fields: dict[str, Any] = {
            "kind": args.kind,
            "began": args.date,
            "ended": args.ended,
            "count": args.count,
        }
        typ, record = registry._need_typed(args.entry)
        if args.name is not None:
            fields["name" if hasattr(record, "name") else "text"] = args.name
        if args.with_ is not None:
            fields["entries" if typ == "story" else "groups"] = [
                _entry_or_group(registry, ref) for ref in args.with_
            ]
        record = registry.edit(record.id, **fields)
        _say(args, registry, typ, record, "community.edited")
        return 0
    if action == "merge":
        typ = registry._need_typed(args.duplicate)[0]
        record = registry.merge(args.duplicate, args.into)
        _say(args, registry, typ, record, "community.merged")
        return 0
    if action == "retire":
        typ = registry._need_typed(args.entry)[0]
        record = registry.retire(args.entry, args.date)
        _say(args, registry, typ, record, "community.retired")
        return 0
    if action == "log":
        day = registry.log_day(args.activity, args.date, args.count, args.note)
        if args.json:
            print(json.dumps(entry_dict("day", day), ensure_ascii=False, indent=2))
        else:
            activity = registry.get(day.activity)[1]
            print(t("community.logged", name=activity.name, on=day.on, count=day.count))
        return 0
    if action == "ask":
        request = registry.post_help(args.activity, args.text, args.date)
        _say(args, registry, "help", request, "community.asked")
        return 0
    if action == "offer":
        registry.offer_help(args.request, args.name)
        print(t("community.offered"))
        return 0
    if action == "close":
        request = registry.close_help(args.request, args.helped, args.date)
        _say(args, registry, "help", request, "community.closed_saved")
        return 0
    raise RegistryError("field", field=action)


def _entry_or_group(registry: Registry, ref: str) -> str:
    """An existing entry's id; a name not in the registry becomes a new group."""
    hits = registry.lookup(ref)
    if len(hits) == 1:
        return hits[0][1].id
    if hits:
        registry._need(ref)  # ambiguous: one line
    return registry.add_group(ref).id


def _add(args, registry: Registry) -> int:
    typ, name = args.type, args.name
    if typ == "group":
        kind = group_kind(args.kind or "group")
        if kind is None:
            raise RegistryError("kind", value=args.kind, kinds=kinds_line("group"))
        if registry.find_group(name) is not None:
            raise RegistryError("exists", name=name)
        record = registry.add_group(name, kind, began=args.date)
    elif typ == "activity":
        kind = activity_kind(args.kind or "other")
        if kind is None:
            raise RegistryError("kind", value=args.kind, kinds=kinds_line())
        groups = tuple(_entry_or_group(registry, ref) for ref in args.with_)
        record = registry.add_activity(name, kind, args.date, groups)
    elif typ == "collaboration":
        groups = tuple(_entry_or_group(registry, ref) for ref in args.with_)
        activity = registry._need(args.activity, ("activity",)).id if args.activity else ""
        record = registry.add_collaboration(name, groups, args.date, activity=activity)
    elif typ == "story":
        entries = [_entry_or_group(registry, ref) for ref in args.with_]
        visibility = "private" if args.private else "public"
        record = registry.add_story(name, entries, args.date, visibility)
    else:
        if not args.activity:
            raise RegistryError("need_activity")
        record = registry.post_help(args.activity, name, args.date)
    _say(args, registry, typ, record, "community.added")
    return 0


def _selected(args, registry: Registry) -> list[tuple[str, Any]]:
    entries = list(registry.folded().entries.values())
    if args.search:
        entries = registry.search(args.search)
    if args.type:
        entries = [e for e in entries if e[0] == args.type]
    if args.kind:
        kind = activity_kind(args.kind) or group_kind(args.kind)
        if kind is None:
            raise RegistryError("kind", value=args.kind, kinds=kinds_line())
        entries = [e for e in entries if getattr(e[1], "kind", None) == kind]
    if not args.all:
        entries = [e for e in entries if not e[1].ended]
    if not args.include_private:
        entries = [e for e in entries if getattr(e[1], "visibility", "public") == "public"]
    order = {typ: n for n, typ in enumerate(TYPES)}
    return sorted(entries, key=lambda e: order[e[0]])


def _list(args, registry: Registry) -> int:
    entries = _selected(args, registry)
    if args.json:
        data = [entry_dict(typ, rec, args.include_private) for typ, rec in entries]
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    if not entries:
        print(t("community.empty", path=registry.path))
        return 0
    for typ, record in entries:
        print(_line(registry, typ, record, args.include_private))
    return 0


def _show(args, registry: Registry) -> int:
    typ, record = registry._need_typed(args.entry)
    if typ == "story" and record.visibility == "private" and not args.include_private:
        raise RegistryError("not_found", ref=args.entry)
    folded = registry.folded()
    history = folded.history.get(record.id, [])
    former = folded.former.get(record.id, [])
    breakouts = None
    if typ == "group" and record.kind == "bukai":  # the meetings' breakouts it opened
        from .community_actions import bukai_breakouts

        breakouts = bukai_breakouts(registry.path.parent, record.id)
    if args.json:
        data = entry_dict(typ, record, args.include_private)
        data["former_names"] = former
        data["history"] = [_public_change(c, args.include_private) for c in history]
        if breakouts is not None:
            data["breakouts"] = breakouts
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return 0
    print(_line(registry, typ, record, args.include_private))
    if former:
        print("  " + t("community.former", names="、".join(former)))
    for item in breakouts or ():
        print("  " + t("community.breakout", **item))
    for change in history:
        print("    " + _describe(change, args.include_private))
    return 0


def _public_change(change: dict[str, Any], include_private: bool) -> dict[str, Any]:
    if change.get("op") == "offer" and not include_private:
        return {k: v for k, v in change.items() if k != "name"}
    return change


def _describe(change: dict[str, Any], include_private: bool) -> str:
    import time

    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(float(change.get("at") or 0)))
    op = str(change.get("op"))
    detail = ""
    if op == "edit":
        detail = ", ".join(f"{k}={v}" for k, v in (change.get("data") or {}).items())
    elif op == "merge":
        detail = f"{change.get('id')} → {change.get('into')}"
    elif op == "retire":
        detail = str(change.get("ended") or "")
    elif op == "close":
        detail = t("community.people", count=change.get("helped") or 0)
    elif op == "offer" and include_private:
        detail = f"🔒 {change.get('name')}"
    return f"{when}  {t(OPS.get(op, 'community.op.other'))}  {detail}".rstrip()


OPS = {
    "add": "community.op.add",
    "edit": "community.op.edit",
    "merge": "community.op.merge",
    "retire": "community.op.retire",
    "offer": "community.op.offer",
    "close": "community.op.close",
}


def cmd_forget(args) -> int:
    from .cli import CliError
    from .store.forget import forget

    root = resolve_root(args.data)
    if not root.is_dir():
        raise CliError(t("report.no_store", path=root))
    try:
        changed = forget(root, args.name, dry_run=args.dry_run)
    except ValueError:
        raise CliError(t("community.err.text"), 2) from None
    key = "community.forget_would" if args.dry_run else "community.forget_done"
    for item in changed:
        print(f"  {item.path}: {item.count}")
    total = sum(item.count for item in changed)
    print(t(key, count=total, files=len(changed)))
    return 0


__all__ = ["GROUP_KINDS", "cmd_community", "cmd_forget", "configure"]
