"""The words of batch errors: one line each, naming the file, the row or line, the column and
what was expected — and never a name or free text from the input (only the values of scored
columns, the header texts and staff_id are ever shown)."""

from __future__ import annotations

import codecs
from typing import Any

from coachmentor.errors import InputFileError
from coachmentor.textsafe import printable

MAX_SHOWN = 40


def shown(text: str, limit: int = MAX_SHOWN) -> str:
    """A value fit to quote in one line: control characters escaped, long text cut."""
    out = printable(text)
    return out if len(out) <= limit else out[: limit - 3] + "..."


def stale_note(removed: list[str]) -> str:
    """The line that says which killed run's temporary files a run removed (atomic.py)."""
    return (f"  note: removed {len(removed)} temporary file(s) left by an earlier run that was "
            "killed: " + ", ".join(f"'{shown(name, 400)}'" for name in removed[:5]))


def column(header: str, index: int) -> str:
    """How a column is named in messages: its header, or its position if the header is blank."""
    text = header.strip()
    return f"'{shown(text)}'" if text else f"column {index + 1} (no header)"


def _encoding_hint(encoding: str) -> tuple[str, str]:
    """(what the bytes were tried as, an --encoding to suggest)."""
    if encoding in ("utf-8-sig", "auto"):
        return "UTF-8 or cp1252", "latin-1"
    suggestion = "cp1252" if codecs.lookup(encoding).name != "cp1252" else "latin-1"
    return encoding, suggestion


def decode_failure(name: str, encoding: str, byte: int, line: int | None) -> InputFileError:
    where = f" on line {line}" if line else ""
    tried, suggestion = _encoding_hint(encoding)
    return InputFileError(
        f"{name}: cannot decode byte 0x{byte:02x}{where} as {tried}; "
        f"name the file's encoding with --encoding (e.g. --encoding {suggestion})"
    )


def bad_bytes(encoding: str, byte: int) -> str:
    """A row's note for a cell that held bytes the file's encoding does not allow ({column}
    is filled in by the caller)."""
    tried, suggestion = _encoding_hint(encoding)
    return (
        f"{{column}} held bytes that are not valid in the file's encoding ({tried}; first "
        f"byte 0x{byte:02x}), shown as U+FFFD; name the file's encoding with --encoding "
        f"(e.g. --encoding {suggestion})"
    )


def no_saved_value(cell: str) -> str:
    """A row's note for a formula cell without a cached value (.xlsx)."""
    return (
        f"cell {cell} ({{column}}) holds a formula with no saved value: open and save the "
        "workbook in Excel, or export CSV"
    )


def csv_failure(exc: BaseException, table: Any, where: str = "", row: int | None = None,
                line: int | None = None) -> InputFileError:
    """A file-level error for what stops the csv reader: an unclosed quote, a cell past the
    limit. (A byte that does not decode never stops it: table.py marks it, row by row.)"""
    end_line = table.line()
    text = str(exc)
    at = ", ".join(x for x in (f"row {row}" if row else "", f"line {line}" if line else "") if x)
    at = f" ({at})" if at else f" {where}" if where else ""
    if "unexpected end of data" in text:
        return InputFileError(
            f"{table.name}: a quoted cell is never closed{at}: the file ends inside it (line "
            f"{end_line}), so everything after its opening quote would be one cell; "
            "check the quotes"
        )
    if "field larger than field limit" in text:
        # our own bound on a cell (files/table/records.py), never the csv module's setting
        from coachmentor.files.table.base import FIELD_LIMIT

        limit = _size(FIELD_LIMIT)
        if any('"' in line for line in table.lines or ()):
            return InputFileError(
                f"{table.name}: a cell{at} runs on past {limit} (to line {end_line}): probably "
                "a quote that is never closed; check the quotes")
        return InputFileError(
            f"{table.name}: a cell{at} is longer than {limit}, with no quote in it (a "
            "spreadsheet cell holds at most 32,767 characters): the file is damaged, or not a "
            "staff list; refusing it")
    return InputFileError(f"{table.name}{at}: cannot read this row as CSV: "
                          f"{record_problem(text)}")


def record_problem(reason: str) -> str:
    """What the csv reader's refusal of a record means, in our words (its own for the rest)."""
    if "expected after" in reason:
        return ('text follows a closing quote; a quote inside a cell must be doubled ("") and '
                "the whole cell quoted")
    return reason


def _size(n: int) -> str:
    """A size for a message: '32 MiB', '128 KiB', '512 characters'."""
    for unit, shift in (("MiB", 20), ("KiB", 10)):
        if n >= 1 << shift and n % (1 << shift) == 0:
            return f"{n >> shift:,} {unit}"
    return f"{n:,} characters"
