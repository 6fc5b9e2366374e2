"""`coachmentor assess`: the shapes real exports come in, row accounting, errors, summary.

Fixture files live in tests/fixtures/batch (made by make_fixtures.py there); workbooks are
made with openpyxl in the tests. Results are checked against the engine itself: a batch row
must say exactly what `assess()` says for the same answers.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from staff_exports import read_columns

from coachmentor.batch.columns import OUTPUT_COLUMNS
from coachmentor.engine import assess
from coachmentor.rulebase.normalise import fold

FIXTURES = Path(__file__).parent / "fixtures" / "batch"


def fixture(name: str) -> Path:
    return FIXTURES / name


def stdout(result) -> str:
    """Standard output exactly as written (click's Result.stdout turns CRLF into LF)."""
    return result.stdout_bytes.decode("utf-8")


def parse_csv(text: str, delimiter: str = ",") -> list[list[str]]:
    # csv's cell limit is the process's: the tests read a 1 MB cell back, so raise it here and
    # put it back (the command line under test no longer raises it for everyone)
    before = csv.field_size_limit(1 << 26)
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    finally:
        csv.field_size_limit(before)


def records(text: str, delimiter: str = ",") -> list[dict[str, str]]:
    rows = parse_csv(text, delimiter)
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def engine_says(rules, row: dict[str, str]):
    """What the engine says for a row's answers (header aliases and synonyms allowed)."""
    answers = {}
    for header, value in row.items():
        fid = rules.header_lookup.get(fold(header))
        if fid in rules.questions and value.strip():
            answers[header] = value
    return assess(rules, answers)


def assert_matches_engine(rules, row: dict[str, str]) -> None:
    expected = engine_says(rules, row)
    assert row["status"] == "ok", row["error"]
    assert row["recommendation"] == expected.recommendation
    assert float(row["confidence"]) == expected.confidence
    assert row["coaching_type"] == (expected.coaching_type or "")
    assert row["mentoring_type"] == (expected.mentoring_type or "")
    assert row["reasons"] == " | ".join(r.text for r in expected.reasons)
    assert row["alternative"] == (expected.alternative or "")
    assert row["rules_version"] == rules.version and row["rules_hash"] == rules.hash
    assert row["error"] == ""


# --- real-world shapes ----------------------------------------------------------------------


def test_excel_export_bom_semicolons_crlf_aliases_and_synonyms(run_cli, shipped_rules, tmp_path):
    src = fixture("excel_bom_semicolon_crlf.csv")
    out = tmp_path / "results.csv"
    result = run_cli("assess", src, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert stdout(result) == ""
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    assert data.count(b"\r\n") == 5 and b"\n" not in data.replace(b"\r\n", b"")
    text = data.decode("utf-8-sig")
    rows = parse_csv(text, ";")
    given = parse_csv(src.read_bytes().decode("utf-8-sig"), ";")
    assert rows[0] == given[0] + list(OUTPUT_COLUMNS) + read_columns(shipped_rules, given[0])
    assert [r[: len(given[0])] for r in rows[1:]] == given[1:], "input columns unchanged"
    recs = records(text, ";")
    assert [r["Staff ID"] for r in recs] == ["S001", "S002", "S003", "S004"]
    for r in recs:
        assert_matches_engine(shipped_rules, r)
    assert "4 row(s): 4 ok, 0 error(s)" in result.stderr


def test_cp1252_is_detected_and_written_as_utf8(run_cli, tmp_path):
    out, summary = tmp_path / "r.csv", tmp_path / "s.json"
    result = run_cli("assess", fixture("cp1252_comma.csv"), "-o", out, "--summary", summary)
    assert result.exit_code == 0, result.stderr
    recs = records(out.read_text("utf-8-sig"))
    assert [r["name"] for r in recs] == ["Renée O’Connor", "Zoë Smith"]
    assert recs[0]["department"] == "Français"
    assert json.loads(summary.read_text())["input"]["encoding"].startswith("cp1252")
    assert "read as cp1252" in result.stderr


def test_wrong_encoding_makes_error_rows_naming_the_flag(run_cli):
    # Bytes the named encoding rejects are a row-level problem (issue 10, item 7): each such
    # row is an error row that names the column, the byte and --encoding; the run goes on.
    result = run_cli("assess", fixture("cp1252_comma.csv"), "--encoding", "utf-8")
    assert result.exit_code == 1, result.stderr
    assert "Traceback" not in result.stderr
    recs = records(stdout(result))
    assert [r["status"] for r in recs] == ["error", "error"]
    assert "'name'" in recs[0]["error"] and "0xe9" in recs[0]["error"]
    assert "--encoding" in recs[0]["error"] and "\ufffd" in recs[0]["name"]
    assert "row 2 (staff_id C1)" in result.stderr and "Ren" not in result.stderr


def test_bytes_neither_utf8_nor_cp1252(run_cli):
    result = run_cli("assess", fixture("undecodable.csv"))
    assert result.exit_code == 1
    (rec,) = records(stdout(result))
    assert rec["status"] == "error" and rec["name"] == "Ann\ufffd"
    assert "0x81" in rec["error"] and "--encoding" in rec["error"]
    assert "row 2 (staff_id Z1)" in result.stderr and "Traceback" not in result.stderr


def test_explicit_encoding_reads_what_detection_would_not(run_cli):
    result = run_cli("assess", fixture("undecodable.csv"), "--encoding", "latin-1", "-q")
    assert result.exit_code == 0, result.stderr
    assert records(stdout(result))[0]["name"] == "Ann\x81"


def test_quoted_newlines_survive_the_round_trip(run_cli, shipped_rules):
    result = run_cli("assess", fixture("embedded_newlines.csv"), "-q")
    assert result.exit_code == 0, result.stderr
    recs = records(stdout(result))
    assert [r["notes"] for r in recs] == [
        "first line\nsecond line", 'a "quoted" word, a comma\r\nand more', "plain"]
    for r in recs:
        assert_matches_engine(shipped_rules, r)


@pytest.mark.parametrize("name, delimiter", [("tab_delimited.tsv", "\t"),
                                             ("pipe_delimited.txt", "|")])
def test_delimiter_is_sniffed_and_csv_output_is_comma_separated(run_cli, shipped_rules, name,
                                                                 delimiter):
    result = run_cli("assess", fixture(name), "-q")
    assert result.exit_code == 0, result.stderr
    assert delimiter not in stdout(result).splitlines()[0]
    recs = records(stdout(result), ",")
    assert len(recs) == 2
    for r in recs:
        assert_matches_engine(shipped_rules, r)


def test_delimiter_option_overrides_the_sniffer(run_cli):
    result = run_cli("assess", fixture("tab_delimited.tsv"), "--delimiter", ",")
    assert result.exit_code == 2
    assert "missing required column" in result.stderr
    ok = run_cli("assess", fixture("tab_delimited.tsv"), "--delimiter", "tab", "-q")
    assert ok.exit_code == 0


def test_utf16_unicode_text_from_excel(run_cli):
    result = run_cli("assess", fixture("utf16_tab.txt"), "-q")
    assert result.exit_code == 0, result.stderr
    assert records(stdout(result), ",")[0]["name"] == "Zoë"  # CSV out: comma-separated


# --- every row accounted for ----------------------------------------------------------------


def test_bad_rows_are_kept_in_order_and_say_why(run_cli, shipped_rules, tmp_path):
    summary = tmp_path / "s.json"
    result = run_cli("assess", fixture("bad_rows_mixed.csv"), "--summary", summary)
    assert result.exit_code == 1
    recs = records(stdout(result))
    assert [r["staff_id"] for r in recs] == ["B1", "B2", "B3", "B4", "B5", "B6"]
    # B5's time frame ('fortnight') is optional: read as not answered, with a warning (issue 18).
    assert [r["status"] for r in recs] == ["ok", "error", "error", "ok", "ok", "ok"]
    for r in recs:
        if r["status"] == "ok" and r["staff_id"] != "B5":
            assert_matches_engine(shipped_rules, r)
        elif r["status"] == "error":
            assert r["recommendation"] == r["reasons"] == r["confidence"] == ""
    assert "career_stage" in recs[1]["error"] and "'Sneior leader'" in recs[1]["error"]
    assert "did you mean 'senior_leader'?" in recs[1]["error"]
    assert "focus" in recs[2]["error"] and "empty" in recs[2]["error"]
    assert recs[4]["time_frame_read"] == "" and recs[4]["career_stage_read"] == "trainee"
    assert "time_frame: 'fortnight' in column 'time_frame'" in recs[4]["warnings"]
    assert "read as not answered" in recs[4]["warnings"]
    assert_matches_engine(shipped_rules, {**recs[4], "time_frame": ""})
    s = json.loads(summary.read_text())
    assert (s["rows"], s["ok"], s["errors"]) == (6, 4, 2)
    # The accepted values are listed once, in the summary, not in every error cell.
    assert [c["value"] for c in s["accepted_values"]["career_stage"]][:2] == ["trainee", "early_career"]
    assert "expected one of" not in recs[1]["error"]
    # Row numbers are the file's (the header is row 1): where a person will find the row.
    assert s["row_numbers"].startswith("as a spreadsheet shows them")
    assert [(e["row"], e["staff_id"]) for e in s["first_errors"]] == [(3, "B2"), (4, "B3")]
    assert "row 3 (staff_id B2)" in result.stderr
    # Names never leave the results file.
    for name in ("Alice", "Brenda", "Badstage", "Carl", "Nofocus", "Eve", "Badtime"):
        assert name not in result.stderr
        assert name not in summary.read_text()


def test_empty_file_is_exit_2_no_header(run_cli):
    result = run_cli("assess", fixture("empty.csv"))
    assert result.exit_code == 2
    assert "no header" in result.stderr and stdout(result) == ""


def test_header_only_file_gives_a_header_only_result(run_cli):
    result = run_cli("assess", fixture("header_only.csv"), "-q")
    assert result.exit_code == 0
    assert parse_csv(stdout(result)) == [
        ["staff_id", "name", "career_stage", "focus", *OUTPUT_COLUMNS, "career_stage_read",
         "focus_read"]]


@pytest.mark.parametrize("name, words", [
    ("duplicate_headers.csv", ["'Notes' appears twice", "columns 2 and 5"]),
    ("duplicate_fields.csv", ["'Stage'", "'Career Stage'", "career_stage"]),
    ("missing_required.csv", ["missing required column: focus", "headers found: 'Staff ID'",
                              "'Stage'"]),
])
def test_file_level_problems_exit_2_with_one_line(run_cli, name, words):
    result = run_cli("assess", fixture(name))
    assert result.exit_code == 2
    assert stdout(result) == ""
    assert result.stderr.count("\n") == 1
    for w in words:
        assert w in result.stderr


def test_ragged_rows_become_error_rows_and_blank_rows_are_skipped(run_cli, tmp_path):
    summary = tmp_path / "s.json"
    result = run_cli("assess", fixture("ragged_rows.csv"), "--summary", summary)
    assert result.exit_code == 1
    rows = parse_csv(stdout(result))
    assert all(len(r) == len(rows[0]) for r in rows), "every output row has every column"
    recs = records(stdout(result))
    assert [(r["staff_id"], r["status"]) for r in recs] == [
        ("R1", "ok"), ("R2", "error"), ("R3", "error"), ("R4", "ok"), ("R5", "ok")]
    assert "3 cells but the header has 5" in recs[1]["error"] and "'focus'" in recs[1]["error"]
    assert "6 cells" in recs[2]["error"] and "after the last column" in recs[2]["error"]
    assert recs[2]["notes"] == "x"
    s = json.loads(summary.read_text())
    assert s["blank_rows_skipped"] == 2 and s["rows"] == 5
    assert [e["row"] for e in s["first_errors"]] == [3, 4]  # lines 3 and 4 of the file


def test_nul_bytes_make_an_error_row_not_a_crash(run_cli):
    result = run_cli("assess", fixture("nul_bytes.csv"), "-q")
    assert result.exit_code == 1
    recs = records(stdout(result))
    assert [r["status"] for r in recs] == ["error", "ok"]
    assert "NUL" in recs[0]["error"] and "'name'" in recs[0]["error"]


def test_unclosed_quote_is_a_file_error_and_writes_no_file(run_cli, tmp_path):
    out = tmp_path / "r.csv"
    result = run_cli("assess", fixture("unclosed_quote.csv"), "-o", out)
    assert result.exit_code == 2
    assert "never closed (row 3)" in result.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_quote_closed_rows_later_is_reported_on_that_row(run_cli):
    result = run_cli("assess", fixture("swallowed_rows.csv"), "-q")
    assert result.exit_code == 1
    recs = records(stdout(result))
    assert [(r["staff_id"], r["status"]) for r in recs] == [
        ("W1", "ok"), ("W2", "error"), ("W5", "ok")]
    assert "look like rows of their own" in recs[1]["error"]
    assert "Bob" not in recs[1]["error"]


def test_text_after_a_closing_quote_is_an_error_row_and_the_run_goes_on(run_cli):
    data = b'staff_id,name,career_stage,focus\nQ1,"Ann"x,ECT,induction\nQ2,Bob,ECT,induction\n'
    result = run_cli("assess", "-", "-q", input=data)
    assert result.exit_code == 1
    recs = records(stdout(result))
    assert [(r["staff_id"], r["status"]) for r in recs] == [("Q1", "error"), ("Q2", "ok")]
    assert "line 2 of the file" in recs[0]["error"] and "quote" in recs[0]["error"]


def test_blank_and_whitespace_rows_are_not_data_rows(run_cli):
    data = "career_stage,focus\nECT,induction\n\n  ,  \n,\nECT,induction\n"
    result = run_cli("assess", "-", input=data)
    assert result.exit_code == 0
    assert len(records(stdout(result))) == 2
    assert "3 blank row(s) skipped" in result.stderr


# --- output ---------------------------------------------------------------------------------


def test_formula_guard_in_csv_output_only(run_cli):
    guarded = records(stdout(run_cli("assess", fixture("formulas.csv"), "-q")))
    assert [r["name"] for r in guarded] == ["'=1+2", "'+SUM(A1)", "'@cmd", "'\tTab", "Plain"]
    assert [r["notes"] for r in guarded] == [
        "'=HYPERLINK(\"http://x\",\"y\")", "'-2+3", "'-12.5", "'\rCR", "a=b"]
    assert all(r["status"] == "ok" for r in guarded)
    plain = records(stdout(run_cli("assess", fixture("formulas.csv"), "-q",
                            "--no-formula-guard")))
    assert [r["name"] for r in plain] == ["=1+2", "+SUM(A1)", "@cmd", "\tTab", "Plain"]
    lines = stdout(run_cli("assess", fixture("formulas.csv"), "-q", "-f", "jsonl")).splitlines()
    assert json.loads(lines[0])["name"] == "=1+2"


def test_formula_guard_on_scored_cells_and_header(run_cli):
    data = "=staff,career_stage,focus,preference\nS1,ECT,induction,-\n"
    result = run_cli("assess", "-", "-q", input=data)
    rows = parse_csv(stdout(result))
    assert rows[0][0] == "'=staff"
    assert rows[1][3] == "'-" and rows[1][4] == "ok", "'-' is a synonym of none, guarded"


def test_jsonl_and_json_are_typed(run_cli, tmp_path, shipped_rules):
    out = tmp_path / "r.jsonl"
    assert run_cli("assess", fixture("bad_rows_mixed.csv"), "-o", out, "-q").exit_code == 1
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert [x["staff_id"] for x in lines] == ["B1", "B2", "B3", "B4", "B5", "B6"]
    assert isinstance(lines[0]["confidence"], float) and isinstance(lines[0]["reasons"], list)
    assert lines[1]["recommendation"] is None and lines[1]["confidence"] is None
    assert lines[0]["error"] is None and "Sneior" in lines[1]["error"]
    doc = json.loads(stdout(run_cli("assess", fixture("bad_rows_mixed.csv"), "-q", "-f", "json")))
    assert [x["status"] for x in doc] == ["ok", "error", "error", "ok", "ok", "ok"]
    assert doc[4]["time_frame_read"] is None and doc[4]["career_stage_read"] == "trainee"
    assert "'fortnight'" in doc[4]["warnings"][0]
    empty = json.loads(stdout(run_cli("assess", fixture("header_only.csv"), "-q", "-f", "json")))
    assert empty == []


def test_stdin_to_stdout(run_cli, shipped_rules):
    data = fixture("excel_bom_semicolon_crlf.csv").read_bytes()
    result = run_cli("assess", "-", "-q", input=data)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    recs = records(stdout(result).lstrip("\ufeff"), ";")
    assert len(recs) == 4
    for r in recs:
        assert_matches_engine(shipped_rules, r)


def test_refuses_to_write_over_its_input(run_cli, tmp_path):
    src = tmp_path / "staff.csv"
    src.write_bytes(fixture("bad_rows_mixed.csv").read_bytes())
    before = src.read_bytes()
    for target in (src, tmp_path / "." / "staff.csv"):
        result = run_cli("assess", src, "-o", target)
        assert result.exit_code == 2 and "input file" in result.stderr
    link = tmp_path / "link.csv"
    os.link(src, link)
    assert run_cli("assess", src, "-o", link).exit_code == 2
    assert run_cli("assess", src, "--summary", src).exit_code == 2
    assert src.read_bytes() == before


def test_output_replaces_an_existing_file_atomically(run_cli, tmp_path):
    out = tmp_path / "r.csv"
    out.write_text("old results\n")
    assert run_cli("assess", fixture("header_only.csv"), "-o", out, "-q").exit_code == 0
    assert out.read_text("utf-8-sig").startswith("staff_id,name")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.csv"]


def test_a_result_column_name_in_the_input_is_refused(run_cli):
    result = run_cli("assess", "-", input="career_stage,focus,status\nECT,induction,active\n")
    assert result.exit_code == 2 and "'status'" in result.stderr


def test_a_previous_output_can_be_fed_back(run_cli, tmp_path):
    first = tmp_path / "r1.csv"
    run_cli("assess", fixture("bad_rows_mixed.csv"), "-o", first, "-q")
    second = run_cli("assess", first, "-q")
    rows = parse_csv(stdout(second))
    reads = ["career_stage_read", "focus_read", "time_frame_read"]
    assert rows[0].count("status") == 1 and rows[0].count("focus_read") == 1
    assert rows[0][-len(OUTPUT_COLUMNS) - len(reads):] == list(OUTPUT_COLUMNS) + reads
    assert [r["status"] for r in records(stdout(second))] == ["ok", "error", "error", "ok",
                                                            "ok", "ok"]


def test_a_large_cell_is_carried_through(run_cli):
    big = "x" * 1_000_000
    result = run_cli("assess", "-", "-q", input=f"career_stage,focus,notes\nECT,induction,{big}\n")
    assert result.exit_code == 0
    assert records(stdout(result))[0]["notes"] == big


# --- summary --------------------------------------------------------------------------------


def test_summary_json_counts_capacity_and_traceability(run_cli, shipped_rules, tmp_path):
    out, summary = tmp_path / "r.csv", tmp_path / "s.json"
    result = run_cli("assess", fixture("excel_bom_semicolon_crlf.csv"), "-o", out,
                     "--summary", summary)
    assert result.exit_code == 0
    s = json.loads(summary.read_text())
    recs = records(out.read_text("utf-8-sig"), ";")
    by_rec = {k: sum(1 for r in recs if r["recommendation"] == k)
              for k in ("coaching", "mentoring", "both", "other")}
    assert s["recommendations"] == by_rec
    assert s["rules"] == {"name": shipped_rules.name, "version": shipped_rules.version,
                          "date": shipped_rules.date, "hash": shipped_rules.hash}
    assert set(s["by_department"]) == {"Maths", "Science", "English", "History"}
    assert sum(g["rows"] for g in s["by_career_stage"].values()) == 4
    plans = shipped_rules.model.plans
    coaching = by_rec["coaching"] + by_rec["both"]
    mentoring = by_rec["mentoring"] + by_rec["both"]
    assert s["capacity"]["coaching"]["relationships"] == coaching
    assert s["capacity"]["coaching"]["hours"] == (
        coaching * plans["coaching"].sessions * plans["coaching"].hours_per_session)
    assert s["capacity"]["mentoring"]["hours"] == (
        mentoring * plans["mentoring"].sessions * plans["mentoring"].hours_per_session)
    assert s["columns"]["career_stage"] == "Career Stage"
    assert s["exit_code"] == 0 and s["input"]["delimiter"] == ";"
    text = summary.read_text() + result.stderr
    for name in ("Zoë", "Adams", "Tom Brown", "Priya", "O'Neill"):
        assert name not in text


def test_repeated_staff_ids_are_a_warning(run_cli, tmp_path):
    summary = tmp_path / "s.json"
    result = run_cli("assess", fixture("repeated_staff_id.csv"), "--summary", summary)
    assert result.exit_code == 0
    dup = json.loads(summary.read_text())["duplicate_staff_ids"]
    assert dup["rows"] == 2
    assert dup["examples"] == [{"staff_id": "S1", "rows": [2, 4]}, {"staff_id": "S2", "rows": [3, 5]}]
    assert "staff_id S1: rows 2, 4" in result.stderr
    assert "again" not in result.stderr and "Ann" not in result.stderr


def test_quiet_prints_nothing_on_stderr(run_cli):
    result = run_cli("assess", fixture("bad_rows_mixed.csv"), "-q")
    assert result.exit_code == 1 and result.stderr == ""


def test_summary_dict_is_reusable_without_the_cli(shipped_rules, tmp_path):
    from coachmentor.batch import assess_file
    from coachmentor.render.summary import render_text

    out = tmp_path / "r.csv"
    s = assess_file(shipped_rules, fixture("bad_rows_mixed.csv"), output=out)
    json.dumps(s)  # plain data
    assert s["exit_code"] == 1 and s["rows"] == 6
    assert render_text(s).startswith("coachmentor assess: 6 row(s): 4 ok, 2 error(s)")


# --- xlsx -----------------------------------------------------------------------------------


def make_workbook(path: Path) -> None:
    import datetime

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Staff"
    ws.append(["Staff No", "Teacher", "Faculty", "Career Stage", "Focus", "New to role",
               "Started", "Score"])
    ws.append([101, "Ann Lee", "Maths", "ECT", "Induction", True, datetime.date(2024, 9, 1), 3.5])
    ws.append([102, "Bob Ray", "Science", "Senior Leader", "strategic", False,
               datetime.datetime(2024, 9, 1, 8, 30), -2])
    ws.append([None] * 8)
    ws.append([103, "Cy", "Art", "bogus", "Induction"])  # a short row: trailing cells empty
    ws.append([104, "@SUM(A1)", "Art", "trainee", "Induction", None, "=1+1"])
    other = wb.create_sheet("Leaders")
    other.append(["career_stage", "focus"])
    other.append(["SLT", "conflict"])
    wb.save(path)


def test_xlsx_first_sheet(run_cli, shipped_rules, tmp_path):
    book = tmp_path / "staff.xlsx"
    make_workbook(book)
    out = tmp_path / "r.csv"
    result = run_cli("assess", book, "-o", out)
    assert result.exit_code == 1
    recs = records(out.read_text("utf-8-sig"))
    assert [r["Staff No"] for r in recs] == ["101", "102", "103", "104"]
    assert recs[0]["New to role"] == "TRUE" and recs[0]["Started"] == "2024-09-01"
    assert recs[1]["Started"] == "2024-09-01 08:30:00" and recs[1]["Score"] == "'-2"
    assert [r["status"] for r in recs] == ["ok", "ok", "error", "ok"]
    assert "'bogus'" in recs[2]["error"] and "row 5 (Staff No 103)" in result.stderr  # sheet row
    assert recs[3]["Teacher"] == "'@SUM(A1)"  # text that a spreadsheet would run: guarded
    assert recs[3]["Started"] == ""  # a formula is read as its cached value (none here)
    for r in (recs[0], recs[1], recs[3]):
        assert_matches_engine(shipped_rules, {**r, "Teacher": "", "New to role":
                                              {"TRUE": "yes", "FALSE": "no"}[r["New to role"]]
                                              if r["New to role"] else ""})


def test_xlsx_named_sheet_and_stdin(run_cli, tmp_path):
    book = tmp_path / "staff.xlsx"
    make_workbook(book)
    result = run_cli("assess", book, "--sheet", "Leaders", "-q")
    assert [r["recommendation"] for r in records(stdout(result))] != []
    assert run_cli("assess", book, "--sheet", "Nope").exit_code == 2
    piped = run_cli("assess", "-", "-q", input=book.read_bytes())
    assert piped.exit_code == 1 and len(records(stdout(piped))) == 4


@pytest.mark.parametrize("content", [b"", b"not a zip", b"PK\x03\x04broken"])
def test_corrupt_workbook_is_exit_2(run_cli, tmp_path, content):
    book = tmp_path / "bad.xlsx"
    book.write_bytes(content)
    result = run_cli("assess", book)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_old_xls_is_named(run_cli, tmp_path):
    book = tmp_path / "old.xls"
    book.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    result = run_cli("assess", book)
    assert result.exit_code == 2 and ".xls" in result.stderr


# --- housekeeping ---------------------------------------------------------------------------


def test_cli_module_imports_no_heavy_batch_dependencies():
    import subprocess
    import sys

    code = ("import sys, coachmentor.cli.app; "
            "heavy = [m for m in ('openpyxl', 'rich', 'pydantic', 'coachmentor.batch') "
            "if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_redact_replaces_names_with_stable_pseudonyms(run_cli, tmp_path):
    src = fixture("bad_rows_mixed.csv")
    env = {"COACHMENTOR_REDACT_KEY": "trust-secret"}
    first = stdout(run_cli("assess", src, "--redact", "-q", env=env))
    again = stdout(run_cli("assess", src, "--redact", "-q", env=env))
    other_key = stdout(run_cli("assess", src, "--redact", "-q",
                               env={"COACHMENTOR_REDACT_KEY": "another"}))
    names = [r["name"] for r in records(first)]
    assert all(n.startswith("anon-") for n in names) and len(set(names)) == 6
    assert first == again, "the same key gives the same pseudonyms"
    assert [r["name"] for r in records(other_key)] != names
    for word in ("Alice", "Brenda", "Dora", "Fay"):
        assert word not in first
    plain = records(stdout(run_cli("assess", src, "-q")))
    redacted = records(first)
    for p, r in zip(plain, redacted):  # in ok rows only the name changes ...
        if p["status"] == "ok" and not p["warnings"]:
            assert {k: v for k, v in p.items() if k != "name"} == {
                k: v for k, v in r.items() if k != "name"}
        elif p["status"] == "ok":  # ... and a value not read, which may be a name too
            assert r["time_frame"].startswith("anon-") and "fortnight" not in r["warnings"]
            assert "time_frame: the value in column 'time_frame'" in r["warnings"]
        else:  # error rows also lose the bad value (it may be a name: see test_redact_strict)
            assert (r["status"], r["staff_id"], r["department"]) == (
                "error", p["staff_id"], p["department"])


def test_title_rows_above_the_header_are_skipped(run_cli, tmp_path):
    data = ("Staff development report;;;\r\nExported 23/11/2026;;;\r\n;;;\r\n"
            "Staff ID;Name;Career Stage;Focus\r\nS1;Ann;ECT;induction\r\nS2;Bob;SLT;strategic\r\n")
    summary = tmp_path / "s.json"
    result = run_cli("assess", "-", "--summary", summary, input=data.encode())
    assert result.exit_code == 0, result.stderr
    assert [r["Staff ID"] for r in records(stdout(result), ";")] == ["S1", "S2"]
    s = json.loads(summary.read_text())
    assert s["input"]["rows_above_header_skipped"] == 2 and s["input"]["header_row"] == 4
    assert "header is on row 4" in result.stderr


def test_xlsx_title_rows_and_sheet_row_numbers(run_cli, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Staff list, autumn term"])
    ws.append([])
    ws.append(["Staff ID", "Career Stage", "Focus"])
    ws.append(["A1", "ECT", "induction"])
    ws.append(["A2", "nonsense", "induction"])
    book = tmp_path / "t.xlsx"
    wb.save(book)
    result = run_cli("assess", book)
    assert result.exit_code == 1
    assert "row 5 (Staff ID A2)" in result.stderr and "sheet row N+" not in result.stderr


@pytest.mark.parametrize("header", ["New to role?", "New to role ?", "Career stage *",
                                    "Focus (required)", "* Focus", "career-stage:"])
def test_decorated_headers_are_recognised(run_cli, header, shipped_rules):
    from coachmentor.batch.columns import field_of

    assert field_of(shipped_rules, header) in ("new_to_role", "career_stage", "focus")
    assert field_of(shipped_rules, "Notes?") is None


def test_decorated_header_values_are_checked(run_cli):
    data = "Career stage *,Focus (required),New to role?\nECT,induction,maybe\n"
    result = run_cli("assess", "-", "-q", input=data)
    assert result.exit_code == 0  # an optional answer never costs the row (issue 18)
    (rec,) = records(stdout(result))
    assert "new_to_role: 'maybe' in column 'New to role?'" in rec["warnings"]
    assert rec["new_to_role_read"] == ""


def test_sniffer_is_not_misled_by_a_title_line():
    from coachmentor.files.table import sniff_delimiter

    assert sniff_delimiter("Report, autumn\na;b;c\n1;2;3\n4;5;6\n") == ";"
    assert sniff_delimiter("a\tb\tc\n1\t2,5\t3\n") == "\t"
    assert sniff_delimiter("a,b;c\n1,2;3\n") == ","  # a tie goes to the comma
    assert sniff_delimiter("") == ","
    # a form feed is a line break to str.splitlines(), not to CSV; quoted ';' are not delimiters
    assert sniff_delimiter('a,b,c\n,\x0c,;\n",;",x,y\n') == ","


def test_report_html_from_the_same_summary(run_cli, tmp_path):
    report, summary = tmp_path / "r.html", tmp_path / "s.json"
    result = run_cli("assess", fixture("bad_rows_mixed.csv"), "-q", "--report", report,
                     "--summary", summary)
    assert result.exit_code == 1
    html = report.read_text()
    assert html.startswith("<!DOCTYPE html>") and "<script" not in html
    s = json.loads(summary.read_text())
    assert [e["row"] for e in s["error_rows"]] == [3, 4]
    for e in s["error_rows"]:  # in the table of what to fix, by row and staff id
        assert f'{e["row"]} ({e["staff_id"]})' in html
    for name in ("Alice", "Brenda", "Carl", "Eve"):
        assert name not in html
    same = run_cli("assess", fixture("bad_rows_mixed.csv"), "--report", summary,
                   "--summary", summary)
    assert same.exit_code == 2 and "same file" in same.stderr


def test_error_rows_are_bounded_and_in_row_order(shipped_rules, tmp_path):
    from coachmentor.batch import assess_file
    from coachmentor.batch.summary import ERROR_ROWS, FIRST_ERRORS

    src = tmp_path / "bad.csv"
    src.write_text("staff_id,career_stage,focus\n"
                   + "".join(f"S{i},nonsense,induction\n" for i in range(1, ERROR_ROWS + 51)))
    s = assess_file(shipped_rules, src, output=tmp_path / "r.csv")
    assert s["errors"] == ERROR_ROWS + 50
    assert [e["row"] for e in s["error_rows"]] == list(range(2, ERROR_ROWS + 2))
    assert s["first_errors"] == s["error_rows"][:FIRST_ERRORS]


def test_the_header_settles_the_delimiter_when_data_rows_hold_another_candidate(
        run_cli, shipped_rules):
    # Every data row has a '|' in the same cells and a quoted line break: counted alone, '|'
    # splits more records alike than ',' does; but only ',' makes a header of the fields.
    from coachmentor.batch.columns import header_test
    from coachmentor.files.table import sniff_delimiter

    text = 'staff_id,career_stage,focus,notes\n' + 'A1,ECT,induction,"a | b\nc | d"\n' * 3
    assert sniff_delimiter(text) == "|"  # without the header test: misled
    assert sniff_delimiter(text, header_test(shipped_rules)) == ","
    result = run_cli("assess", "-", "--quiet", input=text)
    assert result.exit_code == 0, result.stderr
    assert [r["recommendation"] for r in csv.DictReader(io.StringIO(result.stdout))] == [
        "mentoring"] * 3


@pytest.mark.parametrize("header, read, carried", [
    (["school", "subject"], "subject", "school"),  # match's staff list: both department aliases
    (["Subject", "Department"], "Department", "Subject"),  # the id wins, wherever it is
    (["Dept", "Faculty"], "Dept", "Faculty"),  # else the rule base's order of aliases
])
def test_two_department_columns_one_read_the_other_kept(run_cli, tmp_path, header, read,
                                                        carried):
    # The README's match staff list has school and subject: assess must read it too (a
    # department is for grouping; an answer column named twice stays an error).
    src = tmp_path / "staff.csv"
    src.write_text(f"staff_id,career_stage,focus,{header[0]},{header[1]}\n"
                   "A1,ECT,induction,North,Maths\n", encoding="utf-8")
    summary = tmp_path / "s.json"
    result = run_cli("assess", src, "--summary", summary)
    assert result.exit_code == 0, result.stderr
    rec = records(stdout(result))[0]
    assert rec[header[0]] == "North" and rec[header[1]] == "Maths"  # both carried through
    s = json.loads(summary.read_text())
    value = "North" if read == header[0] else "Maths"
    assert list(s["by_department"]) == [value]
    assert f"'{carried}'" in result.stderr.split("not used:")[1]
