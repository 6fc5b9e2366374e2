"""Every (need, supporter) pair at once, without a needs x supporters matrix.

Needs that differ only in who they are (the same role, stage, kind of mentoring, phase,
school, subject, department and type) share a *class*: the hard rules and the preferences
treat them alike, except for the person's own exclusions (themselves, and a coach who is
their line manager or assessor) and `--avoid`. So the rules and preferences are worked out
for classes x supporters (`codes`, int8, and `units`, int32), which is several times smaller
than needs x supporters on a real staff list, and the person's own exclusions are a short
list of pairs on the side.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from coachmentor.match.eligibility import CODE, KIND, class_codes
from coachmentor.match.people import Need, Supporter, fold
from coachmentor.match.policy import Policy
from coachmentor.match.preferences import class_units
from coachmentor.rulebase.model import COACHING_TYPES, MENTORING_TYPES

TYPES = tuple(dict.fromkeys(COACHING_TYPES + MENTORING_TYPES))  # a specialism's bit
TYPE_BIT = {t: i for i, t in enumerate(TYPES)}
BLOCK = 1 << 22  # pairs worked out at a time (about 40 MB of temporaries)


@dataclass
class SupporterArrays:
    coach: np.ndarray  # bool
    mentor: np.ndarray  # bool
    stage: np.ndarray  # int64, -1 not known
    phase: np.ndarray  # int64, -1 not known
    school: np.ndarray  # int64 codes, -2 blank (never equal to a need's)
    subject: np.ndarray  # int64 codes, -2 blank
    trained: np.ndarray  # bool: trained is yes
    spec: np.ndarray  # int64 bits of TYPES
    cap: np.ndarray  # int64


@dataclass
class Classes:
    of: np.ndarray  # int64: need index -> class
    order: np.ndarray  # need indices sorted by class (stable: input order within a class)
    starts: np.ndarray  # where each class begins in `order`
    sizes: np.ndarray
    coach: np.ndarray  # bool
    novice: np.ndarray  # bool
    needs_trained: np.ndarray  # bool
    stage: np.ndarray  # int64, -1 not known (coaching only)
    kind: np.ndarray  # int64 (eligibility.KIND)
    phase: np.ndarray  # int64, -1 not known
    school: np.ndarray  # int64 codes, -1 blank
    subject: np.ndarray
    dept: np.ndarray
    type: np.ndarray  # int64 TYPE_BIT, -1 none

    @property
    def count(self) -> int:
        return int(self.coach.size)

    def members(self, c: int) -> np.ndarray:
        return self.order[self.starts[c]:self.starts[c] + self.sizes[c]]


def _code(table: dict[str, int], text: str, blank: int) -> int:
    return table.setdefault(fold(text), len(table)) if text.strip() else blank


def supporter_arrays(sups: Sequence[Supporter], table: dict[str, int]) -> SupporterArrays:
    n = len(sups)
    return SupporterArrays(
        coach=np.fromiter((s.coaching for s in sups), bool, n),
        mentor=np.fromiter((s.mentoring for s in sups), bool, n),
        stage=np.fromiter((-1 if s.stage is None else s.stage for s in sups), np.int64, n),
        phase=np.fromiter((s.phase for s in sups), np.int64, n),
        school=np.fromiter((_code(table, s.school, -2) for s in sups), np.int64, n),
        subject=np.fromiter((_code(table, s.subject, -2) for s in sups), np.int64, n),
        trained=np.fromiter((s.trained is True for s in sups), bool, n),
        spec=np.fromiter((sum(1 << TYPE_BIT[t] for t in s.specialisms if t in TYPE_BIT)
                          for s in sups), np.int64, n),
        cap=np.fromiter((s.capacity for s in sups), np.int64, n))


def need_classes(needs: Sequence[Need], policy: Policy, table: dict[str, int]) -> Classes:
    keys: dict[tuple[Any, ...], int] = {}
    of = np.empty(len(needs), np.int64)
    rows: list[tuple[Any, ...]] = []
    for i, nd in enumerate(needs):
        st = nd.staff
        key = (nd.role == "coaching", -1 if st.stage is None else st.stage, KIND[nd.kind],
               st.phase, _code(table, st.school, -1), _code(table, st.subject, -1),
               _code(table, st.department, -1), TYPE_BIT.get(nd.type, -1),
               nd.novice, nd.role == "coaching" and policy.needs_trained(st.stage, nd.type))
        c = keys.get(key)
        if c is None:
            c = keys[key] = len(rows)
            rows.append(key)
        of[i] = c
    cols = list(zip(*rows)) if rows else [()] * 10
    order = np.argsort(of, kind="stable")
    sizes = np.bincount(of, minlength=len(rows)).astype(np.int64)
    starts = np.cumsum(sizes) - sizes

    def ints(k: int) -> np.ndarray:
        return np.array(cols[k], np.int64) if rows else np.zeros(0, np.int64)

    def bools(k: int) -> np.ndarray:
        return np.array(cols[k], bool) if rows else np.zeros(0, bool)

    return Classes(of=of, order=order, starts=starts, sizes=sizes, coach=bools(0),
                   stage=ints(1), kind=ints(2), phase=ints(3), school=ints(4), subject=ints(5),
                   dept=ints(6), type=ints(7), novice=bools(8), needs_trained=bools(9))


class PairView:
    """The hard rules and preferences of every pair, by class, and each person's own
    exclusions: what the solver, the explanations and the fixes read."""

    def __init__(self, needs: Sequence[Need], sups: Sequence[Supporter], policy: Policy,
                 avoid: Sequence[tuple[int, int]] = ()):
        self.needs, self.sups, self.policy = needs, sups, policy
        table: dict[str, int] = {}
        self.s = supporter_arrays(sups, table)
        self.c = need_classes(needs, policy, table)
        self.n, self.m = len(needs), len(sups)
        self._codes: np.ndarray | None = None
        # the person's own exclusions and --avoid: (need, supporter) -> code
        where = {s.key: s.index for s in sups}
        own: dict[tuple[int, int], int] = {}
        for i, nd in enumerate(needs):
            st = nd.staff
            j = where.get(st.key) if st.key else None
            if j is not None:
                own[(i, j)] = CODE["self"]
            if nd.role == "coaching":
                for key, code in [(st.line_manager, "line_manager"),
                                  *((a, "assessor") for a in sorted(st.assessors))]:
                    j = where.get(key) if key else None
                    if j is not None:
                        own.setdefault((i, j), CODE[code])
        for i, j in avoid:
            own.setdefault((i, j), CODE["avoided"])
        self.own = own
        keys = np.array(sorted(i * max(self.m, 1) + j for i, j in own), np.int64)
        self.own_keys = keys  # sorted i * m + j

    def own_of(self, i: int) -> np.ndarray:
        """The supporters excluded for need i by the person's own exclusions or --avoid."""
        lo = np.searchsorted(self.own_keys, i * self.m)
        hi = np.searchsorted(self.own_keys, (i + 1) * self.m)
        return self.own_keys[lo:hi] - i * self.m

    # --- by class -------------------------------------------------------------------------

    @property
    def codes(self) -> np.ndarray:
        """The rule each class x supporter pair breaks (int8, 0: allowed)."""
        if self._codes is None:
            out = np.empty((self.c.count, self.m), np.int8)
            step = max(1, BLOCK // max(self.m, 1))
            for a in range(0, self.c.count, step):
                rows = np.arange(a, min(a + step, self.c.count))
                out[rows] = class_codes(self.c, rows, self.s, self.policy)
            self._codes = out
        return self._codes

    def units(self, u: dict[str, int]) -> np.ndarray:
        """The units each class x supporter pair earns, load_spread aside (int32)."""
        out = np.empty((self.c.count, self.m), np.int32)
        step = max(1, BLOCK // max(self.m, 1))
        for a in range(0, self.c.count, step):
            rows = np.arange(a, min(a + step, self.c.count))
            out[rows] = self.units_block(rows, u)
        return out

    def units_block(self, rows: np.ndarray, u: dict[str, int]) -> np.ndarray:
        return class_units(self.c, rows, self.s, self.policy, u)

    # --- one need -------------------------------------------------------------------------

    def codes_of(self, i: int) -> np.ndarray:
        """The rule each supporter breaks for need i (int8 per supporter; 0: eligible)."""
        row = self.codes[self.c.of[i]].copy()
        lo = np.searchsorted(self.own_keys, i * self.m)
        hi = np.searchsorted(self.own_keys, (i + 1) * self.m)
        for key in self.own_keys[lo:hi]:
            j = int(key - i * self.m)
            code = self.own[(i, j)]
            if code == CODE["avoided"]:
                if row[j] == 0:
                    row[j] = code
            elif row[j] != CODE["offers"]:
                row[j] = code
        out: np.ndarray = row  # numpy's indexing is typed Any
        return out

    def eligible(self, i: int) -> np.ndarray:
        """The supporters who may take need i (indices, ascending)."""
        return np.flatnonzero(self.codes_of(i) == 0)

    def excluded(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """For pairs (rows[k], cols[k]): is it one of the person's own exclusions or avoided?"""
        if self.own_keys.size == 0 or rows.size == 0:
            return np.zeros(rows.size, bool)
        keys = rows.astype(np.int64) * self.m + cols
        at = np.minimum(np.searchsorted(self.own_keys, keys), self.own_keys.size - 1)
        out: np.ndarray = self.own_keys[at] == keys  # numpy's indexing is typed Any
        return out
