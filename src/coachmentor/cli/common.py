"""What every command shares: the --rules and --debug options, and turning errors into exits.

Only typer is imported here at module level; everything heavier is imported by the command
that needs it, so `--version` and `--help` stay fast.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Iterator, List, Optional

import typer
from typer.core import TyperCommand, TyperGroup

from coachmentor.errors import EXIT_INTERRUPTED, EXIT_USAGE, CoachmentorError, OutputError
from coachmentor.textsafe import printable


class HelpCommand(TyperCommand):
    """A command whose --help reads as words: `assess [OPTIONS] INPUT`, `INPUT  Staff list...`
    (no `{INPUT}` or `<str>`), and the epilog as a verbatim "Examples" section at the end."""

    @staticmethod
    def _plain_name(param: Any) -> str:
        name = param.metavar or (param.name or "").upper()
        return f"{name}..." if param.nargs != 1 else name

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                name = self._plain_name(param)
                pieces.append(name if param.required else f"[{name}]")
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        args, opts = [], []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if param.param_type_name == "argument":
                args.append((self._plain_name(param), record[1]))
            else:
                opts.append(record)
        for title, rows in (("Arguments", args), ("Options", opts)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)

    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        if self.epilog:
            with formatter.section("Examples"):
                for line in self.epilog.strip("\n").split("\n"):
                    formatter.write(f"{' ' * formatter.current_indent}{line}\n" if line else "\n")


class HelpGroup(TyperGroup):
    """A group (the top level, `rules`) whose --help ends with the same Examples section."""

    format_epilog = HelpCommand.format_epilog


def one_of(metavar: str) -> Any:
    """Tab completion for an option whose metavar lists its values (`csv|jsonl|json`)."""
    values = metavar.split("|")

    def complete(incomplete: str) -> list[str]:
        return [v for v in values if v.startswith(incomplete)]

    return complete


def examples(*lines: str) -> dict[str, Any]:
    """`@app.command(**examples(...))`: the plain help class and an Examples section."""
    return {"cls": HelpCommand, "epilog": "\n".join(lines)}


def staff_argument(metavar: str = "INPUT") -> Any:
    """The staff list a command reads (assess, values)."""
    return typer.Argument(help="Staff list: a CSV file, an .xlsx workbook, or '-' for standard "
                          "input.", show_default=False, metavar=metavar)


RulesOption = Annotated[
    Optional[Path],
    typer.Option(
        "--rules",
        "-r",
        metavar="FILE",
        help="Rule base to use instead of the shipped one (a YAML file).",
        envvar="COACHMENTOR_RULES",
        show_default=False,
        dir_okay=True,
    ),
]
SheetOption = Annotated[
    Optional[str],
    typer.Option("--sheet", metavar="NAME", help="Worksheet to read from an .xlsx (default: the first).",
                 show_default=False),
]
EncodingOption = Annotated[
    Optional[str],
    typer.Option("--encoding", metavar="NAME", help="Text encoding of a CSV (default: UTF-8, with or without "
                 "BOM; cp1252 detected).", show_default=False),
]
DelimiterOption = Annotated[
    Optional[str],
    typer.Option("--delimiter", "-d", metavar="CHAR", help="CSV delimiter: , ; | or tab (default: sniffed).",
                 show_default=False),
]


BomOption = Annotated[
    Optional[bool],
    typer.Option("--bom/--no-bom", help="Start CSV/TSV output with a byte order mark, which Excel "
                 "needs to read accents (default: when writing a file with -o, or when the "
                 "input had one; not on standard output).", show_default=False),
]
OutputBomOption = Annotated[
    Optional[bool],
    typer.Option("--bom/--no-bom", help="Start CSV/TSV output with a byte order mark, which Excel "
                 "needs to read accents (default: when writing a file with -o; not on "
                 "standard output).", show_default=False),
]


# How the values of a staff list are read (assess, match, values).
ValuesOption = Annotated[
    Optional[Path],
    typer.Option("--values", metavar="FILE", help="A values file (CSV or .xlsx, from "
                 "`coachmentor values`): what each value of the export means, filled in by you "
                 "in its 'use' column; applied before the rule base reads a cell. It is keyed by "
                 "question and value, so it works on next term's export too.",
                 show_default=False),
]
AcceptSuggestionsOption = Annotated[
    bool,
    typer.Option("--accept-suggestions", help="Read a value the rule base does not read as its "
                 "one close suggestion ('Behaviour Mgt' as specific_practice), and say so in that "
                 "row's warnings. Without it a suggestion is only shown."),
]
ShowValuesOption = Annotated[
    bool,
    typer.Option("--show-values", help="Quote free text in full where messages name a value "
                 "(by default: its length and first letters; a short answer-like value is "
                 "always quoted). Never with --redact."),
]


ColumnOption = Annotated[
    Optional[List[str]],
    typer.Option("--column", metavar="QUESTION=HEADER", help="Read this column for this question "
                 "or field, whatever its header: --column focus=\"Area for development\" "
                 "(repeatable; QUESTION=none: no column for it). Before the values file's "
                 "column lines and the headers.", show_default=False),
]


def column_picks(rules: Any, texts: list[str] | None, values: Any = None) -> tuple:
    """--column QUESTION=HEADER (each), then a values file's column lines, as the picks the
    batch reads (batch.columns.Pick); a question that is not one is exit 2."""
    from coachmentor.batch.columns import COMMAND_LINE, Pick
    from coachmentor.errors import InputFileError
    from coachmentor.rulebase.normalise import fold

    picks = []
    for text in texts or []:
        question, sep, header = text.partition("=")
        fid = rules.header_lookup.get(fold(question)) if question.strip() else None
        if not sep or fid is None:
            known = ", ".join([*rules.question_order, *rules.info_fields])
            raise InputFileError(f"--column {text}: expected QUESTION=HEADER, QUESTION one of: "
                                 f"{known}")
        plain = header.strip()
        picks.append(Pick(fid, None if fold(plain) in ("", "none") else plain, COMMAND_LINE))
    return (*picks, *(values.picks if values is not None else ()))


def table_options(encoding: str | None, delimiter: str | None, sheet: str | None) -> Any:
    """The shared input options as the library takes them."""
    from coachmentor.files.table import TableOptions

    return TableOptions(encoding=encoding, delimiter=delimiter, sheet=sheet)


DebugOption = Annotated[
    bool, typer.Option("--debug", help="Show a full traceback on errors (may show staff data).")
]


def err(message: str) -> None:
    """One line on stderr, prefixed with the program name."""
    sys.stderr.write(f"coachmentor: error: {printable(message)}\n")
    sys.stderr.flush()


@contextmanager
def guarded(debug: bool = False) -> Iterator[None]:
    """Turn domain errors and interrupts into one line and the contract's exit code."""
    try:
        yield
    except typer.Exit:
        raise
    except OutputError as exc:
        # A full disk, a closed device, a folder we may not write to: not a bug, so the same
        # one line with --debug (a traceback would only repeat it).
        err(exc.message)
        raise typer.Exit(exc.exit_code) from None
    except CoachmentorError as exc:
        if debug:
            raise
        # One line, the hint (what to do) after the problem: never a second line.
        err(f"{exc.message}; {exc.hint}" if exc.hint else exc.message)
        raise typer.Exit(exc.exit_code) from None
    except (KeyboardInterrupt, EOFError):
        if debug:
            raise
        sys.stderr.write("\ncoachmentor: interrupted\n")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): not our error; stop quietly.
        try:
            sys.stdout = open("/dev/null", "w")  # noqa: SIM115 - silence the flush at exit
        except OSError:
            pass
        raise typer.Exit(0) from None
    except Exception as exc:  # noqa: BLE001 - the last line of defence: never a traceback
        if debug:
            raise
        err(f"internal error ({type(exc).__name__}); run again with --debug for details")
        raise typer.Exit(EXIT_USAGE) from None


def load_ruleset(path: Optional[Path]):
    from coachmentor.rulebase.loader import load_rules

    return load_rules(path)
