"""Batch assessment (`coachmentor assess`) and the ready-to-fill template.

    from coachmentor import load_rules
    from coachmentor.batch import assess_file
    summary = assess_file(load_rules(), "staff.csv", output=Path("results.csv"))
    summary["recommendations"]      # {'coaching': 20, 'mentoring': 15, 'both': 8, 'other': 4}

Modules: columns (header -> field), keys (a row's answers as one result key), core (the
loop and its memo), checks (bad rows), cells
(result cells, the formula guard), sinks (CSV/JSON writers), summary (the summary dict), run
(the whole run), template (`coachmentor template`). Tables are read by `coachmentor.files.table`;
the summary is rendered by `coachmentor.render.summary` (text) and `.html_report`.
"""

from __future__ import annotations

from coachmentor.batch.run import assess_file, write_summary
from coachmentor.batch.summary import SummaryBuilder

__all__ = ["assess_file", "write_summary", "SummaryBuilder"]
