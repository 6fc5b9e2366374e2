"""The result cells of a row, and the formula guard: what the loop (core), the writers (sinks)
and the summary share, so that none of them needs another's internals.

A `Result` is made once per outcome (one engine answer, or one error message, with any
warnings about how values were read) and shared by every row with that outcome: `csv` holds
its result columns already written as CSV (the delimiter before them; the row's `<id>_read`
cells and its line ending follow it, checks.RowChecks.read_cells), `record()` gives them
typed, for JSON.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from typing import Any

DANGER = frozenset("=+-@\t\r")  # a cell starting with one of these is a formula to a spreadsheet
INTERN_MAX = 1 << 14  # distinct error messages whose rendered Result is kept (then all are dropped)


def guard_text(text: str) -> str:
    """OWASP's guard against formula injection, as the contract words it: every cell starting
    with = + - @ tab or CR gets a leading ' (numbers too: `-2+3` is a formula, and telling
    safe signed numbers from formulas is exactly the guessing the guard exists to avoid)."""
    if text and text[0] in DANGER:
        return "'" + text
    return text


def guard_row(row: list[str]) -> bool:
    """Guard the cells of `row` in place; True if any changed."""
    changed = False
    for i, c in enumerate(row):
        if c and c[0] in DANGER:
            row[i] = "'" + c
            changed = True
    return changed


class LineBuffer(list[str]):
    """A list that csv.writer can write to: one string per row, ending "\\r\\n" (csv quotes a
    cell holding a line-ending character, so only the row's own is at the end)."""

    write = list.append


class Result:
    """The result columns of one outcome, in OUTPUT_COLUMNS order (see columns.py)."""

    __slots__ = ("status", "recommendation", "confidence", "coaching_type", "mentoring_type",
                 "reasons", "error", "alternative", "warnings", "rules", "stage", "status_rec",
                 "csv", "problems", "notes", "flagged", "uncited")

    def __init__(self, status: str, stage: str | None, rules: tuple[str, str, str], *,
                 recommendation: str = "", confidence: float | None = None,
                 coaching_type: str = "", mentoring_type: str = "",
                 reasons: tuple[str, ...] = (), error: str = "", alternative: str = "",
                 warnings: tuple[str, ...] = ()) -> None:
        self.status, self.stage, self.rules = status, stage, rules
        self.recommendation, self.confidence = recommendation, confidence
        self.coaching_type, self.mentoring_type = coaching_type, mentoring_type
        self.reasons, self.error = reasons, error
        self.alternative, self.warnings = alternative, warnings
        self.status_rec = (status, recommendation)
        self.csv = ""
        self.problems: tuple[Any, ...] = ()  # reading.Problem of the values not read plainly
        self.notes: tuple[str, ...] = ()  # their warnings (an error row's errors are `error`)
        self.flagged = status != "ok"  # an error, or a value not read plainly: the summary looks
        # a row whose cells do not line up: its staff_id cell may hold a name, never cited
        self.uncited = False

    def cells(self) -> tuple[str, ...]:
        """The result cells as text (before any formula guard)."""
        return (self.status, self.recommendation,
                "" if self.confidence is None else repr(self.confidence),
                self.coaching_type, self.mentoring_type, " | ".join(self.reasons), self.error,
                self.alternative, " | ".join(self.notes + self.warnings), *self.rules)

    def record(self) -> dict[str, Any]:
        """The result fields for JSON output (typed: a number, lists, nulls)."""
        name, version, hash_ = self.rules
        return {
            "status": self.status,
            "recommendation": self.recommendation or None,
            "confidence": self.confidence,
            "coaching_type": self.coaching_type or None,
            "mentoring_type": self.mentoring_type or None,
            "reasons": list(self.reasons),
            "error": self.error or None,
            "alternative": self.alternative or None,
            "warnings": [*self.notes, *self.warnings],
            "rules_name": name,
            "rules_version": version,
            "rules_hash": hash_,
        }


class Results:
    """Makes Results, each with its CSV text rendered once (the batch memo shares one Result
    per outcome: core.Memo.rendered, and `error` here)."""

    def __init__(self, rules: Any, *, delimiter: str, newline: str, guard: bool) -> None:
        self.rules = (rules.name, rules.version, rules.hash)
        self.delimiter, self.newline, self.guard = delimiter, newline, guard
        self._lines = LineBuffer()
        self._writer = csv.writer(self._lines, delimiter=delimiter, lineterminator="\r\n")
        self._errors: dict[tuple[Any, ...], Result] = {}

    def ok(self, decided: Any, confidence: float, stage: str | None) -> Result:
        """The Result of an engine decision (engine.Decided) with its confidence."""
        return self._finish(Result(
            "ok", stage, self.rules, recommendation=decided.recommendation,
            confidence=confidence, coaching_type=decided.coaching_type or "",
            mentoring_type=decided.mentoring_type or "",
            reasons=tuple(r.text for r in decided.reasons),
            alternative=decided.alternative or "",
            warnings=tuple(w.text for w in decided.warnings)))

    def error(self, message: str, stage: str | None = None, problems: tuple[Any, ...] = (),
              uncited: bool = False) -> Result:
        """An error row's Result; `problems`: the row's values not read plainly (the errors
        among them are in `message`; the others become its warnings). `uncited`: the row's
        cells do not line up, so its staff_id cell is never cited (it may hold a name)."""
        # Many error rows say the same (a required answer blank): render each message once.
        key = (message, stage, problems, uncited)
        result = self._errors.get(key)
        if result is None:
            if len(self._errors) >= INTERN_MAX:
                self._errors.clear()  # it only saves rendering
            result = Result("error", stage, self.rules, error=message)
            result.uncited = uncited
            self._errors[key] = result = (self.with_problems(result, problems) if problems
                                          else self._finish(result))
        return result

    def with_problems(self, base: Result, problems: tuple[Any, ...]) -> Result:
        """`base` for a row whose values in `problems` were not read plainly: its warnings
        cell says how each was read (an error row's errors are in its error cell)."""
        result = Result.__new__(Result)
        for slot in Result.__slots__:
            setattr(result, slot, getattr(base, slot))
        result.problems = problems
        result.notes = tuple(p.message() for p in problems if not p.error)
        result.flagged = True
        return self._finish(result)

    def _finish(self, result: Result) -> Result:
        cells: Sequence[str] = result.cells()
        if self.guard:
            cells = ["'" + c if c[:1] in DANGER else c for c in cells]
        self._writer.writerow(cells)
        result.csv = self.delimiter + self._lines.pop()[:-2]
        return result
