"""The rows the loop (core.py) does not take as they are: a row of the wrong width, a row read
after a NUL or undecodable byte, a row with an answer that is not valid or a required answer
missing, a record the csv reader refused, a cell that swallowed rows (an unclosed quote).

Each gives an error Result that says what is wrong, and the summary is told (`on_error`,
with the row's number as in the file). A blank row gives None: it is not a data row.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from functools import reduce
from itertools import repeat
from operator import and_, rshift
from typing import Any, cast

from coachmentor.batch.cells import DANGER, Result, Results, guard_row
from coachmentor.batch.columns import Columns
from coachmentor.batch.keys import RowKeys
from coachmentor.batch.reading import CellReader, Reading, Shown
from coachmentor.files.messages import record_problem
from coachmentor.files.rows import SHIFTED, misfit
from coachmentor.files.table import unmark
from coachmentor.files.table.records import read_record_leniently
from coachmentor.rulebase.ruleset import RuleSet

VALUE_CACHE_MAX = 4096  # distinct texts remembered per scored column
READS_MAX = 1 << 13  # rows' read cells (and warned Results) remembered, then forgotten
EXTRA_VALUES = "the extra values, kept here: "


class RowChecks:
    def __init__(self, rules: RuleSet, columns: Columns, results: Results, *, guard: bool,
                 delimiter: str | None, on_error: Callable[[int, str | None, str], None],
                 redactor: Any = None, reader: CellReader | None = None) -> None:
        self.rules, self.cols, self.results = rules, columns, results
        self.guard, self.delimiter, self.on_error = guard, delimiter, on_error
        # --redact (redact.RowRedactor): error cells quote no cell value and keep no extra
        # value; a row whose cells do not line up gets pseudonyms in every column it may
        # have shifted a name into. (Cells are otherwise redacted as they are written.)
        self.redactor = redactor
        self.reader = reader if reader is not None else CellReader(
            rules, shown=Shown(redact=redactor is not None))
        self.width = columns.width
        self.scored = columns.scored
        self.labels = [columns.label(i) for i, _ in self.scored]
        self.staff_col = columns.fields.get("staff_id")
        self.keys = RowKeys(rules, [fid for _, fid in self.scored])
        # Per scored column: every text seen -> (its mask, its Reading) ...
        self.cells: list[dict[str, tuple[int, Reading]]] = [{} for _ in self.scored]
        # ... and the texts the loop may take as they are: read plainly (no warning, not from
        # the values file: those rows are read here, to be said and counted), nothing for the
        # formula guard.
        self.known: list[dict[str, int]] = [{} for _ in self.scored]
        self.memo: Any = None  # set by run.py: core.Memo (the Result of a row's key)
        # The `<id>_read` cells of a row, by its values (keys.RowKeys: raw >> value_shift),
        # as CSV text after the result cells, with the line ending: `reads` for the loop.
        self.reads: dict[int, str] = {}
        # ... made from the cells of the first half of the columns and of the second, each
        # kept apart: far fewer of those than of whole rows (a file where almost every row
        # is new has almost every row's cells made of two halves already seen).
        fields = self.keys.value_fields
        start = self.keys.value_shift
        half = len(fields) // 2
        self._split = fields[half][0] - start if half < len(fields) else 0
        self._halves: list[tuple[dict[int, str], list[tuple[int, int, list[str]]]]] = [
            ({}, [(shift - start, width, names) for shift, width, names in fields[:half]]),
            ({}, [(shift - start - self._split, width, names) for shift, width, names
                  in fields[half:]])]
        self.raw = 0  # the last row's raw key, for its read cells (`resolve`, `slow`; 0: blank)
        self.recoded = 0  # cells the values file gave a value (each row read here once)
        # Results with warnings about values, by (the shared Result, the row's problems)
        self._warned: dict[tuple[Any, ...], Result] = {}

    # --- values --------------------------------------------------------------------------
    def cell(self, k: int, fid: str, cell: str) -> tuple[int, Reading]:
        """The mask and the reading of one scored cell."""
        hit = self.cells[k].get(cell)
        if hit is not None:
            return hit
        reading = self.reader.read(fid, self.labels[k], cell)
        hit = (self.keys.mask(fid, reading.value), reading)
        if len(self.cells[k]) < VALUE_CACHE_MAX:
            self.cells[k][cell] = hit
            if reading.problem is None and not reading.recoded and not (
                    self.guard and cell[:1] in DANGER):
                self.known[k][cell] = hit[0]
        return hit

    def read_texts(self, raws: list[int]) -> list[str]:
        """The `<id>_read` cells of rows (their raw keys), as CSV text with the line ending."""
        values = list(map(rshift, raws, repeat(self.keys.value_shift)))
        texts = list(map(self.reads.get, values))
        if None in texts:
            texts = [t if t is not None else self.read_cells(v) for t, v in zip(texts, values)]
        return texts  # type: ignore[return-value]

    def read_cells(self, values: int) -> str:
        """The `<id>_read` cells of a row whose values are `values` (keys.RowKeys), as CSV:
        each after the delimiter (ids: nothing to quote or guard), then the line ending."""
        text = self.reads.get(values)
        if text is None:
            split = self._split
            text = (self._half(0, values & ((1 << split) - 1)) + self._half(1, values >> split)
                    + self.results.newline)
            if len(self.reads) >= READS_MAX:
                self.reads.clear()
            self.reads[values] = text
        return text

    def _half(self, which: int, bits: int) -> str:
        memo, fields = self._halves[which]
        text = memo.get(bits)
        if text is None:
            delimiter = self.results.delimiter
            text = "".join(delimiter + names[bits >> shift & ((1 << width) - 1)]
                           for shift, width, names in fields)
            if len(memo) >= READS_MAX:
                memo.clear()
            memo[bits] = text
        return text

    def _stage(self, readings: list[Reading]) -> str | None:
        for (_, fid), r in zip(self.scored, readings):
            if fid == "career_stage":
                return r.value or None
        return None

    # --- rows ----------------------------------------------------------------------------
    def note(self, n: int, row: list[str], message: str, cite: bool = True) -> None:
        col = self.staff_col
        cited = cite and col is not None and col < len(row)
        self.on_error(n, row[col] if cited else None, message)  # type: ignore[index]

    def _error(self, n: int, row: list[str], message: str, stage: str | None = None,
               problems: tuple[Any, ...] = (), cite: bool = True) -> Result:
        self.note(n, row, message, cite)
        return self.results.error(message, stage, problems, uncited=not cite)

    def resolve(self, row: list[str], n: int) -> Result | None:
        """A row of the right width with a cell the loop did not know, or one read with a
        warning or from the values file. Sets `raw` (its values say the row's read cells)."""
        hits = [self.cell(k, fid, row[i]) for k, (i, fid) in enumerate(self.scored)]
        if self.guard:
            guard_row(row)
        readings = [r for _, r in hits]
        raw = self.raw = reduce(and_, (m for m, _ in hits), self.keys.base)
        problems = tuple(r.problem for r in readings if r.problem is not None)
        if any(p.error for p in problems):
            if not any(c.strip() for c in row):
                return None
            return self._error(n, row, "; ".join(p.message() for p in problems if p.error),
                               self._stage(readings), problems)
        self.recoded += sum(r.recoded for r in readings)
        result = self.memo.of(raw)
        if problems:  # the shared Result, with warnings about this row's values
            base = self.memo.now(result)
            key = (base, problems)
            result = self._warned.get(key)
            if result is None:
                if len(self._warned) >= READS_MAX:
                    self._warned.clear()
                result = self._warned[key] = self.results.with_problems(base, problems)
        return cast(Result, result)

    def slow(self, row: list[str], n: int,
             notes: list[tuple[int, str, bool]] | None = None) -> Result | None:
        """A row of the wrong width, or read after a NUL or undecodable byte: check it cell by
        cell. `notes` are the source's findings on this row (Table.check_row)."""
        if not any(c.strip() for c in row) and not notes:
            return None
        label = self.cols.label
        width = self.width
        problems: list[str] = []
        if notes:
            scored = {i for i, _ in self.scored}
            problems.extend(
                message.replace("{column}", label(i) if i < width else f"cell {i + 1}")
                for i, message, scored_only in notes if not scored_only or i in scored)
        bad = [i for i, c in enumerate(row) if "\x00" in c]
        if bad:
            where = ", ".join(label(i) if i < width else f"cell {i + 1}" for i in bad[:3])
            problems.append(f"NUL byte in {where} (binary data, or a file in another encoding: "
                            "try --encoding)")
        misaligned, extra = misfit(row, self.cols.header, self.delimiter)
        if misaligned is not None:
            problems.append(misaligned)
            if extra and self.redactor is not None:
                problems.append(f"{len(extra)} extra value{'s' if len(extra) > 1 else ''} "
                                "removed (--redact)")
            elif extra:
                # The output has the header's columns only, so the extra cells are kept
                # here, in this row's own error cell: nothing is lost.
                problems.append(EXTRA_VALUES + " | ".join(extra))
        if not problems:
            return self.resolve(row, n)
        self.raw = 0
        if misaligned and self.redactor is not None:
            self.redactor.misaligned(row)
            problems.append(SHIFTED)
        hits = [self.cell(k, fid, row[i]) for k, (i, fid) in enumerate(self.scored)]
        if self.guard:
            guard_row(row)
        if not misaligned:  # the cells are where their headers say: they were read
            self.raw = reduce(and_, (m for m, _ in hits), self.keys.base)
        # A shifted row's staff_id may be a name: cited by its row alone (or its pseudonym).
        return self._error(n, row, "; ".join(problems), self._stage([r for _, r in hits]),
                           cite=not misaligned or self.redactor is not None)

    def unreadable(self, n: int, line: int, lines: list[str], reason: str,
                   ) -> tuple[list[str], Result]:
        """A record the csv reader refused (text after a closing quote): an error row that
        says why, with its cells as a lenient reader sees them, so that nothing is lost. `n` is
        its row, `line` the line of the file it starts on (for a text editor)."""
        try:
            # csv's lenient reader would stop at csv's process-wide cell limit: ours has its own
            cells = read_record_leniently(lines, self.delimiter or ",") if lines else []
        except csv.Error:
            cells = []
        cells = cells[: self.width] + [""] * (self.width - len(cells))
        marked = unmark(cells)  # undecodable bytes: never written out as they were read
        if self.redactor is not None:
            self.redactor.misaligned(cells)
        if self.guard:
            guard_row(cells)
        message = f"cannot read this row as CSV (line {line} of the file): {record_problem(reason)}"
        if marked:
            message += ("; and it held bytes that are not valid in the file's encoding "
                        "(try --encoding)")
        if self.redactor is not None:
            message += "; " + SHIFTED
        self.raw = 0
        return cells, self._error(n, cells, message, cite=self.redactor is not None)

    def swallowed(self, row: list[str], n: int, result: Result) -> Result:
        """A record over several lines: if a cell holds lines that look like rows of their
        own (an unclosed quote), the row is an error row that says so."""
        if self.delimiter is None or self.width < 2:
            return result
        need = max(self.width - 1, 2)
        for i, cell in enumerate(row):
            if "\n" not in cell and "\r" not in cell:
                continue
            lines = cell.replace("\r\n", "\n").replace("\r", "\n").split("\n")[1:]
            rowlike = sum(1 for ln in lines if ln.count(self.delimiter) >= need)
            if rowlike:
                message = (f"{self.cols.label(i)} holds {rowlike} line(s) that look like rows of "
                           "their own: probably a quote opened in this cell and not closed "
                           "where it should be")
                prior = result.error
                return self._error(n, row, f"{message}; {prior}" if prior else message,
                                   result.stage, result.problems)
        return result

