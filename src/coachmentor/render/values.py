"""`coachmentor values` for a person: the lines of a values file as a table at a terminal, and
the summary on standard error. Free text is shown by its length and first letters unless
--show-values (the values file itself, written with -o, is the leader's working file and holds
each value whole, as the results file does)."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coachmentor.batch.reading import EMPTY, NOT_READ, OUTSIDE, Shown, is_choice_like, vocabulary
from coachmentor.batch.values import COLUMN, VALUE
from coachmentor.textsafe import rich_text

if TYPE_CHECKING:
    from coachmentor.rulebase.ruleset import RuleSet


def values_table(found: Any, rules: RuleSet, console: Any, *, show_values: bool = False) -> None:
    from rich import box
    from rich.table import Table

    from coachmentor.render.console import box_for

    shown = Shown(show_values=show_values)
    words = {fid: vocabulary(rules, fid) for fid in rules.questions}
    _columns_table(found, console)
    lines = [e for e in found.entries if e.line == VALUE and (e.problem or e.count or e.value)]
    if not lines:
        return
    table = Table(box=box_for(console, box.SIMPLE_HEAD), show_edge=False, pad_edge=False,
                  header_style="bold", expand=False)
    table.add_column("Column", overflow="fold")
    table.add_column("Value", ratio=2, overflow="fold")
    table.add_column("Rows", justify="right", no_wrap=True)
    table.add_column("Suggestion", ratio=2, overflow="fold")
    table.add_column("use", overflow="fold")
    table.add_column("Note", ratio=4, overflow="fold")
    notes: dict[str, int] = {}  # a long note is said once, under the table, by its number
    for e in lines:
        value = shown(e.value, bool(e.suggestion) or is_choice_like(e.value, words[e.question])) \
            if e.value else "(empty)"
        style = "red" if e.problem in (NOT_READ, OUTSIDE, EMPTY) and not e.use else ""
        suggestion = f"{e.suggestion} ({e.label.split(' (')[0]})" if e.suggestion else ""
        note = e.note
        if len(note) > NOTE_MAX:
            number = notes.setdefault(note, len(notes) + 1)
            note = f"{_first_clause(note)} [{number}]"
        table.add_row(rich_text(e.column or e.question), rich_text(value, style),
                      f"{e.count:,}" if e.count else "", rich_text(suggestion),
                      rich_text(e.use), rich_text(note))
    console.print(table)
    for note, number in notes.items():
        console.print(rich_text(f"[{number}] {note}"), soft_wrap=False)


NOTE_MAX = 60  # a note longer than this is shortened in the table and given whole below it


def _columns_table(found: Any, console: Any) -> None:
    """The column lines to look at (a question no header names, a column read as you said);
    the questions read by their headers in one line."""
    from rich import box
    from rich.table import Table

    from coachmentor.render.console import box_for

    heads = [e for e in found.entries if e.line == COLUMN]
    plain = [e for e in heads if e.read_as == "its header" and not e.use]
    told = [e for e in heads if e not in plain and (e.problem or e.use or e.suggestion
                                                    or e.column)]
    if told:
        table = Table(box=box_for(console, box.SIMPLE_HEAD), show_edge=False, pad_edge=False,
                      header_style="bold", expand=False)
        for name in ("Question", "Column read", "Suggested column", "Why", "use"):
            table.add_column(name, overflow="fold")
        for e in told:
            style = "red" if e.problem and not e.use else ""
            table.add_row(rich_text(e.question, style), rich_text(e.column or "(none)"),
                          rich_text(e.suggestion), rich_text(e.label), rich_text(e.use))
        console.print(table)
    if plain:
        console.print(rich_text("Read by their headers: " + ", ".join(
            f"{e.question} ('{e.column}')" for e in plain)), soft_wrap=False)


def _first_clause(note: str) -> str:
    for mark in ("; ", ": ", ", "):
        if mark in note[:NOTE_MAX]:
            return note[:note.index(mark)]
    return note[:NOTE_MAX].rsplit(" ", 1)[0] + " ..."


def summary_lines(found: Any, source: str, output: Path | None, on_screen: bool) -> str:
    heads = [e for e in found.to_decide if e.line == COLUMN]
    decide = [e for e in found.to_decide if e.line == VALUE]
    errors = [e for e in decide if e.problem in (NOT_READ, OUTSIDE, EMPTY)]
    suggested = [e for e in decide if e.suggestion]
    warned = [e for e in decide if e not in errors]
    columns = sorted({e.column or e.question for e in decide})
    said = []
    if heads:
        said.append(f"{len(heads)} question(s) with no column to decide "
                    f"({', '.join(e.question for e in heads)})")
    if decide:
        said.append(f"{len(decide):,} value(s) to decide in {len(columns)} column(s) "
                    f"({', '.join(columns)}): {len(errors):,} keep their rows from being "
                    f"assessed, {len(warned):,} are read with a warning; {len(suggested):,} have "
                    "a suggestion")
    lines = [f"coachmentor values: {found.rows:,} row(s) of {found.name}: "
             + ("; ".join(said) if said else "nothing to decide: every column and value is "
                "read plainly, or decided in the values file")]
    filled = [e for e in found.entries if e.use and e.problem]
    if filled:
        lines.append(f"  {len(filled):,} value(s) of this export are already decided in the "
                     "values file given")
    empty = [e for e in found.entries if e.problem == EMPTY and e.line == VALUE and not e.value]
    for g in found.guesses.values():
        lines.append(f"  no header names {g.fid}: column '{g.header}' looks like it ({g.why()}); "
                     f"write its header in the use of the '{g.fid}' column line (or run with "
                     f"{g.option()})")
    for e in empty:
        lines.append(f"  {e.count:,} row(s) have no {e.column or e.question}, which a "
                     "recommendation needs: fill them in the staff list")
    if output is not None:
        staff = shlex.quote(source)
        lines.append(f"  wrote {output}: in its 'use' column write the column each question is "
                     "in, and what each value means (the suggestion, another answer, or 'not "
                     "answered'), then:")
        lines.append(f"  coachmentor assess {staff} --values {shlex.quote(str(output))}")
    elif on_screen and decide:
        lines.append(f"  to fill them in: coachmentor values {shlex.quote(source)} -o values.csv")
    return "\n".join(lines) + "\n"


__all__ = ["summary_lines", "values_table"]
