"""The rule base's `matching:` section, compiled once for the matcher: the preferences'
weights, the hard rules a school may adjust or switch off, the phases and the score bands.

Where the rule base has no `rules:` (an older or a minimal rule file), the contract's own rule
3 holds as it always has: a trainee's or early career teacher's mentor is `established` or
later and succession mentoring is by a `senior_leader`; the phase and trained-coach rules and
the own-school tier are then off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from coachmentor.match.people import STAGE

PREFERENCES = ("same_school", "same_phase", "same_subject", "trained", "stage_gap",
               "outside_line", "specialism", "load_spread")

_WORD = re.compile(r"[^\W_]+")
_SPLIT = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")


def tokens(text: str) -> str:
    """' ks 2 lead ' for 'KS2-Lead': case folded whole words, letters and digits apart, with a
    space at each end so that a phrase is found as whole words by `in`."""
    parts = _WORD.findall(_SPLIT.sub(" ", text.casefold()))
    return " " + " ".join(parts) + " "


@dataclass(frozen=True)
class Policy:
    matching: Any  # the rule base's Matching model: the words
    weights: dict[str, float]
    novice_min: int | None  # a novice's mentor's least stage; None: one stage ahead (rule off)
    novice_phase: bool  # a novice's mentor's phase fits theirs
    succession_min: int | None  # a succession mentor's least stage; None: rule off
    trained_stages: frozenset[int]  # coaching of these stages needs a trained coach
    trained_types: frozenset[str]  # ... and of these coaching types
    own_school: bool  # the own-school tier for novices' mentors
    phases: tuple[str, ...]  # phase ids; a phase's code is its index
    labels: tuple[str, ...]
    fits: np.ndarray  # fits[a, b]: phases a and b fit (equal, or one spans the other)
    phrases: tuple[tuple[str, int], ...]  # (' key stage 2 ', code), longest first
    good: float
    fair: float
    blanks: frozenset[str]  # tokens() of the cells that say nothing
    _memo: dict[tuple[Any, ...], Any] = field(default_factory=dict, compare=False, repr=False)

    def not_given(self, text: str) -> bool:
        """Does this cell say nothing ('N/A', 'TBC', '-')? A blank cell says nothing too."""
        got = self._memo.get(("n", text))
        if got is None:
            key = tokens(text).strip()
            got = self._memo[("n", text)] = not key or key in self.blanks
        return bool(got)

    # --- phases ---------------------------------------------------------------------------

    def phase_in(self, text: str) -> int:
        """The phase one cell says (-1: none, or several that do not fit one into another)."""
        got = self._memo.get(("p", text))
        if got is None:
            got = self._memo[("p", text)] = self._phase_in(text)
        return int(got)

    def _phase_in(self, text: str) -> int:
        if not text.strip():
            return -1
        toks = tokens(text)
        found = {code for phrase, code in self.phrases if phrase in toks}
        if len(found) == 1:
            return found.pop()
        for code in sorted(found):  # several: the one spanning all the others, if any
            if all(self._spans(code, other) for other in found):
                return code
        return -1

    def _spans(self, a: int, b: int) -> bool:
        return a == b or self.phases[b] in self.matching.phases[self.phases[a]].spans

    def phase_of(self, *cells: str) -> int:
        """The phase from the first cell that says one (a phase column, the subject, the school)."""
        for text in cells:
            code = self.phase_in(text)
            if code >= 0:
                return code
        return -1

    def phase_label(self, code: int) -> str:
        return self.labels[code] if code >= 0 else ""

    # --- rules ----------------------------------------------------------------------------

    def needs_trained(self, stage: int | None, kind_type: str) -> bool:
        """Does coaching this person (stage, coaching type) need a trained coach?"""
        return (stage is not None and stage in self.trained_stages) or \
            (bool(kind_type) and kind_type in self.trained_types)

    def band(self, score: float) -> str:
        return "good" if score >= self.good - 1e-9 else "fair" if score >= self.fair - 1e-9 \
            else "weak"

    def band_words(self, score: float) -> str:
        b = self.matching.bands
        name = self.band(score)
        words: str = b.weak if name == "weak" else getattr(b, name).words
        return words

    def flag_band(self, score: float) -> bool:
        below = self.matching.bands.flag_below
        order = {"weak": 0, "fair": 1, "good": 2}
        return below != "none" and order[self.band(score)] < order[below]


def compile_policy(matching: Any) -> Policy:
    rules = matching.rules
    phases = tuple(matching.phases)
    code = {pid: i for i, pid in enumerate(phases)}
    fits = np.eye(len(phases), dtype=bool)
    for pid, phase in matching.phases.items():
        for other in phase.spans:
            fits[code[pid], code[other]] = fits[code[other], code[pid]] = True
    phrases = []
    for pid, phase in matching.phases.items():
        for word in {pid, phase.label, *phase.words}:
            phrase = tokens(word)
            if phrase.strip():
                phrases.append((phrase, code[pid]))
    phrases.sort(key=lambda t: (-len(t[0]), t[0]))
    novice_min: int | None = STAGE["established"]
    succession_min: int | None = STAGE["senior_leader"]
    novice_phase, trained_stages, trained_types = False, frozenset[int](), frozenset[str]()
    if rules is not None:
        novice_min = STAGE[rules.novice_mentor_stage.at_least] if rules.novice_mentor_stage.on \
            else None
        succession_min = STAGE[rules.succession_mentor.at_least] if rules.succession_mentor.on \
            else None
        novice_phase = rules.novice_same_phase.on
        if rules.trained_coach.on:
            trained_stages = frozenset(STAGE[s] for s in rules.trained_coach.stages)
            trained_types = frozenset(rules.trained_coach.types)
    weights = {name: float(getattr(matching, name).weight) for name in PREFERENCES}
    own = matching.own_school is not None and matching.own_school.on
    return Policy(matching=matching, weights=weights, novice_min=novice_min,
                  novice_phase=novice_phase, succession_min=succession_min,
                  trained_stages=trained_stages, trained_types=trained_types, own_school=own,
                  phases=phases, labels=tuple(p.label for p in matching.phases.values()),
                  fits=fits, phrases=tuple(phrases), good=matching.bands.good.at_least,
                  fair=matching.bands.fair.at_least,
                  blanks=frozenset(tokens(t).strip() for t in matching.not_given))
