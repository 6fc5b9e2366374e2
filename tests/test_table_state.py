"""Issue 24 item 2: reading a staff table changes nothing outside the table being read.

Before, files/table.py counted cp1252 fallbacks in a process-wide counter (so a table's
"encoding: cp1252 (detected)" depended on whichever table had been read last), registered a
codecs error handler per table and never removed it, raised csv.field_size_limit and added a
warnings filter for openpyxl, each process-wide, on every read. Now each table keeps its own
findings, the two error handlers are registered once, and the bound on a cell is ours (csv's
process-wide limit is never read or set, by the library or the command line).
"""

from __future__ import annotations

import codecs
import csv
import io
import sys
import threading
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coachmentor.files.table import open_table

FIXTURES = Path(__file__).parent / "fixtures" / "batch"
CP1252 = FIXTURES / "cp1252_comma.csv"  # bytes that are not UTF-8: read as cp1252
UTF8 = FIXTURES / "excel_bom_semicolon_crlf.csv"
UNDECODABLE = FIXTURES / "undecodable.csv"


def _read(path: Path) -> tuple[str | None, list[list[str]], bool]:
    table = open_table(path)
    try:
        rows = [list(r) for r in table.rows]
    finally:
        table.close()
    return table.encoding_label(), rows, table.suspect[0]


def _workbook(tmp_path: Path) -> Path:
    from staff_exports import export, to_xlsx

    path = tmp_path / "staff.xlsx"
    to_xlsx(path, export(rows=20))
    return path


def test_reading_tables_leaves_the_process_as_it_was(tmp_path, monkeypatch):
    workbook = _workbook(tmp_path)
    paths = (CP1252, UTF8, UNDECODABLE, workbook, CP1252)
    _read(workbook)  # once first: what a dependency does when it is first imported is not ours
    registered: list[str] = []
    monkeypatch.setattr(codecs, "register_error", lambda name, handler: registered.append(name))
    limit = csv.field_size_limit()
    filters = list(warnings.filters)
    for path in paths:
        _read(path)
    assert registered == []  # no error handler registered per table
    assert csv.field_size_limit() == limit
    assert warnings.filters == filters


def test_each_table_says_its_own_encoding_whatever_was_read_before():
    """The process-wide fallback counter made the UTF-8 table read right after a cp1252 one
    inherit nothing only because it was reset per table: read side by side, the two tables
    must still each say their own."""
    alone = {path: _read(path) for path in (CP1252, UTF8)}
    assert str(alone[CP1252][0]).startswith("cp1252")
    assert not str(alone[UTF8][0]).startswith("cp1252")
    # interleaved, row by row, in one thread (as match reads staff and supporters)
    first, second = open_table(CP1252), open_table(UTF8)
    rows: dict[Path, list[list[str]]] = {CP1252: [], UTF8: []}
    for a, b in zip(first.rows, second.rows):
        rows[CP1252].append(list(a))
        rows[UTF8].append(list(b))
    rows[CP1252] += [list(r) for r in first.rows]
    rows[UTF8] += [list(r) for r in second.rows]
    assert (first.encoding_label(), rows[CP1252]) == alone[CP1252][:2]
    assert (second.encoding_label(), rows[UTF8]) == alone[UTF8][:2]


def test_tables_read_in_threads_read_as_they_do_alone(tmp_path):
    paths = [CP1252, UTF8, UNDECODABLE, _workbook(tmp_path)] * 3
    alone = [_read(p) for p in paths]
    results: list[object] = [None] * len(paths)
    start = threading.Barrier(len(paths))

    def work(i: int) -> None:
        start.wait()
        results[i] = _read(paths[i])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(paths))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == alone


def test_a_mark_in_one_table_does_not_make_another_suspect():
    bad, good = open_table(UNDECODABLE), open_table(UTF8)
    list(bad.rows), list(good.rows)
    assert bad.suspect[0] is True
    assert good.suspect[0] is False


@pytest.mark.parametrize("process_limit", [131_072, 1_000, sys.maxsize])
def test_a_long_note_reads_the_same_whatever_the_process_set_csv_s_limit(process_limit,
                                                                          monkeypatch):
    """csv.field_size_limit is one setting for the whole process: the library neither reads
    nor sets it. A 1 MB note (quoted over three lines) reads the same at csv's default, at a
    limit a program lowered, and at one it raised; the rows after it, a record csv refuses
    (text after a closing quote) and the line numbers are those of csv's own reader."""
    monkeypatch.setattr(csv, "field_size_limit", _limit_stub(process_limit))
    big = "x" * 1_000_000
    text = (f'career_stage,focus,notes\r\nECT,induction,"{big}\r\nsecond ""line""\r\n;,"\r\n'
            'ECT,"a"b,oops\r\nMiddle,coaching,short\r\n').encode()
    table = open_table("-", stdin=io.BytesIO(text))
    got: list[object] = []
    while True:
        try:
            row = next(table.rows)
        except StopIteration:
            break
        except csv.Error as exc:
            got.append(("refused", str(exc), table.line()))
            continue
        got.append((row, table.line(), len(table.lines or ())))
        (table.lines or []).clear()
    assert got == [
        (["ECT", "induction", f'{big}\r\nsecond "line"\r\n;,'], 4, 3),
        ("refused", "',' expected after '\"'", 5),
        (["Middle", "coaching", "short"], 6, 1),
    ]
    assert csv.field_size_limit() == process_limit


def test_a_cell_over_our_limit_is_refused_even_where_csv_s_limit_is_lifted(monkeypatch):
    """The bound on a cell is ours (FIELD_LIMIT): a program that lifted csv's limit does not
    lift it, and the message names our limit, in our words."""
    from coachmentor.errors import InputFileError
    from coachmentor.files.messages import csv_failure
    from coachmentor.files.table import FIELD_LIMIT

    monkeypatch.setattr(csv, "field_size_limit", _limit_stub(sys.maxsize))
    for cell, words in (("a" * (FIELD_LIMIT + 1), "is longer than 32 MiB"),
                        ('"' + ("a" * (1 << 20) + "\n") * 33 + '"', "runs on past 32 MiB")):
        table = open_table("-", stdin=io.BytesIO(f"career_stage,notes\nECT,{cell}\n".encode()))
        with pytest.raises(csv.Error) as caught:
            list(table.rows)
        message = csv_failure(caught.value, table)
        assert isinstance(message, InputFileError) and words in str(message)
        assert "field larger" not in str(message)
    exactly = "b" * FIELD_LIMIT  # at the limit: read
    table = open_table("-", stdin=io.BytesIO(f"career_stage,notes\nECT,{exactly}\n".encode()))
    assert list(table.rows) == [["ECT", exactly]]


def _limit_stub(start: int):
    """csv.field_size_limit as a process would have it (the real one set to match, since the
    csv reader consults it; _csv_limit_put_back puts it back after the test)."""
    real = csv.field_size_limit
    state = {"limit": start}
    real(start)

    def limit(*new: int) -> int:
        old = state["limit"]
        if new:
            state["limit"] = new[0]
            real(new[0])
        return old

    return limit


@pytest.fixture(autouse=True)
def _csv_limit_put_back():
    before = csv.field_size_limit()
    yield
    csv.field_size_limit(before)


_PIECES = st.sampled_from(["a", "bc", ",", ";", "\t", "|", '"', '""', "\n", "\r", "\r\n",
                           "\x00", "é", " "])


@settings(max_examples=300, deadline=None)
@given(text=st.lists(_PIECES, min_size=1, max_size=30).map("".join),
       delimiter=st.sampled_from([",", ";", "\t", "|"]), strict=st.booleans())
def test_our_long_record_reader_reads_as_csv_does(text, delimiter, strict):
    """parse_long_record (a record past csv's default cell limit; not strict: a record csv's
    strict reader refused, read for the error row) against csv.reader on the same lines: the
    same cells or the same refusal, for the first record."""
    from coachmentor.files.table.records import parse_long_record

    lines = io.StringIO(text, newline="").readlines()
    try:
        expected: object = next(csv.reader(lines, delimiter=delimiter, strict=strict), None)
    except csv.Error as exc:
        expected = ("refused", str(exc))
    if expected is None:
        return
    rest = iter(lines[1:])
    try:
        got: object = parse_long_record(lines[:1], lambda: next(rest, None), delimiter,
                                        strict=strict)
    except csv.Error as exc:
        got = ("refused", str(exc))
    assert got == expected


def test_assess_keeps_a_refused_long_row_and_leaves_csv_s_limit(run_cli):
    """A record csv's strict reader refuses (text after a closing quote) with a cell past csv's
    default limit: assess still carries its cells into its error row (read by our lenient
    reader, not csv's, which would stop at the limit), and the process's limit is as it was."""
    limit = csv.field_size_limit()
    big = "y" * 300_000
    text = f'career_stage,focus,notes\nECT,induction,"{big}"x\nECT,induction,short\n'
    result = run_cli("assess", "-", "-q", input=text)
    assert csv.field_size_limit() == limit
    assert f"{big}x" in result.stdout
    assert "cannot read this row as CSV" in result.stdout
    assert "short" in result.stdout
