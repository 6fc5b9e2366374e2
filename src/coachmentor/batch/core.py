"""The per-row work of `assess`: text cells in, one output row per data row out.

Speed comes from doing per distinct value what is not needed per row. Each scored column
keeps a dict from the raw text to its canonical value (so `fold()` runs once per distinct
text); each combination of canonical answers maps to a finished `Tail` (the result columns,
already rendered as CSV), so a row whose answers were seen before costs a few dict lookups and
a tuple — or, when its cells are spelt exactly as in an earlier row, one join and one lookup.
The engine is called once per distinct combination (`engine.brief`). All caches
are bounded, so memory does not grow with the number of rows. CSV input lines are written
out again as read, when nothing in them had to change.

Rows that need more than that take the slow path: a row of the wrong length, a row after a NUL
byte was read, a row whose answers are not all valid, a cell the formula guard must change.
"""

from __future__ import annotations

import csv
from operator import itemgetter
from typing import Any, Callable, Iterable

from ..engine import Brief, brief
from ..ruleset import RuleSet
from .columns import Columns
from .messages import csv_failure, shown
from .source import unmark

CHUNK = 1024  # rows between flushes (writes, tallies, progress)
VALUE_CACHE_MAX = 4096  # distinct texts remembered per scored column
COMBO_CACHE_MAX = 1 << 15  # distinct answer combinations (and distinct outcomes) remembered
RAW_CACHE_MAX = 1 << 15  # scored cells as read (joined) -> tail; filled once, never evicted
DANGER = frozenset("=+-@\t\r")  # a cell starting with one of these is a formula to a spreadsheet
BLANK = ""
EXTRA_VALUES = "the extra values, kept here: "
SHIFTED = "its cells may be shifted, so every cell but an accepted answer is pseudonymised (--redact)"
INVALID = None


def guard_text(text: str) -> str:
    """OWASP's guard against formula injection, as the contract words it: every cell starting
    with = + - @ tab or CR gets a leading ' (numbers too: `-2+3` is a formula, and telling
    safe signed numbers from formulas is exactly the guessing the guard exists to avoid)."""
    if text and text[0] in DANGER:
        return "'" + text
    return text


class Tail:
    """The result columns of one row, shared by every row with the same outcome.

    `head`, `mid` and `rest` are the result cells as CSV, rendered once: the delimiter and
    the cells before `reasons`; `reasons` (one string shared by every tail with the same
    reasons, the bulk of the text); the cells after it and the line ending. `record()` gives
    the cells typed, for JSON."""

    __slots__ = ("status", "recommendation", "alternative", "warnings", "stage", "error", "confidence",
                 "reasons", "coaching_type", "mentoring_type", "rules_name", "rules_version", "rules_hash",
                 "head", "mid", "rest", "status_rec")

    def __init__(self, *, status: str, stage: str | None, recommendation: str = "",
                 alternative: str = "", warnings: tuple[str, ...] = (),
                 confidence: float | None = None,
                 coaching_type: str = "", mentoring_type: str = "",
                 reasons: tuple[str, ...] = (), error: str = "",
                 rules_name: str, rules_version: str, rules_hash: str) -> None:
        self.status = status
        self.stage = stage
        self.recommendation = recommendation
        self.alternative = alternative
        self.warnings = warnings
        self.confidence = confidence
        self.coaching_type = coaching_type
        self.mentoring_type = mentoring_type
        self.reasons = reasons
        self.error = error
        self.rules_name = rules_name
        self.rules_version = rules_version
        self.rules_hash = rules_hash
        self.status_rec = (status, recommendation)
        self.head = self.mid = self.rest = ""

    def cells(self) -> tuple[str, ...]:
        """The result cells as text, in OUTPUT_COLUMNS order (before any formula guard)."""
        return (self.status, self.recommendation,
                "" if self.confidence is None else repr(self.confidence),
                self.coaching_type, self.mentoring_type, " | ".join(self.reasons), self.error,
                self.alternative, " | ".join(self.warnings), self.rules_name, self.rules_version,
                self.rules_hash)

    def record(self) -> dict[str, Any]:
        """The result fields for JSON output (typed: a number, a list, nulls)."""
        return {
            "status": self.status,
            "recommendation": self.recommendation or None,
            "confidence": self.confidence,
            "coaching_type": self.coaching_type or None,
            "mentoring_type": self.mentoring_type or None,
            "reasons": list(self.reasons),
            "error": self.error or None,
            "alternative": self.alternative or None,
            "warnings": list(self.warnings),
            "rules_name": self.rules_name,
            "rules_version": self.rules_version,
            "rules_hash": self.rules_hash,
        }


class LineBuffer(list):
    """A list that csv.writer can write to: one string per row, no file in between.

    Writers into it use lineterminator "\\r\\n" (csv quotes a cell holding a character of
    the line terminator, and only then); callers strip it and add the line ending they want."""

    write = list.append


class RowAssessor:
    """Finds the tail (result columns) of each row; the bookkeeping behind the fast path."""

    def __init__(self, rules: RuleSet, columns: Columns, *, guard: bool, delimiter: str | None,
                 on_error: Callable[[int, str | None, str], None],
                 newline: str = "\n", redactor: Any = None) -> None:
        self.rules = rules
        # --redact (redact.RowRedactor): error cells quote no cell value and keep no extra
        # value; a row whose cells do not line up gets pseudonyms in every column it may
        # have shifted a name into. (Cells are otherwise redacted as they are written.)
        self.redactor = redactor
        self.cols = columns
        self.width = columns.width
        self.guard = guard
        self.delimiter = delimiter
        self.on_error = on_error
        self.scored = columns.scored
        idx = [i for i, _ in columns.scored]
        self.pick = itemgetter(*idx) if len(idx) > 1 else (lambda row, i=idx[0]: (row[i],))
        self.others = columns.others
        self.staff_col = columns.fields.get("staff_id")
        # Per scored column: raw text -> canonical value ("" when blank). `fast` holds only the
        # texts the hot path may take as they are (valid, nothing for the formula guard).
        self.values: list[dict[str, str | None]] = [{} for _ in idx]
        self.fast: list[dict[str, str]] = [{} for _ in idx]
        self.combos: dict[tuple, Tail] = {}  # canonical answers (column order) -> tail
        self.raw_tails: dict[str, Tail] = {}  # the scored cells as read, joined -> tail
        self.error_tails: dict[tuple, Tail] = {}  # raw scored cells -> error tail
        self.interned: dict[tuple, Tail] = {}  # (cells, stage) -> the one tail with that outcome
        self.name, self.version, self.hash = rules.name, rules.version, rules.hash
        self._lines = LineBuffer()
        self._writer = csv.writer(self._lines, delimiter=delimiter or ",", lineterminator="\r\n")
        self._prefix = delimiter or ","
        self._newline = newline
        self._mids: dict[tuple, str] = {}  # reasons -> their CSV cell
        self.blank_rows: list[int] = []
        self.distinct_combinations = 0

    # --- values --------------------------------------------------------------------------
    def _value(self, k: int, fid: str, cell: str) -> str | None:
        """The canonical value of one scored cell: a value, BLANK or INVALID."""
        cache = self.values[k]
        if cell in cache:
            return cache[cell]
        value = BLANK if not cell.strip() else self.rules.match_value(fid, cell)
        if len(cache) < VALUE_CACHE_MAX:
            cache[cell] = value
            if value is not INVALID and not (self.guard and cell[:1] in DANGER):
                self.fast[k][cell] = value
        return value

    def _problems(self, raw: tuple, values: list) -> list[str]:
        out = []
        rules = self.rules
        for (i, fid), cell, value in zip(self.scored, raw, values):
            if value is INVALID and self.redactor is not None:
                out.append(
                    f"{fid}: the value in column {self.cols.label(i)} is not an accepted value "
                    f"(expected one of: {', '.join(rules.choice_values[fid])})"
                )
            elif value is INVALID:
                out.append(
                    f"{fid}: '{shown(cell.strip())}' in column {self.cols.label(i)} is not an "
                    f"accepted value (expected one of: {', '.join(rules.choice_values[fid])})"
                )
            elif value == BLANK and fid in rules.required:
                out.append(
                    f"{fid}: column {self.cols.label(i)} is empty; a recommendation needs it "
                    f"(one of: {', '.join(rules.choice_values[fid])})"
                )
        return out

    # --- tails ---------------------------------------------------------------------------
    def _render(self, cells: list[str] | tuple[str, ...]) -> str:
        if self.guard:
            cells = [guard_text(c) for c in cells]
        self._writer.writerow(cells)
        return self._lines.pop()[:-2]

    def _finish(self, tail: Tail, intern: bool = True) -> Tail:
        """Render a tail's CSV text once, and share one tail per outcome."""
        cells = tail.cells()
        d = self._prefix
        tail.head = d + self._render(cells[:5]) + d
        mid = self._mids.get(tail.reasons)
        if mid is None:
            mid = self._render(cells[5:6]) if tail.reasons else ""
            if len(self._mids) < COMBO_CACHE_MAX:
                self._mids[tail.reasons] = mid
        tail.mid = mid
        tail.rest = d + self._render(cells[6:]) + self._newline
        key = (tail.head, tail.mid, tail.rest, tail.stage)
        hit = self.interned.get(key) if intern else None
        if hit is None:
            if intern:
                if len(self.interned) >= COMBO_CACHE_MAX:
                    self.interned.clear()
                self.interned[key] = tail
            hit = tail
        return hit

    def _assessed(self, key: tuple, answers: dict[str, str]) -> Tail:
        tail = self.combos.get(key)
        if tail is None:
            self.distinct_combinations += 1
            # `brief` builds no contributions and no engine cache: the batch keeps its own
            # bounded cache of finished tails.
            tail = self._finish(self._tail_from(brief(self.rules, answers), answers.get("career_stage")))
            if len(self.combos) >= COMBO_CACHE_MAX:
                self.combos.clear()
            self.combos[key] = tail
        return tail

    def _tail_from(self, a: Brief, stage: str | None) -> Tail:
        return Tail(
            status="ok", stage=stage, recommendation=a.recommendation,
            alternative=a.alternative or "", warnings=tuple(w.text for w in a.warnings),
            confidence=a.confidence,
            coaching_type=a.coaching_type or "", mentoring_type=a.mentoring_type or "",
            reasons=tuple(r.text for r in a.reasons), rules_name=self.name, rules_version=self.version,
            rules_hash=self.hash,
        )

    def error_tail(self, message: str, stage: str | None = None) -> Tail:
        return self._finish(Tail(status="error", stage=stage, error=message,
                                 rules_name=self.name, rules_version=self.version,
                                 rules_hash=self.hash), intern=False)

    # --- rows ----------------------------------------------------------------------------
    def resolve(self, row: list[str], n: int) -> Tail | None:
        """The tail of a row of the right width that the fast path did not know
        (None: a blank row, which is not a data row)."""
        raw = self.pick(row)
        values = [self._value(k, fid, cell) for k, ((_, fid), cell) in
                  enumerate(zip(self.scored, raw))]
        if self.guard:
            self._guard_row(row)
        if INVALID in values or BLANK in values and self._required_blank(values):
            if BLANK in values and not any(c.strip() for c in row):
                self.blank_rows.append(n)
                return None
            tail = self.error_tails.get(raw)
            if tail is None:
                tail = self.error_tail("; ".join(self._problems(raw, values)), self._stage(values))
                if len(self.error_tails) >= VALUE_CACHE_MAX:
                    self.error_tails.clear()
                self.error_tails[raw] = tail
            self._note(n, row, tail.error)
            return tail
        answers = {fid: v for (_, fid), v in zip(self.scored, values) if v}
        return self._assessed(tuple(values), answers)

    def _required_blank(self, values: list) -> bool:
        required = self.rules.required
        return any(v == BLANK and fid in required for (_, fid), v in zip(self.scored, values))

    def _stage(self, values: list) -> str | None:
        for (_, fid), v in zip(self.scored, values):
            if fid == "career_stage":
                return v or None
        return None

    def _guard_row(self, row: list[str]) -> None:
        for i, c in enumerate(row):
            if c and c[0] in DANGER:
                row[i] = guard_text(c)

    def _note(self, n: int, row: list[str], message: str) -> None:
        col = self.staff_col
        self.on_error(n, row[col] if col is not None and col < len(row) else None, message)

    def _error(self, n: int, row: list[str], message: str, stage: str | None = None) -> Tail:
        self._note(n, row, message)
        return self.error_tail(message, stage)

    def slow(self, row: list[str], n: int, nul_possible: bool,
             notes: list[tuple[int, str, bool]] | None = None) -> Tail | None:
        """A row of the wrong width, or read after a NUL byte: check it cell by cell.
        `notes` are the source's findings on this row (Table.check_row)."""
        if not any(c.strip() for c in row) and not notes:
            self.blank_rows.append(n)
            return None
        problems = []
        if notes:
            scored = {i for i, _ in self.scored}
            problems.extend(
                message.replace("{column}", self.cols.label(i) if i < self.width
                                else f"cell {i + 1}")
                for i, message, scored_only in notes if not scored_only or i in scored)
        if nul_possible:
            bad = [i for i, c in enumerate(row) if "\x00" in c]
            if bad:
                where = ", ".join(self.cols.label(i) if i < self.width else f"cell {i + 1}"
                                  for i in bad[:3])
                problems.append(
                    f"NUL byte in {where} (binary data, or a file in another encoding: "
                    "try --encoding)"
                )
        width = self.width
        misaligned = False
        if len(row) > width:
            extra = row[width:]
            if any(c.strip() for c in extra):
                problems.append(
                    f"the row has {len(row)} cells but the header has {width}: "
                    f"{sum(1 for c in extra if c.strip())} value(s) after the last column "
                    f"{self.cols.label(width - 1)} (an unquoted "
                    f"'{_printable(self.delimiter)}' inside a cell?)"
                )
                misaligned = True
                if self.redactor is not None:
                    kept = sum(1 for c in extra if c.strip())
                    problems.append(f"{kept} extra value{'s' if kept > 1 else ''} removed (--redact)")
                else:
                    # The output has the header's columns only, so the extra cells are kept
                    # here, in this row's own error cell: nothing is lost.
                    problems.append(EXTRA_VALUES + " | ".join(c for c in extra if c.strip()))
            del row[width:]
        elif len(row) < width:
            if len(row) < self.cols.min_width:
                missing = [self.cols.label(i) for i in range(len(row), self.cols.min_width)
                           if self.cols.header[i].strip()]
                more = len(missing) - 4
                problems.append(
                    f"the row has {len(row)} cells but the header has {width}: no cell for "
                    f"{', '.join(missing[:4])}{f' and {more} more' if more > 0 else ''}"
                )
                misaligned = True
            row.extend([""] * (width - len(row)))
        if not problems:
            return self.resolve(row, n)
        if misaligned and self.redactor is not None:
            self.redactor.misaligned(row)
            problems.append(SHIFTED)
        if self.guard:
            self._guard_row(row)
        values = [self._value(k, fid, row[i]) for k, (i, fid) in enumerate(self.scored)]
        return self._error(n, row, "; ".join(problems), self._stage(values))

    def unreadable(self, n: int, lines: list[str], reason: str, line: int) -> tuple[list[str], Tail]:
        """A record the csv reader refused (text after a closing quote): an error row that
        says why, with its cells as a lenient reader sees them, so that nothing is lost."""
        try:
            cells = next(csv.reader(lines, delimiter=self.delimiter or ","), [])
        except csv.Error:
            cells = []
        cells = cells[: self.width] + [""] * (self.width - len(cells))
        marked = unmark(cells)  # undecodable bytes: never written out as they were read
        if self.redactor is not None:
            self.redactor.misaligned(cells)
        if self.guard:
            self._guard_row(cells)
        if "expected after" in reason:
            reason = ("text follows a closing quote; a quote inside a cell must be doubled "
                      '("") and the whole cell quoted')
        message = f"cannot read this row as CSV (line {line}): {reason}"
        if marked:
            message += ("; and it held bytes that are not valid in the file's encoding "
                        "(try --encoding)")
        if self.redactor is not None:
            message += "; " + SHIFTED
        self._note(n, cells, message)
        return cells, self.error_tail(message)

    def swallowed(self, row: list[str]) -> str | None:
        """If a cell holds lines that look like rows of their own, say so (an unclosed quote)."""
        if self.delimiter is None or self.width < 2:
            return None
        need = max(self.width - 1, 2)
        for i, cell in enumerate(row):
            if "\n" not in cell and "\r" not in cell:
                continue
            lines = cell.replace("\r\n", "\n").replace("\r", "\n").split("\n")[1:]
            rowlike = sum(1 for ln in lines if ln.count(self.delimiter) >= need)
            if rowlike:
                return (
                    f"{self.cols.label(i)} holds {rowlike} line(s) that look like rows of their "
                    "own: probably a quote opened in this cell and not closed where it should be"
                )
        return None


def _printable(delim: str | None) -> str:
    return {"\t": "tab", None: ","}.get(delim, delim or ",")


# --- the loop ------------------------------------------------------------------------------


class Stream:
    """Runs the rows of a table through a RowAssessor, in chunks, to `emit`.

    `emit(rows, texts, tails, first_row, blank_rows)` gets each chunk: the rows (lists of
    cells), their tails, and — when `pass_through` — each row's input text exactly as read
    (None for a row that was changed: padded, trimmed or guarded), so that CSV output need not
    serialise again what it read."""

    def __init__(self, table: Any, assessor: RowAssessor, emit: Callable[..., None],
                 tick: Callable[[int], None] | None = None, *, pass_through: bool = False) -> None:
        self.table = table
        self.a = assessor
        self.emit = emit
        self.tick = tick
        self.rows = 0  # data rows read (blank ones included)
        self.pass_through = pass_through and table.lines is not None and assessor.cols.keep is None
        self.tap = table.lines is not None  # each record's lines: kept for messages at least

    def run(self) -> None:
        table, a = self.table, self.a
        rows: Iterable[list[str]] = table.rows
        if a.cols.keep is not None:
            rows = _Kept(rows, a.cols.keep, len(a.cols.keep) + len(a.cols.dropped))
        reader = table.reader
        width = a.width
        pick = a.pick
        fast_values = a.fast
        dget = dict.get
        combos = a.combos.get
        raw_cache = a.raw_tails
        raw_get = raw_cache.get
        join = "\x1f".join
        raw_max = RAW_CACHE_MAX
        seps = len(a.scored) - 1
        others = a.others if a.guard else ()
        nul = table.saw_nul
        check = getattr(table, "check_row", None)
        resolve, slow = a.resolve, a.slow
        danger = DANGER
        tap = self.tap
        keep_texts = self.pass_through
        lines = table.lines if tap else []
        lines.clear()  # the header's
        n = self.rows
        chunk_start = n + 1
        line_mark = reader.line_num if reader is not None else 0
        out: list[list[str]] = []
        texts: list[str | None] = []
        tails: list[Tail] = []
        mark = n + CHUNK
        while True:
            try:
                for row in rows:
                    n += 1
                    if tap:
                        text = lines.pop()
                        if lines:
                            text = "".join(lines) + text
                            lines.clear()
                    notes = check(row) if nul[0] and check is not None else None
                    if len(row) != width or nul[0]:
                        tail = slow(row, n, nul[0], notes)
                        text = None
                    else:
                        rawkey = join(pick(row))
                        tail = raw_get(rawkey)
                        if tail is None:
                            tail = combos(tuple(map(dget, fast_values, pick(row))))
                            if (tail is not None and len(raw_cache) < raw_max
                                    and rawkey.count("\x1f") == seps):
                                raw_cache[rawkey] = tail  # (a cell holding \x1f: never)
                        if tail is None:
                            tail = resolve(row, n)
                            text = None
                        else:
                            for i in others:
                                c = row[i]
                                if c and c[0] in danger:
                                    row[i] = guard_text(c)
                                    text = None
                    if tail is not None:
                        out.append(row)
                        tails.append(tail)
                        if keep_texts:
                            texts.append(text)
                    if n >= mark:
                        if reader is not None:
                            line_mark = self._check_lines(out, tails, chunk_start, n, line_mark)
                        self._emit(out, texts, tails, chunk_start, n)
                        out, texts, tails = [], [], []
                        chunk_start, mark = n + 1, n + CHUNK
                break
            except csv.Error as exc:
                # The csv reader gave up on one record (strict quoting), or on the file.
                message = str(exc)
                first_line = reader.line_num - len(lines) + 1 if tap else None
                if "unexpected end of data" in message or "field larger" in message:
                    self._emit(out, texts, tails, chunk_start, n, partial=True)
                    raise csv_failure(exc, table, row=n + 1, line=first_line) from None
                n += 1
                cells, tail = a.unreadable(n, lines, message, first_line or reader.line_num)
                lines.clear()
                out.append(cells)
                tails.append(tail)
                if keep_texts:
                    texts.append(None)
            except UnicodeDecodeError as exc:
                self._emit(out, texts, tails, chunk_start, n, partial=True)
                raise csv_failure(exc, table) from None
        if reader is not None:
            self._check_lines(out, tails, chunk_start, n, line_mark)
        self._emit(out, texts, tails, chunk_start, n)

    def _emit(self, out: list, texts: list, tails: list, chunk_start: int, n: int,
              partial: bool = False) -> None:
        a = self.a
        self.rows = n
        if not self.pass_through and self.table.lines is not None:
            self.table.lines.clear()  # lines kept for pass-through that is not wanted
        try:
            self.emit(out, texts if self.pass_through else None, tails, chunk_start,
                      a.blank_rows)
        except Exception:  # noqa: BLE001
            if not partial:
                raise  # else: the file-level error that follows matters more
        a.blank_rows = []
        if self.tick is not None and not partial:
            self.tick(n)

    def _check_lines(self, out: list, tails: list, chunk_start: int, n: int, line_mark: int) -> int:
        """Records that span several lines hold newlines in a cell: look for swallowed rows."""
        lines = self.table.reader.line_num
        if lines - line_mark > n - chunk_start + 1:
            a = self.a
            number = row_numbers(chunk_start, a.blank_rows)
            for k, row in enumerate(out):
                message = a.swallowed(row)
                if message is None:
                    continue
                m = number(k)
                prior = tails[k].error
                tails[k] = a._error(m, row, message if not prior else f"{message}; {prior}",
                                    tails[k].stage)
        return lines


class _Kept:
    """Rows without the columns of a previous run's results (an iterator that, unlike a
    generator, can go on after the csv reader raised for one record)."""

    def __init__(self, rows: Iterable[list[str]], keep: list[int], width: int) -> None:
        self.it = iter(rows)
        self.keep = keep
        self.width = width

    def __iter__(self) -> "_Kept":
        return self

    def __next__(self) -> list[str]:
        row = next(self.it)
        n = len(row)
        return [row[i] for i in self.keep if i < n] + row[self.width:]


def row_numbers(chunk_start: int, blanks: list[int]) -> Callable[[int], int]:
    """Row number of the k-th emitted row of a chunk (blank rows are not emitted)."""
    if not blanks:
        return lambda k: chunk_start + k

    def number(k: int) -> int:
        m = chunk_start + k
        for b in blanks:  # sorted
            if b <= m:
                m += 1
        return m

    return number


__all__ = ["RowAssessor", "Stream", "Tail", "guard_text", "row_numbers"]
