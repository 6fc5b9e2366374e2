"""The batch summary as plain lines for standard error: counts, the capacity to plan for,
the first error rows by number and staff id — never a name, never a cell's value."""

from __future__ import annotations

from typing import Any

from coachmentor.batch.columns import mean_line
from coachmentor.batch.summary import RECOMMENDATIONS, IdTable
from coachmentor.files.messages import shown, stale_note
from coachmentor.render.words import wording
from coachmentor.rulebase.ruleset import RuleSet

IN_BRIEF = {"coaching": "coaching", "mentoring": "mentoring", "both": "both",
            "other": "other support first"}


def column_warnings(d: dict[str, Any]) -> list[str]:
    """A header near a field but not it ('time_frme'): every row was assessed without that
    answer, so it is said first, and even with -q (header texts and field ids, no cell)."""
    hints = d.get("unused_column_suggestions") or {}
    return [f"  warning: {mean_line(header, fid)} Every row was assessed without "
            f"{fid}; rename the header and run again." for header, fid in list(hints.items())[:10]]


def render_text(d: dict[str, Any], rules: RuleSet | None = None, *,
                errors_shown: bool = False) -> str:
    """The summary as plain lines for stderr (no names: only counts, row numbers, staff_id).

    People read it: recommendations, alternatives and career stages are in the rule base's
    words (`rules`, else the shipped rule base when `d` was made with it, else the ids in
    words), and staff ids are named by the user's own column header. `errors_shown`: every
    error row is already on screen (the table of `assess` at a terminal), so it is counted,
    not listed again."""
    words = wording(d, rules)
    sid = shown(words.header("staff_id", "staff_id"), 30)
    lines = []
    head = f"coachmentor assess: {d['rows']:,} row(s): {d['ok']:,} ok, {d['errors']:,} error(s)"
    if d.get("blank_rows_skipped"):
        head += f"; {d['blank_rows_skipped']:,} blank row(s) skipped"
    if d.get("elapsed_seconds") is not None:
        head += f" ({d['elapsed_seconds']:.2f} s)"
    lines.append(head)
    lines += column_warnings(d)  # second: it changes every result
    recs = d["recommendations"]
    lines.append("  recommendations: " + ", ".join(f"{words.rec(k)} {v:,}" for k, v in recs.items()))
    if d["alternatives"]:
        lines.append(f"  '{words.rec('other')}' means: " + ", ".join(
            f"{words.alternative(k)} {v:,}" for k, v in d["alternatives"].items()))
    if d.get("rows_with_warnings"):
        places = [f"row {w['row']}" + (f" ({sid} {shown(w['staff_id'], 30)})"
                                       if w.get("staff_id") else "")
                 for w in (d.get("warning_rows") or [])[:5]]
        more = ", ..." if d["rows_with_warnings"] > len(places) else ""
        listed = f": {', '.join(places)}{more}" if places else ""
        lines.append(f"  {d['rows_with_warnings']:,} row(s) with answers that look inconsistent, "
                     f"see their 'warnings' column{listed}")
    for title, key, name_of in (("by career stage", "by_career_stage", words.stage_short),
                                ("by department", "by_department", words.group)):
        groups = d.get(key) or {}
        if not groups:
            continue
        lines.append(f"  {title}:")
        shown_groups = list(groups.items())
        for name, g in shown_groups[:15]:
            parts = [f"{IN_BRIEF[r]} {g[r]:,}" for r in RECOMMENDATIONS if g[r]]
            if g["errors"]:
                parts.append(f"errors {g['errors']:,}")
            lines.append(f"    {shown(name_of(name), 60)}: {g['rows']:,} ({', '.join(parts)})")
        if len(shown_groups) > 15:
            lines.append(f"    ... and {len(shown_groups) - 15} more")
    cap = d["capacity"]
    c, m = cap["coaching"], cap["mentoring"]
    lines.append(
        f"  capacity: {c['relationships']:,} coaching relationship(s)"
        + (f", about {c['hours']:,} coach hours" if c["hours"] is not None else "")
        + (f" ({c['sessions_each']} sessions x {c['hours_per_session']} h)" if c["hours"] else "")
        + f"; {m['relationships']:,} mentoring relationship(s)"
        + (f", about {m['hours']:,} mentor hours" if m["hours"] is not None else "")
        + (f" ({m['sessions_each']} sessions x {m['hours_per_session']} h)" if m["hours"] else "")
    )
    inp = d.get("input") or {}
    if d["errors"] and errors_shown:
        lines.append(f"  errors: {d['errors']:,} row(s), in the table above with what to fix")
    elif d["errors"]:
        lines.append(f"  errors ({d['errors']:,} row(s); the first "
                     f"{len(d['first_errors'])}):")
        for e in d["first_errors"]:
            value = shown(e["staff_id"].strip(), 30) if (e["staff_id"] or "").strip() else ""
            where = f"row {e['row']} ({sid} {value})" if value else f"row {e['row']}"
            lines.append(f"    {where}: {e['error']}")
    dup = d["duplicate_staff_ids"]
    if dup["rows"]:
        lines.append(f"  warning: {dup['rows']:,} row(s) repeat a {sid} given in an earlier row:")
        for e in dup["examples"][:5]:
            lines.append(f"    {sid} {e['staff_id']}: rows {', '.join(map(str, e['rows']))}")
    if not dup["checked_all"]:
        lines.append(f"  note: repeated {sid} checked among the first {IdTable.capacity():,} "
                     "distinct ids only")
    hints = d.get("unused_column_suggestions") or {}
    unused = [u for u in d["unused_columns"] if u not in hints]
    if "redacted_columns" in d:  # --redact: which columns were treated how, by header
        named = ", ".join(f"'{shown(c, 30)}'" for c in d["redacted_columns"]) or "none found"
        lines.append(f"  redacted (--redact): name columns pseudonymised: {named}")
        unknown = d.get("pseudonymised_unknown_columns") or []
        if unknown:
            more = f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""
            lines.append("  redacted (--redact): columns coachmentor does not know, pseudonymised: "
                         + ", ".join(f"'{shown(u, 30)}'" for u in unknown[:10]) + more)
        if d["errors"]:
            lines.append("  redacted (--redact): in error rows, values that are not accepted "
                         "answers are pseudonymised, extra values removed")
        if not d.get("pseudonyms_stable"):
            lines.append("  redacted (--redact): pseudonyms differ between runs (set "
                         "COACHMENTOR_REDACT_KEY to keep them)")
    elif unused:
        lines.append("  columns carried through, not used: " + ", ".join(
            f"'{shown(u, 30)}'" for u in unused[:10]))
    out = d.get("output") or {}
    if out.get("replaced_a_file"):
        lines.append(f"  note: {shown(str(out.get('name')), 200)} was there before and has been "
                     "replaced")
    stale = d.get("stale_temporary_files_removed") or []
    if stale:
        lines.append(stale_note(stale))
    if inp.get("rows_above_header_skipped"):
        lines.append(f"  note: the header is on row {inp['header_row']}; "
                     f"{inp['rows_above_header_skipped']} row(s) above it skipped")
    if (inp.get("encoding") or "").startswith("cp1252"):
        lines.append("  note: the input is not UTF-8; it was read as cp1252 (set --encoding to override)")
    cut = (d.get("output") or {}).get("cells_cut")
    if cut:
        from coachmentor.files.workbook_out import CUT, MAX_CELL

        lines.append(f"  note: {cut:,} cell(s) longer than an Excel cell holds ({MAX_CELL:,} "
                     f"characters) were cut; each ends with '{CUT.strip()}'")
    lines.append(
        f"  rules: {d['rules']['name']} {d['rules']['version']} ({d['rules']['hash']})"
    )
    return "\n".join(lines) + "\n"
