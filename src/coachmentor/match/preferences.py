"""The rule base's `matching:` preferences as weights earned by a pair.

A preference *applies* to a need when the staff list gives what it needs to judge it (no
school column: same_school does not apply) and it fits the role (same subject and a stage
gap are about mentors; outside the person's line is about coaches). A pair *earns* the
weights of the applying preferences it meets; its score is earned / applying (0..1).

load_spread is the one preference that depends on the rest of the matching: a supporter's
places are filled in turn, the j-th of k earning weight * (1 - j/k) (so the solver prefers
a supporter with room to spare). In a pair's reported score, each of a supporter's m pairs
is given the mean of what their m places earned, weight * (1 - (m-1)/(2k)).

Two implementations: `parts` (one pair, in words: the reasons and `--explain`) and
`earned_matrix` (all pairs, numpy: the solver's); the tests check they agree.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from coachmentor.match.people import Need, Supporter
from coachmentor.rulebase.normalise import fold

PREFERENCES = ("same_school", "same_subject", "trained", "stage_gap", "outside_line",
               "specialism", "load_spread")


def applies(name: str, need: Need) -> bool:
    staff = need.staff
    if name == "same_school":
        return bool(staff.school.strip())
    if name == "same_subject":
        return need.role == "mentoring" and bool(staff.subject.strip())
    if name == "stage_gap":
        return need.role == "mentoring" and need.kind != "reverse"
    if name == "outside_line":
        return need.role == "coaching" and bool(staff.subject.strip() or staff.department.strip())
    if name == "specialism":
        return bool(need.type)
    return True  # trained, load_spread


def meets(name: str, need: Need, sup: Supporter) -> bool:
    """Does the pair meet this preference (load_spread aside)?"""
    staff = need.staff
    if name == "same_school":
        return bool(sup.school.strip()) and fold(sup.school) == fold(staff.school)
    if name == "same_subject":
        return bool(sup.subject.strip()) and fold(sup.subject) == fold(staff.subject)
    if name == "trained":
        return sup.trained is True
    if name == "stage_gap":
        return sup.stage is not None and 1 <= sup.stage - (staff.stage or 0) <= 2
    if name == "outside_line":
        theirs = {fold(t) for t in (staff.subject, staff.department) if t.strip()}
        return bool(sup.subject.strip()) and fold(sup.subject) not in theirs
    if name == "specialism":
        return need.type in sup.specialisms
    raise ValueError(name)


def weights(matching: Any) -> dict[str, float]:
    return {name: float(getattr(matching, name).weight) for name in PREFERENCES}


def applying_total(need: Need, w: dict[str, float]) -> float:
    return sum(w[name] for name in PREFERENCES if applies(name, need))


def load_share(m: int, capacity: int) -> float:
    """The mean of 1 - j/k over a supporter's first m of k places (m >= 1)."""
    return 1.0 - (m - 1) / (2.0 * capacity) if capacity else 0.0


def parts(need: Need, sup: Supporter, w: dict[str, float],
          load: int) -> list[tuple[str, float, float]]:
    """(preference, weight if it applies, weight earned) for each preference that applies;
    `load` is how many relationships the supporter holds in the matching (this one included)."""
    out = []
    for name in PREFERENCES:
        if not applies(name, need) or w[name] == 0:
            continue
        if name == "load_spread":
            earned = w[name] * load_share(max(load, 1), sup.capacity)
        else:
            earned = w[name] if meets(name, need, sup) else 0.0
        out.append((name, w[name], earned))
    return out


def score(need: Need, sup: Supporter, w: dict[str, float], load: int) -> float:
    got = parts(need, sup, w, load)
    total = sum(weight for _, weight, _ in got)
    return sum(e for _, _, e in got) / total if total else 1.0


def _codes(values: list[str], table: dict[str, int], blank: int) -> np.ndarray:
    out = np.empty(len(values), np.int64)
    for i, v in enumerate(values):
        out[i] = table.setdefault(fold(v), len(table)) if v.strip() else blank
    return out


def earned_matrix(needs: Sequence[Need], sups: Sequence[Supporter],
                  w: dict[str, float]) -> np.ndarray:
    """The weight each pair earns, load_spread aside (float, len(needs) x len(sups))."""
    n, s = len(needs), len(sups)
    out = np.zeros((n, s))
    if n == 0 or s == 0:
        return out
    coach = np.fromiter((nd.role == "coaching" for nd in needs), bool, n)
    mentor = ~coach
    # same_school
    schools: dict[str, int] = {}
    mine = _codes([nd.staff.school for nd in needs], schools, -1)
    theirs = _codes([x.school for x in sups], schools, -2)
    out += w["same_school"] * (mine[:, None] == theirs[None, :])
    # same_subject (mentoring) and outside_line (coaching)
    subjects: dict[str, int] = {}
    subj = _codes([nd.staff.subject for nd in needs], subjects, -1)
    dept = _codes([nd.staff.department for nd in needs], subjects, -1)
    ssubj = _codes([x.subject for x in sups], subjects, -2)
    same = subj[:, None] == ssubj[None, :]
    out += w["same_subject"] * (same & mentor[:, None])
    outside = (ssubj[None, :] >= 0) & ~same & (dept[:, None] != ssubj[None, :])
    judged = coach & ((subj >= 0) | (dept >= 0))
    out += w["outside_line"] * (outside & judged[:, None])
    # trained
    out += w["trained"] * np.fromiter((x.trained is True for x in sups), bool, s)[None, :]
    # stage_gap (mentoring, not reverse)
    sstage = np.fromiter((-99 if x.stage is None else x.stage for x in sups), np.int64, s)
    nstage = np.fromiter((nd.staff.stage or 0 for nd in needs), np.int64, n)
    gap = sstage[None, :] - nstage[:, None]
    judged = mentor & np.fromiter((nd.kind != "reverse" for nd in needs), bool, n)
    out += w["stage_gap"] * (((gap >= 1) & (gap <= 2)) & judged[:, None])
    # specialism
    if w["specialism"]:
        by_type: dict[str, np.ndarray] = {}
        for i, nd in enumerate(needs):
            if nd.type:
                has = by_type.get(nd.type)
                if has is None:
                    has = by_type[nd.type] = w["specialism"] * np.fromiter(
                        (nd.type in x.specialisms for x in sups), bool, s)
                out[i] += has
    return out
