"""Rule-test suites, the file: its pydantic models, loading and validating it against a rule
base (ids once, known sources, expectations and conditions in the rule base's words), and the
compiled `Suite` of `Case`s. The only places that know the engine's API are `engine_adapter`
and `vocabulary`. The file format is described in `verify/suite.py`."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from coachmentor.errors import AnswersError, CoachmentorError
from coachmentor.rulebase.model import ALTERNATIVES, RECOMMENDATIONS
from coachmentor.rulebase.validation import Loc, first_problem
from coachmentor.rulebase.yamlsafe import YamlDocument, decode_text, dotted, parse_yaml, read_bounded

Fail = Callable[[Loc, str], "SuiteError"]  # makes the error for a location in the suite file


MAX_SUITE_BYTES = 2 * 1024 * 1024


MAX_EXAMPLES = 3  # counterexamples kept per invariant


BLANK = ""  # in a suite file: 'left blank' (not answered)


class SuiteError(CoachmentorError):
    """A suite file cannot be read or is invalid (names file, line and key); exit 2."""


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


def read_suite_document(path: str | os.PathLike[str]) -> tuple[YamlDocument, str]:
    name = str(path)
    raw = read_bounded(Path(path), "suite file", MAX_SUITE_BYTES, SuiteError, folder_hint=" (.yaml)")
    return parse_yaml(decode_text(raw, name, SuiteError), name, SuiteError), name


def load_suite(path: str | os.PathLike[str], rules: Any) -> Suite:
    """Read, validate and compile a suite file against a rule base; SuiteError if unusable."""
    doc, name = read_suite_document(path)
    return suite_from_document(doc, name, rules)


def suite_from_document(doc: YamlDocument, filename: str, rules: Any) -> Suite:
    compiler = _CaseCompiler(doc, filename, rules)
    fail = compiler.fail
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
    cases = [compiler.vignette(i, v) for i, v in enumerate(model.vignettes or [])]
    cases += [compiler.invariant(i, inv) for i, inv in enumerate(model.invariants or [])]
    cases += [compiler.monotone(i, mono) for i, mono in enumerate(model.monotone or [])]
    if not cases:
        raise fail((), "the suite has no cases; give `vignettes:`, `invariants:` and/or `monotone:`")
    space = None
    if model.space is not None:
        space = {
            fid: tuple(v for v in _ordered(rules, fid) if v in values)
            for fid, values in _compile_condition(rules, model.space, ("space",), fail).items()
        }
    return Suite(filename, model.name, tuple(cases), space)


class _CaseCompiler:
    """A suite file's cases made into `Case`s, checked against the rule base: ids used once,
    citations of known sources, expectations and conditions in the rule base's words."""

    def __init__(self, doc: YamlDocument, filename: str, rules: Any) -> None:
        from coachmentor.verify.outcome import ReasonCheck

        self.doc, self.filename, self.rules = doc, filename, rules
        self.vocab = vocabulary(rules)
        self.assess, _fast = engine_adapter(rules)
        self.agree = ReasonCheck(rules)
        self.seen: dict[str, tuple[str, int]] = {}

    def fail(self, loc: Loc, message: str) -> SuiteError:
        line = self.doc.line_of(loc) or 1
        return SuiteError(f"{self.filename}:{line}: {dotted(loc) or '(top level)'}: {message}")

    def check_id(self, loc: Loc, case_id: str) -> int:
        line = self.doc.line_of(loc + ("id",)) or 1
        if case_id in self.seen:
            kind, at = self.seen[case_id]
            raise self.fail(loc + ("id",), f"id '{case_id}' is already used (by the {kind} on line {at})")
        self.seen[case_id] = (str(loc[0])[:-1], line)
        return self.doc.line_of(loc) or line

    def citation(self, loc: Loc, c: SuiteCitation | None) -> dict[str, str] | None:
        if c is None:
            return None
        if c.doc not in self.rules.model.sources:
            known = ", ".join(self.rules.model.sources)
            raise self.fail(loc + ("source", "doc"), f"unknown source document '{c.doc}' (sources: {known})")
        return {"doc": c.doc, "quote": c.quote}

    def vignette(self, i: int, v: VignetteModel) -> Case:
        loc: Loc = ("vignettes", i)
        line = self.check_id(loc, v.id)
        source = self.citation(loc, v.source)
        expect = _compile_expect(v.expect, loc + ("expect",), self.vocab, self.fail, self.agree)
        _check_answers(v.answers, loc + ("answers",), self.assess, self.fail)
        return Case("vignette", v.id, line, source, expect, answers=dict(v.answers))

    def invariant(self, i: int, inv: InvariantModel) -> Case:
        loc: Loc = ("invariants", i)
        line = self.check_id(loc, inv.id)
        source = self.citation(loc, inv.source)
        expect = _compile_expect(inv.expect, loc + ("expect",), self.vocab, self.fail, self.agree)
        when = _compile_condition(self.rules, inv.when, loc + ("when",), self.fail)
        unless = (_compile_condition(self.rules, inv.unless, loc + ("unless",), self.fail)
                  if inv.unless else None)
        return Case("invariant", inv.id, line, source, expect, when=when, unless=unless or None)

    def monotone(self, i: int, mono: MonotoneModel) -> Case:
        loc: Loc = ("monotone", i)
        line = self.check_id(loc, mono.id)
        source = self.citation(loc, mono.source)
        when = _compile_condition(self.rules, mono.when, loc + ("when",), self.fail)
        unless = (_compile_condition(self.rules, mono.unless, loc + ("unless",), self.fail)
                  if mono.unless else None)
        results, tiers = _compile_monotone(self.rules, mono, loc, self.fail)
        given = {"results": [sorted_tier(t) for t in results],
                 "answers": {f: [sorted_tier(t) for t in ts] for f, ts in tiers.items()}}
        return Case("monotone", mono.id, line, source, Expect((), frozenset(), given),
                    when=when, unless=unless or None, results=results, tiers=tiers)


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


def _ordered(rules: Any, fid: str) -> list[str | None]:
    return [None, *rules.choice_values[fid]]
