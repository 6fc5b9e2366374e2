"""The batch loop (batch/core.py): row numbers as a person finds them in the file, and one
bounded memo of results (two generations: the older is dropped when the recent one fills,
so a key in use is never lost all at once), never everything."""

from __future__ import annotations

import csv
import io
import itertools
import json

from coachmentor.batch import assess_file, core
from coachmentor.batch.summary import ROW_NUMBERS
from coachmentor.cli.batch import write_extras
from coachmentor.engine import brief


def _records(path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text("utf-8-sig"), newline="")))


def test_csv_rows_are_numbered_as_a_spreadsheet_shows_them(shipped_rules, tmp_path):
    # A title line above the header, and records with newlines in a cell before (and in) the
    # bad rows: each error names the row a spreadsheet shows, where a record is one row
    # however many lines its cells span (the "row numbers are the spreadsheet's").
    src = tmp_path / "staff.csv"
    src.write_text(
        "Staff list, autumn term,,,\n"  # row 1
        "staff_id,name,career_stage,focus,notes\n"  # row 2
        'E1,Ann,ECT,induction,"line one\nline two\nline three"\n'  # row 3 (lines 3-5)
        "E2,Bob,bogus,induction,x\n"  # row 4 (line 6)
        "\n"  # row 5: blank, skipped
        'E3,Cy,nonsense,induction,"a\nb"\n'  # row 6 (lines 8-9)
        "E1,Di,ECT,induction,\n",  # row 7 (line 10): repeats E1
        encoding="utf-8")
    out, summary, report = tmp_path / "r.csv", tmp_path / "s.json", tmp_path / "r.html"
    s = assess_file(shipped_rules, src, output=out, also_writing=(summary, report))
    write_extras(s, shipped_rules, output=out, summary=summary, report=report)
    assert (s["rows"], s["errors"], s["blank_rows_skipped"]) == (4, 2, 1)
    assert s["row_numbers"] == ROW_NUMBERS and "header is row 1" in ROW_NUMBERS
    assert [(e["row"], e["staff_id"]) for e in s["error_rows"]] == [(4, "E2"), (6, "E3")]
    assert s["first_errors"] == s["error_rows"]
    assert s["duplicate_staff_ids"]["examples"] == [{"staff_id": "E1", "rows": [3, 7]}]
    assert json.loads(summary.read_text())["error_rows"] == s["error_rows"]
    html = report.read_text()
    assert "<td>4 (E2)</td>" in html and "<td>6 (E3)</td>" in html  # what to fix, by row
    assert [r["status"] for r in _records(out)] == ["ok", "error", "error", "ok"]


def test_csv_row_numbers_reach_stderr(run_cli, tmp_path):
    data = ('staff_id,name,career_stage,focus\nQ1,"Ann\nSmith",ECT,induction\n'
            "Q2,Bob,ECT,\n")
    result = run_cli("assess", "-", input=data.encode())
    assert result.exit_code == 1
    assert "row 3 (staff_id Q2)" in result.stderr  # Excel's row, not line 4 of the file


def test_xlsx_rows_are_numbered_as_the_sheet_numbers_them(shipped_rules, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Staff development list"])  # sheet row 1: a title
    ws.append(["Staff ID", "Career Stage", "Focus"])  # sheet row 2: the header
    ws.append(["X1", "ECT", "induction"])  # 3
    ws.append(["X2", "ECT", "nonsense"])  # 4
    ws.cell(row=7, column=1, value="X3")  # rows 5 and 6 are not stored at all: blank
    ws.cell(row=7, column=2, value="SLT")  # 7: no focus
    ws.append(["X1", "SLT", "strategic"])  # 8
    book = tmp_path / "t.xlsx"
    wb.save(book)
    s = assess_file(shipped_rules, book, output=tmp_path / "r.csv")
    assert s["input"]["header_row"] == 2
    assert (s["rows"], s["errors"], s["blank_rows_skipped"]) == (4, 2, 2)
    assert [(e["row"], e["staff_id"]) for e in s["error_rows"]] == [(4, "X2"), (7, "X3")]
    assert s["duplicate_staff_ids"]["examples"] == [{"staff_id": "X1", "rows": [3, 8]}]


def test_a_memo_smaller_than_the_answer_sets_evicts_and_stays_right(shipped_rules, tmp_path,
                                                                   monkeypatch):
    # More distinct answer sets than the memo holds, seen twice over: every row still says
    # what the engine says, and the engine runs again only for what was evicted.
    monkeypatch.setattr(core, "MEMO_MAX", 8)
    monkeypatch.setattr(core, "CHUNK", 4)  # new keys are worked out at the end of a chunk
    stages = ["ECT", "SLT", "established", "trainee", "middle leader"]
    foci = ["induction", "wellbeing", "conflict", "career", "strategic"]
    combos = list(itertools.product(stages, foci))
    src = tmp_path / "many.csv"
    src.write_text("career_stage,focus\n" + "".join(f"{a},{b}\n" for a, b in combos * 2))
    out = tmp_path / "r.csv"
    s = assess_file(shipped_rules, src, output=out)
    assert s["rows"] == 50 and s["errors"] == 0
    assert s["distinct_answer_combinations"] == 50  # every set evicted before it came back
    for (stage, focus), rec in zip(combos * 2, _records(out)):
        answers = {"career_stage": shipped_rules.match_value("career_stage", stage),
                   "focus": shipped_rules.match_value("focus", focus)}
        b = brief(shipped_rules, answers)
        assert rec["recommendation"] == b.recommendation
        assert rec["reasons"] == " | ".join(r.text for r in b.reasons)
    # Repeats close together are served by the memo.
    src.write_text("career_stage,focus\n" + "ECT,induction\n" * 20 + "SLT,conflict\n" * 20)
    s = assess_file(shipped_rules, src, output=out)
    assert s["distinct_answer_combinations"] == 2
