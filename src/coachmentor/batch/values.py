"""The values file: what the leader says the values of an export mean, kept from term to term.

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from coachmentor.batch.columns import header_test, map_columns
from coachmentor.batch.reading import AMBIGUOUS_READ, EMPTY, NOT_READ, OUTSIDE, CellReader, Shown
from coachmentor.errors import InputFileError
from coachmentor.files.messages import shown
from coachmentor.files.table import TableOptions, open_table
from coachmentor.rulebase.normalise import fold
from coachmentor.rulebase.ruleset import READ, RuleSet
from coachmentor.rulebase.suggest import did_you_mean, nearest_value

COLUMNS = ("question", "column", "value", "count", "rows", "read_as", "suggestion", "label",
           "use", "note")
NEEDED = ("question", "value", "use")  # what `load` reads; the rest is for the leader
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
    use: str = ""  # the leader's: a choice, or NOT_ANSWERED
    note: str = ""
    kind: str = ""  # the reading.Problem kind, or '' for a line the file already had

    def cells(self) -> list[str]:
        rows = ", ".join(map(str, self.rows[:ROWS_LISTED]))
        if len(self.rows) > ROWS_LISTED:
            rows += ", …"
        return [self.question, self.column, self.value, str(self.count) if self.count else "",
                rows, self.read_as, self.suggestion, self.label, self.use, self.note]


@dataclass
class ValueMap:
    """A values file as read: (question, folded value) -> use ('' for not answered)."""

    name: str
    cells: dict[tuple[str, str], str]
    entries: list[Entry]

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "values": len(self.cells)}


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
        n = table.header_row
        for row in table.rows:
            n += 1
            got = {c: _unguard(row[i].strip()) if i < len(row) else "" for c, i in cols.items()}
            if not any(got.values()):
                continue
            entry = Entry(question=got["question"], column=got.get("column", ""),
                          value=got["value"], use=got["use"], note=got.get("note", ""),
                          read_as=got.get("read_as", ""), suggestion=got.get("suggestion", ""),
                          label=got.get("label", ""))
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
    return ValueMap(name, cells, entries)


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

    @property
    def to_decide(self) -> list[Entry]:
        """Lines still without a `use` that a `use` would settle."""
        return [e for e in self.entries if e.kind and e.value and not e.use]


def survey(rules: RuleSet, source: str | Path, *, options: TableOptions = DETECT,
           values: ValueMap | None = None, redact: bool = False, stdin: Any = None) -> Survey:
    """Every value of `source`'s answer columns that the rule base does not read plainly,
    with the leader's `use` from `values` where it has one (see the module docstring)."""
    # Without the values file's answers, so that what it maps is listed (with its use).
    reader = CellReader(rules, shown=Shown(show_values=True, redact=redact))
    table = open_table(source, stdin=stdin, is_header=header_test(rules), **options.as_kwargs())
    try:
        cols = map_columns(rules, table.header, table.name)
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
                    entry = found[key] = _entry(rules, fid, cols.header[i].strip(), cell, p,
                                                redact)
                entry.count += 1
                if len(entry.rows) <= ROWS_LISTED:
                    entry.rows.append(n)
        columns = {fid: cols.header[i].strip() for i, fid in cols.scored}
    except csv.Error as exc:
        raise InputFileError(f"{table.name}: row {n + 1}: cannot read as CSV ({exc})") from None
    finally:
        table.close()
    entries = list(found.values())
    if values is not None:
        for entry in entries:
            entry.use = _shown_use(rules, entry.question,
                                   values.cells.get((entry.question, fold(entry.value))))
        here = {(e.question, fold(e.value)) for e in entries}
        kept = [e for e in values.entries if e.value and e.question in rules.questions
                and (e.question, fold(e.value)) not in here]
        for e in kept:  # from earlier exports: kept, so the file keeps growing
            e.count, e.rows, e.kind = 0, [], ""
            e.note = e.note or "not in this export; kept for the next"
        entries += kept
    order = {fid: k for k, fid in enumerate(rules.question_order)}
    entries.sort(key=lambda e: (order.get(e.question, len(order)), e.kind not in
                                (NOT_READ, OUTSIDE, EMPTY), -e.count, fold(e.value)))
    return Survey(_with_guides(rules, entries), n - table.header_row, columns, table.name)


def _shown_use(rules: RuleSet, fid: str, use: str | None) -> str:
    if use is None:
        return ""
    return use or NOT_ANSWERED


def _entry(rules: RuleSet, fid: str, header: str, cell: str, p: Any, redact: bool) -> Entry:
    value = "" if redact or p.kind == EMPTY and not p.no_answer else cell.strip()
    labels = {c.value: c.label for c in rules.questions[fid].choices}
    suggestion = p.value if p.kind == AMBIGUOUS_READ else p.suggestion
    entry = Entry(question=fid, column=header, value=value, suggestion=suggestion,
                  label=labels.get(suggestion, ""), kind=p.kind)
    if p.kind == AMBIGUOUS_READ:
        entry.read_as = f"{p.value} (with a warning)"
        entry.note = p.note
    elif p.kind == OUTSIDE:
        entry.note = p.note
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

    return workbook_bytes(COLUMNS, ([*e.cells()[:3], e.count or None, *e.cells()[4:]]
                                    for e in entries),
                          title="values", name=name, numbers={COLUMNS.index("count")})


__all__ = ["COLUMNS", "Entry", "NOT_ANSWERED", "Survey", "ValueMap", "as_csv", "as_xlsx", "load",
           "survey"]
