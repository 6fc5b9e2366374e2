"""The batch commands, `assess`, `values` and `template`: thin wrappers over coachmentor.batch.

Only typer, the standard library and small modules of ours (cli.common, files.formats,
textsafe) are imported here at module level (cli/app.py imports this module for every command,
`--version` included); the batch package, rich and openpyxl are imported inside the commands.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from coachmentor.cli.common import (
    AcceptSuggestionsOption,
    BomOption,
    ColumnOption,
    DebugOption,
    DelimiterOption,
    EncodingOption,
    OutputBomOption,
    RulesOption,
    SheetOption,
    ShowValuesOption,
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
    staff_argument,
    table_options,
)
from coachmentor.files.formats import TABLE_FORMATS, TEMPLATE_FORMATS
from coachmentor.textsafe import printable

if TYPE_CHECKING:
    from coachmentor.batch.summary import AssessSummary


@contextmanager
def _progress(enabled: bool) -> Iterator[Any]:
    """A rich progress bar on stderr (only at a terminal); yields a factory for `assess_file`."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                   TimeElapsedColumn(), console=Console(stderr=True), transient=True)

    def factory(table: Any) -> Any:
        # bytes read, for a text file; for a workbook only the row count is known
        total = table.size if table.position() is not None else None
        task = bar.add_task("assessing", total=total or None)
        bar.start()

        def tick(rows: int) -> None:
            bar.update(task, completed=table.position() or 0,
                       description=f"assessing: {rows:,} rows")

        return tick

    try:
        yield factory
    finally:
        bar.stop()


def write_extras(result: AssessSummary, rules: Any, *, output: Path | None, summary: Path | None,
                 report: Path | None) -> None:
    """`--summary` (JSON) and `--report` (HTML) after the results: written here, not by the
    library call that assesses, and a failure says exactly what was and was not written."""
    from coachmentor.batch.run import write_summary
    from coachmentor.files.atomic import not_written_after, write_output
    from coachmentor.render.html_report import render_report

    written = ([str(output)] if output is not None and str(output) != "-"
               else [] if result.get("output", {}).get("format") == "screen"
               else ["the results to standard output"])
    if summary is not None:
        with not_written_after([report] if report is not None else [], written):
            write_summary(summary, result)
        written.append(str(summary))
    if report is not None:
        with not_written_after([], written):
            write_output(report, render_report(result, rules))


def _print_summary(result: AssessSummary, rules: Any, errors_shown: bool = False) -> None:
    from coachmentor.render.summary import render_text

    print_summary_text(render_text(result, rules, errors_shown=errors_shown))


def print_summary_text(text: str) -> None:
    """A summary's lines on stderr: at a terminal wrapped in whole words under their first
    word, errors red and warnings yellow; else as they are. Each line is made printable."""
    # Every value in it was escaped where it was quoted; once more per line, so that no
    # control character in any message can reach the terminal raw.
    text = "\n".join(printable(line) for line in text.split("\n"))
    if sys.stderr.isatty():
        import textwrap

        from rich.text import Text

        from coachmentor.render.console import make_console

        console = make_console(stderr=True)
        lines = text.rstrip("\n").split("\n")
        for k, line in enumerate(lines):
            style = "red" if line.lstrip().startswith(("errors", "row ", "error")) else None
            style = "yellow" if line.lstrip().startswith("warning") else style
            style = "bold" if k == 0 else style
            # Whole words, and a wrapped line indented under its first word's text.
            indent = " " * (len(line) - len(line.lstrip()) + 2)
            wrapped = textwrap.fill(line, console.width, subsequent_indent=indent,
                                    break_on_hyphens=False, break_long_words=True)
            console.print(Text(wrapped, style=style or ""), soft_wrap=True)
    else:
        sys.stderr.write(text)
        sys.stderr.flush()


ASSESS_EXAMPLES = (
    "coachmentor assess staff.csv -o results.csv",
    "coachmentor assess staff.xlsx --sheet Autumn -o results.csv --summary summary.json",
    "coachmentor assess staff.csv -o results.xlsx           # format from the name",
    "coachmentor assess staff.csv -o results.jsonl          # csv, tsv, jsonl, json, xlsx",
    "coachmentor assess staff.csv --redact -o shareable.csv --report report.html",
    "coachmentor assess - --format jsonl < staff.csv        # for scripts",
    "coachmentor assess staff.csv --values values.csv       # columns and values, said once",
    'coachmentor assess staff.csv --column focus="Area for development"',
)
TEMPLATE_EXAMPLES = (
    "coachmentor template -o staff.xlsx                # drop-down lists and a guide sheet",
    "coachmentor template -o staff.csv",
    "coachmentor template --supporters -o supporters.xlsx",
)


def for_a_person(output: Path | None, format_: str | None) -> bool:
    """Results for a person to read: standard output is a terminal and neither a file, '-o -'
    nor a --format was asked for (those write the data itself, as scripts expect)."""
    return output is None and format_ is None and sys.stdout.isatty()


def _show_on_screen(screen: Any, result: AssessSummary, rules: Any) -> None:
    from coachmentor.render.console import make_console
    from coachmentor.render.screen import results_table
    from coachmentor.render.words import wording

    results_table(screen, wording(result, rules), rules, make_console(stderr=False))
    sys.stdout.flush()


def keep_hint_to_stderr(command: str, arguments: list[str], stem: str) -> None:
    """Last on screen: how to keep every result in a file (render.screen.keep_hint), naming a
    file that is not already there."""
    from coachmentor.files.formats import free_name
    from coachmentor.render.console import make_console
    from coachmentor.render.screen import keep_hint

    console = make_console(stderr=True)
    what, line = keep_hint(command, arguments, free_name(stem, ".csv"), stdin="-" in arguments)
    console.print(printable(what), soft_wrap=True, markup=False)
    console.print(printable(line), soft_wrap=True, markup=False, style="bold")


def rerun_options(options: dict[str, Any]) -> list[str]:
    """The command-line options that shaped a run, as typed again: flag -> value (True: a
    flag alone; None or False: left out)."""
    out: list[str] = []
    for flag, value in options.items():
        if value is None or value is False:
            continue
        out.append(flag)
        if value is not True:
            out.append(str(value))
    return out


@reads_and_writes(inputs={"input": "INPUT", "values": "--values", "rules": "--rules"},
                  outputs={"output": "-o/--output", "summary": "--summary", "report": "--report"},
                  stdout_unless="output")
def assess(
    input: Annotated[str, staff_argument()],
    output: Annotated[
        Path | None,
        output_option("Write results to this file (atomically) instead of standard output; its "
                      "name says the format: .csv, .tsv, .jsonl, .json or .xlsx."),
    ] = None,
    format_: Annotated[
        str | None,
        format_option(TABLE_FORMATS, "Output format (default: from the -o name, else csv). csv is "
                      "comma-separated (semicolon if the input is); tsv tab-separated; xlsx a "
                      "workbook, which needs -o FILE or standard output that is not a terminal."),
    ] = None,
    sheet: SheetOption = None,
    encoding: EncodingOption = None,
    delimiter: DelimiterOption = None,
    summary: Annotated[
        Path | None,
        also_write_option("--summary", "Also write the summary as JSON to this file."),
    ] = None,
    report: Annotated[
        Path | None,
        also_write_option("--report", "Also write a self-contained HTML report of the batch "
                          "(counts, charts, capacity, error rows; no names)."),
    ] = None,
    no_formula_guard: Annotated[
        bool,
        typer.Option("--no-formula-guard", help="Keep cells that start with = + - @ tab or CR "
                     "as they are in CSV and TSV output; by default they get a leading ' so "
                     "that a spreadsheet does not run them as formulas (an .xlsx never needs "
                     "it: its cells are typed as text)."),
    ] = False,
    redact: Annotated[
        bool, redact_option("Make the output safe to share: names (and any "
                           "column the rule base marks personal) and every column coachmentor "
                           "does not know (an Email, notes) become pseudonyms; in error rows, "
                           "a value that is not an accepted answer becomes a pseudonym and "
                           "extra values are removed; error messages quote no value. stderr "
                           "lists the columns treated. Pseudonyms are stable across runs when "
                           "COACHMENTOR_REDACT_KEY is set.")
    ] = False,
    bom: BomOption = None,
    values: ValuesOption = None,
    column: ColumnOption = None,
    accept_suggestions: AcceptSuggestionsOption = False,
    show_values: ShowValuesOption = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No summary or progress on standard error.")
    ] = False,
    rules: RulesOption = None,
    debug: DebugOption = False,
) -> None:
    """Assess every member of staff in a CSV or .xlsx file: one result row per input row.

    Columns are matched by header (ids such as career_stage, or aliases such as 'Career
    Stage'); values by value, label or synonym, ignoring case and spaces. Every input column
    is kept; status, recommendation, confidence, coaching_type, mentoring_type, reasons,
    error, alternative, warnings, rules_name, rules_version and rules_hash are added, then one
    <question>_read column per answer column: the value each cell was read as. Words for no
    answer (N/A, not asked, TBC) are blank; an optional answer that cannot be read is read as
    not answered, with a warning. A row that cannot be assessed is kept with status 'error' and
    says why. Exit 0: all rows ok; 1: some error rows; 2: the file or the rules cannot be used;
    130: interrupted.
    """
    result: AssessSummary = {}
    with guarded(debug), interrupts_as_keyboard_interrupt():
        from coachmentor.batch.run import AssessOptions, assess_file

        ruleset = load_ruleset(rules)
        value_map = read_values(ruleset, values)
        screen = None
        if for_a_person(output, format_):
            from coachmentor.render.screen import screen_rows

            screen = screen_rows()
        if input == "-" and sys.stdin.isatty() and not quiet:
            sys.stderr.write("coachmentor: reading the staff list from standard input "
                             "(end it with Ctrl-D)\n")
        show_progress = not quiet and sys.stderr.isatty()
        with _progress(show_progress) as progress:
            options = AssessOptions(
                read=table_options(encoding, delimiter, sheet), fmt=format_,
                formula_guard=not no_formula_guard, redact=redact, bom=bom, values=value_map,
                accept_suggestions=accept_suggestions, show_values=show_values and not redact,
                picks=column_picks(ruleset, column, value_map),
            )
            result = assess_file(ruleset, input, output=output, options=options,
                                 progress=progress, also_writing=(summary, report),
                                 screen=screen)
        write_extras(result, ruleset, output=output, summary=summary, report=report)
        if screen is not None:
            _show_on_screen(screen, result, ruleset)
        from coachmentor.render.summary import column_warnings

        # A header that left an answer unused changed every row: -q still says it, and at a
        # terminal it is said again last (a long summary scrolls its second line away).
        unused = "".join(line.strip() + "\n" for line in column_warnings(result))
        if not quiet:
            _print_summary(result, ruleset, errors_shown=screen is not None and screen.whole)
        if unused and (quiet or sys.stderr.isatty()):
            print_summary_text(unused)
        if screen is not None and not quiet:
            keep_hint_to_stderr("assess", [input, *rerun_options({
                "--sheet": sheet, "--encoding": encoding, "--delimiter": delimiter,
                "--redact": redact, "--no-formula-guard": no_formula_guard,
                "--values": values, "--accept-suggestions": accept_suggestions,
                "--show-values": show_values, "--rules": rules}),
                *(f"--column={c}" for c in column or [])], "results")
    raise typer.Exit(result.get("exit_code", 0))


def read_values(rules: Any, path: Path | None) -> Any:
    """The --values file, read and checked before any staff row (exit 2 on a bad line)."""
    if path is None:
        return None
    from coachmentor.batch.values import load

    return load(rules, path)


VALUES_EXAMPLES = (
    "coachmentor values staff.xlsx -o values.csv      # the values to decide, one line each",
    "coachmentor assess staff.xlsx --values values.csv -o results.xlsx",
    "coachmentor values spring.xlsx --values values.csv -o values.csv   # next term: add to it",
    "coachmentor assess staff.csv --accept-suggestions   # read 'Senoir leader' as senior_leader",
    'coachmentor values staff.csv --column career_stage="Grade" -o values.csv',
)


@reads_and_writes(inputs={"input": "STAFF", "previous": "--values", "rules": "--rules"},
                  outputs={"output": "-o/--output"}, stdout_unless="output",
                  updates={"previous"})
def values(
    input: Annotated[str, staff_argument("STAFF")],
    output: Annotated[
        Path | None,
        output_option("Write the values file here (.csv or .xlsx) instead of standard output; at "
                      "a terminal without -o, a table is shown."),
    ] = None,
    previous: Annotated[
        Path | None,
        typer.Option("--values", metavar="FILE", help="An earlier values file: its 'use' cells "
                     "are filled in and its lines kept, so one file grows from term to term "
                     "(-o may name the same file).", show_default=False),
    ] = None,
    column: ColumnOption = None,
    sheet: SheetOption = None,
    encoding: EncodingOption = None,
    delimiter: DelimiterOption = None,
    show_values: ShowValuesOption = False,
    redact: Annotated[
        bool, redact_option("Leave out every value that is not an answer the "
                           "rule base knows (free text may hold names); such lines say to "
                           "correct the staff list instead.")
    ] = False,
    bom: OutputBomOption = None,
    rules: RulesOption = None,
    debug: DebugOption = False,
) -> None:
    """List the values of a staff list that coachmentor does not read plainly, to decide once.

    One line per answer column and distinct value: values it does not read, values it reads
    only with a warning ('MPS' for the career stage: early career teachers are on the main pay
    scale too), roles the sources do not cover, required answers left empty. Each line has how
    many rows hold the value and which, the nearest answer and its label, and an empty 'use'
    cell: write the answer it means (or 'not answered'), then run assess or match with
    --values FILE. A suggestion is applied only when you write it in 'use' (or run with
    --accept-suggestions). Exit 0; 2: the file or the rules cannot be used.
    """
    with guarded(debug):
        from coachmentor.batch.values import as_csv, as_xlsx, survey
        from coachmentor.files.formats import format_for

        ruleset = load_ruleset(rules)
        old = read_values(ruleset, previous)
        fmt = format_for(None, output, formats=("csv", "xlsx"), by_suffix={
            ".csv": "csv", ".txt": "csv", ".xlsx": "xlsx"}, default="csv",
            accepted=".csv or .xlsx", unsupported=(".xlsm", ".xls", ".ods"))
        found = survey(ruleset, input, options=table_options(encoding, delimiter, sheet),
                       values=old, redact=redact, picks=column_picks(ruleset, column))
        on_screen = output is None and sys.stdout.isatty()
        if on_screen:
            from coachmentor.render.console import make_console
            from coachmentor.render.values import values_table

            values_table(found, ruleset, make_console(stderr=False),
                         show_values=show_values and not redact)
        elif output is None:
            from coachmentor.files.atomic import with_bom, write_stdout

            write_stdout(with_bom(as_csv(found.entries), bom, None).encode("utf-8"))
        else:
            from coachmentor.files.atomic import with_bom, write_output

            write_output(output, with_bom(as_csv(found.entries), bom, output) if fmt == "csv"
                         else as_xlsx(found.entries, str(output)))
        from coachmentor.render.values import summary_lines

        print_summary_text(summary_lines(found, input, output, on_screen))



@reads_and_writes(inputs={"rules": "--rules"}, outputs={"output": "-o/--output"},
                  stdout_unless="output")
def template(
    output: Annotated[
        Path | None,
        output_option("Write the template to this file (default: standard output; required for "
                      "xlsx)."),
    ] = None,
    format_: Annotated[
        str | None,
        format_option(TEMPLATE_FORMATS, "Format (default: from the -o name, else csv)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the output file if it exists.")
    ] = False,
    supporters: Annotated[
        bool, typer.Option("--supporters", help="A supporters file for `match` instead "
                           "(staff_id, offers, career_stage, capacity, ...).")
    ] = False,
    bom: OutputBomOption = None,
    rules: RulesOption = None,
    debug: DebugOption = False,
) -> None:
    """Write a ready-to-fill staff list: a header with every field and one example row.

    The xlsx workbook offers each answer's allowed values as a drop-down list and has a
    'guide' sheet explaining every field.
    """
    with guarded(debug):
        if supporters:
            from coachmentor.match.template import write_supporters_template

            fmt = write_supporters_template(output, format_, force=force, bom=bom)
            if output is not None:
                sys.stderr.write(f"coachmentor: wrote {printable(str(output))} ({fmt})\n")
            return
        from coachmentor.batch.template import write_template

        ruleset = load_ruleset(rules)
        fmt = write_template(ruleset, output, format_, force=force, bom=bom)
        if output is not None:
            sys.stderr.write(f"coachmentor: wrote {printable(str(output))} ({fmt})\n")
