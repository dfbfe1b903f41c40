"""ゲーム会 (Game night): board-game tables that make new encounters, safely.

ボードゲームは、自分のことを話さなくても人と出会えるやり方です。このプラグインは、夜の何回かの
卓の組み合わせを、まとめて作ります。初めての人の卓にはルールを説明できる人がいて、同じ人とばかり
にならないように。人が来たり帰ったりしたら、動く人が少なくなるように組み直します。

Board games let people meet without having to talk about themselves. This plugin plans the
tables for every round of an evening at once: a newcomer always has someone who can explain the
game, and pairs who already met are kept apart where possible. When people arrive or leave, the
remaining rounds are re-planned moving as few people as possible; tables fixed by hand stay.

Everything is worked out from the plugin's events (``night(events, state)``):

- ``games:catalogue`` (minutes): the games on the shelf (the sample catalogue until one is read).
- ``games:setup`` (private): rounds, title and "met before" pairs from the evening file.
- ``games:attendee`` (private): one person's wishes, including the private "not with".
- ``games:plan`` (private): a plan from a round on; ``games:lock`` and ``games:rest`` (private).
- ``games:round`` (public): the round now being played.
- ``games:tables`` (public): what the projector shows — each table's game and players, with
  names only of people who agreed to be named both on the screen and in the minutes (this event
  reaches the minutes too); ``#3`` otherwise. Nobody resting is listed, no wish is written.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from rich.text import Text

from kusanone_tui import hookimpl
from kusanone_tui.model.views import participant_label
from kusanone_tui.plugin_types import CliCommand, Command, MinutesSection, StageType, TemplateSource

from . import explain
from .catalogue import FileError, Game, game_from_mapping, normalise, sample_catalogue, sample_text
from .evening_file import ATTENDEE_KEYS, attendee_from_mapping, load_evening
from .model import Attendee, Evening, Plan, Table
from .planner import PlanningError, plan_evening

__version__ = "0.1.0"
PLUGIN_NAME = "games"

TITLE = {"ja": "ゲーム会", "en": "Game night"}
STAGE = "games"
DEFAULT_ROUNDS = 3

TEMPLATE = """
[template]
id = "game_night"
title = { ja = "ゲーム会", en = "Game night" }
description.ja = "ボードゲームで、話さなくても出会える夜。"
description.en = "Board games: meeting people without having to talk about yourself."
minutes = 150

[[stages]]
id = "opening"
type = "opening"
title = { ja = "はじめに", en = "Welcome" }
minutes = 10
rules.ja = ["だれも否定しない", "ひと休みもふつうのこと", "ここで聞いた話はここだけに"]
rules.en = ["Nobody is put down", "Taking a rest is normal", "What is said here stays here"]

[[stages]]
id = "games"
type = "games"
title = { ja = "ゲームの時間", en = "Games" }
minutes = 130
rounds = 3
rules.ja = [
  "勝ち負けより、いっしょに楽しく", "ルールはゆっくり説明します", "ひと休みしてもだいじょうぶ",
]
rules.en = [
  "Playing together matters more than winning", "Rules are explained slowly",
  "A rest is fine at any time",
]

[[stages]]
id = "closing"
type = "closing"
title = { ja = "おわりに", en = "Closing" }
minutes = 10
rules.ja = ["おつかれさまでした"]
rules.en = ["Thank you for tonight"]
"""


# -- the evening, from the events ----------------------------------------------------------------
@dataclass
class Night:
    """The game night as the events tell it."""

    games: list[Game] = field(default_factory=sample_catalogue)
    wishes: dict[str, dict[str, Any]] = field(default_factory=dict)  # normalised name -> data
    rounds: int = DEFAULT_ROUNDS
    title: str = ""
    met_before: list[tuple[str, str]] = field(default_factory=list)  # names
    round: int = 1
    tables: dict[int, tuple[Table, ...]] = field(default_factory=dict)  # round -> tables
    planned_for: dict[int, frozenset[str]] = field(default_factory=dict)  # who each round seats
    rest: dict[tuple[str, int], bool] = field(default_factory=dict)  # (participant id, round)

    def current(self) -> tuple[Table, ...]:
        return self.tables.get(self.round, ())


def _stage_rounds(state) -> int | None:
    stage = state.stage if state is not None else None
    value = stage.options.get("rounds") if stage is not None else None
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 20:
        return value
    return None


def night(events: Iterable, state=None) -> Night:
    """The game night, folded from this plugin's events. Odd data is skipped, never raised."""
    out = Night()
    out.rounds = _stage_rounds(state) or DEFAULT_ROUNDS
    for event in events:
        kind = event.kind.split(":", 1)[-1]
        data = event.data
        try:
            if kind == "catalogue":
                games = [game_from_mapping(raw) for raw in data.get("games", ())]
                if games:
                    out.games = games
            elif kind == "setup":
                rounds = data.get("rounds")
                if isinstance(rounds, int) and not isinstance(rounds, bool) and 1 <= rounds <= 20:
                    out.rounds = rounds
                out.title = str(data.get("title") or "")
                out.met_before = [
                    (str(a), str(b)) for a, b in data.get("met_before", ()) if a and b
                ]
            elif kind == "attendee":
                raw = {k: v for k, v in data.items() if k in ATTENDEE_KEYS}
                person = attendee_from_mapping(raw)
                out.wishes[normalise(person.name)] = dict(raw)
            elif kind == "plan":
                plan = Plan.from_dict(data["plan"])
                seated = data.get("seated", {})
                for number in [n for n in out.tables if n >= plan.first_round]:
                    out.tables.pop(number)
                    out.planned_for.pop(number, None)
                for number in plan.numbers:
                    out.tables[number] = plan.round(number)
                    players = seated.get(str(number))
                    if not isinstance(players, list):
                        players = [k for t in plan.round(number) for k in t.players]
                    out.planned_for[number] = frozenset(str(k) for k in players)
            elif kind == "lock":
                number, tid = int(data["round"]), int(data["table"])
                out.tables[number] = tuple(
                    replace(t, locked=bool(data.get("locked"))) if t.tid == tid else t
                    for t in out.tables.get(number, ())
                )
            elif kind == "rest":
                out.rest[(str(data["participant_id"]), int(data["round"]))] = bool(data["rest"])
            elif kind == "round":
                number = data.get("round")
                if isinstance(number, int) and not isinstance(number, bool) and number >= 1:
                    out.round = number
        except (KeyError, TypeError, ValueError, AttributeError):
            continue  # 知らないデータは無視する (never raise on odd data)
    return out


def evening_for(nt: Night, state, first_round: int | None = None) -> Evening:
    """The planner's ``Evening`` for the people present now, from round ``first_round`` on.

    People are known by participant id; their wishes come from the attendee events, matched by
    display name. Rounds already played count as meetings (new encounters are measured
    against them).
    """
    first = nt.round if first_round is None else first_round
    people: list[Attendee] = []
    for pid, person in state.participants.items() if state is not None else ():
        if not person.present:
            continue
        raw = nt.wishes.get(normalise(person.name), {})
        try:
            base = attendee_from_mapping({**raw, "name": person.name})
        except ValueError:
            base = Attendee(person.name)
        rest = set(base.rest)
        for (who, number), resting in nt.rest.items():
            if who == pid:
                (rest.add if resting else rest.discard)(number)
        people.append(replace(base, key=pid, rest=tuple(sorted(rest))))
    met: dict[frozenset[str], int] = {}
    for number, tables in nt.tables.items():
        if number < first:
            for table in tables:
                players = table.players
                for i, a in enumerate(players):
                    for b in players[i + 1 :]:
                        key = frozenset((a, b))
                        met[key] = met.get(key, 0) + 1
    by_name = {normalise(p.name): p.id for p in people}
    for a, b in nt.met_before:
        ends = {by_name.get(normalise(a)), by_name.get(normalise(b))}
        ends.discard(None)
        if len(ends) == 2:
            key = frozenset(ends)
            met[key] = met.get(key, 0) + 1
    rounds = max(1, nt.rounds - first + 1)
    # A buddy or "not with" names someone by display name; the planner finds them by name.
    return Evening(nt.games, people, rounds=rounds, first_round=first, met=met)


def _previous_plan(nt: Night, first: int) -> Plan | None:
    rounds = [nt.tables.get(n, ()) for n in range(first, nt.rounds + 1)]
    if not any(rounds):
        return None
    return Plan(tuple(rounds), first)


def _labels(state, audience: str) -> dict[str, str]:
    if state is None:
        return {}
    return {
        pid: participant_label(state, person, audience)
        for pid, person in state.participants.items()
    }


def _screen_label(state, pid: str) -> str:
    """A name for the shared screen *and* the minutes: the public ``tables`` event reaches both,
    so a name is written only for someone who agreed to both; otherwise ``#3``."""
    person = state.participants.get(pid)
    if person is None:
        return "—"
    if person.name and person.show_name and person.minutes_name:
        return person.name
    return f"#{list(state.participants).index(pid) + 1}"


def publish(api, nt: Night, state) -> None:
    """Write the public ``tables`` event for the round being played (what the room sees)."""
    tables = nt.current()
    api.append(
        "tables",
        {
            "round": nt.round,
            "rounds": nt.rounds,
            "tables": [
                {
                    "table": t.tid,
                    "game": t.game,
                    "en": _game_en(nt, t.game),
                    "ids": list(t.players),
                    "players": [_screen_label(state, pid) for pid in t.players],
                }
                for t in tables
            ],
        },
        visibility="public",
    )


def _game_en(nt: Night, name: str) -> str | None:
    for game in nt.games:
        if game.name == name:
            return game.en
    return None


# -- commands ------------------------------------------------------------------------------------
_CURSORS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _cursor(api) -> dict[str, Any]:
    """Which table and which person the facilitator has selected (screen state, not the
    meeting's: nothing is lost if it is)."""
    cursor = _CURSORS.get(api)
    if cursor is None:
        cursor = _CURSORS[api] = {"table": None, "person": None}
    return cursor


def _seconds(api) -> float:
    value = api.settings.get("seconds", 1.0)
    return float(value) if isinstance(value, int | float) and 0.1 <= value <= 30 else 1.0


def _make_plan(api, replanning: bool) -> None:
    state = api.state()
    if state is None:
        return
    nt = night(api.events(), state)
    first = nt.round
    evening = evening_for(nt, state, first)
    if not evening.attendees:
        api.notify(api.text({"ja": "まだ参加者がいません", "en": "Nobody has joined yet"}))
        return
    previous = _previous_plan(nt, first)
    if previous is None and replanning:
        replanning = False
    if not replanning and previous is not None:
        # A fresh plan keeps only the tables fixed by hand.
        kept = tuple(tuple(t for t in tables if t.locked) for tables in previous.rounds)
        previous = Plan(kept, first) if any(kept) else None
    seed = random.randrange(1, 1_000_000)
    try:
        result = plan_evening(evening, seconds=_seconds(api), seed=seed, previous=previous)
    except PlanningError as error:
        api.notify(str(error))
        return
    numbers = explain.figures(evening, result.plan, previous if replanning else None)
    api.append(
        "plan",
        {
            "plan": result.plan.to_dict(),
            "seed": seed,
            "replan": replanning,
            "seated": {
                str(n): [p.id for p in evening.attendees if explain.plays_in(p, n)]
                for n in result.plan.numbers
            },
            "figures": numbers.to_dict(private=False),
        },
        visibility="private",
    )
    nt = night(api.events(), state)
    publish(api, nt, state)
    lines = explain.figure_lines(numbers, api.lang, private=False)
    done = (
        {"ja": "組み直しました", "en": "Re-planned"}
        if replanning
        else {
            "ja": "組み合わせを作りました",
            "en": "Tables planned",
        }
    )
    api.notify(f"{api.text(done)} — {lines[0]}")


def plan_tables(api) -> None:
    """Key e: plan the tables of this round and every round after it."""
    _make_plan(api, replanning=False)


def replan_tables(api) -> None:
    """Key y: re-plan from this round on, moving as few people as possible."""
    _make_plan(api, replanning=True)


def next_round(api) -> None:
    """Key j: on to the next round; the projector shows its tables."""
    state = api.state()
    if state is None:
        return
    nt = night(api.events(), state)
    if nt.round >= nt.rounds:
        api.notify(api.text({"ja": "最後の回です", "en": "This is the last round"}))
        return
    api.append("round", {"round": nt.round + 1}, visibility="public")
    nt = night(api.events(), state)
    publish(api, nt, state)
    _cursor(api)["table"] = None


def _selected(api, tables: tuple[Table, ...]) -> Table | None:
    """The selected table (by its number, which re-plans keep); the first one by default."""
    tid = _cursor(api)["table"]
    return next((t for t in tables if t.tid == tid), tables[0] if tables else None)


def select_table(api) -> None:
    """Key h: select the next table (to fix it with v)."""
    tables = night(api.events(), api.state()).current()
    current = _selected(api, tables)
    if current is not None:
        following = tables[(tables.index(current) + 1) % len(tables)]
        _cursor(api)["table"] = following.tid


def lock_table(api) -> None:
    """Key v: fix the selected table by hand (or free it); re-planning leaves it as it is."""
    state = api.state()
    if state is None:
        return
    nt = night(api.events(), state)
    table = _selected(api, nt.current())
    if table is None:
        return
    _cursor(api)["table"] = table.tid
    api.append(
        "lock",
        {"round": nt.round, "table": table.tid, "locked": not table.locked},
        visibility="private",
    )


def _present(state) -> list[str]:
    return [pid for pid, person in state.participants.items() if person.present]


def select_person(api) -> None:
    """Key q: select the next person (to let them rest with f)."""
    state = api.state()
    if state is None:
        return
    people = _present(state)
    cursor = _cursor(api)
    if not people:
        cursor["person"] = None
        return
    current = cursor["person"]
    index = people.index(current) + 1 if current in people else 0
    cursor["person"] = people[index % len(people)]


def toggle_rest(api) -> None:
    """Key f: the selected person sits this round out (or plays again). A rest is an ordinary
    choice: it is private, and no screen but this one ever shows it."""
    state = api.state()
    if state is None:
        return
    pid = _cursor(api)["person"]
    if pid not in _present(state):
        api.notify(api.text({"ja": "q で人を選んでください", "en": "Select someone with q"}))
        return
    nt = night(api.events(), state)
    evening = evening_for(nt, state)
    me = next(p for p in evening.attendees if p.id == pid)
    resting = not explain.plays_in(me, nt.round)
    api.append("rest", {"participant_id": pid, "round": nt.round, "rest": not resting}, "private")
    api.notify(api.text({"ja": "y で組み直すと卓に反映されます", "en": "Press y to re-plan"}))


def read_file(api) -> None:
    """Key i: read the evening file named in plugins.toml (``[games] file = "…"``): the games,
    and each person's wishes (kept private)."""
    name = api.settings.get("file")
    if not isinstance(name, str) or not name.strip():
        api.notify(
            api.text(
                {
                    "ja": 'plugins.toml の [games] に file = "参加者ファイル" を書いてください',
                    "en": 'Set file = "evening.toml" under [games] in plugins.toml',
                }
            )
        )
        return
    try:
        loaded = load_evening(Path(name).expanduser())
    except FileError as error:
        api.notify(str(error))
        return
    evening = loaded.evening
    api.append("catalogue", {"games": [g.to_dict() for g in evening.games]}, "minutes")
    met = [list(pair) for pair in loaded.met_before]
    setup: dict[str, Any] = {"title": loaded.title, "met_before": met}
    if loaded.rounds_given:
        setup["rounds"] = evening.rounds
    api.append("setup", setup, "private")
    for person in evening.attendees:
        api.append("attendee", person.to_dict(private=True), "private")
    api.notify(
        api.text(
            {
                "ja": f"読み込みました: {len(evening.attendees)}人・{len(evening.games)}ゲーム",
                "en": f"Read {len(evening.attendees)} people and {len(evening.games)} games",
            }
        )
    )


# -- drawing -------------------------------------------------------------------------------------
KEYS_HINT = {
    "ja": "e 組み合わせ・y 組み直し・j 次の回・h 卓・v 固定・q 人・f ひと休み・i 読み込み",
    "en": "e plan · y re-plan · j next round · h table · v fix · q person · f rest · i read file",
}


def panel(api, state) -> Text:
    """The facilitator's panel: this round's tables with a reason each, who rests, the figures.
    Names are shown (this is the organiser's own screen); the private wishes are only counted."""
    nt = night(api.events(), state)
    text = Text()
    names = _labels(state, "private")
    lang = api.lang
    heading = api.text(
        {"ja": f"第{nt.round}回（全{nt.rounds}回）", "en": f"Round {nt.round} of {nt.rounds}"}
    )
    text.append(f"{api.text(TITLE)} — {heading}\n", style="bold")
    tables = nt.current()
    cursor = _cursor(api)
    evening = evening_for(nt, state, nt.round) if state is not None else None
    if not tables:
        hint = {"ja": "e で組み合わせを作ります", "en": "Press e to plan the tables"}
        text.append(api.text(hint) + "\n")
        text.append(api.text(KEYS_HINT), style="dim")
    else:
        plan = _previous_plan(nt, nt.round) or Plan((tables,), nt.round)
        selected = _selected(api, tables)
        for table in tables:
            mark = "▶" if table is selected else " "
            lock = " 🔒" if table.locked else ""
            game = next((g for g in nt.games if g.name == table.game), None)
            title = game.label(lang) if game else table.game
            who = explain.label_players(table.players, names, lang)
            text.append(f"{mark}{table.tid}. {title}{lock}  ", style="bold" if mark != " " else "")
            text.append(who + "\n")
            if evening is not None and table is selected:  # why: for the selected table only
                why = explain.reasons(evening, plan, nt.round, table, lang)[:3]
                if why:
                    text.append("    " + " / ".join(why) + "\n", style="dim")
        if evening is not None:
            resting = explain.resting(evening, nt.round)
            if resting:
                label = api.text({"ja": "ひと休み", "en": "Resting"})
                text.append(f"{label}: {'、'.join(resting)}\n", style="dim")
            here = {p.id for p in evening.attendees if explain.plays_in(p, nt.round)}
            seated = {key for t in tables for key in t.players}
            planned = nt.planned_for.get(nt.round, frozenset(seated))
            if here != planned or not seated <= here:
                came = len(here - planned)
                went = len(planned - here)
                changed = {
                    "ja": f"この回に遊ぶ人が変わりました（+{came} −{went}）。y で組み直します\n",
                    "en": f"Who plays this round changed (+{came} −{went}); y re-plans\n",
                }
                text.append(
                    api.text(changed),
                    style="italic",
                )
            numbers = explain.figures(evening, plan)
            text.append(" ・ ".join(explain.figure_lines(numbers, lang)) + "\n", style="dim")
    person = cursor["person"]
    if state is not None and person in state.participants:
        label = api.text({"ja": "選択中の人", "en": "Selected"})
        text.append(f"{label}: {names.get(person, '—')}\n", style="dim")
    text.rstrip()
    return text


def current_tables(events) -> dict[str, Any] | None:
    """The last public ``tables`` event's data (what the room sees), or None."""
    shown = [e for e in events if e.kind.endswith(":tables")]
    return shown[-1].data if shown else None


def projector(view) -> Text:
    """The room's view: each table's game and players. Nobody resting is listed; no wish is
    shown, ever (the public events hold none)."""
    data = current_tables(view.events)
    text = Text(justify="center")
    text.append(view.text(TITLE), style="dim")
    if data is None or not data.get("tables"):
        text.append(
            "\n\n" + view.text({"ja": "まもなく卓を発表します", "en": "Tables coming soon"})
        )
    else:
        number, total = data.get("round"), data.get("rounds")
        text.append(
            "  " + view.text({"ja": f"第{number}回 / {total}", "en": f"Round {number} of {total}"}),
            style="dim",
        )
        text.append("\n")
        labels = getattr(view.room, "labels", None)  # a consent-aware id → name map, if offered
        for table in data["tables"]:
            game = table.get("en") if view.lang == "en" and table.get("en") else table.get("game")
            if isinstance(labels, Mapping) and table.get("ids"):
                players = [labels.get(pid, "—") for pid in table["ids"]]
            else:
                players = [str(p) for p in table.get("players", ())]
            sep = "・" if view.lang == "ja" else ", "
            text.append(f"\n{table.get('table')}. ", style="dim")
            text.append(str(game), style="bold")
            text.append(f"\n{sep.join(players)}\n")
    text.append(
        "\n" + view.text({"ja": "ひと休みしてもだいじょうぶ", "en": "A rest is always fine"}),
        style="dim",
    )
    return text


def minutes(api) -> MinutesSection:
    def render(view) -> str:
        shared = [e for e in api.events() if e.data.get("visibility") in ("public", "minutes")]
        played: dict[int, list[dict]] = {}
        for event in shared:
            if event.kind.endswith(":tables") and isinstance(event.data.get("round"), int):
                played[event.data["round"]] = list(event.data.get("tables", ()))
        if not played:
            return ""
        pairs: set[frozenset[str]] = set()
        count = 0
        for tables in played.values():
            for table in tables:
                ids = [str(i) for i in table.get("ids", ())]
                count += 1
                pairs.update(frozenset((a, b)) for i, a in enumerate(ids) for b in ids[i + 1 :])
        return api.text(
            {
                "ja": f"- {len(played)}回・のべ {count}卓・初めての出会い {len(pairs)}組",
                "en": f"- {len(played)} rounds, {count} tables, {len(pairs)} encounters",
            }
        )

    return MinutesSection("games", TITLE, render)


# -- the command line ----------------------------------------------------------------------------
def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="games_command", metavar="plan|sample", required=True)
    plan = sub.add_parser("plan", help="plan the tables of an evening from a file")
    plan.add_argument("file", help="the evening file (.toml or .json; docs/games.md)")
    plan.add_argument("--rounds", type=int, help="number of rounds (default: the file's, or 3)")
    plan.add_argument("--seconds", type=float, default=2.0, help="time budget (default 2)")
    plan.add_argument("--seed", type=int, help="the same seed gives the same plan")
    plan.add_argument("--json", action="store_true", help="machine-readable output")
    sample = sub.add_parser(
        "sample",
        help="print the sample catalogue of games; with --evening, an evening file for plan",
    )
    sample.add_argument(
        "--evening",
        action="store_true",
        help="a whole evening (games and attendees) that `kusanone games plan` accepts",
    )


def run(args: argparse.Namespace) -> int:
    if args.games_command == "sample":
        if getattr(args, "evening", False):
            from importlib import resources

            sys.stdout.write(
                resources.files(__package__).joinpath("sample_evening.toml").read_text("utf-8")
            )
        else:
            sys.stdout.write(sample_text())
        return 0
    return cli_plan(args)


def cli_plan(args: argparse.Namespace) -> int:
    from kusanone_tui.i18n import current_language

    loaded = load_evening(args.file)  # FileError is a ValueError: one line, exit 2
    evening = loaded.evening
    if args.rounds is not None:
        if not 1 <= args.rounds <= 20:
            raise ValueError("--rounds must be from 1 to 20")
        evening = replace(evening, rounds=args.rounds)
    if args.seconds is None or not 0.05 <= args.seconds <= 600:
        raise ValueError("--seconds must be from 0.05 to 600")
    seed = args.seed if args.seed is not None else random.randrange(1, 1_000_000)
    result = plan_evening(evening, seconds=args.seconds, seed=seed)
    numbers = explain.figures(evening, result.plan)
    lang = current_language()
    if args.json:
        document = {
            "title": loaded.title,
            "seed": seed,
            "seconds": round(result.seconds, 3),
            "rounds": [
                {
                    "round": number,
                    "tables": [
                        {
                            **table.to_dict(),
                            "reasons": explain.reasons(evening, result.plan, number, table, lang),
                        }
                        for table in result.plan.round(number)
                    ],
                    "resting": explain.resting(evening, number),
                }
                for number in result.plan.numbers
            ],
            "figures": numbers.to_dict(),
            "warnings": result.warnings,
        }
        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        return 0
    out = sys.stdout
    ja = lang == "ja"
    head = loaded.title or ("ゲーム会" if ja else "Game night")
    out.write(
        f"{head} — {evening.rounds}{'回' if ja else ' rounds'}・"
        f"{len(evening.attendees)}{'人' if ja else ' people'}・"
        f"{len(evening.games)}{'ゲーム' if ja else ' games'}"
        f"  (seed {seed}, {result.seconds:.1f}s)\n"
    )
    games = {g.name: g for g in evening.games}
    for number in result.plan.numbers:
        out.write(f"\n{'第' + str(number) + '回' if ja else 'Round ' + str(number)}\n")
        for table in result.plan.round(number):
            game = games.get(table.game)
            title = game.label(lang) if game else table.game
            minutes_text = f" ({game.minutes}{'分' if ja else ' min'})" if game else ""
            out.write(f"  {table.tid}. {title}{minutes_text}  {'・'.join(table.players)}\n")
            for reason in explain.reasons(evening, result.plan, number, table, lang):
                out.write(f"       - {reason}\n")
        resting = explain.resting(evening, number)
        if resting:
            out.write(f"  {'ひと休み' if ja else 'Resting'}: {'、'.join(resting)}\n")
    out.write("\n" + " / ".join(explain.figure_lines(numbers, lang)) + "\n")
    for problem in numbers.violations:
        out.write(f"! {problem}\n")
    for warning in result.warnings:
        out.write(f"({warning})\n")
    return 0


# -- hooks ---------------------------------------------------------------------------------------
@hookimpl
def register_stage_types(register) -> None:
    register(StageType(STAGE, TITLE, panel=panel, projector=projector))


@hookimpl
def register_commands(register) -> None:
    commands = [
        ("plan", {"ja": "組み合わせを作る", "en": "Plan the tables"}, plan_tables, "e"),
        ("replan", {"ja": "組み直す", "en": "Re-plan"}, replan_tables, "y"),
        ("next_round", {"ja": "次の回へ", "en": "Next round"}, next_round, "j"),
        ("select_table", {"ja": "卓を選ぶ", "en": "Select a table"}, select_table, "h"),
        ("lock", {"ja": "卓を固定/解除", "en": "Fix/free the table"}, lock_table, "v"),
        ("select_person", {"ja": "人を選ぶ", "en": "Select a person"}, select_person, "q"),
        ("rest", {"ja": "ひと休み/戻る", "en": "Rest/play"}, toggle_rest, "f"),
        ("read_file", {"ja": "参加者ファイルを読む", "en": "Read the file"}, read_file, "i"),
    ]
    for name, title, run_command, key in commands:
        register(Command(name, title, run_command, key=key, stage_type=STAGE))


@hookimpl
def register_templates(register) -> None:
    register(TemplateSource("game_night", TEMPLATE))


@hookimpl
def minutes_sections(register, api) -> None:
    register(minutes(api))


@hookimpl
def register_cli_commands(register) -> None:
    register(CliCommand("games", "plan game-night tables: games plan FILE", configure, run))
