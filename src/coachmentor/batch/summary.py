"""The summary of a batch: counts, errors, duplicate staff ids and the capacity to plan for.

`SummaryBuilder` is fed chunk by chunk while the rows stream past; `to_dict()` gives a plain,
JSON-ready dict — the one shape the stderr summary, `--summary FILE` and an HTML report all
read. It holds row numbers, staff_id values, department texts and header texts; never a
name, a note, or any other cell.
"""

from __future__ import annotations

from array import array
import re
from collections import Counter
from operator import attrgetter, itemgetter
from typing import Any

from .. import __version__
from ..normalise import fold
from ..ruleset import RuleSet
from .cells import Result
from .checks import EXTRA_VALUES
from .columns import Columns
from .messages import shown

FIRST_ERRORS = 5
_VALUE_IN_COLUMN = re.compile(r"(^|; )(\w+): '.*?' in column ")


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
DEPARTMENT_MAX = 500  # distinct departments counted; the rest are lumped together
ID_TABLE_BITS = 17  # room for 2**16 distinct staff ids (1.5 MiB, allocated once)
FOLD_AT = 4096  # distinct keys the chunk counters may reach before they are folded
DUPLICATES_SHOWN = 20
RECOMMENDATIONS = ("coaching", "mentoring", "both", "other")
OTHER_DEPARTMENTS = "(other departments)"
_STATUS_REC = attrgetter("status_rec")
NO_DEPARTMENT = "(none)"
UNKNOWN_STAGE = "(missing or not recognised)"
ROW_NUMBERS = ("as in the file: the CSV line or .xlsx sheet row where the row starts (the "
               "header is row 1 when there is no title above it)")


class SummaryBuilder:
    def __init__(self, rules: RuleSet, columns: Columns) -> None:
        self.rules = rules
        self.columns = columns
        self.sid_col = columns.fields.get("staff_id")
        self.dept_col = columns.fields.get("department")
        self._results: Counter[Result] = Counter()  # rows per result, since the last fold
        self._depts: Counter[tuple] = Counter()  # rows per (department text, status_rec), idem
        # (status, recommendation, alternative, career stage) -> rows
        self.outcomes: Counter[tuple] = Counter()
        self.warned_rows = 0
        # (department, status, recommendation) -> rows
        self.by_dept: Counter[tuple] = Counter()
        self.departments: dict[str, str] = {}  # folded -> the first spelling seen
        self._dept_seen: dict[str, str] = {}  # text as given -> department it counts under
        self.blank_rows = 0
        self.error_rows: list[tuple[int, str | None, str]] = []
        self.seen_ids: IdTable | None = None  # staff_id (hashed) -> first row
        self.ids_capped = False
        self.duplicates: dict[str, list[int]] = {}
        self.duplicate_rows = 0

    # --- fed while streaming --------------------------------------------------------------
    def note_error(self, row: int, staff_id: str | None, message: str) -> None:
        """Keep the first ERROR_ROWS errors by row number (a later check may add to a row)."""
        message = without_cell_values(message)
        entries = self.error_rows
        if len(entries) >= ERROR_ROWS and row > entries[-1][0]:
            return
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
            self._staff_ids(rows, numbers)

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

    def _staff_ids(self, rows: list[list[str]], numbers: list[int]) -> None:
        table = self.seen_ids
        if table is None:
            table = self.seen_ids = IdTable()
        add = table.add
        for n, sid in zip(numbers, map(str.strip, map(itemgetter(self.sid_col), rows))):
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
    def to_dict(self, **context: Any) -> dict[str, Any]:
        """The summary as plain data (JSON-ready). `context` adds input/output details."""
        self._fold()
        rules = self.rules
        recs = Counter({r: 0 for r in RECOMMENDATIONS})
        alts: Counter[str] = Counter()
        by_dept: dict[str, Counter] = {}
        by_stage: dict[str, Counter] = {s: Counter() for s in rules.choice_values["career_stage"]}
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
        for kind, counted in (("coaching", ("coaching", "both")), ("mentoring", ("mentoring", "both"))):
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
        return {
            "coachmentor_version": __version__,
            "rules": {"name": rules.name, "version": rules.version, "date": rules.date,
                      "hash": rules.hash},
            **context,
            "columns": {fid: self.columns.header[i].strip() for fid, i in
                        sorted(self.columns.fields.items(), key=itemgetter(1))},
            "unused_columns": list(self.columns.unused),
            "rows": ok + errors,
            "row_numbers": ROW_NUMBERS,
            "ok": ok,
            "errors": errors,
            "blank_rows_skipped": self.blank_rows,
            "recommendations": dict(recs),
            "alternatives": dict(sorted(alts.items(), key=lambda kv: (-kv[1], kv[0]))),
            "rows_with_warnings": self.warned_rows,
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
        }


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


def _count(c: Counter, status: str, rec: str, n: int) -> None:
    c["rows"] += n
    c[status] += n
    if status == "ok":
        c[rec] += n


def _number(x: float | None) -> float | int | None:
    if x is None:
        return None
    return int(x) if float(x).is_integer() else round(x, 2)


def _group(c: Counter) -> dict[str, int]:
    out = {"rows": c["rows"], "ok": c["ok"], "errors": c["error"]}
    for r in RECOMMENDATIONS:
        out[r] = c[r]
    return out


def _dept_order(kv: tuple[str, Counter]) -> tuple:
    name = kv[0]
    return (name in (NO_DEPARTMENT, OTHER_DEPARTMENTS), name.casefold())


# --- rendering -----------------------------------------------------------------------------


# A group's breakdown, in brief (the line above it gives the rule base's full headlines).
IN_BRIEF = {"coaching": "coaching", "mentoring": "mentoring", "both": "both",
            "other": "other support first"}


def render_text(d: dict[str, Any], rules: RuleSet | None = None) -> str:
    """The summary as plain lines for stderr (no names: only counts, row numbers, staff_id).

    People read it: recommendations, alternatives and career stages are in the rule base's
    words (`rules`, else the shipped rule base when `d` was made with it, else the ids in
    words), and staff ids are named by the user's own column header."""
    from ..report_html import wording

    words = wording(d, rules)
    sid = shown(words.header("staff_id", "staff_id"), 30)
    lines = []
    head = f"coachmentor assess: {d['rows']:,} row(s): {d['ok']:,} ok, {d['errors']:,} error(s)"
    if d.get("blank_rows_skipped"):
        head += f"; {d['blank_rows_skipped']:,} blank row(s) skipped"
    if d.get("elapsed_seconds") is not None:
        head += f" ({d['elapsed_seconds']:.2f} s)"
    lines.append(head)
    recs = d["recommendations"]
    lines.append("  recommendations: " + ", ".join(f"{words.rec(k)} {v:,}" for k, v in recs.items()))
    if d["alternatives"]:
        lines.append(f"  '{words.rec('other')}' means: " + ", ".join(
            f"{words.alternative(k)} {v:,}" for k, v in d["alternatives"].items()))
    if d.get("rows_with_warnings"):
        lines.append(f"  {d['rows_with_warnings']:,} row(s) with answers that look inconsistent: "
                     "see their 'warnings' column")
    for title, key, name_of in (("by career stage", "by_career_stage", words.stage_short),
                                ("by department", "by_department", words.group)):
        groups = d.get(key) or {}
        if not groups:
            continue
        lines.append(f"  {title}:")
        shown_groups = list(groups.items())
        for name, g in shown_groups[:15]:
            parts = [f"{IN_BRIEF[r]} {g[r]:,}" for r in RECOMMENDATIONS if g[r]]
            if g["errors"]:
                parts.append(f"errors {g['errors']:,}")
            lines.append(f"    {shown(name_of(name), 60)}: {g['rows']:,} ({', '.join(parts)})")
        if len(shown_groups) > 15:
            lines.append(f"    ... and {len(shown_groups) - 15} more")
    cap = d["capacity"]
    c, m = cap["coaching"], cap["mentoring"]
    lines.append(
        f"  capacity: {c['relationships']:,} coaching relationship(s)"
        + (f", about {c['hours']:,} coach hours" if c["hours"] is not None else "")
        + (f" ({c['sessions_each']} sessions x {c['hours_per_session']} h)" if c["hours"] else "")
        + f"; {m['relationships']:,} mentoring relationship(s)"
        + (f", about {m['hours']:,} mentor hours" if m["hours"] is not None else "")
        + (f" ({m['sessions_each']} sessions x {m['hours_per_session']} h)" if m["hours"] else "")
    )
    inp = d.get("input") or {}
    if d["errors"]:
        lines.append(f"  errors ({d['errors']:,} row(s); the first "
                     f"{len(d['first_errors'])}):")
        for e in d["first_errors"]:
            value = shown(e["staff_id"].strip(), 30) if (e["staff_id"] or "").strip() else ""
            where = f"row {e['row']} ({sid} {value})" if value else f"row {e['row']}"
            lines.append(f"    {where}: {e['error']}")
    dup = d["duplicate_staff_ids"]
    if dup["rows"]:
        lines.append(f"  warning: {dup['rows']:,} row(s) repeat a {sid} given in an earlier row:")
        for e in dup["examples"][:5]:
            lines.append(f"    {sid} {e['staff_id']}: rows {', '.join(map(str, e['rows']))}")
    if not dup["checked_all"]:
        lines.append(f"  note: repeated {sid} checked among the first {IdTable.capacity():,} "
                     "distinct ids only")
    if "redacted_columns" in d:  # --redact: which columns were treated how, by header
        named = ", ".join(f"'{shown(c, 30)}'" for c in d["redacted_columns"]) or "none found"
        lines.append(f"  redacted (--redact): name columns pseudonymised: {named}")
        unknown = d.get("pseudonymised_unknown_columns") or []
        if unknown:
            more = f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""
            lines.append("  redacted (--redact): columns coachmentor does not know, pseudonymised: "
                         + ", ".join(f"'{shown(u, 30)}'" for u in unknown[:10]) + more)
        if d["errors"]:
            lines.append("  redacted (--redact): in error rows, values that are not accepted "
                         "answers are pseudonymised, extra values removed")
        if not d.get("pseudonyms_stable"):
            lines.append("  redacted (--redact): pseudonyms differ between runs (set "
                         "COACHMENTOR_REDACT_KEY to keep them)")
    elif d["unused_columns"]:
        lines.append("  columns carried through, not used: " + ", ".join(
            f"'{shown(u, 30)}'" for u in d["unused_columns"][:10]))
    stale = d.get("stale_temporary_files_removed") or []
    if stale:
        lines.append(f"  note: removed {len(stale)} temporary file(s) left by an earlier run that "
                     "was killed: " + ", ".join(f"'{shown(name, 400)}'" for name in stale[:5]))
    if inp.get("rows_above_header_skipped"):
        where = "sheet row" if inp.get("kind") == "xlsx" else "line"
        lines.append(f"  note: the header is on {where} {inp['header_row']}; "
                     f"{inp['rows_above_header_skipped']} row(s) above it skipped")
    if (inp.get("encoding") or "").startswith("cp1252"):
        lines.append("  note: the input is not UTF-8; it was read as cp1252 (set --encoding to override)")
    lines.append(
        f"  rules: {d['rules']['name']} {d['rules']['version']} ({d['rules']['hash']})"
    )
    return "\n".join(lines) + "\n"
