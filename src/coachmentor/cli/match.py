"""The `match` command: a thin wrapper over coachmentor.match (imported inside the command,
so that `--help` and `--version` stay fast)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from coachmentor.cli.batch import (
    for_a_person,
    interrupts_as_keyboard_interrupt,
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
    column_picks,
    guarded,
    load_ruleset,
    one_of,
    table_options,
)

EXAMPLES = (
    "coachmentor match staff.csv supporters.csv -o pairs.csv --summary summary.json",
    "coachmentor match results.csv supporters.xlsx          # an assess output the leader edited",
    "coachmentor match staff.csv supporters.csv --explain E322 -q     # one person's reasoning",
    "coachmentor match staff.csv supporters.csv --keep current.csv --avoid never.csv",
)


def match(
    staff: Annotated[str, typer.Argument(
        help="Staff list (CSV, .xlsx or '-'): as for assess, or an assess output whose "
             "recommendation column the leader has edited.", show_default=False,
        metavar="STAFF")],
    supporters: Annotated[str, typer.Argument(
        help="Supporters (CSV or .xlsx): staff_id, offers, career_stage, capacity, school, "
             "subject, trained, specialisms.", show_default=False, metavar="SUPPORTERS")],
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", metavar="FILE", help="Write the pairs to this file (atomically) instead of standard "
        "output.", show_default=False)] = None,
    format_: Annotated[Optional[str], typer.Option(
        "--format", "-f", metavar="csv|tsv|jsonl|json|xlsx",
                     autocompletion=one_of("csv|tsv|jsonl|json|xlsx"), help="Output format (default: from the -o "
        "name, else csv); xlsx needs -o FILE or standard output that is not a terminal.",
        show_default=False)] = None,
    summary: Annotated[Optional[Path], typer.Option(
        "--summary", metavar="FILE", help="Also write a JSON summary: coverage by support and school, each "
        "supporter's load against capacity, unmatched by cause.", show_default=False)] = None,
    report: Annotated[Optional[Path], typer.Option(
        "--report", metavar="FILE", help="Also write a self-contained HTML report for planning: "
        "coverage by support and school, the unmatched by cause, the places that would match "
        "everyone, each supporter's load (staff ids, no names).", show_default=False)] = None,
    explain: Annotated[Optional[str], typer.Option(
        "--explain", metavar="STAFF_ID", help="Print the full reasoning for one staff_id on standard output (the "
        "chosen supporter, the next two and how much worse, who each hard rule excluded). "
        "The pairs are then written only with -o.", show_default=False)] = None,
    keep: Annotated[Optional[Path], typer.Option(
        "--keep", metavar="FILE", help="CSV or .xlsx of pairs to keep as they are (staff_id, supporter_id, "
        "optional support): they hold their places and the rest is matched around them. A "
        "kept pair must keep the hard rules.", show_default=False)] = None,
    avoid: Annotated[Optional[Path], typer.Option(
        "--avoid", metavar="FILE", help="CSV or .xlsx of pairs never to make (staff_id, supporter_id, "
        "optional support).", show_default=False)] = None,
    redact: Annotated[bool, typer.Option(
        "--redact", help="Names (staff and supporters) become pseudonyms, as for assess; "
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
    the mentee's (later for trainees and ECTs; earlier for reverse mentoring; a senior leader
    for succession); nobody beyond capacity. Among the pairings they allow: as many trainees'
    and ECTs' mentoring needs as possible, then as many relationships as possible, then the
    best pairs by the rule base's preferences. One row per needed relationship, then one per
    'other' or error row. Exit 0: all matched; 1: some unmatched or error rows; 2: unusable
    input.
    """
    result: dict = {}
    with guarded(debug), interrupts_as_keyboard_interrupt():
        from coachmentor.match.io import choose_format
        from coachmentor.match.run import match_files, summary_text

        if format_ is None and output is not None and str(output) != "-":
            choose_format(None, output)  # pairs.md is refused, not filled with CSV

        if report is not None:
            from coachmentor.batch.run import check_paths

            for source in (staff, supporters):
                check_paths(source, output, summary, report)
        ruleset = load_ruleset(rules)
        opts = table_options(encoding, delimiter, sheet).as_kwargs()
        screen: list[dict] | None = [] if explain is None and for_a_person(output, format_) \
            else None
        result = match_files(ruleset, staff, supporters, output=output, fmt=format_,
                             summary_path=summary, redact=redact, explain=explain,
                             guard=not no_formula_guard, keep=keep, avoid=avoid,
                             read_opts=opts, bom=bom, screen=screen,
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
                write_output(report, render_match_report(result))
        if not quiet:
            print_summary_text(summary_text(result))
            if screen is not None:
                keep_hint_to_stderr("match", [staff, supporters, *rerun_options({
                    "--keep": keep, "--avoid": avoid, "--sheet": sheet, "--encoding": encoding,
                    "--delimiter": delimiter, "--redact": redact,
                    "--no-formula-guard": no_formula_guard, "--values": values,
                    "--accept-suggestions": accept_suggestions, "--rules": rules})], "pairs")
    raise typer.Exit(result.get("exit_code", 0))
