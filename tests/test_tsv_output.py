"""`.tsv` is tab-separated and `.csv` comma-separated, whatever separated the input; the one
exception kept on purpose: a semicolon input stays semicolon-separated in CSV output (the CSV of
a European Excel)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from coachmentor.batch.columns import OUTPUT_COLUMNS

HEADER = ["staff_id", "career_stage", "focus", "notes"]
RESULTS = list(OUTPUT_COLUMNS) + ["career_stage_read", "focus_read"]  # the value each was read as
ROWS = [["S1", "ECT", "induction", "a, b; c"], ["S2", "Senior Leader", "conflict", "=1+1"]]


def staff(tmp_path: Path, delimiter: str, name: str = "staff.txt") -> Path:
    path = tmp_path / name
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows([HEADER, *ROWS])
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def parse(text: str, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def test_tsv_name_writes_tab_separated_results(run_cli, tmp_path):
    out = tmp_path / "results.tsv"
    result = run_cli("assess", staff(tmp_path, ","), "-q", "-o", out)
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "\t".join(HEADER + RESULTS)  # the result columns too
    rows = parse(text, "\t")
    assert all(len(r) == len(HEADER) + len(RESULTS) for r in rows)
    assert [r[:4] for r in rows[1:]] == [ROWS[0], ["S2", "Senior Leader", "conflict", "'=1+1"]]
    assert [r[len(HEADER)] for r in rows[1:]] == ["ok", "ok"]  # status, in its own column


def test_format_tsv_to_standard_output(run_cli, tmp_path):
    result = run_cli("assess", staff(tmp_path, ";"), "-q", "--format", "tsv")
    assert result.exit_code == 0, result.stderr
    rows = parse(result.stdout, "\t")
    assert rows[0][:4] == HEADER and rows[1][3] == "a, b; c"


def test_tab_separated_input_to_csv_is_comma_separated(run_cli, tmp_path):
    out = tmp_path / "results.csv"
    result = run_cli("assess", staff(tmp_path, "\t", "staff.tsv"), "-q", "-o", out)
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8-sig")
    assert "\t" not in text.splitlines()[0]
    rows = parse(text, ",")
    assert rows[0] == HEADER + RESULTS
    assert rows[1][:4] == ROWS[0]  # the cell holding a comma is quoted, not split


def test_pipe_separated_input_to_csv_is_comma_separated(run_cli, tmp_path):
    result = run_cli("assess", staff(tmp_path, "|"), "-q", "--format", "csv")
    assert parse(result.stdout, ",")[0] == HEADER + RESULTS


def test_semicolon_input_to_csv_stays_semicolon_separated(run_cli, tmp_path):
    out, summary = tmp_path / "results.csv", tmp_path / "s.json"
    result = run_cli("assess", staff(tmp_path, ";"), "-q", "-o", out, "--summary", summary)
    assert result.exit_code == 0, result.stderr
    rows = parse(out.read_text(encoding="utf-8-sig"), ";")
    assert rows[0] == HEADER + RESULTS and rows[1][3] == "a, b; c"
    s = json.loads(summary.read_text())
    assert s["input"]["delimiter"] == ";" and s["output"]["delimiter"] == ";"


def test_tsv_input_to_tsv_output_keeps_the_input_cells(run_cli, tmp_path):
    src = staff(tmp_path, "\t", "staff.tsv")
    out, summary = tmp_path / "results.tsv", tmp_path / "s.json"
    result = run_cli("assess", src, "-q", "-o", out, "--summary", summary)
    assert result.exit_code == 0, result.stderr
    got = out.read_text(encoding="utf-8-sig").splitlines()
    given = src.read_text(encoding="utf-8").splitlines()
    assert got[1].startswith(given[1] + "\t")  # the row as it was read, then the results
    assert json.loads(summary.read_text())["output"] == {
        "name": str(out), "format": "tsv", "formula_guard": True, "delimiter": "tab",
        "replaced_a_file": False}


def test_match_tsv_is_tab_separated(run_cli, tmp_path):
    people = tmp_path / "staff.csv"
    people.write_text("staff_id,career_stage,focus\nT01,trainee,induction\n")
    sups = tmp_path / "sup.csv"
    sups.write_text("staff_id,offers,career_stage,capacity\nS03,both,established,2\n")
    out = tmp_path / "pairs.tsv"
    result = run_cli("match", people, sups, "-q", "-o", out)
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig")), delimiter="\t"))
    assert [(r["staff_id"], r["status"], r["supporter_id"]) for r in rows] == [
        ("T01", "matched", "S03")]
