"""`coachmentor record ...`: a thin layer over coachmentor.record (imported inside each command,
so that `--help` stays fast). Each command opens the database, does one thing in one
transaction, and prints what it did on stderr (ids and counts, never a name)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from coachmentor.cli.common import (
    DebugOption,
    DelimiterOption,
    EncodingOption,
    HelpGroup,
    RulesOption,
    SheetOption,
    err,
    examples,
    format_option,
    guarded,
    load_ruleset,
    one_of,
    output_option,
    reads_and_writes,
    redact_option,
    table_options,
)

record_app = typer.Typer(
    help="Keep the year's coaching and mentoring: agreements, check-ins, reviews, goals, and "
         "whether it worked. A database the school owns (coachmentor.db, or --db).",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
    rich_markup_mode=None,
    cls=HelpGroup,
    epilog="\n".join((
        "coachmentor record start pairs.csv --staff staff.csv --supporters supporters.csv",
        "coachmentor record sheet --supporter S201 -o S201.xlsx    # one per supporter",
        "coachmentor record import S201.xlsx                      # all or nothing",
        "coachmentor record status                                # what needs a nudge",
        "coachmentor record report -o year.html                   # the year, for leaders",
        "coachmentor record report --summary -o governors.html    # one page",
    )),
)

DbOption = Annotated[str | None, typer.Option(
    "--db", metavar="FILE|URL", envvar="COACHMENTOR_DB", show_default=False,
    help="The record: an SQLite file (default coachmentor.db in this folder) or "
         "postgresql://user@host/dbname.")]
YearOption = Annotated[str | None, typer.Option(
    "--year", metavar="YYYY-YY", show_default=False,
    help="School year, e.g. 2025-26 (default: every year for reports; the current one for start).")]
SchoolOption = Annotated[str | None, typer.Option(
    "--school", metavar="NAME", show_default=False, help="Only this school.")]
STATUS_FORMATS = ("text", "csv", "json")
REPORT_FORMATS = ("html", "json", "text")
RedactOption = Annotated[bool, redact_option(
    "Staff and supporter ids become pseudonyms (stable with "
    "COACHMENTOR_REDACT_KEY); shared goals are left out.")]
OutputOption = Annotated[Path | None, output_option(
    "Write to this file (atomically) instead of standard output.")]


@contextmanager
def _listed() -> Iterator[None]:
    """Every refused row on its own line, before guarded() prints the closing one."""
    from coachmentor.record.problems import Refused

    try:
        yield
    except Refused as exc:
        for problem in exc.problems:
            err(problem.line())
        raise


def _open(db: str | None, must_exist: bool = True) -> Any:
    from coachmentor.record.db import Database

    return Database(db, must_exist=must_exist)


def _note(text: str) -> None:
    from coachmentor.textsafe import printable

    sys.stderr.write(printable(text) + "\n")
    sys.stderr.flush()


def _emit(text: str | bytes, output: Path | None) -> None:
    from coachmentor.files.atomic import write_output, write_stdout

    if output is not None and str(output) != "-":
        write_output(output, text)
        _note(f"record: wrote {output}")
    else:
        write_stdout(text.encode("utf-8") if isinstance(text, str) else text)


def _pseudonym(redact: bool) -> Any:
    if not redact:
        return None
    from coachmentor.files.redact import Redactor

    return Redactor().pseudonym


@record_app.command("start", **examples(
    "coachmentor match staff.csv supporters.csv -o pairs.csv",
    "coachmentor record start pairs.csv --staff staff.csv --supporters supporters.csv",
    "coachmentor record start leaders-list.xlsx --start 2025-09-15 --cadence weekly",
))
@reads_and_writes(inputs={"pairs": "PAIRS", "staff": "--staff", "supporters": "--supporters",
                          "rules": "--rules", "db": "--db"})
def start_cmd(
    pairs: Annotated[str, typer.Argument(
        metavar="PAIRS", show_default=False,
        help="match's output (CSV, .xlsx, JSON) or a leader's list: staff_id, supporter_id, "
             "support (coaching or mentoring).")],
    staff: Annotated[str | None, typer.Option(
        "--staff", metavar="FILE", show_default=False,
        help="The staff file given to match: adds school, department, career stage, focus.")] = None,
    supporters: Annotated[str | None, typer.Option(
        "--supporters", metavar="FILE", show_default=False,
        help="The supporters file given to match: adds school, career stage, offers, capacity.")
    ] = None,
    start: Annotated[str | None, typer.Option(
        "--start", metavar="DATE", show_default=False,
        help="When the relationships start (default today); a start column wins.")] = None,
    cadence: Annotated[str | None, typer.Option(
        "--cadence", metavar="weekly|fortnightly|three-weekly|monthly|half-termly",
        show_default=False, help="How often the pairs plan to meet (default fortnightly).",
        autocompletion=one_of("weekly|fortnightly|three-weekly|monthly|half-termly"))] = None,
    delete_after: Annotated[str | None, typer.Option(
        "--delete-after", metavar="DATE", show_default=False,
        help="When record purge may delete these people (default: a year after the school "
             "year ends, 31 August).")] = None,
    year: YearOption = None,
    db: DbOption = None,
    sheet: SheetOption = None,
    encoding: EncodingOption = None,
    delimiter: DelimiterOption = None,
    rules: RulesOption = None,
    debug: DebugOption = False,
) -> None:
    """Record the year's proposed relationships from match's pairs (or a leader's list).

    Running it again with the same file changes nothing; a later match fills in the
    relationships still unmatched. Every row is checked first: one refused row and nothing
    is written (exit 1, every refused row listed). 'none' and 'error' rows need no supporter
    and are counted, not recorded.
    """
    with guarded(debug), _listed():
        from coachmentor.record.start import start as run_start

        begins = _date(start, "--start")
        database = _open(db, must_exist=False)
        result = run_start(database, pairs, rules=load_ruleset(rules), year=year, staff=staff,
                           supporters=supporters, start_date=begins, cadence=cadence,
                           delete_after=_date(delete_after, "--delete-after"),
                           read_opts=table_options(encoding, delimiter, sheet).as_kwargs())
        for line in result.warnings:
            _note(f"record: warning: {line}")
        added = result.added
        _note(f"record: {added['proposed']} relationship(s) proposed, {added['unmatched']} "
              f"recommended but unmatched, for {result.year} in {result.db}"
              + (f"; {result.rematched} now matched" if result.rematched else "")
              + (f"; {result.unchanged} already recorded, unchanged" if result.unchanged else ""))
        other = result.not_recorded
        if other["none"] or other["error"]:
            _note(f"  not recorded: {other['none']} needing another kind of support, "
                  f"{other['error']} error row(s) in the match")
        _note("  next: coachmentor record sheet --supporter ID -o FILE.xlsx (one per supporter)")


@record_app.command("sheet", **examples(
    "coachmentor record sheet --supporter S201 -o S201.xlsx",
    "coachmentor record sheet --school 'Hillcrest High' -o hillcrest.xlsx",
))
@reads_and_writes(inputs={"db": "--db"}, outputs={"output": "-o/--output"})
def sheet_cmd(
    output: Annotated[Path, output_option("The workbook to write.", kind=".xlsx")],
    supporter: Annotated[str | None, typer.Option(
        "--supporter", metavar="ID", show_default=False,
        help="One supporter's relationships, for the pair (goals and notes in full).")] = None,
    school: SchoolOption = None,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """Write a pre-filled workbook to fill in over the year: relationships, goals, check-ins
    and reviews, with drop-downs and checks on every cell.

    --supporter ID: for the pair. --school NAME: for a CPD lead; goals and notes a pair kept
    private show as "(kept private to the pair)", and importing that mark changes nothing.
    """
    with guarded(debug):
        from coachmentor.errors import CoachmentorError
        from coachmentor.record.sheet import Scope, write_sheet

        if (supporter is None) == (school is None):
            raise CoachmentorError("give one of --supporter ID or --school NAME")
        if output.suffix.lower() != ".xlsx":
            raise CoachmentorError(f"-o {output}: a sheet is an .xlsx workbook; end the name "
                                   "with .xlsx")
        scope = Scope("supporter", supporter) if supporter else Scope("school", school or "")
        data, n = write_sheet(_open(db), scope)
        _emit(data, output)
        _note(f"record: {n} relationship(s) for {scope.words()}; when it comes back: "
              f"coachmentor record import {output}")


@record_app.command("import", **examples(
    "coachmentor record import S201.xlsx",
    "coachmentor record import S201.xlsx S203.xlsx hillcrest.xlsx   # each all or nothing",
))
@reads_and_writes(inputs={"files": "FILE...", "db": "--db"})
def import_cmd(
    files: Annotated[list[str], typer.Argument(
        metavar="FILE...", show_default=False, help="Workbooks made by record sheet.")],
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """Read filled-in workbooks back into the record, each all or nothing.

    Every row of every tab is checked first; one refused row and nothing of that workbook is
    written (exit 1), with every refused row listed by tab, row and column. Unchanged rows
    change nothing, so the same workbook can come back again and again. A blank cell leaves
    what is recorded as it is.
    """
    with guarded(debug), _listed():
        from coachmentor.record.importer import import_workbook

        database = _open(db)
        for path in files:
            result = import_workbook(database, path)
            parts = [f"{t.replace('_', ' ')}s {c['added']} added, {c['changed']} changed"
                     for t, c in result.counts.items() if c["added"] or c["changed"]]
            _note(f"record: {path} (for {result.made_for}): "
                  + ("; ".join(parts) if parts else "nothing new"))


@record_app.command("review", **examples(
    "coachmentor record review 12 --stage mid-point --date 2026-01-20 \\",
    "    --self-rating 3 --usefulness 4 --decision continue",
    "coachmentor record review 12 --stage agreement --date 2025-09-22 \\",
    "    --self-rating 2 --confidentiality yes",
    "coachmentor record review 7 --stage 'ECT statutory review' --date 2025-12-10",
))
@reads_and_writes(inputs={"db": "--db"})
def review_cmd(
    relationship: Annotated[int, typer.Argument(
        metavar="RELATIONSHIP", show_default=False,
        help="The relationship's number (the first column of a sheet; record status).")],
    stage: Annotated[str, typer.Option(
        "--stage", metavar="agreement|mid-point|end|ECT statutory review", show_default=False,
        help="Which review.")],
    date: Annotated[str, typer.Option("--date", metavar="DATE", show_default=False,
                                      help="When it was held.")],
    self_rating: Annotated[str, typer.Option(
        "--self-rating", metavar="1-5", show_default=False,
        help="The same question at each review: how confident in this area now?")] = "",
    usefulness: Annotated[str, typer.Option(
        "--usefulness", metavar="1-5", show_default=False,
        help="How useful the support has been (mid-point and end).")] = "",
    practice: Annotated[str, typer.Option(
        "--practice-change", metavar="yes|partly|no|not yet", show_default=False,
        help="Change in practice seen (at the end).")] = "",
    decision: Annotated[str, typer.Option(
        "--decision", metavar="continue|change type|stop", show_default=False,
        help="What the pair decided (mid-point and end).")] = "",
    confidentiality: Annotated[str, typer.Option("--confidentiality", metavar="yes|no",
                                                 show_default=False,
                                                 help="Agreed at the first meeting.")] = "",
    goal: Annotated[list[str] | None, typer.Option(
        "--goal", metavar="N=PROGRESS", show_default=False,
        help="A goal's progress: 1=met, 2=some (not started, some, most, met); repeatable.")
    ] = None,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """Record one review at the terminal, with the same checks as a workbook's Reviews row.

    An agreement makes a proposed relationship active; an end review completes it.
    """
    with guarded(debug), _listed():
        from coachmentor.errors import CoachmentorError
        from coachmentor.record.review import record_review

        progress: dict[int, str] = {}
        for item in goal or []:
            n, sep, word = item.partition("=")
            if not sep or n.strip() not in ("1", "2", "3"):
                raise CoachmentorError(f"--goal {item}: expected N=PROGRESS, e.g. 1=met")
            progress[int(n)] = word.strip()
        result = record_review(_open(db), relationship, stage=stage, held_on=date,
                               self_rating=self_rating, usefulness=usefulness,
                               practice_change=practice, decision=decision,
                               confidentiality=confidentiality, progress=progress)
        review = result.counts.get("review", {})
        _note(f"record: relationship {relationship}: review "
              + ("added" if review.get("added") or result.counts.get("statutory_review", {})
                 .get("added") else "changed" if review.get("changed") else "unchanged"))


@record_app.command("status", **examples(
    "coachmentor record status",
    "coachmentor record status --school 'Hillcrest High' --format csv -o nudges.csv",
))
@reads_and_writes(inputs={"db": "--db"}, outputs={"output": "-o/--output"}, stdout_unless="output")
def status_cmd(
    school: SchoolOption = None,
    supporter: Annotated[str | None, typer.Option(
        "--supporter", metavar="ID", show_default=False,
        help="Only this supporter's relationships.")] = None,
    year: YearOption = None,
    format_: Annotated[str | None, format_option(
        STATUS_FORMATS, "Output format (default: from the -o name, else text).")] = None,
    output: OutputOption = None,
    redact: RedactOption = False,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """What needs a nudge: no agreement by week 3, a review overdue by two weeks, no check-in
    for 21 days. Relationship numbers and staff ids, never names."""
    with guarded(debug):
        from coachmentor.record.status import render_status, status

        fmt = _format(format_, output, STATUS_FORMATS, {".csv": "csv", ".json": "json"})
        doc = status(_open(db), year=year, school=school, supporter=supporter,
                     pseudonym=_pseudonym(redact))
        _emit(render_status(doc, fmt), output)


@record_app.command("report", **examples(
    "coachmentor record report -o year.html",
    "coachmentor record report --summary -o governors.html     # one page",
    "coachmentor record report --school 'Hillcrest High' --year 2025-26 -o hillcrest.html",
    "coachmentor record report -o year.json                    # for scripts",
))
@reads_and_writes(inputs={"db": "--db"}, outputs={"output": "-o/--output"}, stdout_unless="output")
def report_cmd(
    output: OutputOption = None,
    summary: Annotated[bool, typer.Option(
        "--summary", help="Only the one-page year summary for governors.")] = False,
    school: SchoolOption = None,
    year: YearOption = None,
    min_group: Annotated[int, typer.Option(
        "--min-group", metavar="N", min=1,
        help="Groups smaller than this show no figures.")] = 5,
    format_: Annotated[str | None, format_option(
        REPORT_FORMATS, "Output format (default: from the -o name, else text).")] = None,
    redact: RedactOption = False,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """The year in counts, dates and ratings: coverage and equity, whether it is happening,
    outcomes by kind of support, and how each rule base's recommendations fared.

    No names, no goals' words (unless a pair shared them), no notes; groups smaller than
    --min-group show no figures.
    """
    with guarded(debug):
        from coachmentor.record.render import render_html, render_text
        from coachmentor.record.report import build, render_json

        fmt = _format(format_, output, REPORT_FORMATS,
                      {".html": "html", ".htm": "html", ".json": "json", ".txt": "text",
                       ".md": "text"})
        doc = build(_open(db), year=year, school=school, min_group=min_group,
                    pseudonym=_pseudonym(redact), with_shared_goals=not redact)
        text = (render_json(doc) if fmt == "json" else render_text(doc) if fmt == "text"
                else render_html(doc, summary_only=summary))
        _emit(text, output)


@record_app.command("purge", **examples(
    "coachmentor record purge --dry-run     # what would go",
    "coachmentor record purge",
))
@reads_and_writes(inputs={"db": "--db"})
def purge_cmd(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count, delete nothing.")] = False,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """Delete everyone past their delete-after date, with their relationships, goals,
    check-ins and reviews; the audit keeps that a purge happened, never whose."""
    with guarded(debug):
        from coachmentor.record.privacy import purge

        counts = purge(_open(db), dry_run=dry_run)
        verb = "would delete" if dry_run else "deleted"
        _note(f"record: {verb} " + ", ".join(f"{n} {k.replace('_', ' ')}(s)"
                                             for k, n in counts.items()))


@record_app.command("export", **examples(
    "coachmentor record export --person E311 -o E311.json   # a subject access request",
    "coachmentor record export -o everything.json           # every table, every row",
))
@reads_and_writes(inputs={"db": "--db"}, outputs={"output": "-o/--output"}, stdout_unless="output")
def export_cmd(
    person: Annotated[str | None, typer.Option(
        "--person", metavar="ID", show_default=False,
        help="Everything recorded about one person (as staff or supporter), goals and notes "
             "included.")] = None,
    output: OutputOption = None,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """Export the record as JSON: one person's (subject access) or all of it."""
    with guarded(debug):
        from coachmentor.record.privacy import export_all, export_person, to_json

        database = _open(db)
        doc = export_person(database, person) if person else export_all(database)
        _emit(to_json(doc), output)


@record_app.command("settings", **examples(
    "coachmentor record settings                # show them",
    "coachmentor record settings --notes on     # allow check-in notes",
))
@reads_and_writes(inputs={"db": "--db"})
def settings_cmd(
    notes: Annotated[str | None, typer.Option(
        "--notes", metavar="on|off", show_default=False,
        autocompletion=one_of("on|off"),
        help="Check-in notes: off unless the school turns them on.")] = None,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """Show or change the school's settings."""
    with guarded(debug):
        from coachmentor.errors import CoachmentorError
        from coachmentor.record.privacy import settings

        if notes is not None and notes.strip().lower() not in ("on", "off"):
            raise CoachmentorError(f"--notes: '{notes}' is not on or off")
        now = settings(_open(db, must_exist=False),
                       notes=None if notes is None else notes.strip().lower() == "on")
        typer.echo("\n".join(f"{k}: {v}" for k, v in now.items()))


def _format(fmt: str | None, output: Path | None, allowed: tuple[str, ...],
            by_suffix: dict[str, str]) -> str:
    from coachmentor.errors import CoachmentorError, check_format

    if fmt is not None:
        return check_format(fmt, allowed)
    if output is not None and str(output) != "-":
        found = by_suffix.get(output.suffix.lower())
        if found is None:
            raise CoachmentorError(f"-o {output}: cannot tell the format from the name; end it "
                                   f"with {', '.join(sorted(by_suffix))} or give --format")
        return found
    return "text"


def _date(text: str | None, flag: str) -> Any:
    if text is None:
        return None
    from coachmentor.errors import CoachmentorError
    from coachmentor.record.dates import parse_date

    day = parse_date(text)
    if day is None:
        raise CoachmentorError(f"{flag}: not a date (expected YYYY-MM-DD, e.g. 2025-09-15)")
    return day
