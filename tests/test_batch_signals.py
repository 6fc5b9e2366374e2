"""Interrupting a real `coachmentor assess` mid-run (SIGINT, SIGTERM, SIGHUP: a closed terminal
or a dropped ssh session): exit 130, no output file, no temporary file, the input untouched. And
two runs writing the same output at once: the second's sweep of stale temporary files leaves
the first one's live file alone (issue 20, item 5)."""

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
from conftest import default_signals

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


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_interrupt_leaves_no_output_and_exits_130(big_csv, tmp_path, signum):
    before = digest(big_csv)
    out = tmp_path / "results.csv"
    proc = subprocess.Popen([*command(), "assess", str(big_csv), "-o", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "COLUMNS": "100"}, preexec_fn=default_signals)
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


@pytest.mark.slow(cost=2)
def test_uninterrupted_run_of_the_same_file_completes(big_csv, tmp_path):
    """The control: the same command, left alone, writes every row."""
    out = tmp_path / "results.csv"
    done = subprocess.run([*command(), "assess", str(big_csv), "-o", str(out), "-q"],
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    with out.open("rb") as fh:
        assert sum(1 for _ in fh) == ROWS + 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.csv"]


def wait_for_temp(proc: subprocess.Popen, folder: Path, size: int = 1 << 20) -> list[Path]:
    deadline, temp = time.monotonic() + 120, []
    while time.monotonic() < deadline and proc.poll() is None:
        temp = [p for p in folder.iterdir() if p.name.endswith(".tmp")]
        if temp and temp[0].stat().st_size > size:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the run ended before the test could act"
    return temp


@pytest.mark.slow(cost=3)
def test_a_second_run_to_the_same_output_leaves_the_first_ones_file_alone(big_csv, tmp_path):
    out = tmp_path / "results.csv"
    first = subprocess.Popen([*command(), "assess", str(big_csv), "-o", str(out), "-q"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             preexec_fn=default_signals)
    temp = wait_for_temp(first, tmp_path)
    assert f".results.csv.{first.pid}." in temp[0].name  # the writer's pid is in the name
    small = tmp_path / "small.csv"
    small.write_text("staff_id,name,career_stage,focus\nS1,Ann,ECT,induction\n", "utf-8")
    time.sleep(0.05)  # the first run's file is now older than the second run's start
    second = subprocess.run([*command(), "assess", str(small), "-o", str(out)],
                            capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stderr
    assert "removed" not in second.stderr and temp[0].exists()
    _, err = first.communicate(timeout=300)
    assert first.returncode == 0, err.decode()
    with out.open("rb") as fh:  # the first run finished last: its rows are the file
        assert sum(1 for _ in fh) == ROWS + 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.csv", "small.csv"]


def test_the_sweep_removes_only_files_whose_writer_is_gone(tmp_path):
    import fcntl

    from coachmentor.files.atomic import remove_stale_temps

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead = int(gone.stdout)  # a process that has ended (its pid not reused this soon)
    names = {
        f".out.csv.{dead}.ab_cd123.tmp": True,        # killed writer, lock free
        f".out.csv.{os.getpid()}.ab_cd124.tmp": False,  # a live writer (this process)
        f".out.csv.{dead}.ab_cd125.tmp": False,        # dead pid here, but its lock is held
        ".out.csv.ab_cd126.tmp": True,                 # an older version's name, lock free
    }
    now = time.time()
    held = []
    for name in names:
        path = tmp_path / name
        path.write_text("Quentin Person")
        os.utime(path, (now - 60, now - 60))
        if name.endswith("ab_cd125.tmp"):  # as a writer in another PID namespace holds it
            fh = path.open("rb")
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            held.append(fh)
    try:
        removed = remove_stale_temps(tmp_path / "out.csv", now - 1)
    finally:
        for fh in held:
            fh.close()
    assert sorted(removed) == sorted(n for n, go in names.items() if go)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        n for n, go in names.items() if not go)
