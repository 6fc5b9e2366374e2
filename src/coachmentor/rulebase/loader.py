"""Turn a rule file into a validated, indexed `RuleSet`, or one error naming file:line: key."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from coachmentor.errors import RuleFileError
from coachmentor.rulebase.yamlsafe import YamlDocument, decode_text, dotted, parse_yaml, read_bounded

if TYPE_CHECKING:  # the rule set (and pydantic) are imported when rules are validated, not
    from coachmentor.rulebase.ruleset import RuleSet  # before advise's first question

DEFAULT_RULES_NAME = "coachmentor.yaml"
MAX_RULE_FILE_BYTES = 2 * 1024 * 1024


def default_rules_path() -> Path:
    """The rule base shipped with the package (or, from a source checkout, `rules/`)."""
    package = Path(__file__).resolve().parents[1]  # coachmentor/
    packaged = package / "rules" / DEFAULT_RULES_NAME
    if packaged.is_file():
        return packaged
    return package.parent.parent / "rules" / DEFAULT_RULES_NAME


def read_rule_text(path: Path) -> tuple[str, bytes]:
    name = str(path)
    raw = read_bounded(path, "rule file", MAX_RULE_FILE_BYTES, RuleFileError, folder_hint=" (.yaml)")
    return decode_text(raw, name, RuleFileError), raw


def parse_rule_file(path: str | os.PathLike[str] | None = None) -> tuple[YamlDocument, str, str]:
    """Read and parse a rule file without validating it: (document, file name, sha256)."""
    p = Path(path) if path is not None else default_rules_path()
    text, raw = read_rule_text(p)
    return parse_yaml(text, str(p), RuleFileError), str(p), hashlib.sha256(raw).hexdigest()


def load_rules(path: str | os.PathLike[str] | None = None) -> RuleSet:
    """Load, validate and index a rule base (the shipped one when `path` is None)."""
    return rules_from_document(*parse_rule_file(path))


def rules_from_document(doc: YamlDocument, filename: str, digest: str) -> RuleSet:
    from pydantic import ValidationError

    from coachmentor.rulebase.model import RuleBase
    from coachmentor.rulebase.validation import first_problem

    if not isinstance(doc.data, dict):
        raise RuleFileError(f"{filename}:1: a rule base must be a mapping (name:, version:, ...)")
    try:
        model = RuleBase.model_validate(doc.data)
    except ValidationError as exc:
        loc, message = first_problem(exc.errors(include_url=False, include_input=False),
                                     doc.data, RuleBase)
        raise RuleFileError(_located(doc, filename, loc, message)) from None
    from coachmentor.rulebase.ruleset import RuleSet

    ruleset = RuleSet(model, digest=digest, yaml11_booleans=doc.yaml11_booleans)
    problems = ruleset.reference_errors()
    if problems:
        loc, message = problems[0]
        raise RuleFileError(_located(doc, filename, loc, message))
    ruleset.source_file = filename
    ruleset.document = doc
    return ruleset


def _located(doc: YamlDocument, filename: str, loc: tuple[str | int, ...], message: str) -> str:
    line = doc.line_of(loc) or 1
    return f"{filename}:{line}: {dotted(loc) or '(top level)'}: {message}"
