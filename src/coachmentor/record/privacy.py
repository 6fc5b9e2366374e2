"""Privacy by design: `record purge` (people past their delete-after date, with everything
about them), `record export --person ID` (a subject access request: everything recorded
about one person, goals and notes included), and `record settings` (check-in notes, off
unless a school turns them on)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import delete, or_, select, update

from coachmentor.errors import CoachmentorError
from coachmentor.record.db import Database, today
from coachmentor.record.store import Audit, T, set_setting, setting


def purge(db: Database, *, dry_run: bool = False, before: dt.date | None = None
          ) -> dict[str, int]:
    """Delete every person whose delete-after date has passed, their relationships (as staff
    or supporter) and all that hangs on them (the database cascades), and blank the row ids
    in the audit rows about them. Returns the counts removed."""
    cut = before or today()
    p, r = T["person"], T["relationship"]
    with db.transaction() as conn:
        ids = [i for (i,) in conn.execute(select(p.c.id).where(p.c.delete_after < cut))]
        rels = sorted({i for k in range(0, len(ids), 500) for (i,) in conn.execute(
            select(r.c.id).where(or_(r.c.staff_person_id.in_(ids[k:k + 500]),
                                     r.c.supporter_person_id.in_(ids[k:k + 500]))))})
        counts = {"people": len(ids), "relationships": len(rels)}
        for table in ("goal", "check_in", "review", "statutory_review"):
            t = T[table]
            counts[table] = sum(len(conn.execute(select(t.c.id).where(
                t.c.relationship_id.in_(rels[i:i + 500]))).all()) for i in range(0, len(rels), 500))
        if dry_run or not ids:
            return counts
        audit = Audit("record purge")
        a = T["audit"]
        # the audit keeps that something was purged, never whose
        for table, gone in (("person", ids), ("relationship", rels)):
            for i in range(0, len(gone), 500):
                conn.execute(update(a).where(a.c.table_name == table,
                                             a.c.row_id.in_(gone[i:i + 500])).values(row_id=None))
        for i in range(0, len(rels), 500):
            conn.execute(delete(r).where(r.c.id.in_(rels[i:i + 500])))
        for i in range(0, len(ids), 500):
            conn.execute(delete(p).where(p.c.id.in_(ids[i:i + 500])))
        audit.add("person", None, "delete", [f"{counts['people']} people"])
        audit.write(conn)
    return counts


def export_person(db: Database, staff_id: str) -> dict[str, Any]:
    """Everything recorded about one person, as staff or as supporter: the subject access
    view (goals' words and notes included: it is their own record)."""
    p, r = T["person"], T["relationship"]
    with db.transaction() as conn:
        person = conn.execute(select(p).where(p.c.staff_id == staff_id)).mappings().first()
        if person is None:
            raise CoachmentorError(f"staff_id {staff_id} is not in {db.name}")
        pid = person["id"]
        sup = p.alias("sup")
        staff = p.alias("staff")
        rels = []
        for m in conn.execute(select(r, staff.c.staff_id.label("staff_staff_id"),
                                     sup.c.staff_id.label("supporter_staff_id"))
                              .join(staff, staff.c.id == r.c.staff_person_id)
                              .outerjoin(sup, sup.c.id == r.c.supporter_person_id)
                              .where(or_(r.c.staff_person_id == pid,
                                         r.c.supporter_person_id == pid))
                              .order_by(r.c.id)).mappings():
            rel = {k: v for k, v in m.items() if k not in ("staff_person_id",
                                                            "supporter_person_id")}
            rel["role"] = "supported" if m["staff_person_id"] == pid else "supporter"
            for table in ("goal", "check_in", "review", "statutory_review"):
                t = T[table]
                rel[table + "s"] = [{k: v for k, v in g.items() if k != "relationship_id"}
                                    for g in conn.execute(select(t).where(
                                        t.c.relationship_id == m["id"]).order_by(t.c.id))
                                    .mappings()]
            gp = T["goal_progress"]
            for review in rel["reviews"]:
                review["goal_progress"] = {g.goal_number: g.progress for g in conn.execute(
                    select(gp).where(gp.c.review_id == review["id"]))}
            rels.append(rel)
        a = T["audit"]
        rel_ids = [x["id"] for x in rels]
        audit = [dict(m) for m in conn.execute(select(a).where(or_(
            (a.c.table_name == "person") & (a.c.row_id == pid),
            (a.c.table_name == "relationship") & (a.c.row_id.in_(rel_ids)))).order_by(a.c.id))
            .mappings()]
    return {"person": {k: v for k, v in person.items() if k != "id"}, "relationships": rels,
            "audit": audit, "exported_on": today().isoformat(), "database": db.name}


def export_all(db: Database) -> dict[str, Any]:
    """Every table, every row: the school's data, nothing hidden."""
    with db.transaction() as conn:
        return {name: [dict(m) for m in conn.execute(select(t).order_by(*t.primary_key.columns))
                       .mappings()] for name, t in T.items()}


def to_json(doc: Any) -> str:
    def default(value: Any) -> Any:
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        raise TypeError(type(value).__name__)

    return json.dumps(doc, indent=1, ensure_ascii=False, default=default) + "\n"


def settings(db: Database, *, notes: bool | None = None) -> dict[str, str]:
    with db.transaction() as conn:
        if notes is not None:
            audit = Audit("record settings")
            set_setting(conn, "notes", "on" if notes else "off", audit)
            audit.write(conn)
        return {"notes": setting(conn, "notes", "off")}
