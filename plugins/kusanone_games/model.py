"""The evening's people and plans, as plain frozen data (no planning here).

A person is known by a ``key``: their participant id in a meeting, or their display name in a
file planned at home. Wishes name other people and games by display name; they are matched in
``planner.prepare``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from .catalogue import Game


@dataclass(frozen=True, slots=True)
class Attendee:
    """Someone coming to the game night, and what they would like.

    ``not_with`` is private: only the organiser ever sees it (never the projector, public events
    or default exports). Resting (``rest``) and quiet games (``quiet``) are ordinary choices, by
    round number (1 = the first round); they are never marked or counted against anyone.
    """

    name: str
    key: str = ""  # participant id in a meeting; the name when planning from a file
    newcomer: bool = False
    supporter: bool = False
    teaches: tuple[str, ...] = ()  # games this person can explain
    buddies: tuple[str, ...] = ()  # people they would like to sit with (first round, fading)
    not_with: tuple[str, ...] = ()  # PRIVATE: people they would rather not sit with
    rest: tuple[int, ...] = ()  # rounds they would like to sit out
    quiet: tuple[int, ...] = ()  # rounds they would like a light, short game
    leaves_after: int | None = None  # the last round they stay for
    wishes: tuple[str, ...] = ()  # games they would like to play, best first

    @property
    def id(self) -> str:
        return self.key or self.name

    def with_key(self, key: str) -> Attendee:
        return replace(self, key=key)

    def to_dict(self, private: bool = True) -> dict[str, Any]:
        """As a JSON-ready dict; ``private=False`` leaves ``not_with`` out."""
        out: dict[str, Any] = {"name": self.name}
        if self.key and self.key != self.name:
            out["key"] = self.key
        for attribute in ("newcomer", "supporter"):
            if getattr(self, attribute):
                out[attribute] = True
        for attribute in ("teaches", "buddies", "rest", "quiet", "wishes"):
            value = getattr(self, attribute)
            if value:
                out[attribute] = list(value)
        if private and self.not_with:
            out["not_with"] = list(self.not_with)
        if self.leaves_after is not None:
            out["leaves_after"] = self.leaves_after
        return out


@dataclass(frozen=True, slots=True)
class Weights:
    """How much each soft goal counts. The planner minimises the weighted sum (a *cost*; a
    wish met or a buddy seated lowers it). Every hard rule outweighs any mix of these.
    See docs/games.md for what each means."""

    repeat: float = 10.0  # per (k-1)² for a pair sharing a table k times, earlier meetings included
    wish: float = 2.0  # x (4 - rank), rank 1..3, for playing a wished game (x 0.5 from rank 4)
    buddy: float = 20.0  # a buddy at one's table in the first round; halves each round after
    not_with: float = 100.0  # PRIVATE: per round a pair who asked not to is seated together
    supporters: float = 15.0  # per (s-1)² for s supporters at one table
    early_leaver: float = 2.0  # per 15 minutes over 30 of a game, for someone leaving early
    quiet: float = 4.0  # per weight step over 2 (and per 15 minutes over 30), in a quiet round
    small_table: float = 6.0  # per seat short of three at a table (two people alone feel watched)
    replay: float = 5.0  # for playing the same game again in one evening
    move: float = 12.0  # re-planning: per person moved in a later round (x 3 in the current one)

    def to_dict(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


HARD = 1000.0  # the cost of one unmet hard rule: more than any soft goal can weigh


@dataclass(frozen=True, slots=True)
class Table:
    """One table in one round. ``tid`` is stable across re-plans (the n-th table stays the n-th
    table), so moving as few people as possible can be measured."""

    tid: int
    game: str
    players: tuple[str, ...]  # attendee keys
    locked: bool = False

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"table": self.tid, "game": self.game, "players": list(self.players)}
        if self.locked:
            out["locked"] = True
        return out

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Table:
        return cls(
            int(raw["table"]),
            str(raw["game"]),
            tuple(str(p) for p in raw.get("players", ())),
            bool(raw.get("locked", False)),
        )


Round = tuple[Table, ...]


@dataclass(frozen=True, slots=True)
class Plan:
    """Tables for rounds ``first_round`` … ``first_round + len(rounds) - 1`` (1-based)."""

    rounds: tuple[Round, ...]
    first_round: int = 1

    def round(self, number: int) -> Round:
        """The tables of round ``number`` (1-based, absolute); empty if not planned."""
        index = number - self.first_round
        return self.rounds[index] if 0 <= index < len(self.rounds) else ()

    @property
    def numbers(self) -> range:
        return range(self.first_round, self.first_round + len(self.rounds))

    def to_dict(self) -> dict[str, Any]:
        return {
            "first_round": self.first_round,
            "rounds": [[table.to_dict() for table in tables] for tables in self.rounds],
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Plan:
        rounds = tuple(
            tuple(Table.from_dict(table) for table in tables) for tables in raw.get("rounds", ())
        )
        return cls(rounds, int(raw.get("first_round", 1)))


@dataclass(frozen=True)
class Evening:
    """Everything the planner needs: the shelf, the people, how many rounds, and who met whom
    before (``met``: pairs of keys and how many times, from earlier rounds or evenings)."""

    games: Sequence[Game]
    attendees: Sequence[Attendee]
    rounds: int = 3
    first_round: int = 1
    met: Mapping[frozenset[str], int] = field(default_factory=dict)
    weights: Weights = field(default_factory=Weights)
