"""Start-up benchmark: `--version`, `--help` and the first question of `advise`, against a
bare `python -c "import typer"`, measured in one run and reported as ratios.

    python bench/bench_startup.py [--runs 21]

Targets (issue 2): --version and --help within 1.5x of `import typer`; the first question
on screen within 3x. Each figure is the median of --runs runs, interleaved so that noise on
this 2-core machine hits every command alike.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time


def _console_script() -> list[str]:
    exe = shutil.which("coachmentor", path=os.path.dirname(sys.executable)) or shutil.which("coachmentor")
    return [exe] if exe else [sys.executable, "-m", "coachmentor"]


def time_run(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - t


def time_first_question(cmd: list[str]) -> float:
    import pexpect

    t = time.perf_counter()
    child = pexpect.spawn(cmd[0], cmd[1:] + ["advise"], encoding="utf-8", timeout=20,
                          env=dict(os.environ, COLUMNS="100", TERM="xterm"))
    child.expect("Where is this person in their career")
    elapsed = time.perf_counter() - t
    child.terminate(force=True)
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=21)
    args = ap.parse_args()
    cm = _console_script()
    cases = {
        "import typer": lambda: time_run([sys.executable, "-c", "import typer"]),
        "coachmentor --version": lambda: time_run(cm + ["--version"]),
        "coachmentor --help": lambda: time_run(cm + ["--help"]),
        "advise: first question": lambda: time_first_question(cm),
    }
    for fn in cases.values():  # warm the OS file cache
        fn()
    samples: dict[str, list[float]] = {k: [] for k in cases}
    for _ in range(args.runs):
        for name, fn in cases.items():
            samples[name].append(fn())
    base = statistics.median(samples["import typer"])
    targets = {"coachmentor --version": 1.5, "coachmentor --help": 1.5, "advise: first question": 3.0}
    print(f"{'case':<26}{'median ms':>10}{'ratio':>8}{'target':>8}")
    ok = True
    for name, vals in samples.items():
        med = statistics.median(vals)
        ratio = med / base
        target = targets.get(name)
        flag = "" if target is None else ("  ok" if ratio <= target else "  MISSED")
        ok &= target is None or ratio <= target
        print(f"{name:<26}{med * 1000:>10.1f}{ratio:>8.2f}{(f'{target:.1f}x' if target else ''):>8}{flag}")
    print(f"({args.runs} interleaved runs each; python {sys.version.split()[0]})")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
