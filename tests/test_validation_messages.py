"""Issue 24 item 4: one translation of validation errors for every file a model validates.
A rule base and a suite of rule tests get the same words for the same mistake, in our words
(the key, what was expected), never pydantic's."""

from __future__ import annotations

from pathlib import Path

import pytest

from coachmentor.errors import CoachmentorError
from coachmentor.rulebase.loader import load_rules
from coachmentor.verify.suite import load_suite

RULES = Path(__file__).resolve().parents[1] / "rules" / "coachmentor.yaml"


def _rule_error(tmp_path: Path, old: str, new: str) -> str:
    path = tmp_path / "rules.yaml"
    text = RULES.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(CoachmentorError) as caught:
        load_rules(path)
    return str(caught.value)


def _suite_error(tmp_path: Path, body: str) -> str:
    path = tmp_path / "suite.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(CoachmentorError) as caught:
        load_suite(path, load_rules())
    return str(caught.value)


def test_an_unknown_key_lists_the_keys_allowed_there_in_a_rule_base_and_a_suite(tmp_path):
    rule = _rule_error(tmp_path, "  both_min: ", "  both_mn: ")
    assert "decision.both_mn: unknown key 'both_mn' (expected one of: " in rule
    assert "both_min" in rule.split("expected one of:")[1]
    suite = _suite_error(tmp_path, "vignettes:\n  - name: x\n    answers: {career_stage: trainee, "
                                   "focus: induction}\n    expect: {recomendation: mentoring}\n")
    assert "vignettes[0].expect.recomendation: unknown key 'recomendation' (expected one of: " in suite
    assert "recommendation" in suite.split("expected one of:")[1]


@pytest.mark.parametrize(("old", "new", "words"), [
    ("  both_min: ", "  both_min: lots #", "decision.both_min: expected a number"),
    ("    required: true", "    required: [1]", "questions[0].required: expected true or false"),
])
def test_a_wrong_type_says_what_was_expected(tmp_path, old, new, words):
    message = _rule_error(tmp_path, old, new)
    assert words in message
    assert "Input should be" not in message  # pydantic's own words never reach the user
