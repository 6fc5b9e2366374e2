"""`assess -o results.xlsx` and `match -o pairs.xlsx` write real workbooks: read back with
openpyxl, cell by cell; the same input gives the same bytes; a workbook never goes to a
terminal and never past Excel's rows."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import one_error_line
from staff_exports import read_columns

from coachmentor.batch.columns import OUTPUT_COLUMNS
from coachmentor.files import workbook_out

HEADER = ["staff_id", "name", "career_stage", "focus", "notes"]
ROWS = [
    ["00123", "Ann Example", "ECT", "induction", "=1+1"],
    ["00124", "Bob Example", "Senior Leader", "conflict", "#N/A"],
    ["00125", "Cy Example", "not a stage", "induction", "+44 7700 900123"],
    ["00126", "Di Example", "trainee", "induction", "-2"],
    ["00127", "Ed Example", "established", "wellbeing", "@SUM(A1)"],
]
STAFF_CSV = "\r\n".join(",".join(r) for r in [HEADER, *ROWS]) + "\r\n"


def write_staff(tmp_path: Path, text: str = STAFF_CSV, name: str = "staff.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def sheet(path_or_bytes: Path | bytes):
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else path_or_bytes.read_bytes()
    return openpyxl.load_workbook(io.BytesIO(data)).active


def values(ws) -> list[list]:
    return [[c.value for c in row] for row in ws.iter_rows()]


def column(ws, name: str) -> list:
    header = [c.value for c in ws[1]]
    i = header.index(name)
    return [row[i].value for row in ws.iter_rows(min_row=2)]


# --- the workbook ---------------------------------------------------------------------------


def test_assess_writes_a_workbook_with_header_panes_filter_and_widths(run_cli, tmp_path, shipped_rules):
    out = tmp_path / "results.xlsx"
    result = run_cli("assess", write_staff(tmp_path), "-o", out)
    assert result.exit_code == 1, result.stderr  # one error row ("not a stage")
    assert result.stdout == ""
    assert "coachmentor assess: 5 row(s): 4 ok, 1 error(s)" in result.stderr
    ws = sheet(out)
    assert ws.title == "results"
    header = [c.value for c in ws[1]]
    assert header == HEADER + list(OUTPUT_COLUMNS) + read_columns(shipped_rules, HEADER)
    assert all(c.font.b for c in ws[1])
    assert not ws["A2"].font.b
    assert ws.freeze_panes == "A2"
    last = openpyxl.utils.get_column_letter(len(header))
    assert ws.auto_filter.ref == f"A1:{last}6"
    assert ws.max_row == 1 + len(ROWS)  # one row per input data row
    widths = {k: d.width for k, d in ws.column_dimensions.items()}
    assert len(widths) == len(header)
    assert all(workbook_out.WIDTH_MIN <= w <= workbook_out.WIDTH_MAX for w in widths.values())
    assert widths["A"] >= len("staff_id")  # the header fits beside its filter button
    reasons = openpyxl.utils.get_column_letter(header.index("reasons") + 1)
    assert widths[reasons] == workbook_out.WIDTH_MAX  # long text: capped, not as wide as it is


def test_confidence_is_a_number_and_every_other_cell_text(run_cli, tmp_path):
    out = tmp_path / "results.xlsx"
    run_cli("assess", write_staff(tmp_path), "-q", "-o", out)
    ws = sheet(out)
    header = [c.value for c in ws[1]]
    conf = header.index("confidence")
    for row in ws.iter_rows(min_row=2):
        status = row[header.index("status")].value
        for i, cell in enumerate(row):
            if cell.value is None:
                continue
            if i == conf:
                assert cell.data_type == "n" and isinstance(cell.value, float)
                assert 0 <= cell.value <= 1
            else:
                assert cell.data_type == "s", (header[i], cell.value)
        if status == "error":
            assert row[conf].value is None  # no confidence: an empty cell, not 0
    assert column(ws, "staff_id") == ["00123", "00124", "00125", "00126", "00127"]


def test_formula_like_text_stays_literal_text_with_no_guard(run_cli, tmp_path):
    out = tmp_path / "results.xlsx"
    run_cli("assess", write_staff(tmp_path), "-q", "-o", out)
    ws = sheet(out)
    assert column(ws, "notes") == ["=1+1", "#N/A", "+44 7700 900123", "-2", "@SUM(A1)"]
    xml = zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and 't="e"' not in xml and 't="str"' not in xml
    summary = tmp_path / "s.json"
    run_cli("assess", write_staff(tmp_path), "-q", "-o", out, "--summary", summary)
    assert json.loads(summary.read_text())["output"]["formula_guard"] is False


def test_formula_in_the_header_and_error_messages_stays_text(run_cli, tmp_path):
    text = "staff_id,career_stage,focus,=HYPERLINK(\"x\")\r\nS1,=2+2,induction,x\r\n"
    out = tmp_path / "results.xlsx"
    assert run_cli("assess", write_staff(tmp_path, text), "-q", "-o", out).exit_code == 1
    ws = sheet(out)
    assert ws["D1"].value == '=HYPERLINK("x")' and ws["D1"].data_type == "s"
    assert ws["B2"].value == "=2+2" and ws["B2"].data_type == "s"
    assert "'=2+2'" in column(ws, "error")[0]


def test_control_characters_become_replacement_marks(run_cli, tmp_path):
    text = ("staff_id,career_stage,focus,notes\r\n"
            "S1,ECT,induction,\"bell\x07 esc\x1b nul-free\x0b tab\there\nnewline\"\r\n")
    out = tmp_path / "results.xlsx"
    result = run_cli("assess", write_staff(tmp_path, text), "-q", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert column(sheet(out), "notes") == ["bell\ufffd esc\ufffd nul-free\ufffd tab\there\nnewline"]


def test_a_nul_byte_row_is_an_error_row_in_the_workbook_too(run_cli, tmp_path):
    text = "staff_id,career_stage,focus,notes\r\nS1,ECT,induction,a\x00b\r\nS2,ECT,induction,ok\r\n"
    out = tmp_path / "results.xlsx"
    result = run_cli("assess", write_staff(tmp_path, text), "-q", "-o", out)
    assert result.exit_code == 1 and result.stdout == ""
    ws = sheet(out)
    assert column(ws, "notes") == ["a\ufffdb", "ok"]
    assert column(ws, "status") == ["error", "ok"]


def test_a_cell_longer_than_excel_holds_is_cut_marked_and_counted(run_cli, tmp_path):
    long = "x" * 40_000
    text = f"staff_id,career_stage,focus,notes\r\nS1,ECT,induction,{long}\r\nS2,ECT,induction,short\r\n"
    out, summary = tmp_path / "results.xlsx", tmp_path / "summary.json"
    result = run_cli("assess", write_staff(tmp_path, text), "-o", out, "--summary", summary)
    assert result.exit_code == 0, result.stderr
    cell = column(sheet(out), "notes")[0]
    assert len(cell) == workbook_out.MAX_CELL
    assert cell.endswith(workbook_out.CUT) and cell.startswith("x" * 30_000)
    assert json.loads(summary.read_text())["output"]["cells_cut"] == 1
    assert "note: 1 cell(s) longer than an Excel cell holds (32,767 characters) were cut" in result.stderr


@pytest.mark.parametrize("sample", [workbook_out.SAMPLE_ROWS, 7])
def test_every_row_once_and_in_order_across_chunks(run_cli, tmp_path, monkeypatch, sample):
    """Rows come in chunks of 1,024 and the first are held back for the column widths: each
    row must still be written once, in input order."""
    monkeypatch.setattr(workbook_out, "SAMPLE_ROWS", sample)
    n = 2_500
    text = "staff_id,career_stage,focus\r\n" + "".join(
        f"{i:05d},ECT,induction\r\n" for i in range(n))
    out = tmp_path / "results.xlsx"
    assert run_cli("assess", write_staff(tmp_path, text), "-q", "-o", out).exit_code == 0
    ws = openpyxl.load_workbook(out, read_only=True).active
    ids = [row[0] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert ids == [f"{i:05d}" for i in range(n)]


def test_header_only_input_gives_a_header_only_workbook(run_cli, tmp_path):
    out = tmp_path / "results.xlsx"
    result = run_cli("assess", write_staff(tmp_path, "staff_id,career_stage,focus\r\n"), "-q", "-o", out)
    assert result.exit_code == 0, result.stderr
    ws = sheet(out)
    assert ws.max_row == 1 and ws.freeze_panes == "A2"
    assert ws.auto_filter.ref.endswith("1")


def test_more_rows_than_a_sheet_holds_is_refused_and_nothing_written(run_cli, tmp_path, monkeypatch):
    monkeypatch.setattr(workbook_out, "MAX_ROWS", 4)  # 3 data rows and the header
    from openpyxl.worksheet._writer import ALL_TEMP_FILES  # openpyxl's own streamed sheets

    staff, out = write_staff(tmp_path), tmp_path / "results.xlsx"
    out.write_bytes(b"the previous results")
    before, streamed = set(os.listdir(tmp_path)), list(ALL_TEMP_FILES)
    line = one_error_line(run_cli("assess", staff, "-q", "-o", out),
                          f"{out}: more than 3 rows, more than an Excel sheet holds",
                          "write .csv or .jsonl instead")
    assert "Example" not in line  # no staff name in the message
    assert out.read_bytes() == b"the previous results"  # untouched
    assert set(os.listdir(tmp_path)) == before  # no temporary file left beside it
    assert streamed == ALL_TEMP_FILES  # and the sheet's own removed now, not at exit


def test_the_same_input_gives_the_same_bytes(run_cli, tmp_path):
    staff = write_staff(tmp_path)
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert run_cli("assess", staff, "-q", "-o", first).exit_code == 1
    os.utime(staff, (1e9, 1e9))  # another time of day, another file time: no difference
    assert run_cli("assess", staff, "-q", "-o", second).exit_code == 1
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as z:
        assert {i.date_time for i in z.infolist()} == {(2000, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert core.count("2000-01-01T00:00:00Z") == 2  # created and modified, fixed
    props = openpyxl.load_workbook(first).properties
    assert props.creator == "coachmentor"


def test_format_option_writes_xlsx_whatever_the_name(run_cli, tmp_path):
    out = tmp_path / "results.dat"
    result = run_cli("assess", write_staff(tmp_path), "-q", "-o", out, "--format", "XLSX")
    assert result.exit_code == 1, result.stderr
    assert out.read_bytes()[:4] == b"PK\x03\x04"
    assert sheet(out).max_row == 1 + len(ROWS)


def test_a_workbook_goes_to_standard_output_that_is_not_a_terminal(run_cli, tmp_path):
    staff = write_staff(tmp_path)
    piped = run_cli("assess", staff, "-q", "--format", "xlsx")
    dash = run_cli("assess", staff, "-q", "--format", "xlsx", "-o", "-")
    assert piped.exit_code == dash.exit_code == 1 and piped.stderr == ""
    out = tmp_path / "results.xlsx"
    run_cli("assess", staff, "-q", "-o", out)
    assert piped.stdout_bytes == dash.stdout_bytes == out.read_bytes()  # same bytes wherever


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
@pytest.mark.parametrize("args", [("--format", "xlsx"), ("-o", "-", "--format", "xlsx")])
def test_a_workbook_is_refused_at_a_terminal(tmp_path, args, at_a_terminal):
    out, err, code = at_a_terminal("assess", str(write_staff(tmp_path)), *args)
    assert code == 2 and out == b""
    assert err == ("coachmentor: error: xlsx needs a file: -o results.xlsx (or redirect "
                   "standard output to a file)\n")


def test_the_real_command_in_a_subprocess(tmp_path):
    exe = Path(sys.executable).with_name("coachmentor")
    staff, out = write_staff(tmp_path), tmp_path / "out.xlsx"
    proc = subprocess.run([str(exe), "assess", str(staff), "-o", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == "" and "Traceback" not in proc.stderr
    assert "Example" not in proc.stderr  # names never on stderr
    ws = sheet(out)
    assert ws.max_row == 1 + len(ROWS)
    assert column(ws, "notes")[0] == "=1+1"
    assert oct(out.stat().st_mode & 0o777) == "0o600"  # personal data: private when new


def test_a_written_workbook_reads_back_as_input(run_cli, tmp_path):
    """Results edited in Excel come back: the previous result columns are replaced."""
    first, again = tmp_path / "results.xlsx", tmp_path / "again.xlsx"
    run_cli("assess", write_staff(tmp_path), "-q", "-o", first)
    result = run_cli("assess", first, "-q", "-o", again)
    assert result.exit_code == 1, result.stderr
    assert values(sheet(again)) == values(sheet(first))


def test_redact_applies_to_the_workbook(run_cli, tmp_path):
    out = tmp_path / "results.xlsx"
    assert run_cli("assess", write_staff(tmp_path), "-q", "--redact", "-o", out).exit_code == 1
    names = column(sheet(out), "name")
    assert all(n and "Example" not in n for n in names)


# --- match ----------------------------------------------------------------------------------

MATCH_STAFF = """staff_id,name,career_stage,focus,school
T01,Amy Trainee,trainee,induction,North
E01,Ben Early,ECT,induction,North
X01,Fay Other,established,=1+1,East
"""
MATCH_SUPPORTERS = """staff_id,name,offers,career_stage,capacity,school
S03,Gus Mentor,both,established,2,North
"""


def test_match_writes_a_workbook_too(run_cli, tmp_path):
    staff, sups = tmp_path / "staff.csv", tmp_path / "sup.csv"
    staff.write_text(MATCH_STAFF)
    sups.write_text(MATCH_SUPPORTERS)
    out = tmp_path / "pairs.xlsx"
    result = run_cli("match", staff, sups, "-q", "-o", out)
    assert result.exit_code == 1, result.stderr  # X01 is an error row
    assert result.stdout == ""
    ws = sheet(out)
    assert ws.title == "pairs" and ws.freeze_panes == "A2" and ws.auto_filter.ref
    from coachmentor.match.io import COLUMNS

    assert [c.value for c in ws[1]] == list(COLUMNS)
    assert column(ws, "staff_id") == ["T01", "E01", "X01"]
    assert column(ws, "status") == ["matched", "matched", "error"]
    scores = column(ws, "score")
    assert all(isinstance(s, float) for s in scores[:2]) and scores[2] is None
    assert column(ws, "row") == [2, 3, 4]
    first = tmp_path / "first.xlsx"
    run_cli("match", staff, sups, "-q", "-o", first, "--format", "xlsx")
    assert first.read_bytes() == out.read_bytes()


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_match_refuses_a_workbook_at_a_terminal(tmp_path, at_a_terminal):
    staff, sups = tmp_path / "staff.csv", tmp_path / "sup.csv"
    staff.write_text(MATCH_STAFF)
    sups.write_text(MATCH_SUPPORTERS)
    out, err, code = at_a_terminal("match", str(staff), str(sups), "--format", "xlsx")
    assert code == 2 and out == b""
    assert err == ("coachmentor: error: xlsx needs a file: -o pairs.xlsx (or redirect "
                   "standard output to a file)\n")


def test_match_refuses_a_spreadsheet_it_does_not_write(run_cli, tmp_path):
    staff, sups = tmp_path / "staff.csv", tmp_path / "sup.csv"
    staff.write_text(MATCH_STAFF)
    sups.write_text(MATCH_SUPPORTERS)
    out = tmp_path / "pairs.ods"
    one_error_line(run_cli("match", staff, sups, "-q", "-o", out), f"{out}: ",
                   "ods output is not supported: write .xlsx or .csv")
    assert not out.exists()
