"""Who sits with whom: tabu search over swaps within a round, and a greedy start.

The pair-repeat part of the planner follows the literature on the social golfer problem:

- **Tabu search** after Dotú and Van Hentenryck, "Scheduling social golfers locally" (CPAIOR
  2005): the neighbourhood is every swap of two people at different tables of the same round
  where at least one of them is *in conflict* (sits with someone they meet more than once, or at
  a table that breaks a hard rule or a private "not with" wish); each step takes the best such
  swap that is not tabu (a swapped pair may not be swapped back in that round for a few steps,
  unless that would beat the best plan seen: aspiration); when the search stalls it goes back to
  the best plan and perturbs it with a few random swaps.
- **Greedy start** after Triska and Musliu, "An effective greedy heuristic for the Social Golfer
  Problem" (Annals of OR 194, 2012): each table is filled with pairs of people who have not met,
  choosing the pair with the most *freedom* (the number of people both have still not met), ties
  broken at random (:func:`greedy_fill`).

Every swap is scored with the planner's whole objective (repeats, wishes, buddies, private
wishes, supporters, a newcomer's teacher, replays, moves), vectorised with numpy over all rounds
and pairs at once, so the search never trades a hard rule or a soft goal away unnoticed. The table
structure (games and sizes) is the annealer's; this search only changes who sits where. Given
the same state and random generator the steps are the same: numpy's sums here are of small
integers and halves, exact in floating point.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

import numpy as np

from .model import HARD

#: Steps without a better plan before the search goes back to its best and perturbs it.
MAX_STABLE = 300
#: Random swaps in one perturbation.
KICK = 2
#: Perturbations in a row without a better plan before a run gives up.
PATIENCE = 8
#: Tabu tenure: a swapped pair stays tabu in its round for this many steps, plus a random part.
TENURE = (20, 40)


def _sq(s: np.ndarray) -> np.ndarray:
    return np.where(s > 1, (s - 1.0) ** 2, 0.0)


def _bad(n: np.ndarray, k: np.ndarray) -> np.ndarray:
    return ((n > 0) & (k <= 0)).astype(float)


class Tabu:
    """The numpy mirror of a planner ``State`` and the search over it. The ``State`` is kept
    in step (its ``sit``/``stand``), so the plan and a fresh ``cost()`` are always at hand."""

    def __init__(self, state, rng: random.Random) -> None:  # state: planner.State
        self.rng = rng
        self.load(state)

    # -- mirror -------------------------------------------------------------------------------
    def load(self, state) -> None:
        self.s = s = state
        P = self.P = s.P
        R, n = P.R, P.n
        w = P.w
        self.off: list[int] = []
        games: list[int] = []
        locked: list[bool] = []
        tids: list[int] = []
        for r in range(R):
            self.off.append(len(games))
            games.extend(s.game[r])
            locked.extend(s.locked[r])
            tids.extend(s.tid[r])
        TT = self.TT = len(games)
        self.gt = np.array([*games, 0])
        lockedt = np.array([*locked, True])
        tab = np.full((R, n), TT)
        for r in range(R):
            for p in range(n):
                t = s.seat[r][p]
                if t >= 0:
                    tab[r, p] = self.off[r] + t
        self.tab = tab
        self.movable = ~lockedt[tab]
        X = np.zeros((n, TT + 1))
        for r in range(R):
            for p in range(n):
                if tab[r, p] != TT:
                    X[p, tab[r, p]] = 1.0
        self.X = X
        self.M = np.array(s.meet, dtype=float)
        self.rep = w.repeat
        self.PW = np.array(P.PW, dtype=float) if P.pair_wishes else None
        self.apart = None
        if P.apart_pairs:
            apart = np.zeros((n, n))
            for i, j in P.apart_pairs:
                apart[i, j] = apart[j, i] = 1.0
            self.apart = apart
        G = P.G
        U = np.array(P.U, dtype=float).reshape(R, n, G)
        mc = np.zeros((R, n, TT + 1))
        if P.previous is not None:
            for r in range(R):
                for p in range(n):
                    old = P.old[r][p]
                    if old is None:
                        continue
                    for T in range(self.off[r], self.off[r] + len(s.game[r])):
                        if old != (tids[T], games[T]):
                            mc[r, p, T] = P.move_weight[r]
        self.UT = U[:, :, self.gt] + mc  # per round, person, table: wishes, quiet, moves
        self.replay = w.replay if G > 1 else 0.0
        self.games_matter = bool(np.any(self.UT) or self.replay)
        self.plays = np.array(s.plays, dtype=float).reshape(n, G)
        self.sup = np.array(P.sup, dtype=float)
        self.new = np.array(P.new, dtype=float)
        self.teach = np.array(P.teach, dtype=float).reshape(n, G)
        self.teachT = self.teach[:, self.gt]
        self.supporters = w.supporters if self.sup.any() else 0.0
        self.newcomers = bool(self.new.any())
        self.S = np.zeros(TT + 1)
        self.N = np.zeros(TT + 1)
        self.K = np.zeros(TT + 1)
        for r in range(R):
            for t in range(len(s.game[r])):
                T = self.off[r] + t
                self.S[T], self.N[T], self.K[T] = s.S[r][t], s.N[r][t], s.K[r][t]
        self.rows = np.arange(n)
        self.rounds = np.arange(R)[:, None]

    # -- scoring --------------------------------------------------------------------------------
    def deltas(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For every round r and people a, b: the change of the whole objective if a and b
        swapped seats in round r (``D[r, a, b]``), which swaps are possible, and who is in
        conflict."""
        M, X, tab, rep = self.M, self.X, self.tab, self.rep
        R, n = tab.shape
        inc = np.where(M >= 1, rep * (2 * M - 1), 0.0)  # one more meeting of a pair
        dec = np.where(M >= 2, rep * (2 * M - 3), 0.0)  # one fewer
        rows, rounds = self.rows, self.rounds
        if self.PW is None:
            add = inc @ X  # (n, tables): what joining a table costs a person
            lose = dec @ X
            Q = add[:, tab].transpose(1, 0, 2)  # Q[r, b, a] = add[b, table of a in round r]
            loss = lose[rows[None, :], tab]
            pair = inc[None]
        else:
            pair = inc[None] + self.PW
            add = pair @ X
            lose = (dec[None] + self.PW) @ X
            Q = np.take_along_axis(add, np.broadcast_to(tab[:, None, :], (R, n, n)), axis=2)
            loss = lose[rounds, rows[None, :], tab]
        D = Q + Q.transpose(0, 2, 1) - 2 * pair - loss[:, :, None] - loss[:, None, :]
        if self.games_matter:
            gown = self.gt[tab]  # (R, n)
            playsT = (self.plays[:, self.gt] >= 1).astype(float)  # (n, tables)
            more = (self.plays[rows[None, :], gown] > 1).astype(float)  # (R, n)
            differ = self.gt[None, None, :] != gown[:, :, None]
            J = self.UT + self.replay * (playsT[None] - more[:, :, None]) * differ
            JQ = np.take_along_axis(J, np.broadcast_to(tab[:, None, :], (R, n, n)), axis=2)
            own = J[rounds, rows[None, :], tab]
            D += JQ + JQ.transpose(0, 2, 1) - own[:, :, None] - own[:, None, :]
        if self.supporters:
            ST = self.S[tab]
            SA, SB = ST[:, :, None], ST[:, None, :]
            ch = self.sup[None, None, :] - self.sup[None, :, None]  # sup[b] - sup[a]
            D += self.supporters * (_sq(SA + ch) + _sq(SB - ch) - _sq(SA) - _sq(SB))
        NT, KT = self.N[tab], self.K[tab]
        broken = _bad(NT, KT)
        if self.newcomers:
            TQ = self.teachT[:, tab].transpose(1, 0, 2)  # TQ[r, p, q] = teachT[p, table of q]
            mine = TQ[:, rows, rows]
            new = self.new
            NA2 = NT[:, :, None] - new[None, :, None] + new[None, None, :]
            KA2 = KT[:, :, None] - mine[:, :, None] + TQ.transpose(0, 2, 1)
            NB2 = NT[:, None, :] - new[None, None, :] + new[None, :, None]
            KB2 = KT[:, None, :] - mine[:, None, :] + TQ
            D += HARD * (_bad(NA2, KA2) + _bad(NB2, KB2) - broken[:, :, None] - broken[:, None, :])
        conflict = (lose if self.PW is None else dec @ X)[rows[None, :], tab] > 0
        conflict |= broken > 0
        if self.apart is not None:
            conflict |= (self.apart @ X)[rows[None, :], tab] > 0
        conflict &= self.movable
        possible = (
            self.movable[:, :, None]
            & self.movable[:, None, :]
            & (tab[:, :, None] != tab[:, None, :])
        )
        return D, possible, conflict

    # -- moves ----------------------------------------------------------------------------------
    def swap(self, r: int, a: int, b: int) -> None:
        s, tab, M, X = self.s, self.tab, self.M, self.X
        A, B = int(tab[r, a]), int(tab[r, b])
        tA, tB = A - self.off[r], B - self.off[r]
        for x in s.members[r][tA]:
            if x != a:
                M[a, x] -= 1
                M[x, a] -= 1
                M[b, x] += 1
                M[x, b] += 1
        for y in s.members[r][tB]:
            if y != b:
                M[b, y] -= 1
                M[y, b] -= 1
                M[a, y] += 1
                M[y, a] += 1
        X[a, A] = X[b, B] = 0.0
        X[a, B] = X[b, A] = 1.0
        tab[r, a], tab[r, b] = B, A
        gA, gB = int(self.gt[A]), int(self.gt[B])
        self.plays[a, gA] -= 1
        self.plays[a, gB] += 1
        self.plays[b, gB] -= 1
        self.plays[b, gA] += 1
        ds, dn = self.sup[b] - self.sup[a], self.new[b] - self.new[a]
        self.S[A] += ds
        self.S[B] -= ds
        self.N[A] += dn
        self.N[B] -= dn
        self.K[A] += self.teach[b, gA] - self.teach[a, gA]
        self.K[B] += self.teach[a, gB] - self.teach[b, gB]
        s.stand(r, a)
        s.stand(r, b)
        s.sit(r, a, tB)
        s.sit(r, b, tA)

    def kick(self, swaps: int) -> float:
        """A few random swaps (a perturbation); returns the change of cost."""
        R, n = self.tab.shape
        total = 0.0
        for _ in range(swaps):
            r = self.rng.randrange(R)
            people = [p for p in range(n) if self.movable[r, p]]
            if len(people) < 2:
                continue
            a, b = self.rng.sample(people, 2)
            if self.tab[r, a] == self.tab[r, b]:
                continue
            D, _, _ = self.deltas()
            total += float(D[r, a, b])
            self.swap(r, a, b)
        return total

    def run(
        self,
        cost: float,
        stop: float,
        deadline: float,
        should_stop: Callable[[], bool] | None = None,
        max_stable: int = MAX_STABLE,
        patience: int = PATIENCE,
    ) -> tuple[float, object, bool]:
        """Search from the current state. Returns the best cost, the best ``State`` and whether
        the clock (or ``should_stop``) ended it. It ends by itself when nobody is in conflict
        (no repeat, no broken rule: the rest is the annealer's), at ``stop``, or after
        ``patience`` perturbations in a row that found nothing better."""
        rng = self.rng
        best_cost, best = cost, self.s.copy()
        tabu = np.zeros((*self.tab.shape, self.tab.shape[1]), dtype=np.int64)
        step = stable = kicks = 0
        while True:
            if cost <= stop:
                break
            if (step & 15) == 0 and (
                time.perf_counter() > deadline or (should_stop is not None and should_stop())
            ):
                return best_cost, best, True
            D, possible, conflict = self.deltas()
            allowed = possible & (conflict[:, :, None] | conflict[:, None, :])
            if not allowed.any():
                break  # nobody in conflict: nothing left for this search
            upper = np.triu(np.ones(allowed.shape[1:], dtype=bool), 1)
            allowed &= upper[None]
            free = allowed & ((tabu <= step) | (cost + D < best_cost - 1e-9))
            if free.any():
                values = np.where(free, D, np.inf)
                low = values.min()
                choices = np.flatnonzero(values <= low + 1e-9)
                pick = int(choices[rng.randrange(len(choices))])
                r, a, b = np.unravel_index(pick, values.shape)
                r, a, b = int(r), int(a), int(b)
                self.swap(r, a, b)
                cost += float(low)
                tabu[r, a, b] = tabu[r, b, a] = step + rng.randint(*TENURE)
            else:
                stable = max_stable  # everything is tabu: perturb
            step += 1
            if cost < best_cost - 1e-9:
                best_cost, best = cost, self.s.copy()
                stable = kicks = 0
            else:
                stable += 1
            if stable >= max_stable:
                kicks += 1
                if kicks > patience:
                    break
                self.load(best.copy())
                cost = best_cost + self.kick(KICK)
                tabu[:] = 0
                stable = 0
        return best_cost, best, False


def greedy_fill(state, r: int, tables: list[int], room: list[int], people: list[int], rng) -> None:
    """Seat ``people`` at ``tables`` of round r (``room``: free seats per table), pair by pair:
    each time the two people who have not met each other nor anyone at the table, with the most
    freedom (people both have still not met), ties at random; then singles the same way."""
    if not people:
        return
    meet = np.array(state.meet, dtype=float)
    fresh = meet == 0
    np.fill_diagonal(fresh, False)
    freedom = fresh.astype(float) @ fresh.astype(float)
    left = list(people)
    for t, seats in zip(tables, room, strict=True):
        while seats > 0 and left:
            members = state.members[r][t]
            idx = np.array(left)
            clash = meet[np.ix_(idx, members)].sum(axis=1) if members else np.zeros(len(idx))
            if seats >= 2 and len(left) >= 2:
                score = freedom[np.ix_(idx, idx)] - 1000.0 * meet[np.ix_(idx, idx)]
                score -= 1000.0 * (clash[:, None] + clash[None, :])
                score = np.where(np.triu(np.ones_like(score, dtype=bool), 1), score, -np.inf)
                best = score.max()
                choices = np.flatnonzero(score >= best - 1e-9)
                i, j = np.unravel_index(int(choices[rng.randrange(len(choices))]), score.shape)
                chosen = [left[int(i)], left[int(j)]]
            else:
                score = fresh[idx].sum(axis=1) - 1000.0 * clash
                best = score.max()
                choices = np.flatnonzero(score >= best - 1e-9)
                chosen = [left[int(choices[rng.randrange(len(choices))])]]
            for p in chosen:
                state.sit(r, p, t)
                left.remove(p)
                seats -= 1
                for x in state.members[r][t]:
                    if x != p:
                        meet[p, x] += 1
                        meet[x, p] += 1
                        fresh[p, x] = fresh[x, p] = False
            freedom = fresh.astype(float) @ fresh.astype(float)
