"""The hard rules: may this supporter coach or mentor this person at all?

The contract's rules 1-3, with the rule base's `matching.rules` (which a school may adjust or
switch off): a novice's mentor is experienced (`novice_mentor_stage`) and in a phase that fits
theirs (`novice_same_phase`); succession mentoring is by a senior leader (`succession_mentor`);
a senior leader's coach is trained (`trained_coach`).

Two implementations of the same rules, kept apart on purpose:

- `exclusion(need, supporter, policy)`: pair by pair, the reference. It names the rule a pair
  breaks (for the reasons, `--explain` and `--keep`), and every pair the solver returns is
  checked with it.
- `class_codes(...)`: the rule each pair breaks as a code, for many needs at once with numpy
  (needs that differ only in who they are share a class, see `pairs`); the person's own
  exclusions (self, line manager, assessors) are added by `pairs.PairView`.

Rule 4 (capacity) is the solver's.

Decisions (the contract leaves them open):
- A mentee's career stage is needed to choose a mentor; a row that needs mentoring without
  one is an `error` row (see `io`), so `need.staff.stage` is always known here.
- Reverse mentoring: the mentor's stage is earlier than the mentee's; a mentor whose stage
  is unknown cannot be placed and is never eligible for mentoring (`io` refuses such a
  supporter file anyway: career_stage is required of anyone who offers mentoring).
- Mentors may be the person's line manager or assessor (an induction mentor often signs
  off the induction): rule 2 is about coaches only.
- A phase that is not known on either side does not exclude (it cannot be told); the pair
  loses the same_phase preference and is flagged when the rule base flags it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from coachmentor.match.people import STAGE_WORDS, STAGES, Need, Supporter
from coachmentor.match.policy import Policy

# the codes, in the order the rules are tried (a pair is reported under the first it breaks)
CODES = ("", "offers", "self", "line_manager", "assessor", "untrained", "stage", "experience",
         "phase", "avoided")
CODE = {name: i for i, name in enumerate(CODES)}

# code -> words, for a supporter a rule excludes ({role}, {stage}, {phase}, {rule} filled in)
RULE_WORDS = {
    "offers": "does not offer {role}",
    "self": "is the person themselves",
    "line_manager": "is their line manager (a coach must be neutral)",
    "assessor": "is one of their assessors (a coach must be neutral)",
    "untrained": "is not trained ({rule})",
    "stage": "has not done their role: career stage {stage}",
    "experience": "is not experienced enough: {stage} ({rule})",
    "phase": "works in another phase: {phase} ({rule})",
    "avoided": "is a pair to avoid (--avoid)",  # not a hard rule: the leader's --avoid
}
RULES_OF = {"untrained": "trained_coach", "experience": "novice_mentor_stage",
            "phase": "novice_same_phase", "stage": "succession_mentor"}


def rule_words(code: str, need: Need, sup: Supporter | None, policy: Policy) -> str:
    """What rule `code` says of this supporter for this need, in words."""
    rules = policy.matching.rules
    rule = getattr(rules, RULES_OF[code]).reason if rules is not None and code in RULES_OF \
        else ""
    stage = STAGES[sup.stage] if sup is not None and sup.stage is not None else "not known"
    phase = policy.phase_label(sup.phase) if sup is not None else ""
    return RULE_WORDS[code].format(role=need.role, stage=stage.replace("_", " "), rule=rule,
                                   phase=phase or "not known")


def base_stage_ok(need: Need, stage: int, policy: Policy) -> bool:
    """Rule 3 of the contract and the succession rule: the mentor has done their role."""
    mine = need.staff.stage
    assert mine is not None, "a mentoring need always has a career stage"
    if need.kind == "reverse":
        return 0 <= stage < mine
    if stage < mine + (1 if need.novice else 0):
        return False
    return not (need.kind == "succession" and policy.succession_min is not None
                and stage < policy.succession_min)


def stages_allowed(need: Need, policy: Policy) -> list[int]:
    """The mentor career stages the rules allow for this mentoring need."""
    return [s for s in range(len(STAGES)) if base_stage_ok(need, s, policy)
            and not (need.novice and policy.novice_min is not None and s < policy.novice_min)]


def exclusion(need: Need, sup: Supporter, policy: Policy) -> str | None:
    """The hard rule this pair breaks (a CODES name), or None when it is allowed."""
    staff = need.staff
    if not (sup.coaching if need.role == "coaching" else sup.mentoring):
        return "offers"
    if staff.key and sup.key == staff.key:
        return "self"
    if need.role == "coaching":
        if staff.line_manager and sup.key == staff.line_manager:
            return "line_manager"
        if sup.key in staff.assessors:
            return "assessor"
        if policy.needs_trained(staff.stage, need.type) and sup.trained is not True:
            return "untrained"
        return None
    if sup.stage is None or not base_stage_ok(need, sup.stage, policy):
        return "stage"
    if need.novice and policy.novice_min is not None and sup.stage < policy.novice_min:
        return "experience"
    if need.novice and policy.novice_phase and staff.phase >= 0 and sup.phase >= 0 \
            and not policy.fits[staff.phase, sup.phase]:
        return "phase"
    return None


def class_codes(c: Any, rows: np.ndarray, s: Any, policy: Policy) -> np.ndarray:
    """The code of the rule each pair breaks (0: allowed), for the need classes `rows` of `c`
    (a `pairs.Classes`) against every supporter of `s` (a `pairs.SupporterArrays`); int8,
    len(rows) x supporters. The person's own exclusions are not here."""
    coach = c.coach[rows][:, None]
    offers = np.where(coach, s.coach[None, :], s.mentor[None, :])
    untrained = coach & c.needs_trained[rows][:, None] & ~s.trained[None, :]
    mine = c.stage[rows][:, None]
    kind = c.kind[rows][:, None]
    novice = c.novice[rows][:, None]
    stage = s.stage[None, :]
    base = np.where(kind == KIND["reverse"], (stage >= 0) & (stage < mine),
                    stage >= mine + novice)
    if policy.succession_min is not None:
        base &= (kind != KIND["succession"]) | (stage >= policy.succession_min)
    stage_bad = ~coach & ~base
    code = np.where(offers, 0, CODE["offers"]).astype(np.int8)
    code[(code == 0) & untrained] = CODE["untrained"]
    code[(code == 0) & stage_bad] = CODE["stage"]
    if policy.novice_min is not None:
        code[(code == 0) & ~coach & novice & (stage < policy.novice_min)] = CODE["experience"]
    if policy.novice_phase:
        mine_p = c.phase[rows][:, None]
        theirs = s.phase[None, :]
        known = (mine_p >= 0) & (theirs >= 0)
        fits = policy.fits[np.maximum(mine_p, 0), np.maximum(theirs, 0)]
        code[(code == 0) & ~coach & novice & known & ~fits] = CODE["phase"]
    return code


KIND = {"normal": 0, "reverse": 1, "succession": 2}


def stage_hint(need: Need, stages: list[int | None], policy: Policy) -> str:
    """'the mentors offering are established x2; a mentor at middle leader, ... would be'."""
    from collections import Counter

    allowed = ", ".join(STAGES[i] for i in stages_allowed(need, policy)) or "none"
    had = Counter(STAGES[x] if x is not None else "unknown" for x in stages)
    had_text = ", ".join(f"{k} x{v}" if v > 1 else k for k, v in sorted(had.items()))
    return f"the mentors offering are {had_text}; a mentor at {allowed} would be eligible"


def stage_words(stage: int | None) -> str:
    return STAGE_WORDS[STAGES[stage]] if stage is not None else "someone of unknown stage"
