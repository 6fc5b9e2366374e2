"""The JSON Schema beside the shipped rule base is the one the models generate, so an
editor validating rules/coachmentor.yaml checks exactly what `rules check` checks."""

import json
from pathlib import Path

from coachmentor.rulebase.model import RuleBase

ROOT = Path(__file__).resolve().parents[1]


def test_schema_file_matches_models():
    shipped = json.loads((ROOT / "rules" / "coachmentor.schema.json").read_text(encoding="utf-8"))
    assert shipped == RuleBase.model_json_schema(), (
        "rules/coachmentor.schema.json is stale: run "
        "`coachmentor rules schema > rules/coachmentor.schema.json`"
    )


def test_rule_file_carries_the_editor_modeline():
    first = (ROOT / "rules" / "coachmentor.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=./coachmentor.schema.json"


def test_schema_forbids_unknown_keys():
    schema = RuleBase.model_json_schema()
    assert schema.get("additionalProperties") is False
    for name, sub in schema["$defs"].items():
        assert sub.get("additionalProperties") is False, name
