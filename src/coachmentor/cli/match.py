"""The `match` command: a thin wrapper over coachmentor.match (imported inside the command,
so that `--help` and `--version` stay fast)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from coachmentor.cli.batch import (
    for_a_person,
    keep_hint_to_stderr,
    print_summary_text,
    read_values,
    rerun_options,
)
from coachmentor.cli.common import (
    AcceptSuggestionsOption,
    ColumnOption,
    DebugOption,
    DelimiterOption,
    EncodingOption,
    OutputBomOption,
    RulesOption,
    SheetOption,
    ValuesOption,
    also_write_option,
    column_picks,
    format_option,
    guarded,
    interrupts_as_keyboard_interrupt,
    load_ruleset,
    output_option,
    reads_and_writes,
    redact_option,
    table_options,
)
from coachmentor.files.formats import TABLE_FORMATS

EXAMPLES = (
    "coachmentor match staff.csv supporters.csv -o pairs.csv --summary summary.json",
    "coachmentor match results.csv supporters.xlsx          # an assess output the leader edited",
    "coachmentor match staff.csv supporters.csv --explain E322 -q     # one person's reasoning",
    "coachmentor match staff.csv supporters.csv --keep last-year.csv --avoid never.csv",
    "coachmentor match staff.csv supporters.csv -o pairs.xlsx --by-school heads/   # a list per school",
)


@reads_and_writes(inputs={"staff": "STAFF", "supporters": "SUPPORTERS", "keep": "--keep",
                          "avoid": "--avoid", "values": "--values", "rules": "--rules"},
                  outputs={"output": "-o/--output", "summary": "--summary", "report": "--report"},
                  stdout_unless="output")
def match(
    staff: Annotated[str, typer.Argument(
        help="Staff list (CSV, .xlsx or '-'): as for assess, or an assess output whose "
             "recommendation column the leader has edited.", show_default=False,
        metavar="STAFF")],
    supporters: Annotated[str, typer.Argument(
        help="Supporters (CSV or .xlsx): staff_id, offers, career_stage, capacity, school, "
             "subject, trained, specialisms.", show_default=False, metavar="SUPPORTERS")],
    output: Annotated[Path | None, output_option(
        "Write the pairs to this file (atomically) instead of standard output.")] = None,
    format_: Annotated[str | None, format_option(
        TABLE_FORMATS, "Output format (default: from the -o name, else csv); xlsx needs -o FILE "
        "or standard output that is not a terminal.")] = None,
    summary: Annotated[Path | None, also_write_option(
        "--summary", "Also write a JSON summary: coverage by support and school, each "
        "supporter's load against capacity, unmatched by cause.")] = None,
    report: Annotated[Path | None, also_write_option(
        "--report", "Also write a self-contained HTML report for planning: "
        "coverage by support and school, the unmatched by cause, the places that would match "
        "everyone, each supporter's load (staff ids, no names).")] = None,
    explain: Annotated[str | None, typer.Option(
        "--explain", metavar="STAFF_ID", help="Print the full reasoning for one staff_id on standard output (the "
        "chosen supporter, the next two and how much worse, who each hard rule excluded). "
        "The pairs are then written only with -o.", show_default=False)] = None,
    keep: Annotated[Path | None, typer.Option(
        "--keep", metavar="FILE", help="CSV or .xlsx of pairs to keep (staff_id, supporter_id, "
        "optional support), such as last year's: each pair that still holds keeps its place "
        "and the rest is matched around them; a pair whose person, need or supporter is gone, "
        "or that breaks a hard rule now, is not kept and is listed with the reason.",
        show_default=False)] = None,
    avoid: Annotated[Path | None, typer.Option(
        "--avoid", metavar="FILE", help="CSV or .xlsx of pairs never to make (staff_id, supporter_id, "
        "optional support); rows naming nobody in the files are listed and skipped.",
        show_default=False)] = None,
    by_school: Annotated[Path | None, typer.Option(
        "--by-school", metavar="DIR", help="Also write one file per school into this folder "
        "(made if needed; the output's format): each school's pairs and unmatched, and the "
        "pairs its staff support elsewhere. An .xlsx output has a sheet per school anyway.",
        show_default=False)] = None,
    redact: Annotated[bool, redact_option(
        "Names (staff and supporters) become pseudonyms, as for assess; "
        "stable across runs when COACHMENTOR_REDACT_KEY is set.")] = False,
    no_formula_guard: Annotated[bool, typer.Option(
        "--no-formula-guard", help="Keep cells that start with = + - @ tab or CR as they are "
        "in CSV output.")] = False,
    sheet: SheetOption = None,
    encoding: EncodingOption = None,
    delimiter: DelimiterOption = None,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="No summary on standard error.")] = False,
    bom: OutputBomOption = None,
    values: ValuesOption = None,
    column: ColumnOption = None,
    accept_suggestions: AcceptSuggestionsOption = False,
    rules: RulesOption = None,
    debug: DebugOption = False,
) -> None:
    """Pair the staff who need coaching or mentoring with the colleagues able to give it.

    Hard rules: a coach offers coaching and a mentor mentoring; nobody supports themselves; a
    coach is never the person's line manager or assessor; a mentor's career stage is at least
    the mentee's (earlier for reverse mentoring); and, from the rule base (a school may switch
    them off): a trainee's or ECT's mentor is an experienced teacher in their phase, a senior
    leader's coach is trained, succession mentoring is by a senior leader; nobody beyond
    capacity. Among the pairings they allow: as many trainees' and ECTs' mentoring needs as
    possible, then as many relationships as possible, then as many novices' mentors from their
    own school as possible, then the best pairs by the rule base's preferences. One row per
    needed relationship (with what to check, or the fix that would match them), then one per
    'other' or error row. Exit 0: all matched; 1: some unmatched or error rows; 2: unusable
    input.
    """
    result: dict[str, Any] = {}
    with guarded(debug), interrupts_as_keyboard_interrupt():
        from coachmentor.match.io import choose_format
        from coachmentor.match.run import match_files
        from coachmentor.render.match_summary import summary_text

        if format_ is None and output is not None and str(output) != "-":
            choose_format(None, output)  # pairs.md is refused, not filled with CSV

        ruleset = load_ruleset(rules)
        opts = table_options(encoding, delimiter, sheet).as_kwargs()
        screen: list[dict[str, Any]] | None = [] if explain is None and for_a_person(output, format_) \
            else None
        records: list[dict[str, Any]] | None = [] if report is not None else None
        result = match_files(ruleset, staff, supporters, output=output, fmt=format_,
                             summary_path=summary, redact=redact, explain=explain,
                             guard=not no_formula_guard, keep=keep, avoid=avoid,
                             read_opts=opts, bom=bom, screen=screen, by_school=by_school,
                             records_out=records, also_writing=(report,),
                             values=(value_map := read_values(ruleset, values)),
                             accept_suggestions=accept_suggestions,
                             picks=column_picks(ruleset, column, value_map))
        if screen is not None:
            from coachmentor.render.console import make_console
            from coachmentor.render.screen import pairs_table

            pairs_table(screen, make_console(stderr=False))
            sys.stdout.flush()
        if report is not None:
            from coachmentor.files.atomic import not_written_after, write_output
            from coachmentor.render.match_report import render_match_report

            written = ([str(output)] if output is not None and str(output) != "-"
                       else [] if screen is not None
                       else ["the pairs to standard output"]) + ([str(summary)] if summary else [])
            with not_written_after([], written):
                write_output(report, render_match_report(result, records or []))
        if not quiet:
            print_summary_text(summary_text(result))
            if screen is not None:
                keep_hint_to_stderr("match", [staff, supporters, *rerun_options({
                    "--keep": keep, "--avoid": avoid, "--by-school": by_school,
                    "--sheet": sheet, "--encoding": encoding,
                    "--delimiter": delimiter, "--redact": redact,
                    "--no-formula-guard": no_formula_guard, "--values": values,
                    "--accept-suggestions": accept_suggestions, "--rules": rules})], "pairs")
    raise typer.Exit(result.get("exit_code", 0))
