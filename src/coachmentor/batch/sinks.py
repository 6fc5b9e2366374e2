"""Writing results: CSV (input columns, then the result columns), JSON Lines, or one JSON array.

CSV output keeps the input's delimiter and line ending (a semicolon file opened in a European
Excel stays readable) and applies the formula guard to input cells (done per row upstream) and
to the header. JSON output is typed: `confidence` a number, `reasons` a list, absent values null;
input columns are keyed by their header (a blank header becomes `column_N`).
"""

from __future__ import annotations

import csv
import json
from itertools import repeat
from operator import attrgetter
from typing import IO, Any, Iterator

from coachmentor.batch.cells import LineBuffer, Result, guard_text
from coachmentor.batch.columns import OUTPUT_COLUMNS, Columns

_CSV = attrgetter("csv")

FORMATS = ("csv", "jsonl", "json")
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
        self.writer.writerow(header + list(OUTPUT_COLUMNS))
        fh.write(self.lines.pop()[:-2] + newline)

    def write(self, rows: list[list[str]], texts: list[str | None] | None,
              results: list[Result]) -> None:
        """`texts`, when given, hold each row's input text as read (None: serialise the row)."""
        lines = self.lines
        if texts is None:
            self.writer.writerows(rows)
            texts = lines
        elif None in texts:
            for k, text in enumerate(texts):
                if text is None:
                    self.writer.writerow(rows[k])
                    texts[k] = lines.pop()
        # Either way each text ends with its line ending (or none, at the end of the input):
        # strip it; a line ending inside a cell is quoted, so only the line's own goes.
        stripped = map(str.rstrip, texts, repeat("\r\n"))
        self.fh.write("".join(map(str.__add__, stripped, map(_CSV, results))))
        lines.clear()

    def close(self) -> None:
        pass


class JsonLinesSink:
    def __init__(self, fh: IO[str], columns: Columns) -> None:
        self.fh = fh
        self.width = columns.width
        self.keys = [h.strip() or f"column_{i + 1}" for i, h in enumerate(columns.header)]
        self.dumps = json.JSONEncoder(ensure_ascii=False).encode

    @staticmethod
    def _safe(text: str) -> str:
        """Escape the characters some readers take for line breaks (valid JSON either way)."""
        for ch, esc in _LINE_BREAKS:
            if ch in text:
                text = text.replace(ch, esc)
        return text

    def records(self, rows: list[list[str]], results: list[Result]) -> Iterator[str]:
        keys, width, dumps, safe = self.keys, self.width, self.dumps, self._safe
        for row, result in zip(rows, results):
            record: dict[str, Any] = dict(zip(keys, row[:width]))
            record.update(result.record())
            yield safe(dumps(record))

    def write(self, rows: list[list[str]], texts: list | None, results: list[Result]) -> None:
        write = self.fh.write
        for line in self.records(rows, results):  # one record at a time: memory stays flat
            write(line)
            write("\n")

    def close(self) -> None:
        pass


class JsonArraySink(JsonLinesSink):
    def __init__(self, fh: IO[str], columns: Columns) -> None:
        super().__init__(fh, columns)
        self.separator = "\n"
        fh.write("[")

    def write(self, rows: list[list[str]], texts: list | None, results: list[Result]) -> None:
        write = self.fh.write
        for line in self.records(rows, results):
            write(self.separator)
            write(line)
            self.separator = ",\n"

    def close(self) -> None:
        self.fh.write("]\n" if self.separator == "\n" else "\n]\n")


def make_sink(fmt: str, fh: IO[str], columns: Columns, *, delimiter: str, newline: str,
              guard: bool) -> CsvSink | JsonLinesSink:
    if fmt == "csv":
        return CsvSink(fh, columns, delimiter=delimiter, newline=newline, guard=guard)
    if fmt == "jsonl":
        return JsonLinesSink(fh, columns)
    return JsonArraySink(fh, columns)
