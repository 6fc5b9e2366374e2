"""The rule base: `model` (the pydantic model of a rule file), `yamlsafe` (the YAML reader that
keeps line numbers and refuses YAML's surprises), `loader` (file -> validated model ->
`RuleSet`), `ruleset` (the compiled, indexed rule set: value matching, condition bits),
`normalise` and `suggest` (reading people's words as values, did-you-mean). Checking a rule
base by running it (the lint, the suites) is `coachmentor.verify`."""
