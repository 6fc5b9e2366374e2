"""match's output rows: one per needed relationship, then one per 'other' or error staff row,
with the contract's columns and the extensions (the school, subject and phase of both sides,
the band, what to check, and the fix for an unmatched person); and the lists a trust hands
out, school by school."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from coachmentor.match.explain import flags, own_school_note, pair_reasons, score_of, unmatched
from coachmentor.match.people import Need, StaffRow, Supporter, fold
from coachmentor.match.policy import Policy
from coachmentor.match.preferences import parts

NO_SCHOOL = "(no school)"


class SchoolNames:
    """One spelling per school: 'Hillcrest High School', 'HILLCREST HIGH SCHOOL ' and
    'hillcrest high school' are one school, shown as most rows spell it."""

    def __init__(self, texts: list[str]):
        seen: dict[str, Counter[str]] = {}
        order: dict[str, int] = {}
        for t in texts:
            if t.strip():
                key = fold(t)
                seen.setdefault(key, Counter())[t.strip()] += 1
                order.setdefault(key, len(order))
        self.names = {k: max(c.items(), key=lambda kv: (kv[1], -list(c).index(kv[0])))[0]
                      for k, c in seen.items()}

    def __call__(self, text: str) -> str:
        return self.names.get(fold(text), text.strip()) if text.strip() else ""


def record(row: StaffRow, pseudonym: Callable[[str], str], schools: SchoolNames,
           policy: Policy) -> dict[str, Any]:
    return {"staff_id": row.staff_id, "name": pseudonym(row.name), "row": row.row,
            "recommendation": row.recommendation, "support": "", "type": "", "status": "",
            "supporter_id": "", "supporter_name": "", "score": None, "reasons": "",
            "unmatched_reason": "", "error": "", "school": schools(row.school),
            "subject": row.subject, "phase": policy.phase_label(row.phase),
            "supporter_school": "", "supporter_subject": "", "supporter_phase": "",
            "band": "", "flag": "", "fix": ""}


def build(staff: Sequence[StaffRow], needs: Sequence[Need], sups: Sequence[Supporter],
          sol: Any, policy: Policy, fixer: Any, kept: set[int],
          pseudonym: Callable[[str], str],
          schools: SchoolNames) -> tuple[list[dict[str, Any]], Counter[str], dict[int, Any]]:
    """The rows, the unmatched counted by cause, and each unmatched need's fix
    (`fixes.Fixer`)."""
    records: list[dict[str, Any]] = []
    causes: Counter[str] = Counter()
    fixes: dict[int, Any] = {}
    load_arr = np.asarray(sol.load, np.int64)
    caps = np.fromiter((s.capacity for s in sups), np.int64, len(sups))
    for nd in needs:
        rec = record(nd.staff, pseudonym, schools, policy)
        rec.update(support=nd.role, type=nd.type)
        j = sol.pairs.get(nd.index)
        if j is not None:
            sup = sups[j]
            load = sol.load[j]
            got = parts(nd, sup, policy, load)
            value = score_of(got)
            note = ""
            if policy.own_school and nd.novice and nd.staff.school.strip() and \
                    fold(sup.school) != fold(nd.staff.school):
                note = own_school_note(nd, sups, sol.view.eligible(nd.index), sol.load)
            rec.update(status="matched", supporter_id=sup.staff_id,
                       supporter_name=pseudonym(sup.name), score=round(value, 2),
                       reasons=("kept (--keep); " if nd.index in kept else "")
                       + pair_reasons(nd, sup, policy, load, got=got),
                       supporter_school=schools(sup.school), supporter_subject=sup.subject,
                       supporter_phase=policy.phase_label(sup.phase),
                       band=policy.band(value),
                       flag="; ".join(flags(nd, sup, policy, load, elsewhere=note, got=got)))
        else:
            ranked = sol.ranked(nd.index)
            codes = sol.view.codes_of(nd.index) if ranked.size == 0 else np.zeros(0, np.int8)
            cause, words = unmatched(nd, sups, codes, load_arr, caps, policy, ranked)
            causes[cause] += 1
            fix = fixes[nd.index] = fixer.fix(nd, ranked)
            rec.update(status="unmatched", unmatched_reason=words, fix=fix.words)
        records.append(rec)
    for row in staff:
        if not row.needs:
            rec = record(row, pseudonym, schools, policy)
            rec.update(status="error" if row.status == "error" else "none", error=row.error,
                       reasons=f"needs {row.alternative} first, not a coach or mentor"
                       if row.alternative else "")
            records.append(rec)
    return records, causes, fixes


def by_school(records: Sequence[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Each school's rows: its own staff's, and those where one of its staff supports someone
    at another school (so a head sees who their staff support). Schools in name order; staff
    with no school under '(no school)'."""
    out: dict[str, list[dict[str, Any]]] = {}
    for rec in records:
        mine = rec["school"] or NO_SCHOOL
        out.setdefault(mine, []).append(rec)
        theirs = rec.get("supporter_school") or ""
        if theirs and fold(theirs) != fold(rec["school"]):
            out.setdefault(theirs, []).append(rec)
    return dict(sorted(out.items(), key=lambda kv: (kv[0] == NO_SCHOOL, kv[0].casefold())))


_UNSAFE = re.compile(r"[^\w]+")


def file_names(schools: Sequence[str], ext: str) -> dict[str, str]:
    """A file name per school: 'oakfield-primary.csv' (distinct, whatever the names)."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for school in schools:
        stem = _UNSAFE.sub("-", school.casefold()).strip("-")[:60] or "school"
        name, k = stem, 2
        while name in used:
            name, k = f"{stem}-{k}", k + 1
        used.add(name)
        out[school] = f"{name}.{ext}"
    return out


_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def sheet_names(schools: Sequence[str], taken: Sequence[str] = ("pairs",)) -> dict[str, str]:
    """A worksheet name per school: at most 31 characters, none of []:*?/\\, distinct."""
    out: dict[str, str] = {}
    used = {t.casefold() for t in taken}
    for school in schools:
        stem = _SHEET_BAD.sub("-", school).strip("'")[:31] or "school"
        name, k = stem, 2
        while name.casefold() in used:
            suffix = f" ({k})"
            name, k = stem[:31 - len(suffix)] + suffix, k + 1
        used.add(name.casefold())
        out[school] = name
    return out
