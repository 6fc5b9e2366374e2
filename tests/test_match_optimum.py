"""match's optimum, checked against independent computations on random instances:
maximum flow (scipy.sparse.csgraph) for the counts, brute force for the own-school tier and
the preferences. The instances have every hard rule in play: the contract's (offers, self,
line manager and assessors, career stage) and the rule base's (an experienced mentor and one
in their phase for novices, succession by a senior leader, a trained coach for senior
leaders)."""

from __future__ import annotations

import itertools
import random
from typing import Any

import numpy as np
import pytest
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_flow

from coachmentor.match.eligibility import CODES, exclusion
from coachmentor.match.optimise import PREFERENCE_SCALE, solve, tiers
from coachmentor.match.pairs import PairView
from coachmentor.match.people import STAGES, Need, StaffRow, Supporter
from coachmentor.match.policy import PREFERENCES, compile_policy
from coachmentor.match.preferences import load_share, pair_units, parts
from coachmentor.rulebase.loader import load_rules
from coachmentor.rulebase.normalise import fold

MATCHING = load_rules(None).model.matching
POLICY = compile_policy(MATCHING)
W = POLICY.weights
SCHOOLS = ["North", "South", "East", ""]
SUBJECTS = ["Maths", "English", "Science", ""]
TYPES = ["", "induction", "career", "leadership", "instructional", "executive", "succession"]
PHASES = [-1, 0, 1, 2, 3]  # not known, primary, secondary, all-through, special


def random_instance(rng: random.Random, n_staff: int, n_sups: int):
    sups = []
    for j in range(n_sups):
        offers = rng.choice([(True, False), (False, True), (True, True)])
        sups.append(Supporter(
            index=j, row=j + 2, staff_id=f"S{j}", name=f"Sup {j}", coaching=offers[0],
            mentoring=offers[1], stage=rng.randrange(5), capacity=rng.choice([0, 1, 1, 2, 3]),
            school=rng.choice(SCHOOLS), subject=rng.choice(SUBJECTS),
            trained=rng.choice([True, False, None]), phase=rng.choice(PHASES),
            specialisms=frozenset(rng.sample(TYPES[1:], rng.randrange(3)))))
    ids = [s.staff_id for s in sups]
    staff: list[Any] = []
    needs: list[Any] = []
    for i in range(n_staff):
        # some supporters need help too, their ids typed as people type them
        sid = rng.choice([s, s.lower(), f" {s} "]) if rng.random() < 0.2 and (
            s := rng.choice(ids)) else f"P{i}"
        row = StaffRow(row=i + 2, staff_id=sid.strip(), name=f"Person {i}",
                       recommendation=rng.choice(["coaching", "mentoring", "both"]),
                       stage=rng.randrange(5), school=rng.choice(SCHOOLS),
                       subject=rng.choice(SUBJECTS), department="", phase=rng.choice(PHASES),
                       line_manager=rng.choice(ids).lower() if rng.random() < 0.5 else "",
                       assessors=frozenset(a.lower() for a in rng.sample(
                           ids, rng.randrange(min(3, len(ids)) + 1))))
        staff.append(row)
        roles = {"coaching": ["coaching"], "mentoring": ["mentoring"],
                 "both": ["coaching", "mentoring"]}[row.recommendation]
        for role in roles:
            kind = "normal"
            if role == "mentoring":
                kind = rng.choice(["normal", "normal", "normal", "reverse", "succession"])
            needs.append(Need(len(needs), row, role, kind=kind, type=rng.choice(TYPES)))
            row.needs.append(needs[-1])
    return staff, needs, sups


def max_flow(needs, sups, only=None, avoid=frozenset()) -> int:
    """The most relationships the hard rules and capacities allow (optionally among `only`
    needs), by maximum flow: source -> need (1) -> supporter (1) -> sink (capacity)."""
    keep = [nd for nd in needs if only is None or only(nd)]
    n, s = len(keep), len(sups)
    src, sink = 0, n + s + 1
    rows, cols, caps = [], [], []
    for a, nd in enumerate(keep):
        rows.append(src)
        cols.append(1 + a)
        caps.append(1)
        for sup in sups:
            if exclusion(nd, sup, POLICY) is None and (nd.index, sup.index) not in avoid:
                rows.append(1 + a)
                cols.append(1 + n + sup.index)
                caps.append(1)
    for sup in sups:
        rows.append(1 + n + sup.index)
        cols.append(sink)
        caps.append(sup.capacity)
    if not keep:
        return 0
    graph = csr_matrix((np.array(caps, np.int32), (rows, cols)), shape=(n + s + 2, n + s + 2))
    return int(maximum_flow(graph, src, sink).flow_value)


def check_valid(needs, sups, sol) -> None:
    load = [0] * len(sups)
    for i, j in sol.pairs.items():
        assert exclusion(needs[i], sups[j], POLICY) is None
        load[j] += 1
    assert load == sol.load
    assert all(load[s.index] <= s.capacity for s in sups)


@pytest.mark.parametrize("seed", range(60))
def test_counts_are_the_maximum_flow(seed: int) -> None:
    rng = random.Random(seed)
    staff, needs, sups = random_instance(rng, rng.randrange(1, 40), rng.randrange(1, 15))
    sol = solve(needs, sups, POLICY)
    check_valid(needs, sups, sol)
    novices = sum(1 for i in sol.pairs if needs[i].novice)
    assert novices == max_flow(needs, sups, only=lambda nd: nd.novice)
    # a transversal matroid: the most relationships and the most novices' mentoring at once
    assert len(sol.pairs) == max_flow(needs, sups)


def test_class_tables_and_pair_by_pair_rules_agree() -> None:
    # the solver's rules and preferences (by class, numpy) against the reference, pair by pair
    rng = random.Random(7)
    u = tiers(POLICY, 30).units
    seen = set()
    for _ in range(20):
        staff, needs, sups = random_instance(rng, 30, 12)
        view = PairView(needs, sups, POLICY)
        earned = view.units(u)
        for nd in needs:
            codes = view.codes_of(nd.index)
            for s in sups:
                want = exclusion(nd, s, POLICY)
                assert CODES[codes[s.index]] == (want or ""), (nd, s)
                seen.add(want)
                assert earned[view.c.of[nd.index], s.index] == pair_units(nd, s, POLICY, u)
    # every rule was in play
    assert {"offers", "self", "line_manager", "assessor", "untrained", "stage", "experience",
            "phase", None} <= seen


def own_school(need, sup) -> bool:
    return need.novice and bool(need.staff.school.strip()) and \
        fold(sup.school) == fold(need.staff.school)


def objective(needs, sups, pairs: dict[int, int]) -> tuple[int, int, int, float]:
    load = [0] * len(sups)
    for j in pairs.values():
        load[j] += 1
    pref = 0.0
    for i, j in pairs.items():
        pref += sum(e for name, _, e, _ in parts(needs[i], sups[j], POLICY, 1)
                    if name != "load_spread")
    for s in sups:
        m = load[s.index]
        if m:
            pref += W["load_spread"] * m * load_share(m, s.capacity)
    own = sum(1 for i, j in pairs.items() if own_school(needs[i], sups[j]))
    return sum(1 for i in pairs if needs[i].novice), len(pairs), own, pref


def brute_best(needs, sups):
    choices = [[None] + [s.index for s in sups if exclusion(nd, s, POLICY) is None]
               for nd in needs]
    best = None
    for combo in itertools.product(*choices):
        pairs = {i: j for i, j in enumerate(combo) if j is not None}
        load = [0] * len(sups)
        for j in pairs.values():
            load[j] += 1
        if any(load[s.index] > s.capacity for s in sups):
            continue
        value = objective(needs, sups, pairs)
        if best is None or value[:3] > best[:3] or (value[:3] == best[:3] and value[3] > best[3]):
            best = value
    return best


@pytest.mark.parametrize("seed", range(40))
def test_preferences_are_the_brute_force_best(seed: int) -> None:
    rng = random.Random(1000 + seed)
    staff, needs, sups = random_instance(rng, rng.randrange(1, 4), rng.randrange(1, 4))
    needs = needs[:5]
    sol = solve(needs, sups, POLICY)
    check_valid(needs, sups, sol)
    got = objective(needs, sups, sol.pairs)
    best = brute_best(needs, sups)
    assert got[:3] == best[:3]
    # each preference of a pair is rounded to 1/PREFERENCE_SCALE of the total weight
    assert got[3] >= best[3] - len(needs) * len(PREFERENCES) * sum(W.values()) / PREFERENCE_SCALE


def _person(i, sid, stage, school="North", subject="Maths", rec="mentoring"):
    row = StaffRow(row=i + 2, staff_id=sid, name="", recommendation=rec,
                   stage=STAGES.index(stage), school=school, subject=subject)
    return row


def _sup(j, sid, offers, stage, cap=1, school="North", subject="Maths", trained=True):
    return Supporter(index=j, row=j + 2, staff_id=sid, name="", coaching=offers != "mentoring",
                     mentoring=offers != "coaching", stage=STAGES.index(stage), capacity=cap,
                     school=school, subject=subject, trained=trained)


def test_first_come_greedy_would_leave_the_ect_unmatched() -> None:
    # X (first in the file) needs a coach and would take A, the better pair for them (same
    # school, same subject, trained); then the early career teacher E, whom only A may mentor,
    # gets nobody. The optimum gives X to B and A to E.
    x = _person(0, "X", "middle_leader", rec="coaching")
    e = _person(1, "E", "early_career", school="South", subject="Art")
    needs = [Need(0, x, "coaching"), Need(1, e, "mentoring")]
    a = _sup(0, "A", "both", "middle_leader", subject="History")
    b = _sup(1, "B", "coaching", "established", school="East", subject="Maths", trained=False)
    sol = solve(needs, [a, b], POLICY)
    assert sol.pairs == {0: 1, 1: 0}


def test_novices_first_then_count_then_preferences() -> None:
    # One place, A's: the early career teacher E gets it although X is the better pair.
    # (Covering a novice never costs a relationship in a bipartite matching -- a transversal
    # matroid -- so the first objective only chooses among the largest matchings.)
    e = _person(0, "E", "early_career", school="South", subject="Art")
    x = _person(1, "X", "established")
    needs = [Need(0, x, "mentoring"), Need(1, e, "mentoring")]
    a = _sup(0, "A", "mentoring", "middle_leader")
    assert solve(needs, [a], POLICY).pairs == {1: 0}
    # Count beats preferences: X prefers A, but only A can take Y.
    y = _person(2, "Y", "established", school="East", subject="Art")
    needs = [Need(0, x, "mentoring"), Need(1, y, "mentoring")]
    b = _sup(1, "B", "mentoring", "established", school="West", subject="PE", trained=False)
    b.staff_id = "B"
    y.staff_id = "B"  # B cannot mentor themselves
    assert solve(needs, [a, b], POLICY).pairs == {0: 1, 1: 0}


def test_both_may_be_one_person_only_when_each_role_is_allowed() -> None:
    p = _person(0, "P", "early_career", rec="both")
    p.line_manager = "a"  # as StaffRow keeps it (an idkey)
    needs = [Need(0, p, "coaching"), Need(1, p, "mentoring")]
    a = _sup(0, "A", "both", "senior_leader", cap=2)
    sol = solve(needs, [a], POLICY)
    assert sol.pairs == {1: 0}  # A may mentor their own report but never coach them
    p.line_manager = ""
    sol = solve(needs, [a], POLICY)
    assert sol.pairs == {0: 0, 1: 0} and sol.load == [2]


def test_same_input_same_pairs() -> None:
    rng = random.Random(3)
    staff, needs, sups = random_instance(rng, 200, 40)
    first = solve(needs, sups, POLICY).pairs
    assert all(solve(needs, sups, POLICY).pairs == first for _ in range(3))


def test_every_preference_has_words_and_a_source() -> None:
    for name in PREFERENCES:
        pref = getattr(MATCHING, name)
        assert pref.reason and pref.unmet and pref.source is not None


@pytest.mark.parametrize("seed", range(20))
def test_avoided_pairs_are_never_made_and_the_rest_is_still_the_maximum(seed: int) -> None:
    rng = random.Random(500 + seed)
    staff, needs, sups = random_instance(rng, rng.randrange(5, 30), rng.randrange(2, 10))
    allowed = [(nd.index, s.index) for nd in needs for s in sups
               if exclusion(nd, s, POLICY) is None]
    avoid = frozenset(rng.sample(allowed, len(allowed) // 3))
    sol = solve(needs, sups, POLICY, avoid=sorted(avoid))
    check_valid(needs, sups, sol)
    assert not set(sol.pairs.items()) & avoid
    assert len(sol.pairs) == max_flow(needs, sups, avoid=avoid)


def test_kept_pairs_hold_their_places() -> None:
    rng = random.Random(11)
    staff, needs, sups = random_instance(rng, 25, 8)
    free = solve(needs, sups, POLICY)
    i, j = next(iter(free.pairs.items()))
    # keep a pair the optimum would not have made, where the supporter has room
    other = next((nd.index, s.index) for nd in needs for s in sups
                 if exclusion(nd, s, POLICY) is None and free.pairs.get(nd.index) != s.index
                 and s.capacity > 0)
    sol = solve(needs, sups, POLICY, fixed=dict([other]))
    check_valid(needs, sups, sol)
    assert sol.pairs[other[0]] == other[1]
    assert len(sol.pairs) >= len(free.pairs) - 1


def pair_value(nd, sup, t) -> int:
    """A pair's value in the solver's integer units, load aside, from the pair-by-pair
    reference (not the class tables the solver reads)."""
    value = t.tier * (1 + nd.novice) + pair_units(nd, sup, POLICY, t.units)
    return value + (t.own if POLICY.own_school and own_school(nd, sup) else 0)


def dense_optimum(needs, sups, t) -> int:
    """The best total by linear_sum_assignment over every need x place (the old dense
    formulation), from the reference values."""
    from scipy.optimize import linear_sum_assignment

    places = [(s, turn) for s in sups for turn in range(s.capacity)]
    value = np.zeros((len(needs), len(places)))
    for nd in needs:
        for k, (s, turn) in enumerate(places):
            if exclusion(nd, s, POLICY) is None:
                load = int(t.load_units(np.array([s.capacity]), np.array([turn]))[0])
                value[nd.index, k] = pair_value(nd, s, t) + load
    if not places:
        return 0
    r, c = linear_sum_assignment(value, maximize=True)
    return int(value[r, c].sum())


def solution_total(needs, sups, pairs, t) -> int:
    load = [0] * len(sups)
    total = 0
    for i, j in pairs.items():
        total += pair_value(needs[i], sups[j], t)
        total += int(t.load_units(np.array([sups[j].capacity]), np.array([load[j]]))[0])
        load[j] += 1
    return total


def test_the_sparse_graph_reaches_the_dense_optimum(monkeypatch) -> None:
    # Start from almost no candidates, so that the pricing rounds must find the pairs the
    # optimum needs: the result must still be the optimum of all pairs. (Any two valid tier
    # weightings have the same optima, so the totals compare under the test's own.)
    import coachmentor.match.optimise as optimise

    for name in ("NEED_K", "SUPPORTER_K", "PER_CLASS", "ADD_K"):
        monkeypatch.setattr(optimise, name, 1)
    monkeypatch.setattr(optimise, "NEED_SLACK", 0)
    priced = 0
    for seed in range(16):
        rng = random.Random(2000 + seed)
        staff, needs, sups = random_instance(rng, rng.randrange(20, 70), rng.randrange(4, 16))
        sol = solve(needs, sups, POLICY)
        check_valid(needs, sups, sol)
        most = min(len(needs), sum(s.capacity for s in sups))
        t = tiers(POLICY, max(most, 1))
        assert solution_total(needs, sups, sol.pairs, t) == dense_optimum(needs, sups, t), seed
        assert len(sol.pairs) == max_flow(needs, sups)
        priced += sol.stats.get("rounds", 1) > 1
    assert priced >= 8  # most instances needed pairs the first graph did not have
