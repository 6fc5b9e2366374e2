"""Batch benchmark: `coachmentor assess` against plain csv-module round trips, same file, one run.

    python bench/bench_assess.py [--rows 10000 100000 1000000] [--repeat 3]

For each N it writes a staff CSV of N rows and 10 columns (staff id, name, department and seven
answer columns, with header aliases, synonyms, mixed case and blanks, drawn from skewed,
correlated distributions), then measures, interleaved and best of --repeat:

- DictReader -> DictWriter adding three constant columns (the floor `assess` must beat);
- csv.reader -> csv.writer with list rows adding three constant columns (the practical limit);
- `assess_file()` in-process (the library; rules loaded beforehand, fresh caches per run);
- the real CLI, `coachmentor assess FILE -o OUT --quiet`, as a subprocess (start-up included).

Every contender writes its output to a file in the same temporary folder. Peak memory is the
ru_maxrss of the CLI child process on the largest file (os.wait4, so no other child counts).
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
          "Time frame", "Reflective capacity", "Preference", "Open to coaching"]
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


def optional_answers(rnd: random.Random, stage: str, focus: str) -> list[str]:
    new_to_role = ""
    if rnd.random() > 0.3:
        likely = focus in ("New Role", "Strategic", "Induction", "Succession")
        new_to_role = _pick(rnd, [("Yes", 8), ("Y", 1), ("No", 1)] if likely
                            else [("No", 8), ("no", 1), ("Yes", 1)])
    frame = ""
    if rnd.random() > 0.35:
        kind = next((k for k, foci in TIME_FRAME.items() if focus in foci), "open")
        frame = _pick(rnd, {"long": [("Long term", 7), ("Ongoing", 1), ("long", 2)],
                            "short": [("Short term", 7), ("short", 2), ("Term", 1)],
                            "open": [("Open", 4), ("Short term", 3), ("Long term", 3)]}[kind])
    reflective = _pick(rnd, REFLECTIVE[stage]) if rnd.random() > 0.4 else ""
    level = reflective.lower() or "moderate"
    preference = _pick(rnd, PREFERENCE[level]) if rnd.random() > 0.5 else ""
    pref_key = {"advice": "advice", "own answers": "own_answers"}.get(preference.lower(), "none")
    open_to = _pick(rnd, OPEN[pref_key]) if rnd.random() > 0.5 else ""
    return [new_to_role, frame, reflective, preference, open_to]


def generate(path: Path, rows: int, seed: int = 7) -> None:
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


def dict_round_trip(src: Path, dst: Path) -> None:
    with open(src, newline="", encoding="utf-8") as fi, open(dst, "w", newline="",
                                                              encoding="utf-8") as fo:
        r = csv.DictReader(fi)
        w = csv.DictWriter(fo, fieldnames=[*r.fieldnames, "status", "recommendation", "error"])
        w.writeheader()
        extra = {"status": "ok", "recommendation": "coaching", "error": ""}
        for row in r:
            row.update(extra)
            w.writerow(row)


def list_round_trip(src: Path, dst: Path) -> None:
    with open(src, newline="", encoding="utf-8") as fi, open(dst, "w", newline="",
                                                              encoding="utf-8") as fo:
        r = csv.reader(fi)
        w = csv.writer(fo)
        extra = ["ok", "coaching", ""]
        w.writerow(next(r) + ["status", "recommendation", "error"])
        for row in r:
            row += extra
            w.writerow(row)


def library(src: Path, dst: Path) -> dict:
    """assess_file() in-process; also the time spent inside the engine (one call per distinct
    answer set), measured by wrapping the engine function the batch calls."""
    from coachmentor.batch import assess_file, core
    from coachmentor.loader import load_rules

    rules = load_rules()  # a fresh RuleSet: no engine cache carried over between runs
    engine = core.brief
    spent = [0.0]

    def timed_engine(*args):
        t = time.perf_counter()
        try:
            return engine(*args)
        finally:
            spent[0] += time.perf_counter() - t

    core.brief = timed_engine
    try:
        start = time.perf_counter()
        summary = assess_file(rules, src, output=dst)
        summary["_seconds"] = time.perf_counter() - start
    finally:
        core.brief = engine
    summary["_engine"] = spent[0]
    return summary


def cli_command() -> list[str]:
    exe = shutil.which("coachmentor", path=os.path.dirname(sys.executable))
    return [exe] if exe else [sys.executable, "-m", "coachmentor"]


def cli(src: Path, dst: Path) -> tuple[float, int]:
    """Wall time and peak RSS (KiB) of `coachmentor assess` on src."""
    start = time.perf_counter()
    proc = subprocess.Popen([*cli_command(), "assess", str(src), "-o", str(dst), "--quiet"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode not in (0, 1):
        raise SystemExit(f"coachmentor assess failed ({proc.returncode}): {err}")
    return elapsed, usage.ru_maxrss


def timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", help="folder to keep the generated files in (default: a temp dir)")
    args = ap.parse_args()
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="cm-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPU(s); best of {args.repeat}")
    print()
    print("| rows | DictReader->DictWriter | reader->writer | assess (library) | assess (CLI) "
          "| library / Dict | library / list | CLI / Dict | distinct answer sets | engine share "
          "| CLI peak RSS |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    try:
        for n in args.rows:
            src = folder / f"staff-{n}.csv"
            if not src.exists():
                generate(src, n)
            dst = folder / "out.csv"
            best = {"dict": 1e9, "list": 1e9, "lib": 1e9, "cli": 1e9}
            rss = 0
            combos = 0
            engine_share = 0.0
            for _ in range(args.repeat):
                best["dict"] = min(best["dict"], timed(dict_round_trip, src, dst))
                best["list"] = min(best["list"], timed(list_round_trip, src, dst))
                s = library(src, dst)
                assert s["rows"] == n, (s["rows"], n)
                combos = s["distinct_answer_combinations"]
                if s["_seconds"] < best["lib"]:
                    best["lib"] = s["_seconds"]
                    engine_share = s["_engine"] / s["_seconds"]
                t, kib = cli(src, dst)
                best["cli"] = min(best["cli"], t)
                rss = max(rss, kib)
            rate = {k: n / v for k, v in best.items()}
            print(f"| {n:,} | {rate['dict']:,.0f}/s | {rate['list']:,.0f}/s | "
                  f"{rate['lib']:,.0f}/s | {rate['cli']:,.0f}/s | "
                  f"{rate['lib'] / rate['dict']:.2f} | {rate['lib'] / rate['list']:.2f} | "
                  f"{rate['cli'] / rate['dict']:.2f} | {combos:,} | {engine_share:.0%} | "
                  f"{rss / 1024:.1f} MiB |",
                  flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
