"""`assess` and `match` at a terminal with no output named: the results as a table a person
can read, instead of a screenful of CSV, and the command that keeps them in a file.

Only row numbers, staff_ids and results are shown: never a name or a note (they stay in the
staff list and in a results file the person chooses to write).
"""

from __future__ import annotations

from typing import Any

from coachmentor.batch.sinks import ScreenRows
from coachmentor.engine import confidence_band
from coachmentor.render.console import box_for, glyphs
from coachmentor.render.text import band_word
from coachmentor.render.words import Wording
from coachmentor.textsafe import rich_text

NARROW = 80  # narrower terminals get one row after the other, not five columns
ALL_UP_TO = 25  # a list this long is shown whole ...
FIRST = 20  # ... a longer one by its first rows (the summary below counts them all)


def screen_rows() -> ScreenRows:
    """What `assess_file(screen=...)` keeps for `results_table`."""
    return ScreenRows(ALL_UP_TO)


def _type_words(result: Any) -> str:
    parts = []
    if result.mentoring_type:
        parts.append(f"{result.mentoring_type.replace('_', ' ')} mentoring")
    if result.coaching_type:
        parts.append(f"{result.coaching_type.replace('_', ' ')} coaching")
    return " + ".join(parts)


def _recommendation(result: Any, words: Wording) -> str:
    if result.status != "ok":
        return words.rec("errors")
    text = words.rec(result.recommendation)
    if result.recommendation == "other" and result.alternative:
        text += ": " + words.alternative(result.alternative)
    kinds = _type_words(result)
    return f"{text} ({kinds})" if kinds else text


def what_to_do(result: Any) -> str:
    """A row's error, or its warnings, for a person at a terminal: a value not read is quoted
    only when it is choice-like (batch.reading.Shown), never free text in full."""
    if result.status != "ok":
        errors = [p for p in result.problems if p.error]
        if errors and "; ".join(p.message() for p in errors) == result.error:
            return "; ".join(p.message(shared=True, brief=True) for p in errors)
        from coachmentor.batch.summary import without_cell_values

        return without_cell_values(result.error)
    return " ".join((*(p.message(shared=True, brief=True) for p in result.problems),
                     *result.warnings))


def _confidence(result: Any, rules: Any) -> str:
    if result.confidence is None:
        return ""
    band = confidence_band(result.confidence)
    return f"{result.confidence:.2f} {band_word(rules, band) if rules is not None else band}"


def results_table(screen: ScreenRows, words: Wording, rules: Any, console: Any) -> None:
    """Draw the kept rows (all of them when there are few, else the first FIRST)."""

    shown = screen.kept if screen.whole else screen.kept[:FIRST]
    if not shown:
        return
    if console.width < NARROW:
        _stacked(shown, words, rules, console)
    else:
        _columns(shown, words, rules, console)
    _more_rows(console, screen.rows - len(shown))


def _more_rows(console: Any, more: int) -> None:
    """Under a table that shows the first rows only: how many more there are."""
    from rich.text import Text

    if more > 0:
        dots = "..." if glyphs(console).ascii else "…"
        console.print(Text(f"{dots} and {more:,} more row(s), counted in the summary below.",
                           style="dim"))


def _stacked(shown: list[Any], words: Wording, rules: Any, console: Any) -> None:
    """Below NARROW columns: a row's number, then its id, result and confidence, and what to
    fix under them, in whole words (five columns would cut them)."""
    from rich.table import Table

    g = glyphs(console)
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column()
    for number, staff_id, result in shown:
        cell = rich_text(staff_id, "bold")
        style = "red" if result.status != "ok" else ""
        cell.append(f" {g.dot} ")
        cell.append_text(rich_text(_recommendation(result, words), style))
        confidence = _confidence(result, rules)
        if confidence:
            cell.append(f" {g.dot} {confidence}")
        todo = what_to_do(result)
        if todo:
            cell.append("\n")
            cell.append_text(rich_text(todo, "dim" if result.status == "ok" else ""))
        grid.add_row(str(number), cell)
    console.print(grid)


def _columns(shown: list[Any], words: Wording, rules: Any, console: Any) -> None:
    from rich import box
    from rich.table import Table

    table = Table(box=box_for(console, box.SIMPLE_HEAD), show_edge=False, pad_edge=False,
                  header_style="bold", expand=False)
    table.add_column("Row", justify="right", no_wrap=True)
    table.add_column(words.header("staff_id", "staff_id"), overflow="fold")
    table.add_column("Recommendation", ratio=3, overflow="fold")
    table.add_column("Confidence", no_wrap=True)
    table.add_column("What to do", ratio=4, overflow="fold")
    for number, staff_id, result in shown:
        todo = what_to_do(result)
        style = "red" if result.status != "ok" else ""
        table.add_row(str(number), rich_text(staff_id),
                      rich_text(_recommendation(result, words), style),
                      _confidence(result, rules), rich_text(todo))
    console.print(table)


def pairs_table(records: list[dict[str, Any]], console: Any) -> None:
    """`match`'s records for a person: who gets which support from whom, or why nobody (the
    first FIRST of a longer list); below NARROW columns one pair after the other."""
    from rich import box
    from rich.table import Table

    shown = records if len(records) <= ALL_UP_TO else records[:FIRST]
    if not shown:
        return
    narrow = console.width < NARROW
    if narrow:
        table = Table.grid(padding=(0, 1))
        table.add_column(justify="right", no_wrap=True)
        table.add_column()
    else:
        table = Table(box=box_for(console, box.SIMPLE_HEAD), show_edge=False, pad_edge=False,
                      header_style="bold", expand=False)
        table.add_column("Row", justify="right", no_wrap=True)
        table.add_column("staff_id", overflow="fold")
        table.add_column("Support", ratio=2, overflow="fold")
        table.add_column("From", overflow="fold")
        table.add_column("Why", ratio=5, overflow="fold")
    dot = glyphs(console).dot
    for r in shown:
        kind, who, why, style = _pair_cells(r)
        sid = str(r.get("staff_id") or "")
        if narrow:
            cell = rich_text(sid, "bold")
            cell.append(f" {dot} ")
            cell.append_text(rich_text(kind + (f" from {who}" if who else ""), style))
            if why:
                cell.append("\n")
                cell.append_text(rich_text(why, "dim"))
            table.add_row(str(r.get("row") or ""), cell)
        else:
            table.add_row(str(r.get("row") or ""), rich_text(sid), rich_text(kind, style),
                          rich_text(who), rich_text(why))
    console.print(table)
    _more_rows(console, len(records) - len(shown))


def _pair_cells(r: dict[str, Any]) -> tuple[str, str, str, str]:
    """(the support, from whom, why, a style) of one of match's records."""
    kind = " ".join(x for x in (str(r.get("type") or "").replace("_", " "),
                                str(r.get("support") or "")) if x)
    status = r.get("status")
    if status == "matched":
        check = f"; check: {r['flag']}" if r.get("flag") else ""
        return kind, str(r.get("supporter_id") or ""), str(r.get("reasons") or "") + check, ""
    if status == "unmatched":
        fix = f"; fix: {r['fix']}" if r.get("fix") else ""
        return kind, "nobody", str(r.get("unmatched_reason") or "") + fix, "yellow"
    if status == "error":
        return "could not be assessed", "", str(r.get("error") or ""), "red"
    return "another kind first", "", str(r.get("reasons") or ""), ""


def keep_hint(command: str, arguments: list[str], name: str,
              stdin: bool = False) -> tuple[str, str]:
    """What to do to keep every result in a file, and the command: this run's own arguments
    (every option that shaped what was shown) and `-o name`, on a line of its own to copy
    whole; said last, so it stays on screen."""
    from coachmentor.render.command import command_line

    xlsx = name.rsplit(".", 1)[0] + ".xlsx"
    same = " and the same standard input" if stdin else ""
    return (f"To keep every result in a file (-o {xlsx} for Excel{same}):",
            "  " + command_line([command, *arguments, "-o", name]))
