"""Matching benchmark: `coachmentor match` end to end against the plain solver call on its own
final graph, in one run, with peak memory, against issue 19's targets.

    python bench/bench_match.py [--sizes 10000x2000 20000x4000 40000x8000] [--repeat 1]
                                [--seed 1] [--dense] [--ortools]

For each STAFFxSUPPORTERS size a fresh process writes a staff CSV (a multi-school trust:
career stages, focus and the other answers drawn from skewed distributions, school, subject,
line manager and assessors) and a supporters CSV (offers, career stage, capacity 1-3, school,
subject, trained, specialisms), then measures, best of --repeat:

- `match_files()` in-process, end to end: read both files, assess every staff row with the
  engine, build the class tables, solve exactly on the sparse graph (all pricing rounds),
  check every pair, explain every row, work out every fix, write the CSV;
- the plain solver call alone: `min_weight_full_bipartite_matching` on the final sparse graph
  `match` solved (the floor of any formulation on those pairs);
- `--dense`: `linear_sum_assignment` on the dense needs x places matrix of the same values
  (what match did before; only where it fits in memory), to show the optimum is the same;
- `--ortools`: OR-Tools' min-cost flow on the same final graph (supporters as nodes with
  their capacity, no places), when ortools is installed (it is not a dependency).

It prints the sizes, both times (and match's processor time, which another user's load
changes less than the wall clock), their ratio, the peak resident memory of the process and
match's own estimate (`match.size.estimate`), and whether the targets hold. The machine is
shared: compare within one run, and read the absolute figures with the load beside them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCHOOLS = ["Northfield Primary", "Riverside Academy", "St Anne's High", "Hillcrest", "Brook Lane"]
SUBJECTS = ["Maths", "English", "Science", "History", "Geography", "MFL", "Art", "PE",
            "Computing", "EYFS", "KS1", "KS2"]
STAGES = [("trainee", 8), ("ECT", 14), ("established", 45), ("middle_leader", 22),
          ("senior_leader", 11)]
FOCUS = [("induction", 14), ("new_role", 10), ("strategic_perspective", 5),
         ("specific_practice", 16), ("interpersonal", 6), ("conflict", 4),
         ("leadership_challenge", 9), ("career_direction", 8), ("succession", 4),
         ("inclusion", 3), ("reverse", 2), ("wellbeing", 8), ("monitoring_concern", 6)]
SPECIALISMS = ["induction", "transition", "career", "leadership", "instructional",
               "performance", "executive", "behavioural"]
# issue 19's targets: seconds and MiB, end to end
TARGETS = {(10000, 2000): (2.5, 400), (20000, 4000): (12, 1024), (40000, 8000): (75, 4096)}


def pick(rng: random.Random, table: list[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in table], [w for _, w in table])[0]


def write_files(folder: Path, n_staff: int, n_sups: int, seed: int) -> tuple[Path, Path]:
    rng = random.Random(seed)
    sup_ids = [f"T{j:05d}" for j in range(n_sups)]
    staff = folder / f"staff_{n_staff}.csv"
    with staff.open("w", encoding="utf-8") as fh:
        fh.write("staff_id,name,career_stage,focus,new_to_role,time_frame,reflective_capacity,"
                 "preference,open_to_coaching,school,subject,line_manager_id,assessor_id\n")
        for i in range(n_staff):
            assessors = ";".join(rng.sample(sup_ids, rng.choice([0, 1, 1, 2])))
            fh.write(",".join([
                f"P{i:05d}", f"Person {i}", pick(rng, STAGES), pick(rng, FOCUS),
                rng.choice(["yes", "no"]), rng.choice(["short", "long", "open"]),
                rng.choice(["low", "moderate", "high"]),
                rng.choice(["advice", "own_answers", "none"]),
                rng.choice(["yes", "no", "unsure"]), rng.choice(SCHOOLS), rng.choice(SUBJECTS),
                rng.choice(sup_ids), assessors]) + "\n")
    sups = folder / f"supporters_{n_sups}.csv"
    with sups.open("w", encoding="utf-8") as fh:
        fh.write("staff_id,name,offers,career_stage,capacity,school,subject,trained,specialisms\n")
        for j, sid in enumerate(sup_ids):
            stage = pick(rng, STAGES[1:])
            fh.write(",".join([
                sid, f"Supporter {j}", rng.choice(["coaching", "mentoring", "both"]), stage,
                str(rng.choice([1, 2, 2, 3])), rng.choice(SCHOOLS), rng.choice(SUBJECTS),
                rng.choice(["yes", "no"]), ";".join(rng.sample(SPECIALISMS, rng.randrange(3)))])
                + "\n")
    return staff, sups


def _final_graph(rules, staff, sups):
    """The final sparse graph match solves (the same steps as optimise.solve)."""
    import numpy as np

    from coachmentor.match import optimise as o
    from coachmentor.match.io import needs_of, read_staff, read_supporters
    from coachmentor.match.pairs import PairView
    from coachmentor.match.policy import compile_policy

    policy = compile_policy(rules.model.matching)
    st, _ = read_staff(rules, str(staff))
    sp, _ = read_supporters(rules, str(sups))
    needs = needs_of(st)
    view = PairView(needs, sp, policy)
    m = len(sp)
    spare = view.s.cap.copy()
    free = np.ones(len(needs), bool)
    most = int(min(int(free[((view.codes == 0) & (spare > 0)[None, :]).any(axis=1)[view.c.of]]
                             .sum()), int(spare.sum())))
    prob = o._Problem(view, o.tiers(policy, max(most, 1)), np.zeros(m, np.int64), spare, free)
    keys = o._candidates(prob)
    while True:
        g = o._graph(prob, keys)
        match = o._match(g)
        more = o._price(prob, g, keys, *o._potentials(g, match))
        if more.size == 0:
            return prob, g, match, view
        keys = o._unique(np.concatenate([keys, more]))


def _plain_solver(g) -> float:
    """min_weight_full_bipartite_matching alone on the final graph (its matrix built first)."""
    import numpy as np
    from scipy.sparse import csc_matrix
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    n, P = g.rows.size, g.place_sup.size
    indptr = np.concatenate([g.e_start, g.e_row.size + np.arange(n + 1)])
    graph = csc_matrix((np.concatenate([(g.e_value + 1).astype(float), np.ones(n)]),
                        np.concatenate([g.e_row, np.arange(n)]), indptr),
                       shape=(n, P + n)).tocsr()
    t0 = time.perf_counter()
    min_weight_full_bipartite_matching(graph, maximize=True)
    return time.perf_counter() - t0


def _total(prob, g, match) -> int:
    import numpy as np

    e_place = np.repeat(np.arange(g.place_sup.size), np.diff(np.append(g.e_start, g.e_row.size)))
    used = match[g.e_row] == e_place
    return int(g.e_value[used].sum())


def _dense(prob, view) -> tuple[float, int] | None:
    """linear_sum_assignment on the dense needs x places matrix of the same values."""
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    spare = prob.spare
    place_sup = np.repeat(np.arange(view.m), spare)
    if view.n * place_sup.size * 8 * 3 > (3 << 30):
        return None
    turn = np.arange(place_sup.size) - np.repeat(np.cumsum(spare) - spare, spare)
    load = prob.t.load_units(view.s.cap[place_sup], turn)
    value = prob.V[view.c.of][:, place_sup].astype(np.float64)
    ok = value >= 0
    for i, j in view.own:
        ok[i, place_sup == j] = False
    value = np.where(ok, value + load[None, :], 0.0)
    t0 = time.perf_counter()
    r, c = linear_sum_assignment(value, maximize=True)
    return time.perf_counter() - t0, int(value[r, c].sum())


def _ortools(prob, g) -> float | None:
    """OR-Tools min-cost flow on the same pairs, supporters as nodes (None: not installed)."""
    try:
        from ortools.graph.python import min_cost_flow
    except ImportError:
        return None
    import numpy as np

    n, m = g.rows.size, prob.view.m
    first = g.first_place
    sup_edges = first[g.place_sup] == np.arange(g.place_sup.size)  # each supporter's first place
    e_place = np.repeat(np.arange(g.place_sup.size), np.diff(np.append(g.e_start, g.e_row.size)))
    pick = sup_edges[e_place]
    rows, sup = g.e_row[pick], g.place_sup[e_place[pick]]
    base = g.e_value[pick] - prob.t.load_units(prob.view.s.cap[sup], g.place_turn[e_place[pick]])
    src, sink = n + m, n + m + 1
    f = min_cost_flow.SimpleMinCostFlow()
    tails = [np.full(n, src), rows, np.arange(n), n + g.place_sup]
    heads = [np.arange(n), n + sup, np.full(n, sink), np.full(g.place_sup.size, sink)]
    costs = [np.zeros(n, np.int64), -base, np.zeros(n, np.int64),
             -prob.t.load_units(prob.view.s.cap[g.place_sup], g.place_turn)]
    caps = [np.ones(t.size, np.int64) for t in tails]
    f.add_arcs_with_capacity_and_unit_cost(np.concatenate(tails), np.concatenate(heads),
                                           np.concatenate(caps), np.concatenate(costs))
    f.set_nodes_supplies(np.array([src, sink]), np.array([n, -n]))
    t0 = time.perf_counter()
    f.solve()
    return time.perf_counter() - t0


def one(size: str, repeat: int, seed: int, dense: bool, ortools: bool) -> dict:
    from coachmentor.match.run import match_files
    from coachmentor.match.size import estimate
    from coachmentor.rulebase.loader import load_rules

    n_staff, n_sups = (int(x) for x in size.lower().split("x"))
    rules = load_rules(None)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        staff, sups = write_files(folder, n_staff, n_sups, seed)
        best = cpu = float("inf")
        summary: dict = {}
        for _ in range(repeat):
            rules.engine_memo = None  # the engine's memos, made again on first use
            t0, c0 = time.perf_counter(), time.process_time()
            summary = match_files(rules, str(staff), str(sups), output=folder / "pairs.csv")
            best = min(best, time.perf_counter() - t0)
            cpu = min(cpu, time.process_time() - c0)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        prob, g, match, view = _final_graph(rules, staff, sups)
        plain = min(_plain_solver(g) for _ in range(repeat))
        out = {"staff": n_staff, "supporters": n_sups,
               "needed": summary["relationships"]["needed"],
               "matched": summary["relationships"]["matched"], "classes": view.c.count,
               "rounds": summary["solver"].get("rounds", 0),
               "edges": summary["solver"].get("graph_edges", 0),
               "match_s": best, "cpu_s": cpu, "solver_s": plain, "peak_mib": peak,
               "estimate_mib": estimate(view) / (1 << 20)}
        if dense:
            got = _dense(prob, view)
            if got is not None:
                out["dense_s"], total = got
                out["dense_same"] = total == _total(prob, g, match)
        if ortools:
            out["ortools_s"] = _ortools(prob, g)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", nargs="+", default=["10000x2000", "20000x4000", "40000x8000"])
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dense", action="store_true")
    ap.add_argument("--ortools", action="store_true")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.repeat, args.seed, args.dense, args.ortools)))
        return
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"{'staff':>6} {'supp.':>6} {'needed':>7} {'matched':>7} {'classes':>7} {'rounds':>6} "
          f"{'edges':>9} {'match s':>8} {'cpu s':>6} {'solver s':>8} {'ratio':>6} {'peak MiB':>8} "
          f"{'est. MiB':>8}  target")
    for size in args.sizes:
        cmd = [sys.executable, __file__, "--one", size, "--repeat", str(args.repeat), "--seed",
               str(args.seed)] + (["--dense"] if args.dense else []) + \
              (["--ortools"] if args.ortools else [])
        r = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
        target = TARGETS.get((r["staff"], r["supporters"]))
        verdict = ""
        if target:
            ok = r["match_s"] <= target[0] and r["peak_mib"] <= target[1]
            verdict = f"<= {target[0]} s, <= {target[1]} MiB: {'met' if ok else 'NOT met'}"
        print(f"{r['staff']:>6} {r['supporters']:>6} {r['needed']:>7} {r['matched']:>7} "
              f"{r['classes']:>7} {r['rounds']:>6} {r['edges']:>9} {r['match_s']:>8.2f} "
              f"{r['cpu_s']:>6.2f} {r['solver_s']:>8.2f} {r['match_s'] / r['solver_s']:>6.1f} "
              f"{r['peak_mib']:>8.0f} {r['estimate_mib']:>8.0f}  {verdict}", flush=True)
        if "dense_s" in r:
            print(f"{'':>14} dense linear_sum_assignment: {r['dense_s']:.2f} s, same optimum: "
                  f"{r['dense_same']}")
        if args.ortools:
            got = r.get("ortools_s")
            print(f"{'':>14} OR-Tools min-cost flow on the same pairs: "
                  + (f"{got:.2f} s" if got is not None else "not installed"))
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
