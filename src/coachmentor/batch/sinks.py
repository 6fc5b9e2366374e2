"""Writing results: CSV or TSV (input columns, then the result columns), JSON Lines, one JSON
array, or an .xlsx workbook.

CSV and TSV output take their delimiter from run.py (CSV: a comma, or the input's semicolon;
TSV: a tab), keep the input's line ending, and apply the formula guard to input cells (done per
row upstream) and to the header. JSON output is typed: `confidence` a number, `reasons` a list,
absent values null; input columns are keyed by their header (a blank header becomes
`column_N`). The workbook is typed too: `confidence` a number, every other cell text
(files/workbook_out.py).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from itertools import repeat
from operator import attrgetter
from typing import IO, Any, cast

from coachmentor.batch.cells import LineBuffer, Result, guard_text
from coachmentor.batch.columns import OUTPUT_COLUMNS, Columns
from coachmentor.files.formats import TABLE_FORMATS

_CSV = attrgetter("csv")


def read_values(text: str) -> list[str]:
    """The values of a row's `<id>_read` cells from their CSV text (each after the delimiter;
    ids need no quoting), for the typed outputs."""
    body = text.rstrip("\r\n")
    return body[1:].split(body[0]) if body else []

FORMATS = TABLE_FORMATS
_LINE_BREAKS = (("\u2028", "\\u2028"), ("\u2029", "\\u2029"), ("\x85", "\\u0085"))


class CsvSink:
    """The input cells are written by csv.writer into a list (one string per row), or taken as
    read; each row's result cells are already CSV text (`Result.csv`), rendered once per
    outcome; one write per chunk."""

    def __init__(self, fh: IO[str], columns: Columns, *, delimiter: str, newline: str,
                 guard: bool) -> None:
        self.fh = fh
        self.lines = LineBuffer()
        self.writer = csv.writer(self.lines, delimiter=delimiter, lineterminator="\r\n")
        header = [guard_text(h) for h in columns.header] if guard else list(columns.header)
        self.writer.writerow(header + list(OUTPUT_COLUMNS) + columns.read_columns)
        fh.write(self.lines.pop()[:-2] + newline)

    def write(self, rows: list[list[str]], texts: list[str | None] | None,
              results: list[Result], reads: list[str]) -> None:
        """`texts`, when given, hold each row's input text as read (None: serialise the row);
        `reads`, each row's `<id>_read` cells and line ending."""
        lines = self.lines
        if texts is None:
            self.writer.writerows(rows)
            texts = cast("list[str | None]", lines)  # the writer's lines: every one a str
        elif None in texts:
            for k, text in enumerate(texts):
                if text is None:
                    self.writer.writerow(rows[k])
                    texts[k] = lines.pop()
        # Either way each text ends with its line ending (or none, at the end of the input):
        # strip it; a line ending inside a cell is quoted, so only the line's own goes.
        stripped = map(str.rstrip, cast("list[str]", texts), repeat("\r\n"))  # filled above
        self.fh.write("".join(map(str.__add__, map(str.__add__, stripped, map(_CSV, results)),
                                  reads)))
        lines.clear()

    def close(self) -> None:
        pass

    def discard(self) -> None:
        pass


class JsonLinesSink:
    def __init__(self, fh: IO[str], columns: Columns) -> None:
        self.fh = fh
        self.width = columns.width
        self.keys = [h.strip() or f"column_{i + 1}" for i, h in enumerate(columns.header)]
        self.read_keys = columns.read_columns
        self.dumps = json.JSONEncoder(ensure_ascii=False).encode

    @staticmethod
    def _safe(text: str) -> str:
        """Escape the characters some readers take for line breaks (valid JSON either way)."""
        for ch, esc in _LINE_BREAKS:
            if ch in text:
                text = text.replace(ch, esc)
        return text

    def records(self, rows: list[list[str]], results: list[Result],
                reads: list[str]) -> Iterator[str]:
        keys, width, dumps, safe = self.keys, self.width, self.dumps, self._safe
        read_keys = self.read_keys
        for row, result, read in zip(rows, results, reads):
            record: dict[str, Any] = dict(zip(keys, row[:width]))
            record.update(result.record())
            record.update(zip(read_keys, [v or None for v in read_values(read)]))
            yield safe(dumps(record))

    def write(self, rows: list[list[str]], texts: list[Any] | None, results: list[Result],
              reads: list[str]) -> None:
        write = self.fh.write
        for line in self.records(rows, results, reads):  # one at a time: memory stays flat
            write(line)
            write("\n")

    def close(self) -> None:
        pass

    def discard(self) -> None:
        pass


class JsonArraySink(JsonLinesSink):
    def __init__(self, fh: IO[str], columns: Columns) -> None:
        super().__init__(fh, columns)
        self.separator = "\n"
        fh.write("[")

    def write(self, rows: list[list[str]], texts: list[Any] | None, results: list[Result],
              reads: list[str]) -> None:
        write = self.fh.write
        for line in self.records(rows, results, reads):
            write(self.separator)
            write(line)
            self.separator = ",\n"

    def close(self) -> None:
        self.fh.write("]\n" if self.separator == "\n" else "\n]\n")


class XlsxSink:
    """The rows into a workbook sheet (files/workbook_out.py), put together by close(): the
    input cells as text, then the result cells with `confidence` a number."""

    CONFIDENCE = OUTPUT_COLUMNS.index("confidence")
    RESULTS_KEPT = 1 << 12  # distinct outcomes whose cells are remembered

    def __init__(self, fh: IO[bytes], columns: Columns, *, name: str) -> None:
        from coachmentor.files.workbook_out import SheetWriter

        self.fh, self.width = fh, columns.width
        self.sheet = SheetWriter([*columns.header, *OUTPUT_COLUMNS, *columns.read_columns],
                                 title="results", name=name,
                                 numbers={columns.width + self.CONFIDENCE})
        self._results: dict[Result, list[Any]] = {}  # by identity: one Result per outcome

    def _result_cells(self, result: Result) -> list[Any]:
        cells = self._results.get(result)
        if cells is None:
            if len(self._results) >= self.RESULTS_KEPT:
                self._results.clear()
            cells = list(result.cells())
            cells[self.CONFIDENCE] = result.confidence
            self._results[result] = cells
        return cells

    def write(self, rows: list[list[str]], texts: list[Any] | None, results: list[Result],
              reads: list[str]) -> None:
        width, cells = self.width, self._result_cells
        self.sheet.append([*(row if len(row) == width else (row + [""] * width)[:width]),
                           *cells(result), *read_values(read)]
                          for row, result, read in zip(rows, results, reads))

    @property
    def cut(self) -> int:
        """Cells cut to the length an Excel cell holds."""
        return self.sheet.cut

    def close(self) -> None:
        self.sheet.save(self.fh)

    def discard(self) -> None:
        self.sheet.discard()


class ScreenRows:
    """Results kept for a person at a terminal (render/screen.py draws them after the run):
    the first `limit` rows' (row number, staff_id, Result), and how many rows there were. It
    holds no other cell: names and notes are never shown this way."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.kept: list[tuple[int, str, Result]] = []
        self.rows = 0
        self.sid: int | None = None  # the staff_id column, once known (assess_file sets it)

    @property
    def whole(self) -> bool:
        """Every row was kept (the list is short enough to show whole)."""
        return self.rows <= self.limit

    def take(self, rows: list[list[str]], results: list[Result], numbers: list[int]) -> None:
        room = self.limit - len(self.kept)
        if room > 0:
            sid = self.sid
            self.kept.extend(
                (n, row[sid] if sid is not None and sid < len(row) else "", result)
                for row, result, n in zip(rows[:room], results[:room], numbers[:room]))
        self.rows += len(rows)

    def write(self, rows: list[list[str]], texts: list[Any] | None, results: list[Result],
              reads: list[str]) -> None:
        pass  # rows come through `take`, with their numbers

    def close(self) -> None:
        pass

    def discard(self) -> None:
        pass


Sink = CsvSink | JsonLinesSink | XlsxSink | ScreenRows


def make_sink(fmt: str, fh: IO[Any], columns: Columns, *, delimiter: str, newline: str,
              guard: bool, name: str = "the output") -> Sink:
    """`delimiter`: the output's (csv and tsv); `name`: the output's, for messages."""
    if fmt in ("csv", "tsv"):
        return CsvSink(fh, columns, delimiter=delimiter, newline=newline, guard=guard)
    if fmt == "xlsx":
        return XlsxSink(fh, columns, name=name)
    if fmt == "jsonl":
        return JsonLinesSink(fh, columns)
    return JsonArraySink(fh, columns)
