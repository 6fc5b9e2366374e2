"""Domain errors. Each carries the exit code the contract gives it and one printable line.

The CLI turns these into one line on stderr and `typer.Exit(code)`; nothing else should
reach the user as a traceback (unless `--debug`).
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_ROW_ERRORS = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class CoachmentorError(Exception):
    """A problem the user can fix; `str(err)` is the whole message, one line."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class RuleFileError(CoachmentorError):
    """The rule base cannot be read or is invalid (names file, line and key)."""


class AnswersError(CoachmentorError):
    """An answers file, a --set value or a prompted value is invalid."""


class InputFileError(CoachmentorError):
    """A batch input file cannot be read as a whole (not a row-level problem)."""


class MissingAnswersError(AnswersError):
    """Required answers are missing and cannot be asked for."""

    def __init__(self, missing: list[str], message: str) -> None:
        super().__init__(message)
        self.missing = missing


def check_format(fmt: str, allowed: tuple[str, ...]) -> str:
    """`--format` for every command: case and spaces ignored, one clear error otherwise."""
    value = fmt.strip().lower()
    if value not in allowed:
        raise CoachmentorError(f"--format: '{fmt}' is not one of {', '.join(allowed)}")
    return value


class OutputError(CoachmentorError):
    """An output (a file, a device, a pipe, standard output) could not be written.

    Not a bug, so the CLI prints the one line even under --debug. `target` is the name as
    the user gave it ('standard output' for stdout); `reason` the system's words."""

    def __init__(self, target: str, reason: str, message: str | None = None) -> None:
        super().__init__(message or f"cannot write {target}: {reason}")
        self.target = target
        self.reason = reason
