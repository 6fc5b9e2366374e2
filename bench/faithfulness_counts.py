"""Issue 21's counts over the whole answer space: how the results are spread (coaching,
mentoring, both, other, and by type), and how often each fault the issue names occurs.

    python bench/faithfulness_counts.py [--rules FILE] [--suite FILE] [--space field=v1,v2] [--json]

Not a speed benchmark: a measurement of what the rule base and the engine decide, to run
before and after a change and compare. One sweep of every consistent answer set in the
suite's space (rules/suites/sources.yaml sweeps the readiness screen blank or `none`:
1,976,832 answer sets for rule base 2.0.0), through the library (`engine.brief`, as
`assess` and `rules test` use it). The suite's `monotone:` cases are checked in the same
sweep (verify/monotone.py), and every reason against the result it is shown under
(verify/outcome.py). Each count says what it counts; those the issue gives are marked with
the issue's figure.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

from coachmentor.engine import brief, decide, toward
from coachmentor.rulebase.loader import load_rules
from coachmentor.verify.outcome import ReasonCheck, need_reader, plan_reader
from coachmentor.verify.suite import _sweep, load_suite, merge_space, monotone_sweep, parse_space, plan_space

ROOT = Path(__file__).resolve().parents[1]
COACH = ("coaching", "both")
LEADERS = ("established", "middle_leader", "senior_leader")

# (key, what it counts, the issue's figure or None)
COUNTS = [
    ("low_reflection_coached", "low reflection, and a coach in any form (coaching or both)", 49_226),
    ("advice_low_reflection_not_mentored", "wants advice, low reflection, and not simply mentored", 10_990),
    ("strategic_mentoring_alone", "strategic perspective, an established teacher or leader whose "
     "reflection is not low and who is not negative about coaching, mentored alone", 5_880),
    ("ect_area_mentoring_alone", "an early career teacher with one specific aspect of practice, "
     "reflection not low, not negative about coaching, mentored alone", 664),
    ("new_role_or_induction_both", "a new-role or induction need given both", None),
    ("trainee_both", "a trainee given both", None),
    ("need_said_to_point_away", "a reason worded 'their chosen need points the other way' "
     "where the need's own rules do not point away from the result", 300_544),
    ("grow_under_mentoring", "'falling back on mentoring would not let them grow' under mentoring", 11_160),
    ("ect_coach_under_mentoring", "'an early career teacher can have ... a coach' under mentoring", 5_918),
    ("ect_coach_under_mentoring_unframed", "... not introduced as set aside", None),
    ("reasons_disagree", "any reason that contradicts its result (verify/outcome.py)", None),
    ("career_type_not_career", "mentoring type 'career' for a need other than career direction", 358_528),
    ("career_type_not_career_or_wellbeing", "... nor work/life balance (wellbeing)", None),
    ("performance_coaching", "coaching type 'performance'", None),
    ("long_plan_under_six_months", "time frame long, and the plan says 'under six months'", 116_854),
    ("short_plan_over_a_year", "time frame short, and the plan says 'over a year'", None),
    ("voluntary_paradox", "they identified the need themselves and get no coach, but would "
     "get one had someone else identified it", None),
]


def measure(rules_path: str | None, suite_path: Path, space: list[str]) -> dict:
    rules = load_rules(rules_path)
    suite = load_suite(suite_path, rules)
    plan = plan_space(rules, merge_space(suite.space, parse_space(space, rules)))
    watch = monotone_sweep(plan, suite.monotone) if suite.monotone else None
    need_of, plan_of, check = need_reader(rules), plan_reader(rules), ReasonCheck(rules)
    counts: Counter[str] = Counter()
    by_type: Counter[tuple] = Counter()
    decided: Counter[str] = Counter()
    started = time.perf_counter()
    for combo, a in _sweep(plan):
        b = brief(rules, a)
        rec = b.recommendation
        counts["answer_sets"] += 1
        counts[rec] += 1
        by_type[(rec, b.coaching_type, b.mentoring_type)] += 1
        if watch is not None:
            watch.see(combo, rec)
        decided[decide(rules, a).decided_by] += 1
        reasons = tuple(r.rule for r in b.reasons)
        texts = tuple(r.text for r in b.reasons)
        need = need_of(a)
        focus, stage, refl = a["focus"], a["career_stage"], a.get("reflective_capacity")
        not_ruled_out = refl != "low" and a.get("open_to_coaching") != "no"
        counts["low_reflection_coached"] += refl == "low" and rec in COACH
        counts["advice_low_reflection_not_mentored"] += (
            refl == "low" and a.get("preference") == "advice" and rec != "mentoring")
        counts["strategic_mentoring_alone"] += (
            focus == "strategic_perspective" and stage in LEADERS and not_ruled_out and rec == "mentoring")
        counts["ect_area_mentoring_alone"] += (
            focus == "specific_practice" and stage == "early_career" and not_ruled_out and rec == "mentoring")
        counts["new_role_or_induction_both"] += focus in ("new_role", "induction") and rec == "both"
        counts["trainee_both"] += stage == "trainee" and rec == "both"
        counts["need_said_to_point_away"] += rec != "other" and toward(rec, *need) >= 0 and any(
            check.outweighed.match(t) for t in texts)
        counts["grow_under_mentoring"] += rec == "mentoring" and any("would not let them grow" in t for t in texts)
        ect = [t for t in texts if "early career teacher" in t and "can have an official mentor" in t]
        counts["ect_coach_under_mentoring"] += rec == "mentoring" and bool(ect)
        counts["ect_coach_under_mentoring_unframed"] += rec == "mentoring" and any(
            not (check.outweighed.match(t) or check.set_aside.match(t)) for t in ect)
        counts["reasons_disagree"] += bool(check.problems(rec, b.alternative, reasons, texts, need))
        counts["career_type_not_career"] += b.mentoring_type == "career" and focus != "career_direction"
        counts["career_type_not_career_or_wellbeing"] += (
            b.mentoring_type == "career" and focus not in ("career_direction", "wellbeing"))
        counts["performance_coaching"] += b.coaching_type == "performance"
        said = " ".join(plan_of(rec, a)).casefold()
        counts["long_plan_under_six_months"] += a.get("time_frame") == "long" and "under six months" in said
        counts["short_plan_over_a_year"] += a.get("time_frame") == "short" and "over a year" in said
        if a.get("self_identified") == "yes" and rec not in COACH:
            counts["voluntary_paradox"] += brief(rules, {**a, "self_identified": "no"}).recommendation in COACH
    out: dict = {"rules": f"{rules.name} {rules.version} ({rules.hash})",
                 "seconds": round(time.perf_counter() - started, 1), "counts": dict(counts),
                 "by_type": [[*k, v] for k, v in sorted(by_type.items(), key=lambda kv: (-kv[1], str(kv[0])))],
                 "decided_by": dict(decided.most_common())}
    if watch is not None:
        out["monotone"] = {c.id: dict(zip(("pairs", "broken"), watch.check(k, 0)[:2]))
                           for k, c in enumerate(suite.monotone)}
    return out


def report(m: dict) -> str:
    c = m["counts"]
    n = c["answer_sets"]
    lines = [f"{m['rules']}: {n:,} answer sets in {m['seconds']} s", "", "Results:"]
    lines += [f"  {rec:<10} {c.get(rec, 0):>9,}  {100 * c.get(rec, 0) / n:5.1f}%"
              for rec in ("coaching", "mentoring", "both", "other")]
    lines += ["", "By type (recommendation, coaching type, mentoring type):"]
    lines += [f"  {rec:<10} {str(ct):<14} {str(mt):<12} {v:>9,}" for rec, ct, mt, v in m["by_type"]]
    lines += ["", "Decided by (the constraint or gate that settled it, else the scores):"]
    lines += [f"  {k:<40} {v:>9,}" for k, v in m["decided_by"].items()]
    lines += ["", "Counts (the issue's figure in brackets):"]
    for key, what, issue in COUNTS:
        was = f"  [issue: {issue:,}]" if issue is not None else ""
        lines.append(f"  {c.get(key, 0):>9,}  {what}{was}")
    for cid, r in m.get("monotone", {}).items():
        lines.append(f"  {r['broken']:>9,}  of {r['pairs']:,} pairs compared break monotone case {cid}")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rules", default=None, help="a rule base (default: the shipped one)")
    ap.add_argument("--suite", type=Path, default=ROOT / "rules" / "suites" / "sources.yaml",
                    help="its space and monotone cases are used (default: sources.yaml)")
    ap.add_argument("--space", action="append", default=[], metavar="FIELD=V1,V2",
                    help="narrow the sweep as `rules test --space` does (e.g. to the needs of an older rule base)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    m = measure(args.rules, args.suite, args.space)
    print(json.dumps(m, indent=2) if args.json else report(m))


if __name__ == "__main__":
    main()
