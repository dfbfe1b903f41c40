"""Zero-repeat designs: the constructions behind the tight game-night instances (issue 17).

A game night of 32 people at 8 tables of 4 over 9 rounds, or 18 people in threes over 8, has a
plan where nobody sits with anyone twice; local search alone does not find it in seconds. These
tests check each construction's plans (everyone seated once a round, no pair twice), that an
impossible shape is refused rather than faked, and that the planner uses a design without giving
up a hard rule.
"""

from __future__ import annotations

import itertools
import random
import sys
from pathlib import Path

import pytest

try:
    import kusanone_games  # noqa: F401
except ImportError:  # the source tree before the package was (re)installed
    sys.path.insert(0, str(Path(__file__).parents[1] / "plugins"))

from kusanone_games.catalogue import Game
from kusanone_games.designs import (
    Field,
    known,
    repeats,
    round_robin,
    transversal,
    zero_repeat,
)
from kusanone_games.model import Attendee, Evening, Weights
from kusanone_games.planner import plan_evening


def golfers(groups: int, size: int, rounds: int, **people_extra) -> Evening:
    games = [Game("table", size, size, 30, 1.0, groups)]
    people = [Attendee(f"p{i}", **people_extra.get(f"p{i}", {})) for i in range(groups * size)]
    return Evening(games, people, rounds=rounds, weights=Weights(replay=0))


def plan_repeats(plan) -> int:
    met: dict[frozenset[str], int] = {}
    for tables in plan.rounds:
        for table in tables:
            for pair in itertools.combinations(table.players, 2):
                met[frozenset(pair)] = met.get(frozenset(pair), 0) + 1
    return sum(c - 1 for c in met.values())


def assert_plan(rounds, g: int, k: int, r: int) -> None:
    assert len(rounds) == r
    for tables in rounds:
        assert len(tables) == g and all(len(t) == k for t in tables)
        assert sorted(p for t in tables for p in t) == list(range(g * k))
    assert repeats(rounds) == 0


@pytest.mark.parametrize("q", [2, 3, 4, 5, 7, 8, 9])
def test_finite_fields_obey_the_field_laws(q: int) -> None:
    F = Field(q)
    for a, b, c in itertools.product(range(q), repeat=3):
        assert F.mul[a][F.add[b][c]] == F.add[F.mul[a][b]][F.mul[a][c]]
        assert F.add[F.add[a][b]][c] == F.add[a][F.add[b][c]]
        assert F.mul[F.mul[a][b]][c] == F.mul[a][F.mul[b][c]]
    for a in range(1, q):
        assert sum(F.mul[a][b] == 1 for b in range(q)) == 1  # one inverse each


def test_repeats_counts_pairs_that_meet_again() -> None:
    assert repeats([[[0, 1], [2, 3]], [[0, 1], [2, 3]]]) == 2
    assert repeats([[[0, 1, 2]], [[0, 1, 2]], [[0, 1, 2]]]) == 6


@pytest.mark.parametrize(
    ("g", "k", "r"),
    [
        (8, 4, 9),  # 32 people in fours: GF(8), plus each group's own round
        (8, 4, 8),
        (4, 4, 5),  # the affine plane of order 4
        (5, 5, 6),  # … and of order 5
        (3, 3, 4),
        (7, 4, 7),  # GF(7)
        (5, 4, 5),
    ],
)
def test_transversal_designs_seat_nobody_twice(g: int, k: int, r: int) -> None:
    rounds = transversal(k, g, r)
    assert rounds is not None
    assert_plan(rounds, g, k, r)


def test_a_transversal_design_does_not_promise_more_rounds_than_it_has() -> None:
    assert transversal(4, 8, 10) is None  # GF(8) gives 9 rounds of fours, not 10
    assert transversal(4, 6, 3) is None  # 6 is not a prime power


def test_the_stored_8x4x10_design_meets_everyone_but_a_partner_once() -> None:
    """32 people in fours for 10 rounds: each meets 30 of the other 31 once, never the partner
    (point 4a + b and 4a + (b + 2) % 4 in the stored design)."""
    rounds = known(8, 4, 10)
    assert rounds is not None
    assert_plan(rounds, 8, 4, 10)
    met = {
        frozenset(pair)
        for tables in rounds
        for t in tables
        for pair in itertools.combinations(t, 2)
    }
    partners = {frozenset((p, p - p % 4 + (p % 4 + 2) % 4)) for p in range(32)}
    assert len(met) == 480 and not met & partners
    assert known(8, 4, 11) is None and known(6, 4, 6) is None


def test_the_stored_7x4x9_design_seats_28_people_with_no_repeat() -> None:
    rounds = known(7, 4, 9)
    assert rounds is not None
    assert_plan(rounds, 7, 4, 9)
    assert known(7, 4, 10) is None  # 28 people in fours: at most 9 rounds


@pytest.mark.parametrize("r", range(1, 11))
def test_32_people_in_fours_get_a_design_for_up_to_10_rounds(r: int) -> None:
    rounds = zero_repeat(8, 4, r, random.Random(1))
    assert rounds is not None
    assert_plan(rounds, 8, 4, r)


def test_round_robin_pairs_everyone_once() -> None:
    rounds = round_robin(16, 15)
    assert rounds is not None
    assert_plan(rounds, 8, 2, 15)
    assert round_robin(16, 16) is None and round_robin(15, 3) is None


@pytest.mark.parametrize(("g", "k", "r"), [(6, 3, 8), (6, 4, 6), (5, 3, 7), (8, 3, 8)])
def test_cyclic_base_rounds_reach_the_tight_instances(g: int, k: int, r: int) -> None:
    """18 people in threes over 8 rounds (the most there can be), 24 in fours over 6, the
    Kirkman schoolgirls: found by developing base rounds over Z_m."""
    rounds = zero_repeat(g, k, r, random.Random(1), seconds=30)
    assert rounds is not None
    assert_plan(rounds, g, k, r)


def test_the_same_random_generator_gives_the_same_design() -> None:
    one = zero_repeat(6, 3, 8, random.Random(5), seconds=30)
    two = zero_repeat(6, 3, 8, random.Random(5), seconds=30)
    assert one == two


@pytest.mark.parametrize(
    ("g", "k", "r"),
    [
        (2, 3, 2),  # fewer tables than seats: two people of one table meet again
        (3, 4, 2),
        (4, 3, 5),  # 12 people in threes: 4 rounds at most (no nearly Kirkman system of 12)
        (8, 4, 11),  # more rounds than counting allows
    ],
)
def test_impossible_shapes_get_no_design(g: int, k: int, r: int) -> None:
    assert zero_repeat(g, k, r, random.Random(1), seconds=30) is None


@pytest.mark.parametrize(
    ("g", "k", "r"), [(8, 4, 10), (8, 4, 9), (7, 4, 9), (6, 3, 8), (5, 5, 6)]
)
def test_the_planner_reaches_zero_repeats_on_tight_instances(g: int, k: int, r: int) -> None:
    result = plan_evening(golfers(g, k, r), steps=2_000, seed=3)
    assert plan_repeats(result.plan) == 0
    assert result.stopped == "optimal"


def test_a_design_start_keeps_a_private_not_with_wish() -> None:
    """In the affine plane of order 4 everybody meets everybody: a "not with" wish must win
    over the design, at the price of a repeat somewhere."""
    night = golfers(4, 4, 5, p0={"not_with": ("p1",)})
    result = plan_evening(night, steps=4_000, seed=2)
    for tables in result.plan.rounds:
        for table in tables:
            assert not {"p0", "p1"} <= set(table.players)


def test_design_plans_are_the_same_for_the_same_seed() -> None:
    one = plan_evening(golfers(6, 3, 8), steps=2_000, seed=9)
    two = plan_evening(golfers(6, 3, 8), steps=2_000, seed=9)
    assert one.plan == two.plan
