"""Every command's --help teaches: an Examples section, and metavars in words (no <str>)."""

from __future__ import annotations

from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from coachmentor.cli.app import app


def _commands() -> list[tuple[str, ...]]:
    """Every leaf command of the typer app, as its argv path (rules subcommands included)."""
    found: list[tuple[str, ...]] = []

    def walk(command: Any, path: tuple[str, ...]) -> None:
        if getattr(command, "commands", None):
            for name, sub in command.commands.items():
                walk(sub, (*path, name))
        else:
            found.append(path)

    walk(typer.main.get_command(app), ())
    return found


COMMANDS = _commands()


def test_the_walk_finds_every_command() -> None:
    for expected in [("advise",), ("assess",), ("match",), ("template",), ("rules", "check"),
                     ("rules", "test")]:
        assert expected in COMMANDS


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_help_has_examples_and_words(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    text = result.output
    assert "\nExamples:\n" in text
    examples = text.split("\nExamples:\n", 1)[1]
    assert f"coachmentor {' '.join(path)}" in examples
    for noise in ("<str>", "<list", "<path>", "<int>", "<bool>"):
        assert noise not in text, f"{' '.join(path)} --help shows {noise}"
    usage = text.splitlines()[0]
    assert "{" not in usage and "<" not in usage, usage
    assert max(len(line) for line in text.splitlines()) <= 100


def test_assess_usage_line() -> None:
    result = CliRunner().invoke(app, ["assess", "--help"], env={"COLUMNS": "100"})
    assert result.output.splitlines()[0] == "Usage: coachmentor assess [OPTIONS] INPUT"
    assert "--format csv|tsv|jsonl|json|xlsx" in result.output
    assert "--output FILE" in result.output
