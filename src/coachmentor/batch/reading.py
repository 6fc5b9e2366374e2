"""How each cell of an answer column is read, and what is said about it.

In this order: a blank cell is not answered; the leader's values file (`--values`) says what
a value means; then the rule base reads it (`RuleSet.reading`: a choice, a word for 'no
answer', a word that does not settle it, people the sources do not cover); then, with
`--accept-suggestions`, the nearest choice to a value it does not read. What is left is not
read: in a required column the row cannot be assessed, in an optional one it is read as not
answered, with a warning.

Everything that is not read plainly is a `Problem`: one per (question, value, what was done),
made once and shared by every cell that holds that value, so that the summary, the report and
the screen can group them ('26 rows: N/A in Induction Sign Off'). How a value may be shown
follows one rule (`Shown`): a choice-like value of a few words is quoted; free text only by
its length and first letters (unless --show-values); under --redact, no value at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from coachmentor.files.messages import shown as printable_shown
from coachmentor.rulebase.normalise import fold
from coachmentor.rulebase.ruleset import AMBIGUOUS, NOT_COVERED, READ, UNREAD, RuleSet
from coachmentor.rulebase.suggest import nearest_value

# Problem kinds. The first three make the row an error row; the others are warnings on a
# row that is assessed.
NOT_READ = "not_read"  # a required answer the rule base does not read
EMPTY = "empty"  # a required answer left blank (or a word for no answer)
OUTSIDE = "not_covered"  # people the sources do not cover (a required answer)
AMBIGUOUS_READ = "ambiguous"  # read as a choice from a word that does not settle it
READ_AS_BLANK = "read_as_blank"  # an optional answer not read: read as not answered
SUGGESTED = "suggestion_accepted"  # read as its suggestion (--accept-suggestions)
ERROR_KINDS = frozenset({NOT_READ, EMPTY, OUTSIDE})

# A value of at most this many words and characters that shares a word with its question's
# vocabulary is choice-like: a spelling of an answer still to be learnt ('Behaviour Mgmt',
# 'conflict with colleague'). Anything else is free text (a note, a sentence, a name typed in
# the wrong column), shown where people read it only by its first letters and length.
CHOICE_WORDS = 4
CHOICE_CHARS = 32
FIRST_LETTERS = 3
_WORD = re.compile(r"[^\W_]+")
_COMMON = frozenset({"the", "and", "for", "not", "with", "from", "into", "their", "them", "they",
                     "has", "have", "been", "who", "one", "more", "than", "e.g", "etc", "all"})
HINTS_MAX = 1000  # distinct unread values per column given a 'did you mean'


@dataclass(frozen=True)
class Shown:
    """How values may appear where people read them (summaries, reports, the screen): a
    choice-like value quoted; free text by its first letters and length (in full with
    --show-values); under --redact, no value at all."""

    show_values: bool = False  # --show-values: free text in full too
    redact: bool = False  # --redact: no value at all

    def __call__(self, text: str, choice_like: bool) -> str:
        text = text.strip()
        if self.redact:
            return "the value"
        if self.show_values or choice_like:
            return f"'{printable_shown(text)}'"
        first = printable_shown(text[:FIRST_LETTERS], FIRST_LETTERS).rstrip()
        return f"'{first}...' ({len(text)} characters)"

    def in_cell(self, text: str) -> str:
        """In the row's own error or warning cell, beside the value itself: quoted (cut to 40
        characters), unless --redact."""
        return "the value" if self.redact else f"'{printable_shown(text.strip())}'"


def vocabulary(rules: RuleSet, fid: str) -> frozenset[str]:
    """The words of a question's answers (values, labels, synonyms, prefixes, suffixes, the
    words it reads with a note) and the words for no answer, folded: a few words sharing one
    of these is choice-like."""
    q = rules.questions[fid]
    texts: list[str] = [*rules.model.no_answer]
    for c in q.choices:
        texts += [c.value.replace("_", " "), c.label, *c.synonyms, *c.prefixes, *c.suffixes]
    for words_ in [*(g.words for g in q.ambiguous), *(g.words for g in q.not_covered)]:
        texts += words_
    # A word of three letters or more, or an acronym ('TA', 'M3'): never 'of', 'to', 'in'.
    return frozenset(w.casefold() for t in texts for w in _WORD.findall(t)
                     if len(w) >= 3 and w.casefold() not in _COMMON
                     or len(w) == 2 and not w.islower())


def is_choice_like(text: str, vocabulary: frozenset[str]) -> bool:
    words = [w.casefold() for w in _WORD.findall(text)]
    return (len(text) <= CHOICE_CHARS and len(text.split()) <= CHOICE_WORDS
            and any(w in vocabulary for w in words))


@dataclass(frozen=True)
class Problem:
    """One value of one question that was not read plainly, and what was done with it."""

    fid: str
    column: str  # its column as messages name it: "'Development Need'", "column 7 (no header)"
    kind: str
    key: str  # the value folded ('' for a blank cell)
    shown: str  # the value as it may be shown where people read it (Shown), '' for a blank cell
    in_cell: str  # the value as the row's own cell quotes it (Shown.in_cell)
    value: str = ""  # what it was read as ('' for not answered)
    suggestion: str = ""  # the nearest choice, if one is close
    note: str = ""  # the rule base's note (ambiguous, not covered)
    no_answer: bool = False  # EMPTY: the cell held a word for no answer, not nothing

    @property
    def error(self) -> bool:
        return self.kind in ERROR_KINDS

    @property
    def header(self) -> str:
        """The column's name without quotes, for a summary's lines."""
        c = self.column
        return c[1:-1] if len(c) > 1 and c[0] == c[-1] == "'" else c

    def message(self, shared: bool = False, brief: bool = False) -> str:
        """An error's text (`error`), else a warning's: for the row's own cell, or (`shared`)
        for where people read it, with the value as Shown; `brief`: the rule base's note cut
        to its first clause (a table, row after row: the summary has it whole)."""
        where = f"column {self.column}"
        value = self.shown if shared else self.in_cell
        said = f"{value} in {where}" if value else where
        if brief and self.note and "; " in self.note:
            note = self.note.split("; ")[0] + " (see the summary)"
            return replace(self, note=note).message(shared)
        hint = f"; did you mean '{self.suggestion}'?" if self.suggestion else ""
        if self.kind == NOT_READ:
            return (f"{self.fid}: {said} is not an accepted value{hint} (the accepted values are "
                    "listed in the summary and by `coachmentor values`)")
        if self.kind == EMPTY:
            if self.no_answer:
                return f"{self.fid}: {said} means no answer; a recommendation needs it"
            return f"{self.fid}: {where} is empty; a recommendation needs it"
        if self.kind == OUTSIDE:
            return f"{self.fid}: {said}: {self.note}"
        if self.kind == AMBIGUOUS_READ:
            return f"{self.fid}: {said} read as {self.value}: {self.note}"
        if self.kind == SUGGESTED:
            return (f"{self.fid}: {said} read as {self.value}, its suggestion (accepted with "
                    "--accept-suggestions)")
        if self.note:  # not covered, in an optional column
            return f"{self.fid}: {said} read as not answered: {self.note}"
        return f"{self.fid}: {said} is not an accepted value{hint}, so it was read as not answered"


@dataclass(frozen=True)
class Reading:
    """How one cell was read: its canonical value ('' not answered), the problem if any, and
    whether the values file said so (a recoded cell)."""

    value: str
    problem: Problem | None = None
    recoded: bool = False


PLAIN_BLANK = Reading("")


class CellReader:
    """Reads the cells of one file's answer columns (`columns`: column index -> (question,
    its name in messages)). `values`: the leader's (question, folded value) -> use ('' for
    not answered). One per run: the problems it makes are shared by every cell alike."""

    def __init__(self, rules: RuleSet, *, values: Mapping[tuple[str, str], str] | None = None,
                 accept_suggestions: bool = False, shown: Shown = Shown()) -> None:
        self.rules = rules
        self.values = dict(values or {})
        self.accept = accept_suggestions
        self.shown = shown
        self.required = frozenset(rules.required)
        self._problems: dict[tuple[Any, ...], Problem] = {}
        self._plain: dict[tuple[str, bool], Reading] = {}
        self._hints: dict[str, int] = {}
        self._vocabulary: dict[str, frozenset[str]] = {}

    def read(self, fid: str, column: str, cell: str) -> Reading:
        text = cell.strip()
        required = fid in self.required
        if not text:
            return self._problem(fid, column, EMPTY, "", "") if required else PLAIN_BLANK
        key = fold(text)
        mapped = self.values.get((fid, key))
        if mapped is not None:
            if not mapped and required:
                return self._problem(fid, column, EMPTY, key, text, no_answer=True)
            return self._plain_reading(mapped, recoded=True)
        kind, value, note = self.rules.reading(fid, text)
        if kind == READ:
            return self._plain_reading(value)
        if kind == AMBIGUOUS:
            return self._problem(fid, column, AMBIGUOUS_READ, key, text, value=value, note=note or "")
        if kind == NOT_COVERED:
            return self._problem(fid, column, OUTSIDE if required else READ_AS_BLANK, key, text,
                                 note=note or "")
        if kind != UNREAD:  # BLANK or NO_ANSWER
            return self._problem(fid, column, EMPTY, key, text, no_answer=True) if required \
                else PLAIN_BLANK
        suggestion = self.suggest(fid, text)
        if suggestion and self.accept:
            return self._problem(fid, column, SUGGESTED, key, text, value=suggestion)
        return self._problem(fid, column, NOT_READ if required else READ_AS_BLANK, key, text,
                             suggestion=suggestion)

    def suggest(self, fid: str, text: str) -> str:
        """The nearest choice to an unread value, or ''. Bounded per question: a column with
        ever more distinct unread values holds free text, not misspellings."""
        seen = self._hints.get(fid, 0)
        if seen >= HINTS_MAX:
            return ""
        self._hints[fid] = seen + 1
        return nearest_value(self.rules, fid, text) or ""

    def _plain_reading(self, value: str, recoded: bool = False) -> Reading:
        hit = self._plain.get((value, recoded))
        if hit is None:
            hit = self._plain[value, recoded] = Reading(value, None, recoded)
        return hit

    def _problem(self, fid: str, column: str, kind: str, key: str, text: str, *, value: str = "",
                 suggestion: str = "", note: str = "", no_answer: bool = False) -> Reading:
        ident = (fid, kind, key, value)
        problem = self._problems.get(ident)
        if problem is None:
            vocabulary_ = self._vocabulary.get(fid)
            if vocabulary_ is None:
                vocabulary_ = self._vocabulary[fid] = vocabulary(self.rules, fid)
            if text:
                shared = self.shown(text, bool(suggestion) or is_choice_like(text, vocabulary_))
                in_cell = self.shown.in_cell(text)
            else:
                shared = in_cell = ""
            problem = Problem(fid, column, kind, key, shared, in_cell, value, suggestion, note,
                              no_answer)
            if len(self._problems) < 1 << 16:
                self._problems[ident] = problem
        return Reading(value, problem)


def accepted_values(rules: RuleSet, fid: str) -> list[dict[str, str]]:
    """What to type for a question, once: each value with its label."""
    return [{"value": c.value, "label": c.label} for c in rules.questions[fid].choices]


class AnswerReader:
    """For readers of one row at a time (`match`'s staff list): `read(question, text, row)`
    -> (value, or '' for not answered; the Problem or None), reading as `assess` does, and
    the rows of each problem kept for the summary (`groups`)."""

    def __init__(self, rules: RuleSet, values: Mapping[tuple[str, str], str] | None = None,
                 accept_suggestions: bool = False, redact: bool = False) -> None:
        self.rules = rules
        self.reader = CellReader(rules, values=values, accept_suggestions=accept_suggestions,
                                 shown=Shown(redact=redact))
        # a problem -> [rows with it, the first rows (row, staff id or None)]
        self.problems: dict[Problem, list[Any]] = {}
        self.recoded = 0

    def __call__(self, fid: str, text: str, row: int = 0) -> tuple[str, Problem | None]:
        r = self.reader.read(fid, fid, text)
        self.recoded += r.recoded
        if r.problem is not None:
            group = self.problems.setdefault(r.problem, [0, []])
            group[0] += 1
            if len(group[1]) < 20:
                group[1].append((row, None))
        return r.value, r.problem


def read_answers(rules: RuleSet, values: Mapping[tuple[str, str], str] | None = None,
                 accept_suggestions: bool = False, redact: bool = False) -> AnswerReader:
    return AnswerReader(rules, values, accept_suggestions, redact)


__all__ = ["AMBIGUOUS_READ", "AnswerReader", "CellReader", "EMPTY", "ERROR_KINDS", "NOT_READ", "OUTSIDE",
           "Problem", "READ_AS_BLANK", "Reading", "SUGGESTED",
           "Shown", "accepted_values", "is_choice_like", "read_answers"]
