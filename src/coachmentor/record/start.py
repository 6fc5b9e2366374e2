"""`record start PAIRS`: the year's proposed relationships, from `match`'s output or a leader's
list, written once (running it again with the same file changes nothing).

PAIRS columns (by header, any order; `match` writes them all): staff_id (required), name,
support (coaching or mentoring), status (matched, unmatched, none, error), supporter_id,
supporter_name, recommendation, type, and optionally focus, school, department, career_stage,
rules_hash, decided_by, start, planned_end, cadence. `none` and `error` rows need no supporter
and are counted, not recorded. `--staff` and `--supporters` (the files given to `match`) add
what the pairs file does not carry: school, department, career stage and focus; supporters'
offers and capacity.

A relationship is one need: (member of staff, support, school year). Already recorded, it is
left as it is, except that a proposed or unmatched one takes a new supporter from a later
match (the leader re-ran `match` for the unmatched). Every row is checked first: one refused
row and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from coachmentor.record.dates import parse_date
from coachmentor.record.db import Database, school_year, today, year_end
from coachmentor.record.problems import Collector, Refused
from coachmentor.record.store import Audit, T, insert_many, update_many, upsert_people
from coachmentor.record.tables import read_rows
from coachmentor.record.vocab import CADENCES, RECOMMENDED, SUPPORTS, fold_value, lookup

if TYPE_CHECKING:
    from coachmentor.rulebase.ruleset import RuleSet

PAIR_COLUMNS: dict[str, tuple[str, ...]] = {
    "staff_id": ("staff id", "staff", "mentee", "coachee"),
    "name": ("staff name",),
    "support": ("role",),
    "status": (),
    "supporter_id": ("supporter id", "supporter", "coach", "mentor", "coach_id", "mentor_id"),
    "supporter_name": (),
    "recommendation": (),
    "type": ("coaching_type", "mentoring_type"),
    "focus": (),
    "school": ("site", "campus", "academy"),
    "department": ("dept", "faculty"),
    "career_stage": ("stage",),
    "rules_hash": (),
    "decided_by": (),
    "start": ("start_date", "start date"),
    "planned_end": ("planned end", "end", "end date", "end_date"),
    "cadence": ("frequency", "meets"),
}
STAFF_COLUMNS: dict[str, tuple[str, ...]] = {
    "staff_id": ("staff id",), "name": (), "school": ("site", "campus", "academy"),
    "department": ("dept", "faculty"), "career_stage": ("career stage", "stage"),
    "focus": (),
}
SUPPORTER_COLUMNS: dict[str, tuple[str, ...]] = {
    "staff_id": ("staff id",), "name": (), "school": ("site", "campus", "academy"),
    "department": ("dept", "faculty"), "career_stage": ("career stage", "stage"),
    "offers": ("offer", "role"), "capacity": ("places",),
}
MATCH_STATUSES = {"matched", "unmatched", "none", "error"}
SUPPORT_WORDS = {**lookup(SUPPORTS), "coach": "coaching", "mentor": "mentoring"}
OFFERS = {**SUPPORT_WORDS, "both": "both", "coachingandmentoring": "both"}
CADENCE_WORDS = lookup(tuple(CADENCES))
# Coaching "is generally for a short defined period of time (i.e. less than six months)"
# (school HR guidance): a planned end the pair confirm or change at their agreement.
COACHING_WEEKS = 26


@dataclass
class StartResult:
    db: str
    year: str
    added: dict[str, int] = field(default_factory=lambda: {"proposed": 0, "unmatched": 0})
    rematched: int = 0
    unchanged: int = 0
    not_recorded: dict[str, int] = field(default_factory=lambda: {"none": 0, "error": 0})
    warnings: list[str] = field(default_factory=list)
    schools: list[str] = field(default_factory=list)


def start(db: Database, pairs: str | Path, *, rules: RuleSet, year: str | None = None,
          staff: str | Path | None = None, supporters: str | Path | None = None,
          start_date: dt.date | None = None, cadence: str | None = None,
          delete_after: dt.date | None = None, read_opts: dict[str, Any] | None = None
          ) -> StartResult:
    opts = read_opts or {}
    first_day = start_date or today()
    year = year or school_year(first_day)
    keep_until = delete_after or dt.date(year_end(year).year + 1, 8, 31)
    name, rows, raw = read_rows(pairs, PAIR_COLUMNS, required=("staff_id",),
                                what="PAIRS: a match output, or staff_id, supporter_id, support",
                                **opts)
    run = "sha256:" + hashlib.sha256(raw).hexdigest()[:16] if raw is not None else None
    is_match = any("status" in r and "supporter_id" in r for _, r in rows)
    people: dict[str, dict[str, Any]] = {}
    result = StartResult(db=db.name, year=year)
    if staff is not None:
        _read_people(staff, STAFF_COLUMNS, "--staff", rules, people, result, opts)
    if supporters is not None:
        _read_people(supporters, SUPPORTER_COLUMNS, "--supporters", rules, people, result, opts)

    bad = Collector(name)
    needs: dict[tuple[str, str], dict[str, Any]] = {}
    seen: dict[tuple[str, str], int] = {}
    for n, r in rows:
        rel = _need(n, r, bad, rules, first_day, cadence, is_match, result)
        if rel is None:
            continue
        key = (rel["staff_id"], rel["support"])
        if key in seen:
            bad.add(n, "support", f"{rel['support']} for staff_id {key[0]} is also on row "
                    f"{seen[key]}; one row per need", key[0])
            continue
        seen[key] = n
        rel.update(year=year, source="match" if is_match else "list", source_run=run,
                   rules_hash=r.get("rules_hash") or rules.hash)
        needs[key] = rel
        who = people.setdefault(rel["staff_id"], {})
        who.setdefault("name", r.get("name", ""))
        for f, col in (("school", "school"), ("department", "department")):
            if r.get(col):
                who[f] = r[col]
        if r.get("career_stage"):
            stage = rules.match_value("career_stage", r["career_stage"])
            if stage is None:
                bad.add(n, "career_stage", "not a career stage (expected one of: " +
                        ", ".join(rules.choice_values["career_stage"]) + ")", rel["staff_id"])
            who["stage"] = stage or ""
        if rel["supporter_id"]:
            sup = people.setdefault(rel["supporter_id"], {})
            sup.setdefault("name", r.get("supporter_name", ""))
    if bad:
        raise Refused(bad.problems, f"{name}", db.name)
    for p in people.values():
        p["delete_after"] = keep_until

    audit = Audit("record start")
    with db.transaction() as conn:
        ids = upsert_people(conn, people, audit)
        _write(conn, needs, ids, {s: p.get("focus", "") for s, p in people.items()}, year,
               audit, result)
        audit.write(conn)
    schools = {people.get(sid, {}).get("school") or "" for sid, _ in needs}
    result.schools = sorted(s for s in schools if s)
    return result


def _need(n: int, r: dict[str, str], bad: Collector, rules: RuleSet, first_day: dt.date,
          cadence: str | None, is_match: bool, result: StartResult) -> dict[str, Any] | None:
    sid = r.get("staff_id", "")
    status = fold_value(r.get("status", ""))
    if status in ("none", "error"):
        result.not_recorded[status] += 1
        return None
    if not sid:
        bad.add(n, "staff_id", "empty; every row needs the staff_id of the person supported")
        return None
    if status and status not in MATCH_STATUSES:
        bad.add(n, "status", "not matched, unmatched, none or error (as match writes it)", sid)
        return None
    rec = fold_value(r.get("recommendation", ""))
    support = SUPPORT_WORDS.get(fold_value(r.get("support", "")))
    if support is None and rec in ("coaching", "mentoring") and not r.get("support"):
        support = rec
    if support is None:
        bad.add(n, "support", "not coaching or mentoring (one row per relationship: two rows "
                "for someone who needs both)", sid)
        return None
    sup = r.get("supporter_id", "")
    if status == "matched" and not sup:
        bad.add(n, "supporter_id", "empty on a matched row; expected the supporter's staff_id", sid)
        return None
    if status == "unmatched" and sup:
        bad.add(n, "supporter_id", "given on an unmatched row; expected it empty (or status "
                "matched)", sid)
        return None
    if sup == sid:
        bad.add(n, "supporter_id", "the same as staff_id; nobody supports themselves", sid)
        return None
    focus = r.get("focus", "")
    focus_value = rules.match_value("focus", focus) if focus else None
    if focus and focus_value is None:
        bad.add(n, "focus", "not a focus (expected one of: " +
                ", ".join(rules.choice_values["focus"]) + ")", sid)
        return None
    begins = parse_date(r.get("start", "")) if r.get("start") else first_day
    if begins is None:
        bad.add(n, "start", "not a date (expected YYYY-MM-DD, e.g. 2025-09-15)", sid)
        return None
    ends: dt.date | None
    if r.get("planned_end"):
        ends = parse_date(r["planned_end"])
        if ends is None or ends <= begins:
            bad.add(n, "planned_end", "not a date after the start (expected YYYY-MM-DD)", sid)
            return None
    else:
        ends = _default_end(support, begins)
    how = fold_value(r.get("cadence", "") or cadence or "fortnightly")
    if how not in CADENCE_WORDS:
        bad.add(n, "cadence", "not one of " + ", ".join(CADENCES), sid)
        return None
    return {"staff_id": sid, "supporter_id": sup, "support": support,
            "status": "proposed" if sup else "unmatched",
            "recommended": rec if rec in RECOMMENDED else None,
            "recommended_type": fold_value(r.get("type", "")).replace(" ", "_") or None,
            "decided_by": fold_value(r.get("decided_by", "")) or None,
            "focus": focus_value, "cadence": CADENCE_WORDS[how], "start_date": begins,
            "planned_end": ends}


def _default_end(support: str, begins: dt.date) -> dt.date:
    if support == "coaching":
        return begins + dt.timedelta(weeks=COACHING_WEEKS)
    # Mentoring "is typically for a longer period of time": to the end of the school year
    # (the end of July), or a year on when it starts late in the year.
    end = dt.date(begins.year + (1 if begins.month >= 8 else 0), 7, 31)
    return end if (end - begins).days >= 90 else dt.date(begins.year + 1, 7, 31)


def _write(conn: Any, needs: dict[tuple[str, str], dict[str, Any]], ids: dict[str, int],
           focus: dict[str, str], year: str, audit: Audit, result: StartResult) -> None:
    t = T["relationship"]
    have = {(r.staff_person_id, r.support): r for r in conn.execute(
        select(t.c.id, t.c.staff_person_id, t.c.support, t.c.status, t.c.supporter_person_id)
        .where(t.c.year == year))}
    new, moved = [], []
    for (sid, support), rel in needs.items():
        pid = ids[sid]
        sup_id = ids.get(rel["supporter_id"]) if rel["supporter_id"] else None
        old = have.get((pid, support))
        if old is None:
            row = {k: v for k, v in rel.items() if k not in ("staff_id", "supporter_id")}
            row.update(staff_person_id=pid, supporter_person_id=sup_id,
                       focus=rel["focus"] or focus.get(sid) or None)
            new.append(row)
            result.added[rel["status"]] += 1
        elif old.status in ("unmatched", "proposed") and sup_id is not None \
                and old.supporter_person_id != sup_id:
            moved.append((old.id, {"supporter_person_id": sup_id, "status": "proposed"}))
            result.rematched += 1
        else:
            result.unchanged += 1
    insert_many(conn, "relationship", new, audit, key=("staff_person_id", "support", "year"))
    update_many(conn, "relationship", moved, audit)


def _read_people(source: str | Path, columns: dict[str, tuple[str, ...]], flag: str,
                 rules: RuleSet, people: dict[str, dict[str, Any]], result: StartResult,
                 opts: dict[str, Any]) -> None:
    """--staff or --supporters: what each file knows of a person, added to `people`."""
    name, rows, _ = read_rows(source, columns, required=("staff_id",),
                              what=f"{flag}: the file given to match", **opts)
    for n, r in rows:
        if not r.get("staff_id"):
            continue
        where = f"{name}: row {n} (staff_id {r['staff_id']})"
        who = people.setdefault(r["staff_id"], {})
        who.update({k: r[k] for k in ("name", "school", "department") if r.get(k)})
        if r.get("career_stage"):
            stage = rules.match_value("career_stage", r["career_stage"])
            if stage is None:
                result.warnings.append(f"{where}: career_stage: not accepted; left empty")
            who["stage"] = stage or ""
        if r.get("focus"):
            who["focus"] = rules.match_value("focus", r["focus"]) or ""  # the need's, not stored
        if "offers" in columns:
            who["supporter"] = OFFERS.get(fold_value(r.get("offers", "")), "")
        cap = r.get("capacity", "")
        if cap.isdigit():
            who["capacity"] = int(cap)
        elif cap:
            result.warnings.append(f"{where}: capacity: not a whole number; left empty")
