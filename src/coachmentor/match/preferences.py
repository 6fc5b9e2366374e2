"""The rule base's `matching:` preferences as weights earned by a pair.

A preference *applies* to a need when the staff list gives what it needs to judge it (no
school column: same_school does not apply) and it fits the role (same subject and a stage
gap are about mentors; outside the person's line is about coaches). A pair *earns* the
weights of the applying preferences it meets; its score is earned / applying (0..1). When
the supporter's side is blank (no school, phase, subject or trained flag) the preference is
not met, and its words say it is not known.

load_spread is the one preference that depends on the rest of the matching: a supporter's
places are filled in turn, the j-th of k earning weight * (1 - j/k) (so the solver prefers
a supporter with room to spare). In a pair's reported score, each of a supporter's m pairs
is given the mean of what their m places earned, weight * (1 - (m-1)/(2k)).

A stage gap is one or two career stages ahead; for succession mentoring, a mentor at the
succession rule's stage (a senior leader: "a group level counterpart") is the suitable gap.

Two implementations: `parts` (one pair, in words: the reasons and `--explain`) and
`class_units` (many pairs, numpy, in the solver's integer units); the tests check they agree.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from coachmentor.match.eligibility import KIND
from coachmentor.match.people import Need, Supporter, fold
from coachmentor.match.policy import PREFERENCES, Policy


def applies(name: str, need: Need) -> bool:
    staff = need.staff
    if name == "same_school":
        return bool(staff.school.strip())
    if name == "same_phase":
        return staff.phase >= 0
    if name == "same_subject":
        return need.role == "mentoring" and bool(staff.subject.strip())
    if name == "stage_gap":
        return need.role == "mentoring" and need.kind != "reverse"
    if name == "outside_line":
        return need.role == "coaching" and bool(staff.subject.strip() or staff.department.strip())
    if name == "specialism":
        return bool(need.type)
    return True  # trained, load_spread


def judge(name: str, need: Need, sup: Supporter, policy: Policy) -> str:
    """'met', 'unmet' or 'unknown' (the supporter's side is blank) for a preference that
    applies (load_spread aside)."""
    judged = _JUDGES.get(name)
    if judged is None:
        raise ValueError(name)
    return judged(need, sup, policy)


def _same(theirs: str, ours: str) -> str:
    """A supporter's text field against the person's: unknown when the supporter's is blank."""
    if not theirs.strip():
        return "unknown"
    return "met" if fold(theirs) == fold(ours) else "unmet"


def _same_phase(need: Need, sup: Supporter, policy: Policy) -> str:
    if sup.phase < 0:
        return "unknown"
    return "met" if policy.fits[need.staff.phase, sup.phase] else "unmet"


def _trained(need: Need, sup: Supporter, policy: Policy) -> str:
    return "unknown" if sup.trained is None else "met" if sup.trained else "unmet"


def _stage_gap(need: Need, sup: Supporter, policy: Policy) -> str:
    if sup.stage is None:
        return "unknown"
    gap = sup.stage - (need.staff.stage or 0)
    succession = need.kind == "succession" and policy.succession_min is not None \
        and sup.stage >= policy.succession_min
    return "met" if 1 <= gap <= 2 or succession else "unmet"


def _outside_line(need: Need, sup: Supporter, policy: Policy) -> str:
    if not sup.subject.strip():
        return "unknown"
    staff = need.staff
    theirs = {fold(t) for t in (staff.subject, staff.department) if t.strip()}
    return "met" if fold(sup.subject) not in theirs else "unmet"


def _specialism(need: Need, sup: Supporter, policy: Policy) -> str:
    return "met" if need.type in sup.specialisms else "unmet"


# How each preference is judged for one pair (load_spread is judged on the whole matching).
_JUDGES: dict[str, Callable[[Need, Supporter, Policy], str]] = {
    "same_school": lambda need, sup, policy: _same(sup.school, need.staff.school),
    "same_phase": _same_phase,
    "same_subject": lambda need, sup, policy: _same(sup.subject, need.staff.subject),
    "trained": _trained,
    "stage_gap": _stage_gap,
    "outside_line": _outside_line,
    "specialism": _specialism,
}


def load_share(m: int, capacity: int) -> float:
    """The mean of 1 - j/k over a supporter's first m of k places (m >= 1)."""
    return 1.0 - (m - 1) / (2.0 * capacity) if capacity else 0.0


def parts(need: Need, sup: Supporter, policy: Policy,
          load: int) -> list[tuple[str, float, float, str]]:
    """(preference, weight, weight earned, met|unmet|unknown) for each preference that applies;
    `load` is how many relationships the supporter holds in the matching (this one included)."""
    w = policy.weights
    out = []
    for name in PREFERENCES:
        if not applies(name, need) or w[name] == 0:
            continue
        if name == "load_spread":
            earned = w[name] * load_share(max(load, 1), sup.capacity)
            out.append((name, w[name], earned, "met" if load < sup.capacity else "unmet"))
        else:
            verdict = judge(name, need, sup, policy)
            out.append((name, w[name], w[name] if verdict == "met" else 0.0, verdict))
    return out


def score(need: Need, sup: Supporter, policy: Policy, load: int) -> float:
    got = parts(need, sup, policy, load)
    total = sum(weight for _, weight, _, _ in got)
    return sum(e for _, _, e, _ in got) / total if total else 1.0


def units(policy: Policy, scale: float) -> dict[str, int]:
    """Each preference's weight in the solver's integer units."""
    return {name: int(round(policy.weights[name] * scale)) for name in PREFERENCES}


def pair_units(need: Need, sup: Supporter, policy: Policy, u: dict[str, int]) -> int:
    """The units a pair earns, load_spread aside (the reference for `class_units`)."""
    return sum(u[name] for name in PREFERENCES if name != "load_spread"
               and applies(name, need) and judge(name, need, sup, policy) == "met")


def class_units(c: Any, rows: np.ndarray, s: Any, policy: Policy,
                u: dict[str, int]) -> np.ndarray:
    """The units each pair earns, load_spread aside: int32, len(rows) x supporters (classes
    and supporter arrays as for `eligibility.class_codes`)."""
    n, m = rows.size, s.stage.size
    out = np.zeros((n, m), np.int32)
    if n == 0 or m == 0:
        return out

    def add(weight: int, met: np.ndarray) -> None:
        if weight:
            np.add(out, np.multiply(met, np.int32(weight), dtype=np.int32), out=out)

    coach = c.coach[rows]
    school = c.school[rows][:, None]
    add(u["same_school"], (school >= 0) & (school == s.school[None, :]))
    phase = c.phase[rows][:, None]
    if u["same_phase"]:
        known = (phase >= 0) & (s.phase[None, :] >= 0)
        add(u["same_phase"], known & policy.fits[np.maximum(phase, 0),
                                                 np.maximum(s.phase, 0)[None, :]])
    subject, dept = c.subject[rows][:, None], c.dept[rows][:, None]
    same = subject == s.subject[None, :]
    add(u["same_subject"], same & (subject >= 0) & ~coach[:, None])
    if u["outside_line"]:
        judged = (coach & ((c.subject[rows] >= 0) | (c.dept[rows] >= 0)))[:, None]
        outside = (s.subject[None, :] >= 0) & ~same & (dept != s.subject[None, :])
        add(u["outside_line"], outside & judged)
    add(u["trained"], np.broadcast_to(s.trained[None, :], (n, m)))
    if u["stage_gap"]:
        mine = c.stage[rows][:, None]
        kind = c.kind[rows][:, None]
        gap = s.stage[None, :] - mine
        met = (gap >= 1) & (gap <= 2) & (s.stage[None, :] >= 0)
        if policy.succession_min is not None:
            met |= (kind == KIND["succession"]) & (s.stage[None, :] >= policy.succession_min)
        add(u["stage_gap"], met & ~coach[:, None] & (kind != KIND["reverse"]))
    if u["specialism"]:
        kind_type = c.type[rows][:, None]
        has = (s.spec[None, :] >> np.maximum(kind_type, 0)) & 1
        add(u["specialism"], (kind_type >= 0) & (has == 1))
    return out
