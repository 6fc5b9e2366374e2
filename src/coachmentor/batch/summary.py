"""The summary of a batch: counts, errors, duplicate staff ids and the capacity to plan for.

`SummaryBuilder` is fed chunk by chunk while the rows stream past; `to_dict()` gives a plain,
JSON-ready dict — the one shape the stderr summary, `--summary FILE` and an HTML report all
read. It holds row numbers, staff_id values, department texts and header texts; never a
name, a note, or any other cell.
"""

from __future__ import annotations

import re
from array import array
from collections import Counter
from collections.abc import Iterable
from operator import attrgetter, itemgetter
from typing import Any, Literal, TypedDict, cast

from coachmentor import __version__
from coachmentor.batch.cells import Result
from coachmentor.batch.checks import EXTRA_VALUES
from coachmentor.batch.columns import Columns
from coachmentor.batch.reading import (
    AMBIGUOUS_READ,
    EMPTY,
    NOT_READ,
    OUTSIDE,
    READ_AS_BLANK,
    SUGGESTED,
    Problem,
    accepted_values,
)
from coachmentor.files.messages import shown
from coachmentor.rulebase.model import RECOMMENDATIONS
from coachmentor.rulebase.normalise import fold
from coachmentor.rulebase.ruleset import RuleSet

FIRST_ERRORS = 5
_VALUE_IN_COLUMN = re.compile(r"(^|; )(\w+): '.*?'(?: \(\d+ characters\))? in column ")


def without_cell_values(message: str) -> str:
    """A row's error names the bad value in the row's own error cell; the summary and the
    report, which are shared more widely, say only which column held it (the value may be
    free text: a name, a note)."""
    parts = []
    for part in _VALUE_IN_COLUMN.sub(r"\1\2: the value in column ", message).split("; "):
        if part.startswith(EXTRA_VALUES):
            part = "the extra values are kept in the row's error cell"
        parts.append(part)
    return "; ".join(parts)
  # shown on stderr
ERROR_ROWS = 200  # kept for the JSON summary and the HTML report
WARNING_ROWS = 200  # rows whose answers look inconsistent, kept likewise
DEPARTMENT_MAX = 500  # distinct departments counted; the rest are lumped together
ID_TABLE_BITS = 17  # room for 2**16 distinct staff ids (1.5 MiB, allocated once)
FOLD_AT = 4096  # distinct keys the chunk counters may reach before they are folded
DUPLICATES_SHOWN = 20
PROBLEM_ROWS = 20  # row numbers kept per (column, value) group
PROBLEM_GROUPS = 1000  # groups kept; the rows of any more are counted as 'other values'
OTHER_ERRORS = 20  # error rows kept whose problem is not a value (a row's width, its bytes)
_FLAGGED = attrgetter("flagged")
_UNCITED = attrgetter("uncited")


def _cited(row: list[str], sid: int | None, result: Any) -> str:
    """The row's staff_id as it may be cited: none for a row whose cells do not line up."""
    if sid is None or sid >= len(row) or result.uncited:
        return ""
    return row[sid].strip()

OTHER_DEPARTMENTS = "(other departments)"
_STATUS_REC = attrgetter("status_rec")
NO_DEPARTMENT = "(none)"
UNKNOWN_STAGE = "(missing or not recognised)"
ROW_NUMBERS = ("as a spreadsheet shows them: the header is row 1 when there is no title "
               "above it, a blank line is a row, and a cell over several lines is in one row")



class AssessSummary(TypedDict, total=False):
    """The summary of an `assess` run, as JSON-shaped data: `--summary FILE` writes it as it
    is (its keys are the contract's: docs/CONTRACT.md), and stderr, the HTML report and the
    screen word it (render/). Made by `Summary.to_dict` and completed by `batch.run`."""

    coachmentor_version: str
    rules: dict[str, str]  # name, version, date, hash
    input: dict[str, Any]  # name, kind, encoding, delimiter, sheet, header row, ...
    output: dict[str, Any]  # name, format, replaced_a_file, formula_guard, delimiter, cells_cut
    columns: dict[str, str]  # question -> the header of the column read for it
    columns_read: list[dict[str, Any]]  # the header map: question, column (or None), how
    unused_columns: list[str]
    unused_column_suggestions: dict[str, str]  # unused header -> the question it misspells
    rows: int
    row_numbers: str
    ok: int
    errors: int
    blank_rows_skipped: int
    recommendations: dict[str, int]
    alternatives: dict[str, int]
    rows_with_warnings: int
    warning_rows: list[dict[str, Any]]  # row, staff_id, warnings
    by_department: dict[str, dict[str, int]]
    by_career_stage: dict[str, dict[str, int]]
    capacity: dict[str, dict[str, Any]]  # coaching, mentoring: relationships, sessions, hours
    first_errors: list[dict[str, Any]]  # row, staff_id, error
    error_rows: list[dict[str, Any]]
    duplicate_staff_ids: dict[str, Any]  # rows, examples, checked_all
    value_problems: list[dict[str, Any]]  # how values were read, grouped by column and value
    value_problems_beyond: int
    error_rows_not_by_value: int
    other_errors: list[dict[str, Any]]
    accepted_values: dict[str, list[dict[str, str]]]  # question -> its values and labels
    suggestions_accepted: int
    recoded_cells: int
    # added by batch.run for the run as a whole
    redacted_columns: list[str]
    pseudonymised_unknown_columns: list[str]
    pseudonyms_stable: bool
    values_file: dict[str, Any]
    accept_suggestions: bool
    stale_temporary_files_removed: list[str]
    distinct_answer_combinations: int
    elapsed_seconds: float
    exit_code: int

class SummaryBuilder:
    def __init__(self, rules: RuleSet, columns: Columns) -> None:
        self.rules = rules
        self.columns = columns
        self.sid_col = columns.fields.get("staff_id")
        self.dept_col = columns.fields.get("department")
        self._results: Counter[Result] = Counter()  # rows per result, since the last fold
        self._depts: Counter[tuple[str, tuple[str, str]]] = Counter()  # rows per (department text, status_rec), idem
        # (status, recommendation, alternative, career stage) -> rows
        self.outcomes: Counter[tuple[str, str, str | None, str | None]] = Counter()
        self.warned_rows = 0
        self.warning_rows: list[tuple[int, str | None, tuple[str, ...]]] = []
        # (department, status, recommendation) -> rows
        self.by_dept: Counter[tuple[str, str, str]] = Counter()
        self.departments: dict[str, str] = {}  # folded -> the first spelling seen
        self._dept_seen: dict[str, str] = {}  # text as given -> department it counts under
        self.blank_rows = 0
        self.error_rows: list[tuple[int, str | None, str]] = []
        self.seen_ids: IdTable | None = None  # staff_id (hashed) -> first row
        self.ids_capped = False
        self.duplicates: dict[str, list[int]] = {}
        self.duplicate_rows = 0
        # (column, value) problems (batch.reading.Problem) -> [rows, first row numbers]
        self.problems: dict[Problem, list[Any]] = {}  # -> [count, [(row, staff id or None)]]
        self.problems_beyond = 0  # rows of problems past PROBLEM_GROUPS groups
        self.recoded = 0  # cells the values file gave a value (checks.RowChecks counts them)
        self.other_errors: list[tuple[int, str | None, str]] = []
        self.other_error_rows = 0

    # --- fed while streaming --------------------------------------------------------------
    def note_error(self, row: int, staff_id: str | None, message: str) -> None:
        """Keep the first ERROR_ROWS errors by row number (a later check may add to a row)."""
        entries = self.error_rows
        if len(entries) >= ERROR_ROWS and row > entries[-1][0]:
            return
        message = without_cell_values(message)
        entries = [e for e in entries if e[0] != row]
        entries.append((row, shown(staff_id.strip(), 60) if staff_id else None, message))
        entries.sort(key=itemgetter(0))
        self.error_rows = entries[:ERROR_ROWS]

    def absorb(self, rows: list[list[str]], results: list[Result], numbers: list[int],
               blanks: int) -> None:
        """Count one chunk (`numbers`: each row's number in the file), with C-level counting
        only (Counter.update of an iterable); the counters are folded into the totals now and
        then, so they stay small."""
        self.blank_rows += blanks
        if not rows:
            return
        self._results.update(results)
        if self.dept_col is not None:
            self._depts.update(zip(map(itemgetter(self.dept_col), rows),
                                   map(_STATUS_REC, results)))
        if len(self._results) > FOLD_AT or len(self._depts) > FOLD_AT:
            self._fold()
        if self.sid_col is not None and not self.ids_capped:
            self._staff_ids(rows, numbers, results)
        if len(self.warning_rows) < WARNING_ROWS:
            self._warnings(rows, results, numbers)
        if any(map(_FLAGGED, results)):
            self._problems(rows, results, numbers)

    def _problems(self, rows: list[list[str]], results: list[Result], numbers: list[int]) -> None:
        """Rows grouped by the values they did not read plainly, and the error rows that no
        value explains (kept with their message)."""
        groups, sid = self.problems, self.sid_col
        for row, result, n in zip(rows, results, numbers):
            if not result.flagged:
                continue
            if result.status != "ok" and not any(p.error for p in result.problems):
                self.other_error_rows += 1
                if len(self.other_errors) < OTHER_ERRORS:
                    staff = _cited(row, sid, result)
                    self.other_errors.append((n, shown(staff, 60) if staff else None,
                                              without_cell_values(result.error)))
            for p in result.problems:
                group = groups.get(p)
                if group is None:
                    if len(groups) >= PROBLEM_GROUPS:
                        self.problems_beyond += 1
                        continue
                    group = groups[p] = [0, []]
                group[0] += 1
                if len(group[1]) < PROBLEM_ROWS:
                    staff = _cited(row, sid, result)
                    group[1].append((n, shown(staff, 60) if staff else None))

    def _warnings(self, rows: list[list[str]], results: list[Result], numbers: list[int]) -> None:
        """The first WARNING_ROWS rows with warnings: row, staff_id and the rule base's texts
        (never a cell but the staff_id)."""
        sid = self.sid_col
        for row, result, n in zip(rows, results, numbers):
            if result.warnings:
                staff = _cited(row, sid, result)
                self.warning_rows.append((n, shown(staff, 60) if staff else None,
                                          result.warnings))
                if len(self.warning_rows) >= WARNING_ROWS:
                    return

    def _fold(self) -> None:
        for result, count in self._results.items():
            self.outcomes[(result.status, result.recommendation, result.alternative,
                           result.stage)] += count
            if result.warnings:  # answers that look inconsistent: worth a second look
                self.warned_rows += count
        for (dept, (status, rec)), count in self._depts.items():
            self.by_dept[(self._department(dept), status, rec)] += count
        self._results.clear()
        self._depts.clear()

    def _department(self, text: str) -> str:
        hit = self._dept_seen.get(text)
        if hit is not None:
            return hit
        shown_as = self._department_name(text)
        if len(self._dept_seen) < DEPARTMENT_MAX * 4:
            self._dept_seen[text] = shown_as
        return shown_as

    def _department_name(self, text: str) -> str:
        text = text.strip()
        if not text:
            return NO_DEPARTMENT
        key = fold(text)
        known = self.departments.get(key)
        if known is None:
            if len(self.departments) >= DEPARTMENT_MAX:
                return OTHER_DEPARTMENTS
            self.departments[key] = known = text
        return known

    def _staff_ids(self, rows: list[list[str]], numbers: list[int], results: list[Result]) -> None:
        table = self.seen_ids
        if table is None:
            table = self.seen_ids = IdTable()
        add = table.add
        ids: Iterable[tuple[int, str]] = zip(numbers, map(str.strip, map(itemgetter(self.sid_col), rows)))
        if any(map(_UNCITED, results)):  # a row that does not line up has no id to compare
            ids = ((n, "" if r.uncited else sid) for (n, sid), r in zip(ids, results))
        for n, sid in ids:
            if not sid:
                continue
            first = add(hash(sid), n)
            if first is None:
                continue
            self.duplicate_rows += 1
            rows_of = self.duplicates.get(sid)
            if rows_of is None and len(self.duplicates) < DUPLICATES_SHOWN:
                self.duplicates[sid] = rows_of = [first]
            if rows_of is not None and len(rows_of) < 10:
                rows_of.append(n)
        if table.full():
            self.ids_capped = True
            self.seen_ids = None

    # --- the result -----------------------------------------------------------------------
    def to_dict(self, **context: Any) -> AssessSummary:
        """The summary as plain data (JSON-ready). `context` adds input/output details."""
        self._fold()
        rules = self.rules
        recs = Counter({r: 0 for r in RECOMMENDATIONS})
        alts: Counter[str] = Counter()
        by_dept: dict[str, Counter[str]] = {}
        by_stage: dict[str, Counter[str]] = {s: Counter() for s in rules.choice_values["career_stage"]}
        ok = errors = 0
        for (status, rec, alt, stage), n in self.outcomes.items():
            if status == "ok":
                ok += n
                recs[rec] += n
                if alt:
                    alts[alt] += n
            else:
                errors += n
            _count(by_stage.setdefault(stage or UNKNOWN_STAGE, Counter()), status, rec, n)
        for (dept, status, rec), n in self.by_dept.items():
            _count(by_dept.setdefault(dept, Counter()), status, rec, n)
        plans = rules.model.plans
        capacity = {}
        kinds: tuple[tuple[Literal["coaching", "mentoring"], tuple[str, str]], ...] = (
            ("coaching", ("coaching", "both")), ("mentoring", ("mentoring", "both")))
        for kind, counted in kinds:
            n = sum(recs[r] for r in counted)
            plan = plans.get(kind)
            sessions = getattr(plan, "sessions", None)
            per = getattr(plan, "hours_per_session", None)
            hours = n * sessions * per if sessions is not None and per is not None else None
            capacity[kind] = {
                "relationships": n,
                "sessions_each": sessions,
                "hours_per_session": _number(per),
                "hours": _number(hours),
            }
        listed = [
            {"row": row, "staff_id": sid or None, "error": message}
            for row, sid, message in self.error_rows
        ]
        return cast(AssessSummary, {  # the context's keys are AssessSummary's (batch.run)
            "coachmentor_version": __version__,
            "rules": {"name": rules.name, "version": rules.version, "date": rules.date,
                      "hash": rules.hash},
            **context,
            "columns": {fid: self.columns.header[i].strip() for fid, i in
                        sorted(self.columns.fields.items(), key=itemgetter(1))},
            # the header map: for every question, the column read for it (or none) and who
            # chose it ('header': its header names it; '--column'; or the values file's name)
            "columns_read": [
                {"question": fid,
                 "column": (self.columns.header[self.columns.fields[fid]].strip()
                            if fid in self.columns.fields else None),
                 "how": self.columns.how.get(fid)}
                for fid in rules.question_order],
            "unused_columns": list(self.columns.unused),
            # unused header -> the field its name is a misspelling of ('did you mean')
            "unused_column_suggestions": dict(self.columns.hints),
            "rows": ok + errors,
            "row_numbers": ROW_NUMBERS,
            "ok": ok,
            "errors": errors,
            "blank_rows_skipped": self.blank_rows,
            "recommendations": dict(recs),
            "alternatives": dict(sorted(alts.items(), key=lambda kv: (-kv[1], kv[0]))),
            "rows_with_warnings": self.warned_rows,
            # the first WARNING_ROWS of them, for a person to find: row, staff_id, what
            "warning_rows": [{"row": n, "staff_id": sid, "warnings": list(w)}
                             for n, sid, w in self.warning_rows],
            "by_department": {k: _group(v) for k, v in sorted(by_dept.items(), key=_dept_order)},
            "by_career_stage": {k: _group(v) for k, v in by_stage.items() if v},
            "capacity": capacity,
            "first_errors": listed[:FIRST_ERRORS],
            "error_rows": listed,  # the first ERROR_ROWS, for a report's table
            "duplicate_staff_ids": {
                "rows": self.duplicate_rows,
                "examples": [{"staff_id": shown(s, 60), "rows": r}
                             for s, r in self.duplicates.items()],
                "checked_all": not self.ids_capped,
            },
            # How values were read: grouped by (column, value), errors first, then warnings.
            **self._value_groups(),
        })

    def _value_groups(self) -> dict[str, Any]:
        rules = self.rules
        groups = sorted(self.problems.items(),
                        key=lambda kv: (not kv[0].error, -kv[1][0], kv[0].header.casefold(),
                                        kv[0].shown.casefold()))
        listed = [problem_group(rules, p, count, rows) for p, (count, rows) in groups]
        fids = list(dict.fromkeys(p.fid for p, _ in groups
                                  if p.kind in (NOT_READ, EMPTY, READ_AS_BLANK, AMBIGUOUS_READ)))
        return {
            "value_problems": listed,
            "value_problems_beyond": self.problems_beyond,
            "error_rows_not_by_value": self.other_error_rows,
            "other_errors": [{"row": n, "staff_id": sid, "error": message}
                             for n, sid, message in self.other_errors],
            "accepted_values": {f: accepted_values(rules, f) for f in
                                sorted(fids, key=rules.question_order.index)},
            "recoded_cells": self.recoded,
            "suggestions_accepted": sum(c for p, (c, _) in groups if p.kind == SUGGESTED),
        }


def problem_group(rules: RuleSet, p: Problem, count: int,
                  rows: list[tuple[int, str | None]]) -> dict[str, Any]:
    """One (column, value) group for the summary: what it is and what to do (`fix`)."""
    labels = {c.value: c.label for c in rules.questions[p.fid].choices}
    hint = (f"; did you mean '{_short(labels.get(p.suggestion, p.suggestion))}' "
            f"({p.suggestion})?" if p.suggestion else "")
    if p.kind == NOT_READ:
        fix = "not an accepted value" + (hint if hint else ": write one of the accepted values")
    elif p.kind == EMPTY:
        fix = ("means no answer; a recommendation needs one" if p.no_answer
               else "empty; a recommendation needs an answer")
    elif p.kind == OUTSIDE:
        fix = p.note
    elif p.kind == AMBIGUOUS_READ:
        fix = f"read as {p.value}, with a warning: {p.note}"
    elif p.kind == SUGGESTED:
        fix = (f"read as its suggestion '{_short(labels.get(p.value, p.value))}' ({p.value}), "
               "with a warning (--accept-suggestions)")
    elif p.note:
        fix = f"read as not answered: {p.note}"
    else:
        fix = f"not an accepted value{hint}: read as not answered"
    return {
        "question": p.fid,
        "column": p.header,
        "value": p.shown or None,  # as it may be shown: quoted, or its length and first letters
        "kind": p.kind,
        "error": p.error,
        "read_as": p.value or None,
        "suggestion": p.suggestion or None,
        "suggestion_label": labels.get(p.suggestion) if p.suggestion else None,
        "rows": count,
        "row_numbers": [n for n, _ in rows],  # the first PROBLEM_ROWS
        "staff_ids": [sid for _, sid in rows],  # theirs (None where blank)
        "fix": fix,
    }


def _short(label: str) -> str:
    return label.split(" (", 1)[0]


class IdTable:
    """A fixed-size set of staff_id hashes with the row each was first seen in: open
    addressing in two arrays (1.5 MiB, allocated once), where a dict of as many ids would take
    several times that. Exact up to a 64-bit hash collision."""

    def __init__(self, bits: int = ID_TABLE_BITS) -> None:
        size = 1 << bits
        self.mask = size - 1
        self.keys = array("q", bytes(8 * size))  # 0 = empty
        self.rows = array("i", bytes(4 * size))
        self.count = 0
        self.limit = size // 2

    @staticmethod
    def capacity(bits: int = ID_TABLE_BITS) -> int:
        return (1 << bits) // 2

    def full(self) -> bool:
        return self.count >= self.limit

    def add(self, h: int, row: int) -> int | None:
        """Record `h` first seen in `row`; if it was seen before, return that row instead."""
        h = h or 1
        keys, mask = self.keys, self.mask
        i = h & mask
        while True:
            k = keys[i]
            if k == 0:
                keys[i] = h
                self.rows[i] = min(row, 0x7FFFFFFF)
                self.count += 1
                return None
            if k == h:
                return self.rows[i]
            i = (i + 1) & mask


def _count(c: Counter[str], status: str, rec: str, n: int) -> None:
    c["rows"] += n
    c[status] += n
    if status == "ok":
        c[rec] += n


def _number(x: float | None) -> float | int | None:
    if x is None:
        return None
    return int(x) if float(x).is_integer() else round(x, 2)


def _group(c: Counter[str]) -> dict[str, int]:
    out = {"rows": c["rows"], "ok": c["ok"], "errors": c["error"]}
    for r in RECOMMENDATIONS:
        out[r] = c[r]
    return out


def _dept_order(kv: tuple[str, Counter[str]]) -> tuple[Any, ...]:
    name = kv[0]
    return (name in (NO_DEPARTMENT, OTHER_DEPARTMENTS), name.casefold())


# --- rendering -----------------------------------------------------------------------------


# A group's breakdown, in brief (the line above it gives the rule base's full headlines).
