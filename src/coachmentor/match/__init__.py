"""`coachmentor match`: pair the staff who need coaching or mentoring with the colleagues able
to give it (the contract's "Matching" section).

- `people`: the records (a staff member's need, a supporter) and their parsing rules;
- `io`: reading the staff and supporters files, writing the result rows and the summary;
- `eligibility`: the hard rules, pair by pair (the reference) and as a matrix (the solver's);
- `preferences`: the rule base's `matching:` weights as a score per pair;
- `optimise`: the lexicographic optimum with scipy's linear_sum_assignment;
- `explain`: a pair's reasons, an unmatched need's cause, `--explain STAFF_ID`;
- `run`: the command, end to end.
"""
