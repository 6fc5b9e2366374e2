"""A row's answers as one integer that says everything its result depends on.

The result of a row depends only on which of the rule base's conditions hold for its
answers (RuleSet.holding), how many optional questions were answered (the confidence) and
the career stage (the summary). Each scored cell's text maps to an integer mask (cached per
column by checks.RowChecks); the AND of a row's masks is its *raw key*; `reduce` turns a raw
key into the *result key*, and rows with equal result keys get the same result cells. Far
fewer result keys exist than answer sets (about 37,000 against 178,000 in a 200,000-row file
of uniformly drawn answers), and both steps are a few integer operations per row.

Layout of a raw key, lowest bits first:
- one bit per condition of the rule base (RuleSet.condition_masks);
- per follow-up question, one bit: its `when` holds (a follow-up's answer counts only then);
- per optional question, one bit: it is answered;
- the career stage's position in its choices, plus one (a blank required answer never gets
  here: it has no mask, so the row goes to the checks);
- last, per scored column, the position of the value it was read as, plus one (0: not
  answered): its *values*. A cell's mask holds its own field and all ones in the others, so
  the AND keeps every column's. `raw >> value_shift` is a small integer that says the row's
  `<id>_read` cells (checks.RowChecks.read_cells; `value_fields` say where each sits), looked
  up per row, never memoised with the result: rows read alike share one Result whatever
  their values.
The result key keeps the conditions (reduced as RuleSet.holding reduces them once a gate
holds) and the stage, and replaces the answered bits, and the values above them, by their
count.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import reduce
from operator import and_

from coachmentor.rulebase.ruleset import RuleSet


class RowKeys:
    """The key layout for one file: `fids` are its scored columns' questions (a question with
    no column counts as blank in every row: `base`)."""

    def __init__(self, rules: RuleSet, fids: Iterable[str]) -> None:
        self.rules = rules
        self.fids = list(fids)
        at = rules.all_conditions.bit_length()
        self.when_bits = {}  # follow-up id -> the bit of its `when`
        for fid, _ in rules.follow_ups:
            self.when_bits[fid] = 1 << at
            at += 1
        self.answered_bits = {}  # optional question id -> its bit
        for fid in rules.optional:
            self.answered_bits[fid] = 1 << at
            at += 1
        self.answered = sum(self.answered_bits.values())
        self.stage_shift = at
        stages = rules.choice_values.get("career_stage", ())
        self.stage_width = (len(stages) + 1).bit_length()
        self.stages = {v: i + 1 for i, v in enumerate(stages)}
        self.stage_names: list[str | None] = [None, *stages] + [None] * (1 << self.stage_width)
        self.count_shift = self.value_shift = at + self.stage_width
        # per scored column (in `fids` order): (where its value sits, its width, its values)
        self.value_fields: list[tuple[int, int, list[str]]] = []
        at = self.value_shift
        for fid in self.fids:
            names = ["", *rules.choice_values[fid]]
            width = len(names).bit_length()
            self.value_fields.append((at, width, names))
            at += width
        self.value_at = {fid: field for fid, field in zip(self.fids, self.value_fields)}
        self.all = (1 << at) - 1
        stage_mask = self.stage_mask = ((1 << self.stage_width) - 1) << self.stage_shift
        self.conditions = rules.all_conditions  # a result key's conditions: RuleSet.holding
        self.keep = rules.all_conditions | stage_mask  # what a result key keeps of a raw key
        self.keep_gated = rules.gated_bits | stage_mask
        self.gate_bits = rules.gate_bits
        # per follow-up: its answered bit, the bit of its `when`, and its mask when blank
        self.follow_ups = [(self.answered_bits.get(fid, 0), self.when_bits[fid],
                            self.mask(fid, None)) for fid, _ in rules.follow_ups]
        present = set(self.fids)
        self.base = reduce(and_, (self.mask(f, None) for f in rules.question_order
                                  if f not in present), self.all)

    def mask(self, fid: str, value: str | None) -> int:
        """The mask of one answer (`value` canonical, or None/"" for a blank)."""
        rules = self.rules
        value = value or None
        bits = self.all & ~((1 << rules.all_conditions.bit_length()) - 1)
        bits |= rules.condition_masks[fid][value] if fid in rules.condition_masks else (
            rules.all_conditions)
        for follow_up, when in rules.follow_ups:
            allowed = dict(when).get(fid)
            if allowed is not None and value not in allowed:
                bits &= ~self.when_bits[follow_up]
        if fid in self.answered_bits and value is None:
            bits &= ~self.answered_bits[fid]
        if fid == "career_stage":
            bits = (bits & ~self.stage_mask) | (self.stages.get(value or "", 0) << self.stage_shift)
        field = self.value_at.get(fid)
        if field is not None:
            shift, width, names = field
            bits = bits & ~(((1 << width) - 1) << shift) | names.index(value or "") << shift
        return bits

    def reduce(self, key: int) -> int:
        """The result key of a raw key."""
        for answered, when, blank in self.follow_ups:
            if key & answered and not key & when:  # answered, but the question does not apply
                key &= blank
        # (core.Loop.run has this inline)
        return (key & (self.keep_gated if key & self.gate_bits else self.keep)
                | (key & self.answered).bit_count() << self.count_shift)

    def stage(self, key: int) -> str | None:
        """The career stage a key holds (None: blank)."""
        return self.stage_names[key >> self.stage_shift & ((1 << self.stage_width) - 1)]
