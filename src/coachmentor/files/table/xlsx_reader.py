"""Reading an .xlsx worksheet as a table, within limits checked before anything is parsed: each
part's declared size and compression ratio, then every part read through a stream that stops at
the declared size and at the limit. openpyxl's private API is used only by `xlsx_private`."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal

from coachmentor.errors import InputFileError
from coachmentor.files.messages import no_saved_value, shown
from coachmentor.files.table.base import (
    FIELD_LIMIT,
    MAX_XLSX_STDIN,
    ODF_MIMETYPE,
    XLSX_MAX_COLUMN,
    XLSX_MAX_PARTS,
    XLSX_MAX_ROW,
    XLSX_OTHER_LIMIT,
    XLSX_RATIO_FLOOR,
    XLSX_RATIO_LIMIT,
    XLSX_SHEET_LIMIT,
    XLSX_STRINGS_LIMIT,
    XLSX_XML_LIMIT,
    XML_RUN_LIMIT,
    Table,
    find_header,
    over_text,
    size_text,
)
from coachmentor.files.table.xlsx_private import NO_SAVED_VALUE, BeyondLimits, load_read_only, sheet_values


def open_xlsx(
    fh: Any, prefix: bytes, name: str, path: Path | None, sheet: str | None, size: int | None,
    is_header: Callable[[list[str]], bool] | None = None,
) -> Table:
    if path is None:  # standard input: openpyxl needs to seek
        workbook_file: Any = _read_stdin_workbook(fh, prefix, name)
    else:
        fh.seek(0)
        workbook_file = fh
    wb = _load(workbook_file, name)
    ws = _worksheet(wb, name, sheet)
    title = ws.title

    def close() -> None:
        try:
            wb.close()
        finally:
            if path is not None:
                fh.close()

    suspect = [False]
    state = _SheetState(suspect)
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
    state.width = len(header)
    return Table(
        name=name,
        kind="xlsx",
        header=header,
        rows=values,
        sheet=title,
        size=size,
        path=path,
        header_row=state.sheet_row,
        skipped_above_header=skipped,
        close=close,
        suspect=suspect,
        check_row=_unsaved_formulas,
    )


def _load(workbook_file: Any, name: str) -> Any:
    """The workbook, every part read within the limits; one message for a damaged file."""
    import zipfile

    archive = None
    try:
        archive = _limited_zip_class()(workbook_file)
        archive.display_name = name
        _check_parts(archive, name)
        return load_read_only(workbook_file, archive)
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
    except Exception as exc:  # openpyxl raises many kinds on corrupt files
        _close_quietly(archive)
        raise InputFileError(
            f"{name}: not a readable .xlsx workbook ({type(exc).__name__})"
        ) from None


def _worksheet(wb: Any, name: str, sheet: str | None) -> Any:
    """`--sheet NAME`, or the first sheet."""
    if sheet is not None:
        if sheet not in wb.sheetnames:
            wb.close()
            raise InputFileError(
                f"{name}: no sheet named '{sheet}' (sheets: {', '.join(wb.sheetnames) or 'none'})"
            )
        return wb[sheet]
    if not wb.worksheets:
        wb.close()
        raise InputFileError(f"{name}: the workbook has no worksheet")
    return wb.worksheets[0]


def _unsaved_formulas(row: list[str]) -> list[tuple[int, str, bool]]:
    """check_row for xlsx: the formulas with no saved value, found by the cell itself (not its
    sheet column: columns may have been dropped since), emptied, and why."""
    notes = []
    for i, cell in enumerate(row):
        if type(cell) is _Unsaved:
            notes.append((i, no_saved_value(cell.address), True))
            row[i] = ""
    return notes


def _close_quietly(archive: Any) -> None:
    if archive is not None:
        try:
            archive.close()
        except Exception:
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
                f"{name}: workbook on standard input is larger than {size_text(MAX_XLSX_STDIN)}; "
                "give its path instead"
            )
    buf.seek(0)
    return buf




class _Unsaved(str):
    """The empty text of a formula cell with no saved value, which knows its address (until
    Table.check_row makes it a plain "")."""

    address = ""


@dataclass
class _SheetState:
    """Where the reading of one sheet is: the sheet row just read, the table's `suspect` flag
    (set by a formula with no saved value), and the header's width once it is known."""

    suspect: list[bool]
    sheet_row: int = 0
    width: int = 0


def _xlsx_rows(ws: Any, name: str, title: str, state: _SheetState) -> Iterator[list[str]]:
    try:
        for values in sheet_values(ws):
            state.sheet_row += 1
            yield _row_text(values, name, title, state)
    except GeneratorExit:
        raise
    except InputFileError:
        raise
    except BeyondLimits as exc:
        raise InputFileError(
            f"{name}: sheet '{title}' has a cell address beyond Excel's limits ({exc}; "
            f"Excel has {XLSX_MAX_ROW:,} rows and {XLSX_MAX_COLUMN:,} columns): the workbook "
            "is damaged or crafted"
        ) from None
    except MemoryError:  # never disguised: the limits exist so that this does not happen
        raise
    except Exception as exc:  # a corrupt sheet part, bad XML, ...
        raise InputFileError(
            f"{name}: sheet '{title}' is corrupt near row {state.sheet_row + 1} "
            f"({type(exc).__name__})"
        ) from None


def _row_text(values: list[Any], name: str, title: str, state: _SheetState) -> list[str]:
    """A sheet row's values as text, as wide as the header (a sheet stores no trailing empty
    cells: a short row is not a ragged one)."""
    row: list[str] = []
    for i, v in enumerate(values):
        if v is NO_SAVED_VALUE:
            from openpyxl.utils import get_column_letter  # public; rarely needed

            unsaved = _Unsaved("")
            unsaved.address = f"{get_column_letter(i + 1)}{state.sheet_row}"
            row.append(unsaved)
            state.suspect[0] = True
            continue
        text = cell_text(v)
        if len(text) > FIELD_LIMIT:
            _refuse_big_cell(name, f"sheet '{shown(title)}' row {state.sheet_row}")
        row.append(text)
    width = state.width
    if len(row) < width:
        row.extend([""] * (width - len(row)))
    elif len(row) > width:
        while len(row) > width and not row[-1]:
            row.pop()
    return row


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
                f"declares or than a workbook part may hold ({size_text(self._limit)}): the "
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
        f"{size_text(XML_RUN_LIMIT)} (a spreadsheet cell holds at most 32,767 characters): the "
        "workbook is damaged or crafted; refusing it"
    )


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
                f"{name}: part '{part}' would expand to {over_text(info.file_size, limit)}, over the "
                f"limit of {size_text(limit)} for {what}: refusing it; if the workbook is genuine, "
                "save it as CSV"
            )
        if (info.file_size > XLSX_RATIO_FLOOR
                and info.file_size > XLSX_RATIO_LIMIT * max(info.compress_size, 1)):
            ratio = info.file_size // max(info.compress_size, 1)
            raise InputFileError(
                f"{name}: part '{part}' would expand {ratio:,} times over "
                f"({size_text(info.compress_size)} to {size_text(info.file_size)}; a real workbook "
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
