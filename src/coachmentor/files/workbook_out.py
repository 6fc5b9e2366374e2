"""Writing results as an .xlsx workbook: one sheet, streamed, for `assess -o` and `match -o`.

openpyxl's write-only workbook keeps memory flat: each row goes to its own temporary file (in
the system's temporary folder, 0600, removed when the workbook is written or abandoned) and
the zip archive is put together by `save`. The sheet has a bold header with an autofilter,
panes frozen below it, and column widths from the header and the first rows.

Cells are typed on purpose, never guessed from their text: the columns named as numbers get
numbers; every other cell is a literal string, so a staff id `00123` stays text and `=1+1`
stays the text `=1+1` (openpyxl would store it as a formula; no CSV-style `'` guard is
needed or added). A character XML cannot hold (a control character, a lone surrogate) becomes
U+FFFD, and a text longer than a cell holds is cut and marked (`CUT`). Beyond Excel's rows
the run stops with one message (exit 2) before anything is written; so do more columns than
Excel's (16,384).

The same rows give the same bytes: the document's dates and every zip entry's time are fixed.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import IO, Any

from coachmentor.errors import CoachmentorError

MAX_ROWS = 1_048_576  # Excel's rows per sheet, the header's included
MAX_CELL = 32_767  # Excel's characters per cell
MAX_COLUMNS = 16_384  # Excel's columns per sheet (openpyxl's letters stop at 18,278: ZZZ)
CUT = " [… cut: longer than an Excel cell holds]"
WIDTH_MIN, WIDTH_MAX = 8, 60  # column widths, in characters
SAMPLE_ROWS = 1000  # rows looked at for the column widths
FIXED_TIME = datetime(2000, 1, 1)  # the workbook's created/modified: a real one would differ per run
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
# XML 1.0 cannot hold these (tab, LF and CR it can); openpyxl refuses them with the cell's
# text in its message, and U+FFFE/U+FFFF or a lone surrogate would fail later, mid-file.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# openpyxl reads a text starting with '=' as a formula and '#N/A' & co. as an error value
_NOT_PLAIN = ("=", "#")


class _FixedTimeZip(zipfile.ZipFile):
    """A zip archive whose entries all carry the same time and permissions, so that two runs
    give the same bytes (zipfile stamps each entry with the time it is written)."""

    def writestr(self, zinfo_or_arcname: Any, data: Any, compress_type: Any = None,
                 compresslevel: Any = None) -> None:
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = self._info(zinfo_or_arcname)
        zinfo_or_arcname.date_time = _ZIP_TIME
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename: Any, arcname: Any = None, compress_type: Any = None,
              compresslevel: Any = None) -> None:
        """openpyxl's streamed sheet: copied from its temporary file, in chunks."""
        info = self._info(arcname or os.path.basename(filename))
        info.file_size = os.path.getsize(filename)  # so that zip64 is used when needed
        with open(filename, "rb") as src, self.open(info, "w") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        return info


def clean_text(text: str) -> tuple[str, bool]:
    """`text` as a cell can hold it, and whether it had to be cut."""
    if _NOT_XML.search(text):
        text = _NOT_XML.sub("\ufffd", text)
    if len(text) > MAX_CELL:
        return text[:MAX_CELL - len(CUT)] + CUT, True
    return text, False


def _display_width(value: Any) -> int:
    value = getattr(value, "value", value)  # a literal text's cell
    if isinstance(value, str):
        return max(map(len, value.splitlines()), default=0)
    return len(str(value))


class SheetWriter:
    """One sheet: `append(rows)` as often as needed (each row a sequence of str, numbers in the
    `numbers` columns, or None for an empty cell), then `save(fh)` once, or `discard()`.
    `name` (the output's name) is only for the messages."""

    def __init__(self, header: Sequence[str], *, title: str, name: str,
                 numbers: Collection[int] = ()) -> None:
        from openpyxl import Workbook

        if len(header) > MAX_COLUMNS:
            raise CoachmentorError(
                f"{name}: {len(header):,} columns, more than an Excel sheet holds "
                f"({MAX_COLUMNS:,}): write .csv or .jsonl instead")
        self.wb = Workbook(write_only=True)
        self.ws = self.wb.create_sheet(title)
        self.header = [clean_text(h)[0] for h in header]
        self.numbers = frozenset(numbers)
        self.name = name
        self.rows = 0  # data rows appended
        self.cut = 0  # cells cut to MAX_CELL
        self._sample: list[list[Any]] | None = []  # the first rows, held until widths are set
        self.others: list[SheetWriter] = []  # more sheets of the same workbook (`sheet`)

    def sheet(self, title: str) -> SheetWriter:
        """Another sheet with the same columns in this workbook, written by `save` with it
        (match's one sheet per school)."""
        other = SheetWriter.__new__(SheetWriter)
        other.wb, other.ws = self.wb, self.wb.create_sheet(title)
        other.header, other.numbers, other.name = self.header, self.numbers, self.name
        other.rows, other.cut, other._sample, other.others = 0, 0, [], []
        self.others.append(other)
        return other

    def append(self, rows: Iterable[Sequence[Any]]) -> None:
        cells = [self._cells(row) for row in rows]
        self.rows += len(cells)
        if self.rows > MAX_ROWS - 1:
            raise CoachmentorError(
                f"{self.name}: more than {MAX_ROWS - 1:,} rows, more than an Excel sheet holds "
                f"({MAX_ROWS:,} with the header): write .csv or .jsonl instead")
        if self._sample is not None:
            self._sample.extend(cells)
            if len(self._sample) >= SAMPLE_ROWS:
                self._start()  # writes the sample, these rows included
            return
        for row in cells:
            self.ws.append(row)

    def _cells(self, row: Sequence[Any]) -> list[Any]:
        out: list[Any] = []
        for i, value in enumerate(row):
            if value is None or value == "":
                out.append(None)  # no cell at all: smaller, and Excel shows the same
            elif i in self.numbers and not isinstance(value, str):
                out.append(value)
            else:
                out.append(self._text(value))
        return out

    def _text(self, value: Any) -> Any:
        text, cut = clean_text(str(value))
        self.cut += cut
        if text.startswith(_NOT_PLAIN):
            return self._literal(text)
        return text

    def _literal(self, text: str, bold: bool = False) -> Any:
        """A cell that holds `text` as text, whatever it looks like (a fresh cell each time:
        openpyxl reuses an unstyled cell object it was given for the next value)."""
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        cell = WriteOnlyCell(self.ws, value=text)
        cell.data_type = "s"
        if bold:
            cell.font = Font(bold=True)
        return cell

    def _start(self) -> None:
        """Widths, frozen panes and the header: what a streamed sheet writes before its rows."""
        from openpyxl.utils import get_column_letter

        sample, self._sample = self._sample or [], None
        for i, head in enumerate(self.header):
            # +4 for the header's filter button; the longest line of a cell in the sample
            longest = max((_display_width(r[i]) for r in sample if i < len(r) and r[i] is not None),
                          default=0)
            width = max(WIDTH_MIN, min(WIDTH_MAX, max(len(head) + 4, longest + 2)))
            self.ws.column_dimensions[get_column_letter(i + 1)].width = width
        self.ws.freeze_panes = "A2"
        self.ws.append([self._literal(h, bold=True) for h in self.header])
        for row in sample:
            self.ws.append(row)

    def save(self, fh: IO[bytes]) -> None:
        """Write the workbook to `fh`. A stream that cannot seek (a pipe) gets it through an
        anonymous temporary file: zipfile writes a pipe differently, and the bytes would
        depend on where they go."""
        from openpyxl.utils import get_column_letter
        from openpyxl.writer.excel import ExcelWriter

        last = get_column_letter(max(len(self.header), 1))
        for sheet in (self, *self.others):
            if sheet._sample is not None:
                sheet._start()
            sheet.ws.auto_filter.ref = f"A1:{last}{sheet.rows + 1}"
        props = self.wb.properties
        props.created = props.modified = FIXED_TIME
        props.creator, props.lastModifiedBy = "coachmentor", None
        if _seekable(fh):
            self._zip(fh, ExcelWriter)
            return
        with tempfile.TemporaryFile() as spool:
            self._zip(spool, ExcelWriter)
            spool.seek(0)
            shutil.copyfileobj(spool, fh, 1 << 20)

    def _zip(self, fh: IO[bytes], writer: Any) -> None:
        with _FixedTimeZip(fh, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            writer(self.wb, archive).save()

    def discard(self) -> None:
        """Remove the temporary file of an abandoned sheet now (openpyxl removes it at exit)."""
        writer = getattr(self.ws, "_writer", None)
        if writer is not None:
            try:
                writer.cleanup()
            except (OSError, ValueError):
                pass


def workbook_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str,
                   name: str, numbers: Collection[int] = ()) -> bytes:
    """A whole one-sheet workbook in memory (a short table: a values file, match's pairs)."""
    sheet = SheetWriter(header, title=title, name=name, numbers=numbers)
    try:
        sheet.append(rows)
        buf = io.BytesIO()
        sheet.save(buf)
    except BaseException:
        sheet.discard()
        raise
    return buf.getvalue()


def _seekable(fh: IO[bytes]) -> bool:
    try:
        return fh.seekable() and fh.tell() == 0
    except (OSError, ValueError):
        return False


def refuse_terminal(stream: Any, command: str = "assess") -> None:
    """A workbook is bytes for a file, not for the screen."""
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError, OSError):
        tty = False
    if tty:
        name = "results.xlsx" if command == "assess" else "pairs.xlsx"
        raise CoachmentorError(f"xlsx needs a file: -o {name} (or redirect standard output "
                               "to a file)")
