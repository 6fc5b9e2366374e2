"""`coachmentor match`, end to end: read both files, solve, explain, write."""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coachmentor.errors import EXIT_OK, EXIT_ROW_ERRORS, InputFileError
from coachmentor.files.messages import shown, stale_note
from coachmentor.files.paths import check_files
from coachmentor.match.explain import CAUSES, explain_person
from coachmentor.match.io import (
    choose_format,
    needs_of,
    read_staff,
    read_supporters,
    render,
    render_workbook,
)
from coachmentor.match.optimise import solve
from coachmentor.match.people import Need, StaffRow, Supporter
from coachmentor.textsafe import printable

ERROR_ROWS = 200  # error rows kept in the summary, for a person to find
SHOWN = 5  # lines of each list on stderr (the files have them all)


@dataclass(frozen=True)
class MatchOptions:
    """How `match_files` runs, beyond its two input files. `bom`: a byte order mark on
    CSV/TSV output (None: when it is written to a file). `screen`: a list that gets the
    output's records for a person to read, instead of their being written. `by_school`: a
    folder for one file per school. `records_out`: a list that gets the records as well (for
    the report). `also_writing`: the files the caller writes after (a report), checked with
    the others."""

    output: Path | None = None
    fmt: str | None = None
    summary_path: Path | None = None
    redact: bool = False
    explain: str | None = None
    guard: bool = True
    keep: Path | None = None
    avoid: Path | None = None
    read_opts: dict[str, Any] | None = None
    bom: bool | None = None
    screen: list[dict[str, Any]] | None = None
    by_school: Path | None = None
    records_out: list[dict[str, Any]] | None = None
    also_writing: tuple[Path | None, ...] = ()
    values: Any = None
    accept_suggestions: bool = False
    picks: Any = ()


def match_files(rules: Any, staff_path: str, supporters_path: str,
                options: MatchOptions | None = None, **keywords: Any) -> dict[str, Any]:
    """Run the match; returns the summary (its `exit_code` is the command's). The options
    come as a `MatchOptions`, or (the older call form, kept) as its fields by keyword."""
    if options is None:
        options = MatchOptions(**keywords)
    elif keywords:
        raise TypeError("match_files: give a MatchOptions or keywords, not both")
    return _match(rules, staff_path, supporters_path, options)


def _match(rules: Any, staff_path: str, supporters_path: str, o: MatchOptions) -> dict[str, Any]:
    output, fmt, summary_path, redact, explain = (
        o.output, o.fmt, o.summary_path, o.redact, o.explain)
    keep, avoid, read_opts, by_school = o.keep, o.avoid, o.read_opts, o.by_school
    records_out, also_writing, values, accept_suggestions, picks = (
        o.records_out, o.also_writing, o.values, o.accept_suggestions, o.picks)
    import time

    from coachmentor.files.atomic import (
        remove_stale_temps_beside,
        replaces_a_file,
        write_stdout,
    )
    from coachmentor.match.fixes import Fixer, summarise, whom_to_train
    from coachmentor.match.keep import read_avoid, read_keep
    from coachmentor.match.policy import compile_policy
    from coachmentor.match.records import SchoolNames, build
    from coachmentor.match.records import by_school as split

    started_at = time.time()
    if output is not None and str(output) == "-":
        output = None  # -o - : standard output, as for assess
    fmt = choose_format(fmt, output)
    replacing = replaces_a_file(output)
    if fmt == "xlsx" and output is None and explain is None:
        from coachmentor.files.workbook_out import refuse_terminal

        refuse_terminal(sys.stdout, "match")
    inputs = [("STAFF", staff_path), ("SUPPORTERS", supporters_path), ("--keep", keep),
              ("--avoid", avoid), ("--rules", getattr(rules, "source_file", None))]
    check_files(inputs, [("-o/--output", output), ("--summary", summary_path),
                         *(("another output", p) for p in also_writing)],
                stdout_is_output=output is None or explain is not None)
    _check_folder(by_school)
    stale = remove_stale_temps_beside([output, summary_path, *also_writing], started_at)
    opts = read_opts or {}
    policy = compile_policy(rules.model.matching)
    pseudonym = _pseudonymiser() if redact else None
    from coachmentor.batch.reading import read_answers

    read = read_answers(rules, values.cells if values is not None else None, accept_suggestions,
                        redact)
    staff, _ = read_staff(rules, staff_path, pseudonym=pseudonym, read=read, picks=picks, **opts)
    sups, _ = read_supporters(rules, supporters_path, **opts)
    needs = needs_of(staff)
    avoided = read_avoid(avoid, staff, sups, opts) if avoid else None
    kept = read_keep(keep, staff, needs, sups, policy, set(avoided.pairs if avoided else ()),
                     opts) if keep else None
    from coachmentor.match.pairs import PairView
    from coachmentor.match.size import check_size

    view = PairView(needs, sups, policy, avoided.pairs if avoided else ())
    check_size(view)
    sol = solve(needs, sups, policy, avoid=avoided.pairs if avoided else (),
                fixed=dict(kept.pairs) if kept else None, view=view)
    kept_needs = {i for i, _ in kept.pairs} if kept else set()
    if pseudonym is None:
        pseudonym = _unchanged
    fixer = Fixer(needs, sups, sol, policy, kept_needs)
    open_needs = [nd.index for nd in needs if nd.index not in sol.pairs]
    schools = SchoolNames([r.school for r in staff] + [s.school for s in sups])
    records, causes, fixes = build(staff, needs, sups, sol, policy, fixer, kept_needs,
                                   pseudonym, schools)

    summary = _summary(staff, needs, sups, sol, causes, policy, schools)
    summary["pairs_to_check"] = [
        {"staff_id": r["staff_id"], "support": r["support"], "supporter_id": r["supporter_id"],
         "school": r["school"], "flag": r["flag"]} for r in records if r["flag"]]
    summary["unmatched"] = [
        {"staff_id": r["staff_id"], "row": r["row"], "support": r["support"],
         "school": r["school"], "reason": r["unmatched_reason"], "fix": r["fix"]}
        for r in records if r["status"] == "unmatched"]
    summary["fixes"] = summarise(fixes, needs, sups)
    summary["whom_to_train"] = whom_to_train(needs, sups, sol, policy, open_needs)
    summary.update(_keep_avoid_summary(kept, avoided, needs, sups, policy, view, sol))
    if stale:
        summary["stale_temporary_files_removed"] = stale
    from coachmentor.batch.summary import problem_group

    summary["value_problems"] = [problem_group(rules, p, c, rows)
                                 for p, (c, rows) in read.problems.items()]
    summary["recoded_cells"] = read.recoded
    if replacing:
        summary["replaced_a_file"] = str(output)
    if explain is not None:  # the ids in it are the user's text, and so is --explain's own
        write_stdout(printable(explain_person(explain, needs, sups, sol, policy, fixes),
                               newlines=True).encode("utf-8"))
    if records_out is not None:  # for the report, which is shared: no cell of a shifted row
        shifted = {r.row for r in staff if r.shifted}  # (its id and school may be a name)
        records_out.extend(dict(r, staff_id="", school="", subject="", phase="")
                           if r["row"] in shifted and r["status"] == "error" else r
                           for r in records)
    schools_rows = split(records) if by_school is not None or fmt == "xlsx" else {}
    school_files = _school_files(by_school, schools_rows, fmt, inputs) \
        if by_school is not None else {}  # checked before anything is written
    _write_results(o, output, fmt, records, schools_rows, school_files, summary)
    return summary


def _keep_avoid_summary(kept: Any, avoided: Any, needs: list[Need], sups: list[Supporter],
                        policy: Any, view: Any, sol: Any) -> dict[str, Any]:
    """The summary's `keep` (with what keeping costs) and `avoid` parts, when given."""
    part: dict[str, Any] = {}
    if kept is not None:
        part["keep"] = kept.summary()
        if kept.pairs:
            part["keep"]["cost"] = _keep_cost(needs, sups, policy, avoided, view, sol)
    if avoided is not None:
        part["avoid"] = avoided.summary()
    return part


def _write_results(o: MatchOptions, output: Path | None, fmt: str, records: list[dict[str, Any]],
                   schools_rows: dict[str, list[dict[str, Any]]], school_files: dict[str, Path],
                   summary: dict[str, Any]) -> None:
    """The pairs to the screen, the output or standard output; the files by school; the
    JSON summary (last: it records the files by school)."""
    from coachmentor.files.atomic import write_output, write_stdout

    screen, explain, by_school, guard, bom = o.screen, o.explain, o.by_school, o.guard, o.bom
    if screen is not None and output is None and explain is None:
        screen.extend(records)  # for a person at a terminal: drawn by the caller
    elif output is not None or explain is None:
        text = _render(records, fmt, output, guard, bom, schools_rows)
        if output is not None:
            write_output(output, text)
        else:
            write_stdout(text.encode("utf-8") if isinstance(text, str) else text)
    if by_school is not None:
        summary["by_school_files"] = _write_by_school(by_school, schools_rows, school_files,
                                                      fmt, guard, bom)
    if o.summary_path is not None:
        write_output(o.summary_path, json.dumps(summary, indent=2, ensure_ascii=False) + "\n")


def _render(records: list[dict[str, Any]], fmt: str, output: Path | None, guard: bool,
            bom: bool | None, schools: dict[str, list[dict[str, Any]]]) -> str | bytes:
    if fmt == "xlsx":
        return render_workbook(records, str(output) if output is not None
                               else "standard output", schools)
    text = render(records, fmt, guard=guard and fmt in ("csv", "tsv"))
    if fmt in ("csv", "tsv"):
        from coachmentor.files.atomic import with_bom

        text = with_bom(text, bom, output)
    return text


def _keep_cost(needs: list[Need], sups: list[Supporter], policy: Any, avoided: Any, view: Any,
               sol: Any) -> dict[str, int]:
    """What keeping the pairs costs against matching afresh: how many fewer trainees' and
    ECTs' mentoring needs and relationships in all are matched (0 and 0 when nothing)."""
    fresh = solve(needs, sups, policy, avoid=avoided.pairs if avoided else (), view=view)

    def novices(pairs: dict[int, int]) -> int:
        return sum(1 for i in pairs if needs[i].novice)

    return {"novice_mentoring": novices(fresh.pairs) - novices(sol.pairs),
            "relationships": len(fresh.pairs) - len(sol.pairs)}


def _check_folder(folder: Path | None) -> None:
    """--by-school DIR: a folder (made if it is not there), not a file."""
    if folder is not None and folder.exists() and not folder.is_dir():
        raise InputFileError(f"--by-school {folder} is a file; give a folder for one file per "
                             "school")


def _school_files(folder: Path, schools: dict[str, list[dict[str, Any]]], fmt: str,
                  inputs: list[tuple[str, Any]]) -> dict[str, Path]:
    """The file of each school in `folder` (never an input file)."""
    from coachmentor.match.records import file_names

    names = file_names(list(schools), fmt)
    paths = {school: folder / names[school] for school in schools}
    if folder.is_dir():  # a folder still to be made holds no input
        check_files(inputs, [("--by-school", p) for p in paths.values()])
    return paths


def _write_by_school(folder: Path, schools: dict[str, list[dict[str, Any]]],
                     paths: dict[str, Path], fmt: str, guard: bool,
                     bom: bool | None) -> dict[str, str]:
    """One file per school in `folder` (the output's format): school -> file written."""
    from coachmentor.files.atomic import write_output

    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for school, rows in schools.items():
        write_output(paths[school], _render(rows, fmt, paths[school], guard, bom, {}))
        written[school] = str(paths[school])
    return written


def _unchanged(text: str) -> str:
    return text


def _pseudonymiser() -> Any:
    from coachmentor.files.redact import Redactor

    return Redactor().pseudonym


def _summary(staff: list[StaffRow], needs: list[Need], sups: list[Supporter], sol: Any,
             causes: Counter[str], policy: Any,
             schools: Any) -> dict[str, Any]:
    def tally() -> dict[str, int]:
        return {"needed": 0, "matched": 0}

    by_support = {"coaching": tally(), "mentoring": tally(), "novice_mentoring": tally()}
    by_school: dict[str, dict[str, dict[str, int]]] = {}
    for nd in needs:
        hit = int(nd.index in sol.pairs)
        school = by_school.setdefault(schools(nd.staff.school) or "(no school)",
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
        "error_rows": [{"row": r.row, "staff_id": "" if r.shifted else r.staff_id,
                        "error": r.error}
                       for r in staff if r.status == "error"][:ERROR_ROWS],
        "by_support": by_support,
        "by_school": dict(sorted(by_school.items())),
        "unmatched_by_cause": dict(sorted(causes.items())),
        "places_to_match_everyone": _shortfall(needs, sol, policy, schools),
        "duplicate_staff_ids": _duplicates(staff),
        "supporters": [{"staff_id": s.staff_id, "offers": s.offers, "school": schools(s.school),
                        "phase": policy.phase_label(s.phase), "trained": s.trained,
                        "capacity": s.capacity, "load": sol.load[s.index]} for s in sups],
        "solver": sol.stats,
        "exit_code": EXIT_OK if matched == len(needs) and not errors else EXIT_ROW_ERRORS,
    }


def _duplicates(staff: list[StaffRow]) -> dict[str, Any]:
    """Rows that repeat a staff_id of an earlier row (compared as ids are: without case and
    surrounding spaces), as assess's summary counts them: the hard rules, --keep, --avoid and
    --explain know a person by staff_id, so two people under one id are confused (a shifted
    row's id is no id: left out)."""
    from coachmentor.batch.summary import DUPLICATES_SHOWN

    first: dict[str, tuple[str, list[int]]] = {}
    repeats = 0
    for r in staff:
        if not r.key or r.shifted:
            continue
        _, rows = first.setdefault(r.key, (r.staff_id, []))
        rows.append(r.row)
        repeats += len(rows) > 1
    examples = [{"staff_id": sid, "rows": rows[:10]} for sid, rows in first.values()
                if len(rows) > 1][:DUPLICATES_SHOWN]
    return {"rows": repeats, "examples": examples, "checked_all": True}


def _shortfall(needs: list[Need], sol: Any, policy: Any, schools: Any) -> list[dict[str, Any]]:
    """What would match everyone: for each unmatched need, one more place of the kind that
    may take it (a new supporter is nobody's line manager or assessor), grouped by support,
    school and the mentor career stages the rules allow. Adding these places is enough;
    fewer may do, where one new supporter could take needs of several groups."""
    from coachmentor.match.eligibility import stages_allowed
    from coachmentor.match.people import STAGES

    groups: Counter[tuple[str, str, tuple[str, ...]]] = Counter()
    allowed: dict[tuple[str, str, int | None], tuple[str, ...]] = {}
    for nd in needs:
        if nd.index in sol.pairs:
            continue
        key = (nd.role, nd.kind, nd.staff.stage)
        stages = allowed.get(key)
        if stages is None:
            stages = allowed[key] = tuple(STAGES[i] for i in stages_allowed(nd, policy)) \
                if nd.role == "mentoring" else ()
        groups[(nd.role, schools(nd.staff.school) or "(no school)", stages)] += 1
    return [{"support": role, "school": school, "career_stages": list(stages), "places": n}
            for (role, school, stages), n in sorted(groups.items())]


def summary_text(summary: dict[str, Any]) -> str:
    """Lines for stderr: counts, ids and school names at most, never a name. Each list shows
    its first few; the files have them all."""
    rel, sup = summary["relationships"], summary["by_support"]
    lines = [f"match: {rel['matched']} of {rel['needed']} relationships matched "
             f"(coaching {sup['coaching']['matched']}/{sup['coaching']['needed']}, "
             f"mentoring {sup['mentoring']['matched']}/{sup['mentoring']['needed']}; "
             f"trainees' and ECTs' mentoring {sup['novice_mentoring']['matched']}/"
             f"{sup['novice_mentoring']['needed']})"]
    for key in ("keep", "avoid"):
        if key in summary:
            lines += _stale_lines(key, summary[key])
    lines += _row_problem_lines(summary)
    lines += _check_lines(summary.get("pairs_to_check") or [])
    lines += _unmatched_lines(summary)
    lines += _train_lines(summary.get("whom_to_train") or {})
    full = sum(1 for s in summary["supporters"] if s["capacity"] and s["load"] >= s["capacity"])
    lines.append(f"  supporters: {len(summary['supporters'])}, {full} at capacity")
    for school, path in (summary.get("by_school_files") or {}).items():
        lines.append(f"  {school}: {path}")
    stale = summary.get("stale_temporary_files_removed") or []
    if stale:
        lines.append(stale_note(stale))
    if summary.get("replaced_a_file"):
        lines.append(f"  note: {summary['replaced_a_file']} was there before and has been replaced")
    return "\n".join(lines) + "\n"


def _row_problem_lines(summary: dict[str, Any]) -> list[str]:
    """Rows needing no supporter or in error, repeated staff ids, values read with a warning,
    cells the values file recoded."""
    lines: list[str] = []
    other = summary["rows_without_need"]
    if other["other"] or other["error"]:
        lines.append(f"  {other['other']} row(s) need another kind of support; "
                     f"{other['error']} error row(s)")
    for e in (summary.get("error_rows") or [])[:SHOWN]:
        sid = f" (staff_id {e['staff_id']})" if e["staff_id"] else ""
        lines.append(f"    row {e['row']}{sid}: {e['error']}")
    if other["error"] > SHOWN:
        lines.append(f"    ... and {other['error'] - SHOWN} more: status 'error' in the pairs file")
    dup = summary.get("duplicate_staff_ids") or {}
    if dup.get("rows"):
        lines.append(f"  warning: {dup['rows']} row(s) repeat a staff_id given in an earlier row "
                     "(the hard rules, --keep, --avoid and --explain cannot tell them apart):")
        for e in dup["examples"][:SHOWN]:
            lines.append(f"    staff_id {shown(e['staff_id'], 30)}: rows "
                         f"{', '.join(map(str, e['rows']))}")
    warned = [g for g in summary.get("value_problems") or [] if not g["error"]]
    if warned:
        from coachmentor.render.summary import group_line, merged

        lines.append("  read with a warning (see `coachmentor assess` for each row):")
        lines += [f"    {group_line(gs)}" for gs in merged(warned)[:10]]
    if summary.get("recoded_cells"):
        lines.append(f"  values file: {summary['recoded_cells']} cell(s) recoded")
    return lines


def _check_lines(check: list[dict[str, Any]]) -> list[str]:
    """The matched pairs with something to check (the flag column)."""
    if not check:
        return []
    lines = [f"  pairs to check: {len(check)} (the flag column)"]
    for c in check[:SHOWN]:
        lines.append(f"    {c['staff_id']} {c['support']} by {c['supporter_id']}: {c['flag']}")
    if len(check) > SHOWN:
        lines.append(f"    ... {len(check) - SHOWN} more in the flag column")
    return lines


def _unmatched_lines(summary: dict[str, Any]) -> list[str]:
    """The unmatched by cause, and the changes that would match them."""
    rel = summary["relationships"]
    if not rel["unmatched"]:
        return []
    fixes = summary.get("fixes") or []
    causes = ", ".join(f"{CAUSES.get(c, c)}: {n}"
                       for c, n in summary["unmatched_by_cause"].items())
    lines = [f"  unmatched: {rel['unmatched']} ({causes}); each has a fix in the fix "
             "column. What would match them:"]
    for f in fixes[:SHOWN]:
        lines.append(f"    {f['change']}: {', '.join(f['matches'])}")
    if len(fixes) > SHOWN:
        lines.append(f"    ... {len(fixes) - SHOWN} more changes in --summary and --report")
    return lines


def _train_lines(train: dict[str, Any]) -> list[str]:
    """Whom to train: mentors who could add coaching, the untrained matched, capacity 0."""
    could = train.get("mentors_who_could_add_coaching") or []
    untrained = train.get("untrained_and_matched") or []
    zero = train.get("capacity_0") or []
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
    return ["  whom to train: " + "; ".join(parts)] if parts else []


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
