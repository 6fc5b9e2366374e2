"""Every decision in words: why this supporter (words first, the score as a band), what a
school should check about a pair (`flags`), why nobody (the rule that excluded each one who
offers it, or who is full), and `--explain` (each preference's share of the score).

Only staff ids appear in these texts, never names: they may be printed anywhere.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from coachmentor.match.eligibility import CODES, rule_words, stage_hint, stage_words
from coachmentor.match.people import Need, Supporter, fold, idkey
from coachmentor.match.policy import Policy
from coachmentor.match.preferences import parts, score

EXAMPLES = 3  # supporters named for each cause

CAUSES = {
    "no_offer": "nobody offers it",
    "neutral": "the only coaches are their line manager or assessors",
    "stage": "no mentor has done their role",
    "experience": "no mentor is experienced enough",
    "phase": "no mentor works in their phase",
    "untrained": "no trained coach",
    "self": "the only supporter is themselves",
    "avoided": "every possible pair is one to avoid (--avoid)",
    "mixed": "everyone who offers it is excluded by a hard rule",
    "capacity": "every eligible supporter is at capacity",
}


def _load_words(name: str, policy: Policy, sup: Supporter, load: int) -> str:
    pref = getattr(policy.matching, name)
    if load < sup.capacity:
        return f"{pref.reason} ({load} of {sup.capacity} used)"
    return f"{pref.unmet_words()} ({load} of {sup.capacity})"


def _words(name: str, verdict: str, policy: Policy, sup: Supporter, load: int) -> str:
    if name == "load_spread":
        return _load_words(name, policy, sup, load)
    pref = getattr(policy.matching, name)
    words: str = pref.reason if verdict == "met" else pref.unknown_words() \
        if verdict == "unknown" else pref.unmet_words()
    return words


def lead(need: Need, sup: Supporter) -> str:
    """'an established teacher mentoring an early career teacher; ' for a mentoring pair."""
    if need.role != "mentoring":
        return ""
    text = f"{stage_words(sup.stage)} mentoring {stage_words(need.staff.stage)}"
    return text + (" (reverse mentoring); " if need.kind == "reverse" else "; ")


def score_of(got: list[tuple[str, float, float, str]]) -> float:
    """A pair's score from its `preferences.parts`."""
    total = sum(weight for _, weight, _, _ in got)
    return sum(e for _, _, e, _ in got) / total if total else 1.0


def pair_reasons(need: Need, sup: Supporter, policy: Policy, load: int, *,
                 shares: bool = False, got: list[Any] | None = None) -> str:
    """'good match: same school, same phase, trained; but another subject' (with each
    preference's share of the score after it when `shares`, as `--explain` shows). `got`:
    the pair's `preferences.parts`, when worked out already."""
    got = parts(need, sup, policy, load) if got is None else got
    total = sum(weight for _, weight, _, _ in got) or 1.0
    met: list[str] = []
    unmet: list[str] = []
    for name, _, earned, verdict in got:
        words = _words(name, verdict, policy, sup, load)
        if verdict == "met":
            met.append(f"{words} {earned / total:.2f}" if shares else words)
        else:
            unmet.append(f"{words} {earned / total:.2f}" if shares and earned else words)
    value = score_of(got)
    band = policy.band_words(value)
    text = lead(need, sup) + (f"{band}, score {value:.2f}" if shares else band)
    text += (": " + ", ".join(met)) if met else ""
    return text + ("; but " + ", ".join(unmet) if unmet else "")


def flags(need: Need, sup: Supporter, policy: Policy, load: int, *,
          elsewhere: str = "", got: list[Any] | None = None) -> list[str]:
    """What the school should check about this pair, in words: a score below the band the
    rule base flags below, a novice's mentor from outside their school (`elsewhere`: why),
    and every flagged preference the pair does not have."""
    out = []
    got = parts(need, sup, policy, load) if got is None else got
    value = score_of(got)
    if policy.flag_band(value):
        out.append(policy.band_words(value))
    if policy.own_school and need.novice and need.staff.school.strip() and \
            fold(sup.school) != fold(need.staff.school):
        where = sup.school.strip() or "no school"
        text = f"{policy.matching.own_school.reason} ({where})"
        out.append(text + (f": {elsewhere}" if elsewhere else ""))
    for name, _, earned, verdict in got:
        if name != "load_spread" and earned == 0 and getattr(policy.matching, name).flag:
            out.append(_words(name, verdict, policy, sup, load))
    if sup.stage_note and need.role == "mentoring":
        out.append(sup.stage_note)
    return out


def own_school_note(need: Need, sups: Sequence[Supporter], eligible: np.ndarray,
                    load: Sequence[int]) -> str:
    """Why a novice's mentor is from elsewhere: nobody at their school may mentor them, or
    those who could are full."""
    here = [int(j) for j in eligible if fold(sups[int(j)].school) == fold(need.staff.school)]
    if not here:
        return f"no mentor at {need.staff.school} could mentor them"
    full = [j for j in here if load[j] >= sups[j].capacity]
    if len(full) == len(here):  # all of them: a school has a handful
        who = "the one mentor" if len(full) == 1 else "every mentor"
        return f"{who} at {need.staff.school} who could mentor them is full: " + ", ".join(
            f"{sups[j].staff_id} ({load[j]}/{sups[j].capacity})" for j in full)
    room = [j for j in here if load[j] < sups[j].capacity]
    return (f"{sups[room[0]].staff_id} at {need.staff.school} has a place, but taking them "
            "there would leave another relationship unmatched")


def _ids(sups: Sequence[Supporter]) -> str:
    """'S201, S202' for a few; '7 (e.g. S201, S202, S203)' for more."""
    shown = ", ".join(s.staff_id for s in sups[:EXAMPLES])
    return shown if len(sups) <= EXAMPLES else f"{len(sups)} (e.g. {shown})"


def unmatched(need: Need, sups: Sequence[Supporter], codes: np.ndarray,
              load: np.ndarray, caps: np.ndarray, policy: Policy,
              ranked: np.ndarray | None = None) -> tuple[str, str]:
    """(cause code, words) for a need nobody was matched to; `codes`: the rule each
    supporter breaks for it (0: eligible; `pairs.PairView.codes_of`); `load` and `caps` per
    supporter (arrays); `ranked`: the eligible supporters, the best for them first
    (`optimise.Solution.ranked`), to name the best first."""
    role = need.role
    offers = CODES.index("offers")
    eligible = np.flatnonzero(codes == 0) if ranked is None else ranked
    if eligible.size:
        room = int((load[eligible] < caps[eligible]).sum())
        if room:  # cannot happen at an optimum; said rather than hidden
            return "capacity", f"not matched although {room} eligible supporter(s) " \
                               "have room (please report this)"
        if ranked is not None:
            top = [int(j) for j in ranked[:EXAMPLES]]
        else:
            top = sorted((int(j) for j in eligible),
                         key=lambda j: (-score(need, sups[j], policy, int(load[j])), j))[:EXAMPLES]
        names = ", ".join(f"{sups[j].staff_id} ({load[j]}/{caps[j]})" for j in top)
        many = ("the one eligible supporter is" if eligible.size == 1 else
                "both eligible supporters are" if eligible.size == 2 else
                f"all {eligible.size} eligible supporters are")
        return "capacity", f"{many} full; the best for them: {names}"
    offering = np.flatnonzero(codes != offers)
    if offering.size == 0:
        return "no_offer", f"no supporter offers {role}"
    groups: dict[str, list[Supporter]] = {}
    for j in offering:
        groups.setdefault(CODES[codes[j]], []).append(sups[int(j)])
    words = []
    for code in ("self", "line_manager", "assessor", "untrained", "stage", "experience",
                 "phase", "avoided"):
        group = groups.get(code)
        if not group:
            continue
        if code == "stage":
            hint = stage_hint(need, [s.stage for s in group], policy)
            words.append(f"{len(group)} {'have' if len(group) > 1 else 'has'} not done their "
                         f"role ({hint})")
        elif code in ("experience", "phase", "untrained"):
            rule = rule_words(code, need, group[0], policy)
            rule = rule.split(" (", 1)[1].rstrip(")") if " (" in rule else rule
            what = {"experience": "not experienced enough", "phase": "in another phase",
                    "untrained": "not trained"}[code]
            words.append(f"{_ids(group)} {'are' if len(group) > 1 else 'is'} {what} ({rule})")
        else:
            words.append(f"{_ids(group)} " + rule_words(code, need, group[0], policy)
                         .replace("is their", "are their" if len(group) > 1 else "is their"))
    codes_seen = set(groups)
    cause = ("neutral" if codes_seen <= {"line_manager", "assessor"} else
             next(iter(codes_seen)) if len(codes_seen) == 1 and codes_seen & {
                 "stage", "experience", "phase", "untrained", "self", "avoided"} else "mixed")
    return cause, f"no one eligible: {offering.size} offer {role}; " + "; ".join(words)


def explain_person(staff_id: str, needs: Sequence[Need], sups: Sequence[Supporter],
                   sol: Any, policy: Policy, fixes: dict[int, Any] | None = None) -> str:
    """The full reasoning for one person: for each need, the supporter chosen and why (each
    preference's share of the score), the next two eligible supporters and how much worse
    they score, who each hard rule excluded, and for an unmatched need its fix."""
    key = idkey(staff_id)
    mine = [nd for nd in needs if nd.staff.key == key]
    if not mine:
        return f"{staff_id}: needs no coach or mentor here (not in the staff file, or an " \
               "'other' or error row)\n"
    pairs, load = sol.pairs, sol.load
    lines = []
    for nd in mine:
        staff = nd.staff
        lines.append(f"{staff.staff_id} (row {staff.row}) needs {nd.role}"
                     f"{' (' + nd.type + ')' if nd.type else ''}; recommendation "
                     f"{staff.recommendation} "
                     f"({'from the file' if staff.decided_by == 'leader' else 'assessed'})")
        codes = sol.view.codes_of(nd.index)
        chosen = pairs.get(nd.index)
        best = None
        if chosen is not None:
            sup = sups[chosen]
            lines.append(f"  chosen: {sup.staff_id}: "
                         f"{pair_reasons(nd, sup, policy, load[chosen], shares=True)}")
            for flag in flags(nd, sup, policy, load[chosen]):
                lines.append(f"  check: {flag}")
            best = score(nd, sup, policy, load[chosen])
        else:
            why = unmatched(nd, sups, codes, np.asarray(load), np.array([s.capacity for s in sups]),
                            policy, sol.ranked(nd.index))[1]
            lines.append(f"  unmatched: {why}")
            if fixes and nd.index in fixes:
                lines.append(f"  fix: {fixes[nd.index].words}")
        eligible = np.flatnonzero(codes == 0)
        others = [(score(nd, sups[int(j)], policy, min(load[j] + 1, sups[int(j)].capacity)), j)
                  for j in eligible if j != chosen]
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
                         "someone, or a trainee's or ECT's mentoring, or a mentor in their own "
                         "school, or lose more score elsewhere; the optimum is over everyone)")
        excluded = Counter(CODES[c] for c in codes if c)
        for code in excluded:
            group = [sups[int(j)] for j in np.flatnonzero(codes == CODES.index(code))]
            if code == "offers":
                lines.append(f"  not offering {nd.role}: {len(group)}")
            elif code == "stage":
                lines.append(f"  excluded, not done their role: {_ids(group)} "
                             f"({stage_hint(nd, [s.stage for s in group], policy)})")
            else:
                lines.append(f"  excluded, {rule_words(code, nd, group[0], policy)}: "
                             f"{_ids(group)}")
    return "\n".join(lines) + "\n"
