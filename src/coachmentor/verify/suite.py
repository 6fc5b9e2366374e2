"""Test suites for a rule base: vignettes (one answer set, an expected result) and invariants
(a property checked over the whole answer space). `coachmentor rules test` runs them.

The library: load and validate a suite file, enumerate the answer space, run the cases.
Nothing here prints; `suite_report` renders the results.

    rules = load_rules("my-rules.yaml")
    suite = load_suite("rules/suites/example.yaml", rules)
    result = run_suite(suite, rules)           # a SuiteResult; result.failed == 0 when all pass

A suite file (YAML, read with the project's safe loader, validated strictly):

    name: Source vignettes                          # optional
    vignettes:
      - id: reverse_mentoring_senior_leader
        source: {doc: school_hr, quote: "..."}      # optional; doc is a source id of the rule base
        answers: {career_stage: SLT, focus: reverse}   # as --answers accepts
        expect: {recommendation: mentoring, mentoring_type: reverse}
    invariants:
      - id: trainees_never_coached
        when: {career_stage: trainee}               # "" means 'left blank'
        unless: {readiness_concern: [skill_gap]}    # optional
        expect: {recommendation_not: [coaching]}
    monotone:
      - id: towards_coaching_never_towards_mentoring
        results: [mentoring, both, coaching]        # in order; others (other) are not compared
        answers:                                    # each answer's values in the same order
          reflective_capacity: [low, "", moderate, high]
          preference: [advice, ["", none], own_answers]   # a list inside: values alike
    space: {readiness_concern: ["", none]}          # optional: narrow every invariant's sweep

Expectations: `recommendation` / `recommendation_not` (a value or a list), `alternative`,
`coaching_type`, `mentoring_type` (a value, a list, or null for 'must be null'),
`reasons_include` (rule ids that must be among the result's reasons), `reasons_agree: true`
(every reason shown supports the result or is introduced as set aside: verify/outcome.py),
and `plan_includes` / `plan_excludes` (words the plan shown with the result must or must not
contain). A monotone case holds when no pair of answer sets that differ in one listed answer
only gives a result earlier in its order for a value in a later tier (verify/monotone.py).

The only places that know the engine's API are `engine_adapter` and `vocabulary`.
"""

from __future__ import annotations

import itertools
import os
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from coachmentor.errors import AnswersError, CoachmentorError
from coachmentor.rulebase.model import ALTERNATIVES, RECOMMENDATIONS
from coachmentor.rulebase.ruleset import holds
from coachmentor.rulebase.validation import Loc, first_problem
from coachmentor.rulebase.yamlsafe import YamlDocument, decode_text, dotted, parse_yaml, read_bounded

Fail = Callable[[Loc, str], "SuiteError"]  # makes the error for a location in the suite file

MAX_SUITE_BYTES = 2 * 1024 * 1024
MAX_EXAMPLES = 3  # counterexamples kept per invariant
BLANK = ""  # in a suite file: 'left blank' (not answered)



class SuiteError(CoachmentorError):
    """A suite file cannot be read or is invalid (names file, line and key); exit 2."""


# --- the coupling to the engine: keep it here, and small ---------------------------------


class Outcome(NamedTuple):
    """What a case can check, whichever engine path produced it."""

    recommendation: str
    alternative: str | None
    coaching_type: str | None
    mentoring_type: str | None
    reasons: tuple[str, ...]  # the result's reasons' rule ids, in order
    reason_texts: tuple[str, ...] = ()  # their words, in the same order
    plan: tuple[str, ...] = ()  # the plan shown with it, 'heading: text' (when a case reads it)
    need: tuple[float, float] | None = None  # the need's own points (when a case reads them)

    def to_dict(self) -> dict[str, Any]:
        out = {**self._asdict(), "reasons": list(self.reasons),
               "reason_texts": list(self.reason_texts), "plan": list(self.plan)}
        out["need"] = None if self.need is None else list(self.need)
        return out


OUTCOME_FIELDS = Outcome._fields


def engine_adapter(
    rules: Any, *, plans: bool = True, needs: bool = True
) -> tuple[Callable[[Mapping[str, Any]], Outcome], Callable[[Mapping[str, str]], Outcome]]:
    """(assess, fast): `assess` takes answers as --answers does (ids or aliases, values or
    synonyms) and raises AnswersError; `fast` takes canonical answers (question id -> value,
    blanks left out) and is what the sweep calls hundreds of thousands of times. `plans` and
    `needs`: whether `fast` fills in the plan and the need's points (only cases that read
    them need them; `assess` always does)."""
    from coachmentor import engine
    from coachmentor.verify.outcome import need_reader, plan_reader

    plan_of, need_of = plan_reader(rules), need_reader(rules)

    def outcome(r: Any, answers: Mapping[str, str], plan: bool, need: bool) -> Outcome:
        return Outcome(
            r.recommendation, r.alternative, r.coaching_type, r.mentoring_type,
            tuple([x.rule for x in r.reasons]), tuple([x.text for x in r.reasons]),
            plan_of(r.recommendation, answers) if plan else (),
            need_of(answers) if need else None,
        )

    fast_path = getattr(engine, "brief", None) or engine.assess_canonical

    def assess(answers: Mapping[str, Any]) -> Outcome:
        r = engine.assess(rules, answers)
        return outcome(r, r.answers, True, True)

    def fast(answers: Mapping[str, str]) -> Outcome:
        return outcome(fast_path(rules, answers), answers, plans, needs)

    return assess, fast


@dataclass(frozen=True)
class Vocabulary:
    """The names a suite may use; None = not known here, so not checked."""

    alternatives: tuple[str, ...]
    coaching_types: tuple[str, ...] | None
    mentoring_types: tuple[str, ...] | None
    rule_ids: frozenset[str] | None  # what a reason's `.rule` can be


def vocabulary(rules: Any) -> Vocabulary:
    from coachmentor.rulebase import model

    m = rules.model
    try:
        rule_ids: frozenset[str] | None = frozenset(
            [r.id for section in ("rules", "gates", "overrides") for r in getattr(m, section)]
            + ["decision"]  # the engine's reason for `other` when no option scores enough
        )
    except (AttributeError, TypeError):
        rule_ids = None
    return Vocabulary(
        alternatives=tuple(ALTERNATIVES),
        coaching_types=getattr(model, "COACHING_TYPES", None),
        mentoring_types=getattr(model, "MENTORING_TYPES", None),
        rule_ids=rule_ids,
    )


# --- the suite file's models --------------------------------------------------------------

_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
Scalar = str | int | float | bool | None
Condition = dict[str, str | list[str]]
Nullable = str | None | list[str | None]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)


class SuiteCitation(_Strict):
    doc: str
    quote: str = Field(min_length=1)


class Expectation(_Strict):
    recommendation: str | list[str] | None = None
    recommendation_not: str | list[str] | None = None
    alternative: Nullable = None
    coaching_type: Nullable = None
    mentoring_type: Nullable = None
    reasons_include: list[str] = Field(default_factory=list)
    reasons_agree: Literal[True] | None = None
    plan_includes: list[str] = Field(default_factory=list)
    plan_excludes: list[str] = Field(default_factory=list)


class VignetteModel(_Strict):
    id: str = Field(pattern=_ID_PATTERN)
    source: SuiteCitation | None = None
    answers: dict[str, Scalar]
    expect: Expectation


class InvariantModel(_Strict):
    id: str = Field(pattern=_ID_PATTERN)
    source: SuiteCitation | None = None
    when: Condition = Field(default_factory=dict)
    unless: Condition | None = None
    expect: Expectation


class MonotoneModel(_Strict):
    id: str = Field(pattern=_ID_PATTERN)
    source: SuiteCitation | None = None
    when: Condition = Field(default_factory=dict)
    unless: Condition | None = None
    results: list[str | list[str]] = Field(min_length=2)
    answers: dict[str, list[str | list[str]]] = Field(min_length=1)


class SuiteModel(_Strict):
    name: str | None = None
    vignettes: list[VignetteModel] | None = None
    invariants: list[InvariantModel] | None = None
    monotone: list[MonotoneModel] | None = None
    space: dict[str, str | list[str]] | None = None




# --- compiled cases -------------------------------------------------------------------------

Check = tuple[int, frozenset[str], bool]  # (Outcome index, values, must be among them?)


@dataclass(frozen=True)
class Expect:
    """An expectation compiled for speed; `given` keeps it as written (canonical)."""

    checks: tuple[Check, ...]
    reasons: frozenset[str]
    given: dict[str, Any]
    agree: Any = None  # a verify.outcome.ReasonCheck when `reasons_agree` is expected
    plan_in: tuple[str, ...] = ()  # casefolded words the plan must contain
    plan_out: tuple[str, ...] = ()  # ... and must not

    @property
    def reads_plan(self) -> bool:
        return bool(self.plan_in or self.plan_out)

    def ok(self, out: Outcome) -> bool:
        for idx, values, inside in self.checks:
            if (out[idx] in values) is not inside:
                return False
        if self.reasons and not self.reasons.issubset(out.reasons):
            return False
        if self.agree is not None and self._disagree(out):
            return False
        return not self.reads_plan or not self._plan_problems(out)

    def _disagree(self, out: Outcome) -> tuple[str, ...]:
        problems: tuple[str, ...] = self.agree.problems(
            out.recommendation, out.alternative, out.reasons, out.reason_texts, out.need)
        return problems

    def _plan_problems(self, out: Outcome) -> list[str]:
        plan = " | ".join(out.plan).casefold()
        return ([f"plan_includes: no '{w}' in the plan" for w in self.plan_in if w not in plan]
                + [f"plan_excludes: the plan says '{w}'" for w in self.plan_out if w in plan])

    def problems(self, out: Outcome) -> list[str]:
        """What does not hold, in words: 'recommendation: expected mentoring, got coaching'."""
        found: list[str] = []
        for key, want in self.given.items():
            if key == "reasons_agree":
                found += [f"reasons_agree: {p}" for p in self._disagree(out)]
                continue
            if key in ("plan_includes", "plan_excludes"):
                continue  # below, once for both
            if key == "reasons_include":
                missing = [r for r in want if r not in out.reasons]
                if missing:
                    found.append(
                        f"reasons_include: missing {', '.join(missing)}; "
                        f"reasons were [{', '.join(out.reasons)}]"
                    )
                continue
            name = "recommendation" if key == "recommendation_not" else key
            have = getattr(out, name)
            allowed = want if isinstance(want, list) else [want]
            if key == "recommendation_not":
                if have in allowed:
                    found.append(f"recommendation: expected none of {show(want)}, got {show(have)}")
            elif have not in allowed:
                wanted = f"one of {show(want)}" if isinstance(want, list) else show(want)
                found.append(f"{key}: expected {wanted}, got {show(have)}")
        return found + (self._plan_problems(out) if self.reads_plan else [])


def _shown_value(value: str | None) -> str:
    return '""' if value is None else value


def show(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value) + "]"
    return str(value)


@dataclass(frozen=True)
class Case:
    kind: str  # "vignette", "invariant" or "monotone"
    id: str
    line: int
    source: dict[str, str] | None
    expect: Expect  # monotone: no checks; `given` is the case as written
    answers: dict[str, Any] | None = None  # vignette: as written
    when: dict[str, frozenset[str | None]] | None = None  # invariant, monotone: field -> values (None = blank)
    unless: dict[str, frozenset[str | None]] | None = None
    results: tuple[frozenset[str | None], ...] | None = None  # monotone: the results in order, tier by tier
    tiers: dict[str, tuple[frozenset[str | None], ...]] | None = None  # monotone: each answer's values in order


@dataclass(frozen=True)
class Suite:
    path: str
    name: str | None
    cases: tuple[Case, ...]
    space: dict[str, tuple[str | None, ...]] | None  # field -> values swept (None = blank)

    @property
    def vignettes(self) -> list[Case]:
        return [c for c in self.cases if c.kind == "vignette"]

    @property
    def invariants(self) -> list[Case]:
        return [c for c in self.cases if c.kind == "invariant"]

    @property
    def monotone(self) -> list[Case]:
        return [c for c in self.cases if c.kind == "monotone"]


# --- results --------------------------------------------------------------------------------


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


# --- loading and validating ----------------------------------------------------------------


def read_suite_document(path: str | os.PathLike[str]) -> tuple[YamlDocument, str]:
    name = str(path)
    raw = read_bounded(Path(path), "suite file", MAX_SUITE_BYTES, SuiteError, folder_hint=" (.yaml)")
    return parse_yaml(decode_text(raw, name, SuiteError), name, SuiteError), name


def load_suite(path: str | os.PathLike[str], rules: Any) -> Suite:
    """Read, validate and compile a suite file against a rule base; SuiteError if unusable."""
    doc, name = read_suite_document(path)
    return suite_from_document(doc, name, rules)


def suite_from_document(doc: YamlDocument, filename: str, rules: Any) -> Suite:
    def fail(loc: tuple[str | int, ...], message: str) -> SuiteError:
        line = doc.line_of(loc) or 1
        return SuiteError(f"{filename}:{line}: {dotted(loc) or '(top level)'}: {message}")

    if doc.data is None:
        raise fail((), "the suite is empty; give `vignettes:` and/or `invariants:`")
    if not isinstance(doc.data, dict):
        raise fail((), "a suite must be a mapping (name:, vignettes:, invariants:, space:)")
    try:
        model = SuiteModel.model_validate(doc.data)
    except ValidationError as exc:
        loc, message = first_problem(exc.errors(include_url=False, include_input=False),
                                     doc.data, SuiteModel)
        raise fail(loc, message) from None

    vocab = vocabulary(rules)
    assess, _fast = engine_adapter(rules)
    from coachmentor.verify.outcome import ReasonCheck

    agree = ReasonCheck(rules)
    cases: list[Case] = []
    seen: dict[str, tuple[str, int]] = {}

    def check_id(loc: tuple[str | int, ...], case_id: str) -> int:
        line = doc.line_of(loc + ("id",)) or 1
        if case_id in seen:
            kind, at = seen[case_id]
            raise fail(loc + ("id",), f"id '{case_id}' is already used (by the {kind} on line {at})")
        seen[case_id] = (str(loc[0])[:-1], line)
        return doc.line_of(loc) or line

    def citation(loc: tuple[str | int, ...], c: SuiteCitation | None) -> dict[str, str] | None:
        if c is None:
            return None
        if c.doc not in rules.model.sources:
            known = ", ".join(rules.model.sources)
            raise fail(loc + ("source", "doc"), f"unknown source document '{c.doc}' (sources: {known})")
        return {"doc": c.doc, "quote": c.quote}

    for i, v in enumerate(model.vignettes or []):
        loc = ("vignettes", i)
        line = check_id(loc, v.id)
        source = citation(loc, v.source)
        expect = _compile_expect(v.expect, loc + ("expect",), vocab, fail, agree)
        _check_answers(v.answers, loc + ("answers",), assess, fail)
        cases.append(Case("vignette", v.id, line, source, expect, answers=dict(v.answers)))

    for i, inv in enumerate(model.invariants or []):
        loc = ("invariants", i)
        line = check_id(loc, inv.id)
        source = citation(loc, inv.source)
        expect = _compile_expect(inv.expect, loc + ("expect",), vocab, fail, agree)
        when = _compile_condition(rules, inv.when, loc + ("when",), fail)
        unless = _compile_condition(rules, inv.unless, loc + ("unless",), fail) if inv.unless else None
        if unless == {}:
            unless = None
        cases.append(Case("invariant", inv.id, line, source, expect, when=when, unless=unless))

    for i, mono in enumerate(model.monotone or []):
        loc = ("monotone", i)
        line = check_id(loc, mono.id)
        source = citation(loc, mono.source)
        when = _compile_condition(rules, mono.when, loc + ("when",), fail)
        unless = _compile_condition(rules, mono.unless, loc + ("unless",), fail) if mono.unless else None
        results, tiers = _compile_monotone(rules, mono, loc, fail)
        given = {"results": [sorted_tier(t) for t in results],
                 "answers": {f: [sorted_tier(t) for t in ts] for f, ts in tiers.items()}}
        cases.append(Case("monotone", mono.id, line, source, Expect((), frozenset(), given),
                          when=when, unless=unless or None, results=results, tiers=tiers))

    if not cases:
        raise fail((), "the suite has no cases; give `vignettes:`, `invariants:` and/or `monotone:`")
    space = None
    if model.space is not None:
        space = {
            fid: tuple(v for v in _ordered(rules, fid) if v in values)
            for fid, values in _compile_condition(rules, model.space, ("space",), fail).items()
        }
    return Suite(filename, model.name, tuple(cases), space)


def _values(want: Any) -> list[Any]:
    return want if isinstance(want, list) else [want]


def _compile_expect(e: Expectation, loc: Loc, vocab: Vocabulary, fail: Fail,
                    agree: Any = None) -> Expect:
    """`agree`: the rule base's verify.outcome.ReasonCheck, for `reasons_agree`."""
    given_keys = [k for k in Expectation.model_fields if k in e.model_fields_set]
    if not given_keys:
        raise fail(loc, "give at least one expectation (" + ", ".join(Expectation.model_fields) + ")")
    checks: list[Check] = []
    given: dict[str, Any] = {}
    allowed_by_key = {
        "recommendation": RECOMMENDATIONS,
        "recommendation_not": RECOMMENDATIONS,
        "alternative": vocab.alternatives,
        "coaching_type": vocab.coaching_types,
        "mentoring_type": vocab.mentoring_types,
    }
    for key in given_keys:
        want = getattr(e, key)
        if key == "reasons_include":
            if vocab.rule_ids is not None:
                for j, rid in enumerate(want):
                    if rid not in vocab.rule_ids:
                        raise fail(loc + (key, j), f"'{rid}' is not a rule, gate or override id of the rule base")
            given[key] = list(want)
            continue
        if key in ("reasons_agree", "plan_includes", "plan_excludes"):
            if key != "reasons_agree" and (not want or not all(w.strip() for w in want)):
                raise fail(loc + (key,), "give at least one word or phrase, none empty")
            given[key] = want if key == "reasons_agree" else list(want)
            continue
        values = _values(want)
        if key.startswith("recommendation") and want is None:
            raise fail(loc + (key,), "a recommendation is never null; give a value or a list")
        if isinstance(want, list) and not want:
            raise fail(loc + (key,), "an empty list allows nothing; give at least one value")
        allowed = allowed_by_key[key]
        for j, v in enumerate(values):
            if v is None or allowed is None or v in allowed:
                continue
            where = loc + ((key, j) if isinstance(want, list) else (key,))
            raise fail(where, f"'{v}' is not a known {key.replace('_not', '')} (one of: {', '.join(allowed)})")
        idx = OUTCOME_FIELDS.index("recommendation" if key == "recommendation_not" else key)
        checks.append((idx, frozenset(values), key != "recommendation_not"))
        given[key] = want
    reasons = frozenset(given.get("reasons_include", ()))
    words = [tuple(w.casefold() for w in given.get(k, ())) for k in ("plan_includes", "plan_excludes")]
    return Expect(tuple(checks), reasons, given, agree if "reasons_agree" in given else None, *words)


def sorted_tier(tier: frozenset[str | None]) -> str | list[str]:
    """A tier as a suite file writes it: one value, or a list ("" for blank)."""
    shown = sorted(BLANK if v is None else v for v in tier)
    return shown[0] if len(shown) == 1 else shown


def _compile_monotone(rules: Any, mono: MonotoneModel, loc: Loc, fail: Fail,
                      ) -> tuple[tuple[frozenset[str | None], ...], dict[str, tuple[frozenset[str | None], ...]]]:
    """(results tier by tier, field -> its values tier by tier), checked against the rule base."""
    results: list[frozenset[str | None]] = []
    for j, listed in enumerate(mono.results):
        tier = frozenset(_values(listed))
        for rec in _values(listed):
            if rec not in RECOMMENDATIONS:
                raise fail(loc + ("results", j),
                           f"'{rec}' is not a known recommendation (one of: {', '.join(RECOMMENDATIONS)})")
            if any(rec in t for t in results) or len(tier) != len(_values(listed)):
                raise fail(loc + ("results",), f"'{rec}' is listed twice")
        results.append(tier)
    tiers: dict[str, tuple[frozenset[str | None], ...]] = {}
    for fid, order in mono.answers.items():
        where = loc + ("answers", fid)
        if len(order) < 2:
            raise fail(where, "give at least two tiers of values, in order")
        compiled = [_compile_condition(rules, {fid: w}, loc + ("answers",), fail)[fid] for w in order]
        seen: set[str | None] = set()
        for tier in compiled:
            if seen & tier:
                raise fail(where, "a value is in two tiers")
            seen |= tier
        tiers[fid] = tuple(compiled)
    return tuple(results), tiers


def _compile_condition(rules: Any, condition: Mapping[str, Any] | None, loc: Loc, fail: Fail,
                       ) -> dict[str, frozenset[str | None]]:
    """id -> value or list (the value "" = left blank), checked against the rule base."""
    out: dict[str, frozenset[str | None]] = {}
    for fid, want in (condition or {}).items():
        if fid not in rules.questions:
            known = ", ".join(rules.question_order)
            raise fail(loc + (fid,), f"unknown question '{fid}' (questions: {known})")
        values = _values(want)
        if not values:
            raise fail(loc + (fid,), "an empty list matches nothing; give at least one value")
        choices = rules.choice_values[fid]
        required = fid in rules.required
        for v in values:
            if v == BLANK:
                if required:
                    raise fail(loc + (fid,), f"{fid} is required, so it is never blank (\"\")")
                continue
            if v not in choices:
                blank = "" if required else ', or "" for blank'
                raise fail(
                    loc + (fid,),
                    f"'{v}' is not a choice of {fid} (choices: {', '.join(choices)}{blank})",
                )
        out[fid] = frozenset(None if v == BLANK else v for v in values)
    return out


def _check_answers(answers: dict[str, Any], loc: Loc, assess: Callable[[dict[str, Any]], Any],
                   fail: Fail) -> None:
    """The engine must accept the answers; on failure name the line of the bad key."""
    try:
        assess(answers)
        return
    except AnswersError as exc:
        message = exc.message
    culprit: tuple[str | int, ...] = loc
    for key, value in answers.items():  # which key alone is refused (not just incomplete)?
        try:
            assess({key: value})
        except AnswersError as exc:
            if not hasattr(exc, "missing"):
                culprit, message = loc + (key,), exc.message
                break
    if message.startswith("answers: "):  # the engine's name for where the answers came from
        message = message[len("answers: "):]
    if culprit != loc:  # `focus: 'x' is not ...` where the location already ends in the key
        head, sep, rest = message.partition(": ")
        if sep and re.fullmatch(r"[a-z][a-z0-9_]*", head):
            message = rest
    raise fail(culprit, message)


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


def _ordered(rules: Any, fid: str) -> list[str | None]:
    return [None, *rules.choice_values[fid]]


def merge_space(*spaces: Mapping[str, Sequence[str | None]] | None) -> dict[str, tuple[str | None, ...]]:
    """The intersection of several restrictions (a field left out of one is not restricted)."""
    out: dict[str, tuple[str | None, ...]] = {}
    for s in spaces:
        for fid, values in (s or {}).items():
            out[fid] = tuple(v for v in out[fid] if v in values) if fid in out else tuple(values)
    return out


# --- the answer space ----------------------------------------------------------------------


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


# --- its size, and a sample of it --------------------------------------------------------

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


# --- running -------------------------------------------------------------------------------


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
