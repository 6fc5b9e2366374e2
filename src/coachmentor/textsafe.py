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


# --- a terminal that cannot show every character -----------------------------------------

PLAIN_ERRORS = "coachmentor-plain"
# What a person reads in place of a character their terminal's encoding lacks (a Windows
# console in cp437, PYTHONIOENCODING=ascii): punctuation and drawing characters by their
# plain look-alikes, accented letters without their accents, anything else as '?'.
LOOKALIKES = {
    "\u2014": "-", "\u2013": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2018": "'", "\u2019": "'", "\u201a": "'",
    "\u2026": "...", "\u2022": "*", "\u00b7": "|", "\u2192": "->", "\u2190": "<-",
    "\u2588": "#", "\u2591": ".", "\u00a0": " ", "\u202f": " ", "\u00d7": "x",
    "\u2264": "<=", "\u2265": ">=", "\u2260": "!=", "\u00a3": "GBP ", "\u20ac": "EUR ",
    "\u2713": "v", "\u2717": "x",
}
_BOX = {"\u2500": "-", "\u2501": "-", "\u2502": "|", "\u2503": "|", "\u2550": "=",
        "\u2551": "|"}


def plain(ch: str) -> str:
    """`ch` as plain ASCII: its look-alike, its letter without accents, else '?'."""
    import unicodedata

    if ch in LOOKALIKES:
        return LOOKALIKES[ch]
    if ch in _BOX:
        return _BOX[ch]
    if "\u2500" <= ch <= "\u257f":  # other box drawing: corners and joins
        return "+"
    base = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode("ascii")
    return base or "?"


def _plain_errors(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    text = exc.object[exc.start:exc.end]
    out = []
    for ch in text:
        sub = plain(ch)
        try:
            sub.encode(exc.encoding)
        except (UnicodeEncodeError, LookupError):
            sub = "?"
        out.append(sub)
    return "".join(out), exc.end


def plain_where_needed(*streams: Any) -> None:
    """Streams whose encoding cannot hold every character (not UTF) write look-alikes rather
    than fail (`plain`): a result, a prompt or a message is never lost to an encoding."""
    import codecs

    try:
        codecs.lookup_error(PLAIN_ERRORS)
    except LookupError:
        codecs.register_error(PLAIN_ERRORS, _plain_errors)
    for stream in streams:
        encoding = (getattr(stream, "encoding", None) or "utf-8").lower().replace("-", "")
        if encoding.startswith("utf") or not hasattr(stream, "reconfigure"):
            continue
        try:
            stream.reconfigure(errors=PLAIN_ERRORS)
        except (ValueError, OSError):  # closed, or not a text stream we may change
            pass
