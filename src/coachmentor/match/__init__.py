"""`coachmentor match`: pair the staff who need coaching or mentoring with the colleagues able
to give it (the contract's "Matching" section; docs/matching.md).

- `people`: the records (a staff member's need, a supporter) and how ids compare;
- `policy`: the rule base's `matching:` section compiled (weights, rules, phases, bands);
- `io`: reading the staff and supporters files, writing the result rows;
- `eligibility`: the hard rules, pair by pair (the reference) and by class of need (numpy);
- `preferences`: the preferences as a score per pair, and in the solver's integer units;
- `pairs`: every pair's rules and preferences by class of need, and each person's own
  exclusions;
- `optimise`: the exact lexicographic optimum on a sparse graph (LAPJVsp, with LP pricing);
- `explain`: a pair's reasons and flags, an unmatched need's cause, `--explain STAFF_ID`;
- `fixes`: the smallest change that would match each unmatched person; whom to train;
- `keep`: `--keep` and `--avoid`, stale rows reported;
- `records`: the output rows and the lists per school;
- `size`: the memory estimate and the refusal;
- `run`: the command, end to end.
"""
