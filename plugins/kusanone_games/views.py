"""What the games stage draws: the facilitator's panel (names as the screen may show them:
``api.label``), the projector's tables (public events only) and the minutes' section."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.text import Text

from kusanone_tui.plugin_types import MinutesSection

from . import explain
from .commands import cursor_of, selected_table
from .model import Plan
from .record import supporters_line
from .state import TITLE, evening_for, night, previous_plan

# -- drawing -------------------------------------------------------------------------------------
KEYS_HINT = {
    "ja": "e 組み合わせ・y 組み直し・j 次の回・h 卓・v 固定・q 人・f ひと休み・i 読み込み・w 記録",
    "en": "e plan · y re-plan · j next round · h table · v fix · q person · f rest · i read file"
    " · w record",
}


def panel(api, state) -> Text:
    """The facilitator's panel: this round's tables with a reason each, who rests, the figures.
    Names are shown (this is the organiser's own screen); the private wishes are only counted."""
    nt = night(api.events(), state)
    text = Text()
    names = {pid: api.label(pid, "private") for pid in state.participants} if state else {}
    lang = api.lang
    heading = api.text(
        {"ja": f"第{nt.round}回（全{nt.rounds}回）", "en": f"Round {nt.round} of {nt.rounds}"}
    )
    text.append(f"{api.text(TITLE)} — {heading}\n", style="bold")
    tables = nt.current()
    chosen = cursor_of(api)
    evening = evening_for(nt, state, nt.round) if state is not None else None
    if not tables:
        hint = {"ja": "e で組み合わせを作ります", "en": "Press e to plan the tables"}
        text.append(api.text(hint) + "\n")
        text.append(api.text(KEYS_HINT), style="dim")
    else:
        plan = previous_plan(nt, nt.round) or Plan((tables,), nt.round)
        selected = selected_table(api, tables)
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
    if tables and nt.round >= nt.rounds:  # the last round: the evening can be recorded
        last = {
            "ja": "最後の回です。w でこの会を地域の記録に残せます",
            "en": "The last round: w records the evening in the community's memory",
        }
        text.append(api.text(last) + "\n", style="dim")
    helpers = supporters_line(api)  # names: only off the wall (the private view, the notes)
    if helpers:
        text.append(helpers + "\n", style="dim")
    person = chosen["person"]
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
