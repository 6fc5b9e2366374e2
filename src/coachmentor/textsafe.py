"""The one way user text is made fit for a terminal: `printable()`.

Names, departments, staff ids, cell values, answers typed at a prompt, file names and rule-file
text can all hold control characters: an escape sequence that clears the screen or sets the
window title, a BEL, a C1 control such as U+009B (CSI), a bidi override, a newline that breaks a
one-line message. `printable()` shows each such character as its Python escape (`\\x1b`,
`\\x07`, `\\x9b`, `\\u202e`, `\\n`), visibly and without losing what was there.

Every message on stderr, the questionnaire, and `advise`'s text and markdown output go through
it. JSON output does not: json escapes control characters itself and must stay exact.

Rich markup (`[bold]`) in user text is never interpreted: rich gets user text only as `Text`
objects (`rich_text()`), never as a markup string, so `[bold]Bob[/bold]` is shown as typed.
"""

from __future__ import annotations

from typing import Any


def _escape(ch: str) -> str:
    return repr(ch)[1:-1]


def printable(text: str, *, newlines: bool = False) -> str:
    """`text` with every non-printable character escaped (`\\x1b`, `\\n`, ...); with
    `newlines`, a line feed is kept (multi-line text such as a rule's help)."""
    if text.isprintable():
        return text
    return "".join(
        ch if ch.isprintable() or (newlines and ch == "\n") else _escape(ch) for ch in text
    )


def rich_text(text: str, style: str | None = None, *, newlines: bool = False) -> Any:
    """User text as a rich `Text`: control characters escaped, markup shown literally."""
    from rich.text import Text

    return Text(printable(text, newlines=newlines), style=style or "")


def printable_tree(value: Any, *, newlines: bool = True) -> Any:
    """A copy of a JSON-like document (dicts, lists, strings) with every string printable."""
    if isinstance(value, str):
        return printable(value, newlines=newlines)
    if isinstance(value, dict):
        return {k: printable_tree(v, newlines=newlines) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(printable_tree(v, newlines=newlines) for v in value)
    return value


__all__ = ["printable", "printable_tree", "rich_text"]
