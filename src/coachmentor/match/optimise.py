"""The optimum: scipy's linear_sum_assignment (a C implementation of the shortest augmenting
path Hungarian method) over supporters' places.

Each supporter with capacity k becomes k places (columns); each needed relationship is a
row (a `both` is two rows, so one supporter may hold both roles for one person when the hard
rules allow each: two places, two relationships against capacity). A pair's value is one
integer, built so that comparing totals compares the contract's objectives in order:

    value = novice * BIG + MATCHED + preference        (0 when the hard rules forbid it)

- preference: the weight the pair earns (`preferences`), scaled to an integer 0..P;
- MATCHED = N * P + 1 > any total of preferences, so one more relationship beats any gain
  in preferences (N = rows);
- BIG = N * (MATCHED + P) + 1 > any total of the rest, so one more trainee's or early career
  teacher's mentoring beats any number of other relationships.

Totals stay below 2**53, so float64 sums are exact (P is lowered if ever needed). Maximising
the total gives the lexicographic optimum; the matrix handed to the solver is its negation
(a cost), transposed (places x rows), so that the solver copies nothing. A forbidden pair has
value 0: assigning it gains nothing, so it is never needed, and any the solver returns is
dropped as "no pair". Every pair kept is checked again against the hard rules pair by pair
(`eligibility.exclusion`) and against capacity; a failure is a bug and stops the run.

Reductions that do not change the optimum: rows with no eligible supporter are left out (they
cannot be matched), and a supporter has no more places than the rows they are eligible for.
Ties: the solver is deterministic and rows and columns are in input order, so the same input
gives the same pairs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from coachmentor.match.eligibility import eligible_matrix, exclusion
from coachmentor.match.people import Need, Supporter
from coachmentor.match.preferences import earned_matrix, weights

EXACT = 2**53
PREFERENCE_SCALE = 1000


class SolverBug(AssertionError):
    """The solver returned a pair the hard rules forbid, or overfilled a supporter."""


@dataclass
class Problem:
    """The value matrix and what its rows and columns stand for (also used by the bench)."""

    cost: np.ndarray  # places x rows, float64 holding integers: minus each pair's value
    rows: np.ndarray  # need index of each row
    place_of: np.ndarray  # supporter index of each column
    big: int
    matched: int
    scale: float  # preference weight -> integer units


@dataclass
class Solution:
    pairs: dict[int, int]  # need index -> supporter index
    load: list[int]  # relationships held, per supporter
    eligible: np.ndarray  # rules 1-3, len(needs) x len(supporters)
    stats: dict[str, Any] = field(default_factory=dict)


def build(needs: Sequence[Need], sups: Sequence[Supporter], matching: Any,
          eligible: np.ndarray | None = None, spare: Sequence[int] | None = None,
          held: Sequence[int] | None = None) -> Problem:
    """The cost matrix. `spare`: places left per supporter (default: capacity); `held`:
    relationships they already hold (kept pairs), so their next place is not their first."""
    w = weights(matching)
    E = eligible_matrix(needs, sups) if eligible is None else eligible
    rows = np.flatnonzero(E.any(axis=1)) if len(sups) else np.zeros(0, np.int64)
    cap = np.fromiter((x.capacity for x in sups), np.int64, len(sups))
    room = cap if spare is None else np.asarray(spare, np.int64)
    places = np.minimum(room, E[rows].sum(axis=0)) if rows.size else np.zeros(len(sups), np.int64)
    place_of = np.repeat(np.arange(len(sups)), places)
    starts = np.repeat(np.cumsum(places) - places, places)
    turn = np.arange(place_of.size) - starts  # 0 for a supporter's first place, 1, ...
    if held is not None:
        turn = turn + np.asarray(held, np.int64)[place_of]
    n = int(rows.size)
    top = sum(w.values()) or 1.0
    p = PREFERENCE_SCALE
    novices = np.fromiter((needs[int(i)].novice for i in rows), bool, n)
    while True:
        matched = n * p + 1
        big = n * (matched + p) + 1 if novices.any() else 0
        if n * (big + matched + p) < EXACT or p == 1:
            break
        p = max(1, p // 10)
    if n * (big + matched + p) >= EXACT:
        raise ValueError(f"{n} relationships are too many for one exact solve")
    scale = p / top
    # Built transposed (places x rows) and negated (a cost to minimise), so that the solver
    # neither transposes nor negates a copy of it: one matrix in memory, not three.
    cost = earned_matrix([needs[int(i)] for i in rows], sups, w).T[place_of]
    if place_of.size:
        cost += w["load_spread"] * (1.0 - turn / cap[place_of])[:, None]
    cost *= scale
    np.rint(cost, out=cost)
    cost += matched
    cost += novices[None, :] * float(big)
    cost *= E[rows].T[place_of]
    np.negative(cost, out=cost)
    return Problem(cost, rows, place_of, big, matched, scale)


def solve(needs: Sequence[Need], sups: Sequence[Supporter], matching: Any, *,
          avoid: Sequence[tuple[int, int]] = (), fixed: dict[int, int] | None = None) -> Solution:
    """The optimum. `avoid`: (need, supporter) pairs never to make (--avoid); `fixed`: need ->
    supporter pairs already decided (--keep; checked by the caller), which hold places and
    are not re-solved."""
    from scipy.optimize import linear_sum_assignment

    t0 = time.perf_counter()
    fixed = fixed or {}
    E = eligible_matrix(needs, sups)
    for i, j in avoid:
        E[i, j] = False
    held = [0] * len(sups)
    for j in fixed.values():
        held[j] += 1
    free = E.copy()
    free[list(fixed)] = False
    spare = [max(0, s.capacity - held[s.index]) for s in sups]
    prob = build(needs, sups, matching, free, spare, held)
    t1 = time.perf_counter()
    c, r = linear_sum_assignment(prob.cost) if prob.cost.size else ((), ())
    t2 = time.perf_counter()
    pairs: dict[int, int] = dict(fixed)
    load = list(held)
    for ci, ri in zip(c, r):
        if prob.cost[ci, ri] >= 0:
            continue  # a forbidden pair, or nothing: this row is not matched
        need, sup = needs[int(prob.rows[ri])], sups[int(prob.place_of[ci])]
        broken = exclusion(need, sup) or ("avoid" if not E[need.index, sup.index] else None)
        if broken is not None:
            raise SolverBug(f"pair {need.label} - {sup.staff_id} breaks the rule '{broken}'")
        pairs[need.index] = sup.index
        load[sup.index] += 1
    for sup in sups:
        if load[sup.index] > sup.capacity:
            raise SolverBug(f"{sup.staff_id} holds {load[sup.index]} > capacity {sup.capacity}")
    stats = {"rows": int(prob.cost.shape[1]), "places": int(prob.cost.shape[0]),
             "build_seconds": round(t1 - t0, 3), "solve_seconds": round(t2 - t1, 3)}
    return Solution(dict(sorted(pairs.items())), load, E, stats)
