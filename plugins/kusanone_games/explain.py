"""Why a plan is as it is: the hard rules checked again from scratch, the plan's figures, and a
few words per table.

Everything here is for the organiser. The private "not with" wishes are only ever counted
(``private_wishes_kept``), never named, and resting is never counted at all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from .catalogue import Game, normalise
from .model import Attendee, Evening, Plan, Table


@dataclass
class Figures:
    """The plan's numbers. ``unmet_hard_rules`` is 0 for a plan that keeps every rule."""

    rounds: int = 0
    tables: list[int] = field(default_factory=list)
    unmet_hard_rules: int = 0
    violations: list[str] = field(default_factory=list)
    repeated_pairs: int = 0  # extra meetings: a pair at one table k times counts k-1
    met_before_again: int = 0  # pairs who had met before and share a table again
    new_encounters: int = 0  # pairs meeting for the first time
    wish_rounds: int = 0  # person-rounds at a game they wished for
    wish_rounds_possible: int = 0  # person-rounds played by people who named wishes
    people_with_a_wish: int = 0  # people who play at least one of their wishes
    people_wishing: int = 0
    first_choices: int = 0  # people who play their first choice at least once
    buddies_together: int = 0  # buddy pairs at one table in the first round
    buddy_pairs: int = 0
    private_wishes_kept: int = 0  # PRIVATE figure: "not with" wishes honoured all evening
    private_wishes: int = 0
    crowded_supporters: int = 0  # tables with two or more supporters
    long_games_for_early_leavers: int = 0
    moved: int | None = None  # re-planning: people whose table changed

    def to_dict(self, private: bool = True) -> dict[str, Any]:
        out = dict(self.__dict__)
        if not private:
            out.pop("private_wishes_kept")
            out.pop("private_wishes")
        return out


class Names:
    """Finds attendees and games by name, as the planner does."""

    def __init__(self, evening: Evening) -> None:
        self.people = {person.id: person for person in evening.attendees}
        self.by_name: dict[str, Attendee] = {}
        for person in evening.attendees:
            self.by_name.setdefault(normalise(person.name), person)
            self.by_name.setdefault(normalise(person.id), person)
        self.games: dict[str, Game] = {}
        for game in evening.games:
            for name in (game.name, game.en):
                if name:
                    self.games.setdefault(normalise(name), game)

    def person(self, name: str) -> Attendee | None:
        return self.by_name.get(normalise(name))

    def game(self, name: str) -> Game | None:
        return self.games.get(normalise(name))

    def name(self, key: str) -> str:
        person = self.people.get(key)
        return person.name if person else key

    def teaches(self, person: Attendee, game: Game) -> bool:
        return any(self.game(name) is game for name in person.teaches)

    def wish_rank(self, person: Attendee, game: Game) -> int | None:
        ranks = [i for i, name in enumerate(person.wishes) if self.game(name) is game]
        return ranks[0] if ranks else None


def plays_in(person: Attendee, number: int) -> bool:
    """Whether ``person`` plays in round ``number``: not resting, not gone home."""
    gone = person.leaves_after is not None and number > person.leaves_after
    return not gone and number not in person.rest


def check(evening: Evening, plan: Plan) -> list[str]:
    """Every hard rule the plan breaks, one line each (empty: all kept)."""
    names = Names(evening)
    problems: list[str] = []
    for number in plan.numbers:
        tables = plan.round(number)
        seen: Counter[str] = Counter()
        used: Counter[int] = Counter()
        for table in tables:
            where = f"round {number}, table {table.tid}"
            game = names.game(table.game)
            if game is None:
                problems.append(f"{where}: {table.game!r} is not in the catalogue")
                continue
            used[id(game)] += 1
            if used[id(game)] > game.copies:
                problems.append(f"{where}: more tables of {game.name} than copies")
            size = len(table.players)
            if not game.min_players <= size <= game.max_players:
                problems.append(
                    f"{where}: {size} players for {game.name}"
                    f" ({game.min_players}-{game.max_players})"
                )
            people = [names.people.get(key) for key in table.players]
            if None in people:
                problems.append(f"{where}: someone not on the list")
                people = [p for p in people if p is not None]
            if any(p.newcomer for p in people) and not any(names.teaches(p, game) for p in people):
                problems.append(f"{where}: a newcomer, and nobody who can teach {game.name}")
            for person in people:
                if not plays_in(person, number):
                    problems.append(f"{where}: someone who is not playing this round is seated")
            seen.update(table.players)
        for key, count in seen.items():
            if count > 1:
                problems.append(f"round {number}: {names.name(key)} is at {count} tables")
        for person in evening.attendees:
            if plays_in(person, number) and person.id not in seen:
                problems.append(f"round {number}: {person.name} has no seat")
    return problems


def _pairs(evening: Evening, plan: Plan) -> tuple[Counter[frozenset[str]], Mapping]:
    counts: Counter[frozenset[str]] = Counter()
    for tables in plan.rounds:
        for table in tables:
            for a, b in combinations(table.players, 2):
                counts[frozenset((a, b))] += 1
    return counts, evening.met


def figures(evening: Evening, plan: Plan, previous: Plan | None = None) -> Figures:
    """The plan's numbers, worked out from the plan alone (not from the planner's own sums)."""
    names = Names(evening)
    out = Figures(rounds=len(plan.rounds), tables=[len(tables) for tables in plan.rounds])
    out.violations = check(evening, plan)
    out.unmet_hard_rules = len(out.violations)
    counts, met = _pairs(evening, plan)
    for pair, times in counts.items():
        before = int(met.get(pair, 0))
        out.repeated_pairs += max(0, before + times - 1) - max(0, before - 1)
        if before:
            out.met_before_again += 1
        else:
            out.new_encounters += 1
    played: dict[str, list[tuple[int, Game, Table]]] = {}
    for number in plan.numbers:
        for table in plan.round(number):
            game = names.game(table.game)
            if game is None:
                continue
            for key in table.players:
                played.setdefault(key, []).append((number, game, table))
    last = evening.first_round + evening.rounds - 1
    for person in evening.attendees:
        mine = played.get(person.id, [])
        if person.wishes:
            out.people_wishing += 1
            ranks = [names.wish_rank(person, game) for _, game, _ in mine]
            hits = [rank for rank in ranks if rank is not None]
            out.wish_rounds += len(hits)
            out.wish_rounds_possible += len(mine)
            out.people_with_a_wish += bool(hits)
            out.first_choices += 0 in hits
        if person.leaves_after is not None and person.leaves_after < last:
            out.long_games_for_early_leavers += sum(1 for _, game, _ in mine if game.minutes > 45)
    first = plan.round(plan.first_round)
    at_table = {key: table.tid for table in first for key in table.players}
    buddy_pairs: set[frozenset[str]] = set()
    apart_pairs: set[frozenset[str]] = set()
    for person in evening.attendees:
        for name in person.buddies:
            other = names.person(name)
            if other is not None and other.id != person.id:
                buddy_pairs.add(frozenset((person.id, other.id)))
        for name in person.not_with:
            other = names.person(name)
            if other is not None and other.id != person.id:
                apart_pairs.add(frozenset((person.id, other.id)))
    for pair in buddy_pairs:
        a, b = tuple(pair)
        if a in at_table and b in at_table:
            out.buddy_pairs += 1
            out.buddies_together += at_table[a] == at_table[b]
    out.private_wishes = len(apart_pairs)
    out.private_wishes_kept = sum(1 for pair in apart_pairs if not counts.get(pair))
    for tables in plan.rounds:
        for table in tables:
            supporters = sum(
                1 for key in table.players if key in names.people and names.people[key].supporter
            )
            out.crowded_supporters += supporters > 1
    if previous is not None:
        out.moved = moved(previous, plan)
    return out


def moved(previous: Plan, plan: Plan) -> int:
    """How many people sit at another table (or play another game) than in ``previous``, over
    the rounds both plans cover. People who arrived or left are not counted."""
    count = 0
    for number in plan.numbers:
        before = {key: (t.tid, t.game) for t in previous.round(number) for key in t.players}
        for table in plan.round(number):
            for key in table.players:
                if key in before and before[key] != (table.tid, table.game):
                    count += 1
    return count


TEXTS: dict[str, dict[str, str]] = {
    "teacher": {
        "ja": "はじめての人に {who} さんがルールを説明できます",
        "en": "{who} can explain the rules",
    },
    "wished": {"ja": "希望: {who}", "en": "Wished for by {who}"},
    "first": {"ja": "（第1希望）", "en": " (1st choice)"},
    "all_new": {"ja": "みんな初めての顔合わせ", "en": "Everyone meets for the first time"},
    "again": {"ja": "前にも同じ卓: {who}", "en": "Met before: {who}"},
    "buddies": {"ja": "知り合いと一緒: {who}", "en": "With someone they know: {who}"},
    "short": {
        "ja": "早めに帰る人がいるので短め（{minutes}分）",
        "en": "Short ({minutes} min): someone leaves early",
    },
    "quiet": {"ja": "ゆったりできる軽いゲーム", "en": "A light, quiet game"},
    "supporters": {"ja": "サポーター: {who}", "en": "Supporter: {who}"},
    "locked": {"ja": "手で固定した卓", "en": "Fixed by hand"},
}


def _t(key: str, lang: str, **values: Any) -> str:
    texts = TEXTS[key]
    return texts.get(lang, texts["ja"]).format(**values)


def reasons(evening: Evening, plan: Plan, number: int, table: Table, lang: str = "ja") -> list[str]:
    """A few words on why this table is as it is (for the organiser; never a private wish)."""
    names = Names(evening)
    game = names.game(table.game)
    people = [names.people[key] for key in table.players if key in names.people]
    sep = "、" if lang == "ja" else ", "
    out: list[str] = []
    if table.locked:
        out.append(_t("locked", lang))
    if game is None:
        return out
    if any(p.newcomer for p in people):
        teachers = [p.name for p in people if names.teaches(p, game)]
        if teachers:
            out.append(_t("teacher", lang, who=sep.join(teachers)))
    wished = []
    for person in people:
        rank = names.wish_rank(person, game)
        if rank is not None:
            wished.append(person.name + (_t("first", lang) if rank == 0 else ""))
    if wished:
        out.append(_t("wished", lang, who=sep.join(wished)))
    again = []
    earlier = [t for n in plan.numbers if n < number for t in plan.round(n)]
    for a, b in combinations(table.players, 2):
        pair = frozenset((a, b))
        before = evening.met.get(pair, 0) + sum(
            1 for t in earlier if a in t.players and b in t.players
        )
        if before:
            again.append(f"{names.name(a)}・{names.name(b)}")
    out.append(_t("again", lang, who=sep.join(again)) if again else _t("all_new", lang))
    if number == evening.first_round:
        pairs = []
        for a, b in combinations(people, 2):
            if any(names.person(n) is b for n in a.buddies) or any(
                names.person(n) is a for n in b.buddies
            ):
                pairs.append(f"{a.name}・{b.name}")
        if pairs:
            out.append(_t("buddies", lang, who=sep.join(pairs)))
    last = evening.first_round + evening.rounds - 1
    early = any(p.leaves_after is not None and p.leaves_after < last for p in people)
    if early and game.minutes <= 45:
        out.append(_t("short", lang, minutes=game.minutes))
    if any(number in p.quiet for p in people) and game.weight <= 2 and game.minutes <= 45:
        out.append(_t("quiet", lang))
    supporters = [p.name for p in people if p.supporter]
    if supporters:
        out.append(_t("supporters", lang, who=sep.join(supporters)))
    return out


def resting(evening: Evening, number: int) -> list[str]:
    """Names of people who chose to sit this round out (for the organiser's own screen only;
    people who have gone home are not listed)."""
    return [
        p.name
        for p in evening.attendees
        if number in p.rest and (p.leaves_after is None or number <= p.leaves_after)
    ]


FIGURE_TEXTS: dict[str, dict[str, str]] = {
    "unmet": {"ja": "守れていないルール {n}", "en": "Unmet hard rules {n}"},
    "repeats": {"ja": "同じ人とまた同じ卓 {n}", "en": "Repeated pairs {n}"},
    "new": {"ja": "初めての出会い {n}組", "en": "New encounters {n}"},
    "wishes": {
        "ja": "希望のゲーム {hit}/{all}人（第1希望 {first}人）",
        "en": "Wished games {hit}/{all} people ({first} first choices)",
    },
    "buddies": {"ja": "知り合いと一緒 {hit}/{all}組", "en": "Buddies together {hit}/{all}"},
    "private": {"ja": "非公開の希望 {hit}/{all}", "en": "Private wishes kept {hit}/{all}"},
    "moved": {"ja": "動いた人 {n}", "en": "People moved {n}"},
}


def figure_lines(numbers: Figures, lang: str = "ja", private: bool = True) -> list[str]:
    """The figures as short lines for a screen or a terminal."""

    def t(key: str, **values: Any) -> str:
        texts = FIGURE_TEXTS[key]
        return texts.get(lang, texts["ja"]).format(**values)

    out = [
        t("unmet", n=numbers.unmet_hard_rules),
        t("repeats", n=numbers.repeated_pairs),
        t("new", n=numbers.new_encounters),
    ]
    if numbers.people_wishing:
        out.append(
            t(
                "wishes",
                hit=numbers.people_with_a_wish,
                all=numbers.people_wishing,
                first=numbers.first_choices,
            )
        )
    if numbers.buddy_pairs:
        out.append(t("buddies", hit=numbers.buddies_together, all=numbers.buddy_pairs))
    if private and numbers.private_wishes:
        out.append(t("private", hit=numbers.private_wishes_kept, all=numbers.private_wishes))
    if numbers.moved is not None:
        out.append(t("moved", n=numbers.moved))
    return out


def label_players(players: Sequence[str], labels: Mapping[str, str], lang: str = "ja") -> str:
    sep = "・" if lang == "ja" else ", "
    return sep.join(labels.get(key, key) for key in players)
