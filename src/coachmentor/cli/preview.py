"""How `advise` looks at a terminal: the console, the glyphs, the width, and the questions.

`coachmentor advise` at a terminal shows the first question straight from the parsed YAML,
then validates the rule base (pydantic) while the person reads it: validation costs more
than everything else at start-up. The first question is drawn by the same code as every
later one (`print_question`, rich), so the screens look alike; only `rich` is imported
before it, not the models.

One console policy for every screen (`make_console`):

- no escape codes at all when `TERM=dumb` (or `unknown`) or `NO_COLOR` is set (non-empty),
  nor when the output is not a terminal;
- plain ASCII instead of box drawing, bars, bullets and arrows when the terminal cannot draw
  them: `TERM=dumb`, or an encoding that is not UTF-8 (`glyphs`);
- one width for the intro, every question, the review and the result: the terminal's, at
  most `MAX_WIDTH` columns (`terminal_width`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Mapping, TextIO

TITLE = "coachmentor — coaching, mentoring, both, or something else?"
INTRO = (
    "Type a choice's number or its value. '?' shows help and the source, "
    "'<' goes back. You can review every answer before the result."
)
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


def progress(position: int, total: int, about: bool) -> str:
    """'3 of 10', or '1 of about 11' while a follow-up may or may not be asked."""
    return f"{position} of {'about ' if about else ''}{total}"


def print_intro(console: Any) -> None:
    from rich.text import Text

    console.print(Text(TITLE, style="bold"))
    console.print(Text(INTRO, style="dim"))


def print_question(
    console: Any,
    *,
    prompt: str,
    required: bool,
    choices: list[tuple[str, str]],
    position: str = "",
    current: str | None = None,
) -> None:
    """Show one question with numbered choices ((value, label) pairs)."""
    from rich.text import Text

    from coachmentor.textsafe import printable, rich_text

    g = glyphs(console)
    title = Text(f"\n{position + '  ' if position else ''}", style="dim")
    title.append(printable(prompt), style="bold")
    if required:
        title.append("  (required)", style="dim")
    console.print(title)
    # A wrapped label stays indented under its number; no line is padded with spaces.
    indent = 6
    for n, (value, label) in enumerate(choices, 1):
        line = rich_text(label)
        line.append(f"  [{printable(value)}]", style="dim")
        if value == current:
            line.append(f"  {g.current} current", style="green")
        for i, part in enumerate(line.wrap(console, max(MIN_WIDTH, console.width - indent))):
            part.rstrip()
            console.print(Text(f"  {n:>2}. " if i == 0 else " " * indent) + part, soft_wrap=True)
    hints = ["number or value", "? help", "< back"]
    if current:
        hints.append("Enter keeps the current answer")
    elif not required:
        hints.append("Enter skips")
    console.print(Text("  " + f" {g.dot} ".join(hints), style="dim"))


def preview_first_question(raw_rules: Any, out: TextIO, *, width: int | None = None) -> str | None:
    """Write the intro and the first question; return its id, or None (nothing written) if
    the data does not look like a rule base (validation will then say why)."""
    try:
        questions = raw_rules["questions"]
        q = questions[0]
        choices = [(str(c["value"]), str(c["label"])) for c in q["choices"]]
        qid, prompt, required = str(q["id"]), str(q["prompt"]), bool(q.get("required", False))
        # A follow-up (`when:`) may or may not be asked: the same count as the questionnaire's.
        total = len(questions)
        about = any(isinstance(other, dict) and other.get("when") for other in questions)
    except (KeyError, IndexError, TypeError, AttributeError):
        return None
    console = make_console(file=out, width=width)
    print_intro(console)
    print_question(
        console, prompt=prompt, required=required, choices=choices, position=progress(1, total, about)
    )
    out.flush()
    return qid
