"""What a suite case can check beyond the result itself: the points of the need the leader
chose, the plan that goes with the result, and whether every reason shown agrees with it.

These read the rule base (its rules, plans and texts), never the engine's workings, so a
check here is an independent statement about what the engine printed:

- `need_reader`: the coaching and mentoring points of the rules about the need they chose
  (`tier: need` rules reading a question marked `names_need`) that hold for the answers;
- `plan_reader`: the plan items shown with a result, as "heading: text";
- `ReasonCheck`: every reason shown under a result supports it, or is introduced as what
  was set aside with one of the rule base's frames (`texts`), and a frame that says the need
  points the other way is used only when the need's own rules, taken together, do.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from coachmentor.engine import toward
from coachmentor.rulebase.ruleset import compile_condition, holds

Points = tuple[float, float]  # (coaching, mentoring)


def _blocked(unless: Any, answers: Mapping[str, str]) -> bool:
    return bool(unless) and holds(unless, answers)


def need_reader(rules: Any) -> Callable[[Mapping[str, str]], Points]:
    """(coaching, mentoring) points of the need's own rules that hold for these answers."""
    need_fields = {q.id for q in rules.model.questions if q.names_need}
    need_rules = [
        (compile_condition(r.when), compile_condition(r.unless),
         float(r.points.get("coaching", 0.0)), float(r.points.get("mentoring", 0.0)))
        for r in rules.model.rules
        if r.tier == "need" and need_fields & set(r.when)
    ]
    read = sorted({f for when, unless, _, _ in need_rules for f, _ in when + unless})
    memo: dict[tuple[Any, ...], Points] = {}

    def need(answers: Mapping[str, str]) -> Points:
        key = tuple(answers.get(f) for f in read)
        hit = memo.get(key)
        if hit is None:
            c = m = 0.0
            for when, unless, pc, pm in need_rules:
                if holds(when, answers) and not _blocked(unless, answers):
                    c, m = c + pc, m + pm
            hit = memo[key] = (c, m)
        return hit

    return need


def plan_reader(rules: Any) -> Callable[[str, Mapping[str, str]], tuple[str, ...]]:
    """The plan shown with a result, each item as 'heading: text' (advice.plan_items)."""
    from coachmentor.advice import plan_items

    read = sorted({f for plan in rules.model.plans.values() for item in plan.items
                   for f in [*(item.when or {}), *(item.unless or {})]})
    memo: dict[tuple[Any, ...], tuple[str, ...]] = {}

    def plan(recommendation: str, answers: Mapping[str, str]) -> tuple[str, ...]:
        key = (recommendation, *(answers.get(f) for f in read))
        hit = memo.get(key)
        if hit is None:
            hit = memo[key] = tuple(
                f"{item.heading}: {item.text}"
                for items in plan_items(rules, recommendation, answers).values() for item in items
            )
        return hit

    return plan


def _frame_pattern(template: str) -> re.Pattern[str]:
    """A rule base frame ('... {option} ... {reason}') as a pattern that captures both."""
    out = ""
    for part in re.split(r"(\{reason\}|\{option\})", template):
        if part == "{reason}":
            out += "(?P<reason>.*)"
        elif part == "{option}":
            out += "(?P<option>coaching|mentoring)"
        else:
            out += re.escape(part)
    return re.compile(out + r"\Z", re.DOTALL)


class ReasonCheck:
    """Does every reason shown agree with the result it is shown under? (`problems`)"""

    def __init__(self, rules: Any) -> None:
        m = rules.model
        self.rules = {r.id: (float(r.points.get("coaching", 0.0)),
                             float(r.points.get("mentoring", 0.0)), r.reason) for r in m.rules}
        self.gates = {g.id: g.alternative for g in m.gates}
        self.overrides = {o.id: (o.recommendation, o.alternative) for o in m.overrides}
        texts = m.texts
        self.set_aside = _frame_pattern(texts.need_set_aside)
        self.outweighed = _frame_pattern(texts.need_outweighed)
        also = getattr(texts, "need_also", None)
        self.also = _frame_pattern(also) if also else None
        self._memo: dict[tuple[Any, ...], tuple[str, ...]] = {}

    def problems(self, recommendation: str, alternative: str | None, reasons: tuple[str, ...],
                 texts: tuple[str, ...], need: Points | None) -> tuple[str, ...]:
        """Each reason that contradicts the result, in words (none: they all agree)."""
        key = (recommendation, alternative, reasons, texts, need)
        hit = self._memo.get(key)
        if hit is None:
            hit = self._memo[key] = tuple(
                p for rule, text in zip(reasons, texts)
                if (p := self._problem(recommendation, alternative, rule, text, need)))
        return hit

    def _problem(self, rec: str, alt: str | None, rule: str, text: str,
                 need: Points | None) -> str | None:
        if rule in self.gates:
            ok = rec == "other" and alt == self.gates[rule]
            return None if ok else f"{rule}: a readiness gate's reason under {rec}"
        if rule == "decision":
            return None if rec == "other" else f"{rule}: 'talk it through first' under {rec}"
        if rule in self.overrides:
            wants = self.overrides[rule]
            if wants == (rec, alt):
                return None
            return f"{rule}: a constraint that gives {wants[0]}, shown under {rec}"
        if rule not in self.rules:
            return f"{rule}: not a rule of the rule base"
        pc, pm, own = self.rules[rule]
        if toward(rec, pc, pm) > 0:
            return None if text == own else f"{rule}: supports {rec} but is worded as set aside"
        return self._frame_problem(rec, rule, text, own, pc, pm, need)

    def _frame_problem(self, rec: str, rule: str, text: str, own: str, pc: float, pm: float,
                       need: Points | None) -> str | None:
        """A reason that points away from the result must be introduced as set aside, with
        a frame that is true of the need."""
        if rec == "other":
            hit = self.set_aside.match(text)
            return None if hit and hit["reason"] == own else f"{rule}: shown under other without being set aside"
        hit = self.outweighed.match(text)
        if hit and hit["reason"] == own:
            if need is not None and toward(rec, *need) >= 0:
                return f"{rule}: says the need points the other way, but the need fits {rec}"
            return None
        hit = self.also.match(text) if self.also else None
        if hit and hit["reason"] == own:
            leans = "coaching" if pc > pm else "mentoring"
            if hit["option"] != leans:
                return f"{rule}: says the need is listed for {hit['option']}, but the rule is for {leans}"
            if need is not None and toward(rec, *need) < 0:
                return f"{rule}: the need points the other way, and is worded as fitting both"
            return None
        return f"{rule}: points away from {rec} and is not introduced as set aside"
