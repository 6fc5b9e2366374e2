"""The leader's view of the record: per relationship, counts, dates and ratings only.

`load()` is the one place `status` and `report` read the record from. It selects no name, no
goal's words and no note (the columns are never fetched), so nothing built on it can show
them; shared goals are fetched separately, only by the report that prints them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from coachmentor.record.schedule import due_dates
from coachmentor.record.store import T
from coachmentor.record.vocab import (
    CADENCES,
    CHECKIN_GAP_DAYS,
    OPEN_STATUSES,
    REVIEW_GRACE_DAYS,
)


@dataclass
class Rel:
    id: int
    staff_id: str
    supporter_id: str | None
    school: str
    stage: str
    year: str
    support: str
    recommended: str | None
    recommended_type: str | None
    delivered: str | None
    delivered_type: str | None
    rules_hash: str | None
    focus: str | None
    cadence: str | None
    start_date: dt.date | None
    planned_end: dt.date | None
    status: str
    end_reason: str | None
    held: int = 0
    cancelled: int = 0
    last_held: dt.date | None = None
    reviews: dict[str, dict[str, Any]] = field(default_factory=dict)
    goals: int = 0
    progress: dict[str, dict[int, str]] = field(default_factory=dict)

    @property
    def as_delivered(self) -> str:
        return self.delivered or self.support

    def planned_meetings(self, today: dt.date) -> int:
        if self.start_date is None or self.cadence not in CADENCES or self.status == "unmatched":
            return 0
        last = min(today, self.planned_end) if self.planned_end else today
        return max(0, (last - self.start_date).days // CADENCES[self.cadence])

    def flags(self, today: dt.date) -> list[tuple[str, str]]:
        """(flag, words) for `record status`: the issue's three, with dates."""
        out: list[tuple[str, str]] = []
        if self.status not in OPEN_STATUSES or self.start_date is None:
            return out
        due = due_dates(self.start_date, self.planned_end)
        if "agreement" not in self.reviews and today > due["agreement"]:
            out.append(("no_agreement", f"no agreement recorded by week 3 (due "
                                        f"{due['agreement'].isoformat()})"))
        for stage in ("mid_point", "end"):
            when = due.get(stage)
            if when and stage not in self.reviews and (today - when).days > REVIEW_GRACE_DAYS:
                out.append((f"{stage}_overdue", f"{stage.replace('_', '-')} review overdue by "
                            f"{(today - when).days} days (due {when.isoformat()})"))
        if self.status == "active":
            since = self.last_held or self.start_date
            gap = (today - since).days
            if gap > CHECKIN_GAP_DAYS:
                what = f"last held {since.isoformat()}" if self.last_held else "none held yet"
                out.append(("no_check_in", f"no check-in for {gap} days ({what})"))
        return out


def load(conn: Any, *, year: str | None = None, school: str | None = None,
         supporter: str | None = None) -> list[Rel]:
    r, p = T["relationship"], T["person"]
    sup = p.alias("sup")
    q = (select(r.c.id, p.c.staff_id, sup.c.staff_id.label("supporter_id"), p.c.school,
                p.c.stage, r.c.year, r.c.support, r.c.recommended, r.c.recommended_type,
                r.c.delivered, r.c.delivered_type, r.c.rules_hash, r.c.focus, r.c.cadence,
                r.c.start_date, r.c.planned_end, r.c.status, r.c.end_reason)
         .join(p, p.c.id == r.c.staff_person_id)
         .outerjoin(sup, sup.c.id == r.c.supporter_person_id)
         .order_by(r.c.id))
    if year:
        q = q.where(r.c.year == year)
    if school:
        q = q.where(p.c.school == school)
    if supporter:
        q = q.where(sup.c.staff_id == supporter)
    rels = {m["id"]: Rel(**{**m, "school": m["school"] or "(no school)",
                            "stage": m["stage"] or "(not recorded)"})
            for m in conn.execute(q).mappings()}
    if not rels:
        return []
    c = T["check_in"]
    for rid, outcome, n, last in conn.execute(
            select(c.c.relationship_id, c.c.outcome, func.count(), func.max(c.c.on_date))
            .group_by(c.c.relationship_id, c.c.outcome)):
        rel = rels.get(rid)
        if rel is None:
            continue
        if outcome == "held":
            rel.held, rel.last_held = n, last
        elif outcome == "cancelled":
            rel.cancelled = n
    v = T["review"]
    review_of: dict[int, tuple[int, str]] = {}
    for m in conn.execute(select(v.c.id, v.c.relationship_id, v.c.stage, v.c.held_on,
                                 v.c.self_rating, v.c.usefulness, v.c.practice_change,
                                 v.c.decision)).mappings():
        rel = rels.get(m["relationship_id"])
        if rel is not None:
            rel.reviews[m["stage"]] = dict(m)
            review_of[m["id"]] = (m["relationship_id"], m["stage"])
    g = T["goal"]
    for rid, n in conn.execute(select(g.c.relationship_id, func.count())
                               .group_by(g.c.relationship_id)):
        if rid in rels:
            rels[rid].goals = n
    gp = T["goal_progress"]
    for review_id, number, progress in conn.execute(select(gp.c.review_id, gp.c.goal_number,
                                                           gp.c.progress)):
        where = review_of.get(review_id)
        if where is not None:
            rels[where[0]].progress.setdefault(where[1], {})[number] = progress
    return list(rels.values())


def shared_goals(conn: Any, ids: list[int]) -> list[dict[str, Any]]:
    """The goals a pair chose to share with the school: their words, support and focus (no
    staff id: the words are shared, not whose they are)."""
    g, r = T["goal"], T["relationship"]
    wanted = set(ids)
    q = (select(g.c.relationship_id, g.c.text, r.c.support, r.c.focus)
         .join(r, r.c.id == g.c.relationship_id).where(g.c.shared.is_(True))
         .order_by(r.c.support, r.c.focus, g.c.text))
    return [{"support": m["support"], "focus": m["focus"] or "", "text": m["text"]}
            for m in conn.execute(q).mappings() if m["relationship_id"] in wanted]
