"""`coachmentor match`, end to end: read both files, solve, explain, write."""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from coachmentor.errors import EXIT_OK, EXIT_ROW_ERRORS, InputFileError
from coachmentor.match.explain import CAUSES, explain_person, pair_reasons, unmatched
from coachmentor.match.io import (
    choose_format,
    needs_of,
    read_staff,
    read_supporters,
    render,
    render_workbook,
)
from coachmentor.match.optimise import solve
from coachmentor.match.preferences import score, weights


def _check_paths(inputs: list[str], named: list[tuple[str, Path | None]]) -> None:
    for flag, path in named:
        if path is None:
            continue
        for source in inputs:
            if source != "-" and os.path.exists(source) and path.exists() \
                    and os.path.samefile(source, path):
                raise InputFileError(f"{flag} {path} is an input file; refusing to overwrite it")
        if path.is_dir():
            raise InputFileError(f"{flag} {path} is a folder; give a file name")
    if inputs.count("-") > 1:
        raise InputFileError("only one of STAFF and SUPPORTERS can be standard input ('-')")


ERROR_ROWS = 200  # error rows kept in the summary, for a person to find


def match_files(rules: Any, staff_path: str, supporters_path: str, *, output: Path | None = None,
                fmt: str | None = None, summary_path: Path | None = None,
                redact: bool = False, explain: str | None = None, guard: bool = True,
                keep: Path | None = None, avoid: Path | None = None,
                read_opts: dict[str, Any] | None = None, bom: bool | None = None,
                screen: list[dict[str, Any]] | None = None, values: Any = None,
                accept_suggestions: bool = False, picks: Any = ()) -> dict[str, Any]:
    """Run the match; returns the summary (its `exit_code` is the command's). `bom`: a byte
    order mark on CSV/TSV output (None: when it is written to a file). `screen`: a list that
    gets the output's records for a person to read, instead of their being written."""
    from coachmentor.files.atomic import replaces_a_file, write_output, write_stdout

    if output is not None and str(output) == "-":
        output = None  # -o - : standard output, as for assess
    fmt = choose_format(fmt, output)
    replacing = replaces_a_file(output)
    if fmt == "xlsx" and output is None and explain is None:
        from coachmentor.files.workbook_out import refuse_terminal

        refuse_terminal(sys.stdout, "match")
    inputs = [staff_path, supporters_path] + [str(p) for p in (keep, avoid) if p is not None]
    _check_paths(inputs, [("-o/--output", output),
                                                  ("--summary", summary_path)])
    opts = read_opts or {}
    from coachmentor.batch.reading import read_answers

    read = read_answers(rules, values.cells if values is not None else None, accept_suggestions,
                        redact)
    staff, _ = read_staff(rules, staff_path, read=read, picks=picks, **opts)
    sups, _ = read_supporters(rules, supporters_path, **opts)
    needs = needs_of(staff)
    matching = rules.model.matching
    w = weights(matching)
    avoided = _pairs(avoid, "--avoid", needs, sups, opts, keep=False) if avoid else []
    kept = _pairs(keep, "--keep", needs, sups, opts, keep=True) if keep else []
    _check_kept(kept, avoided, sups)
    sol = solve(needs, sups, matching, avoid=avoided, fixed=dict(kept))
    kept_needs = {i for i, _ in kept}
    pseudonym = _pseudonymiser() if redact else (lambda text: text)

    records: list[dict[str, Any]] = []
    causes: Counter[str] = Counter()
    offering = {role: np.array([getattr(x, role) for x in sups], bool)
                for role in ("coaching", "mentoring")}
    load_arr = np.array(sol.load, np.int64)
    caps = np.array([x.capacity for x in sups], np.int64)
    for nd in needs:
        rec = _record(nd.staff, pseudonym)
        rec.update(support=nd.role, type=nd.type)
        j = sol.pairs.get(nd.index)
        if j is not None:
            sup = sups[j]
            rec.update(status="matched", supporter_id=sup.staff_id,
                       supporter_name=pseudonym(sup.name),
                       score=round(score(nd, sup, w, sol.load[j]), 2),
                       reasons=("kept (--keep); " if nd.index in kept_needs else "")
                       + pair_reasons(nd, sup, matching, w, sol.load[j]))
        else:
            cause, words = unmatched(nd, sups, sol.eligible[nd.index], load_arr,
                                     offering[nd.role], caps)
            causes[cause] += 1
            rec.update(status="unmatched", unmatched_reason=words)
        records.append(rec)
    for row in staff:
        if not row.needs:
            rec = _record(row, pseudonym)
            rec.update(status="error" if row.status == "error" else "none", error=row.error,
                       reasons=f"needs {row.alternative} first, not a coach or mentor"
                       if row.alternative else "")
            records.append(rec)

    summary = _summary(staff, needs, sups, sol, causes)
    from coachmentor.batch.summary import problem_group

    summary["value_problems"] = [problem_group(rules, p, c, rows)
                                 for p, (c, rows) in read.problems.items()]
    summary["recoded_cells"] = read.recoded
    if replacing:
        summary["replaced_a_file"] = str(output)
    if explain is not None:
        write_stdout(explain_person(explain, needs, sups, sol.pairs, sol.load, sol.eligible,
                                    matching, w))
    if screen is not None and output is None and explain is None:
        screen.extend(records)  # for a person at a terminal: drawn by the caller
    elif output is not None or explain is None:
        text: str | bytes
        if fmt == "xlsx":
            text = render_workbook(records, str(output) if output is not None
                                   else "standard output")
        else:
            text = render(records, fmt, guard=guard and fmt in ("csv", "tsv"))
            if fmt in ("csv", "tsv"):
                from coachmentor.files.atomic import with_bom

                text = with_bom(text, bom, output)
        if output is not None:
            write_output(output, text)
        else:
            write_stdout(text.encode("utf-8") if isinstance(text, str) else text)
    if summary_path is not None:
        write_output(summary_path, json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    return summary


def _pairs(path: Path, flag: str, needs: list, sups: list, opts: dict[str, Any], *,
           keep: bool) -> list[tuple[int, int]]:
    """(need index, supporter index) for each row of a --keep or --avoid file. A row naming a
    supporter who is not in SUPPORTERS, or (for --keep) no need of that person, is exit 2;
    for --avoid a person with no such need is simply nothing to avoid."""
    from coachmentor.match.eligibility import exclusion
    from coachmentor.match.explain import RULE_WORDS
    from coachmentor.match.io import read_pairs

    by_id = {s.staff_id: s for s in sups}
    by_staff: dict[str, list] = {}
    for nd in needs:
        by_staff.setdefault(nd.staff.staff_id, []).append(nd)
    out = []
    for n, sid, sup_id, role in read_pairs(path, flag, **opts):
        where = f"{flag} {path}: row {n}"
        sup = by_id.get(sup_id)
        if sup is None:
            raise InputFileError(f"{where}: supporter_id {sup_id} is not in the supporters file")
        mine = [nd for nd in by_staff.get(sid, []) if not role or nd.role == role]
        if keep and not mine:
            raise InputFileError(f"{where}: staff_id {sid} needs no {role or 'coach or mentor'} "
                                 "in the staff file")
        if keep and len(mine) > 1:
            raise InputFileError(f"{where}: staff_id {sid} needs a coach and a mentor; say "
                                 "which in a support column")
        for nd in mine:
            broken = exclusion(nd, sup) if keep else None
            if broken is not None:
                rule = RULE_WORDS[broken].format(role=nd.role, stage="")
                raise InputFileError(f"{where}: {sup_id} cannot be {sid}'s "
                                     f"{'coach' if nd.role == 'coaching' else 'mentor'}: {rule}")
            out.append((nd.index, sup.index))
    return out


def _check_kept(kept: list[tuple[int, int]], avoided: list[tuple[int, int]], sups: list) -> None:
    seen: dict[int, int] = {}
    held = Counter(j for _, j in kept)
    for i, j in kept:
        if i in seen and seen[i] != j:
            raise InputFileError(f"--keep: two supporters are kept for one need "
                                 f"({sups[seen[i]].staff_id} and {sups[j].staff_id})")
        seen[i] = j
        if (i, j) in set(avoided):
            raise InputFileError(f"--keep and --avoid both name the pair with {sups[j].staff_id}")
    for j, n in held.items():
        if n > sups[j].capacity:
            raise InputFileError(f"--keep: {sups[j].staff_id} is kept for {n} relationships, "
                                 f"beyond their capacity of {sups[j].capacity}")


def _pseudonymiser() -> Any:
    from coachmentor.files.redact import Redactor

    return Redactor().pseudonym


def _record(row: Any, pseudonym: Any) -> dict[str, Any]:
    return {"staff_id": row.staff_id, "name": pseudonym(row.name), "row": row.row,
            "recommendation": row.recommendation, "support": "", "type": "", "status": "",
            "supporter_id": "", "supporter_name": "", "score": None, "reasons": "",
            "unmatched_reason": "", "error": ""}


def _summary(staff: list, needs: list, sups: list, sol: Any, causes: Counter) -> dict[str, Any]:
    def tally() -> dict[str, int]:
        return {"needed": 0, "matched": 0}

    by_support = {"coaching": tally(), "mentoring": tally(), "novice_mentoring": tally()}
    by_school: dict[str, dict[str, dict[str, int]]] = {}
    for nd in needs:
        hit = int(nd.index in sol.pairs)
        school = by_school.setdefault(nd.staff.school or "(no school)",
                                      {"coaching": tally(), "mentoring": tally()})
        for t in (by_support[nd.role], school[nd.role]) + (
                (by_support["novice_mentoring"],) if nd.novice else ()):
            t["needed"] += 1
            t["matched"] += hit
    matched = len(sol.pairs)
    errors = sum(1 for r in staff if r.status == "error")
    return {
        "staff_rows": len(staff),
        "relationships": {"needed": len(needs), "matched": matched,
                          "unmatched": len(needs) - matched},
        "rows_without_need": {"other": sum(1 for r in staff if r.status == "ok" and not r.needs),
                              "error": errors},
        # where to go and what to fix (no cell is quoted in a match error)
        "error_rows": [{"row": r.row, "staff_id": r.staff_id, "error": r.error}
                       for r in staff if r.status == "error"][:ERROR_ROWS],
        "by_support": by_support,
        "by_school": dict(sorted(by_school.items())),
        "unmatched_by_cause": dict(sorted(causes.items())),
        "places_to_match_everyone": _shortfall(needs, sol),
        "supporters": [{"staff_id": s.staff_id, "offers": s.offers, "school": s.school,
                        "capacity": s.capacity, "load": sol.load[s.index]} for s in sups],
        "solver": sol.stats,
        "exit_code": EXIT_OK if matched == len(needs) and not errors else EXIT_ROW_ERRORS,
    }


def _shortfall(needs: list, sol: Any) -> list[dict[str, Any]]:
    """What would match everyone: for each unmatched need, one more place of the kind that
    may take it (a new supporter is nobody's line manager or assessor), grouped by support,
    school and the mentor career stages rule 3 allows. Adding these places is enough; fewer
    may do, where one new supporter could take needs of several groups."""
    from coachmentor.match.eligibility import stages_allowed
    from coachmentor.match.people import STAGES

    groups: Counter[tuple[str, str, tuple[str, ...]]] = Counter()
    for nd in needs:
        if nd.index in sol.pairs:
            continue
        stages = tuple(STAGES[i] for i in stages_allowed(nd)) if nd.role == "mentoring" else ()
        groups[(nd.role, nd.staff.school or "(no school)", stages)] += 1
    return [{"support": role, "school": school, "career_stages": list(stages), "places": n}
            for (role, school, stages), n in sorted(groups.items())]


def summary_text(summary: dict[str, Any]) -> str:
    """A few lines for stderr: counts only (ids and school names at most, never a name)."""
    rel, sup = summary["relationships"], summary["by_support"]
    lines = [f"match: {rel['matched']} of {rel['needed']} relationships matched "
             f"(coaching {sup['coaching']['matched']}/{sup['coaching']['needed']}, "
             f"mentoring {sup['mentoring']['matched']}/{sup['mentoring']['needed']}; "
             f"trainees' and ECTs' mentoring {sup['novice_mentoring']['matched']}/"
             f"{sup['novice_mentoring']['needed']})"]
    other = summary["rows_without_need"]
    if other["other"] or other["error"]:
        lines.append(f"  {other['other']} row(s) need another kind of support; "
                     f"{other['error']} error row(s)")
    for e in (summary.get("error_rows") or [])[:5]:
        lines.append(f"    row {e['row']} (staff_id {e['staff_id']}): {e['error']}")
    if other["error"] > 5:
        lines.append(f"    ... and {other['error'] - 5} more: status 'error' in the pairs file")
    warned = [g for g in summary.get("value_problems") or [] if not g["error"]]
    if warned:
        from coachmentor.render.summary import group_line, merged

        lines.append("  read with a warning (see `coachmentor assess` for each row):")
        lines += [f"    {group_line(gs)}" for gs in merged(warned)[:10]]
    if summary.get("recoded_cells"):
        lines.append(f"  values file: {summary['recoded_cells']} cell(s) recoded")
    for cause, n in summary["unmatched_by_cause"].items():
        lines.append(f"  unmatched, {CAUSES.get(cause, cause)}: {n}")
    for need in summary.get("places_to_match_everyone", []):
        who = "coach" if need["support"] == "coaching" else "mentor"
        stages = need["career_stages"]
        stage = f" ({', '.join(s.replace('_', ' ') for s in stages)})" if stages else ""
        lines.append(f"  to match everyone: {need['places']} more {who} place(s) at "
                     f"{need['school']}{stage}")
    full = sum(1 for s in summary["supporters"] if s["capacity"] and s["load"] >= s["capacity"])
    lines.append(f"  supporters: {len(summary['supporters'])}, {full} at capacity")
    if summary.get("replaced_a_file"):
        lines.append(f"  note: {summary['replaced_a_file']} was there before and has been replaced")
    return "\n".join(lines) + "\n"
