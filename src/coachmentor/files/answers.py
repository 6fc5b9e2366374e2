"""Answers supplied without asking: an answers file (YAML or JSON) and `--set id=value`.

The same validation as at the prompt: keys may be ids or header aliases, values may be
choices, labels' synonyms or yes/no words; anything else is an error naming the file, the
line, the field and the accepted values, with the nearest accepted one when a key or a value
looks misspelt (`suggest.py`).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coachmentor.errors import AnswersError
from coachmentor.rulebase.normalise import fold
from coachmentor.rulebase.yamlsafe import decode_text, parse_yaml, read_bounded, within_limit

if TYPE_CHECKING:
    from coachmentor.rulebase.ruleset import RuleSet

MAX_ANSWERS_BYTES = 256 * 1024


@dataclass
class SuppliedAnswers:
    answers: dict[str, str] = field(default_factory=dict)  # question id -> canonical value
    info: dict[str, str] = field(default_factory=dict)  # staff_id, name, department, ...


def read_answers_file(path: Path, rules: RuleSet, into: SuppliedAnswers) -> None:
    name = "<stdin>" if str(path) == "-" else str(path)
    if str(path) == "-":
        raw = within_limit(sys.stdin.buffer.read(MAX_ANSWERS_BYTES + 1), name, "answers file",
                           MAX_ANSWERS_BYTES, AnswersError)
    else:
        raw = read_bounded(path, "answers file", MAX_ANSWERS_BYTES, AnswersError)
    doc = parse_yaml(decode_text(raw, name, AnswersError), name, AnswersError)
    if doc.data is None:
        return
    if not isinstance(doc.data, dict):
        raise AnswersError(f"{name}:1: expected a mapping of question id to value (career_stage: ECT)")
    first: dict[str, tuple[str, int]] = {}  # field id -> (key as written, line)
    for key, value in doc.data.items():
        line = doc.key_lines.get((key,), 1)
        fid = rules.header_lookup.get(fold(str(key)))
        if fid in first:
            was, at = first[fid]
            raise AnswersError(
                f"{name}:{line}: {fid} is given twice ('{was}' on line {at}, '{key}' here); "
                "give it once"
            )
        if fid is not None:
            first[fid] = (str(key), line)
        # Numbers as written: staff_id 00123 is not 83 (octal), department 1:30 not 90.
        _take(rules, into, str(key), doc.texts.get((key,), value), f"{name}:{line}")


def apply_sets(sets: list[str], rules: RuleSet, into: SuppliedAnswers) -> None:
    for item in sets:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise AnswersError(f"--set {item!r}: expected id=value, e.g. --set career_stage=ECT")
        _take(rules, into, key.strip(), value, "--set")


def _take(rules: RuleSet, into: SuppliedAnswers, key: str, value: Any, where: str) -> None:
    fid = rules.field_id(key, where)
    if fid in rules.info_fields:
        if isinstance(value, (dict, list)):  # the value itself is never shown: personal data
            kind = "a list" if isinstance(value, list) else "a mapping"
            raise AnswersError(f"{where}: {fid}: expected text, not {kind}")
        if value is not None:
            into.info[fid] = str(value)
        return
    canonical = rules.canonical_value(fid, value, where)
    if canonical is None:
        into.answers.pop(fid, None)
    else:
        into.answers[fid] = canonical
