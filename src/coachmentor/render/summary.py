"""The batch summary as plain lines for standard error: counts, the capacity to plan for,
the first error rows by number and staff id — never a name, never a cell's value."""

from __future__ import annotations

from typing import Any

from coachmentor.batch.columns import mean_line
from coachmentor.batch.summary import AssessSummary, IdTable
from coachmentor.files.messages import shown, stale_note
from coachmentor.render.words import short_label, wording
from coachmentor.rulebase.model import RECOMMENDATIONS
from coachmentor.rulebase.normalise import fold
from coachmentor.rulebase.ruleset import RuleSet

IN_BRIEF = {"coaching": "coaching", "mentoring": "mentoring", "both": "both",
            "other": "other support first"}


def column_warnings(d: AssessSummary) -> list[str]:
    """A header near a field but not it ('time_frme'): every row was assessed without that
    answer, so it is said first, and even with -q (header texts and field ids, no cell)."""
    hints = d.get("unused_column_suggestions") or {}
    return [f"  warning: {mean_line(header, fid)} Every row was assessed without "
            f"{fid}; rename the header and run again." for header, fid in list(hints.items())[:10]]


GROUPS_SHOWN = 10  # (column, value) groups listed of each kind; the summary file has them all
ROWS_SHOWN = 6  # row numbers listed per group


def covering(d: AssessSummary) -> str:
    """' (from the 46 rows assessed; 74 not yet)' when some rows could not be assessed: the
    totals it follows count only the rows assessed."""
    if not d.get("errors"):
        return ""
    return f" (from the {d['ok']:,} row(s) assessed; {d['errors']:,} not yet)"


def _rows(g: dict[str, Any], most: int = ROWS_SHOWN) -> str:
    numbers = g.get("row_numbers") or []
    return ", ".join(map(str, numbers[:most])) + (", …" if g["rows"] > most else "")


def merged(groups: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The (column, value) groups with the same column and the same thing to do together
    ('TA', 'HLTA' and 'Cover Supervisor' in Career Stage), the largest first."""
    by: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for g in groups:
        by.setdefault((g.get("column"), g.get("fix"), g.get("error")), []).append(g)
    return sorted(by.values(), key=lambda gs: -sum(g["rows"] for g in gs))


def _where(g: dict[str, Any], sid: str) -> str:
    """'row 5 (Staff ID A2)', '2 rows: 51, 58 (Staff ID S1050, S1057)', '26 rows: 3, 4, 6, …
    (Staff ID S1002, S1003, S1005, …)': where to go, by row and staff id."""
    numbers = (g.get("row_numbers") or [])[:ROWS_SHOWN]
    ids = [shown(i, 30) for i in (g.get("staff_ids") or [])[:len(numbers)] if i]
    more = ", …" if g["rows"] > len(numbers) else ""
    said = f" ({sid} {', '.join(ids)}{more})" if ids else ""
    if g["rows"] == 1 and numbers:
        return f"row {numbers[0]}{said}"
    return f"{g['rows']:,} rows: {', '.join(map(str, numbers))}{more}{said}"


def group_line(gs: list[dict[str, Any]], sid: str = "staff_id") -> str:
    """"26 rows, 3, 4, 6, … (staff_id ...): 'N/A' in Induction Sign Off: what to do", or for
    several values with the same thing to do: "4 rows: 'TA' (51, 58), 'HLTA' (10) in Career
    Stage: ..."."""
    total = sum(g["rows"] for g in gs)
    head = f"{total:,} row{'s' if total != 1 else ''}"
    g = gs[0]
    if len(gs) == 1:
        value = g.get("value")
        what = f"{value} in {g['column']}" if value else f"{g['column']} empty"
        return f"{_where(g, sid)}: {what}: {g['fix']}"
    values = ", ".join(f"{x.get('value') or 'empty'} ({_rows(x, 3)})" for x in gs)
    return f"{head}: {values} in {g['column']}: {g['fix']}"


def value_lines(d: AssessSummary, words: Any, sid: str, errors_shown: bool) -> list[str]:
    """The errors, grouped by (column, value), then what else needs doing; the values read
    with a warning, grouped alike; the accepted values of those questions, once."""
    lines: list[str] = []
    groups = d.get("value_problems") or []
    errors = [g for g in groups if g.get("error")]
    warned = [g for g in groups if not g.get("error")]
    if d["errors"] and errors_shown and not errors:
        lines.append(f"  errors: {d['errors']:,} row(s), in the table above with what to fix")
    elif d["errors"]:
        above = ", in the table above; by value" if errors_shown else ""
        lines.append(f"  to fix: {d['errors']:,} row(s) not assessed{above}:")
        lines += _listed(merged(errors), sid)
        others = d.get("other_errors")
        if others is None:  # a summary from before values were grouped
            others = d.get("first_errors") or []
        for e in others[:FIRST_ERRORS_SHOWN]:
            value = shown(e["staff_id"].strip(), 30) if (e["staff_id"] or "").strip() else ""
            where = f"row {e['row']} ({sid} {value})" if value else f"row {e['row']}"
            lines.append(f"    {where}: {e['error']}")
        more = (d.get("error_rows_not_by_value") or 0) - FIRST_ERRORS_SHOWN
        if more > 0:
            lines.append(f"    ... and {more:,} more row(s) like these")
    if warned:
        total = sum(g["rows"] for g in warned)
        lines.append(f"  read with a warning ({total:,} value(s); see each row's 'warnings'):")
        lines += _listed(merged(warned), sid)
    accepted = d.get("accepted_values") or {}
    if accepted:
        lines.append("  accepted values (type the value or its words):")
        for fid, choices in accepted.items():
            said = ", ".join(choice_words(c) for c in choices)
            lines.append(f"    {shown(words.header(fid, fid), 40)}: {said}")
    if groups:
        import shlex

        name = str((d.get("input") or {}).get("name") or "STAFF")
        staff = "-" if name == "<stdin>" else shlex.quote(shown(name, 200))
        lines.append(f"  next: `coachmentor values {staff} -o values.csv` lists each of these "
                     "values once with a 'use' cell to fill; then run again with --values "
                     "values.csv")
    if d.get("recoded_cells"):
        name = (d.get("values_file") or {}).get("name", "the values file")
        lines.append(f"  values file {shown(str(name), 200)}: {d['recoded_cells']:,} cell(s) recoded")
    if d.get("suggestions_accepted"):
        lines.append(f"  --accept-suggestions: {d['suggestions_accepted']:,} cell(s) read as their "
                     "suggestion, each row warned")
    return lines


FIRST_ERRORS_SHOWN = 5


def header_map_lines(d: AssessSummary) -> list[str]:
    """Which column was read for each question, and who said so when not its header."""
    read = d.get("columns_read") or []
    if not read:
        return []
    said = [f"{r['question']} '{shown(r['column'], 40)}'"
            + (f" ({shown(str(r['how']), 60)})" if r.get("how") not in (None, "header") else "")
            for r in read if r.get("column")]
    none = [r["question"] for r in read if not r.get("column")]
    return ["  columns read: " + ", ".join(said) + (f"; no column for: {', '.join(none)}"
                                                     if none else "")]


def _listed(merged_groups: list[list[dict[str, Any]]], sid: str) -> list[str]:
    lines = [f"    {group_line(gs, sid)}" for gs in merged_groups[:GROUPS_SHOWN]]
    if len(merged_groups) > GROUPS_SHOWN:
        lines.append(f"    ... and {len(merged_groups) - GROUPS_SHOWN} more (all in --summary and "
                     "--report)")
    return lines


def choice_words(choice: dict[str, str]) -> str:
    """'specific_practice (One specific aspect of practice)'; 'short' alone when its label
    says no more ('Short')."""
    label = short_label(choice["label"])
    return choice["value"] if fold(label) == fold(choice["value"]) else f"{choice['value']} ({label})"


def render_text(d: AssessSummary, rules: RuleSet | None = None, *,
                errors_shown: bool = False) -> str:
    """The summary as plain lines for stderr (no names: only counts, row numbers, staff_id).

    People read it: recommendations, alternatives and career stages are in the rule base's
    words (`rules`, else the shipped rule base when `d` was made with it, else the ids in
    words), and staff ids are named by the user's own column header. `errors_shown`: every
    error row is already on screen (the table of `assess` at a terminal), so it is counted,
    not listed again."""
    words = wording(d, rules)
    sid = shown(words.header("staff_id", "staff_id"), 30)
    lines = [_head(d)]
    lines += column_warnings(d)  # second: it changes every result
    lines += _result_lines(d, words, sid)
    lines += _group_lines(d, words)
    lines.append(_capacity_line(d))
    lines += value_lines(d, words, sid, errors_shown)
    lines += _duplicate_lines(d, sid)
    lines += header_map_lines(d)
    lines += _column_lines(d)
    lines += _note_lines(d)
    lines.append(
        f"  rules: {d['rules']['name']} {d['rules']['version']} ({d['rules']['hash']})"
    )
    return "\n".join(lines) + "\n"


def _head(d: AssessSummary) -> str:
    head = f"coachmentor assess: {d['rows']:,} row(s): {d['ok']:,} ok, {d['errors']:,} error(s)"
    if d.get("blank_rows_skipped"):
        head += f"; {d['blank_rows_skipped']:,} blank row(s) skipped"
    if d.get("elapsed_seconds") is not None:
        head += f" ({d['elapsed_seconds']:.2f} s)"
    return head


def _result_lines(d: AssessSummary, words: Any, sid: str) -> list[str]:
    """The recommendations, what 'another kind of support' meant, and the rows to look at."""
    recs = d["recommendations"]
    lines = [f"  recommendations{covering(d)}: " + ", ".join(
        f"{words.rec(k)} {v:,}" for k, v in recs.items())]
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
    return lines


def _group_lines(d: AssessSummary, words: Any) -> list[str]:
    """By career stage and by department: rows and results of each (the first 15)."""
    lines = []
    for title, groups_of, name_of in (
            ("by career stage", d.get("by_career_stage"), words.stage_short),
            ("by department", d.get("by_department"), words.group)):
        groups = groups_of or {}
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
    return lines


def _capacity_line(d: AssessSummary) -> str:
    cap = d["capacity"]
    c, m = cap["coaching"], cap["mentoring"]
    return (
        f"  capacity{covering(d)}: {c['relationships']:,} coaching relationship(s)"
        + (f", about {c['hours']:,} coach hours" if c["hours"] is not None else "")
        + (f" ({c['sessions_each']} sessions x {c['hours_per_session']} h)" if c["hours"] else "")
        + f"; {m['relationships']:,} mentoring relationship(s)"
        + (f", about {m['hours']:,} mentor hours" if m["hours"] is not None else "")
        + (f" ({m['sessions_each']} sessions x {m['hours_per_session']} h)" if m["hours"] else "")
    )


def _duplicate_lines(d: AssessSummary, sid: str) -> list[str]:
    lines = []
    dup = d["duplicate_staff_ids"]
    if dup["rows"]:
        lines.append(f"  warning: {dup['rows']:,} row(s) repeat a {sid} given in an earlier row:")
        for e in dup["examples"][:5]:
            lines.append(f"    {sid} {e['staff_id']}: rows {', '.join(map(str, e['rows']))}")
    if not dup["checked_all"]:
        lines.append(f"  note: repeated {sid} checked among the first {IdTable.capacity():,} "
                     "distinct ids only")
    return lines


def _column_lines(d: AssessSummary) -> list[str]:
    """Under --redact, which columns were treated how; else the columns not used."""
    hints = d.get("unused_column_suggestions") or {}
    unused = [u for u in d["unused_columns"] if u not in hints]
    if "redacted_columns" not in d:
        if not unused:
            return []
        return ["  columns carried through, not used: " + ", ".join(
            f"'{shown(u, 30)}'" for u in unused[:10])]
    named = ", ".join(f"'{shown(c, 30)}'" for c in d["redacted_columns"]) or "none found"
    lines = [f"  redacted (--redact): name columns pseudonymised: {named}"]
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
    return lines


def _note_lines(d: AssessSummary) -> list[str]:
    """Notes on the files: a replaced output, stale temporary files, a header below a title,
    a cp1252 input, cells cut to fit a workbook."""
    lines = []
    inp = d.get("input") or {}
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
    cut = out.get("cells_cut")
    if cut:
        from coachmentor.files.workbook_out import CUT, MAX_CELL

        lines.append(f"  note: {cut:,} cell(s) longer than an Excel cell holds ({MAX_CELL:,} "
                     f"characters) were cut; each ends with '{CUT.strip()}'")
    return lines
