"""The end of the questionnaire at a terminal: one key saves the report, one shows the whole
result, Enter finishes.

Only for a person who has just answered the questions, at a terminal (standard input and
output both), and never on a CI machine (`CI` set): a script, a pipe or a build is never
asked anything. The report is the markdown one (`advise -o advice.md` writes the same), in a
file whose name is not taken (`save_name`), written atomically and never over another file.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SAVE = {"s", "y"}
WHOLE = {"f", "w"}
DONE = {"\r", "\n", "q", "n", "\x1b", "\x04", ""}  # Enter, q, n, Esc, Ctrl-D (or end of input)


def on_ci(environ: Mapping[str, str] | None = None) -> bool:
    """CI=true (or any value but '', 0, false, no): a build machine, where nobody answers."""
    env = os.environ if environ is None else environ
    return env.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def can_offer() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty() and not on_ci()


@contextmanager
def one_key() -> Iterator[Callable[[], str]]:
    """Read single key presses from the terminal (no Enter needed), its settings put back
    afterwards; keys typed before the offer appears are dropped, so that a stray Enter
    typed during the result never answers it. Ctrl-C still interrupts. Where the terminal
    cannot be switched (Windows without a console, an odd device), a line is read instead
    and its first character counts."""
    fd = sys.stdin.fileno()
    try:
        import termios
        import tty

        saved = termios.tcgetattr(fd)
    except Exception:  # no termios (Windows), or not a terminal it can set (termios.error)
        yield _line_key
        return
    try:
        tty.setcbreak(fd)
        termios.tcflush(fd, termios.TCIFLUSH)
        yield lambda: os.read(fd, 32).decode("utf-8", errors="replace")
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def _line_key() -> str:
    line = sys.stdin.readline()
    return (line.strip()[:1] or "\n") if line else ""


def key_meaning(pressed: str) -> str:
    """'save', 'whole', 'done' or 'other' for what one key press sent (an arrow key sends
    several characters: 'other', never Esc's 'done')."""
    if len(pressed) > 1 and pressed not in ("\r\n",):
        return "other"
    key = pressed[:1].lower()
    if key in SAVE:
        return "save"
    if key in WHOLE:
        return "whole"
    return "done" if key in DONE else "other"


def offer_to_save(
    *,
    console: Any,
    name: str,
    save: Callable[[], str],
    show_whole: Callable[[], None] | None,
    command: str,
    keys: Callable[[], Any] = one_key,
) -> None:
    """Ask, one key at a time, until the report is saved or the person is done. `save`
    writes it and returns the name used; `show_whole` prints the whole result (None when it
    is on screen already); `command` is what saves it later."""
    from rich.text import Text

    from coachmentor.render.console import glyphs, print_command

    dot = glyphs(console).dot
    while True:
        choices = [f"s saves the report as {name}"]
        if show_whole is not None:
            choices.append("f shows the whole result")
        choices.append("Enter finishes")
        try:
            with keys() as read:
                console.print(Text(f" {dot} ".join(choices) + " ", style="bold"), end="")
                console.file.flush()
                pressed = read()
        except KeyboardInterrupt:  # Ctrl-C: as calm as in the questions (exit 130)
            from coachmentor.cli.questionnaire import STOPPED, _stopped

            console.print()
            console.print(Text(STOPPED))
            raise _stopped() from None
        meaning = key_meaning(pressed)
        console.print()
        if meaning == "save":
            saved = save()
            console.print(Text(f"Saved the report as {saved} (in {_folder(saved)})."), soft_wrap=True)
            return
        if meaning == "whole" and show_whole is not None:
            show_whole()
            show_whole = None
            continue
        if meaning == "done":
            print_command(console, "Not saved. To save it later, run:", command)
            return
        console.print(Text("Press s, f or Enter." if show_whole is not None else "Press s or Enter.",
                           style="yellow"))


def _folder(name: str) -> str:
    from coachmentor.textsafe import printable

    return printable(str(Path(name).resolve().parent))
