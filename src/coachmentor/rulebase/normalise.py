"""One way to compare what people type with the ids the rule base declares.

Headers and values are matched after folding case and dropping spaces, hyphens and
underscores: `Career Stage`, `career-stage` and `career_stage` are the same header;
`Senior Leader`, ` senior_leader ` and `SENIOR-LEADER` the same value.

A choice's `prefixes` (a job title that begins `Head of ...`) are compared word by word
instead (`words`), so that `Head of` begins `Head of Maths` but not `Head Office`.
"""

from __future__ import annotations

import re
from typing import Any

_SEPARATORS = re.compile(r"[\s_\-]+")


def fold(text: str) -> str:
    return _SEPARATORS.sub("", text.casefold())


def words(text: str) -> str:
    """Case folded, each run of spaces, hyphens and underscores one space, trimmed."""
    return _SEPARATORS.sub(" ", text.casefold()).strip()


def begins_with(text: str, prefix: str) -> bool:
    """`text` begins with the whole words of `prefix` and goes on after them (both `words`)."""
    return text.startswith(prefix + " ") and len(text) > len(prefix) + 1


def ends_with(text: str, suffix: str) -> bool:
    """`text` ends with the whole words of `suffix` after other words (both `words`)."""
    return text.endswith(" " + suffix) and len(text) > len(suffix) + 1


_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
                 "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
                 "twelve": 12, "half a": 0.5, "half an": 0.5}
_LENGTH = re.compile(r"^(?:about |around |approx\.? |approximately |roughly |c\.? |circa )?"
                     r"([0-9]+(?:[.,][0-9]+)?|[a-z]+(?: a| an)?)[ -]?([a-z]+)$")  # ASCII digits


def duration_months(durations: Any, raw: str) -> float | None:
    """The length in months of '9 months', '10 weeks', 'two terms', 'about 1.5 years' (a
    number, or one to twelve in words, then a unit of `durations.units`), or None."""
    m = _LENGTH.match(" ".join(raw.casefold().split()))
    if m is None:
        return None
    number, unit = m.groups()
    count = _NUMBER_WORDS.get(number)
    if count is None:
        try:
            count = float(number.replace(",", "."))
        except ValueError:
            return None
    units = durations.units
    per = units.get(unit)
    if per is None and unit.endswith("s"):
        per = units.get(unit[:-1])
    return None if per is None or count <= 0 else count * per


def duration_value(durations: Any, raw: str) -> str | None:
    """The value of the band a typed length falls in (Durations: the first band whose
    up_to_months it does not exceed), or None if `raw` is not a length."""
    months = duration_months(durations, raw)
    if months is None:
        return None
    for band in durations.bands:
        if band.up_to_months is None or months <= band.up_to_months:
            return str(band.value)
    return None
