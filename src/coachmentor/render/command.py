"""Command lines printed for people to copy ("Save this", "To keep every result in a file").

They start with the program as it was invoked, so that pasting one runs: `.venv/bin/coachmentor`
after the README's first command, plain `coachmentor` from an activated environment or
pipx, `python3 -m coachmentor` when run as a module. Arguments are quoted for a POSIX shell.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from collections.abc import Callable, Sequence

NAME = "coachmentor"


def program(argv: Sequence[str] | None = None, orig_argv: Sequence[str] | None = None,
            which: Callable[[str], str | None] = shutil.which) -> str:
    """How to run this program again, as typed: the console script's path as given (or its
    bare name when that is what PATH finds), `PYTHON -m coachmentor` for a module run, and
    `coachmentor` when we are not the program at all (a library caller, a test runner)."""
    argv = sys.argv if argv is None else argv
    first = argv[0] if argv else ""
    base = os.path.basename(first)
    if base == "__main__.py" and os.path.basename(os.path.dirname(first)) == NAME:
        typed = orig_argv if orig_argv is not None else getattr(sys, "orig_argv", None)
        interpreter = typed[0] if typed else (sys.executable or "python3")
        return f"{shlex.quote(interpreter)} -m {NAME}"
    stem = base.lower()
    for ending in (".exe", "-script.py", ".py"):
        stem = stem.removesuffix(ending)
    if stem != NAME:
        return NAME
    if os.sep in first or (os.altsep and os.altsep in first):
        # A shell that found it on PATH hands Python the full path: print the bare name when
        # that is what PATH finds, else the path as given (relative stays relative).
        found = which(base)
        try:
            if found and os.path.samefile(found, first):
                return base
        except OSError:
            pass
        return shlex.quote(first)
    return shlex.quote(base)


def command_line(arguments: Sequence[str], prog: str | None = None) -> str:
    """`prog` (default: `program()`) and `arguments`, each quoted for a POSIX shell."""
    return " ".join([prog or program(), *(shlex.quote(a) for a in arguments)])


def unbroken(line: str, columns: int) -> str:
    """`line` with spaces added where a terminal `columns` wide would wrap it inside a word,
    so that it wraps between words instead. It is still one line: a terminal copies a
    wrapped line back whole, and a shell reads a run of spaces as one. Not a terminal
    (columns 0), or short enough: `line` as it is. A word longer than a row still breaks."""
    if columns <= 0 or len(line) <= columns:
        return line
    out: list[str] = []
    col = 0  # characters on the current row, 0..columns (a full row wraps on the next one)
    words = line.split(" ")
    for i, word in enumerate(words):
        if i:
            # room for the word, and for the space after it unless it is the last: a row
            # ends with a space, so the next one starts with a word
            need = col + 1 + len(word) + (i < len(words) - 1)
            gap = 1 if need <= columns or len(word) >= columns else max(1, columns - col)
            out.append(" " * gap)
            col = _advance(col, gap, columns)
        out.append(word)
        col = _advance(col, len(word), columns)
    return "".join(out)


def _advance(col: int, n: int, columns: int) -> int:
    if n and col == columns:
        col = 0
    col += n
    while col > columns:
        col -= columns
    return col
