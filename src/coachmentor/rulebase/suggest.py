"""'Did you mean ...?': the nearest accepted value to something that was not accepted.

No I/O: the questionnaire, `--set`, answers files and the batch reader's cells and headers all
suggest the same way. Texts are compared after `normalise.fold` (case, spaces, hyphens and
underscores ignored), with `difflib.get_close_matches`; a suggestion is made only when one
candidate is clearly close, never for a text too short to tell (`Y` is not a misspelling of
anything), never across different numbers ('9 months' is not a misspelt '6 months') and never
across a negation ('Unqualified teacher' is not a misspelt 'Qualified teacher').

A rule set's candidates are folded once and kept beside it (weakly), as the batch reader may
ask about many cells.
"""

from __future__ import annotations

import difflib
import re
import weakref
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from coachmentor.rulebase.normalise import fold, words

CUTOFF = 0.75  # difflib's similarity ratio (0..1) a candidate must reach
# A column header whose name is near a field's is not used, and renaming it on our word puts
# that column's data into the field: only a clear misspelling is worth a hint ('time_frme',
# 'Carreer stage'), not a header that merely shares a word with an alias ('Key stage').
HEADER_CUTOFF = 0.85
MIN_LENGTH = 3  # folded texts shorter than this get no suggestion
_DIGITS = re.compile(r"[0-9]+")
_NOT_WORDS = frozenset({"not", "non", "no"})
_NOT_PREFIXES = ("non", "un", "in", "dis")


class Nearest:
    """`nearest` over one set of candidates, folded once (see `nearest`)."""

    def __init__(self, candidates: Iterable[str] | Mapping[str, str], *,
                 cutoff: float = CUTOFF) -> None:
        pairs = candidates.items() if isinstance(candidates, Mapping) else ((c, c) for c in candidates)
        self.cutoff = cutoff
        self.meant: dict[str, str] = {}  # folded candidate -> what to suggest for it
        self.words: dict[str, list[str]] = {}  # folded candidate -> its words
        self.pools: dict[tuple[str, ...], list[str]] = {}  # its numbers -> folded candidates
        for said, meant in pairs:
            if not (isinstance(said, str) and isinstance(meant, str)):
                continue
            key = fold(said)
            if key in self.meant:
                continue
            self.meant[key] = meant
            self.words[key] = words(said).split()
            if len(key) >= MIN_LENGTH:
                self.pools.setdefault(tuple(_DIGITS.findall(key)), []).append(key)

    def __call__(self, text: Any) -> str | None:
        if not isinstance(text, str):
            return None
        key = fold(text)
        if len(key) < MIN_LENGTH:
            return None
        if key in self.meant:
            return self.meant[key]
        # Numbers carry meaning, not spelling: '9 months' is not a misspelt '6 months'.
        pool = self.pools.get(tuple(_DIGITS.findall(key)), [])
        said = words(text).split()
        for best in difflib.get_close_matches(key, pool, n=3, cutoff=self.cutoff):
            if _negated(said, self.words[best]) == _negated(self.words[best], said):
                return self.meant[best]
        return None


def _negated(these: list[str], other: list[str]) -> bool:
    """Whether `these` words say 'not' where `other` may not: a 'not', 'non' or 'no', or a word
    that is one of `other`'s with 'un', 'in', 'non' or 'dis' before it."""
    theirs = set(other)
    return any(
        w in _NOT_WORDS or any(w.startswith(p) and len(w) - len(p) >= 3 and w[len(p):] in theirs
                               for p in _NOT_PREFIXES)
        for w in these
    )


def nearest(
    candidates: Iterable[str] | Mapping[str, str], text: str, *, cutoff: float = CUTOFF
) -> str | None:
    """The candidate nearest to `text`, or None when none is close enough.

    `candidates` is an iterable of accepted texts (header ids and aliases, say), or a mapping
    from an accepted text (a synonym, a label) to what to suggest for it (its canonical
    value): `nearest({"Senior Leader": "senior_leader"}, "senoir leader")` is
    `'senior_leader'`. An exact match (after folding) is returned as it is.
    """
    return Nearest(candidates, cutoff=cutoff)(text)


# `rules` below is a RuleSet; it is not imported here, as the rule set calls this module.
_KEPT: weakref.WeakKeyDictionary[Any, dict[tuple[Any, ...], Nearest]] = weakref.WeakKeyDictionary()


def _kept(rules: Any, key: tuple[Any, ...], build: Callable[[], Nearest]) -> Nearest:
    try:
        mine = _KEPT.setdefault(rules, {})
    except TypeError:  # not weakly referable: build each time
        return build()
    found = mine.get(key)
    if found is None:
        found = mine[key] = build()
    return found


def value_words(rules: Any, fid: str) -> dict[str, str]:
    """What a question accepts, as text -> canonical value: values, labels (and the part of a
    label before its brackets), synonyms and prefixes."""
    words_: dict[str, str] = {}
    for c in rules.questions[fid].choices:
        words_.setdefault(c.value, c.value)
        words_.setdefault(c.label, c.value)
        words_.setdefault(c.label.split(" (")[0], c.value)
        for word in [*c.synonyms, *getattr(c, "prefixes", ())]:
            words_.setdefault(word, c.value)
    return words_


def nearest_value(rules: Any, fid: str, text: str) -> str | None:
    """The canonical value of question `fid` nearest to `text` (None when nothing is close):
    near a value, label or synonym, or beginning with a misspelt prefix ('Hed of Maths')."""
    found = _kept(rules, ("value", fid), lambda: Nearest(value_words(rules, fid)))(text)
    if found is None and isinstance(text, str):
        found = _nearest_prefix(getattr(rules, "value_prefixes", {}).get(fid, ()), text)
    return found


def _nearest_prefix(prefixes: Iterable[tuple[str, str]], text: str) -> str | None:
    """The value of the prefix (as `normalise.words`, with its value) that `text` begins with
    but for a misspelt word, with more words after it, as `RuleSet.match_value` wants:
    'Hed of Maths' (Head of), not 'Head Office Manager' (each word compared on its own)."""
    said = words(text).split()
    best, value = 0.0, None
    for prefix, meant in prefixes:
        want = prefix.split()
        if len(said) <= len(want) or said[:len(want)] == want:
            continue
        total = 0.0
        for a, b in zip(said, want):
            if a != b and (_DIGITS.search(a) or 2 * min(len(a), len(b)) < CUTOFF * (len(a) + len(b))):
                break  # a number, or too different in length for difflib's ratio to reach CUTOFF
            ratio = 1.0 if a == b else difflib.SequenceMatcher(None, a, b).ratio()
            if ratio < CUTOFF:
                break
            total += ratio
        else:
            if total / len(want) > best:
                best, value = total / len(want), meant
    return value


def field_words(rules: Any) -> dict[str, str]:
    """Every field id and header alias -> the field id."""
    words_: dict[str, str] = {}
    items: list[Any] = [*rules.model.fields, *rules.model.questions]
    for item in items:
        words_.setdefault(item.id, item.id)
        for alias in item.aliases:
            words_.setdefault(alias, item.id)
    return words_


def nearest_field(rules: Any, text: str, *, cutoff: float = CUTOFF) -> str | None:
    """The field id (question or info field) nearest to a key or header, or None. A column
    header asks with `cutoff=HEADER_CUTOFF`."""
    return _kept(rules, ("field", cutoff), lambda: Nearest(field_words(rules), cutoff=cutoff))(text)


def did_you_mean(suggestion: str | None) -> str:
    """"; did you mean 'x'?" to follow a message, or ''."""
    return f"; did you mean '{suggestion}'?" if suggestion else ""


__all__ = ["CUTOFF", "HEADER_CUTOFF", "Nearest", "did_you_mean", "field_words", "nearest",
           "nearest_field", "nearest_value", "value_words"]
