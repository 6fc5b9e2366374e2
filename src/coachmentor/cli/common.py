"""What every command shares: the --rules and --debug options, and turning errors into exits.

Only typer is imported here at module level; everything heavier is imported by the command
that needs it, so `--version` and `--help` stay fast.
"""

from __future__ import annotations

import functools
import inspect
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple, TypeVar

import typer
from typer.core import TyperCommand, TyperGroup

from coachmentor.errors import EXIT_INTERRUPTED, EXIT_USAGE, CoachmentorError, OutputError
from coachmentor.textsafe import printable

if TYPE_CHECKING:  # for annotations only: the CLI imports the rule base lazily
    from coachmentor.rulebase.ruleset import RuleSet


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


def output_option(help: str, kind: str = "") -> Any:
    """-o/--output FILE: the same flags and look on every command; only what the command
    writes there (its help) differs, and `kind` where one format is the only one (".xlsx")."""
    return typer.Option("--output", "-o", metavar=f"FILE{kind}", show_default=False, help=help)


def format_option(choices: tuple[str, ...], help: str) -> Any:
    """--format/-f as a choice, declared once: the choices are the metavar (so --help lists
    them) and what Tab completes; the command checks the value against the same tuple with
    `errors.check_format` (case and spaces forgiven, one line naming the choices, exit 2)."""
    metavar = "|".join(choices)
    return typer.Option("--format", "-f", metavar=metavar, autocompletion=one_of(metavar),
                        show_default=False, help=help)


def also_write_option(flag: str, help: str) -> Any:
    """--summary FILE / --report FILE: a second output beside the main one."""
    return typer.Option(flag, metavar="FILE", show_default=False, help=help)


def redact_option(help: str) -> Any:
    """--redact: what it makes safe differs by command, the flag does not."""
    return typer.Option("--redact", help=help)


def examples(*lines: str) -> dict[str, Any]:
    """`@app.command(**examples(...))`: the plain help class and an Examples section."""
    return {"cls": HelpCommand, "epilog": "\n".join(lines)}


def staff_argument(metavar: str = "INPUT") -> Any:
    """The staff list a command reads (assess, values)."""
    return typer.Argument(help="Staff list: a CSV file, an .xlsx workbook, or '-' for standard "
                          "input.", show_default=False, metavar=metavar)


RulesOption = Annotated[
    Path | None,
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
    str | None,
    typer.Option("--sheet", metavar="NAME", help="Worksheet to read from an .xlsx (default: the first).",
                 show_default=False),
]
EncodingOption = Annotated[
    str | None,
    typer.Option("--encoding", metavar="NAME", help="Text encoding of a CSV (default: UTF-8, with or without "
                 "BOM; cp1252 detected).", show_default=False),
]
DelimiterOption = Annotated[
    str | None,
    typer.Option("--delimiter", "-d", metavar="CHAR", help="CSV delimiter: , ; | or tab (default: sniffed).",
                 show_default=False),
]


BomOption = Annotated[
    bool | None,
    typer.Option("--bom/--no-bom", help="Start CSV/TSV output with a byte order mark, which Excel "
                 "needs to read accents (default: when writing a file with -o, or when the "
                 "input had one; not on standard output).", show_default=False),
]
OutputBomOption = Annotated[
    bool | None,
    typer.Option("--bom/--no-bom", help="Start CSV/TSV output with a byte order mark, which Excel "
                 "needs to read accents (default: when writing a file with -o; not on "
                 "standard output).", show_default=False),
]


# How the values of a staff list are read (assess, match, values).
ValuesOption = Annotated[
    Path | None,
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
    list[str] | None,
    typer.Option("--column", metavar="QUESTION=HEADER", help="Read this column for this question "
                 "or field, whatever its header: --column focus=\"Area for development\" "
                 "(repeatable; QUESTION=none: no column for it). Before the values file's "
                 "column lines and the headers.", show_default=False),
]


def column_picks(rules: Any, texts: list[str] | None, values: Any = None) -> tuple[Any, ...]:
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
        try:
            sys.stderr.write("\ncoachmentor: interrupted\n")
            sys.stderr.flush()
        except (OSError, ValueError):  # the terminal is gone (SIGHUP): the exit code says it
            pass
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): not our error; stop quietly.
        try:
            sys.stdout = open("/dev/null", "w")  # noqa: SIM115 - silence the flush at exit
        except OSError:
            pass
        raise typer.Exit(0) from None
    except Exception as exc:  # the last line of defence: never a traceback
        if debug:
            raise
        err(f"internal error ({type(exc).__name__}); run again with --debug for details")
        raise typer.Exit(EXIT_USAGE) from None


class FileRoles(NamedTuple):
    """The files a command reads and writes: parameter name -> how the user names it."""

    inputs: Mapping[str, str]
    outputs: Mapping[str, str]
    stdout_unless: str | None  # standard output is written when this parameter is not given
    # inputs an output may name on purpose: read whole before anything is written, and
    # replaced with what grows from them (`values --values values.csv -o values.csv`)
    updates: frozenset[str] = frozenset()


Command = TypeVar("Command", bound=Callable[..., Any])


def reads_and_writes(*, inputs: Mapping[str, str], outputs: Mapping[str, str] | None = None,
                     stdout_unless: str | None = None,
                     updates: frozenset[str] | set[str] = frozenset()) -> Callable[[Command], Command]:
    """Declare what a command reads (`inputs`) and writes (`outputs`), each as parameter name ->
    how the user names it ('STAFF', '--keep', '-o/--output'). Before the command's body runs,
    every output is checked against every input and every other output, wherever the names
    lead (files.paths.check_files): one line and exit 2, nothing read or written. A command
    that gains a file option lists it here. `stdout_unless`: the parameter without which the
    command writes standard output (checked too, when it is a regular file). `--rules` not
    given is the shipped rule base, which is read all the same; `--db` not given is the
    record's default file (COACHMENTOR_DB, else coachmentor.db here). `updates`: inputs an
    output may name on purpose (a file the command reads whole, then writes grown)."""
    roles = FileRoles(dict(inputs), dict(outputs or {}), stdout_unless, frozenset(updates))

    def decorate(command: Command) -> Command:
        signature = inspect.signature(command)

        @functools.wraps(command)
        def checked(*args: Any, **kwargs: Any) -> Any:
            given = signature.bind_partial(*args, **kwargs).arguments
            with guarded(bool(given.get("debug"))):
                from coachmentor.files.paths import check_files

                def value(name: str) -> Any:
                    found = given.get(name)
                    if found is None and name == "rules":
                        from coachmentor.rulebase.loader import default_rules_path

                        return default_rules_path()
                    if name == "db":  # the record's file (a URL is no file: nothing to compare)
                        from coachmentor.record.db import database_file

                        return database_file(found)
                    return found

                unless = given.get(roles.stdout_unless) if roles.stdout_unless else ""
                check_files([(flag, value(name)) for name, flag in roles.inputs.items()
                             if name not in roles.updates],
                            [(flag, value(name)) for name, flag in roles.outputs.items()],
                            stdout_is_output=unless is None or str(unless) == "-")
            return command(*args, **kwargs)

        checked.file_roles = roles  # type: ignore[attr-defined]
        return checked  # type: ignore[return-value]

    return decorate


# A closed terminal or a dropped ssh session sends SIGHUP; `kill` and service managers SIGTERM.
STOP_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")


@contextmanager
def interrupts_as_keyboard_interrupt() -> Iterator[None]:
    """SIGTERM and SIGHUP (like SIGINT) raise KeyboardInterrupt, so that the output's
    temporary file is removed, a progress bar gives the terminal back its cursor, and the exit
    code is the contract's 130 (`guarded`). After the first signal, further ones are ignored
    until the clean-up ends."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    signals = [getattr(signal, name) for name in STOP_SIGNALS if hasattr(signal, name)]
    saved = {s: signal.getsignal(s) for s in signals}

    def stop(signum: int, frame: Any) -> None:
        for s in saved:
            signal.signal(s, signal.SIG_IGN)
        raise KeyboardInterrupt

    for s in saved:
        signal.signal(s, stop)
    try:
        yield
    finally:
        for s, handler in saved.items():
            signal.signal(s, handler)


@contextmanager
def sweep_progress(enabled: bool) -> Iterator[Any]:
    """A rich progress bar on stderr for `rules test`'s sweeps (only at a terminal; it goes
    when done, or when interrupted); yields progress(suite, done, total), or None."""
    if not enabled:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from coachmentor.render.console import make_console

    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeRemainingColumn(), console=make_console(stderr=True), transient=True)
    tasks: dict[str, Any] = {}

    def progress(suite: str, done: int, total: int) -> None:
        if suite not in tasks:
            tasks[suite] = bar.add_task(printable(f"sweeping {Path(suite).name}"), total=total)
            bar.start()
        bar.update(tasks[suite], completed=done)

    try:
        yield progress
    finally:
        bar.stop()


def load_ruleset(path: Path | None) -> RuleSet:
    from coachmentor.rulebase.loader import load_rules

    return load_rules(path)
