"""'Did you mean ...?': the nearest accepted value to something that was not accepted.

Pure functions, no I/O: the questionnaire, `--set`, answers files and (through `nearest`)
the batch reader's cells and headers all suggest the same way. Texts are compared after
`normalise.fold` (case, spaces, hyphens and underscores ignored), with
`difflib.get_close_matches`; a suggestion is made only when one candidate is clearly close,
never for a text too short to tell (`Y` is not a misspelling of anything).
"""

from __future__ import annotations

import difflib
import re
from typing import Any, Iterable, Mapping

from coachmentor.rulebase.normalise import fold

CUTOFF = 0.75  # difflib's similarity ratio (0..1) a candidate must reach
MIN_LENGTH = 3  # folded texts shorter than this get no suggestion
_DIGITS = re.compile(r"[0-9]+")


def nearest(
    candidates: Iterable[str] | Mapping[str, str], text: str, *, cutoff: float = CUTOFF
) -> str | None:
    """The candidate nearest to `text`, or None when none is close enough.

    `candidates` is an iterable of accepted texts (header ids and aliases, say), or a mapping
    from an accepted text (a synonym, a label) to what to suggest for it (its canonical
    value): `nearest({"Senior Leader": "senior_leader"}, "senoir leader")` is
    `'senior_leader'`. An exact match (after folding) is returned as it is.
    """
    if not isinstance(text, str):
        return None
    key = fold(text)
    if len(key) < MIN_LENGTH:
        return None
    pairs = candidates.items() if isinstance(candidates, Mapping) else ((c, c) for c in candidates)
    folded: dict[str, str] = {}
    for said, meant in pairs:
        if isinstance(said, str) and isinstance(meant, str):
            folded.setdefault(fold(said), meant)
    if key in folded:
        return folded[key]
    # Numbers carry meaning, not spelling: '9 months' is not a misspelt '6 months'.
    digits = _DIGITS.findall(key)
    pool = [f for f in folded if len(f) >= MIN_LENGTH and _DIGITS.findall(f) == digits]
    best = difflib.get_close_matches(key, pool, n=1, cutoff=cutoff)
    return folded[best[0]] if best else None


# `rules` below is a RuleSet; it is not imported here, as the rule set calls this module.
def value_words(rules: Any, fid: str) -> dict[str, str]:
    """What a question accepts, as text -> canonical value: values, labels (and the part of a
    label before its brackets), synonyms and prefixes."""
    words: dict[str, str] = {}
    for c in rules.questions[fid].choices:
        words.setdefault(c.value, c.value)
        words.setdefault(c.label, c.value)
        words.setdefault(c.label.split(" (")[0], c.value)
        for word in [*c.synonyms, *getattr(c, "prefixes", ())]:
            words.setdefault(word, c.value)
    return words


def nearest_value(rules: Any, fid: str, text: str) -> str | None:
    """The canonical value of question `fid` nearest to `text` (None when nothing is close)."""
    return nearest(value_words(rules, fid), text)


def field_words(rules: Any) -> dict[str, str]:
    """Every field id and header alias -> the field id."""
    words: dict[str, str] = {}
    items: list[Any] = [*rules.model.fields, *rules.model.questions]
    for item in items:
        words.setdefault(item.id, item.id)
        for alias in item.aliases:
            words.setdefault(alias, item.id)
    return words


def nearest_field(rules: Any, text: str) -> str | None:
    """The field id (question or info field) nearest to a key or header, or None."""
    return nearest(field_words(rules), text)


def did_you_mean(suggestion: str | None) -> str:
    """"; did you mean 'x'?" to follow a message, or ''."""
    return f"; did you mean '{suggestion}'?" if suggestion else ""


__all__ = ["did_you_mean", "field_words", "nearest", "nearest_field", "nearest_value", "value_words"]
