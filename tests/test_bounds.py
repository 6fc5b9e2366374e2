"""Bounds on what one row may cost (issue 20, item 6).

One 200 MB row of 10^8 short cells grew `assess` past 4 GB (match to 1 GB): the csv reader made
a list of every cell. A record may now hold at most MAX_CELLS cells (counted by delimiters
before the reader splits it) and a line at most LINE_LIMIT bytes (refused as the bytes are
read, before the text layer holds the line), each a file-level error: one line, exit 2, in
bounded memory, nothing written. A cell over the size limit with no quote in it is not called
an unclosed quote, and `match` words it as `assess` does. An .xlsx output with more columns
than Excel's 16,384 is one message, not an internal error.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from coachmentor.files.table import FIELD_LIMIT, LINE_LIMIT, MAX_CELLS

SUPPORTERS = "staff_id,offers,career_stage,capacity\nS9,mentoring,senior_leader,2\n"
MEMORY_CEILING = 400 << 20  # far below what the reader took before (1 to 4 GiB)


def exe() -> list[str]:
    found = shutil.which("coachmentor", path=os.path.dirname(sys.executable))
    return [found] if found else [sys.executable, "-m", "coachmentor"]


def run(*args: object, cwd: Path) -> tuple[subprocess.CompletedProcess, int]:
    """The real command, under a 2 GiB address-space limit; (result, its peak RSS in bytes)."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    # This child's own peak (os.wait4), not RUSAGE_CHILDREN's: that is the largest of every
    # child the test process ever waited for, so it depended on which tests ran before.
    proc = subprocess.Popen([*exe(), *map(str, args)], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, preexec_fn=limit)
    read: dict[str, str] = {}
    readers = [threading.Thread(target=lambda k=k, f=f: read.__setitem__(k, f.read()))
               for k, f in (("out", proc.stdout), ("err", proc.stderr))]
    for t in readers:
        t.start()
    timer = threading.Timer(300, proc.kill)
    timer.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        timer.cancel()
    for t in readers:
        t.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    done = subprocess.CompletedProcess(proc.args, proc.returncode, read["out"], read["err"])
    return done, usage.ru_maxrss * 1024


def write_staff(path: Path, middle: str) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        fh.write("staff_id,career_stage,focus\nS1,ECT,induction\n")
        fh.write(middle)
        fh.write("S3,ECT,induction\n")
    return path


def refused(done: subprocess.CompletedProcess, *words: str) -> str:
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    line = done.stderr.strip()
    assert "\n" not in line and "internal error" not in line and "Traceback" not in line, line
    for word in words:
        assert word in line, (word, line)
    return line


@pytest.fixture(scope="module")
def huge_line(tmp_path_factory) -> Path:
    """80 MB of short cells on one line: past LINE_LIMIT."""
    folder = tmp_path_factory.mktemp("huge")
    cells = (LINE_LIMIT + (16 << 20)) // 2
    return write_staff(folder / "staff.csv", "S2,ECT,induction" + ",a" * cells + "\n")


@pytest.fixture(scope="module")
def wide_line(tmp_path_factory) -> Path:
    """10^7 short cells on one line, within LINE_LIMIT: past MAX_CELLS."""
    folder = tmp_path_factory.mktemp("wide")
    return write_staff(folder / "staff.csv", "S2,ECT,induction" + ",a" * 10_000_000 + "\n")


@pytest.mark.parametrize("command", ["assess", "match"])
def test_a_line_past_the_limit_is_refused_in_bounded_memory(huge_line, tmp_path, command):
    (tmp_path / "sup.csv").write_text(SUPPORTERS)
    args = [huge_line] + ([tmp_path / "sup.csv"] if command == "match" else [])
    done, peak = run(command, *args, "-o", tmp_path / "out.csv", "-q", cwd=tmp_path)
    refused(done, f"{huge_line}: the line starting 45 bytes into the file runs on past 64 MiB "
                  "without a line break")
    assert peak < MEMORY_CEILING, f"peak RSS {peak >> 20} MiB"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sup.csv"]  # nothing written


@pytest.mark.parametrize("command", ["assess", "match"])
def test_a_row_of_too_many_cells_is_refused_in_bounded_memory(wide_line, tmp_path, command):
    (tmp_path / "sup.csv").write_text(SUPPORTERS)
    args = [wide_line] + ([tmp_path / "sup.csv"] if command == "match" else [])
    done, peak = run(command, *args, "-o", tmp_path / "out.csv", "-q", cwd=tmp_path)
    refused(done, f"the row that starts on line 3 has more than {MAX_CELLS:,} cells")
    assert peak < MEMORY_CEILING, f"peak RSS {peak >> 20} MiB"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sup.csv"]


def test_cells_are_counted_over_every_line_of_a_record(run_cli, tmp_path):
    """A quoted line break joins lines into one record: its cells are counted together (each
    line alone holds fewer than MAX_CELLS)."""
    per_line = MAX_CELLS // 3
    record = "S2,ECT,\"induction" + ("\nx\"" + ",a" * per_line + ",\"y") * 4 + "\"\n"
    path = write_staff(tmp_path / "staff.csv", record)
    result = run_cli("assess", path, "-q", "-o", tmp_path / "out.csv")
    assert result.exit_code == 2
    assert f"the row that starts on line 3 has more than {MAX_CELLS:,} cells" in result.stderr


def test_a_wide_but_real_file_is_read(run_cli, tmp_path):
    """The control: 3,000 columns on 12 rows (more than MAX_CELLS in all, read while the
    header is looked for) is a file like any other."""
    header = ["staff_id", "career_stage", "focus"] + [f"c{i}" for i in range(3000)]
    rows = [",".join(header)] + [",".join([f"S{k}", "ECT", "induction"] + ["x"] * 3000)
                                 for k in range(12)]
    path = tmp_path / "staff.csv"
    path.write_text("\n".join(rows) + "\n")
    result = run_cli("assess", path, "-q", "--format", "jsonl")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count('"status": "ok"') == 12


@pytest.mark.parametrize("command", ["assess", "match"])
def test_a_cell_over_the_limit_says_whether_a_quote_is_to_blame(tmp_path, command):
    (tmp_path / "sup.csv").write_text(SUPPORTERS)
    big = "a" * (FIELD_LIMIT + 1024)
    unquoted = write_staff(tmp_path / "unquoted.csv", f"S2,ECT,{big}\n")
    quoted = write_staff(tmp_path / "quoted.csv", f'S2,ECT,"induction\n{big}\n')
    for path, words in ((unquoted, ("is longer than 32 MiB, with no quote in it",)),
                        (quoted, ("runs on past 32 MiB", "probably a quote that is never "
                                  "closed"))):
        args = [path] + ([tmp_path / "sup.csv"] if command == "match" else [])
        done, _ = run(command, *args, "-q", "-o", tmp_path / "out.csv", cwd=tmp_path)
        line = refused(done, f"{path}: a cell (row 3", *words)
        assert "field larger than field limit" not in line  # the csv module's words: never
    assert not (tmp_path / "out.csv").exists()


def test_xlsx_output_wider_than_excel_is_one_message(run_cli, tmp_path):
    width = MAX_CELLS - 1  # the input may have it; the results add their columns
    path = tmp_path / "staff.csv"
    path.write_text(",".join(["staff_id", "career_stage", "focus"]
                             + [f"c{i}" for i in range(width - 3)]) + "\nS1,ECT,induction\n")
    result = run_cli("assess", path, "-o", tmp_path / "out.xlsx", "-q")
    assert result.exit_code == 2, result.stderr
    assert "columns, more than an Excel sheet holds (16,384): write .csv or .jsonl" in \
        result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["staff.csv"]
    ok = run_cli("assess", path, "-o", tmp_path / "out.csv", "-q")  # the control: CSV holds it
    assert ok.exit_code == 1 and (tmp_path / "out.csv").exists(), ok.stderr  # a short row
