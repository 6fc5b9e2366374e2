"""The scoring engine: a pure function from (rule base, answers) to an assessment.

It knows nothing of terminals or files. The same answers and rules always give the same
assessment. Every point scored is recorded as a contribution naming the rule, the answers
it read, the points, the reason and the passage of the source it encodes.

The decision follows the sources' reasoning, need first (every threshold lives in the rule
base's `decision:` section):
1. a gate that holds (a readiness concern) makes it `other`, with the gate's alternative;
2. the need: rules with `tier: need` (the kind of need: a transition, a relationship, one
   aspect of practice, a challenge) set the primary mode; their points are never capped;
3. the person: rules with `tier: person` (career stage, reflection, preference, attitude,
   time frame...) refine it, moving each option by at most `person_cap` points in total, so
   generic modifiers cannot outvote the need;
   - the best score below `other_below`: `other` (talk it through first);
   - both options at least `both_min` and the lower at least `both_ratio` of the higher:
     `both` (something specific points to each; never a mere tie-breaker);
   - else the higher score wins; on a tie the need decides, and if the need is balanced too,
     `other` (talk it through);
4. constraints (`overrides`) that no score may override then apply in order, each citing
   its passage (reverse mentoring is mentoring; low reflection gets no coach; ...); the one
   that changed the result last is its first reason, never one it only passed through.
Checks (`checks:`) flag answers that contradict each other or the sources, as warnings.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from operator import attrgetter
from threading import Lock
from typing import Any, NamedTuple

from coachmentor.errors import AnswersError, MissingAnswersError
from coachmentor.rulebase.ruleset import RuleSet, holds


class Settled(NamedTuple):
    """What the scores, the first gate that holds and the constraints in force decide
    (`_settle`): the same for every answer set with the same tiers' sums and constraints."""

    coaching: float  # the scores, rounded
    mentoring: float
    recommendation: str
    alternative: str | None  # for `other`: what to do first
    decided_by: str  # "scores", or the id of the gate or constraint that decided it
    margin_factor: float  # how far the margin counts towards confidence (a constraint: 0.75)
    lead: tuple[tuple[str, str, Any], ...]  # (id, reason, source) shown before the rules' reasons


class EngineMemo:
    """The engine's memos for one rule set: what it has worked out once per combination of
    what fires, kept so that the next answer set with the same combination costs a lookup.
    Each is a pure function of the rule set and its key, bounded (DECIDED_MAX, or by the few
    combinations that exist), and lives as long as the rule set (`RuleSet.engine_memo`): the
    rule set describes the rules; the engine owns this.

    Safe across threads: each dict is read and written with single `get` / item assignment
    (atomic under CPython's GIL); two threads that miss the same key both work out the same
    value and one assignment wins, so a caller never sees a half-made entry or a different
    result. Only making the memo itself takes a lock (`_memo`)."""

    __slots__ = ("decided", "decided_alike", "parts", "settled", "lead_reasons", "warned", "typed")

    def __init__(self) -> None:
        # which conditions hold (RuleSet.holding) -> its Decided (decision_for)
        self.decided: dict[int, Decided] = {}
        self.decided_alike: dict[tuple[Any, ...], Decided] = {}  # a decision's content -> one object
        self.parts: dict[int, _Part] = {}  # the rules of a tier that fire -> their sum (_part)
        self.settled: dict[tuple[Any, ...], Settled] = {}  # _settle's inputs -> its result
        self.lead_reasons: dict[tuple[str, str], Reason] = {}  # texts of the rule base only
        self.warned: dict[int, tuple[Warning, ...]] = {}  # the checks in force -> warnings
        self.typed: dict[tuple[str, int], tuple[str | None, str | None]] = {}  # -> types


_MEMO_LOCK = Lock()


def _memo(rules: RuleSet) -> EngineMemo:
    memo = rules.engine_memo
    if memo is None:
        with _MEMO_LOCK:  # two threads on a fresh rule set make one memo, not two
            memo = rules.engine_memo
            if memo is None:
                memo = rules.engine_memo = EngineMemo()
    assert isinstance(memo, EngineMemo)
    return memo


@dataclass(frozen=True)
class Contribution:
    rule: str
    answers: dict[str, str]
    points: dict[str, float]
    reason: str
    source: str
    quote: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "answers": dict(self.answers),
            "points": dict(self.points),
            "reason": self.reason,
            "source": self.source,
            "quote": self.quote,
        }


@dataclass(frozen=True)
class Reason:
    text: str
    source: str
    quote: str
    rule: str
    weight: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "source": self.source,
            "quote": self.quote,
            "rule": self.rule,
            "weight": self.weight,
        }


@dataclass(frozen=True)
class Warning:
    """Answers that look inconsistent: a question back to the leader, never silently used."""

    check: str
    text: str
    source: str
    quote: str

    def to_dict(self) -> dict[str, Any]:
        return {"check": self.check, "text": self.text, "source": self.source, "quote": self.quote}


@dataclass(frozen=True)
class Assessment:
    recommendation: str
    alternative: str | None
    scores: dict[str, float]
    confidence: float
    confidence_label: str
    borderline: bool
    decided_by: str
    reasons: tuple[Reason, ...]
    contributions: tuple[Contribution, ...]
    coaching_type: str | None
    mentoring_type: str | None
    runner_up: str | None
    answers: dict[str, str]
    unanswered: tuple[str, ...]
    ignored: tuple[str, ...]
    preference: dict[str, Any] | None
    warnings: tuple[Warning, ...]
    rules_name: str
    rules_version: str
    rules_date: str
    rules_hash: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "recommendation": self.recommendation,
            "alternative": self.alternative,
            "scores": dict(self.scores),
            "confidence": self.confidence,
            "confidence_label": self.confidence_label,
            "borderline": self.borderline,
            "decided_by": self.decided_by,
            "runner_up": self.runner_up,
            "coaching_type": self.coaching_type,
            "mentoring_type": self.mentoring_type,
            "reasons": [r.to_dict() for r in self.reasons],
            "contributions": [c.to_dict() for c in self.contributions],
            "preference": self.preference,
            "warnings": [w.to_dict() for w in self.warnings],
            "answers": dict(self.answers),
            "unanswered": list(self.unanswered),
            "ignored": list(self.ignored),
            "rules_name": self.rules_name,
            "rules_version": self.rules_version,
            "rules_date": self.rules_date,
            "rules_hash": self.rules_hash,
        }


@dataclass(frozen=True)
class WhatIf:
    field: str
    value: str
    recommendation: str
    alternative: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "value": self.value,
            "recommendation": self.recommendation,
            "alternative": self.alternative,
        }


# --- answers -----------------------------------------------------------------------------


def normalise_answers(
    rules: RuleSet, raw: Mapping[str, Any], *, origin: str = "answers"
) -> dict[str, str]:
    """Map what was supplied onto canonical values; unknown values are an error.

    Keys may be ids or header aliases. Empty values count as not answered. Fields that
    are not questions (staff_id, name, department, ...) are ignored here.
    """
    out: dict[str, str] = {}
    for key, value in raw.items():
        fid = rules.field_id(key, origin)
        if fid not in rules.questions:
            continue  # staff_id, name, department: carried, not scored
        canonical = rules.canonical_value(fid, value, origin)
        if canonical is None:
            continue
        if fid in out and out[fid] != canonical:
            raise AnswersError(f"{origin}: {fid} is given twice, as '{out[fid]}' and '{canonical}'")
        out[fid] = canonical
    return out


def missing_required(rules: RuleSet, answers: Mapping[str, str]) -> list[str]:
    return [fid for fid in rules.required if fid not in answers]


# --- scoring -----------------------------------------------------------------------------


def assess(rules: RuleSet, answers: Mapping[str, Any]) -> Assessment:
    """Assess one member of staff. `answers` may use ids or aliases, values or synonyms."""
    canonical = normalise_answers(rules, answers)
    missing = missing_required(rules, canonical)
    if missing:
        raise MissingAnswersError(
            missing, f"required answer missing: {', '.join(missing)} (a recommendation needs it)"
        )
    return _assess_canonical(rules, canonical)


def assess_canonical(rules: RuleSet, answers: Mapping[str, str | None]) -> Assessment:
    """Assess answers already normalised (canonical values; None or absent: not answered)."""
    return _assess_canonical(rules, {k: v for k, v in answers.items() if v is not None})


@dataclass
class _Decision:
    answers: dict[str, str]  # the answers that count (those whose question applies)
    ignored: tuple[str, ...]  # answered, but the question does not apply (its `when` fails)
    coaching: float
    mentoring: float
    fired: tuple[Any, ...]
    recommendation: str
    alternative: str | None
    decided_by: str
    margin_factor: float
    lead: tuple[tuple[str, str, Any], ...]  # (rule id, reason, citation or None)
    bits: int  # the conditions that hold (RuleSet.conditions_holding)
    parts: tuple[_Part, _Part]  # the rules that fired: tier need, tier person


def decide(rules: RuleSet, given: Mapping[str, str]) -> _Decision:
    """Score and decide, without building reasons: the core that `assess` and lint share.

    An answer to a follow-up question that does not apply (its `when` fails) counts for
    nothing, exactly as if the questionnaire had not asked it; it is reported in `ignored`.
    """
    answers = {f: v for f, v in given.items() if f in rules.questions}
    ignored: tuple[str, ...] = ()
    for fid, when in rules.follow_ups:
        if fid in answers and not holds(when, given):
            del answers[fid]
            ignored += (fid,)
    return _decide(rules, rules.conditions_holding(answers), answers, ignored)


def _decide(rules: RuleSet, bits: int, answers: dict[str, str], ignored: tuple[str, ...]
            ) -> _Decision:
    """The decision of the conditions that hold (`bits`); `answers` only travel with it."""
    d = rules.model.decision
    # Which rules fire, read off the bits of the conditions that hold, summed per tier.
    whens, unless = rules.rule_bits
    in_force = bits & whens & ~((bits & unless) >> 1)  # RuleSet.in_force, inline: hot path
    need_bits, person_bits = rules.tier_bits
    need, person = _part(rules, in_force & need_bits), _part(rules, in_force & person_bits)
    need_c, need_m, person_c, person_m = need.coaching, need.mentoring, person.coaching, person.mentoring
    fired = need.fired + person.fired  # in rule order
    if not rules.need_rules_first:
        fired = tuple(sorted(fired, key=attrgetter("order")))
    parts = (need, person)
    cap = d.person_cap
    if cap is not None:  # the person refines the need; it cannot outvote it
        person_c = max(-cap, min(cap, person_c))
        person_m = max(-cap, min(cap, person_m))
    gates = bits & rules.gate_bits
    # What the scores, the first gate and the constraints in force decide: few combinations
    # of these exist (the tiers' sums take few values), so each is settled once.
    key = (need_c, need_m, person_c, person_m, gates & -gates,
           rules.in_force(bits, rules.override_bits))
    memo = _memo(rules)
    settled = memo.settled.get(key)
    if settled is None:
        settled = _settle(rules, *key)
        if len(memo.settled) < DECIDED_MAX:
            memo.settled[key] = settled
    coaching, mentoring, recommendation, alternative, decided_by, margin_factor, lead = settled
    return _Decision(
        answers, ignored, coaching, mentoring, fired, recommendation, alternative, decided_by,
        margin_factor, lead, bits, parts,
    )


def _settle(rules: RuleSet, need_c: float, need_m: float, person_c: float, person_m: float,
            gate_bit: int, constraints_bits: int) -> Settled:
    """What the scores decide: then a gate that holds (`gate_bit`: the first's), else the scores decide and
    the constraints in force (`constraints_bits`) apply."""
    d = rules.model.decision
    coaching, mentoring = round(need_c + person_c, 3), round(need_m + person_m, 3)
    lead: list[tuple[str, str, Any]] = []
    alternative: str | None = None
    if gate_bit:  # the first gate that holds (gates sit in order, the first at the lowest bit)
        gate = rules.gate_at[gate_bit]
        lead.append((gate.id, gate.reason, gate.source))
        return Settled(coaching, mentoring, "other", gate.alternative, gate.id, 1.0, tuple(lead))
    recommendation, margin_factor = _by_scores(d, coaching, mentoring, need_c - need_m)
    decided_by = "scores"
    if recommendation == "other":
        alternative = d.other_alternative
    # Constraints apply in order, each to the result of the one before (an early career
    # teacher's coaching becomes both; then someone negative about coaching is mentored).
    # the constraints in force, in order (few: most answers meet none)
    constraints = [rules.override_by_bit[bit] for bit in _each_bit(constraints_bits)]
    recommendation, alternative, chain = _constrain(constraints, recommendation, alternative)
    if chain:
        # What decided it, never a step it passed through: an early career teacher's
        # coaching became both, then their low reflection made it mentoring; "give them a
        # coach as well" is not a reason for mentoring.
        last = chain[-1]
        decided_by, margin_factor = last.id, 0.75
        lead.insert(0, (last.id, last.reason, last.source))
    elif recommendation == "other":
        lead.append(("decision", d.other_reason, d.other_source))
    else:
        # Won on the scores, but would a constraint have given the same result had another
        # option won? Then a constraint settles it (reverse mentoring is mentoring, however
        # close the scores; an early career teacher with an identified area of need has a
        # mentor and a coach): say so, and it is not borderline.
        for other in _OTHERS[recommendation]:
            if_other, _, settled = _constrain(constraints, other, None)
            if settled and if_other == recommendation:
                decided_by = settled[-1].id
                lead.insert(0, (settled[-1].id, settled[-1].reason, settled[-1].source))
                margin_factor = max(margin_factor, 0.75)
                break
    return Settled(coaching, mentoring, recommendation, alternative, decided_by, margin_factor,
                   tuple(lead))


# Had the scores given another result, which? (a constraint that turns it into this one settles it)
_OTHERS = {"coaching": ("mentoring",), "mentoring": ("coaching",), "both": ("mentoring", "coaching")}


def _constrain(
    constraints: list[Any], recommendation: str, alternative: str | None
) -> tuple[str, str | None, list[Any]]:
    """Apply the constraints in force, in order, each to the result of the one before;
    return the result and the constraints that changed it."""
    chain = []
    for ov, _, _, if_rec in constraints:
        if recommendation in if_rec:
            recommendation, alternative = ov.recommendation, ov.alternative
            chain.append(ov)
    return recommendation, alternative, chain


@dataclass(frozen=True)
class Brief:
    """What a batch row needs: the result without contributions, scores or what-if."""

    recommendation: str
    alternative: str | None
    confidence: float
    coaching_type: str | None
    mentoring_type: str | None
    reasons: tuple[Reason, ...]
    warnings: tuple[Warning, ...] = ()
    # Everything above but the confidence, as one object shared by every answer set that
    # decides alike: a batch keys its rendered result cells by it (identity, cheap to hash).
    decided: Decided | None = field(default=None, compare=False, repr=False)


class Decided:
    """A decision without its confidence: one object per distinct content (see `brief`)."""

    __slots__ = ("recommendation", "alternative", "margin_factor", "coaching_type",
                 "mentoring_type", "reasons", "warnings")

    def __init__(self, content: tuple[Any, ...]) -> None:
        (self.recommendation, self.alternative, self.margin_factor, self.coaching_type,
         self.mentoring_type, self.reasons, self.warnings) = content


def confidence_band(confidence: float) -> str:
    """'high' (0.8 and over), 'moderate' (0.6 and over) or 'low': the key of the rule base's
    words for it (texts.confidence)."""
    return "high" if confidence >= 0.8 else "moderate" if confidence >= 0.6 else "low"


def _confidence(rules: RuleSet, margin_factor: float, answers: Mapping[str, str]) -> float:
    """The winning margin (or how clearly a gate or override decided), scaled by how many of
    the optional questions were answered."""
    return _scaled(rules, margin_factor, sum(1 for q in rules.optional if q in answers))


def _scaled(rules: RuleSet, margin_factor: float, answered: int) -> float:
    n = len(rules.optional)
    return round(margin_factor * (0.6 + 0.4 * (answered / n if n else 1.0)), 2)


def _types(rules: RuleSet, dec: _Decision) -> tuple[str | None, str | None]:
    rec = dec.recommendation
    if rec == "other":
        return None, None
    in_force = rules.in_force(dec.bits, rules.type_bits)
    memo = _memo(rules)
    hit = memo.typed.get((rec, in_force))  # few combinations: every one is kept
    if hit is None:
        coaching_type = mentoring_type = None
        if rec != "mentoring":
            coaching_type = next((t for at, t in rules.type_at["coaching"] if in_force & at), None)
        if rec != "coaching":
            mentoring_type = next((t for at, t in rules.type_at["mentoring"] if in_force & at), None)
        hit = memo.typed[(rec, in_force)] = (coaching_type, mentoring_type)
    return hit


def _reasons(rules: RuleSet, dec: _Decision) -> tuple[Reason, ...]:
    """What decided it (a gate or constraint), then the need the leader chose where it
    supports the result, then the rules that pushed hardest towards the result, and last
    the need's reasons that point elsewhere, introduced as set aside (always shown, so the
    leader sees the need was heard; last, so that "the reasons above" are there)."""
    limit = rules.model.decision.max_reasons
    lead = [_lead_reason(rules, rid, text, cite) for rid, text, cite in dec.lead] if dec.lead else []
    rec = dec.recommendation
    need_part, person_part = dec.parts[0].pushes(rec, limit), dec.parts[1].pushes(rec, limit)
    about = need_part[0] + person_part[0]
    if not rules.need_rules_first:
        about = sorted(about)
    backing = [r for _, r in about if rec != "other" and r.weight > 0]
    aside = [r for _, r in about if rec == "other" or r.weight <= 0]
    if aside:
        # How the need as a whole leans (its own rules that fired): it points the other
        # way, or it fits this result and one of its rules lists the other option too.
        lean = sum(r.weight for _, r in about)
        aside = [_as_need(rules, r, rec, lean) for r in aside]
    out = lead[: max(1, limit - len(backing) - len(aside))] + backing
    if rec != "other":  # nothing pushes towards "other" (_toward)
        # The rules that pushed hardest towards the result: the strongest `limit` of both tiers'.
        ranked = sorted(need_part[1] + person_part[1])[:limit] if person_part[1] else need_part[1]
        shown = {r.rule for r in out}
        more = [r for _, _, r in ranked if r.rule not in shown]
        out += more[: max(0 if out else 1, limit - len(out) - len(aside))]
    return tuple(out + aside)


def _as_need(rules: RuleSet, reason: Reason, rec: str, lean: float) -> Reason:
    """A reason about the need they chose that does not support the result, worded as what
    was set aside: to return to, when another kind of support comes first; outweighed, when
    the need as a whole (`lean`: its rules' push towards the result) points the other way;
    listed for the other option too, when the need itself fits the result as well."""
    texts = rules.model.texts
    if rec == "other":
        return _framed(reason, texts.need_set_aside)
    if lean < 0:
        return _framed(reason, texts.need_outweighed)
    other = "mentoring" if rec == "coaching" else "coaching"
    return _framed(reason, texts.need_also.replace("{option}", other))


@lru_cache(maxsize=1024)
def _framed(reason: Reason, frame: str) -> Reason:
    return replace(reason, text=frame.replace("{reason}", reason.text))


class _Part:
    """The rules of one tier that fire together: their points summed (in rule order, as the
    scores add them), and per recommendation the reasons they give (see `pushes`)."""

    __slots__ = ("fired", "coaching", "mentoring", "_pushes")

    def __init__(self, fired: tuple[Any, ...]) -> None:
        self.fired = fired
        self.coaching = self.mentoring = 0.0
        for c in fired:
            self.coaching += c.coaching
            self.mentoring += c.mentoring
        self._pushes: dict[tuple[str, int], tuple[list[Any], list[Any]]] = {}

    def pushes(self, rec: str, limit: int) -> tuple[list[tuple[int, Reason]],
                                                     list[tuple[float, int, Reason]]]:
        """For a recommendation: the reasons of the rules about the need (in rule order), and
        the `limit` rules that pushed hardest towards it as (-weight, order, reason),
        strongest first, ties in rule order (two Reasons are never compared: orders differ)."""
        hit = self._pushes.get((rec, limit))
        if hit is None:
            weighed = [(c, *_push(c, rec)) for c in self.fired]
            hit = self._pushes[(rec, limit)] = (
                [(c.order, r) for c, _, r in weighed if c.about_need],
                sorted((-w, c.order, r) for c, w, r in weighed if w > 0)[:limit],
            )
        return hit


def _each_bit(bits: int) -> Iterator[int]:
    """Each set bit of `bits` as an integer, lowest first (the order things sit in)."""
    while bits:
        low = bits & -bits
        bits ^= low
        yield low


def _part(rules: RuleSet, fired_bits: int) -> _Part:
    """The _Part of the rules whose `when` bits are `fired_bits` (one tier's)."""
    memo = _memo(rules)
    part = memo.parts.get(fired_bits)
    if part is None:
        part = _Part(tuple(rules.rule_at[bit] for bit in _each_bit(fired_bits)))
        if len(memo.parts) < DECIDED_MAX:
            memo.parts[fired_bits] = part
    return part


def warnings(rules: RuleSet, answers: Mapping[str, str], bits: int | None = None) -> tuple[Warning, ...]:
    """The rule base's checks that hold for these answers: answers to ask the leader about.
    `bits`: the conditions that hold, when the caller has them (RuleSet.conditions_holding)."""
    if bits is None:
        bits = rules.conditions_holding(answers)
    in_force = rules.in_force(bits, rules.check_bits)
    memo = _memo(rules)
    hit = memo.warned.get(in_force)  # few checks: every combination is kept
    if hit is None:
        hit = memo.warned[in_force] = tuple(
            Warning(check.id, check.message, rules.citation_text(check.source), check.source.quote)
            for (check, _, _), at in zip(rules.c_checks, rules.check_at) if in_force & at
        )
    return hit


# Decisions kept per rule set (see RuleSet.holding): enough for every combination of
# conditions a uniform 200,000-row file meets (about 27,000 with the shipped rules). When the
# memo is full it stops growing (no clearing, so no cliff): later combinations are decided anew.
DECIDED_MAX = 1 << 15


def brief(rules: RuleSet, answers: Mapping[str, str]) -> Brief:
    """The batch path: the same decision, confidence, types and reasons as `assess`.

    Everything but the confidence depends only on which of the rule base's conditions hold,
    so it is worked out once per such combination (`RuleSet.holding`) and kept, and the
    combinations that decide alike share one `Decided`; the confidence then needs only how
    many optional questions were answered."""
    given = {f: v for f, v in answers.items() if v is not None and f in rules.questions}
    for fid, when in rules.follow_ups:
        if fid in given and not holds(when, given):
            del given[fid]
    d = decision_for(rules, rules.holding(given))
    return Brief(d.recommendation, d.alternative, _confidence(rules, d.margin_factor, given),
                 d.coaching_type, d.mentoring_type, d.reasons, d.warnings, d)


def decision_for(rules: RuleSet, key: int) -> Decided:
    """The decision of the answers whose conditions holding are `key` (RuleSet.holding).

    Worked out from the bits alone: once a gate holds, the key keeps only what can still
    change a brief (the gate, the need's rules, the checks), so the scores of the rules it
    drops may differ from `assess`'s, but a brief shows no scores."""
    memo = _memo(rules)
    d = memo.decided.get(key)
    if d is None:
        dec = _decide(rules, key, {}, ())
        coaching_type, mentoring_type = _types(rules, dec)
        content = (dec.recommendation, dec.alternative, dec.margin_factor, coaching_type,
                   mentoring_type, _reasons(rules, dec), warnings(rules, dec.answers, dec.bits))
        # Reasons and warnings are kept objects (_push, _lead_reason, warnings), so
        # their identities say what they are, and are cheaper to hash than their texts.
        alike = (*content[:5], *map(id, content[5]), None, id(content[6]))
        d = memo.decided_alike.get(alike)
        if d is None:
            d = Decided(content)
            if len(memo.decided_alike) < DECIDED_MAX:
                memo.decided_alike[alike] = d
        if len(memo.decided) < DECIDED_MAX:
            memo.decided[key] = d
    return d


def confidence_for(rules: RuleSet, d: Decided, answered: int) -> float:
    """A decision's confidence when `answered` of the optional questions were answered."""
    return _scaled(rules, d.margin_factor, answered)


def _assess_canonical(rules: RuleSet, given: dict[str, str]) -> Assessment:
    dec = decide(rules, given)
    answers = dec.answers
    coaching, mentoring, recommendation = dec.coaching, dec.mentoring, dec.recommendation
    contributions = tuple(
        Contribution(
            rule=c.rule.id,
            answers={f: answers[f] for f, _ in c.when},
            points={"coaching": c.coaching, "mentoring": c.mentoring},
            reason=c.rule.reason,
            source=c.source,
            quote=c.rule.source.quote,
        )
        for c in dec.fired
    )
    borderline = (
        dec.decided_by == "scores"
        and recommendation in ("coaching", "mentoring")
        and abs(coaching - mentoring) < rules.model.decision.grey_zone
    )
    confidence = _confidence(rules, dec.margin_factor, dec.answers)
    label = confidence_band(confidence)
    coaching_type, mentoring_type = _types(rules, dec)
    return Assessment(
        recommendation=recommendation,
        alternative=dec.alternative,
        scores={"coaching": coaching, "mentoring": mentoring},
        confidence=confidence,
        confidence_label=label,
        borderline=borderline,
        decided_by=dec.decided_by,
        reasons=_reasons(rules, dec),
        contributions=contributions,
        coaching_type=coaching_type,
        mentoring_type=mentoring_type,
        runner_up=_runner_up(recommendation, coaching, mentoring),
        answers=dict(sorted(answers.items(), key=lambda kv: rules.position[kv[0]])),
        unanswered=tuple(q for q in rules.optional if q not in answers and q not in dec.ignored),
        ignored=dec.ignored,
        preference=_preference(rules, answers, recommendation),
        warnings=warnings(rules, answers, dec.bits),
        rules_name=rules.name,
        rules_version=rules.version,
        rules_date=rules.date,
        rules_hash=rules.hash,
    )


def _by_scores(d: Any, coaching: float, mentoring: float, need_lean: float) -> tuple[str, float]:
    """`need_lean`: the need's own points, coaching minus mentoring (breaks a tie)."""
    best, low = max(coaching, mentoring), min(coaching, mentoring)
    gap = abs(coaching - mentoring)
    if best < d.other_below:
        return "other", 0.5
    if low >= d.both_min and low >= d.both_ratio * best:
        # The further the weaker option lies above the bar, the surer `both` is.
        depth = low - d.both_min + 1
        return "both", 0.5 + 0.5 * min(1.0, max(0.0, depth) / d.decisive_margin)
    if gap == 0:  # a tie is not a reason for both: the need decides, else talk it through
        if need_lean == 0:
            return "other", 0.5
        return ("coaching" if need_lean > 0 else "mentoring"), 0.5
    winner = "coaching" if coaching > mentoring else "mentoring"
    return winner, 0.5 + 0.5 * min(1.0, gap / d.decisive_margin)


def _runner_up(recommendation: str, coaching: float, mentoring: float) -> str | None:
    if recommendation == "coaching":
        return "mentoring"
    if recommendation == "mentoring":
        return "coaching"
    if recommendation == "other":
        return "coaching" if coaching > mentoring else "mentoring"
    return None


def _reason(rules: RuleSet, rule_id: str, text: str, cite: Any, weight: float) -> Reason:
    return Reason(
        text=text, source=rules.citation_text(cite), quote=cite.quote, rule=rule_id, weight=weight
    )


def _lead_reason(rules: RuleSet, rule_id: str, text: str, cite: Any) -> Reason:
    """What decided it (a gate, a constraint or the scores' `other`): one Reason each."""
    memo = _memo(rules)
    hit = memo.lead_reasons.get((rule_id, text))
    if hit is None:
        hit = memo.lead_reasons[(rule_id, text)] = _reason(rules, rule_id, text, cite, 0.0)
    return hit


def toward(recommendation: str, coaching: float, mentoring: float) -> float:
    """How far points push towards a result (negative: away from it); nothing pushes
    towards `other`, which is off the line between the two options."""
    if recommendation == "coaching":
        return coaching - mentoring
    if recommendation == "mentoring":
        return mentoring - coaching
    if recommendation == "both":
        return max(coaching, mentoring)
    return 0.0


def _toward(recommendation: str, c: Any) -> float:
    """How far a rule pushed towards `recommendation` (negative: away from it)."""
    return toward(recommendation, c.coaching, c.mentoring)


def _push(c: Any, recommendation: str) -> tuple[float, Reason]:
    """How far a rule pushed towards `recommendation`, and its reason with that weight: one
    Reason per rule and recommendation, kept on the compiled rule."""
    hit: tuple[float, Reason] | None = c.reasons.get(recommendation)
    if hit is None:
        weight = _toward(recommendation, c)
        rule = c.rule
        hit = c.reasons[recommendation] = (weight, Reason(
            text=rule.reason, source=c.source, quote=rule.source.quote, rule=rule.id,
            weight=weight))
    return hit


def _preference(rules: RuleSet, answers: dict[str, str], recommendation: str) -> dict[str, Any] | None:
    """How the person's own preference was weighed (values clarification)."""
    stated = answers.get("preference")
    if stated is None:
        return None
    leans = rules.leans.get(("preference", stated))
    honoured = True if leans is None or recommendation == "both" else recommendation == leans
    return {"stated": stated, "leans_to": leans, "honoured": honoured}


# --- what would change it ----------------------------------------------------------------


def what_if(rules: RuleSet, answers: Mapping[str, str]) -> list[WhatIf]:
    """Every single-answer change that changes the recommendation (or its alternative).

    Exact by construction: each variant is re-assessed with the same engine.
    """
    base = assess_canonical(rules, answers)
    out: list[WhatIf] = []
    for fid in rules.question_order:
        current = answers.get(fid)
        for value in rules.choice_values[fid]:
            if value == current:
                continue
            variant = dict(answers)
            variant[fid] = value
            other = assess_canonical(rules, variant)
            if (other.recommendation, other.alternative) != (base.recommendation, base.alternative):
                out.append(WhatIf(fid, value, other.recommendation, other.alternative))
    return out
