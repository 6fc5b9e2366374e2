"""The values file: what the leader says the columns and values of an export mean, kept from
term to term.

Two kinds of line. A `column` line says which column holds a question: the one read now (or
none), the column proposed for a required question no header names (batch.guess: from its
values, with why), and the leader's `use`: the header to read, or `none`. A `value` line says
what one value of a question's column means.

`survey()` reads a staff list as `assess` would and lists, per answer column, every distinct
value the rule base does not read plainly (not read at all, read only with a warning, a role
the sources do not cover, empty where an answer is needed), with how many rows hold it and
which, the nearest choice and its label, and an empty `use` cell. The leader fills or
corrects `use`; `load()` reads the file back, and `assess`/`match --values FILE` apply it
before the rule base reads a cell (batch.reading.CellReader). A suggestion is never applied
because it is there: only a `use` the leader wrote, or every suggestion with
`--accept-suggestions`.

Entries are keyed by question and value (case, spaces, hyphens and underscores aside), never
by row or by column header, so the same file works on next term's export. `survey()` given
the file keeps its entries (those this export does not hold too) and fills in their `use`,
so the file grows with each export instead of being started again.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coachmentor.batch.columns import BY_HEADER, Pick, header_test, map_columns
from coachmentor.batch.guess import Guess, guess_columns
from coachmentor.batch.reading import AMBIGUOUS_READ, EMPTY, NOT_READ, OUTSIDE, CellReader, Shown
from coachmentor.errors import InputFileError
from coachmentor.files.messages import shown
from coachmentor.files.table import TableOptions, open_table
from coachmentor.rulebase.normalise import fold
from coachmentor.rulebase.ruleset import READ, RuleSet
from coachmentor.rulebase.suggest import did_you_mean, nearest_value

COLUMNS = ("kind", "question", "column", "value", "count", "rows", "read_as", "suggestion",
           "label", "use", "note")
NEEDED = ("question", "value", "use")  # what `load` reads (and `kind`); the rest is for the leader
COLUMN, VALUE = "column", "value"  # the kinds of line (a file without `kind`: all value lines)
NO_COLUMN = "none"  # a column line's `use` for "no column holds this question"
NOT_ANSWERED = "not answered"  # `use` for "read it as no answer"
NOT_ANSWERED_WORDS = frozenset({"notanswered", "(notanswered)", "blank", "(blank)"})
ROWS_LISTED = 50  # row numbers written per value (then '…')
DANGER = tuple("=+-@\t\r")
DETECT = TableOptions()  # encoding, delimiter and sheet found as for a staff list


@dataclass
class Entry:
    """One line of a values file."""

    question: str
    column: str = ""
    value: str = ""  # '' for the empty cells of a required column (not mappable)
    count: int = 0
    rows: list[int] = field(default_factory=list)
    read_as: str = ""  # what assess reads it as now (an ambiguous word: the value, warned)
    suggestion: str = ""
    label: str = ""
    use: str = ""  # the leader's: a choice, or NOT_ANSWERED (a column line: a header, or none)
    note: str = ""
    problem: str = ""  # the reading.Problem kind, or '' for a line the file already had
    line: str = VALUE  # COLUMN or VALUE

    def cells(self) -> list[str]:
        rows = ", ".join(map(str, self.rows[:ROWS_LISTED]))
        if len(self.rows) > ROWS_LISTED:
            rows += ", …"
        return [self.line, self.question, self.column, self.value,
                str(self.count) if self.count else "", rows, self.read_as, self.suggestion,
                self.label, self.use, self.note]


@dataclass
class ValueMap:
    """A values file as read: (question, folded value) -> use ('' for not answered)."""

    name: str
    cells: dict[tuple[str, str], str]
    entries: list[Entry]
    picks: list[Pick] = field(default_factory=list)  # its column lines with a `use`

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "values": len(self.cells),
                "columns": {p.fid: p.header for p in self.picks}}


# --- reading a values file ------------------------------------------------------------------

def _unguard(text: str) -> str:
    """A cell the formula guard wrote as "'-": the value as it was."""
    return text[1:] if text[:1] == "'" and text[1:2] in DANGER else text


def load(rules: RuleSet, path: str | Path, options: TableOptions = DETECT) -> ValueMap:
    """Read a values file (CSV or .xlsx). A line whose `use` is empty says nothing; one whose
    `use` is not an answer to its question stops the run (exit 2) with the file, the row and
    what to write."""
    wanted = {fold(c): c for c in COLUMNS}

    def is_header(row: list[str]) -> bool:
        return set(NEEDED) <= {wanted.get(fold(c)) for c in row}

    table = open_table(path, is_header=is_header, **options.as_kwargs())
    name = table.name
    try:
        cols = {wanted[fold(h)]: i for i, h in enumerate(table.header) if fold(h) in wanted}
        missing = [c for c in NEEDED if c not in cols]
        if missing:
            raise InputFileError(f"{name}: not a values file: no column {', '.join(missing)} "
                                 f"(write one with `coachmentor values STAFF -o {Path(name).name}`)")
        cells: dict[tuple[str, str], str] = {}
        entries: list[Entry] = []
        picks: list[Pick] = []
        n = table.header_row
        for row in table.rows:
            n += 1
            got = {c: _unguard(row[i].strip()) if i < len(row) else "" for c, i in cols.items()}
            if not any(got.values()):
                continue
            entry = Entry(question=got["question"], column=got.get("column", ""),
                          value=got["value"], use=got["use"], note=got.get("note", ""),
                          read_as=got.get("read_as", ""), suggestion=got.get("suggestion", ""),
                          label=got.get("label", ""), line=_kind(got.get("kind", ""), name, n))
            if entry.line == COLUMN:
                entries.append(entry)
                pick = _column_line(rules, entry, name, n)
                if pick is not None:
                    picks.append(pick)
                continue
            fid = _question(rules, entry.question, name, n)
            if fid is None:
                entries.append(entry)
                continue
            entry.question = fid
            entries.append(entry)
            if not entry.use:
                continue
            if not entry.value:
                raise InputFileError(
                    f"{name}: row {n}: use: a values file says what a value means, not what "
                    f"an empty cell means; fill the empty {fid} cells in the staff list")
            use = _use(rules, fid, entry.use, name, n)
            key = (fid, fold(entry.value))
            if cells.get(key, use) != use:
                raise InputFileError(
                    f"{name}: row {n}: {fid} '{shown(entry.value)}' is given two uses, "
                    f"'{cells[key] or NOT_ANSWERED}' and '{use or NOT_ANSWERED}'; keep one")
            cells[key] = use
    except (csv.Error, UnicodeDecodeError) as exc:
        raise InputFileError(f"{name}: cannot read as a values file: {exc}") from None
    finally:
        table.close()
    return ValueMap(name, cells, entries, picks)


def _kind(text: str, name: str, n: int) -> str:
    kind = fold(text) or VALUE
    if kind not in (COLUMN, VALUE):
        raise InputFileError(f"{name}: row {n}: kind: '{shown(text)}' is not '{COLUMN}' or "
                             f"'{VALUE}'")
    return kind


def _column_line(rules: RuleSet, entry: Entry, name: str, n: int) -> Pick | None:
    """A column line's word on its field, when its `use` says one."""
    if not entry.use:
        return None
    fid = rules.header_lookup.get(fold(entry.question)) if entry.question else None
    if fid is None:
        known = ", ".join([*rules.question_order, *rules.info_fields])
        raise InputFileError(f"{name}: row {n}: question: '{shown(entry.question)}' is not a "
                             f"question or field (known: {known})")
    entry.question = fid
    header = None if fold(entry.use) in (NO_COLUMN, "(none)") else entry.use
    return Pick(fid, header, f"values file {Path(name).name}")


def _question(rules: RuleSet, text: str, name: str, n: int) -> str | None:
    """The question a line is about (an id or a header alias); None for a blank one."""
    if not text:
        return None
    fid = rules.header_lookup.get(fold(text))
    if fid is None or fid not in rules.questions:
        from coachmentor.rulebase.suggest import nearest_field

        hint = did_you_mean(nearest_field(rules, text))
        raise InputFileError(f"{name}: row {n}: question: '{shown(text)}' is not a question"
                             f"{hint} (questions: {', '.join(rules.question_order)})")
    return fid


def _use(rules: RuleSet, fid: str, text: str, name: str, n: int) -> str:
    """The canonical value a `use` cell names ('' for not answered)."""
    if fold(text) in NOT_ANSWERED_WORDS:
        return ""
    kind, value, _ = rules.reading(fid, text)
    if kind == READ:
        return value
    hint = did_you_mean(nearest_value(rules, fid, text))
    raise InputFileError(
        f"{name}: row {n}: use: '{shown(text)}' is not an answer to {fid}{hint} (write one of: "
        f"{', '.join(rules.choice_values[fid])}; or '{NOT_ANSWERED}')")


# --- surveying a staff list -----------------------------------------------------------------

@dataclass
class Survey:
    """What `coachmentor values` found: the lines of the file, and counts for the summary."""

    entries: list[Entry]
    rows: int
    columns: dict[str, str]  # question -> its header in the staff list
    name: str
    guesses: dict[str, Guess] = field(default_factory=dict)  # columns proposed, not read

    @property
    def to_decide(self) -> list[Entry]:
        """Lines still without a `use` that a `use` would settle."""
        return [e for e in self.entries if e.problem and (e.value or e.line == COLUMN)
                and not e.use]


def survey(rules: RuleSet, source: str | Path, *, options: TableOptions = DETECT,
           values: ValueMap | None = None, redact: bool = False, stdin: Any = None,
           picks: Sequence[Pick] = ()) -> Survey:
    """Which column holds each question, and every value of the answer columns that the rule
    base does not read plainly, with the leader's `use` from `values` where it has one (see
    the module docstring). `picks`: --column, before the values file's."""
    picks = [*picks, *(values.picks if values is not None else [])]
    if str(source) == "-":  # read twice when a column is guessed: kept in memory (a staff list)
        data = (stdin if stdin is not None else sys.stdin.buffer).read()
        stdin = None

        def again() -> Any:
            return open_table("-", stdin=io.BytesIO(data), is_header=header_test(rules, picks),
                              **options.as_kwargs())
    else:
        def again() -> Any:
            return open_table(source, stdin=stdin, is_header=header_test(rules, picks),
                              **options.as_kwargs())
    table = again()
    try:
        cols = map_columns(rules, table.header, table.name, picks, require=False)
        missing = [fid for fid in rules.required if fid not in cols.fields]
        guesses: dict[str, Guess] = {}
        if missing:
            guesses = guess_columns(rules, cols, table.rows, missing)
        if guesses:  # read again, each guessed column as its question's, to list its values
            table.close()
            table = again()
            tried = [*picks, *(Pick(fid, g.header, GUESSED) for fid, g in guesses.items())]
            cols = map_columns(rules, table.header, table.name, tried, require=False)
        found, n = _values(rules, cols, table, redact)
    except csv.Error as exc:
        raise InputFileError(f"{table.name}: cannot read as CSV ({exc})") from None
    finally:
        table.close()
    entries = list(found.values())
    if values is not None:
        for entry in entries:
            entry.use = _shown_use(rules, entry.question,
                                   values.cells.get((entry.question, fold(entry.value))))
        here = {(e.question, fold(e.value)) for e in entries}
        kept = [e for e in values.entries if e.line == VALUE and e.value
                and e.question in rules.questions and (e.question, fold(e.value)) not in here]
        for e in kept:  # from earlier exports: kept, so the file keeps growing
            e.count, e.rows, e.problem = 0, [], ""
            e.note = e.note or "not in this export; kept for the next"
        entries += kept
    order = {fid: k for k, fid in enumerate(rules.question_order)}
    entries.sort(key=lambda e: (order.get(e.question, len(order)), e.problem not in
                                (NOT_READ, OUTSIDE, EMPTY), -e.count, fold(e.value)))
    heads = _column_lines(rules, cols, guesses, values)
    columns = {fid: cols.header[i].strip() for i, fid in cols.scored}
    return Survey(heads + _with_guides(rules, entries), n - table.header_row, columns,
                  table.name, guesses)


GUESSED = "guessed"  # Columns.how of a column read for a survey only: proposed, not accepted


def _values(rules: RuleSet, cols: Any, table: Any, redact: bool,
            ) -> tuple[dict[tuple[str, str], Entry], int]:
    """The value lines of the answer columns' values not read plainly, and the last row."""
    # Without the values file's answers, so that what it maps is listed (with its use).
    reader = CellReader(rules, shown=Shown(show_values=True, redact=redact))
    found: dict[tuple[str, str], Entry] = {}
    n = table.header_row
    labels = [cols.label(i) for i, _ in cols.scored]
    for row in table.rows:
        n += 1
        if not any(c.strip() for c in row):
            continue
        for (i, fid), label in zip(cols.scored, labels):
            cell = row[i] if i < len(row) else ""
            reading = reader.read(fid, label, cell)
            p = reading.problem
            if p is None:
                continue
            key = (fid, p.key)
            entry = found.get(key)
            if entry is None:
                entry = found[key] = _entry(rules, fid, cols.header[i].strip(), cell, p, redact)
            entry.count += 1
            if len(entry.rows) <= ROWS_LISTED:
                entry.rows.append(n)
    return found, n


def _column_lines(rules: RuleSet, cols: Any, guesses: dict[str, Guess],
                  values: ValueMap | None) -> list[Entry]:
    """One column line per question: the column read for it and how, or the proposal."""
    said: dict[str, str] = {}
    for e in values.entries if values is not None else []:
        if e.line == COLUMN and e.use:
            said.setdefault(e.question, e.use)
    hints = {fid: header for header, fid in cols.hints.items()}
    lines = []
    for fid in rules.question_order:
        q = rules.questions[fid]
        i = cols.fields.get(fid)
        how = cols.how.get(fid, "")
        e = Entry(question=fid, line=COLUMN, use=said.get(fid, ""))
        g = guesses.get(fid)
        if i is not None and how != GUESSED:
            e.column = cols.header[i].strip()
            e.read_as = "its header" if how == BY_HEADER else f"as {how} says"
        elif g is not None:
            e.suggestion, e.label = g.header, g.why()
            e.problem = NOT_READ
            e.note = ("no header names this question, which a recommendation needs: the "
                      "suggested column reads best as its answers; to read it, write its header "
                      f"in use (or run with {g.option()}); a guess is never read unless you say")
        elif fid in hints:
            e.suggestion = hints[fid]
            e.note = "its header is close to this question's: to read it, write it in use"
        elif q.required:
            e.problem = EMPTY
            e.note = ("no column holds this question, which a recommendation needs: write the "
                      "header of the column that does in use")
        else:
            e.note = "no column holds it: not answered in any row (write a header in use to read one)"
        if how and how != BY_HEADER and how != GUESSED and fid in cols.fields:
            e.note = e.note or "read as the values file or --column says"
        lines.append(e)
    return lines


def _shown_use(rules: RuleSet, fid: str, use: str | None) -> str:
    if use is None:
        return ""
    return use or NOT_ANSWERED


def _entry(rules: RuleSet, fid: str, header: str, cell: str, p: Any, redact: bool) -> Entry:
    value = "" if redact or p.kind == EMPTY and not p.no_answer else cell.strip()
    labels = {c.value: c.label for c in rules.questions[fid].choices}
    suggestion = p.value if p.kind == AMBIGUOUS_READ else p.suggestion
    entry = Entry(question=fid, column=header, value=value, suggestion=suggestion,
                  label=labels.get(suggestion, ""), problem=p.kind)
    if p.kind == AMBIGUOUS_READ:
        entry.read_as = f"{p.value} (with a warning)"
        entry.note = p.note
    elif p.kind == OUTSIDE:
        entry.note = f"{p.note}: write that stage in use, or leave use blank to leave them out"
    elif p.kind == EMPTY and not p.no_answer:
        entry.note = ("empty, where a recommendation needs an answer: fill these rows in the "
                      "staff list")
    elif p.kind == EMPTY:
        entry.note = "a word for no answer, where a recommendation needs one"
    elif p.note:  # not covered, in an optional column
        entry.read_as, entry.note = NOT_ANSWERED, p.note
    elif p.kind != NOT_READ:
        entry.read_as = NOT_ANSWERED  # an optional answer not read
    if not entry.note and not suggestion:
        entry.note = "no close answer: write one (the accepted values head this question's lines)"
    if redact and p.kind != EMPTY:
        entry.note = "the value is not shown (--redact): correct it in the staff list"
    return entry


def _with_guides(rules: RuleSet, entries: list[Entry]) -> list[Entry]:
    """Each question's lines headed by one line that lists what to type, once."""
    out: list[Entry] = []
    last = None
    for e in entries:
        if e.question != last:
            last = e.question
            accepted = "; ".join(f"{c.value} = {c.label}" for c in rules.questions[e.question].choices)
            out.append(Entry(question=e.question, column=e.column,
                             note=f"accepted: {accepted}; or '{NOT_ANSWERED}'"))
        out.append(e)
    return out


# --- writing --------------------------------------------------------------------------------

def as_csv(entries: Iterable[Entry]) -> str:
    """The lines as CSV (a cell that would be a formula to a spreadsheet gets a leading ')."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for e in entries:
        writer.writerow(["'" + c if c[:1] in DANGER else c for c in e.cells()])
    return buf.getvalue()


def as_xlsx(entries: Iterable[Entry], name: str) -> bytes:
    from coachmentor.files.workbook_out import workbook_bytes

    at = COLUMNS.index("count")  # a number in the workbook; every other cell text
    return workbook_bytes(COLUMNS, ([*e.cells()[:at], e.count or None, *e.cells()[at + 1:]]
                                    for e in entries),
                          title="values", name=name, numbers={at})


__all__ = ["COLUMNS", "Entry", "NOT_ANSWERED", "Survey", "ValueMap", "as_csv", "as_xlsx", "load",
           "survey"]
