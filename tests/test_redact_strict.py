"""`assess --redact` leaves nothing personal (issue 10, item 4).

Names with unquoted commas (ragged rows), names typed into a question column, Email and notes
columns, a record the CSV reader refuses, a quote that swallows the next rows: the redacted
output (every cell, read back with csv), stderr, `--summary` and `--report` hold none of them.
Without --redact every input column passes through unchanged (the contract).
"""

from __future__ import annotations

import csv
import io
import json
import string
from pathlib import Path

import pytest
from conftest import default_signals
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

HEADER = ["staff_id", "name", "career_stage", "focus", "department", "Email", "notes"]
SECRETS = [
    "Quillfeather", "Zephyrine", "Underwood", "Barnaby", "Smythe", "Vantablack", "Ottoline",
    "Marigold", "zq@school.example", "bu@school.example", "divorce", "sick leave", "disciplinary",
]
# Written by hand, as a careless export writes them: the commas in names are not quoted.
STAFF = (
    "staff_id,name,career_stage,focus,department,Email,notes\n"
    "S1,Quillfeather, Zephyrine,ECT,induction,Maths,zq@school.example,going through a divorce\n"
    "S2,Smythe,Barnaby Underwood,induction,English,bu@school.example,sick leave\n"
    "S3,Underwood, Barnaby, Jr,ECT,induction,Maths,bu@school.example,fine\n"
    'S4,"Vantablack" Ottoline,ECT,induction,Art,ov@school.example,ok\n'
    "S5,Marigold\n"
    "S6,Ann Example,ECT,induction,Art,ann@school.example,disciplinary hearing pending\n"
)


def assess(run_cli, tmp_path: Path, text: str, *args: str, fmt: str = "csv"):
    src = tmp_path / "staff.csv"
    src.write_text(text, encoding="utf-8")
    out, summary, report = (tmp_path / f"out.{fmt}", tmp_path / "summary.json",
                            tmp_path / "report.html")
    for p in (out, summary, report):
        p.unlink(missing_ok=True)
    result = run_cli("assess", src, "-o", out, "--summary", summary, "--report", report, *args)
    assert result.exit_code in (0, 1), result.stderr
    return result, out.read_text(encoding="utf-8-sig"), summary.read_text(encoding="utf-8"), \
        report.read_text(encoding="utf-8")


def cells(csv_text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(csv_text, newline="")))


def leaks(texts: list[str], secrets: list[str]) -> list[tuple[str, str]]:
    return [(s, t[:200]) for t in texts for s in secrets if s.casefold() in t.casefold()]


def test_redacted_output_stderr_summary_and_report_hold_no_names(run_cli, tmp_path):
    result, out, summary, report = assess(run_cli, tmp_path, STAFF, "--redact")
    rows = cells(out)
    assert rows[0][: len(HEADER)] == HEADER
    assert len(rows) == 1 + 6, "one output row per input row"
    every_cell = [c for row in rows for c in row]
    assert leaks(every_cell + [result.stderr, summary, report], SECRETS) == []
    assert "ann@school.example" not in out and "Ann Example" not in out


def test_redacted_error_cells_name_the_column_not_the_value(run_cli, tmp_path):
    result, out, _, _ = assess(run_cli, tmp_path, STAFF, "--redact")
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert [r["status"] for r in rows] == ["error", "error", "error", "error", "error", "ok"]
    assert "; 1 extra value removed (--redact); " in rows[0]["error"]
    assert rows[0]["error"].endswith("every cell but an accepted answer is pseudonymised (--redact)")
    assert rows[1]["error"].startswith("career_stage: the value in column 'career_stage' is not")
    assert "; 2 extra values removed (--redact); " in rows[2]["error"]
    assert "cannot read this row as CSV" in rows[3]["error"]
    assert "no cell for" in rows[4]["error"]
    # the one good row keeps its answers, staff_id and department; the rest is pseudonymised
    ok = rows[5]
    assert (ok["staff_id"], ok["career_stage"], ok["department"]) == ("S6", "ECT", "Art")
    assert all(ok[c].startswith("anon-") for c in ("name", "Email", "notes"))
    # a row that does not line up: its staff_id and department may hold a shifted name
    assert rows[0]["staff_id"].startswith("anon-") and rows[0]["department"].startswith("anon-")
    # a row that does: only the bad answer (a name typed in the wrong column) is replaced
    assert (rows[1]["staff_id"], rows[1]["focus"], rows[1]["department"]) == ("S2", "induction", "English")
    assert rows[1]["career_stage"].startswith("anon-")


def test_stderr_names_the_treated_columns_by_header(run_cli, tmp_path):
    result, _, summary, _ = assess(run_cli, tmp_path, STAFF, "--redact")
    assert "name columns pseudonymised: 'name'" in result.stderr
    assert "columns coachmentor does not know, pseudonymised: 'Email', 'notes'" in result.stderr
    s = json.loads(summary)
    assert s["redacted_columns"] == ["name"]
    assert s["pseudonymised_unknown_columns"] == ["Email", "notes"]


def test_same_value_same_pseudonym_under_a_key(run_cli, tmp_path):
    env = {"COACHMENTOR_REDACT_KEY": "k"}
    text = ("staff_id,name,career_stage,focus,Email\n"
            "S1,Ann,ECT,induction,a@x.example\nS2,Ann,ECT,induction,a@x.example\n")
    src = tmp_path / "s.csv"
    src.write_text(text, encoding="utf-8")
    first = run_cli("assess", src, "--redact", "-q", env=env).stdout
    rows = list(csv.DictReader(io.StringIO(first)))
    assert rows[0]["Email"] == rows[1]["Email"] != rows[0]["name"]
    assert rows[0]["Email"].startswith("anon-")
    assert run_cli("assess", src, "--redact", "-q", env=env).stdout == first


def test_a_blank_header_column_is_pseudonymised(run_cli, tmp_path):
    text = "staff_id,career_stage,focus,\nS1,ECT,induction,Zephyrine Quillfeather\n"
    result, out, _, _ = assess(run_cli, tmp_path, text, "--redact")
    assert "Zephyrine" not in out and "Zephyrine" not in result.stderr
    assert "'column 4 (no header)'" in result.stderr


def test_jsonl_is_redacted_the_same_way(run_cli, tmp_path):
    result, out, summary, report = assess(run_cli, tmp_path, STAFF, "--redact", fmt="jsonl")
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 6
    assert leaks([out, result.stderr, summary, report], SECRETS) == []
    assert records[5]["Email"].startswith("anon-")


def test_a_quote_that_swallows_rows_is_still_found_and_hidden(run_cli, tmp_path):
    text = ("staff_id,name,career_stage,focus,notes\n"
            'S1,Ann,ECT,induction,"unclosed note\n'
            "S2,Zephyrine Quillfeather,ECT,induction,x\n"
            'S3,Barnaby Underwood,ECT,induction,y"\n')
    result, out, summary, report = assess(run_cli, tmp_path, text, "--redact")
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert len(rows) == 1 and rows[0]["status"] == "error"
    assert "look like rows of their own" in rows[0]["error"]
    assert leaks([out, result.stderr, summary, report], ["Zephyrine", "Barnaby", "unclosed"]) == []


def test_without_redact_every_column_passes_through(run_cli, tmp_path):
    result, out, _, _ = assess(run_cli, tmp_path, STAFF)
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert rows[5]["Email"] == "ann@school.example"
    assert rows[5]["notes"] == "disciplinary hearing pending"
    assert rows[1]["career_stage"] == "Barnaby Underwood"
    assert rows[2]["error"].endswith("the extra values, kept here: bu@school.example | fine")
    # ... and still no names on stderr, in the summary or the report
    assert leaks([result.stderr], SECRETS) == []


# --- the property ------------------------------------------------------------------------

GOOD = {"staff_id": "S0", "name": "Ann Example", "career_stage": "ECT", "focus": "induction",
        "department": "Maths", "Email": "a@example.org", "notes": "fine"}
KEPT = {"staff_id", "department"}  # known, non-personal info fields: kept when the row lines up

# Names that cannot occur in the output by chance: a capital Q or X start and 5+ letters.
part = st.builds(lambda a, b: a + b, st.sampled_from(["Qu", "Xa", "Qy", "Xo"]),
                 st.text(alphabet=string.ascii_lowercase + "éøñ", min_size=4, max_size=10))
names = st.lists(part, min_size=1, max_size=3)


def planted_rows(name_parts: list[str]) -> tuple[str, int]:
    """The name in every column position (and one past the header), once as a single cell
    and once with its parts joined by unquoted commas (a ragged row)."""
    plain, ragged = " ".join(name_parts), ", ".join(name_parts)
    lines = [",".join(HEADER)]
    for j in range(len(HEADER) + 1):
        for cell in (plain, ragged):
            if j < len(HEADER) and HEADER[j] in KEPT and cell is plain:
                continue  # a name typed as a department, in a row that lines up: not detectable
            row = [GOOD[h] for h in HEADER] + [""]
            row[j] = cell
            while row and row[-1] == "":
                row.pop()
            lines.append(",".join(row))
    return "\n".join(lines) + "\n", len(lines) - 1  # the text, and its data rows


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(name_parts=names)
@pytest.mark.slow(cost=2)
def test_planted_names_never_survive_redaction(run_cli, tmp_path, name_parts):
    text, n = planted_rows(name_parts)
    result, out, summary, report = assess(run_cli, tmp_path, text, "--redact")
    rows = cells(out)
    assert len(rows) == 1 + n
    texts = [c for row in rows for c in row] + [result.stderr, summary, report]
    assert leaks(texts, name_parts) == []


# --- what a kill -9 leaves ---------------------------------------------------------------


def test_a_killed_runs_temporary_file_is_removed_by_the_next_run(tmp_path):
    """kill -9 cannot be caught: the hidden temporary file (full of names) stays beside the
    output. The next run writing the same output removes it and says so on stderr."""
    import os
    import shutil
    import signal
    import subprocess
    import sys
    import time

    exe = shutil.which("coachmentor", path=os.path.dirname(sys.executable))
    cmd = [exe] if exe else [sys.executable, "-m", "coachmentor"]
    work = tmp_path / "work"
    work.mkdir()
    src = tmp_path / "staff.csv"
    src.write_text("staff_id,name,career_stage,focus\n" + "".join(
        f"S{i},Quentin Person{i},ECT,induction\n" for i in range(400_000)), encoding="utf-8")
    out = work / "results.csv"
    proc = subprocess.Popen([*cmd, "assess", str(src), "-o", str(out), "-q"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            preexec_fn=default_signals)
    deadline, temp = time.monotonic() + 90, []
    while time.monotonic() < deadline and proc.poll() is None:
        temp = [p for p in work.iterdir() if p.name.endswith(".tmp")]
        if temp and temp[0].stat().st_size > 1 << 18:
            break
        time.sleep(0.01)
    assert proc.poll() is None, "the run ended before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    left = [p.name for p in work.iterdir()]
    assert len(left) == 1 and left[0].startswith(".results.csv.") and left[0].endswith(".tmp")
    assert "Quentin" in (work / left[0]).read_text(encoding="utf-8")[:1000]

    small = tmp_path / "small.csv"
    small.write_text("staff_id,name,career_stage,focus\nS1,Ann,ECT,induction\n", encoding="utf-8")
    again = subprocess.run([*cmd, "assess", str(small), "-o", str(out)], capture_output=True,
                           text=True, timeout=60)
    assert again.returncode == 0, again.stderr
    assert [p.name for p in work.iterdir()] == ["results.csv"]
    assert "removed 1 temporary file(s) left by an earlier run" in again.stderr
    assert left[0] in again.stderr and "Quentin" not in again.stderr


def test_only_stale_temporary_files_of_the_output_are_removed(tmp_path):
    import os
    import time

    from coachmentor.files.atomic import remove_stale_temps

    now = time.time()
    names = {
        ".out.csv.ab_cd123.tmp": True,       # ours, stale
        ".out.csv.new45678.tmp": False,      # ours, but written after this run began
        ".out.csv.toolong123.tmp": False,    # not the pattern mkstemp makes
        ".other.csv.ab_cd123.tmp": False,    # another output's
        "out.csv": False,
    }
    for name in names:
        (tmp_path / name).write_text("x")
        if name != ".out.csv.new45678.tmp":
            os.utime(tmp_path / name, (now - 60, now - 60))
    removed = remove_stale_temps(tmp_path / "out.csv", now - 1)
    assert removed == [n for n, gone in names.items() if gone]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(n for n, gone in names.items() if not gone)
