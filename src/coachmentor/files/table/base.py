"""What every table reader shares: the limits a staff table is read within, the `Table` a
reader returns (header, lazy rows, and what the summary says of them), `TableOptions`, and how
the header row is found below a title."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from coachmentor.files.table.decoding import Decoding


class CountsBytes(Protocol):
    """The byte stream under a CSV table (csv_reader.PrefixedStream): how far it has read."""

    consumed: int


SNIFF_BYTES = 64 * 1024


READ_BUFFER = 256 * 1024


# A cell larger than this is taken for an unclosed quote or a damaged file (a spreadsheet cell
# holds at most 32,767 characters). Our own bound (records.py): the csv module's process-wide
# field_size_limit is never read or changed.
FIELD_LIMIT = 32 * 1024 * 1024


# The cells of one record, counted by their delimiters (a delimiter inside quotes counts too):
# a spreadsheet row holds at most 16,384 cells, and a staff list a few dozen. Without a bound,
# one 200 MB line of 10^8 short cells became a list of 10^8 strings (over 4 GB).
MAX_CELLS = 16_384


# Bytes between two line breaks: twice the largest cell. Bounds what one line costs to read
# (the text layer holds a whole line) when a file has no line break for hundreds of MB.
LINE_LIMIT = 2 * FIELD_LIMIT


MAX_XLSX_STDIN = 128 * 1024 * 1024  # read into memory (openpyxl must seek); give a path beyond


DELIMITERS = (",", ";", "\t", "|")


DELIMITER_NAMES = {
    ",": ",", "comma": ",",
    ";": ";", "semicolon": ";",
    "\t": "\t", "\\t": "\t", "tab": "\t",
    "|": "|", "pipe": "|",
}


ZIP_MAGIC = b"PK\x03\x04"


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and encrypted .xlsx (OLE2 compound file)


ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")  # the stream of an encrypted .xlsx


ODF_MIMETYPE = b"application/vnd.oasis.opendocument"


# Workbook limits. A real staff export of 50,000 rows x 40 columns is a worksheet part of
# about 105 MiB (openpyxl's inline strings; Excel's shared strings make it smaller) that
# expands 9 to 21 times over its compressed size; these limits are ten times beyond that.
XLSX_SHEET_LIMIT = 1 << 30  # a worksheet part, uncompressed (read as a stream)


XLSX_STRINGS_LIMIT = 32 << 20  # shared strings: openpyxl holds each in memory (a million


# distinct texts of 20 characters; 32 MiB of the shortest strings peaks near 300 MiB)
XLSX_XML_LIMIT = 32 << 20  # any other XML part (workbook, styles, theme: parsed whole)


XLSX_OTHER_LIMIT = 1 << 30  # any other part (pictures, ...: never parsed)


XLSX_RATIO_LIMIT = 100  # uncompressed : compressed, for a part over XLSX_RATIO_FLOOR


XLSX_RATIO_FLOOR = 1 << 20


XLSX_MAX_PARTS = 10_000


XLSX_MAX_ROW = 1_048_576  # Excel's own limits: a cell address beyond them is not a sheet's


XLSX_MAX_COLUMN = 16_384


XML_RUN_LIMIT = FIELD_LIMIT  # bytes with no < or >: the text of one cell, at most


@dataclass
class Table:
    """A header and a lazy iterator of data rows, plus what the summary reports about them."""

    name: str
    kind: str  # "csv" or "xlsx"
    header: list[str]
    rows: Iterator[list[str]]
    encoding: str | None = None
    delimiter: str | None = None
    newline: str = "\n"
    bom: bool = False
    sheet: str | None = None
    size: int | None = None  # bytes, when known (for progress)
    path: Path | None = None  # the input file, when it is one (never overwrite it)
    # The header's row as a spreadsheet shows it: for CSV the record's number (a blank line is
    # a row, a quoted cell over several lines is one), for xlsx the sheet row.
    header_row: int = 1
    skipped_above_header: int = 0  # non-blank rows above the header (a title, a date)
    reader: Any = None  # CSV: its `line_num`, the last physical line read (for errors)
    lines: list[str] | None = None  # the text lines of the record just read (CSV only)
    raw: CountsBytes | None = None
    close: Callable[[], None] = field(default=lambda: None)
    # Set once a row may need checking cell by cell: a NUL byte or an undecodable byte was
    # read (CSV), a formula with no saved value was met (xlsx). Then `check_row(row)` cleans
    # the row in place and returns its notes: (column index, message with a {column} field,
    # whether it matters only in a scored column).
    suspect: list[bool] = field(default_factory=lambda: [False])
    decoding: Decoding | None = None  # CSV: what decoding its bytes found (cp1252, marks)
    check_row: Callable[[list[str]], list[tuple[int, str, bool]]] = field(
        default=lambda row: [])

    def line(self) -> int | None:
        return self.reader.line_num if self.reader is not None else None

    def position(self) -> int | None:
        return self.raw.consumed if self.raw is not None else None

    @property
    def saw_nul(self) -> list[bool]:
        """A one-item list, set when a NUL byte (or another reason to check rows cell by cell:
        see `suspect`) has been read; rows are checked cell by cell only then."""
        return self.suspect

    def encoding_label(self) -> str | None:
        if self.encoding is None:
            return None
        if self.encoding == "auto":
            if self.decoding is not None and self.decoding.cp1252:
                return "cp1252 (detected: not UTF-8)"
            return "utf-8 with BOM" if self.bom else "utf-8"
        return self.encoding


@dataclass(frozen=True)
class TableOptions:
    """How to read a staff table, as every command that reads one takes it (`--encoding`,
    `--delimiter`, `--sheet`); None: detect (BOM, UTF-8 or cp1252; sniffed; the first sheet)."""

    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None

    def as_kwargs(self) -> dict[str, Any]:
        return {"encoding": self.encoding, "delimiter": self.delimiter, "sheet": self.sheet}


HEADER_SEARCH = 10  # non-blank rows looked at for the header (title rows above it skipped)


def find_header(rows: Iterator[list[str]], is_header: Callable[[list[str]], bool] | None,
                on_error: Callable[[BaseException], BaseException] | None = None,
                ) -> tuple[list[str] | None, int, int]:
    """The header: the first non-blank row that `is_header` accepts among the first few (a
    report title or a blank line may sit above it), else the first non-blank row. Returns it,
    how many non-blank rows above it were skipped, and how many rows were read to reach it
    (its row number, blank rows counted, when `rows` starts at the file's first)."""
    first, first_at = None, 0
    seen = records = 0
    while seen < HEADER_SEARCH:
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as exc:
            if on_error is None:
                raise
            raise on_error(exc) from None
        records += 1
        if not any(cell.strip() for cell in row):
            continue
        if is_header is None or is_header(row):
            return row, seen, records
        if first is None:
            first, first_at = row, records
        seen += 1
    return first, 0, first_at


def size_text(n: int) -> str:
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if n >= 1 << shift:
            return f"{n / (1 << shift):.1f} {unit}".replace(".0 ", " ")
    return f"{n} bytes"


def over_text(n: int, limit: int) -> str:
    return f"more than {size_text(limit)}" if size_text(n) == size_text(limit) else size_text(n)
