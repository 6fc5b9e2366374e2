"""Issue 24 item 2: reading a staff table changes nothing outside the table being read.

Before, files/table.py counted cp1252 fallbacks in a process-wide counter (so a table's
"encoding: cp1252 (detected)" depended on whichever table had been read last), registered a
codecs error handler per table and never removed it, raised csv.field_size_limit and added a
warnings filter for openpyxl, each process-wide, on every read. Now each table keeps its own
findings, the two error handlers are registered once, and only the command line raises the
csv cell limit (for the process it owns).
"""

from __future__ import annotations

import codecs
import csv
import io
import threading
import warnings
from pathlib import Path

import pytest

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


def test_the_command_line_reads_a_long_note_the_library_leaves_the_limit(run_cli, monkeypatch):
    """A 1 MB note is carried through by `assess` (the CLI raises csv's cell limit for its own
    process); the library alone, in a process at csv's default limit, refuses it with one
    message naming the limit, and does not raise the limit itself."""
    monkeypatch.setattr(csv, "field_size_limit", _limit_stub(131_072))
    big = "x" * 1_000_000
    text = f"career_stage,focus,notes\nECT,induction,{big}\n".encode()
    table = open_table("-", stdin=io.BytesIO(text))
    from coachmentor.errors import InputFileError
    from coachmentor.files.messages import csv_failure

    with pytest.raises(csv.Error) as caught:
        list(table.rows)
    assert "128 KiB" in str(csv_failure(caught.value, table))
    assert csv.field_size_limit() == 131_072
    result = run_cli("assess", "-", "-q", input=text.decode())
    assert result.exit_code == 0, result.output
    assert big in result.stdout
    assert isinstance(csv_failure(caught.value, table), InputFileError)


def _limit_stub(start: int):
    """csv.field_size_limit as a process would have it, so the test leaves the real one be."""
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
