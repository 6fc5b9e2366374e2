"""`coachmentor match`'s summary as lines for stderr: counts, ids and school names at most,
never a name (the summary itself is made by `match.run`; this only words it)."""

from __future__ import annotations

from typing import Any

from coachmentor.files.messages import shown, stale_note
from coachmentor.match.explain import CAUSES
from coachmentor.render.summary import group_line, merged

SHOWN = 5  # lines of each list on stderr (the files have them all)


def summary_text(summary: dict[str, Any]) -> str:
    """Lines for stderr: counts, ids and school names at most, never a name. Each list shows
    its first few; the files have them all."""
    lines = [_headline(summary)]
    for key in ("keep", "avoid"):
        if key in summary:
            lines += _stale_lines(key, summary[key])
    for section in (_rows_lines, _duplicate_lines, _value_lines, _check_lines, _unmatched_lines,
                    _training_lines, _closing_lines):
        lines += section(summary)
    return "\n".join(lines) + "\n"


def _headline(summary: dict[str, Any]) -> str:
    rel, sup = summary["relationships"], summary["by_support"]
    return (f"match: {rel['matched']} of {rel['needed']} relationships matched "
            f"(coaching {sup['coaching']['matched']}/{sup['coaching']['needed']}, "
            f"mentoring {sup['mentoring']['matched']}/{sup['mentoring']['needed']}; "
            f"trainees' and ECTs' mentoring {sup['novice_mentoring']['matched']}/"
            f"{sup['novice_mentoring']['needed']})")


def _rows_lines(summary: dict[str, Any]) -> list[str]:
    """Rows that need no supporter: another kind of support first, or an error."""
    lines = []
    other = summary["rows_without_need"]
    if other["other"] or other["error"]:
        lines.append(f"  {other['other']} row(s) need another kind of support; "
                     f"{other['error']} error row(s)")
    for e in (summary.get("error_rows") or [])[:SHOWN]:
        sid = f" (staff_id {e['staff_id']})" if e["staff_id"] else ""
        lines.append(f"    row {e['row']}{sid}: {e['error']}")
    if other["error"] > SHOWN:
        lines.append(f"    ... and {other['error'] - SHOWN} more: status 'error' in the pairs file")
    return lines


def _duplicate_lines(summary: dict[str, Any]) -> list[str]:
    dup = summary.get("duplicate_staff_ids") or {}
    if not dup.get("rows"):
        return []
    lines = [f"  warning: {dup['rows']} row(s) repeat a staff_id given in an earlier row "
             "(the hard rules, --keep, --avoid and --explain cannot tell them apart):"]
    for e in dup["examples"][:SHOWN]:
        lines.append(f"    staff_id {shown(e['staff_id'], 30)}: rows "
                     f"{', '.join(map(str, e['rows']))}")
    return lines


def _value_lines(summary: dict[str, Any]) -> list[str]:
    """Cells read with a warning, and what a values file recoded."""
    lines = []
    warned = [g for g in summary.get("value_problems") or [] if not g["error"]]
    if warned:
        lines.append("  read with a warning (see `coachmentor assess` for each row):")
        lines += [f"    {group_line(gs)}" for gs in merged(warned)[:10]]
    if summary.get("recoded_cells"):
        lines.append(f"  values file: {summary['recoded_cells']} cell(s) recoded")
    return lines


def _check_lines(summary: dict[str, Any]) -> list[str]:
    check = summary.get("pairs_to_check") or []
    if not check:
        return []
    lines = [f"  pairs to check: {len(check)} (the flag column)"]
    for c in check[:SHOWN]:
        lines.append(f"    {c['staff_id']} {c['support']} by {c['supporter_id']}: {c['flag']}")
    if len(check) > SHOWN:
        lines.append(f"    ... {len(check) - SHOWN} more in the flag column")
    return lines


def _unmatched_lines(summary: dict[str, Any]) -> list[str]:
    rel = summary["relationships"]
    lines: list[str] = []
    fixes = summary.get("fixes") or []
    if rel["unmatched"]:
        causes = ", ".join(f"{CAUSES.get(c, c)}: {n}"
                           for c, n in summary["unmatched_by_cause"].items())
        lines.append(f"  unmatched: {rel['unmatched']} ({causes}); each has a fix in the fix "
                     "column. What would match them:")
        for f in fixes[:SHOWN]:
            lines.append(f"    {f['change']}: {', '.join(f['matches'])}")
        if len(fixes) > SHOWN:
            lines.append(f"    ... {len(fixes) - SHOWN} more changes in --summary and --report")
    return lines


def _training_lines(summary: dict[str, Any]) -> list[str]:
    """Whom to train: mentors who could add coaching, the untrained matched, capacity 0."""
    lines: list[str] = []
    train = summary.get("whom_to_train") or {}
    could = train.get("mentors_who_could_add_coaching") or []
    untrained = train.get("untrained_and_matched") or []
    zero = train.get("capacity_0") or []
    if could or untrained or zero:
        parts = []
        if could:
            parts.append("mentors who could add coaching: " + ", ".join(
                f"{c['staff_id']} ({c['unmatched_coaching_they_could_take']})"
                for c in could[:SHOWN]))
        if untrained:
            parts.append("matched but not trained: " + ", ".join(
                u["staff_id"] for u in untrained[:SHOWN]) + (
                f" and {len(untrained) - SHOWN} more" if len(untrained) > SHOWN else ""))
        if zero:
            parts.append("capacity 0: " + ", ".join(z["staff_id"] for z in zero[:SHOWN]))
        lines.append("  whom to train: " + "; ".join(parts))
    return lines


def _closing_lines(summary: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    full = sum(1 for s in summary["supporters"] if s["capacity"] and s["load"] >= s["capacity"])
    lines.append(f"  supporters: {len(summary['supporters'])}, {full} at capacity")
    for school, path in (summary.get("by_school_files") or {}).items():
        lines.append(f"  {school}: {path}")
    stale = summary.get("stale_temporary_files_removed") or []
    if stale:
        lines.append(stale_note(stale))
    if summary.get("replaced_a_file"):
        lines.append(f"  note: {summary['replaced_a_file']} was there before and has been replaced")
    return lines


def _stale_lines(key: str, d: dict[str, Any]) -> list[str]:
    flag = f"--{key}"
    dropped = d["not_kept" if key == "keep" else "not_used"]
    done = d["kept" if key == "keep" else "avoided"]
    word = "kept" if key == "keep" else "avoided"
    notw = "not kept" if key == "keep" else "not used"
    dup = f" ({d['duplicates']} duplicate(s) counted once)" if d["duplicates"] else ""
    lines = [f"  {flag} {d['file']}: {done} {word}, {len(dropped)} {notw}{dup}"
             + (":" if dropped else "")]
    cost = d.get("cost") or {}
    if cost.get("novice_mentoring", 0) > 0 or cost.get("relationships", 0) > 0:
        lines.append(f"    keeping them leaves {cost['novice_mentoring']} trainees' or ECTs' "
                     f"mentoring and {cost['relationships']} relationship(s) in all unmatched "
                     "that matching afresh would match")
    for x in dropped[:SHOWN * 2]:
        who = f"{x['staff_id'] or '?'} - {x['supporter_id'] or '?'}"
        lines.append(f"    row {x['row']}: {who}"
                     f"{' (' + x['support'] + ')' if x['support'] else ''}: {x['reason']}")
    if len(dropped) > SHOWN * 2:
        lines.append(f"    ... {len(dropped) - SHOWN * 2} more in --summary and --report")
    return lines
