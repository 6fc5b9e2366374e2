"""The first question, on screen before anything heavy is imported.

`coachmentor advise` at a terminal shows the first question straight from the parsed YAML,
written with plain ANSI codes, then imports rich and validates the rule base (pydantic)
while the person reads it: those two cost more than everything else at start-up. The
questionnaire shows every later question with rich, in the same layout.
"""

from __future__ import annotations

import os
import textwrap
from typing import Any, TextIO

TITLE = "coachmentor — coaching, mentoring, both, or something else?"
INTRO = (
    "Type a choice's number or its value. '?' shows help and the source, "
    "'<' goes back. You can review every answer before the result."
)


def preview_first_question(raw_rules: Any, out: TextIO, *, width: int = 80) -> str | None:
    """Write the intro and the first question; return its id, or None (nothing written) if
    the data does not look like a rule base (validation will then say why)."""
    try:
        q = raw_rules["questions"][0]
        choices = [(str(c["value"]), str(c["label"])) for c in q["choices"]]
        qid, prompt, required = str(q["id"]), str(q["prompt"]), bool(q.get("required", False))
        total = len(raw_rules["questions"])
    except (KeyError, IndexError, TypeError):
        return None
    colour = out.isatty() and "NO_COLOR" not in os.environ
    bold, dim, off = ("\x1b[1m", "\x1b[2m", "\x1b[0m") if colour else ("", "", "")
    lines = [f"{bold}{TITLE}{off}"]
    lines += [f"{dim}{line}{off}" for line in textwrap.wrap(INTRO, width)]
    lines.append("")
    lines.append(f"{dim}1/{total}  {off}{bold}{prompt}{off}" + (f"{dim}  (required){off}" if required else ""))
    for n, (value, label) in enumerate(choices, 1):
        text = textwrap.wrap(f"{label}  [{value}]", max(20, width - 6))
        lines.append(f"  {n:>2}. " + text[0])
        lines += ["      " + more for more in text[1:]]
    hints = "number or value · ? help · < back" + ("" if required else " · Enter skips")
    lines.append(f"{dim}  {hints}{off}")
    out.write("\n".join(lines) + "\n")
    out.flush()
    return qid
