"""match's optimum, checked against independent computations on random instances:
maximum flow (scipy.sparse.csgraph) for the counts, brute force for the preferences."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_flow

from coachmentor.match.eligibility import eligible_matrix, exclusion
from coachmentor.match.optimise import PREFERENCE_SCALE, solve
from coachmentor.match.people import STAGES, Need, StaffRow, Supporter
from coachmentor.match.preferences import PREFERENCES, earned_matrix, load_share, parts, weights
from coachmentor.rulebase.loader import load_rules

MATCHING = load_rules(None).model.matching
W = weights(MATCHING)
SCHOOLS = ["North", "South", "East", ""]
SUBJECTS = ["Maths", "English", "Science", ""]
TYPES = ["", "induction", "career", "leadership", "instructional"]


def random_instance(rng: random.Random, n_staff: int, n_sups: int):
    sups = []
    for j in range(n_sups):
        offers = rng.choice([(True, False), (False, True), (True, True)])
        sups.append(Supporter(
            index=j, row=j + 2, staff_id=f"S{j}", name=f"Sup {j}", coaching=offers[0],
            mentoring=offers[1], stage=rng.randrange(5), capacity=rng.choice([0, 1, 1, 2, 3]),
            school=rng.choice(SCHOOLS), subject=rng.choice(SUBJECTS),
            trained=rng.choice([True, False, None]),
            specialisms=frozenset(rng.sample(TYPES[1:], rng.randrange(3)))))
    ids = [s.staff_id for s in sups]
    staff, needs = [], []
    for i in range(n_staff):
        sid = rng.choice(ids) if rng.random() < 0.2 else f"P{i}"  # some supporters need help too
        row = StaffRow(row=i + 2, staff_id=sid, name=f"Person {i}",
                       recommendation=rng.choice(["coaching", "mentoring", "both"]),
                       stage=rng.randrange(5), school=rng.choice(SCHOOLS),
                       subject=rng.choice(SUBJECTS), department="",
                       line_manager=rng.choice(ids) if rng.random() < 0.5 else "",
                       assessors=frozenset(rng.sample(ids, rng.randrange(min(3, len(ids)) + 1))))
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
        rows.append(src), cols.append(1 + a), caps.append(1)
        for sup in sups:
            if exclusion(nd, sup) is None and (nd.index, sup.index) not in avoid:
                rows.append(1 + a), cols.append(1 + n + sup.index), caps.append(1)
    for sup in sups:
        rows.append(1 + n + sup.index), cols.append(sink), caps.append(sup.capacity)
    if not keep:
        return 0
    graph = csr_matrix((np.array(caps, np.int32), (rows, cols)), shape=(n + s + 2, n + s + 2))
    return int(maximum_flow(graph, src, sink).flow_value)


def check_valid(needs, sups, sol) -> None:
    load = [0] * len(sups)
    for i, j in sol.pairs.items():
        assert exclusion(needs[i], sups[j]) is None
        load[j] += 1
    assert load == sol.load
    assert all(load[s.index] <= s.capacity for s in sups)


@pytest.mark.parametrize("seed", range(60))
def test_counts_are_the_maximum_flow(seed: int) -> None:
    rng = random.Random(seed)
    staff, needs, sups = random_instance(rng, rng.randrange(1, 40), rng.randrange(1, 15))
    sol = solve(needs, sups, MATCHING)
    check_valid(needs, sups, sol)
    novices = sum(1 for i in sol.pairs if needs[i].novice)
    assert novices == max_flow(needs, sups, only=lambda nd: nd.novice)
    # a transversal matroid: the most relationships and the most novices' mentoring at once
    assert len(sol.pairs) == max_flow(needs, sups)


def test_matrix_and_pair_by_pair_rules_agree() -> None:
    rng = random.Random(7)
    for _ in range(20):
        staff, needs, sups = random_instance(rng, 30, 12)
        E = eligible_matrix(needs, sups)
        ref = np.array([[exclusion(nd, s) is None for s in sups] for nd in needs])
        assert (E == ref).all()
        earned = earned_matrix(needs, sups, W)
        for nd in needs:
            for s in sups:
                want = sum(e for name, _, e in parts(nd, s, W, 1) if name != "load_spread")
                assert earned[nd.index, s.index] == pytest.approx(want)


def objective(needs, sups, pairs: dict[int, int]) -> tuple[int, int, float]:
    load = [0] * len(sups)
    for j in pairs.values():
        load[j] += 1
    pref = 0.0
    for i, j in pairs.items():
        pref += sum(e for name, _, e in parts(needs[i], sups[j], W, 1) if name != "load_spread")
    for s in sups:
        m = load[s.index]
        if m:
            pref += W["load_spread"] * m * load_share(m, s.capacity)
    return sum(1 for i in pairs if needs[i].novice), len(pairs), pref


def brute_best(needs, sups):
    choices = [[None] + [s.index for s in sups if exclusion(nd, s) is None] for nd in needs]
    best = None
    for combo in itertools.product(*choices):
        pairs = {i: j for i, j in enumerate(combo) if j is not None}
        load = [0] * len(sups)
        for j in pairs.values():
            load[j] += 1
        if any(load[s.index] > s.capacity for s in sups):
            continue
        value = objective(needs, sups, pairs)
        if best is None or value[:2] > best[:2] or (value[:2] == best[:2] and value[2] > best[2]):
            best = value
    return best


@pytest.mark.parametrize("seed", range(40))
def test_preferences_are_the_brute_force_best(seed: int) -> None:
    rng = random.Random(1000 + seed)
    staff, needs, sups = random_instance(rng, rng.randrange(1, 4), rng.randrange(1, 4))
    needs = needs[:5]
    sol = solve(needs, sups, MATCHING)
    check_valid(needs, sups, sol)
    got = objective(needs, sups, sol.pairs)
    best = brute_best(needs, sups)
    assert got[:2] == best[:2]
    # each pair's preference is rounded to 1/PREFERENCE_SCALE of the total weight
    assert got[2] >= best[2] - len(needs) * sum(W.values()) / PREFERENCE_SCALE


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
    sol = solve(needs, [a, b], MATCHING)
    assert sol.pairs == {0: 1, 1: 0}


def test_novices_first_then_count_then_preferences() -> None:
    # One place, A's: the early career teacher E gets it although X is the better pair.
    # (Covering a novice never costs a relationship in a bipartite matching -- a transversal
    # matroid -- so the first objective only chooses among the largest matchings.)
    e = _person(0, "E", "early_career", school="South", subject="Art")
    x = _person(1, "X", "established")
    needs = [Need(0, x, "mentoring"), Need(1, e, "mentoring")]
    a = _sup(0, "A", "mentoring", "middle_leader")
    assert solve(needs, [a], MATCHING).pairs == {1: 0}
    # Count beats preferences: X prefers A, but only A can take Y.
    y = _person(2, "Y", "established", school="East", subject="Art")
    needs = [Need(0, x, "mentoring"), Need(1, y, "mentoring")]
    b = _sup(1, "B", "mentoring", "established", school="West", subject="PE", trained=False)
    b.staff_id = "B"
    y.staff_id = "B"  # B cannot mentor themselves
    assert solve(needs, [a, b], MATCHING).pairs == {0: 1, 1: 0}


def test_both_may_be_one_person_only_when_each_role_is_allowed() -> None:
    p = _person(0, "P", "early_career", rec="both")
    p.line_manager = "A"
    needs = [Need(0, p, "coaching"), Need(1, p, "mentoring")]
    a = _sup(0, "A", "both", "senior_leader", cap=2)
    sol = solve(needs, [a], MATCHING)
    assert sol.pairs == {1: 0}  # A may mentor their own report but never coach them
    p.line_manager = ""
    sol = solve(needs, [a], MATCHING)
    assert sol.pairs == {0: 0, 1: 0} and sol.load == [2]


def test_same_input_same_pairs() -> None:
    rng = random.Random(3)
    staff, needs, sups = random_instance(rng, 200, 40)
    first = solve(needs, sups, MATCHING).pairs
    assert all(solve(needs, sups, MATCHING).pairs == first for _ in range(3))


def test_every_preference_has_words_and_a_source() -> None:
    for name in PREFERENCES:
        pref = getattr(MATCHING, name)
        assert pref.reason and pref.source is not None


@pytest.mark.parametrize("seed", range(20))
def test_avoided_pairs_are_never_made_and_the_rest_is_still_the_maximum(seed: int) -> None:
    rng = random.Random(500 + seed)
    staff, needs, sups = random_instance(rng, rng.randrange(5, 30), rng.randrange(2, 10))
    allowed = [(nd.index, s.index) for nd in needs for s in sups if exclusion(nd, s) is None]
    avoid = frozenset(rng.sample(allowed, len(allowed) // 3))
    sol = solve(needs, sups, MATCHING, avoid=sorted(avoid))
    check_valid(needs, sups, sol)
    assert not set(sol.pairs.items()) & avoid
    assert len(sol.pairs) == max_flow(needs, sups, avoid=avoid)


def test_kept_pairs_hold_their_places() -> None:
    rng = random.Random(11)
    staff, needs, sups = random_instance(rng, 25, 8)
    free = solve(needs, sups, MATCHING)
    i, j = next(iter(free.pairs.items()))
    # keep a pair the optimum would not have made, where the supporter has room
    other = next((nd.index, s.index) for nd in needs for s in sups
                 if exclusion(nd, s) is None and free.pairs.get(nd.index) != s.index
                 and s.capacity > 0)
    sol = solve(needs, sups, MATCHING, fixed=dict([other]))
    check_valid(needs, sups, sol)
    assert sol.pairs[other[0]] == other[1]
    assert len(sol.pairs) >= len(free.pairs) - 1
