"""Matching benchmark: `coachmentor match` against the plain linear_sum_assignment call on the
same value matrix, in one run.

    python bench/bench_match.py [--sizes 200x40 10000x2000] [--repeat 1] [--seed 1]

For each STAFFxSUPPORTERS size it writes a staff CSV (a multi-school trust: career stages,
focus and the other answers drawn from skewed distributions, school, subject, line manager and
assessors) and a supporters CSV (offers, career stage, capacity 1-3, school, subject, trained,
specialisms), then measures, best of --repeat:

- `match_files()` in-process, end to end: read both files, assess every staff row with the
  engine, build the matrix, solve, check every pair, explain every row, write the CSV;
- `linear_sum_assignment(cost)` alone on the matrix `match` built (the floor).

It prints the matrix size, both times, their ratio and the peak resident memory.
"""

from __future__ import annotations

import argparse
import random
import resource
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


def bench(n_staff: int, n_sups: int, repeat: int, seed: int) -> dict:
    from scipy.optimize import linear_sum_assignment

    from coachmentor.match.io import needs_of, read_staff, read_supporters
    from coachmentor.match.optimise import build
    from coachmentor.match.run import match_files
    from coachmentor.rulebase.loader import load_rules

    rules = load_rules(None)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        staff, sups = write_files(folder, n_staff, n_sups, seed)
        best_match = best_lsa = float("inf")
        summary: dict = {}
        for _ in range(repeat):
            rules.decided.clear()
            t0 = time.perf_counter()
            summary = match_files(rules, str(staff), str(sups), output=folder / "pairs.csv")
            best_match = min(best_match, time.perf_counter() - t0)
            # the same matrix, solved alone
            st, _ = read_staff(rules, str(staff))
            sp, _ = read_supporters(rules, str(sups))
            prob = build(needs_of(st), sp, rules.model.matching)
            t0 = time.perf_counter()
            linear_sum_assignment(prob.cost)
            best_lsa = min(best_lsa, time.perf_counter() - t0)
            shape = prob.cost.shape[::-1]
            del prob
    rel = summary["relationships"]
    return {"staff": n_staff, "supporters": n_sups, "needed": rel["needed"],
            "matched": rel["matched"], "matrix": f"{shape[0]}x{shape[1]}",
            "match_s": best_match, "lsa_s": best_lsa, "ratio": best_match / best_lsa}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", nargs="+", default=["200x40", "10000x2000"])
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    print(f"python {sys.version.split()[0]}")
    print(f"{'staff':>6} {'supp.':>6} {'needed':>7} {'matched':>7} {'matrix':>11} "
          f"{'match s':>8} {'LSA s':>8} {'ratio':>6}")
    for size in args.sizes:
        n_staff, n_sups = (int(x) for x in size.lower().split("x"))
        r = bench(n_staff, n_sups, args.repeat, args.seed)
        print(f"{r['staff']:>6} {r['supporters']:>6} {r['needed']:>7} {r['matched']:>7} "
              f"{r['matrix']:>11} {r['match_s']:>8.2f} {r['lsa_s']:>8.2f} {r['ratio']:>6.2f}",
              flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
