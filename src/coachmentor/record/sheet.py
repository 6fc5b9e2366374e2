"""`record sheet`: a workbook a supporter fills in over the year, pre-filled with what is
already recorded, with drop-downs and checks on every cell the pair type in (data validation),
so that entry needs Excel, not a terminal.

`--supporter ID`: that supporter's relationships, for the pair: goals and notes in full.
`--school S`: every relationship at a school, for the CPD lead to pass on or fill in from
paper: a recorded goal's words and a note show as "(kept private to the pair)" unless the
pair shared them, and importing that mark leaves what is recorded unchanged.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from coachmentor.errors import CoachmentorError
from coachmentor.record.db import Database, today
from coachmentor.record.layout import (
    CHECKINS,
    META,
    NOTES,
    PRIVATE_MARK,
    README,
    SHEETS,
    Column,
    choice_words,
)
from coachmentor.record.models import CheckIn, Goal, GoalProgress, Person, Relationship, Review
from coachmentor.record.models import StatutoryReview as Statutory
from coachmentor.record.schedule import due_dates
from coachmentor.record.store import setting
from coachmentor.record.vocab import REVIEW_STAGES, STATUTORY, label

SPARE_ROWS = {"Check-ins": 60, "Reviews": 10, "Goals": 0, "Relationships": 0}


@dataclass(frozen=True)
class Scope:
    kind: str  # supporter | school
    value: str

    @property
    def for_pair(self) -> bool:
        return self.kind == "supporter"

    def words(self) -> str:
        return f"{self.kind} {self.value}"


def relationship_label(rid: int, staff_id: str, name: str | None, support: str) -> str:
    """What a drop-down shows: the id first (the import reads it), then whom it is about."""
    who = f"{staff_id} {name}" if name else staff_id
    return f"{rid} · {who} ({support})"


def in_scope(conn: Any, scope: Scope) -> list[dict[str, Any]]:
    staff, sup = aliased(Person), aliased(Person)
    r = Relationship
    q = (select(r.id, r.support, r.recommended_type, r.delivered, r.delivered_type,
                r.start_date, r.planned_end, r.cadence, r.status, r.end_reason, r.ended_on,
                staff.staff_id, staff.name, staff.stage, sup.staff_id.label("supporter_id"))
         .join(staff, staff.id == r.staff_person_id)
         .join(sup, sup.id == r.supporter_person_id)
         .order_by(r.id))
    q = q.where(sup.staff_id == scope.value) if scope.kind == "supporter" else q.where(staff.school == scope.value)
    return [dict(m) for m in conn.execute(q).mappings()]


def write_sheet(db: Database, scope: Scope) -> tuple[bytes, int]:
    """The workbook's bytes (the same record gives the same bytes) and how many
    relationships it holds."""
    with db.transaction() as conn:
        rels = in_scope(conn, scope)
        if not rels:
            raise CoachmentorError(f"no relationships with a supporter for {scope.words()} in "
                                   f"{db.name}", hint="check the id or school name (record "
                                   "status lists them)")
        notes_on = setting(conn, "notes", "off") == "on"
        ids = [r["id"] for r in rels]
        goals = _rows(conn, Goal, ids, (Goal.relationship_id, Goal.number))
        checks = _rows(conn, CheckIn, ids, (CheckIn.relationship_id, CheckIn.on_date))
        reviews = _rows(conn, Review, ids, (Review.relationship_id, Review.stage))
        statutory = _rows(conn, Statutory, ids, (Statutory.relationship_id, Statutory.held_on))
        progress: dict[int, dict[int, str]] = {}
        for rid, n, p in conn.execute(select(GoalProgress.review_id, GoalProgress.goal_number,
                                             GoalProgress.progress)
                                      .join(Review, Review.id == GoalProgress.review_id)
                                      .where(Review.relationship_id.in_(ids))):
            progress.setdefault(rid, {})[n] = p
    return _workbook(scope, rels, goals, checks, reviews, statutory, progress, notes_on), len(rels)


def _rows(conn: Any, model: Any, ids: list[int], order: tuple[Any, ...]) -> list[dict[str, Any]]:
    t = model.__table__
    out: list[dict[str, Any]] = []
    for i in range(0, len(ids), 500):
        q = select(t).where(t.c.relationship_id.in_(ids[i:i + 500]))
        out.extend(dict(m) for m in conn.execute(q).mappings())
    keys = [c.key for c in order]
    out.sort(key=lambda d: tuple(d[k] for k in keys))
    return out


def _workbook(scope: Scope, rels: list[dict[str, Any]], goals: list[dict[str, Any]],
              checks: list[dict[str, Any]], reviews: list[dict[str, Any]],
              statutory: list[dict[str, Any]], progress: dict[int, dict[int, str]],
              notes_on: bool) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    readme = wb.active
    readme.title = README
    labels = {r["id"]: relationship_label(r["id"], r["staff_id"], r["name"], r["support"])
              for r in rels}
    _readme(readme, scope, len(rels), notes_on)
    private = not scope.for_pair

    rel_rows = [[labels[r["id"]], r["staff_id"], r["name"] or "", r["supporter_id"],
                 r["support"], r["recommended_type"] or "", label(r["delivered"] or r["support"]),
                 r["delivered_type"] or "", r["start_date"], r["planned_end"],
                 label(r["cadence"] or ""), label(r["status"]), label(r["end_reason"] or ""),
                 r["ended_on"]] for r in rels]
    had = {(g["relationship_id"], g["number"]) for g in goals}
    goal_rows = [[labels[g["relationship_id"]], g["number"],
                  PRIVATE_MARK if private and not g["shared"] else g["text"],
                  PRIVATE_MARK if private and not g["shared"] and g["success"] else
                  g["success"] or "", g["target_date"], "yes" if g["shared"] else "no"]
                 for g in goals]
    for r in rels:  # a row for each goal not yet written, up to three
        goal_rows.extend([labels[r["id"]], n, "", "", None, ""] for n in (1, 2, 3)
                         if (r["id"], n) not in had)
    goal_rows.sort(key=lambda row: (int(str(row[0]).split(" ")[0]), row[1]))
    check_cols = CHECKINS + ((NOTES,) if notes_on else ())
    check_rows = [[labels[c["relationship_id"]], c["on_date"], label(c["outcome"]),
                   c["minutes"]] + ([PRIVATE_MARK if private and c["notes"] else
                                     c["notes"] or ""] if notes_on else [])
                  for c in checks]
    review_rows = _review_rows(rels, labels, reviews, statutory, progress)

    for title, cols in SHEETS.items():
        if title == "Check-ins":
            cols = check_cols
        body = {"Relationships": rel_rows, "Goals": goal_rows, "Check-ins": check_rows,
                "Reviews": review_rows}[title]
        _sheet(wb.create_sheet(title), cols, body, SPARE_ROWS[title], len(labels))
    meta = wb.create_sheet(META)
    meta.append(["made_for", scope.kind, scope.value])
    meta.append(["made_on", today().isoformat()])
    meta.append(["layout", "1"])
    meta.sheet_state = "hidden"
    # The drop-down of relationships, for every tab's first column
    lists = wb.create_sheet("lists")
    for i, text in enumerate(labels.values(), start=1):
        lists.cell(row=i, column=1, value=text)
    lists.sheet_state = "hidden"
    return _save(wb)


def _review_rows(rels: list[dict[str, Any]], labels: dict[int, str],
                 reviews: list[dict[str, Any]], statutory: list[dict[str, Any]],
                 progress: dict[int, dict[int, str]]) -> list[list[Any]]:
    held = {(v["relationship_id"], v["stage"]): v for v in reviews}
    out: list[list[Any]] = []
    for r in rels:
        due = due_dates(r["start_date"], r["planned_end"])
        for stage in REVIEW_STAGES:
            v = held.get((r["id"], stage))
            if v is None:
                out.append([labels[r["id"]], label(stage), due.get(stage)] + [None] * 9)
                continue
            p = progress.get(v["id"], {})
            agreed = v["confidentiality_agreed"]
            out.append([labels[r["id"]], label(stage), due.get(stage), v["held_on"],
                        v["self_rating"], v["usefulness"], label(v["practice_change"] or ""),
                        label(v["decision"] or ""),
                        "" if agreed is None else ("yes" if agreed else "no"),
                        *(label(p.get(n, "")) for n in (1, 2, 3))])
    for s in statutory:
        out.append([labels[s["relationship_id"]], label(STATUTORY), None, s["held_on"]]
                   + [None] * 8)
    return out


def _readme(ws: Any, scope: Scope, n: int, notes_on: bool) -> None:
    from openpyxl.styles import Font

    lines = [
        (f"coachmentor record: {n} relationship(s) for {scope.words()}", True),
        ("", False),
        ("Fill in the tabs as the year goes; send the file back to your CPD lead, who imports it "
         "(coachmentor record import FILE). Rows already recorded are shown; change them here.", False),
        ("Relationships: how the support is delivered, the planned end agreed at the first "
         "meeting, how often you meet, and the status (active once you have met).", False),
        ("Goals: 1 to 3 per relationship, in the pair's own words. They stay private to the "
         "pair unless 'shared with the school' is yes.", False),
        ("Check-ins: one row per meeting planned: its date, held / cancelled / moved, minutes.",
         False),
        ("Reviews: the agreement (first meeting: purpose, terms, length and confidentiality), "
         "the mid-point and the end: the same 1-5 self-rating each time.", False),
        ("ECT statutory review: its date only.", False),
        ("", False),
        ("Never write here: health details, concerns about conduct or capability, induction "
         "judgements, appraisal or pay outcomes. There is no place for them on purpose.", True),
        ("Check-in notes are " + ("ON at this school: keep them to what was agreed." if notes_on
                                  else "off at this school: there is no notes column."), False),
        ("Pick from the drop-downs; type dates as dates (14/10/2025). A row the import cannot "
         "read is listed back to your CPD lead with its tab, row and column: nothing is half "
         "imported.", False),
    ]
    for text, bold in lines:
        ws.append([text])
        if bold:
            ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
    ws.column_dimensions["A"].width = 120


def _sheet(ws: Any, cols: tuple[Column, ...], body: list[list[Any]], spare: int,
           n_labels: int) -> None:
    _header_and_body(ws, cols, body)
    last = len(body) + spare + 1
    ws.freeze_panes = "B2"
    for i, c in enumerate(cols, start=1):
        _column_rules(ws, i, c, last, len(body), n_labels)


def _header_and_body(ws: Any, cols: tuple[Column, ...], body: list[list[Any]]) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws.append([c.header for c in cols])
    for i, c in enumerate(cols, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True)
        if c.help:
            cell.comment = Comment(c.help, "coachmentor")
        ws.column_dimensions[get_column_letter(i)].width = c.width
    for r, row in enumerate(body, start=2):
        for k, value in enumerate(row, start=1):
            if value is None or value == "":
                continue
            cell = ws.cell(row=r, column=k, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text the pair typed, never a formula


def _column_rules(ws: Any, i: int, c: Column, last: int, filled: int, n_labels: int) -> None:
    """Column `i`'s format and data validation, to row `last`; an info column greyed over
    its `filled` rows."""
    from openpyxl.styles import PatternFill
    from openpyxl.utils import get_column_letter

    if c.kind == "date":
        for row in ws.iter_rows(min_row=2, max_row=last, min_col=i, max_col=i):
            row[0].number_format = "yyyy-mm-dd"
    elif c.kind == "info":
        grey = PatternFill("solid", fgColor="EEEEEE")
        for row in ws.iter_rows(min_row=2, max_row=filled + 1, min_col=i, max_col=i):
            row[0].fill = grey
    dv = _validation(c, n_labels)
    if dv is not None:
        letter = get_column_letter(i)
        dv.showErrorMessage = True
        dv.allow_blank = True
        ws.add_data_validation(dv)
        dv.add(f"{letter}2:{letter}{max(last, 2)}")


def _validation(c: Column, n_labels: int) -> Any:
    """The data validation a column's kind of value gets, or None."""
    from openpyxl.worksheet.datavalidation import DataValidation

    if c.kind == "date":
        return DataValidation(type="date", operator="between", formula1="DATE(2000,1,1)",
                              formula2="DATE(2100,12,31)", error="A date, e.g. 14/10/2025",
                              errorTitle="Not a date")
    if c.kind in ("int", "rating"):
        return DataValidation(type="whole", operator="between", formula1=str(c.low),
                              formula2=str(c.high), errorTitle="Not accepted",
                              error=f"A whole number from {c.low} to {c.high}")
    if c.kind in ("choice", "yesno"):
        words = ",".join(choice_words(c))
        return DataValidation(type="list", formula1=f'"{words}"', errorTitle="Not accepted",
                              error="Pick one from the list: " + words.replace(",", ", "))
    if c.kind == "ref":
        return DataValidation(type="list", formula1=f"lists!$A$1:$A${max(n_labels, 1)}",
                              errorTitle="Not a relationship",
                              error="Pick the relationship from the list")
    return None


def _save(wb: Any) -> bytes:
    import zipfile

    from openpyxl.writer.excel import ExcelWriter

    from coachmentor.files.workbook_out import FIXED_TIME, _FixedTimeZip

    props = wb.properties
    props.created = props.modified = FIXED_TIME
    props.creator, props.lastModifiedBy = "coachmentor", None
    buf = io.BytesIO()
    with _FixedTimeZip(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    return buf.getvalue()

