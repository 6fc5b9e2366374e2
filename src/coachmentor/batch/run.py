"""`coachmentor assess` as a library call: read, assess, write, summarise.

`assess_file()` does the whole run and returns the summary dict (see summary.py) with
`exit_code` set: 0 every row ok, 1 some rows are error rows. File-level problems raise
`InputFileError` (exit 2) before anything is written to a file: `-o` output is written to a
temporary file beside the target and renamed only when the run completes (a device, pipe or
socket is written straight into; see atomic.py). A failed write is an `OutputError` (exit 2)
saying what was and was not written.
"""

from __future__ import annotations

import io
import os
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from coachmentor.batch.cells import Results
from coachmentor.batch.checks import RowChecks
from coachmentor.batch.columns import MissingColumns, header_test, map_columns
from coachmentor.batch.core import Loop, Memo
from coachmentor.batch.guess import with_guesses
from coachmentor.batch.reading import CellReader, Shown
from coachmentor.batch.sinks import FORMATS, ScreenRows, Sink, XlsxSink, make_sink
from coachmentor.batch.summary import AssessSummary, SummaryBuilder
from coachmentor.errors import EXIT_OK, EXIT_ROW_ERRORS, InputFileError, OutputError
from coachmentor.files.atomic import (
    not_written_after,
    remove_stale_temps_beside,
    replaces_a_file,
    writes_a_file,
)
from coachmentor.files.formats import TABLE_SUFFIXES, format_for
from coachmentor.files.paths import check_files
from coachmentor.files.table import Table, TableOptions, open_table
from coachmentor.rulebase.ruleset import RuleSet

SUFFIX_FORMATS = TABLE_SUFFIXES
SPREADSHEET_SUFFIXES = (".xlsm", ".xls", ".ods")  # spreadsheets coachmentor does not write
TEXT_FORMATS = ("csv", "tsv")  # delimited text: the formula guard, a BOM, the input's line ending


def choose_format(fmt: str | None, output: Path | None) -> str:
    """An explicit --format wins; else the -o name's extension says the format (none: csv)."""
    return format_for(fmt, output, formats=FORMATS, by_suffix=SUFFIX_FORMATS, default="csv",
                      accepted=".csv, .tsv, .jsonl, .json or .xlsx (or .txt, .ndjson)",
                      unsupported=SPREADSHEET_SUFFIXES)


def output_delimiter(fmt: str, input_delimiter: str | None) -> str:
    """TSV: a tab. CSV: a comma, whatever separated the input, except a semicolon: that is the
    CSV of Excel where the decimal separator is a comma (most of Europe), so a semicolon file
    stays one and opens in the same Excel it came from."""
    if fmt == "tsv":
        return "\t"
    return ";" if input_delimiter == ";" else ","


@contextmanager
def _output(path: Path | None, bom: bool, stdout: IO[bytes] | None,
            binary: bool = False, none: bool = False) -> Iterator[IO[Any]]:
    """The results' destination: `path` through atomic.open_output (a file atomically, a
    device or pipe straight), else standard output; text, or bytes when `binary` (a
    workbook); nothing when `none` (the results are kept for the screen). A failed write is
    an OutputError."""
    if none:
        yield io.StringIO()
        return
    encoding = "utf-8-sig" if bom else "utf-8"
    if path is not None:
        from coachmentor.files.atomic import open_output

        text_mode: dict[str, Any] = {} if binary else {"encoding": encoding, "newline": ""}
        with open_output(path, "wb" if binary else "w", **text_mode) as out:
            yield out
        return
    raw = stdout if stdout is not None else sys.stdout.buffer
    text = None if binary else io.TextIOWrapper(raw, encoding=encoding, newline="",
                                                write_through=False)
    fh: IO[Any] = raw if text is None else text
    try:
        yield fh
        fh.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        from coachmentor.files.atomic import STDOUT, stdout_failed

        if stdout is not None:  # a caller's stream: theirs to deal with, not ours to silence
            raise OutputError(STDOUT, exc.strerror or str(exc)) from None
        raise stdout_failed(exc) from None
    finally:
        if text is not None:
            try:
                text.detach()  # leave standard output itself open
            except (ValueError, OSError):
                pass


@dataclass(frozen=True)
class AssessOptions:
    """How to read the staff list and write the results: the CLI's options, as one value."""

    read: TableOptions = TableOptions()
    fmt: str | None = None  # csv | tsv | jsonl | json | xlsx; None: from the output's name, else csv
    formula_guard: bool = True
    redact: bool = False
    # A byte order mark at the start of CSV/TSV output, so that Excel reads it as UTF-8
    # (accents): None = when writing a file (-o NAME), or when the input had one.
    bom: bool | None = None
    # The leader's values file (values.ValueMap), applied before the rule base reads a cell.
    values: Any = None
    # Read a value the rule base does not read as its one suggestion, with a warning.
    accept_suggestions: bool = False
    # Free text in full where messages quote a value (never under --redact).
    show_values: bool = False
    # Which column holds which field, as the leader said (--column, then the values file).
    picks: tuple[Any, ...] = ()


def assess_file(
    rules: RuleSet,
    source: str | Path,
    *,
    output: Path | None = None,
    options: AssessOptions = AssessOptions(),
    stdin: IO[bytes] | None = None,
    stdout: IO[bytes] | None = None,
    progress: Callable[[Table], Any] | None = None,
    also_writing: tuple[Path | None, ...] = (),
    screen: ScreenRows | None = None,
) -> AssessSummary:
    """Assess every row of `source` ('-' = standard input) into `output` (None or '-':
    standard output); return the summary dict. `also_writing`: the other files the caller
    will write after (a summary, a report), so that none of them is the input or the output,
    and so that a killed run's temporary files of theirs are cleared now. `screen`: keep the
    first rows' results there for a person to read, instead of writing any (no `output`)."""
    started = time.perf_counter()
    started_at = time.time()
    if output is not None and str(output) == "-":
        output = None  # -o - : standard output, like no -o
    fmt = "screen" if screen is not None else choose_format(options.fmt, output)
    if screen is not None and output is not None:
        raise ValueError("screen= is instead of an output")
    if fmt == "xlsx" and output is None:
        from coachmentor.files.workbook_out import refuse_terminal

        refuse_terminal(stdout if stdout is not None else sys.stdout)
    formula_guard, redact = options.formula_guard, options.redact
    source = str(source)
    check_files([("INPUT", source), ("--rules", getattr(rules, "source_file", None))],
                [("-o/--output", output), *(("another output", p) for p in also_writing)],
                stdout_is_output=output is None and screen is None and stdout is None)
    replacing = replaces_a_file(output)
    stale = remove_stale_temps_beside([output, *also_writing], started_at)
    picks = options.picks
    table = open_table(source, stdin=stdin, is_header=header_test(rules, picks),
                       **options.read.as_kwargs())
    try:
        try:
            columns = map_columns(rules, table.header, table.name, picks)
        except MissingColumns as exc:  # what the rows propose for it, never used silently
            raise InputFileError(with_guesses(exc, rules, table.rows, table.name)) from None
        summary = SummaryBuilder(rules, columns)
        textual = fmt in TEXT_FORMATS
        guard = formula_guard and textual
        redactor = _redactor(rules, columns, guard) if redact else None
        newline = table.newline if table.kind == "csv" else "\r\n"
        delimiter = output_delimiter(fmt, table.delimiter)
        results = Results(rules, delimiter=delimiter, newline=newline, guard=guard)
        reader = CellReader(rules, values=options.values.cells if options.values else None,
                            accept_suggestions=options.accept_suggestions,
                            shown=Shown(show_values=options.show_values, redact=redact))
        checks = RowChecks(rules, columns, results, guard=guard,
                           delimiter=table.delimiter or ",", on_error=summary.note_error,
                           redactor=redactor, reader=reader)
        checks.memo = memo = Memo(rules, checks, results)
        bom = options.bom if options.bom is not None else (
            (output is not None and writes_a_file(output))
            or (table.bom and not (output is None and stdout is None and sys.stdout.isatty())))
        extras = [p for p in also_writing if p is not None]
        # The input's text of a row is written as it was read only where it is the output's
        # text too: the same delimiter, nothing redacted.
        pass_through = textual and redactor is None and delimiter == (table.delimiter or ",")
        with not_written_after(extras), _output(output, bom and textual, stdout,
                                                binary=fmt == "xlsx", none=screen is not None
                                                ) as fh:
            sink: Sink = screen if screen is not None else make_sink(
                fmt, fh, columns, delimiter=delimiter, newline=newline, guard=guard,
                name=str(output) if output is not None else "standard output")
            if screen is not None:
                screen.sid = columns.fields.get("staff_id")

            def emit(rows: list[Any], texts: list[Any] | None, results: list[Any], numbers: list[int],
                     blanks: int, reads: list[str]) -> None:
                if redactor is not None:
                    # Last, after every check on the rows (a cell that swallowed rows is found
                    # by its text), first before anything is written or counted.
                    redactor.rows(rows, results)
                sink.write(rows, texts, results, reads)
                if screen is not None:
                    screen.take(rows, results, numbers)
                summary.absorb(rows, results, numbers, blanks)

            tick = progress(table) if progress is not None else None
            try:
                Loop(table, checks, emit, tick, pass_through=pass_through).run()
                sink.close()
            except BaseException:
                sink.discard()  # a workbook's temporary sheet goes now, not at exit
                raise
    finally:
        table.close()
    summary.recoded = checks.recoded
    result = summary.to_dict(
        input={
            "name": table.name,
            "kind": table.kind,
            "encoding": table.encoding_label(),
            "delimiter": {"\t": "tab"}.get(table.delimiter or "", table.delimiter),
            "sheet": table.sheet,
            "header_row": table.header_row,
            "rows_above_header_skipped": table.skipped_above_header,
            "replaced_previous_results": bool(columns.dropped),
        },
        output={"name": str(output) if output is not None else "<stdout>" if screen is None
                else "<screen>", "format": fmt, "replaced_a_file": replacing,
                "formula_guard": guard,
                **({"delimiter": {"\t": "tab"}.get(delimiter, delimiter)} if textual else {}),
                **({"cells_cut": sink.cut} if isinstance(sink, XlsxSink) else {})},
    )
    if redact:
        from coachmentor.files.redact import KEY_ENV

        personal, unknown = _redacted_columns(rules, columns)
        def head(i: int) -> str:
            return columns.header[i].strip() or f"column {i + 1} (no header)"

        result["redacted_columns"] = [head(i) for i in personal]
        result["pseudonymised_unknown_columns"] = [head(i) for i in unknown]
        result["pseudonyms_stable"] = bool(os.environ.get(KEY_ENV))
    if options.values is not None:
        result["values_file"] = options.values.describe()
    result["accept_suggestions"] = options.accept_suggestions
    if stale:
        result["stale_temporary_files_removed"] = stale
    # Engine runs: one per distinct answer set while the memo holds them all.
    result["distinct_answer_combinations"] = memo.engine_runs
    result["elapsed_seconds"] = round(time.perf_counter() - started, 3)
    result["exit_code"] = EXIT_ROW_ERRORS if result["errors"] else EXIT_OK
    return result


def _redacted_columns(rules: RuleSet, columns: Any) -> tuple[list[int], list[int]]:
    """The columns --redact always pseudonymises: (personal, unknown). Personal: the rule
    base marks them (`personal: true`: name, surname, forename). Unknown: every column that is
    neither a question nor a field of the rule base (an Email, notes, a column with no
    header) — coachmentor cannot tell what it holds, so it is treated as personal."""
    personal = sorted(columns.fields[f] for f in rules.personal_fields if f in columns.fields)
    known = set(columns.fields.values())
    unknown = [i for i in range(columns.width) if i not in known]
    return personal, unknown


def _redactor(rules: RuleSet, columns: Any, guard: bool) -> Any:
    """The --redact policy for this file's columns (see redact.RowRedactor): keyed-hash
    pseudonyms, stable across runs when COACHMENTOR_REDACT_KEY is set."""
    from coachmentor.files.redact import Redactor, RowRedactor

    personal, unknown = _redacted_columns(rules, columns)
    scored_idx = {i for i, _ in columns.scored}
    info = [i for i in sorted(columns.fields.values())
            if i not in scored_idx and i not in personal]
    from coachmentor.rulebase.ruleset import UNREAD

    def is_answer(fid: str, cell: str) -> bool:
        """Words of the rule base (a choice, a word for no answer, a word that does not settle
        it, a support-staff role) are not personal; anything else may be."""
        return rules.reading(fid, cell)[0] != UNREAD

    return RowRedactor(Redactor().pseudonym, always=sorted(personal + unknown),
                       scored=list(columns.scored), info=info, is_answer=is_answer, guard=guard)


def write_summary(path: Path, summary: Mapping[str, Any]) -> None:
    import json

    from coachmentor.files.atomic import write_output

    write_output(path, json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
