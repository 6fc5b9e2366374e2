"""Refused rows, each explained: the file, the sheet, the row, the field and what was expected.

A cell's content is never quoted in a message (a name typed in a date cell, or a note about
someone's health in the wrong column, must not reach a terminal or a log): the message says
what the cell should hold instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from coachmentor.errors import EXIT_ROW_ERRORS, CoachmentorError


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None
    field: str
    expected: str
    sheet: str | None = None
    staff_id: str = ""

    def line(self) -> str:
        where = [self.file]
        if self.sheet:
            where.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            where.append(f"row {self.row}" + (f" (staff_id {self.staff_id})" if self.staff_id
                                               else ""))
        return f"{': '.join(where)}: {self.field}: {self.expected}"


class Refused(CoachmentorError):
    """Some rows cannot be recorded: nothing was written (exit 1). `problems` lists them all."""

    exit_code = EXIT_ROW_ERRORS

    def __init__(self, problems: list[Problem], what: str, db_name: str) -> None:
        n = len({(p.file, p.sheet, p.row) for p in problems})
        super().__init__(f"{what}: {n} row{'s' if n != 1 else ''} refused (listed above); nothing "
                         f"was written to {db_name}",
                         hint="correct them and run the same command again")
        self.problems = problems


class Collector:
    """Problems gathered over a whole file, so that one run lists every refused row."""

    def __init__(self, file: str, sheet: str | None = None) -> None:
        self.file = file
        self.sheet = sheet
        self.problems: list[Problem] = []

    def add(self, row: int | None, field: str, expected: str, staff_id: str = "") -> None:
        self.problems.append(Problem(self.file, row, field, expected, self.sheet, staff_id))

    def __bool__(self) -> bool:
        return bool(self.problems)
