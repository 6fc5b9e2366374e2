"""How `advise` looks at a terminal: the intro and the questions.

`coachmentor advise` at a terminal shows the first question straight from the parsed YAML,
then validates the rule base (pydantic) while the person reads it: validation costs more
than everything else at start-up. The first question is drawn by the same code as every
later one (`print_question`, rich), so the screens look alike; only `rich` is imported
before it, not the models.

Every screen uses one console policy (`coachmentor.render.console`).
"""

from __future__ import annotations

from typing import Any, TextIO

from coachmentor.render.console import MIN_WIDTH, glyphs, make_console

TITLE = "coachmentor — coaching, mentoring, both, or something else?"
INTRO = (
    "Type a choice's number or its value. '?' shows help and the source, "
    "'<' goes back. You can review every answer before the result."
)
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
        about = any(isinstance(other, dict) and (other.get("when") or other.get("skip_when"))
                    for other in questions)
    except (KeyError, IndexError, TypeError, AttributeError):
        return None
    console = make_console(file=out, width=width)
    print_intro(console)
    print_question(
        console, prompt=prompt, required=required, choices=choices, position=progress(1, total, about)
    )
    out.flush()
    return qid
