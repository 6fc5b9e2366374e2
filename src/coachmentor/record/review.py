"""`record review ID --stage ...`: one review entered at the terminal (a CPD lead given the
figures by email or on paper). The same checks and writing as a workbook's Reviews row."""

from __future__ import annotations

from coachmentor.record.db import Database
from coachmentor.record.importer import ImportResult, import_tabs
from coachmentor.record.layout import SHEETS


def record_review(db: Database, relationship: int, *, stage: str, held_on: str,
                  self_rating: str = "", usefulness: str = "", practice_change: str = "",
                  decision: str = "", confidentiality: str = "",
                  progress: dict[int, str] | None = None) -> ImportResult:
    cols = SHEETS["Reviews"]
    given = {"relationship": str(relationship), "stage": stage, "held_on": held_on,
             "self_rating": self_rating, "usefulness": usefulness,
             "practice_change": practice_change, "decision": decision,
             "confidentiality_agreed": confidentiality}
    for n, word in (progress or {}).items():
        given[f"goal_{n}"] = word
    index = {c.field: i for i, c in enumerate(cols)}
    cells = [given.get(c.field, "") for c in cols]
    return import_tabs(db, "record review", {"Reviews": (index, [(1, cells)])},
                       command="record review")
