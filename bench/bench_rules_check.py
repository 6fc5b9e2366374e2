"""`rules check` against loading, on a large rule base (issue 10: it took 50 s against 1 s).

    python bench/bench_rules_check.py [--rules 5000]

Writes a copy of the shipped rule base with N extra rules, then times, in one run, loading
it (`load_rules`) and `coachmentor rules check` on it as subprocesses, best of 3.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHIPPED = Path(__file__).resolve().parents[1] / "rules" / "coachmentor.yaml"


def best(cmd: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rules", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    text = SHIPPED.read_text(encoding="utf-8")
    start, end = text.index("  - id: conflict_coaching"), text.index("  - id: leadership_challenge_coaching")
    block = text[start:end]
    extra = "".join(block.replace("conflict_coaching", f"conflict_coaching_{k}") for k in range(args.rules))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.yaml"
        path.write_text(text[:end] + extra + text[end:], encoding="utf-8")
        load = best([sys.executable, "-c",
                     f"from coachmentor.rulebase.loader import load_rules; load_rules({str(path)!r})"],
                    args.repeat)
        check = best([sys.executable, "-m", "coachmentor", "rules", "check", str(path)], args.repeat)
    print(f"{args.rules + 40} rules: load {load:.2f} s, rules check {check:.2f} s, ratio {check / load:.2f}")


if __name__ == "__main__":
    main()
