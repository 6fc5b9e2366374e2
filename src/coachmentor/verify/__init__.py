"""Verifying a rule base by running the engine over it: the lint behind `rules check`
(reachability, unused choices, quotes against the sources) and the suites behind
`rules test` (vignettes and invariants over the whole answer space)."""
