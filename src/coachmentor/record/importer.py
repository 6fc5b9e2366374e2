"""`record import FILE`: a supporter's workbook (from `record sheet`) back into the record.

All or nothing: every row of every tab is checked first (each refused row named by file, tab,
row and column, with what was expected, never quoting the cell); one refused row and nothing
is written. Otherwise everything goes in in one transaction, with an audit of the fields
changed. Rows already recorded and unchanged change nothing, so the same workbook can be
imported again and again over the year. A blank cell leaves what is recorded as it is (an
import never deletes).

Side effects a CPD lead would expect: an agreement review held makes a proposed relationship
active (the pair have met); an end review held completes it, ended on the review's date.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from coachmentor.errors import InputFileError
from coachmentor.record.dates import parse_date
from coachmentor.record.db import Database, today
from coachmentor.record.layout import META, NOTES, PRIVATE_MARK, SHEETS, YES_NO, Column
from coachmentor.record.problems import Collector, Problem, Refused
from coachmentor.record.store import Audit, T, insert_many, setting, update_many
from coachmentor.record.vocab import (
    MAX_GOALS,
    STATUTORY,
    fold_value,
    lookup,
)
from coachmentor.rulebase.model import COACHING_TYPES, MENTORING_TYPES

TYPES = {"coaching": COACHING_TYPES, "mentoring": MENTORING_TYPES}
MAX_TEXT = 1000


@dataclass
class ImportResult:
    db: str
    file: str
    made_for: str
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def tally(self, table: str, what: str, n: int = 1) -> None:
        t = self.counts.setdefault(table, {"added": 0, "changed": 0, "unchanged": 0})
        t[what] += n


@dataclass
class Parsed:
    sheet: str
    row: int
    rid: int
    values: dict[str, Any]
    staff_id: str = ""


def import_workbook(db: Database, source: str | Path, *, read_opts: dict[str, Any] | None = None
                    ) -> ImportResult:
    name = str(source)
    book = _workbook(source)
    made_for = _meta(book)
    tabs = {}
    for title, cols in SHEETS.items():
        tab = _read_tab(book, name, title, cols)
        if tab is not None:
            tabs[title] = tab
    if not tabs:
        raise InputFileError(f"{name}: none of the tabs {', '.join(SHEETS)} is in this workbook",
                             hint="make one with: coachmentor record sheet --supporter ID -o FILE")
    return import_tabs(db, name, tabs, made_for)


def import_tabs(db: Database, name: str,
                tabs: dict[str, tuple[dict[str, int], list[tuple[int, list[str]]]]],
                made_for: tuple[str, str] | tuple[()] = (), command: str = "record import"
                ) -> ImportResult:
    """Check and write rows given as text cells by tab (a workbook's, or `record review`'s
    one row): all or nothing."""
    problems: list[Problem] = []
    result = ImportResult(db=db.name, file=name, made_for=" ".join(made_for) or "anyone")
    with db.transaction() as conn:
        notes_on = setting(conn, "notes", "off") == "on"
        known = _relationships(conn, made_for)
        parsed: dict[str, list[Parsed]] = {}
        for title, (header_cols, rows) in tabs.items():
            bad = Collector(name, title)
            parsed[title] = _parse(title, header_cols, rows, known, notes_on, bad)
            problems.extend(bad.problems)
        state = _State.load(conn, known)
        problems.extend(_cross_checks(name, parsed, state, known))
        if problems:
            order = list(SHEETS)
            raise Refused(sorted(problems, key=lambda q: (order.index(q.sheet or order[0]),
                                                          q.row or 0)), name, db.name)
        audit = Audit(command)
        _apply(conn, parsed, state, known, audit, result)
        audit.write(conn)
    return result


# --- reading -------------------------------------------------------------------------------

def _workbook(source: str | Path) -> dict[str, list[list[str]]]:
    """Every tab of the workbook as rows of text (dates as YYYY-MM-DD, as `assess` reads a
    sheet), read in one pass. The zip archive is checked first, as `assess` checks one: a
    part that would expand past the limits is refused before anything is parsed."""
    import warnings
    import zipfile

    from coachmentor.files.table import XLSX_RATIO_FLOOR, XLSX_RATIO_LIMIT, XLSX_SHEET_LIMIT, cell_text

    name = str(source)
    try:
        with zipfile.ZipFile(source) as archive:
            for info in archive.infolist():
                if info.file_size > XLSX_SHEET_LIMIT or (
                        info.file_size > XLSX_RATIO_FLOOR
                        and info.file_size > XLSX_RATIO_LIMIT * max(info.compress_size, 1)):
                    raise InputFileError(f"{name}: part '{info.filename}' would expand beyond "
                                         "the limits for a workbook; refusing it")
        from openpyxl import load_workbook

        with warnings.catch_warnings():  # openpyxl's notes on parts it ignores; ours alone
            warnings.simplefilter("ignore")
            wb = load_workbook(source, read_only=True, data_only=True)
    except InputFileError:
        raise
    except FileNotFoundError:
        raise InputFileError(f"{name}: no such file") from None
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InputFileError(f"{name}: not a readable .xlsx workbook ({type(exc).__name__}); "
                             "save it again from Excel as .xlsx") from None
    try:
        return {ws.title: [[cell_text(v) for v in row]
                           for row in ws.iter_rows(values_only=True)]
                for ws in wb.worksheets if ws.title in (*SHEETS, META)}
    finally:
        wb.close()


def _meta(book: dict[str, list[list[str]]]) -> tuple[str, str] | tuple[()]:
    for row in book.get(META, []):
        if len(row) >= 3 and row[0] == "made_for" and row[1] in ("supporter", "school"):
            return row[1], row[2]
    return ()


def _read_tab(book: dict[str, list[list[str]]], name: str, title: str, cols: tuple[Column, ...]
              ) -> tuple[dict[str, int], list[tuple[int, list[str]]]] | None:
    """(field -> column, [(sheet row, cells)]) of one tab; None when the tab is not there."""
    if title not in book:
        return None
    words = {fold_value(c.header): c.field for c in (*cols, NOTES)}
    words.update({fold_value(c.field): c.field for c in (*cols, NOTES)})
    rows = book[title]
    for at, cells in enumerate(rows):
        index: dict[str, int] = {}
        for i, text in enumerate(cells):
            fid = words.get(fold_value(text))
            if fid is not None and fid not in index:
                index[fid] = i
        if "relationship" in index:
            return index, [(n, cells) for n, cells in enumerate(rows[at + 1:], start=at + 2)]
    raise InputFileError(f"{name}: sheet '{title}': no header row with a 'relationship' column")


def _relationships(conn: Any, made_for: tuple[str, str] | tuple[()]) -> dict[int, dict[str, Any]]:
    """The relationships this workbook may touch: its supporter's or its school's (all, for a
    workbook with no `meta` tab: one a leader made by hand)."""
    r, p = T["relationship"], T["person"]
    sup = p.alias("sup")
    q = (select(r.c.id, r.c.support, r.c.status, r.c.start_date, r.c.planned_end,
                r.c.delivered, r.c.delivered_type, r.c.cadence, r.c.end_reason, r.c.ended_on,
                p.c.staff_id, p.c.school, p.c.stage, sup.c.staff_id.label("supporter_id"))
         .join(p, p.c.id == r.c.staff_person_id)
         .join(sup, sup.c.id == r.c.supporter_person_id))
    out = {m["id"]: dict(m) for m in conn.execute(q).mappings()}
    if made_for:
        kind, value = made_for
        key = "supporter_id" if kind == "supporter" else "school"
        for rel in out.values():
            rel["in_scope"] = rel[key] == value
    else:
        for rel in out.values():
            rel["in_scope"] = True
    return out


# --- one tab -------------------------------------------------------------------------------

def _parse(title: str, index: dict[str, int], rows: list[tuple[int, list[str]]],
           known: dict[int, dict[str, Any]], notes_on: bool, bad: Collector) -> list[Parsed]:
    cols = {c.field: c for c in (*SHEETS[title], NOTES)}
    if "relationship" not in index:
        bad.add(1, "relationship", "no such column; the first column names the relationship")
        return []
    editable = [f for f in index if cols[f].kind not in ("info", "ref") and f != "stage"
                and f != "number"]
    out: list[Parsed] = []
    for n, cells in rows:
        def cell(fid: str, cells: list[str] = cells) -> str:
            i = index.get(fid)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        if not any(cell(f) for f in editable):
            continue  # a row not filled in (a pre-filled review not yet held, a spare row)
        ref = cell("relationship")
        rid = _ref(ref)
        rel = known.get(rid) if rid is not None else None
        if rid is None or rel is None or not rel["in_scope"]:
            bad.add(n, "relationship", "empty; pick the relationship from the list" if not ref
                    else "not one of this workbook's relationships; pick it from the list")
            continue
        sid = rel["staff_id"]
        values: dict[str, Any] = {}
        before = len(bad.problems)
        for fid in index:
            col = cols[fid]
            if col.kind == "info" or col.kind == "ref":
                continue
            text = cell(fid)
            if fid == "notes" and text and text != PRIVATE_MARK and not notes_on:
                bad.add(n, col.header, "notes are off at this school; clear the cell (a CPD "
                        "lead can turn them on: record settings --notes on)", sid)
                continue
            ok, value = _value(col, text)
            if not ok:
                bad.add(n, col.header, value, sid)
                continue
            values[fid] = value
        if len(bad.problems) == before:  # a refused row is not checked further
            out.append(Parsed(title, n, rid, values, sid))
    return out


def _ref(text: str) -> int | None:
    head = text.split(" ", 1)[0].split("·", 1)[0].strip()
    if head.endswith(".0"):
        head = head[:-2]
    return int(head) if head.isdigit() else None


def _value(col: Column, text: str) -> tuple[bool, Any]:
    """(True, the value; None for blank) or (False, what was expected)."""
    if not text:
        return True, None
    if col.kind == "date":
        day = parse_date(text)
        return (True, day) if day else (False, "not a date (expected a date such as 14/10/2025)")
    if col.kind in ("int", "rating"):
        number = text[:-2] if text.endswith(".0") else text
        if number.isdigit() and col.low <= int(number) <= col.high:
            return True, int(number)
        return False, f"not a whole number from {col.low} to {col.high}"
    if col.kind == "yesno":
        word = fold_value(text)
        if word in ("yes", "y", "true"):
            return True, True
        if word in ("no", "n", "false"):
            return True, False
        return False, "not yes or no"
    if col.kind == "choice":
        value = _lookup(col.choices).get(fold_value(text))
        if value is None:
            return False, "not one of: " + ", ".join(_words(col))
        return True, value
    if len(text) > MAX_TEXT:
        return False, f"longer than {MAX_TEXT} characters; keep it short"
    return True, text


@functools.cache
def _lookup(choices: tuple[str, ...]) -> dict[str, str]:
    return lookup(choices)


def _words(col: Column) -> tuple[str, ...]:
    from coachmentor.record.layout import choice_words

    return choice_words(col) if col.kind == "choice" else YES_NO


# --- across tabs and against the record ------------------------------------------------------

@dataclass
class _State:
    goals: dict[tuple[int, int], dict[str, Any]]
    checks: dict[tuple[int, dt.date], dict[str, Any]]
    reviews: dict[tuple[int, str], dict[str, Any]]
    progress: dict[int, dict[int, dict[str, Any]]]
    statutory: set[tuple[int, dt.date]]

    @classmethod
    def load(cls, conn: Any, known: dict[int, dict[str, Any]]) -> _State:
        ids = [rid for rid, rel in known.items() if rel["in_scope"]]
        goals: dict[tuple[int, int], dict[str, Any]] = {}
        checks: dict[tuple[int, dt.date], dict[str, Any]] = {}
        reviews: dict[tuple[int, str], dict[str, Any]] = {}
        progress: dict[int, dict[int, dict[str, Any]]] = {}
        statutory: set[tuple[int, dt.date]] = set()
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            for m in _select(conn, "goal", chunk):
                goals[(m["relationship_id"], m["number"])] = m
            for m in _select(conn, "check_in", chunk):
                checks[(m["relationship_id"], m["on_date"])] = m
            for m in _select(conn, "review", chunk):
                reviews[(m["relationship_id"], m["stage"])] = m
            for m in _select(conn, "statutory_review", chunk):
                statutory.add((m["relationship_id"], m["held_on"]))
        review_ids = {m["id"] for m in reviews.values()}
        gp = T["goal_progress"]
        rlist = sorted(review_ids)
        for i in range(0, len(rlist), 500):
            for m in conn.execute(select(gp).where(gp.c.review_id.in_(rlist[i:i + 500]))
                                  ).mappings():
                progress.setdefault(m["review_id"], {})[m["goal_number"]] = dict(m)
        return cls(goals, checks, reviews, progress, statutory)


def _select(conn: Any, table: str, ids: list[int]) -> list[dict[str, Any]]:
    t = T[table]
    return [dict(m) for m in conn.execute(select(t).where(t.c.relationship_id.in_(ids)))
            .mappings()]


def _cross_checks(name: str, parsed: dict[str, list[Parsed]], state: _State,
                  known: dict[int, dict[str, Any]]) -> list[Problem]:
    """What one row cannot tell: duplicates, goals a review refers to, stage rules, dates."""
    check = _CrossCheck(name, state, known)
    for p in parsed.get("Relationships", []):
        check.relationship(p)
    for p in parsed.get("Goals", []):
        check.goal(p)
    for p in parsed.get("Check-ins", []):
        check.check_in(p)
    for p in parsed.get("Reviews", []):
        check.review(p)
    return check.out


class _CrossCheck:
    """The checks across rows, a sheet's rows at a time (goals before the reviews that read
    them); the problems in `out`, in the order found."""

    def __init__(self, name: str, state: _State, known: dict[int, dict[str, Any]]) -> None:
        self.name, self.state, self.known = name, state, known
        self.now = today()
        self.out: list[Problem] = []
        self.goals: dict[Any, bool] = {k: True for k in state.goals}
        self.seen: dict[tuple[Any, ...], int] = {}  # (relationship, kind, key) -> its row

    def bad(self, p: Parsed, fld: str, expected: str) -> None:
        self.out.append(Problem(self.name, p.row, fld, expected, p.sheet, p.staff_id))

    def first(self, p: Parsed, key: tuple[Any, ...]) -> int | None:
        """The row that already gave `key`, else None (and `p` gives it now)."""
        if key in self.seen:
            return self.seen[key]
        self.seen[key] = p.row
        return None

    def relationship(self, p: Parsed) -> None:
        rel, v, bad = self.known[p.rid], p.values, self.bad
        begins = v.get("start_date") or rel["start_date"]
        ends = v.get("planned_end") or rel["planned_end"]
        if begins and ends and ends <= begins:
            bad(p, "planned end", "not after the start; expected a later date")
        status = v.get("status") or rel["status"]
        if status == "ended_early" and not (v.get("end_reason") or rel["end_reason"]):
            bad(p, "end reason", "empty; an early ending needs a reason from the list")
        if v.get("end_reason") and status not in ("ended_early", "completed"):
            bad(p, "end reason", "given, but the status is not ended early; clear it or set "
                "the status")
        if status in ("completed", "ended_early") and not (v.get("ended_on") or rel["ended_on"]):
            bad(p, "ended on", "empty; expected the date it ended")
        if v.get("ended_on") and v["ended_on"] > self.now:
            bad(p, "ended on", "in the future; expected the date it ended")
        kind = v.get("delivered") or rel["delivered"] or rel["support"]
        if v.get("delivered_type"):
            t = fold_value(v["delivered_type"])
            match = next((x for x in TYPES[kind] if fold_value(x) == t), None)
            if match is None:
                bad(p, "delivered type", f"not a {kind} type (expected one of: "
                    f"{', '.join(TYPES[kind])})")
            else:
                v["delivered_type"] = match

    def goal(self, p: Parsed) -> None:
        v, bad = p.values, self.bad
        number = v.get("number")
        if number is None or not 1 <= number <= MAX_GOALS:
            bad(p, "goal", f"expected the goal's number, 1 to {MAX_GOALS}")
            return
        row = self.first(p, (p.rid, "goal", number))
        if row is not None:
            bad(p, "goal", f"goal {number} is also on row {row}")
            return
        if not v.get("text"):
            bad(p, "goal, in the pair's words", "empty; write the goal (or clear the row)")
            return
        if v["text"] == PRIVATE_MARK and (p.rid, number) not in self.state.goals:
            bad(p, "goal, in the pair's words", "expected the goal's words (no goal "
                f"{number} is recorded for the mark to stand for)")
            return
        self.goals[(p.rid, number)] = True

    def check_in(self, p: Parsed) -> None:
        v, bad = p.values, self.bad
        if v.get("on_date") is None:
            bad(p, "date", "empty; expected the date of the meeting")
            return
        row = self.first(p, (p.rid, "check", v["on_date"]))
        if row is not None:
            bad(p, "date", f"a meeting on this date is also on row {row}; one row per meeting")
            return
        if v.get("outcome") is None:
            bad(p, "held?", "empty; expected held, cancelled or moved")
        elif v["outcome"] == "held" and v["on_date"] > self.now:
            bad(p, "date", "in the future, but marked held; expected the date it was held")

    def review(self, p: Parsed) -> None:
        v, bad = p.values, self.bad
        stage = v.get("stage")
        if stage is None:
            bad(p, "review", "empty; expected agreement, mid-point, end or ECT statutory review")
            return
        if v.get("held_on") is None:
            bad(p, "date held", "empty; expected the date the review was held")
            return
        if v["held_on"] > self.now:
            bad(p, "date held", "in the future; expected the date it was held")
        if stage == STATUTORY:
            self._statutory(p)
            return
        row = self.first(p, (p.rid, "review", stage))
        if row is not None:
            bad(p, "review", f"this review is also on row {row}")
            return
        self._what_the_stage_needs(p, stage)
        self._goal_progress(p, stage)

    def _statutory(self, p: Parsed) -> None:
        """An ECT statutory review is its date only (induction judgements are never stored)."""
        for fld, col in _review_columns().items():
            if fld not in ("stage", "held_on") and p.values.get(fld) is not None:
                self.bad(p, col.header, "an ECT statutory review is recorded as its date only "
                         "(induction judgements are never stored); clear this cell")
        if self.known[p.rid]["stage"] not in (None, "early_career"):
            self.bad(p, "review", "ECT statutory reviews are for early career teachers only")

    def _what_the_stage_needs(self, p: Parsed, stage: str) -> None:
        v, bad = p.values, self.bad
        if v.get("self_rating") is None:
            bad(p, "self-rating (1-5)", "empty; expected a whole number from 1 to 5")
        if stage in ("mid_point", "end"):
            for fld, header in (("usefulness", "usefulness (1-5)"), ("decision", "decision")):
                if v.get(fld) is None:
                    bad(p, header, f"empty; expected at the {stage.replace('_', '-')} review")
        if stage == "end" and v.get("practice_change") is None:
            bad(p, "change in practice seen", "empty; expected at the end review")
        if stage == "agreement":
            if v.get("confidentiality_agreed") is None:
                bad(p, "confidentiality agreed", "empty; expected yes or no (agreed at the "
                    "first meeting what stays between the pair and what may be shared)")
            if not any((p.rid, n) in self.goals for n in range(1, MAX_GOALS + 1)):
                bad(p, "review", "no goal is recorded for this relationship; the agreement "
                    "sets 1 to 3 goals (write them on the Goals tab)")

    def _goal_progress(self, p: Parsed, stage: str) -> None:
        for n in range(1, MAX_GOALS + 1):
            given = p.values.get(f"goal_{n}") is not None
            if given and (p.rid, n) not in self.goals:
                self.bad(p, f"goal {n} progress", f"there is no goal {n} for this relationship; "
                         "write it on the Goals tab or clear this cell")
            elif stage == "end" and not given and (p.rid, n) in self.goals:
                self.bad(p, f"goal {n} progress", "empty; expected at the end review for each goal")


def _review_columns() -> dict[str, Column]:
    return {c.field: c for c in SHEETS["Reviews"] if c.kind not in ("ref", "info")}


# --- writing -------------------------------------------------------------------------------

def _apply(conn: Any, parsed: dict[str, list[Parsed]], state: _State,
           known: dict[int, dict[str, Any]], audit: Audit, result: ImportResult) -> None:
    rel_updates: dict[int, dict[str, Any]] = {}
    for p in parsed.get("Relationships", []):
        rel = known[p.rid]
        diff = {k: v for k, v in p.values.items() if v is not None and rel.get(k) != v}
        if diff.get("delivered") == rel["support"] and rel["delivered"] is None:
            del diff["delivered"]  # the sheet's pre-filled "as recommended": nothing new
        if diff:
            rel_updates[p.rid] = diff
    _apply_goals(conn, parsed.get("Goals", []), state, audit, result)
    _apply_check_ins(conn, parsed.get("Check-ins", []), state, audit, result)
    _apply_reviews(conn, parsed.get("Reviews", []), state, known, audit, result, rel_updates)
    _apply_relationships(conn, parsed, state, known, audit, result, rel_updates)


def _apply_goals(conn: Any, rows: list[Parsed], state: _State, audit: Audit,
                 result: ImportResult) -> None:
    new_goals, goal_updates = [], []
    for p in rows:
        v = dict(p.values)
        key = (p.rid, v["number"])
        old = state.goals.get(key)
        if v["text"] == PRIVATE_MARK:
            v.pop("text")
        if v.get("success") == PRIVATE_MARK:
            v.pop("success")
        if old is None:
            new_goals.append({"relationship_id": p.rid, "number": v["number"], "text": v["text"],
                              "success": v.get("success"), "target_date": v.get("target_date"),
                              "shared": bool(v.get("shared"))})
            continue
        diff = {k: val for k, val in v.items() if k != "number" and val is not None
                and old.get(k) != val}
        if diff:
            goal_updates.append((old["id"], diff))
        else:
            result.tally("goal", "unchanged")
    insert_many(conn, "goal", new_goals, audit, key=("relationship_id", "number"))
    update_many(conn, "goal", goal_updates, audit)
    result.tally("goal", "added", len(new_goals))
    result.tally("goal", "changed", len(goal_updates))


def _apply_check_ins(conn: Any, rows: list[Parsed], state: _State, audit: Audit,
                     result: ImportResult) -> None:
    new_checks, check_updates = [], []
    for p in rows:
        v = dict(p.values)
        if v.get("notes") == PRIVATE_MARK:
            v.pop("notes")
        old = state.checks.get((p.rid, v["on_date"]))
        if old is None:
            new_checks.append({"relationship_id": p.rid, "on_date": v["on_date"],
                               "outcome": v["outcome"], "minutes": v.get("minutes"),
                               "notes": v.get("notes")})
            continue
        diff = {k: val for k, val in v.items() if val is not None and old.get(k) != val}
        if diff:
            check_updates.append((old["id"], diff))
        else:
            result.tally("check_in", "unchanged")
    insert_many(conn, "check_in", new_checks, audit, key=("relationship_id", "on_date"))
    update_many(conn, "check_in", check_updates, audit)
    result.tally("check_in", "added", len(new_checks))
    result.tally("check_in", "changed", len(check_updates))


REVIEW_FIELDS = ("held_on", "self_rating", "usefulness", "practice_change", "decision",
                 "confidentiality_agreed")


def _apply_reviews(conn: Any, rows: list[Parsed], state: _State, known: dict[int, dict[str, Any]],
                   audit: Audit, result: ImportResult,
                   rel_updates: dict[int, dict[str, Any]]) -> None:
    """Reviews, their goal progress, statutory dates; an agreement makes a proposed
    relationship active, an end review completes it (in `rel_updates`)."""
    new_reviews, review_updates, progress_rows = [], [], []
    new_statutory = []
    for p in rows:
        v = p.values
        if v["stage"] == STATUTORY:
            if (p.rid, v["held_on"]) not in state.statutory:
                new_statutory.append({"relationship_id": p.rid, "held_on": v["held_on"]})
                state.statutory.add((p.rid, v["held_on"]))
            else:
                result.tally("statutory_review", "unchanged")
            continue
        old = state.reviews.get((p.rid, v["stage"]))
        row = {k: v.get(k) for k in REVIEW_FIELDS}
        if old is None:
            new_reviews.append({"relationship_id": p.rid, "stage": v["stage"], **row})
        else:
            diff = {k: val for k, val in row.items() if val is not None and old.get(k) != val}
            if diff:
                review_updates.append((old["id"], diff))
            else:
                result.tally("review", "unchanged")
        progress_rows.append((p.rid, v["stage"], {n: v[f"goal_{n}"] for n in
                                                  range(1, MAX_GOALS + 1)
                                                  if v.get(f"goal_{n}") is not None}))
        _status_after_review(known[p.rid], p.rid, v, rel_updates)
    insert_many(conn, "review", new_reviews, audit, key=("relationship_id", "stage"))
    update_many(conn, "review", review_updates, audit)
    insert_many(conn, "statutory_review", new_statutory, audit, key=("relationship_id", "held_on"))
    result.tally("review", "added", len(new_reviews))
    result.tally("review", "changed", len(review_updates))
    result.tally("statutory_review", "added", len(new_statutory))
    _progress(conn, progress_rows, audit, result)


def _status_after_review(rel: dict[str, Any], rid: int, v: dict[str, Any],
                         rel_updates: dict[int, dict[str, Any]]) -> None:
    current = rel_updates.get(rid, {}).get("status", rel["status"])
    if v["stage"] == "agreement" and current == "proposed":
        rel_updates.setdefault(rid, {})["status"] = "active"
    if v["stage"] == "end" and current in ("proposed", "active", "paused"):
        rel_updates.setdefault(rid, {}).update(status="completed", ended_on=v["held_on"])


def _apply_relationships(conn: Any, parsed: dict[str, list[Parsed]], state: _State,
                         known: dict[int, dict[str, Any]], audit: Audit, result: ImportResult,
                         rel_updates: dict[int, dict[str, Any]]) -> None:
    agreed = {rid for rid, stage in state.reviews if stage == "agreement"} | {
        p.rid for p in parsed.get("Reviews", []) if p.values["stage"] == "agreement"}
    for rid, diff in list(rel_updates.items()):
        rel = known[rid]
        if diff.get("status") == "proposed" and rid in agreed:
            del diff["status"]  # a sheet made before the agreement: the pair have met since
        for k in [k for k, v in diff.items() if rel.get(k) == v]:
            del diff[k]
        if not diff:
            del rel_updates[rid]
    update_many(conn, "relationship", sorted(rel_updates.items()), audit)
    result.tally("relationship", "changed", len(rel_updates))
    result.tally("relationship", "unchanged", len(parsed.get("Relationships", [])) -
                 len({p.rid for p in parsed.get("Relationships", [])} & set(rel_updates)))


def _progress(conn: Any, rows: list[tuple[int, str, dict[int, str]]], audit: Audit,
              result: ImportResult) -> None:
    if not rows:
        return
    t = T["review"]
    ids: dict[tuple[int, str], int] = {}
    rids = sorted({rid for rid, _, _ in rows})
    for i in range(0, len(rids), 500):
        for rec in conn.execute(select(t.c.id, t.c.relationship_id, t.c.stage)
                                .where(t.c.relationship_id.in_(rids[i:i + 500]))):
            ids[(rec.relationship_id, rec.stage)] = rec.id
    gp = T["goal_progress"]
    have: dict[tuple[int, int], tuple[int, str]] = {}
    review_ids = sorted(ids.values())
    for i in range(0, len(review_ids), 500):
        for rec in conn.execute(select(gp.c.id, gp.c.review_id, gp.c.goal_number, gp.c.progress)
                                .where(gp.c.review_id.in_(review_ids[i:i + 500]))):
            have[(rec.review_id, rec.goal_number)] = (rec.id, rec.progress)
    new, changed = [], []
    for rid, stage, marks in rows:
        review_id = ids[(rid, stage)]
        for n, progress in marks.items():
            old = have.get((review_id, n))
            if old is None:
                new.append({"review_id": review_id, "goal_number": n, "progress": progress})
            elif old[1] != progress:
                changed.append((old[0], {"progress": progress}))
    insert_many(conn, "goal_progress", new, audit, key=("review_id", "goal_number"))
    update_many(conn, "goal_progress", changed, audit)
    result.tally("goal_progress", "added", len(new))
    result.tally("goal_progress", "changed", len(changed))

