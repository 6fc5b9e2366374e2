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
from typing import Any

from .errors import AnswersError
from .normalise import fold
from .ruleset import RuleSet
from .yamlsafe import decode_text, parse_yaml

MAX_ANSWERS_BYTES = 256 * 1024


@dataclass
class SuppliedAnswers:
    answers: dict[str, str] = field(default_factory=dict)  # question id -> canonical value
    info: dict[str, str] = field(default_factory=dict)  # staff_id, name, department, ...


def read_answers_file(path: Path, rules: RuleSet, into: SuppliedAnswers) -> None:
    name = "<stdin>" if str(path) == "-" else str(path)
    if str(path) == "-":
        raw = sys.stdin.buffer.read(MAX_ANSWERS_BYTES + 1)
    else:
        try:
            if not path.exists():
                raise AnswersError(f"{name}: no such answers file")
            if path.is_dir():
                raise AnswersError(f"{name}: is a folder; give the path of an answers file")
            with open(path, "rb") as fh:
                raw = fh.read(MAX_ANSWERS_BYTES + 1)
        except OSError as exc:  # also from exists(): a name too long, a folder we may not enter
            raise AnswersError(f"{name}: cannot read answers file: {exc.strerror or exc}") from None
    if len(raw) > MAX_ANSWERS_BYTES:
        raise AnswersError(f"{name}: answers file is too large (more than {MAX_ANSWERS_BYTES} bytes)")
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
    fid = field_id(rules, key, where)
    if fid in rules.info_fields:
        if isinstance(value, (dict, list)):  # the value itself is never shown: personal data
            raise AnswersError(f"{where}: {fid}: expected text, not {_kind(value)}")
        if value is not None:
            into.info[fid] = str(value)
        return
    canonical = canonical_value(rules, fid, value, where)
    if canonical is None:
        into.answers.pop(fid, None)
    else:
        into.answers[fid] = canonical


def field_id(rules: RuleSet, key: Any, where: str) -> str:
    """The field a key names (an id or a header alias), or an error listing the fields."""
    fid = rules.header_lookup.get(fold(key)) if isinstance(key, str) else None
    if fid is None:
        from .suggest import did_you_mean, nearest_field

        known = ", ".join([*rules.info_fields, *rules.question_order])
        hint = did_you_mean(nearest_field(rules, key)) if isinstance(key, str) else ""
        raise AnswersError(f"{where}: unknown field '{key}'{hint} (known fields: {known})")
    return fid


def canonical_value(rules: RuleSet, fid: str, value: Any, where: str) -> str | None:
    """A question's canonical value for what was supplied; None when it is empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    canonical = rules.match_value(fid, value)
    if canonical is None:
        hint = ""
        if isinstance(value, (dict, list)):
            shown = _kind(value)
        else:
            from .suggest import did_you_mean, nearest_value

            text = str(value)
            shown = "'" + (text if len(text) <= 40 else text[:37] + "...") + "'"
            hint = did_you_mean(nearest_value(rules, fid, text))
        raise AnswersError(
            f"{where}: {fid}: {shown} is not an accepted value{hint} "
            f"(expected one of: {', '.join(rules.choice_values[fid])})"
        )
    return canonical


def _kind(value: Any) -> str:
    return "a list" if isinstance(value, list) else "a mapping"
