"""The rule base: the pydantic model of a rule file, the safe YAML reader, the loader, the
indexed rule set (with its value matching and suggestions), the lint and the rule suites."""
