"""Workbooks cannot exhaust memory (issue 10, item 3), and workbooks this tool cannot read are
named for what they are.

The bombs are built here, with zipfile: a sheet part that expands past the size limit, one
that expands a thousand times over, a single huge cell, a cell just over the cell limit in a
part stored without compression (so that only the reading itself can stop it), a part whose
headers lie about its size. Each is run as `coachmentor assess` in a subprocess with its
address space limited (RLIMIT_AS, 1 GiB), so that a regression fails by MemoryError instead
of eating the machine, and its peak resident memory is measured and held under 400 MiB.
"""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from coachmentor.errors import InputFileError
from coachmentor.files import table as source

AS_LIMIT = 1 << 30
PEAK_LIMIT_KIB = 400 * 1024

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
      'package/2006/content-types"><Default Extension="rels" ContentType="application/'
      'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
      '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
      'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
      '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
      'officedocument.spreadsheetml.worksheet+xml"/></Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>')
WB = (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="http://'
      'schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet '
      'name="Staff" sheetId="1" r:id="rId1"/></sheets></workbook>')
WB_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
           'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type='
           '"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
           'Target="worksheets/sheet1.xml"/></Relationships>')


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


SHEET_HEAD = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>'
              f'<row r="1">{inline("A1", "staff_id")}{inline("B1", "career_stage")}'
              f'{inline("C1", "focus")}</row>'
              f'<row r="2">{inline("A2", "S1")}{inline("B2", "ECT")}'
              f'{inline("C2", "induction")}</row>').encode()
SHEET_TAIL = b"</sheetData></worksheet>"
MIB = 1 << 20


def write_workbook(path: Path, sheet_chunks, *, method=zipfile.ZIP_DEFLATED, level=1) -> Path:
    """A minimal .xlsx whose sheet part is the concatenation of `sheet_chunks` (streamed)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CT)
        z.writestr("_rels/.rels", RELS)
        z.writestr("xl/workbook.xml", WB)
        z.writestr("xl/_rels/workbook.xml.rels", WB_RELS)
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml")
        info.compress_type = method
        info._compresslevel = level  # type: ignore[attr-defined]  # ZipInfo has no public setter
        with z.open(info, "w", force_zip64=True) as fh:
            fh.write(SHEET_HEAD)
            for chunk in sheet_chunks:
                fh.write(chunk)
            fh.write(SHEET_TAIL)
    return path


def repeat(block: bytes, times: int):
    for _ in range(times):
        yield block


def one_cell(block: bytes, times: int):
    yield b'<row r="3"><c r="A3" t="inlineStr"><is><t>'
    yield from repeat(block, times)
    yield b"</t></is></c></row>"


# The command runs under a wrapper that limits its address space and reports its peak RSS.
WRAPPER = """
import json, resource, subprocess, sys
limit, out = int(sys.argv[1]), sys.argv[2]
def cap():
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
p = subprocess.run(sys.argv[3:], preexec_fn=cap, capture_output=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
with open(out, "w") as fh:
    json.dump({"code": p.returncode, "stdout": p.stdout.decode("utf-8", "replace"),
               "stderr": p.stderr.decode("utf-8", "replace"), "peak_kib": peak}, fh)
"""


def assess_bounded(tmp_path: Path, *args: str) -> dict:
    report = tmp_path / "report.json"
    cmd = [sys.executable, "-m", "coachmentor", "assess", *args, "-q"]
    subprocess.run([sys.executable, "-c", WRAPPER, str(AS_LIMIT), str(report), *cmd],
                   check=True, timeout=300)
    return json.loads(report.read_text())


def assert_refused(result: dict, path: Path, *fragments: str, header_out: bool = False) -> str:
    """Exit 2, nothing on stdout (at most the output's header line, for a problem found
    while the rows stream out), one line on stderr naming the file, no traceback, and the
    memory stayed bounded."""
    err = result["stderr"]
    assert result["code"] == 2, (result["code"], err[-2000:])
    assert "Traceback" not in err and "internal error" not in err and "MemoryError" not in err
    out = result["stdout"].splitlines()
    assert out == [] or header_out and len(out) == 1 and out[0].startswith("staff_id,"), out
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"coachmentor: error: {path}: "), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    assert result["peak_kib"] < PEAK_LIMIT_KIB, f"peak RSS {result['peak_kib']} KiB"
    return lines[0]


# --- bombs -----------------------------------------------------------------------------------


def test_sheet_expanding_past_the_size_limit_is_refused_unparsed(tmp_path):
    # 1.1 GiB of whitespace in 5 MiB: over the worksheet limit (and 200 times over).
    book = write_workbook(tmp_path / "spaces.xlsx",
                          repeat(b" " * MIB, (source.XLSX_SHEET_LIMIT >> 20) + 64))
    assert book.stat().st_size < 8 * MIB
    line = assert_refused(assess_bounded(tmp_path, str(book)), book,
                          "'xl/worksheets/sheet1.xml'", "limit")
    assert "1 GiB" in line


def test_highly_compressed_sheet_is_refused_by_its_ratio(tmp_path):
    # 200 MiB (under the size limit) from about 200 KiB: a thousand times over.
    book = write_workbook(tmp_path / "ratio.xlsx", repeat(b" " * MIB, 200), level=9)
    info = zipfile.ZipFile(book).getinfo("xl/worksheets/sheet1.xml")
    assert info.file_size < source.XLSX_SHEET_LIMIT
    assert info.file_size > source.XLSX_RATIO_LIMIT * info.compress_size
    assert_refused(assess_bounded(tmp_path, str(book)), book, "'xl/worksheets/sheet1.xml'",
                   "times", "zip bomb")


@pytest.mark.slow(cost=4)
def test_a_single_huge_cell_is_refused(tmp_path):
    # The case: about 1 MiB on disk, one cell of 1 GiB.
    book = write_workbook(tmp_path / "cell.xlsx", one_cell(b"a" * MIB, 1024), level=9)
    assert book.stat().st_size < 2 * MIB
    assert_refused(assess_bounded(tmp_path, str(book)), book, "'xl/worksheets/sheet1.xml'")


def test_a_stored_cell_over_the_cell_limit_is_stopped_while_reading(tmp_path):
    # Stored, not compressed: size and ratio pass; only reading the part can stop it.
    mib = (source.FIELD_LIMIT >> 20) + 8
    book = write_workbook(tmp_path / "stored.xlsx", one_cell(b"a" * MIB, mib),
                          method=zipfile.ZIP_STORED)
    info = zipfile.ZipFile(book).getinfo("xl/worksheets/sheet1.xml")
    assert info.file_size == info.compress_size < source.XLSX_SHEET_LIMIT
    assert_refused(assess_bounded(tmp_path, str(book)), book, "32 MiB", "32,767")


def _lie_about_size(path: Path, declared: int) -> None:
    """Rewrite the sheet part's uncompressed size in its local and central headers (and
    zip64 extras) to `declared`."""
    with zipfile.ZipFile(path) as z:
        true_size = z.getinfo("xl/worksheets/sheet1.xml").file_size
    data = path.read_bytes()
    patched = data.replace(struct.pack("<Q", true_size), struct.pack("<Q", declared))
    if true_size < 1 << 32:
        patched = patched.replace(struct.pack("<I", true_size), struct.pack("<I", declared))
    assert patched != data
    path.write_bytes(patched)
    with zipfile.ZipFile(path) as z:
        assert z.getinfo("xl/worksheets/sheet1.xml").file_size == declared


@pytest.mark.slow(cost=4)
def test_a_part_whose_header_lies_about_its_size_is_refused(tmp_path):
    # 512 MiB of empty rows that declares 50,000 bytes: small, and expands 0.06 times "over".
    book = write_workbook(tmp_path / "liar.xlsx", repeat(b"<row/>" * (MIB // 6), 512), level=9)
    _lie_about_size(book, 50_000)
    assert_refused(assess_bounded(tmp_path, str(book)), book)


class _Endless(io.RawIOBase):
    """A zip member stream that hands out more than any header declared."""

    def __init__(self, chunk: bytes) -> None:
        self.chunk = chunk

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        return self.chunk


def test_part_stream_never_hands_out_more_than_its_limit():
    # The stream itself does not trust the zip module to stop at the declared size.
    stream = source._PartStream(_Endless(b"<r/>" * 1000), "book.xlsx", "xl/x.xml", 10_000, True)
    got = 0
    with pytest.raises(InputFileError, match="book.xlsx: part 'xl/x.xml' holds more data"):
        while True:
            got += len(stream.read(4000))
    assert got <= 10_000


def test_part_stream_refuses_a_run_of_text_across_reads(monkeypatch):
    from coachmentor.files.table import xlsx_reader  # the module whose streams read the limit

    monkeypatch.setattr(xlsx_reader, "XML_RUN_LIMIT", 5000)
    stream = source._PartStream(_Endless(b"x" * 1000), "book.xlsx", "xl/x.xml", 1 << 30, True)
    stream.read(1000)  # one read: under the run limit
    with pytest.raises(InputFileError, match="holds a cell"):
        for _ in range(10):
            stream.read(1000)
    markup = source._PartStream(_Endless(b"x" * 999 + b"<"), "b.xlsx", "p.xml", 1 << 30, True)
    for _ in range(20):  # runs broken by markup never add up
        markup.read(1000)


@pytest.mark.parametrize("row", [
    b'<row r="3"><c r="XFE3"><v>1</v></c></row>',  # column 16,385: a list of that many cells
    b'<row r="3"><c r="A3"><v>1</v></c></row><row r="900000000"/>',  # 900 million empty rows
])
def test_cell_address_beyond_excel_limits_is_refused(tmp_path, row):
    book = write_workbook(tmp_path / "far.xlsx", [row])
    assert_refused(assess_bounded(tmp_path, str(book)), book, "beyond Excel's limits",
                   header_out=True)


def test_workbook_on_stdin_over_its_limit(run_cli, tmp_path, monkeypatch):
    from coachmentor.files.table import xlsx_reader  # the module that reads standard input

    monkeypatch.setattr(xlsx_reader, "MAX_XLSX_STDIN", 100_000)
    book = write_workbook(tmp_path / "big.xlsx", [b" " * 300_000], method=zipfile.ZIP_STORED)
    from conftest import one_error_line

    one_error_line(run_cli("assess", "-", input=book.read_bytes()), "<stdin>: ", "give its path")


def test_an_ordinary_workbook_still_reads_under_the_same_limits(tmp_path):
    rows = b"".join(
        f'<row r="{r}">{inline(f"A{r}", f"S{r}")}{inline(f"B{r}", "ECT")}'
        f'{inline(f"C{r}", "induction")}</row>'.encode() for r in range(3, 2003))
    book = write_workbook(tmp_path / "fine.xlsx", [rows])
    result = assess_bounded(tmp_path, str(book))
    assert result["code"] == 0, result["stderr"]
    assert len(result["stdout"].splitlines()) == 1 + 2001
    assert result["peak_kib"] < PEAK_LIMIT_KIB


# --- workbooks of other kinds ----------------------------------------------------------------

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@pytest.mark.parametrize("name", ["staff.xlsx", "staff.XLSM"])
def test_password_protected_workbook_is_named(run_cli, tmp_path, name):
    from conftest import one_error_line

    book = tmp_path / name
    book.write_bytes(OLE + b"\x00" * 4096)
    line = one_error_line(run_cli("assess", book), f"{book}: ", "password-protected")
    assert "remove the password" in line and "CSV" in line


def test_encrypted_package_is_named_whatever_its_file_name(run_cli, tmp_path):
    from conftest import one_error_line

    book = tmp_path / "export.bin"
    book.write_bytes(OLE + b"\x00" * 70_000 + "EncryptedPackage".encode("utf-16-le"))
    one_error_line(run_cli("assess", book), f"{book}: ", "password-protected")


def test_old_xls_is_not_called_encrypted(run_cli, tmp_path):
    from conftest import one_error_line

    book = tmp_path / "old.xls"
    book.write_bytes(OLE + b"\x00" * 4096)
    line = one_error_line(run_cli("assess", book), f"{book}: ", ".xls", "save it as .xlsx")
    assert "password" not in line


@pytest.mark.parametrize("stored_first", [True, False])
def test_ods_is_named(run_cli, tmp_path, stored_first):
    from conftest import one_error_line

    book = tmp_path / "staff.ods"
    with zipfile.ZipFile(book, "w") as z:
        if not stored_first:
            z.writestr("content.xml", "<office:document-content/>")
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", "<manifest/>")
    line = one_error_line(run_cli("assess", book), f"{book}: ", "OpenDocument spreadsheet")
    assert ".xlsx" in line and "CSV" in line


# --- formulas without a saved value ------------------------------------------------------------


def test_formula_without_saved_value_says_so(run_cli, tmp_path):
    import csv

    import openpyxl

    wb = openpyxl.Workbook()  # openpyxl saves formulas without a cached value
    ws = wb.active
    ws.append(["staff_id", "name", "career_stage", "focus", "notes"])
    ws.append(["F1", "Ann", "ECT", "induction", "=1+1"])  # not scored: blank, as before
    ws.append(["F2", "Bob", "ECT", '=IF(TRUE,"induction","")', ""])
    ws.append(["F3", "Cy", "ECT", "induction", ""])
    book = tmp_path / "formulas.xlsx"
    wb.save(book)
    result = run_cli("assess", book)
    assert result.exit_code == 1, result.stderr
    recs = list(csv.DictReader(io.StringIO(result.stdout_bytes.decode("utf-8-sig"), newline="")))
    assert [r["status"] for r in recs] == ["ok", "error", "ok"]
    assert recs[0]["notes"] == ""
    err = recs[1]["error"]
    assert "cell D3" in err and "formula with no saved value" in err
    assert "open and save the workbook in Excel, or export CSV" in err
    assert "empty" not in err
    assert "row 3 (staff_id F2)" in result.stderr and "Bob" not in result.stderr


def test_formula_note_follows_its_cell_when_earlier_columns_are_dropped(run_cli, tmp_path):
    import csv

    import openpyxl

    from coachmentor.batch.columns import OUTPUT_COLUMNS

    wb = openpyxl.Workbook()
    ws = wb.active
    # A previous run's output fed back in: its result columns are dropped, so `focus` (after
    # them in the sheet) moves left in the row that is assessed.
    old = list(OUTPUT_COLUMNS)
    ws.append(["staff_id", "career_stage", *old, "focus"])
    ws.append(["F1", "ECT", *[""] * len(old), "=LOWER(\"INDUCTION\")"])
    ws.append(["F2", "ECT", *[""] * len(old), "induction"])
    book = tmp_path / "again.xlsx"
    wb.save(book)
    result = run_cli("assess", book, "-q")
    assert result.exit_code == 1, result.stderr
    recs = list(csv.DictReader(io.StringIO(result.stdout_bytes.decode("utf-8-sig"), newline="")))
    assert [r["status"] for r in recs] == ["error", "ok"]
    from openpyxl.utils import get_column_letter

    cell = f"{get_column_letter(len(old) + 3)}2"
    assert f"cell {cell} ('focus') holds a formula with no saved value" in recs[0]["error"]
