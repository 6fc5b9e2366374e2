"""Dates as schools type them: 2025-10-14, 14/10/2025, 14/10/25, 14 Oct 2025, or a date cell.

Day first (a school in England writes 03/10 for the 3rd of October). Anything else is not a
date: the caller refuses the row rather than guess.
"""

from __future__ import annotations

import datetime as dt
import re

_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y", "%d-%m-%Y", "%d %b %Y", "%d %B %Y",
            "%d %b %y", "%a %d %b %Y", "%A %d %B %Y")
_ISO_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]00:00(:00)?$")


def parse_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = " ".join(value.strip().split())
    if not text:
        return None
    m = _ISO_TIME.match(text)
    if m:
        text = m.group(1)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    for fmt in _FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None
