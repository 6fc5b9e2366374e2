"""Batch input as it really comes: a CSV file, standard input, or an .xlsx workbook.

`open_table()` returns a `Table`: the header (a list of text) and an iterator of data rows
(each a fresh list of text), read lazily so that memory does not grow with the file.

CSV: UTF-8 with or without a BOM; bytes that are not UTF-8 are read as cp1252 (older Excel
on Windows), sequence by sequence, and the summary says so; a UTF-16 BOM is honoured;
`--encoding` overrides all of it. The delimiter is sniffed among , ; tab | from the first
lines. Line endings CR, LF or CRLF; quoted fields may hold newlines. csv's silent defaults are
made visible elsewhere (ragged rows, NUL bytes, an unclosed quote): this module only reads.

xlsx: the first sheet or `--sheet NAME`, read with openpyxl in read-only mode, cached values
of formulas (what Excel shows), numbers and dates turned into text the way a CSV export would.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Callable, Iterator

from ..errors import InputFileError

SNIFF_BYTES = 64 * 1024
READ_BUFFER = 256 * 1024
FIELD_LIMIT = 32 * 1024 * 1024  # a cell larger than this is taken for an unclosed quote
MAX_XLSX_STDIN = 512 * 1024 * 1024
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {
    ",": ",", "comma": ",",
    ";": ";", "semicolon": ";",
    "\t": "\t", "\\t": "\t", "tab": "\t",
    "|": "|", "pipe": "|",
}
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (and other old Office files)

# --- cp1252 fallback for bytes that are not UTF-8 -----------------------------------------

FALLBACK_ERRORS = "coachmentor-cp1252-fallback"


class _FallbackCount:
    """How many byte sequences were read as cp1252 (process-wide; reset per table)."""

    hits = 0


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    try:
        text = exc.object[exc.start : exc.end].decode("cp1252")
    except UnicodeDecodeError:  # 0x81 0x8d 0x8f 0x90 0x9d: neither UTF-8 nor cp1252
        raise exc from None
    _FallbackCount.hits += 1
    return text, exc.end


codecs.register_error(FALLBACK_ERRORS, _cp1252_fallback)


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
    header_line: int = 1  # the line (CSV) or sheet row (xlsx) the header ends on
    skipped_above_header: int = 0  # non-blank rows above the header (a title, a date)
    reader: Any = None  # the csv.reader, whose line_num tells the physical line
    lines: list[str] | None = None  # the text lines of the record just read (CSV only)
    raw: "_Prefixed | None" = None
    close: Callable[[], None] = field(default=lambda: None)

    def line(self) -> int | None:
        return self.reader.line_num if self.reader is not None else None

    def position(self) -> int | None:
        return self.raw.consumed if self.raw is not None else None

    @property
    def saw_nul(self) -> list[bool]:
        """A one-item list, set when a NUL byte has been read (checked per row only then)."""
        return self.raw.saw_nul if self.raw is not None else [False]

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
    hands out (progress) and notes whether any NUL byte went past."""

    def __init__(self, prefix: bytes, fh: Any) -> None:
        super().__init__()
        self._prefix = memoryview(prefix)
        self._fh = fh
        self.consumed = 0
        self.saw_nul = [b"\x00" in prefix]

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if len(self._prefix):
            n = min(len(buffer), len(self._prefix))
            buffer[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
        else:
            data = self._fh.read(len(buffer))
            n = len(data)
            buffer[:n] = data
            if not self.saw_nul[0] and b"\x00" in data:
                self.saw_nul[0] = True
        self.consumed += n
        return n


# --- opening -----------------------------------------------------------------------------


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
        if path is not None and path.suffix.lower() in (".xlsx", ".xlsm"):
            raise InputFileError(
                f"{name}: not an .xlsx workbook (an .xlsx file is a zip archive; this is not): "
                "corrupt, or another kind of file with an .xlsx name"
            )
        if sheet is not None:
            raise InputFileError(f"{name}: --sheet applies to .xlsx workbooks; this is a text file")
        if prefix.startswith(OLE_MAGIC):
            raise InputFileError(
                f"{name}: this is an old Excel .xls workbook (or another legacy Office file); "
                "save it as .xlsx or as 'CSV UTF-8' and try again"
            )
        return _open_csv(fh, prefix, name, path, size, encoding, delimiter, is_header)
    except BaseException:
        if path is not None:
            fh.close()
        raise


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
            f"--encoding: unknown text encoding '{name}' (e.g. utf-8, cp1252, latin-1, utf-16)"
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
    utf16 = prefix.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if encoding is None:
        if utf16:
            py_encoding, errors, label = "utf-16", "strict", "utf-16"
        else:
            py_encoding, errors, label = "utf-8-sig", FALLBACK_ERRORS, "auto"
    else:
        label = encoding
        py_encoding, errors = encoding, "strict"
        if encoding == "utf-8" and bom:
            py_encoding = "utf-8-sig"
    if not utf16 and encoding in (None, "utf-8"):
        _refuse_binary(prefix, name)
    _FallbackCount.hits = 0
    sample = _decode_sample(prefix, py_encoding, errors, name, whole=len(prefix) < SNIFF_BYTES)
    if delimiter is None:
        delimiter = sniff_delimiter(sample)
    newline = "\r\n" if _first_line_ending(sample) == "\r\n" else "\n"

    raw = _Prefixed(prefix, fh)
    buffered = io.BufferedReader(raw, buffer_size=READ_BUFFER)
    text = io.TextIOWrapper(buffered, encoding=py_encoding, errors=errors, newline="")
    if csv.field_size_limit() < FIELD_LIMIT:
        csv.field_size_limit(FIELD_LIMIT)
    lines: list[str] = []
    reader = csv.reader(_tap(text, lines), delimiter=delimiter, strict=True)

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
    )
    from .messages import csv_failure

    try:
        header, skipped = find_header(
            reader, is_header, lambda exc: csv_failure(exc, table, where="in the header"))
    except BaseException:
        close()
        raise
    if header is None:
        close()
        raise InputFileError(f"{name}: no header: the input is empty (expected a header row)")
    table.header = header
    table.header_line = reader.line_num
    table.skipped_above_header = skipped
    return table


def _tap(text: Iterator[str], lines: list[str]) -> Iterator[str]:
    """The lines of `text`, each also kept in `lines` until the reader of records takes them:
    a record's input text can then be written out again without serialising it."""
    keep = lines.append
    for line in text:
        keep(line)
        yield line


HEADER_SEARCH = 10  # non-blank rows looked at for the header (title rows above it skipped)


def find_header(rows: Iterator[list[str]], is_header: Callable[[list[str]], bool] | None,
                on_error: Callable[[BaseException], BaseException] | None = None,
                ) -> tuple[list[str] | None, int]:
    """The header: the first non-blank row that `is_header` accepts among the first few (a
    report title or a blank line may sit above it), else the first non-blank row. Returns it
    and how many non-blank rows above it were skipped."""
    first = None
    seen = 0
    while seen < HEADER_SEARCH:
        try:
            row = next(rows)
        except StopIteration:
            break
        except (csv.Error, UnicodeDecodeError) as exc:
            if on_error is None:
                raise
            raise on_error(exc) from None
        if not any(cell.strip() for cell in row):
            continue
        if is_header is None or is_header(row):
            return row, seen
        if first is None:
            first = row
        seen += 1
    return first, 0


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


def _decode_sample(prefix: bytes, encoding: str, errors: str, name: str, whole: bool) -> str:
    data = prefix if whole else prefix[: prefix.rfind(b"\n") + 1] or prefix
    try:
        return codecs.decode(data, encoding, errors)
    except UnicodeDecodeError as exc:
        if not whole and exc.end >= len(data) - 4:
            return codecs.decode(data[: exc.start], encoding, errors)
        from .messages import decode_failure

        line = data[: exc.start].count(b"\n") + 1
        raise decode_failure(name, encoding, data[exc.start], line) from None


def _first_line_ending(sample: str) -> str:
    i = sample.find("\n")
    j = sample.find("\r")
    if j != -1 and (i == -1 or j < i):
        return "\r\n" if sample[j : j + 2] == "\r\n" else "\r"
    return "\n"


def sniff_delimiter(sample: str) -> str:
    """The candidate on which most of the first records agree about a width of two or more
    cells (so that a title line above the header does not mislead it); ties go to , ; tab |.
    Records are read with the csv module, so quoted delimiters and line breaks count right."""
    best, best_score = ",", (0, 0)
    for cand in DELIMITERS:
        if cand not in sample:
            continue
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=cand)
        counts: dict[int, int] = {}
        try:
            for record in itertools.islice(reader, 21):
                if len(record) > 1:
                    counts[len(record)] = counts.get(len(record), 0) + 1
        except csv.Error:
            pass
        if not counts:
            continue
        width, agree = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
        if (agree, width) > best_score:
            best, best_score = cand, (agree, width)
    return best


# --- xlsx --------------------------------------------------------------------------------


def _open_xlsx(
    fh: Any, prefix: bytes, name: str, path: Path | None, sheet: str | None, size: int | None,
    is_header: Callable[[list[str]], bool] | None = None,
) -> Table:
    import warnings
    import zipfile

    if path is None:  # standard input: openpyxl needs to seek
        rest = fh.read(MAX_XLSX_STDIN + 1 - len(prefix))
        if len(prefix) + len(rest) > MAX_XLSX_STDIN:
            raise InputFileError(f"{name}: workbook on standard input is too large; give a path")
        workbook_file: Any = io.BytesIO(prefix + rest)
    else:
        fh.seek(0)
        workbook_file = fh
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - a declared dependency
        raise InputFileError(f"{name}: reading .xlsx needs openpyxl (pip install openpyxl)") from None
    warnings.filterwarnings("ignore", module="openpyxl")
    try:
        wb = openpyxl.load_workbook(workbook_file, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, EOFError) as exc:
        raise InputFileError(
            f"{name}: not a readable .xlsx workbook ({type(exc).__name__}: corrupt, encrypted, "
            "or another kind of file)"
        ) from None
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on corrupt files
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
    try:
        ws.reset_dimensions()  # some writers record wrong dimensions; read what is there
    except AttributeError:  # pragma: no cover
        pass

    def close() -> None:
        try:
            wb.close()
        finally:
            if path is not None:
                fh.close()

    state = {"sheet_row": 0}
    values = _xlsx_rows(ws, name, title, state)
    try:
        header, skipped = find_header(values, is_header)
    except BaseException:
        close()
        raise
    if header is None:
        close()
        raise InputFileError(f"{name}: no header: sheet '{title}' is empty (expected a header row)")
    while header and not header[-1].strip():
        header.pop()
    state["width"] = len(header)
    return Table(
        name=name,
        kind="xlsx",
        header=header,
        rows=values,
        sheet=title,
        size=size,
        path=path,
        header_line=state["sheet_row"],
        skipped_above_header=skipped,
        close=close,
    )


def _xlsx_rows(ws: Any, name: str, title: str, state: dict) -> Iterator[list[str]]:
    try:
        for values in ws.iter_rows(values_only=True):
            state["sheet_row"] += 1
            row = [cell_text(v) for v in values]
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
    except Exception as exc:  # noqa: BLE001 - a corrupt sheet part, bad XML, ...
        raise InputFileError(
            f"{name}: sheet '{title}' is corrupt near row {state['sheet_row'] + 1} "
            f"({type(exc).__name__})"
        ) from None


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
