"""One translator of validation errors for rule files and suites (rulebase/problems.py):
the same mistake gets the same words, the file's line and the key's dotted path in both."""

from pathlib import Path

import pytest

from coachmentor.errors import RuleFileError
from coachmentor.rulebase.loader import load_rules
from coachmentor.verify.suite import SuiteError, load_suite

HERE = Path(__file__).resolve().parent
TINY = HERE / "fixtures" / "suites" / "tiny_rules.yaml"
SHIPPED = HERE.parent / "rules" / "coachmentor.yaml"


def rule_error(tmp_path: Path, old: str, new: str) -> str:
    text = SHIPPED.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "rules.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(RuleFileError) as info:
        load_rules(path)
    return str(info.value.message if hasattr(info.value, "message") else info.value)


def suite_error(tmp_path: Path, text: str) -> str:
    path = tmp_path / "suite.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SuiteError) as info:
        load_suite(path, load_rules(TINY))
    return str(info.value.message if hasattr(info.value, "message") else info.value)


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


@pytest.mark.parametrize("value, words", [
    ("[trainee, 3]", "[1]: expected text; quote it"),  # the list's bad item, not "a list"
    ("{a: b}", ": expected a value, not a mapping"),
])
def test_same_mistake_same_words_in_a_rule_file_and_a_suite(tmp_path, value, words):
    shipped = SHIPPED.read_text(encoding="utf-8")
    old = "    when: {career_stage: trainee}"
    rule = rule_error(tmp_path, old, f"    when: {{career_stage: {value}}}")
    assert f":{line_of(shipped, old)}: rules[" in rule
    assert f".when.career_stage{words}" in rule
    suite = suite_error(tmp_path, f"invariants:\n  - id: i1\n    when: {{career_stage: {value}}}\n"
                                  "    expect: {recommendation: both}\n")
    assert f"suite.yaml:3: invariants[0].when.career_stage{words}" in suite


def test_misspelt_key_is_named_rather_than_the_missing_one(tmp_path):
    message = rule_error(tmp_path, "  - id: career_stage", "  - idd: career_stage")
    assert "questions[0].idd: unknown key 'idd'" in message
    message = suite_error(tmp_path, "vignettes:\n  - id: v1\n    answers: {career_stage: trainee}\n"
                                    "    expects: {recommendation: mentoring}\n")
    assert "suite.yaml:4: vignettes[0].expects: unknown key 'expects' (expected one of: id, source, answers, expect)" in message


def test_an_id_pattern_is_explained_in_words(tmp_path):
    message = rule_error(tmp_path, "      - value: trainee", "      - value: Trainee")
    assert "questions[0].choices[0].value: an id is lower-case letters, digits and '_', starting with a letter" in message
    message = suite_error(tmp_path, "vignettes:\n  - id: v 1\n    answers: {career_stage: trainee}\n"
                                    "    expect: {recommendation: mentoring}\n")
    assert "suite.yaml:2: vignettes[0].id: an id is letters, digits, '_', '.' and '-'" in message
