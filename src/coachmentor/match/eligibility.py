"""The contract's hard rules 1-3: may this supporter coach or mentor this person at all?

Two implementations of the same rules, kept apart on purpose:

- `exclusion(need, supporter)`: pair by pair, the reference. It names the rule a pair breaks
  (for the reasons and `--explain`), and every pair the solver returns is checked with it.
- `eligible_matrix(needs, supporters)`: all pairs at once with numpy, for the solver.

Rule 4 (capacity) is the solver's: each supporter has as many places as their capacity.

Decisions (the contract leaves them open):
- A mentee's career stage is needed to choose a mentor; a row that needs mentoring without
  one is an `error` row (see `io`), so `need.staff.stage` is always known here.
- Succession mentoring is by a senior_leader, who is also at least the mentee's stage.
- Reverse mentoring: the mentor's stage is earlier than the mentee's; a mentor whose stage
  is unknown cannot be placed and is never eligible for mentoring (`io` refuses such a
  supporter file anyway: career_stage is required of anyone who offers mentoring).
- Mentors may be the person's line manager or assessor (an induction mentor often signs
  off the induction): rule 2 is about coaches only.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from coachmentor.match.people import NOVICE, STAGE, STAGES, Need, Supporter

SENIOR = STAGE["senior_leader"]

# cause code -> words, for a supporter a rule excludes
RULE_WORDS = {
    "offers": "does not offer {role}",
    "self": "is the person themselves",
    "line_manager": "is their line manager (a coach must be neutral)",
    "assessor": "is one of their assessors (a coach must be neutral)",
    "stage": "has not done their role: career stage {stage}",
    "avoided": "is a pair to avoid (--avoid)",  # not a hard rule: the leader's --avoid
}


def stages_allowed(need: Need) -> list[int]:
    """The mentor career stages rule 3 allows for this mentoring need."""
    mine = need.staff.stage
    assert mine is not None, "a mentoring need always has a career stage"
    if need.kind == "reverse":
        return list(range(0, mine))
    low = mine + 1 if mine in NOVICE else mine
    if need.kind == "succession":
        low = max(low, SENIOR)
    return list(range(low, len(STAGES)))


def exclusion(need: Need, sup: Supporter) -> str | None:
    """The hard rule this pair breaks (a RULE_WORDS code), or None when it is allowed."""
    staff = need.staff
    if not (sup.coaching if need.role == "coaching" else sup.mentoring):
        return "offers"
    if staff.staff_id and sup.staff_id == staff.staff_id:
        return "self"
    if need.role == "coaching":
        if staff.line_manager and sup.staff_id == staff.line_manager:
            return "line_manager"
        if sup.staff_id in staff.assessors:
            return "assessor"
        return None
    if sup.stage is None or sup.stage not in stages_allowed(need):
        return "stage"
    return None


def eligible_matrix(needs: Sequence[Need], sups: Sequence[Supporter]) -> np.ndarray:
    """E[i, j]: may supporter j take need i (rules 1-3)? Boolean, len(needs) x len(sups)."""
    n, s = len(needs), len(sups)
    out = np.zeros((n, s), dtype=bool)
    if n == 0 or s == 0:
        return out
    coach = np.fromiter((x.coaching for x in sups), bool, s)
    mentor = np.fromiter((x.mentoring for x in sups), bool, s)
    sstage = np.fromiter((-1 if x.stage is None else x.stage for x in sups), np.int64, s)
    is_m = np.fromiter((nd.role == "mentoring" for nd in needs), bool, n)
    out[~is_m] = coach
    rows = np.flatnonzero(is_m)
    if rows.size:
        mine = np.fromiter((needs[int(i)].staff.stage for i in rows), np.int64, rows.size)
        kind = [needs[int(i)].kind for i in rows]
        novice = np.fromiter((needs[int(i)].novice for i in rows), bool, rows.size)
        reverse = np.array([k == "reverse" for k in kind])
        succession = np.array([k == "succession" for k in kind])
        low = mine + novice
        low = np.where(succession, np.maximum(low, SENIOR), low)
        ok = sstage[None, :] >= low[:, None]
        before = (sstage[None, :] >= 0) & (sstage[None, :] < mine[:, None])
        ok = np.where(reverse[:, None], before, ok)
        out[rows] = ok & mentor[None, :]
    # The few pairs ruled out person by person: self, line manager, assessors.
    where = {sup.staff_id: sup.index for sup in sups}
    for i, nd in enumerate(needs):
        staff = nd.staff
        ids = [staff.staff_id] if staff.staff_id else []
        if nd.role == "coaching":
            ids += [staff.line_manager] if staff.line_manager else []
            ids += sorted(staff.assessors)
        for sid in ids:
            j = where.get(sid)
            if j is not None:
                out[i, j] = False
    return out
