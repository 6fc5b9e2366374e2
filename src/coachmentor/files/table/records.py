"""A CSV's records, read within our own bounds and without the csv module's process-wide limit.

The csv module refuses a cell longer than `csv.field_size_limit()` (131,072 characters unless a
program changes it), and that limit is one setting for the whole process. This library never
reads or changes it. Instead every record whose text is short (`LONG_RECORD` characters: no
cell in it can reach the csv module's default limit) is read by csv's fast reader, and a longer
record (a long free-text note, a damaged file) is finished by `parse_long_record`, ours, which
reads the same dialect (strict quoting, `"` doubled inside a quoted cell) and bounds each cell
by FIELD_LIMIT whatever the process has set. So a table reads the same in any process, and
tables read side by side share nothing.

`CsvRows` is the table's iterator of rows: after a record the csv reader refuses (text after a
closing quote) the next record is read, as with csv's own reader; `line_num` is the number of
the last physical line read, as csv's reader has it; `lines` holds the text lines of the
record just read (or refused), and only those."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from typing import Protocol

from coachmentor.errors import InputFileError
from coachmentor.files.table.base import FIELD_LIMIT, MAX_CELLS
from coachmentor.files.table.decoding import Decoding, reading

# A record of at most this many characters cannot hold a cell over the csv module's default
# limit (131,072), so csv's reader reads it; a longer one is ours to finish.
LONG_RECORD = 131_072

OVER_LIMIT = f"field larger than field limit ({FIELD_LIMIT})"  # as csv words it (messages.py)


class _Reader(Protocol):
    """What we use of a csv.reader."""

    line_num: int

    def __next__(self) -> list[str]: ...


class LongRecord(Exception):
    """Raised by the line tap inside csv's reader: this record is ours to finish."""


class CsvRows:
    """The rows of one CSV read (see the module's docstring)."""

    def __init__(self, text: Iterator[str], delimiter: str, name: str,
                 decoding: Decoding) -> None:
        self.lines: list[str] = []  # the text lines of the record just read
        self._clear = self.lines.clear
        self._text = text
        self._delimiter, self._name, self._decoding = delimiter, name, decoding
        self._before = 0  # lines read by earlier csv readers and by parse_long_record
        self._reader = self._new_reader()
        self._next = self._reader.__next__

    def _new_reader(self) -> _Reader:
        return csv.reader(self._tap(long_record=LONG_RECORD), delimiter=self._delimiter,
                          strict=True)

    @property
    def line_num(self) -> int:
        return self._before + self._reader.line_num

    def __iter__(self) -> CsvRows:
        return self

    def __next__(self) -> list[str]:
        self._clear()  # `lines`: the record about to be read, whoever emptied it before
        try:
            return self._next()
        except LongRecord:
            counted = 1  # the line the tap took before it stopped csv's reader
        except csv.Error as exc:  # csv's own limit, if a program has lowered it below ours
            if "field larger than field limit" not in str(exc):
                raise
            counted = 0
        return self._finish_long(counted)

    def _finish_long(self, counted: int) -> list[str]:
        """The record in `lines` (and the lines after it that it spans), read by us; csv's
        reader is replaced (its tap has ended), the lines counted as read."""
        self._before += self._reader.line_num + counted
        self._reader = self._new_reader()
        self._next = self._reader.__next__
        held = list(self.lines)
        more = self._tap(long_record=None)

        def next_line() -> str | None:
            line = next(more, None)
            if line is not None:
                self._before += 1
            return line

        # (the taps have counted the record's delimiters, so it holds at most MAX_CELLS cells)
        return parse_long_record(held, next_line, self._delimiter)

    def _too_many_cells(self) -> InputFileError:
        first = self.line_num - len(self.lines) + 2  # `lines`: this record's, the last unread
        del self.lines[:]
        return InputFileError(
            f"{self._name}: the row that starts on line {first:,} has more than "
            f"{MAX_CELLS:,} cells (a spreadsheet row holds at most {MAX_CELLS:,}): the "
            "file is damaged, or not a staff list; refusing it")

    def _tap(self, long_record: int | None) -> Iterator[str]:
        """The lines of the text, each also kept in `lines` until the reader of records takes
        them (it empties `lines` after each record): a record's input text can then be written
        out again without serialising it. The record in `lines` may hold at most MAX_CELLS
        cells: its delimiters are counted once its text is long enough to hold that many (so
        an ordinary row costs a length and an addition), and a record with more is refused
        here, before a list of them is made. A record longer than `long_record` stops csv's
        reader (LongRecord): `parse_long_record` finishes it."""
        lines, delimiter, decoding = self.lines, self._delimiter, self._decoding
        keep = lines.append
        held, cells = sum(map(len, lines)), -1
        # A decode in this read is this table's (decoding.py): `reading` is named before each
        # line is read, here and after each yield (another table may have read in between).
        reading.state = decoding
        for line in self._text:
            if not lines:  # a new record
                held, cells = 0, -1
            held += len(line)
            keep(line)
            if held > MAX_CELLS:
                cells = sum(t.count(delimiter) for t in lines) if cells < 0 else (
                    cells + line.count(delimiter))
                if cells >= MAX_CELLS:
                    raise self._too_many_cells()
                if long_record is not None and held > long_record:
                    raise LongRecord
            yield line
            reading.state = decoding


def parse_long_record(held: list[str], more: Callable[[], str | None], delimiter: str,
                      *, strict: bool = True) -> list[str]:
    """The cells of the record whose first lines are `held`, reading further lines from `more`
    (None: the end of the input) while a quoted cell runs on; as csv.reader(strict=strict)
    reads it, with each cell bounded by FIELD_LIMIT. Lines end in their line break (the last
    line of the input may not); a record ends at the first line break outside quotes."""
    lines = iter(held)

    def next_line() -> str | None:
        line = next(lines, None)
        return more() if line is None else line

    line = next_line() or ""
    if line in ("\n", "\r", "\r\n"):  # a blank line: a record of no cells
        return []
    cells: list[str] = []
    unquoted_end = re.compile(f"[{re.escape(delimiter)}\r\n]").search
    i = 0
    while True:  # at the start of a cell
        quoted = ""
        if line.startswith('"', i):
            quoted, line, i = _quoted_cell(line, i + 1, next_line, strict)
            end = line[i : i + 1]
            if end == delimiter or end in ("\r", "\n", ""):
                cells.append(quoted)
                if end != delimiter:
                    return cells
                i += 1
                continue
            if strict:
                raise csv.Error(f"'{delimiter}' expected after '\"'")
            # not strict: the text after the closing quote joins the cell, quotes and all
        m = unquoted_end(line, i)
        stop = m.start() if m is not None else len(line)
        if len(quoted) + stop - i > FIELD_LIMIT:
            raise csv.Error(OVER_LIMIT)
        cells.append(quoted + line[i:stop])
        if m is None or m.group() != delimiter:
            return cells
        i = stop + 1


def read_record_leniently(lines: list[str], delimiter: str) -> list[str]:
    """The cells of a record csv's strict reader refused, as its lenient reader reads them
    (text after a closing quote joins the cell; an unclosed quote runs to the end), each
    bounded by FIELD_LIMIT (csv.Error past it) without csv's process-wide limit."""
    return parse_long_record(lines, lambda: None, delimiter, strict=False)


def _quoted_cell(line: str, i: int, next_line: Callable[[], str | None],
                 strict: bool) -> tuple[str, str, int]:
    """A quoted cell whose text starts at line[i]: its text, and the line and index just
    after its closing quote (at the end of the input, not strict: an empty line)."""
    parts: list[str] = []
    size = 0
    while True:
        q = line.find('"', i)
        piece = line[i:] if q < 0 else line[i:q]
        parts.append(piece)
        size += len(piece)
        if size > FIELD_LIMIT:
            raise csv.Error(OVER_LIMIT)
        if q < 0:
            following = next_line()
            if following is None:
                if strict:
                    raise csv.Error("unexpected end of data")
                return "".join(parts), "", 0
            line, i = following, 0
        elif line.startswith('"', q + 1):  # a doubled quote: one quote in the text
            parts.append('"')
            size += 1
            i = q + 2
        else:
            return "".join(parts), line, q + 1
