"""`coachmentor template --supporters`: a ready-to-fill supporters file (CSV or .xlsx with a
drop-down list for offers, career_stage and trained). The example rows are made up."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from coachmentor.match.people import STAGES

HEADER = ["staff_id", "name", "offers", "career_stage", "capacity", "school", "subject",
          "phase", "trained", "specialisms"]
EXAMPLES = [
    ["S201", "Example Mentor", "mentoring", "middle_leader", "2", "Oakfield Primary", "KS1",
     "primary", "yes", "induction"],
    ["S203", "Example Coach", "both", "senior_leader", "1", "Hillcrest High", "Science",
     "secondary", "yes", "leadership;executive"],
]
LISTS = {"offers": ["coaching", "mentoring", "both"], "career_stage": list(STAGES),
         "phase": ["primary", "secondary", "all-through", "special"],
         "trained": ["yes", "no"]}


def supporters_csv() -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerows([HEADER, *EXAMPLES])
    return buf.getvalue()


def supporters_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "supporters"
    ws.append(HEADER)
    for row in EXAMPLES:
        ws.append([int(c) if c.isdigit() else c for c in row])
    for name, values in LISTS.items():
        col = get_column_letter(HEADER.index(name) + 1)
        dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
        ws.add_data_validation(dv)
        dv.add(f"{col}2:{col}1000")
    cap = DataValidation(type="whole", operator="between", formula1="0", formula2="1000")
    ws.add_data_validation(cap)
    cap.add("E2:E1000")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_supporters_template(output: Path | None, fmt: str | None, *, force: bool,
                              bom: bool | None = None) -> str:
    from coachmentor.batch.template import check_template_output, choose_template_format
    from coachmentor.files.atomic import with_bom, write_output, write_stdout

    fmt = choose_template_format(fmt, output)
    check_template_output(output, fmt, force)
    if output is None:
        write_stdout(with_bom(supporters_csv(), bom, None).encode("utf-8"))
        return fmt
    write_output(output, with_bom(supporters_csv(), bom, output) if fmt == "csv"
                 else supporters_xlsx(), private=False)
    return fmt
