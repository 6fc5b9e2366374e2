"""One translation of pydantic's validation errors into our one-line messages, for every file
a pydantic model validates (a rule base, a suite of rule tests): which of the errors to report,
where (the path of keys and items, without pydantic's markers for the union member it tried),
and what was expected, in our words rather than pydantic's. The caller adds the file and line.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any

Loc = tuple[str | int, ...]

# the names pydantic puts in a location for the member of a union it tried
_TRIED = ("str", "int", "float", "bool", "none")


def clean_loc(loc: Sequence[Any]) -> Loc:
    """The path of keys and items, without pydantic's union markers ("str", "list[str]",
    "function-after[...]")."""
    out: list[str | int] = []
    for part in loc:
        if isinstance(part, str) and ("[" in part or part in _TRIED or part.startswith("function-")):
            continue
        out.append(part)
    return tuple(out)


def first_problem(errors: Sequence[Mapping[str, Any]], data: Any, root: type | None = None,
                  ) -> tuple[Loc, str]:
    """The error to report of pydantic's list, and our words for it. A misspelt key is also a
    missing one: name the misspelling; of a union's tries, the one that got deepest (a list's
    bad item, not "expected a list"). `root`: the model validated, to list the keys allowed
    where an unknown one stands."""
    err = next((e for e in errors if e["type"] == "extra_forbidden"),
               max(errors, key=lambda e: len(clean_loc(e["loc"]))))
    loc = clean_loc(err["loc"])
    return loc, explain(err, loc, value_at(data, loc), root)


def value_at(data: Any, loc: Loc) -> Any:
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def explain(err: Mapping[str, Any], loc: Loc, value: Any = None, root: type | None = None) -> str:
    kind = err["type"]
    if kind == "string_type":
        if isinstance(value, list):
            return "expected one value, not a list"
        if isinstance(value, dict):
            return "expected a value, not a mapping"
        return "expected text; quote it"
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"):
        return "expected a number"
    if kind in ("bool_parsing", "bool_type"):
        return "expected true or false"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "expected a mapping (key: value lines)" + (", not a list" if isinstance(value, list) else "")
    if kind == "list_type":
        return "expected a list"
    if kind in ("literal_error", "enum"):
        expected = (err.get("ctx") or {}).get("expected")
        return f"expected one of: {expected}" if expected else "not one of the values allowed here"
    if kind == "string_pattern_mismatch":
        return "an id is letters, digits, '_', '.' and '-', starting with a letter or digit"
    if kind == "extra_forbidden":
        model = model_at(root, loc[:-1]) if root is not None else None
        fields = getattr(model, "model_fields", None)
        allowed = f" (expected one of: {', '.join(fields)})" if fields else ""
        return f"unknown key '{loc[-1]}'{allowed}"
    if kind == "missing":
        return f"missing required key '{loc[-1]}'"
    msg = str(err["msg"])
    return msg[len("Value error, "):] if msg.startswith("Value error, ") else msg


def model_at(root: type, loc: Loc) -> type | None:
    """The pydantic model that stands at `loc` in a document `root` validates (through its
    fields, lists, mappings and optional values), or None."""
    current: Any = root
    for part in loc:
        current = _inner(current)
        if isinstance(part, int) or current is None:
            continue
        fields = getattr(current, "model_fields", None)
        if fields is None:
            # a mapping of names to models: the part is a name, the value its model
            args = typing.get_args(current)
            current = args[1] if len(args) == 2 else None
            continue
        field = fields.get(part)
        current = field.annotation if field is not None else None
    current = _inner(current)
    return current if hasattr(current, "model_fields") else None


def _inner(annotation: Any) -> Any:
    """The model inside list[M], M | None, Annotated[M, ...] (dict[str, M] is left for the
    next key)."""
    while True:
        origin = typing.get_origin(annotation)
        args = typing.get_args(annotation)
        if origin is typing.Annotated or origin in (list, tuple, set, frozenset) and args:
            annotation = args[0]
        elif origin in (typing.Union, types.UnionType):
            # a model among the members, else the first that is not None (list[M] | None)
            members = [a for a in args if a is not type(None)]
            models = [a for a in members if hasattr(a, "model_fields")]
            if not members:
                return annotation
            annotation = (models or members)[0]
        else:
            return annotation
