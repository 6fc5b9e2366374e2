"""One way to compare what people type with the ids the rule base declares.

Headers and values are matched after folding case and dropping spaces, hyphens and
underscores: `Career Stage`, `career-stage` and `career_stage` are the same header;
`Senior Leader`, ` senior_leader ` and `SENIOR-LEADER` the same value.
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s_\-]+")


def fold(text: str) -> str:
    return _SEPARATORS.sub("", text.casefold())
