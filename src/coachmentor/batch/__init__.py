"""Batch assessment (`coachmentor assess`) and the ready-to-fill template.

    from coachmentor import load_rules
    from coachmentor.batch import assess_file
    summary = assess_file(load_rules(), "staff.csv", output=Path("results.csv"))
    summary["recommendations"]      # {'coaching': 20, 'mentoring': 15, 'both': 8, 'other': 4}

Modules: source (reading CSV/xlsx), columns (header -> field), core (the loop and its memo),
checks (bad rows), cells (result cells, the formula guard), sinks (CSV/JSON writers), summary
(the summary dict and its text), run (the whole run), template (`coachmentor template`).
"""

from __future__ import annotations

from .run import assess_file, write_summary
from .summary import SummaryBuilder, render_text

__all__ = ["assess_file", "write_summary", "SummaryBuilder", "render_text"]
