"""Every decision in words: why this supporter (each preference's share of the score), why
nobody (the rule that excluded each one who offers it, or who is full), and `--explain`.

Only staff ids appear in these texts, never names: they may be printed anywhere.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Sequence

import numpy as np

from coachmentor.match.eligibility import RULE_WORDS, exclusion, stages_allowed
from coachmentor.match.people import STAGE_WORDS, STAGES, Need, Supporter
from coachmentor.match.preferences import parts, score

LISTED = 3  # supporters named per cause before "and N more"

CAUSES = {
    "no_offer": "nobody offers it",
    "neutral": "the only coaches are their line manager or assessors",
    "stage": "no mentor has done their role",
    "self": "the only supporter is themselves",
    "avoided": "every possible pair is one to avoid (--avoid)",
    "mixed": "everyone who offers it is excluded by a hard rule",
    "capacity": "every eligible supporter is at capacity",
}


def _ids(sups: Sequence[Supporter], extra: str = "", total: int | None = None) -> str:
    """The first few ids, then "and N more" (of `total`, when only the first few are given)."""
    total = len(sups) if total is None else total
    shown = [s.staff_id + extra.format(s=s) for s in sups[:LISTED]]
    more = f" and {total - LISTED} more" if total > LISTED else ""
    return ", ".join(shown) + more


def pair_reasons(need: Need, sup: Supporter, matching: Any, w: dict[str, float], load: int) -> str:
    """'score 0.75: works at the same school 0.30, ...; not met: trained for this role'."""
    got = parts(need, sup, w, load)
    total = sum(weight for _, weight, _ in got) or 1.0
    met: list[str] = []
    unmet: list[str] = []
    for name, _, earned in got:
        words = getattr(matching, name).reason
        if name == "load_spread":
            words += f" ({load} of {sup.capacity} places used)"
        (met if earned > 0 else unmet).append(f"{words} {earned / total:.2f}" if earned > 0
                                              else words)
    lead = ""
    if need.role == "mentoring":
        # a mentoring pair is only ever made between two people with a stage (rule 3)
        assert sup.stage is not None and need.staff.stage is not None
        lead = (f"{STAGE_WORDS[STAGES[sup.stage]]} mentoring "
                f"{STAGE_WORDS[STAGES[need.staff.stage]]}")
        lead += " (reverse mentoring); " if need.kind == "reverse" else "; "
    text = f"{lead}score {score(need, sup, w, load):.2f}"
    text += (": " + ", ".join(met)) if met else ""
    return text + ("; not met: " + ", ".join(unmet) if unmet else "")


def excluded(need: Need, sups: Sequence[Supporter],
             eligible_row: np.ndarray | None = None) -> dict[str, list[Supporter]]:
    """Rule code -> the supporters it excludes for this need (a pair the rules allow but
    the leader asked to avoid is 'avoided')."""
    out: dict[str, list[Supporter]] = {}
    for sup in sups:
        code = exclusion(need, sup)
        if code is None and eligible_row is not None and not eligible_row[sup.index]:
            code = "avoided"
        if code is not None:
            out.setdefault(code, []).append(sup)
    return out


def _stage_hint(need: Need, by_stage: list[Supporter]) -> str:
    allowed = ", ".join(STAGES[i] for i in stages_allowed(need)) or "none"
    had = Counter(STAGES[s.stage] if s.stage is not None else "unknown" for s in by_stage)
    had_text = ", ".join(f"{k} x{v}" if v > 1 else k for k, v in sorted(had.items()))
    return f"the mentors offering are {had_text}; a mentor at {allowed} would be eligible"


def unmatched(need: Need, sups: Sequence[Supporter], eligible_row: np.ndarray,
              load: Sequence[int] | np.ndarray, offering: np.ndarray | None = None,
              caps: np.ndarray | None = None) -> tuple[str, str]:
    """(cause code, words) for a need nobody was matched to. `offering` (which supporters
    offer this need's role), `load` and `caps` may be given as arrays, worked out once."""
    role = need.role
    if offering is None:
        offering = np.array([s.coaching if role == "coaching" else s.mentoring for s in sups],
                            bool)
    if not offering.any():
        return "no_offer", f"no supporter offers {role}"
    eligible = np.flatnonzero(eligible_row)
    if eligible.size:
        if caps is None:
            caps = np.array([s.capacity for s in sups])
        room = np.asarray(load)[eligible] < caps[eligible]
        if room.any():  # cannot happen at an optimum; said rather than hidden
            return "capacity", f"not matched although {int(room.sum())} eligible " \
                               "supporter(s) have room (please report this)"
        text = _ids([sups[j] for j in eligible[:LISTED]], " ({s.capacity}/{s.capacity})",
                    total=int(eligible.size))
        return "capacity", f"every eligible supporter is at capacity: {text}"
    offering_sups = [sups[int(j)] for j in np.flatnonzero(offering)]
    groups = excluded(need, offering_sups, eligible_row)
    words = []
    for code in ("self", "line_manager", "assessor", "stage", "avoided"):
        if code in groups:
            rule = RULE_WORDS[code].format(role=role, stage="")
            if code == "stage":
                words.append(f"{len(groups[code])} {'have' if len(groups[code]) > 1 else 'has'} "
                             f"not done their role ({_stage_hint(need, groups[code])})")
            else:
                words.append(f"{_ids(groups[code])} {rule}")
    codes = set(groups)
    cause = ("neutral" if codes <= {"line_manager", "assessor"} else
             "stage" if codes == {"stage"} else "self" if codes == {"self"} else
             "avoided" if codes == {"avoided"} else "mixed")
    return cause, f"no one eligible: {len(offering_sups)} offer {role}; " + "; ".join(words)


def explain_person(staff_id: str, needs: Sequence[Need], sups: Sequence[Supporter],
                   pairs: dict[int, int], load: list[int], eligible: np.ndarray,
                   matching: Any, w: dict[str, float]) -> str:
    """The full reasoning for one person: for each need, the supporter chosen and why, the
    next two eligible supporters and how much worse they score, and who each hard rule
    excluded."""
    mine = [nd for nd in needs if nd.staff.staff_id == staff_id]
    if not mine:
        return f"{staff_id}: needs no coach or mentor here (not in the staff file, or an " \
               "'other' or error row)\n"
    lines = []
    for nd in mine:
        staff = nd.staff
        lines.append(f"{staff_id} (row {staff.row}) needs {nd.role}"
                     f"{' (' + nd.type + ')' if nd.type else ''}; recommendation "
                     f"{staff.recommendation} "
                     f"({'from the file' if staff.decided_by == 'leader' else 'assessed'})")
        chosen = pairs.get(nd.index)
        if chosen is not None:
            sup = sups[chosen]
            lines.append(f"  chosen: {sup.staff_id}: "
                         f"{pair_reasons(nd, sup, matching, w, load[chosen])}")
            best = score(nd, sup, w, load[chosen])
        else:
            lines.append(f"  unmatched: {unmatched(nd, sups, eligible[nd.index], load)[1]}")
            best = None
        others = [(score(nd, sups[int(j)], w, min(load[j] + 1, sups[int(j)].capacity)), j)
                  for j in np.flatnonzero(eligible[nd.index]) if j != chosen]
        others.sort(key=lambda t: (-t[0], t[1]))
        for value, j in others[:2]:
            sup = sups[int(j)]
            gap = f", {value - best:+.2f} against the chosen" if best is not None else ""
            if load[j] >= sup.capacity:
                held = [needs[i].label for i, k in pairs.items() if k == j]
                room = f"full: {', '.join(held)}" if held else "capacity 0"
            else:
                room = f"{load[j]}/{sup.capacity} places used"
            lines.append(f"  next: {sup.staff_id}: score {value:.2f}{gap} ({room})")
        if others and best is not None and others[0][0] > best:
            lines.append("  (a better-scoring supporter is full: moving them would unmatch "
                         "someone, "
                         "or a trainee's or ECT's mentoring, or lose more score elsewhere; the "
                         "optimum is over everyone)")
        for code, group in excluded(nd, sups, eligible[nd.index]).items():
            if code == "offers":
                lines.append(f"  not offering {nd.role}: {len(group)}")
                continue
            rule = RULE_WORDS[code].format(role=nd.role, stage="")
            if code == "stage":
                lines.append(f"  excluded, not done their role: {_ids(group)} "
                             f"({_stage_hint(nd, group)})")
            else:
                lines.append(f"  excluded, {rule}: {_ids(group)}")
    return "\n".join(lines) + "\n"
