"""One console policy for every screen (`make_console`):

- no escape codes at all when `TERM=dumb` (or `unknown`) or `NO_COLOR` is set (non-empty),
  nor when the output is not a terminal;
- plain ASCII instead of box drawing, bars, bullets and arrows when the terminal cannot draw
  them: `TERM=dumb`, or an encoding that is not UTF-8 (`glyphs`);
- one width for the intro, every question, the review and the result: the terminal's, at
  most `MAX_WIDTH` columns (`terminal_width`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TextIO

MAX_WIDTH = 100  # wider lines are hard to read; a wider terminal gets this many columns
MIN_WIDTH = 20


# --- the terminal ---------------------------------------------------------------------------


def dumb_terminal(environ: Mapping[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    return env.get("TERM", "").strip().lower() in ("dumb", "unknown")


def no_escapes(environ: Mapping[str, str] | None = None) -> bool:
    """No escape codes at all: TERM=dumb, or NO_COLOR set to anything but '' (no-color.org)."""
    env = os.environ if environ is None else environ
    return dumb_terminal(env) or env.get("NO_COLOR", "") != ""


def terminal_width(environ: Mapping[str, str] | None = None) -> int:
    """The terminal's width (COLUMNS, else stderr's, stdout's or stdin's size; 80 if none),
    between MIN_WIDTH and MAX_WIDTH."""
    env = os.environ if environ is None else environ
    width = 0
    try:
        width = int(env.get("COLUMNS", ""))
    except ValueError:
        pass
    if width <= 0:
        for fd in (2, 1, 0):
            try:
                width = os.get_terminal_size(fd).columns
                break
            except OSError:
                continue
    if width <= 0:
        width = 80
    return max(MIN_WIDTH, min(MAX_WIDTH, width))


@dataclass(frozen=True)
class Glyphs:
    ascii: bool
    bullet: str
    arrow: str  # how a typed word was read: 'ECT → Early career teacher'
    current: str  # '← current'
    dot: str  # between hints
    range: str  # 1–13
    full: str  # a bar's filled part ...
    empty: str  # ... and its empty part
    minus: str


UNICODE = Glyphs(False, "•", "→", "←", "·", "–", "█", "░", "−")
ASCII = Glyphs(True, "*", "->", "<-", "|", "-", "#", ".", "-")


def glyphs(console: Any) -> Glyphs:
    """ASCII when the console is a dumb terminal or its encoding is not UTF-8."""
    encoding = (getattr(console, "encoding", None) or "utf-8").lower().replace("-", "")
    dumb = bool(getattr(console, "is_terminal", False)) and dumb_terminal()
    return ASCII if dumb or not encoding.startswith("utf") else UNICODE


def box_for(console: Any, box: Any) -> Any:
    """`box` (a rich box), or plain ASCII where the console cannot draw it."""
    if glyphs(console).ascii:
        from rich import box as boxes

        return boxes.ASCII
    return box


def screen_columns(console: Any) -> int:
    """The columns of the terminal behind `console` (0 when it writes to no terminal): where
    the terminal really wraps a long line, whatever width the console lays text out to."""
    if not getattr(console, "is_terminal", False):
        return 0
    try:
        return os.get_terminal_size(console.file.fileno()).columns
    except (AttributeError, OSError, ValueError):
        return 0


def print_command(console: Any, intro: str, command: str) -> None:
    """`intro`, then `command` on a line of its own, which a terminal wraps between words (see
    `command.unbroken`) and copies back as one line; nothing but the command on it."""
    from rich.text import Text

    from coachmentor.render.command import unbroken
    from coachmentor.textsafe import printable

    console.print(Text(intro))
    console.print(Text(unbroken(printable(command), screen_columns(console))), soft_wrap=True)


def _height() -> int:
    for fd in (2, 1, 0):
        try:
            return max(1, os.get_terminal_size(fd).lines)
        except OSError:
            continue
    return 25


def make_console(*, stderr: bool = True, file: TextIO | None = None, width: int | None = None) -> Any:
    """A rich Console that follows the policy above."""
    from rich.console import Console

    return Console(
        stderr=stderr,
        file=file,
        width=width or terminal_width(),
        height=_height(),  # with a width, or rich takes a dumb terminal to be 80 columns
        highlight=False,
        emoji=False,
        safe_box=True,
        color_system=None if no_escapes() else "auto",
    )


# --- the questions --------------------------------------------------------------------------
