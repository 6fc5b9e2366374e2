"""The report as a self-contained HTML page (no scripts, no fonts or files fetched) or as
plain text, from the document `report.build` made. Every text is escaped."""

from __future__ import annotations

from html import escape
from typing import Any

from coachmentor.record.report import summary_lines

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;max-width:60rem;
margin:2rem auto;padding:0 1rem;color:#1a1a1a;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;
border-bottom:2px solid #2b6cb0;padding-bottom:.2rem}h3{font-size:1rem;margin-top:1.2rem}
p.meta{color:#555;margin-top:0}table{border-collapse:collapse;margin:.5rem 0 1rem;width:100%}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;font-size:.9rem}
th{background:#f0f4f8}td.n{text-align:right;font-variant-numeric:tabular-nums}
tr.small td{color:#777;font-style:italic}.note{font-size:.85rem;color:#444}
dl.summary{display:grid;grid-template-columns:auto 1fr;gap:.3rem 1rem}
dl.summary dt{font-weight:600}dl.summary dd{margin:0}
@media print{body{margin:0}h2{page-break-after:avoid}}
"""

MEASURES = (("relationships", "relationships"), ("completed", "completed"),
            ("ended_early", "ended early"), ("end_reviews", "end reviews"),
            ("goals_met_pct", "goals met %"), ("self_rating_change", "self-rating change"),
            ("usefulness", "usefulness (1-5)"), ("practice_change_pct", "practice change %"))


def _cell(value: Any) -> str:
    if value is None:
        return '<td class="n">–</td>'
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        shown = f"+{value}" if isinstance(value, float) and value > 0 else str(value)
        return f'<td class="n">{escape(shown)}</td>'
    return f"<td>{escape(str(value))}</td>"


def _table(rows: list[dict[str, Any]], columns: tuple[tuple[str, str], ...], min_group: int,
           first: tuple[str, str] | None = None) -> str:
    if not rows:
        return '<p class="note">Nothing recorded yet.</p>'
    cols = ((first,) if first else ()) + columns
    head = "".join(f"<th>{escape(title)}</th>" for _, title in cols)
    body = []
    for r in rows:
        cells = "".join(_cell(r.get(k)) for k, _ in cols)
        if r.get("suppressed"):
            cells += f'<td>fewer than {min_group}: figures withheld</td>'
        else:
            cells += "<td></td>"
        body.append(f'<tr class="{"small" if r.get("suppressed") else ""}">{cells}</tr>')
    return (f"<table><thead><tr>{head}<th></th></tr></thead><tbody>{''.join(body)}"
            "</tbody></table>")


def render_html(doc: dict[str, Any], *, summary_only: bool = False) -> str:
    m = doc["min_group"]
    title = "Coaching and mentoring: the year in summary" if summary_only else \
        "Coaching and mentoring: the year's record"
    parts = [f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
             f"<title>{escape(title)}</title><style>{CSS}</style></head><body>",
             f"<h1>{escape(title)}</h1>",
             f'<p class="meta">{escape(doc["school"])}, {escape(doc["year"])}; as of '
             f'{escape(doc["as_of"])}. Counts, dates and ratings only: no names, no goals\' '
             "words (unless a pair shared them), no notes. Groups of fewer than "
             f"{m} relationships show no figures.</p>"]
    parts.append("<h2>The year at a glance</h2><dl class=\"summary\">" + "".join(
        f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in summary_lines(doc)) + "</dl>")
    if summary_only:
        parts.append("</body></html>\n")
        return "".join(parts)
    cov = (("support", "support"), ("needed", "recommended"), ("matched", "matched"),
           ("unmatched", "not matched"), ("matched_pct", "matched %"))
    parts.append("<h2>Coverage and equity</h2><h3>By school</h3>" +
                 _table(doc["coverage"]["by_school"], cov, m, ("group", "school")) +
                 "<h3>By career stage</h3>" +
                 _table(doc["coverage"]["by_stage"], cov, m, ("group", "career stage")))
    load = "".join(f"<tr><td>{escape(s['supporter_id'])}</td>{_cell(s['open'])}"
                   f"{_cell(s['capacity'])}<td>{'over capacity' if s['over'] else ''}</td></tr>"
                   for s in doc["supporters"])
    parts.append("<h3>Supporters' load</h3>" + (
        f"<table><thead><tr><th>supporter</th><th>open relationships</th><th>capacity</th>"
        f"<th></th></tr></thead><tbody>{load}</tbody></table>" if load
        else '<p class="note">No supporters yet.</p>'))
    hap = (("relationships", "relationships"), ("active", "active"),
           ("meetings_planned", "meetings planned so far"), ("meetings_held", "held"),
           ("held_pct", "held %"), ("cancelled", "cancelled"),
           ("no_agreement", "no agreement by week 3"), ("reviews_overdue", "reviews overdue"),
           ("no_check_in", "no check-in for 21 days"))
    parts.append("<h2>Is it happening?</h2>" + _table(doc["happening"], hap, m,
                                                        ("support", "support")))
    out = doc["outcomes"]
    parts.append("<h2>Outcomes by kind of support</h2>"
                 '<p class="note">At the end review: goals met, the change in the same 1-5 '
                 "self-rating from the agreement, usefulness, and change in practice seen.</p>")
    for key, heading, first in (("by_support", "As delivered", "support"),
                                ("recommended_or_changed", "As recommended, or changed",
                                 "delivered"),
                                ("by_type", "By type", "type"), ("by_focus", "By focus", "focus"),
                                ("by_stage", "By career stage", "career stage")):
        parts.append(f"<h3>{escape(heading)}</h3>" + _table(out[key], MEASURES[1:], m,
                                                              ("group", first)))
    parts.append("<h3>Early endings, by reason</h3>" +
                 _table(out["early_endings"], (("count", "relationships"),), m,
                        ("group", "reason")))
    loop = (("recommended", "recommended"), ("relationships", "relationships"),
            ("delivered_as_recommended", "delivered as recommended"), *MEASURES[1:])
    parts.append("<h2>How the recommendations fared, by rule base</h2>"
                 '<p class="note">Descriptive only: which kinds of support the rule base '
                 "recommended, and how they went. Nothing here changes the rule base.</p>" +
                 _table(doc["loop"], loop, m, ("rules_hash", "rule base")))
    if doc["shared_goals"]:
        items = "".join(f"<li>{escape(g['support'])}, {escape(g['focus'] or 'no focus')}: "
                        f"{escape(g['text'])}</li>" for g in doc["shared_goals"])
        parts.append("<h2>Goals the pairs chose to share</h2><ul>" + items + "</ul>")
    parts.append("</body></html>\n")
    return "".join(parts)


def render_text(doc: dict[str, Any]) -> str:
    lines = [f"Coaching and mentoring, {doc['school']}, {doc['year']} (as of {doc['as_of']})"]
    width = max(len(k) for k, _ in summary_lines(doc))
    lines += [f"  {k:<{width}}  {v}" for k, v in summary_lines(doc)]
    return "\n".join(lines) + "\n"
