"""The rows the loop (core.py) does not take as they are: a row of the wrong width, a row read
after a NUL or undecodable byte, a row with an answer that is not valid or a required answer
missing, a record the csv reader refused, a cell that swallowed rows (an unclosed quote).

Each gives an error Result that says what is wrong, and the summary is told (`on_error`,
with the row's number as in the file). A blank row gives None: it is not a data row.
"""

from __future__ import annotations

import csv
from typing import Any, Callable, cast

from coachmentor.batch.cells import DANGER, Result, Results, guard_row
from coachmentor.batch.columns import Columns
from coachmentor.batch.keys import RowKeys
from coachmentor.files.messages import record_problem, shown
from coachmentor.files.rows import SHIFTED, misfit
from coachmentor.files.table import unmark
from coachmentor.rulebase.ruleset import RuleSet
from coachmentor.rulebase.suggest import did_you_mean, nearest_value

VALUE_CACHE_MAX = 4096  # distinct texts remembered per scored column
# Distinct refused texts per scored column given a 'did you mean'. A column with more is not
# misspelt but holds something else (free text, the wrong column): its later new texts get no
# suggestion, which also bounds the time spent on them.
HINT_TEXTS_MAX = 1000
EXTRA_VALUES = "the extra values, kept here: "
INVALID = None


class RowChecks:
    def __init__(self, rules: RuleSet, columns: Columns, results: Results, *, guard: bool,
                 delimiter: str | None, on_error: Callable[[int, str | None, str], None],
                 redactor: Any = None) -> None:
        self.rules, self.cols, self.results = rules, columns, results
        self.guard, self.delimiter, self.on_error = guard, delimiter, on_error
        # --redact (redact.RowRedactor): error cells quote no cell value and keep no extra
        # value; a row whose cells do not line up gets pseudonyms in every column it may
        # have shifted a name into. (Cells are otherwise redacted as they are written.)
        self.redactor = redactor
        self.width = columns.width
        self.scored = columns.scored
        self.staff_col = columns.fields.get("staff_id")
        # Per scored column: raw text -> its mask (keys.RowKeys) and its canonical value, for
        # the texts the loop may take as they are: valid, not a blank required answer,
        # nothing for the formula guard.
        self.keys = RowKeys(rules, [fid for _, fid in self.scored])
        self.known: list[dict[str, int]] = [{} for _ in self.scored]
        self.canon: list[dict[str, str]] = [{} for _ in self.scored]
        self.memo: Any = None  # set by run.py: core.Memo (the Result of canonical answers)
        self.expected = {fid: ", ".join(rules.choice_values[fid]) for _, fid in self.scored}
        # Per scored column: refused text -> its "; did you mean ...?" (or "").
        self.hints: list[dict[str, str]] = [{} for _ in self.scored]

    # --- values --------------------------------------------------------------------------
    def value(self, k: int, fid: str, cell: str) -> str | None:
        """The canonical value of one scored cell: a value, "" (blank) or INVALID."""
        value = self.canon[k].get(cell)
        if value is not None:
            return value
        value = "" if not cell.strip() else self.rules.match_value(fid, cell)
        known = self.known[k]
        if (value is not INVALID and len(known) < VALUE_CACHE_MAX
                and not (value == "" and fid in self.rules.required)
                and not (self.guard and cell[:1] in DANGER)):
            known[cell] = self.keys.mask(fid, value)
            self.canon[k][cell] = value
        return value

    def hint(self, k: int, fid: str, cell: str) -> str:
        """"; did you mean 'value'?" for a refused cell of scored column `k`, or "": the
        accepted value nearest to it (from the rule base: never the cell's own text)."""
        hints = self.hints[k]
        found = hints.get(cell)
        if found is None:
            if len(hints) >= HINT_TEXTS_MAX:
                return ""
            found = hints[cell] = did_you_mean(nearest_value(self.rules, fid, cell))
        return found

    def _problems(self, raw: list[str], values: list) -> list[str]:
        out = []
        rules = self.rules
        for k, ((i, fid), cell, value) in enumerate(zip(self.scored, raw, values)):
            if value and value is not INVALID:
                continue  # an accepted answer: the common case, even in an error row
            expected = self.expected[fid]
            if value is INVALID and self.redactor is not None:
                out.append(f"{fid}: the value in column {self.cols.label(i)} is not an accepted "
                           f"value{self.hint(k, fid, cell)} (expected one of: {expected})")
            elif value is INVALID:
                out.append(f"{fid}: '{shown(cell.strip())}' in column {self.cols.label(i)} is not "
                           f"an accepted value{self.hint(k, fid, cell)} (expected one of: "
                           f"{expected})")
            elif value == "" and fid in rules.required:
                out.append(f"{fid}: column {self.cols.label(i)} is empty; a recommendation needs "
                           f"it (one of: {expected})")
        return out

    def _stage(self, values: list) -> str | None:
        for (_, fid), v in zip(self.scored, values):
            if fid == "career_stage":
                return v or None
        return None

    # --- rows ----------------------------------------------------------------------------
    def note(self, n: int, row: list[str], message: str, cite: bool = True) -> None:
        col = self.staff_col
        cited = cite and col is not None and col < len(row)
        self.on_error(n, row[col] if cited else None, message)  # type: ignore[index]

    def _error(self, n: int, row: list[str], message: str, stage: str | None = None,
               cite: bool = True) -> Result:
        self.note(n, row, message, cite)
        return self.results.error(message, stage)

    def resolve(self, row: list[str], n: int) -> Result | None:
        """A row of the right width with a cell the loop did not know."""
        raw = [row[i] for i, _ in self.scored]
        values = [self.value(k, fid, cell) for k, ((_, fid), cell) in
                  enumerate(zip(self.scored, raw))]
        if self.guard:
            guard_row(row)
        problems = self._problems(raw, values)
        if problems:
            if not any(c.strip() for c in row):
                return None
            return self._error(n, row, "; ".join(problems), self._stage(values))
        # no value is INVALID (None) here: each would have been a problem above
        return cast(Result, self.memo.of(values))

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
        if misaligned and self.redactor is not None:
            self.redactor.misaligned(row)
            problems.append(SHIFTED)
        if self.guard:
            guard_row(row)
        values = [self.value(k, fid, row[i]) for k, (i, fid) in enumerate(self.scored)]
        # A shifted row's staff_id may be a name: cited by its row alone (or its pseudonym).
        return self._error(n, row, "; ".join(problems), self._stage(values),
                           cite=not misaligned or self.redactor is not None)

    def unreadable(self, n: int, line: int, lines: list[str], reason: str,
                   ) -> tuple[list[str], Result]:
        """A record the csv reader refused (text after a closing quote): an error row that
        says why, with its cells as a lenient reader sees them, so that nothing is lost. `n` is
        its row, `line` the line of the file it starts on (for a text editor)."""
        try:
            cells = next(csv.reader(lines, delimiter=self.delimiter or ","), [])
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
                                   result.stage)
        return result

