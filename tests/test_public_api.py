"""Issue 24 item 5: public APIs only, and options declared once.

- No module of ours imports a dependency's private module (`typer._completion_shared`,
  `openpyxl.worksheet._reader`, ...) except the one adapter named for it here: a dependency's
  upgrade then breaks one file, which says so.
- Every command's -o/--output, --format, --summary, --report and --redact come from the one
  declaration in cli/common.py: same flags, same metavar; --format lists its choices.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
import typer

from coachmentor.cli.app import app

SRC = Path(__file__).resolve().parents[1] / "src" / "coachmentor"
# The one adapter per dependency that may use its private API (and why: docs/files.md).
ADAPTERS = {"openpyxl": "files/table/xlsx_private.py"}


def _private_imports() -> list[tuple[str, str]]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                top, *rest = name.split(".")
                if top != "coachmentor" and any(part.startswith("_") for part in rest):
                    found.append((str(path.relative_to(SRC)), name))
    return found


def test_no_private_module_of_a_dependency_is_imported_outside_its_adapter():
    outside = [(where, name) for where, name in _private_imports()
               if ADAPTERS.get(name.split(".")[0]) != where]
    assert outside == []


def test_the_private_import_check_finds_one():
    """The check above reads imports as they are written (else it would prove nothing)."""
    assert ("files/table/xlsx_private.py", "openpyxl.worksheet._reader") in _private_imports()


def _commands() -> list[tuple[str, Any]]:
    """(name, command) for every command: typer's click objects, read by duck type (click is
    bundled inside typer, not ours to import)."""
    root = typer.main.get_command(app)
    found = []

    def walk(prefix: str, command: Any) -> None:
        if hasattr(command, "commands"):
            for name, sub in command.commands.items():
                walk(f"{prefix} {name}".strip(), sub)
        else:
            found.append((prefix, command))

    walk("", root)
    return found


SHARED = ("--output", "--format", "--summary", "--report", "--redact")


@pytest.mark.parametrize("flag", SHARED)
def test_a_shared_option_looks_the_same_on_every_command(flag):
    looks: dict[str, tuple[Any, ...]] = {}
    for name, command in _commands():
        for param in command.params:
            if param.param_type_name == "option" and flag in param.opts:
                if flag == "--format":
                    looks[name] = (tuple(param.opts), param.is_flag)
                elif flag == "--summary" and param.is_flag:
                    continue  # record report --summary: a one-page report, not a file
                else:
                    # the metavar names a file (FILE, or FILE.xlsx where one format is the only one)
                    looks[name] = (tuple(param.opts), (param.metavar or "").split(".")[0], param.is_flag)
    assert len(looks) >= 2, looks  # declared by several commands, else nothing to compare
    assert len(set(looks.values())) == 1, looks


def test_every_format_option_lists_its_choices_and_completes_them():
    seen = 0
    for name, command in _commands():
        for param in command.params:
            if param.param_type_name == "option" and "--format" in param.opts:
                seen += 1
                choices = param.metavar.split("|")
                assert len(choices) >= 2 and all(re.fullmatch(r"[a-z]+", c) for c in choices), name
                ctx = typer.Context(command)
                offered = [c.value for c in param.shell_complete(ctx, "")]
                assert offered == choices, name
    assert seen >= 6
