"""Which column holds a required question the headers do not name: guessed from its values.

When no header names a required question (not its id, an alias, nor the leader's `--column` or
values file), the column whose values read best as that question's answers is proposed — a
proposal only: `assess` stops with one message that names it, says how many of its values read
and gives the option that accepts it (`--column focus="Area for development"`), and `values`
writes it as the suggestion of that question's column line. A guess is never used silently.

Values are read as `assess` reads them (batch.reading: synonyms, job titles, no-answer words
left out of the count); a column whose header the rule base says is near the question but not
it (`related_headers`: a job title is not a career stage) is never proposed.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from coachmentor.batch.columns import bare
from coachmentor.files.messages import shown
from coachmentor.rulebase.normalise import fold
from coachmentor.rulebase.ruleset import AMBIGUOUS, BLANK, NO_ANSWER, READ, RuleSet

GUESS_ROWS = 5000  # rows looked at
DISTINCT_MAX = 500  # distinct values kept per column
MIN_READ = 2  # distinct values that must read as answers ...
MIN_SHARE = 0.5  # ... and the share of its distinct values they must be


@dataclass(frozen=True)
class Guess:
    fid: str
    index: int  # the column
    header: str
    read: int  # distinct values read as the question's answers
    distinct: int  # distinct values (words for no answer aside)

    def why(self) -> str:
        """'13 of its 20 distinct values read as focus answers'."""
        return (f"{self.read} of its {self.distinct} distinct value"
                f"{'s' if self.distinct != 1 else ''} read as {self.fid} answers")

    def option(self) -> str:
        """The option that accepts it, to copy."""
        header = self.header.replace('"', '\\"')
        return f'--column {self.fid}="{header}"'


class HeaderMap(Protocol):
    """A table's header and the columns already read for a question (batch.columns.Columns,
    or match's own map of its staff file)."""

    @property
    def header(self) -> list[str]: ...

    @property
    def fields(self) -> Mapping[str, int]: ...


def column_values(cols: HeaderMap, rows: Iterable[list[str]], indexes: list[int]) -> dict[int, set[str]]:
    """The distinct non-blank values of these columns in the first GUESS_ROWS rows (a row
    the reader refuses ends the look: what was seen is enough to propose)."""
    seen: dict[int, set[str]] = {i: set() for i in indexes}
    try:
        for n, row in enumerate(rows):
            if n >= GUESS_ROWS:
                break
            for i in indexes:
                cell = row[i].strip() if i < len(row) else ""
                if cell and len(seen[i]) < DISTINCT_MAX:
                    seen[i].add(cell)
    except (csv.Error, UnicodeDecodeError):
        pass
    return seen


def guess_columns(rules: RuleSet, cols: HeaderMap, rows: Iterable[list[str]],
                  fids: list[str]) -> dict[str, Guess]:
    """The column proposed for each of `fids` (questions no column holds), where one reads
    well enough: each column proposed for one question at most, the best first."""
    taken = set(cols.fields.values())
    candidates = [i for i in range(len(cols.header)) if i not in taken]
    values = column_values(cols, rows, candidates)
    scored: list[tuple[float, int, str, Guess]] = []
    for fid in fids:
        related = {fold(h) for h in getattr(rules.questions.get(fid), "related_headers", [])}
        for i in candidates:
            header = cols.header[i].strip()
            if header and fold(bare(header) or header) in related:
                continue
            kinds = [rules.reading(fid, v)[0] for v in values[i]]
            counted = [k for k in kinds if k not in (NO_ANSWER, BLANK)]
            read = sum(k in (READ, AMBIGUOUS) for k in counted)
            if read >= MIN_READ and read >= MIN_SHARE * len(counted):
                guess = Guess(fid, i, header, read, len(counted))
                scored.append((read / len(counted), read, fid, guess))
    out: dict[str, Guess] = {}
    used: set[int] = set()
    for _, _, fid, guess in sorted(scored, key=lambda s: (-s[0], -s[1], s[2], s[3].index)):
        if fid not in out and guess.index not in used:
            out[fid] = guess
            used.add(guess.index)
    return out


def proposal(guesses: dict[str, Guess], values_hint: str = "") -> str:
    """What to say after 'missing required column': the proposed columns, why, and how to
    accept them."""
    parts = []
    for fid, g in guesses.items():
        name = f"'{shown(g.header)}'" if g.header else f"column {g.index + 1} (no header)"
        parts.append(f"column {name} looks like {fid}: {g.why()}; to read it, run again with "
                     f"{g.option()}{values_hint}")
    return "; ".join(parts)


def with_guesses(exc: Any, rules: RuleSet, rows: Any, source: str = "STAFF") -> str:
    """A missing-column message (columns.MissingColumns) with what the rows propose for each
    missing question, instead of what its headers say where the rows propose one."""
    guesses = guess_columns(rules, exc.cols, rows, exc.missing)
    if not guesses:
        return str(exc.message)
    import shlex

    staff = "-" if source == "<stdin>" else shlex.quote(shown(source, 200))
    hint = (f", or write it once in a values file (coachmentor values {staff} -o values.csv "
            "proposes it: fill its 'use')")
    parts = [exc.head]
    for fid in exc.missing:
        parts += [proposal({fid: guesses[fid]}, hint)] if fid in guesses else exc.near.get(fid, [])
    return "; ".join(parts)


__all__ = ["Guess", "guess_columns", "proposal", "with_guesses"]
