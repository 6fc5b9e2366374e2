"""Batch input as it really comes: a CSV file, standard input, or an .xlsx workbook.

`open_table()` returns a `Table`: the header (a list of text) and an iterator of data rows
(each a fresh list of text), read lazily so that memory does not grow with the file.

CSV: UTF-8 with or without a BOM (a doubled BOM too); bytes that are not UTF-8 are read as
cp1252 (older Excel on Windows), sequence by sequence, and the summary says so; a UTF-16 or
UTF-32 BOM is honoured; `--encoding` overrides all of it. A byte that does not decode (in the
encoding named, or neither UTF-8 nor cp1252) never stops the run: it reaches the row as a mark
(a lone surrogate, U+DC00 + the byte), and `Table.check_row` turns the marks of a row into
U+FFFD and a note that makes the row an `error` row. Only a header with such a byte is a
file-level error. The delimiter is sniffed among , ; tab | from the first
lines. Line endings CR, LF or CRLF; quoted fields may hold newlines. csv's silent defaults are
made visible elsewhere (ragged rows, NUL bytes, an unclosed quote): this module only reads.

xlsx: the first sheet or `--sheet NAME`, read with openpyxl in read-only mode, cached values
of formulas (what Excel shows), numbers and dates turned into text the way a CSV export would.
A formula with no saved value is noted on its row (an error row when the column is scored).
A workbook is a zip archive: before anything is parsed each part's declared size and
compression ratio are checked against the limits below, and every part is then read through
a stream that stops at the declared size and at the limit, and refuses a run of text longer
than a cell may be; so a zip bomb, or a header that lies about a size, ends in one message
(exit 2) in bounded memory. Encrypted workbooks, .xls and .ods files are named as such.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
import re
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Callable, Iterator, Literal

from coachmentor.errors import InputFileError
from coachmentor.files.messages import bad_bytes, csv_failure, decode_failure, no_saved_value, shown

SNIFF_BYTES = 64 * 1024
READ_BUFFER = 256 * 1024
FIELD_LIMIT = 32 * 1024 * 1024  # a cell larger than this is taken for an unclosed quote
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

# --- bytes that do not decode: read as cp1252 (auto-detection) or marked -------------------


class _FallbackCount:
    """How many byte sequences were read as cp1252 (process-wide; reset per table)."""

    hits = 0

MARK_BASE = 0xDC00  # an undecodable byte b is read as chr(MARK_BASE + b), a lone surrogate
_MARKS = re.compile("[\udc00-\udcff]")
_handler_ids = itertools.count()


def _marking_handler(flag: list[bool], fallback: bool) -> str:
    """Register (under a name of its own: one per table) an error handler that reads each
    undecodable byte as cp1252 when `fallback` and it can, else as a mark, and sets `flag`
    when it leaves a mark: the rows read from then on are checked for marks. It never raises
    for a byte, so reading a CSV never stops at one: every CSV is decoded with it."""

    def handler(exc: UnicodeError) -> tuple[str, int]:
        if not isinstance(exc, UnicodeDecodeError):  # an encoder's error: not ours to mark
            raise exc
        out, hit = [], False
        for b in exc.object[exc.start : exc.end]:
            if fallback:
                try:
                    out.append(bytes((b,)).decode("cp1252"))
                    hit = True
                    continue
                except UnicodeDecodeError:  # 0x81 0x8d 0x8f 0x90 0x9d
                    pass
            out.append(chr(MARK_BASE + b))
            flag[0] = True
        if hit:
            _FallbackCount.hits += 1
        return "".join(out), exc.end

    name = f"coachmentor-mark-{next(_handler_ids)}"
    codecs.register_error(name, handler)
    return name


def unmark(cells: list[str]) -> list[tuple[int, int]]:
    """Replace the marks in `cells` (in place) by U+FFFD; return (column index, first byte)
    of each cell that held one."""
    found = []
    search = _MARKS.search
    for i, cell in enumerate(cells):
        m = search(cell)
        if m is not None:
            found.append((i, ord(m.group()) - MARK_BASE))
            cells[i] = _MARKS.sub("\ufffd", cell)
    return found


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
    reader: Any = None  # the csv.reader, whose line_num tells the physical line (for errors)
    lines: list[str] | None = None  # the text lines of the record just read (CSV only)
    raw: "_Prefixed | None" = None
    close: Callable[[], None] = field(default=lambda: None)
    # Set once a row may need checking cell by cell: a NUL byte or an undecodable byte was
    # read (CSV), a formula with no saved value was met (xlsx). Then `check_row(row)` cleans
    # the row in place and returns its notes: (column index, message with a {column} field,
    # whether it matters only in a scored column).
    suspect: list[bool] = field(default_factory=lambda: [False])
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
            if _FallbackCount.hits:
                return "cp1252 (detected: not UTF-8)"
            return "utf-8 with BOM" if self.bom else "utf-8"
        return self.encoding


class _Prefixed(io.RawIOBase):
    """The bytes already read for sniffing, then the rest of the stream; counts what it
    hands out (progress), notes whether any NUL byte went past, and refuses a line longer
    than LINE_LIMIT bytes (`name`: the file, for the message) before the text layer holds it."""

    def __init__(self, prefix: bytes, fh: Any, flag: list[bool] | None = None,
                 name: str = "<input>") -> None:
        super().__init__()
        self._prefix = memoryview(prefix)
        self._fh = fh
        self.consumed = 0
        self.saw_nul = flag if flag is not None else [False]
        if b"\x00" in prefix:
            self.saw_nul[0] = True
        self._name = name
        self._line_start = 0  # the byte after the last line break handed out

    def _check_line(self, data: bytes, n: int) -> None:
        last = max(data.rfind(b"\n", 0, n), data.rfind(b"\r", 0, n))
        if last >= 0:
            self._line_start = self.consumed + last + 1
        elif self.consumed + n - self._line_start > LINE_LIMIT:
            raise InputFileError(
                f"{self._name}: the line starting {self._line_start:,} bytes into the file runs on past "
                f"{_size(LINE_LIMIT)} without a line break (a spreadsheet cell holds at most "
                "32,767 characters): the file is damaged, or not a staff list; refusing it")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if len(self._prefix):
            n = min(len(buffer), len(self._prefix))
            data = self._prefix[:n].tobytes()
            buffer[:n] = data
            self._prefix = self._prefix[n:]
        else:
            data = self._fh.read(len(buffer))
            n = len(data)
            buffer[:n] = data
            if not self.saw_nul[0] and b"\x00" in data:
                self.saw_nul[0] = True
        self._check_line(data, n)
        self.consumed += n
        return n


# --- opening -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TableOptions:
    """How to read a staff table, as every command that reads one takes it (`--encoding`,
    `--delimiter`, `--sheet`); None: detect (BOM, UTF-8 or cp1252; sniffed; the first sheet)."""

    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None

    def as_kwargs(self) -> dict[str, Any]:
        return {"encoding": self.encoding, "delimiter": self.delimiter, "sheet": self.sheet}


def open_table(
    source: str | Path,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
    stdin: Any = None,
    is_header: Callable[[list[str]], bool] | None = None,
) -> Table:
    """Open `source` (a path, or '-' for standard input) for reading as a table.

    `is_header` recognises the header row, so that title rows above it can be skipped."""
    if delimiter is not None:
        delimiter = parse_delimiter(delimiter)
    if encoding is not None:
        encoding = _check_encoding(encoding)
    if str(source) == "-":
        fh = stdin if stdin is not None else sys.stdin.buffer
        name, path, size = "<stdin>", None, None
    else:
        path = Path(source)
        name = str(path)
        fh = _open_binary(path)
        try:
            size = os.fstat(fh.fileno()).st_size
        except (OSError, AttributeError, io.UnsupportedOperation):
            size = None
    try:
        prefix = _read_prefix(fh, name)
        if prefix.startswith(ZIP_MAGIC):
            return _open_xlsx(fh, prefix, name, path, sheet, size, is_header)
        suffix = path.suffix.lower() if path is not None else ""
        if prefix.startswith(OLE_MAGIC):
            _refuse_ole(fh, prefix, name, suffix)
        if suffix in (".xlsx", ".xlsm"):
            raise InputFileError(
                f"{name}: not an .xlsx workbook (an .xlsx file is a zip archive; this is not): "
                "corrupt, or another kind of file with an .xlsx name"
            )
        if sheet is not None:
            raise InputFileError(f"{name}: --sheet applies to .xlsx workbooks; this is a text file")
        return _open_csv(fh, prefix, name, path, size, encoding, delimiter, is_header)
    except BaseException:
        if path is not None:
            fh.close()
        raise


def _refuse_ole(fh: Any, prefix: bytes, name: str, suffix: str) -> None:
    """An OLE2 compound file: an old .xls, or an .xlsx saved with a password (Excel then
    wraps the encrypted workbook in OLE2, with an EncryptedPackage stream)."""
    encrypted = ENCRYPTED_MARK in prefix
    if not encrypted and suffix not in (".xlsx", ".xlsm"):
        try:  # the directory that names the streams may lie further in (a few MiB at most)
            data = fh.read(8 << 20)
            encrypted = ENCRYPTED_MARK in data
        except (OSError, AttributeError, ValueError):
            pass
    if encrypted or suffix in (".xlsx", ".xlsm"):
        raise InputFileError(
            f"{name}: this workbook is password-protected (encrypted), so it cannot be read; "
            "open it in Excel and remove the password (File > Info > Protect Workbook > "
            "Encrypt with Password), or save a copy as .xlsx or 'CSV UTF-8', and try again"
        )
    other = "another legacy Office file" if suffix else (
        "another legacy Office file, or a password-protected workbook")
    raise InputFileError(
        f"{name}: this is an old Excel .xls workbook (or {other}); "
        "save it as .xlsx or as 'CSV UTF-8' and try again"
    )


def parse_delimiter(text: str) -> str:
    found = DELIMITER_NAMES.get(text) or DELIMITER_NAMES.get(text.strip().lower())
    if found is None:
        if len(text) == 1 and text not in "\"\r\n" and text.isprintable():
            return text
        raise InputFileError(
            f"--delimiter: '{text}' is not a single character "
            "(use one of , ; | or 'tab', or any other single character)"
        )
    return found


def _check_encoding(name: str) -> str:
    try:
        info = codecs.lookup(name)
    except LookupError:
        info = None
    if info is None or not getattr(info, "_is_text_encoding", True):  # e.g. base64, zlib
        raise InputFileError(
            f"--encoding: unknown text encoding '{name}' (e.g. utf-8, cp1252, latin-1, utf-16-le)"
        )
    return info.name


def _open_binary(path: Path) -> Any:
    try:
        if path.is_dir():
            raise InputFileError(f"{path}: is a folder, not a file")
        return open(path, "rb")  # noqa: SIM115 - closed by Table.close
    except FileNotFoundError:
        raise InputFileError(f"{path}: no such file") from None
    except PermissionError:
        raise InputFileError(f"{path}: permission denied") from None
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _read_prefix(fh: Any, name: str) -> bytes:
    chunks, total = [], 0
    try:
        while total < SNIFF_BYTES:
            data = fh.read(SNIFF_BYTES - total)
            if not data:
                break
            chunks.append(data)
            total += len(data)
    except OSError as exc:
        raise InputFileError(f"{name}: cannot read: {exc.strerror or exc}") from None
    return b"".join(chunks)


# --- CSV ---------------------------------------------------------------------------------


def _open_csv(
    fh: Any,
    prefix: bytes,
    name: str,
    path: Path | None,
    size: int | None,
    encoding: str | None,
    delimiter: str | None,
    is_header: Callable[[list[str]], bool] | None = None,
) -> Table:
    bom = prefix.startswith(codecs.BOM_UTF8)
    if encoding in (None, "utf-8"):
        while prefix.startswith(codecs.BOM_UTF8 * 2):  # a BOM written twice: drop the extra
            prefix = prefix[len(codecs.BOM_UTF8):]
    # UTF-32-LE's BOM begins with UTF-16-LE's: look for it first.
    utf32 = prefix.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE))
    utf16 = not utf32 and prefix.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    suspect = [False]
    if encoding is None:
        if utf32 or utf16:
            label = "utf-32" if utf32 else "utf-16"
            py_encoding, errors = label, _marking_handler(suspect, fallback=False)
        else:
            py_encoding, label = "utf-8-sig", "auto"
            errors = _marking_handler(suspect, fallback=True)
    else:
        label = encoding
        py_encoding, errors = encoding, _marking_handler(suspect, fallback=False)
        if encoding == "utf-8" and bom:
            py_encoding = "utf-8-sig"
    if not (utf16 or utf32) and encoding in (None, "utf-8"):
        _refuse_binary(prefix, name)
    _FallbackCount.hits = 0
    try:
        sample = _decode_sample(prefix, py_encoding, errors, whole=len(prefix) < SNIFF_BYTES)
    except UnicodeError:  # not a byte it cannot read (those are marked): the codec refuses
        raise _unusable_encoding(name, label, py_encoding, prefix) from None
    if delimiter is None:
        delimiter = sniff_delimiter(sample, is_header)
    newline = "\r\n" if _first_line_ending(sample) == "\r\n" else "\n"

    raw = _Prefixed(prefix, fh, suspect, name)
    buffered = io.BufferedReader(raw, buffer_size=READ_BUFFER)
    text = io.TextIOWrapper(buffered, encoding=py_encoding, errors=errors, newline="")
    if csv.field_size_limit() < FIELD_LIMIT:
        csv.field_size_limit(FIELD_LIMIT)
    lines: list[str] = []
    at: list[Any] = []  # the reader, for the line number of a record with too many cells
    reader = csv.reader(_tap(text, lines, delimiter, name, at), delimiter=delimiter,
                        strict=True)
    at.append(reader)

    def close() -> None:
        try:
            text.close()  # closes our wrapper, never the stream under it (standard input)
        except (OSError, ValueError):
            pass
        if path is not None:
            fh.close()

    table = Table(
        name=name,
        kind="csv",
        header=[],
        rows=reader,
        encoding=label,
        delimiter=delimiter,
        newline=newline,
        bom=bom,
        size=size,
        path=path,
        reader=reader,
        lines=lines,
        raw=raw,
        close=close,
        suspect=suspect,
        check_row=_bad_bytes_check(label),
    )
    try:
        header, skipped, records = find_header(
            _one_by_one(reader, lines), is_header,
            lambda exc: csv_failure(exc, table, where="in the header"))
    except BaseException:
        close()
        raise
    if header is None:
        close()
        raise InputFileError(f"{name}: no header: the input is empty (expected a header row)")
    marked = unmark(header) if suspect[0] else []
    if marked:
        close()
        raise decode_failure(name, label, marked[0][1], reader.line_num)
    table.header = header
    table.header_row = records
    table.skipped_above_header = skipped
    return table


def _bad_bytes_check(encoding: str) -> Callable[[list[str]], list[tuple[int, str, bool]]]:
    """check_row for CSV: the cells that held undecodable bytes, cleaned, and why."""
    def check(row: list[str]) -> list[tuple[int, str, bool]]:
        return [(i, bad_bytes(encoding, byte), False) for i, byte in unmark(row)]

    return check


def _tap(text: Iterator[str], lines: list[str], delimiter: str, name: str,
         at: list[Any]) -> Iterator[str]:
    """The lines of `text`, each also kept in `lines` until the reader of records takes them
    (it empties `lines` after each record): a record's input text can then be written out
    again without serialising it. The record in `lines` may hold at most MAX_CELLS cells: its
    delimiters are counted once its text is long enough to hold that many (so an ordinary
    row costs a length and an addition), and a record with more is refused here, before the
    csv reader makes a list of them."""
    keep = lines.append
    held, cells = 0, -1
    for line in text:
        if not lines:  # a new record
            held, cells = 0, -1
        held += len(line)
        keep(line)
        if held > MAX_CELLS:
            cells = sum(t.count(delimiter) for t in lines) if cells < 0 else (
                cells + line.count(delimiter))
            if cells >= MAX_CELLS:
                first = at[0].line_num - len(lines) + 2 if at else 1  # lines: this record's
                del lines[:]
                raise InputFileError(
                    f"{name}: the row that starts on line {first:,} has more than "
                    f"{MAX_CELLS:,} cells (a spreadsheet row holds at most {MAX_CELLS:,}): the "
                    "file is damaged, or not a staff list; refusing it")
        yield line


def _one_by_one(reader: Iterator[list[str]], lines: list[str]) -> Iterator[list[str]]:
    """The reader's records, `lines` emptied before each (as the loops over rows do)."""
    while True:
        lines.clear()
        try:
            yield next(reader)
        except StopIteration:
            return


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


def _refuse_binary(prefix: bytes, name: str) -> None:
    """A header line with NUL or many control bytes is not a CSV header (a PDF, an image, a
    UTF-16 file without its BOM): say so, rather than list its 'headers'."""
    first_line = prefix[:4096].split(b"\n", 1)[0]
    controls = sum(1 for b in first_line if b < 9 or 13 < b < 32 or b == 127)
    if b"\x00" in first_line or controls > len(first_line) // 4:
        raise InputFileError(
            f"{name}: this looks like a binary file, not CSV text (NUL or control bytes at the "
            "start); if it is UTF-16 text without a BOM, say --encoding utf-16-le"
        )


def _unusable_encoding(name: str, label: str, encoding: str, prefix: bytes) -> InputFileError:
    """--encoding names a codec that cannot read this file at all: UTF-16 or UTF-32 without
    their byte order mark (the bare names need one to know the byte order), or a codec that
    is not for files (idna, punycode: domain names, and they cannot mark a bad byte)."""
    base = codecs.lookup(encoding).name
    if base in ("utf-16", "utf-32") and prefix.startswith(codecs.BOM_UTF8):
        return InputFileError(
            f"{name}: this file is UTF-8 (it starts with UTF-8's byte order mark), not {label}: "
            "leave out --encoding")
    if base in ("utf-16", "utf-32"):
        return InputFileError(
            f"{name}: --encoding {label} needs a byte order mark at the start of the file, and "
            f"this file has none; name the byte order: --encoding {base}-le (Windows and most "
            f"files) or --encoding {base}-be")
    return InputFileError(
        f"--encoding: '{label}' is not an encoding for text files (it cannot read {name}); "
        "e.g. utf-8, cp1252, latin-1, utf-16-le")


def _decode_sample(prefix: bytes, encoding: str, errors: str, whole: bool) -> str:
    """The first lines, for sniffing (bytes that do not decode are marked, never fatal; a
    sequence cut off at the end of the sample is left out). A codec that refuses the file
    (UTF-16 without its BOM) or refuses to mark a byte (idna) raises UnicodeError here, before
    a row is read: the empty input decoded `final` makes every codec check its handler."""
    data = prefix if whole else prefix[: prefix.rfind(b"\n") + 1] or prefix
    decoder = codecs.getincrementaldecoder(encoding)(errors=errors)
    text = decoder.decode(data, final=whole)
    codecs.getincrementaldecoder(encoding)(errors=errors).decode(b"", final=True)
    return text


def _first_line_ending(sample: str) -> str:
    i = sample.find("\n")
    j = sample.find("\r")
    if j != -1 and (i == -1 or j < i):
        return "\r\n" if sample[j : j + 2] == "\r\n" else "\r"
    return "\n"


def sniff_delimiter(sample: str, is_header: Callable[[list[str]], bool] | None = None) -> str:
    """The candidate that splits a record of the sample into a header `is_header` accepts
    (the header names the fields: a '|' inside every data row must not win over the commas
    of the header), then the one on which most of the first records agree about a width of
    two or more cells (so that a title line above the header does not mislead it); ties go to
    , ; tab |. Records are read with the csv module, so quoted delimiters and line breaks
    count right."""
    best, best_score = ",", (False, 0, 0)
    for cand in DELIMITERS:
        if cand not in sample:
            continue
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=cand)
        counts: dict[int, int] = {}
        header = False
        try:
            for record in itertools.islice(reader, 21):
                if len(record) > 1:
                    counts[len(record)] = counts.get(len(record), 0) + 1
                    header = header or (is_header is not None and is_header(record))
        except csv.Error:
            pass
        if not counts:
            continue
        width, agree = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
        if (header, agree, width) > best_score:
            best, best_score = cand, (header, agree, width)
    return best


# --- xlsx --------------------------------------------------------------------------------


def _open_xlsx(
    fh: Any, prefix: bytes, name: str, path: Path | None, sheet: str | None, size: int | None,
    is_header: Callable[[list[str]], bool] | None = None,
) -> Table:
    import warnings
    import zipfile

    if path is None:  # standard input: openpyxl needs to seek
        workbook_file: Any = _read_stdin_workbook(fh, prefix, name)
    else:
        fh.seek(0)
        workbook_file = fh
    try:
        from openpyxl.reader.excel import ExcelReader
    except ImportError:  # pragma: no cover - a declared dependency
        raise InputFileError(f"{name}: reading .xlsx needs openpyxl (pip install openpyxl)") from None
    warnings.filterwarnings("ignore", module="openpyxl")
    archive = None
    try:
        archive = _limited_zip_class()(workbook_file)
        archive.display_name = name
        _check_parts(archive, name)
        # openpyxl's load_workbook, with every part read through the limits above.
        reader = ExcelReader(workbook_file, read_only=True, data_only=True)
        reader.archive = archive
        reader.valid_files = archive.namelist()
        reader.read()
        wb = reader.wb
    except InputFileError:
        _close_quietly(archive)
        raise
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, EOFError) as exc:
        _close_quietly(archive)
        raise InputFileError(
            f"{name}: not a readable .xlsx workbook ({type(exc).__name__}: the zip archive or "
            "its XML is damaged, or it is another kind of file); save it again from Excel, or "
            "export CSV"
        ) from None
    except MemoryError:  # never disguised: the limits exist so that this does not happen
        _close_quietly(archive)
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on corrupt files
        _close_quietly(archive)
        raise InputFileError(
            f"{name}: not a readable .xlsx workbook ({type(exc).__name__})"
        ) from None
    names = wb.sheetnames
    if sheet is not None:
        if sheet not in names:
            wb.close()
            raise InputFileError(
                f"{name}: no sheet named '{sheet}' (sheets: {', '.join(names) or 'none'})"
            )
        ws = wb[sheet]
    else:
        if not wb.worksheets:
            wb.close()
            raise InputFileError(f"{name}: the workbook has no worksheet")
        ws = wb.worksheets[0]
    title = ws.title

    def close() -> None:
        try:
            wb.close()
        finally:
            if path is not None:
                fh.close()

    suspect = [False]
    state: dict[str, Any] = {"sheet_row": 0, "suspect": suspect}
    values = _xlsx_rows(ws, name, title, state)
    try:
        header, skipped, _ = find_header(values, is_header)
    except BaseException:
        close()
        raise
    if header is None:
        close()
        raise InputFileError(f"{name}: no header: sheet '{title}' is empty (expected a header row)")
    while header and not header[-1].strip():
        header.pop()
    state["width"] = len(header)

    def check_row(row: list[str]) -> list[tuple[int, str, bool]]:
        # Found by the cell itself, not its sheet column: columns may have been dropped since.
        notes = []
        for i, cell in enumerate(row):
            if type(cell) is _Unsaved:
                notes.append((i, no_saved_value(cell.address), True))
                row[i] = ""
        return notes

    return Table(
        name=name,
        kind="xlsx",
        header=header,
        rows=values,
        sheet=title,
        size=size,
        path=path,
        header_row=state["sheet_row"],
        skipped_above_header=skipped,
        close=close,
        suspect=suspect,
        check_row=check_row,
    )


def _close_quietly(archive: Any) -> None:
    if archive is not None:
        try:
            archive.close()
        except Exception:  # noqa: BLE001
            pass


def _read_stdin_workbook(fh: Any, prefix: bytes, name: str) -> io.BytesIO:
    buf = io.BytesIO()
    buf.write(prefix)
    while True:
        data = fh.read(1 << 20)
        if not data:
            break
        buf.write(data)
        if buf.tell() > MAX_XLSX_STDIN:
            raise InputFileError(
                f"{name}: workbook on standard input is larger than {_size(MAX_XLSX_STDIN)}; "
                "give its path instead"
            )
    buf.seek(0)
    return buf


FORMULA_TAG = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}f"
NO_SAVED_VALUE = object()  # a formula cell whose value was never saved (not computed yet)


def _sheet_values(ws: Any) -> Iterator[list[Any]]:
    """The rows of a read-only worksheet as lists of values from column A, as
    `ws.iter_rows(values_only=True)` gives them after `reset_dimensions()`, except that a
    formula with no saved value is NO_SAVED_VALUE rather than None, and cell addresses
    beyond Excel's limits are refused (a row of a billion empty cells is not a sheet's)."""
    from openpyxl.worksheet._reader import WorkSheetParser

    class Parser(WorkSheetParser):
        def parse_cell(self, element: Any) -> dict:
            cell = super().parse_cell(element)
            if cell["value"] is None and element.find(FORMULA_TAG) is not None:
                cell["value"] = NO_SAVED_VALUE
            return cell

    wb = ws.parent
    expected = 1
    with ws._get_source() as src:
        parser = Parser(src, ws._shared_strings, data_only=True, epoch=wb.epoch,
                        date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
        for idx, cells in parser.parse():
            if idx > XLSX_MAX_ROW:
                raise _BeyondLimits(f"row {idx:,}")
            while expected < idx:  # rows the sheet does not store are empty
                expected += 1
                yield []
            if expected > idx:  # a row out of order: openpyxl skips it too
                continue
            expected += 1
            width = cells[-1]["column"] if cells else 0
            if width > XLSX_MAX_COLUMN or any(c["column"] > XLSX_MAX_COLUMN for c in cells):
                raise _BeyondLimits(f"a column beyond {XLSX_MAX_COLUMN:,} on row {idx:,}")
            row: list[Any] = [None] * width
            for c in cells:
                col = c["column"]
                if col >= 1:
                    row[col - 1] = c["value"]
            yield row


class _BeyondLimits(Exception):
    pass


class _Unsaved(str):
    """The empty text of a formula cell with no saved value, which knows its address (until
    Table.check_row makes it a plain "")."""

    address = ""


def _xlsx_rows(ws: Any, name: str, title: str, state: dict) -> Iterator[list[str]]:
    from openpyxl.utils import get_column_letter

    suspect = state["suspect"]
    try:
        for values in _sheet_values(ws):
            state["sheet_row"] += 1
            row: list[str] = []
            for i, v in enumerate(values):
                if v is NO_SAVED_VALUE:
                    unsaved = _Unsaved("")
                    unsaved.address = f"{get_column_letter(i + 1)}{state['sheet_row']}"
                    row.append(unsaved)
                    suspect[0] = True
                    continue
                text = cell_text(v)
                if len(text) > FIELD_LIMIT:
                    _refuse_big_cell(name, f"sheet '{shown(title)}' row {state['sheet_row']}")
                row.append(text)
            # A sheet stores no trailing empty cells: a short row is not a ragged one.
            width = state.get("width", 0)
            if len(row) < width:
                row.extend([""] * (width - len(row)))
            elif len(row) > width:
                while len(row) > width and not row[-1]:
                    row.pop()
            yield row
    except GeneratorExit:
        raise
    except InputFileError:
        raise
    except _BeyondLimits as exc:
        raise InputFileError(
            f"{name}: sheet '{title}' has a cell address beyond Excel's limits ({exc}; "
            f"Excel has {XLSX_MAX_ROW:,} rows and {XLSX_MAX_COLUMN:,} columns): the workbook "
            "is damaged or crafted"
        ) from None
    except MemoryError:  # never disguised: the limits exist so that this does not happen
        raise
    except Exception as exc:  # noqa: BLE001 - a corrupt sheet part, bad XML, ...
        raise InputFileError(
            f"{name}: sheet '{title}' is corrupt near row {state['sheet_row'] + 1} "
            f"({type(exc).__name__})"
        ) from None


class _PartStream(io.RawIOBase):
    """One part of a workbook, read through its zip stream, that refuses to hand out more
    than `limit` bytes (the smaller of the declared size and the part's limit: a header that
    lies cannot get past it) or, in an XML part, a run of more than XML_RUN_LIMIT bytes
    without < or > (the text of one cell, larger than any cell may be)."""

    def __init__(self, raw: Any, name: str, part: str, limit: int, xml: bool) -> None:
        super().__init__()
        self._raw = raw
        self._name = name
        self._part = part
        self._limit = limit
        self._xml = xml
        self._total = 0
        self._run = 0  # bytes since the last < or >

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(min(len(buffer), 1 << 20))
        n = len(data)
        self._total += n
        if self._total > self._limit:
            raise InputFileError(
                f"{self._name}: part '{shown(self._part)}' holds more data than its zip header "
                f"declares or than a workbook part may hold ({_size(self._limit)}): the "
                "workbook is damaged or crafted; save it again as .xlsx or CSV"
            )
        if self._xml and n:
            lt, gt = data.find(b"<"), data.find(b">")
            first = min(x for x in (lt, gt, n) if x >= 0)
            if self._run + first > XML_RUN_LIMIT:
                _refuse_big_cell(self._name, f"part '{shown(self._part)}'")
            if first == n:
                self._run += n
            else:
                self._run = n - 1 - max(data.rfind(b"<"), data.rfind(b">"))
        buffer[:n] = data
        return n

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            super().close()


def _refuse_big_cell(name: str, where: str) -> None:
    raise InputFileError(
        f"{name}: {where} holds a cell (or other text) of more than "
        f"{_size(XML_RUN_LIMIT)} (a spreadsheet cell holds at most 32,767 characters): the "
        "workbook is damaged or crafted; refusing it"
    )


def _size(n: int) -> str:
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if n >= 1 << shift:
            return f"{n / (1 << shift):.1f} {unit}".replace(".0 ", " ")
    return f"{n} bytes"


def _over(n: int, limit: int) -> str:
    return f"more than {_size(limit)}" if _size(n) == _size(limit) else _size(n)


def _part_limit(part: str) -> tuple[int, str]:
    """The most a part may expand to, and what to say of it."""
    low = part.lower()
    if "worksheets/" in low and low.endswith(".xml"):
        return XLSX_SHEET_LIMIT, ("a worksheet (a staff list of 50,000 rows x 40 columns is "
                                  "about 100 MiB)")
    if low.endswith("sharedstrings.xml"):
        return XLSX_STRINGS_LIMIT, "the shared strings (a million distinct texts fit in it)"
    if low.endswith((".xml", ".rels", ".vml")):
        return XLSX_XML_LIMIT, "an XML part (a workbook's other parts are a few KiB)"
    return XLSX_OTHER_LIMIT, "any part"


def _is_xml(part: str) -> bool:
    return part.lower().endswith((".xml", ".rels", ".vml"))


def _limited_zip_class() -> Any:
    import zipfile

    class LimitedZip(zipfile.ZipFile):
        """A ZipFile whose parts are all read through a _PartStream."""

        display_name = "<workbook>"

        def open(self, name: Any, mode: Literal["r", "w"] = "r", pwd: Any = None, **kwargs: Any) -> Any:
            stream = super().open(name, mode, pwd, **kwargs)
            if mode != "r":
                return stream
            info = name if isinstance(name, zipfile.ZipInfo) else self.getinfo(name)
            limit, _ = _part_limit(info.filename)
            return io.BufferedReader(
                _PartStream(stream, self.display_name, info.filename,
                            min(limit, info.file_size), _is_xml(info.filename)),
                buffer_size=64 * 1024)

    return LimitedZip


def _check_parts(archive: Any, name: str) -> None:
    """Before anything is parsed: what kind of zip this is, and each part's declared size
    and compression ratio."""
    infos = archive.infolist()
    if len(infos) > XLSX_MAX_PARTS:
        raise InputFileError(
            f"{name}: the zip archive holds {len(infos):,} parts (a workbook has tens; the limit "
            f"is {XLSX_MAX_PARTS:,}): not a workbook this tool reads"
        )
    names = {i.filename for i in infos}
    if "mimetype" in names:
        with archive.open("mimetype") as fh:
            mimetype = fh.read(100)
        if mimetype.startswith(ODF_MIMETYPE):
            kind = ("an OpenDocument spreadsheet (.ods, from LibreOffice or Google Sheets)"
                    if mimetype.startswith(ODF_MIMETYPE + b".spreadsheet")
                    else "an OpenDocument file, not a spreadsheet")
            raise InputFileError(
                f"{name}: this is {kind}, which this tool does not read; save it as .xlsx "
                "or as CSV (UTF-8) and try again"
            )
    for info in infos:
        limit, what = _part_limit(info.filename)
        part = shown(info.filename)
        if info.file_size > limit:
            raise InputFileError(
                f"{name}: part '{part}' would expand to {_over(info.file_size, limit)}, over the "
                f"limit of {_size(limit)} for {what}: refusing it; if the workbook is genuine, "
                "save it as CSV"
            )
        if (info.file_size > XLSX_RATIO_FLOOR
                and info.file_size > XLSX_RATIO_LIMIT * max(info.compress_size, 1)):
            ratio = info.file_size // max(info.compress_size, 1)
            raise InputFileError(
                f"{name}: part '{part}' would expand {ratio:,} times over "
                f"({_size(info.compress_size)} to {_size(info.file_size)}; a real workbook "
                f"expands at most about 30 times, the limit is {XLSX_RATIO_LIMIT}): refusing "
                "what looks like a zip bomb; if the workbook is genuine, save it as CSV"
            )


def cell_text(value: Any) -> str:
    """A spreadsheet value as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)
