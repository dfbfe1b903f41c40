"""The game night as this plugin's events tell it (``night(events, state)``), and the planner's
evening for the people present. Pure: no screen, no writing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from .catalogue import Game, game_from_mapping, normalise, sample_catalogue
from .evening_file import ATTENDEE_KEYS, attendee_from_mapping
from .model import Attendee, Evening, Plan, Table

TITLE = {"ja": "ゲーム会", "en": "Game night"}
STAGE = "games"
DEFAULT_ROUNDS = 3


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


def previous_plan(nt: Night, first: int) -> Plan | None:
    rounds = [nt.tables.get(n, ()) for n in range(first, nt.rounds + 1)]
    if not any(rounds):
        return None
    return Plan(tuple(rounds), first)


def screen_label(state, pid: str) -> str:
    """A name for the shared screen *and* the minutes: the public ``tables`` event reaches both,
    so a name is written only for someone who agreed to both; otherwise ``#3``."""
    person = state.participants.get(pid)
    if person is None:
        return "—"
    if person.name and person.show_name and person.minutes_name:
        return person.name
    return f"#{list(state.participants).index(pid) + 1}"


def game_en(nt: Night, name: str) -> str | None:
    for game in nt.games:
        if game.name == name:
            return game.en
    return None


def present(state) -> list[str]:
    return [pid for pid, person in state.participants.items() if person.present]
