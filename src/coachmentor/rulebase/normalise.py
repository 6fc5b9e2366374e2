"""One way to compare what people type with the ids the rule base declares.

Headers and values are matched after folding case and dropping spaces, hyphens and
underscores: `Career Stage`, `career-stage` and `career_stage` are the same header;
`Senior Leader`, ` senior_leader ` and `SENIOR-LEADER` the same value.

A choice's `prefixes` (a job title that begins `Head of ...`) are compared word by word
instead (`words`), so that `Head of` begins `Head of Maths` but not `Head Office`.
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s_\-]+")


def fold(text: str) -> str:
    return _SEPARATORS.sub("", text.casefold())


def words(text: str) -> str:
    """Case folded, each run of spaces, hyphens and underscores one space, trimmed."""
    return _SEPARATORS.sub(" ", text.casefold()).strip()


def begins_with(text: str, prefix: str) -> bool:
    """`text` begins with the whole words of `prefix` and goes on after them (both `words`)."""
    return text.startswith(prefix + " ") and len(text) > len(prefix) + 1
