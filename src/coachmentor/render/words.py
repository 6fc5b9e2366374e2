"""The words people read in a batch summary: the questionnaire's labels for the ids (career
stages, recommendations, alternatives) and the user's own column headers, from the rule base
when it is at hand, else the ids in plain words. Machine outputs keep the ids."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from coachmentor.batch.summary import NO_DEPARTMENT, OTHER_DEPARTMENTS, UNKNOWN_STAGE

# The words when the rule base is not at hand (a summary from a rule base other than the
# shipped one, rendered without it); a rule base's own headlines win.
HEADLINES = {
    "coaching": "Coaching",
    "mentoring": "Mentoring",
    "both": "Both mentoring and coaching",
    "other": "Another kind of support first",
}
NOT_ASSESSED = "Could not be assessed"
GROUP_WORDS = {
    UNKNOWN_STAGE: "Missing or not recognised",
    NO_DEPARTMENT: "No department given",
    OTHER_DEPARTMENTS: "Other departments (beyond the first 500)",
}


# --- the words people read -----------------------------------------------------------------


@dataclass(frozen=True)
class Wording:
    """Labels for the ids in a summary: from the rule base when known, else the id in words."""

    recommendations: dict[str, str]
    stages: dict[str, str]
    alternatives: dict[str, str]
    where_to_turn: dict[str, str]
    columns: dict[str, str]  # field id -> the header in the user's file
    fields: frozenset[str] = frozenset()  # the rule base's question ids

    def rec(self, key: str) -> str:
        if key == "errors":
            return NOT_ASSESSED
        return self.recommendations.get(key) or HEADLINES.get(key) or _in_words(key)

    def stage(self, key: str) -> str:
        """The questionnaire's label, in full (tables)."""
        return GROUP_WORDS.get(key) or self.stages.get(key) or _in_words(key)

    def stage_short(self, key: str) -> str:
        """For charts and one-line summaries: the part before ' (' — 'Early career teacher'."""
        return short_label(self.stage(key))

    def alternative(self, key: str) -> str:
        return self.alternatives.get(key) or _in_words(key)

    def group(self, name: str) -> str:
        """A department as the user wrote it, or a placeholder group in words."""
        return GROUP_WORDS.get(name, name)

    def header(self, field: str, default: str) -> str:
        """The user's own column header for a field, else `default`."""
        return self.columns.get(field) or default


def wording(summary: Mapping[str, Any], rules: Any = None) -> Wording:
    """The words for `summary`: from `rules` if given, else from the shipped rule base when
    the summary was made with it (same fingerprint), else the ids in plain words."""
    if rules is None:
        rules = _shipped_rules(str((summary.get("rules") or {}).get("hash") or ""))
    recs: dict[str, str] = {}
    stages: dict[str, str] = {}
    alts: dict[str, str] = {}
    where: dict[str, str] = {}
    if rules is not None:
        recs = {k: v for k, v in dict(rules.model.texts.headlines).items() if v}
        question = rules.questions.get("career_stage")
        if question is not None:
            stages = {c.value: c.label for c in question.choices}
        alts = {k: a.label for k, a in rules.model.alternatives.items()}
        where = {k: a.where_to_turn for k, a in rules.model.alternatives.items()}
    columns = {k: v.strip() for k, v in (summary.get("columns") or {}).items()
               if isinstance(v, str) and v.strip()}
    fields = frozenset(rules.questions) if rules is not None else frozenset()
    return Wording(recs, stages, alts, where, columns, fields)


@lru_cache(maxsize=4)
def _shipped_rules(digest: str) -> Any:
    if not digest:
        return None
    try:
        from coachmentor.rulebase.loader import load_rules

        shipped = load_rules()
    except Exception:  # a report never fails for want of labels
        return None
    return shipped if shipped.hash == digest else None


def short_label(label: str) -> str:
    """The part before ' (': 'Early career teacher (ECT, NQT, RQT)' -> 'Early career
    teacher'. Whole words only: never cut mid-word, never an ellipsis."""
    head = label.split(" (", 1)[0].strip()
    return head or label.strip()


def _in_words(key: str) -> str:
    text = str(key).replace("_", " ").strip()
    return text[:1].upper() + text[1:]
