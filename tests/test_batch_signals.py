"""Interrupting a real `coachmentor assess` mid-run (SIGINT, SIGTERM): exit 130, no output
file, no temporary file, the input untouched."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROWS = 600_000
STAGES = ["ECT", "trainee", "Senior Leader", "established", "middle leader"]
FOCI = ["induction", "Specific Practice", "strategic", "conflict", "New Role"]


def command() -> list[str]:
    exe = shutil.which("coachmentor", path=os.path.dirname(sys.executable))
    return [exe] if exe else [sys.executable, "-m", "coachmentor"]


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("big") / "staff.csv"
    lines = ["staff_id,name,career_stage,focus,notes\n"]
    lines += [f"S{i},Person {i},{STAGES[i % 5]},{FOCI[i % 7 % 5]},note {i}\n" for i in range(ROWS)]
    path.write_text("".join(lines), encoding="utf-8")
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_interrupt_leaves_no_output_and_exits_130(big_csv, tmp_path, signum):
    before = digest(big_csv)
    out = tmp_path / "results.csv"
    proc = subprocess.Popen([*command(), "assess", str(big_csv), "-o", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "COLUMNS": "100"})
    deadline = time.monotonic() + 120
    temp = []
    while time.monotonic() < deadline and proc.poll() is None:
        temp = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
        if temp and temp[0].stat().st_size > 1 << 20:  # well into the run
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    assert temp, "no temporary output file appeared"
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err.decode()
    assert b"interrupted" in err and b"Traceback" not in err
    assert list(tmp_path.iterdir()) == [], "no output file and no temporary file"
    assert digest(big_csv) == before


def test_uninterrupted_run_of_the_same_file_completes(big_csv, tmp_path):
    """The control: the same command, left alone, writes every row."""
    out = tmp_path / "results.csv"
    done = subprocess.run([*command(), "assess", str(big_csv), "-o", str(out), "-q"],
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    with out.open("rb") as fh:
        assert sum(1 for _ in fh) == ROWS + 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.csv"]
