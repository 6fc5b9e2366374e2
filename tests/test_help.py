"""Every command's --help teaches: an Examples section, and metavars in words (no <str>)."""

from __future__ import annotations

from typing import Any

import pytest
import typer
from conftest import invoke

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
    result = invoke(*path, "--help", env={"COLUMNS": "100"})
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
    result = invoke("assess", "--help", env={"COLUMNS": "100"})
    assert result.output.splitlines()[0] == "Usage: coachmentor assess [OPTIONS] INPUT"
    assert "--format csv|tsv|jsonl|json|xlsx" in result.output
    assert "--output FILE" in result.output


@pytest.mark.parametrize("group", [(), ("rules",)], ids=["coachmentor", "rules"])
def test_group_help_has_examples(group: tuple[str, ...]) -> None:
    result = invoke(*group, "--help", env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    examples = result.output.split("\nExamples:\n", 1)[1]
    assert f"coachmentor {' '.join(group)}".strip() in examples
    assert max(len(line) for line in result.output.splitlines()) <= 100


# --- shell completion ---------------------------------------------------------------------


@pytest.mark.parametrize("shell, marker", [("bash", "complete -o default -F"),
                                           ("zsh", "#compdef coachmentor"),
                                           ("fish", "complete --command coachmentor"),
                                           ("powershell", "Register-ArgumentCompleter")])
def test_completion_prints_the_script_for_the_shell(shell: str, marker: str) -> None:
    result = invoke("completion", shell)
    assert result.exit_code == 0, result.output
    assert marker in result.stdout and "_COACHMENTOR_COMPLETE" in result.stdout


def test_completion_takes_the_shell_from_SHELL_or_says_to_name_it() -> None:
    result = invoke("completion", env={"SHELL": "/usr/bin/zsh"})
    assert result.exit_code == 0 and "#compdef coachmentor" in result.stdout
    for env, args in (({"SHELL": "/bin/tcsh"}, []), ({"SHELL": ""}, []), ({}, ["csh"])):
        result = invoke("completion", *args, env=env)
        assert result.exit_code == 2
        assert result.stdout == ""
        assert "bash, zsh, fish, powershell" in result.stderr


def _complete(words: str, cword: int) -> list[str]:
    """What bash offers for `words` (the cursor at word `cword`), asking the installed command
    through the script `coachmentor completion bash` prints, in a real bash."""
    import os
    import shutil
    import subprocess
    import sys

    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not installed")
    env = {**os.environ, "PATH": f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ['PATH']}"}
    script = (f'source <(coachmentor completion bash); COMP_WORDS=({words}); COMP_CWORD={cword}; '
              '_coachmentor_completion coachmentor; printf "%s\\n" "${COMPREPLY[@]}"')
    done = subprocess.run([bash, "-c", script], env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_bash_completes_commands_options_and_format_values() -> None:
    assert _complete("coachmentor as", 1) == ["assess"]
    assert set(_complete("coachmentor ''", 1)) >= {"advise", "assess", "match", "template",
                                                   "rules", "completion"}
    assert "--format" in _complete("coachmentor assess --for", 2)
    assert _complete("coachmentor assess --format js", 3) == ["jsonl", "json"]
    assert _complete("coachmentor rules t", 2) == ["test"]
