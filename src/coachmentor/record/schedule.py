"""When each review of a relationship is due, from its start and planned end.

The agreement by the end of week 3 (the first meeting: purpose, terms, length and
confidentiality agreed); the mid-point half way ("reviewed at mid-point", Maddox-Daines);
the end at the planned end.
"""

from __future__ import annotations

import datetime as dt

from coachmentor.record.vocab import AGREEMENT_BY_DAYS


def due_dates(start: dt.date | None, planned_end: dt.date | None) -> dict[str, dt.date]:
    out: dict[str, dt.date] = {}
    if start is None:
        return out
    out["agreement"] = start + dt.timedelta(days=AGREEMENT_BY_DAYS)
    if planned_end is not None and planned_end > start:
        out["mid_point"] = start + (planned_end - start) / 2
        out["end"] = planned_end
    return out
