"""The command line: a thin layer over the library. Commands import what they need lazily."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from coachmentor import __version__
from coachmentor.cli.common import (
    DebugOption,
    HelpGroup,
    RulesOption,
    examples,
    format_option,
    guarded,
    interrupts_as_keyboard_interrupt,
    output_option,
    reads_and_writes,
)

app = typer.Typer(
    name="coachmentor",
    help=(
        "Coaching, mentoring, both, or another kind of support? A decision aid for school "
        "leaders, from five published articles on coaching and mentoring teachers."
    ),
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    pretty_exceptions_show_locals=False,  # staff data must never appear in a traceback
    no_args_is_help=True,
    # Completion scripts come from the `completion` command (an explicit shell: nothing to
    # detect, and no extra options on every command line).
    add_completion=False,
    # Plain help: rendering help with rich costs ~80 ms of imports on every --help.
    rich_markup_mode=None,
    cls=HelpGroup,
    epilog="\n".join((
        "coachmentor advise                          # one member of staff, question by question",
        "coachmentor template -o staff.xlsx          # a staff list to fill in, with drop-downs",
        "coachmentor assess staff.xlsx -o results.xlsx --report report.html",
        "coachmentor match staff.csv supporters.csv -o pairs.csv",
        "coachmentor record start pairs.csv           # then sheets out, sheets in, a report",
        "coachmentor rules check                     # the shipped rule base, checked",
        "coachmentor completion bash >> ~/.bashrc    # tab completion (bash, zsh, fish)",
        "coachmentor COMMAND --help                  # each command's options and examples",
    )),
)
rules_app = typer.Typer(
    help="Check a rule base, test it against suites of cases, or print its JSON Schema.",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
    rich_markup_mode=None,
    cls=HelpGroup,
    epilog="\n".join((
        "coachmentor rules check                     # the shipped rule base",
        "coachmentor rules check my-rules.yaml --strict",
        "coachmentor rules test rules/suites/sources.yaml",
        "coachmentor rules schema > coachmentor.schema.json",
    )),
)
app.add_typer(rules_app, name="rules")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"coachmentor {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Coaching, mentoring, both, or another kind of support?"""


FORMATS = ("text", "json", "markdown")
SUITE_FORMATS = ("text", "json")


@app.command(**examples(
    "coachmentor advise                         # questions at the terminal, one at a time",
    "coachmentor advise --full                  # the same, with the whole result on screen",
    "coachmentor advise --set career_stage=ECT --set focus=induction",
    "coachmentor advise --answers answers.yaml -o advice.md    # a markdown file",
    "coachmentor advise --answers answers.yaml --format json   # for scripts",
))
@reads_and_writes(inputs={"answers": "--answers", "rules": "--rules"},
                  outputs={"output": "-o/--output"}, stdout_unless="output")
def advise(
    answers: Annotated[
        Path | None,
        typer.Option(
            "--answers",
            "-a",
            metavar="FILE",
            help="YAML or JSON file of answers (id: value); '-' reads standard input.",
            show_default=False,
            allow_dash=True,
        ),
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            "-s",
            metavar="ID=VALUE",
            help="Answer one question, e.g. --set career_stage=ECT (repeatable).",
            show_default=False,
        ),
    ] = None,
    format_: Annotated[
        str | None,
        format_option(FORMATS, "Output format (default: from the -o name, else text)."),
    ] = None,
    output: Annotated[
        Path | None,
        output_option("Write the result to this file: .md markdown, .json JSON, .txt text."),
    ] = None,
    no_input: Annotated[
        bool,
        typer.Option("--no-input", help="Never prompt; fail if a required answer is missing."),
    ] = False,
    full: Annotated[
        bool,
        typer.Option("--full", help="At a terminal, show the whole result: every step of the plan, "
                     "both options side by side, the scores and the sources' words (a file or a "
                     "pipe always gets it all)."),
    ] = False,
    rules: RulesOption = None,
    debug: DebugOption = False,
) -> None:
    """Answer a few questions about a member of staff and get a recommendation.

    Interactive at a terminal: type a choice's number or value, '?' for help and the source,
    '<' to go back. With --answers/--set supplying every required answer it never prompts.
    """
    with guarded(debug):
        from coachmentor.cli.advise import run_advise

        run_advise(
            answers_file=answers,
            sets=set_ or [],
            fmt=format_,
            output=output,
            no_input=no_input,
            rules_path=rules,
            full=full,
        )


@rules_app.command("check", **examples(
    "coachmentor rules check                              # the shipped rule base",
    "coachmentor rules check my-rules.yaml --strict       # warnings fail too",
    "coachmentor rules check my-rules.yaml --sources DIR  # check every quote against the sources",
))
@reads_and_writes(inputs={"file": "FILE", "sources": "--sources"})
def rules_check(
    file: Annotated[
        Path | None,
        typer.Argument(metavar="FILE", help="Rule file to check (default: the shipped rule base).", show_default=False),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 2 on warnings as well as errors.")
    ] = False,
    sources: Annotated[
        Path | None,
        typer.Option(
            "--sources",
            metavar="FOLDER",
            help="Folder of the sources' stored copies: check every quote appears verbatim.",
            show_default=False,
        ),
    ] = None,
    debug: DebugOption = False,
) -> None:
    """Validate a rule base and lint it (unused choices, unwinnable options, YAML 1.1 booleans)."""
    with guarded(debug):
        from coachmentor.verify.lint import run_check

        code = run_check(file, strict=strict, sources_dir=sources)
    raise typer.Exit(code)


@rules_app.command("test", **examples(
    "coachmentor rules test rules/suites/example.yaml",
    "coachmentor rules test my-suite.yaml --rules my-rules.yaml",
    "coachmentor rules test my-suite.yaml --space readiness_concern=,none   # narrow the sweep",
    "coachmentor rules test my-suite.yaml --sample 100000   # a space too large to sweep",
    "coachmentor rules test my-suite.yaml --format json                     # for scripts",
))
@reads_and_writes(inputs={"suites": "SUITE", "rules": "--rules"})
def rules_test(
    suites: Annotated[
        list[Path],
        typer.Argument(metavar="SUITE", help="Suite file(s) of vignettes and invariants (YAML).", show_default=False),
    ],
    space: Annotated[
        list[str] | None,
        typer.Option(
            "--space",
            metavar="FIELD=V1,V2",
            help="Narrow the invariants' sweep: field=v1,v2 (repeatable; an empty value = blank).",
            show_default=False,
        ),
    ] = None,
    sample: Annotated[
        int | None,
        typer.Option(
            "--sample",
            metavar="N",
            min=1,
            help="Check the invariants on N answer sets drawn at random (the same N every "
                 "run) when the space is larger: for a space too large to sweep "
                 "(over 20,000,000 answer sets).",
            show_default=False,
        ),
    ] = None,
    format_: Annotated[
        str, format_option(SUITE_FORMATS, "Output format.")
    ] = "text",
    rules: RulesOption = None,
    debug: DebugOption = False,
) -> None:
    """Run test suites against a rule base: PASS/FAIL per case; exit 1 if any case fails.

    Vignettes check the result for one set of answers; invariants are checked over every
    combination of answers (the whole answer space, or the part that `space:` selects). The
    space is counted first: one over 20,000,000 answer sets is refused (exit 2) unless it is
    narrowed (--space) or sampled (--sample N). A progress bar shows on a terminal.
    """
    with guarded(debug), interrupts_as_keyboard_interrupt():
        import sys

        from coachmentor.cli.common import load_ruleset, sweep_progress
        from coachmentor.errors import check_format
        from coachmentor.render.suite import render_json, render_text
        from coachmentor.verify.suite import parse_space, run_suites

        fmt = check_format(format_, SUITE_FORMATS)
        ruleset = load_ruleset(rules)
        with sweep_progress(sys.stderr.isatty()) as progress:
            result = run_suites(suites, ruleset, space=parse_space(space or [], ruleset),
                                sample=sample, progress=progress)
        if fmt == "json":
            from coachmentor.files.atomic import write_stdout

            write_stdout((render_json(result, ruleset) + "\n").encode("utf-8"))
        else:
            typer.echo(render_text(result, ruleset))
    raise typer.Exit(result.exit_code)


@rules_app.command("schema", **examples(
    "coachmentor rules schema > coachmentor.schema.json   # JSON Schema for your editor",
))
def rules_schema(debug: DebugOption = False) -> None:
    """Print the JSON Schema of a rule file (for editors such as VS Code)."""
    with guarded(debug):
        import json

        from coachmentor.files.atomic import write_stdout
        from coachmentor.rulebase.model import RuleBase

        write_stdout((json.dumps(RuleBase.model_json_schema(), indent=2, sort_keys=True)
                      + "\n").encode("utf-8"))


# --- batch commands (assess, template): registered here, defined in cli_batch ------------
from coachmentor.cli import batch as cli_batch  # noqa: E402 - imports only typer at module level

app.command("assess", **examples(*cli_batch.ASSESS_EXAMPLES))(cli_batch.assess)
app.command("template", **examples(*cli_batch.TEMPLATE_EXAMPLES))(cli_batch.template)
app.command("values", **examples(*cli_batch.VALUES_EXAMPLES))(cli_batch.values)

from coachmentor.cli import match as cli_match  # noqa: E402 - imports only typer at module level

app.command("match", **examples(*cli_match.EXAMPLES))(cli_match.match)

from coachmentor.cli.record import record_app  # noqa: E402 - imports only typer at module level

app.add_typer(record_app, name="record")


from coachmentor.cli.completion import COMPLETE_VAR, SHELLS  # noqa: E402,F401 - re-exported


@app.command(**examples(
    "coachmentor completion bash >> ~/.bashrc                    # then open a new terminal",
    "coachmentor completion zsh > ~/.zfunc/_coachmentor          # a folder on your $fpath",
    "coachmentor completion fish > ~/.config/fish/completions/coachmentor.fish",
    "coachmentor completion                                      # the shell from $SHELL",
))
def completion(
    shell: Annotated[
        str | None,
        typer.Argument(metavar="SHELL",
                       help="bash, zsh, fish or powershell (default: the one $SHELL names).",
                       show_default=False),
    ] = None,
) -> None:
    """Print the script that makes Tab complete commands, options and their values."""
    import os

    from coachmentor.errors import EXIT_USAGE

    if shell is None:
        shell = Path(os.environ.get("SHELL", "")).name or None
        if shell not in SHELLS:
            typer.echo("error: cannot tell your shell from $SHELL: name it, e.g. "
                       f"coachmentor completion bash (one of: {', '.join(SHELLS)})", err=True)
            raise typer.Exit(EXIT_USAGE)
    if shell not in SHELLS:
        typer.echo(f"error: no completion for '{shell}': name one of {', '.join(SHELLS)}",
                   err=True)
        raise typer.Exit(EXIT_USAGE)
    from coachmentor.cli.completion import completion_script

    typer.echo(completion_script(shell))


def main() -> None:
    import sys

    from coachmentor.textsafe import plain_where_needed

    plain_where_needed(sys.stdout, sys.stderr)

    from coachmentor.cli.completion import answer_the_shell_if_asked

    answer_the_shell_if_asked()  # a shell asking for completions (the script above)
    app()
