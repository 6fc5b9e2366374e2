"""A self-contained HTML report of a batch (`assess --report FILE.html`).

One file, no external assets and no scripts: the charts are inline SVG, the styles inline
CSS with a print stylesheet (A4). It reads the summary dict (see batch/summary.py), which
holds counts, row numbers and staff_id values — never names or free text — and, for the
words people read, the rule base: the questionnaire's labels for career stages, the
result's headlines for recommendations, the alternatives' labels, and the user's own
column headers. Ids stay in machine outputs only. Every text is escaped. Nothing
time-dependent is written, so the same input gives the same file.

Its readers are governors and HR leads: every number says what it counts, and the rule
base's name, version and fingerprint are in the footnote, not the header.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from html import escape
from typing import Any

from coachmentor.render.words import NOT_ASSESSED, Wording, wording
from coachmentor.rulebase.model import RECOMMENDATIONS

COLOURS = {
    "coaching": "#2f6db5",
    "mentoring": "#2f9e6e",
    "both": "#8a5cc2",
    "other": "#c77d1a",
    "errors": "#b23b3b",
}
SERIES = ("coaching", "mentoring", "both", "other", "errors")

CHART_GROUPS = 40  # bars in a chart; its table lists every group

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:2rem auto;
max-width:60rem;padding:0 1rem;color:#1d1d1f;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
.meta{color:#555;font-size:.9rem}\
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(8.5rem,1fr));gap:.7rem;margin:1rem 0}
.card{border:1px solid #ddd;border-radius:.5rem;padding:.6rem .8rem}
.card b{display:block;font-size:1.5rem}.card small{display:block;color:#555}
table{border-collapse:collapse;width:100%;font-size:.92rem;margin:.5rem 0}
th,td{border-bottom:1px solid #e5e5e5;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{font-weight:600}th.id{white-space:nowrap}\
table.groups td:first-child{min-width:10rem;overflow-wrap:anywhere}\
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.warn{color:#8a4b00}.legend span{display:inline-block;margin-right:1rem;white-space:nowrap}
.legend svg{vertical-align:middle;margin-right:.3rem}
svg.chart{display:block;max-width:100%;height:auto;margin:.5rem 0}svg text{font-size:14px;fill:#1d1d1f}
footer{margin-top:2.5rem;border-top:1px solid #ddd;padding-top:.5rem}
@page{size:A4;margin:15mm}
@media print{body{margin:0;max-width:none;padding:0;font-size:10pt;color:#000}
h1{font-size:16pt}h2{font-size:12.5pt;break-after:avoid;page-break-after:avoid}
.card{border-color:#999}.meta,.card small{color:#333}
table.keep,div.keep,svg,figure,.legend{break-inside:avoid;page-break-inside:avoid}
.cards{grid-template-columns:repeat(5,1fr);gap:.4rem}.card{padding:.4rem .5rem}
tr{break-inside:avoid;page-break-inside:avoid}thead{display:table-header-group}
th,td{border-bottom-color:#bbb}}
"""


# --- drawing -------------------------------------------------------------------------------


def _e(value: Any) -> str:
    return escape(str(value), quote=True)


def _num(n: Any) -> str:
    if isinstance(n, bool):
        return _e(n)
    if isinstance(n, int):
        return f"{n:,}"
    if isinstance(n, float):
        return f"{n:,.2f}".rstrip("0").rstrip(".")
    return _e(n)


FONT = 14  # px, the charts' text


def text_width(text: str, size: float = FONT) -> float:
    """A generous estimate of `text`'s width in px in a sans-serif font (DejaVu Sans, the
    widest of the usual ones), so that a label never runs into its bar."""
    w = 0.0
    for ch in text:
        if ch in "il.,;:|!'` ":
            w += 0.34
        elif ch in "mwMW@%":
            w += 0.98
        elif ch.isupper() or ch.isdigit() or not ch.isascii():
            w += 0.74
        else:
            w += 0.62
    return w * size


def wrap(text: str, width: float) -> list[str]:
    """Whole words onto lines of at most `width` px; a single word wider than that is
    split into even pieces (no letter is dropped, no ellipsis)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        if text_width(word) > width and len(word) > 1:
            if line:
                lines.append(line)
                line = ""
            pieces = _pieces(word, width)
            lines += pieces[:-1]
            word = pieces[-1]
        candidate = f"{line} {word}" if line else word
        if not line or text_width(candidate) <= width:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines or [""]


def _pieces(word: str, width: float) -> list[str]:
    """`word` in the fewest pieces of about equal length that each fit `width`."""
    for n in range(2, len(word) + 1):
        size = -(-len(word) // n)
        pieces = [word[i:i + size] for i in range(0, len(word), size)]
        if all(text_width(p) <= width for p in pieces):
            return pieces
    return list(word)


WIDTH = 760  # px; scaled down to the page (an A4 page's text width is about 680)
LABEL_MAX = 270  # px for the labels; longer ones wrap
BAR_H, LINE_H, PAD = 18, 17, 10


def _svg_open(width: int, height: int, title: str) -> list[str]:
    return [
        f'<svg class="chart" role="img" aria-label="{_e(title)}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{_e(title)}</title>",
    ]


def _layout(labels: list[str], values: list[str]) -> tuple[float, float, list[list[str]]]:
    """(label area, bar area, wrapped labels)."""
    label_w = min(max([text_width(t) for t in labels] + [40.0]) + 12, LABEL_MAX)
    value_w = max([text_width(t) for t in values] + [20.0]) + 12
    lines = [wrap(t, label_w - 12) for t in labels]
    return label_w, WIDTH - label_w - value_w, lines


def _label(lines: list[str], y_mid: float) -> str:
    top = y_mid - (len(lines) - 1) * LINE_H / 2 + 5
    return "".join(f'<text x="0" y="{top + i * LINE_H:g}">{_e(t)}</text>'
                   for i, t in enumerate(lines))


def _bar_chart(items: list[tuple[str, str, int, str]], total: int, title: str) -> str:
    """Horizontal bars: (label, full label for the tooltip, value, colour)."""
    values = [f"{v:,}" + (f" ({v / total:.0%})" if total else "") for _, _, v, _ in items]
    label_w, bar_w, lines = _layout([lab for lab, _, _, _ in items], values)
    top = max([v for _, _, v, _ in items] + [1])
    rows_h = [max(BAR_H + PAD, len(ls) * LINE_H + PAD) for ls in lines]
    height = sum(rows_h) + 6
    parts = _svg_open(WIDTH, height, title)
    y = 3.0
    for (_chart_label, full, value, colour), text, ls, h in zip(items, values, lines, rows_h):
        mid = y + h / 2
        w = round(bar_w * value / top, 1)
        parts.append(_label(ls, mid))
        parts.append(f'<rect x="{label_w:g}" y="{mid - BAR_H / 2:g}" width="{w:g}" height="{BAR_H}" '
                     f'fill="{colour}"><title>{_e(full)}: {_e(text)}</title></rect>')
        parts.append(f'<text x="{label_w + w + 6:g}" y="{mid + 5:g}">{_e(text)}</text>')
        y += h
    parts.append("</svg>")
    return "".join(parts)


def _stacked_chart(groups: list[tuple[str, str, dict[str, int]]], title: str, words: Wording) -> str:
    """One stacked bar per group (chart label, full label, counts), scaled to the largest."""
    values = [f"{g.get('rows', 0):,}" for _, _, g in groups]
    label_w, bar_w, lines = _layout([lab for lab, _, _ in groups], values)
    top = max([g.get("rows", 0) for _, _, g in groups] + [1])
    rows_h = [max(BAR_H + PAD, len(ls) * LINE_H + PAD) for ls in lines]
    height = sum(rows_h) + 6
    parts = _svg_open(WIDTH, height, title)
    y = 3.0
    for (_chart_label, full, g), text, ls, h in zip(groups, values, lines, rows_h):
        mid = y + h / 2
        parts.append(_label(ls, mid))
        x = float(label_w)
        for key in SERIES:
            v = g.get(key, 0)
            if not v:
                continue
            w = round(bar_w * v / top, 1)
            parts.append(
                f'<rect x="{x:g}" y="{mid - BAR_H / 2:g}" width="{w:g}" height="{BAR_H}" '
                f'fill="{COLOURS[key]}"><title>{_e(full)} — {_e(words.rec(key))}: {v:,}</title></rect>'
            )
            x += w
        parts.append(f'<text x="{x + 6:g}" y="{mid + 5:g}">{_e(text)}</text>')
        y += h
    parts.append("</svg>")
    return "".join(parts)


def _legend(words: Wording, keys: Iterable[str] = SERIES) -> str:
    # Swatches are SVG, not CSS backgrounds, so that they print.
    return '<p class="legend">' + "".join(
        f'<span><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" '
        f'fill="{COLOURS[k]}"/></svg>{_e(words.rec(k))}</span>'
        for k in keys
    ) + "</p>"


def _table_class(n_rows: int) -> str:
    # A short table is kept on one page; a long one breaks between rows, its header repeated.
    return ' class="keep"' if n_rows <= 25 else ""


def _group_table(groups: list[tuple[str, dict[str, int]]], first: str, words: Wording) -> str:
    head = "".join(f'<th class="n">{_e(words.rec(k))}</th>' for k in SERIES)
    rows = []
    for name, g in groups:
        cells = "".join(f'<td class="n">{g.get(k, 0):,}</td>' for k in SERIES)
        rows.append(f'<tr><td>{_e(name)}</td><td class="n">{g.get("rows", 0):,}</td>{cells}</tr>')
    return (
        f'<table class="groups{" keep" if len(rows) <= 25 else ""}"><thead><tr><th>{_e(first)}</th>'
        '<th class="n">Staff</th>'
        f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


# --- the report ----------------------------------------------------------------------------


def render_report(summary: Mapping[str, Any], rules: Any = None, *,
                  title: str = "Coaching and mentoring: who needs which support") -> str:
    """The report for `summary`. `rules` (the RuleSet the batch ran with) gives the words;
    without it they come from the shipped rule base when the summary was made with it."""
    s = summary
    words = wording(s, rules)
    recs = s.get("recommendations", {})
    rows, ok, n_errors = s.get("rows", 0), s.get("ok", 0), s.get("errors", 0)
    cap = s.get("capacity", {})
    both = int(recs.get("both", 0))
    sid_header = words.header("staff_id", "")

    out: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
    ]
    inp: dict[str, Any] = s["input"] if isinstance(s.get("input"), dict) else {}
    source = _file_name(inp.get("name"))
    out.append(
        '<p>For each member of staff in the list'
        + (f" <b>{_e(source)}</b>" if source else "")
        + ", the kind of support that fits their main development need best: coaching, "
        "mentoring, both, or another kind of support first. The report holds counts only, "
        "no names.</p>"
    )

    cards = [
        (rows, "staff in the list", ""),
        (ok, "assessed", ""),
        (n_errors, "could not be assessed", "see the last section" if n_errors else ""),
        (cap.get("coaching", {}).get("relationships", 0), "need a coach",
         f"including the {both:,} who need both" if both else ""),
        (cap.get("mentoring", {}).get("relationships", 0), "need a mentor",
         f"including the {both:,} who need both" if both else ""),
    ]
    out.append('<div class="cards">' + "".join(
        f'<div class="card"><b>{_num(v)}</b>{_e(k)}'
        + (f"<small>{_e(note)}</small>" if note else "") + "</div>"
        for v, k, note in cards) + "</div>")
    hints = s.get("unused_column_suggestions") or {}
    for header, fid in list(hints.items())[:10] if isinstance(hints, dict) else []:
        out.append(
            f'<p class="warn"><b>The column “{_e(header)}” was not used</b> — did you mean '
            f"“{_e(words.header(fid, fid))}”? Every row was assessed without that answer; "
            "rename the column in the staff list and run it again.</p>")
    warned = s.get("rows_with_warnings")
    if isinstance(warned, int) and warned > 0:
        out.append(
            f'<p class="warn"><b>{_plural(warned, "row has", "rows have")} answers that look '
            "inconsistent</b> — "
            + ("listed under “Rows to check” below, and " if s.get("warning_rows") else "")
            + "see their “warnings” column in the results file. They were assessed; check "
            "those answers before acting on the recommendation.</p>"
        )

    # --- recommendations
    out.append('<div class="keep"><h2>Recommendations</h2>')
    items = [(words.rec(k), words.rec(k), int(recs.get(k, 0)), COLOURS[k]) for k in RECOMMENDATIONS]
    if n_errors:
        items.append((NOT_ASSESSED, NOT_ASSESSED, int(n_errors), COLOURS["errors"]))
    covers = (f" The recommendations are from the {ok:,} rows assessed; {n_errors:,} could not "
              "be assessed yet." if n_errors else "")
    out.append(f"<p class=\"meta\">Staff for each recommendation, and their share of all "
               f"{rows:,} in the list.{_e(covers)}</p>")
    out.append(_bar_chart(items, rows, "Recommendations") + "</div>")
    alts = s.get("alternatives") or {}
    if alts:
        other = words.rec("other")
        has_where = any(words.where_to_turn.get(k) for k in alts)
        out.append(f"<div{_table_class(len(alts))}><p>“{_e(other)}”: neither coaching nor mentoring "
                   "is the right first step for these staff. What fits instead:</p>")
        out.append(f'<table{_table_class(len(alts))}><thead><tr><th>Support instead</th>'
                   '<th class="n">Staff</th>' + ("<th>Where to turn</th>" if has_where else "")
                   + "</tr></thead><tbody>")
        for k, v in alts.items():
            out.append(f'<tr><td>{_e(words.alternative(k))}</td><td class="n">{_num(v)}</td>'
                       + (f"<td>{_e(words.where_to_turn.get(k, ''))}</td>" if has_where else "")
                       + "</tr>")
        out.append("</tbody></table></div>")

    # --- capacity
    out.append(_capacity(cap, both, ok, n_errors))

    # --- groups
    stages = [(words.stage_short(k), words.stage(k), g) for k, g in (s.get("by_career_stage") or {}).items()]
    depts = [(words.group(k), words.group(k), g) for k, g in (s.get("by_department") or {}).items()]
    for heading, groups, first, what in (
        ("By career stage", stages, "Career stage", "career stage"),
        ("By department", depts, words.header("department", "Department"), "department"),
    ):
        if not groups:
            continue
        out.append(f'<div class="keep"><h2>{_e(heading)}</h2>')
        out.append(f'<p class="meta">Staff in each {_e(what)}, by recommendation.</p>')
        out.append("<figure style=\"margin:0\">")
        out.append(_legend(words, [k for k in SERIES if any(g.get(k) for _, _, g in groups)]))
        out.append(_stacked_chart(groups[:CHART_GROUPS], heading, words))
        out.append("</figure></div>")
        if len(groups) > CHART_GROUPS:
            out.append(f'<p class="meta">The chart shows the first {CHART_GROUPS} of '
                       f"{len(groups):,}; the table lists them all.</p>")
        out.append(_group_table([(full, g) for _, full, g in groups], first, words))

    # --- errors, and the values read with a warning
    out.append(_errors(s, words, sid_header, inp))
    out.append(_warned_values(s, sid_header))
    out.append(_accepted(s, words))
    out.append(_to_check(s, sid_header))
    dup = s.get("duplicate_staff_ids") or {}
    if dup.get("rows"):
        what = f"“{sid_header}”" if sid_header else "staff id"
        out.append(f'<p class="warn">Warning: {_plural(dup["rows"], "row repeats", "rows repeat")} '
                   f"a {_e(what)} already used in an earlier row: "
                   + "; ".join(f"{_e(d['staff_id'])} (rows {', '.join(map(str, d['rows']))})"
                               for d in dup.get("examples", [])[:20]) + ".</p>")

    out.append(_columns_read(s))
    out.append(_footer(s, sid_header, source))
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _file_name(name: Any) -> str:
    if not isinstance(name, str) or not name:
        return ""
    if name == "<stdin>":
        return "read from standard input"
    return name.replace("\\", "/").rsplit("/", 1)[-1]


def _capacity(cap: dict[str, Any], both: int, ok: int = 0, not_yet: int = 0) -> str:
    out = ['<div class="keep"><h2>Capacity to plan for</h2>',
           '<table class="keep"><thead><tr><th>Support</th><th class="n">Staff who need it</th>'
           '<th class="n">Sessions each</th><th class="n">Hours a session</th>'
           '<th class="n">Supporter hours in all</th></tr></thead><tbody>']
    known = []
    for kind, noun in (("coaching", "Coaching"), ("mentoring", "Mentoring")):
        c = cap.get(kind, {})
        note = f" (including the {both:,} who need both)" if both else ""
        cells = [c.get("sessions_each"), c.get("hours_per_session"), c.get("hours")]
        if c.get("hours") is not None:
            known.append(kind)
        out.append(
            f"<tr><td>{noun}{_e(note)}</td><td class=\"n\">{_num(c.get('relationships', 0))}</td>"
            + "".join(f'<td class="n">{_num(v) if v is not None else "—"}</td>' for v in cells)
            + "</tr>"
        )
    out.append("</tbody></table>")
    explain = ("“Supporter hours in all” is the time the coaches and mentors give over the "
               "whole of each relationship: staff who need it × sessions each × hours a "
               "session. The staff they support give the same time again. The sessions and "
               "hours are estimates from the rule base's plans (a school can set its own), "
               "not a timetable.")
    if len(known) < 2:
        explain += " “—”: the rule base gives no session plan for it, so no estimate."
    if not_yet:
        explain += (f" It counts the {ok:,} staff assessed; the {not_yet:,} not assessed yet "
                    "will add to it.")
    out.append(f'<p class="meta">{_e(explain)}</p></div>')
    return "".join(out)


def _errors(s: Mapping[str, Any], words: Wording, sid_header: str, inp: dict[str, Any]) -> str:
    n = s.get("errors", 0)
    out = ["<h2>Rows that could not be assessed</h2>"]
    if not n:
        out.append("<p>None: every row was assessed.</p>")
        return "".join(out)
    header_row = inp.get("header_row")
    where = ("“Rows” are the row numbers a spreadsheet shows (the "
             + (f"header is row {header_row}" if isinstance(header_row, int) else "header counts")
             + "): go to those rows to correct them.")
    out.append(f"<p>{_plural(n, 'row', 'rows')} could not be assessed. Correct them in the staff "
               "list, or say what each value means in a values file (<code>coachmentor values"
               "</code>), and run it again; in the results file each has the status “error”. "
               f"{_e(where)}</p>")
    groups = [g for g in s.get("value_problems") or [] if g.get("error")]
    if "value_problems" not in s:  # a summary from before values were grouped
        errors = s.get("error_rows") or s.get("first_errors") or []
        out.append(_row_table([(e.get("row"), e.get("staff_id"),
                                _problem(str(e.get("error", "")), words)) for e in errors],
                              sid_header, "Problem"))
        return f"<div{_table_class(len(errors))}>" + "".join(out) + "</div>"
    out.append(_group_rows(groups, sid_header))
    others = s.get("other_errors") or []
    if others:
        more = (s.get("error_rows_not_by_value") or 0) - len(others)
        out.append("<p>And rows whose problem is not one value"
                   + (f" (the first {len(others):,}; {more:,} more)" if more > 0 else "") + ":</p>")
        out.append(_row_table([(e.get("row"), e.get("staff_id"),
                                _problem(str(e.get("error", "")), words)) for e in others],
                              sid_header, "Problem"))
    return f"<div{_table_class(len(groups))}>" + "".join(out) + "</div>"


def _group_rows(groups: list[dict[str, Any]], sid_header: str = "") -> str:
    """One line per (column, value): how many rows, which (with their staff ids), the value
    and what to do."""
    rows = f"Rows ({sid_header})" if sid_header else "Rows"
    out = [f'<table{_table_class(len(groups))}><thead><tr><th class="n">Staff</th>'
           f"<th>{_e(rows)}</th><th>Column</th><th>Value</th><th>What to do</th></tr></thead>"
           "<tbody>"]
    for g in groups:
        numbers = g.get("row_numbers") or []
        ids = list(g.get("staff_ids") or []) + [None] * len(numbers)
        listed = ", ".join(f"{n} ({sid})" if sid else str(n) for n, sid in zip(numbers, ids))
        listed += ", …" if g.get("rows", 0) > len(numbers) else ""
        out.append(f'<tr><td class="n">{_num(g.get("rows", 0))}</td><td>{_e(listed)}</td>'
                   f"<td>{_e(g.get('column', ''))}</td><td>{_e(g.get('value') or '(empty)')}</td>"
                   f"<td>{_e(g.get('fix', ''))}</td></tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _warned_values(s: Mapping[str, Any], sid_header: str = "") -> str:
    groups = [g for g in s.get("value_problems") or [] if not g.get("error")]
    if not groups:
        return ""
    total = sum(g.get("rows", 0) for g in groups)
    out = ["<h2>Values read with a warning</h2>",
           f"<p>{_plural(total, 'value was', 'values were')} read, but not plainly: each of "
           "these rows was assessed and says so in its “warnings” column. Check them; a "
           "values file (<code>coachmentor values</code>) can confirm or correct each value "
           "once for every row.</p>", _group_rows(groups, sid_header)]
    return f"<div{_table_class(len(groups))}>" + "".join(out) + "</div>"


def _accepted(s: Mapping[str, Any], words: Wording) -> str:
    accepted = s.get("accepted_values") or {}
    if not isinstance(accepted, dict) or not accepted:
        return ""
    out = ["<h2>What each column accepts</h2>",
           "<p>For the columns above: the answers each accepts, and what to type for it (or "
           "the answer's words: case and spaces do not matter).</p>",
           '<table class="keep"><thead><tr><th>Answer</th><th>Type</th></tr></thead><tbody>']
    for fid, choices in accepted.items():
        out.append(f'<tr><th colspan="2">{_e(words.header(fid, fid))}</th></tr>')
        for c in choices:
            out.append(f"<tr><td>{_e(c.get('label', ''))}</td>"
                       f"<td><code>{_e(c.get('value', ''))}</code></td></tr>")
    out.append("</tbody></table>")
    return "<div>" + "".join(out) + "</div>"


def _columns_read(s: Mapping[str, Any]) -> str:
    """The header map: the column read for each question, so a reader can check it."""
    read = s.get("columns_read")
    if not isinstance(read, list) or not read:
        return ""
    how_words = {"header": "its header", None: ""}
    out = ['<div class="keep"><h2>Which column was read for each question</h2>',
           "<p>The column of the staff list read for each question, and who chose it: its "
           "header, or you (<code>--column</code>, or a values file's column lines). A "
           "question with no column was not answered in any row.</p>",
           '<table class="keep"><thead><tr><th>Question</th><th>Column read</th><th>Chosen by</th>'
           "</tr></thead><tbody>"]
    for r in read:
        how = r.get("how")
        out.append(f"<tr><td>{_e(_question_words(str(r.get('question', ''))))}</td>"
                   f"<td>{_e(r.get('column') or '(none)')}</td>"
                   f"<td>{_e(how_words.get(how, how if r.get('column') or how else ''))}</td></tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def _question_words(fid: str) -> str:
    text = fid.replace("_", " ")
    return text[:1].upper() + text[1:]


def _row_table(rows: list[tuple[Any, Any, str]], sid_header: str, what: str) -> str:
    """A table of (row, staff id, text): where a person goes in the staff list, and why."""
    with_sid = bool(sid_header) or any(sid for _, sid, _ in rows)
    sid_th = f'<th class="id">{_e(sid_header or "Staff id")}</th>' if with_sid else ""
    out = [f'<table{_table_class(len(rows))}><thead><tr><th class="n">Row</th>{sid_th}'
           f"<th>{_e(what)}</th></tr></thead><tbody>"]
    for row, staff_id, text in rows:
        sid = f"<td>{_e(staff_id or '—')}</td>" if with_sid else ""
        out.append(f'<tr><td class="n">{_num(row)}</td>{sid}<td>{_e(text)}</td></tr>')
    out.append("</tbody></table>")
    return "".join(out)


def _to_check(s: Mapping[str, Any], sid_header: str) -> str:
    """The rows whose answers look inconsistent: where they are and what to check."""
    n = s.get("rows_with_warnings") or 0
    rows = s.get("warning_rows") or []
    if not isinstance(n, int) or not n or not rows:
        return ""
    note = "" if len(rows) >= n else f" The first {len(rows):,} are listed."
    out = ["<h2>Rows to check</h2>",
           f"<p>{_plural(n, 'row was', 'rows were')} assessed, but the answers look "
           f"inconsistent.{_e(note)} Check them before acting on the recommendation.</p>"]
    out.append(_row_table([(w.get("row"), w.get("staff_id"),
                            " ".join(str(t) for t in w.get("warnings") or [])) for w in rows],
                          sid_header, "What to check"))
    return f"<div{_table_class(len(rows))}>" + "".join(out) + "</div>"


_FIELD_PREFIX = re.compile(r"(^|; )([a-z][a-z0-9_]*): (?=[^;]*column ')")


def _problem(message: str, words: Wording) -> str:
    """An error row's message without its leading field id ('career_stage: ') where the rest
    names the column in the user's own words; anything else is left as it is."""
    known = set(words.columns) | set(words.fields)
    plain = _FIELD_PREFIX.sub(lambda m: m.group(1) if m.group(2) in known else m.group(0), message)
    return plain if plain == message else plain[:1].upper() + plain[1:]


def _footer(s: Mapping[str, Any], sid_header: str, source: str) -> str:
    rules = s.get("rules", {})
    ids = f"“{sid_header}” values" if sid_header else "staff ids"
    parts = [
        f"Made by coachmentor {_e(s.get('coachmentor_version', '?'))} with the rule base "
        f"{_e(rules.get('name', '?'))}, version {_e(rules.get('version', '?'))} "
        f"({_e(rules.get('date', '?'))}); fingerprint {_e(rules.get('hash', '?'))}, which "
        "identifies the exact rules used: the same staff list and rules give the same report.",
        f"This report holds counts, row numbers and {_e(ids)} only: no names or other "
        "text from the staff list.",
    ]
    if source:
        parts.insert(0, f"Staff list: {_e(source)}.")
    return '<footer class="meta"><p>' + " ".join(parts) + "</p></footer>"
