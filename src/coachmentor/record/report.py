"""`record report`: the year in counts, dates and ratings, for a head, a CPD lead, governors
and a trust. Built on `facts.load` (which never reads a name, a goal's words or a note).

Sections: coverage and equity (recommended relationships matched or not, by school and career
stage; supporters' load), is it happening (meetings held against planned, reviews overdue),
outcomes by kind of support (goals met, change in self-rating, usefulness, practice change;
by delivered support, recommended or changed, type, focus and stage; early endings), and the
loop: per rule base hash, how the recommended kinds of support fared (descriptive only: the
rule base is never changed from here). A group smaller than `min_group` shows no figures.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from statistics import mean
from typing import Any

from coachmentor.record.db import Database, today
from coachmentor.record.facts import Rel, load, shared_goals
from coachmentor.record.vocab import MIN_GROUP, OPEN_STATUSES, label

SUPPRESSED = None  # a figure withheld: the group is too small to show without identifying


def build(db: Database, *, year: str | None = None, school: str | None = None,
          min_group: int = MIN_GROUP, pseudonym: Callable[[str], str] | None = None,
          with_shared_goals: bool = True) -> dict[str, Any]:
    now = today()
    with db.transaction() as conn:
        rels = load(conn, year=year, school=school)
        shared = shared_goals(conn, [r.id for r in rels]) if with_shared_goals else []
        capacity = _capacities(conn)
    hide = pseudonym or (lambda text: text)
    given = [r for r in rels if r.status != "unmatched"]
    doc: dict[str, Any] = {
        "as_of": now.isoformat(), "year": year or "all years", "school": school or "all schools",
        "min_group": min_group,
        "totals": _totals(rels, now),
        "coverage": {
            "by_school": _coverage(rels, lambda r: r.school, min_group),
            "by_stage": _coverage(rels, lambda r: label(r.stage), min_group),
        },
        "supporters": _load(given, capacity, hide),
        "happening": _happening(given, now, min_group),
        "outcomes": {
            "by_support": _outcomes(given, lambda r: r.as_delivered, min_group),
            "recommended_or_changed": _outcomes(
                given, lambda r: "as recommended" if r.as_delivered == r.support and (
                    not r.delivered_type or r.delivered_type == r.recommended_type)
                else "changed", min_group),
            "by_type": _outcomes(given, lambda r: r.delivered_type or r.recommended_type
                                 or "(no type)", min_group),
            "by_focus": _outcomes(given, lambda r: label(r.focus or "(no focus)"), min_group),
            "by_stage": _outcomes(given, lambda r: label(r.stage), min_group),
            "early_endings": _counts((label(r.end_reason or "other") for r in given
                                      if r.status == "ended_early"), min_group),
        },
        "overall": (_measures(given) if len(given) >= min_group else {}),
        "loop": _loop(given, min_group),
        "shared_goals": shared,
    }
    return doc


def _capacities(conn: Any) -> dict[str, int | None]:
    from sqlalchemy import select

    from coachmentor.record.store import T

    p = T["person"]
    return {sid: cap for sid, cap in conn.execute(select(p.c.staff_id, p.c.capacity))}


def _pct(part: float, whole: float) -> float | None:
    return round(100 * part / whole) if whole else None


def _avg(values: list[float]) -> float | None:
    return round(mean(values), 1) if values else None


def _totals(rels: list[Rel], now: Any) -> dict[str, Any]:
    given = [r for r in rels if r.status != "unmatched"]
    status = Counter(r.status for r in rels)
    return {
        "relationships": len(rels),
        "staff_supported": len({r.staff_id for r in given}),
        "supporters": len({r.supporter_id for r in given}),
        "by_status": {label(s): n for s, n in sorted(status.items())},
        "by_support": dict(sorted(Counter(r.as_delivered for r in given).items())),
        "agreements": sum(1 for r in given if "agreement" in r.reviews),
        "meetings_held": sum(r.held for r in given),
        "meetings_planned": sum(r.planned_meetings(now) for r in given),
        "flags": dict(sorted(Counter(f for r in given for f, _ in r.flags(now)).items())),
    }


def _coverage(rels: list[Rel], key: Callable[[Rel], str], min_group: int) -> list[dict[str, Any]]:
    groups: dict[tuple[str, str], list[Rel]] = defaultdict(list)
    for r in rels:
        groups[(key(r), r.support)].append(r)
    out = []
    for (name, support), members in sorted(groups.items()):
        n = len(members)
        matched = sum(1 for r in members if r.status != "unmatched")
        small = n < min_group
        out.append({"group": name, "support": support, "needed": n,
                    "matched": SUPPRESSED if small else matched,
                    "unmatched": SUPPRESSED if small else n - matched,
                    "matched_pct": SUPPRESSED if small else _pct(matched, n),
                    "suppressed": small})
    return out


def _load(given: list[Rel], capacity: dict[str, int | None], hide: Callable[[str], str]
          ) -> list[dict[str, Any]]:
    held = Counter(r.supporter_id for r in given if r.status in OPEN_STATUSES)
    everyone = sorted({r.supporter_id for r in given if r.supporter_id})
    return [{"supporter_id": hide(sid), "open": held.get(sid, 0), "capacity": capacity.get(sid),
             "over": capacity.get(sid) is not None and held.get(sid, 0) > (capacity.get(sid) or 0)}
            for sid in everyone]


def _happening(given: list[Rel], now: Any, min_group: int) -> list[dict[str, Any]]:
    out = []
    for support in sorted({r.as_delivered for r in given}):
        members = [r for r in given if r.as_delivered == support]
        small = len(members) < min_group
        planned = sum(r.planned_meetings(now) for r in members)
        held = sum(r.held for r in members)
        flags = Counter(f for r in members for f, _ in r.flags(now))
        out.append({"support": support, "relationships": len(members), "suppressed": small,
                    "active": SUPPRESSED if small else sum(1 for r in members
                                                           if r.status == "active"),
                    "meetings_planned": SUPPRESSED if small else planned,
                    "meetings_held": SUPPRESSED if small else held,
                    "held_pct": SUPPRESSED if small else _pct(held, planned),
                    "cancelled": SUPPRESSED if small else sum(r.cancelled for r in members),
                    "no_agreement": SUPPRESSED if small else flags.get("no_agreement", 0),
                    "reviews_overdue": SUPPRESSED if small else
                    flags.get("mid_point_overdue", 0) + flags.get("end_overdue", 0),
                    "no_check_in": SUPPRESSED if small else flags.get("no_check_in", 0)})
    return out


def _measures(members: list[Rel]) -> dict[str, Any]:
    ends = [r for r in members if "end" in r.reviews]
    goal_marks = [p for r in ends for p in r.progress.get("end", {}).values()]
    change = [r.reviews["end"]["self_rating"] - r.reviews["agreement"]["self_rating"]
              for r in ends if "agreement" in r.reviews
              and r.reviews["agreement"]["self_rating"] is not None
              and r.reviews["end"]["self_rating"] is not None]
    useful = [r.reviews[s]["usefulness"] for r in members for s in ("end", "mid_point")
              if s in r.reviews and r.reviews[s]["usefulness"] is not None
              and (s == "end" or "end" not in r.reviews)]
    practice = [r.reviews["end"]["practice_change"] for r in ends
                if r.reviews["end"]["practice_change"]]
    return {"completed": sum(1 for r in members if r.status == "completed"),
            "ended_early": sum(1 for r in members if r.status == "ended_early"),
            "end_reviews": len(ends),
            "goals_met_pct": _pct(sum(1 for p in goal_marks if p == "met"), len(goal_marks)),
            "self_rating_change": _avg(change),
            "usefulness": _avg(useful),
            "practice_change_pct": _pct(sum(1 for p in practice if p in ("yes", "partly")),
                                        len(practice))}


def _outcomes(given: list[Rel], key: Callable[[Rel], str], min_group: int
              ) -> list[dict[str, Any]]:
    groups: dict[str, list[Rel]] = defaultdict(list)
    for r in given:
        groups[key(r)].append(r)
    out = []
    for name, members in sorted(groups.items()):
        small = len(members) < min_group
        row = {"group": name, "relationships": len(members), "suppressed": small}
        measures = _measures(members)
        row.update({k: SUPPRESSED for k in measures} if small else measures)
        out.append(row)
    return out


def _counts(values: Iterable[str], min_group: int) -> list[dict[str, Any]]:
    counts = Counter(values)
    return [{"group": k, "count": n if n >= min_group else SUPPRESSED,
             "suppressed": n < min_group} for k, n in sorted(counts.items())]


def _loop(given: list[Rel], min_group: int) -> list[dict[str, Any]]:
    """Per rule base hash and recommended support: how it fared (descriptive only)."""
    groups: dict[tuple[str, str], list[Rel]] = defaultdict(list)
    for r in given:
        groups[(r.rules_hash or "(unknown)", r.recommended or r.support)].append(r)
    out = []
    for (rules_hash, rec), members in sorted(groups.items()):
        small = len(members) < min_group
        measures = _measures(members)
        row = {"rules_hash": rules_hash, "recommended": rec, "relationships": len(members),
               "delivered_as_recommended": SUPPRESSED if small else sum(
                   1 for r in members if r.as_delivered == r.support),
               "suppressed": small}
        row.update({k: SUPPRESSED for k in measures} if small else measures)
        out.append(row)
    return out


# --- the one-page summary ------------------------------------------------------------------

def render_json(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


def _fmt(value: Any, suffix: str = "") -> str:
    return "–" if value is None else f"{value}{suffix}"


def summary_lines(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """The one-page year summary for governors: (what, figure). Below the smallest group
    size, the record as a whole shows no figures."""
    t, overall = doc["totals"], doc["overall"]
    shown = t["relationships"] >= doc["min_group"]

    def count(value: Any) -> str:
        return str(value) if shown else f"fewer than {doc['min_group']} relationships recorded"

    return [
        ("Relationships recorded (coaching and mentoring)", count(t["relationships"])),
        ("Staff supported", count(t["staff_supported"])),
        ("Colleagues giving support", count(t["supporters"])),
        ("By kind of support", ", ".join(f"{k} {v}" for k, v in t["by_support"].items())
         if shown else "–"),
        ("Recommended but not yet matched", count(t["by_status"].get("unmatched", 0))),
        ("Agreements made (first meeting: purpose, terms, confidentiality)",
         count(t["agreements"])),
        ("Meetings held / planned so far",
         f"{t['meetings_held']} / {t['meetings_planned']}" if shown else "–"),
        ("Goals met at the end review", _fmt(overall.get("goals_met_pct"), "%")),
        ("Change in self-rating, agreement to end (1-5 scale)",
         _fmt(overall.get("self_rating_change"))),
        ("Usefulness (1-5)", _fmt(overall.get("usefulness"))),
        ("Change in practice seen (yes or partly)", _fmt(overall.get("practice_change_pct"), "%")),
        ("Ended early", count(t["by_status"].get("ended early", 0))),
    ]
