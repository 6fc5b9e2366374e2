"""Batch benchmark: `coachmentor assess` against plain csv-module round trips, same files, one run.

    python bench/bench_assess.py [--rows 200000] [--repeat 3] [--rss-rows 1000000]
                                 [--baseline CHECKOUT]

It writes two staff CSVs of --rows rows each (staff id, name, department and eleven answer
columns, with header aliases, synonyms, mixed case and blanks):

- realistic: answers drawn from skewed, correlated distributions, as in real lists (about
  13,000 distinct answer sets in 200,000 rows);
- worst: every answer drawn uniformly over all the values, blanks and common spellings
  (synonyms, odd case) of its question, so that almost every row is a new answer set.

Then, interleaved and best of --repeat, on each file:

- DictReader -> DictWriter adding the twelve result columns and the eleven `<id>_read` columns
  with constant values (the floor `assess` must beat);
- csv.reader -> csv.writer with list rows adding the same constant cells (the practical limit);
- `assess_file()` in-process (the library; rules loaded beforehand, a fresh memo per run),
  with the time spent inside the engine (`engine.brief`, wrapped);
- the real CLI, `coachmentor assess FILE -o OUT --quiet`, as a subprocess (start-up included);
- with --baseline CHECKOUT (a folder holding another version's `src/` and `rules/`, e.g. from
  `git archive main`), that version's CLI the same way, in the same loop: before and after a
  change measured in one run (`CLI / baseline`).

Every contender writes its output to a file in the same temporary folder. Peak memory is the
ru_maxrss of the CLI process on a realistic file of --rss-rows rows, started from a small
Python process (see peak_rss).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = ["Staff ID", "Name", "Department", "Career Stage", "Focus", "New to role",
          "Assessment needed", "Time frame", "Goal type", "Reflective capacity", "Preference",
          "Open to coaching", "Self identified", "Readiness concern"]
QUESTIONS = ["career_stage", "focus", "new_to_role", "assessment_needed", "time_frame",
             "goal_type", "reflective_capacity", "preference", "open_to_coaching",
             "self_identified", "readiness_concern"]  # HEADER[3:], in order
DEPARTMENTS = ["Maths", "English", "Science", "History", "Geography", "MFL", "Art", "Music",
               "PE", "Computing", "SEND", "Pastoral", "RE", "D&T", "Drama"]
FIRST = ["Sam", "Alex", "Priya", "Tom", "Chloé", "Mohammed", "Aisha", "Jack", "Olivia", "Wei",
         "Zoë", "Daniel", "Fatima", "Liam", "Sofia", "Noah", "Grace", "Ethan", "Amara", "Owen"]
LAST = ["Smith", "Jones", "Patel", "Williams", "Brown", "Khan", "O'Neill", "Taylor", "Davies",
        "Evans", "Nowak", "Wilson", "Ahmed", "Murphy", "Hughes", "Clarke", "Chen", "Lewis"]
# (spelling as it appears in exports, weight): canonical values, synonyms, odd case/spaces
STAGES = {
    "trainee": [("Trainee", 5), ("PGCE", 3), ("trainee", 2)],
    "early_career": [("ECT", 6), ("NQT", 2), (" ect ", 1), ("Early Career", 2)],
    "established": [("Established", 8), ("Experienced Teacher", 3), ("established", 2), ("UPS", 1)],
    "middle_leader": [("Middle Leader", 6), ("HoD", 3), ("Head of Year", 2), ("middle_leader", 1)],
    "senior_leader": [("Senior Leader", 4), ("SLT", 3), ("Deputy Head", 1), ("SENIOR-LEADER", 1)],
}
STAGE_WEIGHTS = {"trainee": 10, "early_career": 15, "established": 40, "middle_leader": 22,
                 "senior_leader": 13}
FOCUS = {
    "trainee": [("Induction", 80), ("Behaviour Management", 15), ("wellbeing", 5)],
    "early_career": [("Induction", 60), ("specific practice", 25), ("Wellbeing", 10),
                     ("Career", 5)],
    "established": [("Specific Practice", 45), ("Career Direction", 15), ("Wellbeing", 10),
                    ("Monitoring", 10), ("New Role", 10), ("Interpersonal", 5), ("EDI", 5)],
    "middle_leader": [("New Role", 30), ("Leadership", 25), ("Interpersonal", 15),
                      ("Conflict", 10), ("Succession", 10), ("Strategic", 10)],
    "senior_leader": [("Strategic", 30), ("Leadership Challenge", 30), ("Conflict", 15),
                      ("Succession", 10), ("Reverse Mentoring", 5), ("Wellbeing", 10)],
}
# The optional answers depend on each other and on the stage and focus, as in real lists
# (a trainee is rarely judged highly reflective; someone who wants to think things through is
# usually open to coaching); each is left blank for a share of staff.
TIME_FRAME = {  # by focus
    "long": ("Induction", "Succession", "New Role", "Reverse Mentoring", "EDI"),
    "short": ("Specific Practice", "specific practice", "Behaviour Management", "Conflict",
              "Interpersonal", "Monitoring", "Leadership Challenge"),
}
REFLECTIVE = {  # by stage: (spelling, weight)
    "trainee": [("Low", 5), ("Moderate", 4), ("moderate", 1)],
    "early_career": [("Low", 3), ("Moderate", 6), ("High", 1)],
    "established": [("Moderate", 4), ("High", 5), ("high", 1)],
    "middle_leader": [("Moderate", 3), ("High", 7)],
    "senior_leader": [("Moderate", 2), ("High", 8)],
}
PREFERENCE = {  # by reflective capacity
    "low": [("Advice", 8), ("No preference", 2)],
    "moderate": [("Advice", 4), ("Own answers", 3), ("No preference", 3)],
    "high": [("Own answers", 7), ("Advice", 2), ("None", 1)],
}
OPEN = {  # by preference
    "advice": [("Unsure", 5), ("No", 2), ("Yes", 3)],
    "own_answers": [("Yes", 8), ("yes", 1), ("Unsure", 1)],
    "none": [("Yes", 4), ("Unsure", 5), ("No", 1)],
}


def _pick(rnd: random.Random, pairs: list[tuple[str, int]]) -> str:
    values, weights = zip(*pairs)
    return rnd.choices(values, weights)[0]


GOAL = {  # by focus: (spelling, weight)
    "specific": [("Specific", 7), ("specific", 2), ("Targeted", 1)],
    "broad": [("Broad", 7), ("broad", 2), ("Holistic", 1)],
}
SPECIFIC_FOCI = ("Specific Practice", "specific practice", "Behaviour Management", "Conflict",
                 "Monitoring", "Interpersonal")
CONCERN = [("None", 70), ("N/A", 10), ("Skill Gap", 8), ("Training", 2), ("Crisis", 3),
           ("No Self Insight", 3), ("Systemic", 2), ("Conduct", 2)]


def optional_answers(rnd: random.Random, stage: str, focus: str) -> list[str]:
    """The optional answers, in HEADER order after Focus."""
    new_to_role = ""
    if rnd.random() > 0.3:
        likely = focus in ("New Role", "Strategic", "Induction", "Succession")
        new_to_role = _pick(rnd, [("Yes", 8), ("Y", 1), ("No", 1)] if likely
                            else [("No", 8), ("no", 1), ("Yes", 1)])
    assessment = ""  # a threshold judgement: induction of trainees and ECTs, mostly
    if stage in ("trainee", "early_career") and focus == "Induction" and rnd.random() > 0.6:
        assessment = _pick(rnd, [("Yes", 9), ("Y", 1)])
    elif rnd.random() > 0.99:
        assessment = _pick(rnd, [("No", 8), ("no", 1), ("Yes", 1)])
    frame = ""
    if rnd.random() > 0.35:
        kind = next((k for k, foci in TIME_FRAME.items() if focus in foci), "open")
        frame = _pick(rnd, {"long": [("Long term", 7), ("Ongoing", 1), ("long", 2)],
                            "short": [("Short term", 7), ("short", 2), ("Term", 1)],
                            "open": [("Open", 4), ("Short term", 3), ("Long term", 3)]}[kind])
    goal = ""
    if rnd.random() > 0.97:
        goal = _pick(rnd, GOAL["specific" if focus in SPECIFIC_FOCI else "broad"])
    reflective = _pick(rnd, REFLECTIVE[stage]) if rnd.random() > 0.4 else ""
    level = reflective.lower() or "moderate"
    preference = _pick(rnd, PREFERENCE[level]) if rnd.random() > 0.5 else ""
    pref_key = {"advice": "advice", "own answers": "own_answers"}.get(preference.lower(), "none")
    open_to = _pick(rnd, OPEN[pref_key]) if rnd.random() > 0.5 else ""
    asked = _pick(rnd, [("Yes", 6), ("No", 3), ("Y", 1)]) if rnd.random() > 0.98 else ""
    concern = _pick(rnd, CONCERN) if rnd.random() > 0.98 else ""
    return [new_to_role, assessment, frame, goal, reflective, preference, open_to, asked, concern]


def generate(path: Path, rows: int, seed: int = 7) -> None:
    """The realistic file."""
    rnd = random.Random(seed)
    stages = list(STAGE_WEIGHTS)
    weights = list(STAGE_WEIGHTS.values())
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for i in range(rows):
            stage = rnd.choices(stages, weights)[0]
            spell, sw = zip(*STAGES[stage])
            focus, fw = zip(*FOCUS[stage])
            focus_text = rnd.choices(focus, fw)[0]
            row = [f"S{i + 1:07d}", f"{rnd.choice(FIRST)} {rnd.choice(LAST)}",
                   rnd.choice(DEPARTMENTS), rnd.choices(spell, sw)[0], focus_text]
            row += optional_answers(rnd, stage, focus_text)
            w.writerow(row)


def spellings(rules, fid: str) -> list[str]:
    """Every value of a question as exports spell it: the id, odd case and spaces, the first
    synonyms (and one in lower case); and a blank. Each is checked against the rule base."""
    out = [""]
    for choice in rules.questions[fid].choices:
        v = choice.value
        forms = [v, v.upper(), f" {v.replace('_', ' ').title()} ", *choice.synonyms[:3]]
        if choice.synonyms:
            forms.append(choice.synonyms[0].lower())
        out += [f for f in dict.fromkeys(forms) if rules.match_value(fid, f) == v]
    return out


def generate_worst(path: Path, rows: int, seed: int = 11) -> None:
    """The worst case: each answer uniform over its question's spellings (blank included)."""
    from coachmentor.rulebase.loader import load_rules

    rules = load_rules()
    rnd = random.Random(seed)
    columns = [spellings(rules, fid) for fid in QUESTIONS]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for i in range(rows):
            w.writerow([f"S{i + 1:07d}", f"{rnd.choice(FIRST)} {rnd.choice(LAST)}",
                        rnd.choice(DEPARTMENTS), *(rnd.choice(c) for c in columns)])


def distinct_answer_sets(path: Path) -> int:
    """Distinct canonical answer sets among the rows the engine is asked about (both required
    answers present and every answer valid)."""
    from coachmentor.rulebase.loader import load_rules

    rules = load_rules()
    seen: set[tuple] = set()
    values: dict[tuple[str, str], str | None] = {}
    with open(path, newline="", encoding="utf-8") as fh:
        r = csv.reader(fh)
        next(r)
        for row in r:
            key = []
            for fid, cell in zip(QUESTIONS, row[3:]):
                v = values.get((fid, cell), "?")
                if v == "?":
                    v = "" if not cell.strip() else rules.match_value(fid, cell)
                    values[(fid, cell)] = v
                key.append(v)
            if None not in key and all(key[:2]):
                seen.add(tuple(key))
    return len(seen)


RESULT_COLUMNS = ["status", "recommendation", "confidence", "coaching_type", "mentoring_type",
                  "reasons", "error", "alternative", "warnings", "rules_name", "rules_version",
                  "rules_hash"]
# A typical row's results, so that the round trips write about as many bytes as assess.
RESULT_CELLS = ["ok", "mentoring", "0.64", "", "induction",
                "Settling into the profession is the beginning of a career, where mentoring is "
                "most useful. | Trainees and early career teachers are novices; mentoring is "
                "the established way to guide them. | Support over a year or more suits "
                "mentoring, often a longer-term relationship with someone who has done it before.",
                "", "", "", "coachmentor-default", "2.0.0", "sha256:1a346b6e63ec6837"]
# and the values each answer was read as (issue 18), a typical row's, in QUESTIONS order
RESULT_COLUMNS += [f"{q}_read" for q in QUESTIONS]
RESULT_CELLS += ["early_career", "induction", "yes", "yes", "long", "", "moderate", "advice",
                 "unsure", "", ""]


def dict_round_trip(src: Path, dst: Path) -> None:
    with open(src, newline="", encoding="utf-8") as fi, open(dst, "w", newline="",
                                                              encoding="utf-8") as fo:
        r = csv.DictReader(fi)
        w = csv.DictWriter(fo, fieldnames=[*r.fieldnames, *RESULT_COLUMNS])
        w.writeheader()
        extra = dict(zip(RESULT_COLUMNS, RESULT_CELLS))
        for row in r:
            row.update(extra)
            w.writerow(row)


def list_round_trip(src: Path, dst: Path) -> None:
    with open(src, newline="", encoding="utf-8") as fi, open(dst, "w", newline="",
                                                              encoding="utf-8") as fo:
        r = csv.reader(fi)
        w = csv.writer(fo)
        extra = RESULT_CELLS
        w.writerow(next(r) + RESULT_COLUMNS)
        for row in r:
            row += extra
            w.writerow(row)


def library(src: Path, dst: Path) -> dict:
    """assess_file() in-process; also the time spent inside the engine (one call per distinct
    answer set), measured by wrapping the engine function the batch calls."""
    from coachmentor.batch import assess_file, core
    from coachmentor.rulebase.loader import load_rules

    rules = load_rules()  # a fresh RuleSet, and assess_file makes a fresh memo
    engine = core.decision_for
    spent = [0.0]

    def timed_engine(*args):
        t = time.perf_counter()
        try:
            return engine(*args)
        finally:
            spent[0] += time.perf_counter() - t

    core.decision_for = timed_engine
    try:
        start = time.perf_counter()
        summary = assess_file(rules, src, output=dst)
        summary["_seconds"] = time.perf_counter() - start
    finally:
        core.decision_for = engine
    summary["_engine"] = spent[0]
    return summary


def cli_command() -> list[str]:
    exe = shutil.which("coachmentor", path=os.path.dirname(sys.executable))
    return [exe] if exe else [sys.executable, "-m", "coachmentor"]


def cli(src: Path, dst: Path, baseline: Path | None = None) -> tuple[float, int]:
    """Wall time and ru_maxrss (KiB; see peak_rss) of `coachmentor assess` on src (of the
    --baseline checkout's code, with its own rule base, when given)."""
    env = None
    command = cli_command()
    if baseline is not None:
        env = {**os.environ, "PYTHONPATH": str(baseline / "src")}
        env.pop("COACHMENTOR_RULES", None)
        command = [sys.executable, "-m", "coachmentor"]
    start = time.perf_counter()
    proc = subprocess.Popen([*command, "assess", str(src), "-o", str(dst), "--quiet"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode not in (0, 1):
        raise SystemExit(f"coachmentor assess failed ({proc.returncode}): {err}")
    return elapsed, usage.ru_maxrss


# Peak RSS is measured from a small Python process that starts the CLI: Linux counts the
# memory a child had before exec (a fork of this process, large by now) in its ru_maxrss.
_RSS = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=False, "
        "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def peak_rss(src: Path, dst: Path) -> int:
    """Peak RSS (KiB) of `coachmentor assess src -o dst --quiet`."""
    out = subprocess.run([sys.executable, "-c", _RSS, *cli_command(), "assess", str(src),
                          "-o", str(dst), "--quiet"], capture_output=True, text=True, check=True)
    return int(out.stdout.strip())


def timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--rss-rows", type=int, default=1_000_000)
    ap.add_argument("--keep", help="folder to keep the generated files in (default: a temp dir)")
    ap.add_argument("--baseline", type=Path, help="another checkout (with src/ and rules/) whose "
                    "CLI is timed in the same loop, for a before/after ratio")
    args = ap.parse_args()
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="cm-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    n = args.rows
    files = {"realistic": (folder / f"realistic-{n}.csv", generate),
             "worst": (folder / f"worst-{n}.csv", generate_worst)}
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPU(s); {n:,} rows a file; "
          f"best of {args.repeat}, interleaved")
    print()
    print("| file | distinct answer sets | DictReader->DictWriter | reader->writer "
          "| assess (library) | assess (CLI) | library / Dict | library / list | CLI / Dict "
          "| engine runs | engine share | library without the engine |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    try:
        for _name, (src, make) in files.items():
            if not src.exists():
                make(src, n)
        best = {(f, k): 1e9 for f in files for k in ("dict", "list", "lib", "cli", "base")}
        engine = {f: (0, 0.0) for f in files}
        dst = folder / "out.csv"
        for _ in range(args.repeat):
            for f, (src, _make) in files.items():
                best[f, "dict"] = min(best[f, "dict"], timed(dict_round_trip, src, dst))
                best[f, "list"] = min(best[f, "list"], timed(list_round_trip, src, dst))
                s = library(src, dst)
                assert s["rows"] == n, (s["rows"], n)
                if s["_seconds"] < best[f, "lib"]:
                    best[f, "lib"] = s["_seconds"]
                    engine[f] = (s["distinct_answer_combinations"], s["_engine"])
                best[f, "cli"] = min(best[f, "cli"], cli(src, dst)[0])
                if args.baseline is not None:
                    best[f, "base"] = min(best[f, "base"], cli(src, dst, args.baseline)[0])
        for f, (src, _make) in files.items():
            rate = {k: n / best[f, k] for k in ("dict", "list", "lib", "cli")}
            runs, spent = engine[f]
            print(f"| {f} | {distinct_answer_sets(src):,} | {rate['dict']:,.0f}/s | "
                  f"{rate['list']:,.0f}/s | {rate['lib']:,.0f}/s | {rate['cli']:,.0f}/s | "
                  f"{rate['lib'] / rate['dict']:.2f} | {rate['lib'] / rate['list']:.2f} | "
                  f"{rate['cli'] / rate['dict']:.2f} | "
                  f"{runs:,} ({spent / runs * 1e6:.0f} µs each) | "
                  f"{spent / best[f, 'lib']:.0%} | {n / (best[f, 'lib'] - spent):,.0f}/s |",
                  flush=True)
        if args.baseline is not None:
            print()
            for f in files:
                print(f"{f}: CLI {n / best[f, 'cli']:,.0f}/s, baseline ({args.baseline}) CLI "
                      f"{n / best[f, 'base']:,.0f}/s: CLI / baseline "
                      f"{best[f, 'base'] / best[f, 'cli']:.2f}", flush=True)
        big = folder / f"realistic-{args.rss_rows}.csv"
        if not big.exists():
            generate(big, args.rss_rows)
        seconds, kib = cli(big, dst)
        kib = peak_rss(big, dst)
        print()
        print(f"CLI at {args.rss_rows:,} rows (realistic): {args.rss_rows / seconds:,.0f}/s, "
              f"peak RSS {kib / 1024:.1f} MiB")
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
