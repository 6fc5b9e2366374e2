"""The answer space a suite sweeps: every combination of the answers (blank included, the
follow-ups only where they are asked), narrowed by `space:` or --space, counted before it is
swept, or sampled when it is too large."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from coachmentor.rulebase.ruleset import holds
from coachmentor.rulebase.validation import Loc
from coachmentor.verify.schema import SuiteError, _compile_condition, _ordered


def parse_space(items: Sequence[str], rules: Any, where: str = "--space") -> dict[str, tuple[str | None, ...]]:
    """`--space field=v1,v2` (repeatable; an empty value, e.g. `field=,none`, means blank)."""
    out: dict[str, tuple[str | None, ...]] = {}
    for item in items:
        key, sep, rest = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise SuiteError(f"{where} {item!r}: expected field=value[,value...], e.g. readiness_concern=,none")
        values = [v.strip() for v in rest.split(",")]

        def fail(_loc: Loc, message: str, item: str = item) -> SuiteError:
            return SuiteError(f"{where} {item!r}: {message}")

        compiled = _compile_condition(rules, {key: values}, (), fail)
        if key in out:
            raise SuiteError(f"{where} {item!r}: {key} is given twice")
        out[key] = tuple(v for v in _ordered(rules, key) if v in compiled[key])
    return out


def merge_space(*spaces: Mapping[str, Sequence[str | None]] | None) -> dict[str, tuple[str | None, ...]]:
    """The intersection of several restrictions (a field left out of one is not restricted)."""
    out: dict[str, tuple[str | None, ...]] = {}
    for s in spaces:
        for fid, values in (s or {}).items():
            out[fid] = tuple(v for v in out[fid] if v in values) if fid in out else tuple(values)
    return out


@dataclass(frozen=True)
class SpacePlan:
    """How to enumerate: base questions by itertools.product, then follow-ups (in dependency
    order), each swept when its `when` holds and left blank when it does not."""

    names: tuple[str, ...]  # sweep order: base questions, then follow-ups
    base: tuple[tuple[str | None, ...], ...]  # values per base question (None = blank)
    follow: tuple[tuple[str, Any, tuple[str | None, ...]], ...]  # (id, compiled when, values)

    @property
    def position(self) -> dict[str, int]:
        return {n: i for i, n in enumerate(self.names)}


def plan_space(rules: Any, space: Mapping[str, Sequence[str | None]] | None = None) -> SpacePlan:
    space = space or {}
    required = set(rules.required)
    follow_when = dict(rules.follow_ups)

    def values(fid: str) -> tuple[str | None, ...]:
        vals: list[str | None] = list(rules.choice_values[fid])
        if fid not in required:
            vals.insert(0, None)
        if fid in space:
            vals = [v for v in vals if v in space[fid]]
        return tuple(vals)

    base = [f for f in rules.question_order if f not in follow_when]
    # follow-ups whose condition reads another follow-up come after it
    pending = [f for f in rules.question_order if f in follow_when]
    ordered: list[str] = []
    while pending:
        ready = [
            f for f in pending
            if all(dep not in pending or dep == f for dep, _ in follow_when[f])
        ]
        if not ready:
            raise SuiteError(
                "the rule base's follow-up questions depend on each other in a cycle: "
                + ", ".join(pending)
            )
        ordered += ready
        pending = [f for f in pending if f not in ready]
    return SpacePlan(
        names=tuple(base + ordered),
        base=tuple(values(f) for f in base),
        follow=tuple((f, follow_when[f], values(f)) for f in ordered),
    )


def _sweep(plan: SpacePlan) -> Iterator[tuple[tuple[str | None, ...], dict[str, str]]]:
    """(values in plan.names order, canonical answers without blanks) for every answer set."""
    base_names = plan.names[: len(plan.base)]
    follow = plan.follow

    def tails(given: dict[str, str], i: int) -> Iterator[tuple[tuple[str | None, ...], dict[str, str]]]:
        if i == len(follow):
            yield (), given
            return
        fid, when, vals = follow[i]
        if not holds(when, given):
            vals = (None,)  # not asked: blank
        for v in vals:
            if v is None:
                nxt = given
            else:
                nxt = dict(given)
                nxt[fid] = v
            for rest, answers in tails(nxt, i + 1):
                yield (v, *rest), answers

    for combo in itertools.product(*plan.base):
        given = {n: v for n, v in zip(base_names, combo) if v is not None}
        if not follow:
            yield combo, given
            continue
        for tail, answers in tails(given, 0):
            yield combo + tail, answers


def answer_sets(rules: Any, space: Mapping[str, Sequence[str | None]] | None = None) -> Iterator[dict[str, str]]:
    """Every consistent answer set once (blanks left out), narrowed by `space`."""
    for _combo, answers in _sweep(plan_space(rules, space)):
        yield answers


# The answer sets one run sweeps at most: five to ten minutes at the engine's speed
# here (the shipped sources.yaml sweeps about 2 million). A larger space is refused before
# anything runs: narrow it (--space, a suite's `space:`) or check a sample (--sample N).
MAX_SWEEP = 20_000_000


_EXACT_COMBOS = 1 << 20  # base answers the follow-ups' conditions read, counted one by one


def space_size(plan: SpacePlan) -> int:
    """How many answer sets `_sweep(plan)` yields, without sweeping: the base questions the
    follow-ups' conditions read are enumerated (the rest only multiply), and a follow-up no
    later condition reads multiplies too. Past _EXACT_COMBOS such combinations it returns the
    product of every question's values, which is never less."""
    follow = plan.follow
    later: list[set[str]] = [set() for _ in follow]  # fields read by the follow-ups after i
    read: set[str] = set()
    for i in range(len(follow) - 1, -1, -1):
        later[i] = set(read)
        read |= {dep for dep, _ in follow[i][1]}
    names = plan.names[: len(plan.base)]
    relevant = [i for i, n in enumerate(names) if n in read]
    free = 1
    for i, values in enumerate(plan.base):
        if i not in relevant:
            free *= len(values)
    combos = 1
    for i in relevant:
        combos *= len(plan.base[i])
    if combos > _EXACT_COMBOS:
        bound = free * combos
        for _, _, values in follow:
            bound *= len(values)
        return bound

    def tails(given: dict[str, str], i: int) -> int:
        if i == len(follow):
            return 1
        fid, when, values = follow[i]
        if not holds(when, given):
            return tails(given, i + 1)
        if fid not in later[i]:
            return len(values) * tails(given, i + 1)
        return sum(tails({**given, fid: v} if v is not None else given, i + 1) for v in values)

    total = 0
    for combo in itertools.product(*(plan.base[i] for i in relevant)):
        total += tails({names[i]: v for i, v in zip(relevant, combo) if v is not None}, 0)
    return free * total


def _sample(plan: SpacePlan, n: int, seed: int = 0,
            ) -> Iterator[tuple[tuple[str | None, ...], dict[str, str]]]:
    """`n` answer sets drawn at random (as `_sweep` gives them): each base question's value
    uniformly, then each follow-up's when its condition holds. The same seed, the same sets."""
    import random

    rng = random.Random(seed)
    base_names = plan.names[: len(plan.base)]
    for _ in range(n):
        combo = [rng.choice(values) for values in plan.base]
        given = {name: v for name, v in zip(base_names, combo) if v is not None}
        for fid, when, values in plan.follow:
            v = rng.choice(values) if holds(when, given) else None
            combo.append(v)
            if v is not None:
                given[fid] = v
        yield tuple(combo), given
