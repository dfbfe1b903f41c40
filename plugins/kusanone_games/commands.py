"""The facilitator's keys during a games stage: plan, re-plan, next round, select and fix a
table, let someone rest, read the evening file. Each writes this plugin's events; the public
``tables`` event is what the room sees."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from . import explain
from .catalogue import FileError
from .evening_file import load_evening
from .model import Plan, Table
from .planner import PlanningError, plan_evening
from .state import Night, evening_for, game_en, night, present, previous_plan, screen_label


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
                    "en": game_en(nt, t.game),
                    "ids": list(t.players),
                    "players": [screen_label(state, pid) for pid in t.players],
                }
                for t in tables
            ],
        },
        visibility="public",
    )


# -- commands ------------------------------------------------------------------------------------
def cursor_of(api) -> dict[str, Any]:
    """Which table and which person the facilitator has selected: this window's state, kept by
    the core in ``api.ui_state`` (not the meeting's: nothing is lost if it is)."""
    return api.ui_state.setdefault("cursor", {"table": None, "person": None})


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
    previous = previous_plan(nt, first)
    if previous is None and replanning:
        replanning = False
    if not replanning and previous is not None:
        # A fresh plan keeps only the tables fixed by hand.
        kept = tuple(tuple(t for t in tables if t.locked) for tables in previous.rounds)
        previous = Plan(kept, first) if any(kept) else None
    seed = random.randrange(1, 1_000_000)
    budget = _seconds(api)

    def work(progress, should_stop):
        """Away from the screen (api.run_in_background): the plan only, no session."""
        try:
            return plan_evening(
                evening,
                seconds=budget,
                seed=seed,
                previous=previous,
                progress=lambda used, _cost: progress(used / budget),
                should_stop=should_stop,
            )
        except PlanningError as error:
            return error

    def done(result) -> None:
        if isinstance(result, PlanningError):
            api.notify(str(result))
            return
        _write_plan(api, evening, result, seed, replanning, previous, first)

    label = {"ja": "組み合わせを作っています", "en": "Planning the tables"}
    api.run_in_background(work, done, label)


def _write_plan(api, evening, result, seed: int, replanning: bool, previous, first: int) -> None:
    """The plan is made: write it (private) and the round's tables (public), and say so."""
    state = api.state()
    if state is None:
        return
    if night(api.events(), state).round != first:  # the evening moved on meanwhile
        moved = {"ja": "回が進んだので、もう一度どうぞ", "en": "The round moved on; plan again"}
        api.notify(api.text(moved))
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
    cursor_of(api)["table"] = None


def selected_table(api, tables: tuple[Table, ...]) -> Table | None:
    """The selected table (by its number, which re-plans keep); the first one by default."""
    tid = cursor_of(api)["table"]
    return next((t for t in tables if t.tid == tid), tables[0] if tables else None)


def select_table(api) -> None:
    """Key h: select the next table (to fix it with v)."""
    tables = night(api.events(), api.state()).current()
    current = selected_table(api, tables)
    if current is not None:
        following = tables[(tables.index(current) + 1) % len(tables)]
        cursor_of(api)["table"] = following.tid


def lock_table(api) -> None:
    """Key v: fix the selected table by hand (or free it); re-planning leaves it as it is."""
    state = api.state()
    if state is None:
        return
    nt = night(api.events(), state)
    table = selected_table(api, nt.current())
    if table is None:
        return
    cursor_of(api)["table"] = table.tid
    api.append(
        "lock",
        {"round": nt.round, "table": table.tid, "locked": not table.locked},
        visibility="private",
    )


def select_person(api) -> None:
    """Key q: select the next person (to let them rest with f)."""
    state = api.state()
    if state is None:
        return
    people = present(state)
    cursor = cursor_of(api)
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
    pid = cursor_of(api)["person"]
    if pid not in present(state):
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


#: (name, title, what it does, key): the facilitator's keys during a games stage.
COMMANDS = [
    ("plan", {"ja": "組み合わせを作る", "en": "Plan the tables"}, plan_tables, "e"),
    ("replan", {"ja": "組み直す", "en": "Re-plan"}, replan_tables, "y"),
    ("next_round", {"ja": "次の回へ", "en": "Next round"}, next_round, "j"),
    ("select_table", {"ja": "卓を選ぶ", "en": "Select a table"}, select_table, "h"),
    ("lock", {"ja": "卓を固定/解除", "en": "Fix/free the table"}, lock_table, "v"),
    ("select_person", {"ja": "人を選ぶ", "en": "Select a person"}, select_person, "q"),
    ("rest", {"ja": "ひと休み/戻る", "en": "Rest/play"}, toggle_rest, "f"),
    ("read_file", {"ja": "参加者ファイルを読む", "en": "Read the file"}, read_file, "i"),
]
