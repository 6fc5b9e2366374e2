"""Monotone invariants: moving one answer that points one way never moves the result the
other way.

A suite's `monotone:` case names the results in order (`[mentoring, both, coaching]`; a
list inside is a tier of results that count alike, e.g. `[[mentoring, other], [both,
coaching]]`: without a coach, then with one) and,
for each answer that points one way, its values in the same order (a list inside is a tier
of values that point alike; "" is blank). A pair of answer sets that differ in one of those
answers only, the second's value in a later tier, must not give a result earlier in the
order. Results not in the order (`other`: another kind of support first) are off that line
and are not compared.

The sweep (`verify.suite`) shows this module every answer set once, with its outcome; each
case keeps one byte per answer set (the rank of its result, 0 when it is not compared) in
the mixed-radix order of the swept values, and compares the pairs after the sweep, block by
block of the byte array: a field's value is a block of `stride` bytes every `stride × n`.
Nothing here knows the engine or the rule base.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

Tiers = tuple[frozenset[str | None], ...]  # one field's values, tier by tier (None = blank)


@dataclass(frozen=True)
class MonotoneSpec:
    """A compiled `monotone:` case: covered answer sets, result order and answer tiers."""

    when: tuple[tuple[int, frozenset[str | None]], ...]  # (position in the sweep, values)
    unless: tuple[tuple[int, frozenset[str | None]], ...]
    results: Tiers  # the results in order, tier by tier
    tiers: tuple[tuple[int, Tiers], ...]  # (position in the sweep, tiers)


class MonotoneSweep:
    """Ranks every covered answer set as the sweep goes, then checks the pairs.

    `values`: per swept field (in the sweep's order) the values it takes (None: blank)."""

    def __init__(self, values: Sequence[Sequence[Any]], specs: Sequence[MonotoneSpec]) -> None:
        self.values = [tuple(v) for v in values]
        dims = [len(v) for v in self.values]
        self.dims = dims
        strides = [1] * len(dims)
        for i in range(len(dims) - 2, -1, -1):
            strides[i] = strides[i + 1] * dims[i + 1]
        self.strides = strides
        self.size = strides[0] * dims[0] if dims else 1
        # per field: value -> its offset in the byte array
        self.offsets = [{v: k * s for k, v in enumerate(vals)} for vals, s in zip(self.values, strides)]
        self.specs = list(specs)
        self.ranks = [bytearray(self.size) for _ in self.specs]
        self.orders = [{r: k + 1 for k, tier in enumerate(spec.results) for r in tier}
                       for spec in self.specs]

    def see(self, combo: Sequence[Any], recommendation: str) -> None:
        """One answer set of the sweep (its values in the sweep's order) and its result."""
        at = 0
        for table, v in zip(self.offsets, combo):
            at += table[v]
        for spec, ranks, order in zip(self.specs, self.ranks, self.orders):
            if _covers(spec, combo):
                ranks[at] = order.get(recommendation, 0)

    def answers_at(self, index: int) -> tuple[Any, ...]:
        """The swept values of the answer set at `index` (the inverse of `see`'s offset)."""
        return tuple(vals[(index // s) % n] for vals, s, n in zip(self.values, self.strides, self.dims))

    def check(self, k: int, examples: int) -> tuple[int, int, list[tuple[int, int]]]:
        """(pairs compared, pairs that break the order, the first `examples` broken pairs as
        (index of the earlier answer set, index of the later)) for spec `k`."""
        spec, ranks = self.specs[k], bytes(self.ranks[k])
        compared = broken = 0
        found: list[tuple[int, int]] = []
        for pos, tiers in spec.tiers:
            stride, n = self.strides[pos], self.dims[pos]
            index = {v: i for i, v in enumerate(self.values[pos])}
            for low, high in _later_pairs(tiers):
                if low not in index or high not in index:
                    continue  # narrowed out of the sweep
                a, b = index[low] * stride, index[high] * stride
                for start in range(0, self.size, stride * n):
                    ra = ranks[start + a: start + a + stride]
                    rb = ranks[start + b: start + b + stride]
                    if ra == rb:  # the change changes nothing here
                        compared += stride - ra.count(0)
                        continue
                    for i, (x, y) in enumerate(zip(ra, rb)):
                        if x and y:
                            compared += 1
                            if x > y:
                                broken += 1
                                if len(found) < examples:
                                    found.append((start + a + i, start + b + i))
        return compared, broken, found


def _covers(spec: MonotoneSpec, combo: Sequence[Any]) -> bool:
    for p, s in spec.when:
        if combo[p] not in s:
            return False
    if spec.unless:
        for p, s in spec.unless:  # noqa: SIM110 - hot (the sweep): a loop beats any()
            if combo[p] not in s:
                return True
        return False
    return True


def _later_pairs(tiers: Tiers) -> Iterator[tuple[Any, Any]]:
    """Every (value, value in a later tier)."""
    for i, tier in enumerate(tiers):
        for later in tiers[i + 1:]:
            for low in sorted(tier, key=_order):
                for high in sorted(later, key=_order):
                    yield low, high


def _order(value: Any) -> tuple[bool, str]:
    return (value is not None, value or "")
