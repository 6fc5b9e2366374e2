"""`coachmentor template`: a ready-to-fill staff list, as CSV or as an .xlsx workbook whose
answer columns offer the allowed values as drop-down lists (data validation)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import IO

from coachmentor.errors import InputFileError
from coachmentor.files.formats import TEMPLATE_FORMATS
from coachmentor.rulebase.ruleset import RuleSet

EXAMPLE = {
    "staff_id": "S0001",
    "name": "Sam Example",
    "department": "Science",
    "career_stage": "early_career",
    "focus": "induction",
    "new_to_role": "no",
    "assessment_needed": "yes",
    "time_frame": "long",
    "reflective_capacity": "moderate",
    "preference": "advice",
    "open_to_coaching": "unsure",
    "readiness_concern": "none",
}
VALIDATED_ROWS = 2000


def template_columns(rules: RuleSet) -> tuple[list[str], list[str]]:
    """The header (info fields, then questions, as canonical ids) and one example row."""
    header = [*rules.info_fields, *rules.question_order]
    example = []
    for fid in header:
        value = EXAMPLE.get(fid, "")
        if fid in rules.questions and value not in rules.choice_values[fid]:
            value = rules.choice_values[fid][0]
        example.append(value)
    return header, example


def choose_template_format(fmt: str | None, output: Path | None) -> str:
    """As for every command (files/formats.py): --format, else the -o name; a name no format
    has (staff.md) is refused rather than filled with CSV."""
    from coachmentor.files.formats import format_for

    return format_for(fmt, output, formats=TEMPLATE_FORMATS,
                      by_suffix={".csv": "csv", ".txt": "csv", ".xlsx": "xlsx"}, default="csv",
                      accepted=".csv or .xlsx", unsupported=(".xlsm", ".xls", ".ods"))


def check_template_output(output: Path | None, fmt: str, force: bool) -> None:
    """Where a template may go: never over a file unless --force (a device or pipe is written
    into), never in a folder that is not there; a workbook needs a file name."""
    if output is None:
        if fmt == "xlsx":
            raise InputFileError("--format xlsx writes a workbook: give its file name with -o FILE")
        return
    from coachmentor.files.paths import check_files

    check_files([], [("-o/--output", output)])
    if output.is_file() and not force:
        raise InputFileError(f"{output} already exists; use --force to replace it")


def write_template(rules: RuleSet, output: Path | None, fmt: str | None = None, *,
                   force: bool = False, stdout: IO[str] | None = None,
                   bom: bool | None = None) -> str:
    """Write the template; returns the format written. `bom`: a byte order mark on CSV (None:
    when it is written to a file, for Excel)."""
    fmt = choose_template_format(fmt, output)
    check_template_output(output, fmt, force)
    from coachmentor.files.atomic import with_bom, write_output, write_stdout

    # No personal data in a template (its example row is made up): a new file gets the
    # usual mode (0666 less the umask), not the 0600 kept for results.
    if fmt == "csv":
        text = with_bom(template_csv(rules), bom, output)
        if output is None:
            if stdout is not None:
                stdout.write(text)
            else:
                write_stdout(text.encode("utf-8"))
        else:
            write_output(output, text, private=False)
        return fmt
    write_output(output, template_xlsx(rules), private=False)  # type: ignore[arg-type]
    return fmt


def template_csv(rules: RuleSet) -> str:
    header, example = template_columns(rules)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerow(example)
    return buf.getvalue()


def template_xlsx(rules: RuleSet) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    header, example = template_columns(rules)
    wb = Workbook()
    ws = wb.active
    ws.title = "staff"
    ws.append(header)
    ws.append(example)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for i, fid in enumerate(header, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = bold
        cell.fill = fill
        ws.column_dimensions[get_column_letter(i)].width = max(14, len(fid) + 4)
    ws.freeze_panes = "A2"

    choices = wb.create_sheet("choices")
    guide = wb.create_sheet("guide")
    guide.append(["field", "required", "question", "allowed values", "meaning"])
    for c in guide[1]:
        c.font = bold
    for fid, info in rules.info_fields.items():
        guide.append([fid, "no", info.label, "any text", "carried through unchanged"])
    for q in rules.questions.values():
        values = rules.choice_values[q.id]
        labels = "; ".join(f"{c.value} = {c.label}" for c in q.choices)
        guide.append([q.id, "yes" if q.required else "no", q.prompt, ", ".join(values), labels])
    for col, width in zip("ABCDE", (20, 9, 60, 50, 90)):
        guide.column_dimensions[col].width = width
    for row in guide.iter_rows(min_row=2):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")

    for n, fid in enumerate(rules.question_order, start=1):
        values = rules.choice_values[fid]
        letter = get_column_letter(n)
        choices.cell(row=1, column=n, value=fid).font = bold
        for r, value in enumerate(values, start=2):
            choices.cell(row=r, column=n, value=value)
        q = rules.questions[fid]
        dv = DataValidation(
            type="list",
            formula1=f"=choices!${letter}$2:${letter}${len(values) + 1}",
            allow_blank=not q.required,
            showErrorMessage=True,
            errorTitle="Not an accepted value"[:32],
            error=f"Choose one of: {', '.join(values)}"[:255],
            showInputMessage=True,
            promptTitle=fid[:32],
            prompt=q.prompt[:255],
        )
        target = get_column_letter(header.index(fid) + 1)
        dv.add(f"{target}2:{target}{VALIDATED_ROWS}")
        ws.add_data_validation(dv)
    choices.sheet_state = "hidden"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
