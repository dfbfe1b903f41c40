"""``kusanone openmic add|list|print SESSION …``: the reception desk's terminal, beside the meeting.

It writes to the same session file as the facilitator's window (the log takes care of several
processes at once), so a walk-in added here shows on the facilitator's screen, and on the
projector when they are up next, within a moment.
"""

from __future__ import annotations

import argparse
import os
import time
import unicodedata

from kusanone_tui.api import PluginAPI, open_api
from kusanone_tui.plugin_types import CliCommand

from . import views
from .actions import here, publish
from .planning import clock_time, current_block, hhmm, openmic_stages
from .state import fold

PLUGIN = "openmic"
MAX_NAME = 40

#: The clock of this process (a test may replace it).
now = time.time

NO_SESSION = {"ja": "セッションが見つかりません: {ref}", "en": "no such session: {ref}"}
UNREADABLE = {"ja": "読めません: {ref} ({reason})", "en": "cannot read {ref} ({reason})"}
NO_BLOCK = {
    "ja": "この会には出演の枠（openmic）がありません",
    "en": "this meeting has no open-mic block (a stage of type openmic)",
}
BAD_BLOCK = {
    "ja": "出演の枠 {block} はありません（あるのは: {known}）",
    "en": "no block {block} (known: {known})",
}
BAD_NAME = {
    "ja": "ステージ名は1〜{n}文字で、改行などは使えません",
    "en": "a stage name has 1 to {n} characters, on one line",
}
TAKEN = {
    "ja": "「{name}」はもう出演リストにあります",
    "en": "{name} is already on the list",
}
BAD_TIME = {
    "ja": "時刻は HH:MM で（例 17:30）: {value}",
    "en": "a time is HH:MM (say 17:30): {value}",
}
BAD_MINUTES = {
    "ja": "希望の長さは 1〜60 分で: {value}",
    "en": "a requested length is 1 to 60 minutes: {value}",
}
ADDED = {"ja": "「{name}」を出演リストに入れました", "en": "{name} is on the list"}
ADDED_AT = {"ja": "出番のめやす {at} ごろ（{n} 番目）", "en": "on at about {at} (number {n})"}
ADDED_LATER = {
    "ja": "いまは時間内に入りきらないかもしれません。進行役と相談します",
    "en": "They may not fit in time just now; the facilitator will see",
}
LIST_NONE = {"ja": "（出演リストは空です）", "en": "(the list is empty)"}
ON_STAGE = {"ja": "♪ いまステージ: {name}", "en": "♪ On stage now: {name}"}
WRITTEN = {"ja": "書き出しました: {path}", "en": "written: {path}"}


def _say(texts) -> str:
    return PluginAPI(PLUGIN).text(texts)


def _open(args):
    """This plugin's API bound to the session named on the command line (one line and exit 2
    when it cannot be opened)."""
    return open_api(PLUGIN, args.session, getattr(args, "data", None), clock=lambda: now())


def _common(parser: argparse.ArgumentParser) -> None:
    """The global flags, also after the subcommand (``kusanone openmic add S N --data D``)."""
    suppress = argparse.SUPPRESS
    parser.add_argument("--data", metavar="DIR", default=suppress, help="session store folder")
    parser.add_argument("--lang", choices=("ja", "en"), default=suppress, help="language")
    parser.add_argument("--plugins-dir", metavar="DIR", action="append", default=suppress)


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(
        dest="openmic_command", metavar="add|list|print", required=True, parser_class=type(parser)
    )
    add = sub.add_parser("add", help="add a performer by stage name (a walk-in, or in advance)")
    add.add_argument("session", help="session id, unique prefix, or file")
    add.add_argument("name", help="the stage name (nothing else is asked)")
    add.add_argument("--not-before", metavar="HH:MM", help="not on stage before this time")
    add.add_argument("--early", action="store_true", help="would like to go early")
    add.add_argument("--companion", action="store_true", help="comes on with a companion")
    add.add_argument("--minutes", metavar="N", help="a requested length in minutes (1-60)")
    add.add_argument("--block", metavar="ID", help="the open-mic stage's id (default: the next)")
    _common(add)

    listing = sub.add_parser("list", help="the running order with times (for the facilitator)")
    listing.add_argument("session", help="session id, unique prefix, or file")
    listing.add_argument("--block", metavar="ID", help="the open-mic stage's id")
    _common(listing)

    printing = sub.add_parser("print", help="a printable running order (Markdown or HTML)")
    printing.add_argument("session", help="session id, unique prefix, or file")
    printing.add_argument("--block", metavar="ID", help="the open-mic stage's id")
    printing.add_argument("--format", choices=("md", "html"), default="md")
    printing.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default stdout)")
    printing.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    printing.add_argument(
        "--include-private",
        action="store_true",
        help="the facilitator's copy: wishes, and who may not fit (marked 🔒)",
    )
    _common(printing)


def _block(meeting, wanted: str | None) -> str:
    known = [stage.id for _, stage in openmic_stages(meeting)]
    if not known:
        raise ValueError(_say(NO_BLOCK))
    if wanted is None:
        return current_block(meeting) or known[0]
    if wanted not in known:
        raise ValueError(_say(BAD_BLOCK).format(block=wanted, known=", ".join(known)))
    return wanted


def stage_name(raw: str) -> str:
    """A stage name as typed, tidied: one line, no control characters, not too long."""
    name = " ".join(raw.split())
    if not name or len(name) > MAX_NAME:
        raise ValueError(_say(BAD_NAME).format(n=MAX_NAME))
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise ValueError(_say(BAD_NAME).format(n=MAX_NAME))
    return name


def _minutes(raw: str | None) -> float | None:
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(_say(BAD_MINUTES).format(value=raw)) from None
    if not 1 <= value <= 60:
        raise ValueError(_say(BAD_MINUTES).format(value=raw))
    return value


def add(args) -> int:
    name = stage_name(args.name)
    if args.not_before is not None and clock_time(args.not_before) is None:
        raise ValueError(_say(BAD_TIME).format(value=args.not_before))
    minutes = _minutes(args.minutes)
    with _open(args) as api:
        meeting = api.state()
        block = _block(meeting, args.block)
        if fold(api.events()).find(block, name) is not None:
            raise ValueError(_say(TAKEN).format(name=name))
        data = {"performer": api.new_id(), "name": name, "block": block}
        if args.not_before:
            data["not_before"] = args.not_before.strip().zfill(5)
        if args.early:
            data["early"] = True
        if args.companion:
            data["companion"] = True
        if minutes is not None:
            data["minutes"] = minutes
        data["seed"] = int.from_bytes(os.urandom(4), "big")  # a fair place, if it comes late
        api.append("signed_up", data, visibility="private")
        publish(api, block)
        print(_say(ADDED).format(name=name))
        found = here(api, block)
        if found is not None:
            plan = found[2].plan
            planned = [act for act in plan.acts if act.id == data["performer"]]
            if planned:
                number = plan.ids.index(data["performer"]) + 1
                print(_say(ADDED_AT).format(at=hhmm(planned[0].start), n=number))
            else:
                print(_say(ADDED_LATER))
        return 0


def _shown(api, args):
    block = _block(api.state(), args.block)
    found = here(api, block)
    assert found is not None  # the block exists
    title = found[0].title or api.text(found[0].template.title)
    return found, title


def list_(args) -> int:
    with _open(args) as api:
        (_, openmic, shown), title = _shown(api, args)
        people = openmic.performers
        block = openmic.block(shown.block)
        win = shown.window
        print(f"{title} — {api.text(win.title)}  {hhmm(win.start)}–{hhmm(win.end)}")
        if block.on_stage is not None:
            print(api.text(ON_STAGE).format(name=people[block.on_stage.performer].name))
        for number, act in enumerate(shown.plan.acts, start=1):
            person = people[act.id]
            notes = views.wishes(person, api.text)
            if person.away:
                notes = api.text(views.LATER) + ("・" + notes if notes else "")
            line = f"{number:>3}  {hhmm(act.start)}–{hhmm(act.end)}  {person.name}"
            print(line + (f"  ({notes})" if notes else ""))
        if shown.plan.not_fitting:
            print(api.text(views.NOT_FITTING))
            for pid in shown.plan.not_fitting:
                print(f"     {people[pid].name}")
        if not shown.plan.acts and not shown.plan.not_fitting and block.on_stage is None:
            print(api.text(LIST_NONE))
        return 0


def print_(args) -> int:
    with _open(args) as api:
        (_, openmic, shown), title = _shown(api, args)
        text = views.running_order(openmic, shown, title, api.text, args.include_private)
        if args.format == "html":
            heading = f"{title} — {api.text(shown.window.title)}"
            text = api.html_page(text, heading, css=views.PRINT_CSS)
        # The list names people: a private file (0600), never over a session, a store's file
        # or (without --force) any existing file; the same guarded writer as kusanone export.
        out = api.write_output(args.output, text, force=args.force)
    if out is not None:
        print(_say(WRITTEN).format(path=out))
    return 0


def run(args) -> int:
    return {"add": add, "list": list_, "print": print_}[args.openmic_command](args)


COMMAND = CliCommand(
    "openmic", "open-mic performers: add a walk-in, list or print the order", configure, run
)
