"""`coachmentor match`, end to end: read both files, solve, explain, write."""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coachmentor.errors import EXIT_OK, EXIT_ROW_ERRORS, InputFileError
from coachmentor.files.paths import check_files
from coachmentor.match.explain import explain_person
from coachmentor.match.io import (
    choose_format,
    needs_of,
    read_staff,
    read_supporters,
    render,
    render_workbook,
)
from coachmentor.match.optimise import solve
from coachmentor.textsafe import printable

ERROR_ROWS = 200  # error rows kept in the summary, for a person to find


@dataclass(frozen=True)
class MatchOptions:
    """How `match_files` runs, as the command's options say (see `match_files`)."""

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


def match_files(rules: Any, staff_path: str, supporters_path: str, **options: Any) -> dict[str, Any]:
    """Run the match; returns the summary (its `exit_code` is the command's). The options are
    `MatchOptions`' fields: `bom`, a byte order mark on CSV/TSV output (None: when it is
    written to a file); `screen`, a list that gets the output's records for a person to read,
    instead of their being written; `by_school`, a folder for one file per school;
    `records_out`, a list that gets the records as well (for the report); `also_writing`, the
    files the caller writes after (a report), checked with the others."""
    import time

    from coachmentor.files.atomic import remove_stale_temps_beside, replaces_a_file

    o = MatchOptions(**options)
    started_at = time.time()
    output = None if o.output is not None and str(o.output) == "-" else o.output  # -o -: stdout
    fmt = choose_format(o.fmt, output)
    replacing = replaces_a_file(output)
    if fmt == "xlsx" and output is None and o.explain is None:
        from coachmentor.files.workbook_out import refuse_terminal

        refuse_terminal(sys.stdout, "match")
    inputs = [("STAFF", staff_path), ("SUPPORTERS", supporters_path), ("--keep", o.keep),
              ("--avoid", o.avoid), ("--rules", getattr(rules, "source_file", None))]
    check_files(inputs, [("-o/--output", output), ("--summary", o.summary_path),
                         *(("another output", p) for p in o.also_writing)],
                stdout_is_output=output is None or o.explain is not None)
    _check_folder(o.by_school)
    stale = remove_stale_temps_beside([output, o.summary_path, *o.also_writing], started_at)
    m = _matched(rules, staff_path, supporters_path, o)
    summary = _full_summary(rules, m, o, stale, str(output) if replacing else None)
    _write(m, o, output, fmt, inputs, summary)
    if o.summary_path is not None:
        from coachmentor.files.atomic import write_output

        write_output(o.summary_path, json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    return summary


@dataclass
class _Matched:
    """What the match read, solved and worked out, for the summary and the outputs."""

    staff: list[Any]
    needs: list[Any]
    sups: list[Any]
    policy: Any
    sol: Any
    view: Any
    kept: Any
    avoided: Any
    read: Any
    records: list[dict[str, Any]]
    causes: Counter[str]
    fixes: Any
    open_needs: list[int]
    schools: Any


def _matched(rules: Any, staff_path: str, supporters_path: str, o: MatchOptions) -> _Matched:
    """Read both files (and --keep, --avoid), solve, and build every row's record."""
    from coachmentor.batch.reading import read_answers
    from coachmentor.match.fixes import Fixer
    from coachmentor.match.keep import read_avoid, read_keep
    from coachmentor.match.pairs import PairView
    from coachmentor.match.policy import compile_policy
    from coachmentor.match.records import SchoolNames, build
    from coachmentor.match.size import check_size

    opts = o.read_opts or {}
    policy = compile_policy(rules.model.matching)
    pseudonym = _pseudonymiser() if o.redact else None
    read = read_answers(rules, o.values.cells if o.values is not None else None,
                        o.accept_suggestions, o.redact)
    staff, _ = read_staff(rules, staff_path, pseudonym=pseudonym, read=read, picks=o.picks, **opts)
    sups, _ = read_supporters(rules, supporters_path, **opts)
    needs = needs_of(staff)
    avoided = read_avoid(o.avoid, staff, sups, opts) if o.avoid else None
    kept = read_keep(o.keep, staff, needs, sups, policy, set(avoided.pairs if avoided else ()),
                     opts) if o.keep else None
    view = PairView(needs, sups, policy, avoided.pairs if avoided else ())
    check_size(view)
    sol = solve(needs, sups, policy, avoid=avoided.pairs if avoided else (),
                fixed=dict(kept.pairs) if kept else None, view=view)
    kept_needs = {i for i, _ in kept.pairs} if kept else set()
    fixer = Fixer(needs, sups, sol, policy, kept_needs)
    open_needs = [nd.index for nd in needs if nd.index not in sol.pairs]
    schools = SchoolNames([r.school for r in staff] + [s.school for s in sups])
    records, causes, fixes = build(staff, needs, sups, sol, policy, fixer, kept_needs,
                                   pseudonym or _unchanged, schools)
    return _Matched(staff, needs, sups, policy, sol, view, kept, avoided, read, records, causes,
                    fixes, open_needs, schools)


def _full_summary(rules: Any, m: _Matched, o: MatchOptions, stale: list[str],
                  replaced: str | None) -> dict[str, Any]:
    """The summary: coverage, pairs to check, the unmatched and their fixes, --keep/--avoid,
    stale temporary files removed, how values were read, a file replaced (keys in this
    order, as before)."""
    from coachmentor.batch.summary import problem_group
    from coachmentor.match.fixes import summarise, whom_to_train

    summary = _summary(m.staff, m.needs, m.sups, m.sol, m.causes, m.policy, m.schools)
    summary["pairs_to_check"] = [
        {"staff_id": r["staff_id"], "support": r["support"], "supporter_id": r["supporter_id"],
         "school": r["school"], "flag": r["flag"]} for r in m.records if r["flag"]]
    summary["unmatched"] = [
        {"staff_id": r["staff_id"], "row": r["row"], "support": r["support"],
         "school": r["school"], "reason": r["unmatched_reason"], "fix": r["fix"]}
        for r in m.records if r["status"] == "unmatched"]
    summary["fixes"] = summarise(m.fixes, m.needs, m.sups)
    summary["whom_to_train"] = whom_to_train(m.needs, m.sups, m.sol, m.policy, m.open_needs)
    if m.kept is not None:
        summary["keep"] = m.kept.summary()
        if m.kept.pairs:
            summary["keep"]["cost"] = _keep_cost(m.needs, m.sups, m.policy, m.avoided, m.view,
                                                 m.sol)
    if m.avoided is not None:
        summary["avoid"] = m.avoided.summary()
    if stale:
        summary["stale_temporary_files_removed"] = stale
    summary["value_problems"] = [problem_group(rules, p, c, rows)
                                 for p, (c, rows) in m.read.problems.items()]
    summary["recoded_cells"] = m.read.recoded
    if replaced is not None:
        summary["replaced_a_file"] = replaced
    return summary


def _write(m: _Matched, o: MatchOptions, output: Path | None, fmt: str,
           inputs: list[tuple[str, Any]], summary: dict[str, Any]) -> None:
    """--explain, the records for the report or the screen, the pairs file, --by-school."""
    from coachmentor.files.atomic import write_output, write_stdout
    from coachmentor.match.records import by_school as split

    if o.explain is not None:  # the ids in it are the user's text, and so is --explain's own
        write_stdout(printable(explain_person(o.explain, m.needs, m.sups, m.sol, m.policy,
                                              m.fixes), newlines=True).encode("utf-8"))
    if o.records_out is not None:  # for the report, which is shared: no cell of a shifted row
        shifted = {r.row for r in m.staff if r.shifted}  # (its id and school may be a name)
        o.records_out.extend(dict(r, staff_id="", school="", subject="", phase="")
                             if r["row"] in shifted and r["status"] == "error" else r
                             for r in m.records)
    schools_rows = split(m.records) if o.by_school is not None or fmt == "xlsx" else {}
    school_files = _school_files(o.by_school, schools_rows, fmt, inputs) \
        if o.by_school is not None else {}  # checked before anything is written
    if o.screen is not None and output is None and o.explain is None:
        o.screen.extend(m.records)  # for a person at a terminal: drawn by the caller
    elif output is not None or o.explain is None:
        text = _render(m.records, fmt, output, o.guard, o.bom, schools_rows)
        if output is not None:
            write_output(output, text)
        else:
            write_stdout(text.encode("utf-8") if isinstance(text, str) else text)
    if o.by_school is not None:
        summary["by_school_files"] = _write_by_school(o.by_school, schools_rows, school_files,
                                                      fmt, o.guard, o.bom)


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


def _keep_cost(needs: list[Any], sups: list[Any], policy: Any, avoided: Any, view: Any,
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


def _summary(staff: list[Any], needs: list[Any], sups: list[Any], sol: Any, causes: Counter[str], policy: Any,
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


def _duplicates(staff: list[Any]) -> dict[str, Any]:
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


def _shortfall(needs: list[Any], sol: Any, policy: Any, schools: Any) -> list[dict[str, Any]]:
    """What would match everyone: for each unmatched need, one more place of the kind that
    may take it (a new supporter is nobody's line manager or assessor), grouped by support,
    school and the mentor career stages the rules allow. Adding these places is enough;
    fewer may do, where one new supporter could take needs of several groups."""
    from coachmentor.match.eligibility import stages_allowed
    from coachmentor.match.people import STAGES

    groups: Counter[tuple[str, str, tuple[str, ...]]] = Counter()
    allowed: dict[tuple[Any, ...], tuple[str, ...]] = {}
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
