"""The optimum, exactly, on a sparse graph of the pairs that matter.

**The objective.** Each supporter with k places left has places 0..k-1 (turns); each needed
relationship is a row (a `both` is two rows, so one supporter may hold both roles for one
person when the hard rules allow each). A pair's value is one integer, built so that comparing
totals compares the objectives in order:

    value = TIER * (1 + novice) + OWN * own_school + preferences + load(turn)

- preferences: the units the pair earns (`preferences.class_units`, each weight in integer
  units, 0..P with load);
- OWN > any total of preferences: a trainee's or early career teacher's mentor from their own
  school beats any preferences (0 when the rule base's `own_school` is off);
- TIER > any total of the rest: one more relationship, and one more novice's mentoring, beat
  anything below. Weighting novices' rows double in one tier is exact for "as many novices'
  mentoring as possible, then as many relationships as possible": the sets of needs a
  matching can cover are the independent sets of a matroid (a transversal matroid), so one
  matching has both the most relationships and the most novices' mentoring, and any matching
  that maximises relationships + novices is such a one.

With M the most relationships any matching could hold, totals stay below 2**53 (P is lowered
if ever needed), so float64 sums in the solver are exact.

**The sparse graph.** Most pairs could never be in an optimum (a supporter's hundredth-best
candidate). The solver starts from candidates: each need's best supporters (`NEED_K`) and each
supporter's best needs, novices and others apart (`SUPPORTER_K`), and solves that graph with
scipy's `min_weight_full_bipartite_matching` (LAPJVsp), one "unmatched" column per row.

**Why that is the optimum of all pairs.** Linear programming duality: from the sparse optimum,
potentials (`_potentials`: shortest paths in its residual graph, Bellman-Ford, exact in int64)
price every other eligible pair; a pair whose value exceeds its need's and supporter's
potentials could improve the matching and is added (the best `ADD_K` per need), and the graph
is solved again. When no pair is priced above its potentials, the potentials certify that no
matching of all pairs is better: the result is the optimum, not an approximation. (Pricing
works class by class, see `pairs`.) Every pair kept is also checked against the hard rules
pair by pair (`eligibility.exclusion`) and against capacity; a failure is a bug and stops.

Ties: every step is deterministic, so the same input gives the same pairs; and where needs
that are alike (one class, see `pairs`) tie for places, the earlier rows in the staff file
have them (`_earlier_first`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from coachmentor.match.eligibility import exclusion
from coachmentor.match.pairs import PairView
from coachmentor.match.people import Need, Supporter
from coachmentor.match.policy import Policy
from coachmentor.match.preferences import units

EXACT = 2**53
PREFERENCE_SCALE = 1000
NEED_K = 12  # each need's best supporters, to start with
NEED_SLACK = 4  # and a few more, for the person's own exclusions
SUPPORTER_K = 16  # each supporter's best classes of needs, novices and others apart
PER_CLASS = 16  # needs taken from each of those classes
ADD_K = 48  # pairs added per need and round, the most underpriced first


class SolverBug(AssertionError):
    """The solver returned a pair the hard rules forbid, overfilled a supporter, or a matching
    that is not the optimum."""


@dataclass
class Tiers:
    tier: int
    own: int
    units: dict[str, int]
    load: float  # load_spread in units, before rounding per place
    scale: float

    def load_units(self, cap: np.ndarray, turn: np.ndarray) -> np.ndarray:
        """load_spread's units for the place `turn` of a supporter with capacity `cap`."""
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(cap > 0, 1.0 - turn / np.maximum(cap, 1), 0.0)
        return np.rint(self.load * share).astype(np.int64)


def tiers(policy: Policy, most: int) -> Tiers:
    """The integer weights for at most `most` relationships (see the module's docstring)."""
    top = sum(policy.weights.values()) or 1.0
    p = PREFERENCE_SCALE
    while True:
        scale = p / top
        u = units(policy, scale)
        pmax = sum(u.values()) + 1
        own = most * pmax + 1 if policy.own_school else 0
        tier = most * (own + pmax) + 1
        if most * (2 * tier + own + pmax) < EXACT:
            return Tiers(tier, own, u, policy.weights["load_spread"] * scale, scale)
        if p == 1:
            raise ValueError(f"{most} relationships are too many for one exact solve")
        p = max(1, p // 10)


@dataclass
class Solution:
    pairs: dict[int, int]  # need index -> supporter index
    load: list[int]  # relationships held, per supporter
    view: PairView  # the rules and preferences of every pair, for the explanations
    stats: dict[str, Any] = field(default_factory=dict)  # counts (the summary's "solver")
    values: np.ndarray | None = None  # class x supporter values (-1: not allowed), or None
    timings: dict[str, float] = field(default_factory=dict)  # seconds, for the bench only

    def rank(self, i: int) -> np.ndarray:
        """How good each supporter would be for need i, for ordering alternatives (the
        solver's values: tiers, own school, preferences; -1 where not allowed)."""
        if self.values is None:
            return np.zeros(self.view.m, np.int64)
        out: np.ndarray = self.values[self.view.c.of[i]]  # numpy's indexing is typed Any
        return out

    def ranked(self, i: int) -> np.ndarray:
        """The supporters who may take need i, the best for them first (worked out once per
        class of need, then the person's own exclusions taken out)."""
        cl = int(self.view.c.of[i])
        order = self._ranked.get(cl)
        if order is None:
            ok = np.flatnonzero(self.view.codes[cl] == 0)
            order = ok[np.argsort(-self.rank(i)[ok], kind="stable")]
            self._ranked[cl] = order
        own = self.view.own_of(i)
        if own.size == 0:
            return order
        out: np.ndarray = order[~(order[:, None] == own[None, :]).any(axis=1)]  # numpy's indexing is typed Any
        return out

    def __post_init__(self) -> None:
        self._ranked: dict[int, np.ndarray] = {}


class _Problem:
    """The value of every class x supporter pair, load aside (-1 where the hard rules do not
    allow it), and what the solver needs beside it (only supporters with a place left, and
    needs not kept, take part)."""

    def __init__(self, view: PairView, t: Tiers, held: np.ndarray, spare: np.ndarray,
                 free: np.ndarray):
        self.view, self.t, self.held, self.spare, self.free = view, t, held, spare, free
        c, s = view.c, view.s
        self.V = np.empty((c.count, view.m), np.int64)
        self.open = spare > 0
        self.all_open = bool(self.open.all())
        for rows in _blocks(c.count, view.m):
            v = view.units_block(rows, t.units).astype(np.int64)
            v += (t.tier * (1 + c.novice[rows].astype(np.int64)))[:, None]
            if t.own:
                school = c.school[rows]
                own = (c.novice[rows] & (school >= 0))[:, None] & (school[:, None] == s.school[None, :])
                v += t.own * own
            v[view.codes[rows] != 0] = -1
            self.V[rows] = v

    def value(self, cls: np.ndarray, sup: np.ndarray) -> np.ndarray:
        """The value of pairs (-1 where not allowed or the supporter has no place left)."""
        return np.where(self.open[sup], self.V[cls, sup], -1)

    def class_block(self, rows: np.ndarray) -> np.ndarray:
        block = self.V[rows]
        if not self.all_open:
            block[:, ~self.open] = -1
        out: np.ndarray = block  # numpy's indexing is typed Any
        return out

    def first_load(self) -> np.ndarray:
        return self.t.load_units(self.view.s.cap, self.held)


def _unique(keys: np.ndarray) -> np.ndarray:
    """Sorted distinct keys (a sort: numpy's hash-based unique is slower on these)."""
    keys = np.sort(keys)
    return keys[np.r_[True, keys[1:] != keys[:-1]]] if keys.size else keys


def _blocks(count: int, width: int) -> list[np.ndarray]:
    step = max(1, (1 << 21) // max(width, 1))
    return [np.arange(a, min(a + step, count)) for a in range(0, count, step)]


def _candidates(p: _Problem) -> np.ndarray:
    """Sorted keys (need * m + supporter) of the pairs to start from."""
    view = p.view
    c, m = view.c, view.m
    first = p.first_load()
    live = np.flatnonzero(np.bincount(c.of[p.free], minlength=c.count) > 0)
    keys: list[np.ndarray] = []
    best_val = np.full((2, SUPPORTER_K, m), -1, np.int64)
    best_cls = np.zeros((2, SUPPORTER_K, m), np.int64)
    tops: list[np.ndarray] = []
    k = min(NEED_K + NEED_SLACK, m)
    for rows in _blocks(live.size, m):
        cls = live[rows]
        v = p.class_block(cls)
        # each need's best supporters (their next place's value), the same for a class
        ranked = np.where(v >= 0, v + first[None, :], -1)
        top = np.argpartition(-ranked, k - 1, axis=1)[:, :k]
        tops.append(np.where(np.take_along_axis(ranked, top, axis=1) >= 0, top, -1))
        # each supporter's best classes, novices and others apart
        for band, want in ((0, True), (1, False)):
            sel = c.novice[cls] == want
            if not sel.any():
                continue
            kk = SUPPORTER_K
            vb, cb = v[sel], cls[sel]
            if vb.shape[0] > kk:  # the block's best first, then merged with the best so far
                pick = np.argpartition(-vb, kk - 1, axis=0)[:kk]
                vb, ib = np.take_along_axis(vb, pick, axis=0), cb[pick]
            else:
                ib = np.broadcast_to(cb[:, None], vb.shape)
            vals = np.concatenate([best_val[band], vb], axis=0)
            ids = np.concatenate([best_cls[band], ib], axis=0)
            pick = np.argpartition(-vals, kk - 1, axis=0)[:kk]
            best_val[band] = np.take_along_axis(vals, pick, axis=0)
            best_cls[band] = np.take_along_axis(ids, pick, axis=0)
    if tops:  # every free need of a class gets its class's list
        top_of = np.full((c.count, k), -1, np.int64)
        top_of[live] = np.concatenate(tops)
        need = np.flatnonzero(p.free)
        js = top_of[c.of[need]]
        ok = js >= 0
        keys.append((np.repeat(need, k) * m + js.ravel())[ok.ravel()])
    for band in (0, 1):
        at, jj = np.nonzero(best_val[band] >= 0)
        cl = best_cls[band][at, jj]
        for q in range(PER_CLASS):
            ok = q < c.sizes[cl]
            ii = c.order[c.starts[cl[ok]] + q]
            keys.append(ii * m + jj[ok])
    if not keys:
        return np.zeros(0, np.int64)
    allk = _unique(np.concatenate(keys))
    return _allowed(p, allk)


def _allowed(p: _Problem, keys: np.ndarray) -> np.ndarray:
    m = p.view.m
    i, j = keys // m, keys % m
    ok = p.free[i] & (p.value(p.view.c.of[i], j) >= 0) & ~p.view.excluded(i, j)
    out: np.ndarray = keys[ok]  # numpy's indexing is typed Any
    return out


@dataclass
class _Graph:
    """The sparse graph: rows (needs), places (a supporter's turns), and the edges place by
    place (each place's rows ascending), which is the order both the solver's matrix and the
    potentials' relaxation read them in."""

    rows: np.ndarray  # need index of each row
    place_sup: np.ndarray  # supporter of each place
    place_turn: np.ndarray  # the place's turn (held + t)
    first_place: np.ndarray  # per supporter: index of its first place (-1: none)
    places: np.ndarray  # per supporter: places in the graph
    e_row: np.ndarray  # row of each edge, place by place
    e_start: np.ndarray  # where each place's edges begin
    e_value: np.ndarray  # int64


def _graph(p: _Problem, keys: np.ndarray) -> _Graph:
    m = p.view.m
    i, j = keys // m, keys % m
    rows, row_of_pair = np.unique(i, return_inverse=True)
    by_sup = np.argsort(j, kind="stable")  # pairs supporter by supporter, rows ascending
    adj_row, adj_sup = row_of_pair[by_sup], j[by_sup]
    adj_base = p.value(p.view.c.of[i[by_sup]], adj_sup)
    deg = np.bincount(j, minlength=m)
    adj_start = np.cumsum(deg) - deg
    places = np.minimum(p.spare, deg + 1) * (deg > 0)
    first_place = np.cumsum(places) - places
    place_sup = np.repeat(np.arange(m), places)
    place_turn = np.arange(place_sup.size) - first_place[place_sup] + p.held[place_sup]
    # place k of supporter s has the edges of all s's rows: adj[adj_start[s] : + deg[s]]
    width = deg[place_sup]
    e_start = np.cumsum(width) - width
    offset = np.arange(int(width.sum())) - np.repeat(e_start, width)
    at = np.repeat(adj_start[place_sup], width) + offset
    load = p.t.load_units(p.view.s.cap[place_sup], place_turn)
    e_value = adj_base[at] + np.repeat(load, width)
    return _Graph(rows, place_sup, place_turn, np.where(places > 0, first_place, -1), places,
                  adj_row[at], e_start, e_value)


def _match(g: _Graph) -> np.ndarray:
    """The optimum of graph g: the place of each row, -1 for unmatched."""
    from scipy.sparse import csc_matrix
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    n, P = g.rows.size, g.place_sup.size
    out = np.full(n, -1, np.int64)
    if n == 0:
        return out
    # columns: the places (their edges, place by place, as built), then each row's own
    # "unmatched" column worth 1 (every other edge is worth its value + 1)
    indptr = np.concatenate([g.e_start, [g.e_row.size], g.e_row.size + 1 + np.arange(n)])
    indices = np.concatenate([g.e_row, np.arange(n)])
    data = np.concatenate([(g.e_value + 1).astype(np.float64), np.ones(n)])
    graph = csc_matrix((data, indices, indptr), shape=(n, P + n)).tocsr()
    ri, ci = min_weight_full_bipartite_matching(graph, maximize=True)
    hit = ci < P
    out[ri[hit]] = ci[hit]
    return out


def _potentials(g: _Graph, match: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Potentials of the rows and places of g, from its optimum `match`: (a, b) with
    a[row] + b[place] >= value for every edge (equal on matched ones).

    They are shortest-path distances in the residual graph of the flow source -> rows ->
    places -> sink (costs: minus the values), from a virtual root joined to every node at
    cost 0 (Bellman-Ford in rounds; exact in int64). The graph is bipartite, so a round
    relaxes the places (from the rows, over unused edges, place by place), then the rows
    (from their own place, or the sink), then the sink. A negative cycle would mean `match`
    is not an optimum: a bug, reported as such."""
    n, P = g.rows.size, g.place_sup.size
    e_place = np.repeat(np.arange(P), np.diff(np.append(g.e_start, g.e_row.size)))
    used = match[g.e_row] == e_place
    unused_row, unused_cost = g.e_row[~used], -g.e_value[~used]
    counts = np.bincount(e_place[~used], minlength=P)
    has = counts > 0
    starts = (np.cumsum(counts) - counts)[has]
    matched = match >= 0
    m_rows = np.flatnonzero(matched)
    m_place = match[m_rows]
    m_value = np.zeros(P, np.int64)  # a filled place's edge value (its backward arc)
    m_value[e_place[used]] = g.e_value[used]
    row_of_place = np.full(P, -1, np.int64)
    row_of_place[m_place] = m_rows
    filled = row_of_place >= 0
    pi_r = np.zeros(n, np.int64)
    pi_p = np.zeros(P, np.int64)
    pi_t = np.int64(0)
    for _ in range(n + P + 2):
        changed = False
        # places: from rows over unused edges; a filled place from the sink (T -> p, 0)
        if unused_row.size:
            best = np.minimum.reduceat(pi_r[unused_row] + unused_cost, starts)
            better = best < pi_p[has]
            if better.any():
                idx = np.flatnonzero(has)[better]
                pi_p[idx] = best[better]
                changed = True
        lower = filled & (pi_t < pi_p)
        if lower.any():
            pi_p[lower] = pi_t
            changed = True
        # rows: a matched row from its place (p -> i, +value); an unmatched one from the sink
        if m_rows.size:
            cand = pi_p[m_place] + m_value[m_place]
            better = cand < pi_r[m_rows]
            if better.any():
                pi_r[m_rows[better]] = cand[better]
                changed = True
        lower_r = ~matched & (pi_t < pi_r)
        if lower_r.any():
            pi_r[lower_r] = pi_t
            changed = True
        # the sink: from matched rows (i -> T, 0) and empty places (p -> T, 0)
        low = min(int(pi_r[matched].min()) if matched.any() else 0,
                  int(pi_p[~filled].min()) if (~filled).any() else 0, int(pi_t))
        if low < pi_t:
            pi_t = np.int64(low)
            changed = True
        if not changed:
            return pi_r - pi_t, pi_t - pi_p
    raise SolverBug("the sparse optimum has a negative cycle: it is not an optimum")


def _price(p: _Problem, g: _Graph, keys: np.ndarray, a: np.ndarray,
           b: np.ndarray) -> np.ndarray:
    """Keys of eligible pairs not in the graph whose value exceeds their potentials (the best
    ADD_K per need): pairs that could improve the matching. None: the matching is optimal."""
    view = p.view
    c, m = view.c, view.m
    # a need's potential (0 for a need with no pair in the graph: its dummy is used, a = 0)
    need_a = np.zeros(view.n, np.int64)
    need_a[g.rows] = a
    # a supporter's: the least of b - load over its places in the graph; with none there,
    # every place is empty and priced 0, so the first place's load
    sup_b = -p.first_load()
    if g.place_sup.size:
        slack = b - p.t.load_units(view.s.cap[g.place_sup], g.place_turn)
        has = g.places > 0
        sup_b[has] = np.minimum.reduceat(slack, g.first_place[has])
    free_of = c.of[p.free]
    live = np.flatnonzero(np.bincount(free_of, minlength=c.count) > 0)
    low = np.full(c.count, np.iinfo(np.int64).max)
    np.minimum.at(low, free_of, need_a[p.free])
    got_i: list[np.ndarray] = []
    got_j: list[np.ndarray] = []
    got_gain: list[np.ndarray] = []
    for rows in _blocks(live.size, m):
        cls = live[rows]
        value = p.class_block(cls)
        over = np.where(value >= 0, value - sup_b[None, :], np.iinfo(np.int64).min)
        top = over.max(axis=1)
        for r in np.flatnonzero(top > low[cls]):
            members = c.members(int(cls[r]))
            members = members[p.free[members] & (need_a[members] < top[r])]
            if members.size == 0:
                continue
            js = np.flatnonzero(over[r] > need_a[members].min())
            js = js[np.argsort(-over[r, js], kind="stable")]
            gain = over[r, js]
            # each member: the columns priced above its potential, best first (a few more
            # than ADD_K, for those already in the graph)
            counts = np.searchsorted(-gain, -need_a[members], side="left")
            take = np.minimum(counts, ADD_K + 8)
            ii = np.repeat(members, take)
            pos = np.arange(ii.size) - np.repeat(np.cumsum(take) - take, take)
            got_i.append(ii)
            got_j.append(js[pos])
            got_gain.append(gain[pos] - need_a[ii])
    if not got_i:
        return np.zeros(0, np.int64)
    ii, jj, gain = np.concatenate(got_i), np.concatenate(got_j), np.concatenate(got_gain)
    cand = ii * m + jj
    at = np.minimum(np.searchsorted(keys, cand), max(keys.size - 1, 0))
    fresh = (keys[at] != cand) if keys.size else np.ones(cand.size, bool)
    fresh &= ~view.excluded(ii, jj)
    ii, cand, gain = ii[fresh], cand[fresh], gain[fresh]
    order = np.lexsort((-gain, ii))
    ii, cand = ii[order], cand[order]
    first = np.r_[True, ii[1:] != ii[:-1]] if ii.size else np.zeros(0, bool)
    rank = np.arange(ii.size) - np.maximum.accumulate(np.where(first, np.arange(ii.size), 0))
    return _unique(cand[rank < ADD_K])


def _earlier_first(pairs: dict[int, int], view: PairView, free: np.ndarray) -> None:
    """Needs of one class are worth the same everywhere; where such needs tie (some matched,
    some not), the earlier rows have the places: a later need's supporter moves to an earlier
    unmatched one of its class (when that is not one of the person's own exclusions). The
    total, and so the optimum, is unchanged."""
    c = view.c
    matched = np.zeros(view.n, bool)
    matched[list(pairs)] = True
    for cl in np.unique(c.of[free & ~matched]):
        members = c.members(int(cl))
        members = members[free[members]]
        waiting = [int(i) for i in members if not matched[i]]
        holders = [int(i) for i in members[::-1] if matched[i]]
        for u in waiting:
            for k in list(holders):
                if k < u:
                    break
                j = pairs[k]
                if not view.excluded(np.array([u]), np.array([j]))[0]:
                    del pairs[k]
                    pairs[u] = j
                    holders.remove(k)
                    break


def solve(needs: Sequence[Need], sups: Sequence[Supporter], policy: Policy, *,
          avoid: Sequence[tuple[int, int]] = (), fixed: dict[int, int] | None = None,
          view: PairView | None = None) -> Solution:
    """The optimum. `avoid`: (need, supporter) pairs never to make (--avoid); `fixed`: need ->
    supporter pairs already decided (--keep; checked by the caller), which hold places and
    are not re-solved."""
    t0 = time.perf_counter()
    fixed = fixed or {}
    view = view or PairView(needs, sups, policy, avoid)
    m = len(sups)
    held = np.zeros(m, np.int64)
    for j in fixed.values():
        held[j] += 1
    cap = view.s.cap
    spare = np.maximum(0, cap - held)
    free = np.ones(len(needs), bool)
    free[list(fixed)] = False
    pairs: dict[int, int] = dict(fixed)
    load = held.copy()
    stats: dict[str, Any] = {"needs": len(needs), "supporters": m, "classes": view.c.count}
    timings: dict[str, float] = {}
    values = None
    if free.any() and spare.any():
        codes = view.codes
        can = (codes == 0) & (spare > 0)[None, :]
        most = int(min(int(free[can.any(axis=1)[view.c.of]].sum()), int(spare.sum())))
        prob = _Problem(view, tiers(policy, max(most, 1)), held, spare, free)
        values = prob.V
        t1 = time.perf_counter()
        keys = _candidates(prob)
        rounds = 0
        solve_s = 0.0
        while True:
            rounds += 1
            g = _graph(prob, keys)
            ts = time.perf_counter()
            match = _match(g)
            solve_s += time.perf_counter() - ts
            a, b = _potentials(g, match)
            more = _price(prob, g, keys, a, b)
            if more.size == 0:
                break
            keys = _unique(np.concatenate([keys, more]))
        hit = match >= 0
        for row, place in zip(np.flatnonzero(hit), match[hit]):
            i, j = int(g.rows[row]), int(g.place_sup[place])
            pairs[i] = j
            load[j] += 1
        _earlier_first(pairs, view, free)
        stats.update(rounds=rounds, pairs_in_graph=int(keys.size),
                     graph_edges=int(g.e_row.size))
        timings.update(build=t1 - t0, lapjvsp=solve_s, total=time.perf_counter() - t0)
    avoided = set(avoid)
    for i, j in pairs.items():
        if i in fixed:
            continue
        broken = exclusion(needs[i], sups[j], policy) or ("avoid" if (i, j) in avoided else None)
        if broken is not None:
            raise SolverBug(f"pair {needs[i].label} - {sups[j].staff_id} breaks the rule "
                            f"'{broken}'")
    for s in sups:
        if load[s.index] > s.capacity:
            raise SolverBug(f"{s.staff_id} holds {load[s.index]} > capacity {s.capacity}")
    return Solution(dict(sorted(pairs.items())), [int(x) for x in load], view, stats, values,
                    timings)
