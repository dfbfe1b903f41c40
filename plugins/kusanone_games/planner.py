"""The table planner: a pure engine, no screens and no files.

Every round of the evening is planned together, by simulated annealing over the whole evening
(planning one round at a time leaves repeats that a joint plan avoids), from several random
starts, within a budget of work and time.

Hard rules are kept by construction and never traded away: a table's size is within its game's
range, a game is on no more tables than there are copies, a person sits at one table per round or
rests (a rest wish is always honoured, and people who left are never seated). The rule "a table
with a newcomer has someone who can teach its game", and seating everyone who is not resting,
cost ``HARD`` each while unmet: more than every soft goal together, so the search only leaves one
unmet when no plan can meet it (the figures then say so).

The soft goals are a weighted sum (``Weights``, see docs/games.md): new encounters (a pair that
shares a table k times, earlier meetings included, costs ``repeat * (k-1)²``), game wishes,
buddies early on, early leavers away from long games, quiet games for a quiet round, supporters
spread out, no table of two where it can be helped, one game not played twice by the same person,
and, when re-planning, moving few people. Locked tables are left exactly as they are.

The moves: swap two people, move one person, give a table another game (or trade games between
two tables), open a table from a free copy, fold a table into the others.

Who sits with whom is then improved by tabu search on swaps within a round (``tabu.py``:
Dotú & Van Hentenryck's search, from Triska & Musliu's greedy seating), scored with the whole
objective. ``seconds`` is wall time. The result says why the search stopped (``Result.stopped``):
the clock, a plan at a proven lower bound ("optimal"), or several fresh starts in a row that found
nothing better ("no improvement"). With the same evening and seed the plan is the same whenever
the search stopped by itself; ``steps`` (tests, benchmarks) fixes the work instead of the time.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from .catalogue import Game, normalise
from .model import HARD, Attendee, Evening, Plan, Table, Weights

#: The search cools from its starting temperature to this many times colder.
COOLING = 300


class PlanningError(ValueError):
    """The evening cannot be planned at all (no games, no rounds)."""


#: Why the search stopped (``Result.stopped``): the wall-clock budget ran out; the plan reached a
#: proven lower bound; several fresh starts in a row found nothing better; (tests and benchmarks
#: only) the fixed amount of work given with ``steps`` was done; the caller cancelled it.
CLOCK, OPTIMAL, NO_IMPROVEMENT, STEPS, CANCELLED = (
    "clock",
    "optimal",
    "no improvement",
    "steps",
    "cancelled",
)
#: The search says it is done ("no improvement") when this many fresh starts, and at least half
#: of all, have found its best plan's cost, none found better, and half the time is used.
PATIENCE = 3


@dataclass
class Result:
    plan: Plan
    cost: float
    seed: int
    steps: int
    restarts: int
    seconds: float
    stopped: str = NO_IMPROVEMENT
    warnings: list[str] = field(default_factory=list)
    bound: float = -math.inf  # a proven lower bound on the cost

    @property
    def stopped_by_clock(self) -> bool:
        return self.stopped == CLOCK


# -- preparing the problem -----------------------------------------------------------------------
class Problem:
    """The evening as flat lists of numbers, for the search's inner loops."""

    def __init__(self, evening: Evening, previous: Plan | None = None) -> None:
        if not evening.games:
            raise PlanningError("no games to plan with")
        if evening.rounds < 1:
            raise PlanningError("at least one round is needed")
        self.evening = evening
        self.w: Weights = evening.weights
        self.games: list[Game] = list(evening.games)
        self.people: list[Attendee] = list(evening.attendees)
        self.keys = [person.id for person in self.people]
        if len(set(self.keys)) != len(self.keys):
            raise PlanningError("two attendees have the same name")
        self.n = n = len(self.people)
        self.G = G = len(self.games)
        self.R = R = evening.rounds
        self.first = evening.first_round
        self.warnings: list[str] = []
        self.index = {key: i for i, key in enumerate(self.keys)}
        self.game_index: dict[str, int] = {}
        for g, game in enumerate(self.games):
            for name in (game.name, game.en):
                if name:
                    self.game_index.setdefault(normalise(name), g)
        self.gmin = [game.min_players for game in self.games]
        self.gmax = [game.max_players for game in self.games]
        self.copies = [game.copies for game in self.games]
        self.fits: dict[int, list[int]] = {}
        for size in range(1, max(self.gmax) + 1):
            self.fits[size] = [g for g in range(G) if self.gmin[g] <= size <= self.gmax[g]]

        by_name: dict[str, int] = {}
        for i, person in enumerate(self.people):
            by_name.setdefault(normalise(person.name), i)
            by_name.setdefault(normalise(person.id), i)

        def people_named(names: Sequence[str], who: Attendee, what: str) -> list[int]:
            found = []
            for name in names:
                other = by_name.get(normalise(name))
                if other is None:
                    # A wish about someone who is not here is simply not needed tonight.
                    continue
                if self.keys[other] != who.id:
                    found.append(other)
            return found

        def games_named(names: Sequence[str], who: Attendee, what: str) -> list[int]:
            found = []
            for name in names:
                g = self.game_index.get(normalise(name))
                if g is None:
                    self.warnings.append(f"{who.name}: {what} {name!r} is not in the catalogue")
                elif g not in found:
                    found.append(g)
            return found

        last = self.first + R - 1
        w = self.w
        self.sup = [1 if p.supporter else 0 for p in self.people]
        self.new = [1 if p.newcomer else 0 for p in self.people]
        self.teach = [[0] * G for _ in range(n)]
        for i, person in enumerate(self.people):
            for g in games_named(person.teaches, person, "teaches"):
                self.teach[i][g] = 1
        # Who plays in each round: not resting, not gone.
        self.active: list[list[bool]] = []
        for r in range(R):
            number = self.first + r
            row = []
            for person in self.people:
                gone = person.leaves_after is not None and number > person.leaves_after
                row.append(not gone and number not in person.rest)
            self.active.append(row)
        # Per person, round and game: wishes, quiet rounds, early leavers.
        self.U = [[[0.0] * G for _ in range(n)] for _ in range(R)]
        self.wish_rank: list[dict[int, int]] = []
        for i, person in enumerate(self.people):
            ranks: dict[int, int] = {}
            for rank, g in enumerate(games_named(person.wishes, person, "wish")):
                ranks[g] = rank
            self.wish_rank.append(ranks)
            early = person.leaves_after is not None and person.leaves_after < last
            for r in range(R):
                number = self.first + r
                row = self.U[r][i]
                for g, game in enumerate(self.games):
                    value = 0.0
                    if g in ranks:
                        rank = ranks[g]
                        value -= w.wish * (3 - rank) if rank < 3 else w.wish * 0.5
                    long = max(0.0, game.minutes - 30) / 15
                    if number in person.quiet:
                        value += w.quiet * (max(0.0, game.weight - 2) + long)
                    if early:
                        value += w.early_leaver * long
                    row[g] = value
        # Per round and pair: buddies (fading) and the private "not with" wishes.
        self.buddy_pairs: set[tuple[int, int]] = set()
        self.apart_pairs: set[tuple[int, int]] = set()
        for i, person in enumerate(self.people):
            for j in people_named(person.buddies, person, "buddy"):
                self.buddy_pairs.add((min(i, j), max(i, j)))
            for j in people_named(person.not_with, person, "not with"):
                self.apart_pairs.add((min(i, j), max(i, j)))
        self.PW = [[[0.0] * n for _ in range(n)] for _ in range(R)]
        self.pair_wishes = bool(self.buddy_pairs or self.apart_pairs)
        for r in range(R):
            fade = 0.5 ** (self.first + r - 1)
            for i, j in self.buddy_pairs:
                self.PW[r][i][j] -= w.buddy * fade
                self.PW[r][j][i] -= w.buddy * fade
            for i, j in self.apart_pairs:
                self.PW[r][i][j] += w.not_with
                self.PW[r][j][i] += w.not_with
        # Who met whom before.
        self.hist = [[0] * n for _ in range(n)]
        for pair, count in evening.met.items():
            ends = [self.index.get(key) for key in pair]
            if len(ends) == 2 and None not in ends and count > 0:
                i, j = ends
                self.hist[i][j] = self.hist[j][i] = int(count)
        # Re-planning: where each person sat before, and the tables locked by hand.
        self.old: list[list[tuple[int, int] | None]] = [[None] * n for _ in range(R)]
        self.move_weight = [0.0] * R
        self.previous = previous
        if previous is not None:
            for r in range(R):
                self.move_weight[r] = w.move * (3 if r == 0 else 1)
                for table in previous.round(self.first + r):
                    g = self.game_index.get(normalise(table.game))
                    for key in table.players:
                        i = self.index.get(key)
                        if i is not None and g is not None:
                            self.old[r][i] = (table.tid, g)

    def game_of(self, name: str) -> int | None:
        return self.game_index.get(normalise(name))


# -- the search ----------------------------------------------------------------------------------
class State:
    """One plan being improved. Tables are indexed per round; ``seat[r][p]`` is the table of
    person p in round r, ``-1`` if they play but have no seat yet, ``-2`` if they do not play."""

    def __init__(self, problem: Problem) -> None:
        self.P = problem
        R, n, G = problem.R, problem.n, problem.G
        self.game: list[list[int]] = [[] for _ in range(R)]
        self.members: list[list[list[int]]] = [[] for _ in range(R)]
        self.locked: list[list[bool]] = [[] for _ in range(R)]
        self.tid: list[list[int]] = [[] for _ in range(R)]
        self.S: list[list[int]] = [[] for _ in range(R)]
        self.N: list[list[int]] = [[] for _ in range(R)]
        self.K: list[list[int]] = [[] for _ in range(R)]
        self.seat = [[-1 if problem.active[r][p] else -2 for p in range(n)] for r in range(R)]
        self.meet = [row[:] for row in problem.hist]
        self.plays = [[0] * G for _ in range(n)]
        self.used = [[0] * G for _ in range(R)]
        self.notes: list[str] = []

    # building
    def add_table(self, r: int, g: int, tid: int, locked: bool = False) -> int:
        self.game[r].append(g)
        self.members[r].append([])
        self.locked[r].append(locked)
        self.tid[r].append(tid)
        self.S[r].append(0)
        self.N[r].append(0)
        self.K[r].append(0)
        self.used[r][g] += 1
        return len(self.game[r]) - 1

    def sit(self, r: int, p: int, t: int) -> None:
        P = self.P
        g = self.game[r][t]
        meet = self.meet
        for x in self.members[r][t]:
            meet[p][x] += 1
            meet[x][p] += 1
        self.members[r][t].append(p)
        self.seat[r][p] = t
        self.plays[p][g] += 1
        self.S[r][t] += P.sup[p]
        self.N[r][t] += P.new[p]
        self.K[r][t] += P.teach[p][g]

    def stand(self, r: int, p: int) -> None:
        P = self.P
        t = self.seat[r][p]
        g = self.game[r][t]
        self.members[r][t].remove(p)
        meet = self.meet
        for x in self.members[r][t]:
            meet[p][x] -= 1
            meet[x][p] -= 1
        self.seat[r][p] = -1
        self.plays[p][g] -= 1
        self.S[r][t] -= P.sup[p]
        self.N[r][t] -= P.new[p]
        self.K[r][t] -= P.teach[p][g]

    def drop_table(self, r: int, t: int) -> None:
        """Remove an empty table (the last index takes its place)."""
        assert not self.members[r][t]
        self.used[r][self.game[r][t]] -= 1
        last = len(self.game[r]) - 1
        for column in (self.game, self.members, self.locked, self.tid, self.S, self.N, self.K):
            column[r][t] = column[r][last]
            column[r].pop()
        if t != last:
            for p in self.members[r][t]:
                self.seat[r][p] = t

    def regame(self, r: int, t: int, g: int) -> None:
        P = self.P
        old = self.game[r][t]
        self.used[r][old] -= 1
        self.used[r][g] += 1
        self.game[r][t] = g
        k = 0
        for p in self.members[r][t]:
            self.plays[p][old] -= 1
            self.plays[p][g] += 1
            k += P.teach[p][g]
        self.K[r][t] = k

    def next_tid(self, r: int) -> int:
        return max(self.tid[r], default=0) + 1

    def copy(self) -> State:
        other = State.__new__(State)
        other.P = self.P
        other.game = [row[:] for row in self.game]
        other.members = [[m[:] for m in row] for row in self.members]
        other.locked = [row[:] for row in self.locked]
        other.tid = [row[:] for row in self.tid]
        other.S = [row[:] for row in self.S]
        other.N = [row[:] for row in self.N]
        other.K = [row[:] for row in self.K]
        other.seat = [row[:] for row in self.seat]
        other.meet = [row[:] for row in self.meet]
        other.plays = [row[:] for row in self.plays]
        other.used = [row[:] for row in self.used]
        other.notes = list(self.notes)
        return other

    # costs
    def move_cost(self, r: int, p: int, t: int, g: int) -> float:
        old = self.P.old[r][p]
        if old is None or old == (self.tid[r][t], g):
            return 0.0
        return self.P.move_weight[r]

    def cost(self) -> float:
        """The whole objective, from scratch (the search keeps it up to date by deltas)."""
        P, w = self.P, self.P.w
        total = 0.0
        n = P.n
        for i in range(n):
            mi, hi = self.meet[i], P.hist[i]
            for j in range(i + 1, n):
                if mi[j] > 1:
                    total += w.repeat * (mi[j] - 1) ** 2
                if hi[j] > 1:
                    total -= w.repeat * (hi[j] - 1) ** 2
        for r in range(P.R):
            PW, U = P.PW[r], P.U[r]
            for t, members in enumerate(self.members[r]):
                g = self.game[r][t]
                for a_index, a in enumerate(members):
                    total += U[a][g] + self.move_cost(r, a, t, g)
                    for b in members[a_index + 1 :]:
                        total += PW[a][b]
                s = self.S[r][t]
                if s > 1:
                    total += w.supporters * (s - 1) ** 2
                if members:
                    total += w.small_table * max(0, 3 - len(members))
                if self.N[r][t] and not self.K[r][t]:
                    total += HARD
            total += HARD * sum(1 for p in range(n) if self.seat[r][p] == -1)
        for p in range(n):
            total += w.replay * sum(c - 1 for c in self.plays[p] if c > 1)
        return total

    def to_plan(self) -> Plan:
        P = self.P
        rounds = []
        for r in range(P.R):
            tables = []
            for t in sorted(range(len(self.members[r])), key=lambda t: self.tid[r][t]):
                members = self.members[r][t]
                if not members:
                    continue
                players = tuple(P.keys[p] for p in sorted(members))
                tables.append(
                    Table(self.tid[r][t], P.games[self.game[r][t]].name, players, self.locked[r][t])
                )
            rounds.append(tuple(tables))
        return Plan(tuple(rounds), P.first)


def _table_sizes(n: int, games: list[int], P: Problem, rng: random.Random) -> list[int] | None:
    """Sizes for tables of ``games`` seating exactly ``n``, near four a table when possible."""
    low = sum(P.gmin[g] for g in games)
    high = sum(P.gmax[g] for g in games)
    if not low <= n <= high:
        return None
    sizes = [P.gmin[g] for g in games]
    left = n - low
    for comfort in (4, 5, 6, 30):
        while left:
            room = [i for i, g in enumerate(games) if sizes[i] < min(P.gmax[g], comfort)]
            if not room:
                break
            smallest = min(sizes[i] for i in room)
            i = rng.choice([i for i in room if sizes[i] == smallest])
            sizes[i] += 1
            left -= 1
    return sizes if not left else None


def _choose_games(
    r: int, players: list[int], P: Problem, used: list[int], rng: random.Random
) -> tuple[list[int], list[int], dict[int, int]]:
    """Games and sizes for a fresh round. Supporters first get a game they can teach."""
    n = len(players)
    free = [P.copies[g] - used[g] for g in range(P.G)]
    demand = [0.0] * P.G
    for p in players:
        for g, rank in P.wish_rank[p].items():
            demand[g] += 3 - rank if rank < 3 else 0.5
    chosen: list[int] = []
    host: dict[int, int] = {}  # table index -> supporter seated there first
    teachers = [p for p in players if P.sup[p] or any(P.teach[p])]
    rng.shuffle(teachers)
    newcomers = sum(P.new[p] for p in players)
    for p in teachers:
        if not newcomers or len(host) * 3 >= newcomers + 2:
            break
        options = [g for g in range(P.G) if P.teach[p][g] and free[g] > 0]
        if not options:
            continue
        g = max(options, key=lambda g: demand[g] + rng.random() * 2)
        free[g] -= 1
        host[len(chosen)] = p
        chosen.append(g)
    for _ in range(40):
        trial = list(chosen)
        pool = [g for g in range(P.G) for _ in range(free[g])]
        rng.shuffle(pool)
        pool.sort(key=lambda g: -(demand[g] + rng.random() * 3))
        capacity = sum(P.gmax[g] for g in trial)
        comfortable = sum(min(P.gmax[g], 4) for g in trial)
        for g in pool:
            if comfortable >= n and capacity >= n:
                break
            if sum(P.gmin[x] for x in trial) + P.gmin[g] > n:
                continue  # a table this round could never fill
            trial.append(g)
            capacity += P.gmax[g]
            comfortable += min(P.gmax[g], 4)
        # Too many minimum seats: drop the tables that need the most people.
        while trial[len(chosen) :] and sum(P.gmin[g] for g in trial) > n:
            extra = max(range(len(chosen), len(trial)), key=lambda i: P.gmin[trial[i]])
            trial.pop(extra)
        sizes = _table_sizes(n, trial, P, rng)
        if sizes is not None:
            return trial, sizes, host
        if len(chosen) and rng.random() < 0.3:  # the supporters' games may be what blocks it
            chosen, host = [], {}
    # Nothing seats everyone: as many as the shelf allows (the rest cost HARD, and are reported).
    trial = sorted(range(P.G), key=lambda g: -P.gmax[g])
    games = [g for g in trial for _ in range(P.copies[g] - used[g])]
    seats, out = 0, []
    for g in games:
        if seats >= n:
            break
        out.append(g)
        seats += P.gmax[g]
    while out and sum(P.gmin[g] for g in out) > n:
        out.pop()
    sizes = [P.gmin[g] for g in out]
    left = n - sum(sizes)
    for i, g in enumerate(out):
        add = min(left, P.gmax[g] - sizes[i])
        sizes[i] += add
        left -= add
    return out, sizes, {}


def construct(P: Problem, rng: random.Random) -> State:
    """A fresh plan that meets the structural hard rules, supporters hosting newcomers."""
    state = State(P)
    for r in range(P.R):
        players = [p for p in range(P.n) if P.active[r][p]]
        rng.shuffle(players)
        games, sizes, host = _choose_games(r, players, P, state.used[r], rng)
        order = list(range(len(games)))
        for tid, t in enumerate(order, start=1):
            state.add_table(r, games[t], tid)
        room = sizes[:]
        seated: set[int] = set()
        for t, p in host.items():
            state.sit(r, p, t)
            room[t] -= 1
            seated.add(p)
        for p in sorted(players, key=lambda p: -P.new[p]):
            if p in seated or not P.new[p]:
                continue
            options = [t for t in range(len(games)) if room[t] > 0]
            if not options:
                break
            taught = [t for t in options if state.K[r][t]]
            t = rng.choice(taught or options)
            state.sit(r, p, t)
            room[t] -= 1
            seated.add(p)
        # Everyone else: pairs who have not met, with the most freedom first (Triska & Musliu).
        from .tabu import greedy_fill  # numpy: imported when a plan is made, not at start-up

        rest = [p for p in players if p not in seated]
        open_tables = [t for t in range(len(games)) if room[t] > 0]
        seats = sum(room[t] for t in open_tables)
        greedy_fill(state, r, open_tables, [room[t] for t in open_tables], rest[:seats], rng)
    return state


def warm_start(P: Problem, previous: Plan, rng: random.Random) -> State:
    """The previous plan, mended for who is here now: people who left or rest stand up, tables
    that fall below their game's minimum are taken apart, and everyone without a seat is seated
    where it costs least (opening a table from a free copy when there is no room)."""
    state = State(P)
    for r in range(P.R):
        for table in previous.round(P.first + r):
            g = P.game_of(table.game)
            players = [P.index[k] for k in table.players if k in P.index]
            players = [p for p in players if P.active[r][p] and state.seat[r][p] == -1]
            if g is None or state.used[r][g] >= P.copies[g]:
                continue
            if len(players) < P.gmin[g] or len(players) > P.gmax[g]:
                if table.locked:
                    state.notes.append(f"round {P.first + r}: table {table.tid} was unlocked")
                if len(players) < P.gmin[g]:
                    continue
                players = players[: P.gmax[g]]
            t = state.add_table(r, g, table.tid, table.locked)
            for p in players:
                state.sit(r, p, t)
        seat_everyone(state, r, rng)
    return state


def design_seating(
    state: State, rng: random.Random, found: dict[tuple[int, int, int], list | None], seconds: float
) -> State | None:
    """``state`` with everyone at its open tables re-seated from a zero-repeat design
    (:mod:`.designs`), when every round seats the same people at the same number of open tables
    of one size. The people are mapped to the design's points in a random order; the games,
    the tables and the locked tables stay. ``found`` keeps each shape's design (or None) for the
    next fresh start. None when the shape does not fit or no design was found."""
    from .designs import zero_repeat  # only when a plan is made
    from .tabu import greedy_fill

    P = state.P
    shape: tuple[int, int, int] | None = None
    people: list[int] = []
    for r in range(P.R):
        tables = [t for t in range(len(state.game[r])) if not state.locked[r][t]]
        sizes = {len(state.members[r][t]) for t in tables}
        here = sorted(p for t in tables for p in state.members[r][t])
        if len(sizes) != 1:
            return None
        this = (len(tables), sizes.pop(), P.R)
        if shape is None:
            shape, people = this, here
        elif this != shape or here != people:
            return None
    if shape is None or shape[1] < 2:
        return None
    if shape not in found:
        # Fewer rounds than asked still help: the tabu search then only mends the last ones.
        g, k, R = shape
        found[shape] = None
        for rounds in range(R, max(0, R - 2), -1):
            found[shape] = zero_repeat(g, k, rounds, rng, seconds * (0.75 if rounds == R else 0.25))
            if found[shape] is not None:
                break
    design = found[shape]
    if design is None:
        return None
    order = people[:]
    rng.shuffle(order)
    out = state.copy()
    for r, blocks in enumerate(design):
        tables = [t for t in range(len(out.game[r])) if not out.locked[r][t]]
        for t in tables:
            for p in list(out.members[r][t]):
                out.stand(r, p)
        for t, block in zip(tables, blocks, strict=True):
            for point in block:
                out.sit(r, order[point], t)
    for r in range(len(design), P.R):  # rounds the design lacks: seated again, greedily
        tables = [t for t in range(len(out.game[r])) if not out.locked[r][t]]
        for t in tables:
            for p in list(out.members[r][t]):
                out.stand(r, p)
        greedy_fill(out, r, tables, [shape[1]] * len(tables), people, rng)
    return out


def seat_everyone(state: State, r: int, rng: random.Random) -> None:
    """Seat each person of round r who has no seat, at the cheapest table with room."""
    P = state.P
    waiting = [p for p in range(P.n) if state.seat[r][p] == -1]
    rng.shuffle(waiting)
    waiting.sort(key=lambda p: -P.new[p])
    for p in waiting:
        options = [
            t
            for t in range(len(state.members[r]))
            if not state.locked[r][t] and len(state.members[r][t]) < P.gmax[state.game[r][t]]
        ]
        if options:
            best = min(options, key=lambda t: (_seat_delta(state, r, p, t), rng.random()))
            state.sit(r, p, best)
    waiting = [p for p in range(P.n) if state.seat[r][p] == -1]
    while waiting:  # no room left: open a table with a free copy, borrowing spare players
        free = [g for g in range(P.G) if state.used[r][g] < P.copies[g]]
        spare = [
            p
            for t in range(len(state.members[r]))
            if not state.locked[r][t]
            for p in state.members[r][t][P.gmin[state.game[r][t]] :]
        ]
        free = [g for g in free if P.gmin[g] <= len(waiting) + len(spare)]
        if not free:
            break
        g = min(free, key=lambda g: (max(0, P.gmin[g] - len(waiting)), -P.gmax[g], g))
        t = state.add_table(r, g, state.next_tid(r))
        for p in waiting[: P.gmax[g]]:
            state.sit(r, p, t)
        rng.shuffle(spare)
        while len(state.members[r][t]) < P.gmin[g]:
            p = spare.pop()
            source = state.seat[r][p]
            if len(state.members[r][source]) > P.gmin[state.game[r][source]]:
                state.stand(r, p)
                state.sit(r, p, t)
        waiting = [p for p in range(P.n) if state.seat[r][p] == -1]


def _seat_delta(state: State, r: int, p: int, t: int) -> float:
    P, w = state.P, state.P.w
    g = state.game[r][t]
    meet, PW = state.meet[p], P.PW[r][p]
    rep = w.repeat
    d = P.U[r][p][g] + state.move_cost(r, p, t, g)
    for y in state.members[r][t]:
        k = meet[y]
        if k:
            d += rep * (2 * k - 1)
        d += PW[y]
    if state.plays[p][g]:
        d += w.replay
    s = state.S[r][t]
    if P.sup[p] and s:
        d += w.supporters * (2 * s - 1)
    size = len(state.members[r][t])
    d += w.small_table * (_small(size + 1) - _small(size))
    n_after = state.N[r][t] + P.new[p]
    k_after = state.K[r][t] + P.teach[p][g]
    d += HARD * ((n_after > 0 and k_after == 0) - (state.N[r][t] > 0 and state.K[r][t] == 0))
    return d


class Annealer:
    """Simulated annealing over all rounds at once: swap two people, move one person, change a
    table's game, or seat someone still waiting; accept a worse plan with a chance that shrinks
    as the search cools."""

    def __init__(self, state: State, rng: random.Random) -> None:
        self.s = state
        self.P = state.P
        self.rng = rng
        P = self.P
        self.rounds = []
        for r in range(P.R):
            free = [t for t in range(len(state.members[r])) if not state.locked[r][t]]
            movable = [p for t in free for p in state.members[r][t]]
            if len(free) >= 1 and (movable or any(s == -1 for s in state.seat[r])):
                self.rounds.append(r)
        # Sizes or games can change (else only swapping two people makes sense).
        self.flexible = P.G > 1 or any(P.gmin[g] < P.gmax[g] for g in range(P.G))
        self.cost = state.cost()

    # -- deltas ------------------------------------------------------------------------------
    def swap_delta(self, r: int, a: int, b: int) -> float:
        s, P = self.s, self.P
        w = P.w
        rep = w.repeat
        A, B = s.seat[r][a], s.seat[r][b]
        gA, gB = s.game[r][A], s.game[r][B]
        meet, PW, U = s.meet, P.PW[r], P.U[r]
        ma, mb, pa, pb = meet[a], meet[b], PW[a], PW[b]
        d = 0.0
        for x in s.members[r][A]:
            if x != a:
                k = ma[x]
                if k > 1:
                    d -= rep * (2 * k - 3)
                k = mb[x]
                if k:
                    d += rep * (2 * k - 1)
                d += pb[x] - pa[x]
        for y in s.members[r][B]:
            if y != b:
                k = mb[y]
                if k > 1:
                    d -= rep * (2 * k - 3)
                k = ma[y]
                if k:
                    d += rep * (2 * k - 1)
                d += pa[y] - pb[y]
        if gA != gB:
            d += U[a][gB] - U[a][gA] + U[b][gA] - U[b][gB]
            plays_a, plays_b = s.plays[a], s.plays[b]
            rp = w.replay
            if plays_a[gA] > 1:
                d -= rp
            if plays_a[gB]:
                d += rp
            if plays_b[gB] > 1:
                d -= rp
            if plays_b[gA]:
                d += rp
        if P.previous is not None:
            d += (
                s.move_cost(r, a, B, gB)
                + s.move_cost(r, b, A, gA)
                - s.move_cost(r, a, A, gA)
                - s.move_cost(r, b, B, gB)
            )
        sup = P.sup
        if sup[a] != sup[b]:
            SA, SB = s.S[r][A], s.S[r][B]
            change = sup[b] - sup[a]
            d += w.supporters * (_sq(SA + change) + _sq(SB - change) - _sq(SA) - _sq(SB))
        new, teach = P.new, P.teach
        if new[a] or new[b] or teach[a][gA] or teach[b][gA] or teach[a][gB] or teach[b][gB]:
            NA, KA, NB, KB = s.N[r][A], s.K[r][A], s.N[r][B], s.K[r][B]
            NA2 = NA - new[a] + new[b]
            KA2 = KA - teach[a][gA] + teach[b][gA]
            NB2 = NB - new[b] + new[a]
            KB2 = KB - teach[b][gB] + teach[a][gB]
            d += HARD * (
                (NA2 > 0 and KA2 == 0)
                + (NB2 > 0 and KB2 == 0)
                - (NA > 0 and KA == 0)
                - (NB > 0 and KB == 0)
            )
        return d

    def move_delta(self, r: int, a: int, B: int) -> float:
        s, P = self.s, self.P
        w = P.w
        rep = w.repeat
        A = s.seat[r][a]
        gA, gB = s.game[r][A], s.game[r][B]
        ma, pa = s.meet[a], P.PW[r][a]
        d = 0.0
        for x in s.members[r][A]:
            if x != a:
                k = ma[x]
                if k > 1:
                    d -= rep * (2 * k - 3)
                d -= pa[x]
        for y in s.members[r][B]:
            k = ma[y]
            if k:
                d += rep * (2 * k - 1)
            d += pa[y]
        U = P.U[r][a]
        d += U[gB] - U[gA] + s.move_cost(r, a, B, gB) - s.move_cost(r, a, A, gA)
        if gA != gB:
            plays = s.plays[a]
            if plays[gA] > 1:
                d -= w.replay
            if plays[gB]:
                d += w.replay
        if P.sup[a]:
            SA, SB = s.S[r][A], s.S[r][B]
            d += w.supporters * (_sq(SA - 1) + _sq(SB + 1) - _sq(SA) - _sq(SB))
        size_a, size_b = len(s.members[r][A]), len(s.members[r][B])
        d += w.small_table * (
            _small(size_a - 1) + _small(size_b + 1) - _small(size_a) - _small(size_b)
        )
        NA, KA, NB, KB = s.N[r][A], s.K[r][A], s.N[r][B], s.K[r][B]
        NA2, KA2 = NA - P.new[a], KA - P.teach[a][gA]
        NB2, KB2 = NB + P.new[a], KB + P.teach[a][gB]
        d += HARD * (
            (NA2 > 0 and KA2 == 0)
            + (NB2 > 0 and KB2 == 0)
            - (NA > 0 and KA == 0)
            - (NB > 0 and KB == 0)
        )
        return d

    def regame_delta(self, r: int, t: int, g: int) -> float:
        s, P = self.s, self.P
        w = P.w
        old = s.game[r][t]
        U = P.U[r]
        d = 0.0
        k = 0
        moved = P.previous is not None
        for p in s.members[r][t]:
            d += U[p][g] - U[p][old]
            plays = s.plays[p]
            if plays[old] > 1:
                d -= w.replay
            if plays[g]:
                d += w.replay
            k += P.teach[p][g]
            if moved:
                d += s.move_cost(r, p, t, g) - s.move_cost(r, p, t, old)
        N = s.N[r][t]
        d += HARD * ((N > 0 and k == 0) - (N > 0 and s.K[r][t] == 0))
        return d

    # -- moves -------------------------------------------------------------------------------
    def apply_swap(self, r: int, a: int, b: int) -> None:
        s = self.s
        A, B = s.seat[r][a], s.seat[r][b]
        s.stand(r, a)
        s.stand(r, b)
        s.sit(r, a, B)
        s.sit(r, b, A)

    def apply_move(self, r: int, a: int, B: int) -> None:
        self.s.stand(r, a)
        self.s.sit(r, a, B)

    def accept(self, d: float, temperature: float) -> bool:
        return d <= 0 or self.rng.random() < math.exp(-d / temperature)

    def seat_waiting(self, r: int, temperature: float) -> None:
        """Seat someone who plays this round but has no seat yet (only when the shelf was
        short of seats; a bigger game or a new table may have made room)."""
        s, P, rng = self.s, self.P, self.rng
        waiting = [p for p in range(P.n) if s.seat[r][p] == -1]
        if not waiting:
            return
        p = waiting[int(rng.random() * len(waiting))]
        tables = s.members[r]
        options = [
            t
            for t in range(len(tables))
            if not s.locked[r][t] and len(tables[t]) < P.gmax[s.game[r][t]]
        ]
        if options:
            t = options[int(rng.random() * len(options))]
            d = _seat_delta(s, r, p, t)
            if self.accept(d, temperature):
                s.sit(r, p, t)
                self.cost += d

    def change_game(self, r: int, temperature: float) -> None:
        """Give a table another game that fits its size: a free copy, or the game of another
        table whose size fits this table's game (the two tables trade games)."""
        s, P, rng = self.s, self.P, self.rng
        T = len(s.members[r])
        t = int(rng.random() * T)
        if s.locked[r][t]:
            return
        size = len(s.members[r][t])
        options = P.fits.get(size, ())
        if len(options) < 2:
            return
        g = options[int(rng.random() * len(options))]
        old = s.game[r][t]
        if g == old:
            return
        if s.used[r][g] < P.copies[g]:
            d = self.regame_delta(r, t, g)
            if self.accept(d, temperature):
                s.regame(r, t, g)
                self.cost += d
            return
        holders = [
            u
            for u in range(T)
            if u != t
            and s.game[r][u] == g
            and not s.locked[r][u]
            and P.gmin[old] <= len(s.members[r][u]) <= P.gmax[old]
        ]
        if not holders:
            return
        u = holders[int(rng.random() * len(holders))]
        d = self.regame_delta(r, t, g) + self.regame_delta(r, u, old)
        if self.accept(d, temperature):
            s.regame(r, t, g)
            s.regame(r, u, old)
            self.cost += d

    def open_table(self, r: int, temperature: float) -> None:
        """Start a table with a free copy, with people from tables that can spare them."""
        s, P, rng = self.s, self.P, self.rng
        free = [g for g in range(P.G) if s.used[r][g] < P.copies[g]]
        if not free:
            return
        g = free[int(rng.random() * len(free))]
        want = P.gmin[g] + int(rng.random() * (min(P.gmax[g], 4) - P.gmin[g] + 1))
        t = s.add_table(r, g, s.next_tid(r))
        done: list[tuple[int, int]] = []  # (person, table they came from)
        d = 0.0
        for _ in range(want):
            spare = [
                u
                for u in range(len(s.members[r]))
                if u != t and not s.locked[r][u] and len(s.members[r][u]) > P.gmin[s.game[r][u]]
            ]
            if not spare:
                break
            u = spare[int(rng.random() * len(spare))]
            members = s.members[r][u]
            p = members[int(rng.random() * len(members))]
            d += self.move_delta(r, p, t)
            self.apply_move(r, p, t)
            done.append((p, u))
        if len(done) >= P.gmin[g] and self.accept(d, temperature):
            self.cost += d
            return
        for p, u in reversed(done):
            self.apply_move(r, p, u)
        s.drop_table(r, t)

    def close_table(self, r: int, temperature: float) -> None:
        """Take a table apart, seating its people at other tables with room."""
        s, P, rng = self.s, self.P, self.rng
        T = len(s.members[r])
        if T < 2:
            return
        t = int(rng.random() * T)
        if s.locked[r][t]:
            return
        done: list[int] = []
        d = 0.0
        for p in list(s.members[r][t]):
            room = [
                u
                for u in range(T)
                if u != t and not s.locked[r][u] and len(s.members[r][u]) < P.gmax[s.game[r][u]]
            ]
            if not room:
                break
            u = room[int(rng.random() * len(room))]
            d += self.move_delta(r, p, u)
            self.apply_move(r, p, u)
            done.append(p)
        if not s.members[r][t] and self.accept(d, temperature):
            self.cost += d
            s.drop_table(r, t)
            return
        for p in reversed(done):
            self.apply_move(r, p, t)

    def propose(self, temperature: float) -> None:
        """One step: pick a change at random, and keep it if it pays (or by chance)."""
        s, P, rng = self.s, self.P, self.rng
        r = self.rounds[int(rng.random() * len(self.rounds))]
        tables = s.members[r]
        T = len(tables)
        roll = rng.random()
        if roll < 0.02:
            self.seat_waiting(r, temperature)
            return
        if self.flexible and roll < 0.18:
            if roll < 0.14:
                self.change_game(r, temperature)
            elif roll < 0.16:
                self.open_table(r, temperature)
            else:
                self.close_table(r, temperature)
            return
        t = int(rng.random() * T)
        if s.locked[r][t]:
            return
        members = tables[t]
        if not members:
            return
        a = members[int(rng.random() * len(members))]
        B = int(rng.random() * T)
        if t == B or s.locked[r][B]:
            return
        if self.flexible and roll < 0.45:
            gA, gB = s.game[r][t], s.game[r][B]
            if len(members) <= P.gmin[gA] or len(tables[B]) >= P.gmax[gB]:
                return
            d = self.move_delta(r, a, B)
            if d <= 0 or rng.random() < math.exp(-d / temperature):
                self.apply_move(r, a, B)
                self.cost += d
            return
        others = tables[B]
        if not others:
            return
        b = others[int(rng.random() * len(others))]
        d = self.swap_delta(r, a, b)
        if d <= 0 or rng.random() < math.exp(-d / temperature):
            self.apply_swap(r, a, b)
            self.cost += d

    def scale(self) -> float:
        """A starting temperature from the size of typical changes."""
        rises = []
        for _ in range(300):
            r = self.rounds[int(self.rng.random() * len(self.rounds))]
            tables = self.s.members[r]
            free = [t for t in range(len(tables)) if not self.s.locked[r][t] and tables[t]]
            if len(free) < 2:
                continue
            t1, t2 = self.rng.sample(free, 2)
            d = self.swap_delta(r, self.rng.choice(tables[t1]), self.rng.choice(tables[t2]))
            if 0 < d < HARD / 2:
                rises.append(d)
        if not rises:
            return self.P.w.repeat or 1.0
        rises.sort()
        return max(rises[len(rises) // 2] * 0.6, 0.5)


def _sq(s: int) -> int:
    return (s - 1) * (s - 1) if s > 1 else 0


def _small(size: int) -> int:
    return max(0, 3 - size) if size else 0


# -- the entry points ----------------------------------------------------------------------------
def lower_bound(P: Problem) -> float:
    """A cost no plan can go below: each person's best game every round, every buddy wish met,
    and, when every table has one size, the repeats that counting alone forces."""
    bound = 0.0
    for r in range(P.R):
        for p in range(P.n):
            if P.active[r][p]:
                bound += min(P.U[r][p])
        if P.pair_wishes:
            PW = P.PW[r]
            bound += sum(min(0.0, PW[i][j]) for i in range(P.n) for j in range(i + 1, P.n))
    sizes = {P.gmin[g] for g in range(P.G)} | {P.gmax[g] for g in range(P.G)}
    if len(sizes) == 1 and P.n > 1 and P.w.repeat > 0:
        size = sizes.pop()
        shelf = sum(P.copies)
        meetings = sum(min(shelf, sum(row) // size) * math.comb(size, 2) for row in P.active)
        meetings += sum(P.hist[i][j] for i in range(P.n) for j in range(i + 1, P.n))
        pairs = math.comb(P.n, 2)
        base, extra = divmod(meetings, pairs)
        spread = extra * _repeat(base + 1) + (pairs - extra) * _repeat(base)
        before = sum(_repeat(P.hist[i][j]) for i in range(P.n) for j in range(i + 1, P.n))
        bound += P.w.repeat * (spread - before)
        if size < 3:
            bound += sum(P.w.small_table * (3 - size) * (sum(row) // size) for row in P.active)
    return bound


def _repeat(k: int) -> int:
    return (k - 1) ** 2 if k > 1 else 0


def plan_evening(
    evening: Evening,
    *,
    seconds: float = 2.0,
    seed: int = 0,
    restarts: int = 4,
    steps: int | None = None,
    previous: Plan | None = None,
    target: float | None = None,
    progress: Callable[[float, float], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> Result:
    """Plan rounds ``evening.first_round`` … of ``evening`` within ``seconds`` of wall time.

    Each fresh start: a greedy seating (Triska & Musliu), simulated annealing over the whole
    objective (games, table sizes, seats); when every round has one table size, a zero-repeat
    design (:mod:`.designs`) for those tables if it costs less; then tabu search on swaps
    within a round (Dotú & Van Hentenryck) until nobody sits with someone twice. Fresh starts
    follow one another until the plan reaches a proven lower bound (``stopped == "optimal"``), or
    ``PATIENCE`` starts (and half of all) found the same best cost, none better, and half the
    time is used
    (``"no improvement"``), or the clock runs
    out (``"clock"``). With the same seed the same plan comes back whenever the search stopped
    by itself; when the clock stopped it, a faster machine may have gone further.

    With ``previous`` (a re-plan), every start is that plan mended for who is here, locked
    tables stay as they are, and moving a person costs ``weights.move``. ``target``: stop as
    soon as the cost is at most this. ``steps`` (tests, benchmarks): a fixed amount of work
    instead of the clock — ``restarts`` starts of ``steps // restarts`` annealing steps each —
    so the plan depends on the seed alone. ``progress(seconds used, best cost)`` is called
    after each start; ``should_stop()`` returning true cancels (``"cancelled"``).
    """
    from .tabu import Tabu  # numpy: imported when a plan is made, not at start-up

    started = time.perf_counter()
    P = Problem(evening, previous)
    bound = lower_bound(P)
    stop = bound + 1e-9 if target is None else max(bound, target) + 1e-9
    fixed_work = steps is not None
    restarts = max(1, restarts)
    if fixed_work:
        share = max(1, int(steps) // restarts)
        deadline = started + max(seconds, 0.05) * 10.0  # only a safety net
    else:
        share = min(60_000, 20_000 + 100 * P.n * P.R)
        deadline = started + max(seconds, 0.01)
    best: State | None = None
    best_cost = math.inf
    used = runs = 0
    designs: dict[tuple[int, int, int], list | None] = {}
    # Half the clock at most for a design; counted in steps, so the same everywhere.
    design_seconds = max(seconds, 0.05) * (10.0 if fixed_work else 0.5)
    stopped = STEPS if fixed_work else NO_IMPROVEMENT
    matched = 0  # fresh starts that found the best cost so far
    run = 0
    while True:
        rng = random.Random(seed * 7919 + run)
        run += 1
        state = warm_start(P, previous, rng) if previous is not None else construct(P, rng)
        runs += 1
        annealer = Annealer(state, rng)
        halted = False
        if annealer.rounds:
            used_here, halted, state = _anneal(annealer, share, deadline, stop, should_stop)
            used += used_here
            cost = state.cost()
            if not halted and cost > stop:
                # The tight instances are out of local search's reach: start from a design.
                designed = design_seating(state, rng, designs, design_seconds)
                if designed is not None and designed.cost() < cost - 1e-9:
                    state, cost = designed, designed.cost()
            if not halted and cost > stop:
                cost, state, halted = Tabu(state, rng).run(cost, stop, deadline, should_stop)
        cost = state.cost()
        if cost < best_cost - 1e-9:
            best, best_cost = state.copy(), cost
            matched = 1
        elif cost <= best_cost + 1e-9:
            matched += 1
        if progress is not None:
            progress(time.perf_counter() - started, best_cost)
        if best_cost <= stop:
            stopped = OPTIMAL
            break
        if halted:
            cancelled = should_stop is not None and should_stop()
            stopped = CANCELLED if cancelled else CLOCK
            break
        if fixed_work:
            if runs >= restarts:
                break
        elif (
            matched >= PATIENCE
            and 2 * matched >= runs
            and time.perf_counter() - started >= seconds / 2
        ):
            stopped = NO_IMPROVEMENT
            break
        if not fixed_work and time.perf_counter() >= deadline:
            stopped = CLOCK
            break
    assert best is not None
    return Result(
        tidy(best.to_plan(), previous),
        best_cost,
        seed,
        used,
        runs,
        time.perf_counter() - started,
        stopped,
        P.warnings + best.notes,
        bound,
    )


def tidy(plan: Plan, previous: Plan | None = None) -> Plan:
    """Number the tables 1, 2, 3… in each round. A table that was in ``previous`` keeps its
    number (people find it where it was); a new table takes the lowest number free."""
    rounds = []
    for number in plan.numbers:
        tables = plan.round(number)
        before = {t.tid for t in previous.round(number)} if previous is not None else set()
        kept = {t.tid for t in tables if t.tid in before}
        taken = set(kept) | (before - kept if previous is not None else set())
        out = []
        for table in sorted(tables, key=lambda t: t.tid):
            if table.tid in kept:
                out.append(table)
                continue
            tid = 1
            while tid in taken:
                tid += 1
            taken.add(tid)
            out.append(replace(table, tid=tid))
        rounds.append(tuple(sorted(out, key=lambda t: t.tid)))
    return Plan(tuple(rounds), plan.first_round)


def _anneal(
    annealer: Annealer,
    steps: int,
    deadline: float,
    stop: float,
    should_stop: Callable[[], bool] | None = None,
) -> tuple[int, bool, State]:
    """Cool from the starting temperature to near zero over ``steps``; keep the best seen.
    Returns the steps done, whether the clock (or ``should_stop``) ended it, and the best."""
    t0 = annealer.scale()
    t1 = t0 / COOLING
    best = annealer.s.copy()
    best_cost = annealer.cost
    propose = annealer.propose
    done = 0
    while done < steps:
        temperature = t0 * (t1 / t0) ** (done / steps)
        chunk = min(512, steps - done)
        for _ in range(chunk):
            propose(temperature)
            if annealer.cost <= stop:
                break
        done += chunk
        if annealer.cost < best_cost - 1e-9:
            best_cost = annealer.cost
            best = annealer.s.copy()
        if best_cost <= stop:
            return done, False, best
        if time.perf_counter() > deadline or (should_stop is not None and should_stop()):
            return done, True, best
    return done, False, best
