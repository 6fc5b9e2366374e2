"""One translator from a pydantic ValidationError to our one-line message, for the rule file
(rulebase/loader.py) and the suite file (verify/suite.py) alike:
`file:line: dotted.key: what was expected`.

Of pydantic's several errors one is told: a misspelt key first (it is also a missing one:
name the misspelling), else the one that got deepest (of a union's tries, the list's bad item,
not "a list"). pydantic's words are replaced by ours where we know the error's type; the rest
(our own validators' messages, rarer types) pass through without pydantic's prefix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from coachmentor.rulebase.yamlsafe import YamlDocument, dotted

if TYPE_CHECKING:
    from pydantic import BaseModel
    from pydantic_core import ErrorDetails

Loc = tuple[str | int, ...]

# What an id pattern means, in words (a pattern not listed is shown as pydantic states it).
PATTERN_WORDS = {
    r"^[a-z][a-z0-9_]*$": "an id is lower-case letters, digits and '_', starting with a letter",
    r"^[A-Za-z0-9][A-Za-z0-9_.-]*$": "an id is letters, digits, '_', '.' and '-', starting with a letter or digit",
}
# pydantic's names for a union member it tried ("str", "list[str]", "function-after[...]")
_UNION_TAGS = ("str", "int", "float", "bool", "none")


def clean_loc(loc: Sequence[Any]) -> Loc:
    """The location in the file: pydantic's union-member and validator tags dropped."""
    return tuple(
        part for part in loc
        if not (isinstance(part, str)
                and ("[" in part or part in _UNION_TAGS or part.startswith("function-")))
    )


def value_at(data: Any, loc: Loc) -> Any:
    """The value the file gives at `loc` (None when there is none)."""
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def pick_error(errors: Sequence[ErrorDetails]) -> ErrorDetails:
    """The one error to tell: a misspelt key, else the deepest."""
    return next(
        (e for e in errors if e["type"] == "extra_forbidden"),
        max(errors, key=lambda e: len(clean_loc(e["loc"]))),
    )


def explain(err: ErrorDetails, loc: Loc, value: Any = None,
            models_at: Mapping[tuple[str, ...], type[BaseModel]] | None = None) -> str:
    """What was expected, in our words. `models_at`: the model at a location (its int
    indexes left out), to list the keys it allows after an unknown one."""
    kind = err["type"]
    if kind == "string_type":
        if isinstance(value, list):
            return "expected one value, not a list"
        if isinstance(value, dict):
            return "expected a value, not a mapping"
        return "expected text; quote it"
    if kind == "string_pattern_mismatch":
        words = PATTERN_WORDS.get(str((err.get("ctx") or {}).get("pattern")))
        if words is not None:
            return words
    if kind == "extra_forbidden":
        shape = tuple(p for p in loc[:-1] if isinstance(p, str))
        model = (models_at or {}).get(shape)
        allowed = f" (expected one of: {', '.join(model.model_fields)})" if model else ""
        return f"unknown key '{loc[-1]}'{allowed}"
    if kind == "missing":
        return f"missing required key '{loc[-1]}'"
    msg = err["msg"]
    return msg[len("Value error, "):] if msg.startswith("Value error, ") else msg


def located(doc: YamlDocument, filename: str, loc: Loc, message: str) -> str:
    """`file:line: dotted.key: message` (line 1 when the file has no line for it)."""
    line = doc.line_of(loc) or 1
    return f"{filename}:{line}: {dotted(loc) or '(top level)'}: {message}"


def validation_message(errors: Sequence[ErrorDetails], doc: YamlDocument, filename: str,
                       models_at: Mapping[tuple[str, ...], type[BaseModel]] | None = None) -> str:
    """The one line for a failed validation of `doc` (errors: `exc.errors(include_url=False,
    include_input=False)`)."""
    err = pick_error(errors)
    loc = clean_loc(err["loc"])
    return located(doc, filename, loc, explain(err, loc, value_at(doc.data, loc), models_at))
