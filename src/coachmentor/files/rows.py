"""A row whose cells do not line up with the header, as every command that reads a staff list
treats it (`assess`, `match`): the same words, and the same caution.

Such a row (a cell left out, or an unquoted comma inside a name) may have every cell shifted:
the name can sit under `staff_id`. So it is an error row, whatever its cells hold; under
`--redact` every cell of it but an accepted answer becomes a pseudonym (`SHIFTED` says so);
and without `--redact` its `staff_id` is not quoted in any message or summary (it may be a
name), only its row number.
"""

from __future__ import annotations

from coachmentor.files.messages import column

SHIFTED = ("its cells may be shifted, so every cell but an accepted answer is pseudonymised "
           "(--redact)")


def min_width(header: list[str]) -> int:
    """The cells a row must have: trailing columns with no header may be missing."""
    return max((i + 1 for i, h in enumerate(header) if h.strip()), default=0)


def misfit(row: list[str], header: list[str], delimiter: str | None,
           ) -> tuple[str | None, list[str]]:
    """What is wrong with the number of cells in `row` (None: nothing: a row that lacks only
    the cells of trailing columns with no header, or has only blank cells beyond the header,
    lines up), and the non-blank values beyond the header's last column. `row` is cut or
    padded to the header's width."""
    width, least = len(header), min_width(header)

    def label(i: int) -> str:
        return column(header[i], i)

    problem, extra = None, []
    if len(row) > width:
        extra = [c for c in row[width:] if c.strip()]
        if extra:
            shown = "tab" if delimiter == "\t" else (delimiter or ",")
            problem = (f"the row has {len(row)} cells but the header has {width}: "
                       f"{len(extra)} value(s) after the last column {label(width - 1)} (an "
                       f"unquoted '{shown}' inside a cell?)")
        del row[width:]
    elif len(row) < width:
        if len(row) < least:
            missing = [label(i) for i in range(len(row), least) if header[i].strip()]
            more = len(missing) - 4
            problem = (f"the row has {len(row)} cells but the header has {width}: no cell for "
                       f"{', '.join(missing[:4])}{f' and {more} more' if more > 0 else ''}")
        row.extend([""] * (width - len(row)))
    return problem, extra
