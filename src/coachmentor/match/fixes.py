"""For each unmatched relationship, the smallest change to the supporters that would match it,
worked out and checked, never guessed; and whom to train.

The changes, smallest first:

1. one more place for a supporter who may take them (all of them are full, or the person
   would be matched): "raise S304's capacity to 2". The person is eligible for that supporter,
   so the new place is theirs without moving anyone. Of the supporters who may take them, the
   one asked for the fewest extra places so far, then the best for them: the extra places
   are spread, not piled on the most popular supporter.
2. one change to a supporter who offers the other role or is not trained, after which the
   hard rules allow the pair ("S301 (a mentor) to add coaching", "train S302 as a coach"),
   when the supporter has a place or one can be freed by moving others along eligible pairs
   to supporters with room (`_freeable`); otherwise that change and one more place.
3. a new supporter: "one more mentor place at Oakfield Primary: established or later,
   primary". The described supporter is built and checked against the hard rules.

Each fix matches the person while everyone matched stays matched (the tests apply fixes and
check this with maximum flow). Fixes for several people may name the same supporter: the
summary adds them up ("raise S304's capacity from 1 to 3: P122, P124").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from coachmentor.match.eligibility import CODES, exclusion, stages_allowed
from coachmentor.match.people import STAGES, Need, Supporter
from coachmentor.match.policy import Policy


@dataclass(frozen=True)
class Fix:
    kind: str  # capacity | change | change_and_capacity | new | none
    words: str
    group: tuple[Any, ...]  # fixes with one group add up (the summary's lines)
    supporter: int = -1  # the supporter changed, or -1 for a new one
    after: Supporter | None = None  # the supporter as the fix has them (or the new one)


def _role_word(role: str) -> str:
    return "coach" if role == "coaching" else "mentor"


def _stages_text(stages: list[int]) -> str:
    if not stages:
        return ""
    names = [STAGES[s].replace("_", " ") for s in stages]
    if stages == list(range(stages[0], len(STAGES))):
        return f"{names[0]} or later" if len(names) > 1 else names[0]
    return " or ".join(names)


class Fixer:
    def __init__(self, needs: Sequence[Need], sups: Sequence[Supporter], sol: Any,
                 policy: Policy, kept: set[int]):
        self.needs, self.sups, self.sol, self.policy, self.kept = needs, sups, sol, policy, kept
        self.load = list(sol.load)
        self.held_by: dict[int, list[int]] = {}
        for i, j in sol.pairs.items():
            if i not in kept:
                self.held_by.setdefault(j, []).append(i)
        self._free: dict[int, bool] = {}
        self.any_room = any(self.load[s.index] < s.capacity for s in sups)
        self.extra = np.zeros(len(sups), np.int64)  # places asked of each supporter so far

    def _freeable(self, j: int, seen: set[int] | None = None) -> bool:
        """Can a place at supporter j be had without unmatching anyone: j has room, or someone
        j holds may move to a supporter where a place can be had (a chain of moves)?"""
        if self.load[j] < self.sups[j].capacity:
            return True
        if not self.any_room:
            return False
        if j in self._free:
            return self._free[j]
        seen = seen if seen is not None else set()
        seen.add(j)
        found = False
        for i in self.held_by.get(j, []):
            for k in self.sol.view.eligible(i):
                k = int(k)
                if k != j and k not in seen and self._freeable(k, seen):
                    found = True
                    break
            if found:
                break
        self._free[j] = found
        return found

    def fix(self, need: Need, ranked: np.ndarray | None = None) -> Fix:
        """`ranked`: the need's eligible supporters, the best first (`Solution.ranked`), when
        worked out already."""
        if ranked is None:
            ranked = self.sol.ranked(need.index)
        if ranked.size:
            extra = self.extra[ranked]
            j = int(ranked[int(np.argmin(extra))])  # the fewest asked of, then the best
            self.extra[j] += 1
            sup = self.sups[j]
            more = f"raise {sup.staff_id}'s capacity to {sup.capacity + 1}"
            if sup.capacity == 0:
                more = f"give {sup.staff_id} a place (capacity 0 now): {more}"
            return Fix("capacity", more, ("capacity", j), j,
                       replace(sup, capacity=sup.capacity + 1))
        best = self._change(need, self.sol.view.codes_of(need.index))
        if best is not None:
            return best
        return self._new(need)

    def _changes_something(self, js: np.ndarray, role: str, changes: tuple[str, ...],
                           ) -> np.ndarray:
        """Which of supporters `js` a change changes: the role they would add is not offered
        yet, and training they would get they do not have."""
        ok = np.ones(js.size, bool)
        if "offer" in changes:
            ok &= ~np.fromiter((getattr(self.sups[int(j)], "coaching" if role == "coaching"
                                        else "mentoring") for j in js), bool, js.size)
        if "train" in changes:
            ok &= ~self.sol.view.s.trained[js]
        return ok

    def _change(self, need: Need, codes: np.ndarray) -> Fix | None:
        """A supporter who would be eligible after one change (or two: the other role and
        training), best first: one change with a place to be had, then with a place more.
        The candidates are found for all supporters at once (`class_codes` on the supporters
        as changed); the one chosen is checked against the rules pair by pair."""
        from dataclasses import replace as with_

        from coachmentor.match.eligibility import class_codes
        from coachmentor.match.preferences import class_units

        role = need.role
        view = self.sol.view
        js = np.flatnonzero((codes == CODES.index("offers")) | (codes == CODES.index("untrained")))
        if js.size == 0:
            return None
        cls = np.array([view.c.of[need.index]])
        own = view.excluded(np.full(js.size, need.index), js)
        best: tuple[Any, ...] | None = None
        for changes in (("offer",), ("train",), ("offer", "train")):
            arrays = view.s
            sub = {f: getattr(arrays, f)[js] for f in arrays.__dataclass_fields__}
            if "offer" in changes:
                key = "coach" if role == "coaching" else "mentor"
                sub[key] = np.ones(js.size, bool)
            if "train" in changes:
                sub["trained"] = np.ones(js.size, bool)
            changed = with_(arrays, **sub)
            ok = (class_codes(view.c, cls, changed, self.policy)[0] == 0) & ~own
            ok &= self._changes_something(js, role, changes)
            if not ok.any():
                continue
            gain = class_units(view.c, cls, changed, self.policy, units_for(self.policy))[0]
            for k in np.flatnonzero(ok)[np.argsort(-gain[ok], kind="stable")]:
                j = int(js[k])
                room = self._freeable(j)
                rank = (len(changes) + (0 if room else 1), -int(gain[k]), j)
                if best is None or rank < best[0]:
                    best = (rank, j, changes, room)
                if room:
                    break  # the best of this change with a place to be had
        if best is None:
            return None
        _, j, changes, room = best
        return self._fix_for(need, j, changes, room)

    def _fix_for(self, need: Need, j: int, changes: tuple[str, ...], room: bool) -> Fix:
        """The fix `_change` chose: supporter `j` with `changes`, in words; checked against
        the rules pair by pair."""
        role = need.role
        sup = self.sups[j]
        new = sup
        if "offer" in changes:
            new = replace(new, coaching=True) if role == "coaching" else replace(new, mentoring=True)
        if "train" in changes:
            new = replace(new, trained=True)
        assert exclusion(need, new, self.policy) is None, "a changed supporter must be eligible"
        words = []
        if "offer" in changes:
            other = _role_word("mentoring" if role == "coaching" else "coaching")
            words.append(f"{sup.staff_id} (a {other}) to add {role}")
        if "train" in changes:
            words.append(f"train {sup.staff_id} as a {_role_word(role)}" if len(changes) == 1
                         else "trained")
        text = ", ".join(words)
        if not room:
            text += f", and raise their capacity to {sup.capacity + 1}"
        kind = "change" if room else "change_and_capacity"
        after = new if room else replace(new, capacity=sup.capacity + 1)
        return Fix(kind, text, (kind, j, changes), j, after)

    def _new(self, need: Need) -> Fix:
        staff, role = need.staff, need.role
        stages = stages_allowed(need, self.policy) if role == "mentoring" else []
        if role == "mentoring" and not stages:
            return Fix("none", "no supporter can mentor them under the hard rules "
                               f"({need.kind} mentoring of a {STAGES[staff.stage or 0]})",
                       ("none", role))
        trained = role == "coaching" and self.policy.needs_trained(staff.stage, need.type)
        stage = None
        if stages:
            stage = stages[-1] if need.kind == "reverse" else stages[0]
        new = Supporter(index=-1, row=0, staff_id="+new", name="", coaching=role == "coaching",
                        mentoring=role == "mentoring", stage=stage, capacity=1,
                        school=staff.school, subject=staff.subject, phase=staff.phase,
                        trained=True if trained else None)
        assert exclusion(need, new, self.policy) is None, "a new supporter must be eligible"
        where = f" at {staff.school}" if staff.school else ""
        what = []
        if stages:
            what.append(_stages_text(stages))
        if need.novice and staff.phase >= 0:
            what.append(self.policy.phase_label(staff.phase))
        if trained:
            what.append("trained")
        if role == "coaching" and (staff.line_manager or staff.assessors):
            what.append("not their line manager or assessor")
        text = f"one more {_role_word(role)} place{where}" + (": " + ", ".join(what)
                                                              if what else "")
        return Fix("new", text, ("new", role, staff.school.casefold().strip(), tuple(what)),
                   after=new)


def _who(need: Need) -> str:
    """'P121', or 'M234 (coaching)' for someone who needs a coach and a mentor."""
    who = need.staff.staff_id or f"row {need.staff.row}"
    return f"{who} ({need.role})" if len(need.staff.needs) > 1 else who


def units_for(policy: Policy) -> dict[str, int]:
    """Preference units for ranking (any scale will do: only the order counts)."""
    from coachmentor.match.preferences import units

    return units(policy, 100.0)


def summarise(fixes: dict[int, Fix], needs: Sequence[Need],
              sups: Sequence[Supporter]) -> list[dict[str, Any]]:
    """The fixes added up: one line per change, with the staff ids it would match."""
    groups: dict[tuple[Any, ...], list[int]] = {}
    first: dict[tuple[Any, ...], Fix] = {}
    for i, f in fixes.items():
        groups.setdefault(f.group, []).append(i)
        first.setdefault(f.group, f)
    out: list[dict[str, Any]] = []
    for key, members in groups.items():
        f = first[key]
        ids = [_who(needs[i]) for i in members]
        n = len(members)
        if f.kind == "capacity":
            sup = sups[f.supporter]
            text = f"raise {sup.staff_id}'s capacity from {sup.capacity} to {sup.capacity + n}"
        elif f.kind == "new":
            text = f.words.replace("one more", f"{n} more" if n > 1 else "one more", 1)
            text = text.replace(" place", " places", 1) if n > 1 else text
        else:
            text = f.words + (" (one relationship for each place they can hold)" if n > 1
                              else "")
        out.append({"change": text, "kind": f.kind, "matches": ids, "count": n})
    order = {"capacity": 0, "change": 1, "change_and_capacity": 2, "new": 3, "none": 4}
    out.sort(key=lambda d: (order.get(d["kind"], 5), -len(d["matches"]), d["change"]))
    return out


def whom_to_train(needs: Sequence[Need], sups: Sequence[Supporter], sol: Any, policy: Policy,
                  unmatched: Sequence[int]) -> dict[str, list[dict[str, Any]]]:
    """Mentors who could add coaching (with how many unmatched coaching needs the hard rules
    would then let them take), untrained supporters who are matched, and supporters with
    capacity 0."""
    from dataclasses import replace as with_

    from coachmentor.match.eligibility import class_codes

    view = sol.view
    coaching = np.array([i for i in unmatched if needs[i].role == "coaching"], np.int64)
    mentor_only = view.s.mentor & ~view.s.coach
    counts = np.zeros(view.m, np.int64)
    if coaching.size and mentor_only.any():
        as_coach = with_(view.s, coach=view.s.coach | mentor_only)
        cls, per = np.unique(view.c.of[coaching], return_counts=True)
        ok = class_codes(view.c, cls, as_coach, policy) == 0
        counts = (ok * per[:, None]).sum(axis=0)
        row_of = {int(c): k for k, c in enumerate(cls)}
        mine = set(coaching.tolist())
        for (i, j) in view.own:  # the person's own exclusions (themselves, line manager, ...)
            if i in mine and mentor_only[j] and ok[row_of[int(view.c.of[i])], j]:
                counts[j] -= 1
    order = sorted(np.flatnonzero(mentor_only & (counts > 0)).tolist(),
                   key=lambda j: (-int(counts[j]), sups[j].staff_id))
    could: list[dict[str, Any]] = [
        {"staff_id": sups[j].staff_id, "school": sups[j].school,
         "unmatched_coaching_they_could_take": int(counts[j])} for j in order]
    untrained = [{"staff_id": s.staff_id, "school": s.school, "offers": s.offers,
                  "load": sol.load[s.index],
                  "trained": "no" if s.trained is False else "not known"}
                 for s in sups if s.trained is not True and sol.load[s.index] > 0]
    zero = [{"staff_id": s.staff_id, "school": s.school, "offers": s.offers}
            for s in sups if s.capacity == 0]
    return {"mentors_who_could_add_coaching": could, "untrained_and_matched": untrained,
            "capacity_0": zero}
