"""Running a suite: vignettes once, invariants and monotone cases over the answer space in one
sweep, with examples of what broke; the results as data (`render/suite.py` words them)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from coachmentor.verify.schema import (
    MAX_EXAMPLES,
    Case,
    Outcome,
    Suite,
    SuiteError,
    _shown_value,
    engine_adapter,
    load_suite,
)
from coachmentor.verify.space import (
    MAX_SWEEP,
    SpacePlan,
    _sample,
    _sweep,
    merge_space,
    plan_space,
    space_size,
)


@dataclass
class CaseResult:
    file: str
    kind: str
    id: str
    line: int
    passed: bool
    source: dict[str, str] | None
    expected: dict[str, Any]
    problems: list[str] = field(default_factory=list)  # what did not hold (invariant: the first example)
    got: Outcome | None = None  # vignette: what came out
    covered: int | None = None  # invariant: answer sets its when/unless selects (monotone: pairs compared)
    broken: int | None = None  # invariant: of those, how many break it
    examples: list[tuple[dict[str, str], Outcome]] = field(default_factory=list)
    # monotone: broken pairs, each (answers, outcome) then the same with one answer moved on
    pairs: list[tuple[tuple[dict[str, str], Outcome], tuple[dict[str, str], Outcome]]] = field(
        default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "file": self.file,
            "kind": self.kind,
            "id": self.id,
            "line": self.line,
            "status": "pass" if self.passed else "fail",
            "source": self.source,
            "expected": self.expected,
        }
        if self.kind == "vignette":
            out["problems"] = list(self.problems)
            out["got"] = self.got.to_dict() if self.got is not None else None
        else:
            out["covered"] = self.covered
            out["broken"] = self.broken
            out["counterexamples"] = [
                {"answers": dict(a), "got": o.to_dict()} for a, o in self.examples
            ] + [
                {"answers": dict(a), "got": o.to_dict(), "then": {"answers": dict(b), "got": p.to_dict()}}
                for (a, o), (b, p) in self.pairs
            ]
        return out


@dataclass
class SuiteResult:
    file: str
    name: str | None
    cases: list[CaseResult]
    answer_sets: int | None = None  # swept (None: the suite has no invariants)
    assessed: int | None = None  # of those, assessed (covered by at least one invariant)
    seconds: float | None = None
    space_size: int | None = None  # answer sets in the space (answer_sets, unless sampled)
    sampled: bool = False  # answer_sets were drawn at random from it (--sample)

    @property
    def passed(self) -> int:
        return sum(1 for c in self.cases if c.passed)

    @property
    def failed(self) -> int:
        return sum(1 for c in self.cases if not c.passed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "name": self.name,
            "passed": self.passed,
            "failed": self.failed,
            "answer_sets": self.answer_sets,
            "assessed": self.assessed,
            "space_size": self.space_size,
            "sampled": self.sampled,
            "seconds": None if self.seconds is None else round(self.seconds, 3),
        }


def sweep_plan(suite: Suite, rules: Any,
               space: Mapping[str, Sequence[str | None]] | None = None) -> SpacePlan | None:
    """The plan of the invariants' sweep of `suite` (None: it has no invariants), narrowed by
    its `space:` and by `space` (--space)."""
    if not suite.invariants and not suite.monotone:
        return None
    merged = merge_space(suite.space, space)
    for fid, values in merged.items():
        if not values:
            allowed = ", ".join(_shown_value(v) for v in (suite.space or {}).get(fid, ()))
            raise SuiteError(
                f"{suite.path}: --space leaves no value of {fid} to sweep "
                f"(the suite's space: allows {allowed})"
            )
    return plan_space(rules, merged)


def check_size(suite: Suite, plan: SpacePlan, sample: int | None, limit: int = MAX_SWEEP,
               ) -> int:
    """The number of answer sets the run will check: the whole space, or `sample` of it when
    the space is larger. A space over `limit` without --sample is refused (SuiteError)."""
    size = space_size(plan)
    if sample is not None:
        return min(size, sample)
    if size > limit:
        raise SuiteError(
            f"{suite.path}: its invariants would sweep {size:,} answer sets, more than the "
            f"{limit:,} one run sweeps (a few minutes); narrow the sweep with --space "
            "FIELD=V1,V2 (or the suite's space:), or check a random sample with --sample N")
    return size


def run_suite(
    suite: Suite,
    rules: Any,
    *,
    space: Mapping[str, Sequence[str | None]] | None = None,
    examples: int = MAX_EXAMPLES,
    clock: Callable[[], float] = time.perf_counter,
    sample: int | None = None,
    limit: int = MAX_SWEEP,
    progress: Callable[[int, int], None] | None = None,
) -> SuiteResult:
    """Run every case; invariants share one sweep of the answer space (narrowed by the suite's
    `space:` and by `space`, e.g. from --space), one engine call per answer set. The space is
    counted first: over `limit` it is refused, unless `sample` (N answer sets drawn at random,
    the same ones every run; the whole space when it is no larger). `progress(done, total)` is
    called as the sweep goes. Monotone cases compare the pairs of answer sets the sweep saw."""
    plan = sweep_plan(suite, rules, space)
    total = check_size(suite, plan, sample, limit) if plan is not None else 0
    invariants, monotone = suite.invariants, suite.monotone
    assess, fast = engine_adapter(rules, plans=any(c.expect.reads_plan for c in invariants),
                                  needs=any(c.expect.agree is not None for c in invariants))
    results: list[CaseResult] = []
    for case in suite.vignettes:
        got = assess(case.answers or {})
        problems = case.expect.problems(got)
        results.append(
            CaseResult(
                suite.path, "vignette", case.id, case.line, not problems, case.source,
                dict(case.expect.given), problems=problems, got=got,
            )
        )
    out = SuiteResult(suite.path, suite.name, results)
    if plan is not None:
        started = clock()
        size = space_size(plan)
        sets = _sample(plan, total) if total < size else _sweep(plan)
        watch = monotone_sweep(plan, monotone) if monotone else None
        swept, assessed, inv_results = _check_invariants(plan, invariants, fast, examples,
                                                         sets, progress, total, watch)
        if watch is not None:
            results += _monotone_results(suite, rules, plan, monotone, watch, fast, examples)
        out.answer_sets, out.assessed, out.seconds = swept, assessed, clock() - started
        out.space_size, out.sampled = size, total < size
        for case, (covered, broken, found) in zip(invariants, inv_results):
            results.append(
                CaseResult(
                    suite.path, "invariant", case.id, case.line,
                    covered > 0 and broken == 0, case.source, dict(case.expect.given),
                    covered=covered, broken=broken,
                    examples=[(_in_order(rules, a), o) for a, o in found],
                    problems=case.expect.problems(found[0][1]) if found else [],
                )
            )
    # report in file order
    order = {c.id: i for i, c in enumerate(suite.cases)}
    results.sort(key=lambda r: order[r.id])
    return out


def _in_order(rules: Any, answers: Mapping[str, str]) -> dict[str, str]:
    return {q: answers[q] for q in rules.question_order if q in answers}


PROGRESS_EVERY = 1 << 14  # answer sets between two calls of `progress`


def monotone_sweep(plan: SpacePlan, cases: Sequence[Case]) -> Any:
    """A verify.monotone.MonotoneSweep of the monotone cases over this plan of the space."""
    from coachmentor.verify.monotone import MonotoneSpec, MonotoneSweep

    pos = plan.position
    specs = [
        MonotoneSpec(
            when=tuple((pos[f], s) for f, s in (c.when or {}).items()),
            unless=tuple((pos[f], s) for f, s in (c.unless or {}).items()),
            results=c.results or (),
            tiers=tuple((pos[f], t) for f, t in (c.tiers or {}).items()),
        )
        for c in cases
    ]
    return MonotoneSweep([*plan.base, *(vals for _, _, vals in plan.follow)], specs)


def _monotone_results(suite: Suite, rules: Any, plan: SpacePlan, cases: Sequence[Case], watch: Any,
                      fast: Callable[[Mapping[str, str]], Outcome], examples: int) -> list[CaseResult]:
    out = []
    for k, case in enumerate(cases):
        compared, broken, found = watch.check(k, examples)
        pairs = []
        for low, high in found:
            ends = []
            for index in (low, high):
                answers = {n: v for n, v in zip(plan.names, watch.answers_at(index)) if v is not None}
                ends.append((_in_order(rules, answers), fast(answers)))
            pairs.append((ends[0], ends[1]))
        out.append(CaseResult(
            suite.path, "monotone", case.id, case.line, compared > 0 and broken == 0, case.source,
            dict(case.expect.given), covered=compared, broken=broken, pairs=pairs))
    return out


def _check_invariants(plan: SpacePlan, invariants: Sequence[Case],
                      fast: Callable[[Mapping[str, str]], Outcome], examples: int,
                      sets: Iterator[tuple[tuple[str | None, ...], dict[str, str]]] | None = None,
                      progress: Callable[[int, int], None] | None = None, total: int = 0,
                      watch: Any = None) -> tuple[int, int, list[tuple[int, int, list[Any]]]]:
    """`watch`: a verify.monotone.MonotoneSweep shown every answer set and its result."""
    pos = plan.position
    compiled = []
    for case in invariants:
        when = tuple((pos[f], s) for f, s in (case.when or {}).items())
        unless = tuple((pos[f], s) for f, s in (case.unless or {}).items())
        compiled.append((when, unless, case.expect.ok))
    covered = [0] * len(compiled)
    broken = [0] * len(compiled)
    found: list[list[tuple[dict[str, str], Outcome]]] = [[] for _ in compiled]
    swept = assessed = 0
    for combo, answers in sets if sets is not None else _sweep(plan):
        swept += 1
        if progress is not None and not swept % PROGRESS_EVERY:
            progress(swept, total)
        got = None
        for k, (when, unless, ok) in enumerate(compiled):
            for p, s in when:
                if combo[p] not in s:
                    break
            else:
                if unless:
                    for p, s in unless:
                        if combo[p] not in s:
                            break
                    else:
                        continue  # `unless` holds: not covered
                if got is None:
                    got = fast(answers)
                    assessed += 1
                covered[k] += 1
                if not ok(got):
                    broken[k] += 1
                    if len(found[k]) < examples:
                        found[k].append((dict(answers), got))
        if watch is not None:
            if got is None:
                got = fast(answers)
                assessed += 1
            watch.see(combo, got.recommendation)
    return swept, assessed, list(zip(covered, broken, found))


@dataclass
class RunResult:
    suites: list[SuiteResult]

    @property
    def cases(self) -> list[CaseResult]:
        return [c for s in self.suites for c in s.cases]

    @property
    def passed(self) -> int:
        return sum(s.passed for s in self.suites)

    @property
    def failed(self) -> int:
        return sum(s.failed for s in self.suites)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "suites": [s.to_dict() for s in self.suites],
            "cases": [c.to_dict() for c in self.cases],
            "totals": {
                "cases": len(self.cases),
                "passed": self.passed,
                "failed": self.failed,
                "answer_sets": sum(s.answer_sets or 0 for s in self.suites),
                "seconds": round(sum(s.seconds or 0.0 for s in self.suites), 3),
            },
        }


def run_suites(
    paths: Sequence[str | os.PathLike[str]],
    rules: Any,
    *,
    space: Mapping[str, Sequence[str | None]] | None = None,
    sample: int | None = None,
    limit: int = MAX_SWEEP,
    progress: Callable[[str, int, int], None] | None = None,
) -> RunResult:
    """Load every suite and count its space first (an unusable suite, or a space too large to
    sweep, stops the run before anything is run), then run each. `progress(suite, done,
    total)` as each sweep goes."""
    suites = [load_suite(p, rules) for p in paths]
    for s in suites:
        plan = sweep_plan(s, rules, space)
        if plan is not None:
            check_size(s, plan, sample, limit)

    def told(s: Suite) -> Callable[[int, int], None] | None:
        return None if progress is None else (lambda done, total: progress(s.path, done, total))

    return RunResult([run_suite(s, rules, space=space, sample=sample, limit=limit,
                                progress=told(s)) for s in suites])
