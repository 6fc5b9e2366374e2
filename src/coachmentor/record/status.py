"""`record status`: what needs a nudge today. One row per flag: no agreement by week 3, a
review overdue by two weeks, no check-in for 21 days. Ids, dates and counts only."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Callable
from typing import Any

from coachmentor.record.db import Database, today
from coachmentor.record.facts import load
from coachmentor.record.vocab import STATUSES, label

COLUMNS = ("relationship", "staff_id", "supporter_id", "school", "support", "status", "flag",
           "detail")


def status(db: Database, *, year: str | None = None, school: str | None = None,
           supporter: str | None = None, pseudonym: Callable[[str], str] | None = None
           ) -> dict[str, Any]:
    now = today()
    with db.transaction() as conn:
        rels = load(conn, year=year, school=school, supporter=supporter)
    hide = pseudonym or (lambda text: text)
    flags = []
    for rel in rels:
        for flag, words in rel.flags(now):
            flags.append({"relationship": rel.id, "staff_id": hide(rel.staff_id),
                          "supporter_id": hide(rel.supporter_id or ""), "school": rel.school,
                          "support": rel.support, "status": rel.status, "flag": flag,
                          "detail": words})
    counts = Counter(r.status for r in rels)
    return {"as_of": now.isoformat(), "relationships": len(rels),
            "by_status": {s: counts.get(s, 0) for s in STATUSES},
            "flags": flags, "by_flag": dict(sorted(Counter(f["flag"] for f in flags).items()))}


def render_status(doc: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(COLUMNS)
        for f in doc["flags"]:
            w.writerow([f[c] for c in COLUMNS])
        return buf.getvalue()
    counts = ", ".join(f"{n} {label(s)}" for s, n in doc["by_status"].items() if n)
    lines = [f"record status on {doc['as_of']}: {doc['relationships']} relationships"
             + (f" ({counts})" if counts else "")]
    if not doc["flags"]:
        lines.append("  nothing overdue")
    for f in doc["flags"]:
        lines.append(f"  {f['relationship']:>5}  {f['staff_id']} with {f['supporter_id'] or '-'} "
                     f"({f['support']}, {f['school']}): {f['detail']}")
    return "\n".join(lines) + "\n"
