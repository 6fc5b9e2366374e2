"""Writing to the record in bulk, with its audit: plain SQLAlchemy Core on the tables of
`models.py` (executemany, so that a trust's year goes in in seconds on SQLite and PostgreSQL).

Every change is audited as (table, row, insert|update|delete, the names of the fields changed),
never with values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table, bindparam, insert, select, update

from coachmentor.record.db import actor
from coachmentor.record.models import Base

T: dict[str, Table] = dict(Base.metadata.tables)
PERSON_FIELDS = ("name", "school", "department", "stage", "supporter", "capacity", "active",
                 "delete_after")


class Audit:
    """The audit rows of one command, written with its changes (same transaction)."""

    def __init__(self, command: str) -> None:
        self.command = command
        self.who = actor()
        self.at = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
        self.rows: list[dict[str, Any]] = []

    def add(self, table: str, row_id: int | None, action: str, fields: Iterable[str] = ()) -> None:
        self.rows.append({"at": self.at, "actor": self.who, "command": self.command,
                          "table_name": table, "row_id": row_id, "action": action,
                          "fields": ",".join(sorted(fields)) or None})

    def write(self, conn: Any) -> None:
        if self.rows:
            conn.execute(insert(T["audit"]), self.rows)


def people(conn: Any) -> dict[str, dict[str, Any]]:
    """Every person by staff_id."""
    t = T["person"]
    return {r["staff_id"]: dict(r) for r in conn.execute(select(t)).mappings()}


def upsert_people(conn: Any, incoming: dict[str, dict[str, Any]], audit: Audit) -> dict[str, int]:
    """Add the new people and fill in what is known of the others (a value given replaces the
    one recorded; an empty one never blanks it). Returns staff_id -> person id for all."""
    t = T["person"]
    have = people(conn)
    new, changed = [], []
    for sid, fields in incoming.items():
        given = {k: v for k, v in fields.items() if k in PERSON_FIELDS and v not in (None, "")}
        old = have.get(sid)
        if old is None:
            new.append({"staff_id": sid, "active": True, **{k: None for k in PERSON_FIELDS
                                                            if k != "active"}, **given})
            continue
        if "delete_after" in given and old["delete_after"] is not None:
            given["delete_after"] = max(given["delete_after"], old["delete_after"])
        diff = {k: v for k, v in given.items() if old.get(k) != v}
        if diff:
            changed.append((old["id"], diff))
    if new:
        conn.execute(insert(t), new)
    for pid, diff in changed:
        conn.execute(update(t).where(t.c.id == pid).values(**diff))
        audit.add("person", pid, "update", diff)
    ids = {r.staff_id: r.id for r in conn.execute(select(t.c.staff_id, t.c.id))}
    for row in new:
        audit.add("person", ids[row["staff_id"]], "insert", [k for k, v in row.items()
                                                             if v is not None])
    return ids


def update_many(conn: Any, table: str, rows: list[tuple[int, dict[str, Any]]],
                audit: Audit) -> None:
    """Update rows by id, grouped by the set of fields changed (one executemany per group)."""
    t = T[table]
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for rid, diff in rows:
        keys = tuple(sorted(diff))
        groups.setdefault(keys, []).append({"_id": rid, **{f"_{k}": diff[k] for k in keys}})
        audit.add(table, rid, "update", keys)
    for keys, params in groups.items():
        stmt = update(t).where(t.c.id == bindparam("_id")).values(
            {k: bindparam(f"_{k}") for k in keys})
        conn.execute(stmt, params)


def insert_many(conn: Any, table: str, rows: list[dict[str, Any]], audit: Audit,
                key: tuple[str, ...]) -> None:
    """Insert rows, then audit them by their new ids (found again by `key`)."""
    if not rows:
        return
    t = T[table]
    conn.execute(insert(t), rows)
    cols = [t.c[k] for k in key]
    # Only the keys just inserted: look them up in chunks (a parameter list has limits).
    wanted = {tuple(r[k] for k in key) for r in rows}
    first = key[0]
    firsts = sorted({r[first] for r in rows}, key=str)
    for i in range(0, len(firsts), 500):
        chunk = firsts[i:i + 500]
        for rec in conn.execute(select(t.c.id, *cols).where(t.c[first].in_(chunk))):
            if tuple(rec[1:]) in wanted:
                audit.add(table, rec[0], "insert", [k for k in rows[0] if k != "id"])


def setting(conn: Any, key: str, default: str = "") -> str:
    t = T["setting"]
    value = conn.execute(select(t.c.value).where(t.c.key == key)).scalar()
    return default if value is None else str(value)


def set_setting(conn: Any, key: str, value: str, audit: Audit) -> bool:
    t = T["setting"]
    old = conn.execute(select(t.c.value).where(t.c.key == key)).scalar()
    if old == value:
        return False
    if old is None:
        conn.execute(insert(t).values(key=key, value=value))
    else:
        conn.execute(update(t).where(t.c.key == key).values(value=value))
    audit.add("setting", None, "update" if old is not None else "insert", [key])
    return True
