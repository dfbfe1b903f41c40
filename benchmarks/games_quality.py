"""Game-night planner (plugins/kusanone_games): quality and speed, as issue 7 asks.

1. **Social golfer instances** (g tables of p players over w rounds; nobody should meet twice):
   repeated pairs found within a 10-second budget, against a lower bound and the best known
   result, and against planning one round at a time with the same engine and budget.
2. **Exact optimisation on small evenings** (≤ 10 people, a few games, wishes, newcomers,
   supporters, buddies, a private "not with"): the optimum of the planner's own objective, by an
   exhaustive branch-and-bound that lives only here, and the heuristic's gap to it.
3. **A realistic evening**: 40 people, 15 games (the sample catalogue), 4 supporters, 6
   newcomers, 3 rounds — time and unmet hard rules over several seeds; then a re-plan after
   three people leave and two arrive, with one table locked.

Run (about 2 minutes on a 2-core machine; ``--quick`` takes about 15 s):

    .venv/bin/python benchmarks/games_quality.py --out benchmarks/results/games_quality.md
"""

from __future__ import annotations

import argparse
import math
import platform
import random
import statistics
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from itertools import combinations
from pathlib import Path

try:
    import kusanone_games  # noqa: F401
except ImportError:  # the source tree before the package was (re)installed
    sys.path.insert(0, str(Path(__file__).parents[1] / "plugins"))

from kusanone_games import explain
from kusanone_games.catalogue import Game, sample_catalogue
from kusanone_games.model import Attendee, Evening, Plan, Table, Weights
from kusanone_games.planner import Problem, State, plan_evening

# -- 1. social golfers ---------------------------------------------------------------------------
# (groups, size, rounds), whether a plan without repeats exists, and the best known result
# (repeated pair-meetings). Sources: 3x3x4 and 4x4x5 are affine planes AG(2,3) and AG(2,4)
# (every pair meets exactly once); 5x4x5 is a known solvable instance of the social golfer
# problem (CSPLib prob010 tables); 8x4x10 (32 golfers) was solved by A. Aguado in 2004. For
# 2x4x3 the exact optimum is computed here by brute force; for 3x4x4 no plan without repeats can
# exist (a table of four drawn from three earlier tables always repeats a pair).
GOLFERS = [
    ((2, 4, 3), False, None),
    ((3, 3, 4), True, 0),
    ((3, 4, 4), False, None),
    ((4, 4, 5), True, 0),
    ((5, 4, 5), True, 0),
    ((8, 4, 10), True, 0),
]


def golfers(groups: int, size: int, rounds: int) -> Evening:
    games = [Game("table", size, size, 30, 1.0, groups)]
    people = [Attendee(f"p{i:02d}") for i in range(groups * size)]
    return Evening(games, people, rounds=rounds, weights=Weights(replay=0.0))


def meetings(plan: Plan) -> dict[frozenset[str], int]:
    met: dict[frozenset[str], int] = {}
    for tables in plan.rounds:
        for table in tables:
            for pair in combinations(table.players, 2):
                key = frozenset(pair)
                met[key] = met.get(key, 0) + 1
    return met


def repeats(plan: Plan) -> int:
    return sum(k - 1 for k in meetings(plan).values())


def quadratic(plan: Plan) -> int:
    return sum((k - 1) ** 2 for k in meetings(plan).values())


def min_pairs(size: int, groups: int) -> int:
    """Fewest pairs from one earlier table when ``size`` people come from ``groups`` tables."""
    base, extra = divmod(size, groups)
    counts = [base + 1] * extra + [base] * (groups - extra)
    return sum(c * (c - 1) // 2 for c in counts)


def lower_bounds(groups: int, size: int, rounds: int) -> tuple[int, int]:
    """Lower bounds on (repeated pair-meetings, the objective's sum of (k-1)^2).

    Counting: each person meets (p-1)w times among n-1 others. Against round 1: every later
    table of p drawn from g earlier tables repeats ``min_pairs`` pairs. Between every two rounds
    the same holds, and sum (k-1)^2 >= sum C(k, 2) = pairs shared by two rounds, summed.
    """
    n = groups * size
    counting = n * max(0, (size - 1) * rounds - (n - 1)) // 2
    first = (rounds - 1) * groups * min_pairs(size, groups)
    pairwise = math.comb(rounds, 2) * groups * min_pairs(size, groups)
    linear = max(counting, first)
    return linear, max(linear, pairwise)


def brute_force_golfers(groups: int, size: int, rounds: int) -> tuple[int, int]:
    """Exact minima of (repeats, sum (k-1)^2) by trying every plan (tiny instances only)."""
    people = list(range(groups * size))

    def partitions(rest: list[int]) -> Iterator[list[tuple[int, ...]]]:
        if not rest:
            yield []
            return
        head, tail = rest[0], rest[1:]
        for others in combinations(tail, size - 1):
            left = [p for p in tail if p not in others]
            for more in partitions(left):
                yield [(head, *others), *more]

    every = list(partitions(people))
    first = every[0]  # by symmetry, the first round can be fixed
    best_linear = best_quadratic = math.inf
    for later in _product(every, rounds - 1):
        met: dict[tuple[int, int], int] = {}
        for tables in (first, *later):
            for table in tables:
                for pair in combinations(table, 2):
                    met[pair] = met.get(pair, 0) + 1
        best_linear = min(best_linear, sum(k - 1 for k in met.values()))
        best_quadratic = min(best_quadratic, sum((k - 1) ** 2 for k in met.values()))
    return int(best_linear), int(best_quadratic)


def _product(items: list, times: int) -> Iterator[tuple]:
    if times == 0:
        yield ()
        return
    for item in items:
        for more in _product(items, times - 1):
            yield (item, *more)


def steps_for(evening: Evening, seconds: float) -> int:
    """The steps this machine does in ``seconds`` on this instance (90 %, to finish in time)."""
    probe = 40_000
    started = time.perf_counter()
    plan_evening(evening, steps=probe, seconds=60, seed=0, restarts=1)
    rate = probe / (time.perf_counter() - started)
    return int(rate * seconds * 0.9)


def round_by_round(evening: Evening, seconds: float, seed: int) -> Plan:
    """The same engine, planning one round at a time (earlier rounds count as meetings)."""
    rounds: list[tuple[Table, ...]] = []
    met: dict[frozenset[str], int] = {}
    for number in range(1, evening.rounds + 1):
        one = replace(evening, rounds=1, first_round=number, met=dict(met))
        steps = steps_for(one, seconds / evening.rounds)
        result = plan_evening(one, steps=steps, seconds=60, seed=seed, target=0)
        tables = result.plan.rounds[0]
        rounds.append(tables)
        for table in tables:
            for pair in combinations(table.players, 2):
                key = frozenset(pair)
                met[key] = met.get(key, 0) + 1
    return Plan(tuple(rounds), 1)


def golfer_section(seeds: list[int], budget: float, quick: bool) -> list[str]:
    lines = [
        "### 1. Social golfer instances",
        "",
        f"Budget {budget:g} s per run (the engine stops early once it reaches the lower bound), "
        f"4 restarts, seeds {', '.join(map(str, seeds))}. *Repeats* = Σ(k−1) over pairs meeting "
        "k times (0 = nobody meets twice); *objective* = Σ(k−1)², what the planner minimises "
        "(quadratic: it spreads repeats rather than seating one pair together three times). "
        "*One round at a time* = the same engine and budget, planning each round in turn.",
        "",
        "| instance (g×p×w) | people | zero repeats exist | lower bound: repeats / objective "
        "| best known: repeats / objective | found: repeats (best, median) | found: objective "
        "(best) | most meetings of one pair | time to result, median | one round at a time: "
        "repeats (median) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for (g, p, w), zero, known in GOLFERS:
        if quick and g * p > 20:
            continue
        evening = golfers(g, p, w)
        linear_bound, objective_bound = lower_bounds(g, p, w)
        if g * p <= 8:
            exact_linear, exact_quadratic = brute_force_golfers(g, p, w)
            best_known = f"{exact_linear} / {exact_quadratic} (exact, brute force)"
        elif known is not None:
            best_known = f"{known} / {known}"
        elif objective_bound and (g, p, w) == (3, 4, 4):
            best_known = f"— / {objective_bound} (= the bound)"
        else:
            best_known = "—"
        steps = steps_for(evening, budget)
        found, objective, spread, times, separate = [], [], [], [], []
        for seed in seeds:
            result = plan_evening(
                evening, steps=steps, seconds=budget, seed=seed, target=objective_bound * 10.0
            )
            found.append(repeats(result.plan))
            objective.append(quadratic(result.plan))
            spread.append(max(meetings(result.plan).values()))
            times.append(result.seconds)
            assert explain.check(evening, result.plan) == []
            separate.append(repeats(round_by_round(evening, budget, seed)))
        lines.append(
            f"| {g}×{p}×{w} | {g * p} | {'yes' if zero else 'no'} "
            f"| {linear_bound} / {objective_bound} | {best_known} "
            f"| {min(found)}, {statistics.median(found):g} | {min(objective)} | {max(spread)} "
            f"| {statistics.median(times):.2f} s | {statistics.median(separate):g} |"
        )
        print(lines[-1], flush=True)
    return lines


# -- 2. exact optimisation on small evenings -----------------------------------------------------
SMALL_SHELF = [
    Game("ドブル", 2, 4, 15, 1.0, 1),
    Game("カタン", 3, 4, 75, 2.3, 1),
    Game("ザ・マインド", 2, 3, 20, 1.1, 1),
    Game("ito", 3, 5, 30, 1.1, 1),
]


def small_evening(people: int, rounds: int, games: int, seed: int) -> Evening:
    rng = random.Random(seed)
    shelf = SMALL_SHELF[:games]
    names = [g.name for g in shelf]
    attendees = []
    for i in range(people):
        attendees.append(
            Attendee(
                f"s{i}",
                supporter=i == 0,
                teaches=tuple(names) if i == 0 else (),
                newcomer=i == 1,
                wishes=tuple(rng.sample(names, min(2, len(names)))),
                buddies=("s3",) if i == 2 else (),
                not_with=("s5",) if i == 4 and people > 5 else (),
                leaves_after=1 if i == people - 1 and rounds > 1 else None,
            )
        )
    return Evening(shelf, attendees, rounds=rounds)


def round_options(problem: Problem, r: int) -> list[tuple[float, int, int, tuple]]:
    """Every way to seat round r: (cost within the round, pair bits, person-game bits, tables)."""
    P, w = problem, problem.w
    players = [p for p in range(P.n) if P.active[r][p]]
    out = []

    def blocks(rest: list[int]) -> Iterator[list[tuple[int, ...]]]:
        if not rest:
            yield []
            return
        head, tail = rest[0], rest[1:]
        for size in range(0, len(tail) + 1):
            for others in combinations(tail, size):
                left = [p for p in tail if p not in others]
                for more in blocks(left):
                    yield [(head, *others), *more]

    for partition in blocks(players):
        for games in _assignments(partition, P):
            cost = 0.0
            pair_bits = 0
            game_bits = 0
            for table, g in zip(partition, games, strict=True):
                for p in table:
                    cost += P.U[r][p][g]
                    game_bits |= 1 << (p * P.G + g)
                for a, b in combinations(table, 2):
                    cost += P.PW[r][a][b]
                    pair_bits |= 1 << (min(a, b) * P.n + max(a, b))
                supporters = sum(P.sup[p] for p in table)
                if supporters > 1:
                    cost += w.supporters * (supporters - 1) ** 2
                cost += w.small_table * max(0, 3 - len(table))
                if any(P.new[p] for p in table) and not any(P.teach[p][g] for p in table):
                    cost += 1000.0
            out.append((cost, pair_bits, game_bits, tuple(zip(partition, games, strict=True))))
    out.sort(key=lambda option: option[0])
    return out


def _assignments(partition: list[tuple[int, ...]], P: Problem) -> Iterator[tuple[int, ...]]:
    def go(i: int, used: list[int]) -> Iterator[tuple[int, ...]]:
        if i == len(partition):
            yield ()
            return
        for g in P.fits.get(len(partition[i]), ()):
            if used[g] < P.copies[g]:
                used[g] += 1
                for rest in go(i + 1, used):
                    yield (g, *rest)
                used[g] -= 1

    yield from go(0, [0] * P.G)


def exact(evening: Evening) -> tuple[float, Plan, int]:
    """The optimum of the planner's objective, by branch and bound over whole rounds."""
    P = Problem(evening)
    w = P.w
    options = [round_options(P, r) for r in range(P.R)]
    cheapest = [opts[0][0] for opts in options]
    best = [math.inf, None]
    count = 0

    def cross(chosen: list[tuple]) -> float:
        pair_counts: dict[int, int] = {}
        game_counts: dict[int, int] = {}
        for _, pairs, games, _ in chosen:
            for bits, counts in ((pairs, pair_counts), (games, game_counts)):
                while bits:
                    low = bits & -bits
                    counts[low] = counts.get(low, 0) + 1
                    bits ^= low
        total = w.repeat * sum((k - 1) ** 2 for k in pair_counts.values() if k > 1)
        return total + w.replay * sum(k - 1 for k in game_counts.values() if k > 1)

    def go(r: int, chosen: list[tuple], partial: float) -> None:
        nonlocal count
        if r == P.R:
            count += 1
            total = partial + cross(chosen)
            if total < best[0] - 1e-9:
                best[0], best[1] = total, list(chosen)
            return
        bound_rest = sum(cheapest[r + 1 :])
        for option in options[r]:
            if partial + option[0] + bound_rest >= best[0] - 1e-9:
                break  # sorted by cost: nothing cheaper follows
            if r and cross([*chosen, option]) + partial + option[0] + bound_rest >= best[0]:
                continue
            chosen.append(option)
            go(r + 1, chosen, partial + option[0])
            chosen.pop()

    go(0, [], 0.0)
    rounds = []
    for _, _, _, tables in best[1]:
        rounds.append(
            tuple(
                Table(tid, P.games[g].name, tuple(P.keys[p] for p in table))
                for tid, (table, g) in enumerate(tables, start=1)
            )
        )
    return best[0], Plan(tuple(rounds), 1), sum(len(o) for o in options)


def objective(evening: Evening, plan: Plan) -> float:
    """The planner's objective of any plan, counted from scratch."""
    P = Problem(evening)
    state = State(P)
    for r, tables in enumerate(plan.rounds):
        for table in tables:
            g = P.game_of(table.game)
            t = state.add_table(r, g, table.tid)
            for key in table.players:
                state.sit(r, P.index[key], t)
    return state.cost()


SMALL = [(6, 3, 2, 11), (7, 2, 3, 12), (8, 2, 3, 13), (9, 2, 4, 14), (10, 2, 3, 15)]


def exact_section(seeds: list[int], quick: bool) -> list[str]:
    lines = [
        "### 2. Against exact optimisation (small evenings)",
        "",
        "Each evening has one supporter who teaches every game, one newcomer, ranked wishes, a "
        "buddy pair, a private “not with” and someone leaving early. The optimum is found by "
        "trying every way to seat each round (branch and bound over whole rounds); the heuristic "
        "runs with `seconds=0.5` (4 restarts). Objective: lower is better (wishes met make it "
        "negative). Gap = heuristic − optimum.",
        "",
        "| people | rounds | games | ways to seat a round (all rounds) | optimum | heuristic "
        "(best, worst over seeds) | gap (worst) | exact search time | heuristic time |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for people, rounds, games, seed in SMALL:
        if quick and people > 8:
            continue
        evening = small_evening(people, rounds, games, seed)
        started = time.perf_counter()
        best, plan, ways = exact(evening)
        exact_seconds = time.perf_counter() - started
        assert abs(objective(evening, plan) - best) < 1e-6
        found, times = [], []
        for s in seeds:
            result = plan_evening(evening, seconds=0.5, seed=s)
            found.append(objective(evening, result.plan))
            times.append(result.seconds)
            assert explain.check(evening, result.plan) == []
        lines.append(
            f"| {people} | {rounds} | {games} | {ways:,} | {best:g} | {min(found):g}, "
            f"{max(found):g} | {max(found) - best:g} | {exact_seconds:.1f} s "
            f"| {statistics.median(times):.2f} s |"
        )
        print(lines[-1], flush=True)
    return lines


# -- 3. a realistic evening ----------------------------------------------------------------------
def realistic(seed: int = 7) -> Evening:
    """40 people, the 15 sample games, 4 supporters, 6 newcomers, 3 rounds; wishes, buddies,
    private wishes, rests, quiet rounds and early leavers as a real evening has them."""
    rng = random.Random(seed)
    games = sample_catalogue()
    names = [g.name for g in games]
    light = [g.name for g in games if g.weight <= 1.3]
    people = []
    for i in range(40):
        supporter = i < 4
        people.append(
            Attendee(
                f"a{i:02d}",
                supporter=supporter,
                teaches=tuple(rng.sample(light, 5) + rng.sample(names, 2)) if supporter else (),
                newcomer=4 <= i < 10,
                wishes=tuple(rng.sample(names, 3)) if rng.random() < 0.8 else (),
                buddies=(f"a{i + 1:02d}",) if i in (5, 12, 20, 28) else (),
                not_with=(f"a{(i * 7) % 40:02d}",) if i in (11, 17, 33) else (),
                rest=(rng.randint(2, 3),) if i in (14, 25) else (),
                quiet=(rng.randint(1, 3),) if i in (15, 26, 36) else (),
                leaves_after=2 if i in (30, 31, 32) else None,
            )
        )
    return Evening(games, people, rounds=3)


def realistic_section(seeds: list[int], seconds: float) -> list[str]:
    evening = realistic()
    lines = [
        "### 3. A realistic evening",
        "",
        f"40 people, the 15 sample games, 4 supporters, 6 newcomers, 3 rounds; 32 with ranked "
        f"wishes, 4 buddy pairs, 3 private “not with”, 2 rests, 3 quiet rounds, 3 early leavers. "
        f"Budget `seconds={seconds:g}` (the default), {len(seeds)} seeds.",
        "",
        "| seed | wall time | unmet hard rules | repeated pairs | new encounters | people with a "
        "wished game | first choices | buddies together | private wishes kept | tables with 2+ "
        "supporters |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for seed in seeds:
        started = time.perf_counter()
        result = plan_evening(evening, seconds=seconds, seed=seed)
        wall = time.perf_counter() - started
        n = explain.figures(evening, result.plan)
        lines.append(
            f"| {seed} | {wall:.2f} s | {n.unmet_hard_rules} | {n.repeated_pairs} "
            f"| {n.new_encounters} | {n.people_with_a_wish}/{n.people_wishing} "
            f"| {n.first_choices} | {n.buddies_together}/{n.buddy_pairs} "
            f"| {n.private_wishes_kept}/{n.private_wishes} | {n.crowded_supporters} |"
        )
        print(lines[-1], flush=True)
    # Re-planning: three leave, two arrive, the first table of round 1 locked by hand.
    base = plan_evening(evening, seconds=seconds, seed=seeds[0])
    first = tuple(replace(t, locked=t.tid == 1) for t in base.plan.rounds[0])
    previous = Plan((first, *base.plan.rounds[1:]), 1)
    locked = next(t for t in first if t.locked)
    leaving = [
        p.id
        for p in evening.attendees
        if not (p.supporter or p.newcomer) and p.id not in locked.players
    ][:3]
    people = [p for p in evening.attendees if p.id not in leaving]
    people += [Attendee("late1", wishes=("カタン",)), Attendee("late2")]
    later = replace(evening, attendees=people)
    lines += [
        "",
        "Re-planning the whole evening after 3 people leave and 2 arrive (table 1 of round 1 "
        "locked by hand):",
        "",
        "| seed | wall time | unmet hard rules | people moved (of "
        f"{sum(len(t.players) for r in base.plan.rounds for t in r)} seats) | locked table kept "
        "| repeated pairs |",
        "|---|---|---|---|---|---|",
    ]
    for seed in seeds:
        started = time.perf_counter()
        result = plan_evening(later, seconds=seconds, seed=seed, previous=previous)
        wall = time.perf_counter() - started
        n = explain.figures(later, result.plan, previous)
        kept = locked in result.plan.rounds[0]
        lines.append(
            f"| {seed} | {wall:.2f} s | {n.unmet_hard_rules} | {n.moved} "
            f"| {'yes' if kept else 'NO'} | {n.repeated_pairs} |"
        )
        print(lines[-1], flush=True)
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", default="1,2,3", help="seeds to run (default 1,2,3)")
    parser.add_argument("--budget", type=float, default=10.0, help="golfer budget, seconds")
    parser.add_argument("--seconds", type=float, default=2.0, help="realistic evening budget")
    parser.add_argument("--quick", action="store_true", help="small instances, one seed")
    parser.add_argument("--out", help="also write the Markdown report to this file")
    args = parser.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",")]
    if args.quick:
        seeds, args.budget = seeds[:1], min(args.budget, 3.0)
    header = [
        "## Game-night planner: quality and speed",
        "",
        f"{time.strftime('%Y-%m-%d')} · Python {platform.python_version()} · "
        f"{platform.machine()} · {__import__('os').cpu_count()} CPUs · "
        "`.venv/bin/python benchmarks/games_quality.py`" + (" --quick" if args.quick else ""),
        "",
    ]
    print("\n".join(header), flush=True)
    lines = header + golfer_section(seeds, args.budget, args.quick) + [""]
    lines += [*exact_section(seeds, args.quick), ""]
    lines += realistic_section(seeds if not args.quick else [1], args.seconds)
    report = "\n".join(lines) + "\n"
    if args.out:
        Path(args.out).write_text(report, "utf-8")
    print()
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
