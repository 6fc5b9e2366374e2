"""The loop of `assess`: rows in, one output row per data row out, in chunks.

Each scored cell's text is looked up in a dict of its column (raw text -> integer mask,
filled by checks.RowChecks.cell); the AND of a row's masks, reduced (keys.RowKeys), is its
result key, looked up in one bounded memo of finished Results (a new key is worked out with
`engine.decision_for` before its chunk is written). A row with a cell those dicts do not
know, or of the wrong width, goes to checks.RowChecks, which says what is wrong with it. Row
numbers are a spreadsheet's: a CSV record (however many lines a quoted cell spans) is one
row, a blank line is a row, and an .xlsx row is its sheet row.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from functools import reduce
from operator import and_, itemgetter
from typing import Any

from coachmentor.batch.cells import DANGER, Result, Results, guard_row
from coachmentor.batch.checks import RowChecks
from coachmentor.engine import confidence_for, decision_for
from coachmentor.files.messages import csv_failure
from coachmentor.rulebase.ruleset import RuleSet

CHUNK = 256  # rows between writes (and summary tallies, progress): a chunk small enough to
# keep memory flat, large enough to work out its new result keys back to back
# Result keys whose Result is remembered: up to MEMO_MAX recent ones, and as many from
# before (two generations: when the recent ones fill up they become the older, and the
# older are dropped, so a key in use is never lost all at once). 32,768 holds every result
# key of a 200,000-row file of uniformly drawn answers, within 50 MiB at 1,000,000 rows.
MEMO_MAX = 1 << 15


class Memo:
    """result key -> Result, and the rendered Results shared by every key that decides alike
    (engine.Decided, confidence, stage). `engine_runs` counts the result keys worked out.

    A key seen for the first time gets itself as a placeholder (`later`), and the chunk's new
    keys are worked out together before the chunk is written (`settle`): the engine then runs
    a hundred times or so back to back, its code and tables still in the processor's caches,
    instead of once between every few rows (about a third less time per decision)."""

    def __init__(self, rules: RuleSet, checks: RowChecks, results: Results) -> None:
        self.rules, self.results, self.keys = rules, results, checks.keys
        self.recent: dict[int, Result | int] = {}
        self.older: dict[int, Result | int] = {}
        self.rendered: dict[tuple[Any, ...], Result] = {}  # (decided, confidence, stage), (text, stage)
        self.waiting: dict[int, Result | None] = {}  # this chunk's new keys
        self.engine_runs = 0

    def later(self, key: int) -> Result | int:
        """The Result of a result key not in `recent`, or the key itself until `settle`."""
        result = self.older.get(key)
        if result is None:
            self.waiting.setdefault(key, None)
            result = key
        if len(self.recent) >= MEMO_MAX:
            self.older, self.recent = self.recent, {}
        self.recent[key] = result
        return result

    def settle(self, results: list[Result | int]) -> list[Result]:
        """`results` with each placeholder replaced by its Result (all of this chunk's keys
        are worked out now, back to back)."""
        waiting = self.waiting
        if not waiting:
            return results  # type: ignore[return-value]
        for key, result in waiting.items():
            if result is None:
                waiting[key] = self._work_out(key)
        out = [waiting[r] if isinstance(r, int) else r for r in results]
        self.waiting = {}
        return out  # type: ignore[return-value]

    def now(self, result: Result | int) -> Result:
        """The Result of a placeholder at once (a row that must be looked at before writing)."""
        if not isinstance(result, int):
            return result
        done = self.waiting.get(result)
        if done is None:
            done = self.waiting[result] = self._work_out(result)
        return done

    def _work_out(self, key: int) -> Result:
        self.engine_runs += 1
        keys = self.keys
        decided = decision_for(self.rules, key & keys.conditions)
        stage = keys.stage(key)
        confidence = confidence_for(self.rules, decided, key >> keys.count_shift)
        shared = (decided, confidence, stage)
        result = self.rendered.get(shared)
        if result is None:
            result = self.results.ok(decided, confidence, stage)
            # Decisions that differ only in their margin can give the same confidence and
            # so the same cells: one Result for them all (memory, at a million rows).
            result = self.rendered.setdefault((result.csv, stage), result)
            if len(self.rendered) >= MEMO_MAX:
                self.rendered.clear()  # it only saves rendering: no engine runs again
            self.rendered[shared] = result
        for memo in (self.recent, self.older):  # the placeholder, where it still is
            if key in memo:
                memo[key] = result
        return result

    def of(self, raw_key: int) -> Result | int:
        """The Result (or placeholder) of a row's raw key (checks.RowChecks.resolve)."""
        key = self.keys.reduce(raw_key)
        return self.recent.get(key) or self.later(key)


class Loop:
    """Runs the rows of `table` through `checks`, calling `emit(rows, texts, results, numbers,
    blanks, reads)` per chunk: `texts` (CSV to CSV only) holds each row's text as read, or None
    for a row that changed; `numbers` each row's number in the file; `blanks` the blank rows
    skipped; `reads` each row's `<id>_read` cells as CSV (checks.RowChecks.read_cells)."""

    def __init__(self, table: Any, checks: RowChecks, emit: Callable[..., None],
                 tick: Callable[[int], None] | None = None, *, pass_through: bool = False) -> None:
        self.table, self.checks, self.emit, self.tick = table, checks, emit, tick
        self.pass_through = pass_through and table.lines is not None and checks.cols.keep is None
        self.rows = 0  # data rows read (blank ones included)

    def run(self) -> None:  # noqa: C901 - the hot loop, whole on purpose (see below)
        """Every row through: the path of an ordinary row is inline (a call per row costs
        about a tenth of the run), the rest goes to `chk` (bad rows) and `_emit` (output)."""
        t, chk = self.table, self.checks
        rows = iter(t.rows) if chk.cols.keep is None else _Kept(t.rows, chk.cols)
        reader, lines = t.reader, t.lines if t.lines is not None else []
        lines.clear()  # the header's
        # n: the row's number as a spreadsheet shows it (a record, however many lines it
        # spans); line: the last physical line read (CSV), to see a record over several lines
        n = t.header_row
        line = reader.line_num if reader is not None else 0
        width, known, memo, suspect = chk.width, chk.known, chk.memo, t.suspect
        keys, recent = memo.keys, memo.recent
        # keys.RowKeys.reduce, inline (the hot path): its constants as locals
        base, follow_ups, answered, count_shift = (keys.base, keys.follow_ups, keys.answered,
                                                   keys.count_shift)
        gate_bits, keep, keep_gated = keys.gate_bits, keys.keep, keys.keep_gated
        idx = [i for i, _ in chk.scored]
        pick = itemgetter(*idx) if len(idx) > 1 else lambda row: (row[idx[0]],)
        others = [i for i in range(width) if i not in idx] if chk.guard else []
        keep_text = self.pass_through
        out, texts, results, numbers, blanks = [], [], [], [], 0
        reads: list[int] = []  # each row's raw key: its values say its read cells (_emit)
        while True:
            try:
                for row in rows:
                    n += 1
                    above, line = line, reader.line_num if reader is not None else 0
                    text = None
                    if keep_text:
                        text = lines.pop()
                        if lines:  # a record over several lines
                            text = "".join(lines) + text
                    lines.clear()
                    if len(row) != width or suspect[0]:
                        result = chk.slow(row, n, t.check_row(row) if suspect[0] else None)
                        text, read = None, chk.raw
                    else:
                        cells = pick(row)
                        try:
                            # a None (unknown cell) makes & raise TypeError on purpose
                            key = reduce(and_, map(dict.get, known, cells), base)
                        except TypeError:  # a None: a cell its column's dict does not know
                            result, text = chk.resolve(row, n), None
                            read = chk.raw
                        else:
                            read = key
                            for asked, applies, blank in follow_ups:
                                if key & asked and not key & applies:
                                    key &= blank
                            key = (key & (keep_gated if key & gate_bits else keep)
                                   | (key & answered).bit_count() << count_shift)
                            if recent is not memo.recent:
                                recent = memo.recent  # a new generation
                            result = recent.get(key) or memo.later(key)
                            for i in others:
                                if row[i][:1] in DANGER:
                                    guard_row(row)
                                    text = None
                                    break
                    if line > above + 1 and result is not None:
                        result = chk.swallowed(row, n, memo.now(result))
                    if result is None:
                        blanks += 1
                        continue
                    out.append(row)
                    texts.append(text)
                    results.append(result)
                    numbers.append(n)
                    reads.append(read)
                    if len(out) >= CHUNK:
                        self._emit(out, texts, results, numbers, blanks, reads)
                        out, texts, results, numbers, blanks, reads = [], [], [], [], 0, []
                break
            except csv.Error as exc:  # the reader gave up on one record (strict quoting)
                n, start, line = n + 1, line + 1, reader.line_num
                if "unexpected end of data" in str(exc) or "field larger" in str(exc):
                    self._emit(out, texts, results, numbers, blanks, reads, partial=True)
                    raise csv_failure(exc, t, row=n, line=start if start != n else None) from None
                cells, result = chk.unreadable(n, start, lines, str(exc))
                lines.clear()
                out.append(cells)
                texts.append(None)
                results.append(result)
                numbers.append(n)
                reads.append(chk.raw)
        self._emit(out, texts, results, numbers, blanks, reads)

    def _emit(self, out: list[Any], texts: list[Any], results: list[Any], numbers: list[int], blanks: int,
              reads: list[Any], partial: bool = False) -> None:
        self.rows += len(out) + blanks
        results = self.checks.memo.settle(results)
        try:
            self.emit(out, texts if self.pass_through else None, results, numbers, blanks,
                      self.checks.read_texts(reads))
        except Exception:
            if not partial:
                raise  # else: the file-level error that follows matters more
        if self.tick is not None and not partial:
            self.tick(self.rows)


class _Kept:
    """Rows without the columns of a previous run's results (an iterator that, unlike a
    generator, can go on after the csv reader raised for one record)."""

    def __init__(self, rows: Iterable[list[str]], cols: Any) -> None:
        self.it, self.keep = iter(rows), cols.keep
        self.width = len(cols.keep) + len(cols.dropped)

    def __iter__(self) -> _Kept:
        return self

    def __next__(self) -> list[str]:
        row = next(self.it)
        n = len(row)
        return [row[i] for i in self.keep if i < n] + row[self.width:]


__all__ = ["Loop", "Memo", "CHUNK", "MEMO_MAX"]
