"""Stable pseudonyms for personal columns (`assess --redact`), and which cells get them.

A pseudonym is a keyed hash (HMAC-SHA256) of the value, so the same name always gets the same
pseudonym under the same key — results can be joined across runs and shared without names —
while nobody without the key can test guesses against it (a plain hash of a name list can be
reversed by hashing every name in the staff list).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Callable, Iterable
from typing import Any

KEY_ENV = "COACHMENTOR_REDACT_KEY"


class Redactor:
    def __init__(self, key: bytes | None = None) -> None:
        env = os.environ.get(KEY_ENV)
        if key is None and env:
            key = env.encode("utf-8")
        # Without a key, pseudonyms are stable within this run only.
        self.stable = key is not None
        self.key = key if key is not None else secrets.token_bytes(32)
        self._cache: dict[str, str] = {}

    def pseudonym(self, value: str) -> str:
        if not value.strip():
            return value
        hit = self._cache.get(value)
        if hit is None:
            digest = hmac.new(self.key, value.strip().casefold().encode("utf-8"), hashlib.sha256)
            hit = "anon-" + digest.hexdigest()[:12]
            if len(self._cache) < 100_000:
                self._cache[value] = hit
        return hit


class RowRedactor:
    """What `assess --redact` does to the cells of a staff list, column by column:

    - `always`: personal columns (the rule base's `personal: true` fields: name, surname,
      forename) and every column coachmentor does not know (not a question, not an info field
      such as staff_id or department: `Email`, `notes`, a column with no header) — every
      non-blank cell becomes a pseudonym;
    - question columns: a recognised answer is kept; anything else in an error row, or in a
      row where a value was not read (a name typed in the wrong column, a note), becomes a
      pseudonym;
    - info columns (staff_id, department): kept, except in a row whose cells do not line up
      with the header (too many or too few cells, or a record the CSV reader refused), where
      any cell may hold a shifted name: there they become pseudonyms too (`misaligned`).

    Extra cells beyond the header are removed (the error cell counts them; see core.slow).
    """

    def __init__(self, pseudonym: Callable[[str], str], *, always: list[int],
                 scored: list[tuple[int, str]], info: list[int],
                 is_answer: Callable[[str, str], bool], guard: bool) -> None:
        self.pseudonym = pseudonym
        self.always = always
        self.scored = scored
        self.info = info
        self.is_answer = is_answer
        self.guard = guard

    def _cell(self, text: str) -> str:
        # The formula guard may have added a leading ' already: hash the cell as it was read,
        # so that CSV and JSON output give the same pseudonym (a pseudonym needs no guard).
        if self.guard and text[:1] == "'" and text[1:2] in GUARDED:
            text = text[1:]
        return self.pseudonym(text)

    def misaligned(self, row: list[str]) -> None:
        """A row whose cells may be shifted: pseudonyms in the info columns as well."""
        n = len(row)
        for i in self.info:
            if i < n and row[i].strip():
                row[i] = self._cell(row[i])

    def rows(self, rows: list[list[str]], results: Iterable[Any]) -> None:
        """Redact a chunk in place, just before it is written (after every check on it).
        `results`: each row's batch Result (its status, and the values it did not read)."""
        always, scored, cell, is_answer = self.always, self.scored, self._cell, self.is_answer
        for row, result in zip(rows, results):
            n = len(row)
            for i in always:
                if i < n and row[i].strip():
                    row[i] = cell(row[i])
            if result.status != "ok" or result.problems:
                for i, fid in scored:
                    if i < n and row[i].strip() and not is_answer(fid, row[i]):
                        row[i] = cell(row[i])


GUARDED = frozenset("=+-@\t\r")
