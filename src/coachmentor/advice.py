"""Everything a leader needs to act on one assessment, as plain data (no rendering).

`build_advice` adds to the engine's assessment: what would change it (exact, from the
engine), the plan for the recommended option, the options side by side, the alternative's
details, and how the person's own preference was weighed. Renderers (text, markdown, JSON)
only format this document; every claim in it carries its source.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypedDict, cast

from coachmentor.engine import Assessment, WhatIf, assess_canonical, what_if
from coachmentor.rulebase.ruleset import RuleSet, condition_blocks, condition_holds

REC_PHRASE = {
    "coaching": "coaching",
    "mentoring": "mentoring",
    "both": "both coaching and mentoring",
}
MAX_WHAT_IF_SHOWN = 4


def recommendation_phrase(rules: RuleSet, recommendation: str, alternative: str | None) -> str:
    if recommendation == "other":
        alt = rules.model.alternatives.get(alternative) if alternative else None
        label = alt.label.lower() if alt else (alternative or "another kind of support")
        return f"another kind of support first ({label})"
    return REC_PHRASE[recommendation]


def choice_label(rules: RuleSet, fid: str, value: str) -> str:
    for c in rules.questions[fid].choices:
        if c.value == value:
            return c.label
    return value


def condition_phrase(rules: RuleSet, fid: str, value: str) -> str:
    """'they were new to the role' — how a single answer reads in a sentence."""
    q = rules.questions[fid]
    choice = next(c for c in q.choices if c.value == value)
    if choice.phrase:
        return choice.phrase
    short = choice.label.split(" (")[0]
    short = short[:1].lower() + short[1:]
    if q.phrase:
        return q.phrase.replace("{label}", short)  # never str.format: rule-base text
    return f"{fid} were {value}"


def _cite(rules: RuleSet, cite: Any) -> dict[str, str]:
    return {"source": rules.citation_text(cite), "quote": cite.quote}


def what_if_sentence(rules: RuleSet, w: WhatIf) -> str:
    text = f"If {condition_phrase(rules, w.field, w.value)}, "
    text += f"{recommendation_phrase(rules, w.recommendation, w.alternative)} would be recommended."
    return text[0].upper() + text[1:]


def rank_what_if(rules: RuleSet, answers: Mapping[str, str], items: list[WhatIf]) -> list[WhatIf]:
    """The most useful first: answers a leader can act on (the rule base's `actionable`
    questions: how long the support lasts, what the person would prefer), then answers a
    leader may have judged wrongly or left blank, then the main need; career stage (a fact,
    not a judgement) comes last."""

    def key(w: WhatIf) -> tuple[int, int]:
        if w.field == "career_stage":
            group = 4
        elif w.field in rules.required:
            group = 3
        elif rules.questions[w.field].actionable:
            group = 0
        elif w.field in answers:
            group = 1
        else:
            group = 2
        return group, rules.question_order.index(w.field)

    return sorted(items, key=key)


PLAN_KEYS = {
    "coaching": ("coaching",),
    "mentoring": ("mentoring",),
    "both": ("both", "mentoring", "coaching"),
}


def plan_items(rules: RuleSet, recommendation: str, answers: Mapping[str, str]) -> dict[str, list[Any]]:
    """The rule base's plan items shown with a result, per plan (`both` shows its own, then
    mentoring's and coaching's): those whose `when` holds and whose `unless` does not."""
    out: dict[str, list[Any]] = {}
    for key in PLAN_KEYS.get(recommendation, ()):
        p = rules.model.plans.get(key)  # type: ignore[call-overload]
        if p is not None:
            out[key] = [i for i in p.items
                        if (i.when is None or condition_holds(i.when, dict(answers)))
                        and not condition_blocks(i.unless, dict(answers))]
    return out


class AdviceDocument(TypedDict, total=False):
    """Everything a leader acts on for one person, as JSON-shaped data: `advise --format json`
    writes it as it is (its keys are the contract's: docs/CONTRACT.md), and every renderer
    reads it. The parts that do not apply (`staff` without details given, `preference` without
    a stated one) are absent or null."""

    staff: dict[str, str]  # the person's details as given (name, department: never decided on)
    # the engine's assessment (engine.Assessment.to_dict)
    recommendation: Literal["coaching", "mentoring", "both", "other"]
    alternative: str | None
    scores: dict[str, float]
    confidence: float
    confidence_label: Literal["high", "moderate", "low"]
    borderline: bool
    decided_by: str
    runner_up: str | None
    coaching_type: str | None
    mentoring_type: str | None
    reasons: list[dict[str, Any]]  # text, source, quote, rule, weight
    contributions: list[dict[str, Any]]
    preference: dict[str, Any] | None  # stated, honoured, note
    warnings: list[dict[str, Any]]
    answers: dict[str, str]
    unanswered: list[str]
    ignored: list[str]
    rules_name: str
    rules_version: str
    rules_date: str
    rules_hash: str
    # what this module adds
    alternative_detail: dict[str, Any] | None  # for `other`: label, where to turn, the source
    what_if: list[dict[str, Any]]  # each single change of answer that changes the result
    what_if_text: list[str]  # the first few, as sentences about the person
    plan: dict[str, dict[str, Any]]  # option -> sessions, hours, items (heading, text, source)
    compared: list[dict[str, Any]]  # the options side by side


def build_advice(
    rules: RuleSet, answers: Mapping[str, str], info: Mapping[str, str] | None = None
) -> AdviceDocument:
    a: Assessment = assess_canonical(rules, answers)
    m = rules.model
    doc = AdviceDocument()
    if info:
        doc["staff"] = {k: info[k] for k in rules.info_fields if k in info}
    doc.update(cast(AdviceDocument, a.to_dict()))
    alternative = None
    if a.alternative is not None and a.alternative in m.alternatives:
        alt = m.alternatives[a.alternative]
        alternative = {"id": a.alternative, "label": alt.label, "where_to_turn": alt.where_to_turn}
        alternative.update(_cite(rules, alt.source))
        gate = next((g for g in m.gates if g.id == a.decided_by), None)
        if gate is not None:
            alternative["where_to_turn"] = gate.where_to_turn
    doc["alternative_detail"] = alternative

    changes = rank_what_if(rules, a.answers, what_if(rules, a.answers))
    doc["what_if"] = [w.to_dict() for w in changes]
    # In words, the few a leader can act on. "If there were a crisis, refer them" is true
    # but rarely useful, so readiness concerns are phrased only when one was raised.
    # Career stage is a fact about the person rather than a judgement, so it is left out too.
    useful = [
        w for w in changes
        if w.field != "career_stage"
        and (w.field != "readiness_concern" or a.answers.get("readiness_concern", "none") != "none")
    ]
    doc["what_if_text"] = [what_if_sentence(rules, w) for w in useful[:MAX_WHAT_IF_SHOWN]]

    if a.preference is not None:
        doc["preference"] = dict(a.preference, note=_preference_note(rules, a))

    plan: dict[str, Any] = {}
    for key, items in plan_items(rules, a.recommendation, a.answers).items():
        p = m.plans[key]  # type: ignore[index]
        plan[key] = {
            "sessions": p.sessions,
            "hours_per_session": p.hours_per_session,
            "items": [dict({"heading": i.heading, "text": i.text}, **_cite(rules, i.source))
                      for i in items],
        }
    doc["plan"] = plan

    order: list[str]
    if a.recommendation in ("coaching", "mentoring") and a.runner_up is not None:
        order = [a.recommendation, a.runner_up]
    else:
        order = sorted(("coaching", "mentoring"), key=lambda o: -a.scores[o])
    compared = []
    for key in order:
        opt = m.options.get(key)  # type: ignore[call-overload]
        if opt is None:
            continue
        entry = {
            "option": key,
            "label": opt.label,
            "score": a.scores[key],
            "summary": opt.summary,
            "offers": opt.offers,
            "downside": opt.downside,
            "for_this_person": [c.reason for c in a.contributions if _toward(c.points, key) > 0][:3],
            "against_for_this_person": [c.reason for c in a.contributions if _toward(c.points, key) < 0][:3],
        }
        entry.update(_cite(rules, opt.source))
        compared.append(entry)
    doc["compared"] = compared
    # Traceability last, so it is easy to find at the bottom of a JSON file.
    for k in ("rules_name", "rules_version", "rules_date", "rules_hash"):
        cast(dict[str, Any], doc)[k] = doc.pop(k)  # type: ignore[misc]  # a key of the four
    return doc


def _toward(points: Mapping[str, float], option: str) -> float:
    return points.get(option, 0.0)


def _preference_note(rules: RuleSet, a: Assessment) -> str:
    pref = a.preference or {}
    stated = pref.get("stated")
    leans = pref.get("leans_to")
    stated_label = choice_label(rules, "preference", stated).lower() if stated else ""
    if leans is None:
        return "They have no preference, so the recommendation rests on the need and their capability."
    if pref.get("honoured"):
        return f"They would prefer {stated_label}; the recommendation is in line with that preference."
    capacity = a.answers.get("reflective_capacity")
    because = (
        " because they can reach their own answers, and would not grow if leaders just fell back on mentoring"
        if leans == "mentoring" and capacity == "high"
        else " because the need and their situation weigh more than the preference"
    )
    rec = recommendation_phrase(rules, a.recommendation, a.alternative)
    return (
        f"This goes against their stated preference ({stated_label}): {rec} is recommended{because}. "
        "Explain why to them, and agree it together."
    )
