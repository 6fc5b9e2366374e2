"""A self-contained HTML report of a batch (`assess --report FILE.html`).

One file, no external assets and no scripts: the charts are inline SVG, the styles inline
CSS with a print stylesheet. It reads only the summary dict (see batch/summary.py), which
holds counts, row numbers and staff_id values — never names or free text. Every text is
escaped. Nothing time-dependent is written, so the same input gives the same file.
"""

from __future__ import annotations

from html import escape
from typing import Any, Iterable

COLOURS = {
    "coaching": "#2f6db5",
    "mentoring": "#2f9e6e",
    "both": "#8a5cc2",
    "other": "#c77d1a",
    "errors": "#b23b3b",
}
LABELS = {
    "coaching": "Coaching",
    "mentoring": "Mentoring",
    "both": "Both",
    "other": "Other support first",
    "errors": "Errors",
}
SERIES = ("coaching", "mentoring", "both", "other", "errors")

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:2rem auto;
max-width:60rem;padding:0 1rem;color:#1d1d1f;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
.meta{color:#555;font-size:.9rem}.cards{display:flex;flex-wrap:wrap;gap:.8rem;margin:1rem 0}
.card{border:1px solid #ddd;border-radius:.5rem;padding:.6rem 1rem;min-width:8rem}
.card b{display:block;font-size:1.5rem}table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{border-bottom:1px solid #e5e5e5;padding:.3rem .5rem;text-align:left}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}.warn{color:#8a4b00}
.legend span{display:inline-block;margin-right:1rem}.sw{display:inline-block;width:.8rem;
height:.8rem;margin-right:.3rem;vertical-align:middle}svg text{font-size:12px;fill:#1d1d1f}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}table,svg{break-inside:avoid}
.card{border-color:#999}}
"""


def _e(value: Any) -> str:
    return escape(str(value), quote=True)


def _num(n: Any) -> str:
    return f"{n:,}" if isinstance(n, int) else _e(n)


def _bar_chart(items: list[tuple[str, int, str]], total: int, title: str) -> str:
    """Horizontal bars: (label, value, colour)."""
    width, label_w, row_h = 640, 170, 26
    bar_w = width - label_w - 70
    height = row_h * len(items) + 10
    top = max([v for _, v, _ in items] + [1])
    parts = [
        f'<svg role="img" aria-label="{_e(title)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{_e(title)}</title>",
    ]
    for i, (label, value, colour) in enumerate(items):
        y = 5 + i * row_h
        w = round(bar_w * value / top, 1)
        share = f" ({value / total:.0%})" if total else ""
        parts.append(f'<text x="0" y="{y + 17}">{_e(label)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 4}" width="{w}" height="16" fill="{colour}"/>')
        parts.append(f'<text x="{label_w + w + 6}" y="{y + 17}">{value:,}{_e(share)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _stacked_chart(groups: list[tuple[str, dict[str, int]]], title: str) -> str:
    """One stacked bar per group, in the series' colours, scaled to the largest group."""
    width, label_w, row_h = 640, 170, 26
    bar_w = width - label_w - 60
    height = row_h * len(groups) + 10
    top = max([g.get("rows", 0) for _, g in groups] + [1])
    parts = [
        f'<svg role="img" aria-label="{_e(title)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{_e(title)}</title>",
    ]
    for i, (name, g) in enumerate(groups):
        y = 5 + i * row_h
        parts.append(f'<text x="0" y="{y + 17}">{_e(_short(name, 24))}</text>')
        x = float(label_w)
        for key in SERIES:
            v = g.get(key, 0)
            if not v:
                continue
            w = round(bar_w * v / top, 1)
            parts.append(
                f'<rect x="{x}" y="{y + 4}" width="{w}" height="16" fill="{COLOURS[key]}">'
                f"<title>{_e(LABELS[key])}: {v:,}</title></rect>"
            )
            x += w
        parts.append(f'<text x="{x + 6}" y="{y + 17}">{g.get("rows", 0):,}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _legend() -> str:
    return '<p class="legend">' + "".join(
        f'<span><i class="sw" style="background:{COLOURS[k]}"></i>{_e(LABELS[k])}</span>'
        for k in SERIES
    ) + "</p>"


def _group_table(groups: Iterable[tuple[str, dict[str, int]]], first: str) -> str:
    head = "".join(f'<th class="n">{_e(LABELS[k])}</th>' for k in SERIES)
    rows = []
    for name, g in groups:
        cells = "".join(f'<td class="n">{g.get(k, 0):,}</td>' for k in SERIES)
        rows.append(f'<tr><td>{_e(name)}</td><td class="n">{g.get("rows", 0):,}</td>{cells}</tr>')
    return (
        f'<table><thead><tr><th>{_e(first)}</th><th class="n">Rows</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def render_report(summary: dict[str, Any], *, title: str = "Coaching and mentoring: batch report") -> str:
    s = summary
    rules = s.get("rules", {})
    recs = s.get("recommendations", {})
    total_ok = s.get("ok", 0)
    out: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
    ]
    source = (s.get("input") or {}).get("name") if isinstance(s.get("input"), dict) else None
    meta = [
        f"Rule base {_e(rules.get('name', '?'))} {_e(rules.get('version', '?'))}"
        f" ({_e(rules.get('date', '?'))}), {_e(rules.get('hash', '?'))}",
        f"coachmentor {_e(s.get('coachmentor_version', '?'))}",
    ]
    if source:
        meta.insert(0, f"Input: {_e(source)}")
    out.append(f'<p class="meta">{" · ".join(meta)}</p>')

    cards = [
        ("Rows", s.get("rows", 0)),
        ("Assessed", total_ok),
        ("Error rows", s.get("errors", 0)),
        ("Coaching relationships", s.get("capacity", {}).get("coaching", {}).get("relationships", 0)),
        ("Mentoring relationships", s.get("capacity", {}).get("mentoring", {}).get("relationships", 0)),
    ]
    out.append('<div class="cards">' + "".join(
        f'<div class="card"><b>{_num(v)}</b>{_e(k)}</div>' for k, v in cards) + "</div>")

    out.append("<h2>Recommendations</h2>")
    items = [(LABELS[k], int(recs.get(k, 0)), COLOURS[k]) for k in ("coaching", "mentoring", "both", "other")]
    if s.get("errors"):
        items.append((LABELS["errors"], int(s["errors"]), COLOURS["errors"]))
    out.append(_bar_chart(items, s.get("rows", 0), "Recommendations"))
    alts = s.get("alternatives") or {}
    if alts:
        out.append("<p>“Other support first” means: " + ", ".join(
            f"{_e(k.replace('_', ' '))} {int(v):,}" for k, v in alts.items()) + ".</p>")

    cap = s.get("capacity", {})
    out.append("<h2>Capacity to plan for</h2><table><thead><tr><th>Support</th>"
               '<th class="n">Relationships</th><th class="n">Sessions each</th>'
               '<th class="n">Hours a session</th><th class="n">Hours in all</th></tr></thead><tbody>')
    for kind in ("coaching", "mentoring"):
        c = cap.get(kind, {})
        out.append(
            f"<tr><td>{_e(kind.capitalize())} (a “both” counts in each)</td>"
            f'<td class="n">{_num(c.get("relationships", 0))}</td>'
            f'<td class="n">{_num(c.get("sessions_each") if c.get("sessions_each") is not None else "—")}</td>'
            f'<td class="n">{_num(c.get("hours_per_session") if c.get("hours_per_session") is not None else "—")}</td>'
            f'<td class="n">{_num(c.get("hours") if c.get("hours") is not None else "—")}</td></tr>'
        )
    out.append("</tbody></table><p class=\"meta\">Hours are an estimate from the rule base's plans "
               "(coaching: a short defined period of about six sessions; mentoring: monthly over a year).</p>")

    for heading, key, first in (("By career stage", "by_career_stage", "Career stage"),
                                ("By department", "by_department", "Department")):
        groups = list((s.get(key) or {}).items())
        if not groups:
            continue
        out.append(f"<h2>{_e(heading)}</h2>")
        out.append(_legend())
        out.append(_stacked_chart(groups[:40], heading))
        out.append(_group_table(groups, first))

    errors = s.get("error_rows") or s.get("first_errors") or []
    out.append("<h2>Rows with errors</h2>")
    if not s.get("errors"):
        out.append("<p>None: every row was assessed.</p>")
    else:
        shown_n = len(errors)
        note = "" if shown_n >= s["errors"] else f" (the first {shown_n:,} of {s['errors']:,})"
        out.append(f"<p>{s['errors']:,} row(s) could not be assessed{_e(note)}. Fix them in the "
                   "source file and run again; the results file marks each with status “error”.</p>")
        out.append('<table><thead><tr><th class="n">Row</th><th>staff_id</th><th>Problem</th></tr></thead><tbody>')
        for e in errors:
            out.append(f'<tr><td class="n">{_num(e.get("row"))}</td><td>{_e(e.get("staff_id") or "—")}</td>'
                       f'<td>{_e(e.get("error", ""))}</td></tr>')
        out.append("</tbody></table>")
    dup = s.get("duplicate_staff_ids") or {}
    if dup.get("rows"):
        out.append(f'<p class="warn">Warning: {dup["rows"]:,} row(s) repeat a staff_id already seen: '
                   + "; ".join(f"{_e(d['staff_id'])} (rows {', '.join(map(str, d['rows']))})"
                               for d in dup.get("examples", [])[:20]) + ".</p>")
    out.append('<p class="meta">This report holds counts, row numbers and staff_id values only: '
               "no names or free text from the input.</p>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"
