"""Tab completion: the one place that speaks to typer's completion machinery.

Only `typer.completion`, typer's public module for it, is used: since typer 0.25, click is
bundled inside typer as a private package (`typer._click`), so click's own `shell_completion`
is not public to us; `typer.completion` has offered `completion_init` (register typer's
completion classes for bash, zsh, fish and PowerShell) and `get_completion_script` from the
lowest typer we support (0.19) to the newest. If a typer release moves them, this module alone
changes (tests/test_help.py completes in a real bash, and tests/test_public_api.py fails on any
private import of a dependency).
"""

from __future__ import annotations

SHELLS = ("bash", "zsh", "fish", "powershell")
COMPLETE_VAR = "_COACHMENTOR_COMPLETE"  # the variable the completion scripts set


def completion_script(shell: str, prog_name: str = "coachmentor") -> str:
    """The script that makes Tab complete commands, options and values in `shell`."""
    # typer.completion imports these for its own options and lists no __all__; public module,
    # there from typer 0.19 to 0.29 (the tests run the lowest and the latest)
    from typer.completion import get_completion_script  # type: ignore[attr-defined, unused-ignore]

    return get_completion_script(prog_name=prog_name, complete_var=COMPLETE_VAR, shell=shell)


def answer_the_shell_if_asked(environ: dict[str, str] | None = None) -> None:
    """When a shell's completion script runs us (COMPLETE_VAR set), register the completion
    classes so that the app answers with completions instead of running a command."""
    import os

    if COMPLETE_VAR in (os.environ if environ is None else environ):
        from typer.completion import completion_init  # type: ignore[attr-defined, unused-ignore]

        completion_init()
